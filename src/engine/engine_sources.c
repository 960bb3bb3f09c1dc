/* engine_sources.c: one poll of each source, as plain functions that the
 * poller threads and `cutover status` share.  Each works unlocked with its
 * own AWS client and private memory, builds its results, then publishes
 * them in one short critical section (engine_lock .. engine_unlock_publish);
 * what it replaces is freed after the lock is released. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cutover/aws_cloudwatch.h"
#include "cutover/aws_health.h"
#include "cutover/aws_sfn.h"
#include "cutover/aws_ssm.h"
#include "cutover/aws_sts.h"
#include "cutover/dup_or_null.h"
#include "cutover/ends_with.h"
#include "engine/engine_internal.h"
#include "engine/metric_query.h"
#include "engine/task_token_json.h"

static enum cutover_status oom(struct aws_error *aerr)
{
	aws_error_clear(aerr);
	aerr->kind = AWS_ERR_INVALID;
	aerr->status = CUTOVER_ENOMEM;
	snprintf(aerr->message, sizeof(aerr->message), "out of memory");
	return CUTOVER_ENOMEM;
}

static bool str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* --- executions ----------------------------------------------------------- */

static void event_free(struct engine_event *ev)
{
	free(ev->type);
	free(ev->state);
	free(ev->resource);
	free(ev->token);
	free(ev->error);
	free(ev->cause);
	free(ev->input);
	memset(ev, 0, sizeof(*ev));
}

static void cache_reset(struct engine_exec_cache *c)
{
	for (size_t i = 0; i < c->nevents; i++)
		event_free(&c->events[i]);
	c->nevents = 0;
	c->last_id = 0;
	c->ended_seen = false;
	/* The walks borrowed the strings just freed: start them over. */
	for (size_t i = 0; i < c->nwalks; i++)
		phase_walk_init(&c->walks[i]);
	c->walked = 0;
}

static bool is_execution_end(const char *type)
{
	return str_eq(type, "ExecutionSucceeded") || str_eq(type, "ExecutionFailed") ||
	       str_eq(type, "ExecutionAborted") || str_eq(type, "ExecutionTimedOut");
}

/* Append one AWS event (ids ascending) to the cache, reduced to what the
 * phases and the detail view need. */
static enum cutover_status cache_append(struct engine_exec_cache *c,
                                        const struct sfn_history_event *s)
{
	struct engine_event *ev;

	if (c->nevents == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct engine_event *n = realloc(c->events, cap * sizeof(*n));

		if (!n)
			return CUTOVER_ENOMEM;
		c->events = n;
		c->cap = cap;
	}
	ev = &c->events[c->nevents];
	memset(ev, 0, sizeof(*ev));
	ev->id = s->id;
	ev->ts = s->timestamp;
	ev->type = dup_or_null(s->type, NULL);
	ev->state = dup_or_null(s->state_name, NULL);
	ev->resource = dup_or_null(s->resource, NULL);
	ev->error = dup_or_null(s->error, NULL);
	ev->cause = dup_or_null(s->cause, NULL);
	if (ends_with(s->type, "StateEntered"))
		ev->input = dup_or_null(s->input, NULL);
	if (str_eq(s->type, "TaskScheduled") && s->parameters) {
		/* Parameters that are not JSON carry no token we could use. */
		if (task_token_find(s->parameters, &ev->token) == CUTOVER_ENOMEM) {
			event_free(ev);
			return CUTOVER_ENOMEM;
		}
	}
	if ((s->type && !ev->type) || (s->state_name && !ev->state) ||
	    (s->resource && !ev->resource) || (s->error && !ev->error) ||
	    (s->cause && !ev->cause)) {
		event_free(ev);
		return CUTOVER_ENOMEM;
	}
	c->nevents++;
	c->last_id = s->id;
	if (is_execution_end(s->type))
		c->ended_seen = true;
	return CUTOVER_OK;
}

/* Bring the cache up to date with arn's history: everything once, then
 * newest-first pages until the last event seen.  AWS_ERR in aerr on
 * failure. */
static enum cutover_status update_history(struct aws_client *cl, struct engine_exec_cache *c,
                                          struct aws_error *aerr)
{
	struct sfn_history_opts o = {0};
	struct sfn_history h = {0};
	enum cutover_status st;
	size_t first_new;

