/* test_sim_sfn.c: the sim's Step Functions model, driven directly with
 * request bodies and chosen `now` values.
 *
 * Every reply is also written to $SIM_SFN_SAMPLES (default
 * BUILDDIR/sim_sfn_samples) as OP--STATUS--N.json, so that
 * tests/integration/sim_sfn_botocore.sh can parse each one with botocore's
 * own stepfunctions model. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "cutover/status.h"
#include "sim/sim_service.h"
#include "sim/sim_sfn.h"

#define T0 1763740800.0   /* 2025-11-21T16:00:00Z */
#define ARN_SM "arn:aws:states:eu-west-1:123456789012:stateMachine:"
#define ARN_EX "arn:aws:states:eu-west-1:123456789012:execution:"
#define NS "com.amazonaws.swf.service.v2.model#"

static const char scenario[] =
	"{\"name\":\"t\",\"region\":\"eu-west-1\",\n"
	" \"state_machines\":[\n"
	"  {\"name\":\"cutover-main\",\"states\":[\n"
	"    {\"name\":\"Validate\",\"type\":\"Task\",\"duration_s\":10},\n"
	"    {\"name\":\"Pause\",\"type\":\"Wait\",\"duration_s\":5},\n"
	"    {\"name\":\"ApproveCutover\",\"type\":\"Approval\",\"timeout_s\":600},\n"
	"    {\"name\":\"Switch\",\"type\":\"Task\",\"duration_s\":20}]},\n"
	"  {\"name\":\"rollback\",\"description\":\"undo\",\"states\":[\n"
	"    {\"name\":\"Revert\",\"duration_s\":30},{\"name\":\"Mark\",\"type\":\"Pass\"}],\n"
	"   \"sets_parameter\":{\"name\":\"/app/rollback\",\"value\":\"true\"}},\n"
	"  {\"name\":\"failing\",\"states\":[\n"
	"    {\"name\":\"Load\",\"duration_s\":10,\"fail\":{\"error\":\"DMS.Failed\",\"cause\":\"table mapping\"}}]},\n"
	"  {\"name\":\"jobs\",\"states\":[{\"name\":\"Validate\",\"duration_s\":60},\n"
	"    {\"name\":\"Process\",\"duration_s\":600},{\"name\":\"Complete\",\"duration_s\":30}]}],\n"
	" \"executions\":[\n"
	"  {\"state_machine\":\"cutover-main\",\"name\":\"run-1\",\"input\":{\"wave\":1}},\n"
	"  {\"state_machine\":\"failing\",\"name\":\"f-1\",\"start_at_s\":100},\n"
	"  {\"state_machine\":\"jobs\",\"name\":\"MIGRATION-1\",\"status\":\"SUCCEEDED\",\"start_at_s\":-3600,\n"
	"   \"stop_at_s\":-1800,\"input\":{\"job_type\":\"MIGRATION\"},\n"
	"   \"counts\":{\"processed_records\":1200,\"success_records\":1190,\"failed_records\":10}},\n"
	"  {\"state_machine\":\"jobs\",\"name\":\"AUDIT-1\",\"status\":\"RUNNING\",\"start_at_s\":-600,\n"
	"   \"counts\":{\"processed_records\":900}},\n"
	"  {\"state_machine\":\"jobs\",\"name\":\"EXPORT-1\",\"status\":\"FAILED\",\"start_at_s\":-7200,\n"
	"   \"stop_at_s\":-7000,\"error\":\"S3.AccessDenied\",\"cause\":\"bucket policy\"},\n"
	"  {\"state_machine\":\"jobs\",\"name\":\"BULK-1\",\"status\":\"ABORTED\",\"start_at_s\":-900,\n"
	"   \"stop_at_s\":-300,\"error\":\"Operator.Cancel\",\"cause\":\"cancelled from the portal\"}]}";

/* ------------------------------------------------------------------ */
/* harness */

struct hook_log {
	int calls;
	char name[128];
	char value[128];
	double t;
};

static void hook_set(void *ctx, const char *name, const char *value, double now)
{
	struct hook_log *h = ctx;

	h->calls++;
	snprintf(h->name, sizeof(h->name), "%s", name);
	snprintf(h->value, sizeof(h->value), "%s", value);
	h->t = now;
}

static struct hook_log hooks_seen;

static struct sim_sfn *make(const char *text, uint64_t seed)
{
	cJSON *root = cJSON_Parse(text);
	struct sim_hooks hooks = { &hooks_seen, hook_set, NULL };
	struct cutover_err err;
	struct sim_sfn *s = NULL;

	assert_non_null(root);
	memset(&hooks_seen, 0, sizeof(hooks_seen));
	cutover_err_clear(&err);
	if (sim_sfn_create(root, seed, T0, &hooks, &s, &err) != CUTOVER_OK)
		fail_msg("sim_sfn_create: %s", err.msg);
	cJSON_Delete(root);
	assert_non_null(s);
	return s;
}

static int sample_no;

static void save_sample(const char *op, const struct sim_reply *r)
{
	const char *dir = getenv("SIM_SFN_SAMPLES");
	char path[1024];
	FILE *f;

	if (!dir || !*dir)
		dir = BUILDDIR "/sim_sfn_samples";
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return;
	snprintf(path, sizeof(path), "%s/%s--%d--%04d.json", dir, op, r->http_status, ++sample_no);
	/* one botocore-checkable reply per file */
	f = fopen(path, "w");
	if (!f)
		return;
	if (r->body)
		fwrite(r->body, 1, r->body_len, f);
	fclose(f);
}

/* Call op; return the parsed reply (caller deletes) and its HTTP status.
 * raw, when given, receives a copy of the body text. */
static cJSON *call_raw(struct sim_sfn *s, const char *op, const char *body, double now, int *status,
		       char **raw)
{
	struct sim_reply r;
	cJSON *j;

	memset(&r, 0, sizeof(r));
	sim_sfn_handle(s, op, body, strlen(body), now, &r);
	assert_non_null(r.body);
	assert_string_equal(r.content_type, "application/x-amz-json-1.0");
	save_sample(op, &r);
	j = cJSON_ParseWithLength(r.body, r.body_len);
	assert_non_null(j);
	if (status)
		*status = r.http_status;
	if (raw)
		*raw = strdup(r.body);
	free(r.body);
	return j;
}

static cJSON *call(struct sim_sfn *s, const char *op, const char *body, double now, int *status)
{
	return call_raw(s, op, body, now, status, NULL);
}

static cJSON *call_ok(struct sim_sfn *s, const char *op, const char *body, double now)
{
	int st = 0;
	cJSON *j = call(s, op, body, now, &st);

	if (st != 200) {
		char *t = cJSON_PrintUnformatted(j);

		fail_msg("%s %s -> %d %s", op, body, st, t);
	}
	return j;
}

/* Expect an error reply with this __type (short name, SFN namespace
 * unless it has a '#') and a message containing msg. */
static void expect_error(struct sim_sfn *s, const char *op, const char *body, double now,
			 const char *type, const char *msg)
{
	int st = 0;
	cJSON *j = call(s, op, body, now, &st);
	const char *got = cJSON_GetStringValue(cJSON_GetObjectItem(j, "__type"));
	const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(j, "message"));
	char want[256];

	if (strchr(type, '#'))
		snprintf(want, sizeof(want), "%s", type);
	else
		snprintf(want, sizeof(want), NS "%s", type);
	assert_int_equal(st, 400);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_non_null(m);
	if (!strstr(m, msg))
		fail_msg("message '%s' lacks '%s'", m, msg);
	cJSON_Delete(j);
}

static const char *str(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	assert_true(cJSON_IsNumber(v));
	return v->valuedouble;
}

static char *body1(const char *key, const char *val)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "{\"%s\":\"%s\"}", key, val);
	return buf;
}

/* The whole history, forward, checked for the invariants AWS keeps: ids
 * 1..n, previousEventId chaining, time never going back nor past now. */
