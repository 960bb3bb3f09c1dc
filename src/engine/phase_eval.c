/* phase_eval.c: phase status from execution history (see phase_eval.h). */
#include <stdatomic.h>
#include <string.h>

#include "cutover/phase_eval.h"
#include "cutover/ends_with.h"
#include "engine/phase_eval_test.h"

static const char *const status_names[] = {
#define PHASE_STATUS_NAME(id, name, glyph) name,
	PHASE_STATUS_LIST(PHASE_STATUS_NAME)
#undef PHASE_STATUS_NAME
};

static const char *const status_glyphs[] = {
#define PHASE_STATUS_GLYPH(id, name, glyph) glyph,
	PHASE_STATUS_LIST(PHASE_STATUS_GLYPH)
#undef PHASE_STATUS_GLYPH
};

const char *phase_status_name(enum phase_status s)
{
	return (unsigned)s < PHASE_STATUS_COUNT ? status_names[s] : "?";
}

const char *phase_status_glyph(enum phase_status s)
{
	return (unsigned)s < PHASE_STATUS_COUNT ? status_glyphs[s] : "?";
}

static bool in_phase(const struct runbook_phase *ph, const char *state)
{
	if (!state)
		return false;
	for (size_t i = 0; i < ph->nstates; i++)
		if (strcmp(ph->states[i], state) == 0)
			return true;
	return false;
}

static void close_state(struct phase_walk *w, const char *name)
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
static struct phase_walk_open *newest_open(struct phase_walk *w)
{
	return w->nopen ? &w->open[w->nopen - 1] : NULL;
}

/* Counts every event fed to any walk (phase_eval_test.h); relaxed: it is a
 * tally for tests and benchmarks, ordering nothing. */
static atomic_ullong events_walked;

unsigned long long phase_eval_events_walked(void)
{
	return atomic_load_explicit(&events_walked, memory_order_relaxed);
}

void phase_walk_init(struct phase_walk *w)
{
	memset(w, 0, sizeof(*w));
}

static void walk_event(struct phase_walk *w, const struct runbook_phase *ph,
		       const struct exec_event *e)
{
	struct phase_walk_open *o;

	if (!e->type)
		return;
	if (ends_with(e->type, "StateEntered") && e->state) {
		/* Whether a state is ours is decided once, when it is entered;
		 * the open list and the end of the walk reuse the answer. */
		bool ours = in_phase(ph, e->state);

		if (ours) {
			if (!w->entered_ours)
				w->started = e->ts;
			w->entered_ours = true;
			w->left_ours = false;   /* (re-)entered: a loop comes back */
			w->ended = 0;
		} else if (w->entered_ours && w->left_ours) {
			/* moved on to a state outside the phase */
			if (!w->ended)
				w->ended = e->ts;
		}
		if (w->nopen == PHASE_WALK_MAX_OPEN) {
			memmove(&w->open[0], &w->open[1],
				(PHASE_WALK_MAX_OPEN - 1) * sizeof(w->open[0]));
			w->nopen--;
		}
		w->open[w->nopen].name = e->state;
		w->open[w->nopen].since = e->ts;
		w->open[w->nopen].token = NULL;
		w->open[w->nopen].token_since = 0;
		w->open[w->nopen].ours = ours;
		w->nopen++;
		w->last_state = e->state;
		w->last_state_ours = ours;
	} else if (ends_with(e->type, "StateExited") && e->state) {
		close_state(w, e->state);
		if (in_phase(ph, e->state)) {
			bool any_open = false;

			for (size_t k = 0; k < w->nopen; k++)
				any_open |= w->open[k].ours;
			w->left_ours = !any_open;
		}
	} else if (strcmp(e->type, "TaskScheduled") == 0) {
		o = newest_open(w);
		if (o && ends_with(e->resource, ".waitForTaskToken")) {
			o->token = e->task_token;
			o->token_since = e->ts;
		}
	} else if (strcmp(e->type, "TaskSucceeded") == 0 ||
		   strcmp(e->type, "TaskFailed") == 0 ||
		   strcmp(e->type, "TaskTimedOut") == 0 ||
		   strcmp(e->type, "TaskAborted") == 0 ||
		   strcmp(e->type, "TaskStartFailed") == 0) {
		o = newest_open(w);
		if (o)
			o->token = NULL;
		if (e->error) {
			w->last_error = e->error;
			w->last_cause = e->cause;
		}
	} else if (strcmp(e->type, "ExecutionFailed") == 0 ||
		   strcmp(e->type, "ExecutionAborted") == 0 ||
		   strcmp(e->type, "ExecutionTimedOut") == 0) {
		if (e->error) {
			w->last_error = e->error;
			w->last_cause = e->cause;
		}
	}
}

void phase_walk_feed(struct phase_walk *w, const struct runbook_phase *ph,
		     const struct exec_event *events, size_t n)
{
	for (size_t i = 0; i < n; i++)
		walk_event(w, ph, &events[i]);
	w->nevents += n;
	if (n)
		atomic_fetch_add_explicit(&events_walked, n, memory_order_relaxed);
}

void phase_walk_view(const struct phase_walk *w, const struct runbook_phase *ph,
		     const struct exec_view *ex, double now, struct phase_view *out)
{
	memset(out, 0, sizeof(*out));
	out->status = PHASE_PENDING;
	if (!ex || !w->entered_ours)
		return;   /* PENDING */
	out->started = w->started;
	out->ended = w->ended;

	if (ex->status && strcmp(ex->status, "RUNNING") != 0 && !(w->left_ours && out->ended)) {
		/* The execution ended while in (or right after) this phase. */
		bool ended_here = (w->last_state && w->last_state_ours) || !w->left_ours;

		out->ended = ex->stop > 0 ? ex->stop : now;
		if (strcmp(ex->status, "SUCCEEDED") == 0 || !ended_here) {
			out->status = PHASE_SUCCEEDED;
		} else {
			out->status = strcmp(ex->status, "ABORTED") == 0 ? PHASE_ABORTED : PHASE_FAILED;
			out->error = w->last_error;
			out->cause = w->last_cause;
			out->current_state = w->last_state;
		}
		out->elapsed_s = out->ended - out->started;
		return;
	}
	if (w->left_ours && out->ended) {
		out->status = PHASE_SUCCEEDED;
		out->elapsed_s = out->ended - out->started;
		return;
	}

	out->status = PHASE_RUNNING;
	out->ended = 0;
	for (size_t k = w->nopen; k-- > 0;) {
		if (!w->open[k].ours)
			continue;
		if (!out->current_state) {
			out->current_state = w->open[k].name;
			out->state_since = w->open[k].since;
		}
		if (w->open[k].token && !out->task_token) {
			out->status = PHASE_WAITING;
			out->task_token = w->open[k].token;
			out->waiting_since = w->open[k].token_since;
			out->current_state = w->open[k].name;
			out->state_since = w->open[k].since;
		}
	}
	if (!out->current_state) {
		/* Between two of our states (exited one, next not entered yet). */
		out->current_state = w->last_state;
	}
	out->elapsed_s = now - out->started;
	out->stuck = ph->estimate_min > 0 &&
		     out->elapsed_s > PHASE_STUCK_FACTOR * 60.0 * (double)ph->estimate_min;
}

void phase_eval(const struct runbook_phase *ph, const struct exec_view *ex, double now,
		struct phase_view *out)
{
	struct phase_walk w;

	phase_walk_init(&w);
	if (ex)
		phase_walk_feed(&w, ph, ex->events, ex->nevents);
	phase_walk_view(&w, ph, ex, now, out);
}
