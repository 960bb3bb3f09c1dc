/* test_ui_layout.c: the layout as a pure function of the terminal size,
 * checked over every size from 1x1 to 250x80, for every active tab, with and
 * without the alert banner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "layout.h"

static bool in_rect(struct layout_rect r, int x, int y)
{
	return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

static bool overlap(struct layout_rect a, struct layout_rect b)
{
	if (layout_rect_empty(a) || layout_rect_empty(b))
		return false;
	return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static bool zero(struct layout_rect r)
{
	return r.x == 0 && r.y == 0 && r.w == 0 && r.h == 0;
}

/* Fail with the size in the message, so a broken size is named. */
#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		print_error("%dx%d active %d banner %d: ", cols, rows, active, banner); \
		print_error(__VA_ARGS__); \
		print_error("\n"); \
		fail(); \
	} \
} while (0)

static void check_one(int cols, int rows, int active, bool banner)
{
	struct layout l;
	struct layout_rect all[LAYOUT_PANEL_COUNT + 5];
	int n = 0;

	layout_compute(cols, rows, (enum layout_panel)active, banner, &l);
	CHECK(l.cols == cols && l.rows == rows, "size not recorded");

	if (cols < LAYOUT_MIN_COLS || rows < LAYOUT_MIN_ROWS) {
		CHECK(l.mode == LAYOUT_TOO_SMALL, "expected too small");
		CHECK(l.message.x == 0 && l.message.y == 0 && l.message.w == cols &&
		      l.message.h == rows, "message is not the whole screen");
		CHECK(zero(l.header) && zero(l.status) && zero(l.banner) && zero(l.tabbar),
		      "bars shown while too small");
		for (int p = 0; p < LAYOUT_PANEL_COUNT; p++)
			CHECK(!l.shown[p] && zero(l.panel[p]), "panel %d shown while too small", p);
		return;
	}
	CHECK(zero(l.message), "message shown when not too small");
	if (cols >= LAYOUT_FULL_COLS && rows >= LAYOUT_FULL_ROWS)
		CHECK(l.mode == LAYOUT_FULL, "expected full");
	else
		CHECK(l.mode == LAYOUT_TABS, "expected tabs");

	/* Header, status line (and banner when asked) always there. */
	CHECK(l.header.x == 0 && l.header.y == 0 && l.header.w == cols && l.header.h == 1,
	      "header not the top row");
	CHECK(l.status.x == 0 && l.status.y == rows - 1 && l.status.w == cols &&
	      l.status.h == 1, "status not the bottom row");
	all[n++] = l.header;
	all[n++] = l.status;
	if (banner) {
		CHECK(l.banner.y == 1 && l.banner.h == 1 && l.banner.w == cols - 2 &&
		      l.banner.x == 1, "banner not under the header");
		all[n++] = l.banner;
	} else {
		CHECK(zero(l.banner), "banner shown unasked");
	}
	if (l.mode == LAYOUT_TABS) {
		CHECK(l.tabbar.w == cols && l.tabbar.h == 1 && l.tabbar.x == 0, "tab bar");
		all[n++] = l.tabbar;
		for (int p = 0; p < LAYOUT_PANEL_COUNT; p++)
			CHECK(l.shown[p] == (p == active), "only the active tab is shown (%d)", p);
	} else {
		CHECK(zero(l.tabbar), "tab bar in full mode");
		for (int p = 0; p < LAYOUT_PANEL_COUNT; p++)
			CHECK(l.shown[p], "panel %d hidden in full mode", p);
	}
	for (int p = 0; p < LAYOUT_PANEL_COUNT; p++) {
		struct layout_rect r = l.panel[p];

		if (!l.shown[p]) {
			CHECK(zero(r), "hidden panel %d has a rectangle", p);
			continue;
		}
		/* Non-empty and roomy enough to hold a title line and content. */
		CHECK(r.w >= 20 && r.h >= 3, "panel %d too small: %dx%d", p, r.w, r.h);
		/* Inside the screen with its frame around it. */
		CHECK(r.x >= 1 && r.y >= 1 && r.x + r.w <= cols - 1 && r.y + r.h <= rows - 1,
		      "panel %d (%d,%d %dx%d) leaves no frame inside the screen",
		      p, r.x, r.y, r.w, r.h);
		all[n++] = r;
	}
	for (int i = 0; i < n; i++) {
		CHECK(!layout_rect_empty(all[i]), "rectangle %d empty", i);
		CHECK(all[i].x >= 0 && all[i].y >= 0 && all[i].x + all[i].w <= cols &&
		      all[i].y + all[i].h <= rows, "rectangle %d outside the screen", i);
		for (int j = i + 1; j < n; j++)
			CHECK(!overlap(all[i], all[j]), "rectangles %d and %d overlap", i, j);
	}
	/* The frame ring around each panel is free of other panels and the banner. */
	for (int p = 0; p < LAYOUT_PANEL_COUNT; p++) {
		struct layout_rect r = l.panel[p];

		if (!l.shown[p])
			continue;
		for (int y = r.y - 1; y <= r.y + r.h; y++)
			for (int x = r.x - 1; x <= r.x + r.w; x++) {
				if (in_rect(r, x, y))
					continue;
				CHECK(layout_panel_at(&l, x, y) == -1,
				      "frame cell %d,%d of panel %d covered", x, y, p);
				CHECK(!in_rect(l.banner, x, y), "banner on panel %d's frame", p);
			}
		/* Clicking inside finds the panel. */
		CHECK(layout_panel_at(&l, r.x, r.y) == p, "click top-left of %d", p);
		CHECK(layout_panel_at(&l, r.x + r.w - 1, r.y + r.h - 1) == p,
		      "click bottom-right of %d", p);
	}
}