	if (c->nevents > 0 && c->ended_seen)
		return CUTOVER_OK; /* an ended execution writes no more events */
	o.include_execution_data = 1;
	if (c->nevents > 0) {
		/* Incremental: one page newest first covers a poll interval's
		 * worth; if it does not reach back to what we have, reload. */
		o.reverse_order = 1;
		o.page_size = 100;
		o.max_events = 100;
		if ((st = sfn_get_execution_history(cl, c->arn, &o, &h, aerr)) != CUTOVER_OK)
			return st;
		/* h is newest first: the leading events above last_id are new. */
		first_new = 0;
		while (first_new < h.count && h.events[first_new].id > c->last_id)
			first_new++;
		if (first_new == h.count && h.truncated) {
			sfn_history_free(&h);
			cache_reset(c);
			goto full;
		}
		for (size_t i = first_new; i-- > 0;)
			if ((st = cache_append(c, &h.events[i])) != CUTOVER_OK) {
				sfn_history_free(&h);
				return oom(aerr);
			}
		sfn_history_free(&h);
		return CUTOVER_OK;
	}
full:
	o.reverse_order = 0;
	o.page_size = 1000;
	o.max_events = 0;
	if ((st = sfn_get_execution_history(cl, c->arn, &o, &h, aerr)) != CUTOVER_OK)
		return st;
	for (size_t i = 0; i < h.count; i++)
		if (h.events[i].id > c->last_id && cache_append(c, &h.events[i]) != CUTOVER_OK) {
			sfn_history_free(&h);
			return oom(aerr);
		}
	sfn_history_free(&h);
	return CUTOVER_OK;
}

/* The execution to follow among a state machine's newest: a RUNNING one
 * first, else the newest. */
static const struct sfn_execution *pick_execution(const struct sfn_execution_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		if (str_eq(l->items[i].status, "RUNNING"))
			return &l->items[i];
	return l->count ? &l->items[0] : NULL;
}

/* Feed the walks of execution xi's phases what its history gained since the
 * last poll.  An unchanged history costs nothing here: at scale (50 phases,
 * 20,000 events) re-reading it all at every poll was most of the console's
 * CPU (tests/bench/notes.md). */
static enum cutover_status feed_walks(const struct runbook *rb, size_t xi,
                                      struct engine_exec_cache *c)
{
	const struct runbook_execution *x = &rb->executions[xi];
	size_t n, k = 0;
	struct exec_event *evs;

	if (!c->walks) {
		size_t nw = 0;

		for (size_t p = 0; p < rb->nphases; p++)
			nw += rb->phases[p].execution == x;
		if (!(c->walks = calloc(nw ? nw : 1, sizeof(*c->walks))))
			return CUTOVER_ENOMEM;
		c->nwalks = nw;
		for (size_t i = 0; i < nw; i++)
			phase_walk_init(&c->walks[i]);
		c->walked = 0;
	}
	n = c->nevents - c->walked;
	if (n == 0)
		return CUTOVER_OK;
	if (!(evs = calloc(n, sizeof(*evs))))
		return CUTOVER_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct engine_event *s = &c->events[c->walked + i];

		evs[i] = (struct exec_event){s->id,       s->ts,    s->type,  s->state,
		                             s->resource, s->token, s->error, s->cause};
	}
	for (size_t p = 0; p < rb->nphases; p++)
		if (rb->phases[p].execution == x)
			phase_walk_feed(&c->walks[k++], &rb->phases[p], evs, n);
	free(evs);
	c->walked = c->nevents;
	return CUTOVER_OK;
}

