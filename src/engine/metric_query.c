/* metric_query.c: one GetMetricData request for every gauge (see
 * metric_query.h). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cutover/gauge_eval.h"
#include "cutover/strbuf.h"
#include "engine/metric_query.h"

static bool is_metric_gauge(const struct runbook_gauge *g)
{
	return g->kind == RUNBOOK_GAUGE_METRIC || g->kind == RUNBOOK_GAUGE_EXPRESSION;
}

static unsigned period_of(const struct runbook_gauge *g)
{
	return g->period_s ? g->period_s : 60;
}

static unsigned for_n_of(const struct runbook_gauge *g)
{
	return g->has_trigger && g->trigger.for_n ? g->trigger.for_n : 1;
}

long metric_query_gauge_of(const char *id)
{
	char *end;
	long v;

	if (!id || (id[0] != 'm' && id[0] != 'e') || !isdigit((unsigned char)id[1]))
		return -1;
	v = strtol(id + 1, &end, 10);
	if (v < 0)
		return -1;
	if (id[0] == 'e')
		return *end == '\0' ? v : -1;
	return strcmp(end, "_0") == 0 ? v : -1;
}

enum cutover_status metric_query_rewrite(const char *expr, const struct runbook_gauge *g, size_t gi,
                                         char **out)
{
	struct strbuf sb = STRBUF_INIT;
	enum cutover_status st = CUTOVER_OK;
	const char *p = expr;

	*out = NULL;
	while (*p && st == CUTOVER_OK) {
		if (*p == '\'' || *p == '"') {
			/* A quoted string (SEARCH's query, a label): copied as is. */
			const char *q = strchr(p + 1, *p);
			size_t n = q ? (size_t)(q - p) + 1 : strlen(p);

			st = strbuf_append(&sb, p, n);
			p += n;
		} else if (isalpha((unsigned char)*p) || *p == '_') {
			const char *s = p;
			size_t n, j;

			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			n = (size_t)(p - s);
			for (j = 0; j < g->nmetrics; j++)
				if (g->metrics[j].id && strlen(g->metrics[j].id) == n &&
				    memcmp(g->metrics[j].id, s, n) == 0)
					break;
			if (j < g->nmetrics)
				st = strbuf_printf(&sb, "m%zu_%zu", gi, j);
			else
				st = strbuf_append(&sb, s, n);
		} else if (isdigit((unsigned char)*p)) {
			/* Numbers (1e3 included) are not names. */
			const char *s = p;

			while (isalnum((unsigned char)*p) || *p == '.')
				p++;
			st = strbuf_append(&sb, s, (size_t)(p - s));
		} else {
			st = strbuf_append(&sb, p, 1);
			p++;
		}
	}
	if (st == CUTOVER_OK && !(*out = strbuf_take(&sb)))
		st = CUTOVER_ENOMEM;
	strbuf_free(&sb);
	return st;
}

static char *keep(struct metric_query_plan *p, char *s)
{
	if (s)
		p->strings[p->nstrings++] = s;
	return s;
}

/* "m<gi>_<j>" for a metric, "e<gi>" for an expression (j < 0). */
static char *make_id(struct metric_query_plan *p, size_t gi, long j)
{
	char buf[48];

	if (j < 0)
		snprintf(buf, sizeof(buf), "e%zu", gi);
	else
		snprintf(buf, sizeof(buf), "m%zu_%ld", gi, j);
	return keep(p, strdup(buf));
}

static enum cutover_status add_metric(struct metric_query_plan *p, const struct runbook_metric *m,
                                      const char *id, unsigned period, int hide)
{
	struct cw_query *q = &p->queries[p->nqueries++];

	memset(q, 0, sizeof(*q));
	q->id = id;
	q->hide = hide;
	q->namespace_name = m->namespace_name;
	q->metric_name = m->name;
	q->period = (int)period;
	q->stat = m->stat ? m->stat : "Average";
	q->dimensions = &p->dims[p->ndims];
	q->dimension_count = m->ndimensions;
	for (size_t d = 0; d < m->ndimensions; d++) {
		p->dims[p->ndims].name = m->dimensions[d].name;
		p->dims[p->ndims].value = m->dimensions[d].value;
		p->ndims++;
	}
	return CUTOVER_OK;
}

