/* status_line.h: the status line (the bottom frame row) as cells: key
 * hints on the left, each source's freshness on the right:
 *
 *   └ ? help  : command  / filter  q quit ──────────── polled 2s ago ✔ ┘
 *   └ ? help  : command ──── metrics stale 2m · ThrottlingException ⚠ ┘
 *
 * While every source is fresh one summary says so (with the oldest age);
 * before the first answers it says "first poll…";
 * stale sources are named with their age and last error, then, when that
 * does not fit, without the error, then only counted.  The hints come from
 * the keymap (keymap_hints), so a rebinding shows.  Pure. */
#ifndef CUTOVER_STATUS_LINE_H
#define CUTOVER_STATUS_LINE_H

#include <stddef.h>

#include "cell.h"
#include "keys.h"

/* How fresh one data source is, as the engine reports it. */
struct source_view {
	const char *name;  /* "flags", "metrics", ... */
	double age_s;      /* since the last good answer; NaN: never */
	bool stale;        /* older than its interval allows */
	const char *error; /* the last error (remote text), NULL when none */
};

/* Render into exactly width cells (0 when width < 2).  flags:
 * SAFE_TEXT_ASCII.  Needs a UTF-8 LC_CTYPE unless ASCII. */
int status_line_render(const struct keymap *km, const struct key_hint *hints, size_t nhints,
		       const struct source_view *src, size_t nsrc, int width, unsigned flags,
		       struct cell *out);

#endif
