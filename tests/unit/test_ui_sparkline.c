/* test_ui_sparkline.c: the ring of datapoints and the sparkline drawn from it. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cutover/ring.h"
#include "sparkline.h"

#define END 1e300 /* terminates a list of points */

struct spark_case {
	double points[12];
	double lo, hi;
	int width, ascii;
	const char *want;
};

static void test_table(void **state)
{
	static const struct spark_case cases[] = {
		{ { 0, 1, 2, 3, 4, 5, 6, 7, END }, NAN, NAN, 8, 0, "▁▂▃▄▅▆▇█" },
		{ { 0, 1, 2, 3, 4, 5, 6, 7, END }, NAN, NAN, 10, 0, "  ▁▂▃▄▅▆▇█" },
		{ { 0, 1, 2, 3, 4, 5, 6, 7, END }, NAN, NAN, 8, 1, "_.:-=+*#" },
		/* Only the newest points are shown, scaled over what is shown. */
		{ { 0, 1, 2, 3, 4, 5, 6, 7, END }, NAN, NAN, 4, 0, "▅▆▇█" },
		{ { 1, NAN, 3, END }, NAN, NAN, 3, 0, "▃ █" },
		{ { 1, NAN, 3, END }, NAN, NAN, 3, 1, ": #" },
		{ { 1, INFINITY, -INFINITY, 3, END }, NAN, NAN, 4, 0, "▃  █" },
		{ { 0, 0, 0, END }, NAN, NAN, 3, 0, "▁▁▁" },
		{ { 0, 0, 0, END }, NAN, NAN, 3, 1, "___" },
		{ { 5, 5, 5, END }, NAN, NAN, 3, 0, "███" },
		{ { -2, 0, 2, END }, NAN, NAN, 3, 0, "▁▅█" },
		{ { -5, -5, END }, NAN, NAN, 2, 0, "▁▁" },
		{ { 150, -10, 50, END }, 0, 100, 3, 0, "█▁▅" },
		{ { 10, 20, END }, 0, NAN, 2, 0, "▅█" },
		{ { END }, NAN, NAN, 3, 0, "   " },
		{ { NAN, NAN, END }, NAN, NAN, 3, 0, "   " },
		{ { 1, 2, END }, NAN, NAN, 0, 0, "" },
		{ { 1, 2, END }, NAN, NAN, -1, 0, "" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct spark_case *c = &cases[i];
		struct sparkline s = { c->lo, c->hi, ROLE_NORMAL, c->ascii != 0, false };
		struct ring r;
		struct cell cells[16];
		char got[128];
		int n;

		ring_clear(&r);
		for (int k = 0; c->points[k] != END; k++)
			ring_push(&r, c->points[k]);
		n = sparkline_render(&s, &r, c->width, cells);
		assert_int_equal(n, c->width > 0 ? c->width : 0);
		cells_utf8(cells, n, got, sizeof(got));
		if (strcmp(got, c->want))
			fail_msg("case %zu: got '%s', want '%s'", i, got, c->want);
		for (int k = 0; k < n; k++)
			if (strcmp(cells[k].glyph, " ") == 0)
				assert_int_equal(cells[k].role, ROLE_DIM);
			else
				assert_int_equal(cells[k].role, ROLE_NORMAL);
	}
}

static void test_braille(void **state)
{
	static const struct spark_case cases[] = {
		{ { 0, 1, 2, 3, 4, 5, 6, 7, END }, NAN, NAN, 4, 0, "\u28c0\u28e4\u28f6\u28ff" },
		{ { 0, 1, 2, 3, 4, 5, 6, 7, END }, NAN, NAN, 2, 0, "\u28f6\u28ff" },
		{ { 0, 1, 2, 3, 4, 5, 6, 7, END }, NAN, NAN, 6, 0, "  \u28c0\u28e4\u28f6\u28ff" },
		/* An odd count leaves the first left column empty. */
		{ { 0, 7, 7, END }, NAN, NAN, 3, 0, " \u2880\u28ff" },
		{ { NAN, 5, END }, NAN, NAN, 1, 0, "\u28b8" },
		{ { 5, NAN, END }, NAN, NAN, 1, 0, "\u2847" },
		{ { NAN, NAN, END }, NAN, NAN, 2, 0, "  " },
		{ { 0, 0, END }, NAN, NAN, 1, 0, "\u28c0" },
		/* ASCII wins over braille. */
		{ { 0, 1, 2, 3, 4, 5, 6, 7, END }, NAN, NAN, 8, 1, "_.:-=+*#" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct spark_case *c = &cases[i];
		struct sparkline s = { c->lo, c->hi, ROLE_NORMAL, c->ascii != 0, true };
		struct ring r;
		struct cell cells[16];
		char got[128];
		int n;

		ring_clear(&r);
		for (int k = 0; c->points[k] != END; k++)
			ring_push(&r, c->points[k]);
		n = sparkline_render(&s, &r, c->width, cells);
		assert_int_equal(n, c->width);
		cells_utf8(cells, n, got, sizeof(got));
		if (strcmp(got, c->want))
			fail_msg("case %zu: got '%s', want '%s'", i, got, c->want);
	}
}

static void test_ring(void **state)
{
	struct ring r;
	struct sparkline s = { NAN, NAN, ROLE_OK, false, false };
	struct cell cells[2];
	char got[16];
	(void)state;

	ring_clear(&r);
	assert_int_equal(ring_len(&r), 0);
	assert_true(isnan(ring_last(&r)));
	assert_true(isnan(ring_get(&r, 0)));
	for (int i = 0; i < 130; i++)
		ring_push(&r, i);
	assert_int_equal(ring_len(&r), RING_CAP);
	assert_true(ring_get(&r, 0) == 130 - RING_CAP);
	assert_true(ring_get(&r, RING_CAP - 1) == 129);
	assert_true(ring_last(&r) == 129);
	assert_true(isnan(ring_get(&r, RING_CAP)));
	sparkline_render(&s, &r, 2, cells);
	cells_utf8(cells, 2, got, sizeof(got));
	assert_string_equal(got, "██");
	ring_push(&r, NAN);
	assert_true(isnan(ring_last(&r)));
	ring_clear(&r);
	assert_int_equal(ring_len(&r), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_braille),
		cmocka_unit_test(test_ring),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
