/* term.h: the terminal for the full-screen console: curses set up the way
 * the console needs it, and put back the way the shell had it on every way
 * out: term_destroy, SIGINT, SIGTERM and SIGHUP (noted, so the main loop
 * quits through term_destroy), and a crash (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 * SIGABRT: the handler writes the terminal's own reset strings and the saved
 * tty modes with async-signal-safe calls, then lets the signal kill us).
 *
 * Curses runs in raw mode, so Ctrl-C is the key 3 (C-c), not SIGINT: it does
 * not quit by accident in the middle of a cutover.  A SIGINT sent by kill
 * still asks to quit.  One terminal per process; main thread only (it owns
 * curses).  The signal handlers are process-wide state by necessity. */
#ifndef CUTOVER_TERM_H
#define CUTOVER_TERM_H

#include <stdbool.h>

#include "cutover/status.h"

struct term;

/* Set up curses on stdin/stdout.  mouse turns on click reporting.  Fails
 * with a clear message when stdin or stdout is not a terminal, when TERM is
 * unknown, or when a term already exists.  *out is always set (NULL on
 * failure).  setlocale(LC_ALL, "") must have run (main does it). */
enum cutover_status term_create(struct term **out, bool mouse,
				struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Restore the terminal (endwin, tty modes, signal handlers).  NULL is a
 * no-op. */
void term_destroy(struct term *t);

/* The quit-asking signal received since the last call (SIGINT, SIGTERM,
 * SIGHUP), or 0; clears it.  Check it whenever poll() returns. */
int term_take_signal(struct term *t);

/* Whether the terminal shows UTF-8 (else draw with the ASCII fallbacks). */
bool term_utf8(const struct term *t);

/* The file descriptor to poll() for keys. */
int term_fd(const struct term *t);

#endif
