/* sparkline.c: ring of datapoints -> cells (see sparkline.h). */
#include <math.h>
#include <stdbool.h>

#include "sparkline.h"

static const char *const blocks[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
static const char *const ascii[8] = { "_", ".", ":", "-", "=", "+", "*", "#" };

/* Braille dots from the bottom up: left column 7 3 2 1, right 8 6 5 4. */
static const unsigned dots_left[4] = { 0x40, 0x04, 0x02, 0x01 };
static const unsigned dots_right[4] = { 0x80, 0x20, 0x10, 0x08 };

/* Level 0-3 of v on lo..hi, or -1 for a gap. */
static int level4(double v, double lo, double hi)
{
	double f;

	if (!isfinite(v))
		return -1;
	if (!(hi > lo))
		return 0;
	f = (v - lo) / (hi - lo) * 4;
	return f < 0 ? 0 : f >= 3 ? 3 : (int)f;
}

static void braille(const struct sparkline *s, const struct ring *r, int width, unsigned first,
		    unsigned shown, double lo, double hi, struct cell *out)
{
	/* The newest point goes in the right column of the last cell. */
	int cells = (int)(shown + 1) / 2, pad = width - cells;
	long k = (long)first + (long)shown - 2 * (long)cells; /* point of cell 0's left column */

	for (int i = 0; i < pad; i++)
		cell_set(&out[i], " ", ROLE_DIM);
	for (int c = 0; c < cells; c++, k += 2) {
		int l = k >= (long)first ? level4(ring_get(r, (unsigned)k), lo, hi) : -1;
		int rt = level4(ring_get(r, (unsigned)(k + 1)), lo, hi);
		unsigned bits = 0;
		char g[4];

		for (int d = 0; d <= l; d++)
			bits |= dots_left[d];
		for (int d = 0; d <= rt; d++)
			bits |= dots_right[d];
		if (!bits) {
			cell_set(&out[pad + c], " ", ROLE_DIM);
			continue;
		}
		/* U+2800 + bits in UTF-8: E2 A0|bits>>6 80|bits&63 */
		g[0] = (char)0xe2;
		g[1] = (char)(0xa0 | bits >> 6);
		g[2] = (char)(0x80 | (bits & 0x3f));
		g[3] = '\0';
		cell_set(&out[pad + c], g, s->role);
	}
}

int sparkline_render(const struct sparkline *s, const struct ring *r, int width,
		     struct cell *out)
{
	bool use_braille = s->braille && !s->ascii;
	unsigned len = ring_len(r), shown, first, per = use_braille ? 2 : 1;
	double lo = s->lo, hi = s->hi;
	int pad;

	if (width <= 0)
		return 0;
	shown = len < (unsigned)width * per ? len : (unsigned)width * per;
	first = len - shown;
	pad = width - (int)shown;
	if (isnan(lo) || isnan(hi)) {
		double mn = INFINITY, mx = -INFINITY;

		for (unsigned i = first; i < len; i++) {
			double v = ring_get(r, i);
			if (!isfinite(v))
				continue;
			mn = v < mn ? v : mn;
			mx = v > mx ? v : mx;
		}
		if (isnan(lo))
			lo = mn > 0 ? 0 : mn;
		if (isnan(hi))
			hi = mx;
	}
	if (use_braille) {
		braille(s, r, width, first, shown, lo, hi, out);
		return width;
	}
	for (int i = 0; i < pad; i++)
		cell_set(&out[i], " ", ROLE_DIM);
	for (unsigned i = 0; i < shown; i++) {
		double v = ring_get(r, first + i);
		int level = 0;

		if (!isfinite(v)) {
			cell_set(&out[pad + (int)i], " ", ROLE_DIM);
			continue;
		}
		if (hi > lo) {
			double f = (v - lo) / (hi - lo) * 8;
			level = f < 0 ? 0 : f >= 7 ? 7 : (int)f;
		}
		cell_set(&out[pad + (int)i], s->ascii ? ascii[level] : blocks[level], s->role);
	}
	return width;
}
