/* test_ui_safe_text.c: hostile remote strings (screen clears, OSC 52, bells,
 * CR, C1 CSI, bidi overrides, invalid UTF-8) become inert, exact text; and
 * fitting to a width respects wide characters and escapes. */
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

#include "safe_text.h"

#define FFFD "\xef\xbf\xbd"

struct esc_case {
	const char *in;
	size_t len; /* 0: strlen */
	unsigned flags;
	const char *want;
	int cols;
};

static void test_escape_table(void **state)
{
	static const struct esc_case cases[] = {
		{ "hello", 0, 0, "hello", 5 },
		{ "", 0, 0, "", 0 },
		{ "\x1b[2J\x1b[H", 0, 0, "\\x1b[2J\\x1b[H", 13 },
		{ "\x1b]52;c;cm0gLXJmIC8=\x07", 0, 0, "\\x1b]52;c;cm0gLXJmIC8=\\x07", 26 },
		{ "\x1b]0;pwned\x1b\\", 0, 0, "\\x1b]0;pwned\\x1b\\", 17 },
		{ "ding\x07\x07", 0, 0, "ding\\x07\\x07", 12 },
		{ "50%\roverwritten", 0, 0, "50%\\roverwritten", 16 },
		{ "line1\nline2\tx", 0, 0, "line1\\nline2\\tx", 15 },
		{ "\x7f", 0, 0, "\\x7f", 4 },
		{ "a\0b", 3, 0, "a\\x00b", 6 },
		/* A raw 0x9b is the 8-bit CSI on some terminals: invalid UTF-8. */
		{ "\x9b" "2J", 0, 0, FFFD "2J", 3 },
		/* C1 CSI properly encoded (U+009B) is still a control. */
		{ "\xc2\x9b" "2J", 0, 0, "\\u009b2J", 8 },
		{ "\xc2\x85", 0, 0, "\\u0085", 6 },
		{ "\xff", 0, 0, FFFD, 1 },
		{ "\xc0\xaf", 0, 0, FFFD FFFD, 2 },             /* overlong '/' */
		{ "\xe0\x80\xaf", 0, 0, FFFD FFFD FFFD, 3 },     /* overlong */
		{ "\xed\xa0\x80", 0, 0, FFFD FFFD FFFD, 3 },     /* surrogate */
		{ "\xf4\x90\x80\x80", 0, 0, FFFD FFFD FFFD FFFD, 4 }, /* > U+10FFFF */
		{ "x\xe2\x82", 0, 0, "x" FFFD FFFD, 3 },         /* cut short */
		{ "\xe2\x82" "A", 0, 0, FFFD FFFD "A", 3 },
		{ "ON\xe2\x80\xae" "FFO", 0, 0, "ON\\u202eFFO", 11 }, /* RLO */
		{ "a\xe2\x80\x8b" "b", 0, 0, "a\\u200bb", 8 },   /* zero-width space */
		{ "\xef\xbb\xbfx", 0, 0, "\\ufeffx", 7 },        /* BOM */
		{ "\xcd\xb8", 0, 0, "\\u0378", 6 },              /* unassigned */
		{ "caf\xc3\xa9", 0, 0, "caf\xc3\xa9", 4 },
		{ "e\xcc\x81", 0, 0, "e\xcc\x81", 1 },           /* combining acute */
		{ "\xe6\x97\xa5\xe6\x9c\xac", 0, 0, "\xe6\x97\xa5\xe6\x9c\xac", 4 },
		{ "\xf0\x9f\x98\x80", 0, 0, "\xf0\x9f\x98\x80", 2 },
		{ "\xe2\x96\x88", 0, 0, "\xe2\x96\x88", 1 },
		{ "caf\xc3\xa9\xff\x1b", 0, SAFE_TEXT_ASCII, "caf??\\x1b", 9 },
		{ "\xe6\x97\xa5", 0, SAFE_TEXT_ASCII, "?", 1 },
		{ "back\\slash", 0, 0, "back\\slash", 10 },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct esc_case *c = &cases[i];
		struct strbuf sb = STRBUF_INIT;
		int cols = -1;

		assert_int_equal(safe_text_append(&sb, c->in, c->len ? c->len : strlen(c->in),
						  c->flags, &cols), CUTOVER_OK);
		if (strcmp(strbuf_str(&sb), c->want) || cols != c->cols)
			fail_msg("case %zu: got '%s' (%d cols), want '%s' (%d)", i,
				 strbuf_str(&sb), cols, c->want, c->cols);
		strbuf_free(&sb);
	}
}

struct fit_case {
	const char *in;
	int width;
	unsigned flags;
	const char *want;
	int cols;
};

