/* test_aws_client.c: the signed-call client against a loopback fault
 * server we control (tests/lib/aws_fault_server.py): signatures checked by
 * botocore, retries, budgets, timeouts, dropped connections, cancellation,
 * size caps, connection reuse, paging, and the error texts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "aws_test_util.h"
#include "aws/aws_xml.h"
#include "cutover/aws_cloudwatch.h"
#include "cutover/aws_error.h"
#include "cutover/aws_sfn.h"
#include "cutover/aws_ssm.h"
#include "cutover/aws_sts.h"

#define AKID "AKIDTESTEXAMPLE1"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY"
#define TOKEN "FQoGZXIvYXdzEXAMPLETOKEN+/=session"
#define EXEC_ARN "arn:aws:states:eu-west-1:123456789012:execution:m:run-1"

static pid_t server_pid = -1;
static int server_port;
static struct test_creds good = { AKID, SECRET, TOKEN, 0 };

static char *url(const char *fmt, ...) CUTOVER_PRINTF(1, 2);
static char *url(const char *fmt, ...)
{
	static char buf[8][256];
	static int next;
	char path[200];
	va_list ap;
	char *b = buf[next++ % 8];

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	snprintf(b, 256, "http://127.0.0.1:%d/%s", server_port, path);
	return b;
}

/* GET a number from the server's bookkeeping (/_count/K, /_conns). */
static long server_number(const char *path)
{
	struct aws_client *c = client_for(url("ok/"), &good, 5000, 1);
	struct aws_health h;
	struct aws_error e;
	long n = -1;

	assert_non_null(c);
	assert_int_equal(aws_health_check(c, url("%s", path), 100, &h, &e), CUTOVER_OK);
	assert_int_equal(h.http_status, 200);
	n = strtol(h.body, NULL, 10);
	aws_health_free(&h);
	aws_client_destroy(c);
	return n;
}

static int group_setup(void **state)
{
	char script[512];
	char *argv[] = { "python3", script, AKID, SECRET, TOKEN, NULL };
	struct cutover_err err;

	(void)state;
	snprintf(script, sizeof(script), "%s/tests/lib/aws_fault_server.py", SRCDIR);
	if (aws_global_init(&err) != CUTOVER_OK)
		return -1;
	server_pid = spawn(argv, 1, &server_port, NULL);
	return server_pid > 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	stop_child(server_pid);
	aws_global_cleanup();
	return 0;
}

/* ---- error mapping over canned bodies ---------------------------------- */

static void test_error_mapping(void **state)
{
	struct aws_error e;
	char text[1024];
	(void)state;

	aws_error_clear(&e);
	const char *b1 = "{\"__type\":\"com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist\","
			 "\"message\":\"Execution Does Not Exist: 'arn'\"}";
	aws_error_from_response(&e, 400, b1, strlen(b1), NULL, NULL);
	assert_string_equal(e.code, "ExecutionDoesNotExist");
	assert_string_equal(e.message, "Execution Does Not Exist: 'arn'");
	assert_int_equal(e.kind, AWS_ERR_AWS);
	assert_int_equal(e.status, CUTOVER_EAWS);

	/* SSM uses Message for some errors */
	const char *b2 = "{\"__type\":\"TooManyUpdates\",\"Message\":\"Rate exceeded\"}";
	aws_error_clear(&e);
	aws_error_from_response(&e, 400, b2, strlen(b2), NULL, NULL);
	assert_string_equal(e.code, "TooManyUpdates");
	assert_string_equal(e.message, "Rate exceeded");
	assert_true(aws_error_code_is_throttle(e.code));

	/* CloudWatch: the query error header wins over the Smithy __type */
	const char *b3 = "{\"__type\":\"com.amazonaws.cloudwatch#InvalidParameterValueException\","
			 "\"Message\":\"bad\"}";
	aws_error_clear(&e);
	aws_error_from_response(&e, 400, b3, strlen(b3), "InvalidParameterValue;Sender", NULL);
	assert_string_equal(e.code, "InvalidParameterValue");
	aws_error_clear(&e);
	aws_error_from_response(&e, 400, "{}", 2, "Throttling;Sender", NULL);
	assert_string_equal(e.code, "Throttling");
	assert_true(aws_error_code_is_throttle(e.code));

	/* header-only code, with the ":" suffix some services add */
	aws_error_clear(&e);
	aws_error_from_response(&e, 400, "", 0, NULL,
				"UnrecognizedClientException:http://internal.amazon.com/");
	assert_string_equal(e.code, "UnrecognizedClientException");
	assert_int_equal(e.kind, AWS_ERR_AUTH);
	assert_int_equal(e.status, CUTOVER_EAUTH);

	/* Query XML and Query JSON error shapes */
	const char *x = "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch"
			"</Code><Message>Signature expired: 20260101T000000Z is now earlier than"
			" ...</Message></Error><RequestId>r-9</RequestId></ErrorResponse>";
	aws_error_clear(&e);
	aws_error_from_response(&e, 403, x, strlen(x), NULL, NULL);
	assert_string_equal(e.code, "SignatureDoesNotMatch");
	assert_string_equal(e.request_id, "r-9");
	assert_int_equal(e.kind, AWS_ERR_AUTH);
	e.attempts = 1;
	snprintf(e.service, sizeof(e.service), "STS");
	aws_error_render(&e, text, sizeof(text));
	assert_non_null(strstr(text, "clock"));
	const char *j = "{\"Error\":{\"Code\":\"AccessDenied\",\"Message\":\"not allowed\"},"
			"\"RequestId\":\"r-10\"}";
	aws_error_clear(&e);
	aws_error_from_response(&e, 403, j, strlen(j), NULL, NULL);
	assert_string_equal(e.code, "AccessDenied");
	assert_string_equal(e.message, "not allowed");
	assert_string_equal(e.request_id, "r-10");

	/* bodies that are not AWS errors at all */
	aws_error_clear(&e);
	aws_error_from_response(&e, 502, "<html>bad gateway</html>", 24, NULL, NULL);
	assert_string_equal(e.code, "HTTP502");
	aws_error_clear(&e);
	aws_error_from_response(&e, 429, "", 0, NULL, NULL);
	assert_string_equal(e.code, "TooManyRequestsException");
}

