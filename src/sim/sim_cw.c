/* sim_cw.c: CloudWatch GetMetricData and DescribeAlarms on the sim's wire
 * (see sim_cw.h).
 *
 * Both protocols meet in one place: a Query form is turned into the same
 * JSON tree a JSON 1.0 client sends (member.N lists become arrays, numbers,
 * booleans and ISO-8601 times are converted by member name), one handler
 * per operation validates and answers with a cJSON tree, and the answer is
 * printed as JSON or as Query XML (timestamps as ISO-8601 there). */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cutover/strbuf.h"
#include "sim/sim_cw.h"
#include "sim/sim_expr.h"
#include "sim/sim_metrics.h"

#define JSON_CT "application/x-amz-json-1.0"
#define XML_CT "text/xml"
#define XMLNS "http://monitoring.amazonaws.com/doc/2010-08-01/"
#define MAX_QUERIES 500
#define DEFAULT_MAX_DATAPOINTS 100800
/* Work cap per request (grid points over all queries): the sim's own limit. */
#define MAX_GRID_POINTS 2000000
#define MAX_EPOCH 32503680000.0 /* 3000-01-01 */

struct sim_cw {
	struct sim_metrics *m;
	char region[64];
	char account[32];
	uint64_t seed;
	uint64_t reqstate; /* request ids for Query answers */
};

/* ---- errors ----------------------------------------------------------------- */

struct cw_error {
	const char *code; /* Query-era code: "InvalidParameterValue" */
	char message[768];
};

static const struct {
	const char *code;
	int http;
	const char *type;  /* JSON __type */
	const char *fault; /* Sender | Receiver; NULL: no x-amzn-query-error */
} error_table[] = {
    {"InvalidParameterValue", 400, "com.amazonaws.cloudwatch#InvalidParameterValueException",
     "Sender"},
    {"MissingParameter", 400, "com.amazonaws.cloudwatch#MissingRequiredParameterException",
     "Sender"},
    {"InvalidParameterCombination", 400,
     "com.amazonaws.cloudwatch#InvalidParameterCombinationException", "Sender"},
    {"InvalidNextToken", 400, "com.amazonaws.cloudwatch#InvalidNextToken", "Sender"},
    {"ValidationError", 400, "com.amazon.coral.validate#ValidationException", "Sender"},
    {"InvalidAction", 400, "com.amazon.coral.service#UnknownOperationException", "Sender"},
    {"MalformedQueryString", 400, "com.amazon.coral.service#SerializationException", "Sender"},
    {"MissingAction", 400, "com.amazon.coral.service#UnknownOperationException", "Sender"},
    {"SerializationException", 400, "com.amazon.coral.service#SerializationException", NULL},
    {"InternalServiceError", 500, "com.amazonaws.cloudwatch#InternalServiceFault", "Receiver"},
};

static int cw_fail(struct cw_error *e, const char *code, const char *fmt, ...) CUTOVER_PRINTF(3, 4);

/* Record the first error only; returns -1 so `return cw_fail(...)` reads well. */
static int cw_fail(struct cw_error *e, const char *code, const char *fmt, ...)
{
	va_list ap;

	if (e->code)
		return -1;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return -1;
}

static size_t error_index(const char *code)
{
	for (size_t i = 0; i < sizeof(error_table) / sizeof(error_table[0]); i++)
		if (strcmp(error_table[i].code, code) == 0)
			return i;
	return sizeof(error_table) / sizeof(error_table[0]) - 1;
}

static void reply_reset(struct sim_reply *r)
{
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
	r->query_error[0] = '\0';
	r->content_type[0] = '\0';
	r->http_status = 500;
}

static void json_error(struct sim_reply *r, const struct cw_error *e)
{
	size_t i = error_index(e->code);

	sim_reply_json_error(r, error_table[i].http, JSON_CT, error_table[i].type, e->message);
	if (error_table[i].fault)
		snprintf(r->query_error, sizeof(r->query_error), "%s;%s", e->code,
		         error_table[i].fault);
}

/* ---- small helpers ---------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil): timegm() is not in POSIX, so it is done by hand. */
static int64_t days_from_civil(int64_t y, int64_t mo, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= mo <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* ISO-8601 as botocore and the AWS CLI send it: 2024-05-01T12:00:00Z,
 * with optional fractional seconds and a Z or +hh:mm / -hhmm offset.
 * A bare number is taken as epoch seconds, as botocore also accepts. */
static int parse_iso8601(const char *s, double *out)
{
	int y, mo, d, h, mi, n = 0;
	double sec, frac = 0;
	const char *p;
	char *end;

	if (isdigit((unsigned char)s[0]) && !strchr(s, '-') && !strchr(s, 'T')) {
		double v = strtod(s, &end);

		if (*end || !isfinite(v))
			return -1;
		*out = v;
		return 0;
	}
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%n", &y, &mo, &d, &h, &mi, &n) != 5 || n == 0)
		return -1;
	p = s + n;
	if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
		return -1;
	sec = (p[0] - '0') * 10 + (p[1] - '0');
	p += 2;
	if (*p == '.') {
		double scale = 0.1;

		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p)) {
			frac += (*p - '0') * scale;
			scale /= 10;
			p++;
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	*out = (double)(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60) + sec + frac;
	if (*p == 'Z' && p[1] == '\0')
		return 0;
	if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2])) {
		int sign = *p == '-' ? -1 : 1, oh = (p[1] - '0') * 10 + (p[2] - '0'), om = 0;

		p += 3;
		if (*p == ':')
			p++;
		if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1])) {
			om = (p[0] - '0') * 10 + (p[1] - '0');
			p += 2;
		}
		if (*p)
			return -1;
		*out -= sign * (oh * 3600 + om * 60);
		return 0;
	}
	return -1;
}

