/* test_ui_draw.c: cells and text land in a real curses window (newterm on
 * /dev/null), in their roles, clipped and padded; hostile text arrives
 * escaped. */
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

#include "draw.h"
#include "gauge_bar.h"
#include "safe_text.h"

static SCREEN *scr;
static FILE *out, *in;
static struct palette pal;

static int setup(void **state)
{
	struct theme t;
	struct theme_resolved r;
	struct cutover_err err;
	(void)state;

	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	scr = newterm("xterm-256color", out, in);
	if (!scr)
		return -1;
	set_term(scr);
	resizeterm(10, 40);
	start_color();
	theme_default(&t);
	theme_resolve(&t, THEME_DEPTH_256, &r);
	return palette_install(&pal, &r, &err) == CUTOVER_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	return 0;
}

/* The text of row y from column x, n columns, as UTF-8. */
static void row(WINDOW *w, int y, int x, int n, char *buf, size_t cap)
{
	size_t used = 0;

	for (int i = 0; i < n; i++) {
		cchar_t cc;
		wchar_t wc[CCHARW_MAX + 1];
		attr_t a;
		short pair;
		char mb[8];
		int len;

		mvwin_wch(w, y, x + i, &cc);
		getcchar(&cc, wc, &a, &pair, NULL);
		len = (int)wctomb(mb, wc[0]);
		if (len > 0 && used + (size_t)len < cap) {
			memcpy(buf + used, mb, (size_t)len);
			used += (size_t)len;
		}
	}
	buf[used] = '\0';
}

static short pair_at(WINDOW *w, int y, int x)
{
	cchar_t cc;
	wchar_t wc[CCHARW_MAX + 1];
	attr_t a;
	short pair;

	mvwin_wch(w, y, x, &cc);
	getcchar(&cc, wc, &a, &pair, NULL);
	return pair;
}

static void test_cells(void **state)
{
	WINDOW *w = newwin(3, 12, 0, 0);
	struct gauge_bar b = { 25, 0, 100, 50, 80, ROLE_OK, false };
	struct cell cells[10];
	char got[128];
	(void)state;

	gauge_bar_render(&b, 10, cells);
	assert_int_equal(draw_cells(w, 0, 0, cells, 10, &pal), 10);
	row(w, 0, 0, 10, got, sizeof(got));
	assert_string_equal(got, "██▌··|··|·");
	assert_int_equal(pair_at(w, 0, 0), ROLE_OK + 1);
	assert_int_equal(pair_at(w, 0, 3), ROLE_DIM + 1);
	assert_int_equal(pair_at(w, 0, 5), ROLE_WARN + 1);
	assert_int_equal(pair_at(w, 0, 8), ROLE_CRIT + 1);
	/* Clipped at the right edge; nothing off-window. */
	assert_int_equal(draw_cells(w, 1, 5, cells, 10, &pal), 7);
	assert_int_equal(draw_cells(w, 5, 0, cells, 10, &pal), 0);
	assert_int_equal(draw_cells(w, -1, 0, cells, 10, &pal), 0);
	delwin(w);
}

static void test_text(void **state)
{
	WINDOW *w = newwin(3, 20, 0, 0);
	char got[128];
	(void)state;

	/* A longer first frame, then a shorter one: no tail left behind. */
	assert_int_equal(draw_text(w, 0, 0, 15, "rollout_percent 25%", ROLE_NORMAL, &pal, 0), 15);
	assert_int_equal(draw_text(w, 0, 0, 15, "v3", ROLE_WARN, &pal, 0), 2);
	row(w, 0, 0, 16, got, sizeof(got));
	assert_string_equal(got, "v3              ");
	assert_int_equal(pair_at(w, 0, 0), ROLE_WARN + 1);
	/* Hostile text arrives as its escape, fitted. */
	assert_int_equal(draw_text(w, 1, 0, 20, "\x1b[2J\x1b]52;c;eA==\x07", ROLE_NORMAL, &pal, 0), 20);
	row(w, 1, 0, 20, got, sizeof(got));
	assert_string_equal(got, "\\x1b[2J\\x1b]52;c;eA…");
	/* Width beyond the window is clipped to it. */
	assert_int_equal(draw_text(w, 2, 15, 30, "abcdefgh", ROLE_NORMAL, &pal, SAFE_TEXT_ASCII), 5);
	row(w, 2, 15, 5, got, sizeof(got));
	assert_string_equal(got, "ab...");
	assert_int_equal(draw_text(w, 3, 0, 5, "x", ROLE_NORMAL, &pal, 0), 0);
	delwin(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_text),
	};

	if (!setlocale(LC_ALL, "C.UTF-8")) {
		fprintf(stderr, "test_ui_draw: the C.UTF-8 locale is missing\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
