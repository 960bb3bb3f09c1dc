/* test_aws_sim.c: the AWS client against `cutover sim`, started in-process
 * (sim_server_create on 127.0.0.1, port 0) with the scenarios
 * tests/fixtures/sim/client*.scenario.json.  Every service of the client
 * points at the sim, so each operation round-trips over real HTTP with a
 * real SigV4 signature that the sim verifies, and the answers are checked
 * against the values the scenario defines.
 *
 * The sim and the client share no wire code (src/sim/ vs src/aws/), so a
 * test that passes here means two independent readings of AWS-WIRE.md agree.
 * Faults are the sim's own (scenario `faults` windows), chosen per request
 * by the seed and the sim's request counter: each fault test starts a fresh
 * sim, picks a seed whose fault pattern it needs with the sim's own
 * sim_rand_unit(), and so knows exactly which request fails.  The sim's
 * request ids are also a function of (seed, counter), which lets a test
 * count how many requests really reached the sim. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "aws_test_util.h"
#include "cutover/aws_cloudwatch.h"
#include "cutover/aws_error.h"
#include "cutover/aws_sfn.h"
#include "cutover/aws_ssm.h"
#include "cutover/aws_sts.h"
#include "sim/sim_server.h"
#include "sim/sim_service.h"

#define REGION "eu-west-1"
#define ACCOUNT "123456789012"
#define T0 1800000000.0   /* the scenarios' start_epoch */
#define SM(name) "arn:aws:states:" REGION ":" ACCOUNT ":stateMachine:" name
#define EX(sm, name) "arn:aws:states:" REGION ":" ACCOUNT ":execution:" sm ":" name
#define OPERATOR_ARN "arn:aws:iam::" ACCOUNT ":user/operator"
#define ROLE_ARN "arn:aws:sts::" ACCOUNT ":assumed-role/cutover-ops/alice"
#define ROLE_TOKEN "FQoGZXIvYXdzCLIENT/token+session=="

static struct test_creds op = { "AKIDCLIENTTEST", "client/secret+key", NULL, 0 };
static struct test_creds role = { "ASIACLIENTROLE", "role/secret+key", ROLE_TOKEN, 0 };

struct sim {
	struct sim_server *s;
	uint64_t seed;
	char url[64];
};

static struct sim main_sim;

static int sim_up(struct sim *h, const char *fixture, double speed, uint64_t seed)
{
	struct sim_server_options o;
	struct cutover_err err;
	char path[512];

	memset(&o, 0, sizeof(o));
	o.speed = speed;
	o.seed = seed;
	h->seed = seed;
	snprintf(path, sizeof(path), "%s/tests/fixtures/sim/%s", SRCDIR, fixture);
	if (sim_server_create(path, &o, &h->s, &err) != CUTOVER_OK ||
	    sim_server_start(h->s, &err) != CUTOVER_OK) {
		fprintf(stderr, "sim: %s\n", err.msg);
		sim_server_destroy(h->s);
		h->s = NULL;
		return -1;
	}
	snprintf(h->url, sizeof(h->url), "http://127.0.0.1:%u", sim_server_port(h->s));
	return 0;
}

static void sim_down(struct sim *h)
{
	sim_server_destroy(h->s);
	h->s = NULL;
}

/* The sim's x-amzn-RequestId for its n-th request (sim_server.c's
 * request_id(), which docs/sim.md promises is a function of the seed and a
 * request counter): lets a test see how many requests reached the sim. */
static void sim_request_id(uint64_t seed, uint64_t n, char out[40])
{
	uint64_t a = sim_rand_hash(seed, "request-id", (int64_t)n);
	uint64_t b = sim_rand_hash(seed ^ 0x5a5a5a5a5a5a5a5aULL, "request-id", (int64_t)n);

	snprintf(out, 40, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
		 (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
		 (unsigned)((b >> 48) & 0x3fff) | 0x8000,
		 (unsigned long long)(b & 0xffffffffffffULL));
}

/* A seed under which the sim's fault roll for requests 1..n (a rate-0.5
 * window of one kind) is "fault" exactly where pattern has '1'. */
static uint64_t seed_for_pattern(const char *pattern)
{
	for (uint64_t seed = 1; seed < 50000000; seed++) {
		size_t i;

		for (i = 0; pattern[i]; i++)
			if ((sim_rand_unit(seed, "fault", (int64_t)(i + 1)) < 0.5) !=
			    (pattern[i] == '1'))
				break;
		if (!pattern[i])
			return seed;
	}
	return 0;
}

static struct aws_client *client(const struct sim *h, struct test_creds *cr)
{
	struct aws_client *c = client_for(h->url, cr, 10000, 3);

	assert_non_null(c);
	return c;
}

static int group_setup(void **state)
{
	struct cutover_err err;
	uint64_t seed = 1;

	(void)state;
	if (aws_global_init(&err) != CUTOVER_OK)
		return -1;
	/* a seed under which GetParametersByPath's second page comes back
	 * empty with a NextToken (sim_ssm.c's rule), so the client meets one */
	while (sim_rand_unit(seed, "/app/flags/|1", 10) >= 0.3)
		seed++;
	return sim_up(&main_sim, "client.scenario.json", 20.0, seed);
}

static int group_teardown(void **state)
{
	(void)state;
	sim_down(&main_sim);
	aws_global_cleanup();
	return 0;
}

static void show(const struct aws_error *e)
{
	char text[1024];

	aws_error_render(e, text, sizeof(text));
	fprintf(stderr, "  aws error: %s\n", text);
}

#define ASSERT_OK(call) do { \
	enum cutover_status st_ = (call); \
	if (st_ != CUTOVER_OK) \
		show(&e); \
	assert_int_equal(st_, CUTOVER_OK); \
} while (0)

/* ---- Step Functions ----------------------------------------------------- */

