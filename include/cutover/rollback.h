/* rollback.h: the guided rollback runner, and auto-rollback.
 *
 * A struct rollback_runner executes one plan of a runbook on its own thread,
 * step by step (flag, sfn_start, sfn_stop, exec, http, gauge_ok, wait,
 * manual), then asks for each item of the plan's verification checklist.  A
 * sequence plan runs its member plans in order, each with its checklist
 * after its steps.  Nothing goes past a failed step without a person
 * deciding: the runner stops and asks (retry, skip with a reason, abort).
 *
 * Front ends drive it the same way (the console's rollback panel and
 * `cutover rollback`):
 *   rollback_runner_create()   checks the plan, takes the runbook's rollback
 *                              lock, creates (or, with resume, reloads) the
 *                              run in the audit database;
 *   rollback_runner_start()    starts the thread;
 *   rollback_runner_snapshot_take()  a plain copy of every item's state,
 *                              elapsed time, live detail and the open
 *                              question (prompt), to draw or print;
 *   rollback_runner_answer()   answers the prompt (manual step done, retry /
 *                              skip / abort a failed step, checklist item
 *                              confirmed or failed, an unknown step done or
 *                              run again);
 *   rollback_runner_abort()    abort at any time;
 *   rollback_runner_destroy()  stop and free; a run that has not ended is
 *                              left resumable ("interrupted").
 * The notify callback (runner thread) says "something changed": write a
 * byte to the UI's wake-up pipe there.  rollback_runner_wait() is the same
 * for a thread that prefers to block.
 *
 * Persistence: the run and each item's state are in the audit file
 * (rollback_store.h), written before and after each step; every step is an
 * intent and an outcome in the audit log (rollback.start, rollback.step,
 * rollback.decision, rollback.verify, rollback.resume, rollback.end).
 * After a crash, creating a runner with `resume` continues at the step that
 * was running: steps safe to repeat (http, gauge_ok, wait) run again; a
 * flag is read back; an sfn_start looks for its execution by its
 * deterministic name (so it is never started twice); an exec or manual step
 * is asked about (prompt UNKNOWN / MANUAL).  docs/rollback.md has the whole
 * story.
 */
#ifndef CUTOVER_ROLLBACK_H
#define CUTOVER_ROLLBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cutover/rollback_store.h"
#include "cutover/runbook.h"
#include "cutover/status.h"

struct engine;
struct audit;

/* Columns: enum suffix, stored name. */
#define ROLLBACK_ITEM_STATE_LIST(_)                                                                \
	_(PENDING, "pending")                                                                      \
	_(RUNNING, "running")                                                                      \
	_(SUCCEEDED, "succeeded")                                                                  \
	_(FAILED, "failed")                                                                        \
	_(SKIPPED, "skipped")                                                                      \
	_(WAITING, "waiting-for-operator")                                                         \
	_(UNKNOWN, "unknown")                                                                      \
	_(CONFIRMED, "confirmed")                                                                  \
	_(CHECK_FAILED, "check-failed")

enum rollback_item_state {
#define ROLLBACK_ITEM_STATE_ENUM(id, name) ROLLBACK_ITEM_##id,
	ROLLBACK_ITEM_STATE_LIST(ROLLBACK_ITEM_STATE_ENUM)
#undef ROLLBACK_ITEM_STATE_ENUM
	    ROLLBACK_ITEM_STATE_COUNT
};

#define ROLLBACK_RUN_STATE_LIST(_)                                                                 \
	_(RUNNING, "running")                                                                      \
	_(WAITING, "waiting")                                                                      \
	_(INTERRUPTED, "interrupted")                                                              \
	_(COMPLETED, "completed")                                                                  \
	_(ABORTED, "aborted")

enum rollback_run_state {
#define ROLLBACK_RUN_STATE_ENUM(id, name) ROLLBACK_RUN_##id,
	ROLLBACK_RUN_STATE_LIST(ROLLBACK_RUN_STATE_ENUM)
#undef ROLLBACK_RUN_STATE_ENUM
	    ROLLBACK_RUN_STATE_COUNT
};

