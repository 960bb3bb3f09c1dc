/* rollback.c: the guided rollback runner (see rollback.h, docs/rollback.md).
 *
 * One thread per run.  The runner works unlocked (AWS calls, commands,
 * waits) and publishes each change under its mutex, bumping a generation
 * and calling the front end's notify hook after unlocking, as the engine's
 * pollers do.  The order of writes around a step is what makes a crash
 * survivable:
 *   item "running" (store) -> rollback.step intent (audit) -> intent id
 *   (store) -> the action -> item's end state (store) -> outcome (audit).
 * Whatever the crash point, the next start finds the step that was running
 * and either checks what happened, re-runs it when repeating is harmless,
 * or asks the operator.  Flags go through the operator action path
 * (actions.h), the same as the flags panel, with its own flag.set intent.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "cutover/actions.h"
#include "cutover/audit.h"
#include "cutover/aws_client.h"
#include "cutover/aws_health.h"
#include "cutover/aws_sfn.h"
#include "cutover/aws_ssm.h"
#include "cutover/engine.h"
#include "cutover/rollback.h"
#include "cutover/dup_or_null.h"
#include "cutover/copy_trunc.h"
#include "engine/action_json.h"
#include "engine/rollback_exec.h"

static const char *const item_state_names[] = {
#define ROLLBACK_ITEM_STATE_NAME(id, name) name,
    ROLLBACK_ITEM_STATE_LIST(ROLLBACK_ITEM_STATE_NAME)
#undef ROLLBACK_ITEM_STATE_NAME
};

static const char *const run_state_names[] = {
#define ROLLBACK_RUN_STATE_NAME(id, name) name,
    ROLLBACK_RUN_STATE_LIST(ROLLBACK_RUN_STATE_NAME)
#undef ROLLBACK_RUN_STATE_NAME
};

const char *rollback_item_state_name(enum rollback_item_state s)
{
	return (unsigned)s < ROLLBACK_ITEM_STATE_COUNT ? item_state_names[s] : "?";
}

const char *rollback_run_state_name(enum rollback_run_state s)
{
	return (unsigned)s < ROLLBACK_RUN_STATE_COUNT ? run_state_names[s] : "?";
}

bool rollback_item_state_parse(const char *name, enum rollback_item_state *out)
{
	for (int i = 0; i < ROLLBACK_ITEM_STATE_COUNT; i++)
		if (name && strcmp(name, item_state_names[i]) == 0) {
			*out = (enum rollback_item_state)i;
			return true;
		}
	return false;
}

/* --- flattening --------------------------------------------------------- */

static size_t flatten(const struct runbook_plan *plan, struct rollback_preview_item *out,
                      size_t cap, size_t n, int depth)
{
	if (!plan || depth > RUNBOOK_MAX_DEPTH)
		return n;
	if (plan->sequence) {
		for (size_t i = 0; i < plan->nsequence; i++)
			n = flatten(plan->sequence[i], out, cap, n, depth + 1);
	} else {
		for (size_t i = 0; i < plan->nsteps; i++, n++)
			if (n < cap)
				out[n] = (struct rollback_preview_item){ROLLBACK_STEP, plan, i + 1,
				                                        &plan->steps[i],
				                                        plan->steps[i].title};
	}
	for (size_t i = 0; i < plan->nverify; i++, n++)
		if (n < cap)
			out[n] = (struct rollback_preview_item){ROLLBACK_CHECK, plan, i + 1, NULL,
			                                        plan->verify[i]};
	return n;
}

size_t rollback_plan_flatten(const struct runbook_plan *plan, struct rollback_preview_item *out,
                             size_t cap)
{
	return flatten(plan, out, cap, 0, 0);
}

const struct runbook_plan *rollback_recommended_plan(const struct runbook *rb,
                                                     const char *triggered_gauge,
                                                     const char *current_phase)
{
	const struct runbook_gauge *g =
	    triggered_gauge ? runbook_gauge_find(rb, triggered_gauge) : NULL;
	const struct runbook_phase *ph =
	    current_phase ? runbook_phase_find(rb, current_phase) : NULL;
	const struct runbook_plan *full;

	if (g && g->has_trigger && g->trigger.plan)
		return g->trigger.plan;
	if (ph && ph->rollback)
		return ph->rollback;
	full = runbook_plan_find(rb, "full");
	if (full)
		return full;
	return rb->nplans ? &rb->plans[0] : NULL;
}

/* --- the runner ---------------------------------------------------------- */

struct item {
	struct rollback_item_rec rec; /* what the store keeps */
	enum rollback_item_kind kind;
	enum rollback_item_state state;
	const struct runbook_plan *plan;
	const struct runbook_step *step;
	const char *title;
	size_t plan_index;
	double started, ended; /* runner clock */
	char detail[512];
};

struct answer {
	enum rollback_answer_kind kind;
	char text[ROLLBACK_NOTE_MAX];
};

struct rollback_runner {
	const struct runbook *rb;
	const struct runbook_plan *plan;
	struct rollback_options opt; /* strings: the copies below */
	char *operator_name, *confirm, *reason, *runbook_hash, *profile, *region;
	char audit_path[4096];
	struct rollback_store *store;
	struct audit *log;
	struct actions *actions;
	struct engine *own_engine; /* created on the runner thread when needed */
	bool own_engine_failed;

	pthread_t thread;
	bool thread_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;

	/* Guarded by mu. */
	struct item *items;
	size_t nitems;
	struct rollback_run_rec run;
	enum rollback_run_state state;
	uint64_t generation;
	struct rollback_prompt prompt;
	uint64_t next_prompt_id;
	bool answered;
	struct answer answer;
	char message[1024];
	size_t current;
	bool resumed;
	bool finished;
	double started;
	char abort_reason[512];

	atomic_int stop;      /* interrupt, leave resumable (destroy) */
	atomic_int abort_req; /* the operator aborts */
	bool locked;
};

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double clk(const struct rollback_runner *r)
{
	return r->opt.now ? r->opt.now(r->opt.now_ctx) : wall();
}

static int64_t clk_ms(const struct rollback_runner *r)
{
	return (int64_t)llround(clk(r) * 1000.0);
}

/* --- test hook: kill -9 at the Nth crash point ----------------------------
 * CUTOVER_TEST_CRASH_AT=N makes the process SIGKILL itself when it reaches
 * its Nth crash point (a boundary between two durable writes), so a test
 * can crash a run at every such boundary deterministically. */
static atomic_int crash_count;
static atomic_int crash_at = -1;

static void crash_point(const char *what, size_t item)
{
	int n, at = atomic_load(&crash_at);

	if (at < 0) {
		const char *s = getenv("CUTOVER_TEST_CRASH_AT");
		char *end;
		long v = s && *s ? strtol(s, &end, 10) : 0;

		at = s && *s && *end == '\0' && v > 0 && v < 100000 ? (int)v : 0;
		atomic_store(&crash_at, at);
	}
	if (at == 0)
		return;
	n = atomic_fetch_add(&crash_count, 1) + 1;
	if (n == at) {
		fprintf(stderr, "cutover: test hook: kill -9 at crash point %d (%s, item %zu)\n", n,
		        what, item + 1);
		fflush(stderr);
		raise(SIGKILL);
	}
}

/* --- publishing ----------------------------------------------------------- */

static void notify(struct rollback_runner *r)
{
	if (r->opt.notify)
		r->opt.notify(r->opt.notify_ctx);
}

/* Bump the generation and wake waiters; call with mu held, then
 * notify() after unlocking. */
static void bump(struct rollback_runner *r)
{
	r->generation++;
	pthread_cond_broadcast(&r->cv);
}

static void set_message(struct rollback_runner *r, const char *fmt, ...) CUTOVER_PRINTF(2, 3);

static void set_message(struct rollback_runner *r, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&r->mu);
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
	bump(r);
	pthread_mutex_unlock(&r->mu);
	notify(r);
}

static void set_detail(struct rollback_runner *r, size_t i, const char *fmt, ...)
    CUTOVER_PRINTF(3, 4);

static void set_detail(struct rollback_runner *r, size_t i, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&r->mu);
	if (strcmp(buf, r->items[i].detail) != 0) {
		memcpy(r->items[i].detail, buf, sizeof(buf));
		bump(r);
	}
	pthread_mutex_unlock(&r->mu);
	notify(r);
}

/* Persist item i (a copy taken under the lock). */
static enum cutover_status save_item(struct rollback_runner *r, size_t i, struct cutover_err *err)
{
	struct rollback_item_rec rec;

	pthread_mutex_lock(&r->mu);
	r->items[i].rec.started_ms = (int64_t)llround(r->items[i].started * 1000.0);
	r->items[i].rec.ended_ms = (int64_t)llround(r->items[i].ended * 1000.0);
	copy_trunc(r->items[i].rec.state, sizeof(r->items[i].rec.state),
	     rollback_item_state_name(r->items[i].state));
	rec = r->items[i].rec;
	bump(r);
	pthread_mutex_unlock(&r->mu);
	notify(r);
	return rollback_store_item_update(r->store, r->run.id, &rec, err);
}

static enum cutover_status save_run(struct rollback_runner *r, struct cutover_err *err)
{
	struct rollback_run_rec rec;

	pthread_mutex_lock(&r->mu);
	copy_trunc(r->run.state, sizeof(r->run.state), rollback_run_state_name(r->state));
	r->run.current = (long)r->current;
	rec = r->run;
	bump(r);
	pthread_mutex_unlock(&r->mu);
	notify(r);
	return rollback_store_run_update(r->store, &rec, err);
}

static void set_state(struct rollback_runner *r, size_t i, enum rollback_item_state st)
{
	pthread_mutex_lock(&r->mu);
	r->items[i].state = st;
	bump(r);
	pthread_mutex_unlock(&r->mu);
	notify(r);
}

static void set_run_state(struct rollback_runner *r, enum rollback_run_state st)
{
	pthread_mutex_lock(&r->mu);
	r->state = st;
	bump(r);
	pthread_mutex_unlock(&r->mu);
	notify(r);
}

/* --- audit helpers ----------------------------------------------------------- */

static void step_target(const struct rollback_runner *r, size_t i, char *buf, size_t n)
{
	const struct item *it = &r->items[i];

	snprintf(buf, n, "%s %zu/%zu #%zu: %s", it->plan->id, it->plan_index,
	         it->kind == ROLLBACK_STEP ? it->plan->nsteps : it->plan->nverify, i + 1,
	         it->title);
}

void rollback_step_summary(const struct runbook_step *s, char *buf, size_t n)
{
	if (!n)
		return;
	switch (s->kind) {
	case RUNBOOK_STEP_FLAG:
		snprintf(buf, n, "flag %s = %s", s->flag.flag->id, s->flag.value);
		break;
	case RUNBOOK_STEP_SFN_START:
		snprintf(buf, n, "start %s%s", s->sfn_start.state_machine_arn,
		         s->sfn_start.wait ? " and wait" : "");
		break;
	case RUNBOOK_STEP_SFN_STOP:
		snprintf(buf, n, "stop %s",
		         s->sfn_stop.execution_arn ? s->sfn_stop.execution_arn
		         : s->sfn_stop.execution   ? s->sfn_stop.execution->id
		                                   : "?");
		break;
	case RUNBOOK_STEP_EXEC: {
		size_t used = 0;

		buf[0] = '\0';
		for (size_t k = 0; k < s->exec.argc && used < n; k++) {
			int w =
			    snprintf(buf + used, n - used, "%s%s", k ? " " : "", s->exec.argv[k]);

			if (w < 0)
				break;
			used += (size_t)w;
		}
		break;
	}
	case RUNBOOK_STEP_HTTP:
		snprintf(buf, n, "GET %s expect %d", s->http.url, s->http.expect_status);
		break;
	case RUNBOOK_STEP_GAUGE_OK:
		snprintf(buf, n, "gauge %s OK within %us", s->gauge_ok.gauge->id,
		         s->gauge_ok.timeout_s);
		break;
	case RUNBOOK_STEP_WAIT:
		snprintf(buf, n, "wait %us", s->wait.seconds);
		break;
	case RUNBOOK_STEP_MANUAL:
		snprintf(buf, n, "manual: %s", s->manual.text);
		break;
	default:
		snprintf(buf, n, "?");
	}
}