static void test_sfn_describe(void **state)
{
	struct aws_client *c = client(&main_sim, &op);
	struct sfn_state_machine m;
	struct sfn_execution x;
	struct aws_error e;
	(void)state;

	ASSERT_OK(sfn_describe_state_machine(c, SM("cutover-main"), &m, &e));
	assert_string_equal(m.arn, SM("cutover-main"));
	assert_string_equal(m.name, "cutover-main");
	assert_string_equal(m.status, "ACTIVE");
	assert_string_equal(m.type, "STANDARD");
	assert_string_equal(m.description, "validate, approve, switch");
	assert_non_null(strstr(m.definition, "\"ApproveCutover\""));
	assert_non_null(strstr(m.definition, "waitForTaskToken"));
	assert_non_null(strstr(m.role_arn, "arn:aws:iam::" ACCOUNT ":role/"));
	assert_true(m.creation_date == T0 - 30 * 86400);   /* the sim's default */
	sfn_state_machine_free(&m);

	ASSERT_OK(sfn_describe_execution(c, EX("jobs", "JOB-3"), &x, &e));
	assert_string_equal(x.execution_arn, EX("jobs", "JOB-3"));
	assert_string_equal(x.state_machine_arn, SM("jobs"));
	assert_string_equal(x.name, "JOB-3");
	assert_string_equal(x.status, "FAILED");
	assert_string_equal(x.error, "S3.AccessDenied");
	assert_string_equal(x.cause, "bucket policy");
	assert_true(x.start_date == T0 - 5000);
	assert_true(x.stop_date == T0 - 4900);
	sfn_execution_free(&x);

	ASSERT_OK(sfn_describe_execution(c, EX("jobs", "JOB-1"), &x, &e));
	assert_string_equal(x.status, "SUCCEEDED");
	assert_non_null(x.input);
	assert_non_null(strstr(x.input, "\"job\""));
	assert_non_null(x.output);
	assert_null(x.error);
	assert_true(x.start_date == T0 - 7200 && x.stop_date == T0 - 7000);
	sfn_execution_free(&x);

	ASSERT_OK(sfn_describe_execution(c, EX("jobs", "JOB-4"), &x, &e));
	assert_string_equal(x.status, "RUNNING");
	assert_true(x.stop_date == 0);   /* absent */
	sfn_execution_free(&x);

	assert_int_equal(sfn_describe_execution(c, EX("jobs", "NOPE"), &x, &e), CUTOVER_EAWS);
	assert_string_equal(e.code, "ExecutionDoesNotExist");
	assert_int_equal(e.kind, AWS_ERR_AWS);
	assert_int_equal(e.http_status, 400);
	assert_int_equal(e.attempts, 1);
	assert_true(e.request_id[0] != '\0');
	aws_client_destroy(c);
}

static void test_sfn_list_executions(void **state)
{
	static const char *const newest_first[] = { "JOB-6", "JOB-5", "JOB-4", "JOB-3",
						    "JOB-2", "JOB-1" };
	struct aws_client *c = client(&main_sim, &op);
	struct sfn_execution_list l;
	struct aws_error e;
	(void)state;

	ASSERT_OK(sfn_list_executions(c, SM("jobs"), NULL, 0, &l, &e));
	assert_int_equal(l.count, 6);
	assert_false(l.truncated);
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(l.items[i].name, newest_first[i]);
		assert_string_equal(l.items[i].state_machine_arn, SM("jobs"));
	}
	assert_string_equal(l.items[1].status, "ABORTED");
	assert_true(l.items[1].stop_date == T0 - 2900);
	sfn_execution_list_free(&l);

	ASSERT_OK(sfn_list_executions(c, SM("jobs"), "RUNNING", 0, &l, &e));
	assert_int_equal(l.count, 2);
	assert_string_equal(l.items[0].name, "JOB-6");
	assert_string_equal(l.items[1].name, "JOB-4");
	assert_string_equal(l.items[0].status, "RUNNING");
	sfn_execution_list_free(&l);

	/* the bound: 3 of 6, and it says there were more */
	ASSERT_OK(sfn_list_executions(c, SM("jobs"), NULL, 3, &l, &e));
	assert_int_equal(l.count, 3);
	assert_true(l.truncated);
	assert_string_equal(l.items[2].name, "JOB-4");
	sfn_execution_list_free(&l);

	assert_int_equal(sfn_list_executions(c, SM("nope"), NULL, 0, &l, &e), CUTOVER_EAWS);
	assert_string_equal(e.code, "StateMachineDoesNotExist");
	aws_client_destroy(c);
}

static void test_sfn_history_pages(void **state)
{
	struct aws_client *c = client(&main_sim, &op);
	struct sfn_history one, paged, rev, lean, capped;
	struct sfn_history_opts o;
	struct aws_error e;
	(void)state;

	/* 3 Task states: ExecutionStarted, 5 events each, ExecutionSucceeded */
	memset(&o, 0, sizeof(o));
	o.include_execution_data = 1;
	o.page_size = 1000;
	ASSERT_OK(sfn_get_execution_history(c, EX("jobs", "JOB-1"), &o, &one, &e));
	assert_int_equal(one.count, 17);
	assert_int_equal(e.attempts, 1);

	o.page_size = 4;   /* 5 pages */
	ASSERT_OK(sfn_get_execution_history(c, EX("jobs", "JOB-1"), &o, &paged, &e));
	assert_int_equal(paged.count, 17);
	assert_false(paged.truncated);
	for (size_t i = 0; i < paged.count; i++) {
		assert_int_equal(paged.events[i].id, (long long)i + 1);
		assert_int_equal(paged.events[i].previous_event_id, (long long)i);
		assert_string_equal(paged.events[i].type, one.events[i].type);
		assert_true(paged.events[i].timestamp == one.events[i].timestamp);
		if (i)
			assert_true(paged.events[i].timestamp >= paged.events[i - 1].timestamp);
	}
	assert_string_equal(paged.events[0].type, "ExecutionStarted");
	assert_non_null(paged.events[0].input);
	assert_non_null(strstr(paged.events[0].input, "\"job\""));
	assert_string_equal(paged.events[1].type, "TaskStateEntered");
	assert_string_equal(paged.events[1].state_name, "Extract");
	assert_string_equal(paged.events[2].type, "TaskScheduled");
	assert_string_equal(paged.events[2].resource_type, "lambda");
	assert_non_null(paged.events[2].parameters);
	assert_string_equal(paged.events[16].type, "ExecutionSucceeded");
	assert_true(paged.events[0].timestamp >= T0 - 7200 &&
		    paged.events[16].timestamp <= T0 - 7000 + 1);

	o.reverse_order = 1;
	ASSERT_OK(sfn_get_execution_history(c, EX("jobs", "JOB-1"), &o, &rev, &e));
	assert_int_equal(rev.count, 17);
	for (size_t i = 0; i < rev.count; i++)
		assert_int_equal(rev.events[i].id, 17 - (long long)i);
	assert_string_equal(rev.events[0].type, "ExecutionSucceeded");

	o.reverse_order = 0;
	o.include_execution_data = 0;
	ASSERT_OK(sfn_get_execution_history(c, EX("jobs", "JOB-1"), &o, &lean, &e));
	assert_int_equal(lean.count, 17);
	assert_null(lean.events[0].input);
	assert_null(lean.events[2].parameters);
	assert_string_equal(lean.events[2].type, "TaskScheduled");

	o.include_execution_data = 1;
	o.max_events = 6;
	ASSERT_OK(sfn_get_execution_history(c, EX("jobs", "JOB-1"), &o, &capped, &e));
	assert_int_equal(capped.count, 6);
	assert_true(capped.truncated);
	assert_int_equal(capped.events[5].id, 6);

	/* a failed job: the error and cause are lifted out of the details */
	{
		struct sfn_history f;
		int task_failed = 0;

		o.max_events = 0;
		ASSERT_OK(sfn_get_execution_history(c, EX("jobs", "JOB-3"), &o, &f, &e));
		assert_true(f.count > 2);
		assert_string_equal(f.events[f.count - 1].type, "ExecutionFailed");
		assert_string_equal(f.events[f.count - 1].error, "S3.AccessDenied");
		assert_string_equal(f.events[f.count - 1].cause, "bucket policy");
		assert_non_null(strstr(f.events[f.count - 1].details_json, "S3.AccessDenied"));
		for (size_t i = 0; i < f.count; i++)
			if (strcmp(f.events[i].type, "TaskFailed") == 0) {
				task_failed++;
				assert_string_equal(f.events[i].resource_type, "lambda");
				assert_non_null(f.events[i].error);
			}
		assert_int_equal(task_failed, 1);
		sfn_history_free(&f);
	}

	sfn_history_free(&one);
	sfn_history_free(&paged);
	sfn_history_free(&rev);
	sfn_history_free(&lean);
	sfn_history_free(&capped);
	aws_client_destroy(c);
}

