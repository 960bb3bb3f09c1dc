/* engine.c: the engine's lifecycle, its one state behind one mutex, the
 * snapshot a front end copies, the wake-up pipe and the poller threads.
 * What each source asks AWS is in engine_sources.c.
 *
 * Flow: a poller works unlocked (its AWS client and private memory are its
 * own), then takes `mu` only to swap its finished results into `state`,
 * bump the generation and note that a wake-up is due; after unlocking it
 * writes one byte to the wake-up pipe (at most one byte is pending, so a
 * burst of publishes costs the front end one read).  Shutdown: `stopping`
 * is set and `cond` broadcast, so sleeping pollers wake at once and a
 * request in flight is abandoned by the AWS client's abort hook. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "cutover/aws_config.h"
#include "cutover/dup_or_null.h"
#include "engine/engine_internal.h"

/* --- small helpers -------------------------------------------------------- */

double engine_now(const struct engine *e)
{
	struct timespec ts;

	if (e->opt.now)
		return e->opt.now(e->opt.now_ctx);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Thread names show in top -H and gdb.  prctl(PR_SET_NAME) is Linux's
 * (pthread_setname_np needs _GNU_SOURCE); names are cut at 15 bytes. */
static void name_thread(const char *name)
{
#ifdef PR_SET_NAME
	prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
#else
	(void)name; /* elsewhere threads stay unnamed */
#endif
}

/* xorshift64*: jitter only, so a tiny generator per thread is enough. */
static double next_uniform(unsigned long long *s)
{
	unsigned long long x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return (double)((x * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

/* --- pure helpers --------------------------------------------------------- */

double engine_next_delay(double interval_s, unsigned failures, double u)
{
	double cap = interval_s > ENGINE_BACKOFF_CAP_S ? interval_s : ENGINE_BACKOFF_CAP_S;
	double d = interval_s;

	if (!(interval_s > 0))
		d = interval_s = 1;
	for (unsigned i = 0; i < failures && d < cap; i++)
		d *= 2;
	if (d > cap)
		d = cap;
	if (!(u >= 0) || u >= 1)
		u = 0.5;
	return d * (0.9 + 0.2 * u);
}

bool engine_source_is_stale(const struct engine_source_view *v, double now)
{
	if (v->last_ok <= 0)
		return v->last_attempt > 0 && v->failures > 0;
	return now - v->last_ok > ENGINE_STALE_INTERVALS * v->interval_s;
}

char *engine_duration_format(double s, char *buf, size_t n)
{
	long long t = s > 0 ? (long long)s : 0;

	if (t < 60)
		snprintf(buf, n, "%llds", t);
	else if (t < 3600)
		snprintf(buf, n, "%lldm", t / 60);
	else if (t < 86400)
		snprintf(buf, n, "%lldh%02lldm", t / 3600, t % 3600 / 60);
	else
		snprintf(buf, n, "%lldd%02lldh", t / 86400, t % 86400 / 3600);
	return buf;
}

char *engine_freshness_format(const struct engine_source_view *v, double now, char *buf, size_t n)
{
	char age[32];
	const char *code = v->error_code[0] ? v->error_code : "error";

	if (n == 0)
		return buf;
	if (v->last_attempt <= 0 && v->last_ok <= 0)
		snprintf(buf, n, "not polled yet");
	else if (v->last_ok <= 0)
		snprintf(buf, n, "unreachable \xc2\xb7 %s", code);
	else if (engine_source_is_stale(v, now))
		snprintf(buf, n, "stale %s%s%s",
		         engine_duration_format(now - v->last_ok, age, sizeof(age)),
		         v->failures ? " \xc2\xb7 " : "", v->failures ? code : "");
	else if (v->failures)
		snprintf(buf, n, "ok %s ago \xc2\xb7 retrying (%s)",
		         engine_duration_format(now - v->last_ok, age, sizeof(age)), code);
	else
		snprintf(buf, n, "ok %s ago",
		         engine_duration_format(now - v->last_ok, age, sizeof(age)));
	return buf;
}

/* --- views: free and copy ------------------------------------------------- */

void engine_phase_view_free(struct engine_phase_view *v)
{
	free(v->current_state);
	free(v->task_token);
	free(v->error);
	free(v->cause);
	free(v->execution_arn);
	memset(v, 0, sizeof(*v));
}

void engine_approval_view_free(struct engine_approval_view *v)
{
	free(v->state);
	free(v->task_token);
	memset(v, 0, sizeof(*v));
}

static void event_view_free(struct engine_event_view *v)
{
	free(v->type);
	free(v->state);
	free(v->error);
	free(v->cause);
	free(v->input);
	memset(v, 0, sizeof(*v));
}

void engine_execution_view_free(struct engine_execution_view *v)
{
	free(v->arn);
	free(v->status);
	free(v->error);
	free(v->cause);
	for (size_t i = 0; i < v->nevents; i++)
		event_view_free(&v->events[i]);
	free(v->events);
	for (size_t i = 0; i < v->njobs; i++) {
		free(v->jobs[i].name);
		free(v->jobs[i].arn);
		free(v->jobs[i].status);
	}
	free(v->jobs);
	memset(v, 0, sizeof(*v));
}

void engine_flag_view_free(struct engine_flag_view *v)
{
	free(v->value);
	free(v->last_modified_user);
	free(v->ssm_type);
	memset(v, 0, sizeof(*v));
}

static void header_free(struct engine_header *h)
{
	free(h->name);
	free(h->environment);
	free(h->caller_arn);
	free(h->account);
	free(h->credential_source);
	memset(h, 0, sizeof(*h));
}

void engine_snapshot_free(struct engine_snapshot *s)
{
	if (!s)
		return;
	header_free(&s->header);
	for (size_t i = 0; i < s->nphases; i++)
		engine_phase_view_free(&s->phases[i]);
	free(s->phases);
	for (size_t i = 0; i < s->napprovals; i++)
		engine_approval_view_free(&s->approvals[i]);
	free(s->approvals);
	for (size_t i = 0; i < s->nexecutions; i++)
		engine_execution_view_free(&s->executions[i]);
	free(s->executions);
	for (size_t i = 0; i < s->ngauges; i++)
		free(s->gauges[i].detail);
	free(s->gauges);
	for (size_t i = 0; i < s->nflags; i++)
		engine_flag_view_free(&s->flags[i]);
	free(s->flags);
	free(s->triggers);
	memset(s, 0, sizeof(*s));
}

/* Duplicate a string member in place; false when out of memory. */
static bool dup_in(char **p)
{
	if (!*p)
		return true;
	*p = strdup(*p);
	return *p != NULL;
}

/* Copy n elements of size sz; NULL (and true) for none. */
static bool dup_array(void **dst, const void *src, size_t n, size_t sz)
{
	*dst = NULL;
	if (n == 0)
		return true;
	*dst = malloc(n * sz);
	if (!*dst)
		return false;
	memcpy(*dst, src, n * sz);
	return true;
}

/* A deep copy of the state: shallow copy first, then every owned pointer
 * replaced by its duplicate.  On failure pointers not yet duplicated are
 * cleared so the free below releases only what this copy owns. */
static enum cutover_status snapshot_copy(struct engine_snapshot *d, const struct engine_snapshot *s)
{
	bool ok = true;

	*d = *s;
	d->phases = NULL;
	d->approvals = NULL;
	d->executions = NULL;
	d->gauges = NULL;
	d->flags = NULL;
	d->triggers = NULL;
	d->nphases = d->napprovals = d->nexecutions = d->ngauges = d->nflags = d->ntriggers = 0;
	{
		struct engine_header *h = &d->header;
		char **fields[] = {&h->name, &h->environment, &h->caller_arn, &h->account,
		                   &h->credential_source};

		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (ok && !dup_in(fields[i]))
				ok = false;
			else if (!ok)
				*fields[i] = NULL;
	}
	if (!ok)
		goto fail;

	if (!dup_array((void **)&d->phases, s->phases, s->nphases, sizeof(*s->phases)))
		goto fail;
	for (size_t i = 0; i < s->nphases; i++) {
		struct engine_phase_view *v = &d->phases[i];
		char **f[] = {&v->current_state, &v->task_token, &v->error, &v->cause,
		              &v->execution_arn};

		d->nphases = i + 1;
		for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++)
			if (ok && !dup_in(f[k]))
				ok = false;
			else if (!ok)
				*f[k] = NULL;
		if (!ok)
			goto fail;
	}

	if (!dup_array((void **)&d->approvals, s->approvals, s->napprovals, sizeof(*s->approvals)))
		goto fail;
	for (size_t i = 0; i < s->napprovals; i++) {
		struct engine_approval_view *v = &d->approvals[i];

		d->napprovals = i + 1;
		if (!dup_in(&v->state)) {
			v->task_token = NULL;
			goto fail;
		}
		if (!dup_in(&v->task_token))
			goto fail;
	}

	if (!dup_array((void **)&d->executions, s->executions, s->nexecutions,
	               sizeof(*s->executions)))
		goto fail;
	for (size_t i = 0; i < s->nexecutions; i++) {
		struct engine_execution_view *v = &d->executions[i];
		const struct engine_execution_view *o = &s->executions[i];
		char **f[] = {&v->arn, &v->status, &v->error, &v->cause};

		d->nexecutions = i + 1;
		v->events = NULL;
		v->jobs = NULL;
		v->nevents = v->njobs = 0;
		for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++)
			if (ok && !dup_in(f[k]))
				ok = false;
			else if (!ok)
				*f[k] = NULL;
		if (!ok)
			goto fail;
		if (o->nevents && !(v->events = calloc(o->nevents, sizeof(*v->events))))
			goto fail;
		for (size_t k = 0; k < o->nevents; k++) {
			struct engine_event_view *ev = &v->events[k];

			*ev = o->events[k];
			v->nevents = k + 1;
			ev->type = dup_or_null(o->events[k].type, NULL);
			ev->state = dup_or_null(o->events[k].state, NULL);
			ev->error = dup_or_null(o->events[k].error, NULL);
			ev->cause = dup_or_null(o->events[k].cause, NULL);
			ev->input = dup_or_null(o->events[k].input, NULL);
			if ((o->events[k].type && !ev->type) ||
			    (o->events[k].state && !ev->state) ||
			    (o->events[k].error && !ev->error) ||
			    (o->events[k].cause && !ev->cause) ||
			    (o->events[k].input && !ev->input))
				goto fail;
		}
		if (o->njobs && !(v->jobs = calloc(o->njobs, sizeof(*v->jobs))))
			goto fail;
		for (size_t k = 0; k < o->njobs; k++) {
			struct engine_job_view *j = &v->jobs[k];

			*j = o->jobs[k];
			v->njobs = k + 1;
			j->name = dup_or_null(o->jobs[k].name, NULL);
			j->arn = dup_or_null(o->jobs[k].arn, NULL);
			j->status = dup_or_null(o->jobs[k].status, NULL);
			if ((o->jobs[k].name && !j->name) || (o->jobs[k].arn && !j->arn) ||
			    (o->jobs[k].status && !j->status))
				goto fail;
		}
	}

	if (!dup_array((void **)&d->gauges, s->gauges, s->ngauges, sizeof(*s->gauges)))
		goto fail;
	for (size_t i = 0; i < s->ngauges; i++) {
		d->ngauges = i + 1;
		if (!dup_in(&d->gauges[i].detail))
			goto fail;
	}

	if (!dup_array((void **)&d->flags, s->flags, s->nflags, sizeof(*s->flags)))
		goto fail;
	for (size_t i = 0; i < s->nflags; i++) {
		struct engine_flag_view *v = &d->flags[i];
		char **f[] = {&v->value, &v->last_modified_user, &v->ssm_type};

		d->nflags = i + 1;
		for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++)
			if (ok && !dup_in(f[k]))
				ok = false;
			else if (!ok)
				*f[k] = NULL;
		if (!ok)
			goto fail;
	}

	if (!dup_array((void **)&d->triggers, s->triggers, s->ntriggers, sizeof(*s->triggers)))
		goto fail;
	d->ntriggers = s->ntriggers;
	return CUTOVER_OK;
fail:
	engine_snapshot_free(d);
	return CUTOVER_ENOMEM;
}

/* --- state and wake-up ---------------------------------------------------- */

void engine_lock(struct engine *e)
{
	pthread_mutex_lock(&e->mu);
}

static void wake(struct engine *e)
{
	static const char one = 1;
	ssize_t n;

	/* EAGAIN means the pipe is full: the front end has a wake-up anyway. */
	do
		n = write(e->wake_wr, &one, 1);
	while (n < 0 && errno == EINTR);
}

void engine_unlock_publish(struct engine *e)
{
	bool need;

	e->state.generation++;
	need = !e->wake_pending;
	e->wake_pending = true;
	pthread_mutex_unlock(&e->mu);
	if (need)
		wake(e);
}

int engine_wakeup_fd(const struct engine *e)
{
	return e->wake_rd;
}

void engine_wakeup_drain(struct engine *e)
{
	char buf[64];

	pthread_mutex_lock(&e->mu);
	e->wake_pending = false;
	while (read(e->wake_rd, buf, sizeof(buf)) > 0)
		;
	pthread_mutex_unlock(&e->mu);
}

uint64_t engine_generation(struct engine *e)
{
	uint64_t g;

	pthread_mutex_lock(&e->mu);
	g = e->state.generation;
	pthread_mutex_unlock(&e->mu);
	return g;
}

enum cutover_status engine_snapshot_take(struct engine *e, struct engine_snapshot *snap)
{
	enum cutover_status st;
	double now = engine_now(e);

	memset(snap, 0, sizeof(*snap));
	pthread_mutex_lock(&e->mu);
	st = snapshot_copy(snap, &e->state);
	pthread_mutex_unlock(&e->mu);
	if (st != CUTOVER_OK)
		return st;
	snap->taken = now;
	{
		/* The expiry moves on every refresh, not only on identity polls;
		 * asking the provider never blocks. */
		time_t exp = aws_credentials_provider_expiration(e->prov);

		if (exp > 0)
			snap->header.credential_expiry = (double)exp;
	}
	for (size_t i = 0; i < RUNBOOK_SRC_COUNT; i++)
		snap->sources[i].stale = engine_source_is_stale(&snap->sources[i], now);
	return CUTOVER_OK;
}

static struct engine_trigger_view *find_trigger(struct engine *e, size_t gi, size_t *idx)
{
	for (size_t i = 0; i < e->state.ntriggers; i++)
		if (e->state.triggers[i].gauge == gi) {
			if (idx)
				*idx = i;
			return &e->state.triggers[i];
		}
	return NULL;
}

static void remove_trigger(struct engine *e, size_t idx)
{
	memmove(&e->state.triggers[idx], &e->state.triggers[idx + 1],
	        (e->state.ntriggers - idx - 1) * sizeof(e->state.triggers[0]));
	e->state.ntriggers--;
}

void engine_publish_gauge_locked(struct engine *e, size_t gi)
{
	struct engine_gauge_view *v = &e->state.gauges[gi];
	struct engine_gauge_priv *p = &e->gauge_priv[gi];
	enum gauge_state prev = v->state;
	struct engine_trigger_view *t;
	size_t idx = 0;

	v->state = p->eval.state;
	v->since = p->eval.since;
	v->value = p->eval.value;
	v->value_ts = p->eval.value_ts;
	v->nhistory = p->ring_count;
	for (size_t k = 0; k < p->ring_count; k++)
		v->history[k] =
		    p->ring[(p->ring_head + ENGINE_HISTORY - p->ring_count + k) % ENGINE_HISTORY];
	free(v->detail);
	v->detail = p->detail; /* handed over */
	p->detail = NULL;

	t = find_trigger(e, gi, &idx);
	if (v->state == GAUGE_TRIGGERED) {
		if (!t && e->state.ntriggers < e->trigger_cap) {
			t = &e->state.triggers[e->state.ntriggers++];
			memset(t, 0, sizeof(*t));
			t->gauge = gi;
			t->gauge_id = v->def->id;
			t->plan_id = v->def->has_trigger && v->def->trigger.plan
			                 ? v->def->trigger.plan->id
			                 : NULL;
			t->since = v->since;
		} else if (t && prev != GAUGE_TRIGGERED && t->acknowledged) {
			/* Triggered again after an acknowledgement: a new banner. */
			t->acknowledged = false;
			t->since = v->since;
		}
		if (t)
			t->active = true;
	} else if (t) {
		t->active = false;
		if (t->acknowledged)
			remove_trigger(e, idx);
	}
}

enum cutover_status engine_ack_trigger(struct engine *e, const char *gauge_id,
                                       struct cutover_err *err)
{
	struct engine_trigger_view *t = NULL;
	size_t idx = 0;

	pthread_mutex_lock(&e->mu);
	for (size_t i = 0; gauge_id && i < e->state.ntriggers; i++)
		if (strcmp(e->state.triggers[i].gauge_id, gauge_id) == 0) {
			t = &e->state.triggers[i];
			idx = i;
		}
	if (!t) {
		pthread_mutex_unlock(&e->mu);
		return cutover_errf(err, CUTOVER_ENOENT,
		                    "gauge %s has no trigger banner to acknowledge",
		                    gauge_id ? gauge_id : "(none)");
	}
	t->acknowledged = true;
	if (!t->active)
		remove_trigger(e, idx);
	engine_unlock_publish(e);
	return CUTOVER_OK;
}

/* --- lifecycle ------------------------------------------------------------ */

static int should_abort(void *ctx)
{
	struct engine *e = ctx;

	return atomic_load(&e->stopping);
}

static bool source_used(const struct runbook *rb, enum runbook_source src)
{
	switch (src) {
	case RUNBOOK_SRC_EXECUTIONS:
		return rb->nexecutions > 0;
	case RUNBOOK_SRC_FLAGS:
		return rb->nflags > 0;
	case RUNBOOK_SRC_IDENTITY:
		return true;
	default:
		break;
	}
	for (size_t i = 0; i < rb->ngauges; i++) {
		enum runbook_gauge_kind k = rb->gauges[i].kind;

		if ((src == RUNBOOK_SRC_METRICS &&
		     (k == RUNBOOK_GAUGE_METRIC || k == RUNBOOK_GAUGE_EXPRESSION)) ||
		    (src == RUNBOOK_SRC_ALARMS && k == RUNBOOK_GAUGE_ALARM) ||
		    (src == RUNBOOK_SRC_HEALTH && k == RUNBOOK_GAUGE_HTTP))
			return true;
	}
	return false;
}

bool engine_source_used(const struct engine *e, enum runbook_source src)
{
	return (unsigned)src < RUNBOOK_SRC_COUNT && e->src[src].used;
}

static enum cutover_status make_pipe(struct engine *e, struct cutover_err *err)
{
	int fds[2];

	/* The wake-up pipe: pollers write a byte, the front end's poll() wakes. */
	if (pipe(fds) != 0)
		return cutover_errf(err, CUTOVER_EIO, "engine: cannot create the wake-up pipe: %s",
		                    strerror(errno));
	for (int i = 0; i < 2; i++) {
		int fl = fcntl(fds[i], F_GETFL);

		fcntl(fds[i], F_SETFL, fl | O_NONBLOCK);
		fcntl(fds[i], F_SETFD, FD_CLOEXEC);
	}
	e->wake_rd = fds[0];
	e->wake_wr = fds[1];
	return CUTOVER_OK;
}

static enum cutover_status init_state(struct engine *e)
{
	const struct runbook *rb = e->rb;
	struct engine_snapshot *s = &e->state;

	s->header.name = dup_or_null(rb->name, NULL);
	s->header.environment = dup_or_null(rb->environment ? rb->environment : "", NULL);
	s->header.production = rb->production;
	snprintf(s->header.region, sizeof(s->header.region), "%s", e->region);
	if (!s->header.name || !s->header.environment)
		return CUTOVER_ENOMEM;
	for (size_t i = 0; i < RUNBOOK_SRC_COUNT; i++) {
		s->sources[i].interval_s = rb->poll_s[i] > 0
		                               ? rb->poll_s[i]
		                               : runbook_source_default_s((enum runbook_source)i);
		s->sources[i].used = e->src[i].used;
	}
	s->nphases = rb->nphases;
	s->nexecutions = rb->nexecutions;
	s->ngauges = rb->ngauges;
	s->nflags = rb->nflags;
	e->trigger_cap = rb->ngauges;
	if ((rb->nphases && !(s->phases = calloc(rb->nphases, sizeof(*s->phases)))) ||
	    (rb->nexecutions &&
	     !(s->executions = calloc(rb->nexecutions, sizeof(*s->executions)))) ||
	    (rb->ngauges && !(s->gauges = calloc(rb->ngauges, sizeof(*s->gauges)))) ||
	    (rb->nflags && !(s->flags = calloc(rb->nflags, sizeof(*s->flags)))) ||
	    (rb->ngauges && !(s->triggers = calloc(rb->ngauges, sizeof(*s->triggers)))) ||
	    (rb->nexecutions &&
	     !(e->exec_cache = calloc(rb->nexecutions, sizeof(*e->exec_cache)))) ||
	    (rb->ngauges && !(e->gauge_priv = calloc(rb->ngauges, sizeof(*e->gauge_priv)))) ||
	    (rb->nflags && !(e->flag_priv = calloc(rb->nflags, sizeof(*e->flag_priv)))))
		return CUTOVER_ENOMEM;
	for (size_t i = 0; i < rb->nphases; i++) {
		s->phases[i].def = &rb->phases[i];
		s->phases[i].estimate_s = 60.0 * rb->phases[i].estimate_min;
	}
	for (size_t i = 0; i < rb->nexecutions; i++)
		s->executions[i].def = &rb->executions[i];
	for (size_t i = 0; i < rb->ngauges; i++) {
		const struct runbook_gauge *g = &rb->gauges[i];
		struct engine_gauge_view *v = &s->gauges[i];

		gauge_eval_init(&e->gauge_priv[i].eval);
		v->def = g;
		v->state = GAUGE_NODATA;
		v->value = NAN;
		v->has_warn = g->has_warn;
		v->warn = g->warn;
		v->has_critical = g->has_critical;
		v->critical = g->critical;
		v->has_trigger = g->has_trigger && g->trigger.has_threshold;
		v->trigger = g->has_trigger ? g->trigger.threshold : 0;
		v->plan_id = g->has_trigger && g->trigger.plan ? g->trigger.plan->id : NULL;
	}
	for (size_t i = 0; i < rb->nflags; i++)
		s->flags[i].def = &rb->flags[i];
	return CUTOVER_OK;
}

enum cutover_status engine_create(const struct runbook *rb, const struct engine_options *opt,
                                  struct engine **out, struct cutover_err *err)
{
	struct aws_credentials_provider_options popt = {0};
	struct aws_client_config cc = {0};
	struct aws_endpoint eps[AWS_SVC_COUNT];
	const struct aws_config *cfg;
	struct engine *e;
	enum cutover_status st;
	const char *from = NULL;
	struct timespec mono;

	*out = NULL;
	if (!rb)
		return cutover_errf(err, CUTOVER_EINVAL, "engine: no runbook");
	e = calloc(1, sizeof(*e));
	if (!e)
		return cutover_errf(err, CUTOVER_ENOMEM, "engine: out of memory");
	e->rb = rb;
	if (opt)
		e->opt = *opt;
	e->wake_rd = e->wake_wr = -1;
	atomic_init(&e->stopping, 0);
	pthread_mutex_init(&e->mu, NULL);
	{
		pthread_condattr_t ca;

		/* Sleeps are measured on the monotonic clock: a wall-clock jump
		 * must not stall or rush the pollers. */
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&e->cond, &ca);
		pthread_condattr_destroy(&ca);
	}
	if ((st = make_pipe(e, err)) != CUTOVER_OK)
		goto out;

	popt.profile = e->opt.profile;
	popt.profile_explicit = e->opt.profile && e->opt.profile[0];
	if ((st = aws_credentials_provider_create(&e->prov, &popt, err)) != CUTOVER_OK)
		goto out;
	cfg = aws_credentials_provider_config(e->prov);
	if ((st = aws_config_resolve_region(cfg, e->opt.region, rb->region, e->region, &from,
	                                    err)) != CUTOVER_OK)
		goto out;
	for (int s = 0; s < AWS_SVC_COUNT; s++) {
		if ((st = aws_config_resolve_endpoint(cfg, (enum aws_service)s, e->region, &eps[s],
		                                      err)) != CUTOVER_OK)
			goto out;
		cc.endpoints[s] = eps[s].url;
	}
	cc.region = e->region;
	cc.credentials = aws_credentials_provider_get;
	cc.credentials_ctx = e->prov;
	cc.connect_timeout_ms = e->opt.connect_timeout_ms;
	cc.timeout_ms = e->opt.timeout_ms;
	cc.max_attempts = e->opt.max_attempts;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	for (int s = 0; s < RUNBOOK_SRC_COUNT; s++) {
		struct engine_source_ctx *c = &e->src[s];

		c->e = e;
		c->src = (enum runbook_source)s;
		c->used = source_used(rb, c->src);
		c->rng = ((unsigned long long)mono.tv_nsec << 8) ^
		         (unsigned long long)(s + 1) * 0x9E3779B97F4A7C15ULL;
		if (!c->rng)
			c->rng = 1;
		if (!c->used)
			continue;
		if ((st = aws_client_create(&cc, &c->client, err)) != CUTOVER_OK)
			goto out;
		aws_client_set_abort(c->client, should_abort, e);
	}
	if ((st = init_state(e)) != CUTOVER_OK) {
		cutover_errf(err, st, "engine: out of memory");
		goto out;
	}
out:
	if (st != CUTOVER_OK) {
		engine_destroy(e);
		return st;
	}
	*out = e;
	return CUTOVER_OK;
}

