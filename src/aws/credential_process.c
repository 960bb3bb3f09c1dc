/* credential_process.c: start a credential helper without a shell, collect
 * its output under a size cap and a deadline, and parse it.
 *
 * posix_spawnp is used rather than fork so that a multi-threaded console does
 * not duplicate its address space, and so the child gets a clean signal mask
 * (workers block SIGINT/SIGTERM/SIGWINCH/SIGPIPE, and a spawned child would
 * otherwise inherit that).  The word splitting is written here because no
 * POSIX function splits without expanding: wordexp() also runs $VAR,
 * ~ and (without WRDE_NOCMD) command substitution. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aws_credentials_json.h"
#include "credential_process.h"
#include "cutover/copy_trunc.h"
#include "cutover/strbuf.h"
#include "cutover/termsafe.h"

extern char **environ;

#define STDERR_KEEP 4096

void credential_process_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

static enum cutover_status push_word(char ***argv, size_t *argc, struct strbuf *word)
{
	char **v = realloc(*argv, (*argc + 2) * sizeof(**argv));

	if (!v)
		return CUTOVER_ENOMEM;
	*argv = v;
	v[*argc] = strbuf_take(word);
	if (!v[*argc])
		return CUTOVER_ENOMEM;
	v[++*argc] = NULL;
	return CUTOVER_OK;
}

enum cutover_status credential_process_split(const char *cmd, char ***argv_out,
					     struct cutover_err *err)
{
	struct strbuf word = STRBUF_INIT;
	char **argv = NULL;
	size_t argc = 0;
	bool in_word = false;
	enum cutover_status st = CUTOVER_OK;
	const char *p = cmd;

	*argv_out = NULL;
	while (st == CUTOVER_OK && *p) {
		char c = *p++;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (in_word)
				st = push_word(&argv, &argc, &word);
			in_word = false;
			continue;
		}
		in_word = true;
		if (c == '\\') {
			if (*p)
				st = strbuf_append(&word, p++, 1);
		} else if (c == '\'') {
			const char *end = strchr(p, '\'');

			if (!end) {
				st = cutover_errf(err, CUTOVER_EPARSE, "unterminated ' quote");
				goto out;
			}
			st = strbuf_append(&word, p, (size_t)(end - p));
			p = end + 1;
		} else if (c == '"') {
			for (;;) {
				if (!*p) {
					st = cutover_errf(err, CUTOVER_EPARSE,
							  "unterminated \" quote");
					goto out;
				}
				if (*p == '"') {
					p++;
					break;
				}
				/* inside "...", backslash escapes only \ " $ ` as in sh */
				if (*p == '\\' && p[1] && strchr("\\\"$`", p[1]))
					p++;
				st = strbuf_append(&word, p++, 1);
				if (st != CUTOVER_OK)
					break;
			}
		} else {
			st = strbuf_append(&word, &c, 1);
		}
	}
	if (st == CUTOVER_OK && in_word)
		st = push_word(&argv, &argc, &word);
	if (st == CUTOVER_ENOMEM)
		cutover_errf(err, st, "out of memory");
	if (st == CUTOVER_OK && argc == 0)
		st = cutover_errf(err, CUTOVER_EPARSE, "the command is empty");
out:
	strbuf_free(&word);
	if (st != CUTOVER_OK) {
		credential_process_argv_free(argv);
		return st;
	}
	*argv_out = argv;
	return CUTOVER_OK;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int set_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl < 0 ? -1 : fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

/* The last non-empty line of the child's stderr, printable ASCII only and
 * short, to tell a person why the helper failed (e.g. "SSO session expired"). */
