/* audit_reader.c: the audit log read off the UI thread (audit_reader.h).
 *
 * One worker thread sleeps on a condition variable until a request comes,
 * reads the rows after the requested id through audit_read_stoppable (a
 * fresh read-only connection per read, as the headless readers do, so a
 * log created or replaced meanwhile is simply found), and appends the
 * batch to a list the owner drains when `wake` tells it to.  The mutex is
 * held only to move requests and batches, never across the read.  Stop
 * sets a flag the read's busy and progress handlers ask, so destroy never
 * waits out SQLite's 10 s busy timeout. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "audit/audit_rows.h"
#include "cutover/audit_reader.h"
#include "cutover/fifo.h"

struct batch_node {
	struct fifo_node node; /* first: see fifo.h */
	struct audit_reader_batch b;
};

struct audit_reader {
	char *path;
	audit_reader_wake_fn wake;
	void *wake_ctx;
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool has_req;             /* a request waits to start */
	int64_t req_after;
	uint64_t req_seq;
	double req_since;         /* when the waiting request was submitted */
	double busy_since;        /* when the running read started; 0: idle */
	uint64_t next_seq;
	struct fifo batches; /* of struct batch_node */
	bool stopping;
	atomic_int stop_now;      /* asked by the read's busy/progress handlers */
};

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int should_stop(void *ctx)
{
	struct audit_reader *r = ctx;

	return atomic_load(&r->stop_now);
}

static void read_one(struct audit_reader *r, struct batch_node *node)
{
	struct audit_rows rows;
	struct cutover_err err = {0};
	double t0 = mono_s();

	node->b.status = audit_rows_load_after(r->path, node->b.after_id, should_stop, r, &rows,
					       &err);
	node->b.elapsed_s = mono_s() - t0;
	node->b.rows = rows.v;
	node->b.n = rows.n;
	if (node->b.status == CUTOVER_ENOENT)
		snprintf(node->b.message, sizeof(node->b.message),
			 "no audit log yet at %s: it is made by the first action", r->path);
	else if (node->b.status != CUTOVER_OK)
		snprintf(node->b.message, sizeof(node->b.message), "%s",
			 err.msg[0] ? err.msg : cutover_status_str(node->b.status));
}

static void *worker(void *arg)
{
	struct audit_reader *r = arg;

#ifdef __linux__
	prctl(PR_SET_NAME, (unsigned long)"audit-reader", 0UL, 0UL, 0UL);
#endif
	pthread_mutex_lock(&r->mu);
	for (;;) {
		struct batch_node *node;

		while (!r->stopping && !r->has_req)
			pthread_cond_wait(&r->cond, &r->mu);
		if (r->stopping)
			break;
		node = calloc(1, sizeof(*node));
		if (node) {
			node->b.seq = r->req_seq;
			node->b.after_id = r->req_after;
		}
		r->has_req = false;
		r->busy_since = r->req_since;
		pthread_mutex_unlock(&r->mu);

		if (node)
			read_one(r, node);

		pthread_mutex_lock(&r->mu);
		r->busy_since = 0;
		if (!node)
			continue; /* out of memory: the next tick asks again */
		if (r->stopping) {
			audit_reader_batch_free(&node->b);
			free(node);
			break;
		}
		fifo_push(&r->batches, &node->node);
		/* Signal after unlocking: the owner may take at once. */
		pthread_mutex_unlock(&r->mu);
		if (r->wake)
			r->wake(r->wake_ctx);
		pthread_mutex_lock(&r->mu);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

enum cutover_status audit_reader_create(const char *path, audit_reader_wake_fn wake,
					void *wake_ctx, struct audit_reader **out,
					struct cutover_err *err)
{
	struct audit_reader *r;
	sigset_t block, old;
	int rc;

	*out = NULL;
	if (!path || !path[0])
		return cutover_errf(err, CUTOVER_EINVAL, "audit reader: no audit log path");
	r = calloc(1, sizeof(*r));
	if (!r)
		return cutover_errf(err, CUTOVER_ENOMEM, "audit reader: out of memory");
	r->path = strdup(path);
	if (!r->path) {
		free(r);
		return cutover_errf(err, CUTOVER_ENOMEM, "audit reader: out of memory");
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cond, NULL);
	atomic_init(&r->stop_now, 0);
	r->wake = wake;
	r->wake_ctx = wake_ctx;
	r->next_seq = 1;

	/* The terminal's signals stay with the main thread. */
	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	rc = pthread_create(&r->thread, NULL, worker, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		audit_reader_destroy(r);
		return cutover_errf(err, CUTOVER_ENOMEM,
				    "audit reader: cannot start its thread (error %d)", rc);
	}
	r->started = true;
	*out = r;
	return CUTOVER_OK;
}

enum cutover_status audit_reader_submit(struct audit_reader *r, int64_t after_id, uint64_t *seq,
					struct cutover_err *err)
{
	*seq = 0;
	if (!r)
		return cutover_errf(err, CUTOVER_EINVAL, "audit reader: missing");
	pthread_mutex_lock(&r->mu);
	if (r->stopping) {
		pthread_mutex_unlock(&r->mu);
		return cutover_errf(err, CUTOVER_EREFUSED, "audit reader: shutting down");
	}
	r->req_after = after_id;
	r->req_seq = r->next_seq++;
	if (!r->has_req)
		r->req_since = mono_s();
	r->has_req = true;
	*seq = r->req_seq;
	pthread_mutex_unlock(&r->mu);
	pthread_cond_signal(&r->cond);
	return CUTOVER_OK;
}

bool audit_reader_take(struct audit_reader *r, struct audit_reader_batch *out)
{
	struct batch_node *node;

	if (!r)
		return false;
	pthread_mutex_lock(&r->mu);
	node = (struct batch_node *)fifo_pop(&r->batches);
	pthread_mutex_unlock(&r->mu);
	if (!node)
		return false;
	*out = node->b;
	free(node);
	return true;
}

double audit_reader_busy_s(struct audit_reader *r)
{
	double since;

	if (!r)
		return 0;
	pthread_mutex_lock(&r->mu);
	since = r->busy_since ? r->busy_since : r->has_req ? r->req_since : 0;
	pthread_mutex_unlock(&r->mu);
	return since ? mono_s() - since : 0;
}

void audit_reader_batch_free(struct audit_reader_batch *b)
{
	struct audit_rows rows;

	if (!b)
		return;
	rows.v = b->rows;
	rows.n = rows.cap = b->n;
	audit_rows_free(&rows);
	b->rows = NULL;
	b->n = 0;
}

void audit_reader_destroy(struct audit_reader *r)
{
	struct batch_node *node;

	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	r->stopping = true;
	atomic_store(&r->stop_now, 1);
	pthread_mutex_unlock(&r->mu);
	pthread_cond_broadcast(&r->cond);
	if (r->started)
		pthread_join(r->thread, NULL);
	while ((node = (struct batch_node *)fifo_pop(&r->batches)) != NULL) {
		audit_reader_batch_free(&node->b);
		free(node);
	}
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cond);
	free(r->path);
	free(r);
}
