/* test_sim_dispatch.c: the sim's request pipeline without sockets: a few
 * exact answers, then a seeded random walk over the fuzz target's decoder
 * (tests/fuzz/) with valid and mutated bodies for every operation: whatever
 * comes in, an answer with a status and a request id comes out, and nothing
 * leaks or crashes (run under ASan by `./dev ctest asan`). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../fuzz/sim_request_decoder.h"

static struct sim_server *server(bool no_auth)
{
	struct sim_server_options opt = { 0 };
	struct cutover_err err = { 0 };
	struct sim_server *s = NULL;

	opt.no_auth = no_auth;
	opt.seed = 5;
	opt.speed = 100;
	if (sim_server_create(SRCDIR "/tests/fixtures/sim/full.scenario.json", &opt, &s, &err))
		fail_msg("%s", err.msg);
	return s;
}

static void one(struct sim_server *s, const char *method, const char *path, const char *target,
		const char *ctype, const char *accept, const char *body, struct sim_http_response *resp)
{
	struct sim_kv h[4];
	size_t n = 0;
	struct sim_http_request req = { 0 };

	if (target)
		h[n++] = (struct sim_kv){ "X-Amz-Target", target };
	if (ctype)
		h[n++] = (struct sim_kv){ "Content-Type", ctype };
	if (accept)
		h[n++] = (struct sim_kv){ "Accept", accept };
	req.method = method;
	req.path = path;
	req.headers = h;
	req.nheaders = n;
	req.body = body;
	req.body_len = strlen(body);
	sim_server_dispatch(s, &req, resp);
}

static void test_exact_answers(void **state)
{
	struct sim_server *open = server(true), *closed = server(false);
	struct sim_http_response r;

	(void)state;
	one(open, "POST", "/", NULL, "application/x-www-form-urlencoded", "application/json",
	    "Action=GetCallerIdentity&Version=2011-06-15", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.content_type, "application/json");
	assert_non_null(strstr(r.body, "\"Arn\":\"arn:aws:iam::123456789012:user/operator\""));
	assert_non_null(strstr(r.body, r.request_id));
	free(r.body);
	one(open, "POST", "/", NULL, "application/x-www-form-urlencoded", NULL,
	    "Action=GetCallerIdentity&Version=2011-06-15", &r);
	assert_string_equal(r.content_type, "text/xml");
	assert_non_null(strstr(r.body, "<Account>123456789012</Account>"));
	free(r.body);
	/* CloudWatch JSON errors carry the Query-era code in x-amzn-query-error. */
	one(closed, "POST", "/", "GraniteServiceVersion20100801.DescribeAlarms", "application/x-amz-json-1.0",
	    NULL, "{}", &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(r.query_error, "MissingAuthenticationToken;Sender");
	free(r.body);
	one(closed, "POST", "/", NULL, "application/x-www-form-urlencoded", NULL,
	    "Action=DescribeAlarms&Version=2010-08-01", &r);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "<Code>MissingAuthenticationToken</Code>"));
	assert_non_null(strstr(r.body, "http://monitoring.amazonaws.com/doc/2010-08-01/"));
	free(r.body);
	/* The Query protocol reaches CloudWatch when unsigned calls are allowed. */
	one(open, "POST", "/", NULL, "application/x-www-form-urlencoded", NULL,
	    "Action=DescribeAlarms&Version=2010-08-01", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "checkout-errors-high"));
	free(r.body);
	one(open, "PUT", "/", NULL, NULL, NULL, "", &r);
	assert_int_equal(r.status, 405);
	assert_true(r.allow_post);
	free(r.body);
	sim_server_destroy(open);
	sim_server_destroy(closed);
	sim_server_destroy(NULL);
}