static void test_sanitize_and_xml(void **state)
{
	char out[64];
	char v[64];
	(void)state;

	aws_error_sanitize_code("com.amazon.coral.availability#ThrottlingException", out,
				sizeof(out));
	assert_string_equal(out, "ThrottlingException");
	aws_error_sanitize_code("aws.protocoltests#Foo:http://x#y", out, sizeof(out));
	assert_string_equal(out, "Foo");
	aws_error_sanitize_code("", out, sizeof(out));
	assert_string_equal(out, "");
	aws_error_sanitize_code("VeryLongCodeName", out, 5);
	assert_string_equal(out, "Very");
	assert_true(aws_error_code_is_throttle("TooManyUpdates"));
	assert_true(aws_error_code_is_throttle("Throttling"));
	assert_false(aws_error_code_is_throttle("ValidationException"));
	assert_true(aws_error_code_is_transient("RequestTimeout"));

	assert_int_equal(aws_xml_tag("<a><Arn x=\"1\">a&amp;b&lt;</Arn></a>", 33, "Arn", v,
				     sizeof(v)), 1);
	assert_string_equal(v, "a&b<");
	assert_int_equal(aws_xml_tag("<ArnX>no</ArnX>", 15, "Arn", v, sizeof(v)), 0);
	assert_int_equal(aws_xml_tag("<Arn>unterminated", 17, "Arn", v, sizeof(v)), 0);
	assert_string_equal(v, "");
}

static void test_render_texts(void **state)
{
	struct aws_error e;
	char text[1024];
	(void)state;

	aws_error_clear(&e);
	e.kind = AWS_ERR_AWS;
	e.status = CUTOVER_EAWS;
	e.http_status = 400;
	e.attempts = 1;
	snprintf(e.service, sizeof(e.service), "SSM");
	snprintf(e.operation, sizeof(e.operation), "PutParameter");
	snprintf(e.action, sizeof(e.action), "ssm:PutParameter");
	snprintf(e.code, sizeof(e.code), "AccessDeniedException");
	snprintf(e.request_id, sizeof(e.request_id), "7f3c");
	aws_error_render(&e, text, sizeof(text));
	assert_non_null(strstr(text, "SSM PutParameter: AccessDeniedException"));
	assert_non_null(strstr(text, "request 7f3c"));
	assert_non_null(strstr(text, "ssm:PutParameter"));
	assert_non_null(strstr(text, "Nothing was changed"));

	snprintf(e.code, sizeof(e.code), "ThrottlingException");
	e.attempts = 3;
	aws_error_render(&e, text, sizeof(text));
	assert_non_null(strstr(text, "tried 3 times"));

	aws_error_clear(&e);
	e.kind = AWS_ERR_TRANSPORT;
	e.status = CUTOVER_ETRANSPORT;
	e.attempts = 3;
	snprintf(e.service, sizeof(e.service), "Step Functions");
	snprintf(e.operation, sizeof(e.operation), "StopExecution");
	snprintf(e.endpoint, sizeof(e.endpoint), "https://states.eu-west-1.amazonaws.com/");
	snprintf(e.detail, sizeof(e.detail), "DNS lookup failed");
	e.outcome_unknown = 1;
	aws_error_render(&e, text, sizeof(text));
	assert_non_null(strstr(text, "cannot reach https://states.eu-west-1.amazonaws.com/"));
	assert_non_null(strstr(text, "DNS lookup failed"));
	assert_non_null(strstr(text, "outcome is unknown"));

	/* truncation is safe */
	assert_true(aws_error_render(&e, text, 10) > 10);
	assert_int_equal(strlen(text), 9);
}

/* ---- signing, proven by botocore --------------------------------------- */

static void last_request_has(const char *needle)
{
	struct aws_client *c = client_for(url("ok/"), &good, 5000, 1);
	struct aws_health h;
	struct aws_error e;

	assert_int_equal(aws_health_check(c, url("_last"), 100000, &h, &e), CUTOVER_OK);
	if (!strstr(h.body, needle))
		fail_msg("'%s' not in the last verified request: %s", needle, h.body);
	aws_health_free(&h);
	aws_client_destroy(c);
}