static void audit_warn(struct rollback_runner *r, const char *what, const struct cutover_err *e)
{
	set_message(r, "WARNING: %s could not be recorded in the audit log %s: %s", what,
	            r->audit_path, e->msg);
}

static void event(struct rollback_runner *r, const char *kind, const char *target,
                  const char *new_value, const char *detail)
{
	struct audit_event ev = {kind, target, NULL, new_value, detail};
	struct cutover_err err;

	cutover_err_clear(&err);
	if (audit_event(r->log, &ev, NULL, &err) != CUTOVER_OK)
		audit_warn(r, kind, &err);
}

static char *detail_json(const struct rollback_runner *r, size_t i, const char *k1, const char *v1,
                         const char *k2, const char *v2)
{
	struct action_kv kv[] = {
	    {"run", ACTION_KV_STR, r->run.id, 0, 0},
	    {"item", ACTION_KV_INT, NULL, (long long)i, i == (size_t)-1},
	    {"attempt", ACTION_KV_INT, NULL, i == (size_t)-1 ? 0 : r->items[i].rec.attempts,
	     i == (size_t)-1},
	    {k1 ? k1 : "x1", ACTION_KV_STR, k1 ? v1 : NULL, 0, 0},
	    {k2 ? k2 : "x2", ACTION_KV_STR, k2 ? v2 : NULL, 0, 0},
	};

	return action_json_object(kv, sizeof(kv) / sizeof(kv[0]));
}

/* --- waiting ------------------------------------------------------------------ */

static bool interrupted(const struct rollback_runner *r)
{
	return atomic_load(&r->stop) || atomic_load(&r->abort_req);
}

/* The abort reason, copied under the lock (abort() may write it from
 * another thread). */
static void abort_reason_get(struct rollback_runner *r, char *buf, size_t n)
{
	pthread_mutex_lock(&r->mu);
	copy_trunc(buf, n, r->abort_reason);
	pthread_mutex_unlock(&r->mu);
}

static int should_abort_hook(void *ctx)
{
	return interrupted(ctx);
}

/* Sleep `seconds` of the runner's clock, in slices of at most 200 ms of
 * wall time so a scaled clock and an abort are both noticed.  False when
 * interrupted. */
static bool sleep_clock(struct rollback_runner *r, double seconds)
{
	double deadline = clk(r) + seconds;

	pthread_mutex_lock(&r->mu);
	while (!interrupted(r)) {
		double left = deadline - clk(r);
		struct timespec ts;
		double slice, w;

		if (left <= 0)
			break;
		slice = left < 0.2 ? left : 0.2;
		w = wall() + slice;
		ts.tv_sec = (time_t)w;
		ts.tv_nsec = (long)((w - (double)ts.tv_sec) * 1e9);
		pthread_cond_timedwait(&r->cv, &r->mu, &ts);
	}
	pthread_mutex_unlock(&r->mu);
	return !interrupted(r);
}

/* Open a prompt and wait for its answer.  An abort answers ABORT; a stop
 * returns false (the run stays resumable). */
static bool ask(struct rollback_runner *r, size_t i, enum rollback_prompt_kind kind,
                struct answer *out, const char *fmt, ...) CUTOVER_PRINTF(5, 6);

static bool ask(struct rollback_runner *r, size_t i, enum rollback_prompt_kind kind,
                struct answer *out, const char *fmt, ...)
{
	va_list ap;
	bool ok = true;

	pthread_mutex_lock(&r->mu);
	r->prompt.kind = kind;
	r->prompt.id = ++r->next_prompt_id;
	r->prompt.item = i;
	va_start(ap, fmt);
	vsnprintf(r->prompt.text, sizeof(r->prompt.text), fmt, ap);
	va_end(ap);
	r->answered = false;
	r->state = ROLLBACK_RUN_WAITING;
	bump(r);
	pthread_mutex_unlock(&r->mu);
	notify(r);
	{
		struct cutover_err err;

		if (save_run(r, &err) != CUTOVER_OK)
			set_message(r, "%s", err.msg);
	}
	pthread_mutex_lock(&r->mu);
	while (!r->answered && !interrupted(r))
		pthread_cond_wait(&r->cv, &r->mu);
	if (r->answered) {
		*out = r->answer;
	} else if (atomic_load(&r->abort_req)) {
		out->kind = ROLLBACK_ANSWER_ABORT;
		copy_trunc(out->text, sizeof(out->text), r->abort_reason);
	} else {
		ok = false;
	}
	r->prompt.kind = ROLLBACK_PROMPT_NONE;
	r->prompt.id = 0;
	r->answered = false;
	if (r->state == ROLLBACK_RUN_WAITING)
		r->state = ROLLBACK_RUN_RUNNING;
	bump(r);
	pthread_mutex_unlock(&r->mu);
	notify(r);
	return ok;
}

/* --- the step kinds ------------------------------------------------------------ */

/* What one attempt came to. */
struct outcome {
	enum rollback_item_state state; /* SUCCEEDED, FAILED, UNKNOWN, or RUNNING when
	                                 * interrupted by a stop (to re-check at resume) */
	char note[ROLLBACK_NOTE_MAX];
	char request_id[96];
};

static void outcome_set(struct outcome *o, enum rollback_item_state st, const char *fmt, ...)
    CUTOVER_PRINTF(3, 4);

static void outcome_set(struct outcome *o, enum rollback_item_state st, const char *fmt, ...)
{
	va_list ap;

	o->state = st;
	va_start(ap, fmt);
	vsnprintf(o->note, sizeof(o->note), fmt, ap);
	va_end(ap);
}

static void interrupted_outcome(struct rollback_runner *r, struct outcome *o)
{
	char why[512];

	abort_reason_get(r, why, sizeof(why));
	if (atomic_load(&r->abort_req))
		outcome_set(o, ROLLBACK_ITEM_FAILED, "aborted by the operator%s%s",
		            why[0] ? ": " : "", why);
	else
		outcome_set(o, ROLLBACK_ITEM_RUNNING, "interrupted; checked again at resume");
}

static void do_flag(struct rollback_runner *r, size_t i, struct outcome *o)
{
	const struct runbook_step *s = r->items[i].step;
	struct action_request req = {0};
	struct action_result *res = calloc(1, sizeof(*res));
	char comment[768];

	if (!res) {
		outcome_set(o, ROLLBACK_ITEM_FAILED, "out of memory");
		return;
	}
	snprintf(comment, sizeof(comment), "rollback %.12s step %zu: %s", r->run.id, i + 1,
	         s->title);
	req.kind = ACTION_FLAG_SET;
	req.flag_id = s->flag.flag->id;
	req.flag_op = ACTION_FLAG_VALUE;
	req.value = s->flag.value;
	req.comment = comment;
	req.confirm = r->confirm;
	/* The operator confirmed the whole plan, which names this change. */
	req.confirmed = true;
	set_detail(r, i, "setting %s (%s) to '%s'", s->flag.flag->id, s->flag.flag->ssm,
	           s->flag.value);
	(void)actions_run(r->actions, &req, res);
	copy_trunc(o->request_id, sizeof(o->request_id), res->request_id);
	if (res->outcome == ACTION_OUTCOME_OK)
		outcome_set(o, ROLLBACK_ITEM_SUCCEEDED, "%s", res->message);
	else if (interrupted(r) && res->outcome == ACTION_OUTCOME_UNKNOWN)
		outcome_set(
		    o, atomic_load(&r->abort_req) ? ROLLBACK_ITEM_FAILED : ROLLBACK_ITEM_RUNNING,
		    "interrupted while setting the flag: %s", res->message);
	else
		outcome_set(o, ROLLBACK_ITEM_FAILED, "%s: %s", action_outcome_name(res->outcome),
		            res->message);
	free(res);
}

/* arn:P:states:R:A:stateMachine:NAME + exec name -> the execution's ARN. */
static int execution_arn_of(const char *sm_arn, const char *name, char *out, size_t n)
{
	const char *p = strstr(sm_arn, ":stateMachine:");

	if (!p)
		return -1;
	return snprintf(out, n, "%.*s:execution:%s:%s", (int)(p - sm_arn), sm_arn,
	                p + strlen(":stateMachine:"), name) >= (int)n
	           ? -1
	           : 0;
}

/* The newest state entered, for the live detail. */
static void current_state(struct rollback_runner *r, const char *arn, char *out, size_t n)
{
	struct sfn_history_opts ho = {1, 0, 10, 10};
	struct sfn_history h = {0};
	struct aws_error aerr;

	out[0] = '\0';
	aws_error_clear(&aerr);
	if (sfn_get_execution_history(actions_client_get(r->actions), arn, &ho, &h, &aerr) ==
	    CUTOVER_OK)
		for (size_t k = 0; k < h.count; k++)
			if (h.events[k].state_name && h.events[k].type &&
			    strstr(h.events[k].type, "StateEntered")) {
				copy_trunc(out, n, h.events[k].state_name);
				break;
			}
	sfn_history_free(&h);
}

