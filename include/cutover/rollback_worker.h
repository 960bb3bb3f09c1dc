/* rollback_worker.h: the console's rollback desk thread.
 *
 * Everything a front end does about rollbacks that touches the audit file
 * runs here, off the UI thread: creating a rollback runner (the lock row,
 * the run's rows), arming and disarming auto-rollback triggers, cancelling
 * a countdown, the once-a-second auto-rollback update (countdown started,
 * fired) and the sync that sees what other processes changed (a
 * `cutover rollback --arm` elsewhere, a cancel in another console).  The
 * UI submits requests, feeds the trigger states it already has, and reads
 * published copies: the auto-rollback views and a list of results.
 *
 *   rollback_worker_create()   start the thread (opens nothing yet: the
 *                              audit file is opened when it exists or an
 *                              action needs it);
 *   rollback_worker_triggers() the latest trigger states (engine snapshot);
 *   rollback_worker_submit()   ARM / DISARM / CANCEL / START, returns at once;
 *   rollback_worker_views()    a copy of each auto trigger's view;
 *   rollback_worker_poll()     the next result; a START that worked hands
 *                              over a started runner (the caller owns it);
 *   rollback_worker_destroy()  stop, join, free (and destroy any runner not
 *                              taken).
 * The notify callback (worker thread) says "something was published":
 * write a byte to the UI's wake-up pipe there.
 *
 * Countdowns run on the wall clock (an operator's time to react, also in
 * a `--speed` rehearsal); a plan started by a countdown gets reason
 * "auto: GAUGE (armed by WHO)" and, in production, the environment's name
 * as its confirmation (arming was the consent).
 */
#ifndef CUTOVER_ROLLBACK_WORKER_H
#define CUTOVER_ROLLBACK_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cutover/rollback.h"
#include "cutover/status.h"

#define ROLLBACK_WORKER_OP_LIST(_)                                                                 \
	_(ARM, "arm")                                                                              \
	_(DISARM, "disarm")                                                                        \
	_(CANCEL, "cancel")                                                                        \
	_(START, "start")

enum rollback_worker_op {
#define ROLLBACK_WORKER_OP_ENUM(id, name) ROLLBACK_WORKER_##id,
	ROLLBACK_WORKER_OP_LIST(ROLLBACK_WORKER_OP_ENUM)
#undef ROLLBACK_WORKER_OP_ENUM
	    ROLLBACK_WORKER_OP_COUNT
};

struct rollback_worker_options {
	/* The runner template for START (rb, runbook_dir, audit_path,
	 * runbook_hash, profile, region, operator_name, engine, now, notify,
	 * timeout_ms ...).  Strings are copied; rb and engine are borrowed
	 * and must outlive the worker.  plan_id, confirm, reason, resume and
	 * abandon come from each request. */
	struct rollback_options runner;
	const char *audit_path;    /* resolved (audit_default_path); required */
	bool read_only;            /* every request refused; no countdown runs here */
	double sync_s;             /* how often the store is read again; 0: 2 s */
	void (*notify)(void *ctx); /* worker thread, after publishing; may be NULL */
	void *notify_ctx;
};

/* One request.  Strings are copied by submit. */
struct rollback_worker_request {
	enum rollback_worker_op op;
	const char *gauge_id; /* ARM, DISARM, CANCEL */
	const char *plan_id;  /* START */
	const char *reason;   /* CANCEL: why (may be NULL); START: the run's reason */
	const char *confirm;  /* production: the environment's name, as typed */
	bool resume, abandon; /* START: as rollback_options */
};

struct rollback_worker_result {
	uint64_t id; /* submit's id; 0 for a start by a countdown */
	enum rollback_worker_op op;
	bool automatic;             /* START by a countdown that ran out */
	enum cutover_status status; /* CUTOVER_OK, or why not (EREFUSED: read-only,
	                             * production name, or the lock is held: message
	                             * says who and where; ECONFLICT: an unfinished
	                             * run, offer resume or abandon; ENOENT ...) */
	char gauge[128];
	char plan[128];
	char message[1024];             /* for a person */
	struct rollback_runner *runner; /* START ok: started; the caller owns it */
};

struct rollback_worker;

/* Copy the options and start the thread (it blocks SIGWINCH SIGINT SIGTERM
 * SIGPIPE).  *out always set.  EINVAL, ENOMEM. */
enum cutover_status rollback_worker_create(const struct rollback_worker_options *opt,
                                           struct rollback_worker **out,
                                           struct cutover_err *err) CUTOVER_MUST_CHECK;

/* The trigger states now: triggered[i] for rb->gauges[i] (n = rb->ngauges).
 * Wakes the worker only when they changed.  Any thread. */
void rollback_worker_triggers(struct rollback_worker *w, const bool *triggered, size_t n);

/* Queue a copy of req; *id > 0.  EREFUSED when shutting down or 16
 * requests wait; ENOMEM.  Any thread. */
enum cutover_status rollback_worker_submit(struct rollback_worker *w,
                                           const struct rollback_worker_request *req, uint64_t *id,
                                           struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Copy the auto triggers' views (as rollback_auto_views; deadline and
 * remaining_s on the wall clock at publication) into out (at most cap);
 * returns how many there are.  *generation (may be NULL) changes with each
 * publication.  *error (may be NULL, size error_len) gets why the audit file
 * cannot be used, or "".  Any thread. */
size_t rollback_worker_views(struct rollback_worker *w, struct rollback_auto_view *out, size_t cap,
                             uint64_t *generation, char *error, size_t error_len);

/* Take the oldest result; false when none.  Any thread. */
bool rollback_worker_poll(struct rollback_worker *w, struct rollback_worker_result *out);

/* Stop and join (a request in progress finishes first), destroy runners
 * never polled, close the audit file.  NULL is a no-op.  Owner thread. */
void rollback_worker_destroy(struct rollback_worker *w);

const char *rollback_worker_op_name(enum rollback_worker_op op);

#endif