static enum cutover_status fill_execution_view(struct engine_execution_view *v,
                                               const struct engine_exec_cache *c,
                                               const struct sfn_execution *d,
                                               const struct sfn_execution_list *jobs)
{
	size_t first = c->nevents > ENGINE_RECENT_EVENTS ? c->nevents - ENGINE_RECENT_EVENTS : 0;

	if (d) {
		v->arn = dup_or_null(d->execution_arn ? d->execution_arn : c->arn, NULL);
		v->status = dup_or_null(d->status, NULL);
		v->start = d->start_date;
		v->stop = d->stop_date;
		v->error = dup_or_null(d->error, NULL);
		v->cause = dup_or_null(d->cause, NULL);
		if ((!v->arn && c->arn) || (d->status && !v->status) || (d->error && !v->error) ||
		    (d->cause && !v->cause))
			return CUTOVER_ENOMEM;
	}
	if (c->nevents > first) {
		v->events = calloc(c->nevents - first, sizeof(*v->events));
		if (!v->events)
			return CUTOVER_ENOMEM;
		for (size_t i = first; i < c->nevents; i++) {
			const struct engine_event *s = &c->events[i];
			struct engine_event_view *ev = &v->events[v->nevents++];

			ev->id = s->id;
			ev->ts = s->ts;
			ev->type = dup_or_null(s->type, NULL);
			ev->state = dup_or_null(s->state, NULL);
			ev->error = dup_or_null(s->error, NULL);
			ev->cause = dup_or_null(s->cause, NULL);
			ev->input = dup_or_null(s->input, NULL);
			if ((s->type && !ev->type) || (s->state && !ev->state) ||
			    (s->error && !ev->error) || (s->cause && !ev->cause) ||
			    (s->input && !ev->input))
				return CUTOVER_ENOMEM;
		}
	}
	if (jobs && jobs->count) {
		v->jobs = calloc(jobs->count, sizeof(*v->jobs));
		if (!v->jobs)
			return CUTOVER_ENOMEM;
		for (size_t i = 0; i < jobs->count; i++) {
			const struct sfn_execution *s = &jobs->items[i];
			struct engine_job_view *j = &v->jobs[v->njobs++];

			j->name = dup_or_null(s->name, NULL);
			j->arn = dup_or_null(s->execution_arn, NULL);
			j->status = dup_or_null(s->status, NULL);
			j->start = s->start_date;
			j->stop = s->stop_date;
			if ((s->name && !j->name) || (s->execution_arn && !j->arn) ||
			    (s->status && !j->status))
				return CUTOVER_ENOMEM;
		}
		v->jobs_truncated = jobs->truncated != 0;
	}
	return CUTOVER_OK;
}

static enum cutover_status fill_phase_view(struct engine_phase_view *v,
                                           const struct runbook_phase *ph,
                                           const struct phase_view *pv, const char *arn)
{
	v->def = ph;
	v->status = pv->status;
	v->state_since = pv->state_since;
	v->started = pv->started;
	v->ended = pv->ended;
	v->elapsed_s = pv->elapsed_s;
	v->estimate_s = 60.0 * ph->estimate_min;
	v->stuck = pv->stuck;
	v->waiting_since = pv->waiting_since;
	v->current_state = dup_or_null(pv->current_state, NULL);
	v->task_token = dup_or_null(pv->task_token, NULL);
	v->error = dup_or_null(pv->error, NULL);
	v->cause = dup_or_null(pv->cause, NULL);
	v->execution_arn = dup_or_null(arn, NULL);
	if ((pv->current_state && !v->current_state) || (pv->task_token && !v->task_token) ||
	    (pv->error && !v->error) || (pv->cause && !v->cause) || (arn && !v->execution_arn))
		return CUTOVER_ENOMEM;
	return CUTOVER_OK;
}

static enum cutover_status poll_executions(struct engine *e, struct aws_client *cl,
                                           struct aws_error *aerr)
{
	const struct runbook *rb = e->rb;
	size_t nx = rb->nexecutions, np = rb->nphases;
	struct engine_execution_view *xv = calloc(nx ? nx : 1, sizeof(*xv));
	struct engine_phase_view *pv = calloc(np ? np : 1, sizeof(*pv));
	struct engine_approval_view *av = calloc(np ? np : 1, sizeof(*av));
	struct exec_view *ex = calloc(nx ? nx : 1, sizeof(*ex));
	size_t *wk = calloc(nx ? nx : 1, sizeof(*wk)); /* next walk of each execution */
	struct sfn_execution *desc = calloc(nx ? nx : 1, sizeof(*desc));
	bool *have = calloc(nx ? nx : 1, sizeof(*have));
	size_t na = 0;
	enum cutover_status st = CUTOVER_OK;
	double now;

