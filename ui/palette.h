/* palette.h: a resolved theme installed into curses as colour pairs.
 *
 * The one place where roles meet curses: one pair per role (pair number =
 * role + 1), palette slots redefined when the terminal allows it.  Everything
 * before this (parsing, downgrading) is pure and lives in theme.h. */
#ifndef CUTOVER_PALETTE_H
#define CUTOVER_PALETTE_H

#include <curses.h>

#include "cutover/status.h"
#include "theme.h"

/* The curses attributes of every role: a plain value owned by the console. */
struct palette {
	attr_t attr[ROLE_COUNT];
};

/* Install r into the current curses screen and fill p.  Call on the main
 * thread after initscr()/newterm() and, unless r->depth is MONO, after
 * start_color().  On failure (the terminal refused a pair) p falls back to
 * r's monochrome attributes and err says which role failed. */
enum cutover_status palette_install(struct palette *p, const struct theme_resolved *r,
				    struct cutover_err *err) CUTOVER_MUST_CHECK;

/* The attributes to draw role with (A_NORMAL for an out-of-range role). */
attr_t palette_attr(const struct palette *p, enum theme_role role);

#endif
