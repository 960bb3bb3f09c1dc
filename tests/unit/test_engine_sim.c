/* test_engine_sim.c: one long-lived engine against the sim in this process,
 * polling executions as the scenario runs, so the incremental history path
 * (newest-first pages appended to what was seen) is what builds its view;
 * at each step a fresh engine, which reads the whole history at once, must
 * agree with it event for event, phase for phase.  Also: the approval's
 * token found by the poller is accepted by SendTaskSuccess and the phase
 * then finishes; the jobs list; the threads publishing while the test takes
 * snapshots.  Runs threads (the sim's): label it `threaded`. */
#include <math.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "cutover/aws_client.h"
#include "cutover/aws_credentials_provider.h"
#include "cutover/aws_sfn.h"
#include "cutover/engine.h"
#include "engine/phase_eval_test.h"
#include "sim/sim_server.h"

#define SPEED 4.0

static struct sim_server *sim;
static struct runbook *rb;
static struct engine *running; /* stopped by teardown if a test failed midway */

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static int setup(void **state)
{
	struct sim_server_options o = {0};
	struct cutover_err err = {CUTOVER_OK, ""};
	struct diag_list d = DIAG_LIST_INIT;
	char url[64];

	(void)state;
	o.speed = SPEED;
	o.seed = 7;
	if (sim_server_create(SRCDIR "/tests/data/status_sim.scenario.json", &o, &sim, &err) !=
	        CUTOVER_OK ||
	    sim_server_start(sim, &err) != CUTOVER_OK) {
		fprintf(stderr, "sim: %s\n", err.msg);
		return -1;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", sim_server_port(sim));
	setenv("AWS_ENDPOINT_URL", url, 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDSTATUSTEST", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "status-test-secret", 1);
	setenv("AWS_CONFIG_FILE", "/dev/null", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("NO_PROXY", "*", 1);
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_SESSION_TOKEN");
	/* The runbook names an HTTP gauge by a placeholder; only executions
	 * matter here, so any loopback URL will do. */
	{
		FILE *f = fopen(SRCDIR "/tests/data/status_sim.runbook.json", "rb");
		char *text = calloc(1, 1 << 16), *p;
		size_t n;

		if (!f || !text)
			return -1;
		n = fread(text, 1, (1 << 16) - 1, f);
		fclose(f);
		text[n] = '\0';
		for (p = strstr(text, "@HEALTH@"); p; p = strstr(p, "@HEALTH@"))
			memcpy(p, "http://1", 8);
		if (runbook_load_buffer("status_sim.runbook.json", text, n, &rb, &d) !=
		    CUTOVER_OK) {
			diag_list_print(&d, "status_sim.runbook.json", stderr);
			free(text);
			return -1;
		}
		free(text);
		diag_list_free(&d);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	engine_destroy(running);
	runbook_destroy(rb);
	sim_server_stop(sim);
	sim_server_destroy(sim);
	return 0;
}

static struct engine *make(void)
{
	struct engine_options o = {0};
	struct cutover_err err = {CUTOVER_OK, ""};
	struct engine *e = NULL;

	o.max_attempts = 2;
	if (engine_create(rb, &o, &e, &err) != CUTOVER_OK)
		fail_msg("engine_create: %s", err.msg);
	return e;
}

static void poll_exec(struct engine *e)
{
	struct cutover_err err = {CUTOVER_OK, ""};

	if (engine_poll_once(e, RUNBOOK_SRC_EXECUTIONS, &err) != CUTOVER_OK)
		fail_msg("poll executions: %s", err.msg);
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The long-lived engine's view equals a fresh engine's full read. */
static void assert_agrees(const struct engine_snapshot *a, const struct engine_snapshot *b)
{
	const struct engine_execution_view *x = &a->executions[0], *y = &b->executions[0];

	assert_true(same(x->arn, y->arn));
	/* The fresh engine may have read a moment later: compare the events
	 * both have (the long-lived one's newest 30). */
	for (size_t i = 0; i < x->nevents; i++) {
		const struct engine_event_view *ev = &x->events[i], *fv = NULL;

		for (size_t k = 0; k < y->nevents; k++)
			if (y->events[k].id == ev->id)
				fv = &y->events[k];
		if (!fv) {
			assert_true(y->nevents == 0 || ev->id < y->events[0].id ||
			            ev->id > y->events[y->nevents - 1].id);
			continue;
		}
		assert_true(same(ev->type, fv->type));
		assert_true(same(ev->state, fv->state));
		assert_true(ev->ts == fv->ts);
		assert_true(same(ev->input, fv->input));
		if (i > 0)
			assert_int_equal(ev->id, x->events[i - 1].id + 1); /* no gaps, no repeats */
	}
}

static void test_incremental_history_agrees(void **state)
{
	struct engine *e = make();
	struct engine_snapshot s = {0}, f = {0};
	struct aws_client *cl = NULL;
	bool seen[PHASE_STATUS_COUNT][3] = {{false}};
	char *token = NULL;
	size_t prev_events = 0;
	int rounds = 0;

	(void)state;
	/* Until the approval waits: poll, compare with a fresh engine. */
	for (int i = 0; i < 200 && !token; i++, rounds++) {
		struct engine *fresh = make();

		poll_exec(e);
		engine_snapshot_free(&s);
		assert_int_equal(engine_snapshot_take(e, &s), CUTOVER_OK);
		poll_exec(fresh);
		assert_int_equal(engine_snapshot_take(fresh, &f), CUTOVER_OK);
		assert_agrees(&s, &f);
		for (size_t p = 0; p < 3; p++)
			seen[s.phases[p].status][p] = true;
		assert_true(s.executions[0].nevents >= prev_events ||
		            s.executions[0].nevents == ENGINE_RECENT_EVENTS);
		prev_events = s.executions[0].nevents;
		if (s.napprovals) {
			assert_int_equal(f.napprovals, 1);
			assert_string_equal(s.approvals[0].task_token, f.approvals[0].task_token);
			token = strdup(s.approvals[0].task_token);
		}
		engine_snapshot_free(&f);
		engine_destroy(fresh);
		sleep_ms(50);
	}
	assert_non_null(token);
	assert_true(rounds > 3);
	/* every phase was seen moving: prep and load running then succeeded */
	assert_true(seen[PHASE_SUCCEEDED][0] && seen[PHASE_SUCCEEDED][1]);
	assert_true(seen[PHASE_RUNNING][0] || seen[PHASE_RUNNING][1]);
	assert_true(seen[PHASE_WAITING][2]);
	assert_int_equal(s.phases[2].status, PHASE_WAITING);
	assert_string_equal(s.approvals[0].state, "Approve");
	assert_string_equal(s.executions[0].status, "RUNNING");

	/* the jobs: newest first, with status */
	assert_int_equal(s.executions[1].njobs, 2);
	assert_string_equal(s.executions[1].jobs[0].name, "BATCH-2");
	assert_string_equal(s.executions[1].jobs[0].status, "RUNNING");
	assert_string_equal(s.executions[1].jobs[1].status, "SUCCEEDED");
	assert_true(s.executions[1].jobs[1].stop > s.executions[1].jobs[1].start);

	/* approve with the token the poller found; the phase then finishes */
	{
		struct aws_credentials_provider *prov = NULL;
		struct aws_client_config cc = {0};
		struct sfn_task_result r;
		struct aws_error aerr;
		struct cutover_err err = {CUTOVER_OK, ""};

		assert_int_equal(aws_credentials_provider_create(&prov, NULL, &err), CUTOVER_OK);
		cc.region = "eu-west-1";
		cc.endpoints[AWS_SVC_SFN] = getenv("AWS_ENDPOINT_URL");
		cc.credentials = aws_credentials_provider_get;
		cc.credentials_ctx = prov;
		assert_int_equal(aws_client_create(&cc, &cl, &err), CUTOVER_OK);
		aws_error_clear(&aerr);
		if (sfn_send_task_success(cl, token, "{}", &r, &aerr) != CUTOVER_OK)
			fail_msg("SendTaskSuccess: %s %s", aerr.code, aerr.message);
		aws_client_destroy(cl);
		cl = NULL;
		aws_credentials_provider_destroy(prov);
	}
	for (int i = 0; i < 200 && s.phases[2].status != PHASE_SUCCEEDED; i++) {
		struct engine *fresh = make();

		sleep_ms(50);
		poll_exec(e);
		engine_snapshot_free(&s);
		assert_int_equal(engine_snapshot_take(e, &s), CUTOVER_OK);
		poll_exec(fresh);
		assert_int_equal(engine_snapshot_take(fresh, &f), CUTOVER_OK);
		assert_agrees(&s, &f);
		engine_snapshot_free(&f);
		engine_destroy(fresh);
	}
	assert_int_equal(s.phases[2].status, PHASE_SUCCEEDED);
	assert_int_equal(s.napprovals, 0);
	assert_string_equal(s.executions[0].status, "SUCCEEDED");
	assert_string_equal(s.executions[0].events[s.executions[0].nevents - 1].type,
	                    "ExecutionSucceeded");
	free(token);
	engine_snapshot_free(&s);
	engine_destroy(e);
	aws_client_destroy(cl);
}

/* --- the phases' incremental evaluation ---------------------------------- */

static long long newest_id(const struct engine_snapshot *s, size_t x)
{
	const struct engine_execution_view *v = &s->executions[x];

	return v->nevents ? v->events[v->nevents - 1].id : 0;
}

static unsigned long long phases_of(size_t x)
{
	unsigned long long n = 0;

	for (size_t p = 0; p < rb->nphases; p++)
		n += rb->phases[p].execution == &rb->executions[x];
	return n;
}

/* Poll e's executions and check the phases read exactly the events that
 * arrived: history ids run 1..N without gaps (assert_agrees), so the
 * newest id counts them; a new execution followed is read from its start. */
static void poll_exec_counted(struct engine *e, struct engine_snapshot *s)
{
	struct engine_snapshot old = *s;
	unsigned long long before = phase_eval_events_walked(), want = 0;

	memset(s, 0, sizeof(*s)); /* old owns what s held */
	poll_exec(e);
	assert_int_equal(engine_snapshot_take(e, s), CUTOVER_OK);
	for (size_t x = 0; x < rb->nexecutions; x++) {
		long long was = old.executions && same(old.executions[x].arn, s->executions[x].arn)
		                    ? newest_id(&old, x)
		                    : 0;

		want += (unsigned long long)(newest_id(s, x) - was) * phases_of(x);
	}
	assert_int_equal(phase_eval_events_walked() - before, want);
	engine_snapshot_free(&old);
}

/* Phases of the long-lived engine (fed only what each poll appended) equal
 * a fresh engine's (one full read), whenever both saw the same history. */
static bool phases_agree(const struct engine_snapshot *a, const struct engine_snapshot *b)
{
	for (size_t x = 0; x < rb->nexecutions; x++)
		if (!same(a->executions[x].arn, b->executions[x].arn) ||
		    newest_id(a, x) != newest_id(b, x))
			return false; /* the fresh one read later: nothing to compare */
	for (size_t p = 0; p < rb->nphases; p++) {
		const struct engine_phase_view *u = &a->phases[p], *v = &b->phases[p];

		assert_int_equal(u->status, v->status);
		assert_true(same(u->current_state, v->current_state));
		assert_true(same(u->task_token, v->task_token));
		assert_true(same(u->error, v->error));
		assert_true(same(u->cause, v->cause));
		assert_true(u->started == v->started && u->ended == v->ended);
		assert_true(u->state_since == v->state_since);
		assert_true(u->waiting_since == v->waiting_since);
		if (u->ended > 0)
			assert_true(u->elapsed_s == v->elapsed_s);
	}
	return true;
}

/* A scenario run of its own (the other tests share the first sim's clock):
 * from the start to the end, every poll of a long-lived engine evaluates
 * only the new events, agrees with a fresh engine, and once the execution
 * ended its polls read nothing. */
static void test_phases_read_only_new_events(void **state)
{
	struct sim_server_options o = {0};
	struct cutover_err err = {CUTOVER_OK, ""};
	struct sim_server *own = NULL;
	struct engine *e = NULL;
	struct engine_snapshot s = {0}, f = {0};
	char url[64], *saved = strdup(getenv("AWS_ENDPOINT_URL"));
	char *token = NULL;
	int compared = 0, polls = 0;

	(void)state;
	assert_non_null(saved);
	o.speed = SPEED;
	o.seed = 11;
	if (sim_server_create(SRCDIR "/tests/data/status_sim.scenario.json", &o, &own, &err) !=
	        CUTOVER_OK ||
	    sim_server_start(own, &err) != CUTOVER_OK)
		fail_msg("sim: %s", err.msg);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", sim_server_port(own));
	setenv("AWS_ENDPOINT_URL", url, 1);
	e = make();
	for (int i = 0; i < 400 && !(s.nphases == 3 && s.phases[2].status == PHASE_SUCCEEDED);
	     i++, polls++) {
		struct engine *fresh = make();

		poll_exec_counted(e, &s);
		poll_exec(fresh);
		assert_int_equal(engine_snapshot_take(fresh, &f), CUTOVER_OK);
		compared += phases_agree(&s, &f);
		engine_snapshot_free(&f);
		engine_destroy(fresh);
		if (!token && s.napprovals) {
			struct aws_credentials_provider *prov = NULL;
			struct aws_client_config cc = {0};
			struct aws_client *cl = NULL;
			struct sfn_task_result r;
			struct aws_error aerr;

			token = strdup(s.approvals[0].task_token);
			assert_non_null(token);
			assert_int_equal(aws_credentials_provider_create(&prov, NULL, &err),
			                 CUTOVER_OK);
			cc.region = "eu-west-1";
			cc.endpoints[AWS_SVC_SFN] = url;
			cc.credentials = aws_credentials_provider_get;
			cc.credentials_ctx = prov;
			assert_int_equal(aws_client_create(&cc, &cl, &err), CUTOVER_OK);
			aws_error_clear(&aerr);
			if (sfn_send_task_success(cl, token, "{}", &r, &aerr) != CUTOVER_OK)
				fail_msg("SendTaskSuccess: %s %s", aerr.code, aerr.message);
			aws_client_destroy(cl);
			aws_credentials_provider_destroy(prov);
		}
		sleep_ms(25);
	}
	assert_non_null(token);
	assert_int_equal(s.phases[2].status, PHASE_SUCCEEDED);
	assert_string_equal(s.executions[0].status, "SUCCEEDED");
	assert_true(polls > 3);
	assert_true(compared >= 2);
	/* ended: the next polls evaluate no event at all */
	for (int i = 0; i < 3; i++) {
		unsigned long long before = phase_eval_events_walked();

		poll_exec_counted(e, &s);
		assert_int_equal(phase_eval_events_walked() - before, 0);
		assert_int_equal(s.phases[2].status, PHASE_SUCCEEDED);
	}
	engine_snapshot_free(&s);
	engine_destroy(e);
	sim_server_stop(own);
	sim_server_destroy(own);
	setenv("AWS_ENDPOINT_URL", saved, 1);
	free(saved);
	free(token);
}

/* The console's way: poller threads, the UI sleeping in poll() on the
 * wake-up fd, a snapshot per wake-up, until every source has answered. */
static void test_threads_wake_the_front_end(void **state)
{
	struct engine *e = make();
	struct cutover_err err = {CUTOVER_OK, ""};
	struct engine_snapshot s = {0};
	uint64_t last = engine_generation(e);
	int wakeups = 0;
	bool all = false;

	(void)state;
	running = e;
	assert_int_equal(engine_start(e, &err), CUTOVER_OK);
	for (int i = 0; i < 300 && !all; i++) {
		struct pollfd p = {engine_wakeup_fd(e), POLLIN, 0};

		if (poll(&p, 1, 100) != 1)
			continue;
		wakeups++;
		engine_wakeup_drain(e);
		engine_snapshot_free(&s);
		assert_int_equal(engine_snapshot_take(e, &s), CUTOVER_OK);
		assert_true(s.generation > last);
		last = s.generation;
		all = true;
		for (int k = 0; k < RUNBOOK_SRC_COUNT; k++)
			if (s.sources[k].used && s.sources[k].last_ok == 0)
				all = false;
	}
	assert_true(all);
	assert_true(wakeups >= 1);
	assert_string_equal(s.header.caller_arn, "arn:aws:iam::111122223333:user/oncall");
	assert_non_null(s.executions[0].arn);
	assert_int_equal(s.phases[0].status, PHASE_SUCCEEDED);
	assert_string_equal(s.flags[0].value, "true");
	/* the next attempt is published with each outcome: about one
	 * interval (1 s, +-10%) after the last */
	for (int k = 0; k < RUNBOOK_SRC_COUNT; k++) {
		const struct engine_source_view *v = &s.sources[k];
		double gap = v->next_attempt - v->last_attempt;

		if (!v->used)
			continue;
		assert_true(gap >= 0.9 * v->interval_s - 1e-6 && gap <= 1.1 * v->interval_s + 1e-6);
	}
	engine_snapshot_free(&s);
	running = NULL;
	engine_destroy(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_incremental_history_agrees),
	    cmocka_unit_test(test_threads_wake_the_front_end),
	    cmocka_unit_test(test_phases_read_only_new_events),
	};
	struct cutover_err err;
	int rc;

	if (aws_global_init(&err) != CUTOVER_OK)
		return 1;
	rc = cmocka_run_group_tests(tests, setup, teardown);
	aws_global_cleanup();
	return rc;
}
