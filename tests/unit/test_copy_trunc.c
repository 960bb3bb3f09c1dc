/* test_copy_trunc.c: text into fixed-size fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cutover/copy_trunc.h"

static void test_fits_and_cuts(void **state)
{
	char buf[6];

	(void)state;
	copy_trunc(buf, sizeof(buf), "abc");
	assert_string_equal(buf, "abc");
	copy_trunc(buf, sizeof(buf), "abcde");
	assert_string_equal(buf, "abcde");
	copy_trunc(buf, sizeof(buf), "abcdefgh");
	assert_string_equal(buf, "abcde");
	copy_trunc(buf, sizeof(buf), "");
	assert_string_equal(buf, "");
	memcpy(buf, "xyz", 4);
	copy_trunc(buf, sizeof(buf), NULL);
	assert_string_equal(buf, "");
	copy_trunc(buf, 1, "abc");
	assert_string_equal(buf, "");
}

static void test_zero_and_overlap(void **state)
{
	char buf[8] = "keep";

	(void)state;
	copy_trunc(buf, 0, "other");
	assert_string_equal(buf, "keep");
	memcpy(buf, "abcdefg", 8);
	copy_trunc(buf, sizeof(buf), buf + 2);
	assert_string_equal(buf, "cdefg");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fits_and_cuts),
		cmocka_unit_test(test_zero_and_overlap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
