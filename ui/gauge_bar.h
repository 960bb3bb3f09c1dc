/* gauge_bar.h: a horizontal bar for a gauge's value with its warn and
 * critical marks, as cells (after btop's meters).  Unicode uses eighth blocks
 * (▏▎▍▌▋▊▉█) so a narrow bar still moves visibly; ASCII uses '#' and '.'.
 *
 *   ██████▌····|····|      value 6.1 on 0..16, warn 11, critical 16 (width 17)
 *   ######.....|....|      the same in ASCII
 *
 * Marks stay visible inside the filled part too: the colour of the state and
 * the word beside the bar say where the value is; the marks say where the
 * lines are.  The critical mark wins when both fall on one cell. */
#ifndef CUTOVER_GAUGE_BAR_H
#define CUTOVER_GAUGE_BAR_H

#include <stdbool.h>

#include "cell.h"

struct gauge_bar {
	double value;          /* NaN: no data (an empty bar, marks only) */
	double min, max;       /* the scale; max <= min: an empty bar */
	double warn, critical; /* NaN, or outside the scale: no mark */
	enum theme_role fill;  /* role of the filled cells: the gauge's state */
	bool ascii;
};

/* Render b into out[0..width); returns the cells written (0 when width <= 0).
 * Values below min give an empty bar, above max a full one.  Pure. */
int gauge_bar_render(const struct gauge_bar *b, int width, struct cell *out);

#endif
