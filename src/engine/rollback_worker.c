/* rollback_worker.c: the console's rollback desk thread (see
 * rollback_worker.h).  The UI thread never waits on disk: every SQLite
 * write or read of the rollback state (runner creation, arming, cancels,
 * the auto-rollback countdown and fire, the cross-process sync) happens on
 * this thread, which owns its own audit session, store connection and
 * struct rollback_auto.
 *
 * One mutex guards the request list, the trigger states, the result list
 * and the published views; the thread holds it only to move them, never
 * across a SQLite call or a runner's creation.  It wakes for a request,
 * for changed trigger states, once a second while the runbook has auto
 * triggers (the countdown and the sync), and at a countdown's deadline. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "cutover/audit.h"
#include "cutover/copy_trunc.h"
#include "cutover/dup_or_null.h"
#include "cutover/fifo.h"
#include "cutover/rollback_worker.h"

#define WORKER_QUEUE_MAX 16

struct req_item {
	struct fifo_node node; /* first: see fifo.h */
	uint64_t id;
	struct rollback_worker_request req;
	char *strs[4]; /* the private copies req points to */
};

struct res_item {
	struct fifo_node node; /* first: see fifo.h */
	struct rollback_worker_result res;
};

struct rollback_worker {
	const struct runbook *rb;
	struct rollback_options ro; /* the runner template, pointing at the copies below */
	char *strs[6];
	char *audit_path;
	bool read_only;
	double sync_s;
	void (*notify)(void *ctx);
	void *notify_ctx;
	size_t nauto; /* gauges with an auto trigger */

	/* The worker thread's own. */
	struct audit *audit;
	struct rollback_store *store;
	struct rollback_auto *au;
	char open_error[512];

	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	struct fifo reqs; /* of struct req_item */
	size_t waiting;
	bool *trig; /* rb->ngauges */
	bool trig_known, trig_dirty;
	struct fifo results; /* of struct res_item */
	struct rollback_auto_view *views; /* nauto, published */
	uint64_t generation;
	char error[512]; /* published copy of open_error */
	uint64_t next_id;
	bool stopping;
};

static const char *const op_names[] = {
#define ROLLBACK_WORKER_OP_NAME(id, name) name,
    ROLLBACK_WORKER_OP_LIST(ROLLBACK_WORKER_OP_NAME)
#undef ROLLBACK_WORKER_OP_NAME
};

const char *rollback_worker_op_name(enum rollback_worker_op op)
{
	return (unsigned)op < ROLLBACK_WORKER_OP_COUNT ? op_names[op] : "?";
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void name_thread(const char *name)
{
#ifdef PR_SET_NAME
	prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
#else
	(void)name;
#endif
}

static void req_free(struct req_item *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < sizeof(r->strs) / sizeof(r->strs[0]); i++)
		free(r->strs[i]);
	free(r);
}

static void push_result(struct rollback_worker *w, const struct rollback_worker_result *res)
{
	struct res_item *it = calloc(1, sizeof(*it));

	if (!it) {
		/* Nobody will own it: a started runner is stopped (resumable). */
		rollback_runner_destroy(res->runner);
		return;
	}
	it->res = *res;
	pthread_mutex_lock(&w->mu);
	fifo_push(&w->results, &it->node);
	pthread_mutex_unlock(&w->mu);
}

/* The store (and, when needed, the audit session) of the worker.  Without
 * need_audit an audit file that does not exist yet is left alone: nothing
 * can be armed in it (ENOENT, quietly). */
static enum cutover_status open_handles(struct rollback_worker *w, bool need_audit,
                                        struct cutover_err *err)
{
	enum cutover_status st;
	struct stat sb;
	bool changed;

	if (need_audit && !w->audit) {
		struct audit_session_info who = {0};

		who.operator_name = w->ro.operator_name;
		who.runbook = w->rb->name;
		who.runbook_hash = w->ro.runbook_hash;
		who.environment = w->rb->environment;
		if ((st = audit_open(w->audit_path, &who, &w->audit, err)) != CUTOVER_OK)
			return st;
	}
	if (!w->store) {
		if (!w->audit && stat(w->audit_path, &sb) != 0)
			return CUTOVER_ENOENT;
		if ((st = rollback_store_open(w->audit_path, &w->store, err)) != CUTOVER_OK)
			return st;
	}
	rollback_auto_attach(w->au, w->audit, w->store);
	return rollback_auto_sync(w->au, &changed, err);
}