static void test_every_size(void **state)
{
	(void)state;
	for (int cols = 1; cols <= 250; cols++)
		for (int rows = 1; rows <= 80; rows++)
			for (int active = 0; active < LAYOUT_PANEL_COUNT; active++)
				for (int banner = 0; banner < 2; banner++)
					check_one(cols, rows, active, banner);
}

static void test_named_sizes(void **state)
{
	struct layout l;
	(void)state;

	layout_compute(160, 48, LAYOUT_GAUGES, false, &l);
	assert_int_equal(l.mode, LAYOUT_FULL);
	/* DESIGN.md's arrangement: phases | gauges over flags | rollback. */
	assert_int_equal(l.panel[LAYOUT_PHASES].y, l.panel[LAYOUT_GAUGES].y);
	assert_true(l.panel[LAYOUT_PHASES].x < l.panel[LAYOUT_GAUGES].x);
	assert_int_equal(l.panel[LAYOUT_FLAGS].x, l.panel[LAYOUT_PHASES].x);
	assert_int_equal(l.panel[LAYOUT_ROLLBACK].x, l.panel[LAYOUT_GAUGES].x);
	assert_true(l.panel[LAYOUT_FLAGS].y > l.panel[LAYOUT_PHASES].y);
	assert_int_equal(l.panel[LAYOUT_FLAGS].y, l.panel[LAYOUT_ROLLBACK].y);
	assert_true(l.panel[LAYOUT_EVENTS].y > l.panel[LAYOUT_FLAGS].y);
	assert_int_equal(l.panel[LAYOUT_EVENTS].w, 158);
	/* Gauges get the wider column. */
	assert_true(l.panel[LAYOUT_GAUGES].w > l.panel[LAYOUT_PHASES].w);
	assert_true(l.panel[LAYOUT_PHASES].h >= 14);

	layout_compute(80, 24, LAYOUT_FLAGS, true, &l);
	assert_int_equal(l.mode, LAYOUT_TABS);
	assert_true(l.shown[LAYOUT_FLAGS]);
	assert_false(l.shown[LAYOUT_PHASES]);
	assert_int_equal(l.banner.y, 1);
	assert_int_equal(l.tabbar.y, 2);
	assert_int_equal(l.panel[LAYOUT_FLAGS].y, 3);
	assert_int_equal(l.panel[LAYOUT_FLAGS].h, 20);
	assert_int_equal(l.panel[LAYOUT_FLAGS].w, 78);

	/* An out-of-range tab falls back to the first. */
	layout_compute(80, 24, (enum layout_panel)42, false, &l);
	assert_true(l.shown[LAYOUT_PHASES]);

	layout_compute(59, 24, LAYOUT_PHASES, false, &l);
	assert_int_equal(l.mode, LAYOUT_TOO_SMALL);
	layout_compute(60, 15, LAYOUT_PHASES, false, &l);
	assert_int_equal(l.mode, LAYOUT_TOO_SMALL);
	layout_compute(0, -3, LAYOUT_PHASES, true, &l);
	assert_int_equal(l.mode, LAYOUT_TOO_SMALL);
	assert_true(layout_rect_empty(l.message));
	assert_int_equal(layout_panel_at(&l, 0, 0), -1);

	{
		char msg[160];

		assert_string_equal(layout_too_small_text(50, 12, msg, sizeof(msg)),
				    "Terminal too small: 50x12. The console needs at least 60x16; "
				    "enlarge the window or make the font smaller.");
	}
	assert_string_equal(layout_panel_title(LAYOUT_ROLLBACK), "Rollback");
	assert_string_equal(layout_panel_title((enum layout_panel)-1), "?");
}

static void test_overlay(void **state)
{
	struct layout_rect r;
	(void)state;

	r = layout_overlay(160, 48, 70, 30);
	assert_int_equal(r.x, 45);
	assert_int_equal(r.y, 9);
	assert_int_equal(r.w, 70);
	assert_int_equal(r.h, 30);
	r = layout_overlay(60, 16, 70, 30); /* shrinks to the screen, one cell in */
	assert_int_equal(r.x, 1);
	assert_int_equal(r.y, 1);
	assert_int_equal(r.w, 58);
	assert_int_equal(r.h, 14);
	assert_true(layout_rect_empty(layout_overlay(4, 40, 10, 10)));
	assert_true(layout_rect_empty(layout_overlay(40, 40, 2, 10)));
	for (int c = 1; c <= 250; c++)
		for (int rr = 1; rr <= 80; rr++) {
			r = layout_overlay(c, rr, 70, 30);
			if (layout_rect_empty(r))
				continue;
			assert_true(r.x >= 1 && r.y >= 1 && r.x + r.w <= c - 1 && r.y + r.h <= rr - 1);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_size),
		cmocka_unit_test(test_named_sizes),
		cmocka_unit_test(test_overlay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