static void fmt_iso8601(char *buf, size_t n, double t)
{
	time_t tt = (time_t)floor(t);
	double frac = t - floor(t);
	struct tm tm;

	gmtime_r(&tt, &tm);
	if (frac > 0.0005) {
		char base[32];

		strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(buf, n, "%s.%03dZ", base, (int)floor(frac * 1000 + 0.5) % 1000);
	} else {
		strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
}

/* A UUID-shaped request id from the sim's seed, for Query answers. */
static void make_request_id(struct sim_cw *c, char *buf, size_t n)
{
	uint64_t a = sim_rand_next(&c->reqstate), b = sim_rand_next(&c->reqstate);

	snprintf(buf, n, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
	         (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
	         (unsigned)(0x8000 | ((b >> 48) & 0x3fff)),
	         (unsigned long long)(b & 0xffffffffffffULL));
}

static cJSON *add_arr(cJSON *o, const char *k)
{
	cJSON *a = cJSON_CreateArray();

	if (a)
		cJSON_AddItemToObject(o, k, a);
	return a;
}

/* Member access with type checks; the path in messages is the Query-style
 * one CloudWatch uses ("MetricDataQueries.member.1.MetricStat.Period"). */
static const cJSON *member(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return v && !cJSON_IsNull(v) ? v : NULL;
}

static int want_string(const cJSON *v, const char *path, size_t max, struct cw_error *e)
{
	if (!cJSON_IsString(v))
		return cw_fail(e, "SerializationException", "%s must be a string", path);
	if (strlen(v->valuestring) > max)
		return cw_fail(e, "ValidationError",
		               "1 validation error detected: Value at '%s' failed to satisfy "
		               "constraint: Member must have length less than or equal to %zu",
		               path, max);
	return 0;
}

static int want_number(const cJSON *v, const char *path, struct cw_error *e)
{
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return cw_fail(e, "SerializationException", "%s must be a number", path);
	return 0;
}

static int want_int(const cJSON *v, const char *path, struct cw_error *e)
{
	if (want_number(v, path, e) < 0)
		return -1;
	if (v->valuedouble != floor(v->valuedouble) || fabs(v->valuedouble) > 2147483647.0)
		return cw_fail(e, "SerializationException", "%s must be an integer", path);
	return 0;
}

/* A request fingerprint binds a NextToken to the request it came from. */
static uint64_t fingerprint(const cJSON *req, const char *salt)
{
	cJSON *copy = cJSON_Duplicate(req, 1);
	char *txt;
	uint64_t h;

	if (!copy)
		return 0;
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "NextToken");
	txt = cJSON_PrintUnformatted(copy);
	h = sim_rand_hash(0x6377u, txt ? txt : "", 0) ^ sim_rand_hash(0, salt, 1);
	free(txt);
	cJSON_Delete(copy);
	return h;
}

/* ---- GetMetricData ---------------------------------------------------------- */

struct query {
	const char *id;
	const char *label;
	int returns;
	/* MetricStat */
	int metric; /* sim_metrics index, -1: no such metric (no data) */
	struct sim_stat stat;
	/* Expression */
	const char *expr_text;
	struct sim_expr *expr;
	int period; /* 0 until known for expressions */
	/* grid and values */
	int64_t start;
	size_t n;
	double *values;
	size_t dropped;
	int state; /* 0 todo, 1 computing, 2 done */
};

struct gmd {
	struct sim_cw *c;
	struct query *q;
	size_t nq;
	double start, end, now;
	struct cw_error *e;
	/* projections handed to the expression evaluator */
	double **scratch;
	size_t nscratch;
	const char *cycle;
};

static int find_query(const struct gmd *g, const char *id)
{
	for (size_t i = 0; i < g->nq; i++)
		if (strcmp(g->q[i].id, id) == 0)
			return (int)i;
	return -1;
}

static int valid_id(const char *id)
{
	if (!(id[0] >= 'a' && id[0] <= 'z'))
		return 0;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return 0;
	return 1;
}

static int valid_period(int p)
{
	return p == 1 || p == 5 || p == 10 || p == 20 || p == 30 || (p > 0 && p % 60 == 0);
}

static int parse_metric_stat(struct gmd *g, struct query *q, const cJSON *ms, const char *path)
{
	struct sim_dim dims[30];
	size_t ndims = 0;
	const cJSON *metric, *ns, *name, *dl, *d, *period, *stat, *unit;
	char p[192];
	int r;

	if (!cJSON_IsObject(ms))
		return cw_fail(g->e, "SerializationException", "%s.MetricStat must be a structure",
		               path);
	metric = member(ms, "Metric");
	if (!metric)
		return cw_fail(g->e, "MissingParameter",
		               "The parameter %s.MetricStat.Metric is "
		               "required.",
		               path);
	if (!cJSON_IsObject(metric))
		return cw_fail(g->e, "SerializationException",
		               "%s.MetricStat.Metric must be a "
		               "structure",
		               path);
	ns = member(metric, "Namespace");
	name = member(metric, "MetricName");
	snprintf(p, sizeof(p), "%s.MetricStat.Metric.Namespace", path);
	if (!ns)
		return cw_fail(g->e, "MissingParameter", "The parameter %s is required.", p);
	if (want_string(ns, p, 255, g->e) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s.MetricStat.Metric.MetricName", path);
	if (!name)
		return cw_fail(g->e, "MissingParameter", "The parameter %s is required.", p);
	if (want_string(name, p, 255, g->e) < 0)
		return -1;
	dl = member(metric, "Dimensions");
	if (dl && !cJSON_IsArray(dl))
		return cw_fail(g->e, "SerializationException",
		               "%s.MetricStat.Metric.Dimensions "
		               "must be a list",
		               path);
	if (cJSON_GetArraySize(dl) > 30)
		return cw_fail(g->e, "InvalidParameterValue",
		               "The collection %s.MetricStat.Metric."
		               "Dimensions must not have a size greater than 30.",
		               path);
	cJSON_ArrayForEach(d, dl)
	{
		const cJSON *dn = member(d, "Name"), *dv = member(d, "Value");

		snprintf(p, sizeof(p), "%s.MetricStat.Metric.Dimensions.member.%zu", path,
		         ndims + 1);
		if (!dn || !dv)
			return cw_fail(g->e, "MissingParameter", "The parameter %s.%s is required.",
			               p, dn ? "Value" : "Name");
		if (want_string(dn, p, 255, g->e) < 0 || want_string(dv, p, 1024, g->e) < 0)
			return -1;
		for (size_t k = 0; k < ndims; k++)
			if (strcmp(dims[k].name, dn->valuestring) == 0)
				return cw_fail(g->e, "InvalidParameterValue",
				               "The parameter %s.Name "
				               "repeats dimension '%s'.",
				               p, dn->valuestring);
		dims[ndims].name = dn->valuestring;
		dims[ndims].value = dv->valuestring;
		ndims++;
	}
	period = member(ms, "Period");
	snprintf(p, sizeof(p), "%s.MetricStat.Period", path);
	if (!period)
		return cw_fail(g->e, "MissingParameter", "The parameter %s is required.", p);
	if (want_int(period, p, g->e) < 0)
		return -1;
	if (!valid_period(period->valueint))
		return cw_fail(g->e, "InvalidParameterValue",
		               "The parameter %s must be 1, 5, 10, "
		               "20, 30, or any multiple of 60.",
		               p);
	q->period = period->valueint;
	stat = member(ms, "Stat");
	snprintf(p, sizeof(p), "%s.MetricStat.Stat", path);
	if (!stat)
		return cw_fail(g->e, "MissingParameter", "The parameter %s is required.", p);
	if (want_string(stat, p, 255, g->e) < 0)
		return -1;
	r = sim_stat_parse(stat->valuestring, &q->stat);
	if (r == -1)
		return cw_fail(
		    g->e, "ValidationError",
		    "The value for parameter %s is not a valid statistic ('%s': use "
		    "SampleCount, Average, Sum, Minimum, Maximum or a percentile such as "
		    "p99).",
		    p, stat->valuestring);
	if (r == -2)
		return cw_fail(
		    g->e, "InvalidParameterValue",
		    "The parameter %s: statistic '%s' "
		    "is not modelled by cutover sim (it models SampleCount, Average, Sum, "
		    "Minimum, Maximum and pNN).",
		    p, stat->valuestring);
	q->metric = sim_metrics_find(g->c->m, ns->valuestring, name->valuestring, dims, ndims);
	if (!q->label)
		q->label = name->valuestring;
	unit = member(ms, "Unit");
	if (unit) {
		snprintf(p, sizeof(p), "%s.MetricStat.Unit", path);
		if (want_string(unit, p, 64, g->e) < 0)
			return -1;
		if (!sim_metrics_is_unit(unit->valuestring))
			return cw_fail(g->e, "ValidationError",
			               "1 validation error detected: Value "
			               "'%s' at '%s' failed to satisfy constraint: Member must "
			               "satisfy enum value set: [Seconds, Microseconds, ..., "
			               "Count/Second, None]",
			               unit->valuestring, p);
		/* A unit filter that the data was not published with finds none. */
		if (q->metric >= 0 &&
		    strcmp(unit->valuestring, sim_metrics_unit(g->c->m, (size_t)q->metric)) != 0)
			q->metric = -1;
	}
	return 0;
}

/* "SELECT AVG(CPUUtilization) FROM ..." */
static int is_insights(const char *x)
{
	static const char kw[] = "SELECT";

	while (*x == ' ' || *x == '\t' || *x == '\n')
		x++;
	for (size_t i = 0; i < sizeof(kw) - 1; i++)
		if (toupper((unsigned char)x[i]) != kw[i])
			return 0;
	return x[sizeof(kw) - 1] == ' ' || x[sizeof(kw) - 1] == '\t' || x[sizeof(kw) - 1] == '\n';
}

static int parse_queries(struct gmd *g, const cJSON *arr)
{
	const cJSON *it;
	size_t i = 0;

	cJSON_ArrayForEach(it, arr)
	{
		struct query *q = &g->q[i];
		const cJSON *id, *ms, *ex, *label, *rd, *period;
		char path[64];

		q->metric = -1;
		g->nq = i + 1;
		snprintf(path, sizeof(path), "MetricDataQueries.member.%zu", i + 1);
		if (!cJSON_IsObject(it))
			return cw_fail(g->e, "SerializationException", "%s must be a structure",
			               path);
		id = member(it, "Id");
		if (!id)
			return cw_fail(g->e, "MissingParameter", "The parameter %s.Id is required.",
			               path);
		if (want_string(id, path, 255, g->e) < 0)
			return -1;
		if (!valid_id(id->valuestring))
			return cw_fail(g->e, "ValidationError",
			               "The value %s for parameter %s.Id is "
			               "not matching the expected pattern ^[a-z][a-zA-Z0-9_]*$.",
			               id->valuestring, path);
		q->id = id->valuestring;
		for (size_t k = 0; k < i; k++)
			if (strcmp(g->q[k].id, q->id) == 0)
				return cw_fail(
				    g->e, "ValidationError",
				    "The values for parameter id "
				    "in MetricDataQueries are not unique: '%s' is used by "
				    "member %zu and member %zu.",
				    q->id, k + 1, i + 1);
		label = member(it, "Label");
		if (label && want_string(label, path, 2048, g->e) < 0)
			return -1;
		q->label = label ? label->valuestring : NULL;
		rd = member(it, "ReturnData");
		if (rd && !cJSON_IsBool(rd))
			return cw_fail(g->e, "SerializationException",
			               "%s.ReturnData must be a "
			               "boolean",
			               path);
		q->returns = !rd || cJSON_IsTrue(rd);
		period = member(it, "Period");
		if (period) {
			if (want_int(period, path, g->e) < 0)
				return -1;
			if (!valid_period(period->valueint))
				return cw_fail(g->e, "InvalidParameterValue",
				               "The parameter %s.Period "
				               "must be 1, 5, 10, 20, 30, or any multiple of 60.",
				               path);
		}
		ms = member(it, "MetricStat");
		ex = member(it, "Expression");
		if ((ms != NULL) == (ex != NULL))
			return cw_fail(g->e, "ValidationError",
			               "Exactly one element of %s must be "
			               "set: MetricStat or Expression.",
			               path);
		if (ms) {
			if (parse_metric_stat(g, q, ms, path) < 0)
				return -1;
			if (period)
				q->period = period->valueint;
		} else {
			struct cutover_err err = {CUTOVER_OK, ""};

			if (want_string(ex, path, 2048, g->e) < 0)
				return -1;
			q->expr_text = ex->valuestring;
			if (is_insights(q->expr_text))
				return cw_fail(
				    g->e, "InvalidParameterValue",
				    "%s.Expression is a Metrics Insights query, which cutover "
				    "sim does not model: use MetricStat queries and metric math.",
				    path);
			if (sim_expr_parse(q->expr_text, &q->expr, &err) != CUTOVER_OK)
				return cw_fail(g->e, "ValidationError",
				               "Error in expression %s: %s", q->id, err.msg);
			q->period = period ? period->valueint : 0;
			if (!q->label)
				q->label = q->id;
		}
		i++;
	}
	return 0;
}

/* An expression's period: its own, or that of the first query it uses. */
static int resolve_period(struct gmd *g, struct query *q, int depth)
{
	if (q->period || depth > (int)g->nq)
		return q->period;
	for (size_t r = 0; r < sim_expr_ref_count(q->expr); r++) {
		int k = find_query(g, sim_expr_ref_get(q->expr, r));

		if (k >= 0 && &g->q[k] != q) {
			int p = resolve_period(g, &g->q[k], depth + 1);

			if (p)
				return q->period = p;
		}
	}
	return q->period = 60;
}

static void set_grid(struct gmd *g, struct query *q)
{
	int64_t p = q->period, start = floor_div((int64_t)floor(g->start), p) * p;
	int64_t hs = floor_div((int64_t)floor(sim_metrics_history_start(g->c->m)), p) * p;
	double last = fmin(g->end, floor(g->now) + 1); /* exclusive */

	if (start < hs)
		start = hs;
	q->start = start;
	q->n = (double)start < last ? (size_t)ceil((last - (double)start) / (double)p) : 0;
}

static int compute(struct gmd *g, struct query *q);

struct lookup_ctx {
	struct gmd *g;
	struct query *q;
};

/* Another query's values on this query's grid (by timestamp). */
static int lookup(void *ctx, const char *id, const double **values)
{
	struct lookup_ctx *lc = ctx;
	struct gmd *g = lc->g;
	int k = find_query(g, id);
	struct query *src;
	double *proj, **sc;

	if (k < 0)
		return -1;
	src = &g->q[k];
	if (src->state == 1) {
		g->cycle = src->id;
		return -1;
	}
	if (compute(g, src) < 0)
		return -1;
	proj = malloc((lc->q->n ? lc->q->n : 1) * sizeof(double));
	sc = realloc(g->scratch, (g->nscratch + 1) * sizeof(*sc));
	if (!proj || !sc) {
		free(proj);
		if (sc)
			g->scratch = sc;
		cw_fail(g->e, "InternalServiceError", "out of memory");
		return -1;
	}
	g->scratch = sc;
	g->scratch[g->nscratch++] = proj;
	for (size_t i = 0; i < lc->q->n; i++) {
		int64_t t = lc->q->start + (int64_t)i * lc->q->period, off = t - src->start;

		proj[i] = NAN;
		if (src->n && off >= 0 && off % src->period == 0 &&
		    (size_t)(off / src->period) < src->n)
			proj[i] = src->values[off / src->period];
	}
	*values = proj;
	return 0;
}

static int compute(struct gmd *g, struct query *q)
{
	if (q->state == 2)
		return 0;
	q->state = 1;
	q->values = malloc((q->n ? q->n : 1) * sizeof(double));
	if (!q->values)
		return cw_fail(g->e, "InternalServiceError", "out of memory");
	if (q->expr) {
		struct lookup_ctx lc = {g, q};
		struct cutover_err err = {CUTOVER_OK, ""};
		enum cutover_status st;

		st = sim_expr_eval(q->expr, q->n, (double)q->period, lookup, &lc, q->values,
		                   &q->dropped, &err);
		if (st != CUTOVER_OK) {
			if (g->cycle)
				return cw_fail(g->e, "ValidationError",
				               "Error in expression %s: "
				               "circular reference through '%s'.",
				               q->id, g->cycle);
			if (g->e->code)
				return -1;
			return cw_fail(g->e, "ValidationError", "Error in expression %s: %s", q->id,
			               err.msg);
		}
	} else {
		for (size_t i = 0; i < q->n; i++) {
			int64_t t = q->start + (int64_t)i * q->period;

			q->values[i] = q->metric < 0
			                   ? NAN
			                   : sim_metrics_stat(g->c->m, (size_t)q->metric, &q->stat,
			                                      t, t + q->period, g->now);
		}
	}
	q->state = 2;
	return 0;
}

/* NextToken: "<now in ms>.<offset>.<fingerprint>", so later pages are cut
 * from the same moment as the first and a token only fits its request. */
static int parse_token(const char *tok, double *now, size_t *offset, uint64_t fp)
{
	unsigned long long ms, off, h;
	int n = 0;

	if (sscanf(tok, "%llu.%llu.%16llx%n", &ms, &off, &h, &n) != 3 || tok[n] != '\0' || h != fp)
		return -1;
	*now = (double)ms / 1000.0;
	*offset = (size_t)off;
	return 0;
}

static cJSON *get_metric_data(struct sim_cw *c, const cJSON *req, double now, struct cw_error *e)
{
	struct gmd g = {c, NULL, 0, 0, 0, now, e, NULL, 0, NULL};
	const cJSON *arr = member(req, "MetricDataQueries"), *st = member(req, "StartTime");
	const cJSON *en = member(req, "EndTime"), *scan = member(req, "ScanBy");
	const cJSON *maxdp = member(req, "MaxDatapoints"), *tok = member(req, "NextToken");
	const cJSON *lo = member(req, "LabelOptions");
	size_t nq, total = 0, offset = 0, cap = DEFAULT_MAX_DATAPOINTS, pos, grid = 0;
	int ascending = 0;
	uint64_t fp;
	cJSON *out = NULL, *results;

	if (!arr)
		return cw_fail(e, "MissingParameter",
		               "The parameter MetricDataQueries is "
		               "required."),
		       NULL;
	if (!cJSON_IsArray(arr))
		return cw_fail(e, "SerializationException", "MetricDataQueries must be a list"),
		       NULL;
	nq = (size_t)cJSON_GetArraySize(arr);
	if (nq == 0)
		return cw_fail(e, "ValidationError",
		               "1 validation error detected: Value '[]' at "
		               "'metricDataQueries' failed to satisfy constraint: Member must have "
		               "length greater than or equal to 1"),
		       NULL;
	if (nq > MAX_QUERIES)
		return cw_fail(e, "InvalidParameterValue",
		               "The collection MetricDataQueries must "
		               "not have a size greater than %d.",
		               MAX_QUERIES),
		       NULL;
	if (!st)
		return cw_fail(e, "MissingParameter", "The parameter StartTime is required."), NULL;
	if (!en)
		return cw_fail(e, "MissingParameter", "The parameter EndTime is required."), NULL;
	if (want_number(st, "StartTime", e) < 0 || want_number(en, "EndTime", e) < 0)
		return NULL;
	g.start = st->valuedouble;
	g.end = en->valuedouble;
	if (g.start >= g.end)
		return cw_fail(e, "ValidationError",
		               "The parameter StartTime must be less than the "
		               "parameter EndTime."),
		       NULL;
	/* Keep times where integer arithmetic on them is defined; nothing
	 * exists before 1970 or after the year 3000 anyway. */
	g.start = fmin(fmax(g.start, 0), MAX_EPOCH);
	g.end = fmin(fmax(g.end, 0), MAX_EPOCH);
	if (scan) {
		if (want_string(scan, "ScanBy", 64, e) < 0)
			return NULL;
		if (strcmp(scan->valuestring, "TimestampAscending") == 0)
			ascending = 1;
		else if (strcmp(scan->valuestring, "TimestampDescending") != 0)
			return cw_fail(
			           e, "ValidationError",
			           "1 validation error detected: Value '%s' "
			           "at 'scanBy' failed to satisfy constraint: Member must satisfy "
			           "enum value set: [TimestampDescending, TimestampAscending]",
			           scan->valuestring),
			       NULL;
	}
	if (maxdp) {
		if (want_int(maxdp, "MaxDatapoints", e) < 0)
			return NULL;
		if (maxdp->valuedouble < 1)
			return cw_fail(e, "InvalidParameterValue",
			               "The parameter MaxDatapoints must "
			               "be greater than 0."),
			       NULL;
		cap = (size_t)maxdp->valuedouble;
	}
	if (lo && !cJSON_IsObject(lo))
		return cw_fail(e, "SerializationException", "LabelOptions must be a structure"),
		       NULL;
	fp = fingerprint(req, "GetMetricData");
	if (tok) {
		if (want_string(tok, "NextToken", 1024, e) < 0)
			return NULL;
		/* A token cannot come from the future. */
		if (parse_token(tok->valuestring, &g.now, &offset, fp) < 0 || g.now > now)
			return cw_fail(e, "InvalidNextToken",
			               "The service cannot process the "
			               "NextToken: it is malformed or belongs to another request."),
			       NULL;
	}

	g.q = calloc(nq, sizeof(*g.q));
	if (!g.q) {
		cw_fail(e, "InternalServiceError", "out of memory");
		goto out;
	}
	if (parse_queries(&g, arr) < 0)
		goto out;
	for (size_t i = 0; i < g.nq; i++) {
		struct query *q = &g.q[i];

		if (q->expr) {
			for (size_t r = 0; r < sim_expr_ref_count(q->expr); r++)
				if (find_query(&g, sim_expr_ref_get(q->expr, r)) < 0) {
					cw_fail(
					    e, "ValidationError",
					    "Error in expression %s: Unrecognized "
					    "metric id '%s': no query in this request has that Id.",
					    q->id, sim_expr_ref_get(q->expr, r));
					goto out;
				}
			resolve_period(&g, q, 0);
		}
		set_grid(&g, q);
		grid += q->n;
	}
	if (grid > MAX_GRID_POINTS) {
		cw_fail(e, "InvalidParameterCombination",
		        "This request spans %zu datapoints, more "
		        "than cutover sim computes in one call (%d): shorten StartTime..EndTime or "
		        "use a longer Period.",
		        grid, MAX_GRID_POINTS);
		goto out;
	}
	for (size_t i = 0; i < g.nq; i++)
		if (compute(&g, &g.q[i]) < 0)
			goto out;

	for (size_t i = 0; i < g.nq; i++)
		if (g.q[i].returns)
			for (size_t k = 0; k < g.q[i].n; k++)
				total += !isnan(g.q[i].values[k]);
	if (tok && offset >= total) {
		cw_fail(e, "InvalidNextToken",
		        "The service cannot process the NextToken: it is "
		        "past the end of the results.");
		goto out;
	}

	out = cJSON_CreateObject();
	results = out ? add_arr(out, "MetricDataResults") : NULL;
	if (!results) {
		cw_fail(e, "InternalServiceError", "out of memory");
		goto out;
	}
	pos = 0;
	for (size_t i = 0; i < g.nq; i++) {
		struct query *q = &g.q[i];
		size_t present = 0, seen = 0;
		cJSON *r, *ts, *vs, *msgs;

		if (!q->returns)
			continue;
		for (size_t k = 0; k < q->n; k++)
			present += !isnan(q->values[k]);
		/* This result's share of the page [offset, offset + cap). */
		if (offset > 0 && (pos + present <= offset || pos >= offset + cap)) {
			pos += present;
			continue;
		}
		r = cJSON_CreateObject();
		if (!r)
			break;
		cJSON_AddItemToArray(results, r);
		cJSON_AddStringToObject(r, "Id", q->id);
		cJSON_AddStringToObject(r, "Label", q->label);
		ts = add_arr(r, "Timestamps");
		vs = add_arr(r, "Values");
		for (size_t k = 0; k < q->n && ts && vs; k++) {
			size_t idx = ascending ? k : q->n - 1 - k;
			double v = q->values[idx];

			if (isnan(v))
				continue;
			if (pos + seen >= offset && pos + seen < offset + cap) {
				cJSON_AddItemToArray(
				    ts, cJSON_CreateNumber(
				            (double)(q->start + (int64_t)idx * q->period)));
				cJSON_AddItemToArray(vs, cJSON_CreateNumber(v));
			}
			seen++;
		}
		cJSON_AddStringToObject(r, "StatusCode",
		                        pos + present > offset + cap ? "PartialData" : "Complete");
		msgs = add_arr(r, "Messages");
		if (msgs && q->dropped) {
			cJSON *m = cJSON_CreateObject();

			if (m) {
				cJSON_AddStringToObject(m, "Code", "ArithmeticError");
				cJSON_AddStringToObject(
				    m, "Value",
				    "One or more data-points have been "
				    "dropped due to non-numeric values (NaN, -Infinite, "
				    "+Infinite)");
				cJSON_AddItemToArray(msgs, m);
			}
		}
		pos += present;
	}
	add_arr(out, "Messages");
	if (offset + cap < total) {
		char next[96];

		snprintf(next, sizeof(next), "%llu.%llu.%016llx",
		         (unsigned long long)floor(g.now * 1000.0),
		         (unsigned long long)(offset + cap), (unsigned long long)fp);
		cJSON_AddStringToObject(out, "NextToken", next);
	}
out:
	if (e->code) {
		cJSON_Delete(out);
		out = NULL;
	}
	for (size_t i = 0; i < nq && g.q; i++) {
		sim_expr_destroy(g.q[i].expr);
		free(g.q[i].values);
	}
	free(g.q);
	for (size_t i = 0; i < g.nscratch; i++)
		free(g.scratch[i]);
	free(g.scratch);
	return out;
}

/* ---- DescribeAlarms -------------------------------------------------------- */

static void add_common_alarm(struct sim_cw *c, cJSON *a, const struct sim_alarm_view *v)
{
	char arn[512];

	snprintf(arn, sizeof(arn), "arn:aws:cloudwatch:%s:%s:alarm:%s", c->region, c->account,
	         v->name);
	cJSON_AddStringToObject(a, "AlarmName", v->name);
	cJSON_AddStringToObject(a, "AlarmArn", arn);
	if (v->description)
		cJSON_AddStringToObject(a, "AlarmDescription", v->description);
	cJSON_AddNumberToObject(a, "AlarmConfigurationUpdatedTimestamp", v->configured);
	cJSON_AddBoolToObject(a, "ActionsEnabled", 1);
	add_arr(a, "OKActions");
	add_arr(a, "AlarmActions");
	add_arr(a, "InsufficientDataActions");
	cJSON_AddStringToObject(a, "StateValue", sim_alarm_state_name(v->state));
	cJSON_AddStringToObject(a, "StateReason", v->reason);
	if (v->reason_data[0])
		cJSON_AddStringToObject(a, "StateReasonData", v->reason_data);
	cJSON_AddNumberToObject(a, "StateUpdatedTimestamp", v->state_updated);
}

static cJSON *alarm_json(struct sim_cw *c, const struct sim_alarm_view *v)
{
	cJSON *a = cJSON_CreateObject(), *dims;

	if (!a)
		return NULL;
	add_common_alarm(c, a, v);
	if (v->composite) {
		cJSON_AddStringToObject(a, "AlarmRule", v->rule);
		cJSON_AddNumberToObject(a, "StateTransitionedTimestamp", v->state_updated);
		return a;
	}
	cJSON_AddStringToObject(a, "MetricName", v->metric_name);
	cJSON_AddStringToObject(a, "Namespace", v->namespace_);
	cJSON_AddStringToObject(a, v->extended ? "ExtendedStatistic" : "Statistic", v->stat_name);
	dims = add_arr(a, "Dimensions");
	for (size_t i = 0; dims && i < v->ndims; i++) {
		cJSON *d = cJSON_CreateObject();

		if (!d)
			break;
		cJSON_AddStringToObject(d, "Name", v->dims[i].name);
		cJSON_AddStringToObject(d, "Value", v->dims[i].value);
		cJSON_AddItemToArray(dims, d);
	}
	cJSON_AddNumberToObject(a, "Period", v->period);
	cJSON_AddNumberToObject(a, "EvaluationPeriods", v->evaluation_periods);
	cJSON_AddNumberToObject(a, "DatapointsToAlarm", v->datapoints_to_alarm);
	cJSON_AddNumberToObject(a, "Threshold", v->threshold);
	cJSON_AddStringToObject(a, "ComparisonOperator", v->comparison);
	cJSON_AddStringToObject(a, "TreatMissingData", v->treat_missing);
	cJSON_AddNumberToObject(a, "StateTransitionedTimestamp", v->state_updated);
	return a;
}

static int name_in(const cJSON *names, const char *name)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, names) if (cJSON_IsString(it) &&
	                                  strcmp(it->valuestring, name) == 0) return 1;
	return 0;
}