/* The question the runner waits on, and the answers each accepts. */
enum rollback_prompt_kind {
	ROLLBACK_PROMPT_NONE,
	ROLLBACK_PROMPT_MANUAL,   /* a manual step: DONE (comment optional), FAILED, ABORT */
	ROLLBACK_PROMPT_DECISION, /* a step failed: RETRY, SKIP (reason), ABORT */
	ROLLBACK_PROMPT_UNKNOWN,  /* after a restart, an exec step's outcome is unknown:
	                           * DONE (it was done), RETRY (run it again), SKIP, ABORT */
	ROLLBACK_PROMPT_CHECK,    /* a checklist item: CONFIRM, CHECK_FAILED (note), ABORT */
};

enum rollback_answer_kind {
	ROLLBACK_ANSWER_DONE,
	ROLLBACK_ANSWER_FAILED,
	ROLLBACK_ANSWER_RETRY,
	ROLLBACK_ANSWER_SKIP,
	ROLLBACK_ANSWER_ABORT,
	ROLLBACK_ANSWER_CONFIRM,
	ROLLBACK_ANSWER_CHECK_FAILED,
};

struct rollback_answer {
	enum rollback_answer_kind kind;
	uint64_t prompt_id; /* the snapshot's prompt.id: a stale answer is refused */
	const char *text;   /* comment / reason / note (borrowed); required for SKIP
	                     * and CHECK_FAILED */
};

enum rollback_item_kind { ROLLBACK_STEP, ROLLBACK_CHECK };

#define ROLLBACK_TAIL_LINES 20

/* One step or checklist item, as of the snapshot. */
struct rollback_item_view {
	enum rollback_item_kind kind;
	const struct runbook_plan *plan; /* borrowed from the runbook */
	size_t plan_index;               /* 1-based within its plan */
	const struct runbook_step *step; /* borrowed; NULL for a check */
	const char *title;               /* borrowed: the step's title or the check's text */
	enum rollback_item_state state;
	unsigned attempts;
	double started, ended; /* runner clock, epoch seconds; 0: not yet */
	double elapsed_s;      /* so far (running) or in total */
	bool has_exit_code;
	int exit_code;                /* exec */
	char detail[512];             /* live: state machine state, last output line,
	                               * gauge state and value, time left */
	char note[ROLLBACK_NOTE_MAX]; /* error, skip reason, comment, check note */
	char execution_arn[ROLLBACK_TITLE_MAX];
	char output_tail[4096]; /* exec: the last ROLLBACK_TAIL_LINES lines */
};

struct rollback_prompt {
	enum rollback_prompt_kind kind;
	uint64_t id;     /* > 0 while a prompt is open */
	size_t item;     /* index into items */
	char text[1024]; /* what to do, for a person */
};

struct rollback_snapshot {
	uint64_t generation;
	char run_id[ROLLBACK_ID_MAX];
	const struct runbook_plan *plan; /* borrowed */
	enum rollback_run_state state;
	bool resumed;
	bool production;
	double started, now; /* runner clock */
	double elapsed_s;
	double estimate_s;  /* the plan's estimate */
	double remaining_s; /* estimate of what is left */
	size_t current;     /* index of the item being worked on */
	size_t ndone;       /* items finished (succeeded, skipped, confirmed, check-failed) */
	size_t nitems;
	struct rollback_item_view *items; /* owned by the snapshot */
	struct rollback_prompt prompt;
	char message[1024]; /* the latest news, or why the run ended */
	unsigned skipped, failed_checks;
};

struct rollback_options {
	const struct runbook *rb; /* borrowed; must outlive the runner */
	const char *plan_id;
	const char *runbook_dir;      /* for a relative runbook audit path; NULL: "." */
	const char *runbook_hash;     /* hex SHA-256 of the file, or NULL */
	const char *audit_path;       /* NULL: CUTOVER_AUDIT, the runbook's, the XDG default */
	const char *profile, *region; /* NULL: the default chain / the runbook's region */
	const char *operator_name;    /* NULL: CUTOVER_OPERATOR, $USER */
	const char *confirm;          /* production: the environment's name, as typed */
	const char *reason;           /* why (shown and recorded); NULL: "operator" */
	bool resume;                  /* continue this plan's unfinished run */
	bool abandon;                 /* mark this plan's unfinished run aborted, start anew */
	struct engine *engine;        /* a running engine (borrowed) for gauge_ok; NULL:
	                               * the runner polls the gauge itself */
	/* The clock for waits, gauge windows and step timeouts (epoch seconds);
	 * NULL: the wall clock.  A rehearsal against `cutover sim --speed`
	 * passes the sim's clock.  Called on the runner thread. */
	double (*now)(void *ctx);
	void *now_ctx;
	void (*notify)(void *ctx); /* runner thread, after each change; may be NULL */
	void *notify_ctx;
	long timeout_ms; /* per AWS request; 0: default */
	int max_attempts;
};

