/* sim_metrics.c: the sim's CloudWatch metrics and alarms (see sim_metrics.h).
 *
 * A raw sample is baseline + incident deltas (scaled down by a recovery
 * factor after a rollback parameter is flipped) + noise, where the noise is a
 * hash of (seed, metric, sample index).  Nothing is stored per sample. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/sim_metrics.h"
#include "sim/sim_service.h"

/* Longest history a metric may have: bounds the work per request. */
#define MAX_HISTORY_S 86400.0
#define DEFAULT_HISTORY_S 10800.0
/* Alarms are evaluated once a minute, as CloudWatch does. */
#define EVAL_STEP 60

struct incident {
	double at;
	double dur; /* < 0: until recovery / forever */
	double to;
	double ramp;
};

struct change {
	double t;
	int match;
};

struct metric {
	char *ns, *name, *unit, *key;
	struct sim_dim *dims; /* sorted by name; strings owned */
	size_t ndims;
	double baseline, noise, min, max;
	int integer;
	int period;
	double history_s;
	struct incident *inc;
	size_t ninc;
	/* recover_when */
	char *rparam, *requals;
	double within;
	int initial_match;
	struct change *ch;
	size_t nch;
};

enum cmp { CMP_GT, CMP_GE, CMP_LT, CMP_LE };
enum tmd { TMD_MISSING, TMD_BREACHING, TMD_NOT_BREACHING, TMD_IGNORE };

static const char *const cmp_names[] = {"GreaterThanThreshold", "GreaterThanOrEqualToThreshold",
                                        "LessThanThreshold", "LessThanOrEqualToThreshold"};
static const char *const cmp_words[] = {"greater than", "greater than or equal to", "less than",
                                        "less than or equal to"};
static const char *const tmd_names[] = {"missing", "breaching", "notBreaching", "ignore"};

enum rkind { R_STATE, R_AND, R_OR, R_NOT, R_TRUE, R_FALSE };

struct rnode {
	enum rkind kind;
	enum sim_alarm_state want; /* R_STATE */
	char *child_name;
	size_t child; /* resolved index */
	struct rnode *a, *b;
};

struct alarm {
	char *name, *description;
	int composite;
	/* metric alarm */
	size_t metric;
	struct sim_stat stat;
	char *stat_name;
	enum cmp cmp;
	double threshold;
	int period, evals, dta;
	enum tmd tmd;
	/* composite alarm */
	char *rule_text;
	struct rnode *rule;
	/* evaluation cache: state as of sim_metrics.e_done */
	enum sim_alarm_state state;
	double updated;
	int mark; /* topological sort */
};

struct sim_metrics {
	uint64_t seed;
	double t0;
	char region[64];
	char account[32];
	struct metric *metrics;
	size_t nmetrics;
	struct alarm *alarms; /* sorted by name */
	size_t nalarms;
	size_t *order; /* evaluation order: children first */
	int64_t e_first, e_done;
	int cache_valid;
};

/* ---- scenario validation helpers ---------------------------------------- */

static enum cutover_status bad(struct cutover_err *err, const char *path, const char *what)
{
	return cutover_errf(err, CUTOVER_EVALIDATE, "%s: %s", path, what);
}

static enum cutover_status check_keys(const cJSON *obj, const char *path, const char *const *known,
                                      struct cutover_err *err)
{
	const cJSON *it;

	if (!cJSON_IsObject(obj))
		return bad(err, path, "must be an object");
	cJSON_ArrayForEach(it, obj)
	{
		size_t i;

		for (i = 0; known[i]; i++)
			if (strcmp(it->string, known[i]) == 0)
				break;
		if (!known[i]) {
			char list[256] = "";
			size_t len = 0;

			for (i = 0; known[i] && len < sizeof(list); i++)
				len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
				                        i ? ", " : "", known[i]);
			return cutover_errf(err, CUTOVER_EVALIDATE,
			                    "%s: unknown key \"%s\" (known: %s)", path, it->string,
			                    list);
		}
	}
	return CUTOVER_OK;
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

/* A non-empty string; absent is an error only when required. */
static enum cutover_status get_str(const cJSON *obj, const char *key, const char *path,
                                   int required, char **out, struct cutover_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (!v) {
		if (required)
			return cutover_errf(err, CUTOVER_EVALIDATE, "%s: missing \"%s\"", path,
			                    key);
		return CUTOVER_OK;
	}
	if (!cJSON_IsString(v) || !v->valuestring[0])
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.%s: must be a non-empty string",
		                    path, key);
	if (strlen(v->valuestring) > 1024)
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.%s: longer than 1024 characters",
		                    path, key);
	*out = dup_str(v->valuestring);
	if (!*out)
		return cutover_errf(err, CUTOVER_ENOMEM, "%s.%s: out of memory", path, key);
	return CUTOVER_OK;
}

/* A number in [lo, hi]; *out keeps its default when absent and not required. */
static enum cutover_status get_num(const cJSON *obj, const char *key, const char *path,
                                   int required, double lo, double hi, double *out,
                                   struct cutover_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v) {
		if (required)
			return cutover_errf(err, CUTOVER_EVALIDATE, "%s: missing \"%s\"", path,
			                    key);
		return CUTOVER_OK;
	}
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.%s: must be a number", path, key);
	if (v->valuedouble < lo || v->valuedouble > hi)
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.%s: %g is out of range [%g, %g]",
		                    path, key, v->valuedouble, lo, hi);
	*out = v->valuedouble;
	return CUTOVER_OK;
}

static enum cutover_status get_int(const cJSON *obj, const char *key, const char *path,
                                   int required, int lo, int hi, int *out, struct cutover_err *err)
{
	double d = *out;
	enum cutover_status st = get_num(obj, key, path, required, lo, hi, &d, err);

	if (st != CUTOVER_OK)
		return st;
	if (d != floor(d))
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.%s: must be a whole number", path,
		                    key);
	*out = (int)d;
	return CUTOVER_OK;
}

/* CloudWatch's resolutions: 1, 5, 10, 20, 30 s, or a multiple of 60. */
static int valid_period(int p)
{
	return p == 1 || p == 5 || p == 10 || p == 20 || p == 30 || (p > 0 && p % 60 == 0);
}

/* CloudWatch's StandardUnit values. */
static const char *const units[] = {
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
    NULL,
};

int sim_metrics_is_unit(const char *s)
{
	for (size_t k = 0; units[k]; k++)
		if (strcmp(units[k], s) == 0)
			return 1;
	return 0;
}

static int dim_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sim_dim *)a)->name, ((const struct sim_dim *)b)->name);
}