static cJSON *describe_alarms(struct sim_cw *c, const cJSON *req, double now, struct cw_error *e)
{
	static const char *const only_with_family[] = {
	    "AlarmNames", "AlarmNamePrefix", "StateValue", "ActionPrefix", "AlarmTypes", NULL};
	const cJSON *names = member(req, "AlarmNames"), *prefix = member(req, "AlarmNamePrefix");
	const cJSON *state = member(req, "StateValue"), *types = member(req, "AlarmTypes");
	const cJSON *children = member(req, "ChildrenOfAlarmName");
	const cJSON *parents = member(req, "ParentsOfAlarmName");
	const cJSON *action = member(req, "ActionPrefix"), *maxr = member(req, "MaxRecords");
	const cJSON *tok = member(req, "NextToken"), *it;
	int want_metric = 1, want_composite = 0, family = -1;
	size_t max = 50, offset = 0, matched = 0, n = sim_metrics_alarm_count(c->m);
	cJSON *out, *ma, *ca;
	uint64_t fp;

	if (names) {
		size_t k = 0;

		if (!cJSON_IsArray(names))
			return cw_fail(e, "SerializationException", "AlarmNames must be a list"),
			       NULL;
		if (cJSON_GetArraySize(names) > 100)
			return cw_fail(
			           e, "ValidationError",
			           "1 validation error detected: Value at "
			           "'alarmNames' failed to satisfy constraint: Member must have "
			           "length less than or equal to 100"),
			       NULL;
		cJSON_ArrayForEach(it, names)
		{
			char p[48];

			snprintf(p, sizeof(p), "AlarmNames.member.%zu", ++k);
			if (want_string(it, p, 255, e) < 0)
				return NULL;
		}
	}
	if ((prefix && want_string(prefix, "AlarmNamePrefix", 255, e) < 0) ||
	    (children && want_string(children, "ChildrenOfAlarmName", 255, e) < 0) ||
	    (parents && want_string(parents, "ParentsOfAlarmName", 255, e) < 0) ||
	    (action && want_string(action, "ActionPrefix", 1024, e) < 0))
		return NULL;
	if (names && prefix)
		return cw_fail(e, "InvalidParameterCombination",
		               "AlarmNames and AlarmNamePrefix "
		               "cannot be used together."),
		       NULL;
	if (children || parents) {
		for (size_t k = 0; only_with_family[k]; k++)
			if (member(req, only_with_family[k]))
				return cw_fail(
				           e, "InvalidParameterCombination",
				           "%s cannot be used "
				           "together with %s: only MaxRecords and NextToken may "
				           "accompany it.",
				           children ? "ChildrenOfAlarmName" : "ParentsOfAlarmName",
				           only_with_family[k]),
				       NULL;
		if (children && parents)
			return cw_fail(e, "InvalidParameterCombination",
			               "ChildrenOfAlarmName and "
			               "ParentsOfAlarmName cannot be used together."),
			       NULL;
		family = sim_metrics_alarm_find(c->m, (children ? children : parents)->valuestring);
		want_composite = 1;
	}
	if (state) {
		if (want_string(state, "StateValue", 64, e) < 0)
			return NULL;
		if (strcmp(state->valuestring, "OK") != 0 &&
		    strcmp(state->valuestring, "ALARM") != 0 &&
		    strcmp(state->valuestring, "INSUFFICIENT_DATA") != 0)
			return cw_fail(e, "ValidationError",
			               "1 validation error detected: Value '%s' "
			               "at 'stateValue' failed to satisfy constraint: Member must "
			               "satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]",
			               state->valuestring),
			       NULL;
	}
	if (types) {
		size_t k = 0;

		if (!cJSON_IsArray(types))
			return cw_fail(e, "SerializationException", "AlarmTypes must be a list"),
			       NULL;
		want_metric = 0;
		cJSON_ArrayForEach(it, types)
		{
			char p[48];

			snprintf(p, sizeof(p), "AlarmTypes.member.%zu", ++k);
			if (want_string(it, p, 64, e) < 0)
				return NULL;
			if (strcmp(it->valuestring, "MetricAlarm") == 0)
				want_metric = 1;
			else if (strcmp(it->valuestring, "CompositeAlarm") == 0)
				want_composite = 1;
			else
				return cw_fail(e, "ValidationError",
				               "1 validation error detected: "
				               "Value '%s' at 'alarmTypes.%zu.member' failed to "
				               "satisfy "
				               "constraint: Member must satisfy enum value set: "
				               "[CompositeAlarm, MetricAlarm]",
				               it->valuestring, k),
				       NULL;
		}
	}
	if (maxr) {
		if (want_int(maxr, "MaxRecords", e) < 0)
			return NULL;
		if (maxr->valuedouble < 1 || maxr->valuedouble > 100)
			return cw_fail(
			           e, "ValidationError",
			           "1 validation error detected: Value '%d' "
			           "at 'maxRecords' failed to satisfy constraint: Member must have "
			           "value %s",
			           maxr->valueint,
			           maxr->valuedouble < 1 ? "greater than or equal to 1"
			                                 : "less than or equal to 100"),
			       NULL;
		max = (size_t)maxr->valuedouble;
	}
	fp = fingerprint(req, "DescribeAlarms");
	if (tok) {
		unsigned long long off, h;
		int k = 0;

		if (want_string(tok, "NextToken", 1024, e) < 0)
			return NULL;
		if (sscanf(tok->valuestring, "%llu.%16llx%n", &off, &h, &k) != 2 ||
		    tok->valuestring[k] != '\0' || h != fp || off == 0 || off > n)
			return cw_fail(e, "InvalidNextToken",
			               "The service cannot process the "
			               "NextToken: it is malformed or belongs to another request."),
			       NULL;
		offset = (size_t)off;
	}

	out = cJSON_CreateObject();
	ca = out ? add_arr(out, "CompositeAlarms") : NULL;
	ma = out ? add_arr(out, "MetricAlarms") : NULL;
	if (!ma || !ca) {
		cJSON_Delete(out);
		return cw_fail(e, "InternalServiceError", "out of memory"), NULL;
	}
	for (size_t i = 0; i < n; i++) {
		struct sim_alarm_view v;
		cJSON *a;

		sim_metrics_alarm_get(c->m, i, now, &v);
		if (family >= 0 || children || parents) {
			if (family < 0)
				continue;
			if (children ? !sim_metrics_alarm_is_child(c->m, (size_t)family, i)
			             : !sim_metrics_alarm_is_child(c->m, i, (size_t)family))
				continue;
		} else {
			if (v.composite ? !want_composite : !want_metric)
				continue;
			if (names && !name_in(names, v.name))
				continue;
			if (prefix &&
			    strncmp(v.name, prefix->valuestring, strlen(prefix->valuestring)) != 0)
				continue;
			if (state && strcmp(sim_alarm_state_name(v.state), state->valuestring) != 0)
				continue;
			if (action)
				continue; /* the sim's alarms have no actions */
		}
		if (matched++ < offset)
			continue;
		if (matched > offset + max) {
			char next[64];

			snprintf(next, sizeof(next), "%llu.%016llx",
			         (unsigned long long)(offset + max), (unsigned long long)fp);
			cJSON_AddStringToObject(out, "NextToken", next);
			break;
		}
		a = alarm_json(c, &v);
		if (a)
			cJSON_AddItemToArray(v.composite ? ca : ma, a);
	}
	return out;
}

