/* test_phase_eval.c: phase status, current state, approvals, failures and
 * stuck detection from recorded execution histories. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cutover/phase_eval.h"

static char *validate_states[] = { "Validate" };
static char *provision_states[] = { "ProvisionA", "ProvisionB" };
static char *approve_states[] = { "ApproveCutover" };
static char *cutover_states[] = { "Cutover", "Verify" };

static const struct runbook_phase phases[] = {
	{ "validate", "Validate", NULL, validate_states, 1, 5, NULL },
	{ "provision", "Provision", NULL, provision_states, 2, 15, NULL },
	{ "approve", "Approve", NULL, approve_states, 1, 30, NULL },
	{ "cutover", "Cutover", NULL, cutover_states, 2, 20, NULL },
};

#define EV(id, ts, type, state) { id, ts, type, state, NULL, NULL, NULL, NULL }

/* The main migration run: validate, parallel provisioning, an approval,
 * then the cutover failing. */
static const struct exec_event history[] = {
	EV(1, 0, "ExecutionStarted", NULL),
	EV(2, 1, "TaskStateEntered", "Validate"),
	{ 3, 1, "TaskScheduled", NULL, "invoke", NULL, NULL, NULL },
	EV(4, 60, "TaskSucceeded", NULL),
	EV(5, 60, "TaskStateExited", "Validate"),
	EV(6, 60, "ParallelStateEntered", "Provision"),
	EV(7, 61, "TaskStateEntered", "ProvisionA"),
	EV(8, 61, "TaskStateEntered", "ProvisionB"),
	EV(9, 300, "TaskStateExited", "ProvisionA"),
	/* 10.. */
	EV(10, 501, "TaskStateExited", "ProvisionB"),
	EV(11, 502, "ParallelStateExited", "Provision"),
	EV(12, 503, "TaskStateEntered", "ApproveCutover"),
	{ 13, 503, "TaskScheduled", NULL, "invoke.waitForTaskToken", "TOKEN123", NULL, NULL },
	EV(14, 503, "TaskStarted", NULL),
	/* 15.. */
	EV(15, 600, "TaskSucceeded", NULL),
	EV(16, 600, "TaskStateExited", "ApproveCutover"),
	EV(17, 601, "TaskStateEntered", "Cutover"),
	{ 18, 601, "TaskScheduled", NULL, "invoke", NULL, NULL, NULL },
	{ 19, 700, "TaskFailed", NULL, "invoke", NULL, "States.TaskFailed", "lambda timed out" },
	{ 20, 700, "ExecutionFailed", NULL, NULL, NULL, "States.TaskFailed", "lambda timed out" },
};

struct expect {
	size_t nevents;           /* prefix of history */
	const char *status;
	double stop, now;
	size_t phase;
	enum phase_status want;
	const char *current;
	double started, ended, elapsed;
	const char *token, *error;
	bool stuck;
};

static const struct expect cases[] = {
	/* mid-provisioning, parallel branches */
	{ 9, "RUNNING", 0, 400, 0, PHASE_SUCCEEDED, NULL, 1, 60, 59, NULL, NULL, false },
	{ 9, "RUNNING", 0, 400, 1, PHASE_RUNNING, "ProvisionB", 61, 0, 339, NULL, NULL, false },
	{ 9, "RUNNING", 0, 400, 2, PHASE_PENDING, NULL, 0, 0, 0, NULL, NULL, false },
	/* the approval waits with its token */
	{ 14, "RUNNING", 0, 1000, 1, PHASE_SUCCEEDED, NULL, 61, 503, 442, NULL, NULL, false },
	{ 14, "RUNNING", 0, 1000, 2, PHASE_WAITING, "ApproveCutover", 503, 0, 497, "TOKEN123", NULL, false },
	/* approval answered; the cutover fails */
	{ 20, "FAILED", 700, 800, 2, PHASE_SUCCEEDED, NULL, 503, 601, 98, NULL, NULL, false },
	{ 20, "FAILED", 700, 800, 3, PHASE_FAILED, "Cutover", 601, 700, 99, NULL, "States.TaskFailed", false },
	/* stuck: validate estimate 5 min, running 11 min */
	{ 4, "RUNNING", 0, 661, 0, PHASE_RUNNING, "Validate", 1, 0, 660, NULL, NULL, true },
	{ 4, "RUNNING", 0, 500, 0, PHASE_RUNNING, "Validate", 1, 0, 499, NULL, NULL, false },
	/* aborted during provisioning */
	{ 9, "ABORTED", 350, 400, 1, PHASE_ABORTED, "ProvisionB", 61, 350, 289, NULL, NULL, false },
	/* the run succeeded right after the phase's last state */
	{ 5, "SUCCEEDED", 61, 100, 0, PHASE_SUCCEEDED, NULL, 1, 61, 60, NULL, NULL, false },
};