static void do_sfn_start(struct rollback_runner *r, size_t i, struct outcome *o)
{
	const struct runbook_step *s = r->items[i].step;
	struct aws_client *c = actions_client_get(r->actions);
	struct sfn_execution ex = {0};
	struct aws_error aerr;
	char name[96], arn[ROLLBACK_TITLE_MAX], msg[768], state[128];
	double deadline;
	bool started_now = false;

	/* A retry of a run whose execution still runs keeps waiting on it;
	 * otherwise each attempt has its own name, derived from the run, the
	 * step and the attempt, so a resumed run finds the execution it may
	 * have started instead of starting a second one. */
	if (r->items[i].rec.execution_arn[0]) {
		aws_error_clear(&aerr);
		if (sfn_describe_execution(c, r->items[i].rec.execution_arn, &ex, &aerr) ==
		        CUTOVER_OK &&
		    ex.status && strcmp(ex.status, "RUNNING") == 0) {
			copy_trunc(arn, sizeof(arn), r->items[i].rec.execution_arn);
			sfn_execution_free(&ex);
			goto wait;
		}
		sfn_execution_free(&ex);
	}
	snprintf(name, sizeof(name), "cutover-rb-%.20s-%zu-%ld", r->run.id, i + 1,
	         r->items[i].rec.attempts);
	if (execution_arn_of(s->sfn_start.state_machine_arn, name, arn, sizeof(arn)) != 0) {
		outcome_set(o, ROLLBACK_ITEM_FAILED, "'%s' is not a state machine ARN",
		            s->sfn_start.state_machine_arn);
		return;
	}
	aws_error_clear(&aerr);
	if (sfn_describe_execution(c, arn, &ex, &aerr) == CUTOVER_OK) {
		set_detail(r, i, "execution %s already started (found by its name): %s", name,
		           ex.status ? ex.status : "?");
	} else if (strcmp(aerr.code, "ExecutionDoesNotExist") == 0) {
		struct sfn_start_result sr = {0};

		aws_error_clear(&aerr);
		set_detail(r, i, "starting %s", name);
		if (sfn_start_execution(c, s->sfn_start.state_machine_arn, name, s->sfn_start.input,
		                        &sr, &aerr) != CUTOVER_OK) {
			if (interrupted(r)) {
				interrupted_outcome(r, o);
			} else {
				aws_error_render(&aerr, msg, sizeof(msg));
				outcome_set(o, ROLLBACK_ITEM_FAILED, "StartExecution failed: %s",
				            msg);
			}
			sfn_start_result_free(&sr);
			sfn_execution_free(&ex);
			return;
		}
		copy_trunc(o->request_id, sizeof(o->request_id), sr.meta.request_id);
		if (sr.execution_arn)
			copy_trunc(arn, sizeof(arn), sr.execution_arn);
		sfn_start_result_free(&sr);
		started_now = true;
	} else {
		if (interrupted(r)) {
			interrupted_outcome(r, o);
		} else {
			aws_error_render(&aerr, msg, sizeof(msg));
			outcome_set(o, ROLLBACK_ITEM_FAILED,
			            "could not check for execution %s before starting it: %s", name,
			            msg);
		}
		sfn_execution_free(&ex);
		return;
	}
	sfn_execution_free(&ex);
	pthread_mutex_lock(&r->mu);
	copy_trunc(r->items[i].rec.execution_arn, sizeof(r->items[i].rec.execution_arn), arn);
	pthread_mutex_unlock(&r->mu);
	{
		struct cutover_err err;

		if (save_item(r, i, &err) != CUTOVER_OK)
			set_message(r, "%s", err.msg);
	}
	crash_point("sfn started", i);
	if (!s->sfn_start.wait) {
		outcome_set(o, ROLLBACK_ITEM_SUCCEEDED, "execution %s %s", arn,
		            started_now ? "started" : "found started");
		return;
	}
wait:
	deadline = clk(r) + (s->sfn_start.timeout_s ? s->sfn_start.timeout_s : 900);
	for (;;) {
		struct sfn_execution cur = {0};

		aws_error_clear(&aerr);
		if (sfn_describe_execution(c, arn, &cur, &aerr) == CUTOVER_OK && cur.status) {
			if (strcmp(cur.status, "RUNNING") != 0) {
				if (strcmp(cur.status, "SUCCEEDED") == 0)
					outcome_set(o, ROLLBACK_ITEM_SUCCEEDED,
					            "execution %s SUCCEEDED", arn);
				else
					outcome_set(
					    o, ROLLBACK_ITEM_FAILED,
					    "execution %s ended %s%s%s%s%s", arn, cur.status,
					    cur.error ? ": " : "", cur.error ? cur.error : "",
					    cur.cause ? " - " : "", cur.cause ? cur.cause : "");
				set_detail(r, i, "execution %s", cur.status);
				sfn_execution_free(&cur);
				return;
			}
			current_state(r, arn, state, sizeof(state));
			set_detail(r, i, "execution RUNNING%s%s", state[0] ? ", state " : "",
			           state);
		} else if (!interrupted(r)) {
			aws_error_render(&aerr, msg, sizeof(msg));
			set_detail(r, i, "cannot read the execution (retrying): %.400s", msg);
		}
		sfn_execution_free(&cur);
		if (clk(r) >= deadline) {
			outcome_set(
			    o, ROLLBACK_ITEM_FAILED,
			    "execution %s still RUNNING after %us; it keeps running: wait and "
			    "retry (the same execution is watched), or stop it and skip",
			    arn, s->sfn_start.timeout_s);
			return;
		}
		if (!sleep_clock(r, 2.0) || interrupted(r)) {
			interrupted_outcome(r, o);
			return;
		}
	}
}

static void do_sfn_stop(struct rollback_runner *r, size_t i, struct outcome *o)
{
	const struct runbook_step *s = r->items[i].step;
	struct aws_client *c = actions_client_get(r->actions);
	struct sfn_execution_list l = {0};
	struct aws_error aerr;
	char msg[768];
	size_t stopped = 0, already = 0;
	char **arns = NULL;
	size_t narns = 0;

	if (s->sfn_stop.execution_arn) {
		arns = malloc(sizeof(*arns));
		if (arns && (arns[0] = strdup(s->sfn_stop.execution_arn)) != NULL)
			narns = 1;
	} else if (s->sfn_stop.execution) {
		aws_error_clear(&aerr);
		if (sfn_list_executions(c, s->sfn_stop.execution->state_machine_arn, "RUNNING", 0,
		                        &l, &aerr) != CUTOVER_OK) {
			aws_error_render(&aerr, msg, sizeof(msg));
			outcome_set(o, ROLLBACK_ITEM_FAILED,
			            "listing running executions failed: %s", msg);
			return;
		}
		arns = calloc(l.count ? l.count : 1, sizeof(*arns));
		for (size_t k = 0; arns && k < l.count; k++)
			if ((arns[narns] = strdup(l.items[k].execution_arn)) != NULL)
				narns++;
		sfn_execution_list_free(&l);
	}
	if (!arns) {
		outcome_set(o, ROLLBACK_ITEM_FAILED, "out of memory");
		return;
	}
	o->state = ROLLBACK_ITEM_SUCCEEDED;
	for (size_t k = 0; k < narns && o->state == ROLLBACK_ITEM_SUCCEEDED; k++) {
		struct sfn_execution ex = {0};
		struct action_request req = {0};
		struct action_result *res;
		char comment[512];

		/* Stopping is checked first, so a repeat (a retry, a resume)
		 * finds it stopped and does nothing. */
		aws_error_clear(&aerr);
		if (sfn_describe_execution(c, arns[k], &ex, &aerr) == CUTOVER_OK && ex.status &&
		    strcmp(ex.status, "RUNNING") != 0) {
			already++;
			sfn_execution_free(&ex);
			continue;
		}
		sfn_execution_free(&ex);
		res = calloc(1, sizeof(*res));
		if (!res) {
			outcome_set(o, ROLLBACK_ITEM_FAILED, "out of memory");
			break;
		}
		snprintf(comment, sizeof(comment), "rollback %.12s step %zu: %s", r->run.id, i + 1,
		         s->title);
		req.kind = ACTION_EXEC_STOP;
		req.execution = arns[k];
		req.error = s->sfn_stop.error;
		req.cause = s->sfn_stop.cause;
		req.comment = comment;
		req.confirm = r->confirm;
		req.confirmed = true;
		set_detail(r, i, "stopping %s", arns[k]);
		(void)actions_run(r->actions, &req, res);
		copy_trunc(o->request_id, sizeof(o->request_id), res->request_id);
		if (res->outcome == ACTION_OUTCOME_OK)
			stopped++;
		else if (interrupted(r))
			interrupted_outcome(r, o);
		else
			outcome_set(o, ROLLBACK_ITEM_FAILED, "%s: %s",
			            action_outcome_name(res->outcome), res->message);
		free(res);
	}
	if (o->state == ROLLBACK_ITEM_SUCCEEDED)
		outcome_set(o, ROLLBACK_ITEM_SUCCEEDED,
		            narns == 0 ? "no execution was running"
		                       : "%zu stopped, %zu already ended",
		            stopped, already);
	for (size_t k = 0; k < narns; k++)
		free(arns[k]);
	free(arns);
}

extern char **environ;

struct exec_ctx {
	struct rollback_runner *r;
	size_t i;
};

static void on_exec_output(void *ctx, const char *tail, const char *last)
{
	struct exec_ctx *x = ctx;
	struct rollback_runner *r = x->r;

	pthread_mutex_lock(&r->mu);
	copy_trunc(r->items[x->i].rec.output_tail, sizeof(r->items[x->i].rec.output_tail), tail);
	snprintf(r->items[x->i].detail, sizeof(r->items[x->i].detail), "%s", last);
	bump(r);
	pthread_mutex_unlock(&r->mu);
	notify(r);
}

static void do_exec(struct rollback_runner *r, size_t i, struct outcome *o)
{
	const struct runbook_step *s = r->items[i].step;
	struct rollback_exec_result res;
	struct exec_ctx x = {r, i};
	char tail[4096];
	enum cutover_status st;

	char ctx_run[80], ctx_step[64], ctx_attempt[64], ctx_plan[320];
	char **envp = NULL;
	size_t nenv = 0;

	/* The command learns which run and step it serves, so a script can
	 * make its own work idempotent (and a test can count invocations). */
	snprintf(ctx_run, sizeof(ctx_run), "CUTOVER_ROLLBACK_RUN=%s", r->run.id);
	snprintf(ctx_step, sizeof(ctx_step), "CUTOVER_ROLLBACK_STEP=%zu", i + 1);
	snprintf(ctx_attempt, sizeof(ctx_attempt), "CUTOVER_ROLLBACK_ATTEMPT=%ld",
	         r->items[i].rec.attempts);
	snprintf(ctx_plan, sizeof(ctx_plan), "CUTOVER_ROLLBACK_PLAN=%.256s", r->items[i].plan->id);
	while (environ[nenv])
		nenv++;
	envp = calloc(nenv + 5, sizeof(*envp));
	if (envp) {
		size_t k = 0;

		for (size_t e = 0; e < nenv; e++)
			if (strncmp(environ[e], "CUTOVER_ROLLBACK_", 17) != 0)
				envp[k++] = environ[e];
		envp[k++] = ctx_run;
		envp[k++] = ctx_step;
		envp[k++] = ctx_attempt;
		envp[k++] = ctx_plan;
		envp[k] = NULL;
	}
	set_detail(r, i, "running %s", s->exec.argv[0]);
	st = rollback_exec_run(s->exec.argv, envp, s->exec.timeout_s ? s->exec.timeout_s : 60,
	                       should_abort_hook, r, on_exec_output, &x, tail, sizeof(tail), &res);
	free(envp);
	pthread_mutex_lock(&r->mu);
	copy_trunc(r->items[i].rec.output_tail, sizeof(r->items[i].rec.output_tail), tail);
	r->items[i].rec.has_exit_code = res.exited;
	r->items[i].rec.exit_code = res.exit_code;
	pthread_mutex_unlock(&r->mu);
	crash_point("command ended", i);
	if (st != CUTOVER_OK) {
		outcome_set(o, ROLLBACK_ITEM_FAILED, "%s",
		            res.error[0] ? res.error : cutover_status_str(st));
		return;
	}
	if (res.aborted) {
		/* Killed half way: whatever it did is not known. */
		if (atomic_load(&r->abort_req))
			outcome_set(o, ROLLBACK_ITEM_FAILED, "aborted by the operator: %s killed",
			            s->exec.argv[0]);
		else
			outcome_set(o, ROLLBACK_ITEM_UNKNOWN,
			            "interrupted: %s was killed part way; check what it did",
			            s->exec.argv[0]);
		return;
	}
	if (res.timed_out) {
		outcome_set(o, ROLLBACK_ITEM_FAILED,
		            "%s did not finish within %us: its process group was killed",
		            s->exec.argv[0], s->exec.timeout_s);
		return;
	}
	if (res.exited && res.exit_code == 0)
		outcome_set(o, ROLLBACK_ITEM_SUCCEEDED, "%s exited 0", s->exec.argv[0]);
	else if (res.exited)
		outcome_set(o, ROLLBACK_ITEM_FAILED, "%s exited with status %d", s->exec.argv[0],
		            res.exit_code);
	else
		outcome_set(o, ROLLBACK_ITEM_FAILED, "%s was killed by signal %d", s->exec.argv[0],
		            res.signal);
}

