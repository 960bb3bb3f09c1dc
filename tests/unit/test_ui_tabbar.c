/* test_ui_tabbar.c: the tab bar at several widths, with and without marks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tabbar.h"

static char letter(enum theme_role r)
{
	return r == ROLE_TAB_ACTIVE ? 'A' : r == ROLE_TAB ? 't' : r == ROLE_BORDER ? '-' :
	       r == ROLE_TRIGGERED ? '!' : '?';
}

struct tab_case {
	int active, width, ascii, mark;
	const char *glyphs, *roles;
};

static void test_table(void **state)
{
	static const struct tab_case cases[] = {
		{ 0, 70, 1, -1,
		  "+ 1 Phases | 2 Gauges | 3 Flags | 4 Rollback | 5 Events -------------+",
		  "-AAAAAAAAAA-tttttttttt-ttttttttt-tttttttttttt-tttttttttt--------------" },
		{ 1, 60, 1, 1,
		  "+ 1 Phases | 2 Gauges#| 3 Flags | 4 Rollback | 5 Events ---+",
		  "-tttttttttt-AAAAAAAAA!-ttttttttt-tttttttttttt-tttttttttt----" },
		/* Too narrow for every title: the others shrink to digits. */
		{ 2, 40, 1, -1,
		  "+ 1 | 2 | 3 Flags | 4 | 5 -------------+",
		  "-ttt-ttt-AAAAAAAAA-ttt-ttt--------------" },
		{ 2, 24, 1, 1,
		  "+ 1 | 2#| 3 | 4 | 5 ---+",
		  "-ttt-tt!-AAA-ttt-ttt----" },
		{ 0, 10, 1, -1, "+ 1 | 2 |+", "-AAA-ttt--" },
		{ 3, 2, 1, -1, "++", "--" },
		{ 0, 62, 0, -1,
		  "├ 1 Phases │ 2 Gauges │ 3 Flags │ 4 Rollback │ 5 Events ─────┤",
		  "-AAAAAAAAAA-tttttttttt-ttttttttt-tttttttttttt-tttttttttt------" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tab_case *c = &cases[i];
		struct cell marks[LAYOUT_PANEL_COUNT], out[128];
		char glyphs[512], roles[129];
		int n;

		memset(marks, 0, sizeof(marks));
		if (c->mark >= 0)
			cell_set(&marks[c->mark], c->ascii ? "#" : "\xe2\x80\xbc", ROLE_TRIGGERED);
		n = tabbar_render((enum layout_panel)c->active, marks, c->width, c->ascii, out);
		assert_int_equal(n, c->width);
		cells_utf8(out, n, glyphs, sizeof(glyphs));
		for (int k = 0; k < n; k++)
			roles[k] = letter(out[k].role);
		roles[n] = '\0';
		if (strcmp(glyphs, c->glyphs) || strcmp(roles, c->roles))
			fail_msg("case %zu:\n got '%s'\n     '%s'\nwant '%s'\n     '%s'", i, glyphs,
				 roles, c->glyphs, c->roles);
	}
	assert_int_equal(tabbar_render(LAYOUT_PHASES, NULL, 1, true, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
