/* phase_eval.h: a runbook phase's status derived from its execution's
 * history, as a pure function (no network, no clock), so the dashboard's
 * rules are tested on recorded histories.
 *
 * A phase is a run of states of one execution.  It is
 *  - PENDING until one of its states is entered;
 *  - RUNNING while one of its states is open (entered, not exited), with the
 *    newest open state as the current one (parallel branches may hold
 *    several);
 *  - WAITING when an open state of it has a `.waitForTaskToken` task
 *    scheduled with no outcome yet: an approval, whose token is kept;
 *  - SUCCEEDED once the execution moved past it (entered a state outside it
 *    after leaving its own) or succeeded;
 *  - FAILED / ABORTED when the execution ended that way in one of its
 *    states, with the error and cause.
 * A running phase far past its estimate (PHASE_STUCK_FACTOR) is flagged as
 * possibly stuck (seed 002's stuck-execution detection).
 */
#ifndef CUTOVER_PHASE_EVAL_H
#define CUTOVER_PHASE_EVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "cutover/runbook.h"

#define PHASE_STUCK_FACTOR 2.0

#define PHASE_STATUS_LIST(_) \
	_(PENDING,   "pending",   "◌") \
	_(RUNNING,   "running",   "◐") \
	_(WAITING,   "waiting",   "⏸") \
	_(SUCCEEDED, "succeeded", "✔") \
	_(FAILED,    "failed",    "✖") \
	_(ABORTED,   "aborted",   "■")

enum phase_status {
#define PHASE_STATUS_ENUM(id, name, glyph) PHASE_##id,
	PHASE_STATUS_LIST(PHASE_STATUS_ENUM)
#undef PHASE_STATUS_ENUM
	PHASE_STATUS_COUNT
};

/* One history event, reduced to what phases need.  Strings are borrowed. */
struct exec_event {
	long long id;
	double ts;                /* epoch seconds */
	const char *type;         /* "TaskStateEntered", "TaskScheduled", ... */
	const char *state;        /* *StateEntered / *StateExited: the state's name */
	const char *resource;     /* TaskScheduled: e.g. "invoke.waitForTaskToken" */
	const char *task_token;   /* TaskScheduled of a waitForTaskToken: the token */
	const char *error, *cause;/* *Failed, *TimedOut, *Aborted */
};

/* An execution as the engine last saw it.  events ascending by id. */
struct exec_view {
	const char *status;       /* RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, ... */
	double start, stop;       /* epoch seconds; stop 0 while running */
	const struct exec_event *events;
	size_t nevents;
};

struct phase_view {
	enum phase_status status;
	const char *current_state;/* borrowed from the events; NULL when none */
	double state_since;       /* when current_state was entered */
	double started, ended;    /* 0 when not yet */
	double elapsed_s;         /* ended - started, or now - started */
	bool stuck;               /* running, elapsed > PHASE_STUCK_FACTOR x estimate */
	const char *task_token;   /* WAITING: the approval's token (borrowed) */
	double waiting_since;     /* WAITING: when the task was scheduled */
	const char *error, *cause;/* FAILED / ABORTED (borrowed; may be NULL) */
};

/* Derive ph's view from ex (NULL: the execution is not known yet, so the
 * phase is PENDING).  Borrowed strings in out point into ex's events.
 * Reads the whole history: phase_walk_init + phase_walk_feed(all) +
 * phase_walk_view. */
void phase_eval(const struct runbook_phase *ph, const struct exec_view *ex, double now,
		struct phase_view *out);

/* The same evaluation, resumable: a history only grows (events are
 * appended by id), so a poller keeps one walk per phase, feeds it only the
 * events appended since its last poll, and asks for the view with the
 * execution's current status and `now` (the time-based fields, elapsed and
 * stuck, are derived there, cheaply, at every call).  Feeding the events in
 * any number of slices gives the view phase_eval gives on all of them.
 *
 * A walk is a plain value owned by its caller, used by one thread at a
 * time.  It borrows the fed events' strings (state names, tokens, errors):
 * they must outlive the walk or its next phase_walk_init, and a walk must
 * be re-initialised whenever the history it was fed is replaced rather
 * than appended to.  A walk is always fed and viewed with the same phase. */
#define PHASE_WALK_MAX_OPEN 32 /* parallel branches open at once; more loses the oldest */

struct phase_walk_open {
	const char *name;
	double since;
	const char *token;        /* a pending waitForTaskToken task in it */
	double token_since;
	bool ours;                /* one of the phase's states */
};

struct phase_walk {
	struct phase_walk_open open[PHASE_WALK_MAX_OPEN]; /* entered, not yet exited */
	size_t nopen;
	const char *last_state;   /* the most recently entered state */
	bool last_state_ours;
	const char *last_error, *last_cause;
	bool entered_ours, left_ours;
	double started, ended;
	size_t nevents;           /* events fed so far */
};

void phase_walk_init(struct phase_walk *w);
/* Feed the n events that follow those already fed (ascending by id). */
void phase_walk_feed(struct phase_walk *w, const struct runbook_phase *ph,
		     const struct exec_event *events, size_t n);
/* ph's view after the events fed so far; ex gives the execution's status
 * and stop time only (its events are not read; NULL: PENDING). */
void phase_walk_view(const struct phase_walk *w, const struct runbook_phase *ph,
		     const struct exec_view *ex, double now, struct phase_view *out);

const char *phase_status_name(enum phase_status s);
const char *phase_status_glyph(enum phase_status s);

#endif