/* Dimensions from {"Name": "Value", ...}, sorted by name. */
static enum cutover_status parse_dims(const cJSON *obj, const char *path, struct sim_dim **out,
                                      size_t *n, struct cutover_err *err)
{
	const cJSON *it;
	size_t count = 0;

	*out = NULL;
	*n = 0;
	if (!obj)
		return CUTOVER_OK;
	if (!cJSON_IsObject(obj))
		return cutover_errf(err, CUTOVER_EVALIDATE,
		                    "%s: must be an object of name: value strings", path);
	cJSON_ArrayForEach(it, obj) count++;
	if (count > 30)
		return cutover_errf(err, CUTOVER_EVALIDATE,
		                    "%s: %zu dimensions, CloudWatch allows at most 30", path,
		                    count);
	if (!count)
		return CUTOVER_OK;
	*out = calloc(count, sizeof(**out));
	if (!*out)
		return cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory", path);
	cJSON_ArrayForEach(it, obj)
	{
		struct sim_dim *d = &(*out)[*n];

		if (!cJSON_IsString(it) || !it->valuestring[0] || !it->string[0])
			return cutover_errf(err, CUTOVER_EVALIDATE,
			                    "%s.%s: a dimension value must be a non-empty string",
			                    path, it->string);
		d->name = dup_str(it->string);
		d->value = dup_str(it->valuestring);
		(*n)++;
		if (!d->name || !d->value)
			return cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory", path);
	}
	qsort(*out, *n, sizeof(**out), dim_cmp);
	return CUTOVER_OK;
}

static void free_dims(struct sim_dim *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)d[i].name);
		free((char *)d[i].value);
	}
	free(d);
}

static int same_metric(const struct metric *mt, const char *ns, const char *name,
                       const struct sim_dim *dims, size_t ndims)
{
	if (strcmp(mt->ns, ns) != 0 || strcmp(mt->name, name) != 0 || mt->ndims != ndims)
		return 0;
	for (size_t i = 0; i < ndims; i++) {
		size_t j;

		for (j = 0; j < mt->ndims; j++)
			if (strcmp(mt->dims[j].name, dims[i].name) == 0)
				break;
		if (j == mt->ndims || strcmp(mt->dims[j].value, dims[i].value) != 0)
			return 0;
	}
	return 1;
}

/* What a parameter's value is at t0, from the scenario's "parameters". */
static const char *initial_param(const cJSON *root, const char *name)
{
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "parameters"), *p;

	cJSON_ArrayForEach(p, params)
	{
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(p, "name");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "value");

		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0 && cJSON_IsString(v))
			return v->valuestring;
	}
	return NULL;
}

static enum cutover_status parse_incidents(const cJSON *arr, const char *mpath, struct metric *mt,
                                           struct cutover_err *err)
{
	static const char *const known[] = {"at_s", "for_s", "to", "ramp_s", NULL};
	const cJSON *it;
	size_t i = 0;
	enum cutover_status st;

	if (!arr)
		return CUTOVER_OK;
	if (!cJSON_IsArray(arr))
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.incidents: must be an array",
		                    mpath);
	mt->inc = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*mt->inc));
	if (!mt->inc)
		return cutover_errf(err, CUTOVER_ENOMEM, "%s.incidents: out of memory", mpath);
	cJSON_ArrayForEach(it, arr)
	{
		struct incident *in = &mt->inc[i];
		char path[160];

		snprintf(path, sizeof(path), "%s.incidents[%zu]", mpath, i);
		if ((st = check_keys(it, path, known, err)) != CUTOVER_OK)
			return st;
		in->dur = -1;
		in->ramp = -1;
		if ((st = get_num(it, "at_s", path, 1, 0, 1e9, &in->at, err)) != CUTOVER_OK ||
		    (st = get_num(it, "for_s", path, 0, 1, 1e9, &in->dur, err)) != CUTOVER_OK ||
		    (st = get_num(it, "to", path, 1, -1e300, 1e300, &in->to, err)) != CUTOVER_OK ||
		    (st = get_num(it, "ramp_s", path, 0, 0, 1e9, &in->ramp, err)) != CUTOVER_OK)
			return st;
		/* Default ramp: a minute, or half the incident if it is shorter. */
		if (in->ramp < 0)
			in->ramp = in->dur > 0 && in->dur < 120 ? in->dur / 2 : 60;
		i++;
	}
	mt->ninc = i;
	return CUTOVER_OK;
}

static enum cutover_status parse_metric(const cJSON *root, const cJSON *it, size_t idx,
                                        struct metric *mt, struct cutover_err *err)
{
	static const char *const known[] = {
	    "namespace", "name",         "dimensions", "unit", "baseline", "noise",     "period_s",
	    "incidents", "recover_when", "min",        "max",  "integer",  "history_s", NULL};
	static const char *const rknown[] = {"parameter", "equals", "within_s", NULL};
	char path[64], rpath[96];
	const cJSON *rw, *flag;
	enum cutover_status st;
	double period = 60;