static void do_http(struct rollback_runner *r, size_t i, struct outcome *o)
{
	const struct runbook_step *s = r->items[i].step;
	struct aws_health h;
	struct aws_error aerr;
	char msg[768];

	set_detail(r, i, "GET %s", s->http.url);
	aws_error_clear(&aerr);
	/* The step's own timeout_s, not the client's 15 s default. */
	if (aws_health_check_within(actions_client_get(r->actions), s->http.url, 4096,
	                            (long)s->http.timeout_s * 1000, &h, &aerr) != CUTOVER_OK) {
		if (interrupted(r)) {
			interrupted_outcome(r, o);
		} else if (aerr.status == CUTOVER_ETIMEOUT) {
			outcome_set(o, ROLLBACK_ITEM_FAILED,
			            "GET %s: no answer within the step's timeout_s of %u s; check "
			            "the service, or raise timeout_s in the runbook",
			            s->http.url, s->http.timeout_s);
		} else {
			aws_error_render(&aerr, msg, sizeof(msg));
			outcome_set(o, ROLLBACK_ITEM_FAILED, "GET %s: no answer: %s", s->http.url,
			            msg);
		}
	} else if (h.http_status == s->http.expect_status) {
		outcome_set(o, ROLLBACK_ITEM_SUCCEEDED, "GET %s: %ld in %ld ms", s->http.url,
		            h.http_status, h.latency_ms);
	} else {
		outcome_set(o, ROLLBACK_ITEM_FAILED, "GET %s: %ld, expected %d", s->http.url,
		            h.http_status, s->http.expect_status);
	}
	aws_health_free(&h);
}

static enum runbook_source gauge_source(const struct runbook_gauge *g)
{
	switch (g->kind) {
	case RUNBOOK_GAUGE_ALARM:
		return RUNBOOK_SRC_ALARMS;
	case RUNBOOK_GAUGE_HTTP:
		return RUNBOOK_SRC_HEALTH;
	default:
		return RUNBOOK_SRC_METRICS;
	}
}

/* The gauge's state now: from the front end's running engine, or from one
 * poll of the gauge's source by the runner's own engine. */
static bool gauge_now(struct rollback_runner *r, const struct runbook_gauge *g,
                      enum gauge_state *state, double *value, char *why, size_t why_len)
{
	struct engine_snapshot snap;
	struct engine *e = r->opt.engine;
	struct cutover_err err;
	bool found = false;

	why[0] = '\0';
	cutover_err_clear(&err);
	if (!e) {
		if (!r->own_engine && !r->own_engine_failed) {
			struct engine_options eo = {0};

			eo.profile = r->opt.profile;
			eo.region = r->opt.region;
			eo.now = r->opt.now;
			eo.now_ctx = r->opt.now_ctx;
			eo.timeout_ms = r->opt.timeout_ms;
			eo.max_attempts = r->opt.max_attempts;
			if (engine_create(r->rb, &eo, &r->own_engine, &err) != CUTOVER_OK) {
				r->own_engine_failed = true;
				copy_trunc(why, why_len, err.msg);
				return false;
			}
		}
		if (!r->own_engine) {
			copy_trunc(why, why_len, "no engine to read the gauge");
			return false;
		}
		e = r->own_engine;
		/* Only what this gauge needs, not its whole source. */
		if (engine_poll_gauge(e, g->id, &err) != CUTOVER_OK) {
			copy_trunc(why, why_len, err.msg);
			return false;
		}
	}
	if (engine_snapshot_take(e, &snap) != CUTOVER_OK) {
		copy_trunc(why, why_len, "out of memory");
		return false;
	}
	for (size_t k = 0; k < snap.ngauges; k++)
		if (snap.gauges[k].def == g || strcmp(snap.gauges[k].def->id, g->id) == 0) {
			*state = snap.gauges[k].state;
			*value = snap.gauges[k].value;
			found = true;
			break;
		}
	engine_snapshot_free(&snap);
	if (!found)
		copy_trunc(why, why_len, "the engine has no such gauge");
	return found;
}

static void do_gauge_ok(struct rollback_runner *r, size_t i, struct outcome *o)
{
	const struct runbook_step *s = r->items[i].step;
	const struct runbook_gauge *g = s->gauge_ok.gauge;
	double deadline = clk(r) + (s->gauge_ok.timeout_s ? s->gauge_ok.timeout_s : 300);
	double every = r->opt.engine ? 1.0 : r->rb->poll_s[gauge_source(g)];
	enum gauge_state last = GAUGE_NODATA;
	char why[1024];

	if (every > 60 || every <= 0)
		every = 60;
	for (;;) {
		enum gauge_state st = GAUGE_NODATA;
		double v = NAN;

		if (gauge_now(r, g, &st, &v, why, sizeof(why))) {
			last = st;
			if (st == GAUGE_OK) {
				outcome_set(o, ROLLBACK_ITEM_SUCCEEDED, "gauge %s OK (%g%s)", g->id,
				            v, g->unit);
				set_detail(r, i, "%s OK %g%s", g->id, v, g->unit);
				return;
			}
			if (isnan(v))
				set_detail(r, i, "%s %s, waiting for OK", g->id,
				           gauge_state_name(st));
			else
				set_detail(r, i, "%s %s %g%s, waiting for OK", g->id,
				           gauge_state_name(st), v, g->unit);
		} else if (!interrupted(r)) {
			set_detail(r, i, "%s unreadable (retrying): %.400s", g->id, why);
		}
		if (clk(r) >= deadline) {
			outcome_set(o, ROLLBACK_ITEM_FAILED, "gauge %s still %s after %us", g->id,
			            gauge_state_name(last), s->gauge_ok.timeout_s);
			return;
		}
		if (!sleep_clock(r, every)) {
			interrupted_outcome(r, o);
			return;
		}
	}
}

static void do_wait(struct rollback_runner *r, size_t i, struct outcome *o)
{
	const struct runbook_step *s = r->items[i].step;
	double end = clk(r) + s->wait.seconds;

	for (;;) {
		double left = end - clk(r);

		if (left <= 0)
			break;
		set_detail(r, i, "%.0fs left of %us", ceil(left), s->wait.seconds);
		if (!sleep_clock(r, left < 1 ? left : 1)) {
			interrupted_outcome(r, o);
			return;
		}
	}
	outcome_set(o, ROLLBACK_ITEM_SUCCEEDED, "waited %us", s->wait.seconds);
	set_detail(r, i, "waited %us", s->wait.seconds);
}

/* A manual step: the item is WAITING until the operator answers. */
static void do_manual(struct rollback_runner *r, size_t i, struct outcome *o)
{
	const struct runbook_step *s = r->items[i].step;
	struct answer a;
	struct cutover_err err;

	set_state(r, i, ROLLBACK_ITEM_WAITING);
	if (save_item(r, i, &err) != CUTOVER_OK)
		set_message(r, "%s", err.msg);
	if (!ask(r, i, ROLLBACK_PROMPT_MANUAL, &a, "Manual step %zu: %s. %s. Confirm when done.",
	         i + 1, s->title, s->manual.text)) {
		outcome_set(o, ROLLBACK_ITEM_WAITING, "interrupted while waiting for the operator");
		return;
	}
	if (a.kind == ROLLBACK_ANSWER_DONE)
		outcome_set(o, ROLLBACK_ITEM_SUCCEEDED, "done, confirmed by %s%s%s",
		            r->operator_name, a.text[0] ? ": " : "", a.text);
	else if (a.kind == ROLLBACK_ANSWER_ABORT)
		outcome_set(o, ROLLBACK_ITEM_FAILED, "aborted by the operator%s%s",
		            a.text[0] ? ": " : "", a.text);
	else
		outcome_set(o, ROLLBACK_ITEM_FAILED, "not done, says %s%s%s", r->operator_name,
		            a.text[0] ? ": " : "", a.text);
	if (a.kind == ROLLBACK_ANSWER_ABORT && !atomic_load(&r->abort_req)) {
		pthread_mutex_lock(&r->mu);
		copy_trunc(r->abort_reason, sizeof(r->abort_reason), a.text);
		pthread_mutex_unlock(&r->mu);
		atomic_store(&r->abort_req, 1);
	}
}

static void execute(struct rollback_runner *r, size_t i, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	switch (r->items[i].step->kind) {
	case RUNBOOK_STEP_FLAG:
		do_flag(r, i, o);
		break;
	case RUNBOOK_STEP_SFN_START:
		do_sfn_start(r, i, o);
		break;
	case RUNBOOK_STEP_SFN_STOP:
		do_sfn_stop(r, i, o);
		break;
	case RUNBOOK_STEP_EXEC:
		do_exec(r, i, o);
		break;
	case RUNBOOK_STEP_HTTP:
		do_http(r, i, o);
		break;
	case RUNBOOK_STEP_GAUGE_OK:
		do_gauge_ok(r, i, o);
		break;
	case RUNBOOK_STEP_WAIT:
		do_wait(r, i, o);
		break;
	case RUNBOOK_STEP_MANUAL:
		do_manual(r, i, o);
		break;
	default:
		outcome_set(o, ROLLBACK_ITEM_FAILED, "unknown step kind");
	}
}

static enum audit_outcome audit_of(enum rollback_item_state st)
{
	switch (st) {
	case ROLLBACK_ITEM_SUCCEEDED:
	case ROLLBACK_ITEM_CONFIRMED:
		return AUDIT_OK;
	case ROLLBACK_ITEM_FAILED:
	case ROLLBACK_ITEM_CHECK_FAILED:
		return AUDIT_FAILED;
	default:
		return AUDIT_UNKNOWN;
	}
}

/* Close the item's open intent with its state. */
static void close_intent(struct rollback_runner *r, size_t i, enum audit_outcome ao,
                         const char *request_id, const char *note)
{
	struct cutover_err err;
	char *detail;
	int64_t id = r->items[i].rec.intent_id;

	if (!id)
		return;
	detail = detail_json(r, i, "state", rollback_item_state_name(r->items[i].state), "note",
	                     note && *note ? note : NULL);
	/* A failed command's last lines belong in the record of the failure.
	 * Output that looks like it names a secret is refused by the audit
	 * log; the outcome is then written without it. */
	if (detail && r->items[i].step && r->items[i].step->kind == RUNBOOK_STEP_EXEC &&
	    r->items[i].state == ROLLBACK_ITEM_FAILED && r->items[i].rec.output_tail[0]) {
		struct action_kv kv[] = {
		    {"run", ACTION_KV_STR, r->run.id, 0, 0},
		    {"item", ACTION_KV_INT, NULL, (long long)i, 0},
		    {"attempt", ACTION_KV_INT, NULL, r->items[i].rec.attempts, 0},
		    {"state", ACTION_KV_STR, "failed", 0, 0},
		    {"note", ACTION_KV_STR, note && *note ? note : NULL, 0, 0},
		    {"exit_code", ACTION_KV_INT, NULL, r->items[i].rec.exit_code,
		     !r->items[i].rec.has_exit_code},
		    {"output", ACTION_KV_STR, r->items[i].rec.output_tail, 0, 0},
		};
		char *full = action_json_object(kv, sizeof(kv) / sizeof(kv[0]));

		cutover_err_clear(&err);
		if (full &&
		    audit_outcome(r->log, id, ao, request_id && *request_id ? request_id : NULL,
		                  full, &err) == CUTOVER_OK) {
			free(full);
			free(detail);
			goto done;
		}
		free(full);
	}
	cutover_err_clear(&err);
	if (audit_outcome(r->log, id, ao, request_id && *request_id ? request_id : NULL, detail,
	                  &err) != CUTOVER_OK)
		audit_warn(r, "a step's outcome", &err);
	free(detail);
done:
	pthread_mutex_lock(&r->mu);
	r->items[i].rec.intent_id = 0;
	pthread_mutex_unlock(&r->mu);
}

