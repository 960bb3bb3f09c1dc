/* sparkline.c: ring of datapoints -> cells (see sparkline.h). */
#include <math.h>

#include "sparkline.h"

static const char *const blocks[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
static const char *const ascii[8] = { "_", ".", ":", "-", "=", "+", "*", "#" };

int sparkline_render(const struct sparkline *s, const struct ring *r, int width,
		     struct cell *out)
{
	unsigned len = ring_len(r), shown, first;
	double lo = s->lo, hi = s->hi;
	int pad;

	if (width <= 0)
		return 0;
	shown = len < (unsigned)width ? len : (unsigned)width;
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
