/* test_strbuf.c: growable strings and the status/error helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cutover/status.h"
#include "cutover/strbuf.h"

static void test_append_grows(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;

	assert_string_equal(strbuf_str(&sb), "");
	for (int i = 0; i < 1000; i++)
		assert_int_equal(strbuf_printf(&sb, "%03d,", i), CUTOVER_OK);
	assert_int_equal(sb.len, 4000);
	assert_memory_equal(sb.data, "000,001,", 8);
	assert_string_equal(sb.data + 3996, "999,");
	strbuf_reset(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(strbuf_str(&sb), "");
	strbuf_free(&sb);
	assert_null(sb.data);
}

static void test_binary_and_take(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;
	(void)state;

	assert_int_equal(strbuf_append(&sb, "a\0b", 3), CUTOVER_OK);
	assert_int_equal(sb.len, 3);
	assert_int_equal(sb.data[3], '\0');
	s = strbuf_take(&sb);
	assert_memory_equal(s, "a\0b", 4);
	assert_null(sb.data);
	free(s);
	s = strbuf_take(&sb);   /* empty take is "" not NULL */
	assert_string_equal(s, "");
	free(s);
}

static void test_status_table(void **state)
{
	struct cutover_err err;
	(void)state;

	assert_string_equal(cutover_status_str(CUTOVER_OK), "ok");
	assert_string_equal(cutover_status_str(CUTOVER_ENOMEM), "out of memory");
	assert_string_equal(cutover_status_str((enum cutover_status)9999), "unknown status");
	assert_int_equal(cutover_errf(&err, CUTOVER_EIO, "read %s: %d", "x", 5), CUTOVER_EIO);
	assert_int_equal(err.status, CUTOVER_EIO);
	assert_string_equal(err.msg, "read x: 5");
	assert_int_equal(cutover_errf(NULL, CUTOVER_EAWS, "ignored"), CUTOVER_EAWS);
	cutover_err_clear(&err);
	assert_int_equal(err.status, CUTOVER_OK);
	assert_string_equal(err.msg, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_grows),
		cmocka_unit_test(test_binary_and_take),
		cmocka_unit_test(test_status_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