static cJSON *history(struct sim_sfn *s, const char *exec, double now)
{
	char body[512];
	cJSON *j, *events, *ev;
	double last = 0;
	int id = 0;

	snprintf(body, sizeof(body), "{\"executionArn\":\"" ARN_EX "%s\",\"maxResults\":1000}", exec);
	j = call_ok(s, "GetExecutionHistory", body, now);
	assert_null(cJSON_GetObjectItem(j, "nextToken"));
	events = cJSON_DetachItemFromObject(j, "events");
	cJSON_Delete(j);
	cJSON_ArrayForEach(ev, events) {
		id++;
		assert_int_equal((int)num(ev, "id"), id);
		assert_int_equal((int)num(ev, "previousEventId"), id - 1);
		assert_true(num(ev, "timestamp") >= last);
		assert_true(num(ev, "timestamp") <= now);
		last = num(ev, "timestamp");
	}
	return events;
}

/* "TypeA,TypeB,..." of a history */
static char *types(const cJSON *events)
{
	static char buf[4096];
	const cJSON *ev;

	buf[0] = '\0';
	cJSON_ArrayForEach(ev, events) {
		size_t n = strlen(buf);

		snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? "," : "", str(ev, "type"));
	}
	return buf;
}

static const cJSON *last_event(const cJSON *events)
{
	return cJSON_GetArrayItem(events, cJSON_GetArraySize(events) - 1);
}

static const cJSON *details(const cJSON *ev, const char *key)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(ev, key);

	assert_true(cJSON_IsObject(d));
	return d;
}

static char *describe_status(struct sim_sfn *s, const char *exec, double now)
{
	static char buf[32];
	char body[512];
	cJSON *j;

	snprintf(body, sizeof(body), "{\"executionArn\":\"" ARN_EX "%s\"}", exec);
	j = call_ok(s, "DescribeExecution", body, now);
	snprintf(buf, sizeof(buf), "%s", str(j, "status"));
	cJSON_Delete(j);
	return buf;
}

/* The task token of the approval run-1 waits in (found the way a console
 * finds it: in TaskScheduled's parameters, at Payload.taskToken). */
static char *approval_token(struct sim_sfn *s, double now)
{
	static char tok[4096];
	cJSON *events = history(s, "cutover-main:run-1", now);
	const cJSON *ev;

	tok[0] = '\0';
	cJSON_ArrayForEach(ev, events) {
		const cJSON *d;
		cJSON *p;

		if (strcmp(str(ev, "type"), "TaskScheduled") != 0)
			continue;
		d = details(ev, "taskScheduledEventDetails");
		if (strcmp(str(d, "resource"), "invoke.waitForTaskToken") != 0)
			continue;
		p = cJSON_Parse(str(d, "parameters"));
		assert_non_null(p);
		snprintf(tok, sizeof(tok), "%s",
			 str(cJSON_GetObjectItem(p, "Payload"), "taskToken"));
		cJSON_Delete(p);
	}
	cJSON_Delete(events);
	assert_true(strlen(tok) >= 100);
	return tok;
}

static void send_success(struct sim_sfn *s, const char *tok, const char *output, double now)
{
	char *body = malloc(strlen(tok) + strlen(output) + 64);
	cJSON *j, *o = cJSON_CreateObject();
	char *b;

	cJSON_AddStringToObject(o, "taskToken", tok);
	cJSON_AddStringToObject(o, "output", output);
	b = cJSON_PrintUnformatted(o);
	j = call_ok(s, "SendTaskSuccess", b, now);
	assert_int_equal(cJSON_GetArraySize(j), 0);
	cJSON_Delete(j);
	cJSON_Delete(o);
	free(b);
	free(body);
}

static char *token_body(const char *tok, const char *extra)
{
	static char buf[8192];

	snprintf(buf, sizeof(buf), "{\"taskToken\":\"%s\"%s}", tok, extra);
	return buf;
}

/* ------------------------------------------------------------------ */
/* tests */

static void test_history_over_time(void **state)
{
	struct sim_sfn *s = make(scenario, 42);
	cJSON *ev, *p;
	const cJSON *d;
	(void)state;

	/* a scenario execution exists from its start time on */
	expect_error(s, "DescribeExecution", body1("executionArn", ARN_EX "failing:f-1"), T0 + 1,
		     "ExecutionDoesNotExist", "Execution Does Not Exist: '" ARN_EX "failing:f-1'");

	ev = history(s, "cutover-main:run-1", T0 + 0.5);
	assert_string_equal(types(ev), "ExecutionStarted,TaskStateEntered,TaskScheduled,TaskStarted");
	d = details(cJSON_GetArrayItem(ev, 0), "executionStartedEventDetails");
	assert_string_equal(str(d, "input"), "{\"wave\":1}");
	assert_string_equal(str(d, "roleArn"),
			    "arn:aws:iam::123456789012:role/service-role/StepFunctions-cutover-main-role");
	assert_true(num(cJSON_GetArrayItem(ev, 0), "timestamp") == T0);
	d = details(cJSON_GetArrayItem(ev, 1), "stateEnteredEventDetails");
	assert_string_equal(str(d, "name"), "Validate");
	assert_string_equal(str(d, "input"), "{\"wave\":1}");
	d = details(cJSON_GetArrayItem(ev, 2), "taskScheduledEventDetails");
	assert_string_equal(str(d, "resourceType"), "lambda");
	assert_string_equal(str(d, "resource"), "invoke");
	assert_string_equal(str(d, "region"), "eu-west-1");
	p = cJSON_Parse(str(d, "parameters"));
	assert_string_equal(str(p, "FunctionName"),
			    "arn:aws:lambda:eu-west-1:123456789012:function:cutover-main-Validate");
	assert_int_equal((int)num(cJSON_GetObjectItem(p, "Payload"), "wave"), 1);
	cJSON_Delete(p);
	cJSON_Delete(ev);
	assert_string_equal(describe_status(s, "cutover-main:run-1", T0 + 0.5), "RUNNING");

	/* lazily, later: the task finished and the Wait state is running */
	ev = history(s, "cutover-main:run-1", T0 + 12);
	assert_string_equal(types(ev), "ExecutionStarted,TaskStateEntered,TaskScheduled,TaskStarted,"
			    "TaskSucceeded,TaskStateExited,WaitStateEntered");
	assert_true(num(cJSON_GetArrayItem(ev, 4), "timestamp") >= T0 + 10);
	cJSON_Delete(ev);

	/* then the approval waits with its token */
	ev = history(s, "cutover-main:run-1", T0 + 20);
	assert_string_equal(types(ev), "ExecutionStarted,TaskStateEntered,TaskScheduled,TaskStarted,"
			    "TaskSucceeded,TaskStateExited,WaitStateEntered,WaitStateExited,"
			    "TaskStateEntered,TaskScheduled,TaskStarted");
	d = details(cJSON_GetArrayItem(ev, 9), "taskScheduledEventDetails");
	assert_string_equal(str(d, "resource"), "invoke.waitForTaskToken");
	assert_int_equal((int)num(d, "timeoutInSeconds"), 600);
	p = cJSON_Parse(str(d, "parameters"));
	assert_true(strlen(str(cJSON_GetObjectItem(p, "Payload"), "taskToken")) >= 200);
	assert_int_equal((int)num(cJSON_GetObjectItem(cJSON_GetObjectItem(p, "Payload"), "input"), "wave"), 1);
	cJSON_Delete(p);
	cJSON_Delete(ev);

	/* nothing happens while it waits */
	ev = history(s, "cutover-main:run-1", T0 + 500);
	assert_int_equal(cJSON_GetArraySize(ev), 11);
	cJSON_Delete(ev);
	assert_string_equal(describe_status(s, "cutover-main:run-1", T0 + 500), "RUNNING");

	/* a time earlier than one already seen does not undo anything */
	ev = call_ok(s, "GetExecutionHistory", body1("executionArn", ARN_EX "cutover-main:run-1"), T0 + 1);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(ev, "events")), 11);
	cJSON_Delete(ev);
	sim_sfn_destroy(s);
}