/* Create and start a runner for plan_id (the R path and the countdown's). */
static void start_runner(struct rollback_worker *w, const char *plan_id, const char *reason,
                         const char *confirm, bool resume, bool abandon,
                         struct rollback_worker_result *res)
{
	struct rollback_options o = w->ro;
	struct cutover_err err;
	struct rollback_runner *r = NULL;

	cutover_err_clear(&err);
	copy_trunc(res->plan, sizeof(res->plan), plan_id ? plan_id : "");
	o.plan_id = plan_id;
	o.reason = reason && *reason ? reason : NULL;
	o.confirm = confirm && *confirm ? confirm : NULL;
	o.resume = resume;
	o.abandon = abandon;
	res->status = rollback_runner_create(&o, &r, &err);
	if (res->status == CUTOVER_OK &&
	    (res->status = rollback_runner_start(r, &err)) != CUTOVER_OK) {
		rollback_runner_destroy(r);
		r = NULL;
	}
	if (res->status != CUTOVER_OK) {
		snprintf(res->message, sizeof(res->message), "%s", err.msg);
		return;
	}
	res->runner = r;
	snprintf(res->message, sizeof(res->message), "rollback %.100s %s", plan_id,
	         resume ? "resumed" : "started");
}

static void handle(struct rollback_worker *w, struct req_item *it)
{
	const struct rollback_worker_request *q = &it->req;
	struct rollback_worker_result res;
	struct cutover_err err;

	memset(&res, 0, sizeof(res));
	cutover_err_clear(&err);
	res.id = it->id;
	res.op = q->op;
	copy_trunc(res.gauge, sizeof(res.gauge), q->gauge_id ? q->gauge_id : "");
	if (w->read_only) {
		res.status = CUTOVER_EREFUSED;
		snprintf(res.message, sizeof(res.message),
		         "%s: refused: the console was started with --read-only; restart it "
		         "without --read-only to act",
		         rollback_worker_op_name(q->op));
		goto out;
	}
	if (q->op == ROLLBACK_WORKER_START) {
		start_runner(w, q->plan_id, q->reason, q->confirm, q->resume, q->abandon, &res);
		goto out;
	}
	if (q->op != ROLLBACK_WORKER_CANCEL && w->rb->production &&
	    (!q->confirm || strcmp(q->confirm, w->rb->environment) != 0)) {
		res.status = CUTOVER_EREFUSED;
		snprintf(res.message, sizeof(res.message),
		         "auto-rollback of %.100s not %s: production needs the environment's name "
		         "'%.100s' typed",
		         res.gauge, q->op == ROLLBACK_WORKER_ARM ? "armed" : "disarmed",
		         w->rb->environment);
		goto out;
	}
	if ((res.status = open_handles(w, true, &err)) != CUTOVER_OK) {
		snprintf(res.message, sizeof(res.message), "auto-rollback: %.990s", err.msg);
		goto out;
	}
	if (q->op == ROLLBACK_WORKER_CANCEL)
		res.status =
		    rollback_auto_cancel(w->au, q->gauge_id, w->ro.operator_name, q->reason, &err);
	else
		res.status = rollback_auto_arm(w->au, q->gauge_id, q->op == ROLLBACK_WORKER_ARM,
		                               w->ro.operator_name, &err);
	if (res.status != CUTOVER_OK)
		snprintf(res.message, sizeof(res.message), "%s", err.msg);
	else if (q->op == ROLLBACK_WORKER_CANCEL)
		snprintf(res.message, sizeof(res.message),
		         "auto-rollback countdown of %.100s cancelled (audited)", res.gauge);
	else
		snprintf(res.message, sizeof(res.message), "auto-rollback of %.100s %s (audited)",
		         res.gauge, q->op == ROLLBACK_WORKER_ARM ? "armed" : "disarmed");
out:
	push_result(w, &res);
}

static bool views_same(const struct rollback_auto_view *a, const struct rollback_auto_view *b)
{
	return a->gauge == b->gauge && a->armed == b->armed && a->counting == b->counting &&
	       a->deadline == b->deadline && a->cancelled == b->cancelled &&
	       a->cancelled_elsewhere == b->cancelled_elsewhere && a->fired == b->fired &&
	       a->remote == b->remote && a->remote_deadline == b->remote_deadline &&
	       strcmp(a->armed_by, b->armed_by) == 0 &&
	       strcmp(a->cancelled_by, b->cancelled_by) == 0;
}