static void stderr_tail(const struct strbuf *sb, char *out, size_t size)
{
	const char *s = strbuf_str(sb);
	size_t end = sb->len, start, n = 0;

	out[0] = '\0';
	while (end > 0 && (s[end - 1] == '\n' || s[end - 1] == '\r' || s[end - 1] == ' '))
		end--;
	start = end;
	while (start > 0 && s[start - 1] != '\n')
		start--;
	for (size_t i = start; i < end && n + 1 < size; i++)
		out[n++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[n] = '\0';
}

static void wipe(struct strbuf *sb)
{
	if (sb->data)
		memset(sb->data, 0, sb->cap);
	strbuf_free(sb);
}

enum cutover_status credential_process_run(const char *cmd, const char *what, int timeout_ms,
					   struct aws_credentials *out,
					   struct cutover_err *err)
{
	struct strbuf sout = STRBUF_INIT, serr = STRBUF_INIT;
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	bool fa_init = false, attr_init = false, too_big = false, timed_out = false;
	char **argv = NULL, tail[200];
	enum cutover_status st;
	struct cutover_err perr;
	pid_t pid = -1;
	int status = 0, rc;
	long long deadline;
	sigset_t none, dflt;
	char prog[201];

	memset(out, 0, sizeof(*out));
	st = credential_process_split(cmd, &argv, &perr);
	if (st != CUTOVER_OK) {
		st = cutover_errf(err, st, "%s cannot be split into words: %s; fix the quoting",
				  what, perr.msg);
		goto out;
	}
	/* The program's name as messages quote it: it comes from a config file
	 * and ends up on a terminal, so no control bytes. */
	copy_trunc(prog, sizeof(prog), argv[0]);
	termsafe_scrub(prog);
	if (pipe(outp) != 0 || pipe(errp) != 0 || set_cloexec(outp[0]) || set_cloexec(outp[1]) ||
	    set_cloexec(errp[0]) || set_cloexec(errp[1])) {
		st = cutover_errf(err, CUTOVER_EEXEC, "%s: cannot create a pipe: %s", what,
				  strerror(errno));
		goto out;
	}
	if (posix_spawn_file_actions_init(&fa) != 0) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory", what);
		goto out;
	}
	fa_init = true;
	if (posix_spawnattr_init(&attr) != 0) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory", what);
		goto out;
	}
	attr_init = true;
	/* dup2 clears close-on-exec on 1 and 2; every other pipe end closes at exec */
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE);
	sigaddset(&dflt, SIGINT);
	sigaddset(&dflt, SIGTERM);
	sigaddset(&dflt, SIGHUP);
	sigaddset(&dflt, SIGWINCH);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	/* its own process group, so a timeout kills the helper's children too
	 * (`aws` forks python, which may hold our pipe open) */
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
					POSIX_SPAWN_SETPGROUP);
	rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	if (rc != 0) {
		pid = -1;
		st = cutover_errf(err, CUTOVER_EEXEC,
				  "%s: cannot run \"%s\": %s; use a full path or fix PATH", what,
				  prog, strerror(rc));
		goto out;
	}
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;

	deadline = now_ms() + timeout_ms;
	while (outp[0] >= 0 || errp[0] >= 0) {
		struct pollfd pfd[2];
		nfds_t n = 0;
		long long left = deadline - now_ms();
		char buf[4096];

		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (outp[0] >= 0)
			pfd[n++] = (struct pollfd){ .fd = outp[0], .events = POLLIN };
		if (errp[0] >= 0)
			pfd[n++] = (struct pollfd){ .fd = errp[0], .events = POLLIN };
		rc = poll(pfd, n, (int)(left > 1000 ? 1000 : left));
		if (rc < 0 && errno != EINTR) {
			st = cutover_errf(err, CUTOVER_EEXEC, "%s: poll: %s", what, strerror(errno));
			goto out;
		}
		for (nfds_t i = 0; rc > 0 && i < n; i++) {
			bool is_out = pfd[i].fd == outp[0];
			ssize_t r;

			if (!pfd[i].revents)
				continue;
			r = read(pfd[i].fd, buf, sizeof(buf));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				close(pfd[i].fd);
				*(is_out ? &outp[0] : &errp[0]) = -1;
				continue;
			}
			if (is_out) {
				if (sout.len + (size_t)r > CREDENTIAL_PROCESS_MAX_OUTPUT) {
					too_big = true;
					break;
				}
				if (strbuf_append(&sout, buf, (size_t)r) != CUTOVER_OK) {
					st = cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory",
							  what);
					goto out;
				}
			} else if (serr.len < STDERR_KEEP) {
				size_t keep = (size_t)r;

				if (keep > STDERR_KEEP - serr.len)
					keep = STDERR_KEEP - serr.len;
				if (strbuf_append(&serr, buf, keep) != CUTOVER_OK)
					keep = 0;   /* stderr is only a hint; drop it */
			}
			memset(buf, 0, sizeof(buf));
		}
		if (too_big)
			break;
	}
	/* the pipes are closed (or we gave up): reap the child within the deadline */
	while (!timed_out && !too_big) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid) {
			pid = -1;
			break;
		}
		if (w < 0 && errno != EINTR) {
			st = cutover_errf(err, CUTOVER_EEXEC, "%s: waitpid: %s", what,
					  strerror(errno));
			goto out;
		}
		if (now_ms() >= deadline) {
			timed_out = true;
			break;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
	}
	stderr_tail(&serr, tail, sizeof(tail));
	if (timed_out) {
		st = cutover_errf(err, CUTOVER_ETIMEOUT,
				  "%s (\"%.200s\") did not finish within %d ms and was killed; run it "
				  "by hand to see what it waits for (a login prompt?)",
				  what, argv[0], timeout_ms);
		goto out;
	}
	if (too_big) {
		st = cutover_errf(err, CUTOVER_EPARSE,
				  "%s (\"%.200s\") printed more than %d bytes; it must print one "
				  "JSON object", what, argv[0], CREDENTIAL_PROCESS_MAX_OUTPUT);
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char how[64];

		if (WIFEXITED(status))
			snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(status));
		else
			snprintf(how, sizeof(how), "was killed by signal %d",
				 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		st = cutover_errf(err, CUTOVER_EEXEC, "%s (\"%s\") %s%s%s%s; run it by hand to "
				  "see why", what, prog, how, tail[0] ? " (stderr: \"" : "",
				  tail, tail[0] ? "\")" : "");
		goto out;
	}
	st = aws_credentials_from_json(strbuf_str(&sout), sout.len, AWS_CREDS_DOC_PROCESS, out,
				       &perr);
	if (st != CUTOVER_OK)
		st = cutover_errf(err, st,
				  "%s (\"%.200s\") printed something that is not credential JSON "
				  "(%s); it must print {\"Version\": 1, \"AccessKeyId\": ..., "
				  "\"SecretAccessKey\": ..., \"SessionToken\": ..., \"Expiration\": ...}",
				  what, argv[0], perr.msg);
out:
	if (pid > 0) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	if (fa_init)
		posix_spawn_file_actions_destroy(&fa);
	if (attr_init)
		posix_spawnattr_destroy(&attr);
	credential_process_argv_free(argv);
	wipe(&sout);
	strbuf_free(&serr);
	if (st != CUTOVER_OK)
		aws_credentials_clear(out);
	return st;
}