static void test_signature_verified_by_botocore(void **state)
{
	struct aws_client *c;
	struct sfn_execution ex;
	struct ssm_put_result put;
	struct cw_metric_data md;
	struct sts_identity id;
	struct aws_error e;
	struct ssm_put_input in = { "/app/flag", "on", NULL, NULL, 1 };
	struct cw_query q = { "m1", NULL, 0, NULL, "AWS/States", "ExecutionsFailed", NULL, 0, 60,
			      "Sum", NULL };
	(void)state;

	c = client_for(url("verify/eu-west-1/states/"), &good, 5000, 1);
	assert_int_equal(sfn_describe_execution(c, EXEC_ARN, &ex, &e), CUTOVER_OK);
	assert_string_equal(ex.status, "RUNNING");
	/* 1.714564800123E9 notation read through valuedouble */
	assert_true(ex.start_date > 1714564800.1 && ex.start_date < 1714564800.2);
	assert_string_equal(ex.input, "{\"k\":1}");
	sfn_execution_free(&ex);
	last_request_has("\"x-amz-security-token\"");
	last_request_has("\"x-amz-target\"");
	last_request_has("\"scope_service\": \"states\"");
	{
		struct sfn_history h;
		struct sfn_history_opts o = { 1, 1, 5, 0 };

		assert_int_equal(sfn_get_execution_history(c, EXEC_ARN, &o, &h, &e), CUTOVER_OK);
		assert_int_equal(h.count, 0);
		sfn_history_free(&h);
		last_request_has("\\\"maxResults\\\":5,\\\"reverseOrder\\\":true,"
				 "\\\"includeExecutionData\\\":true");
	}
	aws_client_destroy(c);

	c = client_for(url("verify/eu-west-1/ssm/"), &good, 5000, 1);
	assert_int_equal(ssm_put_parameter(c, &in, &put, &e), CUTOVER_OK);
	assert_int_equal(put.version, 7);
	assert_string_equal(put.tier, "Standard");
	assert_true(put.meta.request_id[0] != '\0');
	aws_client_destroy(c);

	c = client_for(url("verify/eu-west-1/monitoring/"), &good, 5000, 1);
	assert_int_equal(cw_get_metric_data(c, &q, 1, 1714564800, 1714568400, &md, &e),
			 CUTOVER_OK);
	assert_int_equal(md.count, 1);
	cw_metric_data_free(&md);
	last_request_has("\"x-amzn-query-mode\"");
	last_request_has("GraniteServiceVersion20100801.GetMetricData");
	aws_client_destroy(c);

	c = client_for(url("verify/eu-west-1/sts/"), &good, 5000, 1);
	assert_int_equal(sts_get_caller_identity(c, &id, &e), CUTOVER_OK);
	assert_string_equal(id.arn, "arn:aws:iam::123456789012:user/verified");
	assert_string_equal(id.request_id, "sts-json-1");
	last_request_has("Action=GetCallerIdentity&Version=2011-06-15");
	last_request_has("\"accept\"");
	aws_client_destroy(c);
}

static void test_wrong_secret_is_rejected(void **state)
{
	struct test_creds bad = { AKID, "not-the-secret", TOKEN, 0 };
	struct aws_client *c = client_for(url("verify/eu-west-1/states/"), &bad, 5000, 3);
	struct sfn_execution ex;
	struct aws_error e;
	char text[1024];
	(void)state;

	assert_int_equal(sfn_describe_execution(c, EXEC_ARN, &ex, &e), CUTOVER_EAUTH);
	assert_int_equal(e.kind, AWS_ERR_AUTH);
	assert_string_equal(e.code, "InvalidSignatureException");
	assert_int_equal(e.attempts, 1);   /* auth failures are not retried */
	assert_int_equal(e.http_status, 403);
	aws_error_render(&e, text, sizeof(text));
	assert_non_null(strstr(text, "secret access key"));
	/* the server echoed the token and secret in its message: scrubbed */
	assert_null(strstr(text, TOKEN));
	assert_null(strstr(text, "not-the-secret"));
	assert_non_null(strstr(text, "[redacted]"));
	last_request_has("\"ok\": false");
	aws_client_destroy(c);

	/* a wrong region in the scope is caught too */
	c = client_for(url("verify/us-east-1/states/"), &good, 5000, 1);
	assert_int_equal(sfn_describe_execution(c, EXEC_ARN, &ex, &e), CUTOVER_EAUTH);
	aws_client_destroy(c);
}

static void test_empty_access_key_sends_nothing(void **state)
{
	struct test_creds none = { "", SECRET, NULL, 0 };
	struct aws_client *c = client_for(url("ok/empty-key/"), &none, 5000, 3);
	struct sfn_execution ex;
	struct aws_error e;
	char text[1024];
	(void)state;

	assert_int_equal(sfn_describe_execution(c, EXEC_ARN, &ex, &e), CUTOVER_EAUTH);
	assert_int_equal(e.kind, AWS_ERR_AUTH);
	assert_int_equal(server_number("_count/empty-key"), 0);
	aws_error_render(&e, text, sizeof(text));
	assert_non_null(strstr(text, "Nothing was sent"));
	aws_client_destroy(c);
}

/* ---- retries ------------------------------------------------------------ */

