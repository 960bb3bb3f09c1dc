/* aws_test_util.h: helpers shared by the AWS client tests (header-only so
 * each test stays one executable): start and stop a loopback helper process,
 * a fixed-credentials callback, a client aimed at one base URL, and a
 * monotonic clock.  Everything binds and connects to 127.0.0.1 only. */
#ifndef CUTOVER_AWS_TEST_UTIL_H
#define CUTOVER_AWS_TEST_UTIL_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cutover/aws_client.h"
#include "cutover/aws_health.h"

struct test_creds {
	const char *akid, *secret, *token;
	int calls;
};

static inline enum cutover_status test_creds_fn(void *ctx, struct aws_credentials *out,
					 struct cutover_err *err)
{
	struct test_creds *t = ctx;
	struct aws_credentials c;

	(void)err;
	memset(&c, 0, sizeof(c));
	t->calls++;
	c.access_key_id = (char *)t->akid;
	c.secret_access_key = (char *)t->secret;
	c.session_token = (char *)t->token;
	snprintf(c.source, sizeof(c.source), "test");
	return aws_credentials_copy(out, &c);
}

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A port nobody listens on right now (bound then released). */
static inline int free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* Start argv; if port_from_stdout, read the first stdout line as the port.
 * stderr goes to log (or /dev/null).  Returns the pid or -1. */
static inline pid_t spawn(char *const argv[], int port_from_stdout, int *port, const char *log)
{
	int fds[2] = { -1, -1 };
	pid_t pid;

	if (port_from_stdout && pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int devnull = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (port_from_stdout) {
			dup2(fds[1], 1);
			close(fds[0]);
			close(fds[1]);
		} else if (devnull >= 0) {
			dup2(devnull, 1);
		}
		if (devnull >= 0)
			dup2(devnull, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (port_from_stdout) {
		char line[32];
		size_t n = 0;

		close(fds[1]);
		while (n + 1 < sizeof(line)) {
			ssize_t r = read(fds[0], line + n, 1);
			if (r <= 0 || line[n] == '\n')
				break;
			n++;
		}
		line[n] = '\0';
		close(fds[0]);
		*port = (int)strtol(line, NULL, 10);
		if (*port <= 0) {
			kill(pid, SIGTERM);
			waitpid(pid, NULL, 0);
			return -1;
		}
	}
	return pid;
}

static inline void stop_child(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/* A client whose every service goes to base_url. */
static inline struct aws_client *client_for(const char *base_url, struct test_creds *cr,
				     long timeout_ms, int max_attempts)
{
	struct aws_client_config cfg;
	struct aws_client *c = NULL;
	struct cutover_err err;

	memset(&cfg, 0, sizeof(cfg));
	cfg.region = "eu-west-1";
	for (int i = 0; i < AWS_SVC_COUNT; i++)
		cfg.endpoints[i] = base_url;
	cfg.credentials = test_creds_fn;
	cfg.credentials_ctx = cr;
	cfg.connect_timeout_ms = 2000;
	cfg.timeout_ms = timeout_ms;
	cfg.max_attempts = max_attempts;
	cfg.backoff_base_ms = 10;
	cfg.backoff_cap_ms = 50;
	cfg.jitter_seed = 42;
	if (aws_client_create(&cfg, &c, &err) != CUTOVER_OK) {
		fprintf(stderr, "aws_client_create: %s\n", err.msg);
		return NULL;
	}
	return c;
}

#endif