static void test_approval_success(void **state)
{
	struct sim_sfn *s = make(scenario, 42);
	char tok[4096];
	cJSON *ev, *j;
	const cJSON *d;
	(void)state;

	snprintf(tok, sizeof(tok), "%s", approval_token(s, T0 + 20));
	send_success(s, tok, "{\"approved\":true,\"by\":\"alice\"}", T0 + 30);
	ev = history(s, "cutover-main:run-1", T0 + 30.5);
	assert_string_equal(types(ev), "ExecutionStarted,TaskStateEntered,TaskScheduled,TaskStarted,"
			    "TaskSucceeded,TaskStateExited,WaitStateEntered,WaitStateExited,"
			    "TaskStateEntered,TaskScheduled,TaskStarted,TaskSucceeded,TaskStateExited,"
			    "TaskStateEntered,TaskScheduled,TaskStarted");
	d = details(cJSON_GetArrayItem(ev, 11), "taskSucceededEventDetails");
	assert_string_equal(str(d, "output"), "{\"approved\":true,\"by\":\"alice\"}");
	assert_true(num(cJSON_GetArrayItem(ev, 11), "timestamp") == T0 + 30);
	d = details(cJSON_GetArrayItem(ev, 13), "stateEnteredEventDetails");
	assert_string_equal(str(d, "name"), "Switch");
	assert_string_equal(str(d, "input"), "{\"approved\":true,\"by\":\"alice\"}");
	cJSON_Delete(ev);

	/* a token answers once */
	expect_error(s, "SendTaskSuccess", token_body(tok, ",\"output\":\"{}\""), T0 + 31,
		     "InvalidToken", "Invalid Token: 'Invalid token'");
	expect_error(s, "SendTaskFailure", token_body(tok, ""), T0 + 31, "InvalidToken", "Invalid token");
	expect_error(s, "SendTaskSuccess", token_body("AQCEAAAAKgAAAAMAAAAAbogus", ",\"output\":\"{}\""),
		     T0 + 31, "InvalidToken", "Invalid token");

	ev = history(s, "cutover-main:run-1", T0 + 60);
	assert_string_equal(str(last_event(ev), "type"), "ExecutionSucceeded");
	d = details(last_event(ev), "executionSucceededEventDetails");
	assert_string_equal(str(d, "output"), "{\"approved\":true,\"by\":\"alice\"}");
	cJSON_Delete(ev);
	j = call_ok(s, "DescribeExecution", body1("executionArn", ARN_EX "cutover-main:run-1"), T0 + 60);
	assert_string_equal(str(j, "status"), "SUCCEEDED");
	assert_string_equal(str(j, "output"), "{\"approved\":true,\"by\":\"alice\"}");
	assert_true(num(j, "stopDate") > T0 + 50 && num(j, "stopDate") < T0 + 51);
	assert_null(cJSON_GetObjectItem(j, "error"));
	cJSON_Delete(j);
	sim_sfn_destroy(s);
}

static void test_approval_failure(void **state)
{
	struct sim_sfn *s = make(scenario, 42);
	char tok[4096];
	cJSON *ev, *j;
	const cJSON *d;
	(void)state;

	snprintf(tok, sizeof(tok), "%s", approval_token(s, T0 + 20));
	j = call_ok(s, "SendTaskFailure",
		    token_body(tok, ",\"error\":\"Rejected\",\"cause\":\"operator rejected\""), T0 + 40);
	assert_int_equal(cJSON_GetArraySize(j), 0);
	cJSON_Delete(j);
	ev = history(s, "cutover-main:run-1", T0 + 41);
	d = details(cJSON_GetArrayItem(ev, 11), "taskFailedEventDetails");
	assert_string_equal(str(cJSON_GetArrayItem(ev, 11), "type"), "TaskFailed");
	assert_string_equal(str(d, "error"), "Rejected");
	assert_string_equal(str(d, "cause"), "operator rejected");
	assert_string_equal(str(d, "resource"), "invoke.waitForTaskToken");
	assert_string_equal(str(last_event(ev), "type"), "ExecutionFailed");
	d = details(last_event(ev), "executionFailedEventDetails");
	assert_string_equal(str(d, "error"), "Rejected");
	assert_string_equal(str(d, "cause"), "operator rejected");
	assert_int_equal(cJSON_GetArraySize(ev), 13);
	cJSON_Delete(ev);
	j = call_ok(s, "DescribeExecution", body1("executionArn", ARN_EX "cutover-main:run-1"), T0 + 41);
	assert_string_equal(str(j, "status"), "FAILED");
	assert_string_equal(str(j, "error"), "Rejected");
	assert_string_equal(str(j, "cause"), "operator rejected");
	assert_string_equal(str(j, "redriveStatus"), "REDRIVABLE");
	assert_null(cJSON_GetObjectItem(j, "output"));
	cJSON_Delete(j);
	expect_error(s, "SendTaskSuccess", token_body(tok, ",\"output\":\"{}\""), T0 + 42,
		     "InvalidToken", "Invalid token");
	sim_sfn_destroy(s);
}

static void test_approval_timeout(void **state)
{
	struct sim_sfn *s = make(scenario, 42);
	char tok[4096];
	cJSON *ev;
	const cJSON *d;
	(void)state;

	snprintf(tok, sizeof(tok), "%s", approval_token(s, T0 + 20));
	ev = history(s, "cutover-main:run-1", T0 + 700);
	assert_string_equal(str(cJSON_GetArrayItem(ev, 11), "type"), "TaskTimedOut");
	d = details(cJSON_GetArrayItem(ev, 11), "taskTimedOutEventDetails");
	assert_string_equal(str(d, "error"), "States.Timeout");
	/* entered at ~T0+15.1, TimeoutSeconds 600 */
	assert_true(num(cJSON_GetArrayItem(ev, 11), "timestamp") > T0 + 615);
	assert_true(num(cJSON_GetArrayItem(ev, 11), "timestamp") < T0 + 616);
	assert_string_equal(str(last_event(ev), "type"), "ExecutionFailed");
	assert_string_equal(str(details(last_event(ev), "executionFailedEventDetails"), "error"),
			    "States.Timeout");
	cJSON_Delete(ev);
	expect_error(s, "SendTaskSuccess", token_body(tok, ",\"output\":\"{}\""), T0 + 701,
		     "TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'");
	expect_error(s, "SendTaskFailure", token_body(tok, ""), T0 + 701, "TaskTimedOut", "Task Timed Out");
	assert_string_equal(describe_status(s, "cutover-main:run-1", T0 + 701), "FAILED");
	sim_sfn_destroy(s);
}

static void test_stop_execution(void **state)
{
	struct sim_sfn *s = make(scenario, 42);
	char tok[4096];
	cJSON *ev, *j;
	const cJSON *d;
	double stop;
	(void)state;

	snprintf(tok, sizeof(tok), "%s", approval_token(s, T0 + 20));
	j = call_ok(s, "StopExecution", "{\"executionArn\":\"" ARN_EX "cutover-main:run-1\","
		    "\"error\":\"Operator.Abort\",\"cause\":\"stopped by tool\"}", T0 + 25.25);
	stop = num(j, "stopDate");
	assert_true(stop == T0 + 25.25);
	cJSON_Delete(j);
	ev = history(s, "cutover-main:run-1", T0 + 1000);
	assert_int_equal(cJSON_GetArraySize(ev), 12);
	assert_string_equal(str(last_event(ev), "type"), "ExecutionAborted");
	d = details(last_event(ev), "executionAbortedEventDetails");
	assert_string_equal(str(d, "error"), "Operator.Abort");
	assert_string_equal(str(d, "cause"), "stopped by tool");
	cJSON_Delete(ev);
	j = call_ok(s, "DescribeExecution", body1("executionArn", ARN_EX "cutover-main:run-1"), T0 + 1000);
	assert_string_equal(str(j, "status"), "ABORTED");
	assert_true(num(j, "stopDate") == stop);
	assert_string_equal(str(j, "error"), "Operator.Abort");
	cJSON_Delete(j);
	/* the waiting approval went with it */
	expect_error(s, "SendTaskSuccess", token_body(tok, ",\"output\":\"{}\""), T0 + 1001,
		     "TaskTimedOut", "Task Timed Out");
	/* stopping again changes nothing */
	j = call_ok(s, "StopExecution", body1("executionArn", ARN_EX "cutover-main:run-1"), T0 + 1002);
	assert_true(num(j, "stopDate") == stop);
	cJSON_Delete(j);
	/* without error and cause, the aborted event has empty details */
	j = call_ok(s, "StopExecution", body1("executionArn", ARN_EX "jobs:AUDIT-1"), T0 + 1003);
	cJSON_Delete(j);
	ev = history(s, "jobs:AUDIT-1", T0 + 1003);
	assert_int_equal(cJSON_GetArraySize(details(last_event(ev), "executionAbortedEventDetails")), 0);
	cJSON_Delete(ev);
	j = call_ok(s, "DescribeExecution", body1("executionArn", ARN_EX "jobs:AUDIT-1"), T0 + 1003);
	assert_null(cJSON_GetObjectItem(j, "error"));
	assert_null(cJSON_GetObjectItem(j, "cause"));
	cJSON_Delete(j);
	expect_error(s, "StopExecution", body1("executionArn", ARN_EX "jobs:nope"), T0 + 1004,
		     "ExecutionDoesNotExist", "Execution Does Not Exist: '" ARN_EX "jobs:nope'");
	expect_error(s, "StopExecution", body1("executionArn", ARN_SM "jobs"), T0 + 1004,
		     "InvalidArn", "Invalid Arn: 'Resource type not valid in this context: stateMachine'");
	expect_error(s, "StopExecution", "{}", T0 + 1004, "com.amazon.coral.validate#ValidationException",
		     "Value null at 'executionArn' failed to satisfy constraint: Member must not be null");
	sim_sfn_destroy(s);
}

