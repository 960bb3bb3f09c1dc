/* gauge_row.c: a gauge as one row of cells (see gauge_row.h). */
#include <math.h>
#include <string.h>

#include "fmt.h"
#include "gauge_bar.h"
#include "gauge_row.h"
#include "safe_text.h"
#include "sparkline.h"

#define VALUE_W 8  /* "100.0%", "1.4 s", "12.5k ms" */
#define WORD_W 9   /* "triggered" */
#define HELD_W 5   /* "1h05m" */
#define TITLE_MIN 8
#define TITLE_MAX 24
#define BAR_MIN 4
#define BAR_MAX 40
#define SPARK_MAX 24
#define BADGE_W 10 /* "auto armed", "auto 10:00" */

static int blank(struct cell *out, int at, int n)
{
	return at + cells_blank(out + at, n, ROLE_NORMAL);
}

static int right(struct cell *out, int at, int n, const char *text, enum theme_role role,
		 unsigned flags)
{
	return at + cells_right(out + at, n, text, role, flags);
}

#define ROW_MAX 512

int gauge_row_render(const struct gauge_row *g, int width, unsigned flags, struct cell *dst)
{
	/* Built in a roomy row and copied, so that a width too small for the
	 * fixed columns cuts the row instead of overrunning dst. */
	struct cell row[ROW_MAX + 64], *out = row;
	int full = width;
	const struct glyph *st = glyph_get(g->state);
	bool ascii = flags & SAFE_TEXT_ASCII;
	char value[32], held[32];
	int title_w, bar_w = 0, spark_w = 0, held_w = 0, word_w = WORD_W, rest, at = 0;
	int title_cols, badge_w = 0;

	if (width <= 0)
		return 0;
	if (width > ROW_MAX)
		width = ROW_MAX;
	/* The value and the state glyph always show; the rest share the
	 * remainder in order of importance. */
	rest = width - (VALUE_W + 3); /* blank, value, blank, glyph */
	if (g->badge && rest >= BADGE_W + 1 + TITLE_MIN) {
		badge_w = BADGE_W;
		rest -= badge_w + 1;
	}
	if (rest >= 30 + word_w + 1)
		rest -= word_w + 1;            /* the state word */
	else
		word_w = 0;
	if (rest >= 40 + HELD_W + 1 && !isnan(g->held_s)) {
		held_w = HELD_W;
		rest -= held_w + 1;
	}
	if (g->history && rest >= 40) {
		spark_w = rest / 4 < SPARK_MAX ? rest / 4 : SPARK_MAX;
		rest -= spark_w + 1;
	}
	title_cols = cells_from_text(row, TITLE_MAX, g->title, ROLE_NORMAL, flags);
	title_w = title_cols < TITLE_MIN ? TITLE_MIN : title_cols > TITLE_MAX ? TITLE_MAX : title_cols;
	if (rest - title_w - 1 >= BAR_MIN) {
		bar_w = rest - title_w - 1;
		if (bar_w > BAR_MAX)
			bar_w = BAR_MAX;
		title_w = rest - bar_w - 1; /* the title keeps what the bar leaves */
	} else {
		title_w = rest;
	}
	if (title_w < 0)
		title_w = 0;

	cells_from_text(out, title_w, g->title, ROLE_NORMAL, flags);
	at = title_w;
	if (bar_w) {
		struct gauge_bar b = { g->value, g->min, g->max, g->warn, g->critical,
				       g->state == GLYPH_GAUGE_NODATA ? ROLE_DIM : st->role, ascii };
		at = blank(out, at, 1);
		at += gauge_bar_render(&b, bar_w, out + at);
	}
	at = blank(out, at, 1);
	/* No value: a dash, as the state word beside it already says "no data". */
	if (isnan(g->value))
		memcpy(value, ascii ? "-" : "\xe2\x80\x93", ascii ? 2 : 4);
	else
		fmt_value(value, sizeof(value), g->value, g->unit);
	at = right(out, at, VALUE_W, value, g->stale ? ROLE_STALE : ROLE_NORMAL, flags);
	if (spark_w) {
		struct sparkline s = { NAN, NAN, ROLE_NORMAL, ascii, false };
		at = blank(out, at, 1);
		at += sparkline_render(&s, g->history, spark_w, out + at);
	}
	at = blank(out, at, 1);
	cell_set(&out[at++], glyph_symbol(g->state, ascii), st->role);
	if (word_w) {
		at = blank(out, at, 1);
		cells_from_text(out + at, word_w, st->word, st->role, flags);
		at += word_w;
	}
	if (held_w) {
		at = blank(out, at, 1);
		at = right(out, at, held_w, fmt_duration(held, sizeof(held), g->held_s, flags),
			   ROLE_DIM, flags);
	}
	if (badge_w) {
		at = blank(out, at, 1);
		cells_from_text(out + at, badge_w, g->badge, g->badge_role, flags);
		at += badge_w;
	}
	/* Whatever the arithmetic left (or overflowed), exactly width cells. */
	if (at < width)
		at = blank(out, at, width - at);
	memcpy(dst, row, (size_t)width * sizeof(row[0]));
	for (int i = width; i < full; i++)
		cell_set(&dst[i], " ", ROLE_NORMAL);
	return full;
}
