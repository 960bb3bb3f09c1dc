/* test_aws_moto.c: the same client against moto, an AWS emulator nobody
 * here wrote (python3 -m moto.server on a loopback port).  Fixtures that the
 * console never creates (state machines, metric data, alarms) are made with
 * the AWS CLI pointed at moto.  Skipped, with a message, only when
 * `python3 -c 'import moto'` fails.
 *
 * Where moto differs from AWS the test says so instead of asserting AWS's
 * behaviour: it ignores maxResults and reverseOrder in GetExecutionHistory,
 * runs only one execution per process in execute mode, has no
 * waitForTaskToken (so SendTask* is checked on its error path only), does
 * not evaluate metric math expressions, and cannot store composite alarms
 * over JSON (PutCompositeAlarm answers 500). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "aws_test_util.h"
#include "cutover/aws_cloudwatch.h"
#include "cutover/aws_sfn.h"
#include "cutover/aws_ssm.h"
#include "cutover/aws_sts.h"

static int have_moto;
static pid_t moto_pid = -1;
static char base[64];
static char list_sm[256];
static struct test_creds creds = { "testing", "testing", NULL, 0 };
static char suffix[32];

/* Run an AWS CLI command against moto; its stdout (trimmed) into out. */
static int cli(char *out, size_t n, const char *fmt, ...) CUTOVER_PRINTF(3, 4);
static int cli(char *out, size_t n, const char *fmt, ...)
{
	char cmd[4096], args[3800];
	size_t len = 0;
	va_list ap;
	FILE *p;
	int rc;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "aws --endpoint-url %s %s", base, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (out && n) {
		len = fread(out, 1, n - 1, p);
		out[len] = '\0';
		while (len && (out[len - 1] == '\n' || out[len - 1] == ' '))
			out[--len] = '\0';
	} else {
		char sink[512];
		while (fread(sink, 1, sizeof(sink), p) > 0)
			;
	}
	rc = pclose(p);
	if (rc != 0)
		fprintf(stderr, "aws CLI failed (%d): %s\n", rc, cmd);
	return rc;
}

static struct aws_client *moto_client(void)
{
	struct aws_client_config cfg;
	struct aws_client *c = NULL;
	struct cutover_err err;

	memset(&cfg, 0, sizeof(cfg));
	cfg.region = "us-east-1";
	for (int i = 0; i < AWS_SVC_COUNT; i++)
		cfg.endpoints[i] = base;
	cfg.credentials = test_creds_fn;
	cfg.credentials_ctx = &creds;
	cfg.timeout_ms = 20000;
	cfg.backoff_base_ms = 20;
	if (aws_client_create(&cfg, &c, &err) != CUTOVER_OK)
		fail_msg("aws_client_create: %s", err.msg);
	return c;
}