/* ---- printing -------------------------------------------------------------- */

static int is_timestamp_key(const char *k)
{
	return k && (strcmp(k, "Timestamps") == 0 || strcmp(k, "StateUpdatedTimestamp") == 0 ||
	             strcmp(k, "StateTransitionedTimestamp") == 0 ||
	             strcmp(k, "AlarmConfigurationUpdatedTimestamp") == 0);
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		n = 2, cp = p[0] & 0x1F;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		n = 3, cp = p[0] & 0x0F;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || cp == 0xFFFE || cp == 0xFFFF)
		return 0;
	return n;
}

/* Text content for XML 1.0: the five entities, CR/LF/TAB as character
 * references (so they survive attribute-value and line-end normalisation),
 * and U+FFFD for what XML 1.0 cannot carry (other control characters,
 * invalid UTF-8), so the answer always parses. */
static enum cutover_status xml_escape(struct strbuf *sb, const char *s)
{
	enum cutover_status st = CUTOVER_OK;
	const unsigned char *p = (const unsigned char *)s;

	while (*p && st == CUTOVER_OK) {
		size_t n = utf8_len(p);

		switch (*p) {
		case '&':
			st = strbuf_puts(sb, "&amp;");
			break;
		case '<':
			st = strbuf_puts(sb, "&lt;");
			break;
		case '>':
			st = strbuf_puts(sb, "&gt;");
			break;
		case '"':
			st = strbuf_puts(sb, "&quot;");
			break;
		case '\'':
			st = strbuf_puts(sb, "&apos;");
			break;
		case '\t':
		case '\n':
		case '\r':
			st = strbuf_printf(sb, "&#x%X;", *p);
			break;
		default:
			if (*p < 0x20 || n == 0)
				st = strbuf_puts(sb, "\xEF\xBF\xBD");
			else
				st = strbuf_append(sb, p, n);
		}
		p += n ? n : 1;
	}
	return st;
}

