/* test_phase_eval.c: phase status, current state, approvals, failures and
 * stuck detection from recorded execution histories. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cutover/ends_with.h"
#include "cutover/phase_eval.h"
#include "engine/phase_eval_test.h"

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

/* --- the resumable walk ------------------------------------------------------
 * The reference: phase_eval exactly as it was before the walk (a full scan
 * of the history at every call), kept here so the walk is checked against
 * the old results, not only against itself. */
static bool ref_in_phase(const struct runbook_phase *ph, const char *state)
{
	if (!state)
		return false;
	for (size_t i = 0; i < ph->nstates; i++)
		if (strcmp(ph->states[i], state) == 0)
			return true;
	return false;
}

/* Open states: entered and not yet exited.  Parallel branches can hold a
 * handful; more than REF_MAX_OPEN at once only loses the oldest. */
#define REF_MAX_OPEN 32

struct ref_open_state {
	const char *name;
	double since;
	const char *token;        /* a pending waitForTaskToken task in it */
	double token_since;
};

struct ref_walk {
	struct ref_open_state open[REF_MAX_OPEN];
	size_t nopen;
	const char *last_state;   /* the most recently entered state */
	const char *last_error, *last_cause;
};

static void ref_close_state(struct ref_walk *w, const char *name)
{
	for (size_t i = w->nopen; i-- > 0;) {
		if (strcmp(w->open[i].name, name) == 0) {
			memmove(&w->open[i], &w->open[i + 1], (w->nopen - i - 1) * sizeof(w->open[0]));
			w->nopen--;
			return;
		}
	}
}

/* The open state a task event belongs to: task events carry no state name;
 * they belong to the newest open state (AWS schedules a task right after
 * its state is entered, before anything else in that branch). */
static struct ref_open_state *ref_newest_open(struct ref_walk *w)
{
	return w->nopen ? &w->open[w->nopen - 1] : NULL;
}

static void ref_phase_eval(const struct runbook_phase *ph, const struct exec_view *ex, double now,
		struct phase_view *out)
{
	struct ref_walk w;
	bool entered_ours = false, left_ours = false;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	out->status = PHASE_PENDING;
	if (!ex)
		return;

	for (size_t i = 0; i < ex->nevents; i++) {
		const struct exec_event *e = &ex->events[i];
		struct ref_open_state *o;

		if (!e->type)
			continue;
		if (ends_with(e->type, "StateEntered") && e->state) {
			if (ref_in_phase(ph, e->state)) {
				if (!entered_ours)
					out->started = e->ts;
				entered_ours = true;
				left_ours = false;   /* (re-)entered: a loop comes back */
				out->ended = 0;
			} else if (entered_ours && left_ours) {
				/* moved on to a state outside the phase */
				if (!out->ended)
					out->ended = e->ts;
			}
			if (w.nopen == REF_MAX_OPEN) {
				memmove(&w.open[0], &w.open[1], (REF_MAX_OPEN - 1) * sizeof(w.open[0]));
				w.nopen--;
			}
			w.open[w.nopen].name = e->state;
			w.open[w.nopen].since = e->ts;
			w.open[w.nopen].token = NULL;
			w.nopen++;
			w.last_state = e->state;
		} else if (ends_with(e->type, "StateExited") && e->state) {
			ref_close_state(&w, e->state);
			if (ref_in_phase(ph, e->state)) {
				bool any_open = false;

				for (size_t k = 0; k < w.nopen; k++)
					any_open |= ref_in_phase(ph, w.open[k].name);
				left_ours = !any_open;
			}
		} else if (strcmp(e->type, "TaskScheduled") == 0) {
			o = ref_newest_open(&w);
			if (o && ends_with(e->resource, ".waitForTaskToken")) {
				o->token = e->task_token;
				o->token_since = e->ts;
			}
		} else if (strcmp(e->type, "TaskSucceeded") == 0 ||
			   strcmp(e->type, "TaskFailed") == 0 ||
			   strcmp(e->type, "TaskTimedOut") == 0 ||
			   strcmp(e->type, "TaskAborted") == 0 ||
			   strcmp(e->type, "TaskStartFailed") == 0) {
			o = ref_newest_open(&w);
			if (o)
				o->token = NULL;
			if (e->error) {
				w.last_error = e->error;
				w.last_cause = e->cause;
			}
		} else if (strcmp(e->type, "ExecutionFailed") == 0 ||
			   strcmp(e->type, "ExecutionAborted") == 0 ||
			   strcmp(e->type, "ExecutionTimedOut") == 0) {
			if (e->error) {
				w.last_error = e->error;
				w.last_cause = e->cause;
			}
		}
	}

	if (!entered_ours)
		return;   /* PENDING */

