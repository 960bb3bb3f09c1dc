/* test_sim_scenario.c: the scenario loader: comments, syntax errors with
 * line and column, unknown keys, and path-style validation messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/scenario.h"
#include "sim/sim_ssm.h"

static enum cutover_status parse(const char *text, struct sim_scenario **sc, struct cutover_err *err)
{
	return sim_scenario_parse(text, strlen(text), "s.json", sc, err);
}

/* text must be refused with a message containing want. */
static void refuse(const char *text, const char *want)
{
	struct sim_scenario *sc = (struct sim_scenario *)1;
	struct cutover_err err = { 0 };

	assert_int_not_equal(parse(text, &sc, &err), CUTOVER_OK);
	assert_null(sc);
	if (!strstr(err.msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
}

static void test_comments_and_defaults(void **state)
{
	static const char text[] =
		"// a scenario\n"
		"{ /* block\n comment */ \"name\": \"c//x\", // trailing\n"
		"  \"parameters\": [{\"name\": \"/u\", \"value\": \"http://h/*not a comment*/\"}]\n"
		"}\n";
	struct sim_scenario *sc = NULL;
	struct sim_ssm *ssm = NULL;
	struct cutover_err err = { 0 };

	(void)state;
	assert_int_equal(parse(text, &sc, &err), CUTOVER_OK);
	assert_string_equal(sc->name, "c//x");
	assert_string_equal(sc->region, "us-east-1");
	assert_string_equal(sc->account, "123456789012");
	assert_false(sc->has_start_epoch);
	/* No credentials given: the documented default pair. */
	assert_int_equal(sc->ncreds, 1);
	assert_string_equal(sc->creds[0].access_key_id, SIM_DEFAULT_ACCESS_KEY_ID);
	assert_string_equal(sc->creds[0].arn, "arn:aws:iam::123456789012:user/cutover-sim");
	assert_int_equal(strlen(sc->creds[0].user_id), 21);
	assert_int_equal(sim_ssm_create(sc->root, 1, 1e9, sc->region, sc->account, &ssm, &err), CUTOVER_OK);
	assert_string_equal(sim_ssm_get(ssm, "/u"), "http://h/*not a comment*/");
	sim_ssm_destroy(ssm);
	sim_scenario_destroy(sc);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	refuse("{\n  \"name\": \"x\"\n  \"region\": \"eu-west-1\"\n}\n", "s.json:3:3: expected ',' or '}' (a missing comma between members?)");
	refuse("{\"name\": \"x\",\n \"faults\": [],\n}", "s.json:3:1: trailing comma before }");
	refuse("{\"faults\": [{}, ]}", "s.json:1:17: trailing comma before ]");
	refuse("{\"name\": \"x\n\"}", "s.json:1:12: control character or line break inside a string");
	refuse("{\"name\": 'x'}", "s.json:1:10: expected a value");
	refuse("{\"start_epoch\": 01}", "s.json:1:18: expected ',' or '}'");
	refuse("{\"a\" 1}", "s.json:1:6: expected ':' after the key");
	refuse("{\"name\": \"x\",\n  /* never closed\n", "s.json:2:3: comment opened with /* is never closed");
	refuse("{\"name\": \"x\"", "s.json:1:13: expected ',' or '}'");
	refuse("{\"name\": ", "s.json:1:10: unexpected end of file");
	refuse("[1, 2]", "top level must be a JSON object");
	refuse("{} trailing", "s.json:1:4: unexpected text after the end");
	refuse("", "s.json:1:1: unexpected end of file");
}

static void test_unknown_keys(void **state)
{
	(void)state;
	refuse("{\"paramters\": []}", "unknown top-level key \"paramters\"");
	refuse("{\"credentials\": [{\"access_key_id\": \"A\", \"secret_access_key\": \"s\", \"token\": \"t\"}]}",
	       "credentials[0]: unknown key \"token\"");
	refuse("{\"faults\": [{\"from_s\": 0, \"rate\": 1}]}", "faults[0]: unknown key \"rate\"");
	refuse("{\"health\": [{\"path\": \"/h\", \"incidents\": [{\"at_s\": 1, \"for_s\": 2, \"code\": 500}]}]}",
	       "health[0].incidents[0]: unknown key \"code\"");
}

static void test_validation_paths(void **state)
{
	(void)state;
	refuse("{\"region\": \"EU WEST\"}", "region: must look like eu-west-1");
	refuse("{\"account\": \"12\"}", "account: must be 12 digits");
	refuse("{\"start_epoch\": \"now\"}", "start_epoch: must be a number");
	refuse("{\"credentials\": []}", "credentials: lists none");
	refuse("{\"credentials\": [{\"access_key_id\": \"A\"}]}", "credentials[0]: missing \"secret_access_key\"");
	refuse("{\"credentials\": [{\"access_key_id\": \"A\", \"secret_access_key\": \"s\"},"
	       " {\"access_key_id\": \"A\", \"secret_access_key\": \"t\"}]}", "credentials[1]: access_key_id appears twice");
	refuse("{\"health\": [{\"status\": 200}]}", "health[0]: missing \"path\"");
	refuse("{\"health\": [{\"path\": \"/\"}]}", "health[0]: path must start with /");
	refuse("{\"health\": [{\"path\": \"/h\", \"status\": 700}]}", "health[0].status: must be a number from 100 to 599");
	refuse("{\"health\": [{\"path\": \"/h\", \"incidents\": [{\"for_s\": 2}]}]}", "health[0].incidents[0]: missing \"at_s\"");
	refuse("{\"faults\": [{\"throttle_rate\": 1.5}]}", "faults[0].throttle_rate: must be a number from 0 to 1");
	refuse("{\"faults\": [{\"throttle_rate\": 0.6, \"error5xx_rate\": 0.6}]}", "faults[0]: throttle_rate + error5xx_rate + drop_rate must not exceed 1");
	refuse("{\"faults\": [{\"from_s\": 10, \"to_s\": 5}]}", "faults[0]: to_s must be after from_s");
	refuse("{\"faults\": [{\"latency_ms\": [50, 10]}]}", "faults[0].latency_ms: must be [min, max]");
	refuse("{\"faults\": [{\"services\": [\"s3\"]}]}", "faults[0].services: unknown service");
	refuse("{\"faults\": [{\"message\": \"\"}]}", "faults[0].message: must be a non-empty string");
	refuse("{\"faults\": [{\"message\": 7}]}", "faults[0].message: must be a non-empty string");
}

static void test_sections(void **state)
{
	static const char text[] =
		"{\"region\": \"eu-west-1\", \"account\": \"111122223333\", \"start_epoch\": 1700000000,\n"
		" \"credentials\": [{\"access_key_id\": \"ASIAX\", \"secret_access_key\": \"s\", \"session_token\": \"t\",\n"
		"   \"arn\": \"arn:aws:sts::111122223333:assumed-role/ops/carol\"}],\n"
		" \"health\": [{\"path\": \"/h\", \"latency_ms\": 7, \"incidents\": [{\"at_s\": 5, \"for_s\": 10, \"status\": 503}]}],\n"
		" \"faults\": [{\"from_s\": 1, \"to_s\": 2, \"drop_rate\": 0.5, \"latency_ms\": [1, 9], \"services\": [\"states\", \"health\"]},\n"
		"   {\"throttle_rate\": 1, \"message\": \"\\u001b]0;pwned\\u0007 slow down\"}]}";
	struct sim_scenario *sc = NULL;
	struct cutover_err err = { 0 };

	(void)state;
	assert_int_equal(parse(text, &sc, &err), CUTOVER_OK);
	assert_true(sc->has_start_epoch);
	assert_true(sc->start_epoch == 1700000000.0);
	assert_string_equal(sc->creds[0].session_token, "t");
	assert_non_null(strstr(sc->creds[0].user_id, "AROA"));
	assert_non_null(strstr(sc->creds[0].user_id, ":carol"));
	assert_ptr_equal(sim_scenario_credential(sc, "ASIAX"), &sc->creds[0]);
	assert_null(sim_scenario_credential(sc, "nobody"));
	assert_int_equal(sc->health[0].status, 200);
	assert_int_equal(sc->health[0].latency_ms, 7);
	assert_int_equal(sc->health[0].incidents[0].status, 503);
	assert_int_equal(sc->health[0].incidents[0].latency_ms, -1);
	assert_int_equal(sc->faults[0].services, SIM_SVC_SFN | SIM_SVC_HEALTH);
	assert_int_equal(sc->faults[0].latency_max_ms, 9);
	assert_null(sc->faults[0].message);
	/* control characters kept as they are: the message is data */
	assert_string_equal(sc->faults[1].message, "\x1b]0;pwned\x07 slow down");
	sim_scenario_destroy(sc);
	sim_scenario_destroy(NULL);
}

static void test_load_file_errors(void **state)
{
	struct sim_scenario *sc = (struct sim_scenario *)1;
	struct cutover_err err = { 0 };

	(void)state;
	assert_int_equal(sim_scenario_load("/nonexistent/x.json", &sc, &err), CUTOVER_EIO);
	assert_null(sc);
	assert_non_null(strstr(err.msg, "cannot open scenario /nonexistent/x.json"));
	assert_int_equal(sim_scenario_load(SRCDIR "/tests/fixtures/sim/full.scenario.json", &sc, &err), CUTOVER_OK);
	assert_string_equal(sc->name, "full");
	sim_scenario_destroy(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_comments_and_defaults),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_validation_paths),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_load_file_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