static void test_start_execution(void **state)
{
	struct sim_sfn *s = make(scenario, 42);
	cJSON *j, *ev;
	char arn[256];
	double start;
	(void)state;

	j = call_ok(s, "StartExecution", "{\"stateMachineArn\":\"" ARN_SM "rollback\",\"name\":\"rb-1\","
		    "\"input\":\"{\\\"reason\\\": \\\"errors\\\"}\"}", T0 + 100);
	assert_string_equal(str(j, "executionArn"), ARN_EX "rollback:rb-1");
	start = num(j, "startDate");
	assert_true(start == T0 + 100);
	cJSON_Delete(j);
	/* the reaction fires when it starts */
	assert_int_equal(hooks_seen.calls, 1);
	assert_string_equal(hooks_seen.name, "/app/rollback");
	assert_string_equal(hooks_seen.value, "true");
	assert_true(hooks_seen.t == T0 + 100);

	/* same name and input while running: the same execution */
	j = call_ok(s, "StartExecution", "{\"stateMachineArn\":\"" ARN_SM "rollback\",\"name\":\"rb-1\","
		    "\"input\":\"{\\\"reason\\\": \\\"errors\\\"}\"}", T0 + 101);
	assert_string_equal(str(j, "executionArn"), ARN_EX "rollback:rb-1");
	assert_true(num(j, "startDate") == start);
	cJSON_Delete(j);
	assert_int_equal(hooks_seen.calls, 1);
	expect_error(s, "StartExecution", "{\"stateMachineArn\":\"" ARN_SM "rollback\",\"name\":\"rb-1\","
		     "\"input\":\"{}\"}", T0 + 102, "ExecutionAlreadyExists",
		     "Execution Already Exists: '" ARN_EX "rollback:rb-1'");

	/* it runs through its states */
	ev = history(s, "rollback:rb-1", T0 + 140);
	assert_string_equal(types(ev), "ExecutionStarted,TaskStateEntered,TaskScheduled,TaskStarted,"
			    "TaskSucceeded,TaskStateExited,PassStateEntered,PassStateExited,ExecutionSucceeded");
	cJSON_Delete(ev);
	/* closed: even the same input is refused now */
	expect_error(s, "StartExecution", "{\"stateMachineArn\":\"" ARN_SM "rollback\",\"name\":\"rb-1\","
		     "\"input\":\"{\\\"reason\\\": \\\"errors\\\"}\"}", T0 + 141, "ExecutionAlreadyExists", "rb-1");

	/* no name: a uuid */
	j = call_ok(s, "StartExecution", body1("stateMachineArn", ARN_SM "rollback"), T0 + 150);
	snprintf(arn, sizeof(arn), "%s", str(j, "executionArn"));
	cJSON_Delete(j);
	assert_int_equal(strlen(arn), strlen(ARN_EX "rollback:") + 36);
	assert_int_equal(arn[strlen(ARN_EX "rollback:") + 14], '4');
	j = call_ok(s, "DescribeExecution", body1("executionArn", arn), T0 + 150);
	assert_string_equal(str(j, "input"), "{}");
	cJSON_Delete(j);
	assert_int_equal(hooks_seen.calls, 2);

	expect_error(s, "StartExecution", "{\"stateMachineArn\":\"" ARN_SM "rollback\",\"input\":\"{nope\"}",
		     T0 + 151, "InvalidExecutionInput", "Invalid State Machine Execution Input");
	expect_error(s, "StartExecution", "{\"stateMachineArn\":\"" ARN_SM "rollback\",\"name\":\"a b\"}",
		     T0 + 151, "InvalidName", "Invalid Name: 'a b'");
	expect_error(s, "StartExecution", "{\"stateMachineArn\":\"" ARN_SM "rollback\",\"name\":\""
		     "123456789012345678901234567890123456789012345678901234567890123456789012345678901\"}",
		     T0 + 151, "com.amazon.coral.validate#ValidationException",
		     "Member must have length less than or equal to 80");
	expect_error(s, "StartExecution", body1("stateMachineArn", ARN_SM "nope"), T0 + 151,
		     "StateMachineDoesNotExist", "State Machine Does Not Exist: '" ARN_SM "nope'");
	expect_error(s, "StartExecution", body1("stateMachineArn", "rollback"), T0 + 151,
		     "InvalidArn", "Invalid Arn: 'Invalid ARN prefix: rollback'");
	expect_error(s, "StartExecution", "{\"name\":\"x\"}", T0 + 151,
		     "com.amazon.coral.validate#ValidationException", "Value null at 'stateMachineArn'");
	expect_error(s, "StartExecution", "{\"stateMachineArn\":\"" ARN_SM "rollback\",\"input\":{}}", T0 + 151,
		     "com.amazon.coral.service#SerializationException", "'input'");
	sim_sfn_destroy(s);
}

static void test_failing_state_and_fixed_jobs(void **state)
{
	struct sim_sfn *s = make(scenario, 42);
	cJSON *ev, *j, *out;
	const cJSON *d;
	(void)state;

	ev = history(s, "failing:f-1", T0 + 111);
	assert_string_equal(types(ev), "ExecutionStarted,TaskStateEntered,TaskScheduled,TaskStarted,"
			    "TaskFailed,ExecutionFailed");
	d = details(cJSON_GetArrayItem(ev, 4), "taskFailedEventDetails");
	assert_string_equal(str(d, "error"), "DMS.Failed");
	assert_string_equal(str(d, "cause"), "table mapping");
	cJSON_Delete(ev);

	/* a finished job: its states fitted into its run, its counts in its output */
	j = call_ok(s, "DescribeExecution", body1("executionArn", ARN_EX "jobs:MIGRATION-1"), T0 + 111);
	assert_string_equal(str(j, "status"), "SUCCEEDED");
	assert_true(num(j, "startDate") == T0 - 3600);
	assert_true(num(j, "stopDate") == T0 - 1800);
	out = cJSON_Parse(str(j, "output"));
	assert_int_equal((int)num(out, "processed_records"), 1200);
	assert_int_equal((int)num(out, "failed_records"), 10);
	assert_string_equal(str(out, "job_type"), "MIGRATION");
	cJSON_Delete(out);
	cJSON_Delete(j);
	ev = history(s, "jobs:MIGRATION-1", T0 + 111);
	assert_int_equal(cJSON_GetArraySize(ev), 1 + 3 * 5 + 1);
	/* after Validate (1 of 3 states) a third of the records are counted */
	out = cJSON_Parse(str(details(cJSON_GetArrayItem(ev, 5), "stateExitedEventDetails"), "output"));
	assert_int_equal((int)num(out, "processed_records"), 400);
	cJSON_Delete(out);
	cJSON_Delete(ev);

	/* a running job holds in its last state until stopped */
	ev = history(s, "jobs:AUDIT-1", T0 + 111);
	assert_string_equal(str(details(last_event(ev), "taskStartedEventDetails"), "resource"), "invoke");
	assert_string_equal(str(details(cJSON_GetArrayItem(ev, cJSON_GetArraySize(ev) - 3),
					"stateEnteredEventDetails"), "name"), "Complete");
	cJSON_Delete(ev);
	assert_string_equal(describe_status(s, "jobs:AUDIT-1", T0 + 100000), "RUNNING");

	j = call_ok(s, "DescribeExecution", body1("executionArn", ARN_EX "jobs:EXPORT-1"), T0 + 111);
	assert_string_equal(str(j, "status"), "FAILED");
	assert_string_equal(str(j, "error"), "S3.AccessDenied");
	assert_string_equal(str(j, "cause"), "bucket policy");
	assert_true(num(j, "stopDate") == T0 - 7000);
	cJSON_Delete(j);
	ev = history(s, "jobs:EXPORT-1", T0 + 111);
	assert_string_equal(str(cJSON_GetArrayItem(ev, cJSON_GetArraySize(ev) - 2), "type"), "TaskFailed");
	cJSON_Delete(ev);

	j = call_ok(s, "DescribeExecution", body1("executionArn", ARN_EX "jobs:BULK-1"), T0 + 111);
	assert_string_equal(str(j, "status"), "ABORTED");
	assert_true(num(j, "stopDate") == T0 - 300);
	assert_string_equal(str(j, "error"), "Operator.Cancel");
	cJSON_Delete(j);
	ev = history(s, "jobs:BULK-1", T0 + 111);
	assert_string_equal(str(last_event(ev), "type"), "ExecutionAborted");
	cJSON_Delete(ev);
	sim_sfn_destroy(s);
}

