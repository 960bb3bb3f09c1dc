/* test_ui_header.c: the header line at the widths the console meets. */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "header.h"
#include "safe_text.h"

static struct header_view prod(void)
{
	/* 2026-11-21 14:03:27 UTC */
	struct header_view h = { "directfanz-aws-migration", "production", true, "us-east-1",
				 "alice", (time_t)1795356207, true, 42 * 60 };
	return h;
}

static char letter(enum theme_role r)
{
	switch (r) {
	case ROLE_BORDER: return 'B';
	case ROLE_TITLE: return 'T';
	case ROLE_DIM: return 'D';
	case ROLE_HEADER: return 'H';
	case ROLE_NORMAL: return 'n';
	case ROLE_PROD_BANNER: return 'P';
	case ROLE_STAGING_BANNER: return 'S';
	case ROLE_WARN: return 'W';
	case ROLE_CRIT: return 'C';
	default: return '?';
	}
}

static void render(const struct header_view *h, int width, unsigned flags, char *glyphs,
		   char *roles)
{
	struct cell c[400];

	assert_int_equal(header_render(h, width, flags, c), width >= 2 ? width : 0);
	cells_utf8(c, width, glyphs, 4096);
	for (int k = 0; k < width; k++)
		roles[k] = letter(c[k].role);
	roles[width > 0 ? width : 0] = '\0';
}

static void test_widths(void **state)
{
	struct header_view h = prod();
	char g[4096], r[400];
	(void)state;

	render(&h, 100, 0, g, r);
	assert_string_equal(g, "\u250c cutover \u00b7 directfanz-aws-migration  PRODUCTION  us-east-1 "
			       "\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500 alice \u00b7 14:03:27 "
			       "\u00b7 creds 42m \u2510");
	assert_string_equal(r, "BBTTTTTTTDDDHHHHHHHHHHHHHHHHHHHHHHHHBPPPPPPPPPPPPBnnnnnnnnnBBBBBBBBBBB"
			       "nnnnnDDDHHHHHHHHDDDnnnnnnnnnBB");
	/* Credentials go first, then the region, the identity, the name. */
	render(&h, 90, 0, g, r);
	assert_non_null(strstr(g, "us-east-1"));
	assert_null(strstr(g, "creds"));
	render(&h, 70, 0, g, r);
	assert_string_equal(g, "\u250c cutover \u00b7 directfanz-aws-migration  PRODUCTION  \u2500 alice "
			       "\u00b7 14:03:27 \u2510");
	render(&h, 60, 0, g, r);
	assert_string_equal(g, "\u250c directfanz-aws-migration  PRODUCTION  \u2500\u2500\u2500\u2500"
			       "\u2500\u2500\u2500\u2500\u2500 14:03:27 \u2510");
	/* Then the runbook name is cut; the badge and the clock stay. */
	render(&h, 50, 0, g, r);
	assert_string_equal(g, "\u250c directfanz-aws-migrat\u2026  PRODUCTION  \u2500 14:03:27 \u2510");
}

static void test_environments_and_creds(void **state)
{
	struct header_view h = prod();
	char g[4096], r[400];
	(void)state;

	h.production = false;
	h.environment = "staging";
	h.identity = NULL;
	h.creds_left_s = NAN;
	render(&h, 80, SAFE_TEXT_ASCII, g, r);
	assert_string_equal(g, "+ cutover - directfanz-aws-migration  staging  us-east-1 ------------ "
			       "14:03:27 +");
	assert_non_null(strstr(r, "BSSSSSSSSSB"));

	h = prod();
	h.creds_left_s = 600;
	render(&h, 100, 0, g, r);
	assert_non_null(strstr(g, "creds 10m"));
	assert_non_null(strstr(r, "DDDWWWWWWWWWBB"));
	h.creds_left_s = -5;
	render(&h, 110, 0, g, r);
	assert_non_null(strstr(g, "creds expired"));
	assert_non_null(strstr(r, "CCCCCCCCCCCCCBB"));

	/* Remote and local strings alike are escaped. */
	h = prod();
	h.identity = "\x1b]0;owned\x07";
	h.runbook = "a\rb";
	render(&h, 120, 0, g, r);
	assert_non_null(strstr(g, "a\\rb"));
	assert_non_null(strstr(g, "\\x1b]0;owned\\x07"));
	h.environment = NULL;
	render(&h, 100, 0, g, r);
	assert_non_null(strstr(g, " UNKNOWN ENV "));
}

static void test_every_width(void **state)
{
	struct header_view h = prod();
	(void)state;

	for (int w = -1; w <= 300; w++) {
		struct cell c[400];

		for (int k = 0; k < 400; k++)
			cell_set(&c[k], "@", ROLE_NORMAL);
		assert_int_equal(header_render(&h, w, 0, c), w >= 2 ? w : 0);
		for (int k = w >= 2 ? w : 0; k < 400; k++)
			assert_string_equal(c[k].glyph, "@");
		for (int k = 0; k < w && w >= 2; k++)
			assert_string_not_equal(c[k].glyph, "@");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_environments_and_creds),
		cmocka_unit_test(test_every_width),
	};

	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		fprintf(stderr, "test_ui_header: the C.UTF-8 locale is missing\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