static enum cutover_status xml_number(struct strbuf *sb, double v)
{
	char buf[64];

	/* Shortest text that reads back as the same double. */
	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	return strbuf_puts(sb, buf);
}

static enum cutover_status xml_value(struct strbuf *sb, const cJSON *v, int timestamp)
{
	enum cutover_status st = CUTOVER_OK;
	const cJSON *it;

	if (cJSON_IsObject(v)) {
		cJSON_ArrayForEach(it, v)
		{
			if (st == CUTOVER_OK)
				st = strbuf_printf(sb, "<%s>", it->string);
			if (st == CUTOVER_OK)
				st = xml_value(sb, it, is_timestamp_key(it->string));
			if (st == CUTOVER_OK)
				st = strbuf_printf(sb, "</%s>", it->string);
		}
	} else if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(it, v)
		{
			if (st == CUTOVER_OK)
				st = strbuf_puts(sb, "<member>");
			if (st == CUTOVER_OK)
				st = xml_value(sb, it, timestamp);
			if (st == CUTOVER_OK)
				st = strbuf_puts(sb, "</member>");
		}
	} else if (cJSON_IsNumber(v)) {
		if (timestamp) {
			char iso[40];

			fmt_iso8601(iso, sizeof(iso), v->valuedouble);
			st = strbuf_puts(sb, iso);
		} else {
			st = xml_number(sb, v->valuedouble);
		}
	} else if (cJSON_IsBool(v)) {
		st = strbuf_puts(sb, cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsString(v)) {
		st = xml_escape(sb, v->valuestring);
	}
	return st;
}

