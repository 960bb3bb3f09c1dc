/* test_dup_or_null.c: copying optional strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cutover/dup_or_null.h"

static void test_copies(void **state)
{
	const char *src = "arn:aws:states:eu-west-1:1:execution:m:x";
	int oom = 0;
	char *d = dup_or_null(src, &oom);

	(void)state;
	assert_non_null(d);
	assert_ptr_not_equal(d, src);
	assert_string_equal(d, src);
	assert_int_equal(oom, 0);
	free(d);
	d = dup_or_null("", NULL);
	assert_string_equal(d, "");
	free(d);
}

static void test_null(void **state)
{
	int oom = 0;

	(void)state;
	assert_null(dup_or_null(NULL, &oom));
	/* absent is not out of memory */
	assert_int_equal(oom, 0);
	assert_null(dup_or_null(NULL, NULL));
	/* a flag already set stays set */
	oom = 1;
	free(dup_or_null("x", &oom));
	assert_int_equal(oom, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copies),
		cmocka_unit_test(test_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
