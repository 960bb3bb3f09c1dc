/* rollback_exec.c: one exec step's process (see rollback_exec.h).
 *
 * posix_spawnp rather than fork+exec: the runner is one thread of a
 * threaded process, and spawn does the child's setup (process group,
 * signal mask and dispositions, descriptors) without running our code in
 * the child.  The child gets its own process group so that a timeout or an
 * abort kills everything it started (a `sh -c "a | b"` included). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/rollback_exec.h"

#define TAIL_LINES 20
#define LINE_MAX_KEPT 400
#define KILL_GRACE_S 2.0

extern char **environ;

struct tail {
	char lines[TAIL_LINES][LINE_MAX_KEPT];
	size_t first, count; /* ring */
	char partial[LINE_MAX_KEPT];
	size_t plen;
	bool overlong; /* the partial line was cut */
};

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void tail_render(const struct tail *t, char *out, size_t n)
{
	size_t used = 0;

	if (!n)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < t->count; i++) {
		const char *l = t->lines[(t->first + i) % TAIL_LINES];
		int w = snprintf(out + used, n - used, "%s%s", i ? "\n" : "", l);

		if (w < 0 || (size_t)w >= n - used)
			break;
		used += (size_t)w;
	}
	/* An unfinished last line is output too (a prompt, a progress bar). */
	if (t->plen && used < n) {
		int w = snprintf(out + used, n - used, "%s%.*s", t->count ? "\n" : "", (int)t->plen,
		                 t->partial);
		(void)w;
	}
}

/* Keep text printable: a command's output may hold escape sequences that
 * must not reach the console or the audit export as such. */
static char clean(char c)
{
	unsigned char u = (unsigned char)c;

	return (u < 0x20 && c != '\t') || u == 0x7f ? '?' : c;
}

static void tail_line_done(struct tail *t)
{
	size_t slot;

	if (t->count < TAIL_LINES) {
		slot = (t->first + t->count) % TAIL_LINES;
		t->count++;
	} else {
		slot = t->first;
		t->first = (t->first + 1) % TAIL_LINES;
	}
	memcpy(t->lines[slot], t->partial, t->plen);
	t->lines[slot][t->plen] = '\0';
	t->plen = 0;
	t->overlong = false;
}

/* Feed bytes; returns whether a line completed. */
static bool tail_feed(struct tail *t, const char *buf, size_t n)
{
	bool done = false;

	for (size_t i = 0; i < n; i++) {
		char c = buf[i];

		if (c == '\r')
			continue;
		if (c == '\n') {
			tail_line_done(t);
			done = true;
			continue;
		}
		if (t->plen < LINE_MAX_KEPT - 4) {
			t->partial[t->plen++] = clean(c);
		} else if (!t->overlong) {
			memcpy(t->partial + t->plen, "...", 3);
			t->plen += 3;
			t->overlong = true;
		}
	}
	return done;
}

static const char *tail_last(const struct tail *t)
{
	if (!t->count)
		return "";
	return t->lines[(t->first + t->count - 1) % TAIL_LINES];
}

static bool reap(pid_t pid, int *status)
{
	pid_t w;

	do {
		w = waitpid(pid, status, WNOHANG);
	} while (w < 0 && errno == EINTR);
	return w == pid;
}

enum cutover_status rollback_exec_run(char *const argv[], char *const envp[], double timeout_s,
                                      int (*should_abort)(void *ctx), void *abort_ctx,
                                      rollback_exec_output_fn on_output, void *output_ctx,
                                      char *tail_out, size_t tail_len,
                                      struct rollback_exec_result *res)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	struct tail *t = NULL;
	sigset_t none, dfl;
	int fds[2] = {-1, -1};
	pid_t pid = -1;
	int rc, status = 0;
	double start = mono(), kill_at = 0;
	bool reaped = false, eof = false, fa_init = false, at_init = false;
	enum cutover_status st = CUTOVER_OK;

	memset(res, 0, sizeof(*res));
	if (tail_len)
		tail_out[0] = '\0';
	t = calloc(1, sizeof(*t));
	if (!t)
		return CUTOVER_ENOMEM;
	/* The read end must not leak into the child (nor into other
	 * commands spawned meanwhile): close-on-exec on both, the child's
	 * copies are made by dup2, which clears it. */
	if (pipe(fds) != 0) {
		snprintf(res->error, sizeof(res->error), "cannot make a pipe for the output: %s",
		         strerror(errno));
		st = CUTOVER_EIO;
		goto out;
	}
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);

	if (posix_spawn_file_actions_init(&fa) != 0 || posix_spawnattr_init(&at) != 0) {
		st = CUTOVER_ENOMEM;
		goto out;
	}
	fa_init = at_init = true;
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGQUIT);
	sigaddset(&dfl, SIGHUP);
	sigaddset(&dfl, SIGWINCH);
	sigaddset(&dfl, SIGCHLD);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	                                  POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, envp ? envp : environ);
	close(fds[1]);
	fds[1] = -1;
	if (rc != 0) {
		snprintf(res->error, sizeof(res->error), "cannot run '%s': %s%s", argv[0],
		         strerror(rc),
		         rc == ENOENT && !strchr(argv[0], '/') ? " (not found on PATH)" : "");
		st = CUTOVER_EEXEC;
		goto out;
	}
	res->spawned = true;

	for (;;) {
		struct pollfd p = {fds[0], POLLIN, 0};
		double now;
		int n = eof ? 0 : 1;

		rc = poll(n ? &p : NULL, (nfds_t)n, 100);
		if (rc > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
			char buf[4096];
			ssize_t got;

			while ((got = read(fds[0], buf, sizeof(buf))) > 0)
				if (tail_feed(t, buf, (size_t)got) && on_output) {
					char rendered[4096];

					tail_render(t, rendered, sizeof(rendered));
					on_output(output_ctx, rendered, tail_last(t));
				}
			if (got == 0)
				eof = true;
		}
		if (!reaped && reap(pid, &status))
			reaped = true;
		if (reaped && eof)
			break;
		now = mono();
		if (reaped) {
			/* Something the command left behind in its group holds the
			 * pipe: do not wait for it beyond a moment. */
			if (kill_at == 0)
				kill_at = now;
			if (now - kill_at > 0.5)
				break;
			continue;
		}
		if (kill_at == 0) {
			if (should_abort && should_abort(abort_ctx))
				res->aborted = true;
			else if (timeout_s > 0 && now - start >= timeout_s)
				res->timed_out = true;
			if (res->aborted || res->timed_out) {
				kill(-pid, SIGTERM);
				kill_at = now;
			}
		} else if (now - kill_at >= KILL_GRACE_S) {
			kill(-pid, SIGKILL);
		}
	}
	if (!reaped) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (res->timed_out || res->aborted)
		kill(-pid, SIGKILL); /* whatever of the group is left */
	if (WIFEXITED(status)) {
		res->exited = true;
		res->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		res->signal = WTERMSIG(status);
	}
out:
	if (fa_init)
		posix_spawn_file_actions_destroy(&fa);
	if (at_init)
		posix_spawnattr_destroy(&at);
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	if (tail_len)
		tail_render(t, tail_out, tail_len);
	free(t);
	return st;
}