	snprintf(path, sizeof(path), "metrics[%zu]", idx);
	mt->min = -INFINITY;
	mt->max = INFINITY;
	mt->history_s = DEFAULT_HISTORY_S;
	if ((st = check_keys(it, path, known, err)) != CUTOVER_OK ||
	    (st = get_str(it, "namespace", path, 1, &mt->ns, err)) != CUTOVER_OK ||
	    (st = get_str(it, "name", path, 1, &mt->name, err)) != CUTOVER_OK ||
	    (st = get_str(it, "unit", path, 0, &mt->unit, err)) != CUTOVER_OK)
		return st;
	if (mt->unit) {
		if (!sim_metrics_is_unit(mt->unit))
			return cutover_errf(
			    err, CUTOVER_EVALIDATE,
			    "%s.unit: \"%s\" is not a CloudWatch unit (Count, Percent, "
			    "Milliseconds, Seconds, Bytes, Count/Second, None, ...)",
			    path, mt->unit);
	}
	snprintf(rpath, sizeof(rpath), "%s.dimensions", path);
	if ((st = parse_dims(cJSON_GetObjectItemCaseSensitive(it, "dimensions"), rpath, &mt->dims,
	                     &mt->ndims, err)) != CUTOVER_OK ||
	    (st = get_num(it, "baseline", path, 1, -1e300, 1e300, &mt->baseline, err)) !=
	        CUTOVER_OK ||
	    (st = get_num(it, "noise", path, 0, 0, 1e300, &mt->noise, err)) != CUTOVER_OK ||
	    (st = get_num(it, "period_s", path, 0, 1, 86400, &period, err)) != CUTOVER_OK ||
	    (st = get_num(it, "min", path, 0, -1e300, 1e300, &mt->min, err)) != CUTOVER_OK ||
	    (st = get_num(it, "max", path, 0, -1e300, 1e300, &mt->max, err)) != CUTOVER_OK ||
	    (st = get_num(it, "history_s", path, 0, 0, MAX_HISTORY_S, &mt->history_s, err)) !=
	        CUTOVER_OK)
		return st;
	/* Counts and rates are never negative unless the scenario says so. */
	if (!cJSON_GetObjectItemCaseSensitive(it, "min") && mt->baseline >= 0)
		mt->min = 0;
	if (mt->min > mt->max)
		return bad(err, path, "\"min\" is greater than \"max\"");
	if (period != floor(period) || !valid_period((int)period))
		return cutover_errf(
		    err, CUTOVER_EVALIDATE,
		    "%s.period_s: %g is not a CloudWatch resolution (1, 5, 10, 20, 30 "
		    "or a multiple of 60)",
		    path, period);
	mt->period = (int)period;
	flag = cJSON_GetObjectItemCaseSensitive(it, "integer");
	if (flag && !cJSON_IsBool(flag))
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.integer: must be true or false",
		                    path);
	mt->integer = cJSON_IsTrue(flag);
	if ((st = parse_incidents(cJSON_GetObjectItemCaseSensitive(it, "incidents"), path, mt,
	                          err)) != CUTOVER_OK)
		return st;
	rw = cJSON_GetObjectItemCaseSensitive(it, "recover_when");
	if (rw) {
		const char *init;

		snprintf(rpath, sizeof(rpath), "%s.recover_when", path);
		if ((st = check_keys(rw, rpath, rknown, err)) != CUTOVER_OK ||
		    (st = get_str(rw, "parameter", rpath, 1, &mt->rparam, err)) != CUTOVER_OK)
			return st;
		flag = cJSON_GetObjectItemCaseSensitive(rw, "equals");
		if (!flag)
			return cutover_errf(err, CUTOVER_EVALIDATE, "%s: missing \"equals\"",
			                    rpath);
		if (!cJSON_IsString(flag))
			return cutover_errf(err, CUTOVER_EVALIDATE,
			                    "%s.equals: must be a string (SSM values are strings: "
			                    "write \"true\", not true)",
			                    rpath);
		mt->requals = dup_str(flag->valuestring);
		if (!mt->requals)
			return cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory", rpath);
		mt->within = 60;
		if ((st = get_num(rw, "within_s", rpath, 0, 0, 86400, &mt->within, err)) !=
		    CUTOVER_OK)
			return st;
		init = initial_param(root, mt->rparam);
		mt->initial_match = init && strcmp(init, mt->requals) == 0;
	}
	return CUTOVER_OK;
}

/* "ns\x1fname\x1fdim=value..." names the metric for the noise hash. */
static enum cutover_status make_key(struct metric *mt, struct cutover_err *err)
{
	size_t len = strlen(mt->ns) + strlen(mt->name) + 3, at;

	for (size_t i = 0; i < mt->ndims; i++)
		len += strlen(mt->dims[i].name) + strlen(mt->dims[i].value) + 2;
	mt->key = malloc(len);
	if (!mt->key)
		return cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
	at = (size_t)snprintf(mt->key, len, "%s\x1f%s", mt->ns, mt->name);
	for (size_t i = 0; i < mt->ndims; i++)
		at += (size_t)snprintf(mt->key + at, len - at, "\x1f%s=%s", mt->dims[i].name,
		                       mt->dims[i].value);
	return CUTOVER_OK;
}

/* ---- composite alarm rules ---------------------------------------------- */

struct rparser {
	const char *text, *p;
	const char *path;
	struct cutover_err *err;
	int failed;
	int depth;
};

static void rnode_free(struct rnode *n)
{
	if (!n)
		return;
	rnode_free(n->a);
	rnode_free(n->b);
	free(n->child_name);
	free(n);
}

static struct rnode *rfail(struct rparser *rp, const char *what)
{
	if (!rp->failed) {
		rp->failed = 1;
		cutover_errf(rp->err, CUTOVER_EVALIDATE, "%s.rule: %s at column %zu of \"%s\"",
		             rp->path, what, (size_t)(rp->p - rp->text) + 1, rp->text);
	}
	return NULL;
}

static void rskip(struct rparser *rp)
{
	while (*rp->p == ' ' || *rp->p == '\t' || *rp->p == '\n' || *rp->p == '\r')
		rp->p++;
}

static int rword(struct rparser *rp, const char *w)
{
	size_t n = strlen(w);
	char c;

	rskip(rp);
	if (strncmp(rp->p, w, n) != 0)
		return 0;
	c = rp->p[n];
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_')
		return 0;
	rp->p += n;
	return 1;
}

static struct rnode *rnew(struct rparser *rp, enum rkind kind, struct rnode *a, struct rnode *b)
{
	struct rnode *n;

	if (!a && (kind == R_AND || kind == R_OR || kind == R_NOT))
		goto fail;
	if (!b && (kind == R_AND || kind == R_OR))
		goto fail;
	n = calloc(1, sizeof(*n));
	if (!n)
		goto fail;
	n->kind = kind;
	n->a = a;
	n->b = b;
	return n;
fail:
	rnode_free(a);
	rnode_free(b);
	if (!rp->failed)
		rfail(rp, "out of memory");
	return NULL;
}

static struct rnode *rparse_or(struct rparser *rp);

static struct rnode *rparse_prim(struct rparser *rp)
{
	static const struct {
		const char *w;
		enum sim_alarm_state s;
	} fns[] = {
	    {"ALARM", SIM_ALARM_ALARM},
	    {"OK", SIM_ALARM_OK},
	    {"INSUFFICIENT_DATA", SIM_ALARM_INSUFFICIENT},
	};
	struct rnode *n;

	if (++rp->depth > 64)
		return rfail(rp, "rule nested too deeply");
	rskip(rp);
	if (rword(rp, "NOT")) {
		n = rnew(rp, R_NOT, rparse_prim(rp), NULL);
		rp->depth--;
		return n;
	}
	if (rword(rp, "TRUE")) {
		rp->depth--;
		return rnew(rp, R_TRUE, NULL, NULL);
	}
	if (rword(rp, "FALSE")) {
		rp->depth--;
		return rnew(rp, R_FALSE, NULL, NULL);
	}
	if (*rp->p == '(') {
		rp->p++;
		n = rparse_or(rp);
		rskip(rp);
		if (n && *rp->p != ')') {
			rnode_free(n);
			return rfail(rp, "expected ')'");
		}
		rp->p++;
		rp->depth--;
		return n;
	}
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		const char *start, *end;
		const char *arn;