	if (ex->status && strcmp(ex->status, "RUNNING") != 0 && !(left_ours && out->ended)) {
		/* The execution ended while in (or right after) this phase. */
		bool ended_here = ref_in_phase(ph, w.last_state) || !left_ours;

		out->ended = ex->stop > 0 ? ex->stop : now;
		if (strcmp(ex->status, "SUCCEEDED") == 0 || !ended_here) {
			out->status = PHASE_SUCCEEDED;
		} else {
			out->status = strcmp(ex->status, "ABORTED") == 0 ? PHASE_ABORTED : PHASE_FAILED;
			out->error = w.last_error;
			out->cause = w.last_cause;
			out->current_state = w.last_state;
		}
		out->elapsed_s = out->ended - out->started;
		return;
	}
	if (left_ours && out->ended) {
		out->status = PHASE_SUCCEEDED;
		out->elapsed_s = out->ended - out->started;
		return;
	}

	out->status = PHASE_RUNNING;
	out->ended = 0;
	for (size_t k = w.nopen; k-- > 0;) {
		if (!ref_in_phase(ph, w.open[k].name))
			continue;
		if (!out->current_state) {
			out->current_state = w.open[k].name;
			out->state_since = w.open[k].since;
		}
		if (w.open[k].token && !out->task_token) {
			out->status = PHASE_WAITING;
			out->task_token = w.open[k].token;
			out->waiting_since = w.open[k].token_since;
			out->current_state = w.open[k].name;
			out->state_since = w.open[k].since;
		}
	}
	if (!out->current_state) {
		/* Between two of our states (exited one, next not entered yet). */
		out->current_state = w.last_state;
	}
	out->elapsed_s = now - out->started;
	out->stuck = ph->estimate_min > 0 &&
		     out->elapsed_s > PHASE_STUCK_FACTOR * 60.0 * (double)ph->estimate_min;
}

/* Random histories: entries (often nested past PHASE_WALK_MAX_OPEN), exits of
 * open and unknown states, approvals, task outcomes with errors, execution
 * failures, events with no type or no state name. */
#define GEN_EVENTS 360

static const char *const gen_states[] = {
	"Validate", "ProvisionA", "ProvisionB", "ApproveCutover", "Cutover", "Verify",
	"Provision", "Choose", "Wait",
};
#define NGEN_STATES (sizeof(gen_states) / sizeof(gen_states[0]))

static char gen_tokens[GEN_EVENTS][16];

static unsigned gen_next(unsigned long long *rng)
{
	*rng = *rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(*rng >> 33);
}

static void gen_history(unsigned long long seed, unsigned enter_pct, struct exec_event *out,
			size_t n)
{
	unsigned long long rng = seed;

	for (size_t i = 0; i < n; i++) {
		struct exec_event *e = &out[i];
		unsigned r = gen_next(&rng) % 100;
		const char *st = gen_states[gen_next(&rng) % NGEN_STATES];

		memset(e, 0, sizeof(*e));
		e->id = (long long)i + 1;
		e->ts = (double)(i * 7 + gen_next(&rng) % 5);
		if (r < enter_pct) {
			e->type = r % 2 ? "TaskStateEntered" : "ParallelStateEntered";
			e->state = r % 17 == 0 ? NULL : st;
		} else if (r < enter_pct + 25) {
			e->type = r % 2 ? "TaskStateExited" : "ChoiceStateExited";
			/* mostly the newest entered states, sometimes any */
			e->state = st;
			for (size_t k = i; k-- > 0 && r % 3;)
				if (out[k].state && out[k].type && ends_with(out[k].type, "Entered")) {
					e->state = out[k].state;
					break;
				}
		} else if (r < enter_pct + 40) {
			e->type = "TaskScheduled";
			e->resource = r % 2 ? "invoke.waitForTaskToken" : "invoke";
			snprintf(gen_tokens[i], sizeof(gen_tokens[i]), "T%zu", i);
			e->task_token = r % 2 ? gen_tokens[i] : NULL;
		} else if (r < enter_pct + 52) {
			static const char *const outcomes[] = {
				"TaskSucceeded", "TaskFailed", "TaskTimedOut", "TaskAborted",
				"TaskStartFailed", "TaskStarted",
			};
			e->type = outcomes[r % 6];
			if (r % 3 == 0) {
				e->error = "States.TaskFailed";
				e->cause = gen_tokens[0];
			}
		} else if (r < enter_pct + 55) {
			static const char *const ends[] = {
				"ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut",
			};
			e->type = ends[r % 3];
			e->error = r % 2 ? "States.Timeout" : NULL;
			e->cause = "cause";
		} else {
			e->type = r % 9 == 0 ? NULL : "PassStateEntered";
			e->state = r % 9 == 0 ? st : gen_states[gen_next(&rng) % NGEN_STATES];
		}
	}
}

