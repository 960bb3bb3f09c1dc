/* actions.h: the one path every operator intent takes.
 *
 *   request -> checked against the runbook (flag exists, value valid for its
 *   type, approval pending, execution belongs to the runbook)
 *   -> refused in read-only mode
 *   -> refused in production unless `confirm` equals runbook->environment
 *   -> refused for a dangerous flag (and for stopping an execution) unless
 *      `confirmed` is set
 *   -> audited as intent (durable before the AWS call)
 *   -> executed (one AWS call, through the action's own client)
 *   -> audited as outcome, with the AWS request id or the error
 *   -> result returned.
 *
 * Two ways in, one code path:
 *   - struct actions: a synchronous executor for the calling thread
 *     (the headless commands: `cutover flag set`, `approve`, ...);
 *   - struct action_queue: a worker thread that owns its own struct actions;
 *     submit returns at once with an action id, results come back through a
 *     callback and a completion list the UI polls, so the screen never waits.
 * docs/actions.md describes the checks, confirmations, the concurrency rule
 * for flags and the exit codes of the headless commands.
 */
#ifndef CUTOVER_ACTIONS_H
#define CUTOVER_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cutover/runbook.h"
#include "cutover/status.h"

struct aws_client;

/* Columns: enum suffix, audit kind. */
#define ACTION_KIND_LIST(_) \
	_(FLAG_SET,  "flag.set") \
	_(APPROVE,   "approval.approve") \
	_(REJECT,    "approval.reject") \
	_(EXEC_STOP, "execution.stop") \
	_(ALERT_ACK, "alert.ack") \
	_(NOTE,      "note")

enum action_kind {
#define ACTION_KIND_ENUM(id, kind) ACTION_##id,
	ACTION_KIND_LIST(ACTION_KIND_ENUM)
#undef ACTION_KIND_ENUM
	ACTION_KIND_COUNT
};

/* How a FLAG_SET computes the new value.  TOGGLE and STEP start from the
 * value read from SSM right before the write, which is the value the
 * operator saw whenever expected_version is given (see below). */
enum action_flag_op {
	ACTION_FLAG_VALUE,      /* set `value` (bool, percent, enum pick, string edit) */
	ACTION_FLAG_TOGGLE,     /* bool: the opposite */
	ACTION_FLAG_STEP_UP,    /* percent: one step up, clamped at 100 */
	ACTION_FLAG_STEP_DOWN,  /* percent: one step down, clamped at 0 */
};

/* One operator intent.  All strings are borrowed by actions_run() for the
 * call and deep-copied by action_queue_submit().  Unused members NULL/0. */
struct action_request {
	enum action_kind kind;

	/* FLAG_SET */
	const char *flag_id;          /* the runbook's flag id */
	enum action_flag_op flag_op;
	const char *value;            /* ACTION_FLAG_VALUE */
	long long expected_version;   /* the version on screen; 0: the version read
				       * just before the write (no check against
				       * an earlier view) */

	/* APPROVE / REJECT: a token, or a phase whose pending token is looked
	 * up in its execution's history.  Either way the token must be one the
	 * runbook's executions are waiting on. */
	const char *task_token;
	const char *phase_id;

	/* EXEC_STOP: an execution ARN, or an execution name of one of the
	 * runbook's state machines. */
	const char *execution;
	const char *error, *cause;    /* StopExecution's; NULL: defaults */

	/* ALERT_ACK: the gauge whose trigger banner is acknowledged. */
	const char *gauge_id;

	/* Common. */
	const char *comment;          /* reason (flags), comment (approvals), text (NOTE) */
	const char *confirm;          /* production: the environment's name, typed */
	bool confirmed;               /* the operator confirmed a dangerous change */
};

/* What became of a request.  REFUSED: stopped by a check, before anything
 * was written to the audit log or sent to AWS. */
#define ACTION_OUTCOME_LIST(_) \
	_(REFUSED, "refused") \
	_(OK,      "ok") \
	_(FAILED,  "failed") \
	_(UNKNOWN, "unknown")

enum action_outcome {
#define ACTION_OUTCOME_ENUM(id, name) ACTION_OUTCOME_##id,
	ACTION_OUTCOME_LIST(ACTION_OUTCOME_ENUM)
#undef ACTION_OUTCOME_ENUM
	ACTION_OUTCOME_COUNT
};