static void test_histories(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct expect *c = &cases[i];
		struct exec_view ex = { c->status, 0, c->stop, history, c->nevents };
		struct phase_view v;

		phase_eval(&phases[c->phase], &ex, c->now, &v);
		if (v.status != c->want)
			fail_msg("case %zu: status %s, expected %s", i, phase_status_name(v.status),
				 phase_status_name(c->want));
		if (c->current && (!v.current_state || strcmp(v.current_state, c->current) != 0))
			fail_msg("case %zu: current %s, expected %s", i,
				 v.current_state ? v.current_state : "(none)", c->current);
		if (v.started != c->started || v.ended != c->ended || v.elapsed_s != c->elapsed)
			fail_msg("case %zu: started %g ended %g elapsed %g, expected %g %g %g", i,
				 v.started, v.ended, v.elapsed_s, c->started, c->ended, c->elapsed);
		if ((c->token == NULL) != (v.task_token == NULL) ||
		    (c->token && strcmp(c->token, v.task_token) != 0))
			fail_msg("case %zu: token %s, expected %s", i,
				 v.task_token ? v.task_token : "(none)", c->token ? c->token : "(none)");
		if ((c->error == NULL) != (v.error == NULL) ||
		    (c->error && strcmp(c->error, v.error) != 0))
			fail_msg("case %zu: error %s, expected %s", i, v.error ? v.error : "(none)",
				 c->error ? c->error : "(none)");
		if (v.stuck != c->stuck)
			fail_msg("case %zu: stuck %d, expected %d", i, v.stuck, c->stuck);
	}
}

static void test_unknown_execution_is_pending(void **state)
{
	struct phase_view v;
	(void)state;

	phase_eval(&phases[0], NULL, 100, &v);
	assert_int_equal(v.status, PHASE_PENDING);
	assert_null(v.current_state);
}

static void test_loop_reenters_a_phase(void **state)
{
	static const struct exec_event loop[] = {
		EV(1, 0, "TaskStateEntered", "Validate"),
		EV(2, 10, "TaskStateExited", "Validate"),
		EV(3, 10, "TaskStateEntered", "ProvisionA"),
		EV(4, 20, "TaskStateExited", "ProvisionA"),
		EV(5, 20, "TaskStateEntered", "Validate"),   /* retry loop */
	};
	struct exec_view ex = { "RUNNING", 0, 0, loop, 5 };
	struct phase_view v;
	(void)state;

	phase_eval(&phases[0], &ex, 30, &v);
	assert_int_equal(v.status, PHASE_RUNNING);
	assert_true(v.started == 0);
	assert_true(v.state_since == 20);
}

static void test_names_and_glyphs(void **state)
{
	(void)state;
	assert_string_equal(phase_status_name(PHASE_WAITING), "waiting");
	assert_string_equal(phase_status_glyph(PHASE_SUCCEEDED), "✔");
	assert_string_equal(phase_status_name((enum phase_status)42), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_histories),
		cmocka_unit_test(test_unknown_execution_is_pending),
		cmocka_unit_test(test_loop_reenters_a_phase),
		cmocka_unit_test(test_names_and_glyphs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
