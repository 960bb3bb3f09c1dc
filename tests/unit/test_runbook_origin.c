/* test_runbook_origin.c: HTTP URLs moved to the demo sim's origin. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cutover/runbook_origin.h"

static void test_url_with_origin(void **state)
{
	static const struct {
		const char *url, *origin, *want;
	} cases[] = {
		{ "http://127.0.0.1:8080/health", "http://127.0.0.1:4000", "http://127.0.0.1:4000/health" },
		{ "https://app.example.com/a/b?x=1#f", "http://127.0.0.1:1", "http://127.0.0.1:1/a/b?x=1#f" },
		{ "https://app.example.com", "http://h:2", "http://h:2" },
		{ "https://user@app.example.com:8443?q", "http://h:2", "http://h:2?q" },
		{ "/relative/path", "http://h:2", "http://h:2/relative/path" },
		{ "health", "http://h:2", "http://h:2/health" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = runbook_url_with_origin(cases[i].url, cases[i].origin);

		assert_non_null(got);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

static const char rb_text[] =
	"{ \"name\": \"t\", \"environment\": \"staging\", \"region\": \"us-east-1\",\n"
	"  \"gauges\": [ { \"id\": \"h\", \"http\": { \"url\": \"https://app.example.com/health\" } } ],\n"
	"  \"rollback\": { \"p\": { \"title\": \"P\", \"estimate_min\": 1, \"steps\": [\n"
	"     { \"title\": \"check\", \"http\": \"http://127.0.0.1:8080/legacy/health\" } ] } } }\n";

static void test_rebase_runbook(void **state)
{
	struct runbook *rb = NULL;
	struct diag_list diags = DIAG_LIST_INIT;
	struct cutover_err err = { 0 };

	(void)state;
	assert_int_equal(runbook_load_buffer("t.json", rb_text, sizeof(rb_text) - 1, &rb, &diags), CUTOVER_OK);
	assert_int_equal(runbook_rebase_http(rb, "http://127.0.0.1:40123", &err), CUTOVER_OK);
	assert_string_equal(rb->gauges[0].url, "http://127.0.0.1:40123/health");
	assert_string_equal(rb->plans[0].steps[0].http.url, "http://127.0.0.1:40123/legacy/health");
	/* Not an origin: refused, nothing changed. */
	assert_int_equal(runbook_rebase_http(rb, "ftp://x", &err), CUTOVER_EINVAL);
	assert_non_null(strstr(err.msg, "ftp://x"));
	assert_int_equal(runbook_rebase_http(rb, "http://h/path", &err), CUTOVER_EINVAL);
	assert_int_equal(runbook_rebase_http(rb, "http://", &err), CUTOVER_EINVAL);
	assert_string_equal(rb->gauges[0].url, "http://127.0.0.1:40123/health");
	runbook_destroy(rb);
	diag_list_free(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_with_origin),
		cmocka_unit_test(test_rebase_runbook),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
