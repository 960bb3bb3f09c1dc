/* test_ui_palette.c: a resolved theme installed into real curses screens,
 * opened with newterm on /dev/null for terminals of 256, 8 and no colours. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "palette.h"

struct term {
	SCREEN *scr;
	FILE *out, *in;
};

static void open_term(struct term *t, const char *type)
{
	/* curses needs somewhere to write and read; nothing is looked at. */
	t->out = fopen("/dev/null", "w");
	t->in = fopen("/dev/null", "r");
	assert_non_null(t->out);
	assert_non_null(t->in);
	t->scr = newterm(type, t->out, t->in);
	if (!t->scr)
		fail_msg("no terminfo entry for %s", type);
	set_term(t->scr);
}

static void close_term(struct term *t)
{
	endwin();
	delscreen(t->scr);
	fclose(t->out);
	fclose(t->in);
}

static void install(const char *term_type, enum theme_depth want, struct palette *p,
		    struct theme_resolved *r)
{
	struct theme th;
	struct cutover_err err;
	struct term t;
	enum theme_depth d;

	open_term(&t, term_type);
	if (has_colors())
		start_color();
	d = theme_depth_for(NULL, has_colors(), COLORS, can_change_color());
	assert_int_equal(d, want);
	theme_default(&th);
	theme_resolve(&th, d, r);
	if (palette_install(p, r, &err) != CUTOVER_OK)
		fail_msg("%s: %s", term_type, err.msg);
	/* What curses now holds is what the theme asked for. */
	if (d != THEME_DEPTH_MONO) {
		for (int i = 0; i < ROLE_COUNT; i++) {
			int fg, bg;

			assert_int_equal(extended_pair_content(i + 1, &fg, &bg), OK);
			assert_int_equal(fg, r->role[i].fg);
			assert_int_equal(bg, r->role[i].bg);
		}
		for (int i = 0; i < r->n_palette; i++) {
			int cr, cg, cb;

			assert_int_equal(extended_color_content(r->palette[i].slot, &cr, &cg, &cb), OK);
			assert_int_equal(cr, (int)((r->palette[i].rgb >> 16 & 255) * 1000 / 255));
		}
	}
	close_term(&t);
}

static void test_xterm_256(void **state)
{
	struct palette p;
	struct theme_resolved r;
	(void)state;

	install("xterm-256color", THEME_DEPTH_PALETTE, &p, &r);
	assert_int_equal(PAIR_NUMBER(palette_attr(&p, ROLE_WARN)), ROLE_WARN + 1);
	assert_true(palette_attr(&p, ROLE_WARN) & A_BOLD);
	assert_false(palette_attr(&p, ROLE_OK) & A_BOLD);
	assert_int_equal(palette_attr(&p, ROLE_COUNT), A_NORMAL);
}

static void test_xterm_8(void **state)
{
	struct palette p;
	struct theme_resolved r;
	(void)state;

	install("xterm-color", THEME_DEPTH_8, &p, &r);
	assert_int_equal(r.role[ROLE_WARN].fg, COLOR_YELLOW);
}

static void test_mono(void **state)
{
	struct palette p;
	struct theme_resolved r;
	(void)state;

	install("xterm-mono", THEME_DEPTH_MONO, &p, &r);
	assert_int_equal(PAIR_NUMBER(palette_attr(&p, ROLE_WARN)), 0);
	assert_true(palette_attr(&p, ROLE_SELECTED) & A_REVERSE);
	assert_true(palette_attr(&p, ROLE_TRIGGERED) & A_REVERSE);
	assert_true(palette_attr(&p, ROLE_CRIT) & A_UNDERLINE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xterm_256),
		cmocka_unit_test(test_xterm_8),
		cmocka_unit_test(test_mono),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
