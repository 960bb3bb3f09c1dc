/* test_ui_keys.c: the action table, key names, keymap files, the help
 * screen, and docs/keys.md kept in step with the table.
 *
 *   test_ui_keys                 run the tests
 *   test_ui_keys --update-docs   rewrite docs/keys.md from the table */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "keys.h"

static void test_defaults(void **state)
{
	struct keymap km;
	int owner[KEYMAP_SIZE];
	(void)state;

	/* Every default key parses and no key belongs to two actions. */
	for (int k = 0; k < KEYMAP_SIZE; k++)
		owner[k] = ACT_NONE;
	for (int a = 1; a < ACT_COUNT; a++) {
		char keys[64], *p = keys;

		snprintf(keys, sizeof(keys), "%s", key_action_default_keys((enum key_action)a));
		assert_true(keys[0] != '\0');
		assert_true(key_action_group((enum key_action)a) < KEY_GROUP_COUNT);
		assert_true(strlen(key_action_help((enum key_action)a)) > 5);
		while (*p) {
			size_t n = strcspn(p, " ");
			int code;

			p[n] = '\0';
			code = keycode_parse(p);
			if (code < 0)
				fail_msg("action %s: default key '%s' does not parse",
					 key_action_name((enum key_action)a), p);
			if (owner[code] != ACT_NONE)
				fail_msg("key '%s' is the default of both %s and %s", p,
					 key_action_name((enum key_action)owner[code]),
					 key_action_name((enum key_action)a));
			owner[code] = a;
			p += n + 1;
			if (p > keys + strlen(key_action_default_keys((enum key_action)a)))
				break;
		}
		assert_int_equal(key_action_by_name(key_action_name((enum key_action)a)), a);
	}
	keymap_default(&km);
	{
		static const struct { int key; enum key_action a; } want[] = {
			{ 'j', ACT_DOWN }, { KEY_DOWN, ACT_DOWN }, { 'k', ACT_UP }, { KEY_UP, ACT_UP },
			{ 'h', ACT_LEFT }, { 'l', ACT_RIGHT }, { '\t', ACT_NEXT_PANEL },
			{ KEY_BTAB, ACT_PREV_PANEL }, { '1', ACT_PANEL_1 }, { '5', ACT_PANEL_5 },
			{ '\n', ACT_DETAIL }, { '\r', ACT_DETAIL }, { KEY_ENTER, ACT_DETAIL },
			{ 27, ACT_BACK }, { '?', ACT_HELP }, { '/', ACT_FILTER }, { ':', ACT_COMMAND },
			{ 'q', ACT_QUIT }, { 'R', ACT_ROLLBACK }, { ' ', ACT_TOGGLE }, { 't', ACT_TOGGLE },
			{ '+', ACT_STEP_UP }, { '-', ACT_STEP_DOWN }, { 'e', ACT_EDIT },
			{ 'a', ACT_APPROVE }, { 'x', ACT_REJECT }, { 's', ACT_STOP },
			{ 'A', ACT_ACKNOWLEDGE }, { 'n', ACT_NOTE }, { 12, ACT_REDRAW },
			{ KEY_PPAGE, ACT_PAGE_UP }, { 2, ACT_PAGE_UP }, { KEY_HOME, ACT_TOP },
			/* Ctrl-C does not quit; nor does anything unbound. */
			{ 3, ACT_NONE }, { 'Q', ACT_NONE }, { -1, ACT_NONE }, { KEYMAP_SIZE, ACT_NONE },
		};
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			if (keymap_lookup(&km, want[i].key) != want[i].a)
				fail_msg("key %d: %s, want %s", want[i].key,
					 key_action_name(keymap_lookup(&km, want[i].key)),
					 key_action_name(want[i].a));
	}
	/* Every action is available now (KEYS_LATER stays for future ones). */
	for (int a = 1; a < ACT_COUNT; a++)
		assert_false(key_action_flags((enum key_action)a) & KEYS_LATER);
	assert_false(key_action_flags(ACT_ROLLBACK) & KEYS_LATER);
	assert_string_equal(key_action_name(ACT_COUNT), "?");
	assert_int_equal(key_action_by_name("none"), ACT_NONE);
	assert_string_equal(key_group_title(KEY_GROUP_FLAGS), "Flags");
}