/* One attempt of step i.  fresh: a new attempt with its own intent;
 * otherwise the step continues under the intent it already has (a resume
 * of a step that is checked or safe to repeat).  Returns the item's state
 * afterwards. */
static enum rollback_item_state attempt(struct rollback_runner *r, size_t i, bool fresh)
{
	struct item *it = &r->items[i];
	struct outcome o;
	struct cutover_err err;
	char target[768], summary[1024];

	if (fresh) {
		pthread_mutex_lock(&r->mu);
		it->rec.attempts++;
		it->state = ROLLBACK_ITEM_RUNNING;
		it->started = clk(r);
		it->ended = 0;
		it->rec.note[0] = '\0';
		it->rec.output_tail[0] = '\0';
		it->rec.has_exit_code = false;
		it->detail[0] = '\0';
		pthread_mutex_unlock(&r->mu);
		if (save_item(r, i, &err) != CUTOVER_OK) {
			set_message(r, "%s", err.msg);
			return ROLLBACK_ITEM_PENDING;
		}
		crash_point("step marked running", i);
		step_target(r, i, target, sizeof(target));
		rollback_step_summary(it->step, summary, sizeof(summary));
		{
			struct audit_event ev = {"rollback.step", target, NULL, summary, NULL};
			char *detail = detail_json(
			    r, i, "kind", runbook_step_kind_name(it->step->kind), NULL, NULL);
			int64_t id = 0;

			ev.detail = detail;
			cutover_err_clear(&err);
			if (audit_intent(r->log, &ev, &id, &err) != CUTOVER_OK) {
				free(detail);
				/* Nothing is done that is not recorded first. */
				pthread_mutex_lock(&r->mu);
				it->state = ROLLBACK_ITEM_FAILED;
				it->ended = clk(r);
				snprintf(it->rec.note, sizeof(it->rec.note),
				         "not run: its intent could not be recorded in the audit "
				         "log: %.900s",
				         err.msg);
				pthread_mutex_unlock(&r->mu);
				(void)save_item(r, i, &err);
				return ROLLBACK_ITEM_FAILED;
			}
			free(detail);
			pthread_mutex_lock(&r->mu);
			it->rec.intent_id = id;
			pthread_mutex_unlock(&r->mu);
		}
		if (save_item(r, i, &err) != CUTOVER_OK)
			set_message(r, "%s", err.msg);
		crash_point("step intent recorded", i);
	}
	execute(r, i, &o);
	crash_point("step action done", i);
	if (o.state == ROLLBACK_ITEM_RUNNING || o.state == ROLLBACK_ITEM_WAITING) {
		/* Stopped, not aborted: leave it for the resume to check. */
		pthread_mutex_lock(&r->mu);
		it->state = o.state == ROLLBACK_ITEM_WAITING ? ROLLBACK_ITEM_WAITING
		                                             : ROLLBACK_ITEM_RUNNING;
		copy_trunc(it->rec.note, sizeof(it->rec.note), o.note);
		pthread_mutex_unlock(&r->mu);
		(void)save_item(r, i, &err);
		return it->state;
	}
	pthread_mutex_lock(&r->mu);
	it->state = o.state;
	it->ended = clk(r);
	copy_trunc(it->rec.note, sizeof(it->rec.note), o.note);
	pthread_mutex_unlock(&r->mu);
	if (save_item(r, i, &err) != CUTOVER_OK)
		set_message(r, "%s", err.msg);
	crash_point("step state recorded", i);
	close_intent(r, i, audit_of(o.state), o.request_id, o.note);
	if (save_item(r, i, &err) != CUTOVER_OK)
		set_message(r, "%s", err.msg);
	crash_point("step outcome recorded", i);
	return o.state;
}

/* --- resume ---------------------------------------------------------------- */

/* "run":"<id>" and "item":N out of a rollback.step detail. */
static bool detail_item(const char *detail, const char *run_id, size_t *item)
{
	char key[64];
	const char *p;
	char *end;
	long v;

	if (!detail)
		return false;
	snprintf(key, sizeof(key), "\"run\":\"%s\"", run_id);
	if (!strstr(detail, key) || !(p = strstr(detail, "\"item\":")))
		return false;
	v = strtol(p + 7, &end, 10);
	if (end == p + 7 || v < 0)
		return false;
	*item = (size_t)v;
	return true;
}

struct unresolved {
	int64_t id;
	char kind[32];
	char target[512];
	size_t item;
	bool ours;
};

struct unresolved_list {
	struct unresolved *v;
	size_t n, cap;
	const char *run_id;
};

static int collect_unresolved(void *ctx, const struct audit_row *row)
{
	struct unresolved_list *l = ctx;
	struct unresolved u = {0};

	if (!row->kind)
		return 0;
	u.id = row->id;
	copy_trunc(u.kind, sizeof(u.kind), row->kind);
	copy_trunc(u.target, sizeof(u.target), row->target);
	u.ours =
	    strcmp(row->kind, "rollback.step") == 0 && detail_item(row->detail, l->run_id, &u.item);
	if (!u.ours && strcmp(row->kind, "flag.set") != 0 && strcmp(row->kind, "execution.stop"))
		return 0;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		struct unresolved *nv = realloc(l->v, ncap * sizeof(*nv));

		if (!nv)
			return 1;
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = u;
	return 0;
}

static bool is_terminal(enum rollback_item_state s)
{
	return s == ROLLBACK_ITEM_SUCCEEDED || s == ROLLBACK_ITEM_SKIPPED ||
	       s == ROLLBACK_ITEM_CONFIRMED || s == ROLLBACK_ITEM_CHECK_FAILED;
}

/* After a crash: close what the log left open and decide, for the item
 * that was running, what to do.  Sets *start to the first item to work on
 * and *fresh_ok false when that item continues under its old intent. */
static void reconcile(struct rollback_runner *r)
{
	struct unresolved_list l = {0};
	struct cutover_err err;
	char news[1024] = "";

	l.run_id = r->run.id;
	cutover_err_clear(&err);
	if (audit_unresolved(r->audit_path, collect_unresolved, &l, &err) != CUTOVER_OK)
		set_message(r, "reading the audit log's open intents failed: %s", err.msg);

	for (size_t k = 0; k < l.n; k++) {
		struct unresolved *u = &l.v[k];
		struct item *it;

		if (!u->ours || u->item >= r->nitems)
			continue;
		it = &r->items[u->item];
		if (it->rec.intent_id == 0 && !is_terminal(it->state) &&
		    it->state != ROLLBACK_ITEM_PENDING) {
			/* The crash came between the intent and noting its id. */
			it->rec.intent_id = u->id;
			continue;
		}
		if (it->rec.intent_id == u->id && !is_terminal(it->state) &&
		    it->state != ROLLBACK_ITEM_FAILED)
			continue; /* decided below */
		{
			/* The step ended (its state is on record) but the crash
			 * came before its outcome row: write it now. */
			char *detail = detail_json(
			    r, u->item, "state", rollback_item_state_name(it->state), "note",
			    "outcome recorded at resume, from the saved step state");

			if (audit_outcome(r->log, u->id, audit_of(it->state), NULL, detail, &err) !=
			    CUTOVER_OK)
				audit_warn(r, "a step's outcome", &err);
			free(detail);
			if (it->rec.intent_id == u->id)
				it->rec.intent_id = 0;
		}
	}

	for (size_t i = 0; i < r->nitems; i++) {
		struct item *it = &r->items[i];

		if (it->kind != ROLLBACK_STEP || it->state != ROLLBACK_ITEM_RUNNING)
			continue;
		if (!it->rec.intent_id) {
			/* No intent was recorded, and nothing is done before its
			 * intent is: the step had not started. */
			it->state = ROLLBACK_ITEM_PENDING;
			snprintf(news, sizeof(news), "step %zu had not started: run it", i + 1);
			(void)save_item(r, i, &err);
			continue;
		}
		switch (it->step->kind) {
		case RUNBOOK_STEP_FLAG: {
			const struct runbook_flag *f = it->step->flag.flag;
			struct ssm_parameter_list pl = {0};
			struct aws_error aerr;
			bool read = false, equal = false;

			aws_error_clear(&aerr);
			if (ssm_get_parameters(actions_client_get(r->actions),
			                       (const char *const *)&f->ssm, 1, 0, &pl,
			                       &aerr) == CUTOVER_OK) {
				read = true;
				equal = pl.count > 0 && pl.items[0].value &&
				        strcmp(pl.items[0].value, it->step->flag.value) == 0;
			}
			ssm_parameter_list_free(&pl);
			/* The flag.set the crash left open is answered by what
			 * the parameter holds now. */
			for (size_t k = 0; read && k < l.n; k++)
				if (!l.v[k].ours && strcmp(l.v[k].kind, "flag.set") == 0 &&
				    strcmp(l.v[k].target, f->ssm) == 0 &&
				    l.v[k].id > it->rec.intent_id && it->rec.intent_id) {
					char *d = detail_json(
					    r, i, "checked_at_resume",
					    equal ? "the parameter holds the value"
					          : "the parameter does not hold the value",
					    NULL, NULL);

					if (audit_outcome(r->log, l.v[k].id,
					                  equal ? AUDIT_OK : AUDIT_FAILED, NULL, d,
					                  &err) != CUTOVER_OK)
						audit_warn(r, "a flag's checked outcome", &err);
					free(d);
				}
			if (equal) {
				it->state = ROLLBACK_ITEM_SUCCEEDED;
				it->ended = clk(r);
				snprintf(it->rec.note, sizeof(it->rec.note),
				         "checked at resume: %s is already '%s'", f->ssm,
				         it->step->flag.value);
				close_intent(r, i, AUDIT_OK, NULL, it->rec.note);
				snprintf(news, sizeof(news), "step %zu (flag) was done: checked",
				         i + 1);
			} else {
				snprintf(news, sizeof(news),
				         "step %zu (flag) %s: set again (safe to repeat)", i + 1,
				         read ? "not applied" : "unreadable");
			}
			break;
		}
		case RUNBOOK_STEP_SFN_START:
			snprintf(news, sizeof(news),
			         "step %zu (sfn_start): looking for its execution by name", i + 1);
			break;
		case RUNBOOK_STEP_SFN_STOP:
			/* The stop action the crash may have left open. */
			for (size_t k = 0; k < l.n; k++)
				if (!l.v[k].ours && strcmp(l.v[k].kind, "execution.stop") == 0 &&
				    l.v[k].id > it->rec.intent_id && it->rec.intent_id) {
					char *d = detail_json(r, i, "checked_at_resume",
					                      "the step checks the execution again",
					                      NULL, NULL);

					if (audit_outcome(r->log, l.v[k].id, AUDIT_UNKNOWN, NULL, d,
					                  &err) != CUTOVER_OK)
						audit_warn(r, "a stop's outcome", &err);
					free(d);
				}
			snprintf(news, sizeof(news),
			         "step %zu (sfn_stop): checking the executions again", i + 1);
			break;
		case RUNBOOK_STEP_HTTP:
		case RUNBOOK_STEP_GAUGE_OK:
		case RUNBOOK_STEP_WAIT:
			snprintf(news, sizeof(news), "step %zu (%s): run again (safe to repeat)",
			         i + 1, runbook_step_kind_name(it->step->kind));
			break;
		case RUNBOOK_STEP_MANUAL:
			it->state = ROLLBACK_ITEM_WAITING;
			snprintf(news, sizeof(news), "step %zu (manual): asked again", i + 1);
			break;
		case RUNBOOK_STEP_EXEC:
		default:
			it->state = ROLLBACK_ITEM_UNKNOWN;
			snprintf(it->rec.note, sizeof(it->rec.note),
			         "was running when the last run stopped: whether it finished is "
			         "unknown");
			snprintf(news, sizeof(news),
			         "step %zu (exec) outcome unknown: the operator decides", i + 1);
			break;
		}
		(void)save_item(r, i, &err);
	}
	free(l.v);
	{
		char *d = detail_json(r, (size_t)-1, "found",
		                      news[0] ? news : "nothing was running", NULL, NULL);
		char target[512];

		snprintf(target, sizeof(target), "%s", r->plan->id);
		event(r, "rollback.resume", target, news[0] ? news : "nothing was running", d);
		free(d);
	}
	set_message(r, "resumed run %.12s%s%s", r->run.id, news[0] ? ": " : "", news);
}