static void reply_xml(struct sim_cw *c, struct sim_reply *r, const char *action,
                      const cJSON *result, const struct cw_error *e)
{
	struct strbuf sb = STRBUF_INIT;
	enum cutover_status st;
	char rid[48];

	make_request_id(c, rid, sizeof(rid));
	if (e) {
		size_t i = error_index(e->code);

		r->http_status = error_table[i].http;
		st = strbuf_printf(&sb,
		                   "<ErrorResponse xmlns=\"%s\"><Error><Type>%s</Type><Code>%s"
		                   "</Code><Message>",
		                   XMLNS, error_table[i].fault ? error_table[i].fault : "Sender",
		                   e->code);
		if (st == CUTOVER_OK)
			st = xml_escape(&sb, e->message);
		if (st == CUTOVER_OK)
			st = strbuf_printf(&sb,
			                   "</Message></Error><RequestId>%s</RequestId>"
			                   "</ErrorResponse>",
			                   rid);
	} else {
		r->http_status = 200;
		st = strbuf_printf(&sb, "<%sResponse xmlns=\"%s\"><%sResult>", action, XMLNS,
		                   action);
		if (st == CUTOVER_OK)
			st = xml_value(&sb, result, 0);
		if (st == CUTOVER_OK)
			st = strbuf_printf(&sb,
			                   "</%sResult><ResponseMetadata><RequestId>%s</RequestId>"
			                   "</ResponseMetadata></%sResponse>",
			                   action, rid, action);
	}
	snprintf(r->content_type, sizeof(r->content_type), "%s", XML_CT);
	if (st != CUTOVER_OK) {
		strbuf_free(&sb);
		r->http_status = 500;
		return;
	}
	r->body_len = sb.len;
	r->body = strbuf_take(&sb);
}