/* Publish the views; true when they (or the error) changed. */
static bool publish(struct rollback_worker *w, struct rollback_auto_view *tmp)
{
	bool changed = false;
	double now = wall_now();

	rollback_auto_views(w->au, now, tmp, w->nauto);
	pthread_mutex_lock(&w->mu);
	for (size_t i = 0; i < w->nauto; i++)
		if (!views_same(&tmp[i], &w->views[i]))
			changed = true;
	if (strcmp(w->error, w->open_error) != 0)
		changed = true;
	if (changed) {
		memcpy(w->views, tmp, w->nauto * sizeof(*tmp));
		copy_trunc(w->error, sizeof(w->error), w->open_error);
		w->generation++;
		changed = true;
	}
	pthread_mutex_unlock(&w->mu);
	return changed;
}

/* How long to sleep: until a countdown's deadline, at most a second; for
 * ever when the runbook has no auto trigger (requests still wake it). */
static bool next_wake(const struct rollback_worker *w, const struct rollback_auto_view *v,
                      struct timespec *ts)
{
	double until = wall_now() + (w->sync_s < 1.0 ? w->sync_s : 1.0);

	if (w->nauto == 0)
		return false;
	for (size_t i = 0; i < w->nauto; i++)
		if (v[i].counting && v[i].deadline + 0.01 < until)
			until = v[i].deadline + 0.01;
	ts->tv_sec = (time_t)until;
	ts->tv_nsec = (long)((until - (double)ts->tv_sec) * 1e9);
	if (ts->tv_nsec >= 1000000000L)
		ts->tv_nsec = 999999999L;
	return true;
}

static void *worker(void *arg)
{
	struct rollback_worker *w = arg;
	struct rollback_auto_view *tmp = calloc(w->nauto + 1, sizeof(*tmp));
	bool *trig = calloc(w->rb->ngauges + 1, sizeof(*trig));
	double last_sync = 0;
	bool trig_known = false;

	name_thread("cutover-rollbk");
	if (!tmp || !trig) {
		free(tmp);
		free(trig);
		snprintf(w->open_error, sizeof(w->open_error), "out of memory");
		return NULL;
	}
	publish(w, tmp);
	if (w->notify)
		w->notify(w->notify_ctx);
	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct fifo_node *reqs;
		struct timespec ts;
		bool tell = false;
		double now;

		while (!w->stopping && fifo_empty(&w->reqs) && !w->trig_dirty) {
			if (!next_wake(w, tmp, &ts)) {
				pthread_cond_wait(&w->cond, &w->mu);
			} else if (pthread_cond_timedwait(&w->cond, &w->mu, &ts) == ETIMEDOUT) {
				break;
			}
		}
		if (w->stopping)
			break;
		reqs = fifo_take_all(&w->reqs);
		w->waiting = 0;
		if (w->trig_dirty) {
			memcpy(trig, w->trig, w->rb->ngauges * sizeof(*trig));
			trig_known = w->trig_known;
			w->trig_dirty = false;
		}
		pthread_mutex_unlock(&w->mu);

		while (reqs) {
			struct fifo_node *next = reqs->next;

			handle(w, (struct req_item *)reqs);
			req_free((struct req_item *)reqs);
			reqs = next;
			tell = true;
		}
		now = wall_now();
		if (w->nauto && (now - last_sync >= w->sync_s || now < last_sync)) {
			struct cutover_err err;
			enum cutover_status st;

			cutover_err_clear(&err);
			last_sync = now;
			/* Once something is armed, the countdown may need to
			 * write its rows: the audit session is opened then. */
			st = open_handles(w, false, &err);
			if (st == CUTOVER_OK && !w->audit) {
				size_t n = rollback_auto_views(w->au, now, tmp, w->nauto);
				bool armed = false;

				for (size_t i = 0; i < n; i++)
					armed |= tmp[i].armed;
				if (armed && !w->read_only)
					st = open_handles(w, true, &err);
			}
			if (st != CUTOVER_OK && st != CUTOVER_ENOENT)
				copy_trunc(w->open_error, sizeof(w->open_error), err.msg);
			else
				w->open_error[0] = '\0';
		}
		if (!w->read_only && trig_known && w->nauto) {
			const struct runbook_gauge *g = NULL;
			const struct runbook_plan *p = rollback_auto_update(w->au, trig, now, &g);

			if (p && g) {
				struct rollback_worker_result res;
				char reason[400];
				size_t n = rollback_auto_views(w->au, now, tmp, w->nauto);
				const char *by = "";

				for (size_t i = 0; i < n; i++)
					if (tmp[i].gauge == g)
						by = tmp[i].armed_by;
				memset(&res, 0, sizeof(res));
				res.op = ROLLBACK_WORKER_START;
				res.automatic = true;
				copy_trunc(res.gauge, sizeof(res.gauge), g->id);
				snprintf(reason, sizeof(reason), "auto: %.128s (armed by %.200s)",
				         g->id, by);
				start_runner(w, p->id, reason,
				             w->rb->production ? w->rb->environment : NULL, false,
				             false, &res);
				if (res.status != CUTOVER_OK) {
					char why[sizeof(res.message)];

					copy_trunc(why, sizeof(why), res.message);
					snprintf(res.message, sizeof(res.message),
					         "auto-rollback: plan %.60s not started: %.900s",
					         p->id, why);
				}
				push_result(w, &res);
				tell = true;
			}
		}
		if (publish(w, tmp))
			tell = true;
		if (tell && w->notify)
			w->notify(w->notify_ctx);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	free(tmp);
	free(trig);
	return NULL;
}