/* --- the run --------------------------------------------------------------- */

static void decision_event(struct rollback_runner *r, size_t i, const char *what, const char *text)
{
	char target[768], value[1200];
	char *d = detail_json(r, i, "decision", what, "reason", text && *text ? text : NULL);

	step_target(r, i, target, sizeof(target));
	snprintf(value, sizeof(value), "%s%s%s", what, text && *text ? ": " : "", text ? text : "");
	event(r, "rollback.decision", target, value, d);
	free(d);
}

/* Decide about a failed (or unknown) step.  Returns true to go on with
 * *retry saying whether to run it again; false when the run ends (abort)
 * or stops. */
static bool decide(struct rollback_runner *r, size_t i, bool unknown, bool *retry, bool *abort_run)
{
	struct item *it = &r->items[i];
	struct answer a;
	struct cutover_err err;

	*retry = false;
	*abort_run = false;
	if (!ask(r, i, unknown ? ROLLBACK_PROMPT_UNKNOWN : ROLLBACK_PROMPT_DECISION, &a,
	         unknown ? "Step %zu '%s' was running when the last run stopped (%s). Was it done? "
	                   "done / retry (run it again) / skip (with a reason) / abort"
	                 : "Step %zu '%s' failed: %s. retry / skip (with a reason) / abort",
	         i + 1, it->title, it->rec.note))
		return false;
	switch (a.kind) {
	case ROLLBACK_ANSWER_RETRY:
		decision_event(r, i, "retry", a.text);
		if (unknown && it->rec.intent_id)
			close_intent(r, i, AUDIT_UNKNOWN, NULL,
			             "outcome unknown; the operator chose to run it again");
		*retry = true;
		return true;
	case ROLLBACK_ANSWER_SKIP:
		decision_event(r, i, "skip", a.text);
		pthread_mutex_lock(&r->mu);
		it->state = ROLLBACK_ITEM_SKIPPED;
		if (!it->ended)
			it->ended = clk(r);
		snprintf(it->rec.note, sizeof(it->rec.note), "skipped by %.64s: %.900s",
		         r->operator_name, a.text);
		pthread_mutex_unlock(&r->mu);
		if (it->rec.intent_id)
			close_intent(r, i, AUDIT_UNKNOWN, NULL, it->rec.note);
		(void)save_item(r, i, &err);
		return true;
	case ROLLBACK_ANSWER_DONE:
		if (unknown) {
			decision_event(r, i, "done", a.text);
			pthread_mutex_lock(&r->mu);
			it->state = ROLLBACK_ITEM_SUCCEEDED;
			it->ended = clk(r);
			snprintf(it->rec.note, sizeof(it->rec.note),
			         "done, confirmed by %.64s after the restart%s%.900s",
			         r->operator_name, a.text[0] ? ": " : "", a.text);
			pthread_mutex_unlock(&r->mu);
			close_intent(r, i, AUDIT_OK, NULL, it->rec.note);
			(void)save_item(r, i, &err);
			return true;
		}
		break;
	default:
		break;
	}
	{
		decision_event(r, i, "abort", a.text);
		if (it->rec.intent_id)
			close_intent(r, i, AUDIT_FAILED, NULL, "aborted by the operator");
		pthread_mutex_lock(&r->mu);
		if (!r->abort_reason[0])
			copy_trunc(r->abort_reason, sizeof(r->abort_reason), a.text);
		pthread_mutex_unlock(&r->mu);
		*abort_run = true;
		return false;
	}
}

static bool check_item(struct rollback_runner *r, size_t i, bool *abort_run)
{
	struct item *it = &r->items[i];
	struct answer a;
	struct cutover_err err;
	char target[768], value[1200];
	char *d;

	*abort_run = false;
	pthread_mutex_lock(&r->mu);
	it->state = ROLLBACK_ITEM_WAITING;
	if (!it->started)
		it->started = clk(r);
	pthread_mutex_unlock(&r->mu);
	(void)save_item(r, i, &err);
	if (!ask(r, i, ROLLBACK_PROMPT_CHECK, &a,
	         "Verify (%s %zu/%zu): %s. confirm / failed (with a note)", it->plan->id,
	         it->plan_index, it->plan->nverify, it->title))
		return false;
	if (a.kind == ROLLBACK_ANSWER_ABORT) {
		pthread_mutex_lock(&r->mu);
		if (!r->abort_reason[0])
			copy_trunc(r->abort_reason, sizeof(r->abort_reason), a.text);
		pthread_mutex_unlock(&r->mu);
		*abort_run = true;
		return false;
	}
	pthread_mutex_lock(&r->mu);
	it->state = a.kind == ROLLBACK_ANSWER_CONFIRM ? ROLLBACK_ITEM_CONFIRMED
	                                              : ROLLBACK_ITEM_CHECK_FAILED;
	it->ended = clk(r);
	copy_trunc(it->rec.note, sizeof(it->rec.note), a.text);
	pthread_mutex_unlock(&r->mu);
	step_target(r, i, target, sizeof(target));
	snprintf(value, sizeof(value), "%s%s%s",
	         it->state == ROLLBACK_ITEM_CONFIRMED ? "confirmed" : "failed",
	         a.text[0] ? ": " : "", a.text);
	d = detail_json(r, i, "check", rollback_item_state_name(it->state), "note",
	                a.text[0] ? a.text : NULL);
	event(r, "rollback.verify", target, value, d);
	free(d);
	crash_point("check answered", i);
	(void)save_item(r, i, &err);
	crash_point("check recorded", i);
	return true;
}

static void end_run(struct rollback_runner *r, enum rollback_run_state st)
{
	struct cutover_err err;
	unsigned skipped = 0, failed_checks = 0;
	char value[256], target[512], why[512];
	char *d;

	for (size_t i = 0; i < r->nitems; i++) {
		struct item *it = &r->items[i];

		/* Aborted before a step left from a crash was checked, or while
		 * a question was open: say so rather than leave it "running". */
		if (st == ROLLBACK_RUN_ABORTED &&
		    (it->state == ROLLBACK_ITEM_RUNNING || it->state == ROLLBACK_ITEM_WAITING)) {
			bool was_running = it->state == ROLLBACK_ITEM_RUNNING;

			pthread_mutex_lock(&r->mu);
			it->state = was_running ? ROLLBACK_ITEM_UNKNOWN : ROLLBACK_ITEM_PENDING;
			copy_trunc(it->rec.note, sizeof(it->rec.note),
			     was_running
			         ? "the run was aborted before this step's outcome was checked"
			         : "the run was aborted while this waited for the operator");
			pthread_mutex_unlock(&r->mu);
			close_intent(r, i, was_running ? AUDIT_UNKNOWN : AUDIT_FAILED, NULL,
			             it->rec.note);
			(void)save_item(r, i, &err);
		}
		skipped += r->items[i].state == ROLLBACK_ITEM_SKIPPED;
		failed_checks += r->items[i].state == ROLLBACK_ITEM_CHECK_FAILED;
	}
	pthread_mutex_lock(&r->mu);
	r->state = st;
	r->run.ended_ms = clk_ms(r);
	pthread_mutex_unlock(&r->mu);
	snprintf(value, sizeof(value), "%s: %u skipped, %u failed checks",
	         rollback_run_state_name(st), skipped, failed_checks);
	snprintf(target, sizeof(target), "%s", r->plan->id);
	abort_reason_get(r, why, sizeof(why));
	d = detail_json(r, (size_t)-1, "state", rollback_run_state_name(st), "reason",
	                why[0] ? why : NULL);
	event(r, "rollback.end", target, value, d);
	free(d);
	crash_point("end recorded", r->nitems ? r->nitems - 1 : 0);
	if (save_run(r, &err) != CUTOVER_OK)
		set_message(r, "%s", err.msg);
	if (st == ROLLBACK_RUN_COMPLETED)
		set_message(r, "rollback %s completed: %u skipped, %u checklist items failed",
		            r->plan->id, skipped, failed_checks);
	else
		set_message(r, "rollback %s aborted at item %zu%s%.400s", r->plan->id,
		            r->current + 1, why[0] ? ": " : "", why);
}

static void run(struct rollback_runner *r)
{
	struct cutover_err err;
	size_t i = 0;

	if (r->resumed) {
		reconcile(r);
	} else {
		char value[600], target[512];
		char *d = detail_json(r, (size_t)-1, "reason", r->reason, "confirm",
		                      r->rb->production ? "environment name typed" : "confirmed");

		snprintf(target, sizeof(target), "%s", r->plan->id);
		snprintf(value, sizeof(value), "%s (%zu items): %s", r->plan->title, r->nitems,
		         r->reason);
		event(r, "rollback.start", target, value, d);
		free(d);
	}
	set_run_state(r, ROLLBACK_RUN_RUNNING);
	if (save_run(r, &err) != CUTOVER_OK)
		set_message(r, "%s", err.msg);
	crash_point("run started", 0);

	while (i < r->nitems) {
		struct item *it = &r->items[i];
		bool retry = false, abort_run = false, unknown_first;
		enum rollback_item_state st;

		if (atomic_load(&r->stop))
			return;
		if (atomic_load(&r->abort_req))
			break;
		pthread_mutex_lock(&r->mu);
		r->current = i;
		pthread_mutex_unlock(&r->mu);
		if (is_terminal(it->state)) {
			i++;
			continue;
		}
		(void)save_run(r, &err);
		if (it->kind == ROLLBACK_CHECK) {
			if (!check_item(r, i, &abort_run)) {
				if (abort_run)
					atomic_store(&r->abort_req, 1);
				continue;
			}
			i++;
			continue;
		}
		/* A step: continue one that was running (resume), ask about an
		 * unknown one, wait again for a manual one, or run it. */
		unknown_first = it->state == ROLLBACK_ITEM_UNKNOWN;
		if (it->state == ROLLBACK_ITEM_RUNNING || it->state == ROLLBACK_ITEM_WAITING)
			st = attempt(r, i, it->rec.intent_id == 0);
		else if (it->state == ROLLBACK_ITEM_PENDING)
			st = attempt(r, i, true);
		else
			st = it->state; /* FAILED or UNKNOWN: ask below */
		if (st == ROLLBACK_ITEM_SUCCEEDED) {
			i++;
			continue;
		}
		if (st == ROLLBACK_ITEM_RUNNING || st == ROLLBACK_ITEM_WAITING ||
		    st == ROLLBACK_ITEM_PENDING) {
			if (atomic_load(&r->stop))
				return;
			continue;
		}
		if (atomic_load(&r->abort_req))
			break;
		if (!decide(r, i, st == ROLLBACK_ITEM_UNKNOWN || unknown_first, &retry,
		            &abort_run)) {
			if (abort_run)
				atomic_store(&r->abort_req, 1);
			continue;
		}
		if (retry) {
			pthread_mutex_lock(&r->mu);
			it->state = ROLLBACK_ITEM_PENDING;
			pthread_mutex_unlock(&r->mu);
			continue;
		}
		i++;
	}
	if (atomic_load(&r->stop) && !atomic_load(&r->abort_req))
		return;
	end_run(r, atomic_load(&r->abort_req) ? ROLLBACK_RUN_ABORTED : ROLLBACK_RUN_COMPLETED);
}

