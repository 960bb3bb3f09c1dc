/* sparkline.h: a gauge's recent datapoints as one row of cells, newest at
 * the right (▁▂▃▄▅▆▇█; ASCII "_.:-=+*#").  A period with no data is a blank
 * cell, so a gap in the metric reads as a gap, not as zero: that is why the
 * ASCII ramp starts at '_' rather than ' '.
 *
 * Braille packs two points per cell at four levels each (⣀⣤⣶⣿), for twice the
 * history in the same width; the lowest level is one dot, so zero still
 * differs from a gap. */
#ifndef CUTOVER_SPARKLINE_H
#define CUTOVER_SPARKLINE_H

#include <stdbool.h>

#include "cell.h"
#include "cutover/ring.h"

struct sparkline {
	double lo, hi;        /* the scale; NaN: from the data, with 0 as the
			       * floor for non-negative data (so a flat error
			       * rate of 5% does not look like zero) */
	enum theme_role role; /* role of the data cells */
	bool ascii;
	bool braille;         /* two points a cell (ignored when ascii) */
};

/* Render the newest min(width, ring_len) points of r (twice that in
 * braille) right-aligned into out[0..width), blank cells on the left; returns the cells written (0 when
 * width <= 0).  Non-finite points are gaps; points outside lo..hi are
 * clamped to the lowest / highest level.  Pure. */
int sparkline_render(const struct sparkline *s, const struct ring *r, int width,
		     struct cell *out);

#endif
