/* pager.h: a scrollable page of text lines, each in a theme role: the phase
 * detail and the help screen.  Lines are sanitized when drawn (draw_text),
 * so remote text may go in as it is.  Main thread only. */
#ifndef CUTOVER_PAGER_H
#define CUTOVER_PAGER_H

#include <stddef.h>

#include <curses.h>

#include "cutover/status.h"
#include "keys.h"
#include "palette.h"

struct pager_line {
	char *text;
	enum theme_role role;
};

/* A plain value owning its lines; zero-initialize, pager_free to release. */
struct pager {
	struct pager_line *lines;
	size_t n, cap;
	int top; /* first line shown */
	char title[160];
};

/* Drop the lines (keep the scroll position and title). */
void pager_clear(struct pager *pg);
void pager_free(struct pager *pg);

/* Append one line.  CUTOVER_ENOMEM only. */
enum cutover_status pager_add(struct pager *pg, enum theme_role role, const char *fmt, ...)
    CUTOVER_PRINTF(3, 4) CUTOVER_MUST_CHECK;

/* Append text (may hold newlines and control characters) in its safe
 * form (safe_text), wrapped into lines of at most width display columns,
 * each prefixed by indent; never splits a character or an escape such as
 * \x1b, so all of it can be read.  Needs a UTF-8 LC_CTYPE for widths.
 * CUTOVER_ENOMEM only. */
enum cutover_status pager_add_wrapped(struct pager *pg, enum theme_role role, const char *indent,
                                      const char *text, int width) CUTOVER_MUST_CHECK;

/* Draw the visible lines into all of w. */
void pager_draw(struct pager *pg, WINDOW *w, const struct palette *pal, unsigned tflags);

/* Scroll for a moving action; returns true when it was one. */
bool pager_scroll(struct pager *pg, enum key_action a, int page);

#endif