static void test_sfn_start_stop(void **state)
{
	struct aws_client *c = client(&main_sim, &op);
	struct sfn_start_result a, b, d;
	struct sfn_stop_result s1, s2;
	struct sfn_execution x;
	struct aws_error e;
	(void)state;

	ASSERT_OK(sfn_start_execution(c, SM("hold"), "named-run", "{\"a\":1}", &a, &e));
	assert_string_equal(a.execution_arn, EX("hold", "named-run"));
	assert_true(a.start_date >= T0);
	assert_int_equal(a.meta.attempts, 1);
	assert_false(a.meta.already_done);
	assert_true(a.meta.request_id[0] != '\0');

	/* the same name and input while it runs: the same execution */
	ASSERT_OK(sfn_start_execution(c, SM("hold"), "named-run", "{\"a\":1}", &b, &e));
	assert_string_equal(b.execution_arn, a.execution_arn);
	assert_true(b.start_date == a.start_date);

	/* the same name with another input is refused, and not retried */
	assert_int_equal(sfn_start_execution(c, SM("hold"), "named-run", "{\"a\":2}", &d, &e),
			 CUTOVER_EAWS);
	assert_string_equal(e.code, "ExecutionAlreadyExists");
	assert_int_equal(e.attempts, 1);

	ASSERT_OK(sfn_describe_execution(c, a.execution_arn, &x, &e));
	assert_string_equal(x.status, "RUNNING");
	assert_string_equal(x.input, "{\"a\":1}");
	sfn_execution_free(&x);

	ASSERT_OK(sfn_stop_execution(c, a.execution_arn, "Operator.Abort", "stopped by test",
				     &s1, &e));
	assert_true(s1.stop_date >= a.start_date);
	assert_int_equal(s1.meta.attempts, 1);
	ASSERT_OK(sfn_describe_execution(c, a.execution_arn, &x, &e));
	assert_string_equal(x.status, "ABORTED");
	assert_string_equal(x.error, "Operator.Abort");
	assert_string_equal(x.cause, "stopped by test");
	assert_true(x.stop_date == s1.stop_date);
	sfn_execution_free(&x);
	/* stopping a closed execution changes nothing */
	ASSERT_OK(sfn_stop_execution(c, a.execution_arn, NULL, NULL, &s2, &e));
	assert_true(s2.stop_date == s1.stop_date);

	sfn_start_result_free(&a);
	sfn_start_result_free(&b);
	aws_client_destroy(c);
}

/* The token of a waiting approval in a history (TaskScheduled parameters,
 * Payload.taskToken), as the console finds it; NULL if none yet. */
static char *token_in(const struct sfn_history *h)
{
	for (size_t i = 0; i < h->count; i++) {
		const char *p, *q;

		if (strcmp(h->events[i].type, "TaskScheduled") != 0 || !h->events[i].resource ||
		    strcmp(h->events[i].resource, "invoke.waitForTaskToken") != 0)
			continue;
		assert_non_null(h->events[i].parameters);
		p = strstr(h->events[i].parameters, "\"taskToken\":\"");
		assert_non_null(p);
		p += strlen("\"taskToken\":\"");
		q = strchr(p, '"');
		assert_non_null(q);
		return strndup(p, (size_t)(q - p));
	}
	return NULL;
}

static char *find_token(struct aws_client *c, const char *exec_arn)
{
	struct sfn_history_opts o = { 1, 1, 0, 0 };   /* newest first, with data */
	double until = now_s() + 10;

	while (now_s() < until) {
		struct sfn_history h;
		struct aws_error e;
		char *tok;

		ASSERT_OK(sfn_get_execution_history(c, exec_arn, &o, &h, &e));
		tok = token_in(&h);
		sfn_history_free(&h);
		if (tok)
			return tok;
		usleep(20000);
	}
	fail_msg("no approval token appeared in %s", exec_arn);
	return NULL;
}

static void wait_status(struct aws_client *c, const char *arn, const char *want,
			struct sfn_execution *x)
{
	double until = now_s() + 10;
	struct aws_error e;

	for (;;) {
		ASSERT_OK(sfn_describe_execution(c, arn, x, &e));
		if (strcmp(x->status, want) == 0 || now_s() > until)
			break;
		sfn_execution_free(x);
		usleep(20000);
	}
	assert_string_equal(x->status, want);
}

static void test_sfn_task_tokens(void **state)
{
	struct aws_client *c = client(&main_sim, &op);
	struct sfn_task_result r;
	struct sfn_execution x;
	struct aws_error e;
	char *tok;
	(void)state;

	tok = find_token(c, EX("cutover-main", "approve-me"));
	assert_true(strlen(tok) > 100);
	ASSERT_OK(sfn_send_task_success(c, tok, "{\"approved\":true}", &r, &e));
	assert_int_equal(r.meta.attempts, 1);
	assert_false(r.meta.already_done);
	wait_status(c, EX("cutover-main", "approve-me"), "SUCCEEDED", &x);
	sfn_execution_free(&x);
	/* answered once: a second answer is refused, not retried, not "done" */
	assert_int_equal(sfn_send_task_success(c, tok, "{}", &r, &e), CUTOVER_EAWS);
	assert_string_equal(e.code, "InvalidToken");
	assert_int_equal(e.attempts, 1);
	free(tok);

	tok = find_token(c, EX("cutover-main", "reject-me"));
	ASSERT_OK(sfn_send_task_failure(c, tok, "Operator.Rejected", "not tonight", &r, &e));
	wait_status(c, EX("cutover-main", "reject-me"), "FAILED", &x);
	assert_string_equal(x.error, "Operator.Rejected");
	assert_string_equal(x.cause, "not tonight");
	sfn_execution_free(&x);
	free(tok);
	aws_client_destroy(c);
}