		if (!rword(rp, fns[i].w))
			continue;
		rskip(rp);
		if (*rp->p != '(')
			return rfail(rp, "expected '(' and an alarm name");
		rp->p++;
		rskip(rp);
		if (*rp->p == '"') {
			start = ++rp->p;
			while (*rp->p && *rp->p != '"')
				rp->p++;
			if (!*rp->p)
				return rfail(rp, "unterminated \"alarm name\"");
			end = rp->p++;
		} else {
			start = rp->p;
			while (*rp->p && *rp->p != ')')
				rp->p++;
			end = rp->p;
			while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
				end--;
		}
		rskip(rp);
		if (*rp->p != ')')
			return rfail(rp, "expected ')' after the alarm name");
		rp->p++;
		if (end == start)
			return rfail(rp, "empty alarm name");
		n = rnew(rp, R_STATE, NULL, NULL);
		if (!n)
			return NULL;
		n->want = fns[i].s;
		/* An ARN names the alarm after ":alarm:". */
		for (arn = start; arn + 7 <= end; arn++)
			if (strncmp(arn, ":alarm:", 7) == 0) {
				start = arn + 7;
				break;
			}
		n->child_name = malloc((size_t)(end - start) + 1);
		if (!n->child_name) {
			rnode_free(n);
			return rfail(rp, "out of memory");
		}
		memcpy(n->child_name, start, (size_t)(end - start));
		n->child_name[end - start] = '\0';
		rp->depth--;
		return n;
	}
	return rfail(rp, "expected ALARM(name), OK(name), INSUFFICIENT_DATA(name), NOT, TRUE, "
	                 "FALSE or '('");
}

static struct rnode *rparse_and(struct rparser *rp)
{
	struct rnode *l = rparse_prim(rp);

	while (l && rword(rp, "AND"))
		l = rnew(rp, R_AND, l, rparse_prim(rp));
	return l;
}

static struct rnode *rparse_or(struct rparser *rp)
{
	struct rnode *l = rparse_and(rp);

	while (l && rword(rp, "OR"))
		l = rnew(rp, R_OR, l, rparse_and(rp));
	return l;
}

static enum cutover_status parse_rule(const char *text, const char *path, struct rnode **out,
                                      struct cutover_err *err)
{
	struct rparser rp = {text, text, path, err, 0, 0};

	*out = rparse_or(&rp);
	if (*out) {
		rskip(&rp);
		if (*rp.p)
			rfail(&rp, "unexpected text");
	}
	if (rp.failed || !*out) {
		rnode_free(*out);
		*out = NULL;
		return rp.failed ? err->status : CUTOVER_EVALIDATE;
	}
	return CUTOVER_OK;
}

/* ---- alarms --------------------------------------------------------------- */

int sim_stat_parse(const char *s, struct sim_stat *out)
{
	static const struct {
		const char *name;
		enum sim_stat_kind k;
	} names[] = {
	    {"Average", SIM_STAT_AVERAGE},         {"Sum", SIM_STAT_SUM},
	    {"Minimum", SIM_STAT_MINIMUM},         {"Maximum", SIM_STAT_MAXIMUM},
	    {"SampleCount", SIM_STAT_SAMPLECOUNT},
	};
	static const char *const other[] = {"tm", "wm", "tc", "ts",  "TM", "WM",
	                                    "TC", "TS", "PR", "IQM", NULL};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0) {
			out->kind = names[i].k;
			out->pct = 0;
			return 0;
		}
	if (s[0] == 'p' && s[1] >= '0' && s[1] <= '9') {
		char *end;
		double p = strtod(s + 1, &end);
		const char *dot = strchr(s, '.');

		if (*end == '\0' && p > 0 && p <= 100 && (!dot || strlen(dot + 1) <= 2)) {
			out->kind = SIM_STAT_PERCENTILE;
			out->pct = p;
			return 0;
		}
		return -1;
	}
	for (size_t i = 0; other[i]; i++)
		if (strncmp(s, other[i], strlen(other[i])) == 0)
			return -2;
	return -1;
}

static enum cutover_status parse_alarm(struct sim_metrics *m, const cJSON *it, size_t idx,
                                       struct alarm *a, struct cutover_err *err)
{
	static const char *const mknown[] = {"name",
	                                     "description",
	                                     "metric",
	                                     "stat",
	                                     "comparison",
	                                     "threshold",
	                                     "period_s",
	                                     "evaluation_periods",
	                                     "datapoints_to_alarm",
	                                     "treat_missing_data",
	                                     NULL};
	static const char *const cknown[] = {"name", "description", "rule", NULL};
	static const char *const refknown[] = {"namespace", "name", "dimensions", NULL};
	char path[64], sub[96];
	const cJSON *ref;
	char *ns = NULL, *name = NULL, *cmp = NULL, *tmd = NULL;
	struct sim_dim *dims = NULL;
	size_t ndims = 0, k;
	int found;
	enum cutover_status st;

