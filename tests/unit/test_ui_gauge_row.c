/* test_ui_gauge_row.c: a gauge's row at the widths the panels have. */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "gauge_row.h"
#include "safe_text.h"

static struct ring hist;

static void render(const struct gauge_row *g, int width, unsigned flags, char *buf, size_t cap)
{
	struct cell cells[600];

	assert_int_equal(gauge_row_render(g, width, flags, cells), width > 0 ? width : 0);
	cells_utf8(cells, width > 0 ? width : 0, buf, cap);
}

static struct gauge_row sfn(void)
{
	struct gauge_row g = { "SFN error rate", 6.1, "%", 0, 16, 11, 16, &hist, GLYPH_GAUGE_WARN,
			       185, false, NULL, ROLE_NORMAL };
	return g;
}

static void test_widths(void **state)
{
	struct gauge_row g = sfn();
	char buf[4096];
	(void)state;

	/* Wide: everything; the bar capped at 40, the title taking the rest,
	 * the sparkline filling from the right as history arrives. */
	render(&g, 120, 0, buf, sizeof(buf));
	assert_string_equal(buf, "SFN error rate               "
				 "███████████████▎"
				 "···········|"
				 "···········|"
				 "     6.1%                ▁▂▃▄▅▆▇█"
				 " ▲ warn         3m");
	/* 80 columns (a tab at 80x24): still the sparkline. */
	render(&g, 80, 0, buf, sizeof(buf));
	assert_string_equal(buf, "SFN error rate █████████▏"
				 "······|······|"
				 "     6.1%      ▁▂▃▄▅▆▇█ ▲ warn         3m");
	/* Narrower: the sparkline and held time go, then the word, then the bar. */
	render(&g, 60, SAFE_TEXT_ASCII, buf, sizeof(buf));
	assert_string_equal(buf, "SFN error rate #########.......|......|     6.1% ! warn     ");
	render(&g, 40, 0, buf, sizeof(buf));
	assert_string_equal(buf, "SFN error rate █████▍···|···|     6.1% ▲");
	render(&g, 20, 0, buf, sizeof(buf));
	assert_string_equal(buf, "SFN erro…     6.1% ▲");
	render(&g, 12, 0, buf, sizeof(buf));
	assert_string_equal(buf, "…     6.1% ▲");
}

static void test_states(void **state)
{
	struct gauge_row g = sfn();
	char buf[4096];
	struct cell cells[80];
	(void)state;

	g.value = NAN;
	g.state = GLYPH_GAUGE_NODATA;
	g.held_s = NAN;
	g.history = NULL;
	render(&g, 60, SAFE_TEXT_ASCII, buf, sizeof(buf));
	assert_string_equal(buf, "SFN error rate ................|......|        - ? no data  ");
	g = sfn();
	g.value = 40;
	g.state = GLYPH_GAUGE_TRIGGERED;
	g.stale = true;
	gauge_row_render(&g, 60, 0, cells);
	assert_int_equal(cells[15].role, ROLE_TRIGGERED);  /* the bar's fill */
	assert_int_equal(cells[47].role, ROLE_STALE);      /* the value */
	assert_string_equal(cells[49].glyph, "\xe2\x80\xbc");
	assert_int_equal(cells[49].role, ROLE_TRIGGERED);
	/* A hostile title is shown escaped, never raw. */
	g.title = "\x1b[2Jpwn";
	render(&g, 60, 0, buf, sizeof(buf));
	assert_memory_equal(buf, "\\x1b[2Jpwn", 10);
	/* A wide title keeps the columns aligned. */
	g.title = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";
	gauge_row_render(&g, 60, 0, cells);
	assert_string_equal(cells[0].glyph, "\xe6\x97\xa5");
	assert_string_equal(cells[1].glyph, "");
	assert_int_equal(cells[47].role, ROLE_STALE);
}

/* The auto-rollback badge stays at the row's end while the optional
 * columns give way; too narrow a row drops it rather than the value. */
static void test_badge(void **state)
{
	struct gauge_row g = sfn();
	char buf[4096];
	struct cell cells[80];
	(void)state;

	g.badge = "auto armed";
	g.badge_role = ROLE_WARN;
	render(&g, 80, SAFE_TEXT_ASCII, buf, sizeof(buf));
	assert_int_equal(strlen(buf), 80);
	assert_string_equal(buf + 69, " auto armed");
	assert_non_null(strstr(buf, "6.1%"));
	gauge_row_render(&g, 80, 0, cells);
	assert_int_equal(cells[70].role, ROLE_WARN);
	g.badge = "AUTO 1:47";
	render(&g, 40, SAFE_TEXT_ASCII, buf, sizeof(buf));
	assert_string_equal(buf + 29, " AUTO 1:47 ");
	assert_non_null(strstr(buf, "6.1% !"));
	render(&g, 20, SAFE_TEXT_ASCII, buf, sizeof(buf));
	assert_null(strstr(buf, "AUTO"));
	assert_non_null(strstr(buf, "6.1%"));
}

/* Any width gives exactly that many cells and never writes past them. */
static void test_every_width(void **state)
{
	struct gauge_row g = sfn();
	(void)state;

	for (int w = -2; w <= 560; w++) {
		struct cell cells[600];

		for (int k = 0; k < 600; k++)
			cell_set(&cells[k], "@", ROLE_NORMAL);
		assert_int_equal(gauge_row_render(&g, w, 0, cells), w > 0 ? w : 0);
		for (int k = w > 0 ? w : 0; k < 600; k++)
			assert_string_equal(cells[k].glyph, "@");
		for (int k = 0; k < w; k++)
			assert_string_not_equal(cells[k].glyph, "@");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_badge),
		cmocka_unit_test(test_every_width),
	};

	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		fprintf(stderr, "test_ui_gauge_row: the C.UTF-8 locale is missing\n");
		return 1;
	}
	ring_clear(&hist);
	for (int i = 0; i < 8; i++)
		ring_push(&hist, i);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