/* ---- SSM ---------------------------------------------------------------- */

static int has_name(const struct ssm_parameter_list *l, const char *name)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return 1;
	return 0;
}

static void test_ssm_get_parameters(void **state)
{
	const char *names[14];
	char buf[12][32];
	struct aws_client *c = client(&main_sim, &op);
	struct ssm_parameter_list l;
	struct aws_error e;
	(void)state;

	for (int i = 0; i < 12; i++) {
		snprintf(buf[i], sizeof(buf[i]), "/app/flags/f%02d", i + 1);
		names[i] = buf[i];
	}
	names[12] = "/app/nope/a";
	names[13] = "/app/flags/f01:7";   /* a version that does not exist */
	/* 14 names: two calls of 10 and 4 */
	ASSERT_OK(ssm_get_parameters(c, names, 14, 0, &l, &e));
	assert_int_equal(l.count, 12);
	for (int i = 0; i < 12; i++) {
		char v[8];

		snprintf(v, sizeof(v), "v%02d", i + 1);
		assert_true(has_name(&l, names[i]));
		for (size_t k = 0; k < l.count; k++)
			if (strcmp(l.items[k].name, names[i]) == 0) {
				assert_string_equal(l.items[k].value, v);
				assert_string_equal(l.items[k].type, "String");
				assert_true(l.items[k].version >= 1);
				assert_true(l.items[k].last_modified_date == T0);
				assert_non_null(strstr(l.items[k].arn, ":parameter/app/flags/"));
			}
	}
	assert_int_equal(l.invalid_count, 2);   /* in the order the sim lists them */
	assert_true(strcmp(l.invalid[0], "/app/nope/a") == 0 ||
		    strcmp(l.invalid[1], "/app/nope/a") == 0);
	assert_true(strcmp(l.invalid[0], "/app/flags/f01:7") == 0 ||
		    strcmp(l.invalid[1], "/app/flags/f01:7") == 0);
	ssm_parameter_list_free(&l);

	/* a version selector: the name comes back bare, the selector apart */
	names[0] = "/app/flags/f02:1";
	ASSERT_OK(ssm_get_parameters(c, names, 1, 0, &l, &e));
	assert_int_equal(l.count, 1);
	assert_int_equal(l.invalid_count, 0);
	assert_string_equal(l.items[0].name, "/app/flags/f02");
	assert_string_equal(l.items[0].selector, ":1");
	assert_string_equal(l.items[0].value, "v02");
	ssm_parameter_list_free(&l);

	names[0] = "/app/db/password";
	ASSERT_OK(ssm_get_parameters(c, names, 1, 1, &l, &e));
	assert_int_equal(l.count, 1);
	assert_string_equal(l.items[0].type, "SecureString");
	assert_string_equal(l.items[0].value, "s3cret");
	ssm_parameter_list_free(&l);
	ASSERT_OK(ssm_get_parameters(c, names, 1, 0, &l, &e));
	assert_int_equal(l.count, 1);
	assert_string_not_equal(l.items[0].value, "s3cret");
	ssm_parameter_list_free(&l);
	aws_client_destroy(c);
}

static void test_ssm_by_path(void **state)
{
	struct aws_client *c = client(&main_sim, &op);
	struct ssm_parameter_list l;
	struct aws_error e;
	(void)state;

	/* 23 under /app/flags/ at 10 a page, and the seed makes the second
	 * page an empty one with a NextToken (group_setup): a client that
	 * stopped there would return 10 */
	assert_true(sim_rand_unit(main_sim.seed, "/app/flags/|1", 10) < 0.3);
	ASSERT_OK(ssm_get_parameters_by_path(c, "/app/flags/", 1, 0, 0, &l, &e));
	assert_int_equal(l.count, 23);
	assert_false(l.truncated);
	assert_true(has_name(&l, "/app/flags/f01"));
	assert_true(has_name(&l, "/app/flags/f20"));
	assert_true(has_name(&l, "/app/flags/deep/f23"));
	for (size_t i = 0; i < l.count; i++)
		if (strcmp(l.items[i].name, "/app/flags/deep/f23") == 0)
			assert_string_equal(l.items[i].type, "StringList");
	ssm_parameter_list_free(&l);

	ASSERT_OK(ssm_get_parameters_by_path(c, "/app/flags", 0, 0, 0, &l, &e));
	assert_int_equal(l.count, 20);
	assert_false(has_name(&l, "/app/flags/deep/f21"));
	ssm_parameter_list_free(&l);

	ASSERT_OK(ssm_get_parameters_by_path(c, "/app/flags/", 1, 0, 15, &l, &e));
	assert_int_equal(l.count, 15);
	assert_true(l.truncated);
	ssm_parameter_list_free(&l);

	ASSERT_OK(ssm_get_parameters_by_path(c, "/nothing/here", 1, 0, 0, &l, &e));
	assert_int_equal(l.count, 0);
	ssm_parameter_list_free(&l);
	aws_client_destroy(c);
}