static int group_setup(void **state)
{
	char port_s[16], url[128];
	char *argv[] = { "python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", port_s, NULL };
	struct aws_client *c;
	struct cutover_err err;
	double t0;

	(void)state;
	if (aws_global_init(&err) != CUTOVER_OK)
		return -1;
	if (system("python3 -c 'import moto' >/dev/null 2>&1") != 0) {
		fprintf(stderr, "moto not installed (python3 -c 'import moto' failed): skipping the "
			"moto tests; pip install 'moto[server]' to run them\n");
		return 0;
	}
	have_moto = 1;
	snprintf(port_s, sizeof(port_s), "%d", free_port());
	snprintf(base, sizeof(base), "http://127.0.0.1:%s", port_s);
	snprintf(suffix, sizeof(suffix), "%ld", (long)getpid());
	moto_pid = spawn(argv, 0, NULL, NULL);
	if (moto_pid <= 0)
		return -1;
	/* wait (generously, a loaded machine starts Python slowly) for it */
	c = moto_client();
	snprintf(url, sizeof(url), "%s/moto-api/", base);
	for (t0 = now_s(); now_s() - t0 < 60;) {
		struct aws_health h;
		struct aws_error e;
		enum cutover_status st = aws_health_check(c, url, 64, &h, &e);
		long code = h.http_status;

		aws_health_free(&h);
		if (st == CUTOVER_OK && code == 200)
			break;
		usleep(100000);
	}
	aws_client_destroy(c);
	setenv("AWS_ACCESS_KEY_ID", "testing", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "testing", 1);
	setenv("AWS_DEFAULT_REGION", "us-east-1", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent/cutover-test", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/cutover-test", 1);
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_SESSION_TOKEN");
	if (cli(list_sm, sizeof(list_sm), "stepfunctions create-state-machine --name list-sm "
		"--definition '{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":"
		"true}}}' --role-arn arn:aws:iam::123456789012:role/sfn --query stateMachineArn "
		"--output text") != 0)
		return -1;
	if (cli(NULL, 0, "cloudwatch put-metric-data --namespace Cutover/Test --metric-data "
		"'[{\"MetricName\":\"Errors\",\"Value\":3,\"Unit\":\"Count\"},"
		"{\"MetricName\":\"Errors\",\"Value\":4,\"Unit\":\"Count\"}]'") != 0)
		return -1;
	if (cli(NULL, 0, "cloudwatch put-metric-alarm --alarm-name cutover-errors --metric-name "
		"Errors --namespace Cutover/Test --statistic Sum --period 60 --evaluation-periods 1 "
		"--threshold 5 --comparison-operator GreaterThanThreshold") != 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	stop_child(moto_pid);
	aws_global_cleanup();
	return 0;
}

/* Assert CUTOVER_OK, showing the rendered error otherwise. */
#define OK(call) do { \
		enum cutover_status st_ = (call); \
		if (st_ != CUTOVER_OK) { \
			char t_[1024]; \
			aws_error_render(&e, t_, sizeof(t_)); \
			fail_msg("%s -> %s: %s", #call, cutover_status_str(st_), t_); \
		} \
	} while (0)

#define NEED_MOTO() do { if (!have_moto) skip(); } while (0)

static void wait_for_status(struct aws_client *c, const char *arn, const char *want)
{
	struct sfn_execution ex;
	struct aws_error e;
	double t0 = now_s();

	for (;;) {
		assert_int_equal(sfn_describe_execution(c, arn, &ex, &e), CUTOVER_OK);
		if (strcmp(ex.status, want) == 0) {
			sfn_execution_free(&ex);
			return;
		}
		sfn_execution_free(&ex);
		if (now_s() - t0 > 20)
			fail_msg("%s never reached %s", arn, want);
		usleep(50000);
	}
}

static void test_moto_step_functions(void **state)
{
	struct aws_client *c;
	struct sfn_state_machine sm;
	struct sfn_start_result sr[3], again;
	struct sfn_execution ex;
	struct sfn_execution_list list;
	struct sfn_history h;
	struct sfn_history_opts o = { 0, 1, 0, 0 };
	struct sfn_stop_result stop;
	struct aws_error e;
	char name[64];
	(void)state;

	NEED_MOTO();
	/* moto's default mode: executions stay RUNNING until stopped */
	c = moto_client();
	OK(sfn_describe_state_machine(c, list_sm, &sm, &e));
	assert_string_equal(sm.name, "list-sm");
	assert_string_equal(sm.type, "STANDARD");
	assert_string_equal(sm.status, "ACTIVE");
	assert_non_null(strstr(sm.definition, "\"Pass\""));
	assert_true(sm.creation_date > 1.5e9);
	sfn_state_machine_free(&sm);

	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "run-%d-%s", i, suffix);
		OK(sfn_start_execution(c, list_sm, name, "{\"k\":\"v\"}", &sr[i], &e));
		assert_non_null(strstr(sr[i].execution_arn, name));
		assert_true(sr[i].start_date > 1.5e9);
		assert_true(sr[i].meta.request_id[0] != '\0');
	}
	/* like AWS: the same name and input while it runs is the same execution */
	OK(sfn_start_execution(c, list_sm, name, "{\"k\":\"v\"}", &again, &e));
	assert_string_equal(again.execution_arn, sr[2].execution_arn);
	sfn_start_result_free(&again);

	OK(sfn_describe_execution(c, sr[0].execution_arn, &ex, &e));
	assert_string_equal(ex.status, "RUNNING");
	assert_string_equal(ex.input, "{\"k\":\"v\"}");
	assert_string_equal(ex.state_machine_arn, list_sm);
	sfn_execution_free(&ex);

	OK(sfn_list_executions(c, list_sm, "RUNNING", 0, &list, &e));
	assert_int_equal(list.count, 3);
	assert_false(list.truncated);
	assert_string_equal(list.items[0].status, "RUNNING");
	sfn_execution_list_free(&list);
	OK(sfn_list_executions(c, list_sm, NULL, 2, &list, &e));
	assert_int_equal(list.count, 2);
	assert_true(list.truncated);
	sfn_execution_list_free(&list);

	OK(sfn_stop_execution(c, sr[0].execution_arn, "Operator.Abort", "test", &stop, &e));
	assert_true(stop.stop_date > 1.5e9);
	assert_int_equal(stop.meta.attempts, 1);
	OK(sfn_describe_execution(c, sr[0].execution_arn, &ex, &e));
	assert_string_equal(ex.status, "ABORTED");
	assert_true(ex.stop_date > 1.5e9);
	sfn_execution_free(&ex);
	OK(sfn_list_executions(c, list_sm, "ABORTED", 0, &list, &e));
	assert_int_equal(list.count, 1);
	sfn_execution_list_free(&list);

	/* moto's default mode answers a canned history */
	OK(sfn_get_execution_history(c, sr[1].execution_arn, &o, &h, &e));
	assert_true(h.count >= 2);
	assert_string_equal(h.events[0].type, "ExecutionStarted");
	assert_true(h.events[0].timestamp > 1.5e9);
	sfn_history_free(&h);
	for (int i = 0; i < 3; i++)
		sfn_start_result_free(&sr[i]);

	/* errors come back with code, message and request id */
	assert_int_equal(sfn_describe_execution(c, "arn:aws:states:us-east-1:123456789012:"
						"execution:list-sm:nope", &ex, &e), CUTOVER_EAWS);
	assert_string_equal(e.code, "ExecutionDoesNotExist");
	assert_non_null(strstr(e.message, "nope"));
	assert_true(e.request_id[0] != '\0');
	assert_int_equal(e.attempts, 1);
	aws_client_destroy(c);
}

