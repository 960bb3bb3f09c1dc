/* test_task_token_json.c: finding a task token in TaskScheduled parameters
 * wherever a state machine author put it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/task_token_json.h"

struct tcase {
	const char *json;
	const char *want; /* NULL: no token */
};

static const struct tcase cases[] = {
    /* Lambda .waitForTaskToken: Payload.taskToken */
    {"{\"FunctionName\":\"approve\",\"Payload\":{\"taskToken\":\"AQBa1\",\"x\":1}}", "AQBa1"},
    /* SQS: MessageBody as an object */
    {"{\"QueueUrl\":\"q\",\"MessageBody\":{\"TaskToken\":\"TT2\"}}", "TT2"},
    /* SQS: MessageBody as JSON text */
    {"{\"QueueUrl\":\"q\",\"MessageBody\":\"{\\\"taskToken\\\":\\\"TT3\\\"}\"}", "TT3"},
    /* a custom worker's "token", inside an array */
    {"{\"Entries\":[{\"Detail\":{\"token\":\"T4\"}}]}", "T4"},
    /* taskToken beats token, whatever the depth */
    {"{\"token\":\"shallow\",\"a\":{\"b\":{\"taskToken\":\"deep\"}}}", "deep"},
    /* the shallowest of equal names wins */
    {"{\"a\":{\"b\":{\"taskToken\":\"deep\"}},\"taskToken\":\"top\"}", "top"},
    /* snake case */
    {"{\"Input\":{\"task_token\":\"snake\"}}", "snake"},
    {"{\"a\":[{\"b\":{\"task_token\":\"AQB4\"}}]}", "AQB4"},
    /* names that are not the token */
    {"{\"TokenCount\":3,\"tokens\":[\"a\"],\"taskTokenX\":\"no\"}", NULL},
    /* a non-string token is not a token; empty neither */
    {"{\"taskToken\":42,\"TaskToken\":\"\"}", NULL},
    {"{}", NULL},
    {"[]", NULL},
    {"\"taskToken\"", NULL},
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *tok = (char *)0x1;

		assert_int_equal(task_token_find(cases[i].json, &tok), CUTOVER_OK);
		if (cases[i].want)
			assert_string_equal(tok, cases[i].want);
		else
			assert_null(tok);
		free(tok);
	}
}

static void test_absent_and_bad(void **state)
{
	char *tok = (char *)0x1;

	(void)state;
	assert_int_equal(task_token_find(NULL, &tok), CUTOVER_OK);
	assert_null(tok);
	assert_int_equal(task_token_find("", &tok), CUTOVER_OK);
	assert_null(tok);
	assert_int_equal(task_token_find("{\"taskToken\":", &tok), CUTOVER_EPARSE);
	assert_null(tok);
	assert_int_equal(task_token_find("not json", &tok), CUTOVER_EPARSE);
	assert_null(tok);
}

/* Deep nesting is cut off, not a stack overflow. */
static void test_deep(void **state)
{
	size_t depth = 5000, n = 0;
	char *buf = malloc(depth * 6 + 64), *tok = NULL;

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < depth; i++) {
		memcpy(buf + n, "{\"a\":", 5);
		n += 5;
	}
	memcpy(buf + n, "{\"taskToken\":\"x\"}", 17);
	n += 17;
	for (size_t i = 0; i < depth; i++)
		buf[n++] = '}';
	buf[n] = '\0';
	/* cJSON refuses this depth itself, or we stop following it: no token. */
	enum cutover_status st = task_token_find(buf, &tok);
	assert_true(st == CUTOVER_OK || st == CUTOVER_EPARSE);
	assert_null(tok);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_absent_and_bad),
	    cmocka_unit_test(test_deep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
