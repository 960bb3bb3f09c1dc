/* test_ui_glyph.c: every state has a one-column glyph, an ASCII twin and a
 * word, so no state is shown by colour alone, in UTF-8 or in ASCII. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "glyph.h"

static int cols(const char *s)
{
	wchar_t w[8];
	size_t n = mbstowcs(w, s, 8);

	return n == (size_t)-1 ? -1 : wcswidth(w, n);
}

static void test_table(void **state)
{
	(void)state;
	for (int i = 0; i < GLYPH_COUNT; i++) {
		const struct glyph *g = glyph_get((enum glyph_id)i);

		assert_int_equal(cols(g->utf8), 1);
		assert_int_equal(strlen(g->ascii), 1);
		assert_true(g->ascii[0] > ' ' && g->ascii[0] < 0x7f);
		assert_true(strlen(g->word) >= 2);
		assert_true(g->role < ROLE_COUNT);
		assert_string_equal(glyph_symbol((enum glyph_id)i, true), g->ascii);
		assert_string_equal(glyph_symbol((enum glyph_id)i, false), g->utf8);
		/* Within a family (same prefix), words tell states apart. */
		for (int j = 0; j < i; j++) {
			const struct glyph *h = glyph_get((enum glyph_id)j);
			assert_true(strcmp(g->word, h->word) != 0 || g == h);
		}
	}
	assert_string_equal(glyph_get(GLYPH_GAUGE_TRIGGERED)->word, "triggered");
	assert_int_equal(glyph_get(GLYPH_GAUGE_TRIGGERED)->role, ROLE_TRIGGERED);
	assert_string_equal(glyph_symbol(GLYPH_COUNT, false), "?");
}

/* The gauge levels differ in ASCII too, not only in colour. */
static void test_gauge_levels_distinct(void **state)
{
	static const enum glyph_id levels[] = { GLYPH_GAUGE_NODATA, GLYPH_GAUGE_OK, GLYPH_GAUGE_WARN,
						GLYPH_GAUGE_CRITICAL, GLYPH_GAUGE_TRIGGERED };
	(void)state;

	for (size_t i = 0; i < 5; i++)
		for (size_t j = 0; j < i; j++) {
			assert_string_not_equal(glyph_symbol(levels[i], true),
						glyph_symbol(levels[j], true));
			assert_string_not_equal(glyph_symbol(levels[i], false),
						glyph_symbol(levels[j], false));
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_gauge_levels_distinct),
	};

	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		fprintf(stderr, "test_ui_glyph: the C.UTF-8 locale is missing\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