static void test_history_paging(void **state)
{
	struct sim_sfn *s = make(scenario, 42);
	cJSON *full = history(s, "cutover-main:run-1", T0 + 20);
	int n = cJSON_GetArraySize(full);
	char body[2048];
	char next[1100] = "";
	int got = 0, pages = 0;
	cJSON *j, *ev;
	(void)state;

	for (int rev = 0; rev <= 1; rev++) {
		got = 0;
		pages = 0;
		next[0] = '\0';
		do {
			snprintf(body, sizeof(body), "{\"executionArn\":\"" ARN_EX "cutover-main:run-1\","
				 "\"maxResults\":3,\"reverseOrder\":%s%s%s%s}", rev ? "true" : "false",
				 next[0] ? ",\"nextToken\":\"" : "", next, next[0] ? "\"" : "");
			j = call_ok(s, "GetExecutionHistory", body, T0 + 20);
			pages++;
			cJSON_ArrayForEach(ev, cJSON_GetObjectItem(j, "events")) {
				int want = rev ? n - got : got + 1;

				assert_int_equal((int)num(ev, "id"), want);
				got++;
			}
			next[0] = '\0';
			if (cJSON_GetObjectItem(j, "nextToken"))
				snprintf(next, sizeof(next), "%s", str(j, "nextToken"));
			if (pages == 1 && next[0]) {
				/* the token belongs to this direction only */
				char bad[2048];

				snprintf(bad, sizeof(bad), "{\"executionArn\":\"" ARN_EX "cutover-main:run-1\","
					 "\"reverseOrder\":%s,\"nextToken\":\"%s\"}", rev ? "false" : "true", next);
				expect_error(s, "GetExecutionHistory", bad, T0 + 20, "InvalidToken",
					     "Invalid Token: 'Invalid token'");
			}
			cJSON_Delete(j);
		} while (next[0]);
		assert_int_equal(got, n);
		assert_int_equal(pages, (n + 2) / 3);
	}
	cJSON_Delete(full);

	expect_error(s, "GetExecutionHistory", "{\"executionArn\":\"" ARN_EX "cutover-main:run-1\","
		     "\"nextToken\":\"bm90IGEgdG9rZW4=\"}", T0 + 20, "InvalidToken", "Invalid token");
	expect_error(s, "GetExecutionHistory", "{\"executionArn\":\"" ARN_EX "cutover-main:run-1\","
		     "\"nextToken\":\"%%%\"}", T0 + 20, "InvalidToken", "Invalid token");
	expect_error(s, "GetExecutionHistory", "{\"executionArn\":\"" ARN_EX "cutover-main:run-1\","
		     "\"maxResults\":1001}", T0 + 20, "com.amazon.coral.validate#ValidationException",
		     "Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less "
		     "than or equal to 1000");
	expect_error(s, "GetExecutionHistory", "{\"executionArn\":\"" ARN_EX "cutover-main:run-1\","
		     "\"maxResults\":\"3\"}", T0 + 20, "com.amazon.coral.service#SerializationException",
		     "maxResults");
	expect_error(s, "GetExecutionHistory", body1("executionArn", "arn:aws:states:eu-west-1:123456789012:x"),
		     T0 + 20, "InvalidArn", "Invalid Arn");

	/* maxResults 0 is the default page of 100; reverseOrder newest first */
	j = call_ok(s, "GetExecutionHistory", "{\"executionArn\":\"" ARN_EX "cutover-main:run-1\","
		    "\"maxResults\":0,\"reverseOrder\":true}", T0 + 20);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "events")), n);
	assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "events"), 0), "type"), "TaskStarted");
	cJSON_Delete(j);

	/* includeExecutionData false: no input, output or parameters anywhere */
	j = call_ok(s, "GetExecutionHistory", "{\"executionArn\":\"" ARN_EX "cutover-main:run-1\","
		    "\"includeExecutionData\":false}", T0 + 20);
	{
		char *t = cJSON_PrintUnformatted(j);

		assert_null(strstr(t, "\"input\""));
		assert_null(strstr(t, "\"output\""));
		assert_null(strstr(t, "\"parameters\""));
		assert_null(strstr(t, "taskToken"));
		assert_non_null(strstr(t, "\"roleArn\""));
		assert_non_null(strstr(t, "\"name\":\"ApproveCutover\""));
		free(t);
	}
	cJSON_Delete(j);
	sim_sfn_destroy(s);
}

static void test_list_executions(void **state)
{
	struct sim_sfn *s = make(scenario, 42);
	const char *want[] = { "AUDIT-1", "BULK-1", "MIGRATION-1", "EXPORT-1" };
	char body[2048], next[4000] = "";
	int got = 0;
	cJSON *j, *it;
	(void)state;

	do {
		snprintf(body, sizeof(body), "{\"stateMachineArn\":\"" ARN_SM "jobs\",\"maxResults\":1%s%s%s}",
			 next[0] ? ",\"nextToken\":\"" : "", next, next[0] ? "\"" : "");
		j = call_ok(s, "ListExecutions", body, T0 + 5);
		assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "executions")), got < 4 ? 1 : 0);
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "executions")) {
			assert_true(got < 4);
			assert_string_equal(str(it, "name"), want[got]);
			assert_string_equal(str(it, "stateMachineArn"), ARN_SM "jobs");
			got++;
		}
		next[0] = '\0';
		if (cJSON_GetObjectItem(j, "nextToken"))
			snprintf(next, sizeof(next), "%s", str(j, "nextToken"));
		cJSON_Delete(j);
	} while (next[0]);
	assert_int_equal(got, 4);

	j = call_ok(s, "ListExecutions", "{\"stateMachineArn\":\"" ARN_SM "jobs\",\"statusFilter\":\"RUNNING\"}",
		    T0 + 5);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "executions")), 1);
	it = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "executions"), 0);
	assert_string_equal(str(it, "name"), "AUDIT-1");
	assert_null(cJSON_GetObjectItem(it, "stopDate"));
	cJSON_Delete(j);
	j = call_ok(s, "ListExecutions", "{\"stateMachineArn\":\"" ARN_SM "jobs\",\"statusFilter\":\"FAILED\"}",
		    T0 + 5);
	it = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "executions"), 0);
	assert_string_equal(str(it, "name"), "EXPORT-1");
	assert_true(num(it, "stopDate") == T0 - 7000);
	cJSON_Delete(j);
	/* not started yet: not listed */
	j = call_ok(s, "ListExecutions", body1("stateMachineArn", ARN_SM "failing"), T0 + 5);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "executions")), 0);
	cJSON_Delete(j);

	expect_error(s, "ListExecutions", "{\"stateMachineArn\":\"" ARN_SM "jobs\",\"statusFilter\":\"DONE\"}",
		     T0 + 5, "com.amazon.coral.validate#ValidationException",
		     "Value 'DONE' at 'statusFilter' failed to satisfy constraint");
	expect_error(s, "ListExecutions", "{\"stateMachineArn\":\"" ARN_SM "jobs\",\"nextToken\":\"AAAA\"}",
		     T0 + 5, "InvalidToken", "Invalid token");
	expect_error(s, "ListExecutions", body1("stateMachineArn", ARN_SM "nope"), T0 + 5,
		     "StateMachineDoesNotExist", "State Machine Does Not Exist: '" ARN_SM "nope'");
	expect_error(s, "ListExecutions", "{}", T0 + 5, "ValidationException",
		     "Must provide a StateMachine ARN or MapRun ARN");
	expect_error(s, "ListExecutions", body1("stateMachineArn", ARN_EX "jobs:AUDIT-1"), T0 + 5,
		     "InvalidArn", "Resource type not valid in this context: execution");
	sim_sfn_destroy(s);
}

