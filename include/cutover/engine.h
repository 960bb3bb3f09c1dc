/* engine.h: the engine that watches a cutover.
 *
 * One struct engine per runbook.  It owns one poller per source (executions,
 * flags, metrics, alarms, health, identity), each with its own AWS client,
 * interval, jitter and backoff, and one state struct behind one mutex with
 * a generation counter.  Pollers call AWS unlocked and publish finished
 * results under the mutex, then write one byte to a non-blocking wake-up
 * pipe.  A front end (the TUI, `cutover status`) polls engine_wakeup_fd()
 * and copies what it needs with engine_snapshot_take(): a plain,
 * self-contained value it owns and reads without any lock.
 *
 * Threads: engine_create/_start/_stop/_destroy, engine_poll_once and
 * engine_wakeup_drain from the owner thread (the UI's or the CLI's main
 * thread); engine_snapshot_take/_free, engine_wakeup_fd and
 * engine_ack_trigger from any thread.  docs/architecture.md has the
 * threads, the lock order and shutdown.
 */
#ifndef CUTOVER_ENGINE_H
#define CUTOVER_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cutover/gauge_eval.h"
#include "cutover/phase_eval.h"
#include "cutover/runbook.h"
#include "cutover/status.h"

struct engine;

struct engine_options {
	const char *profile; /* --profile; NULL: AWS_PROFILE / default chain */
	const char *region;  /* --region; NULL: the runbook's, then the environment's */
	bool read_only;      /* no action may change anything (later issues) */
	/* The clock (epoch seconds) for every "now" the engine uses; NULL: the
	 * wall clock.  For tests, and for a front end whose endpoint keeps its
	 * own clock.  Called from every poller thread: must be thread-safe. */
	double (*now)(void *ctx);
	void *now_ctx;
	/* How fast that clock runs against the wall clock (a rehearsal sim
	 * at --speed 10 gives 10): pollers then sleep interval / speed wall
	 * seconds, so intervals and staleness stay in the clock's seconds.
	 * 0 means 1. */
	double speed;
	/* Per-request limits handed to each source's AWS client; 0: defaults. */
	long connect_timeout_ms;
	long timeout_ms;
	int max_attempts;
};

/* How many recent values a gauge keeps for its sparkline. */
#define ENGINE_HISTORY 60
/* How many recent history events an execution keeps for the detail view. */
#define ENGINE_RECENT_EVENTS 30
/* How many executions per state machine are listed as jobs. */
#define ENGINE_MAX_JOBS 50

/* --- the snapshot: plain values, owned by whoever took it --------------- */

/* Freshness of one source.  `stale`: its data is older than two intervals
 * (kept, but not to be shown as current); `failures` > 0: the last attempt
 * failed, with the AWS error code (or a short kind such as "transport")
 * and a message a person can act on. */
struct engine_source_view {
	double interval_s;   /* the runbook's interval (before backoff) */
	double last_ok;      /* epoch seconds; 0: never succeeded */
	double last_attempt; /* 0: never tried */
	double next_attempt; /* when the poller will try again; 0 if not running */
	unsigned failures;   /* consecutive failed attempts */
	bool stale;          /* as of the snapshot's `taken` time */
	bool used;           /* the runbook has something for this source */
	char error_code[96]; /* "" when the last attempt succeeded */
	char error_msg[512];
};

struct engine_header {
	char *name, *environment; /* the runbook's */
	bool production;
	char region[64];
	char *caller_arn; /* NULL until GetCallerIdentity answered */
	char *account;
	double credential_expiry; /* epoch seconds; 0: none or does not expire */
	char *credential_source;  /* "environment", "profile dev" ... NULL if unknown */
};

struct engine_event_view {
	long long id;
	double ts;
	char *type, *state;  /* state NULL unless a state event */
	char *error, *cause; /* NULL unless a failure */
	char *input;         /* *StateEntered: the state's input (JSON text); else NULL */
};

struct engine_job_view {
	char *name, *arn, *status;
	double start, stop; /* stop 0 while running */
};

/* One runbook execution: the one followed (fixed ARN, or the newest
 * execution of its state machine, RUNNING preferred) and the jobs list. */