static void test_throttling_retried_then_succeeds(void **state)
{
	struct aws_client *c = client_for(url("throttle/2/t1/"), &good, 5000, 3);
	struct sfn_execution ex;
	struct aws_error e;
	(void)state;

	assert_int_equal(sfn_describe_execution(c, EXEC_ARN, &ex, &e), CUTOVER_OK);
	assert_int_equal(e.attempts, 3);
	assert_int_equal(server_number("_count/t1"), 3);
	assert_int_equal(aws_client_retry_quota_get(c), 500);  /* refunded on success */
	sfn_execution_free(&ex);
	aws_client_destroy(c);

	/* three throttles exhaust three attempts */
	c = client_for(url("throttle/5/t2/"), &good, 5000, 3);
	assert_int_equal(sfn_describe_execution(c, EXEC_ARN, &ex, &e), CUTOVER_EAWS);
	assert_string_equal(e.code, "ThrottlingException");
	assert_int_equal(e.attempts, 3);
	assert_int_equal(aws_client_retry_quota_get(c), 490);
	aws_client_destroy(c);
}

static void test_persistent_500_bounded(void **state)
{
	struct aws_client *c = client_for(url("status/500/p1/"), &good, 5000, 3);
	struct sfn_execution ex;
	struct aws_error e;
	double t0 = now_s();
	(void)state;

	assert_int_equal(sfn_describe_execution(c, EXEC_ARN, &ex, &e), CUTOVER_EAWS);
	assert_true(now_s() - t0 < 3.0);
	assert_int_equal(e.attempts, 3);
	assert_int_equal(e.http_status, 500);
	assert_string_equal(e.code, "InternalFailure");
	assert_true(e.request_id[0] != '\0');
	assert_int_equal(server_number("_count/p1"), 3);
	aws_client_destroy(c);
}

static void test_unsafe_calls_not_repeated(void **state)
{
	struct aws_client *c = client_for(url("status/500/u1/"), &good, 5000, 3);
	struct sfn_stop_result stop;
	struct ssm_put_result put;
	struct ssm_put_input create = { "/app/new", "v", NULL, NULL, 0 };
	struct ssm_put_input over = { "/app/new", "v", NULL, NULL, 1 };
	struct aws_error e;
	char text[1024];
	(void)state;

	assert_int_equal(sfn_stop_execution(c, EXEC_ARN, "Operator.Abort", "test", &stop, &e),
			 CUTOVER_EAWS);
	assert_int_equal(e.attempts, 1);
	assert_true(e.outcome_unknown);
	aws_error_render(&e, text, sizeof(text));
	assert_non_null(strstr(text, "outcome is unknown"));
	assert_int_equal(ssm_put_parameter(c, &create, &put, &e), CUTOVER_EAWS);
	assert_int_equal(e.attempts, 1);
	assert_int_equal(server_number("_count/u1"), 2);
	/* with Overwrite the same write is safe to repeat */
	assert_int_equal(ssm_put_parameter(c, &over, &put, &e), CUTOVER_EAWS);
	assert_int_equal(e.attempts, 3);
	assert_false(e.outcome_unknown);
	aws_client_destroy(c);

	/* a throttle proves nothing happened: even StopExecution is retried */
	c = client_for(url("throttle/1/u2/"), &good, 5000, 3);
	assert_int_equal(sfn_stop_execution(c, EXEC_ARN, NULL, NULL, &stop, &e), CUTOVER_OK);
	assert_int_equal(stop.meta.attempts, 2);
	assert_true(stop.stop_date > 1.7e9);
	aws_client_destroy(c);
}

static void test_send_task_already_done(void **state)
{
	struct aws_client *c = client_for(url("tasktoken/k1/"), &good, 5000, 3);
	struct sfn_task_result r;
	struct aws_error e;
	(void)state;

	assert_int_equal(sfn_send_task_success(c, "TOKEN", "{\"approved\":true}", &r, &e),
			 CUTOVER_OK);
	assert_int_equal(r.meta.attempts, 2);
	assert_true(r.meta.already_done);
	aws_client_destroy(c);

	/* a named StartExecution whose first attempt started it */
	struct sfn_start_result sr;
	c = client_for(url("ambig/ExecutionAlreadyExists/k2/"), &good, 5000, 3);
	assert_int_equal(sfn_start_execution(c, "arn:aws:states:eu-west-1:123456789012:"
					     "stateMachine:main", "run-9", NULL, &sr, &e), CUTOVER_OK);
	assert_true(sr.meta.already_done);
	assert_string_equal(sr.execution_arn,
			    "arn:aws:states:eu-west-1:123456789012:execution:main:run-9");
	sfn_start_result_free(&sr);
	aws_client_destroy(c);
	/* ... but on a first attempt it is a real conflict */
	c = client_for(url("code/ExecutionAlreadyExists/k3/"), &good, 5000, 3);
	assert_int_equal(sfn_start_execution(c, "arn:aws:states:eu-west-1:123456789012:"
					     "stateMachine:main", "run-9", NULL, &sr, &e), CUTOVER_EAWS);
	assert_string_equal(e.code, "ExecutionAlreadyExists");
	assert_int_equal(e.attempts, 1);
	aws_client_destroy(c);

	/* a first-attempt TaskTimedOut is a real error */
	c = client_for(url("tasktoken/k1/"), &good, 5000, 3);
	assert_int_equal(sfn_send_task_failure(c, "TOKEN", "Rejected", "no", &r, &e), CUTOVER_EAWS);
	assert_string_equal(e.code, "TaskTimedOut");
	aws_client_destroy(c);
}