	if (!xv || !pv || !av || !ex || !wk || !desc || !have) {
		st = oom(aerr);
		goto out;
	}
	for (size_t i = 0; i < nx; i++) {
		const struct runbook_execution *x = &rb->executions[i];
		struct engine_exec_cache *c = &e->exec_cache[i];
		struct sfn_execution_list jobs = {0};
		const char *arn = x->execution_arn;

		xv[i].def = x;
		if ((st = sfn_list_executions(cl, x->state_machine_arn, NULL, ENGINE_MAX_JOBS,
		                              &jobs, aerr)) != CUTOVER_OK)
			goto out;
		if (!arn) {
			const struct sfn_execution *p = pick_execution(&jobs);

			arn = p ? p->execution_arn : NULL;
		}
		if (!str_eq(arn, c->arn)) {
			cache_reset(c);
			free(c->arn);
			c->arn = dup_or_null(arn, NULL);
			if (arn && !c->arn) {
				sfn_execution_list_free(&jobs);
				st = oom(aerr);
				goto out;
			}
		}
		if (c->arn) {
			if ((st = sfn_describe_execution(cl, c->arn, &desc[i], aerr)) !=
			        CUTOVER_OK ||
			    (st = update_history(cl, c, aerr)) != CUTOVER_OK) {
				sfn_execution_list_free(&jobs);
				goto out;
			}
			have[i] = true;
		}
		st = fill_execution_view(&xv[i], c, have[i] ? &desc[i] : NULL, &jobs);
		sfn_execution_list_free(&jobs);
		if (st != CUTOVER_OK) {
			st = oom(aerr);
			goto out;
		}
		if (have[i]) {
			if (feed_walks(rb, i, c) != CUTOVER_OK) {
				st = oom(aerr);
				goto out;
			}
			/* The walks hold the history; the view needs only these. */
			ex[i].status = desc[i].status;
			ex[i].start = desc[i].start_date;
			ex[i].stop = desc[i].stop_date;
		}
	}
	now = engine_now(e);
	for (size_t p = 0; p < np; p++) {
		const struct runbook_phase *ph = &rb->phases[p];
		size_t xi = (size_t)(ph->execution - rb->executions);
		size_t k = xi < nx ? wk[xi]++ : 0;
		struct phase_view v;

		if (xi < nx && have[xi])
			phase_walk_view(&e->exec_cache[xi].walks[k], ph, &ex[xi], now, &v);
		else
			phase_eval(ph, NULL, now, &v);
		if (fill_phase_view(&pv[p], ph, &v, xi < nx ? e->exec_cache[xi].arn : NULL) !=
		    CUTOVER_OK) {
			st = oom(aerr);
			goto out;
		}
		if (v.status == PHASE_WAITING && v.task_token) {
			av[na].phase = p;
			av[na].state = dup_or_null(v.current_state, NULL);
			av[na].task_token = dup_or_null(v.task_token, NULL);
			av[na].since = v.waiting_since;
			na++;
			if ((v.current_state && !av[na - 1].state) || !av[na - 1].task_token) {
				st = oom(aerr);
				goto out;
			}
		}
	}

	/* Swap: the old views come back in xv/pv/av and are freed below. */
	engine_lock(e);
	for (size_t i = 0; i < nx; i++) {
		struct engine_execution_view t = e->state.executions[i];

		e->state.executions[i] = xv[i];
		xv[i] = t;
	}
	for (size_t p = 0; p < np; p++) {
		struct engine_phase_view t = e->state.phases[p];

		e->state.phases[p] = pv[p];
		pv[p] = t;
	}
	{
		struct engine_approval_view *t = e->state.approvals;
		size_t tn = e->state.napprovals;

		e->state.approvals = av;
		e->state.napprovals = na;
		av = t;
		na = tn;
	}
	engine_unlock_publish(e);
out:
	for (size_t i = 0; xv && i < nx; i++)
		engine_execution_view_free(&xv[i]);
	for (size_t p = 0; pv && p < np; p++)
		engine_phase_view_free(&pv[p]);
	for (size_t a = 0; av && a < na; a++)
		engine_approval_view_free(&av[a]);
	for (size_t i = 0; desc && i < nx; i++)
		sfn_execution_free(&desc[i]);
	free(xv);
	free(pv);
	free(av);
	free(ex);
	free(wk);
	free(desc);
	free(have);
	return st;
}

/* --- flags ---------------------------------------------------------------- */

static enum cutover_status poll_flags(struct engine *e, struct aws_client *cl,
                                      struct aws_error *aerr)
{
	const struct runbook *rb = e->rb;
	size_t n = rb->nflags;
	const char **names = calloc(n, sizeof(*names));
	struct engine_flag_view *fv = calloc(n, sizeof(*fv));
	struct ssm_parameter_list l = {0};
	enum cutover_status st;

