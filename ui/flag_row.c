/* flag_row.c: a feature flag as a row of cells (see flag_row.h). */
#include <stdio.h>
#include <string.h>

#include "flag_row.h"
#include "safe_text.h"

#define NAME_MIN 10
#define NAME_MAX 28
#define VALUE_W 10
#define VERSION_W 5 /* "v1234" */
#define ROW_MAX 512

int flag_row_render(const struct flag_row *f, int width, unsigned flags, struct cell *dst)
{
	struct cell row[ROW_MAX + 64];
	bool ascii = flags & SAFE_TEXT_ASCII;
	char version[24];
	int full = width, at = 0, name_w, rest, who_w;

	if (width <= 0)
		return 0;
	if (width > ROW_MAX)
		width = ROW_MAX;
	/* name, blank, mark, blank, value, pending mark, blank, version, blank, who */
	rest = width - (1 + 1 + 1 + VALUE_W + 1 + 1 + VERSION_W + 1);
	/* Like the phases, the columns depend on the width only, so they line up. */
	name_w = rest - 16;
	if (name_w > NAME_MAX)
		name_w = NAME_MAX;
	if (name_w < NAME_MIN)
		name_w = rest < NAME_MIN ? rest : NAME_MIN;
	if (name_w < 0)
		name_w = 0;
	who_w = rest - name_w;
	if (who_w < 0)
		who_w = 0;

	cells_from_text(row, name_w, f->name, ROLE_NORMAL, flags);
	at = name_w;
	at += cells_blank(row + at, 1, ROLE_NORMAL);
	if (f->dangerous)
		cell_set(&row[at++], ascii ? "!" : "\xe2\x9a\xa0", ROLE_WARN);
	else
		at += cells_blank(row + at, 1, ROLE_NORMAL);
	at += cells_blank(row + at, 1, ROLE_NORMAL);
	{
		/* The value, and right after it the mark of a change in flight. */
		int cols = cells_from_text(row + at, VALUE_W + 1,
					   f->value ? f->value : (ascii ? "?" : "\xe2\x80\x93"),
					   f->stale ? ROLE_STALE : f->value_role, flags);

		if (cols > VALUE_W) {
			/* Keep the last column for the mark. */
			cells_from_text(row + at, VALUE_W, f->value, f->stale ? ROLE_STALE : f->value_role,
					flags);
			cells_blank(row + at + VALUE_W, 1, ROLE_NORMAL);
			cols = VALUE_W;
		}
		if (f->pending)
			cell_set(&row[at + cols], ascii ? "~" : "\xe2\x80\xa6", ROLE_PENDING);
		at += VALUE_W + 1;
	}
	at += cells_blank(row + at, 1, ROLE_NORMAL);
	if (f->version >= 0)
		snprintf(version, sizeof(version), "v%ld", f->version);
	else
		version[0] = '\0';
	at += cells_right(row + at, VERSION_W, version, ROLE_DIM, flags);
	at += cells_blank(row + at, 1, ROLE_NORMAL);
	cells_from_text(row + at, who_w, f->modified_by, ROLE_DIM, flags);
	at += who_w;
	if (at < width)
		at += cells_blank(row + at, width - at, ROLE_NORMAL);
	memcpy(dst, row, (size_t)width * sizeof(row[0]));
	cells_blank(dst + width, full - width, ROLE_NORMAL);
	return full;
}