static void test_moto_executions_run(void **state)
{
	struct aws_client *c;
	struct sfn_start_result sr, again;
	struct sfn_execution ex;
	struct sfn_history h;
	struct sfn_history_opts o = { 1, 1, 0, 0 };
	struct aws_error e;
	char cmd[512], pass_sm[256], name[64];
	(void)state;

	NEED_MOTO();
	/* make executions really run; moto keeps this machine in a second
	 * backend, so it is created after the switch */
	snprintf(cmd, sizeof(cmd), "curl -sf -X POST -d '{\"stepfunctions\":{\"execute_state_machine"
		 "\":true}}' %s/moto-api/config >/dev/null", base);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(cli(pass_sm, sizeof(pass_sm), "stepfunctions create-state-machine --name "
			     "pass-sm --definition '{\"StartAt\":\"P\",\"States\":{\"P\":"
			     "{\"Type\":\"Pass\",\"Result\":{\"x\":1},\"End\":true}}}' "
			     "--role-arn arn:aws:iam::123456789012:role/sfn --query "
			     "stateMachineArn --output text"), 0);
	c = moto_client();
	snprintf(name, sizeof(name), "real-%s", suffix);
	/* moto 5.2 fails (HTTP 500) every StartExecution after the first one in
	 * this mode, so there is exactly one */
	OK(sfn_start_execution(c, pass_sm, name, "{\"k\":\"v\"}", &sr, &e));
	wait_for_status(c, sr.execution_arn, "SUCCEEDED");
	OK(sfn_describe_execution(c, sr.execution_arn, &ex, &e));
	assert_non_null(strstr(ex.output, "\"x\""));
	assert_true(ex.stop_date >= ex.start_date);
	sfn_execution_free(&ex);
	OK(sfn_get_execution_history(c, sr.execution_arn, &o, &h, &e));
	assert_true(h.count >= 4);
	assert_string_equal(h.events[0].type, "ExecutionStarted");  /* moto ignores reverseOrder */
	assert_string_equal(h.events[h.count - 1].type, "ExecutionSucceeded");
	assert_string_equal(h.events[1].state_name, "P");
	assert_non_null(strstr(h.events[h.count - 1].output, "\"x\""));
	sfn_history_free(&h);
	o.max_events = 2;
	OK(sfn_get_execution_history(c, sr.execution_arn, &o, &h, &e));
	assert_int_equal(h.count, 2);
	assert_true(h.truncated);
	sfn_history_free(&h);
	/* like AWS: a repeat after the execution closed is ExecutionAlreadyExists */
	assert_int_equal(sfn_start_execution(c, pass_sm, name, "{\"k\":\"v\"}", &again, &e),
			 CUTOVER_EAWS);
	assert_string_equal(e.code, "ExecutionAlreadyExists");
	assert_int_equal(e.attempts, 1);
	sfn_start_result_free(&sr);
	aws_client_destroy(c);
}