/* Record one attempt's outcome in the source's freshness. */
static void publish_freshness(struct engine *e, enum runbook_source src, enum cutover_status st,
                              const struct aws_error *aerr, double now)
{
	struct engine_source_view *v = &e->state.sources[src];

	engine_lock(e);
	v->last_attempt = now;
	if (st == CUTOVER_OK) {
		v->last_ok = now;
		v->failures = 0;
		v->error_code[0] = '\0';
		v->error_msg[0] = '\0';
	} else {
		const char *code = aerr->code[0] ? aerr->code : NULL;

		if (!code) {
			switch (aerr->kind) {
			case AWS_ERR_TRANSPORT:
				code = "transport";
				break;
			case AWS_ERR_AUTH:
				code = "credentials";
				break;
			case AWS_ERR_PARSE:
				code = "unreadable answer";
				break;
			default:
				code = cutover_status_str(st);
				break;
			}
		}
		v->failures++;
		snprintf(v->error_code, sizeof(v->error_code), "%s", code);
		aws_error_render(aerr, v->error_msg, sizeof(v->error_msg));
	}
	/* When the next attempt is due (what a poller thread will wait),
	 * published with the outcome so a snapshot never has one without the
	 * other. */
	e->src[src].next_delay =
	    engine_next_delay(v->interval_s, v->failures, next_uniform(&e->src[src].rng));
	v->next_attempt = now + e->src[src].next_delay;
	engine_unlock_publish(e);
}