#define ACTION_VALUE_MAX 4104   /* a flag value (FLAG_VALUE_MAX) and its NUL */

/* The result, a plain value (fixed buffers: no ownership to track).
 * `reason` is a short machine word:
 *   refused:  "invalid" (not valid for the runbook), "read-only", "confirm"
 *             (production name missing or wrong), "dangerous" (needs
 *             confirmation), "not-pending" (no such approval waiting)
 *   failed:   "conflict" (the flag moved on; nothing written), "aws",
 *             "access-denied", "throttled", "timeout", "transport",
 *             "credentials", "audit" (the log could not be written: the
 *             AWS call was not made), "hook"
 *   unknown:  "transport" / "timeout" / "cancelled" (may have taken
 *             effect: verify)
 *   ok:       "" or "unchanged" (already at that value, nothing written),
 *             "interleaved" (written, but another writer wrote between our
 *             read and our write: verify), "already-done" (a retried
 *             SendTask* found the task answered, most likely by us) */
struct action_result {
	uint64_t id;                  /* action_queue_submit()'s id; 0 from actions_run */
	enum action_kind kind;
	enum action_outcome outcome;
	enum cutover_status status;   /* CUTOVER_OK only with outcome OK and reason "" or
				       * "unchanged"; else why (EREFUSED, EVALIDATE,
				       * ECONFLICT, EAWS, ETIMEOUT, ...) */
	char reason[24];
	char message[1024];           /* for a person: what happened, what to do */
	char target[512];             /* SSM name, execution ARN, phase id ... */
	char old_value[ACTION_VALUE_MAX];
	char new_value[ACTION_VALUE_MAX];
	long long old_version;        /* FLAG_SET: the version read before the write */
	long long new_version;        /* FLAG_SET: PutParameter's answer */
	char request_id[96];          /* of the call that made the change */
	int64_t intent_id;            /* audit row; 0 when refused */
	/* FLAG_SET conflict / interleaving: who wrote, what and which version. */
	char other_user[512];
	char other_value[ACTION_VALUE_MAX];
	long long other_version;
};

/* Called by ALERT_ACK after its intent is durable: the engine's own
 * acknowledgement (engine_ack_trigger).  Runs on the executing thread. */
typedef enum cutover_status (*action_ack_fn)(void *ctx, const char *gauge_id,
					     struct cutover_err *err);

struct actions_options {
	const struct runbook *rb;     /* borrowed; must outlive the executor */
	const char *profile;          /* --profile; NULL: the default chain */
	const char *region;           /* --region; NULL: runbook, then environment */
	const char *audit_path;       /* --audit; NULL: CUTOVER_AUDIT, the runbook's,
				       * then the XDG default (audit_default_path) */
	const char *runbook_dir;      /* folder of the runbook file, for a relative
				       * runbook audit path; NULL: "." */
	const char *runbook_hash;     /* hex SHA-256 of the file, for the session row */
	const char *operator_name;    /* NULL: CUTOVER_OPERATOR, $USER */
	const char *caller_arn;       /* for the session row; NULL: asked from STS once */
	bool read_only;               /* refuse every action */
	long connect_timeout_ms;      /* per request; 0: the client's defaults */
	long timeout_ms;
	int max_attempts;
	action_ack_fn ack;            /* NULL: ALERT_ACK only audits */
	void *ack_ctx;
};

/* --- the synchronous executor ------------------------------------------- */

struct actions;

/* Resolve credentials' provider, region and endpoints and build one AWS
 * client; asks AWS nothing and opens no audit file yet (that happens at the
 * first action that passes its checks).  Strings in opt are copied.  *out is
 * always set.  Errors: the credential files' (EPARSE, EIO, ENOENT), no or a
 * bad region, EINVAL (no runbook), ENOMEM.  The thread that calls
 * actions_run must be the only one using it. */
