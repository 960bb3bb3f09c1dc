/* view.h: the console's panels as an ops table (after tig's view_ops).
 *
 * A panel is a list of rows drawn from one engine snapshot: the console
 * owns the snapshot, the selection and the scroll position; a view only
 * counts its rows (after the filter), titles its frame and draws the rows
 * asked for.  Key handling that is the same for every list (moving,
 * paging, Enter) stays in the console, which keeps views pure functions
 * of (snapshot, filter, selection).  Main thread only (curses). */
#ifndef CUTOVER_VIEW_H
#define CUTOVER_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "cutover/engine.h"
#include "cutover/rollback.h"
#include "keys.h"
#include "layout.h"
#include "palette.h"

/* What handling a key asks of the console (htop's HandlerResult). */
enum view_result {
	VIEW_IGNORED = 0,
	VIEW_HANDLED = 1,
	VIEW_REDRAW = 2,
	VIEW_RELAYOUT = 4,
	VIEW_QUIT = 8,
};

/* Everything a view reads; borrowed for one draw. */
struct view_ctx {
	const struct engine_snapshot *snap;
	const struct runbook *rb; /* the snapshot's definitions point into it */
	const struct palette *pal;
	const struct keymap *km;
	unsigned tflags;          /* SAFE_TEXT_ASCII on a terminal that is not UTF-8 */
	double now;               /* the engine's clock, for ages and elapsed times */
	const char *filter;       /* "" shows every row */
	bool focused;             /* the selection is shown */
	bool utc;                 /* clocks in UTC rather than local time */
	const bool *flag_pending; /* per snapshot flag: a change is in flight; NULL: none */
	const struct rollback_auto_view *autos; /* the auto-rollback triggers, published by
	                                         * the rollback worker; NULL: none */
	size_t nautos;
	double wall; /* the wall clock, for a countdown's time left */
};

/* The auto-rollback view of gauge g, or NULL when it has no auto trigger. */
const struct rollback_auto_view *view_auto_of(const struct view_ctx *v,
                                              const struct runbook_gauge *g);

/* Whether a countdown of a runs, here or in another front end (remote),
 * and until when (wall clock, epoch seconds).  Pure. */
bool view_auto_counting(const struct rollback_auto_view *a, double *deadline);

/* A gauge's auto-rollback state in words: "auto armed by alice · 120s",
 * "auto off", "AUTO-ROLLBACK in 1:47", "auto cancelled by bob".  Pure. */
void view_auto_text(const struct rollback_auto_view *a, double wall, unsigned tflags, char *buf,
                    size_t cap);

struct view_ops {
	const char *name;
	/* Rows after the filter. */
	int (*rows)(const struct view_ctx *v);
	/* The frame title, e.g. "Phases 3/5". */
	void (*title)(const struct view_ctx *v, char *buf, size_t cap);
	/* Draw rows top.. into all of w; sel is highlighted when focused. */
	void (*draw)(WINDOW *w, const struct view_ctx *v, int top, int sel);
};

/* One per layout panel, in layout order. */
extern const struct view_ops *const view_panels[LAYOUT_PANEL_COUNT];

/* The snapshot index behind a filtered row of the phases, gauges or flags
 * panel; -1 when there is none. */
int view_row_index(enum layout_panel p, const struct view_ctx *v, int row);

/* Whether text holds filter, ignoring case ("" matches everything). */
bool view_match(const char *text, const char *filter);

/* The rollback plan the console recommends now: the plan of a triggered
 * gauge, else the current phase's, else "full", else the first.  why gets
 * a short reason.  NULL when the runbook has no plan. */
const struct runbook_plan *view_recommended_plan(const struct engine_snapshot *s, char *why,
                                                 size_t cap);

/* The banner text for the first unacknowledged trigger ("" for none);
 * returns its gauge id (borrowed from the runbook) or NULL. */
const char *view_banner_text(const struct engine_snapshot *s, char *buf, size_t cap);

/* A gauge's value as text with its unit ("6.1%", "no data"). */
char *view_gauge_value(const struct engine_gauge_view *g, char *buf, size_t cap);

/* A flag's value as shown ("ON", "25%", "LEGACY"; NULL when unknown). */
const char *view_flag_value(const struct engine_flag_view *f, char *buf, size_t cap);

/* The last part of an ARN or path ("alice" from ...:assumed-role/ops/alice). */
const char *view_short_name(const char *arn);

#endif
