/* layout.c: rectangles for every part of the console (see layout.h).
 *
 * The proportions follow DESIGN.md: the left column (phases, flags) is a
 * little narrower than the right (gauges need a bar and a sparkline), the top
 * row a little taller than the bottom one, and the events strip takes what is
 * left after both rows have room. */
#include <stdio.h>
#include <string.h>

#include "layout.h"

static const char *const panel_titles[] = {
#define LAYOUT_PANEL_TITLE(name, title) title,
	LAYOUT_PANELS(LAYOUT_PANEL_TITLE)
#undef LAYOUT_PANEL_TITLE
};

static struct layout_rect rect(int x, int y, int w, int h)
{
	struct layout_rect r = { x, y, w, h };
	return r;
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void full(struct layout *l, int top)
{
	int cols = l->cols, rows = l->rows;
	/* Body rows top..rows-2, with a frame row between the two grid rows
	 * and one above the events strip. */
	int body = rows - 1 - top;
	int events = clamp(body / 6, 3, 8);
	int grid = body - events - 2;
	int h1 = grid * 11 / 20, h2 = grid - h1;
	/* Interior columns 1..cols-2 with one frame column in the middle. */
	int inner = cols - 3;
	int wl = inner * 9 / 20, wr = inner - wl;
	int xr = 1 + wl + 1;
	int y2 = top + h1 + 1, y3 = y2 + h2 + 1;

	l->panel[LAYOUT_PHASES] = rect(1, top, wl, h1);
	l->panel[LAYOUT_GAUGES] = rect(xr, top, wr, h1);
	l->panel[LAYOUT_FLAGS] = rect(1, y2, wl, h2);
	l->panel[LAYOUT_ROLLBACK] = rect(xr, y2, wr, h2);
	l->panel[LAYOUT_EVENTS] = rect(1, y3, cols - 2, events);
	for (int p = 0; p < LAYOUT_PANEL_COUNT; p++)
		l->shown[p] = true;
}

void layout_compute(int cols, int rows, enum layout_panel active, bool banner,
		    struct layout *out)
{
	int top;

	memset(out, 0, sizeof(*out));
	out->cols = cols;
	out->rows = rows;
	if (cols < LAYOUT_MIN_COLS || rows < LAYOUT_MIN_ROWS) {
		out->mode = LAYOUT_TOO_SMALL;
		if (cols > 0 && rows > 0)
			out->message = rect(0, 0, cols, rows);
		return;
	}
	out->header = rect(0, 0, cols, 1);
	out->status = rect(0, rows - 1, cols, 1);
	top = 1;
	if (banner) {
		/* The banner sits between the side frame lines, with a frame
		 * row under it. */
		out->banner = rect(1, 1, cols - 2, 1);
		top = 3;
	}
	if (cols >= LAYOUT_FULL_COLS && rows >= LAYOUT_FULL_ROWS) {
		out->mode = LAYOUT_FULL;
		full(out, top);
		return;
	}
	out->mode = LAYOUT_TABS;
	if ((unsigned)active >= LAYOUT_PANEL_COUNT)
		active = LAYOUT_PHASES;
	/* With a banner the tab bar is the frame row under it. */
	out->tabbar = rect(0, top == 1 ? 1 : 2, cols, 1);
	top = out->tabbar.y + 1;
	out->panel[active] = rect(1, top, cols - 2, rows - 1 - top);
	out->shown[active] = true;
}

struct layout_rect layout_overlay(int cols, int rows, int want_w, int want_h)
{
	int w = want_w < cols - 2 ? want_w : cols - 2;
	int h = want_h < rows - 2 ? want_h : rows - 2;

	if (w < 3 || h < 3)
		return rect(0, 0, 0, 0);
	return rect((cols - w) / 2, (rows - h) / 2, w, h);
}

static bool inside(struct layout_rect r, int x, int y)
{
	return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

int layout_panel_at(const struct layout *l, int x, int y)
{
	for (int p = 0; p < LAYOUT_PANEL_COUNT; p++)
		if (l->shown[p] && inside(l->panel[p], x, y))
			return p;
	return -1;
}

const char *layout_panel_title(enum layout_panel p)
{
	if ((unsigned)p >= LAYOUT_PANEL_COUNT)
		return "?";
	return panel_titles[p];
}

bool layout_rect_empty(struct layout_rect r)
{
	return r.w <= 0 || r.h <= 0;
}

char *layout_too_small_text(int cols, int rows, char *buf, size_t cap)
{
	if (cap)
		snprintf(buf, cap,
			 "Terminal too small: %dx%d. The console needs at least %dx%d; "
			 "enlarge the window or make the font smaller.",
			 cols, rows, LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS);
	return buf;
}