/* The plan for every metric gauge (only < 0) or for gauge `only` alone. */
static enum cutover_status build(const struct runbook *rb, long only, double now,
                                 struct metric_query_plan *out, struct cutover_err *err)
{
	size_t nq = 0, nd = 0;
	unsigned pmin = 0, pmax = 0;
	double reach = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < rb->ngauges; i++) {
		const struct runbook_gauge *g = &rb->gauges[i];
		unsigned per;

		if (!is_metric_gauge(g) || (only >= 0 && (size_t)only != i))
			continue;
		per = period_of(g);
		if (g->kind == RUNBOOK_GAUGE_METRIC) {
			nq += 1;
			nd += g->metric.ndimensions;
		} else {
			nq += g->nmetrics + 1;
			for (size_t j = 0; j < g->nmetrics; j++)
				nd += g->metrics[j].ndimensions;
		}
		if (!pmin || per < pmin)
			pmin = per;
		if (per > pmax)
			pmax = per;
		if ((double)(for_n_of(g) + GAUGE_STALE_PERIODS + 1) * per > reach)
			reach = (double)(for_n_of(g) + GAUGE_STALE_PERIODS + 1) * per;
	}
	if (nq == 0)
		return CUTOVER_OK;
	if (nq > METRIC_QUERY_MAX)
		return cutover_errf(
		    err, CUTOVER_EINVAL,
		    "the runbook's gauges need %zu CloudWatch queries; one GetMetricData "
		    "call takes at most %d: split the gauges across runbooks",
		    nq, METRIC_QUERY_MAX);
	out->queries = calloc(nq, sizeof(*out->queries));
	out->strings = calloc(2 * nq, sizeof(*out->strings));
	out->dims = calloc(nd ? nd : 1, sizeof(*out->dims));
	if (!out->queries || !out->strings || !out->dims)
		return cutover_errf(err, CUTOVER_ENOMEM, "out of memory building the metric query");

	out->end = floor(now / pmin) * pmin;
	out->start = floor((out->end - reach) / pmax) * pmax;

	for (size_t i = 0; i < rb->ngauges; i++) {
		const struct runbook_gauge *g = &rb->gauges[i];
		unsigned per = period_of(g);

		if (only >= 0 && (size_t)only != i)
			continue;
		if (g->kind == RUNBOOK_GAUGE_METRIC) {
			const char *id = make_id(out, i, 0);

			if (!id)
				return cutover_errf(err, CUTOVER_ENOMEM,
				                    "out of memory building the metric query");
			(void)add_metric(out, &g->metric, id, per, 0);
		} else if (g->kind == RUNBOOK_GAUGE_EXPRESSION) {
			struct cw_query *q;
			char *expr = NULL, *id;
			enum cutover_status st;

			for (size_t j = 0; j < g->nmetrics; j++) {
				id = make_id(out, i, (long)j);
				if (!id)
					return cutover_errf(
					    err, CUTOVER_ENOMEM,
					    "out of memory building the metric query");
				(void)add_metric(out, &g->metrics[j], id, per, 1);
			}
			id = make_id(out, i, -1);
			if (!id)
				return cutover_errf(err, CUTOVER_ENOMEM,
				                    "out of memory building the metric query");
			if ((st = metric_query_rewrite(g->expression, g, i, &expr)) != CUTOVER_OK)
				return cutover_errf(err, st,
				                    "out of memory building the metric query");
			keep(out, expr);
			q = &out->queries[out->nqueries++];
			memset(q, 0, sizeof(*q));
			q->id = id;
			q->expression = expr;
			q->period = (int)per;
		}
	}
	return CUTOVER_OK;
}

enum cutover_status metric_query_plan_build(const struct runbook *rb, double now,
                                            struct metric_query_plan *out, struct cutover_err *err)
{
	return build(rb, -1, now, out, err);
}

enum cutover_status metric_query_plan_build_gauge(const struct runbook *rb, size_t gi, double now,
                                                  struct metric_query_plan *out,
                                                  struct cutover_err *err)
{
	if (gi >= rb->ngauges) {
		memset(out, 0, sizeof(*out));
		return cutover_errf(err, CUTOVER_EINVAL, "no gauge %zu in the runbook", gi);
	}
	return build(rb, (long)gi, now, out, err);
}

void metric_query_plan_free(struct metric_query_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nstrings; i++)
		free(p->strings[i]);
	free(p->strings);
	free(p->queries);
	free(p->dims);
	memset(p, 0, sizeof(*p));
}