	if (!names || !fv) {
		st = oom(aerr);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		names[i] = rb->flags[i].ssm;
	if ((st = ssm_get_parameters(cl, names, n, 0, &l, aerr)) != CUTOVER_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct engine_flag_priv *fp = &e->flag_priv[i];
		const struct ssm_parameter *p = NULL;

		fv[i].def = &rb->flags[i];
		for (size_t k = 0; k < l.count; k++)
			if (str_eq(l.items[k].name, names[i]))
				p = &l.items[k];
		if (!p)
			continue;
		fv[i].present = true;
		fv[i].version = p->version;
		fv[i].last_modified = p->last_modified_date;
		fv[i].value = dup_or_null(p->value, NULL);
		fv[i].ssm_type = dup_or_null(p->type, NULL);
		if (fp->user_version != p->version) {
			/* Who wrote this version: only the history says.  A failure
			 * here leaves the user unknown and is retried next poll. */
			struct ssm_parameter_list h = {0};
			struct aws_error herr;

			aws_error_clear(&herr);
			if (ssm_get_parameter_history(cl, names[i], 0, 0, &h, &herr) ==
			    CUTOVER_OK) {
				for (size_t k = h.count; k-- > 0;)
					if (h.items[k].version == p->version) {
						free(fp->user);
						fp->user =
						    dup_or_null(h.items[k].last_modified_user, NULL);
						fp->user_version = p->version;
						break;
					}
			} else if (herr.kind == AWS_ERR_CANCELLED) {
				*aerr = herr;
				st = herr.status;
				goto out;
			}
			ssm_parameter_list_free(&h);
		}
		if (fp->user_version == p->version)
			fv[i].last_modified_user = dup_or_null(fp->user, NULL);
	}
	engine_lock(e);
	for (size_t i = 0; i < n; i++) {
		struct engine_flag_view t = e->state.flags[i];

		e->state.flags[i] = fv[i];
		fv[i] = t;
	}
	engine_unlock_publish(e);
out:
	for (size_t i = 0; fv && i < n; i++)
		engine_flag_view_free(&fv[i]);
	ssm_parameter_list_free(&l);
	free(fv);
	free(names);
	return st;
}

/* --- gauges --------------------------------------------------------------- */

static void ring_push(struct engine_gauge_priv *p, double v, double ts)
{
	p->ring[p->ring_head] = v;
	p->ring_head = (p->ring_head + 1) % ENGINE_HISTORY;
	if (p->ring_count < ENGINE_HISTORY)
		p->ring_count++;
	p->ring_last_ts = ts;
}

/* The line under a gauge (NULL: none); a copy is made. */
static void set_detail(struct engine_gauge_priv *p, const char *text)
{
	free(p->detail);
	p->detail = dup_or_null(text, NULL);
}

static void publish_gauges(struct engine *e, enum runbook_gauge_kind k1, enum runbook_gauge_kind k2)
{
	engine_lock(e);
	for (size_t i = 0; i < e->rb->ngauges; i++)
		if (e->rb->gauges[i].kind == k1 || e->rb->gauges[i].kind == k2)
			engine_publish_gauge_locked(e, i);
	engine_unlock_publish(e);
}

/* The metric and expression gauges: all of them in one GetMetricData
 * (only < 0), or gauge `only` alone (engine_poll_gauge). */
static enum cutover_status poll_metrics(struct engine *e, struct aws_client *cl, long only,
                                        struct aws_error *aerr)
{
	const struct runbook *rb = e->rb;
	struct metric_query_plan plan;
	struct cw_metric_data d = {0};
	struct cutover_err err;
	enum cutover_status st;
	bool *fed = NULL;
	double now = engine_now(e);

