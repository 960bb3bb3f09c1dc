/* action_queue.c: the action worker thread.  The console submits an
 * operator intent and gets an id back at once; the worker runs it through
 * actions_run() (the same path the headless commands take) with its own
 * AWS client and audit connection, and puts the result on a completion
 * list the console drains when its done-callback wakes it.
 *
 * One mutex guards the waiting list, the completion list and the flags;
 * the worker holds it only to move items, never across an AWS call or an
 * audit write.  Shutdown: a condition variable wakes the idle worker; an
 * action in flight gets a grace period, then its AWS call is aborted
 * through the client's abort hook (checked every 50 ms). */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "cutover/actions.h"
#include "cutover/fifo.h"

struct queued {
	struct fifo_node node; /* first: see fifo.h */
	uint64_t id;
	struct action_request req;
	char *strs[12];           /* the private copies req points to */
};

struct done {
	struct fifo_node node; /* first: see fifo.h */
	struct action_result res;
};

struct action_queue {
	struct actions *ex;       /* used only by the worker once it runs */
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	struct fifo todo; /* of struct queued */
	size_t waiting;
	bool running;             /* the worker is inside actions_run */
	struct fifo results; /* of struct done */
	uint64_t next_id;
	bool stopping;
	atomic_int abort_now;     /* read by the AWS client's abort hook */
	action_done_fn done;
	void *done_ctx;
};

static void queued_free(struct queued *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < sizeof(q->strs) / sizeof(q->strs[0]); i++)
		free(q->strs[i]);
	free(q);
}

/* Deep copy of a request: every string it points to. */
static struct queued *queued_copy(const struct action_request *req)
{
	struct queued *q = calloc(1, sizeof(*q));
	const char **fields[] = {
		&q->req.flag_id, &q->req.value, &q->req.task_token, &q->req.phase_id,
		&q->req.execution, &q->req.error, &q->req.cause, &q->req.gauge_id,
		&q->req.comment, &q->req.confirm,
	};

	if (!q)
		return NULL;
	q->req = *req;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (!*fields[i])
			continue;
		q->strs[i] = strdup(*fields[i]);
		if (!q->strs[i]) {
			queued_free(q);
			return NULL;
		}
		*fields[i] = q->strs[i];
	}
	return q;
}

static int should_abort(void *ctx)
{
	struct action_queue *q = ctx;

	return atomic_load(&q->abort_now);
}

static void name_thread(const char *name)
{
#ifdef PR_SET_NAME
	prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
#else
	(void)name;
#endif
}