static void worker_free(struct rollback_worker *w)
{
	struct fifo_node *n;

	while ((n = fifo_pop(&w->reqs)) != NULL)
		req_free((struct req_item *)n);
	while ((n = fifo_pop(&w->results)) != NULL) {
		rollback_runner_destroy(((struct res_item *)n)->res.runner);
		free(n);
	}
	rollback_auto_destroy(w->au);
	rollback_store_close(w->store);
	audit_close(w->audit);
	for (size_t i = 0; i < sizeof(w->strs) / sizeof(w->strs[0]); i++)
		free(w->strs[i]);
	free(w->audit_path);
	free(w->trig);
	free(w->views);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

enum cutover_status rollback_worker_create(const struct rollback_worker_options *opt,
                                           struct rollback_worker **out, struct cutover_err *err)
{
	struct rollback_worker *w;
	const char **fields[6];
	sigset_t block, old;
	enum cutover_status st;
	int oom = 0;
	int rc;

	*out = NULL;
	if (!opt || !opt->runner.rb || !opt->audit_path || !opt->audit_path[0])
		return cutover_errf(err, CUTOVER_EINVAL,
		                    "rollback worker: a runbook and an audit file path are needed");
	w = calloc(1, sizeof(*w));
	if (!w)
		return cutover_errf(err, CUTOVER_ENOMEM, "rollback worker: out of memory");
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->rb = opt->runner.rb;
	w->ro = opt->runner;
	fields[0] = &w->ro.runbook_dir;
	fields[1] = &w->ro.audit_path;
	fields[2] = &w->ro.runbook_hash;
	fields[3] = &w->ro.profile;
	fields[4] = &w->ro.region;
	fields[5] = &w->ro.operator_name;
	for (size_t i = 0; i < 6; i++) {
		w->strs[i] = dup_or_null(*fields[i], &oom);
		*fields[i] = w->strs[i];
	}
	w->audit_path = dup_or_null(opt->audit_path, &oom);
	w->read_only = opt->read_only;
	w->sync_s = opt->sync_s > 0 ? opt->sync_s : 2.0;
	w->notify = opt->notify;
	w->notify_ctx = opt->notify_ctx;
	w->next_id = 1;
	for (size_t i = 0; i < w->rb->ngauges; i++)
		w->nauto += w->rb->gauges[i].has_trigger && w->rb->gauges[i].trigger.has_auto;
	w->trig = calloc(w->rb->ngauges + 1, sizeof(*w->trig));
	w->views = calloc(w->nauto + 1, sizeof(*w->views));
	if (oom || !w->trig || !w->views) {
		worker_free(w);
		return cutover_errf(err, CUTOVER_ENOMEM, "rollback worker: out of memory");
	}
	if ((st = rollback_auto_create(w->rb, NULL, NULL, &w->au, err)) != CUTOVER_OK) {
		worker_free(w);
		return st;
	}
	/* Published before the thread runs (memory only: every trigger
	 * disarmed until the thread has read the store), so a view is never
	 * missing its gauge. */
	rollback_auto_views(w->au, wall_now(), w->views, w->nauto);
	w->generation = 1;
	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	rc = pthread_create(&w->thread, NULL, worker, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		worker_free(w);
		return cutover_errf(err, CUTOVER_ENOMEM,
		                    "rollback worker: cannot start its thread (error %d)", rc);
	}
	w->started = true;
	*out = w;
	return CUTOVER_OK;
}

void rollback_worker_triggers(struct rollback_worker *w, const bool *triggered, size_t n)
{
	if (!w || !triggered)
		return;
	if (n > w->rb->ngauges)
		n = w->rb->ngauges;
	pthread_mutex_lock(&w->mu);
	if (!w->trig_known || memcmp(w->trig, triggered, n * sizeof(*triggered)) != 0) {
		memcpy(w->trig, triggered, n * sizeof(*triggered));
		w->trig_known = true;
		w->trig_dirty = true;
		pthread_cond_signal(&w->cond);
	}
	pthread_mutex_unlock(&w->mu);
}

enum cutover_status rollback_worker_submit(struct rollback_worker *w,
                                           const struct rollback_worker_request *req, uint64_t *id,
                                           struct cutover_err *err)
{
	struct req_item *it;
	int oom = 0;

	*id = 0;
	if (!w || !req || (unsigned)req->op >= ROLLBACK_WORKER_OP_COUNT)
		return cutover_errf(err, CUTOVER_EINVAL, "rollback worker: bad request");
	it = calloc(1, sizeof(*it));
	if (!it)
		return cutover_errf(err, CUTOVER_ENOMEM, "rollback worker: out of memory");
	it->req = *req;
	it->req.gauge_id = it->strs[0] = dup_or_null(req->gauge_id, &oom);
	it->req.plan_id = it->strs[1] = dup_or_null(req->plan_id, &oom);
	it->req.reason = it->strs[2] = dup_or_null(req->reason, &oom);
	it->req.confirm = it->strs[3] = dup_or_null(req->confirm, &oom);
	if (oom) {
		req_free(it);
		return cutover_errf(err, CUTOVER_ENOMEM, "rollback worker: out of memory");
	}
	pthread_mutex_lock(&w->mu);
	if (w->stopping || w->waiting >= WORKER_QUEUE_MAX) {
		pthread_mutex_unlock(&w->mu);
		req_free(it);
		return cutover_errf(err, CUTOVER_EREFUSED,
		                    "rollback request refused: shutting down, or %d requests wait",
		                    WORKER_QUEUE_MAX);
	}
	it->id = w->next_id++;
	*id = it->id;
	fifo_push(&w->reqs, &it->node);
	w->waiting++;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mu);
	return CUTOVER_OK;
}

