/* rollback_store.h: the rollback runner's state in the audit database.
 *
 * The audit log's `events` table is the tamper-evident record of what was
 * done; these tables are the runner's working state, kept in the same file
 * so that one file holds everything an incident needs, and so that a run
 * survives a crash or kill -9 and can be resumed:
 *   rollback_runs    one row per run (plan, state, who, where, current item)
 *   rollback_items   one row per step or checklist item of a run
 *   rollback_locks   one row per runbook while a run holds it (holder, pid,
 *                    host, since): one rollback at a time per runbook
 *   rollback_auto    armed / disarmed per auto trigger (gauge)
 *   rollback_auto_countdowns  the latest countdown per auto trigger (who
 *                    runs it, until when) and the latest cancellation, so
 *                    a cancel in one process reaches a countdown another
 *                    process runs
 * The tables are created with IF NOT EXISTS on open and do not touch the
 * audit module's schema version.  Only src/audit/ includes sqlite3.h.
 *
 * Thread use: one struct rollback_store per thread (one SQLite connection).
 * rollback_store_status() opens its own read-only connection: any thread,
 * any process (another console shows who runs a rollback and where).
 */
#ifndef CUTOVER_ROLLBACK_STORE_H
#define CUTOVER_ROLLBACK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cutover/status.h"

struct rollback_store;

#define ROLLBACK_ID_MAX 40
#define ROLLBACK_NAME_MAX 256
#define ROLLBACK_TITLE_MAX 512
#define ROLLBACK_NOTE_MAX 1024

/* One run.  Strings are fixed buffers (a plain value). */
struct rollback_run_rec {
	char id[ROLLBACK_ID_MAX]; /* 32 hex digits */
	char runbook[ROLLBACK_NAME_MAX];
	char plan[ROLLBACK_NAME_MAX];
	char state[24]; /* rollback_run_state_name() */
	char operator_name[ROLLBACK_NAME_MAX];
	char host[ROLLBACK_NAME_MAX];
	long pid;
	int64_t started_ms, ended_ms, updated_ms; /* UTC ms; ended 0 while open */
	long current;                             /* index of the item being worked on */
	long nitems;
	char reason[ROLLBACK_NOTE_MAX]; /* why it started (operator, auto trigger) */
};

/* One step or checklist item of a run. */
struct rollback_item_rec {
	long idx;
	char kind[8];                 /* "step" or "check" */
	char plan[ROLLBACK_NAME_MAX]; /* the plan it belongs to */
	long plan_idx;                /* 1-based within that plan */
	char title[ROLLBACK_TITLE_MAX];
	char step_kind[16]; /* runbook_step_kind_name(); "" for a check */
	char state[24];     /* rollback_item_state_name() */
	long attempts;
	int64_t started_ms, ended_ms;
	bool has_exit_code;
	int exit_code;
	char execution_arn[ROLLBACK_TITLE_MAX];
	char note[ROLLBACK_NOTE_MAX]; /* skip reason, comment, check note, error */
	char output_tail[4096];       /* exec: the last lines of output */
	int64_t intent_id;            /* the open rollback.step intent, 0 when none */
};

/* Who holds a runbook's rollback lock. */
struct rollback_lock_info {
	bool held;
	char run_id[ROLLBACK_ID_MAX];
	char holder[ROLLBACK_NAME_MAX];
	char host[ROLLBACK_NAME_MAX];
	long pid;
	int64_t since_ms;
	bool alive; /* the pid runs (known only on this host) */
	bool same_host;
};

/* Open (creating if needed) the tables in the audit file at path.  The
 * file is created 0600 if missing (the audit module creates folders and
 * the events table at its own open; open the audit log first).  *out
 * always set. */
enum cutover_status rollback_store_open(const char *path, struct rollback_store **out,
                                        struct cutover_err *err) CUTOVER_MUST_CHECK;
void rollback_store_close(struct rollback_store *s);

/* This machine's host name as the store records it. */
const char *rollback_store_host(const struct rollback_store *s);

/* Take runbook's lock for run_id, held by holder (operator) and this pid on
 * this host.  A lock whose pid is dead on this host is stale: taken over
 * (*took_stale set, and *held describes the old holder).  Held by a live
 * process, or by another host: CUTOVER_EREFUSED, *held filled, err says
 * who, where and since when (another run of this same process too).
 * Re-taking our own lock (same pid and run) is OK. */