enum cutover_status actions_create(const struct actions_options *opt, struct actions **out,
				   struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Close the audit session (if one was opened) and free.  NULL is a no-op. */
void actions_destroy(struct actions *a);

/* Run one request through the whole path on the calling thread.  Always
 * fills *res.  Returns res->status. */
enum cutover_status actions_run(struct actions *a, const struct action_request *req,
				struct action_result *res);

/* The audit file this executor writes (resolved at create).  Borrowed. */
const char *actions_audit_path(const struct actions *a);

/* The executor's AWS client, for read-only listings on the same thread
 * (flag list, executions list).  Borrowed. */
struct aws_client *actions_client_get(struct actions *a);

/* Make aws calls in flight give up (CUTOVER_ECANCELLED) once `stop` reads
 * non-zero.  stop must stay valid; read from the executing thread. */
void actions_set_abort(struct actions *a, int (*should_abort)(void *ctx), void *ctx);

/* --- reads the headless commands show (no audit, allowed read-only) ---- */

struct action_flag_state {
	const struct runbook_flag *def;   /* borrowed from the runbook */
	bool present;                     /* the parameter exists */
	char *value;                      /* NULL when absent */
	long long version;
	char *last_modified_user;         /* NULL when unknown */
	double last_modified;             /* epoch seconds */
};

/* Read every runbook flag (GetParameters, then GetParameterHistory for the
 * last modifier when with_user).  *out (n = rb->nflags entries, in runbook
 * order) is the caller's; free with actions_flags_free. */
enum cutover_status actions_flags_read(struct actions *a, bool with_user,
				       struct action_flag_state **out,
				       struct cutover_err *err) CUTOVER_MUST_CHECK;
void actions_flags_free(struct action_flag_state *flags, size_t n);

/* A task token the runbook's executions are waiting on. */
struct action_approval {
	const struct runbook_phase *phase;   /* NULL when the state is in no phase */
	const struct runbook_execution *execution;
	char *execution_arn;
	char *state;
	char *task_token;
	double since;                        /* TaskScheduled's time */
};

/* Every pending approval of the runbook's running executions. */
enum cutover_status actions_approvals_read(struct actions *a, struct action_approval **out,
					   size_t *n, struct cutover_err *err) CUTOVER_MUST_CHECK;
void actions_approvals_free(struct action_approval *ap, size_t n);

/* --- the worker thread ---------------------------------------------------- */

struct action_queue;

/* Called on the worker thread after each result is added to the
 * completion list (typically: write a byte to the UI's wake-up pipe).  It
 * must not call back into the queue except action_queue_poll. */
typedef void (*action_done_fn)(void *ctx, const struct action_result *res);

/* Create the executor (as actions_create, on this thread, so a bad profile
 * or region is reported here) and start the worker thread, which blocks
 * SIGWINCH SIGINT SIGTERM SIGPIPE.  done may be NULL.  *out always set. */
enum cutover_status action_queue_create(const struct actions_options *opt, action_done_fn done,
					void *done_ctx, struct action_queue **out,
					struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Queue a copy of req; returns at once with *id (> 0).  CUTOVER_EREFUSED
 * when the queue is full (ACTION_QUEUE_MAX waiting) or shutting down,
 * CUTOVER_ENOMEM.  Any thread. */
#define ACTION_QUEUE_MAX 64
enum cutover_status action_queue_submit(struct action_queue *q, const struct action_request *req,
					uint64_t *id, struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Take the oldest finished result into *out; false when none.  Any thread. */
bool action_queue_poll(struct action_queue *q, struct action_result *out);

/* How many submitted actions have not finished yet.  Any thread. */
size_t action_queue_pending(struct action_queue *q);

/* Stop: waiting actions are dropped (never audited, nothing sent); an
 * action in flight may finish within `grace_ms`, after which its AWS call
 * is cancelled and its outcome audited as unknown.  Joins the worker and
 * frees everything.  NULL is a no-op.  Owner thread. */
void action_queue_destroy(struct action_queue *q, long grace_ms);

/* --- helpers ---------------------------------------------------------------- */

const char *action_kind_name(enum action_kind k);        /* "flag.set" */
const char *action_outcome_name(enum action_outcome o);  /* "refused" */

/* Print "outcome unknown: verify" lines for the intents in the audit file
 * at path that have no outcome, to out; returns how many (0 when the file
 * does not exist). */
int actions_report_unresolved(const char *path, FILE *out);

#endif
