/* test_sim_ssm.c: the SSM model on its own: paging by path (with the seeded
 * empty pages), tokens, versions, history, reactions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cutover/strbuf.h"
#include "sim/sim_ssm.h"

static struct sim_ssm *make(uint64_t seed, int nparams)
{
	struct strbuf sb = STRBUF_INIT;
	struct cutover_err err = { 0 };
	struct sim_ssm *s = NULL;
	cJSON *root;

	assert_int_equal(strbuf_puts(&sb, "{\"parameters\": ["), CUTOVER_OK);
	for (int i = 0; i < nparams; i++)
		assert_int_equal(strbuf_printf(&sb, "%s{\"name\": \"/p/%02d\", \"value\": \"v%d\"}",
					       i ? "," : "", i, i), CUTOVER_OK);
	assert_int_equal(strbuf_puts(&sb, ", {\"name\": \"/p/deep/x\", \"value\": \"d\"}]}"), CUTOVER_OK);
	root = cJSON_Parse(strbuf_str(&sb));
	assert_non_null(root);
	assert_int_equal(sim_ssm_create(root, seed, 1.7e9, "eu-west-1", "111122223333", &s, &err), CUTOVER_OK);
	cJSON_Delete(root);
	strbuf_free(&sb);
	return s;
}

/* Call op with body; returns the parsed answer (caller deletes) and sets *status. */
static cJSON *call(struct sim_ssm *s, const char *op, const char *body, int *status)
{
	struct sim_reply r = { 0 };
	cJSON *j;

	sim_ssm_handle(s, op, body, strlen(body), "arn:aws:iam::111122223333:user/t", 1.7e9 + 10, &r);
	*status = r.http_status;
	assert_string_equal(r.content_type, "application/x-amz-json-1.1");
	j = cJSON_ParseWithLength(r.body, r.body_len);
	assert_non_null(j);
	free(r.body);
	return j;
}

static const char *type_of(const cJSON *j)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "__type");

	return cJSON_IsString(t) ? t->valuestring : "";
}

/* Page through /p recursively with MaxResults 3; returns the names seen
 * joined with ',' and counts empty pages. */
static void page_all(struct sim_ssm *s, struct strbuf *names, int *empty_pages, struct strbuf *tokens)
{
	char body[512], token[256] = "";
	int status, pages = 0;

	*empty_pages = 0;
	do {
		cJSON *j, *p, *it, *next;

		if (token[0])
			snprintf(body, sizeof(body), "{\"Path\":\"/p\",\"Recursive\":true,\"MaxResults\":3,\"NextToken\":\"%s\"}", token);
		else
			snprintf(body, sizeof(body), "{\"Path\":\"/p\",\"Recursive\":true,\"MaxResults\":3}");
		j = call(s, "GetParametersByPath", body, &status);
		assert_int_equal(status, 200);
		p = cJSON_GetObjectItemCaseSensitive(j, "Parameters");
		if (cJSON_GetArraySize(p) == 0)
			(*empty_pages)++;
		cJSON_ArrayForEach(it, p)
			assert_int_equal(strbuf_printf(names, "%s,", cJSON_GetObjectItemCaseSensitive(it, "Name")->valuestring), CUTOVER_OK);
		next = cJSON_GetObjectItemCaseSensitive(j, "NextToken");
		token[0] = '\0';
		if (next) {
			snprintf(token, sizeof(token), "%s", next->valuestring);
			assert_int_equal(strbuf_printf(tokens, "%s;", token), CUTOVER_OK);
		}
		cJSON_Delete(j);
		assert_true(++pages < 100);
	} while (token[0]);
}