/* A body and the fz_targets / fz_ctypes indexes it belongs with (-1: none). */
static const struct { const char *body; int target, ctype; } bodies[] = {
	{ "{\"Names\":[\"/shop/flags/rollback_mode\",\"/x:2\"],\"WithDecryption\":true}", 0, 0 },
	{ "{\"Path\":\"/shop\",\"Recursive\":true,\"MaxResults\":1}", 1, 0 },
	{ "{\"Name\":\"/shop/flags/rollback_mode\",\"Value\":\"true\",\"Overwrite\":true,\"Type\":\"String\"}", 2, 0 },
	{ "{\"Name\":\"/shop/flags/rollback_mode\",\"MaxResults\":1}", 3, 0 },
	{ "{\"executionArn\":\"arn:aws:states:us-east-1:123456789012:execution:cutover-main:cutover-1\",\"maxResults\":2,\"reverseOrder\":true}", 8, 1 },
	{ "{\"executionArn\":\"arn:aws:states:us-east-1:123456789012:execution:cutover-main:cutover-1\"}", 7, 1 },
	{ "{\"stateMachineArn\":\"arn:aws:states:us-east-1:123456789012:stateMachine:jobs\",\"statusFilter\":\"RUNNING\"}", 9, 1 },
	{ "{\"stateMachineArn\":\"arn:aws:states:us-east-1:123456789012:stateMachine:cutover-rollback\",\"input\":\"{}\"}", 10, 1 },
	{ "{\"taskToken\":\"AAAA\",\"output\":\"{}\"}", 12, 1 },
	{ "{\"stateMachineArn\":\"arn:aws:states:us-east-1:123456789012:stateMachine:jobs\"}", 14, 1 },
	{ "{\"MetricDataQueries\":[{\"Id\":\"m1\",\"MetricStat\":{\"Metric\":{\"Namespace\":\"Shop\",\"MetricName\":\"ErrorRate\",\"Dimensions\":[{\"Name\":\"Service\",\"Value\":\"checkout\"}]},\"Period\":60,\"Stat\":\"p99\"}},{\"Id\":\"e1\",\"Expression\":\"FILL(m1,0)*2\"}],\"StartTime\":1789999000,\"EndTime\":1790003600}", 15, 1 },
	{ "{\"AlarmNamePrefix\":\"checkout\",\"AlarmTypes\":[\"MetricAlarm\",\"CompositeAlarm\"],\"MaxRecords\":1}", 16, 1 },
	{ "Action=GetMetricData&Version=2010-08-01&MetricDataQueries.member.1.Id=m1&MetricDataQueries.member.1.MetricStat.Metric.Namespace=Shop&MetricDataQueries.member.1.MetricStat.Metric.MetricName=ErrorRate&MetricDataQueries.member.1.MetricStat.Period=60&MetricDataQueries.member.1.MetricStat.Stat=Average&StartTime=2026-09-21T14%3A00%3A00Z&EndTime=2026-09-21T15%3A00%3A00Z", -1, 2 },
	{ "Action=DescribeAlarms&Version=2010-08-01&StateValue=ALARM", -1, 2 },
	{ "Action=GetCallerIdentity&Version=2011-06-15", -1, 2 },
	{ "{}", 0, 0 }, { "", 16, 1 }, { "null", 0, 0 }, { "[]", 0, 0 },
	{ "{\"Names\":[1,{},null]}", 0, 0 },
};

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void test_random_walk(void **state)
{
	struct sim_server *open = server(true), *closed = server(false);
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	uint8_t buf[1024];
	int statuses[6] = { 0 };

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		size_t pick = xorshift(&x) % (sizeof(bodies) / sizeof(bodies[0]));
		const char *tmpl = bodies[pick].body;
		size_t n = strlen(tmpl), len;
		struct sim_http_response resp;
		struct fz_request r;

		for (int k = 0; k < 6; k++)
			buf[k] = (uint8_t)xorshift(&x);
		/* Most requests well-formed at the HTTP level, so the models are
		 * reached; the rest anything at all. */
		if (xorshift(&x) % 4) {
			buf[0] = 0;
			buf[1] = 0;
			buf[2] = (uint8_t)((bodies[pick].target >= 0 ? 0x01 : 0) | 0x02 | (buf[2] & 0x08));
			buf[3] = (uint8_t)(bodies[pick].target >= 0 ? bodies[pick].target : 0);
			buf[4] = (uint8_t)bodies[pick].ctype;
		}
		if (n > sizeof(buf) - 6)
			n = sizeof(buf) - 6;
		memcpy(buf + 6, tmpl, n);
		len = 6 + n;
		/* Mutate half of them: flipped bytes, a truncation. */
		if (xorshift(&x) % 2) {
			for (int k = (int)(xorshift(&x) % 4); k >= 0 && n; k--)
				buf[6 + xorshift(&x) % n] = (uint8_t)xorshift(&x);
			if (xorshift(&x) % 3 == 0 && n)
				len = 6 + xorshift(&x) % n;
		}
		fz_decode(buf, len, &r);
		sim_server_dispatch(iter % 4 == 0 ? closed : open, &r.req, &resp);
		assert_true(resp.status >= 100 && resp.status <= 599);
		assert_int_equal(strlen(resp.request_id), 36);
		if (resp.body_len)
			assert_true(resp.content_type[0] != '\0');
		statuses[resp.status / 100]++;
		free(resp.body);
		fz_free(&r);
	}
	/* The walk reached both successes and refusals. */
	assert_true(statuses[2] > 100);
	assert_true(statuses[4] > 100);
	sim_server_destroy(open);
	sim_server_destroy(closed);
}

static void test_lifecycle(void **state)
{
	struct sim_server_options opt = { 0 };
	struct cutover_err err = { 0 };
	struct sim_server *s = (struct sim_server *)1;

	(void)state;
	assert_int_equal(sim_server_create(SRCDIR "/tests/fixtures/sim/missing.json", &opt, &s, &err), CUTOVER_EIO);
	assert_null(s);
	assert_int_equal(sim_server_create(SRCDIR "/tests/fixtures/sim/basic.scenario.json", &opt, &s, &err), CUTOVER_OK);
	assert_string_equal(sim_server_listen_address(s), "127.0.0.1");
	assert_string_equal(sim_server_scenario(s)->region, "eu-west-1");
	assert_int_equal(sim_server_start(s, &err), CUTOVER_OK);
	assert_true(sim_server_port(s) > 0);
	assert_int_equal(sim_server_start(s, &err), CUTOVER_EINVAL);
	sim_server_stop(s);
	sim_server_stop(s);
	sim_server_destroy(s);
	opt.listen = "not-an-address";
	assert_int_equal(sim_server_create(SRCDIR "/tests/fixtures/sim/basic.scenario.json", &opt, &s, &err), CUTOVER_OK);
	assert_int_equal(sim_server_start(s, &err), CUTOVER_EINVAL);
	assert_non_null(strstr(err.msg, "is not an IP address"));
	sim_server_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_exact_answers),
		cmocka_unit_test(test_random_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