static void test_fit_table(void **state)
{
	static const struct fit_case cases[] = {
		{ "hello", 5, 0, "hello", 5 },
		{ "hello", 9, 0, "hello", 5 },
		{ "hello", 4, 0, "hel\xe2\x80\xa6", 4 },
		{ "hello", 1, 0, "\xe2\x80\xa6", 1 },
		{ "hello", 0, 0, "", 0 },
		{ "hello", -4, 0, "", 0 },
		{ "", 3, 0, "", 0 },
		{ "hello world", 8, SAFE_TEXT_ASCII, "hello...", 8 },
		{ "hello", 2, SAFE_TEXT_ASCII, "..", 2 },
		{ "hi", 2, SAFE_TEXT_ASCII, "hi", 2 },
		/* Wide characters are never split: one column is left for padding. */
		{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 6, 0, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 6 },
		{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 5, 0, "\xe6\x97\xa5\xe6\x9c\xac\xe2\x80\xa6", 5 },
		{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 4, 0, "\xe6\x97\xa5\xe2\x80\xa6", 3 },
		/* Nor are escapes. */
		{ "\x1b[2J", 5, 0, "\\x1b\xe2\x80\xa6", 5 },
		{ "\x1b[2J", 4, 0, "\xe2\x80\xa6", 1 },
		{ "\x1b[2J", 7, 0, "\\x1b[2J", 7 },
		/* A combining mark stays with its base. */
		{ "e\xcc\x81x", 2, 0, "e\xcc\x81x", 2 },
		{ "e\xcc\x81xy", 2, 0, "e\xcc\x81\xe2\x80\xa6", 2 },
		{ "ThrottlingException: Rate exceeded", 20, 0,
		  "ThrottlingException\xe2\x80\xa6", 20 },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct fit_case *c = &cases[i];
		struct strbuf sb = STRBUF_INIT;
		int cols = -1;

		assert_int_equal(safe_text_fit(&sb, c->in, strlen(c->in), c->width, c->flags, &cols),
				 CUTOVER_OK);
		if (strcmp(strbuf_str(&sb), c->want) || cols != c->cols)
			fail_msg("case %zu: got '%s' (%d cols), want '%s' (%d)", i,
				 strbuf_str(&sb), cols, c->want, c->cols);
		strbuf_free(&sb);
	}
}

static void test_buf(void **state)
{
	char buf[64], small[8];
	(void)state;

	assert_int_equal(safe_text_buf(buf, sizeof(buf), "\x1b]0;pwned\x07", 40, 0), 16);
	assert_string_equal(buf, "\\x1b]0;pwned\\x07");
	assert_int_equal(safe_text_buf(buf, sizeof(buf), "abcdef", 4, 0), 4);
	assert_string_equal(buf, "abc\xe2\x80\xa6");
	/* A short buffer cuts on a character boundary, never mid-glyph. */
	assert_int_equal(safe_text_buf(small, sizeof(small), "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 20, 0), 4);
	assert_string_equal(small, "\xe6\x97\xa5\xe6\x9c\xac");
	assert_int_equal(safe_text_buf(buf, sizeof(buf), NULL, 10, 0), 0);
	assert_string_equal(buf, "");
	assert_int_equal(safe_text_buf(buf, 0, "x", 10, 0), 0);
	assert_int_equal(safe_text_buf(small, 3, "x", 10, 0), 0);
	assert_string_equal(small, "");
}

/* Whatever the bytes, the output is valid UTF-8 without a single control
 * character, and its real display width is what fit reports and at most
 * the width asked for. */
static void test_random_bytes(void **state)
{
	unsigned seed = 12345;
	(void)state;

	for (int round = 0; round < 20000; round++) {
		unsigned char in[24];
		size_t len = 0;
		struct strbuf sb = STRBUF_INIT;
		int width, cols;
		wchar_t wide[128];
		size_t nw;
		mbstate_t mb;
		const char *src;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % sizeof(in);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			/* Bias toward the interesting bytes. */
			switch ((seed >> 8) % 4) {
			case 0: in[i] = (unsigned char)((seed >> 16) % 0x20); break;
			case 1: in[i] = (unsigned char)(0x80 + (seed >> 16) % 0x80); break;
			default: in[i] = (unsigned char)(seed >> 16); break;
			}
		}
		width = (int)((seed >> 4) % 30);
		assert_int_equal(safe_text_fit(&sb, (const char *)in, len, width, 0, &cols), CUTOVER_OK);
		assert_true(cols >= 0 && cols <= width);
		for (size_t i = 0; i < sb.len; i++) {
			unsigned char b = (unsigned char)sb.data[i];
			assert_false(b < 0x20 || b == 0x7f);
		}
		memset(&mb, 0, sizeof(mb));
		src = strbuf_str(&sb);
		nw = mbsrtowcs(wide, &src, 128, &mb);
		assert_true(nw != (size_t)-1);
		for (size_t i = 0; i < nw; i++)
			assert_false(wide[i] >= 0x80 && wide[i] < 0xa0);
		assert_int_equal(wcswidth(wide, nw), cols);
		strbuf_free(&sb);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_table),
		cmocka_unit_test(test_fit_table),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_random_bytes),
	};

	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		fprintf(stderr, "test_ui_safe_text: the C.UTF-8 locale is missing\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