	st = only < 0 ? metric_query_plan_build(rb, now, &plan, &err)
	              : metric_query_plan_build_gauge(rb, (size_t)only, now, &plan, &err);
	if (st != CUTOVER_OK) {
		aws_error_clear(aerr);
		aerr->kind = AWS_ERR_INVALID;
		aerr->status = st;
		memcpy(aerr->message, err.msg, sizeof(aerr->message) - 1);
		aerr->message[sizeof(aerr->message) - 1] = '\0';
		goto out;
	}
	if (plan.nqueries == 0)
		goto out;
	if ((st = cw_get_metric_data(cl, plan.queries, plan.nqueries, plan.start, plan.end, &d,
	                             aerr)) != CUTOVER_OK)
		goto out;
	if (!(fed = calloc(rb->ngauges, sizeof(*fed)))) {
		st = oom(aerr);
		goto out;
	}
	now = engine_now(e);
	for (size_t r = 0; r < d.count; r++) {
		long gi = metric_query_gauge_of(d.results[r].id);
		const struct cw_result *res = &d.results[r];
		struct engine_gauge_priv *p;

		if (gi < 0 || (size_t)gi >= rb->ngauges || (only >= 0 && gi != only))
			continue;
		p = &e->gauge_priv[gi];
		gauge_eval_feed(&p->eval, &rb->gauges[gi], res->timestamps, res->values, res->count,
		                now);
		for (size_t k = 0; k < res->count; k++)
			if (res->timestamps[k] > p->ring_last_ts && !isnan(res->values[k]))
				ring_push(p, res->values[k], res->timestamps[k]);
		if (res->status_code && !str_eq(res->status_code, "Complete"))
			set_detail(p, res->status_code);
		else
			set_detail(p, NULL);
		fed[gi] = true;
	}
	for (size_t i = 0; i < rb->ngauges; i++) {
		const struct runbook_gauge *g = &rb->gauges[i];

		if ((g->kind == RUNBOOK_GAUGE_METRIC || g->kind == RUNBOOK_GAUGE_EXPRESSION) &&
		    !fed[i] && (only < 0 || (size_t)only == i))
			gauge_eval_tick(&e->gauge_priv[i].eval, g, now);
	}
	publish_gauges(e, RUNBOOK_GAUGE_METRIC, RUNBOOK_GAUGE_EXPRESSION);
out:
	free(fed);
	cw_metric_data_free(&d);
	metric_query_plan_free(&plan);
	return st;
}

/* The alarm gauges: all in one DescribeAlarms, or gauge `only`'s alarm. */
static enum cutover_status poll_alarms(struct engine *e, struct aws_client *cl, long only,
                                       struct aws_error *aerr)
{
	const struct runbook *rb = e->rb;
	const char **names = calloc(rb->ngauges ? rb->ngauges : 1, sizeof(*names));
	struct cw_alarm_list l = {0};
	enum cutover_status st;
	size_t n = 0;
	double now;

	if (!names)
		return oom(aerr);
	for (size_t i = 0; i < rb->ngauges; i++)
		if (rb->gauges[i].kind == RUNBOOK_GAUGE_ALARM && (only < 0 || (size_t)only == i))
			names[n++] = rb->gauges[i].alarm;
	if ((st = cw_describe_alarms(cl, names, n, NULL, 0, &l, aerr)) != CUTOVER_OK)
		goto out;
	now = engine_now(e);
	for (size_t i = 0; i < rb->ngauges; i++) {
		const struct runbook_gauge *g = &rb->gauges[i];
		struct engine_gauge_priv *p = &e->gauge_priv[i];
		const struct cw_alarm *a = NULL;
		char buf[640];

		if (g->kind != RUNBOOK_GAUGE_ALARM || (only >= 0 && (size_t)only != i))
			continue;
		for (size_t k = 0; k < l.count; k++)
			if (str_eq(l.items[k].name, g->alarm))
				a = &l.items[k];
		if (!a) {
			gauge_eval_tick(&p->eval, g, now);
			snprintf(buf, sizeof(buf), "alarm %s not found: check its name and region",
			         g->alarm);
			set_detail(p, buf);
			continue;
		}
		gauge_eval_alarm(&p->eval, g, a->state_value ? a->state_value : "INSUFFICIENT_DATA",
		                 now);
		if (!isnan(p->eval.value)) /* 1 ALARM, 0 OK; INSUFFICIENT_DATA is no datum */
			ring_push(p, p->eval.value, now);
		set_detail(p, a->state_reason);
	}
	publish_gauges(e, RUNBOOK_GAUGE_ALARM, RUNBOOK_GAUGE_ALARM);
out:
	cw_alarm_list_free(&l);
	free(names);
	return st;
}

/* The HTTP gauges: every URL in turn, or gauge `only`'s. */
static enum cutover_status poll_health(struct engine *e, struct aws_client *cl, long only,
                                       struct aws_error *aerr)
{
	const struct runbook *rb = e->rb;

