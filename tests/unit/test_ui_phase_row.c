/* test_ui_phase_row.c: phases as rows: aligned columns, state never by
 * colour alone, late phases flagged, approvals offering their keys. */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "phase_row.h"
#include "safe_text.h"

static const struct phase_row rows[] = {
	{ 1, "Validate prerequisites", GLYPH_PHASE_SUCCEEDED, 190, 300, NULL, NULL, NULL },
	{ 3, "Data migration (DMS)", GLYPH_PHASE_RUNNING, 540, 2700, "WaitFullLoad", NULL, NULL },
	{ 4, "Service deployment", GLYPH_PHASE_STUCK, 3120, 1200, "Deploy (stuck?)", NULL, NULL },
	{ 5, "Approve cutover", GLYPH_PHASE_WAITING, NAN, NAN, NULL, "a", "x" },
	{ 12, "Switch DNS", GLYPH_PHASE_FAILED, 60, 600,
	  "States.TaskFailed: AccessDeniedException: not authorized\x1b[2J", NULL, NULL },
	{ 2, "Provision", GLYPH_PHASE_PENDING, NAN, 900, NULL, NULL, NULL },
};

static void render(const struct phase_row *p, int width, unsigned flags, struct cell *c, char *buf)
{
	assert_int_equal(phase_row_render(p, width, flags, c), width);
	cells_utf8(c, width, buf, 4096);
}

static void test_rows(void **state)
{
	static const char *const want70[] = {
		"\u2714  1 Validate prerequisites                 3m/5m succeeded           ",
		"\u25d0  3 Data migration (DMS)                  9m/45m WaitFullLoad        ",
		"\u29d7  4 Service deployment                   52m/20m Deploy (stuck?)     ",
		"\u23f8  5 Approve cutover                            \u2013 [a] approve  [x] re\u2026",
		"\u2716 12 Switch DNS                            1m/10m States.TaskFailed: \u2026",
		"\u25cc  2 Provision                              \u2013/15m pending             ",
	};
	static const char *const want40[] = {
		"+  1 Validat...       3m/5m succeeded   ",
		">  3 Data mi...      9m/45m WaitFullLoad",
		"!  4 Service...     52m/20m Deploy (s...",
		"=  5 Approve...           - [a] appro...",
		"x 12 Switch DNS      1m/10m States.Ta...",
		".  2 Provision        -/15m pending     ",
	};
	struct cell c[600];
	char buf[4096];
	(void)state;

	for (size_t i = 0; i < 6; i++) {
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
	(void)state;

	render(&rows[0], 70, 0, c, buf);
	assert_int_equal(c[0].role, ROLE_OK);
	assert_int_equal(c[48].role, ROLE_DIM);  /* within time, not late */
	assert_int_equal(c[50].role, ROLE_OK);   /* the word "succeeded" */
	render(&rows[2], 70, 0, c, buf);
	assert_int_equal(c[0].role, ROLE_WARN);
	assert_int_equal(c[48].role, ROLE_WARN); /* 52m of 20m: late */
	render(&rows[3], 70, 0, c, buf);
	assert_int_equal(c[50].role, ROLE_HINT);
	render(&rows[4], 70, 0, c, buf);
	assert_int_equal(c[0].role, ROLE_CRIT);
	assert_int_equal(c[50].role, ROLE_CRIT); /* the error */
	/* Hostile detail: escaped, never raw. */
	{
		struct phase_row p = rows[4];
		p.detail = "\x1b[2J\x07";
		render(&p, 70, 0, c, buf);
		assert_non_null(strstr(buf, "\\x1b[2J\\x07"));
	}
}

static void test_every_width(void **state)
{
	(void)state;
	for (size_t i = 0; i < 6; i++)
		for (int w = -1; w <= 560; w++) {
			struct cell c[600];

			for (int k = 0; k < 600; k++)
				cell_set(&c[k], "@", ROLE_NORMAL);
			assert_int_equal(phase_row_render(&rows[i], w, 0, c), w > 0 ? w : 0);
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
		fprintf(stderr, "test_ui_phase_row: the C.UTF-8 locale is missing\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
