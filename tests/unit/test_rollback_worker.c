/* test_rollback_worker.c: the console's rollback desk thread, driven as
 * the console drives it (requests submitted, trigger states fed, views
 * and results read from this thread): arm and disarm as audited requests,
 * refusals (read-only, production without the environment's name, a gauge
 * with no auto trigger), a plan started on the worker (the runner handed
 * over started), an armed trigger whose countdown runs out starting its
 * plan with an "auto:" reason, a cancel made by another front end on the
 * same audit file ending the worker's countdown, arming made elsewhere
 * showing up, and the lock held by another runner said with who and
 * where.  Runs under TSan too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cutover/audit.h"
#include "cutover/rollback.h"
#include "cutover/rollback_store.h"
#include "cutover/rollback_worker.h"
#include "cutover/runbook.h"

static char dir[256];
static char audit_path[512];
static struct runbook *rb, *rb_prod;

#define RUNBOOK_TEXT(ENV)                                                                          \
	"{ \"name\": \"rb-worker\", \"environment\": \"" ENV "\", \"region\": \"us-east-1\",\n"    \
	"  \"gauges\": [\n"                                                                        \
	"    { \"id\": \"errors\", \"metric\": { \"namespace\": \"N\", \"name\": \"E\" },\n"       \
	"      \"warn\": 1, \"critical\": 5,\n"                                                    \
	"      \"trigger\": { \"above\": 5, \"plan\": \"short\", \"auto\": { \"countdown_s\": 2 "  \
	"} "                                                                                       \
	"} },\n"                                                                                   \
	"    { \"id\": \"latency\", \"metric\": { \"namespace\": \"N\", \"name\": \"L\" },\n"      \
	"      \"warn\": 1, \"critical\": 2, \"trigger\": { \"above\": 2, \"plan\": \"short\" } "  \
	"} "                                                                                       \
	"],\n"                                                                                     \
	"  \"rollback\": {\n"                                                                      \
	"    \"short\": { \"title\": \"Short\", \"estimate_min\": 1, \"steps\": [\n"               \
	"      { \"title\": \"Pause\", \"wait\": 600 } ] },\n"                                     \
	"    \"other\": { \"title\": \"Other\", \"estimate_min\": 1, \"steps\": [\n"               \
	"      { \"title\": \"Pause\", \"wait\": 600 } ] } } }\n"

static const char runbook_text[] = RUNBOOK_TEXT("staging");
static const char runbook_prod_text[] = RUNBOOK_TEXT("production");

static int setup(void **state)
{
	struct diag_list diags = DIAG_LIST_INIT;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/cutover-rbworker-unit.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(audit_path, sizeof(audit_path), "%s/audit.db", dir);
	setenv("AWS_ACCESS_KEY_ID", "AKIDUNIT", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "unit-secret", 1);
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent/cutover-test-config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/cutover-test-credentials", 1);
	setenv("CUTOVER_OPERATOR", "alice", 1);
	unsetenv("CUTOVER_AUDIT");
	if (runbook_load_buffer("w.json", runbook_text, strlen(runbook_text), &rb, &diags) !=
	        CUTOVER_OK ||
	    runbook_load_buffer("p.json", runbook_prod_text, strlen(runbook_prod_text), &rb_prod,
	                        &diags) != CUTOVER_OK) {
		diag_list_print(&diags, "w.json", stderr);
		diag_list_free(&diags);
		return -1;
	}
	diag_list_free(&diags);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	runbook_destroy(rb);
	runbook_destroy(rb_prod);
	if (getenv("RB_UNIT_KEEP"))
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count_rows(const char *where)
{
	char cmd[900];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"SELECT count(*) FROM events WHERE %s\"",
	         audit_path, where);
	p = popen(cmd, "r");
	if (p) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

static struct rollback_worker *make(const struct runbook *r, bool read_only)
{
	struct rollback_worker_options o;
	struct rollback_worker *w = NULL;
	struct cutover_err err;

	memset(&o, 0, sizeof(o));
	o.runner.rb = r;
	o.runner.audit_path = audit_path;
	o.runner.operator_name = "alice";
	o.audit_path = audit_path;
	o.read_only = read_only;
	o.sync_s = 0.2;
	cutover_err_clear(&err);
	assert_int_equal(rollback_worker_create(&o, &w, &err), CUTOVER_OK);
	assert_non_null(w);
	return w;
}

/* Submit and wait (up to 20 s) for that request's result. */
static void request(struct rollback_worker *w, enum rollback_worker_op op, const char *gauge,
                    const char *plan, const char *confirm, struct rollback_worker_result *res)
{
	struct rollback_worker_request q;
	struct cutover_err err;
	uint64_t id = 0;
	double deadline = mono() + 20;

	memset(&q, 0, sizeof(q));
	q.op = op;
	q.gauge_id = gauge;
	q.plan_id = plan;
	q.confirm = confirm;
	q.reason = "unit";
	cutover_err_clear(&err);
	assert_int_equal(rollback_worker_submit(w, &q, &id, &err), CUTOVER_OK);
	assert_true(id > 0);
	while (mono() < deadline) {
		if (rollback_worker_poll(w, res)) {
			assert_int_equal(res->id, id);
			return;
		}
		usleep(10000);
	}
	fail_msg("no result for request %llu", (unsigned long long)id);
}

