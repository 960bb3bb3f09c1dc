/* gauge_row.h: one gauge as one row of cells, the way the gauges panel
 * shows it: title, bar with its marks, value and unit, sparkline, state as
 * glyph + word (+ colour), and how long the state has held:
 *
 *   SFN error rate  ██████▌····|····|    6.1%  ▁▂▃▅▆▇  ▲ warn       3m
 *
 * The columns adapt to the width: the sparkline goes first, then the held
 * time, the state word, then the bar; the value, the state glyph and the
 * badge (auto-rollback's state) always stay.  The input
 * is a view of the engine's gauge that the console fills in.  Pure. */
#ifndef CUTOVER_GAUGE_ROW_H
#define CUTOVER_GAUGE_ROW_H

#include <stdbool.h>

#include "cell.h"
#include "cutover/ring.h"
#include "glyph.h"

struct gauge_row {
	const char *title;        /* the runbook's title */
	double value;             /* NaN: no data */
	const char *unit;         /* "%", "ms", ... or NULL */
	double min, max;          /* the bar's scale */
	double warn, critical;    /* NaN: no mark */
	const struct ring *history; /* recent datapoints; NULL: no sparkline */
	enum glyph_id state;      /* GLYPH_GAUGE_* */
	double held_s;            /* seconds in this state; NaN: unknown */
	bool stale;               /* the value is old: shown in ROLE_STALE */
	const char *badge;        /* a short tag kept at the row's end ("auto off",
				   * "auto armed", "auto 1:47"), or NULL */
	enum theme_role badge_role;
};

/* Render g into exactly width cells of out (0 when width <= 0).  flags:
 * SAFE_TEXT_ASCII.  Needs a UTF-8 LC_CTYPE unless ASCII. */
int gauge_row_render(const struct gauge_row *g, int width, unsigned flags, struct cell *out);

#endif
