/* table.c: text columns as cells (see table.h). */
#include <string.h>

#include "table.h"

void table_layout(const struct table_col *cols, size_t n, int width, int *widths)
{
	bool on[TABLE_MAX_COLS];
	int need, shown, spare, total_weight;

	if (n > TABLE_MAX_COLS)
		n = TABLE_MAX_COLS;
	for (size_t i = 0; i < n; i++) {
		on[i] = true;
		widths[i] = 0;
	}
	/* Drop columns, highest drop number first, until the minimums fit. */
	for (;;) {
		int worst = -1;

		need = 0;
		shown = 0;
		for (size_t i = 0; i < n; i++)
			if (on[i]) {
				need += cols[i].min;
				shown++;
			}
		need += shown > 0 ? shown - 1 : 0;
		if (need <= width)
			break;
		for (size_t i = 0; i < n; i++)
			if (on[i] && cols[i].drop > 0 && (worst < 0 || cols[i].drop > cols[worst].drop))
				worst = (int)i;
		if (worst < 0)
			break; /* nothing left to drop: the row will be cut */
		on[worst] = false;
	}
	for (size_t i = 0; i < n; i++)
		if (on[i])
			widths[i] = cols[i].min;
	/* Share what is spare by weight, a column at a time up to its max,
	 * until nothing is spare or nobody can take more. */
	spare = width - need;
	while (spare > 0) {
		int given = 0;

		total_weight = 0;
		for (size_t i = 0; i < n; i++)
			if (on[i] && cols[i].weight > 0 && (!cols[i].max || widths[i] < cols[i].max))
				total_weight += cols[i].weight;
		if (!total_weight)
			break;
		for (size_t i = 0; i < n && spare > 0; i++) {
			int share;

			if (!on[i] || cols[i].weight <= 0 || (cols[i].max && widths[i] >= cols[i].max))
				continue;
			share = (width - need) * cols[i].weight / total_weight;
			if (share < 1)
				share = 1;
			if (share > spare)
				share = spare;
			if (cols[i].max && widths[i] + share > cols[i].max)
				share = cols[i].max - widths[i];
			widths[i] += share;
			spare -= share;
			given += share;
		}
		if (!given)
			break;
	}
}

static int row(const struct table_col *cols, const int *widths, size_t n, const char *const *text,
	       const enum theme_role *roles, bool header, int width, unsigned flags,
	       struct cell *out)
{
	int at = 0;
	bool first = true;

	if (width <= 0)
		return 0;
	if (n > TABLE_MAX_COLS)
		n = TABLE_MAX_COLS;
	for (size_t i = 0; i < n && at < width; i++) {
		enum theme_role role = header ? ROLE_TITLE : roles ? roles[i] : ROLE_NORMAL;
		const char *t = header ? cols[i].title : text[i];
		int w = widths[i];

		if (w <= 0)
			continue;
		if (!first)
			at += cells_blank(out + at, 1, ROLE_NORMAL);
		first = false;
		if (w > width - at)
			w = width - at; /* the last column left is cut */
		if (w <= 0)
			break;
		if (cols[i].align == TABLE_RIGHT)
			cells_right(out + at, w, t, role, flags);
		else
			cells_from_text(out + at, w, t, role, flags);
		at += w;
	}
	if (at < width)
		cells_blank(out + at, width - at, ROLE_NORMAL);
	return width;
}

int table_row_render(const struct table_col *cols, const int *widths, size_t n,
		     const char *const *text, const enum theme_role *roles, int width,
		     unsigned flags, struct cell *out)
{
	return row(cols, widths, n, text, roles, false, width, flags, out);
}

int table_header_render(const struct table_col *cols, const int *widths, size_t n, int width,
			unsigned flags, struct cell *out)
{
	return row(cols, widths, n, NULL, NULL, true, width, flags, out);
}
