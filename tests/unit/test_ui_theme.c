/* test_ui_theme.c: theme files, their errors, and colour downgrading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "theme.h"

static const char *const shipped[] = { "default", "light", "high-contrast", "colorblind",
				       "monochrome" };

static void load(const char *name, struct theme *t)
{
	const char *dirs[] = { SRCDIR "/themes", NULL };
	struct cutover_err err = { 0 };

	if (theme_load_named(t, name, dirs, &err) != CUTOVER_OK)
		fail_msg("%s: %s", name, err.msg);
}

static void test_builtin_matches_file(void **state)
{
	struct theme a, b;
	(void)state;

	theme_default(&a);
	load("default", &b);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(a.style[ROLE_WARN].fg.kind, THEME_COLOR_RGB);
	assert_int_equal(a.style[ROLE_WARN].fg.value, 0xffaf00);
	assert_int_equal(a.style[ROLE_WARN].attrs, THEME_BOLD);
	assert_int_equal(a.style[ROLE_NORMAL].bg.kind, THEME_COLOR_DEFAULT);
}

/* Every shipped theme parses and sets every role itself. */
static void test_shipped_themes_complete(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
		struct theme t;

		load(shipped[i], &t);
		for (int r = 0; r < ROLE_COUNT; r++)
			t.style[r].attrs |= 0x100; /* mark */
		{
			/* Parse again over the marked theme: every role must be
			 * overwritten, which clears the mark. */
			char path[512];
			struct cutover_err err;
			struct theme over = t;
			FILE *f;
			char text[8192];
			size_t n;

			snprintf(path, sizeof(path), "%s/themes/%s.theme", SRCDIR, shipped[i]);
			f = fopen(path, "r");
			assert_non_null(f);
			n = fread(text, 1, sizeof(text), f);
			fclose(f);
			assert_int_equal(theme_parse(&over, text, n, path, &err), CUTOVER_OK);
			for (int r = 0; r < ROLE_COUNT; r++)
				if (over.style[r].attrs & 0x100)
					fail_msg("%s does not set role %s", shipped[i],
						 theme_role_name((enum theme_role)r));
		}
	}
}

static bool reddish(struct theme_color c)
{
	unsigned rgb = c.kind == THEME_COLOR_RGB ? c.value : theme_xterm_rgb(c.value);
	return c.kind != THEME_COLOR_DEFAULT && (rgb >> 16 & 255) > 150 && (rgb >> 8 & 255) < 100;
}

static bool greenish(struct theme_color c)
{
	unsigned rgb = c.kind == THEME_COLOR_RGB ? c.value : theme_xterm_rgb(c.value);
	return c.kind != THEME_COLOR_DEFAULT && (rgb >> 8 & 255) > 150 &&
	       (rgb >> 16 & 255) < 120 && (rgb & 255) < 150;
}

static void test_colorblind_and_mono(void **state)
{
	struct theme t;
	static const enum theme_role states[] = { ROLE_OK, ROLE_WARN, ROLE_CRIT, ROLE_TRIGGERED,
						   ROLE_ALERT_BANNER, ROLE_RUNNING };
	(void)state;

	load("colorblind", &t);
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		const struct theme_style *s = &t.style[states[i]];
		assert_false(reddish(s->fg) || reddish(s->bg));
		assert_false(greenish(s->fg) || greenish(s->bg));
	}
	/* Sanity of the predicates on the default theme, where they do fire. */
	load("default", &t);
	assert_true(greenish(t.style[ROLE_OK].fg));
	assert_true(reddish(t.style[ROLE_TRIGGERED].bg));

	load("monochrome", &t);
	for (int r = 0; r < ROLE_COUNT; r++) {
		assert_int_equal(t.style[r].fg.kind, THEME_COLOR_DEFAULT);
		assert_int_equal(t.style[r].bg.kind, THEME_COLOR_DEFAULT);
	}
}

