/* test_rollback.c: the rollback runner through its API, the way the
 * console's panel drives it (answers from another thread, snapshots taken
 * while it runs), on steps that need no AWS (exec, wait, manual, checks):
 * a failed command retried, wrong and stale answers refused, a skip without
 * a reason refused, the checklist, abort in the middle of a wait, an
 * interrupted run refused without --resume and resumed with it, the
 * per-runbook lock (held, and stale when its pid is dead), and the
 * auto-rollback state machine on a fake clock with its audit rows.  Runs
 * under TSan too (the runner's thread against this one). */
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cutover/audit.h"
#include "cutover/rollback.h"
#include "cutover/rollback_store.h"
#include "cutover/runbook.h"

static char dir[256];
static char audit_path[512];
static char marker[512];
static struct runbook *rb;

static const char runbook_text[] =
    "{ \"name\": \"rb-unit\", \"environment\": \"staging\", \"region\": \"us-east-1\",\n"
    "  \"gauges\": [\n"
    "    { \"id\": \"errors\", \"metric\": { \"namespace\": \"N\", \"name\": \"E\" },\n"
    "      \"warn\": 1, \"critical\": 5,\n"
    "      \"trigger\": { \"above\": 5, \"for\": 2, \"plan\": \"local\", \"auto\": { "
    "\"countdown_s\": 60 } } },\n"
    "    { \"id\": \"latency\", \"metric\": { \"namespace\": \"N\", \"name\": \"L\" },\n"
    "      \"warn\": 1, \"critical\": 2, \"trigger\": { \"above\": 2, \"plan\": \"long\" } } ],\n"
    "  \"rollback\": {\n"
    "    \"local\": { \"title\": \"Local steps\", \"estimate_min\": 4, \"steps\": [\n"
    "      { \"title\": \"Flaky\", \"exec\": [\"sh\", \"-c\", \"if [ -e \\\"$RB_MARKER\\\" ]; then "
    "echo ok;"
    " else touch \\\"$RB_MARKER\\\"; echo boom >&2; exit 7; fi\"] },\n"
    "      { \"title\": \"Pause\", \"wait\": 1 },\n"
    "      { \"title\": \"Call the DBA\", \"manual\": \"Ask the DBA to check replication\" } ],\n"
    "      \"verify\": [\"Reads work\", \"Writes work\"] },\n"
    "    \"long\": { \"title\": \"Long wait\", \"estimate_min\": 10, \"steps\": [\n"
    "      { \"title\": \"Ten minutes\", \"wait\": 600 } ] },\n"
    "    \"full\": { \"title\": \"Both\", \"sequence\": [\"local\", \"long\"] } } }\n";

