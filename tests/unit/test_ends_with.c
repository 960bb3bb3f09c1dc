/* test_ends_with.c: the suffix test behind event types and file names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cutover/ends_with.h"

static void test_ends_with(void **state)
{
	(void)state;
	assert_true(ends_with("TaskStateEntered", "StateEntered"));
	assert_true(ends_with("StateEntered", "StateEntered"));
	assert_true(ends_with("a.scenario.json", ".json"));
	assert_true(ends_with("x", ""));
	assert_true(ends_with("", ""));
	assert_false(ends_with("TaskStateExited", "StateEntered"));
	assert_false(ends_with("Entered", "StateEntered"));
	assert_false(ends_with("a.json.bak", ".json"));
	assert_false(ends_with("", "x"));
	assert_false(ends_with(NULL, "x"));
	assert_false(ends_with(NULL, ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ends_with),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
