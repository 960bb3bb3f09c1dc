/* test_ui_term.c: the terminal is put back on every way out.
 *
 * Each case runs this same program as a child on a fresh pseudo-terminal
 * (`test_ui_term --child MODE`), watches what it writes and the pty's modes
 * while it runs, and after it ends: raw while running, sane afterwards, the
 * alternate screen left, the cursor shown.  tests/screen/term_restore.sh
 * drives the same child in tmux to check the screen a person sees. */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curses.h>

#include "term.h"

static char self[4096];

/* --- the child: a minimal console loop ---------------------------------- */

static int child(const char *mode)
{
	struct term *t;
	struct cutover_err err;
	int ctrl_c = 0;

	if (term_create(&t, true, &err) != CUTOVER_OK) {
		fprintf(stderr, "term_create: %s\n", err.msg);
		return 2;
	}
	mvprintw(0, 0, "READY pid=%ld utf8=%d", (long)getpid(), term_utf8(t));
	refresh();
	/* The crashing modes wait for a key, so a watcher sees them running. */
	if (strcmp(mode, "crash") == 0 || strcmp(mode, "abort") == 0) {
		while (getch() == ERR)
			;
		if (strcmp(mode, "abort") == 0)
			abort();
		raise(SIGSEGV);
		return 3;
	}
	for (;;) {
		struct pollfd p = { term_fd(t), POLLIN, 0 };
		int sig, key;

		poll(&p, 1, 100);
		if ((sig = term_take_signal(t)) != 0) {
			term_destroy(t);
			signal(sig, SIG_DFL);
			raise(sig);
			return 4;
		}
		nodelay(stdscr, TRUE);
		while ((key = getch()) != ERR) {
			if (key == 'q') {
				term_destroy(t);
				printf("quit cleanly\n");
				return 0;
			}
			if (key == 3)
				mvprintw(1, 0, "C-c ignored (%d)", ++ctrl_c);
			else
				mvprintw(2, 0, "key %d   ", key);
			refresh();
		}
	}
}

/* --- the parent: a pty, the child on it, and what it leaves ------------- */

struct run {
	int master, slave;
	pid_t pid;
	char out[65536];
	size_t len;
};

static void start(struct run *r, const char *mode)
{
	struct winsize ws = { 24, 80, 0, 0 };
	const char *name;

	memset(r, 0, sizeof(*r));
	r->master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(r->master >= 0);
	assert_int_equal(grantpt(r->master), 0);
	assert_int_equal(unlockpt(r->master), 0);
	name = ptsname(r->master);
	assert_non_null(name);
	/* Held open by the parent so its modes can be read after the child. */
	r->slave = open(name, O_RDWR | O_NOCTTY);
	assert_true(r->slave >= 0);
	ioctl(r->master, TIOCSWINSZ, &ws);
	r->pid = fork();
	assert_true(r->pid >= 0);
	if (r->pid == 0) {
		int fd;

		setsid();
		fd = open(name, O_RDWR); /* becomes the controlling terminal */
		if (fd < 0)
			_exit(90);
		dup2(fd, 0);
		dup2(fd, 1);
		close(r->master);
		setenv("TERM", "xterm-256color", 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		execl(self, self, "--child", mode, (char *)NULL);
		_exit(91);
	}
}

/* Whether want occurs in the first len bytes of hay (which may hold NULs). */
static bool contains(const char *hay, size_t len, const char *want)
{
	size_t n = strlen(want);

	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(hay + i, want, n) == 0)
			return true;
	return false;
}

/* Where want first occurs in r's output (r->len when it does not). */
static size_t find(const struct run *r, const char *want)
{
	size_t n = strlen(want);

	for (size_t i = 0; i + n <= r->len; i++)
		if (memcmp(r->out + i, want, n) == 0)
			return i;
	return r->len;
}

/* Read the child's output until want appears (or the timeout). */
static bool read_until(struct run *r, const char *want, int timeout_ms)
{
	struct timespec t0, now;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { r->master, POLLIN, 0 };
		long spent;

		r->out[r->len] = '\0';
		if (want && contains(r->out, r->len, want))
			return true;
		clock_gettime(CLOCK_MONOTONIC, &now);
		spent = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
		if (spent >= timeout_ms)
			return false;
		if (poll(&p, 1, 50) > 0) {
			ssize_t n = read(r->master, r->out + r->len, sizeof(r->out) - 1 - r->len);
			if (n > 0)
				r->len += (size_t)n;
		}
	}
}

