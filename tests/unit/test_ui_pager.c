/* test_ui_pager.c: pager_add_wrapped wraps text as it is drawn, so hostile
 * text (escapes, bidi overrides, CJK, 10,000 characters) is all readable:
 * every line fits the width in columns, no escape is split, and the lines
 * put together are exactly the safe form of the text. */
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
#include "views/pager.h"

static int cols_of(const char *s)
{
	mbstate_t mb;
	int cols = 0;
	size_t len = strlen(s);

	memset(&mb, 0, sizeof(mb));
	while (len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, len, &mb);

		assert_true(n != (size_t)-1 && n != (size_t)-2 && n != 0);
		cols += wcwidth(wc);
		s += n;
		len -= n;
	}
	return cols;
}

/* Wrap text at width with indent "  "; check every line, and that the
 * lines joined (indent dropped) are the safe form of each input line. */
static void check_wrap(const char *text, int width, size_t want_lines)
{
	struct pager pg = {0};
	struct strbuf joined = STRBUF_INIT, safe = STRBUF_INIT;
	const char *p = text;

	assert_int_equal(pager_add_wrapped(&pg, ROLE_NORMAL, "  ", text, width), CUTOVER_OK);
	for (size_t i = 0; i < pg.n; i++) {
		const char *l = pg.lines[i].text;
		size_t n = strlen(l);

		assert_memory_equal(l, "  ", 2);
		assert_true(cols_of(l + 2) <= width);
		/* no line ends inside an escape: a backslash in the last
		 * five bytes starts an escape that is whole */
		for (size_t k = n > 7 ? n - 5 : 2; k < n; k++)
			if (l[k] == '\\' && (l[k + 1] == 'x' || l[k + 1] == 'u'))
				assert_true(n - k >= (l[k + 1] == 'x' ? 4u : 6u));
		assert_int_equal(strbuf_puts(&joined, l + 2), CUTOVER_OK);
	}
	while (*p) {
		size_t len = strcspn(p, "\n");

		assert_int_equal(safe_text_append(&safe, p, len, 0, NULL), CUTOVER_OK);
		p += len;
		if (*p == '\n')
			p++;
	}
	assert_string_equal(strbuf_str(&joined), strbuf_str(&safe));
	if (want_lines)
		assert_int_equal(pg.n, want_lines);
	strbuf_free(&joined);
	strbuf_free(&safe);
	pager_free(&pg);
}

static void test_plain(void **state)
{
	(void)state;
	check_wrap("abcdefghijklmnopqrst", 8, 3);
	check_wrap("one\ntwo", 10, 2);
}

static void test_escapes_never_split(void **state)
{
	(void)state;
	/* ESC shows as \x1b (4 columns): "ab\x1b" is 6, the next escape
	 * does not fit in 8 and moves whole to the next line. */
	check_wrap("ab\x1b\x1b", 8, 2);
	check_wrap("\x1b]52;c;cHduZWQ=\x07\x1b[2J\xc2\x9b" "31m\xe2\x80\xae" "X", 9, 0);
	for (int w = 8; w < 20; w++)
		check_wrap("\x1b]0;pwned\x07\xe2\x80\xae\xc2\x9b\x7f\t", w, 0);
}

static void test_wide_characters(void **state)
{
	(void)state;
	/* five CJK characters, two columns each, in 9 columns: four a line */
	check_wrap("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xa0\xe3\x81\xa0", 9, 2);
}

static void test_long_hostile(void **state)
{
	char *big = malloc(10064);

	(void)state;
	assert_non_null(big);
	snprintf(big, 64, "\x1b]52;c;cHduZWQ=\x07\x1b[2J");
	memset(big + strlen(big), 'A', 10000);
	big[10063] = '\0';
	check_wrap(big, 150, 0);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_escapes_never_split),
		cmocka_unit_test(test_wide_characters),
		cmocka_unit_test(test_long_hostile),
	};

	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		fprintf(stderr, "test_ui_pager: the C.UTF-8 locale is missing\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