struct parse_case {
	const char *text;
	enum cutover_status st;
	const char *msg; /* substring of the error; NULL when ok */
};

static void test_parse_errors(void **state)
{
	static const struct parse_case cases[] = {
		{ "# only a comment\n\n; another\n", CUTOVER_OK, NULL },
		{ "warn = red default bold underline\r\nok=green black\n", CUTOVER_OK, NULL },
		{ "warn = 214 #000000 reverse dim", CUTOVER_OK, NULL },
		{ "\n\nwarnn = red default\n", CUTOVER_EPARSE,
		  "t.theme:3: unknown role 'warnn'; did you mean 'warn'?" },
		{ "zzzzzzzzzz = red default\n", CUTOVER_EPARSE, "unknown role 'zzzzzzzzzz'" },
		{ "warn = bleu default\n", CUTOVER_EPARSE,
		  "t.theme:1: bad foreground colour 'bleu' for role 'warn' (a colour is default, "
		  "a name like blue, 0-255 or #rrggbb; did you mean 'blue'?)" },
		{ "warn = red 256\n", CUTOVER_EPARSE, "bad background colour '256'" },
		{ "warn = red -1\n", CUTOVER_EPARSE, "bad background colour '-1'" },
		{ "warn = #12345 default\n", CUTOVER_EPARSE, "bad foreground colour '#12345'" },
		{ "warn = #12345g default\n", CUTOVER_EPARSE, "bad foreground colour '#12345g'" },
		{ "warn = red\n", CUTOVER_EPARSE, "role 'warn' needs a foreground and a background" },
		{ "warn red default\n", CUTOVER_EPARSE, "t.theme:1: expected 'role = fg bg" },
		{ "warn = red default blod\n", CUTOVER_EPARSE,
		  "unknown attribute 'blod' for role 'warn' (bold, dim, reverse or underline; "
		  "did you mean 'bold'?)" },
		{ "ok = red default\nwarn = red default\nok = blue default\n", CUTOVER_EPARSE,
		  "t.theme:3: role 'ok' is already set on line 1" },
		{ "ok = red default bold bold bold bold bold bold bold\n", CUTOVER_EPARSE,
		  "too many words" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct theme t;
		struct cutover_err err = { 0 };
		enum cutover_status st;

		theme_default(&t);
		st = theme_parse(&t, cases[i].text, strlen(cases[i].text), "t.theme", &err);
		if (st != cases[i].st)
			fail_msg("case %zu: status %d (%s)", i, st, err.msg);
		if (cases[i].msg && !strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: '%s' not in '%s'", i, cases[i].msg, err.msg);
	}
	{
		/* A NUL byte inside a file is refused, not silently cut. */
		struct theme t;
		struct cutover_err err;
		static const char nul[] = "ok = red default\nwarn = red\0default\n";

		assert_int_equal(theme_parse(&t, nul, sizeof(nul) - 1, "n.theme", &err),
				 CUTOVER_EPARSE);
		assert_non_null(strstr(err.msg, "n.theme:2: NUL byte"));
	}
}

static void test_parse_values(void **state)
{
	struct theme t;
	struct cutover_err err;
	static const char text[] = "warn = brightred #A0b1C2 bold underline\n"
				   "ok = 7 default dim reverse\n";
	(void)state;

	theme_default(&t);
	assert_int_equal(theme_parse(&t, text, strlen(text), "x", &err), CUTOVER_OK);
	assert_int_equal(t.style[ROLE_WARN].fg.kind, THEME_COLOR_INDEX);
	assert_int_equal(t.style[ROLE_WARN].fg.value, 9);
	assert_int_equal(t.style[ROLE_WARN].bg.kind, THEME_COLOR_RGB);
	assert_int_equal(t.style[ROLE_WARN].bg.value, 0xa0b1c2);
	assert_int_equal(t.style[ROLE_WARN].attrs, THEME_BOLD | THEME_UNDERLINE);
	assert_int_equal(t.style[ROLE_OK].fg.value, 7);
	assert_int_equal(t.style[ROLE_OK].attrs, THEME_DIM | THEME_REVERSE);
	/* Roles the text leaves out keep the default. */
	assert_int_equal(t.style[ROLE_CRIT].fg.value, 0xff5f5f);
	assert_int_equal(theme_role_by_name("prod_banner"), ROLE_PROD_BANNER);
	assert_int_equal(theme_role_by_name("nope"), -1);
	assert_string_equal(theme_role_name(ROLE_STALE), "stale");
	assert_string_equal(theme_role_name(ROLE_COUNT), "?");
}

static void test_load_named(void **state)
{
	const char *dirs[] = { "/nonexistent-dir", SRCDIR "/themes", NULL };
	struct theme t;
	struct cutover_err err;
	(void)state;

	assert_int_equal(theme_load_named(&t, "light", dirs, &err), CUTOVER_OK);
	assert_int_equal(t.style[ROLE_OK].fg.value, 0x008700);
	assert_int_equal(theme_load_named(&t, "ligth", dirs, &err), CUTOVER_ENOENT);
	assert_non_null(strstr(err.msg, "no theme 'ligth' in /nonexistent-dir, " SRCDIR "/themes"));
	assert_non_null(strstr(err.msg, "colorblind"));
	assert_non_null(strstr(err.msg, "did you mean 'light'?"));
	assert_int_equal(theme_load_named(&t, "a b", dirs, &err), CUTOVER_EINVAL);
	assert_non_null(strstr(err.msg, "bad theme name 'a b'"));
	assert_int_equal(theme_load_named(&t, "./missing.theme", dirs, &err), CUTOVER_ENOENT);
	assert_non_null(strstr(err.msg, "cannot read theme ./missing.theme"));
	assert_int_equal(theme_load_named(&t, SRCDIR "/themes/monochrome.theme", dirs, &err),
			 CUTOVER_OK);
	assert_int_equal(t.style[ROLE_SELECTED].attrs, THEME_REVERSE);
	assert_int_equal(theme_load_named(&t, "nothing", NULL, &err), CUTOVER_ENOENT);
	assert_non_null(strstr(err.msg, "(no directories)"));
}

static void test_dirs(void **state)
{
	struct theme_dirs d;
	struct theme t;
	struct cutover_err err;
	(void)state;

	theme_dirs_init(&d, "/opt/th", "/x/config", "/home/al", "/usr/local/bin/cutover");
	assert_string_equal(d.list[0], "/opt/th");
	assert_string_equal(d.list[1], "/x/config/cutover/themes");
	assert_string_equal(d.list[2], "/usr/local/bin/../share/cutover/themes");
	assert_string_equal(d.list[3], "/usr/local/bin/../themes");
	assert_null(d.list[4]);
	theme_dirs_init(&d, "", NULL, "/home/al", NULL);
	assert_string_equal(d.list[0], "/home/al/.config/cutover/themes");
	assert_null(d.list[1]);
	theme_dirs_init(&d, NULL, NULL, NULL, "cutover");
	assert_null(d.list[0]);
	/* The build tree finds the source tree's themes from build/cutover. */
	theme_dirs_init(&d, NULL, NULL, NULL, SRCDIR "/build/cutover");
	assert_int_equal(theme_load_named(&t, "colorblind", d.list, &err), CUTOVER_OK);
}

/* docs/themes.md lists every role. */
static void test_docs_list_roles(void **state)
{
	char text[16384], want[64];
	FILE *f = fopen(SRCDIR "/docs/themes.md", "r");
	size_t n;
	(void)state;

	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	for (int r = 0; r < ROLE_COUNT; r++) {
		snprintf(want, sizeof(want), "| `%s` |", theme_role_name((enum theme_role)r));
		if (!strstr(text, want))
			fail_msg("docs/themes.md does not describe role %s", want);
	}
}

/* Random lines built from real and broken words: the parser answers OK or
 * a located error, never crashes (run it under ASan). */
static void test_parse_random(void **state)
{
	static const char *const words[] = {
		"warn", "ok", "warnn", "=", "==", "red", "#ffaf00", "#ff", "255", "256", "-1",
		"bold", "blod", "default", "\t", " ", "#", ";", "\r", "\xff", "\x1b[2J",
		"prod_banner", "brightred", "0x10", "",
	};
	unsigned seed = 7;
	(void)state;

	for (int round = 0; round < 5000; round++) {
		char text[512];
		size_t len = 0;
		struct theme t;
		struct cutover_err err = { 0 };
		enum cutover_status st;
		int nwords;

		seed = seed * 1103515245u + 12345u;
		nwords = (int)((seed >> 16) % 24);
		for (int i = 0; i < nwords; i++) {
			const char *w;
			size_t n;

			seed = seed * 1103515245u + 12345u;
			w = words[(seed >> 16) % (sizeof(words) / sizeof(words[0]))];
			n = strlen(w);
			if (len + n + 2 >= sizeof(text))
				break;
			memcpy(text + len, w, n);
			len += n;
			text[len++] = (seed >> 8) % 5 == 0 ? '\n' : ' ';
		}
		theme_default(&t);
		st = theme_parse(&t, text, len, "fuzz.theme", &err);
		assert_true(st == CUTOVER_OK || st == CUTOVER_EPARSE);
		if (st != CUTOVER_OK)
			assert_memory_equal(err.msg, "fuzz.theme:", 11);
	}
}

static void test_depth(void **state)
{
	(void)state;
	assert_int_equal(theme_depth_for("1", true, 256, true), THEME_DEPTH_MONO);
	assert_int_equal(theme_depth_for("", true, 256, false), THEME_DEPTH_256);
	assert_int_equal(theme_depth_for(NULL, false, 256, false), THEME_DEPTH_MONO);
	assert_int_equal(theme_depth_for(NULL, true, 2, false), THEME_DEPTH_MONO);
	assert_int_equal(theme_depth_for(NULL, true, 8, false), THEME_DEPTH_8);
	assert_int_equal(theme_depth_for(NULL, true, 16, true), THEME_DEPTH_8);
	assert_int_equal(theme_depth_for(NULL, true, 256, true), THEME_DEPTH_PALETTE);
	assert_int_equal(theme_depth_for(NULL, true, 0x1000000, false), THEME_DEPTH_DIRECT);
}

static void test_xterm_rgb(void **state)
{
	(void)state;
	assert_int_equal(theme_xterm_rgb(1), 0xcd0000);
	assert_int_equal(theme_xterm_rgb(16), 0x000000);
	assert_int_equal(theme_xterm_rgb(196), 0xff0000);
	assert_int_equal(theme_xterm_rgb(214), 0xffaf00);
	assert_int_equal(theme_xterm_rgb(231), 0xffffff);
	assert_int_equal(theme_xterm_rgb(232), 0x080808);
	assert_int_equal(theme_xterm_rgb(255), 0xeeeeee);
}

static void test_resolve(void **state)
{
	struct theme t;
	struct theme_resolved r;
	(void)state;

	theme_default(&t);
	theme_resolve(&t, THEME_DEPTH_256, &r);
	assert_int_equal(r.role[ROLE_WARN].fg, 214);  /* #ffaf00 is exactly 214 */
	assert_int_equal(r.role[ROLE_WARN].bg, -1);
	assert_int_equal(r.role[ROLE_DIM].fg, 245);   /* #8a8a8a */
	assert_int_equal(r.role[ROLE_TRIGGERED].bg, 160); /* #d70000 */
	assert_int_equal(r.role[ROLE_WARN].attrs, THEME_BOLD);
	assert_int_equal(r.n_palette, 0);

	theme_resolve(&t, THEME_DEPTH_8, &r);
	assert_int_equal(r.role[ROLE_WARN].fg, 3);    /* orange -> yellow */
	assert_int_equal(r.role[ROLE_OK].fg, 2);      /* green */
	assert_int_equal(r.role[ROLE_CRIT].fg, 1);    /* red */
	assert_int_equal(r.role[ROLE_RUNNING].fg, 6); /* light blue -> cyan */
	assert_int_equal(r.role[ROLE_TRIGGERED].bg, 1);
	assert_int_equal(r.role[ROLE_TRIGGERED].fg, 7);
	for (int i = 0; i < ROLE_COUNT; i++) {
		assert_true(r.role[i].fg >= -1 && r.role[i].fg < 8);
		assert_true(r.role[i].bg >= -1 && r.role[i].bg < 8);
		assert_true(r.role[i].fg < 0 || r.role[i].fg != r.role[i].bg);
	}

	theme_resolve(&t, THEME_DEPTH_DIRECT, &r);
	assert_int_equal(r.role[ROLE_WARN].fg, 0xffaf00);
	assert_int_equal(r.role[ROLE_STAGING_BANNER].fg, 8); /* #000000 lifted off ANSI 0 */

	theme_resolve(&t, THEME_DEPTH_MONO, &r);
	for (int i = 0; i < ROLE_COUNT; i++) {
		assert_int_equal(r.role[i].fg, -1);
		assert_int_equal(r.role[i].bg, -1);
	}
	assert_int_equal(r.role[ROLE_SELECTED].attrs, THEME_REVERSE);
	assert_int_equal(r.role[ROLE_TRIGGERED].attrs, THEME_BOLD | THEME_REVERSE);
	/* In monochrome, the states that matter still differ from plain text. */
	assert_int_not_equal(r.role[ROLE_WARN].attrs, r.role[ROLE_NORMAL].attrs);
	assert_int_not_equal(r.role[ROLE_CRIT].attrs, r.role[ROLE_WARN].attrs);
	assert_int_not_equal(r.role[ROLE_STALE].attrs, r.role[ROLE_NORMAL].attrs);
}

static void test_resolve_palette(void **state)
{
	struct theme t;
	struct theme_resolved r;
	struct cutover_err err;
	/* Index 16 and 17 are used by the theme itself: no slot may take them. */
	static const char text[] = "normal = 16 17\n";
	(void)state;

	theme_default(&t);
	assert_int_equal(theme_parse(&t, text, strlen(text), "x", &err), CUTOVER_OK);
	theme_resolve(&t, THEME_DEPTH_PALETTE, &r);
	assert_true(r.n_palette > 5);
	for (int i = 0; i < r.n_palette; i++) {
		assert_true(r.palette[i].slot >= 18 && r.palette[i].slot < 256);
		for (int j = 0; j < i; j++) {
			assert_int_not_equal(r.palette[i].slot, r.palette[j].slot);
			assert_int_not_equal(r.palette[i].rgb, r.palette[j].rgb);
		}
	}
	assert_int_equal(r.role[ROLE_NORMAL].fg, 16);
	/* The same colour shares its slot. */
	assert_int_equal(r.role[ROLE_DIM].fg, r.role[ROLE_HINT].fg);
	for (int i = 0; i < r.n_palette; i++)
		if (r.palette[i].slot == r.role[ROLE_WARN].fg)
			assert_int_equal(r.palette[i].rgb, 0xffaf00);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_matches_file),
		cmocka_unit_test(test_shipped_themes_complete),
		cmocka_unit_test(test_colorblind_and_mono),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_values),
		cmocka_unit_test(test_load_named),
		cmocka_unit_test(test_dirs),
		cmocka_unit_test(test_docs_list_roles),
		cmocka_unit_test(test_parse_random),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_xterm_rgb),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_resolve_palette),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