static void assert_same_view(const struct phase_view *a, const struct phase_view *b,
			     const char *what, size_t at)
{
	/* Borrowed strings must be the very same pointers: both come from
	 * the same events. */
	if (a->status != b->status || a->current_state != b->current_state ||
	    a->state_since != b->state_since || a->started != b->started ||
	    a->ended != b->ended || a->elapsed_s != b->elapsed_s || a->stuck != b->stuck ||
	    a->task_token != b->task_token || a->waiting_since != b->waiting_since ||
	    a->error != b->error || a->cause != b->cause)
		fail_msg("%s after %zu events: %s/%s since %g %g-%g %g stuck %d token %s, "
			 "expected %s/%s since %g %g-%g %g stuck %d token %s", what, at,
			 phase_status_name(a->status), a->current_state ? a->current_state : "-",
			 a->state_since, a->started, a->ended, a->elapsed_s, a->stuck,
			 a->task_token ? a->task_token : "-", phase_status_name(b->status),
			 b->current_state ? b->current_state : "-", b->state_since, b->started,
			 b->ended, b->elapsed_s, b->stuck, b->task_token ? b->task_token : "-");
}

/* Fed in slices of any size (none included), a walk's view equals a full
 * evaluation, old and new, at every prefix, for every execution status and
 * for times that make a phase stuck and not. */
static void test_walk_in_slices_equals_full_eval(void **state)
{
	static struct exec_event hist[GEN_EVENTS];
	static const char *const statuses[] = {
		"RUNNING", "SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT", NULL,
	};
	static const struct { unsigned long long seed; unsigned enter_pct; } runs[] = {
		{ 1, 30 }, { 2, 40 }, { 3, 40 }, { 42, 20 },
	};
	size_t compared = 0, deep = 0;
	(void)state;

	for (size_t r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
		unsigned long long rng = runs[r].seed * 977;

		gen_history(runs[r].seed, runs[r].enter_pct, hist, GEN_EVENTS);
		for (size_t p = 0; p < sizeof(phases) / sizeof(phases[0]); p++) {
			struct phase_walk w;
			size_t fed = 0;

			phase_walk_init(&w);
			while (fed < GEN_EVENTS) {
				size_t n = gen_next(&rng) % 8; /* 0: an unchanged history */

				if (n > GEN_EVENTS - fed)
					n = GEN_EVENTS - fed;
				phase_walk_feed(&w, &phases[p], hist + fed, n);
				fed += n;
				assert_int_equal(w.nevents, fed);
				if (w.nopen == PHASE_WALK_MAX_OPEN)
					deep++;
				for (size_t s = 0; s < sizeof(statuses) / sizeof(statuses[0]); s++) {
					double last = fed ? hist[fed - 1].ts : 0;
					double nows[] = { last + 1, last + 100000 };

					for (size_t t = 0; t < 2; t++) {
						struct exec_view ex = { statuses[s], 0,
									t ? last + 3 : 0, hist, fed };
						struct phase_view got, full, ref;

						phase_walk_view(&w, &phases[p], &ex, nows[t], &got);
						phase_eval(&phases[p], &ex, nows[t], &full);
						ref_phase_eval(&phases[p], &ex, nows[t], &ref);
						assert_same_view(&got, &ref, "walk vs reference", fed);
						assert_same_view(&full, &ref, "phase_eval vs reference", fed);
						compared++;
					}
				}
			}
		}
	}
	assert_true(compared > 10000);
	assert_true(deep > 0); /* the open list did overflow somewhere */
}

/* An unchanged history is not read again: the views after it are derived
 * from the walk alone, and only `now` moves elapsed and stuck. */
static void test_unchanged_history_is_not_rescanned(void **state)
{
	const struct runbook_phase *ph = &phases[0]; /* Validate, estimate 5 min */
	struct exec_view ex = { "RUNNING", 0, 0, history, 4 };
	struct phase_walk w;
	struct phase_view v;
	unsigned long long before;
	(void)state;

	phase_walk_init(&w);
	before = phase_eval_events_walked();
	phase_walk_feed(&w, ph, history, 4);
	assert_int_equal(phase_eval_events_walked() - before, 4);

	before = phase_eval_events_walked();
	for (int i = 0; i < 100; i++)
		phase_walk_feed(&w, ph, history + 4, 0);
	phase_walk_view(&w, ph, &ex, 500, &v);
	assert_int_equal(v.status, PHASE_RUNNING);
	assert_true(v.elapsed_s == 499);
	assert_false(v.stuck);
	phase_walk_view(&w, ph, &ex, 661, &v);
	assert_true(v.elapsed_s == 660);
	assert_true(v.stuck); /* over 2 x 5 min with no new event */
	assert_int_equal(phase_eval_events_walked() - before, 0);

	/* one more event: exactly one more read */
	before = phase_eval_events_walked();
	phase_walk_feed(&w, ph, history + 4, 1);
	assert_int_equal(phase_eval_events_walked() - before, 1);
	ex.nevents = 5;
	phase_walk_view(&w, ph, &ex, 661, &v);
	assert_int_equal(v.status, PHASE_RUNNING); /* exited, nothing after yet */
	/* the full evaluation reads the whole prefix, every time */
	before = phase_eval_events_walked();
	phase_eval(ph, &ex, 661, &v);
	phase_eval(ph, &ex, 662, &v);
	assert_int_equal(phase_eval_events_walked() - before, 10);
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
		cmocka_unit_test(test_walk_in_slices_equals_full_eval),
		cmocka_unit_test(test_unchanged_history_is_not_rescanned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