static void test_by_path_paging(void **state)
{
	struct strbuf want = STRBUF_INIT;
	int empty_total = 0;

	(void)state;
	for (int i = 0; i < 20; i++)
		assert_int_equal(strbuf_printf(&want, "/p/%02d,", i), CUTOVER_OK);
	assert_int_equal(strbuf_puts(&want, "/p/deep/x,"), CUTOVER_OK);
	for (uint64_t seed = 0; seed < 8; seed++) {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, ta = STRBUF_INIT, tb = STRBUF_INIT;
		struct sim_ssm *s1 = make(seed, 20), *s2 = make(seed, 20);
		int e1, e2;

		page_all(s1, &a, &e1, &ta);
		page_all(s2, &b, &e2, &tb);
		/* Every parameter once, in order, whatever the empty pages. */
		assert_string_equal(strbuf_str(&a), strbuf_str(&want));
		/* The same seed pages the same way. */
		assert_string_equal(strbuf_str(&ta), strbuf_str(&tb));
		assert_int_equal(e1, e2);
		empty_total += e1;
		strbuf_free(&a);
		strbuf_free(&b);
		strbuf_free(&ta);
		strbuf_free(&tb);
		sim_ssm_destroy(s1);
		sim_ssm_destroy(s2);
	}
	/* Over 8 seeds x 6 continuation pages, some come back empty. */
	assert_true(empty_total > 0);
	strbuf_free(&want);
}

static void test_by_path_filters_and_errors(void **state)
{
	struct sim_ssm *s = make(1, 3);
	int status;
	cJSON *j;

	(void)state;
	j = call(s, "GetParametersByPath", "{\"Path\":\"/p\"}", &status);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "Parameters")), 3);
	cJSON_Delete(j);
	j = call(s, "GetParametersByPath", "{\"Path\":\"/p\",\"Recursive\":true,\"ParameterFilters\":[{\"Key\":\"Type\",\"Values\":[\"SecureString\"]}]}", &status);
	assert_int_equal(status, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "Parameters")), 0);
	cJSON_Delete(j);
	j = call(s, "GetParametersByPath", "{\"Path\":\"/p\",\"ParameterFilters\":[{\"Key\":\"Name\",\"Values\":[\"x\"]}]}", &status);
	assert_int_equal(status, 400);
	assert_string_equal(type_of(j), "InvalidFilterKey");
	cJSON_Delete(j);
	j = call(s, "GetParametersByPath", "{\"Path\":\"/p\",\"MaxResults\":0}", &status);
	assert_string_equal(type_of(j), "ValidationException");
	cJSON_Delete(j);
	/* A token from another path is not valid here. */
	j = call(s, "GetParametersByPath", "{\"Path\":\"/q\",\"NextToken\":\"path.3.0.0000000000000000\"}", &status);
	assert_string_equal(type_of(j), "InvalidNextToken");
	cJSON_Delete(j);
	j = call(s, "Nope", "{}", &status);
	assert_string_equal(type_of(j), "UnknownOperationException");
	cJSON_Delete(j);
	j = call(s, "GetParameters", "not json", &status);
	assert_string_equal(type_of(j), "SerializationException");
	cJSON_Delete(j);
	sim_ssm_destroy(s);
}

struct seen {
	int calls;
	char name[64], value[64];
};

static void observe(void *ctx, const char *name, const char *value, double now)
{
	struct seen *seen = ctx;

	(void)now;
	seen->calls++;
	snprintf(seen->name, sizeof(seen->name), "%s", name);
	snprintf(seen->value, sizeof(seen->value), "%s", value);
}

