/* tabbar.c: the tab bar as cells (see tabbar.h). */
#include <stdio.h>
#include <string.h>

#include "tabbar.h"

/* Columns one tab takes: " 1 Title" or " 1", then its mark or a blank. */
static int tab_cols(int p, bool full)
{
	return 2 + (full ? 1 + (int)strlen(layout_panel_title((enum layout_panel)p)) : 0) + 1;
}

static int put_text(struct cell *out, int at, int end, const char *s, enum theme_role role)
{
	for (; *s && at < end; s++, at++) {
		char g[2] = { *s, '\0' };
		cell_set(&out[at], g, role);
	}
	return at;
}

int tabbar_render(enum layout_panel active, const struct cell *marks, int width, bool ascii,
		  struct cell *out)
{
	const char *sep = ascii ? "|" : "\xe2\x94\x82", *fill = ascii ? "-" : "\xe2\x94\x80";
	bool full_others = true, full_active = true;
	int total, at = 0, end = width - 1;

	if (width < 2)
		return 0;
	/* Pick the widest form that fits between the two corner cells. */
	for (int pass = 0; pass < 3; pass++) {
		full_others = pass == 0;
		full_active = pass < 2;
		total = 0;
		for (int p = 0; p < LAYOUT_PANEL_COUNT; p++)
			total += tab_cols(p, p == (int)active ? full_active : full_others) +
				 (p ? 1 : 0);
		if (total <= width - 2)
			break;
	}
	cell_set(&out[at++], ascii ? "+" : "\xe2\x94\x9c", ROLE_BORDER);
	for (int p = 0; p < LAYOUT_PANEL_COUNT && at < end; p++) {
		bool is_active = p == (int)active;
		enum theme_role role = is_active ? ROLE_TAB_ACTIVE : ROLE_TAB;
		char label[32];

		if (p)
			cell_set(&out[at++], sep, ROLE_BORDER);
		snprintf(label, sizeof(label), " %d%s%s", p + 1,
			 (is_active ? full_active : full_others) ? " " : "",
			 (is_active ? full_active : full_others) ? layout_panel_title((enum layout_panel)p)
								  : "");
		at = put_text(out, at, end, label, role);
		if (at < end) {
			if (marks && marks[p].glyph[0])
				out[at++] = marks[p];
			else
				cell_set(&out[at++], " ", role);
		}
	}
	while (at < end)
		cell_set(&out[at++], fill, ROLE_BORDER);
	cell_set(&out[at++], ascii ? "+" : "\xe2\x94\xa4", ROLE_BORDER);
	return width;
}