/* Wait until the published view of gauge 0 satisfies want(). */
static bool wait_view(struct rollback_worker *w, bool (*want)(const struct rollback_auto_view *),
                      struct rollback_auto_view *v, double timeout_s)
{
	double deadline = mono() + timeout_s;

	while (mono() < deadline) {
		assert_int_equal(rollback_worker_views(w, v, 1, NULL, NULL, 0), 1);
		if (want(v))
			return true;
		usleep(20000);
	}
	return false;
}

static bool is_armed(const struct rollback_auto_view *v)
{
	return v->armed;
}
static bool is_disarmed(const struct rollback_auto_view *v)
{
	return !v->armed;
}
static bool is_counting(const struct rollback_auto_view *v)
{
	return v->counting;
}
static bool is_remote(const struct rollback_auto_view *v)
{
	return v->remote;
}
static bool is_not_remote(const struct rollback_auto_view *v)
{
	return !v->remote;
}
static bool is_cancelled(const struct rollback_auto_view *v)
{
	return v->cancelled;
}

static void test_arm_refusals_and_start(void **state)
{
	struct rollback_worker *w;
	struct rollback_worker_result res;
	struct rollback_auto_view v[2];
	struct rollback_snapshot snap;

	(void)state;
	/* Read-only: every request refused, with the reason; nothing written. */
	w = make(rb, true);
	request(w, ROLLBACK_WORKER_ARM, "errors", NULL, NULL, &res);
	assert_int_equal(res.status, CUTOVER_EREFUSED);
	assert_non_null(strstr(res.message, "--read-only"));
	request(w, ROLLBACK_WORKER_START, NULL, "short", NULL, &res);
	assert_int_equal(res.status, CUTOVER_EREFUSED);
	assert_null(res.runner);
	rollback_worker_destroy(w);
	assert_int_equal(access(audit_path, F_OK), -1);

	/* Production: arming needs the environment's name. */
	w = make(rb_prod, false);
	request(w, ROLLBACK_WORKER_ARM, "errors", NULL, "prod", &res);
	assert_int_equal(res.status, CUTOVER_EREFUSED);
	assert_non_null(strstr(res.message, "production"));
	rollback_worker_destroy(w);

	w = make(rb, false);
	assert_int_equal(rollback_worker_views(w, v, 2, NULL, NULL, 0), 1);
	assert_string_equal(v[0].gauge->id, "errors");
	request(w, ROLLBACK_WORKER_ARM, "latency", NULL, NULL, &res);
	assert_int_equal(res.status, CUTOVER_EVALIDATE);
	request(w, ROLLBACK_WORKER_ARM, "errors", NULL, NULL, &res);
	assert_int_equal(res.status, CUTOVER_OK);
	assert_true(wait_view(w, is_armed, v, 5));
	assert_string_equal(v[0].armed_by, "alice");
	request(w, ROLLBACK_WORKER_DISARM, "errors", NULL, NULL, &res);
	assert_int_equal(res.status, CUTOVER_OK);
	assert_true(wait_view(w, is_disarmed, v, 5));
	request(w, ROLLBACK_WORKER_CANCEL, "errors", NULL, NULL, &res);
	assert_int_equal(res.status, CUTOVER_ENOENT);

	/* START: the runner comes back started (its wait runs); a second
	 * start is refused by the lock with who and where. */
	request(w, ROLLBACK_WORKER_START, NULL, "short", NULL, &res);
	assert_int_equal(res.status, CUTOVER_OK);
	assert_non_null(res.runner);
	{
		struct rollback_runner *r = res.runner;
		double deadline = mono() + 10;
		bool running = false;

		while (!running && mono() < deadline) {
			assert_int_equal(rollback_runner_snapshot_take(r, &snap), CUTOVER_OK);
			running = snap.nitems == 1 && snap.items[0].state == ROLLBACK_ITEM_RUNNING;
			rollback_snapshot_free(&snap);
			usleep(20000);
		}
		assert_true(running);
		request(w, ROLLBACK_WORKER_START, NULL, "other", NULL, &res);
		assert_int_equal(res.status, CUTOVER_EREFUSED);
		assert_null(res.runner);
		assert_non_null(strstr(res.message, "alice"));
		rollback_runner_abort(r, "unit");
		rollback_runner_destroy(r);
	}
	rollback_worker_destroy(w);
	assert_int_equal(count_rows("kind='rollback.auto.arm'"), 1);
	assert_int_equal(count_rows("kind='rollback.auto.disarm'"), 1);
	assert_int_equal(count_rows("kind='rollback.start'"), 1);
}

