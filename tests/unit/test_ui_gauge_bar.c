/* test_ui_gauge_bar.c: value -> cells for the gauge bar, as exact strings of
 * glyphs and of roles (one letter per cell). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gauge_bar.h"

static char role_letter(enum theme_role r)
{
	switch (r) {
	case ROLE_DIM: return '.';
	case ROLE_OK: return 'o';
	case ROLE_WARN: return 'w';
	case ROLE_CRIT: return 'c';
	default: return '?';
	}
}

struct bar_case {
	double value, min, max, warn, crit;
	int width;
	int ascii;
	const char *glyphs;
	const char *roles;
};

static void test_table(void **state)
{
	static const struct bar_case cases[] = {
		/* value  min  max  warn  crit  width ascii */
		{ 0, 0, 100, 50, 80, 10, 0, "·····|··|·", ".....w..c." },
		{ 25, 0, 100, 50, 80, 10, 0, "██▌··|··|·", "ooo..w..c." },
		/* A mark stays visible inside the fill. */
		{ 61, 0, 100, 50, 80, 10, 0, "█████|▏·|·", "ooooowo.c." },
		{ 100, 0, 100, 50, 80, 10, 0, "█████|██|█", "ooooowoocO" },
		{ 150, 0, 100, 50, 80, 10, 0, "█████|██|█", "ooooowoocO" },
		{ -20, 0, 100, 50, 80, 10, 0, "·····|··|·", ".....w..c." },
		{ NAN, 0, 100, 50, 80, 10, 0, "·····|··|·", ".....w..c." },
		{ INFINITY, 0, 100, NAN, NAN, 4, 0, "████", "oooo" },
		{ 33.3, 0, 100, NAN, NAN, 10, 0, "███▍······", "oooo......" },
		{ 1, 0, 100, NAN, NAN, 10, 0, "▏·········", "o........." },
		{ 0.5, 0, 100, NAN, NAN, 10, 0, "··········", ".........." },
		/* DESIGN.md's sketch: 6.1 on 0..16, marks at 11 and 16. */
		{ 6.1, 0, 16, 11, 16, 17, 0, "██████▌····|····|", "ooooooo....w....c" },
		{ 50, 0, 100, 50, 50, 10, 0, "█████|····", "oooooc...." },
		{ 50, 0, 100, 50, NAN, 1, 0, "|", "w" },
		{ 50, 0, 100, 120, -5, 4, 0, "██··", "oo.." },
		{ 0, -50, 50, NAN, NAN, 10, 0, "█████·····", "ooooo....." },
		{ 5, 0, 0, 0, 0, 5, 0, "·····", "....." },
		{ 5, 10, 0, 3, 4, 5, 0, "·····", "....." },
		{ 25, 0, 100, 50, 80, 10, 1, "###..|..|.", "ooo..w..c." },
		{ 61, 0, 100, 50, 80, 10, 1, "#####|..|.", "ooooow..c." },
		{ NAN, 0, 100, 50, 80, 10, 1, ".....|..|.", ".....w..c." },
		{ 7, 0, 100, 50, 80, 0, 0, "", "" },
		{ 7, 0, 100, 50, 80, -3, 1, "", "" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bar_case *c = &cases[i];
		struct gauge_bar b = { c->value, c->min, c->max, c->warn, c->crit, ROLE_OK,
				       c->ascii != 0 };
		struct cell cells[32];
		char glyphs[256], roles[33];
		int n = gauge_bar_render(&b, c->width, cells);

		assert_int_equal(n, c->width > 0 ? c->width : 0);
		cells_utf8(cells, n, glyphs, sizeof(glyphs));
		for (int k = 0; k < n; k++)
			roles[k] = role_letter(cells[k].role);
		roles[n] = '\0';
		/* 'O' in the table: the last filled cell of a full bar, plain o. */
		{
			char want[33];
			size_t len = strlen(c->roles);

			memcpy(want, c->roles, len + 1);
			for (size_t k = 0; k < len; k++)
				if (want[k] == 'O')
					want[k] = 'o';
			if (strcmp(glyphs, c->glyphs) || strcmp(roles, want))
				fail_msg("case %zu: got '%s' / '%s', want '%s' / '%s'", i, glyphs,
					 roles, c->glyphs, want);
		}
	}
}

static void test_fill_role_and_cut(void **state)
{
	struct gauge_bar b = { 90, 0, 100, 50, 80, ROLE_TRIGGERED, false };
	struct cell cells[4];
	char buf[6];
	(void)state;

	assert_int_equal(gauge_bar_render(&b, 4, cells), 4);
	assert_int_equal(cells[0].role, ROLE_TRIGGERED);
	/* cells_utf8 never cuts a glyph in half. */
	assert_int_equal(cells_utf8(cells, 4, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "█");
	assert_int_equal(cells_utf8(cells, 4, buf, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_fill_role_and_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
