/* test_ui_cell.c: text into cells: one cell per column, wide characters
 * spanning two, combining marks kept with their base, hostile bytes escaped. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cell.h"
#include "safe_text.h"

struct text_case {
	const char *text;
	int width;
	unsigned flags;
	int cols;
	const char *cells[8]; /* the glyph of each cell */
};

static void test_from_text(void **state)
{
	static const struct text_case cases[] = {
		{ "abc", 5, 0, 3, { "a", "b", "c", " ", " " } },
		{ "abcdef", 4, 0, 4, { "a", "b", "c", "\u2026" } },
		{ "\u65e5\u672c\u8a9e", 5, 0, 5, { "\u65e5", "", "\u672c", "", "\u2026" } },
		{ "\u65e5\u672c\u8a9e", 4, 0, 3, { "\u65e5", "", "\u2026", " " } },
		{ "e\u0301x", 3, 0, 2, { "e\u0301", "x", " " } },
		{ "caf\u00e9", 4, SAFE_TEXT_ASCII, 4, { "c", "a", "f", "?" } },
		{ "\x1b[", 5, 0, 5, { "\\", "x", "1", "b", "[" } },
		{ NULL, 2, 0, 0, { " ", " " } },
		{ "x", 0, 0, 0, { NULL } },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct text_case *c = &cases[i];
		struct cell out[8];
		int cols = cells_from_text(out, c->width, c->text, ROLE_WARN, c->flags);

		if (cols != c->cols)
			fail_msg("case %zu: %d columns, want %d", i, cols, c->cols);
		for (int k = 0; k < c->width; k++) {
			if (strcmp(out[k].glyph, c->cells[k]))
				fail_msg("case %zu cell %d: '%s', want '%s'", i, k, out[k].glyph,
					 c->cells[k]);
			assert_int_equal(out[k].role, ROLE_WARN);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_text),
	};

	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		fprintf(stderr, "test_ui_cell: the C.UTF-8 locale is missing\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