static void test_timeout_holds(void **state)
{
	struct aws_client *c = client_for(url("slow/3000/s1/"), &good, 300, 3);
	struct sfn_execution ex;
	struct sfn_stop_result stop;
	struct aws_error e;
	char text[1024];
	double t0 = now_s();
	(void)state;

	assert_int_equal(sfn_describe_execution(c, EXEC_ARN, &ex, &e), CUTOVER_ETIMEOUT);
	assert_true(now_s() - t0 < 2.5);   /* 3 x 300 ms + small backoff */
	assert_int_equal(e.kind, AWS_ERR_TRANSPORT);
	assert_int_equal(e.attempts, 3);
	assert_int_equal(aws_client_retry_quota_get(c), 480);  /* timeouts cost 10 */
	aws_error_render(&e, text, sizeof(text));
	assert_non_null(strstr(text, "timed out"));
	assert_non_null(strstr(text, url("slow/3000/s1/")));

	t0 = now_s();
	assert_int_equal(sfn_stop_execution(c, EXEC_ARN, NULL, NULL, &stop, &e), CUTOVER_ETIMEOUT);
	assert_int_equal(e.attempts, 1);
	assert_true(e.outcome_unknown);
	assert_true(now_s() - t0 < 1.5);
	aws_client_destroy(c);
}

static void test_dropped_connection(void **state)
{
	struct aws_client *c = client_for(url("drop/1/d1/"), &good, 5000, 3);
	struct sfn_execution ex;
	struct aws_error e;
	(void)state;

	assert_int_equal(sfn_describe_execution(c, EXEC_ARN, &ex, &e), CUTOVER_OK);
	assert_int_equal(e.attempts, 2);
	sfn_execution_free(&ex);
	aws_client_destroy(c);

	c = client_for(url("drop/9/d2/"), &good, 5000, 3);
	assert_int_equal(sfn_describe_execution(c, EXEC_ARN, &ex, &e), CUTOVER_ETRANSPORT);
	assert_int_equal(e.attempts, 3);
	assert_non_null(strstr(e.detail, "connection dropped"));
	aws_client_destroy(c);
}

static void test_connection_refused(void **state)
{
	char base[64];
	struct aws_client *c;
	struct sfn_execution ex;
	struct sfn_stop_result stop;
	struct aws_error e;
	char text[1024];
	(void)state;

	snprintf(base, sizeof(base), "http://127.0.0.1:%d/", free_port());
	c = client_for(base, &good, 2000, 3);
	assert_int_equal(sfn_describe_execution(c, EXEC_ARN, &ex, &e), CUTOVER_ETRANSPORT);
	assert_int_equal(e.attempts, 3);
	aws_error_render(&e, text, sizeof(text));
	assert_non_null(strstr(text, base));
	assert_non_null(strstr(text, "connection failed"));
	/* refused means nothing was sent: safe to retry even StopExecution */
	assert_int_equal(sfn_stop_execution(c, EXEC_ARN, NULL, NULL, &stop, &e), CUTOVER_ETRANSPORT);
	assert_int_equal(e.attempts, 3);
	assert_false(e.outcome_unknown);
	aws_client_destroy(c);
}

static void test_retry_budget_runs_out(void **state)
{
	struct aws_client *c = client_for(url("status/503/b1/"), &good, 5000, 3);
	struct sfn_execution ex;
	struct aws_error e;
	(void)state;

	/* each failing call spends 2 x 5 tokens and gets nothing back */
	for (int i = 0; i < 50; i++)
		assert_int_equal(sfn_describe_execution(c, EXEC_ARN, &ex, &e), CUTOVER_EAWS);
	assert_int_equal(aws_client_retry_quota_get(c), 0);
	assert_int_equal(sfn_describe_execution(c, EXEC_ARN, &ex, &e), CUTOVER_EAWS);
	assert_int_equal(e.attempts, 1);
	assert_true(e.retry_quota_exhausted);
	aws_client_destroy(c);
}

static int abort_after_200ms(void *ctx)
{
	return now_s() - *(double *)ctx > 0.2;
}

static void test_abort_hook_cancels(void **state)
{
	struct aws_client *c = client_for(url("slow/5000/a1/"), &good, 10000, 3);
	struct sfn_execution ex;
	struct aws_error e;
	double t0 = now_s();
	(void)state;

	aws_client_set_abort(c, abort_after_200ms, &t0);
	assert_int_equal(sfn_describe_execution(c, EXEC_ARN, &ex, &e), CUTOVER_ECANCELLED);
	assert_int_equal(e.kind, AWS_ERR_CANCELLED);
	/* polled every 50 ms: cancelled before curl's 1 s idle tick */
	assert_true(now_s() - t0 < 0.9);
	aws_client_destroy(c);

	/* a long backoff sleep is cut short too */
	{
		struct aws_client_config cfg;
		struct cutover_err cerr;

		memset(&cfg, 0, sizeof(cfg));
		cfg.region = "eu-west-1";
		cfg.endpoints[AWS_SVC_SFN] = url("throttle/99/a2/");
		cfg.credentials = test_creds_fn;
		cfg.credentials_ctx = &good;
		cfg.backoff_base_ms = 20000;
		cfg.backoff_cap_ms = 20000;
		cfg.jitter_seed = 7;
		assert_int_equal(aws_client_create(&cfg, &c, &cerr), CUTOVER_OK);
		t0 = now_s();
		aws_client_set_abort(c, abort_after_200ms, &t0);
		assert_int_equal(sfn_describe_execution(c, EXEC_ARN, &ex, &e), CUTOVER_ECANCELLED);
		assert_true(now_s() - t0 < 0.9);
		assert_int_equal(e.attempts, 1);
		assert_int_equal(server_number("_count/a2"), 1);
		aws_client_destroy(c);
	}
}