static void *thread_main(void *arg)
{
	struct rollback_runner *r = arg;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGWINCH);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	run(r);
	if (atomic_load(&r->stop) && r->state != ROLLBACK_RUN_COMPLETED &&
	    r->state != ROLLBACK_RUN_ABORTED) {
		struct cutover_err err;

		set_run_state(r, ROLLBACK_RUN_INTERRUPTED);
		(void)save_run(r, &err);
	}
	pthread_mutex_lock(&r->mu);
	r->finished = true;
	bump(r);
	pthread_mutex_unlock(&r->mu);
	notify(r);
	return NULL;
}

/* --- lifecycle ------------------------------------------------------------------ */

static void build_items(struct rollback_runner *r, const struct rollback_preview_item *pv)
{
	for (size_t i = 0; i < r->nitems; i++) {
		struct item *it = &r->items[i];

		it->kind = pv[i].kind;
		it->plan = pv[i].plan;
		it->plan_index = pv[i].plan_index;
		it->step = pv[i].step;
		it->title = pv[i].title;
		it->state = ROLLBACK_ITEM_PENDING;
		it->rec.idx = (long)i;
		copy_trunc(it->rec.kind, sizeof(it->rec.kind),
		     pv[i].kind == ROLLBACK_STEP ? "step" : "check");
		copy_trunc(it->rec.plan, sizeof(it->rec.plan), pv[i].plan->id);
		it->rec.plan_idx = (long)pv[i].plan_index;
		copy_trunc(it->rec.title, sizeof(it->rec.title), pv[i].title);
		copy_trunc(it->rec.step_kind, sizeof(it->rec.step_kind),
		     pv[i].step ? runbook_step_kind_name(pv[i].step->kind) : "");
		copy_trunc(it->rec.state, sizeof(it->rec.state), "pending");
	}
}

/* The stored items must be the plan's, in the same order. */
static enum cutover_status adopt_items(struct rollback_runner *r,
                                       const struct rollback_item_rec *recs, size_t n,
                                       struct cutover_err *err)
{
	if (n != r->nitems)
		return cutover_errf(
		    err, CUTOVER_EVALIDATE,
		    "cannot resume run %.12s: plan %s has %zu items now, the run had "
		    "%zu; the runbook changed. Abandon it (--abandon) and start anew",
		    r->run.id, r->plan->id, r->nitems, n);
	for (size_t i = 0; i < n; i++) {
		struct item *it = &r->items[i];

		if (strcmp(recs[i].title, it->rec.title) != 0 ||
		    strcmp(recs[i].kind, it->rec.kind) || strcmp(recs[i].plan, it->rec.plan) != 0)
			return cutover_errf(
			    err, CUTOVER_EVALIDATE,
			    "cannot resume run %.12s: item %zu was '%s', is now '%s'; "
			    "the runbook changed. Abandon it (--abandon) and start "
			    "anew",
			    r->run.id, i + 1, recs[i].title, it->rec.title);
		it->rec = recs[i];
		if (!rollback_item_state_parse(recs[i].state, &it->state))
			it->state = ROLLBACK_ITEM_PENDING;
		it->started = (double)recs[i].started_ms / 1000.0;
		it->ended = (double)recs[i].ended_ms / 1000.0;
	}
	return CUTOVER_OK;
}

static void random_id(char out[ROLLBACK_ID_MAX])
{
	unsigned char b[16];

	if (RAND_bytes(b, sizeof(b)) != 1) {
		/* Uniqueness is what matters here, not secrecy. */
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		for (size_t k = 0; k < sizeof(b); k++)
			b[k] = (unsigned char)((ts.tv_nsec >> (k % 4 * 8)) ^ (getpid() >> k) ^ k);
	}
	for (size_t k = 0; k < sizeof(b); k++)
		snprintf(out + 2 * k, 3, "%02x", b[k]);
}

enum cutover_status rollback_runner_create(const struct rollback_options *opt,
                                           struct rollback_runner **out, struct cutover_err *err)
{
	struct rollback_runner *r = NULL;
	struct rollback_preview_item *pv = NULL;
	struct rollback_item_rec *recs = NULL;
	struct rollback_run_rec unfinished;
	struct rollback_lock_info held;
	struct actions_options ao = {0};
	struct audit_session_info who = {0};
	bool found = false, stale = false;
	size_t n, nrecs = 0;
	char rbaudit[4096];
	const char *rbaudit_p = NULL;
	enum cutover_status st = CUTOVER_OK;

	*out = NULL;
	if (!opt || !opt->rb || !opt->plan_id)
		return cutover_errf(err, CUTOVER_EINVAL, "rollback: no runbook or plan");
	r = calloc(1, sizeof(*r));
	if (!r)
		return cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	r->rb = opt->rb;
	r->opt = *opt;
	r->plan = runbook_plan_find(opt->rb, opt->plan_id);
	if (!r->plan) {
		size_t used = 0;
		char list[1024] = "";

		for (size_t k = 0; k < opt->rb->nplans && used < sizeof(list); k++) {
			int w = snprintf(list + used, sizeof(list) - used, "%s%s", k ? ", " : "",
			                 opt->rb->plans[k].id);
			if (w < 0)
				break;
			used += (size_t)w;
		}
		st = cutover_errf(err, CUTOVER_ENOENT,
		                  "runbook %s has no rollback plan '%.128s'; "
		                  "its plans: %s",
		                  opt->rb->name, opt->plan_id, list[0] ? list : "none");
		goto out;
	}
	r->operator_name = strdup(audit_operator_name(opt->operator_name));
	r->confirm = dup_or_null(opt->confirm, NULL);
	r->reason = strdup(opt->reason && *opt->reason ? opt->reason : "operator");
	r->runbook_hash = dup_or_null(opt->runbook_hash, NULL);
	r->profile = dup_or_null(opt->profile, NULL);
	r->region = dup_or_null(opt->region, NULL);
	if (!r->operator_name || !r->reason || (opt->confirm && !r->confirm) ||
	    (opt->runbook_hash && !r->runbook_hash) || (opt->profile && !r->profile) ||
	    (opt->region && !r->region)) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
		goto out;
	}
	r->opt.operator_name = r->operator_name;
	r->opt.confirm = r->confirm;
	r->opt.reason = r->reason;
	r->opt.runbook_hash = r->runbook_hash;
	r->opt.plan_id = r->plan->id;
	r->opt.runbook_dir = r->opt.audit_path = NULL; /* resolved below; not kept */
	r->opt.profile = r->profile;
	r->opt.region = r->region;

	/* The audit file, as the action path resolves it. */
	if (r->rb->audit && r->rb->audit[0]) {
		if (r->rb->audit[0] == '/' || !opt->runbook_dir || !opt->runbook_dir[0])
			snprintf(rbaudit, sizeof(rbaudit), "%s", r->rb->audit);
		else
			snprintf(rbaudit, sizeof(rbaudit), "%s/%s", opt->runbook_dir, r->rb->audit);
		rbaudit_p = rbaudit;
	}
	if ((st = audit_default_path(opt->audit_path, rbaudit_p, r->rb->name, r->audit_path,
	                             sizeof(r->audit_path), err)) != CUTOVER_OK)
		goto out;

	n = rollback_plan_flatten(r->plan, NULL, 0);
	if (n == 0) {
		st = cutover_errf(err, CUTOVER_EVALIDATE, "plan %s has nothing to do", r->plan->id);
		goto out;
	}
	pv = calloc(n, sizeof(*pv));
	r->items = calloc(n, sizeof(*r->items));
	if (!pv || !r->items) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
		goto out;
	}
	r->nitems = rollback_plan_flatten(r->plan, pv, n);
	build_items(r, pv);

	ao.rb = r->rb;
	ao.profile = opt->profile;
	ao.region = opt->region;
	ao.audit_path = r->audit_path;
	ao.runbook_hash = opt->runbook_hash;
	ao.operator_name = r->operator_name;
	ao.timeout_ms = opt->timeout_ms;
	ao.max_attempts = opt->max_attempts;
	if ((st = actions_create(&ao, &r->actions, err)) != CUTOVER_OK)
		goto out;
	actions_set_abort(r->actions, should_abort_hook, r);

	{
		/* Someone running a rollback of this runbook right now is the
		 * first thing to say, before any talk of unfinished runs, and
		 * a refused start leaves no session in the log. */
		struct rollback_status now;

		if (rollback_store_status(r->audit_path, r->rb->name, &now, err) == CUTOVER_OK &&
		    now.lock.held && now.lock.alive &&
		    !(now.lock.same_host && now.lock.pid == (long)getpid())) {
			st = cutover_errf(
			    err, CUTOVER_EREFUSED,
			    "a rollback of %s is already running: %s on %s (pid %ld), "
			    "run %.12s (plan %s) at item %ld/%ld '%s'; one rollback at a "
			    "time per runbook. Watch it in that console, or wait for it "
			    "to end",
			    r->rb->name, now.lock.holder, now.lock.host, now.lock.pid,
			    now.lock.run_id, now.run.plan, now.run.current + 1, now.run.nitems,
			    now.current_title);
			goto out;
		}
	}
	/* The audit session first: it creates the file and its folder. */
	who.operator_name = r->operator_name;
	who.runbook = r->rb->name;
	who.runbook_hash = opt->runbook_hash ? opt->runbook_hash : r->rb->sha256;
	who.environment = r->rb->environment;
	if ((st = audit_open(r->audit_path, &who, &r->log, err)) != CUTOVER_OK)
		goto out;
	if ((st = rollback_store_open(r->audit_path, &r->store, err)) != CUTOVER_OK)
		goto out;

	if ((st = rollback_store_find_unfinished(r->store, r->rb->name, r->plan->id, &unfinished,
	                                         &found, err)) != CUTOVER_OK)
		goto out;
	if (found && !opt->resume && !opt->abandon) {
		struct rollback_status rs;
		struct cutover_err ignored;

		if (rollback_store_status(r->audit_path, r->rb->name, &rs, &ignored) ==
		        CUTOVER_OK &&
		    rs.has_run && strcmp(rs.run.id, unfinished.id) == 0)
			st = cutover_errf(
			    err, CUTOVER_ECONFLICT,
			    "run %.12s of plan %s (by %s on %s) did not end: it stopped "
			    "at item %ld/%ld '%s' (%s). Resume it (--resume) or abandon it "
			    "(--abandon)",
			    unfinished.id, unfinished.plan, unfinished.operator_name,
			    unfinished.host, unfinished.current + 1, unfinished.nitems,
			    rs.current_title, rs.current_state);
		else
			st = cutover_errf(
			    err, CUTOVER_ECONFLICT,
			    "run %.12s of plan %s did not end; resume it (--resume) or "
			    "abandon it (--abandon)",
			    unfinished.id, unfinished.plan);
		goto out;
	}
	if (!found && opt->resume) {
		st = cutover_errf(err, CUTOVER_ENOENT,
		                  "nothing to resume: no unfinished run of plan %s in %s; start it "
		                  "without --resume",
		                  r->plan->id, r->audit_path);
		goto out;
	}
	if (found && opt->resume) {
		r->run = unfinished;
		r->resumed = true;
	} else {
		random_id(r->run.id);
	}
	if ((st = rollback_store_lock(r->store, r->rb->name, r->run.id, r->operator_name, &held,
	                              &stale, err)) != CUTOVER_OK)
		goto out;
	r->locked = true;
	if (found && opt->abandon) {
		char value[256];
		char *d;

		unfinished.ended_ms = (int64_t)llround(wall() * 1000.0);
		copy_trunc(unfinished.state, sizeof(unfinished.state), "aborted");
		if ((st = rollback_store_run_update(r->store, &unfinished, err)) != CUTOVER_OK)
			goto out;
		snprintf(value, sizeof(value), "abandoned by %s at item %ld/%ld", r->operator_name,
		         unfinished.current + 1, unfinished.nitems);
		d = action_json_object(
		    (struct action_kv[]){{"run", ACTION_KV_STR, unfinished.id, 0, 0}}, 1);
		{
			struct audit_event ev = {"rollback.end", unfinished.plan, NULL, value, d};

			if ((st = audit_event(r->log, &ev, NULL, err)) != CUTOVER_OK) {
				free(d);
				goto out;
			}
		}
		free(d);
	}
	if (r->resumed) {
		if ((st = rollback_store_items_load(r->store, r->run.id, &recs, &nrecs, err)) !=
		    CUTOVER_OK)
			goto out;
		if ((st = adopt_items(r, recs, nrecs, err)) != CUTOVER_OK)
			goto out;
		r->started = (double)r->run.started_ms / 1000.0;
	} else {
		r->started = clk(r);
		copy_trunc(r->run.runbook, sizeof(r->run.runbook), r->rb->name);
		copy_trunc(r->run.plan, sizeof(r->run.plan), r->plan->id);
		r->run.started_ms = (int64_t)llround(r->started * 1000.0);
		r->run.nitems = (long)r->nitems;
		copy_trunc(r->run.reason, sizeof(r->run.reason), r->reason);
	}
	copy_trunc(r->run.operator_name, sizeof(r->run.operator_name), r->operator_name);
	copy_trunc(r->run.host, sizeof(r->run.host), rollback_store_host(r->store));
	r->run.pid = (long)getpid();
	r->state = ROLLBACK_RUN_RUNNING;
	copy_trunc(r->run.state, sizeof(r->run.state), "running");
	if (!r->resumed) {
		struct rollback_item_rec *tmp = calloc(r->nitems, sizeof(*tmp));

		if (!tmp) {
			st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
			goto out;
		}
		for (size_t k = 0; k < r->nitems; k++)
			tmp[k] = r->items[k].rec;
		st = rollback_store_run_create(r->store, &r->run, tmp, r->nitems, err);
		free(tmp);
		if (st != CUTOVER_OK)
			goto out;
	} else if ((st = rollback_store_run_update(r->store, &r->run, err)) != CUTOVER_OK) {
		goto out;
	}
	if (stale)
		snprintf(r->message, sizeof(r->message),
		         "took over a stale rollback lock of %s (pid %ld on %s, no longer running)",
		         held.holder, held.pid, held.host);