/* ---- entry points -------------------------------------------------------------- */

static cJSON *dispatch(struct sim_cw *c, const char *op, const cJSON *req, double now,
                       struct cw_error *e)
{
	if (strcmp(op, "GetMetricData") == 0)
		return get_metric_data(c, req, now, e);
	if (strcmp(op, "DescribeAlarms") == 0)
		return describe_alarms(c, req, now, e);
	cw_fail(e, "InvalidAction",
	        "The action %.100s is not valid for this web service: "
	        "cutover sim models GetMetricData and DescribeAlarms.",
	        op);
	return NULL;
}

void sim_cw_handle(struct sim_cw *c, const char *op, const char *body, size_t len, double now,
                   struct sim_reply *reply)
{
	struct cw_error e = {NULL, ""};
	cJSON *req = NULL, *res = NULL;

	reply_reset(reply);
	req = cJSON_ParseWithLength(body ? body : "{}", body ? len : 2);
	if (!req || !cJSON_IsObject(req)) {
		cw_fail(&e, "SerializationException",
		        "The request body is not a JSON object: send "
		        "{} for an empty request.");
		goto out;
	}
	res = dispatch(c, op ? op : "", req, now, &e);
	if (res && !e.code)
		sim_reply_json(reply, JSON_CT, res);
out:
	if (e.code)
		json_error(reply, &e);
	cJSON_Delete(res);
	cJSON_Delete(req);
}

/* ---- Query form -> request tree ---------------------------------------------- */

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Percent-decoding, '+' as space; NULL on a bad escape or an embedded NUL. */
static char *url_decode(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			*o++ = ' ';
		} else if (s[i] == '%') {
			int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(s[i + 2]) : -1;

			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				free(out);
				return NULL;
			}
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static int is_member_index(const char *s, long *idx)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)s[0]))
		return 0;
	v = strtol(s, &end, 10);
	if (*end || v < 1 || v > 100000)
		return 0;
	*idx = v;
	return 1;
}

/* Put value at a dotted key: A.member.2.B.C = v  ->  {"A": [_, {"B": {"C": v}}]}. */
static int set_path(cJSON *obj, char **segs, size_t nseg, const char *value, struct cw_error *e,
                    const char *key)
{
	cJSON *child;
	long idx;

	if (!cJSON_IsObject(obj))
		return cw_fail(e, "MalformedQueryString",
		               "The parameter %s conflicts with another "
		               "parameter of the request.",
		               key);
	if (nseg == 1) {
		cJSON *s = cJSON_CreateString(value);

		if (!s)
			return cw_fail(e, "InternalServiceError", "out of memory");
		if (cJSON_GetObjectItemCaseSensitive(obj, segs[0]))
			cJSON_ReplaceItemInObjectCaseSensitive(obj, segs[0], s);
		else
			cJSON_AddItemToObject(obj, segs[0], s);
		return 0;
	}
	if (nseg >= 3 && strcmp(segs[1], "member") == 0 && is_member_index(segs[2], &idx)) {
		cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, segs[0]), *el;

		if (!arr) {
			arr = cJSON_AddArrayToObject(obj, segs[0]);
			if (!arr)
				return cw_fail(e, "InternalServiceError", "out of memory");
		}
		if (!cJSON_IsArray(arr))
			return cw_fail(e, "MalformedQueryString",
			               "The parameter %s conflicts with "
			               "another parameter of the request.",
			               key);
		if (idx > MAX_QUERIES * 4)
			return cw_fail(e, "InvalidParameterValue",
			               "The member index in %s is too "
			               "large.",
			               key);
		while (cJSON_GetArraySize(arr) < idx) {
			cJSON *ph = cJSON_CreateNull();

			if (!ph)
				return cw_fail(e, "InternalServiceError", "out of memory");
			cJSON_AddItemToArray(arr, ph);
		}
		el = cJSON_GetArrayItem(arr, (int)idx - 1);
		if (nseg == 3) {
			cJSON *s = cJSON_CreateString(value);

			if (!s)
				return cw_fail(e, "InternalServiceError", "out of memory");
			cJSON_ReplaceItemInArray(arr, (int)idx - 1, s);
			return 0;
		}
		if (cJSON_IsNull(el)) {
			cJSON *o = cJSON_CreateObject();

			if (!o)
				return cw_fail(e, "InternalServiceError", "out of memory");
			cJSON_ReplaceItemInArray(arr, (int)idx - 1, o);
			el = o;
		}
		return set_path(el, segs + 3, nseg - 3, value, e, key);
	}
	child = cJSON_GetObjectItemCaseSensitive(obj, segs[0]);
	if (!child) {
		child = cJSON_AddObjectToObject(obj, segs[0]);
		if (!child)
			return cw_fail(e, "InternalServiceError", "out of memory");
	}
	return set_path(child, segs + 1, nseg - 1, value, e, key);
}