struct rollback_runner;

/* Check the plan, take the runbook's rollback lock and record the run (or
 * reload the unfinished one with opt->resume).  Errors (err says what to do):
 * ENOENT  no such plan, or nothing to resume;
 * EREFUSED another process runs a rollback of this runbook (err names who,
 *         where and since when);
 * ECONFLICT an unfinished run of this plan exists and neither resume nor
 *         abandon was asked (err names where it stopped);
 * EVALIDATE the plan changed since the unfinished run started;
 * EDB, ENOMEM, and the credential/region errors of actions_create.
 * *out is always set.  Any thread; the caller becomes the owner. */
enum cutover_status rollback_runner_create(const struct rollback_options *opt,
                                           struct rollback_runner **out,
                                           struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Start the runner thread (it blocks SIGWINCH SIGINT SIGTERM SIGPIPE).
 * Owner thread, once. */
enum cutover_status rollback_runner_start(struct rollback_runner *r,
                                          struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Copy the state into *snap (the caller's; free with _snapshot_free).
 * Any thread. */
enum cutover_status
rollback_runner_snapshot_take(struct rollback_runner *r,
                              struct rollback_snapshot *snap) CUTOVER_MUST_CHECK;
void rollback_snapshot_free(struct rollback_snapshot *snap);

/* Answer the open prompt.  EINVAL: this answer does not fit the prompt, or
 * a required reason/note is missing; ECONFLICT: the prompt id is not the
 * open one (answered already, or stale).  Any thread. */
enum cutover_status rollback_runner_answer(struct rollback_runner *r,
                                           const struct rollback_answer *a,
                                           struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Abort: the running step is interrupted (a wait or a poll stops, an AWS
 * call is cancelled, a command's process group is killed), the run ends
 * "aborted" and is recorded.  reason may be NULL.  Any thread. */
void rollback_runner_abort(struct rollback_runner *r, const char *reason);

/* Block until the generation differs from `seen` or timeout_ms passes;
 * returns the current generation.  Any thread. */
uint64_t rollback_runner_wait(struct rollback_runner *r, uint64_t seen, long timeout_ms);

/* Whether the run has ended (completed or aborted) and the thread is done. */
bool rollback_runner_finished(struct rollback_runner *r);

/* The audit file in use (borrowed) and the run's id. */
const char *rollback_runner_audit_path(const struct rollback_runner *r);
const char *rollback_runner_run_id(const struct rollback_runner *r);

/* Interrupt a run that has not ended (it stays resumable), join the
 * thread, release the lock, free.  NULL is a no-op.  Owner thread. */
void rollback_runner_destroy(struct rollback_runner *r);

/* The plan's steps and checks flattened in run order, for a preview before
 * starting (the console's "what it will do").  Returns how many items;
 * fills at most cap entries of out (plan, index in plan, step or check
 * text).  Pure. */
struct rollback_preview_item {
	enum rollback_item_kind kind;
	const struct runbook_plan *plan;
	size_t plan_index;
	const struct runbook_step *step; /* NULL for a check */
	const char *title;
};
size_t rollback_plan_flatten(const struct runbook_plan *plan, struct rollback_preview_item *out,
                             size_t cap);

/* What a step will change, in words ("flag dual_write = false", "start
 * arn:...:rollback-workflow and wait", "kubectl rollout restart ..."), for
 * the preview and the audit row.  Always terminates buf.  Pure. */
void rollback_step_summary(const struct runbook_step *s, char *buf, size_t n);

const char *rollback_item_state_name(enum rollback_item_state s);
const char *rollback_run_state_name(enum rollback_run_state s);
bool rollback_item_state_parse(const char *name, enum rollback_item_state *out);

/* The plan a front end should offer: the triggered gauge's plan, else the
 * phase's plan, else "full" when the runbook has it, else the first plan.
 * Either argument may be NULL.  Borrowed; NULL when the runbook has none. */
const struct runbook_plan *rollback_recommended_plan(const struct runbook *rb,
                                                     const char *triggered_gauge,
                                                     const char *current_phase);

/* --- auto-rollback ---------------------------------------------------------
 *
 * Triggers with `auto` (runbook_trigger.has_auto) may be armed.  When an
 * armed trigger fires, a countdown of auto_countdown_s starts; any operator
 * may cancel it; when it reaches zero the front end starts the trigger's
 * plan (rollback_auto_update says so once).  Arming, disarming, cancelling
 * and firing are audited (rollback.auto.arm, .disarm, .countdown, .cancel,
 * .fire) and the armed state is kept in the audit file across restarts.
 * One struct rollback_auto per front end; its functions are called from one
 * thread (the console's rollback worker, a command, or a test). */
struct rollback_auto;

struct rollback_auto_view {
	const struct runbook_gauge *gauge; /* borrowed */
	bool armed;
	char armed_by[ROLLBACK_NAME_MAX];
	bool counting;   /* a countdown is running */
	double deadline; /* when the plan starts (clock of the updates) */
	double remaining_s;
	bool cancelled; /* cancelled for this firing (until the trigger clears) */
	char cancelled_by[ROLLBACK_NAME_MAX];
	bool cancelled_elsewhere; /* by another process (seen by rollback_auto_sync) */
	/* A countdown another front end on the file runs while none runs
	 * here (seen by rollback_auto_sync): its deadline on the wall clock
	 * (epoch seconds), host and pid.  rollback_auto_cancel cancels it. */
	bool remote;
	double remote_deadline;
	char remote_host[ROLLBACK_NAME_MAX];
	long remote_pid;
	bool fired; /* the plan was handed over to start */
};

/* audit: an open audit handle of the calling thread (borrowed) for the
 * audited switches; store: this thread's store handle (borrowed). */
enum cutover_status rollback_auto_create(const struct runbook *rb, struct audit *audit,
                                         struct rollback_store *store, struct rollback_auto **out,
                                         struct cutover_err *err) CUTOVER_MUST_CHECK;
void rollback_auto_destroy(struct rollback_auto *a);

/* Give (or change) the handles later: a front end that opens the audit
 * file only once it exists or is needed creates with NULL handles (every
 * trigger disarmed), attaches, then calls rollback_auto_sync. */
void rollback_auto_attach(struct rollback_auto *a, struct audit *audit,
                          struct rollback_store *store);

/* Arm or disarm gauge_id's auto trigger (audited).  EVALIDATE when the
 * gauge has no auto trigger.  Disarming cancels a running countdown;
 * arming forgets an earlier cancel or fire of this firing, so a trigger
 * still firing counts down again at the next update. */
enum cutover_status rollback_auto_arm(struct rollback_auto *a, const char *gauge_id, bool armed,
                                      const char *operator_name,
                                      struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Cancel the running countdown of gauge_id (audited, with the reason).
 * The cancellation is kept in the store, so a countdown of the same firing
 * that another process runs ends at its next rollback_auto_sync.  When no
 * countdown runs here, one that another process runs (as the store says)
 * is cancelled that way (the headless --cancel-auto).  ENOENT when none
 * runs anywhere; EVALIDATE when the gauge has no auto trigger.  The
 * trigger must clear before it can fire again. */
enum cutover_status rollback_auto_cancel(struct rollback_auto *a, const char *gauge_id,
                                         const char *operator_name, const char *reason,
                                         struct cutover_err *err) CUTOVER_MUST_CHECK;

/* See what other processes changed in the store: arming (`cutover
 * rollback --arm` or another console; a disarm ends a countdown here),
 * cancellations of a countdown this process runs, and a countdown another
 * front end runs (the view's remote_*).  *changed (may be NULL)
 * says whether a view changed.  Reads the store: call it off the UI
 * thread, every second or two. */
enum cutover_status rollback_auto_sync(struct rollback_auto *a, bool *changed,
                                       struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Feed the trigger states: triggered[i] is whether rb->gauges[i] is
 * TRIGGERED now (the engine snapshot's gauges[i].state), at time now.
 * Returns the plan to start now (once per firing; the caller starts a
 * runner with it and reason "auto: ..."), or NULL. *gauge_out names the
 * gauge that fired (may be NULL). */
const struct runbook_plan *rollback_auto_update(struct rollback_auto *a, const bool *triggered,
                                                double now, const struct runbook_gauge **gauge_out);

/* The views of the gauges that have an auto trigger, in runbook order.
 * Fills at most cap; returns how many there are. */
size_t rollback_auto_views(const struct rollback_auto *a, double now,
                           struct rollback_auto_view *out, size_t cap);

#endif