static void test_ssm_put_and_history(void **state)
{
	struct aws_client *c = client(&main_sim, &op), *rc = client(&main_sim, &role);
	struct ssm_put_input in = { "/app/mode", "maintenance", NULL, NULL, 1 };
	struct ssm_put_result r;
	struct ssm_parameter_list l;
	struct aws_error e;
	const char *mode = "/app/mode";
	(void)state;

	ASSERT_OK(ssm_put_parameter(c, &in, &r, &e));
	assert_int_equal(r.version, 2);
	assert_string_equal(r.tier, "Standard");
	assert_int_equal(r.meta.attempts, 1);
	in.value = "normal";
	ASSERT_OK(ssm_put_parameter(rc, &in, &r, &e));   /* signed with a session token */
	assert_int_equal(r.version, 3);

	ASSERT_OK(ssm_get_parameter_history(c, mode, 0, 0, &l, &e));
	assert_int_equal(l.count, 3);
	assert_int_equal(l.items[0].version, 1);
	assert_string_equal(l.items[0].value, "normal");
	assert_string_equal(l.items[0].last_modified_user, "arn:aws:iam::" ACCOUNT ":user/terraform");
	assert_int_equal(l.items[1].version, 2);
	assert_string_equal(l.items[1].value, "maintenance");
	assert_string_equal(l.items[1].last_modified_user, OPERATOR_ARN);
	assert_true(l.items[1].last_modified_date >= T0);
	assert_int_equal(l.items[2].version, 3);
	assert_string_equal(l.items[2].last_modified_user, ROLE_ARN);
	ssm_parameter_list_free(&l);

	ASSERT_OK(ssm_get_parameters(c, &mode, 1, 0, &l, &e));
	assert_int_equal(l.items[0].version, 3);
	assert_string_equal(l.items[0].value, "normal");
	ssm_parameter_list_free(&l);

	/* overwriting without naming a type keeps the parameter's type: a
	 * SecureString stays encrypted (botocore's model: "Specifying a
	 * parameter type isn't required when updating a parameter") */
	{
		const char *pw = "/app/db/password";
		struct ssm_put_input sec = { pw, "n3w-s3cret", NULL, NULL, 1 };

		ASSERT_OK(ssm_put_parameter(c, &sec, &r, &e));
		assert_int_equal(r.version, 2);
		ASSERT_OK(ssm_get_parameters(c, &pw, 1, 1, &l, &e));
		assert_string_equal(l.items[0].type, "SecureString");
		assert_string_equal(l.items[0].value, "n3w-s3cret");
		ssm_parameter_list_free(&l);
	}

	/* a value with quotes, a backslash, a newline and UTF-8 round-trips
	 * (and the body's signature covers its bytes) */
	{
		const char *odd_name = "/app/odd";
		const char *want = "caf\xc3\xa9 \"q\" back\\slash\nline \xe2\x9c\x93";
		struct ssm_put_input oi = { odd_name, NULL, "String", NULL, 0 };

		oi.value = want;
		ASSERT_OK(ssm_put_parameter(c, &oi, &r, &e));
		ASSERT_OK(ssm_get_parameters(c, &odd_name, 1, 0, &l, &e));
		assert_int_equal(l.count, 1);
		assert_string_equal(l.items[0].value, want);
		ssm_parameter_list_free(&l);
	}

	/* a new parameter without Overwrite, then again: ParameterAlreadyExists */
	in = (struct ssm_put_input){ "/app/new", "x", "String", "made by the test", 0 };
	ASSERT_OK(ssm_put_parameter(c, &in, &r, &e));
	assert_int_equal(r.version, 1);
	assert_int_equal(ssm_put_parameter(c, &in, &r, &e), CUTOVER_EAWS);
	assert_string_equal(e.code, "ParameterAlreadyExists");
	assert_int_equal(e.attempts, 1);

	/* 60 more versions: the history crosses pages of 50 */
	in = (struct ssm_put_input){ "/app/new", NULL, NULL, NULL, 1 };
	for (int i = 2; i <= 61; i++) {
		char v[16];

		snprintf(v, sizeof(v), "value-%d", i);
		in.value = v;
		ASSERT_OK(ssm_put_parameter(c, &in, &r, &e));
		assert_int_equal(r.version, i);
	}
	ASSERT_OK(ssm_get_parameter_history(c, "/app/new", 0, 0, &l, &e));
	assert_int_equal(l.count, 61);
	for (size_t i = 0; i < l.count; i++)
		assert_int_equal(l.items[i].version, (long long)i + 1);
	assert_string_equal(l.items[0].description, "made by the test");
	assert_string_equal(l.items[60].value, "value-61");
	ssm_parameter_list_free(&l);
	ASSERT_OK(ssm_get_parameter_history(c, "/app/new", 0, 55, &l, &e));
	assert_int_equal(l.count, 55);
	assert_true(l.truncated);
	ssm_parameter_list_free(&l);
	aws_client_destroy(c);
	aws_client_destroy(rc);
}

/* ---- CloudWatch --------------------------------------------------------- */

static const struct cw_dimension api_dim[] = { { "Service", "api" } };

static const struct cw_result *result(const struct cw_metric_data *d, const char *id)
{
	for (size_t i = 0; i < d->count; i++)
		if (strcmp(d->results[i].id, id) == 0)
			return &d->results[i];
	fail_msg("no result for %s", id);
	return NULL;
}

static void test_cw_metric_stat_and_expression(void **state)
{
	struct cw_query q[3];
	struct aws_client *c = client(&main_sim, &op);
	struct cw_metric_data d;
	const struct cw_result *r;
	struct aws_error e;
	(void)state;

	memset(q, 0, sizeof(q));
	q[0] = (struct cw_query){ .id = "m1", .hide = 1, .namespace_name = "App",
				  .metric_name = "Latency", .dimensions = api_dim,
				  .dimension_count = 1, .period = 60, .stat = "Average" };
	q[1] = (struct cw_query){ .id = "e1", .label = "double", .expression = "m1 * 2" };
	q[2] = (struct cw_query){ .id = "m2", .namespace_name = "App", .metric_name = "Latency",
				  .dimensions = api_dim, .dimension_count = 1, .period = 300,
				  .stat = "Maximum", .unit = "Milliseconds" };
	ASSERT_OK(cw_get_metric_data(c, q, 3, T0 - 3600, T0, &d, &e));
	assert_int_equal(d.count, 2);   /* m1 is only an input */
	r = result(&d, "e1");
	assert_string_equal(r->label, "double");
	assert_string_equal(r->status_code, "Complete");
	assert_int_equal(r->count, 60);
	for (size_t i = 0; i < r->count; i++) {
		assert_true(r->timestamps[i] == T0 - 3600 + 60.0 * (double)i);
		assert_true(r->values[i] == 200.0);
	}
	r = result(&d, "m2");
	assert_string_equal(r->label, "Latency");   /* the default label */
	assert_int_equal(r->count, 12);
	assert_true(r->values[0] == 100.0 && r->values[11] == 100.0);
	assert_true(r->timestamps[11] == T0 - 300);
	cw_metric_data_free(&d);

	/* the sim refuses what CloudWatch refuses, and the code comes through */
	q[1].expression = "m1 * nope";
	assert_int_equal(cw_get_metric_data(c, q, 2, T0 - 3600, T0, &d, &e), CUTOVER_EAWS);
	assert_string_equal(e.code, "ValidationError");
	assert_int_equal(e.attempts, 1);
	aws_client_destroy(c);
}

