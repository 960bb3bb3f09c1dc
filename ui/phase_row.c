/* phase_row.c: a phase as a row of cells (see phase_row.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "phase_row.h"
#include "safe_text.h"

#define NUM_W 2
#define TIME_W 11 /* "1h05m/2h00m" */
#define TITLE_MIN 10
#define TITLE_MAX 32
#define ROW_MAX 512

int phase_row_render(const struct phase_row *p, int width, unsigned flags, struct cell *dst)
{
	struct cell row[ROW_MAX + 64];
	const struct glyph *st = glyph_get(p->state);
	bool ascii = flags & SAFE_TEXT_ASCII;
	char num[16], time[32], detail[256];
	int full = width, at = 0, title_w, rest, detail_w;
	bool late = !isnan(p->elapsed_s) && !isnan(p->estimate_s) && p->elapsed_s > p->estimate_s;
	enum theme_role detail_role = ROLE_DIM;

	if (width <= 0)
		return 0;
	if (width > ROW_MAX)
		width = ROW_MAX;
	if (p->approve_key) {
		snprintf(detail, sizeof(detail), "[%s] approve%s%s%s", p->approve_key,
			 p->reject_key ? "  [" : "", p->reject_key ? p->reject_key : "",
			 p->reject_key ? "] reject" : "");
		detail_role = ROLE_HINT;
	} else if (p->detail && *p->detail) {
		snprintf(detail, sizeof(detail), "%s", p->detail);
		if (p->state == GLYPH_PHASE_FAILED || p->state == GLYPH_PHASE_TIMED_OUT)
			detail_role = ROLE_CRIT;
	} else {
		snprintf(detail, sizeof(detail), "%s", st->word);
		detail_role = st->role;
	}
	/* glyph, blank, number, blank, title, blank, time, blank, detail */
	rest = width - (1 + 1 + NUM_W + 1 + 1 + TIME_W + 1);
	/* The title column depends on the width only, so that the times of
	 * all phases line up; the detail takes what is left. */
	title_w = rest - 20;
	if (title_w > TITLE_MAX)
		title_w = TITLE_MAX;
	if (title_w < TITLE_MIN)
		title_w = rest < TITLE_MIN ? rest : TITLE_MIN;
	if (title_w < 0)
		title_w = 0;
	detail_w = rest - title_w;
	if (detail_w < 0)
		detail_w = 0;

	cell_set(&row[at++], glyph_symbol(p->state, ascii), st->role);
	at += cells_blank(row + at, 1, ROLE_NORMAL);
	snprintf(num, sizeof(num), "%d", p->number);
	at += cells_right(row + at, NUM_W, num, ROLE_DIM, flags);
	at += cells_blank(row + at, 1, ROLE_NORMAL);
	cells_from_text(row + at, title_w, p->title, ROLE_NORMAL, flags);
	at += title_w;
	at += cells_blank(row + at, 1, ROLE_NORMAL);
	fmt_elapsed(time, sizeof(time), p->elapsed_s, p->estimate_s, flags);
	at += cells_right(row + at, TIME_W, time, late ? ROLE_WARN : ROLE_DIM, flags);
	at += cells_blank(row + at, 1, ROLE_NORMAL);
	cells_from_text(row + at, detail_w, detail, detail_role, flags);
	at += detail_w;
	if (at < width)
		at += cells_blank(row + at, width - at, ROLE_NORMAL);
	memcpy(dst, row, (size_t)width * sizeof(row[0]));
	cells_blank(dst + width, full - width, ROLE_NORMAL);
	return full;
}