struct engine_execution_view {
	const struct runbook_execution *def; /* borrowed from the runbook */
	char *arn;                           /* NULL while none is known */
	char *status;                        /* RUNNING, SUCCEEDED ... NULL while none */
	double start, stop;
	char *error, *cause;
	struct engine_event_view *events; /* the newest, ascending by id */
	size_t nevents;
	struct engine_job_view *jobs; /* newest first */
	size_t njobs;
	bool jobs_truncated;
};

struct engine_phase_view {
	const struct runbook_phase *def; /* borrowed from the runbook */
	enum phase_status status;
	char *current_state;
	double state_since, started, ended, elapsed_s;
	double estimate_s;
	bool stuck;
	char *task_token; /* WAITING only */
	double waiting_since;
	char *error, *cause;
	char *execution_arn; /* the execution it was derived from, or NULL */
};

struct engine_approval_view {
	size_t phase; /* index into phases */
	char *state;  /* the waiting state */
	char *task_token;
	double since;
};

struct engine_gauge_view {
	const struct runbook_gauge *def; /* borrowed: kind, unit, thresholds ... */
	enum gauge_state state;
	double since; /* when the state began; 0 before the first */
	double value; /* NAN when none */
	double value_ts;
	double history[ENGINE_HISTORY]; /* oldest first */
	size_t nhistory;
	/* Copied from def so a front end need not look: */
	bool has_warn, has_critical, has_trigger;
	double warn, critical, trigger;
	const char *plan_id; /* the trigger's plan (borrowed from the runbook), or NULL */
	char *detail;        /* HTTP: "200 38 ms" / error; ALARM: its state reason; or NULL */
};

struct engine_flag_view {
	const struct runbook_flag *def; /* borrowed */
	bool present;                   /* the parameter exists */
	char *value;
	long long version;
	char *last_modified_user; /* NULL until GetParameterHistory answered */
	double last_modified;
	char *ssm_type; /* String / StringList / SecureString */
};

/* A trigger banner: raised when a gauge enters TRIGGERED, kept until
 * acknowledged (and then until the gauge leaves TRIGGERED). */
struct engine_trigger_view {
	size_t gauge;         /* index into gauges */
	const char *gauge_id; /* borrowed from the runbook */
	const char *plan_id;  /* borrowed; NULL when the trigger names none */
	double since;
	bool active; /* the gauge is TRIGGERED right now */
	bool acknowledged;
};

struct engine_snapshot {
	uint64_t generation; /* bumped by every publish */
	double taken;        /* engine clock at the copy */
	struct engine_header header;
	struct engine_source_view sources[RUNBOOK_SRC_COUNT];
	struct engine_phase_view *phases; /* one per runbook phase, in order */
	size_t nphases;
	struct engine_approval_view *approvals;
	size_t napprovals;
	struct engine_execution_view *executions; /* one per runbook execution */
	size_t nexecutions;
	struct engine_gauge_view *gauges; /* one per runbook gauge */
	size_t ngauges;
	struct engine_flag_view *flags; /* one per runbook flag */
	size_t nflags;
	struct engine_trigger_view *triggers;
	size_t ntriggers;
};

/* --- lifecycle ------------------------------------------------------------ */

/* Build an engine for rb (borrowed: it must outlive the engine, and the
 * snapshots' borrowed pointers point into it).  Resolves credentials'
 * provider, region and endpoints and creates one AWS client per source;
 * asks AWS nothing yet.  *out is always set (NULL on failure).  Errors:
 * those of the credential chain's files (EPARSE, EIO, ENOENT for an unknown
 * profile), ENOENT/EVALIDATE for no or a bad region, EINVAL, ENOMEM; err
 * says what to do.  Owner thread. */