static void *worker(void *arg)
{
	struct action_queue *q = arg;

	name_thread("cutover-action");
	pthread_mutex_lock(&q->mu);
	for (;;) {
		struct queued *item;
		struct done *d;

		while (!q->stopping && fifo_empty(&q->todo))
			pthread_cond_wait(&q->cond, &q->mu);
		if (q->stopping)
			break;
		item = (struct queued *)fifo_pop(&q->todo);
		q->waiting--;
		q->running = true;
		pthread_mutex_unlock(&q->mu);

		d = calloc(1, sizeof(*d));
		if (d) {
			actions_run(q->ex, &item->req, &d->res);
			d->res.id = item->id;
		}
		queued_free(item);

		pthread_mutex_lock(&q->mu);
		q->running = false;
		if (d)
			fifo_push(&q->results, &d->node);
		pthread_cond_broadcast(&q->cond);
		if (d && q->done) {
			/* The callback is told after the result is pollable; it
			 * runs unlocked so it may poll. */
			struct action_result copy = d->res;

			pthread_mutex_unlock(&q->mu);
			q->done(q->done_ctx, &copy);
			pthread_mutex_lock(&q->mu);
		}
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

enum cutover_status action_queue_create(const struct actions_options *opt, action_done_fn done,
					void *done_ctx, struct action_queue **out,
					struct cutover_err *err)
{
	struct action_queue *q;
	sigset_t block, old;
	enum cutover_status st;
	int rc;

	*out = NULL;
	q = calloc(1, sizeof(*q));
	if (!q)
		return cutover_errf(err, CUTOVER_ENOMEM, "action queue: out of memory");
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cond, NULL);
	atomic_init(&q->abort_now, 0);
	q->done = done;
	q->done_ctx = done_ctx;
	q->next_id = 1;
	if ((st = actions_create(opt, &q->ex, err)) != CUTOVER_OK) {
		action_queue_destroy(q, 0);
		return st;
	}
	actions_set_abort(q->ex, should_abort, q);

	/* The worker inherits a mask with the terminal's signals blocked, so
	 * they are delivered to the main thread only. */
	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	rc = pthread_create(&q->thread, NULL, worker, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		action_queue_destroy(q, 0);
		return cutover_errf(err, CUTOVER_ENOMEM,
				    "action queue: cannot start the worker thread (error %d)", rc);
	}
	q->started = true;
	*out = q;
	return CUTOVER_OK;
}

enum cutover_status action_queue_submit(struct action_queue *q, const struct action_request *req,
					uint64_t *id, struct cutover_err *err)
{
	struct queued *item;

	*id = 0;
	if (!q || !req)
		return cutover_errf(err, CUTOVER_EINVAL, "action queue: missing argument");
	item = queued_copy(req);
	if (!item)
		return cutover_errf(err, CUTOVER_ENOMEM, "action queue: out of memory");
	pthread_mutex_lock(&q->mu);
	if (q->stopping || q->waiting >= ACTION_QUEUE_MAX) {
		bool stopping = q->stopping;

		pthread_mutex_unlock(&q->mu);
		queued_free(item);
		return cutover_errf(err, CUTOVER_EREFUSED,
				    stopping ? "action refused: the console is shutting down"
					     : "action refused: %d actions are already waiting; let "
					       "them finish first", ACTION_QUEUE_MAX);
	}
	item->id = q->next_id++;
	*id = item->id;
	fifo_push(&q->todo, &item->node);
	q->waiting++;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->mu);
	return CUTOVER_OK;
}

bool action_queue_poll(struct action_queue *q, struct action_result *out)
{
	struct done *d;

	if (!q)
		return false;
	pthread_mutex_lock(&q->mu);
	d = (struct done *)fifo_pop(&q->results);
	pthread_mutex_unlock(&q->mu);
	if (!d)
		return false;
	*out = d->res;
	free(d);
	return true;
}

size_t action_queue_pending(struct action_queue *q)
{
	size_t n;

	if (!q)
		return 0;
	pthread_mutex_lock(&q->mu);
	n = q->waiting + (q->running ? 1 : 0);
	pthread_mutex_unlock(&q->mu);
	return n;
}

void action_queue_destroy(struct action_queue *q, long grace_ms)
{
	struct fifo_node *n;

	if (!q)
		return;
	if (q->started) {
		struct timespec deadline;

		pthread_mutex_lock(&q->mu);
		q->stopping = true;
		pthread_cond_broadcast(&q->cond);
		/* Let an action in flight finish within the grace period;
		 * after it, abort its AWS call (its outcome is then audited
		 * as unknown). */
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += grace_ms / 1000;
		deadline.tv_nsec += (grace_ms % 1000) * 1000000L;
		if (deadline.tv_nsec >= 1000000000L) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
		while (q->running)
			if (pthread_cond_timedwait(&q->cond, &q->mu, &deadline) != 0)
				break;
		pthread_mutex_unlock(&q->mu);
		atomic_store(&q->abort_now, 1);
		pthread_join(q->thread, NULL);
	}
	while ((n = fifo_pop(&q->todo)) != NULL)
		queued_free((struct queued *)n);
	while ((n = fifo_pop(&q->results)) != NULL)
		free(n);
	actions_destroy(q->ex);
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->mu);
	free(q);
}
