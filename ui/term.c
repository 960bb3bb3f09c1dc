/* term.c: curses set-up and the guaranteed restore (see term.h).
 *
 * The crash path cannot call endwin() (not async-signal-safe), so the reset
 * strings are looked up in terminfo at start and kept in a static buffer
 * that the handler only write()s. */
#include <errno.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <curses.h>
#include <term.h>

#include "term.h"

struct term {
	SCREEN *screen;
	bool utf8;
	struct sigaction old[NSIG];
};

static const int quit_signals[] = { SIGINT, SIGTERM, SIGHUP };
static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
#define N_QUIT (sizeof(quit_signals) / sizeof(quit_signals[0]))
#define N_CRASH (sizeof(crash_signals) / sizeof(crash_signals[0]))

/* Process-wide because signal handlers can reach nothing else. */
static volatile sig_atomic_t pending_signal;
static struct term *current;
static struct termios saved_tty;
static bool have_saved_tty;
static char reset_seq[512];
static size_t reset_len;

static void on_quit_signal(int sig)
{
	pending_signal = sig;
}

static void on_crash(int sig)
{
	ssize_t w;

	/* Only async-signal-safe calls: write(2), tcsetattr(3), signal(2). */
	if (reset_len)
		w = write(STDOUT_FILENO, reset_seq, reset_len);
	if (have_saved_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
	(void)w;
	signal(sig, SIG_DFL);
	raise(sig);
}

static void add_reset(const char *cap_name)
{
	/* tigetstr takes a char * in older curses headers. */
	char name[16];
	const char *s;
	size_t n;

	snprintf(name, sizeof(name), "%s", cap_name);
	s = tigetstr(name);
	if (!s || s == (char *)-1)
		return;
	n = strlen(s);
	if (reset_len + n < sizeof(reset_seq)) {
		memcpy(reset_seq + reset_len, s, n);
		reset_len += n;
	}
}

static void add_raw(const char *s)
{
	size_t n = strlen(s);

	if (reset_len + n < sizeof(reset_seq)) {
		memcpy(reset_seq + reset_len, s, n);
		reset_len += n;
	}
}

static void install_handlers(struct term *t)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit_signal;
	for (size_t i = 0; i < N_QUIT; i++)
		sigaction(quit_signals[i], &sa, &t->old[quit_signals[i]]);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < N_CRASH; i++)
		sigaction(crash_signals[i], &sa, &t->old[crash_signals[i]]);
}

static void restore_handlers(struct term *t)
{
	for (size_t i = 0; i < N_QUIT; i++)
		sigaction(quit_signals[i], &t->old[quit_signals[i]], NULL);
	for (size_t i = 0; i < N_CRASH; i++)
		sigaction(crash_signals[i], &t->old[crash_signals[i]], NULL);
}

enum cutover_status term_create(struct term **out, bool mouse, struct cutover_err *err)
{
	struct term *t;
	const char *type = getenv("TERM");

	*out = NULL;
	if (current)
		return cutover_errf(err, CUTOVER_EINVAL, "the terminal is already in use");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cutover_errf(err, CUTOVER_EUNSUPPORTED,
				    "the console needs a terminal on stdin and stdout; for "
				    "scripts use 'cutover status RUNBOOK --json'");
	if (!type || !*type)
		return cutover_errf(err, CUTOVER_EUNSUPPORTED,
				    "TERM is not set; set it to your terminal's type "
				    "(e.g. TERM=xterm-256color)");
	t = calloc(1, sizeof(*t));
	if (!t)
		return cutover_errf(err, CUTOVER_ENOMEM, "out of memory opening the terminal");
	have_saved_tty = tcgetattr(STDIN_FILENO, &saved_tty) == 0;
	t->screen = newterm(NULL, stdout, stdin);
	if (!t->screen) {
		free(t);
		return cutover_errf(err, CUTOVER_EUNSUPPORTED,
				    "unknown terminal type TERM=%s; try TERM=xterm-256color", type);
	}
	set_term(t->screen);
	t->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	raw();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	/* A lone Esc cannot be told from the first byte of a key's escape
	 * sequence until this delay passes, so every Esc waits it out: 10 ms
	 * (tmux 3.5's escape-time) keeps Esc inside a 60 Hz frame, and one key's
	 * sequence arrives in one write even over ssh.  ESCDELAY, when set,
	 * still decides (curses read it at initscr). */
	if (!getenv("ESCDELAY"))
		set_escdelay(10);
	curs_set(0);
	if (has_colors())
		start_color();
	reset_len = 0;
	if (mouse) {
		mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
		mouseinterval(0);
		/* Every xterm mouse mode curses may have turned on. */
		add_raw("\033[?1000l\033[?1002l\033[?1003l\033[?1006l");
	}
	add_reset("sgr0");
	/* Palette colours a theme redefined (can_change_color) go back too. */
	add_reset("oc");
	add_reset("cnorm");
	add_reset("rmkx");
	add_reset("rmcup");
	add_raw("\r\n");
	pending_signal = 0;
	install_handlers(t);
	current = t;
	*out = t;
	return CUTOVER_OK;
}

void term_destroy(struct term *t)
{
	if (!t)
		return;
	curs_set(1);
	endwin();
	if (have_saved_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
	restore_handlers(t);
	delscreen(t->screen);
	if (current == t)
		current = NULL;
	reset_len = 0;
	free(t);
}

int term_take_signal(struct term *t)
{
	int sig = pending_signal;

	(void)t;
	pending_signal = 0;
	return sig;
}

bool term_utf8(const struct term *t)
{
	return t->utf8;
}

int term_fd(const struct term *t)
{
	(void)t;
	return STDIN_FILENO;
}
