/* cmd_sim.c: `cutover sim --scenario FILE ...`, the rehearsal endpoint in the
 * foreground.  The first line on stdout names the URL, so scripts and tests
 * can start it on --port 0 and read the port back. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cutover/cli.h"
#include "cli/cmd_sim.h"
#include "cli/commands.h"

/* Set by the handler when a signal reaches a thread that does not block it
 * (a sanitizer's or a library's helper thread started before ours). */
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

void sim_cli_block_signals(sigset_t *set)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int sim_cli_wait(const sigset_t *set)
{
	const struct timespec tick = { 0, 200 * 1000000L };

	while (!got_signal) {
		int sig = sigtimedwait(set, NULL, &tick);

		if (sig > 0)
			return sig;
	}
	return got_signal;
}

static void url_of(const struct sim_server *s, char *out, size_t outsz)
{
	const char *addr = sim_server_listen_address(s);

	snprintf(out, outsz, strchr(addr, ':') ? "http://[%s]:%u" : "http://%s:%u", addr,
		 sim_server_port(s));
}

void sim_cli_print_exports(FILE *out, const struct sim_server *s)
{
	const struct sim_scenario *sc = sim_server_scenario(s);
	const struct sim_credential *c = &sc->creds[0];
	char url[128];

	url_of(s, url, sizeof(url));
	fprintf(out, "export AWS_ENDPOINT_URL=%s\n", url);
	fprintf(out, "export AWS_ACCESS_KEY_ID=%s\n", c->access_key_id);
	fprintf(out, "export AWS_SECRET_ACCESS_KEY='%s'\n", c->secret_access_key);
	if (c->session_token)
		fprintf(out, "export AWS_SESSION_TOKEN='%s'\n", c->session_token);
	else
		fprintf(out, "unset AWS_SESSION_TOKEN\n");
	fprintf(out, "export AWS_REGION=%s AWS_DEFAULT_REGION=%s\n", sc->region, sc->region);
}

void sim_cli_setenv(const struct sim_server *s)
{
	const struct sim_scenario *sc = sim_server_scenario(s);
	const struct sim_credential *c = &sc->creds[0];
	char url[128];

	url_of(s, url, sizeof(url));
	setenv("AWS_ENDPOINT_URL", url, 1);
	setenv("AWS_ACCESS_KEY_ID", c->access_key_id, 1);
	setenv("AWS_SECRET_ACCESS_KEY", c->secret_access_key, 1);
	if (c->session_token)
		setenv("AWS_SESSION_TOKEN", c->session_token, 1);
	else
		unsetenv("AWS_SESSION_TOKEN");
	setenv("AWS_REGION", sc->region, 1);
	setenv("AWS_DEFAULT_REGION", sc->region, 1);
	/* Nothing else from a profile may redirect or re-sign the calls. */
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_SECURITY_TOKEN");
}

static int usage_error(const char *fmt, ...) CUTOVER_PRINTF(1, 2);

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cutover sim: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	cli_usage("sim");
	return CLI_EXIT_USAGE;
}

int cmd_sim(int argc, char **argv)
{
	struct sim_server_options opt = { 0 };
	struct cutover_err err = { 0 };
	struct sim_server *srv = NULL;
	const char *scenario = NULL;
	char url[128];
	sigset_t set;
	int sig;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (strcmp(a, "--no-auth") == 0) {
			opt.no_auth = true;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			printf("usage: cutover sim --scenario FILE [--port N] [--speed X] [--seed S] [--listen ADDR] [--no-auth]\n\n"
			       "Serve the AWS APIs the console uses (Step Functions, SSM, CloudWatch, STS)\n"
			       "from a scenario file on http://127.0.0.1:PORT until Ctrl-C.  docs/sim.md.\n");
			return CLI_EXIT_OK;
		}
		if (strcmp(a, "--scenario") && strcmp(a, "--port") && strcmp(a, "--speed") &&
		    strcmp(a, "--seed") && strcmp(a, "--listen"))
			return usage_error("unknown argument %s", a);
		if (!v)
			return usage_error("%s needs a value", a);
		i++;
		errno = 0;
		if (strcmp(a, "--scenario") == 0) {
			scenario = v;
		} else if (strcmp(a, "--listen") == 0) {
			opt.listen = v;
		} else if (strcmp(a, "--port") == 0) {
			long p = strtol(v, &end, 10);

			if (errno || *end || end == v || p < 0 || p > 65535)
				return usage_error("--port %s: give a TCP port 0..65535 (0 picks a free one)", v);
			opt.port = (unsigned)p;
		} else if (strcmp(a, "--speed") == 0) {
			double x = strtod(v, &end);

			if (errno || *end || end == v || !isfinite(x) || x <= 0 || x > 10000)
				return usage_error("--speed %s: give a factor above 0 and up to 10000 (2 = twice as fast)", v);
			opt.speed = x;
		} else {
			unsigned long long x;

			if (v[0] == '-')
				return usage_error("--seed %s: give a non-negative integer", v);
			x = strtoull(v, &end, 10);
			if (errno || *end || end == v)
				return usage_error("--seed %s: give a non-negative integer", v);
			opt.seed = (uint64_t)x;
		}
	}
	if (!scenario)
		return usage_error("%s", "--scenario FILE is required (see docs/sim.md and docs/examples/*.scenario.json)");

	if (sim_server_create(scenario, &opt, &srv, &err)) {
		fprintf(stderr, "cutover sim: %s\n", err.msg);
		return CLI_EXIT_USAGE;
	}
	sim_cli_block_signals(&set);
	if (sim_server_start(srv, &err)) {
		fprintf(stderr, "cutover sim: %s\n", err.msg);
		sim_server_destroy(srv);
		return CLI_EXIT_FAIL;
	}
	url_of(srv, url, sizeof(url));
	printf("cutover sim listening on %s\n", url);
	printf("# scenario %s (%s), region %s, speed %g, seed %" PRIu64 "%s\n",
	       sim_server_scenario(srv)->name, scenario, sim_server_scenario(srv)->region,
	       opt.speed > 0 ? opt.speed : 1.0, opt.seed, opt.no_auth ? ", signatures NOT checked" : "");
	printf("# point AWS tools at it:\n");
	sim_cli_print_exports(stdout, srv);
	printf("# Ctrl-C stops it.\n");
	fflush(stdout);
	sig = sim_cli_wait(&set);
	fprintf(stderr, "cutover sim: %s, stopping\n", sig == SIGINT ? "interrupted" : "terminated");
	sim_server_destroy(srv);
	return CLI_EXIT_OK;
}