	snprintf(path, sizeof(path), "alarms[%zu]", idx);
	if (!cJSON_IsObject(it))
		return bad(err, path, "must be an object");
	a->composite = cJSON_GetObjectItemCaseSensitive(it, "rule") != NULL;
	if ((st = check_keys(it, path, a->composite ? cknown : mknown, err)) != CUTOVER_OK ||
	    (st = get_str(it, "name", path, 1, &a->name, err)) != CUTOVER_OK ||
	    (st = get_str(it, "description", path, 0, &a->description, err)) != CUTOVER_OK)
		return st;
	if (strlen(a->name) > 255)
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.name: longer than 255 characters",
		                    path);
	if (a->composite) {
		if ((st = get_str(it, "rule", path, 1, &a->rule_text, err)) != CUTOVER_OK)
			return st;
		return parse_rule(a->rule_text, path, &a->rule, err);
	}
	ref = cJSON_GetObjectItemCaseSensitive(it, "metric");
	if (!ref)
		return cutover_errf(err, CUTOVER_EVALIDATE,
		                    "%s: missing \"metric\" (or \"rule\" for a composite alarm)",
		                    path);
	snprintf(sub, sizeof(sub), "%s.metric", path);
	if ((st = check_keys(ref, sub, refknown, err)) != CUTOVER_OK ||
	    (st = get_str(ref, "namespace", sub, 1, &ns, err)) != CUTOVER_OK ||
	    (st = get_str(ref, "name", sub, 1, &name, err)) != CUTOVER_OK)
		goto out;
	snprintf(sub, sizeof(sub), "%s.metric.dimensions", path);
	if ((st = parse_dims(cJSON_GetObjectItemCaseSensitive(ref, "dimensions"), sub, &dims,
	                     &ndims, err)) != CUTOVER_OK)
		goto out;
	found = sim_metrics_find(m, ns, name, dims, ndims);
	if (found < 0) {
		st =
		    cutover_errf(err, CUTOVER_EVALIDATE,
		                 "%s.metric: no metric %s %s with these dimensions in \"metrics\"; "
		                 "an alarm needs a metric to watch",
		                 path, ns, name);
		goto out;
	}
	a->metric = (size_t)found;
	if ((st = get_str(it, "stat", path, 0, &a->stat_name, err)) != CUTOVER_OK)
		goto out;
	if (!a->stat_name && !(a->stat_name = dup_str("Average"))) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	if (sim_stat_parse(a->stat_name, &a->stat) != 0) {
		st = cutover_errf(err, CUTOVER_EVALIDATE,
		                  "%s.stat: \"%s\" is not one of Average, Sum, Minimum, Maximum, "
		                  "SampleCount, pNN",
		                  path, a->stat_name);
		goto out;
	}
	if ((st = get_str(it, "comparison", path, 1, &cmp, err)) != CUTOVER_OK)
		goto out;
	for (k = 0; k < 4 && strcmp(cmp, cmp_names[k]) != 0; k++)
		;
	if (k == 4) {
		st = cutover_errf(err, CUTOVER_EVALIDATE,
		                  "%s.comparison: \"%s\" is not GreaterThanThreshold, "
		                  "GreaterThanOrEqualToThreshold, LessThanThreshold or "
		                  "LessThanOrEqualToThreshold",
		                  path, cmp);
		goto out;
	}
	a->cmp = (enum cmp)k;
	a->period = 60;
	a->evals = 1;
	a->dta = 0;
	if ((st = get_num(it, "threshold", path, 1, -1e300, 1e300, &a->threshold, err)) !=
	        CUTOVER_OK ||
	    (st = get_int(it, "period_s", path, 0, 1, 86400, &a->period, err)) != CUTOVER_OK ||
	    (st = get_int(it, "evaluation_periods", path, 0, 1, 100, &a->evals, err)) !=
	        CUTOVER_OK ||
	    (st = get_int(it, "datapoints_to_alarm", path, 0, 1, 100, &a->dta, err)) !=
	        CUTOVER_OK ||
	    (st = get_str(it, "treat_missing_data", path, 0, &tmd, err)) != CUTOVER_OK)
		goto out;
	if (!valid_period(a->period) || (a->period < 60 && a->period != 10 && a->period != 30)) {
		st = cutover_errf(err, CUTOVER_EVALIDATE,
		                  "%s.period_s: %d is not an alarm period (10, 30 or a multiple of "
		                  "60)",
		                  path, a->period);
		goto out;
	}
	if (!a->dta)
		a->dta = a->evals;
	if (a->dta > a->evals) {
		st = cutover_errf(err, CUTOVER_EVALIDATE,
		                  "%s.datapoints_to_alarm: %d is more than evaluation_periods (%d)",
		                  path, a->dta, a->evals);
		goto out;
	}
	if ((double)a->period * a->evals > 86400) {
		st = bad(err, path, "period_s x evaluation_periods exceeds one day");
		goto out;
	}
	a->tmd = TMD_MISSING;
	if (tmd) {
		for (k = 0; k < 4 && strcmp(tmd, tmd_names[k]) != 0; k++)
			;
		if (k == 4) {
			st =
			    cutover_errf(err, CUTOVER_EVALIDATE,
			                 "%s.treat_missing_data: \"%s\" is not missing, breaching, "
			                 "notBreaching or ignore",
			                 path, tmd);
			goto out;
		}
		a->tmd = (enum tmd)k;
	}
out:
	free(ns);
	free(name);
	free(cmp);
	free(tmd);
	free_dims(dims, ndims);
	return st;
}

static enum cutover_status resolve_rule(struct sim_metrics *m, struct alarm *a, struct rnode *n,
                                        struct cutover_err *err)
{
	enum cutover_status st = CUTOVER_OK;
	int i;

	if (!n)
		return CUTOVER_OK;
	if (n->kind == R_STATE) {
		i = sim_metrics_alarm_find(m, n->child_name);
		if (i < 0)
			return cutover_errf(
			    err, CUTOVER_EVALIDATE,
			    "alarm %s: rule names alarm \"%s\", which \"alarms\" does "
			    "not define",
			    a->name, n->child_name);
		n->child = (size_t)i;
		return CUTOVER_OK;
	}
	if ((st = resolve_rule(m, a, n->a, err)) != CUTOVER_OK)
		return st;
	return resolve_rule(m, a, n->b, err);
}

static int alarm_cmp(const void *x, const void *y)
{
	return strcmp(((const struct alarm *)x)->name, ((const struct alarm *)y)->name);
}

/* Depth-first: children before parents; a composite reached again while it
 * is being visited is a cycle. */
static enum cutover_status visit(struct sim_metrics *m, size_t i, size_t *n,
                                 struct cutover_err *err);

static enum cutover_status visit_rule(struct sim_metrics *m, const struct rnode *r, size_t *n,
                                      struct cutover_err *err)
{
	enum cutover_status st;

	if (!r)
		return CUTOVER_OK;
	if (r->kind == R_STATE)
		return visit(m, r->child, n, err);
	if ((st = visit_rule(m, r->a, n, err)) != CUTOVER_OK)
		return st;
	return visit_rule(m, r->b, n, err);
}

static enum cutover_status visit(struct sim_metrics *m, size_t i, size_t *n,
                                 struct cutover_err *err)
{
	struct alarm *a = &m->alarms[i];
	enum cutover_status st;

	if (a->mark == 2)
		return CUTOVER_OK;
	if (a->mark == 1)
		return cutover_errf(err, CUTOVER_EVALIDATE,
		                    "alarm %s: composite rules form a cycle through it", a->name);
	a->mark = 1;
	if ((st = visit_rule(m, a->rule, n, err)) != CUTOVER_OK)
		return st;
	a->mark = 2;
	m->order[(*n)++] = i;
	return CUTOVER_OK;
}

/* ---- create / destroy ----------------------------------------------------- */

