/* test_sim_sigv4.c: the sim's SigV4 verifier against signatures made by
 * others (botocore 1.43's SigV4Auth, AWS's published get-vanilla vector),
 * and each way a request can fail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sim/scenario.h"
#include "sim/sim_sigv4.h"

static struct sim_scenario *load(const char *region)
{
	struct sim_scenario *sc = NULL;
	struct cutover_err err = { 0 };
	char text[1024];

	snprintf(text, sizeof(text),
		 "{\"region\": \"%s\", \"credentials\": ["
		 " {\"access_key_id\": \"AKIDEXAMPLE\", \"secret_access_key\": \"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\"},"
		 " {\"access_key_id\": \"ASIAEXAMPLE\", \"secret_access_key\": \"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\","
		 "  \"session_token\": \"TOKEN/+=\"}]}", region);
	assert_int_equal(sim_scenario_parse(text, strlen(text), "t", &sc, &err), CUTOVER_OK);
	return sc;
}

/* 2026-11-21T18:50:00Z (18:50:20Z for the token vector) and 2015-08-30T12:36:00Z as epoch seconds. */
#define T_2026 1795287020
#define T_2015 1440938160

static enum sim_auth verify(const struct sim_scenario *sc, const char *service, const char *method,
			    const char *path, const struct sim_kv *q, size_t nq,
			    const struct sim_kv *h, size_t nh, const char *body, time_t now,
			    char *msg, size_t msgsz)
{
	const struct sim_credential *cred = NULL;
	struct sim_sigv4_request req = { method, path, q, nq, h, nh, body, body ? strlen(body) : 0 };
	enum sim_auth a = sim_sigv4_verify(sc, service, &req, now, &cred, msg, msgsz);

	if (a == SIM_AUTH_OK)
		assert_non_null(cred);
	return a;
}

