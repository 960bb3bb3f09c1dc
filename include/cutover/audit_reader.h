/* audit_reader.h: the audit log read on a thread of its own, for a screen
 * that must never wait on the disk.
 *
 * The console's audit page asks for "the rows after id N"; a worker thread
 * opens the log read-only, copies the rows out and hands them back as one
 * batch, then calls `wake` (typically: write a byte to the UI's poll()
 * pipe).  A database locked by another connection, a slow disk or a large
 * log only delay the batch: submit always returns at once.
 *
 * One read runs at a time.  A request submitted while another waits to
 * start replaces it (the page only wants the newest); finished batches are
 * kept in order until taken.  While a read runs, audit_reader_busy_s says
 * for how long, so the screen can say "reading..." honestly.
 *
 * Threads: create, submit, take, busy_s and destroy from one owner thread
 * (submit, take and busy_s are also safe from any thread); wake runs on
 * the worker thread and must not call back into the reader.  The worker
 * blocks SIGWINCH SIGINT SIGTERM SIGPIPE and is named "audit-reader".
 */
#ifndef CUTOVER_AUDIT_READER_H
#define CUTOVER_AUDIT_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cutover/audit.h"
#include "cutover/status.h"

struct audit_reader;

/* Called on the worker thread after a batch was queued for take. */
typedef void (*audit_reader_wake_fn)(void *ctx);

/* One finished read.  rows (n of them, in id order, all with id >
 * after_id) and their strings are owned by the batch until
 * audit_reader_batch_free.  status: CUTOVER_OK, CUTOVER_ENOENT (no log
 * yet: nobody wrote one), or why the read failed (message says so, for a
 * person: what, why, what to do); rows read before a failure are kept. */
struct audit_reader_batch {
	uint64_t seq;            /* audit_reader_submit's number */
	int64_t after_id;
	enum cutover_status status;
	char message[1024];
	struct audit_row *rows;
	size_t n;
	double elapsed_s;        /* how long the read took */
};

/* Start the worker for the log at path (copied; the file need not exist
 * yet).  wake may be NULL.  *out is always set (NULL on failure).
 * Errors: EINVAL (no path), ENOMEM (also: the thread could not start). */
enum cutover_status audit_reader_create(const char *path, audit_reader_wake_fn wake,
					void *wake_ctx, struct audit_reader **out,
					struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Ask for the rows with id > after_id; returns at once with *seq (> 0).
 * A request still waiting to start is replaced by this one (its batch
 * never comes).  CUTOVER_EREFUSED when shutting down. */
enum cutover_status audit_reader_submit(struct audit_reader *r, int64_t after_id, uint64_t *seq,
					struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Move the oldest finished batch into *out (the caller frees it with
 * audit_reader_batch_free); false when none. */
bool audit_reader_take(struct audit_reader *r, struct audit_reader_batch *out);

/* Seconds the current read has been running (monotonic clock), 0 when the
 * worker is idle.  A waiting request counts from when it was submitted. */
double audit_reader_busy_s(struct audit_reader *r);

/* Free the rows of a taken batch; the struct itself is the caller's. */
void audit_reader_batch_free(struct audit_reader_batch *b);

/* Stop: a read in progress gives up within ~20 ms (even one waiting on
 * another connection's lock), the worker is joined, batches not taken are
 * freed.  NULL is a no-op.  Owner thread. */
void audit_reader_destroy(struct audit_reader *r);

#endif