static void test_countdown_fire_and_cancel_elsewhere(void **state)
{
	struct rollback_worker *w;
	struct rollback_worker_result res;
	struct rollback_auto_view v[1];
	bool trig[2] = {true, false}, clear[2] = {false, false};
	struct audit *log = NULL;
	struct rollback_store *st = NULL;
	struct rollback_auto *other = NULL;
	struct audit_session_info who = {"bob", NULL, NULL, "rb-worker", NULL, "staging"};
	struct cutover_err err;
	double deadline;

	(void)state;
	cutover_err_clear(&err);
	snprintf(audit_path, sizeof(audit_path), "%s/audit2.db", dir);
	w = make(rb, false);
	/* Armed by another front end (`cutover rollback --arm`): seen. */
	assert_int_equal(audit_open(audit_path, &who, &log, &err), CUTOVER_OK);
	assert_int_equal(rollback_store_open(audit_path, &st, &err), CUTOVER_OK);
	assert_int_equal(rollback_auto_create(rb, log, st, &other, &err), CUTOVER_OK);
	assert_int_equal(rollback_auto_arm(other, "errors", true, "bob", &err), CUTOVER_OK);
	assert_true(wait_view(w, is_armed, v, 5));
	assert_string_equal(v[0].armed_by, "bob");

	/* A read-only console runs no countdown of its own but shows the one
	 * another front end runs, until that one ends. */
	{
		struct rollback_worker *ro = make(rb, true);

		assert_null(rollback_auto_update(other, trig, 1000, NULL));
		assert_true(wait_view(ro, is_remote, v, 5));
		assert_false(v[0].counting);
		assert_int_equal(v[0].remote_pid, (long)getpid());
		assert_true(v[0].remote_deadline > (double)time(NULL) && v[0].remote_deadline <
		                                                          (double)time(NULL) + 3);
		assert_null(rollback_auto_update(other, clear, 1001, NULL));
		assert_true(wait_view(ro, is_not_remote, v, 5));
		rollback_worker_destroy(ro);
	}

	/* It fires: a countdown; cancelled by the other front end. */
	rollback_worker_triggers(w, trig, 2);
	assert_true(wait_view(w, is_counting, v, 5));
	assert_true(v[0].remaining_s > 0 && v[0].remaining_s <= 2.0);
	assert_int_equal(rollback_auto_cancel(other, "errors", "carol", "blip", &err), CUTOVER_OK);
	assert_true(wait_view(w, is_cancelled, v, 5));
	assert_false(v[0].counting);
	assert_true(v[0].cancelled_elsewhere);
	assert_string_equal(v[0].cancelled_by, "carol");
	/* Past the deadline: nothing starts. */
	usleep(2500000);
	assert_false(rollback_worker_poll(w, &res));

	/* Cleared and fired again: the countdown runs out and the plan starts
	 * on the worker, handed over started, reason "auto: errors". */
	rollback_worker_triggers(w, clear, 2);
	usleep(100000);
	rollback_worker_triggers(w, trig, 2);
	deadline = mono() + 15;
	while (!rollback_worker_poll(w, &res) && mono() < deadline)
		usleep(20000);
	assert_int_equal(res.op, ROLLBACK_WORKER_START);
	assert_true(res.automatic);
	assert_int_equal(res.status, CUTOVER_OK);
	assert_string_equal(res.gauge, "errors");
	assert_string_equal(res.plan, "short");
	assert_non_null(res.runner);
	rollback_runner_abort(res.runner, "unit");
	rollback_runner_destroy(res.runner);
	rollback_worker_destroy(w);
	rollback_auto_destroy(other);
	rollback_store_close(st);
	audit_close(log);
	assert_int_equal(count_rows("kind='rollback.auto.countdown'"), 3);
	assert_int_equal(count_rows("kind='rollback.auto.cancel'"), 2); /* carol's; the cleared one */
	assert_int_equal(count_rows("kind='rollback.auto.fire'"), 1);
	assert_int_equal(
	    count_rows("kind='rollback.start' AND detail LIKE '%auto: errors (armed by "
	               "bob)%'"),
	    1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_arm_refusals_and_start),
	    cmocka_unit_test(test_countdown_fire_and_cancel_elsewhere),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