enum cutover_status sim_metrics_create(const cJSON *root, uint64_t seed, double t0_epoch,
                                       struct sim_metrics **out, struct cutover_err *err)
{
	struct sim_metrics *m = NULL;
	const cJSON *arr, *it, *v;
	enum cutover_status st = CUTOVER_OK;
	size_t i = 0, n = 0;
	double hs;

	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (!m) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory loading metrics");
		goto out;
	}
	m->seed = seed;
	m->t0 = t0_epoch;
	v = cJSON_GetObjectItemCaseSensitive(root, "region");
	snprintf(m->region, sizeof(m->region), "%s",
	         cJSON_IsString(v) ? v->valuestring : "us-east-1");
	v = cJSON_GetObjectItemCaseSensitive(root, "account");
	snprintf(m->account, sizeof(m->account), "%s",
	         cJSON_IsString(v) ? v->valuestring : "123456789012");

	arr = cJSON_GetObjectItemCaseSensitive(root, "metrics");
	if (arr && !cJSON_IsArray(arr)) {
		st = cutover_errf(err, CUTOVER_EVALIDATE, "metrics: must be an array");
		goto out;
	}
	m->metrics = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*m->metrics));
	if (!m->metrics) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory loading metrics");
		goto out;
	}
	cJSON_ArrayForEach(it, arr)
	{
		struct metric *mt = &m->metrics[i];
		char path[64];

		snprintf(path, sizeof(path), "metrics[%zu]", i);
		m->nmetrics = i + 1; /* so that destroy frees a half-made one */
		if (!cJSON_IsObject(it)) {
			st = bad(err, path, "must be an object");
			goto out;
		}
		if ((st = parse_metric(root, it, i, mt, err)) != CUTOVER_OK ||
		    (st = make_key(mt, err)) != CUTOVER_OK)
			goto out;
		for (size_t j = 0; j < i; j++)
			if (same_metric(&m->metrics[j], mt->ns, mt->name, mt->dims, mt->ndims)) {
				st =
				    cutover_errf(err, CUTOVER_EVALIDATE,
				                 "%s: the same metric as metrics[%zu] (%s %s, same "
				                 "dimensions)",
				                 path, j, mt->ns, mt->name);
				goto out;
			}
		i++;
	}

	arr = cJSON_GetObjectItemCaseSensitive(root, "alarms");
	if (arr && !cJSON_IsArray(arr)) {
		st = cutover_errf(err, CUTOVER_EVALIDATE, "alarms: must be an array");
		goto out;
	}
	n = (size_t)cJSON_GetArraySize(arr);
	m->alarms = calloc(n + 1, sizeof(*m->alarms));
	m->order = calloc(n + 1, sizeof(*m->order));
	if (!m->alarms || !m->order) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory loading alarms");
		goto out;
	}
	i = 0;
	cJSON_ArrayForEach(it, arr)
	{
		m->nalarms = i + 1;
		if ((st = parse_alarm(m, it, i, &m->alarms[i], err)) != CUTOVER_OK)
			goto out;
		for (size_t j = 0; j < i; j++)
			if (strcmp(m->alarms[j].name, m->alarms[i].name) == 0) {
				st = cutover_errf(err, CUTOVER_EVALIDATE,
				                  "alarms[%zu]: name \"%s\" is already used by "
				                  "alarms[%zu]",
				                  i, m->alarms[i].name, j);
				goto out;
			}
		i++;
	}
	qsort(m->alarms, m->nalarms, sizeof(*m->alarms), alarm_cmp);
	for (i = 0; i < m->nalarms; i++)
		if ((st = resolve_rule(m, &m->alarms[i], m->alarms[i].rule, err)) != CUTOVER_OK)
			goto out;
	n = 0;
	for (i = 0; i < m->nalarms; i++)
		if ((st = visit(m, i, &n, err)) != CUTOVER_OK)
			goto out;

	hs = t0_epoch;
	for (i = 0; i < m->nmetrics; i++)
		if (t0_epoch - m->metrics[i].history_s < hs)
			hs = t0_epoch - m->metrics[i].history_s;
	m->e_first = (int64_t)floor(hs / EVAL_STEP) * EVAL_STEP;
	*out = m;
	m = NULL;
out:
	sim_metrics_destroy(m);
	return st;
}

void sim_metrics_destroy(struct sim_metrics *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nmetrics; i++) {
		struct metric *mt = &m->metrics[i];

		free(mt->ns);
		free(mt->name);
		free(mt->unit);
		free(mt->key);
		free_dims(mt->dims, mt->ndims);
		free(mt->inc);
		free(mt->rparam);
		free(mt->requals);
		free(mt->ch);
	}
	free(m->metrics);
	for (size_t i = 0; i < m->nalarms; i++) {
		struct alarm *a = &m->alarms[i];

		free(a->name);
		free(a->description);
		free(a->stat_name);
		free(a->rule_text);
		rnode_free(a->rule);
	}
	free(m->alarms);
	free(m->order);
	free(m);
}

/* ---- values ---------------------------------------------------------------- */

void sim_metrics_parameter_changed(struct sim_metrics *m, const char *name, const char *value,
                                   double now)
{
	if (!m || !name || !value)
		return;
	for (size_t i = 0; i < m->nmetrics; i++) {
		struct metric *mt = &m->metrics[i];
		struct change *c;
		size_t at;

		int match;

		if (!mt->rparam || strcmp(mt->rparam, name) != 0)
			continue;
		/* A write that keeps the parameter on the same side of `equals`
		 * changes nothing; skipping it keeps the list short however often
		 * the console polls and rewrites a flag. */
		match = strcmp(value, mt->requals) == 0;
		if (match == (mt->nch ? mt->ch[mt->nch - 1].match : mt->initial_match) &&
		    (!mt->nch || now >= mt->ch[mt->nch - 1].t))
			continue;
		c = realloc(mt->ch, (mt->nch + 1) * sizeof(*c));
		if (!c)
			continue; /* the reaction is lost; the sim keeps answering */
		mt->ch = c;
		/* Changes arrive in time order; keep it so even if one does not. */
		for (at = mt->nch; at > 0 && mt->ch[at - 1].t > now; at--)
			mt->ch[at] = mt->ch[at - 1];
		mt->ch[at].t = now;
		mt->ch[at].match = match;
		mt->nch++;
		/* Alarm states cached past this change are no longer known. */
		if (m->cache_valid && now < (double)m->e_done)
			m->cache_valid = 0;
	}
}

/* How much of the incidents is left at time t: 1 = all, 0 = fully recovered.
 * It moves toward 0 at 1/within_s per second while the parameter has the
 * recovery value, and back toward 1 at the same rate while it has not. */
static double recovery_factor(const struct metric *mt, double t)
{
	int match = mt->initial_match;
	double f = match ? 0.0 : 1.0, prev = -INFINITY;

	for (size_t i = 0; i <= mt->nch; i++) {
		double until = i < mt->nch && mt->ch[i].t < t ? mt->ch[i].t : t;
		double dt = until - prev;

		if (mt->within <= 0)
			f = match ? 0.0 : 1.0;
		else if (dt > 0)
			f = match ? fmax(0.0, f - dt / mt->within) : fmin(1.0, f + dt / mt->within);
		if (until == t)
			break;
		prev = until;
		match = mt->ch[i].match;
	}
	return f;
}

/* Trapezoid: ramp up over ramp_s from at_s, hold, ramp down after for_s. */
static double incident_weight(const struct incident *in, double t)
{
	double end;

	if (t < in->at)
		return 0;
	if (in->ramp > 0 && t < in->at + in->ramp)
		return (t - in->at) / in->ramp;
	if (in->dur < 0)
		return 1;
	end = in->at + in->dur;
	if (t <= end)
		return 1;
	if (in->ramp > 0 && t < end + in->ramp)
		return 1 - (t - end) / in->ramp;
	return 0;
}

static double sample(const struct sim_metrics *m, const struct metric *mt, int64_t ts)
{
	double t = (double)ts - m->t0, delta = 0, v;

	for (size_t i = 0; i < mt->ninc; i++)
		delta += (mt->inc[i].to - mt->baseline) * incident_weight(&mt->inc[i], t);
	if (mt->rparam && delta != 0)
		delta *= recovery_factor(mt, (double)ts);
	v = mt->baseline + delta;
	if (mt->noise > 0)
		v += mt->noise * (2.0 * sim_rand_unit(m->seed, mt->key, ts / mt->period) - 1.0);
	if (mt->integer)
		v = floor(v + 0.5);
	return fmin(mt->max, fmax(mt->min, v));
}