enum cutover_status engine_poll_once(struct engine *e, enum runbook_source src,
                                     struct cutover_err *err)
{
	struct aws_error aerr;
	enum cutover_status st;

	if ((unsigned)src >= RUNBOOK_SRC_COUNT)
		return cutover_errf(err, CUTOVER_EINVAL, "engine: no such source %d", (int)src);
	if (!e->src[src].used)
		return CUTOVER_OK;
	aws_error_clear(&aerr);
	st = engine_source_poll(e, src, &aerr);
	if (st == CUTOVER_OK || aerr.kind != AWS_ERR_CANCELLED)
		publish_freshness(e, src, st, &aerr, engine_now(e));
	if (st != CUTOVER_OK) {
		if (aerr.kind == AWS_ERR_NONE)
			cutover_errf(err, st, "%s: %s", runbook_source_name(src),
			             cutover_status_str(st));
		else
			aws_error_to_err(&aerr, err);
	}
	return st;
}

enum cutover_status engine_poll_gauge(struct engine *e, const char *gauge_id,
                                      struct cutover_err *err)
{
	struct aws_error aerr;
	enum cutover_status st;
	size_t gi;

	for (gi = 0; gi < e->rb->ngauges; gi++)
		if (gauge_id && strcmp(e->rb->gauges[gi].id, gauge_id) == 0)
			break;
	if (gi == e->rb->ngauges)
		return cutover_errf(err, CUTOVER_ENOENT, "engine: no gauge \"%s\" in the runbook",
		                    gauge_id ? gauge_id : "");
	aws_error_clear(&aerr);
	/* The source's freshness is not published: the other gauges of the
	 * source were not read. */
	st = engine_gauge_poll(e, gi, &aerr);
	if (st != CUTOVER_OK) {
		if (aerr.kind == AWS_ERR_NONE)
			cutover_errf(err, st, "gauge %s: %s", gauge_id, cutover_status_str(st));
		else
			aws_error_to_err(&aerr, err);
	}
	return st;
}