static int finish_run(struct run *r)
{
	int status = 0;

	for (int i = 0; i < 200; i++) {
		read_until(r, NULL, 50); /* keep draining */
		if (waitpid(r->pid, &status, WNOHANG) == r->pid)
			break;
	}
	read_until(r, NULL, 100);
	return status;
}

static void close_run(struct run *r)
{
	close(r->master);
	close(r->slave);
}

static void expect_raw(struct run *r)
{
	struct termios tio;

	assert_int_equal(tcgetattr(r->slave, &tio), 0);
	assert_false(tio.c_lflag & ICANON);
	assert_false(tio.c_lflag & ECHO);
	assert_false(tio.c_lflag & ISIG); /* Ctrl-C is a key, not SIGINT */
}

static void expect_restored(struct run *r, size_t after)
{
	struct termios tio;
	const char *rest = r->out + after;
	size_t left = r->len - after;

	assert_int_equal(tcgetattr(r->slave, &tio), 0);
	assert_true(tio.c_lflag & ICANON);
	assert_true(tio.c_lflag & ECHO);
	assert_true(tio.c_lflag & ISIG);
	/* xterm-256color: leave the alternate screen, show the cursor, mouse
	 * off (endwin says "?1006;1000l", the crash handler "?1000l"). */
	assert_true(contains(rest, left, "\033[?1049l"));
	assert_true(contains(rest, left, "\033[?25h"));
	assert_true(contains(rest, left, "1000l"));
}

static void test_crash_restores(void **state)
{
	static const struct { const char *mode; int sig; } cases[] = {
		{ "crash", SIGSEGV }, { "abort", SIGABRT },
	};
	(void)state;

	for (size_t i = 0; i < 2; i++) {
		struct run r;
		size_t ready;
		int status;

		start(&r, cases[i].mode);
		assert_true(read_until(&r, "READY", 10000));
		ready = find(&r, "READY");
		expect_raw(&r);
		assert_int_equal(write(r.master, "x", 1), 1);
		status = finish_run(&r);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), cases[i].sig);
		expect_restored(&r, ready);
		close_run(&r);
	}
}

static void test_quit_signals_restore(void **state)
{
	static const int sigs[] = { SIGTERM, SIGHUP, SIGINT };
	(void)state;

	for (size_t i = 0; i < 3; i++) {
		struct run r;
		size_t ready;
		int status;

		start(&r, "wait");
		assert_true(read_until(&r, "READY", 10000));
		ready = find(&r, "READY");
		expect_raw(&r);
		kill(r.pid, sigs[i]);
		status = finish_run(&r);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), sigs[i]);
		expect_restored(&r, ready);
		close_run(&r);
	}
}

static void test_ctrl_c_is_a_key_and_q_quits(void **state)
{
	struct run r;
	size_t ready;
	int status;
	(void)state;

	start(&r, "wait");
	assert_true(read_until(&r, "READY", 10000));
	assert_true(contains(r.out, r.len, "utf8=1"));
	ready = find(&r, "READY");
	assert_int_equal(write(r.master, "\003", 1), 1);
	assert_true(read_until(&r, "C-c ignored (1)", 10000));
	assert_int_equal(write(r.master, "q", 1), 1);
	status = finish_run(&r);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(contains(r.out + ready, r.len - ready, "quit cleanly"));
	expect_restored(&r, ready);
	close_run(&r);
}

static void test_refuses_without_terminal(void **state)
{
	struct term *t = (struct term *)1;
	struct cutover_err err = { 0 };
	int saved = dup(STDIN_FILENO);
	int null = open("/dev/null", O_RDONLY);
	(void)state;

	assert_true(saved >= 0 && null >= 0);
	dup2(null, STDIN_FILENO);
	assert_int_equal(term_create(&t, false, &err), CUTOVER_EUNSUPPORTED);
	assert_null(t);
	assert_non_null(strstr(err.msg, "needs a terminal"));
	dup2(saved, STDIN_FILENO);
	close(saved);
	close(null);
	term_destroy(NULL);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refuses_without_terminal),
		cmocka_unit_test(test_crash_restores),
		cmocka_unit_test(test_quit_signals_restore),
		cmocka_unit_test(test_ctrl_c_is_a_key_and_q_quits),
	};
	ssize_t n;

	if (argc == 3 && strcmp(argv[1], "--child") == 0) {
		setlocale(LC_ALL, "");
		return child(argv[2]);
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		fprintf(stderr, "test_ui_term: cannot find my own executable\n");
		return 1;
	}
	self[n] = '\0';
	return cmocka_run_group_tests(tests, NULL, NULL);
}