static void test_describe_state_machine(void **state)
{
	struct sim_sfn *s = make(scenario, 42);
	cJSON *j, *def, *st;
	(void)state;

	j = call_ok(s, "DescribeStateMachine", body1("stateMachineArn", ARN_SM "cutover-main"), T0);
	assert_string_equal(str(j, "name"), "cutover-main");
	assert_string_equal(str(j, "status"), "ACTIVE");
	assert_string_equal(str(j, "type"), "STANDARD");
	assert_string_equal(str(j, "roleArn"),
			    "arn:aws:iam::123456789012:role/service-role/StepFunctions-cutover-main-role");
	assert_true(num(j, "creationDate") < T0);
	def = cJSON_Parse(str(j, "definition"));
	assert_non_null(def);
	assert_string_equal(str(def, "StartAt"), "Validate");
	st = cJSON_GetObjectItem(cJSON_GetObjectItem(def, "States"), "ApproveCutover");
	assert_string_equal(str(st, "Type"), "Task");
	assert_string_equal(str(st, "Resource"), "arn:aws:states:::lambda:invoke.waitForTaskToken");
	assert_int_equal((int)num(st, "TimeoutSeconds"), 600);
	assert_string_equal(str(st, "Next"), "Switch");
	assert_string_equal(str(cJSON_GetObjectItem(cJSON_GetObjectItem(st, "Parameters"), "Payload"),
				"taskToken.$"), "$$.Task.Token");
	st = cJSON_GetObjectItem(cJSON_GetObjectItem(def, "States"), "Pause");
	assert_string_equal(str(st, "Type"), "Wait");
	assert_int_equal((int)num(st, "Seconds"), 5);
	st = cJSON_GetObjectItem(cJSON_GetObjectItem(def, "States"), "Switch");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(st, "End")));
	cJSON_Delete(def);
	cJSON_Delete(j);
	j = call_ok(s, "DescribeStateMachine", body1("stateMachineArn", ARN_SM "rollback"), T0);
	assert_string_equal(str(j, "description"), "undo");
	cJSON_Delete(j);
	expect_error(s, "DescribeStateMachine", body1("stateMachineArn", ARN_SM "nope"), T0,
		     "StateMachineDoesNotExist", "State Machine Does Not Exist");
	expect_error(s, "DescribeStateMachine", "{}", T0, "com.amazon.coral.validate#ValidationException",
		     "Value null at 'stateMachineArn'");
	sim_sfn_destroy(s);
}

static void test_bad_requests(void **state)
{
	struct sim_sfn *s = make(scenario, 42);
	struct sim_reply r;
	(void)state;

	expect_error(s, "DescribeExecution", "{not json", T0, "com.amazon.coral.service#SerializationException",
		     "not a JSON object");
	expect_error(s, "DescribeExecution", "[1,2]", T0, "com.amazon.coral.service#SerializationException",
		     "not a JSON object");
	expect_error(s, "CreateStateMachine", "{}", T0, "com.amazon.coral.service#UnknownOperationException",
		     "CreateStateMachine");
	expect_error(s, "DescribeExecution", "{\"executionArn\":\"" ARN_EX "cutover-main:run-1\","
		     "\"includedData\":\"SOME\"}", T0, "com.amazon.coral.validate#ValidationException",
		     "at 'includedData'");
	expect_error(s, "SendTaskSuccess", "{\"taskToken\":\"x\"}", T0,
		     "com.amazon.coral.validate#ValidationException", "Value null at 'output'");
	expect_error(s, "SendTaskFailure", "{\"taskToken\":\"\"}", T0,
		     "com.amazon.coral.validate#ValidationException",
		     "Member must have length greater than or equal to 1");
	/* a body the length says ends early */
	memset(&r, 0, sizeof(r));
	sim_sfn_handle(s, "DescribeExecution", "{\"executionArn\":\"x\"}", 5, T0, &r);
	assert_int_equal(r.http_status, 400);
	assert_non_null(strstr(r.body, "SerializationException"));
	free(r.body);
	/* DescribeExecution METADATA_ONLY leaves the data out */
	{
		cJSON *j = call_ok(s, "DescribeExecution", "{\"executionArn\":\"" ARN_EX "cutover-main:run-1\","
				   "\"includedData\":\"METADATA_ONLY\"}", T0 + 1);

		assert_null(cJSON_GetObjectItem(j, "input"));
		assert_true(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "inputDetails"), "included")));
		cJSON_Delete(j);
	}
	/* InvalidOutput */
	{
		char tok[4096];

		snprintf(tok, sizeof(tok), "%s", approval_token(s, T0 + 20));
		expect_error(s, "SendTaskSuccess", token_body(tok, ",\"output\":\"not json\""), T0 + 21,
			     "InvalidOutput", "Invalid Output");
		/* the token still works after a refused answer */
		send_success(s, tok, "{}", T0 + 22);
	}
	sim_sfn_destroy(s);
}

/* Replay one fixed script of calls; return all replies concatenated. */
static char *script(uint64_t seed, char *token_out, size_t token_len)
{
	struct sim_sfn *s = make(scenario, seed);
	static const struct { const char *op; const char *body; double dt; } calls[] = {
		{ "GetExecutionHistory", "{\"executionArn\":\"" ARN_EX "cutover-main:run-1\"}", 20 },
		{ "StartExecution", "{\"stateMachineArn\":\"" ARN_SM "rollback\"}", 21 },
		{ "StartExecution", "{\"stateMachineArn\":\"" ARN_SM "rollback\"}", 22 },
		{ "ListExecutions", "{\"stateMachineArn\":\"" ARN_SM "rollback\",\"maxResults\":1}", 23 },
		{ "GetExecutionHistory", "{\"executionArn\":\"" ARN_EX "jobs:MIGRATION-1\",\"maxResults\":5}", 24 },
		{ "DescribeExecution", "{\"executionArn\":\"" ARN_EX "jobs:AUDIT-1\"}", 25 },
		{ "ListExecutions", "{\"stateMachineArn\":\"" ARN_SM "jobs\"}", 400 },
		{ "GetExecutionHistory", "{\"executionArn\":\"" ARN_EX "failing:f-1\",\"reverseOrder\":true}", 401 },
	};
	char *all = calloc(1, 1);
	size_t len = 0;

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		char *raw = NULL;
		cJSON *j = call_raw(s, calls[i].op, calls[i].body, T0 + calls[i].dt, NULL, &raw);

		all = realloc(all, len + strlen(raw) + 2);
		memcpy(all + len, raw, strlen(raw) + 1);
		len += strlen(raw);
		all[len++] = '\n';
		all[len] = '\0';
		free(raw);
		cJSON_Delete(j);
	}
	snprintf(token_out, token_len, "%s", approval_token(s, T0 + 402));
	sim_sfn_destroy(s);
	return all;
}

static void test_determinism(void **state)
{
	char t1[4096], t2[4096], t3[4096];
	char *a = script(7, t1, sizeof(t1));
	char *b = script(7, t2, sizeof(t2));
	char *c = script(8, t3, sizeof(t3));
	(void)state;

	assert_string_equal(a, b);
	assert_string_equal(t1, t2);
	assert_string_not_equal(t1, t3);
	assert_string_not_equal(a, c);
	free(a);
	free(b);
	free(c);
}