static void test_versions_history_reactions(void **state)
{
	struct sim_ssm *s = make(1, 1);
	struct seen seen = { 0 };
	char body[128];
	int status;
	cJSON *j, *p;

	(void)state;
	sim_ssm_set_observer(s, observe, &seen);
	j = call(s, "PutParameter", "{\"Name\":\"/p/00\",\"Value\":\"on\"}", &status);
	assert_string_equal(type_of(j), "ParameterAlreadyExists");
	cJSON_Delete(j);
	assert_int_equal(seen.calls, 0);
	for (int i = 2; i <= 120; i++) {
		snprintf(body, sizeof(body), "{\"Name\":\"/p/00\",\"Value\":\"v%d\",\"Overwrite\":true}", i);
		j = call(s, "PutParameter", body, &status);
		assert_int_equal(status, 200);
		assert_int_equal((int)cJSON_GetObjectItemCaseSensitive(j, "Version")->valuedouble, i);
		cJSON_Delete(j);
	}
	assert_int_equal(seen.calls, 119);
	assert_string_equal(seen.value, "v120");
	/* A reaction: a new version by the scenario, observed too. */
	sim_ssm_set(s, "/p/00", "rollback", "arn:aws:sts::1:assumed-role/x/y", 1.7e9 + 20);
	assert_int_equal(seen.calls, 120);
	assert_string_equal(sim_ssm_get(s, "/p/00"), "rollback");
	sim_ssm_set(s, "/p/new", "created", "arn:x", 1.7e9 + 21);
	assert_string_equal(sim_ssm_get(s, "/p/new"), "created");
	assert_null(sim_ssm_get(s, "/p/none"));
	/* History keeps the last 100 versions (22..121), paged by 50. */
	j = call(s, "GetParameterHistory", "{\"Name\":\"/p/00\"}", &status);
	p = cJSON_GetObjectItemCaseSensitive(j, "Parameters");
	assert_int_equal(cJSON_GetArraySize(p), 50);
	assert_int_equal((int)cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(p, 0), "Version")->valuedouble, 22);
	assert_non_null(cJSON_GetObjectItemCaseSensitive(j, "NextToken"));
	cJSON_Delete(j);
	j = call(s, "GetParameters", "{\"Names\":[\"/p/00:121\",\"/p/00:1\",\"/p/00:latest\"]}", &status);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "Parameters")), 1);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "InvalidParameters")), 2);
	cJSON_Delete(j);
	j = call(s, "GetParameter", "{\"Name\":\"/p/00:121\"}", &status);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "Parameter"), "Value")->valuestring, "rollback");
	cJSON_Delete(j);
	/* Names: hierarchy rules and reserved prefixes. */
	j = call(s, "PutParameter", "{\"Name\":\"a/b\",\"Value\":\"x\",\"Type\":\"String\"}", &status);
	assert_string_equal(type_of(j), "ValidationException");
	cJSON_Delete(j);
	j = call(s, "PutParameter", "{\"Name\":\"/aws/x\",\"Value\":\"x\",\"Type\":\"String\"}", &status);
	assert_string_equal(type_of(j), "ValidationException");
	cJSON_Delete(j);
	j = call(s, "PutParameter", "{\"Name\":\"/x\",\"Value\":\"x\",\"Type\":\"Secret\"}", &status);
	assert_string_equal(type_of(j), "ValidationException");
	cJSON_Delete(j);
	sim_ssm_destroy(s);
	sim_ssm_destroy(NULL);
}

static void test_create_errors(void **state)
{
	static const struct { const char *json, *want; } cases[] = {
		{ "{\"parameters\": {}}", "parameters: must be an array" },
		{ "{\"parameters\": [{\"name\": \"/a\"}]}", "parameters[0].value: must be a non-empty string" },
		{ "{\"parameters\": [{\"name\": \"a/b\", \"value\": \"1\"}]}", "parameters[0].name" },
		{ "{\"parameters\": [{\"name\": \"/a\", \"value\": \"1\", \"type\": \"Int\"}]}", "parameters[0].type" },
		{ "{\"parameters\": [{\"name\": \"/a\", \"value\": \"1\", \"Type\": \"String\"}]}", "parameters[0]: unknown key \"Type\"" },
		{ "{\"parameters\": [{\"name\": \"/a\", \"value\": \"1\"}, {\"name\": \"/a\", \"value\": \"2\"}]}", "parameters[1].name: \"/a\" appears twice" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cutover_err err = { 0 };
		struct sim_ssm *s = (struct sim_ssm *)1;
		cJSON *root = cJSON_Parse(cases[i].json);

		assert_int_equal(sim_ssm_create(root, 0, 0, "r", "a", &s, &err), CUTOVER_EVALIDATE);
		assert_null(s);
		if (!strstr(err.msg, cases[i].want))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].want);
		cJSON_Delete(root);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_path_paging),
		cmocka_unit_test(test_by_path_filters_and_errors),
		cmocka_unit_test(test_versions_history_reactions),
		cmocka_unit_test(test_create_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
