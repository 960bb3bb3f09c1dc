/* test_termsafe.c: remote text printed by the CLI cannot drive the terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cutover/termsafe.h"

/* What fn writes for s, through a memory stream. */
static char *render(void (*fn)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, s);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void check(void (*fn)(FILE *, const char *), const char *s, const char *want)
{
	char *got = render(fn, s);

	assert_string_equal(got, want);
	free(got);
}

static void test_put(void **state)
{
	(void)state;
	check(termsafe_put, "plain text, UTF-8 \xc3\xa9", "plain text, UTF-8 \xc3\xa9");
	check(termsafe_put, "\x1b]0;owned\x07" "a\tb\nc\x7f", "?]0;owned?a?b?c?");
	check(termsafe_put, "", "");
	check(termsafe_put, NULL, "");
}

static void test_put_escaped(void **state)
{
	(void)state;
	check(termsafe_put_escaped, "ok \xc3\xa9", "ok \xc3\xa9");
	check(termsafe_put_escaped, "\x1b[2J\r\n\x7f", "\\x1b[2J\\x0d\\x0a\\x7f");
	/* C1 CSI (U+009B) in UTF-8; U+00A0 is not a control. */
	check(termsafe_put_escaped, "a\xc2\x9b" "31m\xc2\xa0", "a\\u009b31m\xc2\xa0");
	/* A lone 0xc2 at the end is left to the terminal's decoder. */
	check(termsafe_put_escaped, "x\xc2", "x\xc2");
	check(termsafe_put_escaped, NULL, "");
}

static void test_scrub(void **state)
{
	char s[] = "v\x1b[1m\t1\x7f";

	(void)state;
	termsafe_scrub(s);
	assert_string_equal(s, "v?[1m?1?");
	termsafe_scrub(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put),
		cmocka_unit_test(test_put_escaped),
		cmocka_unit_test(test_scrub),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
