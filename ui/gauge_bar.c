/* gauge_bar.c: value -> cells for a gauge's bar (see gauge_bar.h). */
#include <math.h>

#include "gauge_bar.h"

static const char *const eighths[8] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };

/* The fraction of the scale at v, or NaN when v is not on it. */
static double frac(double v, double min, double max)
{
	double f;

	if (isnan(v) || !(max > min))
		return NAN;
	f = (v - min) / (max - min);
	return f < 0 ? 0 : f > 1 ? 1 : f;
}

/* The cell holding threshold t, or -1 when there is none. */
static int mark_at(double t, double min, double max, int width)
{
	double f;
	int i;

	if (isnan(t) || !(max > min) || t < min || t > max)
		return -1;
	f = (t - min) / (max - min);
	i = (int)floor(f * width);
	return i >= width ? width - 1 : i;
}

int gauge_bar_render(const struct gauge_bar *b, int width, struct cell *out)
{
	double f;
	long units, per;
	int warn, crit;

	if (width <= 0)
		return 0;
	f = frac(b->value, b->min, b->max);
	/* Fill in eighths of a cell (Unicode) or whole cells (ASCII). */
	per = b->ascii ? 1 : 8;
	units = isnan(f) ? 0 : lround(f * width * per);
	for (int i = 0; i < width; i++) {
		long have = units - (long)i * per;

		if (have >= per)
			cell_set(&out[i], b->ascii ? "#" : "█", b->fill);
		else if (have > 0)
			cell_set(&out[i], eighths[have], b->fill);
		else
			cell_set(&out[i], b->ascii ? "." : "·", ROLE_DIM);
	}
	warn = mark_at(b->warn, b->min, b->max, width);
	crit = mark_at(b->critical, b->min, b->max, width);
	if (warn >= 0)
		cell_set(&out[warn], "|", ROLE_WARN);
	if (crit >= 0)
		cell_set(&out[crit], "|", ROLE_CRIT);
	return width;
}