static void test_cw_pages_and_blocks(void **state)
{
	enum { NPAGED = 12, NSPLIT = 501 };
	struct cw_query *q = calloc(NSPLIT, sizeof(*q));
	char (*ids)[8] = calloc(NSPLIT, sizeof(*ids));
	struct aws_client *c = client(&main_sim, &op);
	struct cw_metric_data d;
	struct aws_error e;
	(void)state;

	assert_non_null(q);
	assert_non_null(ids);
	for (int i = 0; i < NSPLIT; i++)
		snprintf(ids[i], sizeof(ids[i]), "q%d", i);

	/* 12 x 9000 one-second datapoints: more than the 100,800 a page
	 * holds, so the answer comes in two pages merged per id */
	for (int i = 0; i < NPAGED; i++)
		q[i] = (struct cw_query){ .id = ids[i], .namespace_name = "App",
					  .metric_name = "Requests", .period = 1, .stat = "Sum" };
	ASSERT_OK(cw_get_metric_data(c, q, NPAGED, T0 - 9000, T0, &d, &e));
	assert_int_equal(d.count, NPAGED);
	for (int i = 0; i < NPAGED; i++) {
		const struct cw_result *r = &d.results[i];

		assert_string_equal(r->id, ids[i]);
		assert_int_equal(r->count, 9000);
		for (size_t k = 0; k < r->count; k++)
			if (r->timestamps[k] != T0 - 9000 + (double)k || r->values[k] != 7.0)
				fail_msg("%s[%zu] = %g at %.0f", r->id, k, r->values[k],
					 r->timestamps[k]);
	}
	/* the later page said Complete for the results it finished */
	assert_string_equal(d.results[NPAGED - 1].status_code, "Complete");
	cw_metric_data_free(&d);

	/* 501 queries: calls of 500 and 1 (the sim refuses more than 500) */
	for (int i = 0; i < NSPLIT; i++)
		q[i] = (struct cw_query){ .id = ids[i], .namespace_name = "App",
					  .metric_name = "Latency", .dimensions = api_dim,
					  .dimension_count = 1, .period = 60, .stat = "Average" };
	ASSERT_OK(cw_get_metric_data(c, q, NSPLIT, T0 - 600, T0, &d, &e));
	assert_int_equal(d.count, NSPLIT);
	for (int i = 0; i < NSPLIT; i++) {
		assert_string_equal(d.results[i].id, ids[i]);
		assert_int_equal(d.results[i].count, 10);
		assert_true(d.results[i].values[9] == 100.0);
	}
	cw_metric_data_free(&d);
	free(q);
	free(ids);
	aws_client_destroy(c);
}

static void test_cw_alarms(void **state)
{
	const char *composite = "service-unhealthy";
	struct aws_client *c = client(&main_sim, &op);
	struct cw_alarm_list l;
	struct aws_error e;
	(void)state;

	ASSERT_OK(cw_describe_alarms(c, NULL, 0, NULL, 0, &l, &e));
	assert_int_equal(l.count, 3);
	for (size_t i = 0; i < l.count; i++) {
		const struct cw_alarm *a = &l.items[i];

		if (strcmp(a->name, "errors-high") == 0) {
			assert_false(a->composite);
			assert_string_equal(a->state_value, "ALARM");
			assert_string_equal(a->namespace_name, "App");
			assert_string_equal(a->metric_name, "Errors");
			assert_string_equal(a->statistic, "Sum");
			assert_string_equal(a->comparison_operator, "GreaterThanThreshold");
			assert_true(a->threshold == 10.0);
			assert_int_equal(a->period, 60);
			assert_int_equal(a->evaluation_periods, 1);
			assert_string_equal(a->arn, "arn:aws:cloudwatch:" REGION ":" ACCOUNT
					    ":alarm:errors-high");
			assert_non_null(a->state_reason);
			assert_true(a->state_updated > T0 - 86400 && a->state_updated < T0 + 3600);
		} else if (strcmp(a->name, "latency-high") == 0) {
			assert_string_equal(a->state_value, "OK");
		} else {
			assert_string_equal(a->name, "service-unhealthy");
			assert_true(a->composite);
			assert_string_equal(a->state_value, "ALARM");
			assert_non_null(strstr(a->alarm_rule, "errors-high"));
		}
	}
	cw_alarm_list_free(&l);

	ASSERT_OK(cw_describe_alarms(c, &composite, 1, NULL, 0, &l, &e));
	assert_int_equal(l.count, 1);
	assert_true(l.items[0].composite);
	cw_alarm_list_free(&l);
	ASSERT_OK(cw_describe_alarms(c, NULL, 0, "latency", 0, &l, &e));
	assert_int_equal(l.count, 1);
	assert_string_equal(l.items[0].name, "latency-high");
	cw_alarm_list_free(&l);
	aws_client_destroy(c);
}

/* ---- STS, health -------------------------------------------------------- */

static void test_sts_and_health(void **state)
{
	struct aws_client *c = client(&main_sim, &op), *rc = client(&main_sim, &role);
	struct sts_identity id;
	struct aws_health h;
	struct aws_error e;
	char url[96];
	(void)state;

	ASSERT_OK(sts_get_caller_identity(c, &id, &e));
	assert_string_equal(id.account, ACCOUNT);
	assert_string_equal(id.arn, OPERATOR_ARN);
	assert_true(strncmp(id.user_id, "AIDA", 4) == 0);
	assert_true(id.request_id[0] != '\0');
	ASSERT_OK(sts_get_caller_identity(rc, &id, &e));
	assert_string_equal(id.arn, ROLE_ARN);
	assert_true(strncmp(id.user_id, "AROA", 4) == 0);
	assert_non_null(strstr(id.user_id, ":alice"));

	snprintf(url, sizeof(url), "%s/health", main_sim.url);
	ASSERT_OK(aws_health_check(c, url, 1024, &h, &e));
	assert_int_equal(h.http_status, 200);
	assert_string_equal(h.body, "OK");
	assert_true(h.latency_ms >= 0 && h.latency_ms < 5000);
	aws_health_free(&h);
	snprintf(url, sizeof(url), "%s/degraded", main_sim.url);
	ASSERT_OK(aws_health_check(c, url, 10, &h, &e));
	assert_int_equal(h.http_status, 503);
	assert_int_equal(h.body_len, 10);
	assert_true(h.truncated);
	aws_health_free(&h);
	aws_client_destroy(c);
	aws_client_destroy(rc);
}

/* ---- the sim checks signatures ----------------------------------------- */

static void expect_auth(struct test_creds *cr, const char *sfn_code, const char *sts_code)
{
	struct aws_client *c = client(&main_sim, cr);
	struct sfn_execution x;
	struct ssm_parameter_list l;
	struct sts_identity id;
	struct aws_error e;
	const char *name = "/app/mode";
	char text[1024];

	assert_int_equal(sfn_describe_execution(c, EX("jobs", "JOB-1"), &x, &e), CUTOVER_EAUTH);
	assert_string_equal(e.code, sfn_code);
	assert_int_equal(e.kind, AWS_ERR_AUTH);
	assert_int_equal(e.http_status, 400);
	assert_int_equal(e.attempts, 1);   /* never retried */
	aws_error_render(&e, text, sizeof(text));
	assert_null(strstr(text, cr->secret));
	if (cr->token)
		assert_null(strstr(text, cr->token));

	assert_int_equal(ssm_get_parameters(c, &name, 1, 0, &l, &e), CUTOVER_EAUTH);
	assert_string_equal(e.code, sfn_code);
	assert_int_equal(e.attempts, 1);

	assert_int_equal(sts_get_caller_identity(c, &id, &e), CUTOVER_EAUTH);
	assert_string_equal(e.code, sts_code);
	assert_int_equal(e.http_status, 403);
	assert_int_equal(e.attempts, 1);
	aws_client_destroy(c);
}