static void test_response_cap(void **state)
{
	struct aws_client_config cfg;
	struct aws_client *c = NULL;
	struct cutover_err cerr;
	struct sfn_execution ex;
	struct aws_error e;
	(void)state;

	memset(&cfg, 0, sizeof(cfg));
	cfg.region = "eu-west-1";
	cfg.endpoints[AWS_SVC_SFN] = url("big/50000/");
	cfg.credentials = test_creds_fn;
	cfg.credentials_ctx = &good;
	cfg.max_response_bytes = 1000;
	assert_int_equal(aws_client_create(&cfg, &c, &cerr), CUTOVER_OK);
	assert_int_equal(sfn_describe_execution(c, EXEC_ARN, &ex, &e), CUTOVER_EPARSE);
	assert_non_null(strstr(e.detail, "1000-byte"));
	/* a service without an endpoint is refused before sending */
	struct sts_identity id;
	assert_int_equal(sts_get_caller_identity(c, &id, &e), CUTOVER_EINVAL);
	aws_client_destroy(c);
}

static void test_connection_reuse(void **state)
{
	struct aws_client *c = client_for(url("ok/reuse/"), &good, 5000, 3);
	struct sfn_execution ex;
	struct ssm_parameter_list pl;
	struct aws_error e;
	const char *names[] = { "/a" };
	long before = server_number("_conns");
	(void)state;

	for (int i = 0; i < 5; i++) {
		assert_int_equal(sfn_describe_execution(c, EXEC_ARN, &ex, &e), CUTOVER_OK);
		sfn_execution_free(&ex);
		/* different services and bodies on the same handle still sign right */
		assert_int_equal(ssm_get_parameters(c, names, 1, 0, &pl, &e), CUTOVER_OK);
		ssm_parameter_list_free(&pl);
	}
	/* server_number itself opens one connection per call */
	assert_int_equal(server_number("_conns") - before, 2);
	assert_int_equal(server_number("_count/reuse"), 10);
	aws_client_destroy(c);
}

static void test_create_validates(void **state)
{
	struct aws_client_config cfg;
	struct aws_client *c = (struct aws_client *)&cfg;
	struct cutover_err err;
	(void)state;

	memset(&cfg, 0, sizeof(cfg));
	cfg.credentials = test_creds_fn;
	assert_int_equal(aws_client_create(&cfg, &c, &err), CUTOVER_EINVAL);
	assert_null(c);
	cfg.region = "eu-west-1";
	cfg.endpoints[AWS_SVC_SSM] = "ftp://x/";
	assert_int_equal(aws_client_create(&cfg, &c, &err), CUTOVER_EINVAL);
	assert_non_null(strstr(err.msg, "SSM"));
	cfg.endpoints[AWS_SVC_SSM] = "http://127.0.0.1:1/a%20b/";
	assert_int_equal(aws_client_create(&cfg, &c, &err), CUTOVER_EINVAL);
	cfg.endpoints[AWS_SVC_SSM] = "http://127.0.0.1:1";
	assert_int_equal(aws_client_create(&cfg, &c, &err), CUTOVER_OK);
	assert_string_equal(aws_client_endpoint_get(c, AWS_SVC_SSM), "http://127.0.0.1:1/");
	assert_null(aws_client_endpoint_get(c, AWS_SVC_SFN));
	aws_client_destroy(c);
	aws_client_destroy(NULL);
}

/* ---- operations: batching, paging, shapes ------------------------------- */

static void test_get_parameters_batches(void **state)
{
	struct aws_client *c = client_for(url("ok/gp/"), &good, 5000, 3);
	struct ssm_parameter_list pl;
	struct aws_error e;
	char names[25][32];
	const char *ptrs[25];
	(void)state;

	for (int i = 0; i < 25; i++) {
		snprintf(names[i], sizeof(names[i]), i % 5 == 0 ? "/missing/%d" : "/app/%d", i);
		ptrs[i] = names[i];
	}
	assert_int_equal(ssm_get_parameters(c, ptrs, 25, 1, &pl, &e), CUTOVER_OK);
	assert_int_equal(server_number("_count/gp"), 3);
	assert_int_equal(pl.count, 20);
	assert_int_equal(pl.invalid_count, 5);
	assert_string_equal(pl.invalid[0], "/missing/0");
	assert_string_equal(pl.items[0].name, "/app/1");
	assert_string_equal(pl.items[0].value, "v/app/1");
	ssm_parameter_list_free(&pl);
	assert_int_equal(ssm_get_parameters(c, ptrs, 0, 1, &pl, &e), CUTOVER_EINVAL);
	aws_client_destroy(c);
}