static void test_key_names(void **state)
{
	static const struct { const char *name; int code; } cases[] = {
		{ "a", 'a' }, { "A", 'A' }, { "?", '?' }, { "#", '#' }, { "C-r", 18 },
		{ "C-R", 18 }, { "F5", KEY_F(5) }, { "F12", KEY_F(12) }, { "f1", KEY_F(1) },
		{ "Up", KEY_UP }, { "up", KEY_UP }, { "PgDn", KEY_NPAGE }, { "Tab", '\t' },
		{ "S-Tab", KEY_BTAB }, { "Enter", '\n' }, { "Esc", 27 }, { "Space", ' ' },
		{ "Backspace", KEY_BACKSPACE }, { "Delete", KEY_DC },
		{ "F13", -1 }, { "F0", -1 }, { "F", 'F' }, { "F5x", -1 }, { "ab", -1 }, { "", -1 },
		{ " ", -1 }, { "C-1", -1 }, { "Ctrl-r", -1 }, { "\xc3\xa9", -1 }, { "\x7f", -1 },
	};
	char buf[32];
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (keycode_parse(cases[i].name) != cases[i].code)
			fail_msg("'%s': %d, want %d", cases[i].name, keycode_parse(cases[i].name),
				 cases[i].code);
	/* Every named code's name parses back to a code with the same name. */
	for (int k = 0; k < KEYMAP_SIZE; k++) {
		char again[32];

		if (!keycode_name(k, buf, sizeof(buf)))
			continue;
		assert_true(keycode_parse(buf) >= 0);
		keycode_name(keycode_parse(buf), again, sizeof(again));
		assert_string_equal(buf, again);
	}
	assert_true(keycode_name('\r', buf, sizeof(buf)));
	assert_string_equal(buf, "Enter");
	assert_true(keycode_name(127, buf, sizeof(buf)));
	assert_string_equal(buf, "Backspace");
	assert_true(keycode_name(8, buf, sizeof(buf)));
	assert_string_equal(buf, "C-h");
	assert_false(keycode_name(0x1ff, buf, sizeof(buf)));
	assert_string_equal(buf, "0x1ff");
	assert_false(keycode_name(0, buf, sizeof(buf)));
}

struct map_case {
	const char *text;
	enum cutover_status st;
	const char *msg;
};