/* --- threads -------------------------------------------------------------- */

struct one_poll {
	struct engine *e;
	enum runbook_source src;
	enum cutover_status st;
	struct cutover_err err;
	pthread_t thread;
	bool started;
};

static void *one_poll_main(void *arg)
{
	struct one_poll *p = arg;

	p->st = engine_poll_once(p->e, p->src, &p->err);
	return NULL;
}

static void block_worker_signals(sigset_t *old)
{
	sigset_t block;

	/* Threads inherit this mask: the signals stay with the front end. */
	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, old);
}

enum cutover_status engine_poll_sources(struct engine *e, unsigned mask, struct cutover_err *err)
{
	struct one_poll p[RUNBOOK_SRC_COUNT];
	enum cutover_status st = CUTOVER_OK;
	sigset_t old;

	memset(p, 0, sizeof(p));
	block_worker_signals(&old);
	for (int s = 0; s < RUNBOOK_SRC_COUNT; s++) {
		p[s].e = e;
		p[s].src = (enum runbook_source)s;
		if (!(mask & (1u << s)) || !e->src[s].used)
			continue;
		/* No thread to spare: poll this one here and now. */
		if (pthread_create(&p[s].thread, NULL, one_poll_main, &p[s]) != 0)
			one_poll_main(&p[s]);
		else
			p[s].started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	for (int s = 0; s < RUNBOOK_SRC_COUNT; s++) {
		if (p[s].started)
			pthread_join(p[s].thread, NULL);
		if (p[s].st != CUTOVER_OK && st == CUTOVER_OK) {
			st = p[s].st;
			if (err)
				*err = p[s].err;
		}
	}
	return st;
}

static void *poller_main(void *arg)
{
	struct engine_source_ctx *c = arg;
	struct engine *e = c->e;
	char name[16];

	snprintf(name, sizeof(name), "co-%s", runbook_source_name(c->src));
	name_thread(name);
	while (!atomic_load(&e->stopping)) {
		struct cutover_err err;
		struct timespec until;
		double delay;
		/* The outcome is in the state (the source's freshness). */
		enum cutover_status st = engine_poll_once(e, c->src, &err);

		(void)st;
		pthread_mutex_lock(&e->mu);
		delay = c->next_delay > 0 ? c->next_delay : e->state.sources[c->src].interval_s;
		if (e->opt.speed > 0)
			delay /= e->opt.speed; /* the engine's clock may run fast */
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += (time_t)delay;
		until.tv_nsec += (long)((delay - floor(delay)) * 1e9);
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!atomic_load(&e->stopping))
			if (pthread_cond_timedwait(&e->cond, &e->mu, &until) == ETIMEDOUT)
				break;
		pthread_mutex_unlock(&e->mu);
	}
	return NULL;
}