static void test_signatures_verified(void **state)
{
	struct test_creds wrong_secret = { "AKIDCLIENTTEST", "client/secret+kez", NULL, 0 };
	struct test_creds unknown_key = { "AKIDNOBODY", "client/secret+key", NULL, 0 };
	struct test_creds no_token = { "ASIACLIENTROLE", "role/secret+key", NULL, 0 };
	struct test_creds bad_token = { "ASIACLIENTROLE", "role/secret+key",
					"FQoGZXIvYXdzCLIENT/token+sessioN==", 0 };
	struct test_creds stray_token = { "AKIDCLIENTTEST", "client/secret+key", ROLE_TOKEN, 0 };
	struct aws_client *c;
	struct cw_alarm_list l;
	struct aws_error e;
	(void)state;

	expect_auth(&wrong_secret, "InvalidSignatureException", "SignatureDoesNotMatch");
	expect_auth(&unknown_key, "UnrecognizedClientException", "InvalidClientTokenId");
	expect_auth(&no_token, "UnrecognizedClientException", "InvalidClientTokenId");
	expect_auth(&bad_token, "UnrecognizedClientException", "InvalidClientTokenId");
	expect_auth(&stray_token, "UnrecognizedClientException", "InvalidClientTokenId");

	/* CloudWatch JSON: the Query code from x-amzn-query-error, as botocore */
	c = client(&main_sim, &wrong_secret);
	assert_int_equal(cw_describe_alarms(c, NULL, 0, NULL, 0, &l, &e), CUTOVER_EAUTH);
	assert_string_equal(e.code, "SignatureDoesNotMatch");
	assert_int_equal(e.kind, AWS_ERR_AUTH);
	assert_int_equal(e.attempts, 1);
	aws_client_destroy(c);
}

/* ---- faults the client rides out --------------------------------------- */

static void test_faults_retried(void **state)
{
	/* requests 1..10 alternate fault / no fault; every call below meets one
	 * fault and then succeeds on its second attempt */
	uint64_t seed = seed_for_pattern("1010101010");
	struct sim flaky;
	struct aws_client *c;
	struct sfn_execution x;
	struct ssm_parameter_list l;
	struct cw_metric_data d;
	struct sts_identity id;
	struct ssm_put_result r;
	struct ssm_put_input in = { "/app/mode", "maintenance", NULL, NULL, 1 };
	struct cw_query q = { .id = "m1", .namespace_name = "App", .metric_name = "Latency",
			      .period = 60, .stat = "Average" };
	const char *name = "/app/mode";
	struct aws_error e;
	(void)state;

	assert_true(seed != 0);
	assert_int_equal(sim_up(&flaky, "client-flaky.scenario.json", 1.0, seed), 0);
	c = client(&flaky, &op);

	/* first, on a fresh connection: a dropped one is retried (a reused
	 * one libcurl would re-send by itself, hiding the attempt) */
	ASSERT_OK(sfn_describe_execution(c, EX("hold", "run-1"), &x, &e));
	assert_int_equal(e.attempts, 2);
	assert_string_equal(x.status, "RUNNING");
	sfn_execution_free(&x);

	ASSERT_OK(ssm_get_parameters(c, &name, 1, 0, &l, &e));   /* throttled, then ok */
	assert_int_equal(e.attempts, 2);
	assert_int_equal(l.count, 1);
	assert_string_equal(l.items[0].value, "normal");
	ssm_parameter_list_free(&l);

	ASSERT_OK(cw_get_metric_data(c, &q, 1, T0 - 600, T0, &d, &e));   /* 5xx, then ok */
	assert_int_equal(e.attempts, 2);
	assert_int_equal(d.count, 1);
	assert_int_equal(d.results[0].count, 10);
	cw_metric_data_free(&d);

	ASSERT_OK(sts_get_caller_identity(c, &id, &e));   /* Query throttling, then ok */
	assert_int_equal(e.attempts, 2);
	assert_string_equal(id.account, ACCOUNT);

	ASSERT_OK(ssm_put_parameter(c, &in, &r, &e));   /* the meta says so too */
	assert_int_equal(r.meta.attempts, 2);
	assert_int_equal(r.version, 2);
	assert_false(r.meta.already_done);

	assert_true(aws_client_retry_quota_get(c) > 0);
	aws_client_destroy(c);
	sim_down(&flaky);
}

/* ---- faults the client gives up on -------------------------------------- */

static void test_faults_persistent(void **state)
{
	const uint64_t seed = 7;
	struct sim down;
	struct aws_client *c, *slow;
	struct sfn_stop_result sr;
	struct sfn_execution x;
	struct ssm_parameter_list l;
	struct sts_identity id;
	struct aws_health h;
	struct aws_error e;
	const char *name = "/app/mode";
	char want[40], text[1024], url[96];
	double t;
	(void)state;

	assert_int_equal(sim_up(&down, "client-down.scenario.json", 1.0, seed), 0);
	c = client(&down, &op);

	/* request 1: StopExecution's connection is dropped.  It is not safe to
	 * repeat, so one attempt and an honest "outcome unknown" */
	assert_int_equal(sfn_stop_execution(c, EX("hold", "run-1"), "Operator.Abort", NULL,
					    &sr, &e), CUTOVER_ETRANSPORT);
	assert_int_equal(e.kind, AWS_ERR_TRANSPORT);
	assert_int_equal(e.attempts, 1);
	assert_true(e.outcome_unknown);
	assert_string_equal(e.operation, "StopExecution");

	/* requests 2..4: SSM fails with a 5xx every time: exactly 3 attempts,
	 * in well under a second with a 10 ms backoff base.  The request id
	 * is the sim's 4th: StopExecution reached it once, not twice */
	t = now_s();
	assert_int_equal(ssm_get_parameters(c, &name, 1, 0, &l, &e), CUTOVER_EAWS);
	t = now_s() - t;
	assert_int_equal(e.attempts, 3);
	assert_true(e.http_status == 500 || e.http_status == 503);
	assert_true(strcmp(e.code, "InternalFailure") == 0 ||
		    strcmp(e.code, "ServiceUnavailable") == 0);
	assert_false(e.retry_quota_exhausted);
	assert_true(t < 2.0);
	sim_request_id(seed, 4, want);
	assert_string_equal(e.request_id, want);
	aws_error_render(&e, text, sizeof(text));
	assert_non_null(strstr(text, "3 times"));

	/* a safe read over dropped connections is retried: 3 attempts */
	assert_int_equal(sfn_describe_execution(c, EX("hold", "run-1"), &x, &e),
			 CUTOVER_ETRANSPORT);
	assert_int_equal(e.attempts, 3);
	assert_false(e.outcome_unknown);
	assert_non_null(strstr(e.detail, "dropped"));

	/* STS answers after 1.5 s; the client gives up at 300 ms per attempt */
	slow = client_for(down.url, &op, 300, 3);
	assert_non_null(slow);
	t = now_s();
	assert_int_equal(sts_get_caller_identity(slow, &id, &e), CUTOVER_ETIMEOUT);
	t = now_s() - t;
	assert_int_equal(e.kind, AWS_ERR_TRANSPORT);
	assert_int_equal(e.attempts, 3);
	assert_true(t >= 0.85 && t < 3.0);
	assert_non_null(strstr(e.endpoint, down.url));
	aws_error_render(&e, text, sizeof(text));
	assert_non_null(strstr(text, down.url));
	assert_non_null(strstr(text, "timed out"));

	/* a health check is never retried; it times out naming its URL */
	snprintf(url, sizeof(url), "%s/slow", down.url);
	t = now_s();
	assert_int_equal(aws_health_check(slow, url, 100, &h, &e), CUTOVER_ETIMEOUT);
	t = now_s() - t;
	assert_int_equal(e.attempts, 1);
	assert_true(t < 1.4);
	assert_string_equal(e.endpoint, url);
	aws_health_free(&h);

	aws_client_destroy(slow);
	aws_client_destroy(c);
	sim_down(&down);
}