static void test_moto_send_task(void **state)
{
	struct aws_client *c;
	struct sfn_task_result r;
	struct aws_error e;
	char text[1024];
	(void)state;

	NEED_MOTO();
	c = moto_client();
	/* moto has no waitForTaskToken: only the error path is checked here */
	assert_int_equal(sfn_send_task_success(c, "bogus-token", "{}", &r, &e), CUTOVER_EAWS);
	assert_int_equal(e.kind, AWS_ERR_AWS);
	assert_string_equal(e.code, "InvalidToken");
	assert_int_equal(e.attempts, 1);   /* a first-attempt InvalidToken is a real error */
	aws_error_render(&e, text, sizeof(text));
	assert_non_null(strstr(text, "SendTaskSuccess"));
	assert_non_null(strstr(text, "task token is no longer valid"));
	assert_int_equal(sfn_send_task_failure(c, "bogus-token", "Rejected", "test", &r, &e),
			 CUTOVER_EAWS);
	assert_string_equal(e.code, "InvalidToken");
	aws_client_destroy(c);
}

static void test_moto_ssm(void **state)
{
	struct aws_client *c;
	struct ssm_parameter_list pl;
	struct ssm_put_result put;
	struct aws_error e;
	char names[28][64], value[64];
	const char *ptrs[28];
	(void)state;

	NEED_MOTO();
	c = moto_client();
	for (int i = 0; i < 25; i++) {
		struct ssm_put_input in = { names[i], value, NULL, NULL, 0 };

		snprintf(names[i], sizeof(names[i]), "/cutover/%s/flags/p%02d", suffix, i);
		snprintf(value, sizeof(value), "v%d", i);
		ptrs[i] = names[i];
		assert_int_equal(ssm_put_parameter(c, &in, &put, &e), CUTOVER_OK);
		assert_int_equal(put.version, 1);
	}
	for (int i = 25; i < 28; i++) {
		snprintf(names[i], sizeof(names[i]), "/cutover/%s/missing%d", suffix, i);
		ptrs[i] = names[i];
	}
	{
		struct ssm_put_input again = { names[0], "on", NULL, NULL, 0 };
		struct ssm_put_input over = { names[0], "on", "String", "flipped", 1 };

		assert_int_equal(ssm_put_parameter(c, &again, &put, &e), CUTOVER_EAWS);
		assert_string_equal(e.code, "ParameterAlreadyExists");
		assert_int_equal(e.attempts, 1);
		assert_int_equal(ssm_put_parameter(c, &over, &put, &e), CUTOVER_OK);
		assert_int_equal(put.version, 2);
	}

	snprintf(value, sizeof(value), "/cutover/%s/", suffix);
	assert_int_equal(ssm_get_parameters_by_path(c, value, 1, 1, 0, &pl, &e), CUTOVER_OK);
	assert_int_equal(pl.count, 25);   /* three pages of at most 10 */
	ssm_parameter_list_free(&pl);
	assert_int_equal(ssm_get_parameters_by_path(c, value, 0, 1, 0, &pl, &e), CUTOVER_OK);
	assert_int_equal(pl.count, 0);    /* not recursive: nothing directly under it */
	ssm_parameter_list_free(&pl);
	assert_int_equal(ssm_get_parameters_by_path(c, value, 1, 1, 12, &pl, &e), CUTOVER_OK);
	assert_int_equal(pl.count, 12);
	assert_true(pl.truncated);
	ssm_parameter_list_free(&pl);

	assert_int_equal(ssm_get_parameters(c, ptrs, 28, 1, &pl, &e), CUTOVER_OK);
	assert_int_equal(pl.count, 25);
	assert_int_equal(pl.invalid_count, 3);
	for (size_t i = 0; i < pl.count; i++)
		if (strcmp(pl.items[i].name, names[0]) == 0) {
			assert_string_equal(pl.items[i].value, "on");
			assert_int_equal(pl.items[i].version, 2);
			assert_true(pl.items[i].last_modified_date > 1.5e9);
		}
	ssm_parameter_list_free(&pl);

	assert_int_equal(ssm_get_parameter_history(c, names[0], 0, 0, &pl, &e), CUTOVER_OK);
	assert_int_equal(pl.count, 2);
	assert_int_equal(pl.items[0].version, 1);
	assert_int_equal(pl.items[1].version, 2);
	assert_string_equal(pl.items[1].value, "on");
	assert_string_equal(pl.items[1].description, "flipped");
	assert_non_null(pl.items[1].last_modified_user);   /* moto says "N/A" */
	ssm_parameter_list_free(&pl);

	assert_int_equal(ssm_get_parameter_history(c, names[26], 0, 0, &pl, &e), CUTOVER_EAWS);
	assert_string_equal(e.code, "ParameterNotFound");
	aws_client_destroy(c);
}

