/* test_ui_prefs.c: the [ui] preferences file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "prefs.h"

static const char *write_file(const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/test_ui_prefs.ini", BUILDDIR);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_valid(void **state)
{
	struct ui_prefs p;
	struct cutover_err err;
	const char *path = write_file("; cutover preferences\n"
				      "[aws]\nprofile = prod ; not ours\n"
				      "[ui]\n"
				      "theme = light ; the light one\n"
				      "keymap = ~/.config/cutover/keys\n"
				      "mouse = off\n"
				      "ascii = on\n"
				      "clock = Local\n");
	(void)state;

	prefs_default(&p);
	assert_true(p.mouse);
	assert_int_equal(p.ascii, PREFS_AUTO);
	assert_true(p.utc);
	assert_string_equal(p.theme, "");
	assert_int_equal(prefs_load(&p, path, "/home/al", &err), CUTOVER_OK);
	assert_string_equal(p.theme, "light");
	assert_string_equal(p.keymap, "/home/al/.config/cutover/keys");
	assert_false(p.mouse);
	assert_int_equal(p.ascii, PREFS_ON);
	assert_false(p.utc);
	/* Without HOME, "~/" stays as written. */
	prefs_default(&p);
	assert_int_equal(prefs_load(&p, path, NULL, &err), CUTOVER_OK);
	assert_string_equal(p.keymap, "~/.config/cutover/keys");
}

struct bad_case {
	const char *text, *msg;
};

static void test_errors(void **state)
{
	static const struct bad_case cases[] = {
		{ "[ui]\nmoose = on\n",
		  ":2: unknown setting 'moose' in [ui]; did you mean 'mouse'? (known: theme, keymap, "
		  "mouse, ascii, clock)" },
		{ "[ui]\ntheme = light\nmouse = sometimes\n", ":3: mouse is 'sometimes'; use on or off" },
		{ "[ui]\nascii = maybe\n", ":2: ascii is 'maybe'; use on or off or auto" },
		{ "[ui]\nclock = mars\n", ":2: clock is 'mars'; use utc or local" },
		{ "[ui]\njust words\n", ":2: not 'name = value' or '[section]'" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ui_prefs p;
		struct cutover_err err = { 0 };
		const char *path = write_file(cases[i].text);

		prefs_default(&p);
		assert_int_equal(prefs_load(&p, path, NULL, &err), CUTOVER_EPARSE);
		if (!strstr(err.msg, cases[i].msg) || strncmp(err.msg, path, strlen(path)))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].msg);
	}
	{
		struct ui_prefs p;
		struct cutover_err err;

		prefs_default(&p);
		assert_int_equal(prefs_load(&p, BUILDDIR "/no-such-prefs.ini", NULL, &err),
				 CUTOVER_ENOENT);
		assert_non_null(strstr(err.msg, "cannot read preferences"));
	}
}

static void test_default_path(void **state)
{
	char buf[256];
	(void)state;

	assert_string_equal(prefs_default_path(buf, sizeof(buf), "/x", "/home/al"),
			    "/x/cutover/config.ini");
	assert_string_equal(prefs_default_path(buf, sizeof(buf), "", "/home/al"),
			    "/home/al/.config/cutover/config.ini");
	assert_string_equal(prefs_default_path(buf, sizeof(buf), NULL, NULL), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_default_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