static void test_paging_with_empty_pages(void **state)
{
	struct aws_client *c = client_for(url("pages/x/"), &good, 5000, 3);
	struct ssm_parameter_list pl;
	struct sfn_history h;
	struct sfn_history_opts o = { 1, 1, 2, 0 };
	struct aws_error e;
	(void)state;

	assert_int_equal(ssm_get_parameters_by_path(c, "/app/", 1, 1, 0, &pl, &e), CUTOVER_OK);
	assert_int_equal(pl.count, 3);
	assert_string_equal(pl.items[2].name, "/app/c");
	assert_int_equal(pl.items[2].version, 3);
	assert_int_equal(server_number("_count/pages/GetParametersByPath"), 4);
	ssm_parameter_list_free(&pl);

	assert_int_equal(sfn_get_execution_history(c, EXEC_ARN, &o, &h, &e), CUTOVER_OK);
	assert_int_equal(h.count, 6);
	assert_false(h.truncated);
	assert_int_equal(h.events[5].id, 6);
	assert_string_equal(h.events[0].type, "TaskScheduled");
	assert_string_equal(h.events[0].resource, "invoke.waitForTaskToken");
	assert_string_equal(h.events[0].parameters, "{\"Payload\":{\"taskToken\":\"TOK1\"}}");
	assert_int_equal(h.events[0].heartbeat_s, 3600);
	assert_non_null(strstr(h.events[0].details_json, "\"region\":\"eu-west-1\""));
	sfn_history_free(&h);

	o.max_events = 3;
	assert_int_equal(sfn_get_execution_history(c, EXEC_ARN, &o, &h, &e), CUTOVER_OK);
	assert_int_equal(h.count, 3);
	assert_true(h.truncated);
	sfn_history_free(&h);
	aws_client_destroy(c);
}

static void test_metric_data_pages_and_split(void **state)
{
	struct aws_client *c = client_for(url("pages/x/"), &good, 5000, 3);
	struct cw_metric_data md;
	struct cw_dimension dim = { "StateMachineArn", "arn:sm" };
	struct cw_query q[2] = {
		{ "m1", "errors", 1, NULL, "AWS/States", "ExecutionsFailed", &dim, 1, 60, "Sum",
		  NULL },
		{ "e1", "rate", 0, "FILL(m1,0)", NULL, NULL, NULL, 0, 0, NULL, NULL },
	};
	struct cw_query *many;
	struct cw_alarm_list al;
	struct aws_error e;
	char (*ids)[16];
	(void)state;

	assert_int_equal(cw_get_metric_data(c, q, 2, 1714564800, 1714568400, &md, &e), CUTOVER_OK);
	assert_int_equal(md.count, 2);
	assert_string_equal(md.results[0].id, "m1");
	assert_string_equal(md.results[0].label, "errors");
	assert_int_equal(md.results[0].count, 3);
	assert_true(md.results[0].values[2] == 3.0);
	assert_true(md.results[0].timestamps[0] == 1714564800.0);
	assert_string_equal(md.results[0].status_code, "Complete");
	assert_int_equal(md.results[1].message_count, 1);
	assert_string_equal(md.results[1].messages[0], "Info: expr");
	assert_int_equal(md.message_count, 1);
	cw_metric_data_free(&md);

	/* a bad id is refused before sending */
	q[1].id = "E1";
	assert_int_equal(cw_get_metric_data(c, q, 2, 1, 2, &md, &e), CUTOVER_EINVAL);
	q[1].id = "e1";

	assert_int_equal(cw_describe_alarms(c, NULL, 0, NULL, 0, &al, &e), CUTOVER_OK);
	assert_int_equal(al.count, 2);
	assert_string_equal(al.items[0].name, "lag");
	assert_false(al.items[0].composite);
	assert_true(al.items[0].threshold == 10.0);
	assert_true(al.items[1].composite);
	assert_string_equal(al.items[1].alarm_rule, "ALARM(lag)");
	cw_alarm_list_free(&al);
	aws_client_destroy(c);

	/* 1200 queries go out as 500 + 500 + 200 */
	c = client_for(url("ok/cwsplit/"), &good, 5000, 3);
	many = calloc(1200, sizeof(*many));
	ids = calloc(1200, sizeof(*ids));
	for (int i = 0; i < 1200; i++) {
		snprintf(ids[i], sizeof(ids[i]), "q%d", i);
		many[i] = q[0];
		many[i].id = ids[i];
		many[i].hide = 0;
	}
	assert_int_equal(cw_get_metric_data(c, many, 1200, 1714564800, 1714568400, &md, &e),
			 CUTOVER_OK);
	assert_int_equal(server_number("_count/cwsplit"), 3);
	assert_int_equal(md.count, 1200);
	assert_string_equal(md.results[1199].id, "q1199");
	cw_metric_data_free(&md);
	free(many);
	free(ids);
	aws_client_destroy(c);
}

static void test_cloudwatch_query_error(void **state)
{
	struct aws_client *c = client_for(url("cwerr/"), &good, 5000, 3);
	struct cw_alarm_list al;
	struct aws_error e;
	(void)state;

	assert_int_equal(cw_describe_alarms(c, NULL, 0, "prod-", 0, &al, &e), CUTOVER_EAWS);
	assert_string_equal(e.code, "InvalidParameterValue");
	assert_string_equal(e.message, "The parameter StartTime is invalid");
	assert_int_equal(e.attempts, 1);
	aws_client_destroy(c);
}

