/* test_ui_flag_row.c: flags as rows: aligned columns, dangerous and
 * in-flight marks, stale values, remote text escaped. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "flag_row.h"
#include "safe_text.h"

static const struct flag_row rows[] = {
	{ "use_step_functions", "ON", ROLE_OK, 14, "bob", false, false, false },
	{ "dual_write", "OFF", ROLE_NORMAL, 3, "arn:aws:sts::123456789012:assumed-role/ops/alice",
	  true, false, false },
	{ "rollout_percent", "25%", ROLE_NORMAL, 3, NULL, false, true, false },
	{ "provisioning_mode", "DUAL_PROV\x1b[31m", ROLE_NORMAL, -1, NULL, false, false, true },
};

static void render(const struct flag_row *f, int width, unsigned flags, struct cell *c, char *buf)
{
	assert_int_equal(flag_row_render(f, width, flags, c), width);
	cells_utf8(c, width, buf, 4096);
}

static void test_rows(void **state)
{
	static const char *const want70[] = {
		"use_step_functions             ON            v14 bob                  ",
		"dual_write                   \u26a0 OFF            v3 arn:aws:sts::1234567\u2026",
		"rollout_percent                25%\u2026           v3                      ",
		"provisioning_mode              DUAL_PROV\u2026                             ",
	};
	static const char *const want40[] = {
		"use_ste...   ON            v14 bob      ",
		"dual_write ! OFF            v3 arn:aw...",
		"rollout...   25%~           v3          ",
		"provisi...   DUAL_PR...                 ",
	};
	struct cell c[600];
	char buf[4096];
	(void)state;

	for (size_t i = 0; i < 4; i++) {
		render(&rows[i], 70, 0, c, buf);
		if (strcmp(buf, want70[i]))
			fail_msg("row %zu at 70:\n got '%s'\nwant '%s'", i, buf, want70[i]);
		render(&rows[i], 40, SAFE_TEXT_ASCII, c, buf);
		if (strcmp(buf, want40[i]))
			fail_msg("row %zu at 40:\n got '%s'\nwant '%s'", i, buf, want40[i]);
	}
}

static void test_roles(void **state)
{
	struct cell c[600];
	char buf[4096];
	struct flag_row f = rows[3];
	(void)state;

	render(&rows[0], 70, 0, c, buf);
	assert_int_equal(c[31].role, ROLE_OK);      /* the value in the caller's role */
	render(&rows[1], 70, 0, c, buf);
	assert_int_equal(c[29].role, ROLE_WARN);    /* ⚠ */
	render(&rows[2], 70, 0, c, buf);
	assert_int_equal(c[34].role, ROLE_PENDING); /* … */
	render(&rows[3], 70, 0, c, buf);
	assert_int_equal(c[31].role, ROLE_STALE);
	/* A value exactly as wide as its column still gets its pending mark. */
	f.value = "ABCDEFGHIJ";
	f.pending = true;
	f.stale = false;
	render(&f, 70, 0, c, buf);
	assert_non_null(strstr(buf, "ABCDEFGHIJ\u2026"));
	f.value = NULL;
	f.pending = false;
	render(&f, 70, SAFE_TEXT_ASCII, c, buf);
	assert_non_null(strstr(buf, "   ?   "));
}

static void test_every_width(void **state)
{
	(void)state;
	for (size_t i = 0; i < 4; i++)
		for (int w = -1; w <= 560; w++) {
			struct cell c[600];

			for (int k = 0; k < 600; k++)
				cell_set(&c[k], "@", ROLE_NORMAL);
			assert_int_equal(flag_row_render(&rows[i], w, 0, c), w > 0 ? w : 0);
			for (int k = w > 0 ? w : 0; k < 600; k++)
				assert_string_equal(c[k].glyph, "@");
			for (int k = 0; k < w; k++)
				assert_string_not_equal(c[k].glyph, "@");
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_every_width),
	};

	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		fprintf(stderr, "test_ui_flag_row: the C.UTF-8 locale is missing\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