size_t rollback_worker_views(struct rollback_worker *w, struct rollback_auto_view *out, size_t cap,
                             uint64_t *generation, char *error, size_t error_len)
{
	double now = wall_now();
	size_t n;

	if (!w)
		return 0;
	pthread_mutex_lock(&w->mu);
	n = w->nauto;
	for (size_t i = 0; i < n && i < cap; i++) {
		out[i] = w->views[i];
		out[i].remaining_s =
		    out[i].counting ? (out[i].deadline > now ? out[i].deadline - now : 0) : 0;
	}
	if (generation)
		*generation = w->generation;
	if (error && error_len)
		copy_trunc(error, error_len, w->error);
	pthread_mutex_unlock(&w->mu);
	return n;
}

bool rollback_worker_poll(struct rollback_worker *w, struct rollback_worker_result *out)
{
	struct res_item *it;

	if (!w)
		return false;
	pthread_mutex_lock(&w->mu);
	it = (struct res_item *)fifo_pop(&w->results);
	pthread_mutex_unlock(&w->mu);
	if (!it)
		return false;
	*out = it->res;
	free(it);
	return true;
}

void rollback_worker_destroy(struct rollback_worker *w)
{
	if (!w)
		return;
	if (w->started) {
		pthread_mutex_lock(&w->mu);
		w->stopping = true;
		pthread_cond_broadcast(&w->cond);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
	}
	worker_free(w);
}