static void test_keymap_files(void **state)
{
	static const struct map_case cases[] = {
		{ "# comment\n\n  bind C-r rollback\nunbind q\r\n", CUTOVER_OK, NULL },
		{ "bind C-r rolback\n", CUTOVER_EPARSE,
		  "k:1: unknown action 'rolback'; did you mean 'rollback'? (docs/keys.md lists them)" },
		{ "\nbind Pgdown page-down\n", CUTOVER_EPARSE,
		  "k:2: unknown key 'Pgdown' (keys look like a, ?, C-r, F5, Up, PgDn, Tab, S-Tab, "
		  "Enter, Esc, Space; did you mean 'PgDn'?)" },
		{ "bind Ctrl-r rollback\n", CUTOVER_EPARSE, "unknown key 'Ctrl-r'" },
		{ "bind x\n", CUTOVER_EPARSE, "k:1: expected 'bind KEY ACTION' or 'unbind KEY'" },
		{ "bnd x help\n", CUTOVER_EPARSE, "expected 'bind KEY ACTION'" },
		{ "unbind x y\n", CUTOVER_EPARSE, "expected 'bind KEY ACTION'" },
		{ "bind x help now please\n", CUTOVER_EPARSE, "too many words" },
		{ "bind x none\n", CUTOVER_EPARSE, "unknown action 'none'" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct keymap km;
		struct cutover_err err = { 0 };
		enum cutover_status st;

		keymap_default(&km);
		st = keymap_parse(&km, cases[i].text, strlen(cases[i].text), "k", &err);
		if (st != cases[i].st)
			fail_msg("case %zu: status %d (%s)", i, st, err.msg);
		if (cases[i].msg && !strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: '%s' not in '%s'", i, cases[i].msg, err.msg);
		if (i == 0) {
			assert_int_equal(keymap_lookup(&km, 18), ACT_ROLLBACK);
			assert_int_equal(keymap_lookup(&km, 'R'), ACT_ROLLBACK);
			assert_int_equal(keymap_lookup(&km, 'q'), ACT_NONE);
		}
	}
	{
		struct keymap km;
		struct cutover_err err;
		static const char nul[] = "bind a help\nbind b\0help\n";
		static const char enter[] = "bind Enter help\nbind Backspace back\n";

		keymap_default(&km);
		assert_int_equal(keymap_parse(&km, nul, sizeof(nul) - 1, "k", &err), CUTOVER_EPARSE);
		assert_non_null(strstr(err.msg, "k:2: NUL byte"));
		/* Enter and Backspace rebind all their codes. */
		keymap_default(&km);
		assert_int_equal(keymap_parse(&km, enter, strlen(enter), "k", &err), CUTOVER_OK);
		assert_int_equal(keymap_lookup(&km, '\r'), ACT_HELP);
		assert_int_equal(keymap_lookup(&km, KEY_ENTER), ACT_HELP);
		assert_int_equal(keymap_lookup(&km, 127), ACT_BACK);
		assert_int_equal(keymap_lookup(&km, KEY_BACKSPACE), ACT_BACK);
		assert_false(keymap_bind(&km, KEYMAP_SIZE, ACT_HELP));
		assert_false(keymap_bind(&km, 'a', ACT_COUNT));
	}
	{
		struct keymap km;
		struct cutover_err err;
		const char *path = BUILDDIR "/test_ui_keys.keymap";
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs("bind F5 redraw\nbind W quit\n", f);
		fclose(f);
		keymap_default(&km);
		assert_int_equal(keymap_load_file(&km, path, &err), CUTOVER_OK);
		assert_int_equal(keymap_lookup(&km, KEY_F(5)), ACT_REDRAW);
		assert_int_equal(keymap_lookup(&km, 'W'), ACT_QUIT);
		remove(path);
		assert_int_equal(keymap_load_file(&km, path, &err), CUTOVER_ENOENT);
		assert_non_null(strstr(err.msg, "cannot read keymap"));
	}
}

static void test_keys_text_and_help(void **state)
{
	struct keymap km;
	struct strbuf sb = STRBUF_INIT;
	struct cutover_err err;
	char buf[64], tiny[6];
	static const char unbind[] = "unbind q\n";
	(void)state;

	keymap_default(&km);
	assert_string_equal(keymap_keys_text(&km, ACT_DOWN, ", ", buf, sizeof(buf)), "Down, j");
	assert_string_equal(keymap_keys_text(&km, ACT_DETAIL, ", ", buf, sizeof(buf)), "Enter");
	assert_string_equal(keymap_keys_text(&km, ACT_PAGE_UP, ", ", buf, sizeof(buf)), "PgUp, C-b");
	assert_string_equal(keymap_keys_text(&km, ACT_TOGGLE, " ", buf, sizeof(buf)), "Space t");
	assert_string_equal(keymap_keys_text(&km, ACT_NONE, ", ", buf, sizeof(buf)), "");
	/* Cut at a whole name, never mid-name. */
	assert_string_equal(keymap_keys_text(&km, ACT_PAGE_UP, ", ", tiny, sizeof(tiny)), "PgUp");

	assert_int_equal(keys_help(&km, 10, &sb), CUTOVER_OK);
	assert_memory_equal(sb.data, "Moving around\n  Up, k      Move up\n", 35);
	assert_non_null(strstr(sb.data, "\n\nPanels\n"));
	assert_non_null(strstr(sb.data, "\n  S-Tab      Previous panel\n"));
	assert_non_null(strstr(sb.data, "\n  a          Approve the selected pending approval\n"));
	assert_null(strstr(sb.data, "(not yet available)"));
	assert_non_null(strstr(sb.data, "\n  R          Open the rollback view: the recommended plan, or the run in progress\n"));
	/* Every action is listed. */
	for (int a = 1; a < ACT_COUNT; a++)
		assert_non_null(strstr(sb.data, key_action_help((enum key_action)a)));
	strbuf_free(&sb);

	assert_int_equal(keymap_parse(&km, unbind, strlen(unbind), "k", &err), CUTOVER_OK);
	assert_int_equal(keys_help(&km, 10, &sb), CUTOVER_OK);
	assert_non_null(strstr(sb.data, "\n  (unbound)  Quit"));
	strbuf_free(&sb);
}

static void test_hints(void **state)
{
	static const struct key_hint hints[] = {
		{ ACT_HELP, "help" }, { ACT_COMMAND, "command" }, { ACT_FILTER, "filter" },
		{ ACT_QUIT, "quit" },
	};
	struct keymap km;
	struct cutover_err err;
	char buf[128];
	static const char rebind[] = "unbind ?\nbind F1 help\nunbind q\n";
	(void)state;

	keymap_default(&km);
	assert_string_equal(keymap_hints(&km, hints, 4, 80, buf, sizeof(buf)),
			    "? help  : command  / filter  q quit");
	/* Only whole hints that fit. */
	assert_string_equal(keymap_hints(&km, hints, 4, 20, buf, sizeof(buf)), "? help  : command");
	assert_string_equal(keymap_hints(&km, hints, 4, 5, buf, sizeof(buf)), "");
	assert_string_equal(keymap_hints(&km, hints, 4, 80, buf, 10), "? help");
	/* A rebinding shows; an unbound action is left out. */
	assert_int_equal(keymap_parse(&km, rebind, strlen(rebind), "k", &err), CUTOVER_OK);
	assert_string_equal(keymap_hints(&km, hints, 4, 80, buf, sizeof(buf)),
			    "F1 help  : command  / filter");
}

/* Random keymap text from real and broken words: OK or a located error. */
static void test_parse_random(void **state)
{
	static const char *const words[] = {
		"bind", "unbind", "bnd", "C-r", "C-", "F5", "F13", "Up", "up", "Pgdown", "a", "?",
		"rollback", "rolback", "quit", "none", "#", "\t", "\r", "\xff", "\x1b", "Enter",
		"S-Tab", "",
	};
	unsigned seed = 11;
	(void)state;

	for (int round = 0; round < 5000; round++) {
		char text[512];
		size_t len = 0;
		struct keymap km;
		struct cutover_err err = { 0 };
		enum cutover_status st;
		int nwords;

		seed = seed * 1103515245u + 12345u;
		nwords = (int)((seed >> 16) % 20);
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
			text[len++] = (seed >> 8) % 4 == 0 ? '\n' : ' ';
		}
		keymap_default(&km);
		st = keymap_parse(&km, text, len, "fuzz.keys", &err);
		assert_true(st == CUTOVER_OK || st == CUTOVER_EPARSE);
		if (st != CUTOVER_OK)
			assert_memory_equal(err.msg, "fuzz.keys:", 10);
		for (int k = 0; k < KEYMAP_SIZE; k++)
			assert_true(keymap_lookup(&km, k) < ACT_COUNT);
	}
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	struct strbuf sb = STRBUF_INIT;
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (strbuf_append(&sb, chunk, n) != CUTOVER_OK)
			break;
	fclose(f);
	return strbuf_take(&sb);
}

/* docs/keys.md is generated; fail when the table changed without it. */
static void test_docs_up_to_date(void **state)
{
	const char *fresh = BUILDDIR "/keys.md";
	FILE *f = fopen(fresh, "w");
	char *want, *have;
	(void)state;

	assert_non_null(f);
	assert_int_equal(keys_write_markdown(f), CUTOVER_OK);
	fclose(f);
	want = slurp(fresh);
	have = slurp(SRCDIR "/docs/keys.md");
	assert_non_null(want);
	assert_non_null(strstr(want, "| `Down` `j` | `down` | Move down |"));
	assert_non_null(strstr(want, "| `a` | `approve` |"));
	{
		/* The example keymap in the docs is a valid keymap. */
		char *start = strstr(want, "```\n"), *end;
		struct keymap km;
		struct cutover_err err;

		assert_non_null(start);
		start += 4;
		end = strstr(start, "```");
		assert_non_null(end);
		keymap_default(&km);
		if (keymap_parse(&km, start, (size_t)(end - start), "docs/keys.md", &err) != CUTOVER_OK)
			fail_msg("%s", err.msg);
		assert_int_equal(keymap_lookup(&km, 18), ACT_ROLLBACK);
		assert_int_equal(keymap_lookup(&km, 'q'), ACT_NONE);
	}
	if (!have || strcmp(want, have) != 0) {
		print_error("docs/keys.md does not match the key table in ui/keys.h.\n"
			    "Update it with:  %s/tests/test_ui_keys --update-docs\n"
			    "(the fresh version is %s)\n", BUILDDIR, fresh);
		free(want);
		free(have);
		fail();
	}
	free(want);
	free(have);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_keymap_files),
		cmocka_unit_test(test_keys_text_and_help),
		cmocka_unit_test(test_hints),
		cmocka_unit_test(test_parse_random),
		cmocka_unit_test(test_docs_up_to_date),
	};

	if (argc == 2 && strcmp(argv[1], "--update-docs") == 0) {
		/* The generated reference in the source tree. */
		FILE *f = fopen(SRCDIR "/docs/keys.md", "w");

		if (!f || keys_write_markdown(f) != CUTOVER_OK || fclose(f) != 0) {
			fprintf(stderr, "cannot write %s/docs/keys.md\n", SRCDIR);
			return 1;
		}
		printf("wrote %s/docs/keys.md\n", SRCDIR);
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