/* ---- an ambiguous failure, then the retry learns it already happened ---- */

/* The sim's injected latency for its n-th request under a [0, 1500] window
 * (sim_server.c's roll_fault). */
static int slow_latency(uint64_t seed, int64_t n)
{
	return (int)(sim_rand_unit(seed, "latency", n) * 1501);
}

static void test_ambiguous_then_already_done(void **state)
{
	struct sim slow;
	struct aws_client *patient, *hasty;
	struct sfn_task_result tr;
	struct sfn_start_result sr;
	struct sfn_execution_list l;
	struct sfn_execution x;
	struct aws_error e;
	uint64_t seed;
	char *tok;
	(void)state;

	/* requests 2 and 4 answer too late for a 700 ms client (after the sim
	 * acted on them), 3 and 5 in time; half a second of margin each way */
	for (seed = 1; seed < 10000000; seed++)
		if (slow_latency(seed, 2) > 1200 && slow_latency(seed, 3) < 200 &&
		    slow_latency(seed, 4) > 1200 && slow_latency(seed, 5) < 200 &&
		    slow_latency(seed, 6) > 1200 && slow_latency(seed, 7) < 200)
			break;
	assert_int_equal(sim_up(&slow, "client-slow.scenario.json", 1.0, seed), 0);
	patient = client_for(slow.url, &op, 5000, 1);
	hasty = client_for(slow.url, &op, 700, 3);
	assert_non_null(patient);
	assert_non_null(hasty);

	/* 1: the history, once the approval is waiting (its events are
	 * milliseconds apart from t = 0); the request id says it was the 1st */
	usleep(400000);
	{
		struct sfn_history_opts o = { 0, 1, 0, 0 };
		struct sfn_history h;
		char want[40];

		ASSERT_OK(sfn_get_execution_history(patient, "arn:aws:states:" REGION ":"
						    ACCOUNT ":execution:approval:wait-1", &o,
						    &h, &e));
		sim_request_id(seed, 1, want);
		assert_string_equal(e.request_id, want);
		tok = token_in(&h);
		sfn_history_free(&h);
		assert_non_null(tok);
	}
	/* 2: answered, but the answer comes after the client gave up; 3: the
	 * retry hears "InvalidToken", which after an ambiguous failure means
	 * the first attempt took effect */
	ASSERT_OK(sfn_send_task_success(hasty, tok, "{\"approved\":true}", &tr, &e));
	assert_int_equal(tr.meta.attempts, 2);
	assert_true(tr.meta.already_done);
	free(tok);

	/* 4 and 5: a named StartExecution whose answer was lost is repeated
	 * safely: the retry returns the execution the first attempt started */
	ASSERT_OK(sfn_start_execution(hasty, "arn:aws:states:" REGION ":" ACCOUNT
				      ":stateMachine:hold", "once", "{}", &sr, &e));
	assert_int_equal(sr.meta.attempts, 2);
	assert_non_null(strstr(sr.execution_arn, ":execution:hold:once"));
	sfn_start_result_free(&sr);

	/* 6 and 7: the same for an execution that is over by the time of the
	 * retry: ExecutionAlreadyExists now means "done", and the ARN is
	 * built from the machine's as AWS builds it */
	ASSERT_OK(sfn_start_execution(hasty, "arn:aws:states:" REGION ":" ACCOUNT
				      ":stateMachine:quick", "fast-one", NULL, &sr, &e));
	assert_int_equal(sr.meta.attempts, 2);
	assert_true(sr.meta.already_done);
	assert_string_equal(sr.execution_arn, "arn:aws:states:" REGION ":" ACCOUNT
			    ":execution:quick:fast-one");
	sfn_start_result_free(&sr);
	ASSERT_OK(sfn_describe_execution(patient, "arn:aws:states:" REGION ":" ACCOUNT
					 ":execution:quick:fast-one", &x, &e));
	assert_string_equal(x.status, "SUCCEEDED");
	sfn_execution_free(&x);

	ASSERT_OK(sfn_list_executions(patient, "arn:aws:states:" REGION ":" ACCOUNT
				      ":stateMachine:hold", NULL, 0, &l, &e));
	assert_int_equal(l.count, 1);   /* one execution, not two */
	sfn_execution_list_free(&l);
	wait_status(patient, "arn:aws:states:" REGION ":" ACCOUNT ":execution:approval:wait-1",
		    "SUCCEEDED", &x);
	sfn_execution_free(&x);

	aws_client_destroy(hasty);
	aws_client_destroy(patient);
	sim_down(&slow);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sfn_describe),
		cmocka_unit_test(test_sfn_list_executions),
		cmocka_unit_test(test_sfn_history_pages),
		cmocka_unit_test(test_sfn_start_stop),
		cmocka_unit_test(test_sfn_task_tokens),
		cmocka_unit_test(test_ssm_get_parameters),
		cmocka_unit_test(test_ssm_by_path),
		cmocka_unit_test(test_ssm_put_and_history),
		cmocka_unit_test(test_cw_metric_stat_and_expression),
		cmocka_unit_test(test_cw_pages_and_blocks),
		cmocka_unit_test(test_cw_alarms),
		cmocka_unit_test(test_sts_and_health),
		cmocka_unit_test(test_signatures_verified),
		cmocka_unit_test(test_faults_retried),
		cmocka_unit_test(test_faults_persistent),
		cmocka_unit_test(test_ambiguous_then_already_done),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