enum cutover_status rollback_store_lock(struct rollback_store *s, const char *runbook,
                                        const char *run_id, const char *holder,
                                        struct rollback_lock_info *held, bool *took_stale,
                                        struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Release the lock if this pid on this host holds it. */
enum cutover_status rollback_store_unlock(struct rollback_store *s, const char *runbook,
                                          struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Insert a run and its items in one transaction. */
enum cutover_status rollback_store_run_create(struct rollback_store *s,
                                              const struct rollback_run_rec *run,
                                              const struct rollback_item_rec *items, size_t n,
                                              struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Update the run's state, current item, pid and host (a resumed run is
 * now this process's), and ended_ms (0: open). */
enum cutover_status rollback_store_run_update(struct rollback_store *s,
                                              const struct rollback_run_rec *run,
                                              struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Replace one item's row (by run id and idx).  Durable on return. */
enum cutover_status rollback_store_item_update(struct rollback_store *s, const char *run_id,
                                               const struct rollback_item_rec *item,
                                               struct cutover_err *err) CUTOVER_MUST_CHECK;

/* The newest run of runbook (and plan, unless NULL) that did not end
 * (state neither "completed" nor "aborted").  *found false when none. */
enum cutover_status rollback_store_find_unfinished(struct rollback_store *s, const char *runbook,
                                                   const char *plan, struct rollback_run_rec *out,
                                                   bool *found,
                                                   struct cutover_err *err) CUTOVER_MUST_CHECK;

/* The items of a run, in order.  *items is the caller's (free()). */
enum cutover_status rollback_store_items_load(struct rollback_store *s, const char *run_id,
                                              struct rollback_item_rec **items, size_t *n,
                                              struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Auto-rollback arming per (runbook, gauge).  Not recorded: disarmed. */
enum cutover_status rollback_store_auto_get(struct rollback_store *s, const char *runbook,
                                            const char *gauge, bool *armed, char *by, size_t by_len,
                                            int64_t *since_ms,
                                            struct cutover_err *err) CUTOVER_MUST_CHECK;
enum cutover_status rollback_store_auto_set(struct rollback_store *s, const char *runbook,
                                            const char *gauge, bool armed, const char *by,
                                            struct cutover_err *err) CUTOVER_MUST_CHECK;

/* The latest auto-rollback countdown of (runbook, gauge) and the latest
 * cancellation.  A countdown that started at or before cancelled_ms is
 * cancelled, whichever process runs it. */
struct rollback_auto_countdown {
	int64_t started_ms, deadline_ms; /* UTC ms; 0: none recorded */
	int64_t ended_ms;                /* fired, cleared or cancelled; 0: open */
	char host[ROLLBACK_NAME_MAX];
	long pid;
	char owner[64];       /* the counting front end (rollback_auto's instance id) */
	bool same_host, ours; /* this host; this process */
	int64_t cancelled_ms; /* 0: never cancelled */
	char cancelled_by[ROLLBACK_NAME_MAX];
	char cancel_reason[ROLLBACK_NOTE_MAX];
};

/* Record that owner (a front end's id) counts down in this process
 * (started, deadline: UTC ms); keeps the latest cancellation. */
enum cutover_status rollback_store_auto_countdown_begin(struct rollback_store *s,
                                                        const char *runbook, const char *gauge,
                                                        const char *owner, int64_t started_ms,
                                                        int64_t deadline_ms,
                                                        struct cutover_err *err) CUTOVER_MUST_CHECK;
/* owner's countdown ended (fired, cleared, cancelled); a row another
 * front end wrote since is left alone. */
enum cutover_status rollback_store_auto_countdown_end(struct rollback_store *s, const char *runbook,
                                                      const char *gauge, const char *owner,
                                                      struct cutover_err *err) CUTOVER_MUST_CHECK;
/* Record a cancellation now, by whom and why (reason may be NULL). */
enum cutover_status rollback_store_auto_cancel_set(struct rollback_store *s, const char *runbook,
                                                   const char *gauge, const char *by,
                                                   const char *reason,
                                                   struct cutover_err *err) CUTOVER_MUST_CHECK;
/* Read the row; all zero when none. */
enum cutover_status rollback_store_auto_countdown_get(struct rollback_store *s,
                                                      const char *runbook, const char *gauge,
                                                      struct rollback_auto_countdown *out,
                                                      struct cutover_err *err) CUTOVER_MUST_CHECK;

/* What another console shows: the lock (who, where, since, alive) and the
 * newest run of runbook with its progress.  Opens path read-only; a file
 * without the tables reads as "no rollback".  Any thread. */
struct rollback_status {
	struct rollback_lock_info lock;
	bool has_run;
	struct rollback_run_rec run; /* the newest run */
	long done; /* items finished (succeeded, skipped, confirmed, check-failed) */
	char current_title[ROLLBACK_TITLE_MAX];
	char current_state[24];
};
enum cutover_status rollback_store_status(const char *path, const char *runbook,
                                          struct rollback_status *out,
                                          struct cutover_err *err) CUTOVER_MUST_CHECK;

#endif