int sim_metrics_find(const struct sim_metrics *m, const char *ns, const char *name,
                     const struct sim_dim *dims, size_t ndims)
{
	for (size_t i = 0; i < m->nmetrics; i++)
		if (same_metric(&m->metrics[i], ns, name, dims, ndims))
			return (int)i;
	return -1;
}

size_t sim_metrics_count(const struct sim_metrics *m)
{
	return m->nmetrics;
}

const char *sim_metrics_unit(const struct sim_metrics *m, size_t idx)
{
	return m->metrics[idx].unit ? m->metrics[idx].unit : "None";
}

int sim_metrics_period(const struct sim_metrics *m, size_t idx)
{
	return m->metrics[idx].period;
}

double sim_metrics_sample(const struct sim_metrics *m, size_t idx, int64_t ts)
{
	return sample(m, &m->metrics[idx], ts);
}

double sim_metrics_history_start(const struct sim_metrics *m)
{
	return (double)m->e_first;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double sim_metrics_stat(const struct sim_metrics *m, size_t idx, const struct sim_stat *st,
                        int64_t from, int64_t to, double now)
{
	const struct metric *mt = &m->metrics[idx];
	int64_t hs = (int64_t)ceil(m->t0 - mt->history_s), lo = from > hs ? from : hs;
	int64_t p = mt->period, first, last = to - 1;
	double sum = 0, mn = INFINITY, mx = -INFINITY, *vals = NULL, r;
	size_t n = 0, cap;

	if ((double)last > floor(now))
		last = (int64_t)floor(now);
	first = lo >= 0 ? (lo + p - 1) / p * p : lo / p * p;
	if (first > last)
		return NAN;
	cap = (size_t)((last - first) / p) + 1;
	if (st->kind == SIM_STAT_PERCENTILE && !(vals = malloc(cap * sizeof(*vals))))
		return NAN;
	for (int64_t ts = first; ts <= last; ts += p) {
		double v = sample(m, mt, ts);

		sum += v;
		mn = fmin(mn, v);
		mx = fmax(mx, v);
		if (vals)
			vals[n] = v;
		n++;
	}
	switch (st->kind) {
	case SIM_STAT_AVERAGE:
		r = sum / (double)n;
		break;
	case SIM_STAT_SUM:
		r = sum;
		break;
	case SIM_STAT_MINIMUM:
		r = mn;
		break;
	case SIM_STAT_MAXIMUM:
		r = mx;
		break;
	case SIM_STAT_SAMPLECOUNT:
		r = (double)n;
		break;
	case SIM_STAT_PERCENTILE: {
		/* Nearest rank. */
		size_t rank = (size_t)ceil(st->pct / 100.0 * (double)n);

		qsort(vals, n, sizeof(*vals), dbl_cmp);
		r = vals[rank ? rank - 1 : 0];
		break;
	}
	default:
		r = NAN;
		break;
	}
	free(vals);
	return r;
}

/* ---- alarm evaluation ------------------------------------------------------ */

struct eval_detail {
	int present, breaching;
	double values[100]; /* newest first; NAN = missing */
};

static int breaches(const struct alarm *a, double v)
{
	switch (a->cmp) {
	case CMP_GT:
		return v > a->threshold;
	case CMP_GE:
		return v >= a->threshold;
	case CMP_LT:
		return v < a->threshold;
	case CMP_LE:
		return v <= a->threshold;
	}
	return 0;
}

/* M out of N over the N periods that end at e.  Missing datapoints count as
 * breaching or not per treat_missing_data; with none present the state is
 * INSUFFICIENT_DATA ("missing") or unchanged ("ignore"). */
static enum sim_alarm_state eval_metric_alarm(const struct sim_metrics *m, const struct alarm *a,
                                              int64_t e, enum sim_alarm_state prev,
                                              struct eval_detail *d)
{
	struct eval_detail local;
	int missing = 0;

	if (!d)
		d = &local;
	d->present = d->breaching = 0;
	for (int k = 0; k < a->evals; k++) {
		int64_t to = e - (int64_t)k * a->period;
		double v = sim_metrics_stat(m, a->metric, &a->stat, to - a->period, to, (double)e);

		d->values[k] = v;
		if (isnan(v)) {
			missing++;
			if (a->tmd == TMD_BREACHING)
				d->breaching++;
			continue;
		}
		d->present++;
		d->breaching += breaches(a, v);
	}
	if (d->breaching >= a->dta)
		return SIM_ALARM_ALARM;
	if (d->present == 0) {
		if (a->tmd == TMD_MISSING)
			return SIM_ALARM_INSUFFICIENT;
		if (a->tmd == TMD_IGNORE)
			return prev;
	}
	return SIM_ALARM_OK;
}

static int rule_true(const struct sim_metrics *m, const struct rnode *r)
{
	switch (r->kind) {
	case R_STATE:
		return m->alarms[r->child].state == r->want;
	case R_AND:
		return rule_true(m, r->a) && rule_true(m, r->b);
	case R_OR:
		return rule_true(m, r->a) || rule_true(m, r->b);
	case R_NOT:
		return !rule_true(m, r->a);
	case R_TRUE:
		return 1;
	case R_FALSE:
		return 0;
	}
	return 0;
}

/* Every alarm's state at evaluation time e, children before parents; a
 * composite reads its children's states at the same e. */
static void step_all(struct sim_metrics *m, int64_t e, int first)
{
	for (size_t k = 0; k < m->nalarms; k++) {
		struct alarm *a = &m->alarms[m->order[k]];
		enum sim_alarm_state prev = first ? SIM_ALARM_INSUFFICIENT : a->state, s;

		if (a->composite)
			s = rule_true(m, a->rule) ? SIM_ALARM_ALARM : SIM_ALARM_OK;
		else
			s = eval_metric_alarm(m, a, e, prev, NULL);
		if (first || s != a->state) {
			a->state = s;
			a->updated = (double)e;
		}
	}
}

static void advance(struct sim_metrics *m, double now)
{
	int64_t e_now = (int64_t)floor(now / EVAL_STEP) * EVAL_STEP;

	if (e_now < m->e_first)
		e_now = m->e_first;
	if (!m->cache_valid || e_now < m->e_done) {
		step_all(m, m->e_first, 1);
		m->e_done = m->e_first;
		m->cache_valid = 1;
	}
	for (int64_t e = m->e_done + EVAL_STEP; e <= e_now; e += EVAL_STEP)
		step_all(m, e, 0);
	m->e_done = e_now;
}

size_t sim_metrics_alarm_count(const struct sim_metrics *m)
{
	return m->nalarms;
}

int sim_metrics_alarm_find(const struct sim_metrics *m, const char *name)
{
	for (size_t i = 0; i < m->nalarms; i++)
		if (strcmp(m->alarms[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int rule_names(const struct rnode *r, size_t child)
{
	if (!r)
		return 0;
	if (r->kind == R_STATE)
		return r->child == child;
	return rule_names(r->a, child) || rule_names(r->b, child);
}

int sim_metrics_alarm_is_child(const struct sim_metrics *m, size_t parent, size_t child)
{
	return m->alarms[parent].composite && rule_names(m->alarms[parent].rule, child);
}

const char *sim_alarm_state_name(enum sim_alarm_state s)
{
	switch (s) {
	case SIM_ALARM_OK:
		return "OK";
	case SIM_ALARM_ALARM:
		return "ALARM";
	case SIM_ALARM_INSUFFICIENT:
		return "INSUFFICIENT_DATA";
	}
	return "INSUFFICIENT_DATA";
}

/* CloudWatch's reason timestamps: dd/mm/yy HH:MM:SS, UTC. */
static void fmt_short_time(char *buf, size_t n, double t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(buf, n, "%02d/%02d/%02d %02d:%02d:%02d", tm.tm_mday, tm.tm_mon + 1,
	         tm.tm_year % 100, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void fmt_iso(char *buf, size_t n, double t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%S.000+0000", &tm);
}

static void metric_reason(const struct sim_metrics *m, const struct alarm *a,
                          struct sim_alarm_view *v)
{
	struct eval_detail d;
	int64_t e = (int64_t)v->state_updated;
	size_t len = 0;
	int shown = 0;
	char when[32], list[700] = "";
	const char *word = cmp_words[a->cmp];
	cJSON *j = cJSON_CreateObject(), *recent;
	char *txt;

	eval_metric_alarm(m, a, e, v->state, &d);
	for (int k = 0; k < a->evals && len < sizeof(list) - 64; k++) {
		if (isnan(d.values[k]))
			continue;
		fmt_short_time(when, sizeof(when), (double)(e - (int64_t)(k + 1) * a->period));
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%g (%s)",
		                        shown++ ? ", " : "", d.values[k], when);
	}
	if (v->state == SIM_ALARM_INSUFFICIENT) {
		snprintf(v->reason, sizeof(v->reason), "Insufficient Data: %d datapoint%s unknown.",
		         a->evals, a->evals == 1 ? " was" : "s were");
	} else if (v->state == SIM_ALARM_ALARM) {
		snprintf(v->reason, sizeof(v->reason),
		         "Threshold Crossed: %d out of the last %d datapoints [%s] %s %s the "
		         "threshold (%g) (minimum %d datapoint%s for OK -> ALARM transition).",
		         d.breaching, a->evals, list, d.breaching == 1 ? "was" : "were", word,
		         a->threshold, a->dta, a->dta == 1 ? "" : "s");
	} else {
		snprintf(v->reason, sizeof(v->reason),
		         "Threshold Crossed: %d out of the last %d datapoints [%s] %s not %s the "
		         "threshold (%g) (minimum %d datapoint%s for ALARM -> OK transition).",
		         d.present - d.breaching, a->evals, list,
		         d.present - d.breaching == 1 ? "was" : "were", word, a->threshold, a->dta,
		         a->dta == 1 ? "" : "s");
	}
	if (!j)
		return;
	cJSON_AddStringToObject(j, "version", "1.0");
	fmt_iso(when, sizeof(when), (double)e);
	cJSON_AddStringToObject(j, "queryDate", when);
	fmt_iso(when, sizeof(when), (double)(e - (int64_t)a->evals * a->period));
	cJSON_AddStringToObject(j, "startDate", when);
	cJSON_AddStringToObject(
	    j, a->stat.kind == SIM_STAT_PERCENTILE ? "extendedStatistic" : "statistic",
	    a->stat_name);
	cJSON_AddNumberToObject(j, "period", a->period);
	recent = cJSON_AddArrayToObject(j, "recentDatapoints");
	for (int k = 0; recent && k < a->evals; k++)
		if (!isnan(d.values[k]))
			cJSON_AddItemToArray(recent, cJSON_CreateNumber(d.values[k]));
	cJSON_AddNumberToObject(j, "threshold", a->threshold);
	txt = cJSON_PrintUnformatted(j);
	if (txt && strlen(txt) < sizeof(v->reason_data))
		snprintf(v->reason_data, sizeof(v->reason_data), "%s", txt);
	free(txt);
	cJSON_Delete(j);
}

static void composite_reason(const struct sim_metrics *m, const struct alarm *a,
                             struct sim_alarm_view *v)
{
	const struct alarm *why = NULL;

	/* Name the child whose latest change agrees with the outcome. */
	for (size_t i = 0; i < m->nalarms; i++) {
		const struct alarm *c = &m->alarms[i];

		if (!rule_names(a->rule, i))
			continue;
		if ((v->state == SIM_ALARM_ALARM) == (c->state == SIM_ALARM_ALARM) &&
		    (!why || c->updated > why->updated))
			why = c;
	}
	if (why) {
		char when[64];
		time_t tt = (time_t)why->updated;
		struct tm tm;

		gmtime_r(&tt, &tm);
		strftime(when, sizeof(when), "%A %d %B, %Y %H:%M:%S UTC", &tm);
		snprintf(v->reason, sizeof(v->reason),
		         "arn:aws:cloudwatch:%s:%s:alarm:%s transitioned to %s at %s", m->region,
		         m->account, why->name, sim_alarm_state_name(why->state), when);
	} else {
		snprintf(v->reason, sizeof(v->reason), "Alarm rule evaluated to %s: %s",
		         v->state == SIM_ALARM_ALARM ? "TRUE" : "FALSE", a->rule_text);
	}
}

void sim_metrics_alarm_get(struct sim_metrics *m, size_t i, double now, struct sim_alarm_view *v)
{
	const struct alarm *a = &m->alarms[i];

	advance(m, now);
	memset(v, 0, sizeof(*v));
	v->name = a->name;
	v->description = a->description;
	v->composite = a->composite;
	v->state = a->state;
	v->state_updated = a->updated;
	v->configured = (double)m->e_first;
	if (a->composite) {
		v->rule = a->rule_text;
		composite_reason(m, a, v);
		return;
	}
	{
		const struct metric *mt = &m->metrics[a->metric];

		v->namespace_ = mt->ns;
		v->metric_name = mt->name;
		v->dims = mt->dims;
		v->ndims = mt->ndims;
	}
	v->stat_name = a->stat_name;
	v->extended = a->stat.kind == SIM_STAT_PERCENTILE;
	v->period = a->period;
	v->evaluation_periods = a->evals;
	v->datapoints_to_alarm = a->dta;
	v->threshold = a->threshold;
	v->comparison = cmp_names[a->cmp];
	v->treat_missing = tmd_names[a->tmd];
	metric_reason(m, a, v);
}
