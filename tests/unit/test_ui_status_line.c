/* test_ui_status_line.c: key hints and source freshness on the bottom row,
 * and the alert banner. */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "banner.h"
#include "safe_text.h"
#include "status_line.h"

static const struct key_hint hints[] = {
	{ ACT_HELP, "help" }, { ACT_COMMAND, "command" }, { ACT_FILTER, "filter" }, { ACT_QUIT, "quit" },
};
static const struct source_view fresh[] = {
	{ "executions", 1.2, false, NULL }, { "flags", 2.5, false, NULL }, { "metrics", 0.4, false, NULL },
};
static const struct source_view one[] = {
	{ "executions", 1.2, false, NULL }, { "flags", 2.5, false, NULL },
	{ "metrics", 130, true, "ThrottlingException" },
};
static const struct source_view two[] = {
	{ "executions", 65, true, "connection refused" }, { "flags", 2.5, false, NULL },
	{ "metrics", 130, true, "ThrottlingException" },
};
static const struct source_view starting[] = {
	{ "executions", NAN, false, NULL }, { "flags", 2.5, false, NULL },
};

static void render(const struct keymap *km, const struct source_view *src, size_t n, int width,
		   unsigned flags, char *buf, struct cell *c)
{
	assert_int_equal(status_line_render(km, hints, 4, src, n, width, flags, c),
			 width >= 2 ? width : 0);
	cells_utf8(c, width >= 2 ? width : 0, buf, 4096);
}

#define H "\u2500"

static void test_status_line(void **state)
{
	struct keymap km;
	struct cell c[600];
	char buf[4096];
	struct cutover_err err;
	static const char rebind[] = "unbind ?\nbind F1 help\n";
	(void)state;

	keymap_default(&km);
	render(&km, fresh, 3, 80, 0, buf, c);
	assert_string_equal(buf, "\u2514 ? help  : command  / filter  q quit " H H H H H H H H H H H H H H H H
				 H H H H H H H H " polled 2s ago \u2714 \u2518");
	assert_int_equal(c[70].role, ROLE_OK);
	assert_int_equal(c[2].role, ROLE_HINT);
	render(&km, one, 3, 80, 0, buf, c);
	assert_string_equal(buf, "\u2514 ? help  : command  / filter " H H H H H H H
				 " metrics stale 2m \u00b7 ThrottlingException \u26a0 \u2518");
	assert_int_equal(c[70].role, ROLE_STALE);
	/* Narrower: errors go, then names, never the fact of staleness. */
	render(&km, two, 3, 80, SAFE_TEXT_ASCII, buf, c);
	assert_string_equal(buf, "+ ? help  : command  / filter ------- executions stale 1m - metrics "
				 "stale 2m ! +");
	render(&km, two, 3, 30, SAFE_TEXT_ASCII, buf, c);
	assert_string_equal(buf, "+ ? help - 2 sources stale ! +");
	render(&km, one, 3, 30, 0, buf, c);
	assert_string_equal(buf, "\u2514" H H H H H H H H " metrics stale 2m \u26a0 \u2518");
	/* Starting up: no checkmark before anything answered. */
	render(&km, starting, 2, 60, SAFE_TEXT_ASCII, buf, c);
	assert_string_equal(buf, "+ ? help  : command  / filter  q quit ------ first poll... +");
	render(&km, NULL, 0, 40, SAFE_TEXT_ASCII, buf, c);
	assert_string_equal(buf, "+ ? help  : command  / filter  q quit -+");
	/* Hints follow the keymap. */
	assert_int_equal(keymap_parse(&km, rebind, strlen(rebind), "k", &err), CUTOVER_OK);
	render(&km, fresh, 3, 80, SAFE_TEXT_ASCII, buf, c);
	assert_memory_equal(buf, "+ F1 help  : command", 20);
	/* Remote errors are escaped. */
	{
		struct source_view bad = { "flags", 5, true, "\x1b[2J" };
		render(&km, &bad, 1, 80, SAFE_TEXT_ASCII, buf, c);
		assert_non_null(strstr(buf, "flags stale 5s - \\x1b[2J !"));
	}
	for (int w = -1; w <= 300; w++) {
		struct cell cc[400];

		for (int k = 0; k < 400; k++)
			cell_set(&cc[k], "@", ROLE_NORMAL);
		render(&km, two, 3, w, 0, buf, cc);
		for (int k = w >= 2 ? w : 0; k < 400; k++)
			assert_string_equal(cc[k].glyph, "@");
		for (int k = 0; k < w && w >= 2; k++)
			assert_string_not_equal(cc[k].glyph, "@");
	}
}

static void test_banner(void **state)
{
	static const struct key_hint bh[] = { { ACT_ACKNOWLEDGE, "acknowledge" },
					      { ACT_ROLLBACK, "roll back" } };
	static const char *text = "SFN error rate 12.3% > 10% for 3 datapoints \u00b7 plan: full";
	struct keymap km;
	struct cell c[600];
	char buf[4096];
	(void)state;

	keymap_default(&km);
	assert_int_equal(banner_render(text, &km, bh, 2, 80, 0, c), 80);
	cells_utf8(c, 80, buf, sizeof(buf));
	assert_string_equal(buf, " \u203c SFN error rate 12.3% > 10% for 3 datapoints \u00b7 pl\u2026 "
				 "A acknowledge  R roll back ");
	for (int k = 0; k < 80; k++)
		assert_int_equal(c[k].role, ROLE_ALERT_BANNER);
	assert_int_equal(banner_render(text, &km, bh, 2, 40, 0, c), 40);
	cells_utf8(c, 40, buf, sizeof(buf));
	assert_string_equal(buf, " \u203c SFN error rate 12.3% \u2026 A acknowledge ");
	assert_int_equal(banner_render("\x1b]52;c;eA==\x07", &km, bh, 2, 60, SAFE_TEXT_ASCII, c), 60);
	cells_utf8(c, 60, buf, sizeof(buf));
	assert_memory_equal(buf, " # \\x1b]52;c;eA==\\x07", 21);
	for (int w = -1; w <= 300; w++) {
		struct cell cc[400];

		for (int k = 0; k < 400; k++)
			cell_set(&cc[k], "@", ROLE_NORMAL);
		assert_int_equal(banner_render(text, &km, bh, 2, w, 0, cc), w > 0 ? w : 0);
		for (int k = w > 0 ? w : 0; k < 400; k++)
			assert_string_equal(cc[k].glyph, "@");
		for (int k = 0; k < w; k++)
			assert_string_not_equal(cc[k].glyph, "@");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_line),
		cmocka_unit_test(test_banner),
	};

	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		fprintf(stderr, "test_ui_status_line: the C.UTF-8 locale is missing\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