static void test_sts_shapes(void **state)
{
	struct aws_client *c = client_for(url("sts/xml/"), &good, 5000, 3);
	struct sts_identity id;
	struct aws_error e;
	(void)state;

	assert_int_equal(sts_get_caller_identity(c, &id, &e), CUTOVER_OK);
	assert_string_equal(id.account, "123456789012");
	assert_string_equal(id.arn, "arn:aws:sts::123456789012:assumed-role/ops/alice&co");
	assert_string_equal(id.user_id, "AROAEXAMPLE:alice");
	assert_string_equal(id.request_id, "xml-rid-1");
	aws_client_destroy(c);

	c = client_for(url("sts/json/"), &good, 5000, 3);
	assert_int_equal(sts_get_caller_identity(c, &id, &e), CUTOVER_OK);
	assert_string_equal(id.account, "210987654321");
	assert_string_equal(id.request_id, "json-rid-1");
	aws_client_destroy(c);

	c = client_for(url("sts/xmlerror/"), &good, 5000, 3);
	assert_int_equal(sts_get_caller_identity(c, &id, &e), CUTOVER_EAUTH);
	assert_string_equal(e.code, "ExpiredToken");
	assert_int_equal(e.attempts, 1);
	aws_client_destroy(c);
}

static void test_health_check(void **state)
{
	struct aws_client *c = client_for(url("ok/"), &good, 2000, 3);
	struct aws_health h;
	struct aws_error e;
	char base[64];
	(void)state;

	assert_int_equal(aws_health_check(c, url("health"), 100, &h, &e), CUTOVER_OK);
	assert_int_equal(h.http_status, 200);
	assert_string_equal(h.body, "ok");
	assert_true(h.latency_ms >= 15 && h.latency_ms < 2000);
	aws_health_free(&h);
	assert_int_equal(aws_health_check(c, url("status503"), 100, &h, &e), CUTOVER_OK);
	assert_int_equal(h.http_status, 503);
	aws_health_free(&h);
	assert_int_equal(aws_health_check(c, url("bighealth"), 100, &h, &e), CUTOVER_OK);
	assert_int_equal(h.body_len, 100);
	assert_true(h.truncated);
	aws_health_free(&h);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d/health", free_port());
	assert_int_equal(aws_health_check(c, base, 100, &h, &e), CUTOVER_ETRANSPORT);
	assert_int_equal(h.http_status, 0);
	assert_non_null(strstr(e.endpoint, base));
	assert_int_equal(aws_health_check(c, "file:///etc/passwd", 100, &h, &e), CUTOVER_EINVAL);
	aws_client_destroy(c);
}

static void test_argument_checks(void **state)
{
	struct aws_client *c = client_for(url("ok/args/"), &good, 5000, 3);
	struct sfn_start_result sr;
	struct sfn_task_result tr;
	struct ssm_parameter_list pl;
	struct aws_error e;
	char text[512];
	(void)state;

	assert_int_equal(sfn_start_execution(c, "arn:sm", NULL, NULL, &sr, &e), CUTOVER_EINVAL);
	aws_error_render(&e, text, sizeof(text));
	assert_non_null(strstr(text, "name is required"));
	assert_int_equal(sfn_send_task_success(c, "tok", NULL, &tr, &e), CUTOVER_EINVAL);
	assert_int_equal(ssm_get_parameters_by_path(c, "app", 1, 0, 0, &pl, &e), CUTOVER_EINVAL);
	assert_int_equal(server_number("_count/args"), 0);
	assert_int_equal(sfn_start_execution(c, "arn:sm", "run-7", NULL, &sr, &e), CUTOVER_OK);
	assert_string_equal(sr.execution_arn,
			    "arn:aws:states:eu-west-1:123456789012:execution:m:run-7");
	assert_true(sr.start_date == 1714564800.5);
	sfn_start_result_free(&sr);
	aws_client_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_mapping),
		cmocka_unit_test(test_sanitize_and_xml),
		cmocka_unit_test(test_render_texts),
		cmocka_unit_test(test_create_validates),
		cmocka_unit_test(test_signature_verified_by_botocore),
		cmocka_unit_test(test_wrong_secret_is_rejected),
		cmocka_unit_test(test_empty_access_key_sends_nothing),
		cmocka_unit_test(test_throttling_retried_then_succeeds),
		cmocka_unit_test(test_persistent_500_bounded),
		cmocka_unit_test(test_unsafe_calls_not_repeated),
		cmocka_unit_test(test_send_task_already_done),
		cmocka_unit_test(test_timeout_holds),
		cmocka_unit_test(test_dropped_connection),
		cmocka_unit_test(test_connection_refused),
		cmocka_unit_test(test_retry_budget_runs_out),
		cmocka_unit_test(test_abort_hook_cancels),
		cmocka_unit_test(test_response_cap),
		cmocka_unit_test(test_connection_reuse),
		cmocka_unit_test(test_get_parameters_batches),
		cmocka_unit_test(test_paging_with_empty_pages),
		cmocka_unit_test(test_metric_data_pages_and_split),
		cmocka_unit_test(test_cloudwatch_query_error),
		cmocka_unit_test(test_sts_shapes),
		cmocka_unit_test(test_health_check),
		cmocka_unit_test(test_argument_checks),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