static void test_aws_get_vanilla(void **state)
{
	struct sim_scenario *sc = load("us-east-1");
	struct sim_kv h[] = {
		{ "Host", "example.amazonaws.com" },
		{ "X-Amz-Date", "20150830T123600Z" },
		{ "Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
	};
	char msg[4096];

	(void)state;
	assert_int_equal(verify(sc, "service", "GET", "/", NULL, 0, h, 3, NULL, T_2015, msg, sizeof(msg)), SIM_AUTH_OK);
	sim_scenario_destroy(sc);
}

static void test_botocore_vectors(void **state)
{
	struct sim_scenario *sc = load("us-east-1");
	struct sim_kv h1[] = {
		{ "host", "example.amazonaws.com" },
		{ "X-Amz-Date", "20261121T185000Z" },
		{ "Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=ba5834b22c7b6f30d1202e5b8434f096bd603d9e99efc5225e899048489425e4" },
	};
	/* Unsorted query: the verifier sorts as AWS does. */
	struct sim_kv q[] = { { "Param2", "value2" }, { "Param1", "value1" } };
	char msg[4096];

	(void)state;
	assert_int_equal(verify(sc, "service", "GET", "/", q, 2, h1, 3, NULL, T_2026, msg, sizeof(msg)), SIM_AUTH_OK);
	/* The same signature over another query fails. */
	q[1].value = "value9";
	assert_int_equal(verify(sc, "service", "GET", "/", q, 2, h1, 3, NULL, T_2026, msg, sizeof(msg)),
			 SIM_AUTH_BAD_SIGNATURE);
	assert_non_null(strstr(msg, "The request signature we calculated does not match"));
	assert_non_null(strstr(msg, "Param1=value9&Param2=value2"));
	sim_scenario_destroy(sc);
}

/* A JSON call with a session token, signed by botocore for ssm/eu-west-1. */
static struct sim_kv ssm_headers[] = {
	{ "Host", "127.0.0.1:8080" },
	{ "Content-Type", "application/x-amz-json-1.1" },
	{ "X-Amz-Target", "AmazonSSM.GetParameters" },
	{ "X-Amz-Date", "20261121T185020Z" },
	{ "X-Amz-Security-Token", "TOKEN/+=" },
	{ "Authorization", "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261121/eu-west-1/ssm/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=fba8e66d5c320cdccd77981f203a0d8eaffd39dcae1cfdbf0c5a973bd35c0d42" },
};
static const char ssm_body[] = "{\"Names\":[\"/a\"]}";

static void test_session_token_request(void **state)
{
	struct sim_scenario *sc = load("eu-west-1");
	struct sim_kv h[6];
	char msg[4096];

	(void)state;
	memcpy(h, ssm_headers, sizeof(h));
	assert_int_equal(verify(sc, "ssm", "POST", "/", NULL, 0, h, 6, ssm_body, T_2026, msg, sizeof(msg)),
			 SIM_AUTH_OK);
	/* Header names in any case, values with extra blanks: still valid. */
	h[1].key = "CONTENT-TYPE";
	h[1].value = "  application/x-amz-json-1.1 ";
	assert_int_equal(verify(sc, "ssm", "POST", "/", NULL, 0, h, 6, ssm_body, T_2026, msg, sizeof(msg)),
			 SIM_AUTH_OK);
	/* The same signature under the token-less key: refused for the token. */
	h[5].value = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/eu-west-1/ssm/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=fba8e66d5c320cdccd77981f203a0d8eaffd39dcae1cfdbf0c5a973bd35c0d42";
	assert_int_equal(verify(sc, "ssm", "POST", "/", NULL, 0, h, 6, ssm_body, T_2026, msg, sizeof(msg)),
			 SIM_AUTH_UNKNOWN_KEY);
	assert_string_equal(msg, "The security token included in the request is invalid.");
	sim_scenario_destroy(sc);
}

static void test_failures(void **state)
{
	struct sim_scenario *sc = load("eu-west-1");
	struct sim_kv h[6];
	char msg[4096];

	(void)state;
	memcpy(h, ssm_headers, sizeof(h));

	/* No Authorization at all. */
	assert_int_equal(verify(sc, "ssm", "POST", "/", NULL, 0, h, 5, ssm_body, T_2026, msg, sizeof(msg)),
			 SIM_AUTH_MISSING);
	/* Unknown key id. */
	h[5].value = "AWS4-HMAC-SHA256 Credential=AKIDNOBODY/20261121/eu-west-1/ssm/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";
	assert_int_equal(verify(sc, "ssm", "POST", "/", NULL, 0, h, 6, ssm_body, T_2026, msg, sizeof(msg)),
			 SIM_AUTH_UNKNOWN_KEY);
	/* Malformed header. */
	h[5].value = "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261121/eu-west-1/ssm/aws4_request";
	assert_int_equal(verify(sc, "ssm", "POST", "/", NULL, 0, h, 6, ssm_body, T_2026, msg, sizeof(msg)),
			 SIM_AUTH_INCOMPLETE);
	h[5].value = "Basic dXNlcjpwYXNz";
	assert_int_equal(verify(sc, "ssm", "POST", "/", NULL, 0, h, 6, ssm_body, T_2026, msg, sizeof(msg)),
			 SIM_AUTH_INCOMPLETE);
	/* Token header missing / wrong for a credential that has one. */
	h[5] = ssm_headers[5];
	h[4].value = "OTHER";
	assert_int_equal(verify(sc, "ssm", "POST", "/", NULL, 0, h, 6, ssm_body, T_2026, msg, sizeof(msg)),
			 SIM_AUTH_UNKNOWN_KEY);
	h[4] = ssm_headers[4];
	/* Too old and too new: 15 minutes either way. */
	assert_int_equal(verify(sc, "ssm", "POST", "/", NULL, 0, h, 6, ssm_body, T_2026 + 901, msg, sizeof(msg)),
			 SIM_AUTH_EXPIRED);
	assert_non_null(strstr(msg, "Signature expired: 20261121T185020Z is now earlier than 20261121T185021Z (20261121T190521Z - 15 min.)"));
	assert_int_equal(verify(sc, "ssm", "POST", "/", NULL, 0, h, 6, ssm_body, T_2026 - 901, msg, sizeof(msg)),
			 SIM_AUTH_EXPIRED);
	assert_non_null(strstr(msg, "Signature not yet current"));
	/* Wrong service in scope: a states call signed for ssm. */
	assert_int_equal(verify(sc, "states", "POST", "/", NULL, 0, h, 6, ssm_body, T_2026, msg, sizeof(msg)),
			 SIM_AUTH_BAD_SIGNATURE);
	assert_non_null(strstr(msg, "Credential should be scoped to correct service: 'states'"));
	/* Wrong region. */
	snprintf(sc->region, sizeof(sc->region), "us-east-1");
	assert_int_equal(verify(sc, "ssm", "POST", "/", NULL, 0, h, 6, ssm_body, T_2026, msg, sizeof(msg)),
			 SIM_AUTH_BAD_SIGNATURE);
	assert_non_null(strstr(msg, "Credential should be scoped to a valid region"));
	snprintf(sc->region, sizeof(sc->region), "eu-west-1");
	/* A signed header the request does not carry. */
	assert_int_equal(verify(sc, "ssm", "POST", "/", NULL, 0, h + 1, 5, ssm_body, T_2026, msg, sizeof(msg)),
			 SIM_AUTH_BAD_SIGNATURE);
	/* Body changed after signing. */
	assert_int_equal(verify(sc, "ssm", "POST", "/", NULL, 0, h, 6, "{\"Names\":[\"/b\"]}", T_2026, msg, sizeof(msg)),
			 SIM_AUTH_BAD_SIGNATURE);
	/* Header value changed after signing; extra spaces do not matter. */
	h[2].value = "AmazonSSM.PutParameter";
	assert_int_equal(verify(sc, "ssm", "POST", "/", NULL, 0, h, 6, ssm_body, T_2026, msg, sizeof(msg)),
			 SIM_AUTH_BAD_SIGNATURE);
	sim_scenario_destroy(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aws_get_vanilla),
		cmocka_unit_test(test_botocore_vectors),
		cmocka_unit_test(test_session_token_request),
		cmocka_unit_test(test_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