static int setup(void **state)
{
	struct diag_list diags = DIAG_LIST_INIT;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/cutover-rollback-unit.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(audit_path, sizeof(audit_path), "%s/audit.db", dir);
	snprintf(marker, sizeof(marker), "%s/marker", dir);
	setenv("RB_MARKER", marker, 1);
	/* The action executor is built (credentials and region resolved) but
	 * none of these steps calls AWS. */
	setenv("AWS_ACCESS_KEY_ID", "AKIDUNIT", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "unit-secret", 1);
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent/cutover-test-config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/cutover-test-credentials", 1);
	setenv("CUTOVER_OPERATOR", "alice", 1);
	unsetenv("CUTOVER_AUDIT");
	unsetenv("CUTOVER_TEST_CRASH_AT");
	if (runbook_load_buffer("unit.json", runbook_text, strlen(runbook_text), &rb, &diags) !=
	    CUTOVER_OK) {
		diag_list_print(&diags, "unit.json", stderr);
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
	if (getenv("RB_UNIT_KEEP"))
		return 0; /* keep the audit file to look at after a failure */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void options(struct rollback_options *o, const char *plan)
{
	memset(o, 0, sizeof(*o));
	o->rb = rb;
	o->plan_id = plan;
	o->audit_path = audit_path;
	o->operator_name = "alice";
	o->reason = "unit test";
}

/* Wait until a prompt of `kind` is open (or the run finished); fills snap. */
static bool wait_prompt(struct rollback_runner *r, enum rollback_prompt_kind kind,
                        struct rollback_snapshot *snap)
{
	double deadline = mono() + 20;
	uint64_t g = 0;

	while (mono() < deadline) {
		g = rollback_runner_wait(r, g, 200);
		assert_int_equal(rollback_runner_snapshot_take(r, snap), CUTOVER_OK);
		if (snap->prompt.kind == kind && snap->prompt.id)
			return true;
		rollback_snapshot_free(snap);
		if (rollback_runner_finished(r))
			return false;
	}
	return false;
}

static void answer(struct rollback_runner *r, const struct rollback_snapshot *s,
                   enum rollback_answer_kind kind, const char *text)
{
	struct rollback_answer a = {kind, s->prompt.id, text};
	struct cutover_err err;

	cutover_err_clear(&err);
	assert_int_equal(rollback_runner_answer(r, &a, &err), CUTOVER_OK);
}

static void wait_finished(struct rollback_runner *r, double seconds)
{
	double deadline = mono() + seconds;
	uint64_t g = 0;

	while (!rollback_runner_finished(r) && mono() < deadline)
		g = rollback_runner_wait(r, g, 100);
	assert_true(rollback_runner_finished(r));
}

/* A second thread that keeps copying the state, as the console's draw loop. */
struct reader {
	struct rollback_runner *r;
	atomic_int stop;
	unsigned copies;
};

static void *read_loop(void *arg)
{
	struct reader *rd = arg;

	while (!atomic_load(&rd->stop)) {
		struct rollback_snapshot s;

		if (rollback_runner_snapshot_take(rd->r, &s) == CUTOVER_OK) {
			rd->copies++;
			rollback_snapshot_free(&s);
		}
		rollback_runner_wait(rd->r, 0, 5);
	}
	return NULL;
}

static int count_rows(const char *kind, const char *outcome)
{
	char cmd[900];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd),
	         "sqlite3 '%s' \"SELECT count(*) FROM events WHERE kind='%s'%s%s%s\"", audit_path,
	         kind, outcome ? " AND outcome='" : "", outcome ? outcome : "", outcome ? "'" : "");
	p = popen(cmd, "r");
	if (p) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

static void test_local_plan(void **state)
{
	struct rollback_options o;
	struct rollback_runner *r = NULL;
	struct rollback_snapshot s;
	struct cutover_err err;
	struct reader rd = {0};
	pthread_t reader;

	(void)state;
	unlink(marker);
	options(&o, "local");
	cutover_err_clear(&err);
	assert_int_equal(rollback_runner_create(&o, &r, &err), CUTOVER_OK);
	rd.r = r;
	assert_int_equal(pthread_create(&reader, NULL, read_loop, &rd), 0);
	assert_int_equal(rollback_runner_start(r, &err), CUTOVER_OK);

	/* The command fails: nothing goes on without a decision. */
	assert_true(wait_prompt(r, ROLLBACK_PROMPT_DECISION, &s));
	assert_int_equal(s.prompt.item, 0);
	assert_int_equal(s.items[0].state, ROLLBACK_ITEM_FAILED);
	assert_true(s.items[0].has_exit_code);
	assert_int_equal(s.items[0].exit_code, 7);
	assert_string_equal(s.items[0].output_tail, "boom");
	assert_non_null(strstr(s.items[0].note, "exited with status 7"));
	assert_int_equal(s.items[1].state, ROLLBACK_ITEM_PENDING);
	assert_int_equal(s.state, ROLLBACK_RUN_WAITING);
	{
		struct rollback_answer bad = {ROLLBACK_ANSWER_SKIP, s.prompt.id, ""};
		struct rollback_answer stale = {ROLLBACK_ANSWER_RETRY, s.prompt.id + 7, NULL};
		struct rollback_answer wrong = {ROLLBACK_ANSWER_CONFIRM, s.prompt.id, NULL};

		assert_int_equal(rollback_runner_answer(r, &bad, &err), CUTOVER_EINVAL);
		assert_non_null(strstr(err.msg, "needs a reason"));
		assert_int_equal(rollback_runner_answer(r, &stale, &err), CUTOVER_ECONFLICT);
		assert_int_equal(rollback_runner_answer(r, &wrong, &err), CUTOVER_EINVAL);
	}
	answer(r, &s, ROLLBACK_ANSWER_RETRY, NULL);
	rollback_snapshot_free(&s);

	/* The retry succeeds, the wait passes, the manual step asks. */
	assert_true(wait_prompt(r, ROLLBACK_PROMPT_MANUAL, &s));
	assert_int_equal(s.prompt.item, 2);
	assert_int_equal(s.items[0].state, ROLLBACK_ITEM_SUCCEEDED);
	assert_int_equal(s.items[0].attempts, 2);
	assert_int_equal(s.items[1].state, ROLLBACK_ITEM_SUCCEEDED);
	assert_true(s.items[1].elapsed_s >= 0.9);
	assert_int_equal(s.items[2].state, ROLLBACK_ITEM_WAITING);
	assert_non_null(strstr(s.prompt.text, "Ask the DBA"));
	answer(r, &s, ROLLBACK_ANSWER_DONE, "replication checked by Bob");
	rollback_snapshot_free(&s);

	assert_true(wait_prompt(r, ROLLBACK_PROMPT_CHECK, &s));
	assert_int_equal(s.prompt.item, 3);
	assert_string_equal(s.items[2].note,
	                    "done, confirmed by alice: replication checked by Bob");
	{
		struct rollback_answer bad = {ROLLBACK_ANSWER_CHECK_FAILED, s.prompt.id, NULL};

		assert_int_equal(rollback_runner_answer(r, &bad, &err), CUTOVER_EINVAL);
	}
	answer(r, &s, ROLLBACK_ANSWER_CONFIRM, NULL);
	rollback_snapshot_free(&s);
	assert_true(wait_prompt(r, ROLLBACK_PROMPT_CHECK, &s));
	assert_int_equal(s.prompt.item, 4);
	answer(r, &s, ROLLBACK_ANSWER_CHECK_FAILED, "writes time out");
	rollback_snapshot_free(&s);

	wait_finished(r, 20);
	assert_int_equal(rollback_runner_snapshot_take(r, &s), CUTOVER_OK);
	assert_int_equal(s.state, ROLLBACK_RUN_COMPLETED);
	assert_int_equal(s.ndone, 5);
	assert_int_equal(s.failed_checks, 1);
	assert_int_equal(s.items[3].state, ROLLBACK_ITEM_CONFIRMED);
	assert_int_equal(s.items[4].state, ROLLBACK_ITEM_CHECK_FAILED);
	assert_string_equal(s.items[4].note, "writes time out");
	assert_true(s.estimate_s > 0);
	assert_true(s.remaining_s == 0);
	rollback_snapshot_free(&s);
	atomic_store(&rd.stop, 1);
	pthread_join(reader, NULL);
	assert_true(rd.copies > 0);
	rollback_runner_destroy(r);

	assert_int_equal(count_rows("rollback.start", NULL), 1);
	assert_int_equal(count_rows("rollback.step", "intent"), 4); /* flaky twice, wait, manual */
	assert_int_equal(
	    count_rows("rollback.step", "failed' AND detail LIKE '%_exit_code_:7,_output_:_boom_%"),
	    1);
	assert_int_equal(count_rows("rollback.step", "ok"), 3);
	assert_int_equal(count_rows("rollback.decision", NULL), 1);
	assert_int_equal(count_rows("rollback.verify", NULL), 2);
	assert_int_equal(count_rows("rollback.end", NULL), 1);
	{
		struct audit_verify_result vr;

		assert_int_equal(audit_verify(audit_path, &vr, &err), CUTOVER_OK);
	}
}

static void test_abort_interrupt_resume_and_lock(void **state)
{
	struct rollback_options o;
	struct rollback_runner *r = NULL, *r2 = NULL;
	struct rollback_snapshot s;
	struct cutover_err err;
	double t0;

	(void)state;
	options(&o, "long");
	cutover_err_clear(&err);
	assert_int_equal(rollback_runner_create(&o, &r, &err), CUTOVER_OK);

	/* One rollback at a time per runbook: another plan is refused too. */
	options(&o, "local");
	assert_int_equal(rollback_runner_create(&o, &r2, &err), CUTOVER_EREFUSED);
	assert_null(r2);
	assert_non_null(strstr(err.msg, "already running: alice on"));
	{
		struct rollback_status st;

		assert_int_equal(rollback_store_status(audit_path, "rb-unit", &st, &err),
		                 CUTOVER_OK);
		assert_true(st.lock.held);
		assert_true(st.lock.alive);
		assert_int_equal(st.lock.pid, (long)getpid());
		assert_string_equal(st.run.plan, "long");
	}

	/* Interrupted in the middle of the wait: the run stays resumable. */
	assert_int_equal(rollback_runner_start(r, &err), CUTOVER_OK);
	{
		double deadline = mono() + 10;

		for (;;) {
			assert_int_equal(rollback_runner_snapshot_take(r, &s), CUTOVER_OK);
			if (s.items[0].state == ROLLBACK_ITEM_RUNNING && s.items[0].detail[0])
				break;
			rollback_snapshot_free(&s);
			assert_true(mono() < deadline);
			rollback_runner_wait(r, 0, 50);
		}
		assert_non_null(strstr(s.items[0].detail, "left of 600s"));
		rollback_snapshot_free(&s);
	}
	t0 = mono();
	rollback_runner_destroy(r);
	assert_true(mono() - t0 < 2.0);
	r = NULL;

	options(&o, "long");
	assert_int_equal(rollback_runner_create(&o, &r, &err), CUTOVER_ECONFLICT);
	assert_non_null(strstr(err.msg, "Resume it (--resume) or abandon it (--abandon)"));
	assert_non_null(strstr(err.msg, "Ten minutes"));

	/* Resumed: the wait (safe to repeat) runs again; then abort it. */
	o.resume = true;
	assert_int_equal(rollback_runner_create(&o, &r, &err), CUTOVER_OK);
	assert_int_equal(rollback_runner_start(r, &err), CUTOVER_OK);
	{
		double deadline = mono() + 10;

		for (;;) {
			assert_int_equal(rollback_runner_snapshot_take(r, &s), CUTOVER_OK);
			if (strstr(s.items[0].detail, "left of 600s") &&
			    s.items[0].state == ROLLBACK_ITEM_RUNNING)
				break;
			rollback_snapshot_free(&s);
			assert_true(mono() < deadline);
			rollback_runner_wait(r, 0, 50);
		}
		rollback_snapshot_free(&s);
	}
	t0 = mono();
	rollback_runner_abort(r, "wrong plan");
	wait_finished(r, 5);
	assert_true(mono() - t0 < 2.0);
	assert_int_equal(rollback_runner_snapshot_take(r, &s), CUTOVER_OK);
	assert_true(s.resumed);
	assert_int_equal(s.state, ROLLBACK_RUN_ABORTED);
	assert_int_equal(s.items[0].state, ROLLBACK_ITEM_FAILED);
	assert_non_null(strstr(s.items[0].note, "aborted by the operator: wrong plan"));
	rollback_snapshot_free(&s);
	rollback_runner_destroy(r);
	assert_int_equal(count_rows("rollback.resume", NULL), 1);

	/* Nothing left to resume now. */
	o.resume = true;
	assert_int_equal(rollback_runner_create(&o, &r, &err), CUTOVER_ENOENT);
}

static void test_stale_lock(void **state)
{
	struct rollback_options o;
	struct rollback_runner *r = NULL;
	struct rollback_snapshot s;
	struct cutover_err err;
	pid_t child;
	int status;

	(void)state;
	/* A process that took the lock and died without releasing it: its
	 * row written by the sqlite3 tool (no fork of this threaded process). */
	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	assert_int_equal(waitpid(child, &status, 0), child);
	{
		char host[256], cmd[1200];

		assert_int_equal(gethostname(host, sizeof(host)), 0);
		host[sizeof(host) - 1] = '\0';
		snprintf(cmd, sizeof(cmd),
		         "sqlite3 '%s' \"INSERT INTO rollback_locks VALUES ('rb-unit', 'deadbeef', "
		         "'bob',"
		         " '%s', %ld, 0)\"",
		         audit_path, host, (long)child);
		assert_int_equal(system(cmd), 0);
	}
	{
		struct rollback_status rs;

		assert_int_equal(rollback_store_status(audit_path, "rb-unit", &rs, &err),
		                 CUTOVER_OK);
		assert_true(rs.lock.held);
		assert_false(rs.lock.alive);
		assert_string_equal(rs.lock.holder, "bob");
	}
	options(&o, "long");
	cutover_err_clear(&err);
	assert_int_equal(rollback_runner_create(&o, &r, &err), CUTOVER_OK);
	assert_int_equal(rollback_runner_snapshot_take(r, &s), CUTOVER_OK);
	assert_non_null(strstr(s.message, "took over a stale rollback lock of bob"));
	rollback_snapshot_free(&s);
	rollback_runner_destroy(r);
	{
		struct rollback_status rs;

		assert_int_equal(rollback_store_status(audit_path, "rb-unit", &rs, &err),
		                 CUTOVER_OK);
		assert_false(rs.lock.held);
	}
	/* The run created but never started is left for --abandon. */
	o.abandon = true;
	assert_int_equal(rollback_runner_create(&o, &r, &err), CUTOVER_OK);
	rollback_runner_destroy(r);
}

static void test_plan_helpers(void **state)
{
	struct rollback_preview_item pv[16];
	const struct runbook_plan *full = runbook_plan_find(rb, "full");
	size_t n;

	(void)state;
	n = rollback_plan_flatten(full, pv, 16);
	assert_int_equal(n, 6); /* local: 3 steps + 2 checks, long: 1 step */
	assert_string_equal(pv[0].title, "Flaky");
	assert_int_equal(pv[3].kind, ROLLBACK_CHECK);
	assert_string_equal(pv[4].title, "Writes work");
	assert_string_equal(pv[5].plan->id, "long");
	assert_int_equal(rollback_plan_flatten(full, NULL, 0), 6);
	assert_string_equal(rollback_recommended_plan(rb, "latency", NULL)->id, "long");
	assert_string_equal(rollback_recommended_plan(rb, NULL, NULL)->id, "full");
	assert_string_equal(rollback_recommended_plan(rb, "nope", "nope")->id, "full");
}

static void test_auto(void **state)
{
	struct audit *log = NULL;
	struct rollback_store *st = NULL;
	struct rollback_auto *a = NULL;
	struct rollback_auto_view v[4];
	struct audit_session_info who = {"alice", NULL, NULL, "rb-unit", NULL, "staging"};
	struct cutover_err err;
	const struct runbook_gauge *g;
	bool trig[2] = {false, false};

	(void)state;
	cutover_err_clear(&err);
	assert_int_equal(audit_open(audit_path, &who, &log, &err), CUTOVER_OK);
	assert_int_equal(rollback_store_open(audit_path, &st, &err), CUTOVER_OK);
	assert_int_equal(rollback_auto_create(rb, log, st, &a, &err), CUTOVER_OK);
	assert_int_equal(rollback_auto_views(a, 0, v, 4), 1);
	assert_string_equal(v[0].gauge->id, "errors");
	assert_false(v[0].armed);

	/* Disarmed: a firing trigger starts nothing. */
	trig[0] = true;
	assert_null(rollback_auto_update(a, trig, 100, &g));
	rollback_auto_views(a, 100, v, 4);
	assert_false(v[0].counting);
	assert_int_equal(rollback_auto_arm(a, "latency", true, "alice", &err), CUTOVER_EVALIDATE);

	/* Armed: a countdown, cancelled by an operator; it holds until the
	 * trigger clears. */
	assert_int_equal(rollback_auto_arm(a, "errors", true, "alice", &err), CUTOVER_OK);
	assert_null(rollback_auto_update(a, trig, 100, &g));
	rollback_auto_views(a, 130, v, 4);
	assert_true(v[0].armed);
	assert_string_equal(v[0].armed_by, "alice");
	assert_true(v[0].counting);
	assert_true(v[0].remaining_s > 29.9 && v[0].remaining_s < 30.1);
	assert_int_equal(rollback_auto_cancel(a, "errors", "bob", "false alarm", &err), CUTOVER_OK);
	assert_int_equal(rollback_auto_cancel(a, "errors", "bob", "again", &err), CUTOVER_ENOENT);
	assert_null(rollback_auto_update(a, trig, 500, &g));
	rollback_auto_views(a, 500, v, 4);
	assert_true(v[0].cancelled);
	assert_string_equal(v[0].cancelled_by, "bob");

	/* Cleared, fired again: the countdown runs out and the plan starts once. */
	trig[0] = false;
	assert_null(rollback_auto_update(a, trig, 600, &g));
	trig[0] = true;
	assert_null(rollback_auto_update(a, trig, 700, &g));
	assert_null(rollback_auto_update(a, trig, 759, &g));
	assert_string_equal(rollback_auto_update(a, trig, 760, &g)->id, "local");
	assert_string_equal(g->id, "errors");
	assert_null(rollback_auto_update(a, trig, 800, &g));
	rollback_auto_views(a, 800, v, 4);
	assert_true(v[0].fired);
	rollback_auto_destroy(a);

	/* Armed survives a restart; disarming is recorded too. */
	assert_int_equal(rollback_auto_create(rb, log, st, &a, &err), CUTOVER_OK);
	rollback_auto_views(a, 0, v, 4);
	assert_true(v[0].armed);
	assert_int_equal(rollback_auto_arm(a, "errors", false, "carol", &err), CUTOVER_OK);
	rollback_auto_destroy(a);
	assert_int_equal(rollback_auto_create(rb, log, st, &a, &err), CUTOVER_OK);
	rollback_auto_views(a, 0, v, 4);
	assert_false(v[0].armed);
	rollback_auto_destroy(a);
	rollback_store_close(st);
	audit_close(log);

	assert_int_equal(count_rows("rollback.auto.arm", NULL), 1);
	assert_int_equal(count_rows("rollback.auto.disarm", NULL), 1);
	assert_int_equal(count_rows("rollback.auto.countdown", NULL), 2);
	assert_int_equal(count_rows("rollback.auto.cancel", NULL), 1);
	assert_int_equal(count_rows("rollback.auto.fire", NULL), 1);
}

/* Two front ends on one audit file (two consoles, or a console and
 * `cutover rollback --arm/--cancel-auto`): arming made by one is seen by
 * the other's sync; a cancel in one ends the countdown the other runs;
 * a front end that runs no countdown cancels the one another runs
 * through the store; nothing runs: ENOENT. */
static void test_auto_across_processes(void **state)
{
	struct audit *log = NULL;
	struct rollback_store *sa = NULL, *sb = NULL;
	struct rollback_auto *a = NULL, *b = NULL;
	struct rollback_auto_view v[4];
	struct audit_session_info who = {"alice", NULL, NULL, "rb-unit", NULL, "staging"};
	struct cutover_err err;
	const struct runbook_gauge *g;
	bool trig[2] = {true, false}, changed = false;
	int cancels;

	(void)state;
	cutover_err_clear(&err);
	cancels = count_rows("rollback.auto.cancel", NULL);
	assert_int_equal(audit_open(audit_path, &who, &log, &err), CUTOVER_OK);
	assert_int_equal(rollback_store_open(audit_path, &sa, &err), CUTOVER_OK);
	assert_int_equal(rollback_store_open(audit_path, &sb, &err), CUTOVER_OK);
	assert_int_equal(rollback_auto_create(rb, log, sa, &a, &err), CUTOVER_OK);
	assert_int_equal(rollback_auto_create(rb, log, sb, &b, &err), CUTOVER_OK);

	/* b arms; a sees it at its sync. */
	assert_int_equal(rollback_auto_arm(b, "errors", true, "dave", &err), CUTOVER_OK);
	rollback_auto_views(a, 0, v, 4);
	assert_false(v[0].armed);
	assert_int_equal(rollback_auto_sync(a, &changed, &err), CUTOVER_OK);
	assert_true(changed);
	rollback_auto_views(a, 0, v, 4);
	assert_true(v[0].armed);
	assert_string_equal(v[0].armed_by, "dave");
	assert_int_equal(rollback_auto_sync(a, &changed, &err), CUTOVER_OK);
	assert_false(changed);

	/* Both count down the same firing; b cancels; a's sync ends its own. */
	assert_int_equal(rollback_auto_sync(b, NULL, &err), CUTOVER_OK);
	assert_null(rollback_auto_update(a, trig, 100, &g));
	assert_null(rollback_auto_update(b, trig, 101, &g));
	assert_int_equal(rollback_auto_cancel(b, "errors", "erin", "known blip", &err), CUTOVER_OK);
	assert_int_equal(rollback_auto_sync(a, &changed, &err), CUTOVER_OK);
	assert_true(changed);
	rollback_auto_views(a, 110, v, 4);
	assert_false(v[0].counting);
	assert_true(v[0].cancelled);
	assert_true(v[0].cancelled_elsewhere);
	assert_string_equal(v[0].cancelled_by, "erin");
	/* Still triggered: it does not fire, nor count again. */
	assert_null(rollback_auto_update(a, trig, 500, &g));
	rollback_auto_views(a, 500, v, 4);
	assert_false(v[0].counting);
	/* Arming again is a fresh decision: the still-firing trigger counts
	 * down again (ended when the trigger clears below). */
	assert_int_equal(rollback_auto_arm(a, "errors", true, "alice", &err), CUTOVER_OK);
	assert_null(rollback_auto_update(a, trig, 510, &g));
	rollback_auto_views(a, 511, v, 4);
	assert_true(v[0].counting);
	assert_false(v[0].cancelled);

	/* A new firing: a counts; b (which runs none now) cancels a's through
	 * the store, as `cutover rollback --cancel-auto` does. */
	trig[0] = false;
	assert_null(rollback_auto_update(a, trig, 600, &g));
	assert_null(rollback_auto_update(b, trig, 600, &g));
	trig[0] = true;
	assert_null(rollback_auto_update(a, trig, 601, &g));
	rollback_auto_views(a, 602, v, 4);
	assert_true(v[0].counting);
	assert_false(v[0].remote);
	/* b sees a's countdown (remote: it runs none itself). */
	assert_int_equal(rollback_auto_sync(b, &changed, &err), CUTOVER_OK);
	assert_true(changed);
	rollback_auto_views(b, 602, v, 4);
	assert_false(v[0].counting);
	assert_true(v[0].remote);
	assert_int_equal(v[0].remote_pid, (long)getpid());
	assert_true(v[0].remote_deadline > (double)time(NULL) + 50 &&
	            v[0].remote_deadline < (double)time(NULL) + 61);
	assert_int_equal(rollback_auto_cancel(b, "errors", "frank", NULL, &err), CUTOVER_OK);
	assert_int_equal(rollback_auto_sync(b, NULL, &err), CUTOVER_OK);
	rollback_auto_views(b, 603, v, 4);
	assert_false(v[0].remote);
	assert_int_equal(rollback_auto_sync(a, NULL, &err), CUTOVER_OK);
	rollback_auto_views(a, 603, v, 4);
	assert_false(v[0].counting);
	assert_string_equal(v[0].cancelled_by, "frank");
	/* Nothing counts anywhere now. */
	assert_int_equal(rollback_auto_cancel(b, "errors", "frank", NULL, &err), CUTOVER_ENOENT);
	assert_int_equal(rollback_auto_cancel(b, "latency", "frank", NULL, &err),
	                 CUTOVER_EVALIDATE);

	/* A disarm elsewhere ends a running countdown here. */
	trig[0] = false;
	assert_null(rollback_auto_update(a, trig, 700, &g));
	trig[0] = true;
	assert_null(rollback_auto_update(a, trig, 701, &g));
	assert_int_equal(rollback_auto_arm(b, "errors", false, "gina", &err), CUTOVER_OK);
	assert_int_equal(rollback_auto_sync(a, &changed, &err), CUTOVER_OK);
	assert_true(changed);
	rollback_auto_views(a, 702, v, 4);
	assert_false(v[0].armed);
	assert_false(v[0].counting);
	assert_null(rollback_auto_update(a, trig, 2000, &g));

	rollback_auto_destroy(a);
	rollback_auto_destroy(b);
	rollback_store_close(sa);
	rollback_store_close(sb);
	audit_close(log);
	/* erin's, the cleared trigger's, frank's (each once, by the
	 * canceller) and the disarm's. */
	assert_int_equal(count_rows("rollback.auto.cancel", NULL) - cancels, 4);
	assert_int_equal(count_rows("rollback.auto.cancel' AND new_value LIKE 'countdown cancelled "
	                            "(it runs in pid%",
	                            NULL),
	                 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plan_helpers),
	    cmocka_unit_test(test_local_plan),
	    cmocka_unit_test(test_abort_interrupt_resume_and_lock),
	    cmocka_unit_test(test_stale_lock),
	    cmocka_unit_test(test_auto),
	    cmocka_unit_test(test_auto_across_processes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