/* Swap an object member's value, keeping its name (ReplaceItemViaPointer
 * alone would drop it). */
static void replace(cJSON *node, cJSON *it, cJSON *with)
{
	if (!with)
		return; /* out of memory: the text stays and is refused later */
	with->string = it->string;
	with->type |= it->type & cJSON_StringIsConst;
	it->string = NULL;
	cJSON_ReplaceItemViaPointer(node, it, with);
}

/* Query values are all text; the members the operations read as numbers,
 * booleans and times are converted here, by name, as botocore's Query
 * serializer flattened them. */
static int coerce(cJSON *node, struct cw_error *e)
{
	cJSON *it, *next;

	for (it = node ? node->child : NULL; it; it = next) {
		const char *k = it->string;

		next = it->next;
		if (cJSON_IsNull(it) && cJSON_IsArray(node)) {
			/* member.N gaps: AWS reads only the members present */
			cJSON_Delete(cJSON_DetachItemViaPointer(node, it));
			continue;
		}
		if (cJSON_IsObject(it) || cJSON_IsArray(it)) {
			if (coerce(it, e) < 0)
				return -1;
			continue;
		}
		if (!k || !cJSON_IsString(it))
			continue;
		if (strcmp(k, "Period") == 0 || strcmp(k, "MaxRecords") == 0 ||
		    strcmp(k, "MaxDatapoints") == 0) {
			char *end;
			long v = strtol(it->valuestring, &end, 10);

			if (!it->valuestring[0] || *end)
				return cw_fail(e, "InvalidParameterValue",
				               "Value %.64s for parameter "
				               "%s is invalid: it must be an integer.",
				               it->valuestring, k);
			replace(node, it, cJSON_CreateNumber((double)v));
		} else if (strcmp(k, "ReturnData") == 0) {
			int t = strcmp(it->valuestring, "true") == 0;

			if (!t && strcmp(it->valuestring, "false") != 0)
				return cw_fail(e, "InvalidParameterValue",
				               "Value %.64s for parameter "
				               "ReturnData is invalid: use true or false.",
				               it->valuestring);
			replace(node, it, cJSON_CreateBool(t));
		} else if (strcmp(k, "StartTime") == 0 || strcmp(k, "EndTime") == 0) {
			double t;

			if (parse_iso8601(it->valuestring, &t) < 0)
				return cw_fail(
				    e, "InvalidParameterValue",
				    "Value %.64s for parameter "
				    "%s is invalid: use ISO-8601, e.g. 2024-05-01T12:00:00Z.",
				    it->valuestring, k);
			replace(node, it, cJSON_CreateNumber(t));
		}
	}
	return 0;
}

static cJSON *parse_form(const char *form, size_t len, char **action, struct cw_error *e)
{
	cJSON *req = cJSON_CreateObject();
	size_t i = 0;

	*action = NULL;
	if (!req) {
		cw_fail(e, "InternalServiceError", "out of memory");
		return NULL;
	}
	while (i < len && !e->code) {
		size_t j = i, eq;
		char *key = NULL, *val = NULL, *segs[64];
		size_t nseg = 0;

		while (j < len && form[j] != '&')
			j++;
		for (eq = i; eq < j && form[eq] != '='; eq++)
			;
		if (j == i)
			goto next;
		key = url_decode(form + i, eq - i);
		val = url_decode(form + (eq < j ? eq + 1 : j), eq < j ? j - eq - 1 : 0);
		if (!key || !val || !key[0]) {
			cw_fail(e, "MalformedQueryString",
			        "The request body is not valid "
			        "form-urlencoded text (bad %%-escape near byte %zu).",
			        i);
			goto next;
		}
		if (strcmp(key, "Action") == 0) {
			free(*action);
			*action = val;
			val = NULL;
			goto next;
		}
		if (strcmp(key, "Version") == 0) {
			if (strcmp(val, "2010-08-01") != 0)
				cw_fail(e, "InvalidParameterValue",
				        "Version %.32s is not supported: "
				        "CloudWatch's API version is 2010-08-01.",
				        val);
			goto next;
		}
		segs[nseg++] = key;
		for (char *p = key; *p; p++)
			if (*p == '.') {
				*p = '\0';
				if (nseg == sizeof(segs) / sizeof(segs[0]) || !p[1]) {
					cw_fail(e, "MalformedQueryString",
					        "Parameter name %.64s is "
					        "malformed.",
					        key);
					goto next;
				}
				segs[nseg++] = p + 1;
			}
		for (size_t s = 0; s < nseg; s++)
			if (!segs[s][0]) {
				cw_fail(e, "MalformedQueryString",
				        "A parameter name has an empty part.");
				goto next;
			}
		set_path(req, segs, nseg, val, e, segs[0]);
	next:
		free(key);
		free(val);
		i = j + 1;
	}
	if (!e->code)
		coerce(req, e);
	if (e->code) {
		cJSON_Delete(req);
		return NULL;
	}
	return req;
}

void sim_cw_handle_query(struct sim_cw *c, const char *form, size_t len, double now,
                         struct sim_reply *reply)
{
	struct cw_error e = {NULL, ""};
	char *action = NULL;
	cJSON *req, *res = NULL;

	reply_reset(reply);
	req = parse_form(form ? form : "", form ? len : 0, &action, &e);
	if (req && !action)
		cw_fail(&e, "MissingAction", "The request must contain the parameter Action.");
	if (!e.code)
		res = dispatch(c, action, req, now, &e);
	if (e.code)
		reply_xml(c, reply, NULL, NULL, &e);
	else
		reply_xml(c, reply, action, res, NULL);
	cJSON_Delete(res);
	cJSON_Delete(req);
	free(action);
}

/* ---- life cycle ------------------------------------------------------------------ */

enum cutover_status sim_cw_create(const cJSON *root, uint64_t seed, double t0_epoch,
                                  const struct sim_hooks *hooks, struct sim_cw **out,
                                  struct cutover_err *err)
{
	struct sim_cw *c = NULL;
	const cJSON *v;
	enum cutover_status st;

	(void)hooks; /* reactions arrive through sim_cw_parameter_changed */
	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c) {
		st = cutover_errf(err, CUTOVER_ENOMEM,
		                  "out of memory creating the CloudWatch model");
		goto out;
	}
	st = sim_metrics_create(root, seed, t0_epoch, &c->m, err);
	if (st != CUTOVER_OK)
		goto out;
	v = cJSON_GetObjectItemCaseSensitive(root, "region");
	snprintf(c->region, sizeof(c->region), "%s",
	         cJSON_IsString(v) ? v->valuestring : "us-east-1");
	v = cJSON_GetObjectItemCaseSensitive(root, "account");
	snprintf(c->account, sizeof(c->account), "%s",
	         cJSON_IsString(v) ? v->valuestring : "123456789012");
	c->seed = seed;
	c->reqstate = seed ^ 0x5157u;
	*out = c;
	c = NULL;
out:
	sim_cw_destroy(c);
	return st;
}

void sim_cw_parameter_changed(struct sim_cw *c, const char *name, const char *value, double now)
{
	if (c)
		sim_metrics_parameter_changed(c->m, name, value, now);
}

void sim_cw_destroy(struct sim_cw *c)
{
	if (!c)
		return;
	sim_metrics_destroy(c->m);
	free(c);
}