static void test_moto_cloudwatch(void **state)
{
	struct aws_client *c;
	struct cw_metric_data md;
	struct cw_alarm_list al;
	struct aws_error e;
	struct cw_query q[2] = {
		{ "m1", "errors", 0, NULL, "Cutover/Test", "Errors", NULL, 0, 60, "Sum", NULL },
		{ "e1", "double", 0, "m1*2", NULL, NULL, NULL, 0, 0, NULL, NULL },
	};
	const char *names[] = { "cutover-errors", "no-such-alarm" };
	double now = (double)time(NULL);
	(void)state;

	NEED_MOTO();
	c = moto_client();
	assert_int_equal(cw_get_metric_data(c, q, 2, now - 3600, now + 600, &md, &e), CUTOVER_OK);
	assert_int_equal(md.count, 2);
	assert_string_equal(md.results[0].id, "m1");
	assert_string_equal(md.results[0].label, "errors");
	assert_true(md.results[0].count >= 1);
	{
		double sum = 0;
		for (size_t i = 0; i < md.results[0].count; i++) {
			sum += md.results[0].values[i];
			assert_true(md.results[0].timestamps[i] > now - 7200);
		}
		assert_true(sum == 7.0);
	}
	/* moto returns expression results empty; the query still round-trips */
	assert_string_equal(md.results[1].id, "e1");
	assert_string_equal(md.results[1].label, "double");
	cw_metric_data_free(&md);

	assert_int_equal(cw_describe_alarms(c, names, 2, NULL, 0, &al, &e), CUTOVER_OK);
	assert_int_equal(al.count, 1);
	assert_string_equal(al.items[0].name, "cutover-errors");
	assert_string_equal(al.items[0].metric_name, "Errors");
	assert_true(al.items[0].threshold == 5.0);
	assert_false(al.items[0].composite);
	assert_non_null(al.items[0].state_value);
	cw_alarm_list_free(&al);
	assert_int_equal(cw_describe_alarms(c, NULL, 0, "cutover-", 0, &al, &e), CUTOVER_OK);
	assert_int_equal(al.count, 1);
	cw_alarm_list_free(&al);
	aws_client_destroy(c);
}

static void test_moto_sts(void **state)
{
	struct aws_client *c;
	struct sts_identity id;
	struct aws_error e;
	(void)state;

	NEED_MOTO();
	c = moto_client();
	/* moto answers XML even when asked for JSON: the fallback path */
	assert_int_equal(sts_get_caller_identity(c, &id, &e), CUTOVER_OK);
	assert_string_equal(id.account, "123456789012");
	assert_non_null(strstr(id.arn, "arn:aws:"));
	assert_true(id.user_id[0] != '\0');
	assert_true(id.request_id[0] != '\0');
	aws_client_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moto_step_functions),
		cmocka_unit_test(test_moto_executions_run),
		cmocka_unit_test(test_moto_send_task),
		cmocka_unit_test(test_moto_ssm),
		cmocka_unit_test(test_moto_cloudwatch),
		cmocka_unit_test(test_moto_sts),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