enum cutover_status engine_start(struct engine *e, struct cutover_err *err)
{
	sigset_t old;
	enum cutover_status st = CUTOVER_OK;

	if (e->started)
		return cutover_errf(err, CUTOVER_EINVAL, "engine: already started");
	block_worker_signals(&old);
	e->started = true;
	for (int s = 0; s < RUNBOOK_SRC_COUNT; s++) {
		struct engine_source_ctx *c = &e->src[s];
		int rc;

		if (!c->used)
			continue;
		if ((rc = pthread_create(&c->thread, NULL, poller_main, c)) != 0) {
			st =
			    cutover_errf(err, CUTOVER_EIO, "engine: cannot start the %s poller: %s",
			                 runbook_source_name(c->src), strerror(rc));
			break;
		}
		c->thread_started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (st != CUTOVER_OK)
		engine_stop(e);
	return st;
}

void engine_stop(struct engine *e)
{
	if (!e)
		return;
	pthread_mutex_lock(&e->mu);
	atomic_store(&e->stopping, 1);
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->mu);
	for (int s = 0; s < RUNBOOK_SRC_COUNT; s++) {
		if (e->src[s].thread_started) {
			pthread_join(e->src[s].thread, NULL);
			e->src[s].thread_started = false;
		}
	}
}