static void test_advance_fires_hooks(void **state)
{
	static const char text[] =
		"{\"state_machines\":[{\"name\":\"rb\",\"states\":[{\"name\":\"A\",\"duration_s\":5}],"
		"\"sets_parameter\":{\"name\":\"/f/rollback\",\"value\":\"on\",\"when\":\"succeeded\"}}],"
		"\"executions\":[{\"state_machine\":\"rb\",\"name\":\"x\",\"start_at_s\":60}]}";
	struct sim_sfn *s = make(text, 1);
	(void)state;

	sim_sfn_advance(s, T0 + 64);
	assert_int_equal(hooks_seen.calls, 0);
	sim_sfn_advance(s, T0 + 66);
	assert_int_equal(hooks_seen.calls, 1);
	assert_string_equal(hooks_seen.name, "/f/rollback");
	assert_string_equal(hooks_seen.value, "on");
	assert_true(hooks_seen.t > T0 + 65 && hooks_seen.t < T0 + 65.3);
	sim_sfn_advance(s, T0 + 1000);
	assert_int_equal(hooks_seen.calls, 1);
	sim_sfn_destroy(s);
	/* no hook given: fine */
	{
		cJSON *root = cJSON_Parse(text);
		struct sim_sfn *s2 = NULL;
		struct cutover_err err;

		assert_int_equal(sim_sfn_create(root, 1, T0, NULL, &s2, &err), CUTOVER_OK);
		sim_sfn_advance(s2, T0 + 100);
		sim_sfn_destroy(s2);
		cJSON_Delete(root);
	}
	sim_sfn_destroy(NULL);
}

static void test_running_job_approval_waits(void **state)
{
	static const char text[] =
		"{\"region\":\"eu-west-1\",\"state_machines\":[{\"name\":\"gated\",\"states\":["
		"{\"name\":\"Prep\",\"duration_s\":10},"
		"{\"name\":\"Gate\",\"type\":\"Approval\",\"timeout_s\":5},"
		"{\"name\":\"Finish\",\"duration_s\":10}]}],"
		"\"executions\":[{\"state_machine\":\"gated\",\"name\":\"job\",\"status\":\"RUNNING\","
		"\"start_at_s\":-100}]}";
	struct sim_sfn *s = make(text, 3);
	cJSON *ev, *p;
	char tok[4096];
	const cJSON *d;
	(void)state;

	/* a job the scenario says is running waits at its approval, past
	 * the timeout a live execution would have */
	ev = history(s, "gated:job", T0);
	assert_string_equal(str(last_event(ev), "type"), "TaskStarted");
	d = details(cJSON_GetArrayItem(ev, cJSON_GetArraySize(ev) - 2), "taskScheduledEventDetails");
	p = cJSON_Parse(str(d, "parameters"));
	snprintf(tok, sizeof(tok), "%s", str(cJSON_GetObjectItem(p, "Payload"), "taskToken"));
	cJSON_Delete(p);
	cJSON_Delete(ev);
	send_success(s, tok, "{\"ok\":1}", T0 + 1);
	/* then holds in its last state */
	ev = history(s, "gated:job", T0 + 5000);
	assert_string_equal(str(last_event(ev), "type"), "TaskStarted");
	assert_string_equal(str(details(cJSON_GetArrayItem(ev, cJSON_GetArraySize(ev) - 3),
					"stateEnteredEventDetails"), "name"), "Finish");
	cJSON_Delete(ev);
	assert_string_equal(describe_status(s, "gated:job", T0 + 5000), "RUNNING");
	/* a time that is not a number is the last time seen */
	assert_string_equal(describe_status(s, "gated:job", NAN), "RUNNING");
	sim_sfn_destroy(s);
}

/* Mutated and truncated requests of every operation: the answer is always
 * a 200 or a 400 with a JSON object body, never a crash (run under ASan). */
static void test_mangled_requests(void **state)
{
	static const char *const ops_list[] = {
		"DescribeExecution", "GetExecutionHistory", "ListExecutions", "DescribeStateMachine",
		"StartExecution", "StopExecution", "SendTaskSuccess", "SendTaskFailure", "Nope",
	};
	static const char *const bodies[] = {
		"{\"executionArn\":\"" ARN_EX "cutover-main:run-1\",\"maxResults\":2,\"reverseOrder\":true}",
		"{\"stateMachineArn\":\"" ARN_SM "jobs\",\"statusFilter\":\"RUNNING\",\"maxResults\":1}",
		"{\"stateMachineArn\":\"" ARN_SM "rollback\",\"name\":\"r\",\"input\":\"{\\\"a\\\":[1,2]}\"}",
		"{\"executionArn\":\"" ARN_EX "jobs:AUDIT-1\",\"error\":\"E\",\"cause\":\"C\"}",
		"{\"taskToken\":\"AQCEAAAAKgAAAAMAAAAA\",\"output\":\"{}\",\"error\":\"x\"}",
		"{\"nextToken\":\"SDoxOjI6MHwwMDAwMDAwMDAwMDAwMDAw\",\"maxResults\":-1,\"includeExecutionData\":1}",
	};
	static const char junk[] = "{}[]\":,\\0a-9 \x01\xff";
	struct sim_sfn *s = make(scenario, 5);
	uint64_t rng = 99;
	char buf[512];
	(void)state;

	for (int i = 0; i < 20000; i++) {
		const char *op = ops_list[sim_rand_next(&rng) % 9];
		const char *b = bodies[sim_rand_next(&rng) % 6];
		size_t n = strlen(b);
		int edits = (int)(sim_rand_next(&rng) % 4);
		struct sim_reply r;
		cJSON *j;

		memcpy(buf, b, n);
		for (int k = 0; k < edits; k++) {
			size_t at = (size_t)(sim_rand_next(&rng) % n);

			switch (sim_rand_next(&rng) % 3) {
			case 0: buf[at] = junk[sim_rand_next(&rng) % (sizeof(junk) - 1)]; break;
			case 1: n = at + 1; break;
			default: buf[at] = (char)(sim_rand_next(&rng) & 0xff); break;
			}
		}
		memset(&r, 0, sizeof(r));
		sim_sfn_handle(s, op, buf, n, T0 + i * 0.05, &r);
		assert_true(r.http_status == 200 || r.http_status == 400);
		assert_non_null(r.body);
		j = cJSON_ParseWithLength(r.body, r.body_len);
		assert_true(cJSON_IsObject(j));
		if (r.http_status == 400)
			assert_non_null(cJSON_GetObjectItem(j, "__type"));
		cJSON_Delete(j);
		free(r.body);
	}
	sim_sfn_destroy(s);
}

/* Every example scenario shipped in docs/examples/ must load, and its
 * executions run for two scenario hours without an error reply. */