	for (size_t i = 0; i < rb->ngauges; i++) {
		const struct runbook_gauge *g = &rb->gauges[i];
		struct engine_gauge_priv *p = &e->gauge_priv[i];
		struct aws_health h;
		struct aws_error herr;
		enum cutover_status st;
		char buf[640];
		bool ok;
		double now;

		if (g->kind != RUNBOOK_GAUGE_HTTP || (only >= 0 && (size_t)only != i))
			continue;
		aws_error_clear(&herr);
		st = aws_health_check(cl, g->url, 4096, &h, &herr);
		if (herr.kind == AWS_ERR_CANCELLED) {
			aws_health_free(&h);
			*aerr = herr;
			return herr.status ? herr.status : CUTOVER_ECANCELLED;
		}
		now = engine_now(e);
		/* A failing check is the gauge's datum, not the source's failure. */
		ok = st == CUTOVER_OK &&
		     h.http_status == (g->expect_status ? g->expect_status : 200);
		gauge_eval_http(&p->eval, g, ok, (double)h.latency_ms, now);
		if (st != CUTOVER_OK)
			p->eval.value = NAN; /* no answer: no latency to show */
		if (st == CUTOVER_OK)
			ring_push(p, (double)h.latency_ms, now);
		if (st == CUTOVER_OK)
			snprintf(buf, sizeof(buf), "%ld \xc2\xb7 %ld ms", h.http_status,
			         h.latency_ms);
		else
			snprintf(buf, sizeof(buf), "%s",
			         herr.detail[0]    ? herr.detail
			         : herr.message[0] ? herr.message
			                           : cutover_status_str(st));
		set_detail(p, buf);
		aws_health_free(&h);
	}
	publish_gauges(e, RUNBOOK_GAUGE_HTTP, RUNBOOK_GAUGE_HTTP);
	return CUTOVER_OK;
}

/* --- identity ------------------------------------------------------------- */

static enum cutover_status poll_identity(struct engine *e, struct aws_client *cl,
                                         struct aws_error *aerr)
{
	struct sts_identity id;
	struct aws_credentials_info info;
	enum cutover_status st;
	char *arn, *account, *source;

	if ((st = sts_get_caller_identity(cl, &id, aerr)) != CUTOVER_OK)
		return st;
	aws_credentials_provider_info(e->prov, &info);
	arn = strdup(id.arn);
	account = strdup(id.account);
	source = strdup(info.source);
	if (!arn || !account || !source) {
		free(arn);
		free(account);
		free(source);
		return oom(aerr);
	}
	engine_lock(e);
	free(e->state.header.caller_arn);
	free(e->state.header.account);
	free(e->state.header.credential_source);
	e->state.header.caller_arn = arn;
	e->state.header.account = account;
	e->state.header.credential_source = source;
	e->state.header.credential_expiry = (double)info.expiration;
	engine_unlock_publish(e);
	return CUTOVER_OK;
}

enum cutover_status engine_source_poll(struct engine *e, enum runbook_source src,
                                       struct aws_error *aerr)
{
	struct aws_client *cl = e->src[src].client;

	switch (src) {
	case RUNBOOK_SRC_EXECUTIONS:
		return poll_executions(e, cl, aerr);
	case RUNBOOK_SRC_FLAGS:
		return poll_flags(e, cl, aerr);
	case RUNBOOK_SRC_METRICS:
		return poll_metrics(e, cl, -1, aerr);
	case RUNBOOK_SRC_ALARMS:
		return poll_alarms(e, cl, -1, aerr);
	case RUNBOOK_SRC_HEALTH:
		return poll_health(e, cl, -1, aerr);
	case RUNBOOK_SRC_IDENTITY:
		return poll_identity(e, cl, aerr);
	default:
		return CUTOVER_EINVAL;
	}
}

enum cutover_status engine_gauge_poll(struct engine *e, size_t gi, struct aws_error *aerr)
{
	const struct runbook_gauge *g = &e->rb->gauges[gi];

	switch (g->kind) {
	case RUNBOOK_GAUGE_METRIC:
	case RUNBOOK_GAUGE_EXPRESSION:
		return poll_metrics(e, e->src[RUNBOOK_SRC_METRICS].client, (long)gi, aerr);
	case RUNBOOK_GAUGE_ALARM:
		return poll_alarms(e, e->src[RUNBOOK_SRC_ALARMS].client, (long)gi, aerr);
	case RUNBOOK_GAUGE_HTTP:
		return poll_health(e, e->src[RUNBOOK_SRC_HEALTH].client, (long)gi, aerr);
	default:
		return CUTOVER_EINVAL;
	}
}