out:
	free(pv);
	free(recs);
	if (st != CUTOVER_OK) {
		rollback_runner_destroy(r);
		return st;
	}
	*out = r;
	return CUTOVER_OK;
}

enum cutover_status rollback_runner_start(struct rollback_runner *r, struct cutover_err *err)
{
	int rc;

	if (r->thread_started)
		return cutover_errf(err, CUTOVER_EINVAL, "the rollback runner is already started");
	rc = pthread_create(&r->thread, NULL, thread_main, r);
	if (rc != 0)
		return cutover_errf(err, CUTOVER_ENOMEM, "cannot start the rollback thread: %s",
		                    strerror(rc));
	r->thread_started = true;
	return CUTOVER_OK;
}

static double item_estimate(const struct item *it)
{
	if (it->kind != ROLLBACK_STEP || !it->plan->nsteps)
		return 0;
	return (double)it->plan->estimate_min * 60.0 / (double)it->plan->nsteps;
}

enum cutover_status rollback_runner_snapshot_take(struct rollback_runner *r,
                                                  struct rollback_snapshot *snap)
{
	double now = clk(r);

	memset(snap, 0, sizeof(*snap));
	snap->items = calloc(r->nitems, sizeof(*snap->items));
	if (!snap->items)
		return CUTOVER_ENOMEM;
	pthread_mutex_lock(&r->mu);
	snap->generation = r->generation;
	copy_trunc(snap->run_id, sizeof(snap->run_id), r->run.id);
	snap->plan = r->plan;
	snap->state = r->state;
	snap->resumed = r->resumed;
	snap->production = r->rb->production;
	snap->started = r->started;
	snap->now = now;
	snap->elapsed_s = now - r->started;
	snap->current = r->current;
	snap->nitems = r->nitems;
	snap->prompt = r->prompt;
	copy_trunc(snap->message, sizeof(snap->message), r->message);
	for (size_t i = 0; i < r->nitems; i++) {
		const struct item *it = &r->items[i];
		struct rollback_item_view *v = &snap->items[i];

		v->kind = it->kind;
		v->plan = it->plan;
		v->plan_index = it->plan_index;
		v->step = it->step;
		v->title = it->title;
		v->state = it->state;
		v->attempts = (unsigned)it->rec.attempts;
		v->started = it->started;
		v->ended = it->ended;
		v->elapsed_s =
		    it->started > 0 ? (it->ended > 0 ? it->ended : now) - it->started : 0;
		if (v->elapsed_s < 0)
			v->elapsed_s = 0;
		v->has_exit_code = it->rec.has_exit_code;
		v->exit_code = it->rec.exit_code;
		copy_trunc(v->detail, sizeof(v->detail), it->detail);
		copy_trunc(v->note, sizeof(v->note), it->rec.note);
		copy_trunc(v->execution_arn, sizeof(v->execution_arn), it->rec.execution_arn);
		copy_trunc(v->output_tail, sizeof(v->output_tail), it->rec.output_tail);
		snap->estimate_s += item_estimate(it);
		if (is_terminal(it->state))
			snap->ndone++;
		else
			snap->remaining_s += item_estimate(it);
		snap->skipped += it->state == ROLLBACK_ITEM_SKIPPED;
		snap->failed_checks += it->state == ROLLBACK_ITEM_CHECK_FAILED;
	}
	pthread_mutex_unlock(&r->mu);
	return CUTOVER_OK;
}

void rollback_snapshot_free(struct rollback_snapshot *snap)
{
	if (!snap)
		return;
	free(snap->items);
	memset(snap, 0, sizeof(*snap));
}

static bool answer_fits(enum rollback_prompt_kind p, enum rollback_answer_kind a)
{
	if (a == ROLLBACK_ANSWER_ABORT)
		return p != ROLLBACK_PROMPT_NONE;
	switch (p) {
	case ROLLBACK_PROMPT_MANUAL:
		return a == ROLLBACK_ANSWER_DONE || a == ROLLBACK_ANSWER_FAILED;
	case ROLLBACK_PROMPT_DECISION:
		return a == ROLLBACK_ANSWER_RETRY || a == ROLLBACK_ANSWER_SKIP;
	case ROLLBACK_PROMPT_UNKNOWN:
		return a == ROLLBACK_ANSWER_DONE || a == ROLLBACK_ANSWER_RETRY ||
		       a == ROLLBACK_ANSWER_SKIP;
	case ROLLBACK_PROMPT_CHECK:
		return a == ROLLBACK_ANSWER_CONFIRM || a == ROLLBACK_ANSWER_CHECK_FAILED;
	default:
		return false;
	}
}

enum cutover_status rollback_runner_answer(struct rollback_runner *r,
                                           const struct rollback_answer *a, struct cutover_err *err)
{
	enum cutover_status st = CUTOVER_OK;
	bool needs_text =
	    a->kind == ROLLBACK_ANSWER_SKIP || a->kind == ROLLBACK_ANSWER_CHECK_FAILED;

	if (needs_text && (!a->text || !*a->text))
		return cutover_errf(
		    err, CUTOVER_EINVAL,
		    a->kind == ROLLBACK_ANSWER_SKIP
		        ? "skipping a step needs a reason: say why it is safe to go on"
		        : "a failed checklist item needs a note: say what is wrong");
	pthread_mutex_lock(&r->mu);
	if (r->prompt.kind == ROLLBACK_PROMPT_NONE || r->prompt.id != a->prompt_id || r->answered)
		st = cutover_errf(err, CUTOVER_ECONFLICT,
		                  "that question is no longer open (answered already, or the run "
		                  "moved on); look again");
	else if (!answer_fits(r->prompt.kind, a->kind))
		st = cutover_errf(err, CUTOVER_EINVAL, "that answer does not fit the question: %s",
		                  r->prompt.text);
	if (st == CUTOVER_OK) {
		r->answer.kind = a->kind;
		copy_trunc(r->answer.text, sizeof(r->answer.text), a->text);
		r->answered = true;
		/* Closed at once, so no front end shows (or answers) it twice. */
		r->prompt.kind = ROLLBACK_PROMPT_NONE;
		r->prompt.id = 0;
		bump(r);
	}
	pthread_mutex_unlock(&r->mu);
	return st;
}

void rollback_runner_abort(struct rollback_runner *r, const char *reason)
{
	pthread_mutex_lock(&r->mu);
	if (!r->abort_reason[0])
		copy_trunc(r->abort_reason, sizeof(r->abort_reason), reason ? reason : "");
	atomic_store(&r->abort_req, 1);
	bump(r);
	pthread_mutex_unlock(&r->mu);
}

uint64_t rollback_runner_wait(struct rollback_runner *r, uint64_t seen, long timeout_ms)
{
	struct timespec ts;
	uint64_t g;
	double w = wall() + (double)timeout_ms / 1000.0;

	ts.tv_sec = (time_t)w;
	ts.tv_nsec = (long)((w - (double)ts.tv_sec) * 1e9);
	pthread_mutex_lock(&r->mu);
	while (r->generation == seen) {
		if (pthread_cond_timedwait(&r->cv, &r->mu, &ts) == ETIMEDOUT)
			break;
	}
	g = r->generation;
	pthread_mutex_unlock(&r->mu);
	return g;
}

bool rollback_runner_finished(struct rollback_runner *r)
{
	bool f;

	pthread_mutex_lock(&r->mu);
	f = r->finished;
	pthread_mutex_unlock(&r->mu);
	return f;
}

const char *rollback_runner_audit_path(const struct rollback_runner *r)
{
	return r->audit_path;
}

const char *rollback_runner_run_id(const struct rollback_runner *r)
{
	return r->run.id;
}

void rollback_runner_destroy(struct rollback_runner *r)
{
	if (!r)
		return;
	if (r->thread_started) {
		pthread_mutex_lock(&r->mu);
		atomic_store(&r->stop, 1);
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->thread, NULL);
	}
	if (r->locked && r->store) {
		struct cutover_err ignored;

		if (rollback_store_unlock(r->store, r->rb->name, &ignored) != CUTOVER_OK) {
			/* A lock left behind is stale once this pid is gone. */
		}
	}
	engine_destroy(r->own_engine);
	rollback_store_close(r->store);
	audit_close(r->log);
	actions_destroy(r->actions);
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	free(r->items);
	free(r->operator_name);
	free(r->confirm);
	free(r->reason);
	free(r->runbook_hash);
	free(r->profile);
	free(r->region);
	free(r);
}