enum cutover_status engine_create(const struct runbook *rb, const struct engine_options *opt,
                                  struct engine **out, struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Start one thread per used source.  They block SIGWINCH SIGINT SIGTERM
 * SIGPIPE.  Owner thread; at most once. */
enum cutover_status engine_start(struct engine *e, struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Ask every poller to stop, abort requests in flight and join them.
 * Returns within ~100 ms (the AWS client checks its abort hook every
 * 50 ms).  Safe to call twice or without engine_start.  Owner thread. */
void engine_stop(struct engine *e);

/* Stop (if needed) and free.  NULL is a no-op.  Owner thread. */
void engine_destroy(struct engine *e);

/* One poll of one source, on the calling thread, then publish.  For the
 * headless command (and tests) while the threads are not started; never
 * while engine_start's threads run.  The result is in the state (the
 * source's freshness) and also returned: CUTOVER_OK, or the failure (err
 * says what failed and what to do).  Sources the runbook does not use
 * return CUTOVER_OK at once. */
enum cutover_status engine_poll_once(struct engine *e, enum runbook_source src,
                                     struct cutover_err *err) CUTOVER_MUST_CHECK;

/* One poll of what one gauge needs, on the calling thread, then publish
 * that gauge: a METRIC or EXPRESSION gauge's own queries in one
 * GetMetricData, an ALARM gauge's alarm in one DescribeAlarms, an HTTP
 * gauge's URL in one GET.  For a caller waiting on one gauge without the
 * pollers (the headless rollback's gauge_ok).  Same thread rules as
 * engine_poll_once.  ENOENT: no such gauge. */
enum cutover_status engine_poll_gauge(struct engine *e, const char *gauge_id,
                                      struct cutover_err *err) CUTOVER_MUST_CHECK;

/* engine_poll_once for every used source whose bit (1u << source) is in
 * mask, each on a thread of its own, all at once; returns when all are
 * done.  For the headless command: a round costs the slowest source, not
 * the sum.  Same rules as engine_poll_once (never while engine_start's
 * threads run).  CUTOVER_OK, or the first failure by source order (each
 * source's own outcome is in the state). */
enum cutover_status engine_poll_sources(struct engine *e, unsigned mask,
                                        struct cutover_err *err) CUTOVER_MUST_CHECK;
#define ENGINE_ALL_SOURCES ((1u << RUNBOOK_SRC_COUNT) - 1)

/* Whether the runbook gives this source anything to poll. */
bool engine_source_used(const struct engine *e, enum runbook_source src);

/* --- the front end's side ------------------------------------------------- */

/* The read end of the wake-up pipe (non-blocking): readable when the state
 * changed since the last drain.  Owned by the engine. */
int engine_wakeup_fd(const struct engine *e);

/* Read everything pending on the wake-up pipe.  Any thread. */
void engine_wakeup_drain(struct engine *e);

/* The current generation, without copying anything.  Any thread. */
uint64_t engine_generation(struct engine *e);

/* Copy the state into *snap (a plain value the caller owns; free it with
 * engine_snapshot_free).  CUTOVER_ENOMEM leaves *snap empty.  Any thread. */
enum cutover_status engine_snapshot_take(struct engine *e,
                                         struct engine_snapshot *snap) CUTOVER_MUST_CHECK;

/* Free what a snapshot owns and zero it.  NULL is a no-op. */
void engine_snapshot_free(struct engine_snapshot *snap);

/* Mark the trigger banner of gauge_id acknowledged (the audited action
 * around it belongs to the actions layer).  CUTOVER_ENOENT when that gauge
 * has no banner.  Any thread. */
enum cutover_status engine_ack_trigger(struct engine *e, const char *gauge_id,
                                       struct cutover_err *err) CUTOVER_MUST_CHECK;

/* --- pure helpers (no engine needed; tested on their own) ---------------- */

/* The delay before a source's next poll: interval x 2^failures, capped at
 * ENGINE_BACKOFF_CAP_S (or at the interval, if that is longer), times a
 * jitter factor in [0.9, 1.1) from u in [0, 1). */
#define ENGINE_BACKOFF_CAP_S 300.0
double engine_next_delay(double interval_s, unsigned failures, double u);

/* A source's data is stale when it is older than ENGINE_STALE_INTERVALS
 * intervals, or when it never succeeded and an attempt failed. */
#define ENGINE_STALE_INTERVALS 2.0
bool engine_source_is_stale(const struct engine_source_view *v, double now);

/* "ok 3s ago", "stale 2m · ThrottlingException", "unreachable ·
 * transport", "not polled yet" into buf (always terminated).  Returns buf. */
char *engine_freshness_format(const struct engine_source_view *v, double now, char *buf, size_t n);

/* "45s", "2m", "1h05m", "3d04h" for a duration in seconds (negative: "0s"). */
char *engine_duration_format(double seconds, char *buf, size_t n);

#endif