static void test_example_scenarios(void **state)
{
	const char *dirpath = SRCDIR "/docs/examples";
	DIR *d = opendir(dirpath);
	struct dirent *de;
	int checked = 0;
	(void)state;

	if (!d) {
		print_message("no %s in this tree: nothing to check\n", dirpath);
		return;
	}
	while ((de = readdir(d))) {
		char path[1024];
		char *text;
		long n;
		FILE *f;
		cJSON *root;
		struct sim_sfn *s = NULL;
		struct cutover_err err;
		const cJSON *m;
		size_t len = strlen(de->d_name);

		if (len < 14 || strcmp(de->d_name + len - 14, ".scenario.json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dirpath, de->d_name);
		f = fopen(path, "rb");   /* the example scenario under test */
		assert_non_null(f);
		assert_int_equal(fseek(f, 0, SEEK_END), 0);
		n = ftell(f);
		rewind(f);
		text = calloc(1, (size_t)n + 1);
		assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
		fclose(f);
		cJSON_Minify(text);
		root = cJSON_Parse(text);
		if (!root)
			fail_msg("%s: not JSON", path);
		cutover_err_clear(&err);
		if (sim_sfn_create(root, 1, T0, NULL, &s, &err) != CUTOVER_OK)
			fail_msg("%s: %s", path, err.msg);
		for (double t = 0; t <= 7200; t += 300) {
			cJSON_ArrayForEach(m, cJSON_GetObjectItem(root, "state_machines")) {
				const cJSON *reg = cJSON_GetObjectItem(root, "region");
				const cJSON *acct = cJSON_GetObjectItem(root, "account");
				char body[512];
				int st = 0;
				cJSON *j;

				snprintf(body, sizeof(body), "{\"stateMachineArn\":\"arn:aws:states:%s:%s:stateMachine:%s\"}",
					 cJSON_IsString(reg) ? reg->valuestring : "us-east-1",
					 cJSON_IsString(acct) ? acct->valuestring : "123456789012",
					 str(m, "name"));
				j = call(s, "ListExecutions", body, T0 + t, &st);
				assert_int_equal(st, 200);
				cJSON_Delete(j);
			}
		}
		sim_sfn_destroy(s);
		cJSON_Delete(root);
		free(text);
		checked++;
	}
	closedir(d);
	print_message("%d example scenarios load and run\n", checked);
}

static void test_scenario_errors(void **state)
{
	static const struct { const char *text; const char *msg; } cases[] = {
		{ "{\"state_machines\":{}}", "state_machines: expected an array of state machines" },
		{ "{\"executions\":3}", "executions: expected an array of executions" },
		{ "{\"state_machines\":[1]}", "state_machines[0]: expected an object" },
		{ "{\"state_machines\":[{\"states\":[{\"name\":\"A\",\"duration_s\":1}]}]}",
		  "state_machines[0]: missing \"name\"" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1}]},"
		  "{\"name\":\"n\",\"states\":[{\"type\":\"Task\",\"duration_s\":1}]}]}",
		  "state_machines[1].states[0]: missing \"name\"" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"colour\":1,\"states\":[]}]}",
		  "state_machines[0]: unknown key \"colour\" (expected one of: name, type, states, sets_parameter, "
		  "role_arn, description, created_at_s)" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[]}]}",
		  "state_machines[0].states: expected a non-empty array of states" },
		{ "{\"state_machines\":[{\"name\":\"m\"}]}", "state_machines[0]: missing \"states\"" },
		{ "{\"state_machines\":[{\"name\":\"m x\",\"states\":[{\"name\":\"A\",\"duration_s\":1}]}]}",
		  "state_machines[0].name: \"m x\" is not a valid state machine name" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1}]},"
		  "{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1}]}]}",
		  "state_machines[1].name: duplicate state machine \"m\"" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"type\":\"FAST\",\"states\":[{\"name\":\"A\",\"duration_s\":1}]}]}",
		  "state_machines[0].type: expected STANDARD or EXPRESS, not \"FAST\"" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"type\":\"Choice\"}]}]}",
		  "state_machines[0].states[0].type: expected one of Task, Approval, Wait, Pass, not \"Choice\"" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\"}]}]}",
		  "state_machines[0].states[0]: missing \"duration_s\"" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":-1}]}]}",
		  "state_machines[0].states[0].duration_s: expected a number >= 0" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":\"5\"}]}]}",
		  "state_machines[0].states[0].duration_s: expected a number >= 0" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1},"
		  "{\"name\":\"A\",\"duration_s\":1}]}]}",
		  "state_machines[0].states[1].name: duplicate state \"A\"" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1,\"timeout_s\":5}]}]}",
		  "state_machines[0].states[0].timeout_s: only an Approval state has a timeout (this is a Task state)" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"type\":\"Approval\",\"timeout_s\":0}]}]}",
		  "state_machines[0].states[0].timeout_s: expected a number > 0" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1,\"fail\":{}}]}]}",
		  "state_machines[0].states[0].fail: missing \"error\"" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1,"
		  "\"fail\":{\"error\":\"E\",\"why\":\"x\"}}]}]}",
		  "state_machines[0].states[0].fail: unknown key \"why\" (expected one of: error, cause)" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"type\":\"Wait\",\"duration_s\":1,"
		  "\"fail\":{\"error\":\"E\"}}]}]}",
		  "state_machines[0].states[0].fail: only a Task state can fail (this is a Wait state" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1}],"
		  "\"sets_parameter\":{\"name\":\"/p\"}}]}",
		  "state_machines[0].sets_parameter: missing \"value\"" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1}],"
		  "\"sets_parameter\":{\"name\":\"/p\",\"value\":true}}]}",
		  "state_machines[0].sets_parameter.value: expected a string" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1}],"
		  "\"sets_parameter\":{\"name\":\"/p\",\"value\":\"v\",\"when\":\"later\"}}]}",
		  "state_machines[0].sets_parameter.when: expected \"started\" or \"succeeded\", not \"later\"" },
		{ "{\"executions\":[{\"state_machine\":\"m\",\"name\":\"x\"}]}",
		  "executions[0].state_machine: no state machine named \"m\" in state_machines" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1}]}],"
		  "\"executions\":[{\"state_machine\":\"m\"}]}",
		  "executions[0]: missing \"name\"" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1}]}],"
		  "\"executions\":[{\"state_machine\":\"m\",\"name\":\"x\"},{\"state_machine\":\"m\",\"name\":\"x\"}]}",
		  "executions[1].name: duplicate execution \"x\" of state machine \"m\"" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1}]}],"
		  "\"executions\":[{\"state_machine\":\"m\",\"name\":\"x\",\"status\":\"DONE\"}]}",
		  "executions[0].status: expected one of RUNNING, SUCCEEDED, FAILED, ABORTED, not \"DONE\"" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1}]}],"
		  "\"executions\":[{\"state_machine\":\"m\",\"name\":\"x\",\"stop_at_s\":5}]}",
		  "executions[0].stop_at_s: only a job with status SUCCEEDED, FAILED or ABORTED has a stop time" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1}]}],"
		  "\"executions\":[{\"state_machine\":\"m\",\"name\":\"x\",\"status\":\"SUCCEEDED\","
		  "\"start_at_s\":10,\"stop_at_s\":5}]}",
		  "executions[0].stop_at_s: 5 is not after start_at_s 10" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1}]}],"
		  "\"executions\":[{\"state_machine\":\"m\",\"name\":\"x\",\"status\":\"ABORTED\"}]}",
		  "executions[0]: missing \"stop_at_s\" (when the job was aborted)" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1}]}],"
		  "\"executions\":[{\"state_machine\":\"m\",\"name\":\"x\",\"error\":\"E\"}]}",
		  "executions[0]: \"error\" and \"cause\" need status FAILED or ABORTED" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1}]}],"
		  "\"executions\":[{\"state_machine\":\"m\",\"name\":\"x\",\"counts\":{\"processed\":\"many\"}}]}",
		  "executions[0].counts.processed: expected a number >= 0" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1}]}],"
		  "\"executions\":[{\"state_machine\":\"m\",\"name\":\"x\",\"counts\":{\"n\":1},\"input\":[1]}]}",
		  "executions[0].input: expected an object (counts are merged into it)" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1}]}],"
		  "\"executions\":[{\"state_machine\":\"m\",\"name\":\"x\",\"start\":1}]}",
		  "executions[0]: unknown key \"start\" (expected one of: state_machine, name, start_at_s, status, "
		  "stop_at_s, error, cause, counts, input)" },
		{ "{\"state_machines\":[{\"name\":\"m\",\"states\":[{\"name\":\"A\",\"duration_s\":1}]}],"
		  "\"executions\":[{\"state_machine\":\"m\",\"name\":\"x\",\"start_at_s\":\"soon\"}]}",
		  "executions[0].start_at_s: expected a number" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *root = cJSON_Parse(cases[i].text);
		struct sim_sfn *s = (struct sim_sfn *)&cases;   /* must be reset to NULL */
		struct cutover_err err;

		if (!root)
			fail_msg("case %zu: test JSON does not parse", i);
		cutover_err_clear(&err);
		assert_int_equal(sim_sfn_create(root, 1, T0, NULL, &s, &err), CUTOVER_EVALIDATE);
		assert_null(s);
		if (strncmp(err.msg, cases[i].msg, strlen(cases[i].msg)) != 0)
			fail_msg("case %zu:\n got  %s\n want %s", i, err.msg, cases[i].msg);
		cJSON_Delete(root);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_over_time),
		cmocka_unit_test(test_approval_success),
		cmocka_unit_test(test_approval_failure),
		cmocka_unit_test(test_approval_timeout),
		cmocka_unit_test(test_stop_execution),
		cmocka_unit_test(test_start_execution),
		cmocka_unit_test(test_failing_state_and_fixed_jobs),
		cmocka_unit_test(test_history_paging),
		cmocka_unit_test(test_list_executions),
		cmocka_unit_test(test_describe_state_machine),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_advance_fires_hooks),
		cmocka_unit_test(test_running_job_approval_waits),
		cmocka_unit_test(test_mangled_requests),
		cmocka_unit_test(test_example_scenarios),
		cmocka_unit_test(test_scenario_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
