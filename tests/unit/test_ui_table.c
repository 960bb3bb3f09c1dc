/* test_ui_table.c: column widths from the width alone, dropping and cutting
 * in the stated order, rows as exact strings. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "safe_text.h"
#include "table.h"

static const struct table_col cols[] = {
	{ "STARTED", 8, 8, 0, TABLE_LEFT, 2 },
	{ "NAME", 10, 30, 1, TABLE_LEFT, 0 },
	{ "STATUS", 9, 9, 0, TABLE_LEFT, 0 },
	{ "ITEMS", 5, 10, 1, TABLE_RIGHT, 1 },
};

static void layout(int width, int a, int b, int c, int d)
{
	int w[4];

	table_layout(cols, 4, width, w);
	if (w[0] != a || w[1] != b || w[2] != c || w[3] != d)
		fail_msg("width %d: %d %d %d %d, want %d %d %d %d", width, w[0], w[1], w[2], w[3], a,
			 b, c, d);
}

static void test_layout(void **state)
{
	(void)state;
	/* Spare width goes by weight up to each max. */
	layout(80, 8, 30, 9, 10);
	layout(60, 8, 30, 9, 10);
	layout(50, 8, 20, 9, 10);
	layout(40, 8, 13, 9, 7);
	layout(35, 8, 10, 9, 5);
	/* Too narrow: STARTED (drop 2) goes first, then ITEMS (drop 1). */
	layout(34, 0, 14, 9, 9);
	layout(24, 0, 14, 9, 0);
	layout(20, 0, 10, 9, 0); /* nothing more to drop: the row is cut */
	layout(0, 0, 10, 9, 0);
}

static void test_rows(void **state)
{
	static const char *const job[] = { "14:01:07", "migration-2026-11-21", "RUNNING", "12345" };
	static const char *const hostile[] = { "x", "\x1b[2Jname", NULL, "1" };
	static const enum theme_role roles[] = { ROLE_DIM, ROLE_NORMAL, ROLE_RUNNING, ROLE_NORMAL };
	struct cell c[200];
	char buf[1024];
	int w[4];
	(void)state;

	table_layout(cols, 4, 60, w);
	assert_int_equal(table_header_render(cols, w, 4, 60, 0, c), 60);
	cells_utf8(c, 60, buf, sizeof(buf));
	assert_string_equal(buf, "STARTED  NAME                           STATUS         ITEMS");
	assert_int_equal(c[0].role, ROLE_TITLE);
	assert_int_equal(table_row_render(cols, w, 4, job, roles, 60, 0, c), 60);
	cells_utf8(c, 60, buf, sizeof(buf));
	assert_string_equal(buf, "14:01:07 migration-2026-11-21           RUNNING        12345");
	assert_int_equal(c[0].role, ROLE_DIM);
	assert_int_equal(c[40].role, ROLE_RUNNING);
	table_layout(cols, 4, 24, w);
	table_row_render(cols, w, 4, job, roles, 24, 0, c);
	cells_utf8(c, 24, buf, sizeof(buf));
	assert_string_equal(buf, "migration-202\u2026 RUNNING  ");
	table_layout(cols, 4, 15, w);
	table_row_render(cols, w, 4, job, NULL, 15, SAFE_TEXT_ASCII, c);
	cells_utf8(c, 15, buf, sizeof(buf));
	assert_string_equal(buf, "migrati... R...");
	table_layout(cols, 4, 60, w);
	table_row_render(cols, w, 4, hostile, NULL, 60, 0, c);
	cells_utf8(c, 60, buf, sizeof(buf));
	assert_memory_equal(buf, "x        \\x1b[2Jname", 20);
	assert_int_equal(table_row_render(cols, w, 4, job, NULL, 0, 0, c), 0);
	/* Any width: exactly that many cells, widths within it when they can be. */
	for (int width = -1; width <= 180; width++) {
		struct cell cc[200];
		int sum = 0, shown = 0;

		table_layout(cols, 4, width, w);
		for (int i = 0; i < 4; i++)
			if (w[i]) {
				sum += w[i];
				shown++;
			}
		if (width >= 20)
			assert_true(sum + shown - 1 <= width);
		for (int k = 0; k < 200; k++)
			cell_set(&cc[k], "@", ROLE_NORMAL);
		assert_int_equal(table_row_render(cols, w, 4, job, NULL, width, 0, cc),
				 width > 0 ? width : 0);
		for (int k = width > 0 ? width : 0; k < 200; k++)
			assert_string_equal(cc[k].glyph, "@");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_rows),
	};

	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		fprintf(stderr, "test_ui_table: the C.UTF-8 locale is missing\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