static void exec_cache_free(struct engine_exec_cache *c)
{
	for (size_t i = 0; i < c->nevents; i++) {
		struct engine_event *ev = &c->events[i];

		free(ev->type);
		free(ev->state);
		free(ev->resource);
		free(ev->token);
		free(ev->error);
		free(ev->cause);
		free(ev->input);
	}
	free(c->events);
	free(c->arn);
	free(c->walks);
	memset(c, 0, sizeof(*c));
}

void engine_destroy(struct engine *e)
{
	if (!e)
		return;
	engine_stop(e);
	for (int s = 0; s < RUNBOOK_SRC_COUNT; s++)
		aws_client_destroy(e->src[s].client);
	if (e->exec_cache)
		for (size_t i = 0; i < e->rb->nexecutions; i++)
			exec_cache_free(&e->exec_cache[i]);
	free(e->exec_cache);
	if (e->gauge_priv)
		for (size_t i = 0; i < e->rb->ngauges; i++)
			free(e->gauge_priv[i].detail);
	free(e->gauge_priv);
	if (e->flag_priv)
		for (size_t i = 0; i < e->rb->nflags; i++)
			free(e->flag_priv[i].user);
	free(e->flag_priv);
	engine_snapshot_free(&e->state);
	aws_credentials_provider_destroy(e->prov);
	if (e->wake_rd >= 0)
		close(e->wake_rd);
	if (e->wake_wr >= 0)
		close(e->wake_wr);
	pthread_cond_destroy(&e->cond);
	pthread_mutex_destroy(&e->mu);
	free(e);
}
