/* sim_expr.c: CloudWatch metric math, parsed by recursive descent and
 * evaluated over a shared timestamp grid (see sim_expr.h for the grammar and
 * why it is hand-written). */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_expr.h"

enum node_kind { N_NUM, N_REF, N_NEG, N_BIN, N_CALL, N_ARRAY };

enum bin_op {
	OP_ADD,
	OP_SUB,
	OP_MUL,
	OP_DIV,
	OP_EQ,
	OP_NE,
	OP_LT,
	OP_LE,
	OP_GT,
	OP_GE,
	OP_AND,
	OP_OR
};

struct node {
	enum node_kind kind;
	enum bin_op op;
	double num;
	char *name;         /* N_REF id, N_CALL function name */
	struct node **kids; /* N_NEG: 1, N_BIN: 2, N_CALL/N_ARRAY: args */
	size_t nkids;
	size_t col; /* 1-based column, for error messages */
};

struct sim_expr {
	struct node *root;
	char **refs;
	size_t nrefs;
};

/* ---- parser -------------------------------------------------------------- */

struct parser {
	const char *text;
	const char *p;
	struct cutover_err *err;
	int failed;
	int depth;
};

/* Deep nesting is refused rather than overflowing the C stack. */
#define MAX_DEPTH 64

static void node_free(struct node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n);
}

static size_t col_of(const struct parser *ps, const char *at)
{
	return (size_t)(at - ps->text) + 1;
}

static struct node *fail_at(struct parser *ps, const char *at, const char *what)
{
	if (!ps->failed) {
		ps->failed = 1;
		if (*at)
			cutover_errf(ps->err, CUTOVER_EPARSE, "%s at column %zu (near '%.10s')",
			             what, col_of(ps, at), at);
		else
			cutover_errf(ps->err, CUTOVER_EPARSE, "%s at the end of the expression",
			             what);
	}
	return NULL;
}

static struct node *oom(struct parser *ps)
{
	if (!ps->failed) {
		ps->failed = 1;
		cutover_errf(ps->err, CUTOVER_ENOMEM, "out of memory parsing an expression");
	}
	return NULL;
}

static void skip_space(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static struct node *node_new(struct parser *ps, enum node_kind kind, const char *at)
{
	struct node *n = calloc(1, sizeof(*n));

	if (!n)
		return oom(ps);
	n->kind = kind;
	n->col = col_of(ps, at);
	return n;
}

static int add_kid(struct parser *ps, struct node *n, struct node *kid)
{
	struct node **k = realloc(n->kids, (n->nkids + 1) * sizeof(*k));

	if (!k) {
		node_free(kid);
		oom(ps);
		return -1;
	}
	n->kids = k;
	n->kids[n->nkids++] = kid;
	return 0;
}

static struct node *binary(struct parser *ps, enum bin_op op, struct node *l, struct node *r,
                           const char *at)
{
	struct node *n;

	if (!l || !r) {
		node_free(l);
		node_free(r);
		return NULL;
	}
	n = node_new(ps, N_BIN, at);
	if (!n) {
		node_free(l);
		node_free(r);
		return NULL;
	}
	n->op = op;
	if (add_kid(ps, n, l) < 0) {
		node_free(r);
		node_free(n);
		return NULL;
	}
	if (add_kid(ps, n, r) < 0) {
		node_free(n);
		return NULL;
	}
	return n;
}

static struct node *parse_or(struct parser *ps);

/* Comma-separated expressions up to `close`; the opener is already consumed. */
static struct node *parse_args(struct parser *ps, struct node *n, char close)
{
	skip_space(ps);
	if (*ps->p == close) {
		ps->p++;
		return n;
	}
	for (;;) {
		struct node *a = parse_or(ps);

		if (!a || add_kid(ps, n, a) < 0) {
			node_free(n);
			return NULL;
		}
		skip_space(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == close) {
			ps->p++;
			return n;
		}
		node_free(n);
		return close == ')' ? fail_at(ps, ps->p, "expected ',' or ')'")
		                    : fail_at(ps, ps->p, "expected ',' or ']'");
	}
}

static struct node *parse_primary(struct parser *ps)
{
	const char *at;
	struct node *n;

	skip_space(ps);
	at = ps->p;
	if (++ps->depth > MAX_DEPTH)
		return fail_at(ps, at, "expression nested too deeply");
	if (isdigit((unsigned char)*at) || (*at == '.' && isdigit((unsigned char)at[1]))) {
		char *end;
		double v = strtod(at, &end);

		if (end == at || !isfinite(v))
			return fail_at(ps, at, "bad number");
		n = node_new(ps, N_NUM, at);
		if (n)
			n->num = v;
		ps->p = end;
	} else if (isalpha((unsigned char)*at) || *at == '_') {
		const char *e = at;
		size_t len;

		while (isalnum((unsigned char)*e) || *e == '_')
			e++;
		len = (size_t)(e - at);
		ps->p = e;
		skip_space(ps);
		n = node_new(ps, *ps->p == '(' ? N_CALL : N_REF, at);
		if (!n)
			return NULL;
		n->name = malloc(len + 1);
		if (!n->name) {
			node_free(n);
			return oom(ps);
		}
		memcpy(n->name, at, len);
		n->name[len] = '\0';
		if (n->kind == N_CALL) {
			ps->p++;
			n = parse_args(ps, n, ')');
		}
	} else if (*at == '(') {
		ps->p++;
		n = parse_or(ps);
		if (!n)
			return NULL;
		skip_space(ps);
		if (*ps->p != ')') {
			node_free(n);
			return fail_at(ps, ps->p, "expected ')'");
		}
		ps->p++;
	} else if (*at == '[') {
		ps->p++;
		n = node_new(ps, N_ARRAY, at);
		if (n)
			n = parse_args(ps, n, ']');
	} else {
		return fail_at(ps, at, *at ? "unexpected character" : "expected a value");
	}
	ps->depth--;
	return n;
}

static struct node *parse_unary(struct parser *ps)
{
	const char *at;

	skip_space(ps);
	at = ps->p;
	if (*at == '-') {
		struct node *kid, *n;

		ps->p++;
		if (++ps->depth > MAX_DEPTH)
			return fail_at(ps, at, "expression nested too deeply");
		kid = parse_unary(ps);
		ps->depth--;
		if (!kid)
			return NULL;
		n = node_new(ps, N_NEG, at);
		if (!n || add_kid(ps, n, kid) < 0) {
			if (n)
				node_free(n);
			else
				node_free(kid);
			return NULL;
		}
		return n;
	}
	return parse_primary(ps);
}

static struct node *parse_term(struct parser *ps)
{
	struct node *l = parse_unary(ps);

	for (;;) {
		const char *at;

		if (!l)
			return NULL;
		skip_space(ps);
		at = ps->p;
		if (*at != '*' && *at != '/')
			return l;
		ps->p++;
		l = binary(ps, *at == '*' ? OP_MUL : OP_DIV, l, parse_unary(ps), at);
	}
}

static struct node *parse_sum(struct parser *ps)
{
	struct node *l = parse_term(ps);

	for (;;) {
		const char *at;

		if (!l)
			return NULL;
		skip_space(ps);
		at = ps->p;
		if (*at != '+' && *at != '-')
			return l;
		ps->p++;
		l = binary(ps, *at == '+' ? OP_ADD : OP_SUB, l, parse_term(ps), at);
	}
}

static struct node *parse_cmp(struct parser *ps)
{
	static const struct {
		const char *tok;
		enum bin_op op;
	} ops[] = {
	    {"==", OP_EQ}, {"!=", OP_NE}, {"<=", OP_LE}, {">=", OP_GE}, {"<", OP_LT}, {">", OP_GT},
	};
	struct node *l = parse_sum(ps);
	const char *at;

	if (!l)
		return NULL;
	skip_space(ps);
	at = ps->p;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t len = strlen(ops[i].tok);

		if (strncmp(at, ops[i].tok, len) == 0) {
			ps->p += len;
			return binary(ps, ops[i].op, l, parse_sum(ps), at);
		}
	}
	return l;
}

/* A word operator ("AND") only when it is a whole word. */
static int match_word(struct parser *ps, const char *word, const char *sym)
{
	size_t wl = strlen(word), sl = strlen(sym);

	skip_space(ps);
	if (strncmp(ps->p, sym, sl) == 0) {
		ps->p += sl;
		return 1;
	}
	if (strncmp(ps->p, word, wl) == 0 && !isalnum((unsigned char)ps->p[wl]) &&
	    ps->p[wl] != '_') {
		ps->p += wl;
		return 1;
	}
	return 0;
}

static struct node *parse_and(struct parser *ps)
{
	struct node *l = parse_cmp(ps);

	while (l) {
		const char *at;

		skip_space(ps);
		at = ps->p;
		if (!match_word(ps, "AND", "&&"))
			return l;
		l = binary(ps, OP_AND, l, parse_cmp(ps), at);
	}
	return NULL;
}

static struct node *parse_or(struct parser *ps)
{
	struct node *l = parse_and(ps);

	while (l) {
		const char *at;

		skip_space(ps);
		at = ps->p;
		if (!match_word(ps, "OR", "||"))
			return l;
		l = binary(ps, OP_OR, l, parse_and(ps), at);
	}
	return NULL;
}

static int add_ref(struct sim_expr *e, const char *name)
{
	char **r;

	for (size_t i = 0; i < e->nrefs; i++)
		if (strcmp(e->refs[i], name) == 0)
			return 0;
	r = realloc(e->refs, (e->nrefs + 1) * sizeof(*r));
	if (!r)
		return -1;
	e->refs = r;
	e->refs[e->nrefs] = malloc(strlen(name) + 1);
	if (!e->refs[e->nrefs])
		return -1;
	memcpy(e->refs[e->nrefs], name, strlen(name) + 1);
	e->nrefs++;
	return 0;
}

static int is_fill_keyword(const struct node *parent, size_t idx, const struct node *n)
{
	return parent && parent->kind == N_CALL && strcmp(parent->name, "FILL") == 0 && idx == 1 &&
	       n->kind == N_REF &&
	       (strcmp(n->name, "REPEAT") == 0 || strcmp(n->name, "LINEAR") == 0);
}

static int collect_refs(struct sim_expr *e, const struct node *parent, size_t idx,
                        const struct node *n)
{
	if (n->kind == N_REF && !is_fill_keyword(parent, idx, n))
		return add_ref(e, n->name);
	for (size_t i = 0; i < n->nkids; i++)
		if (collect_refs(e, n, i, n->kids[i]) < 0)
			return -1;
	return 0;
}

enum cutover_status sim_expr_parse(const char *text, struct sim_expr **out, struct cutover_err *err)
{
	struct parser ps = {text, text, err, 0, 0};
	struct sim_expr *e = NULL;
	enum cutover_status st = CUTOVER_OK;

	*out = NULL;
	e = calloc(1, sizeof(*e));
	if (!e) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory parsing an expression");
		goto out;
	}
	e->root = parse_or(&ps);
	if (e->root) {
		skip_space(&ps);
		if (*ps.p) {
			fail_at(&ps, ps.p, "unexpected text after the expression");
		}
	}
	if (ps.failed || !e->root) {
		st = err ? err->status : CUTOVER_EPARSE;
		if (st == CUTOVER_OK)
			st = CUTOVER_EPARSE;
		goto out;
	}
	if (collect_refs(e, NULL, 0, e->root) < 0) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory parsing an expression");
		goto out;
	}
	*out = e;
	e = NULL;
out:
	sim_expr_destroy(e);
	return st;
}

void sim_expr_destroy(struct sim_expr *e)
{
	if (!e)
		return;
	node_free(e->root);
	for (size_t i = 0; i < e->nrefs; i++)
		free(e->refs[i]);
	free(e->refs);
	free(e);
}

size_t sim_expr_ref_count(const struct sim_expr *e)
{
	return e ? e->nrefs : 0;
}

const char *sim_expr_ref_get(const struct sim_expr *e, size_t i)
{
	return e && i < e->nrefs ? e->refs[i] : NULL;
}

/* ---- evaluator ----------------------------------------------------------- */

/* A value is a scalar or a series of n points (owned). */
struct val {
	int series;
	double k;
	double *v;
};

struct evalctx {
	size_t n;
	double step_s;
	sim_expr_lookup_fn lookup;
	void *ctx;
	size_t dropped;
	struct cutover_err *err;
};

static double at(const struct val *x, size_t i)
{
	return x->series ? x->v[i] : x->k;
}

static void val_free(struct val *x)
{
	free(x->v);
	x->v = NULL;
	x->series = 0;
}

static enum cutover_status make_series(struct evalctx *c, struct val *x)
{
	x->series = 1;
	x->v = malloc((c->n ? c->n : 1) * sizeof(double));
	if (!x->v)
		return cutover_errf(c->err, CUTOVER_ENOMEM,
		                    "out of memory evaluating an expression");
	return CUTOVER_OK;
}

/* Arithmetic on present values; NAN in, NAN out (missing stays missing).  A
 * result that is not a number although both inputs were is an arithmetic
 * error: the point is dropped and counted. */
static double apply(struct evalctx *c, enum bin_op op, double a, double b, size_t weight)
{
	double r;

	if (isnan(a) || isnan(b))
		return NAN;
	switch (op) {
	case OP_ADD:
		r = a + b;
		break;
	case OP_SUB:
		r = a - b;
		break;
	case OP_MUL:
		r = a * b;
		break;
	case OP_DIV:
		r = b == 0.0 ? NAN : a / b;
		break;
	case OP_EQ:
		return a == b;
	case OP_NE:
		return a != b;
	case OP_LT:
		return a < b;
	case OP_LE:
		return a <= b;
	case OP_GT:
		return a > b;
	case OP_GE:
		return a >= b;
	case OP_AND:
		return a != 0.0 && b != 0.0;
	case OP_OR:
		return a != 0.0 || b != 0.0;
	default:
		return NAN;
	}
	if (!isfinite(r)) {
		c->dropped += weight;
		return NAN;
	}
	return r;
}

static enum cutover_status eval(struct evalctx *c, const struct node *n, struct val *out);

static enum cutover_status want_args(struct evalctx *c, const struct node *n, size_t lo, size_t hi)
{
	if (n->nkids < lo || n->nkids > hi) {
		if (lo == hi)
			return cutover_errf(c->err, CUTOVER_EVALIDATE,
			                    "%s at column %zu takes %zu argument%s, not %zu",
			                    n->name, n->col, lo, lo == 1 ? "" : "s", n->nkids);
		return cutover_errf(c->err, CUTOVER_EVALIDATE,
		                    "%s at column %zu takes %zu to %zu arguments, not %zu", n->name,
		                    n->col, lo, hi, n->nkids);
	}
	return CUTOVER_OK;
}

static enum cutover_status eval_fill(struct evalctx *c, const struct node *n, struct val *out)
{
	struct val s = {0, 0, NULL}, f = {0, 0, NULL};
	const struct node *how = n->kids[1];
	enum cutover_status st;

	st = eval(c, n->kids[0], &s);
	if (st != CUTOVER_OK)
		goto out;
	if (!s.series) { /* a scalar has no gaps */
		*out = s;
		s.v = NULL;
		goto out;
	}
	if (how->kind == N_REF &&
	    (strcmp(how->name, "REPEAT") == 0 || strcmp(how->name, "LINEAR") == 0)) {
		int linear = how->name[0] == 'L';
		size_t prev = (size_t)-1;

		/* Gaps between two values are repeated/interpolated; gaps at
		 * the edges take the nearest value. */
		for (size_t i = 0; i < c->n; i++) {
			if (isnan(s.v[i]))
				continue;
			if (prev == (size_t)-1) {
				for (size_t j = 0; j < i; j++)
					s.v[j] = s.v[i];
			} else {
				for (size_t j = prev + 1; j < i; j++)
					s.v[j] = linear ? s.v[prev] + (s.v[i] - s.v[prev]) *
					                                  (double)(j - prev) /
					                                  (double)(i - prev)
					                : s.v[prev];
			}
			prev = i;
		}
		if (prev != (size_t)-1)
			for (size_t j = prev + 1; j < c->n; j++)
				s.v[j] = s.v[prev];
	} else {
		st = eval(c, how, &f);
		if (st != CUTOVER_OK)
			goto out;
		for (size_t i = 0; i < c->n; i++)
			if (isnan(s.v[i]))
				s.v[i] = at(&f, i);
	}
	*out = s;
	s.v = NULL;
out:
	val_free(&s);
	val_free(&f);
	return st;
}

enum agg { AGG_SUM, AGG_AVG, AGG_MIN, AGG_MAX, AGG_COUNT };

static double aggregate(enum agg a, const double *x, size_t count, size_t stride)
{
	double acc = 0;
	size_t k = 0;

	for (size_t i = 0; i < count; i++) {
		double v = x[i * stride];

		if (isnan(v))
			continue;
		if (k == 0 && (a == AGG_MIN || a == AGG_MAX))
			acc = v;
		else if (a == AGG_MIN)
			acc = v < acc ? v : acc;
		else if (a == AGG_MAX)
			acc = v > acc ? v : acc;
		else
			acc += v;
		k++;
	}
	if (a == AGG_COUNT)
		return (double)k;
	if (k == 0)
		return NAN;
	return a == AGG_AVG ? acc / (double)k : acc;
}

static enum cutover_status eval_agg(struct evalctx *c, const struct node *n, enum agg a,
                                    struct val *out)
{
	enum cutover_status st;
	const struct node *arg;

	st = want_args(c, n, 1, 1);
	if (st != CUTOVER_OK)
		return st;
	arg = n->kids[0];
	if (arg->kind == N_ARRAY && a != AGG_COUNT) {
		/* Point by point across several series. */
		size_t m = arg->nkids;
		double *grid = NULL;
		struct val item = {0, 0, NULL};

		if (m == 0)
			return cutover_errf(c->err, CUTOVER_EVALIDATE,
			                    "%s at column %zu: the array is empty", n->name,
			                    n->col);
		grid = malloc(m * (c->n ? c->n : 1) * sizeof(double));
		if (!grid)
			return cutover_errf(c->err, CUTOVER_ENOMEM,
			                    "out of memory evaluating an expression");
		for (size_t j = 0; j < m; j++) {
			st = eval(c, arg->kids[j], &item);
			if (st != CUTOVER_OK) {
				free(grid);
				return st;
			}
			for (size_t i = 0; i < c->n; i++)
				grid[i * m + j] = at(&item, i);
			val_free(&item);
		}
		st = make_series(c, out);
		if (st == CUTOVER_OK)
			for (size_t i = 0; i < c->n; i++)
				out->v[i] = aggregate(a, grid + i * m, m, 1);
		free(grid);
		return st;
	}
	{
		struct val s = {0, 0, NULL};

		st = eval(c, arg, &s);
		if (st != CUTOVER_OK)
			return st;
		out->series = 0;
		out->v = NULL;
		if (s.series)
			out->k = aggregate(a, s.v, c->n, 1);
		else
			out->k = a == AGG_COUNT ? (isnan(s.k) ? 0 : 1) : s.k;
		val_free(&s);
	}
	return CUTOVER_OK;
}

static enum cutover_status eval_map(struct evalctx *c, const struct node *n, double (*fn)(double),
                                    struct val *out)
{
	enum cutover_status st = want_args(c, n, 1, 1);

	if (st != CUTOVER_OK)
		return st;
	st = eval(c, n->kids[0], out);
	if (st != CUTOVER_OK)
		return st;
	if (!out->series) {
		out->k = isnan(out->k) ? NAN : fn(out->k);
	} else {
		for (size_t i = 0; i < c->n; i++)
			out->v[i] = isnan(out->v[i]) ? NAN : fn(out->v[i]);
	}
	return CUTOVER_OK;
}

static enum cutover_status eval_if(struct evalctx *c, const struct node *n, struct val *out)
{
	struct val v[3] = {{0, 0, NULL}, {0, 0, NULL}, {0, NAN, NULL}};
	enum cutover_status st = want_args(c, n, 2, 3);

	if (st != CUTOVER_OK)
		return st;
	for (size_t i = 0; i < n->nkids && st == CUTOVER_OK; i++)
		st = eval(c, n->kids[i], &v[i]);
	if (st == CUTOVER_OK) {
		if (!v[0].series && !v[1].series && !v[2].series) {
			out->series = 0;
			out->k = isnan(v[0].k) ? NAN : (v[0].k != 0.0 ? v[1].k : v[2].k);
		} else if ((st = make_series(c, out)) == CUTOVER_OK) {
			for (size_t i = 0; i < c->n; i++) {
				double cond = at(&v[0], i);

				out->v[i] = isnan(cond)   ? NAN
				            : cond != 0.0 ? at(&v[1], i)
				                          : at(&v[2], i);
			}
		}
	}
	for (size_t i = 0; i < 3; i++)
		val_free(&v[i]);
	return st;
}

enum delta { D_DIFF, D_RATE, D_DIFF_TIME };

/* Each point against the previous datapoint that exists: DIFF (value
 * change), RATE (change per second), DIFF_TIME (seconds between them).  The
 * first datapoint has no predecessor and gives none. */
static enum cutover_status eval_delta(struct evalctx *c, const struct node *n, enum delta d,
                                      struct val *out)
{
	struct val s = {0, 0, NULL};
	size_t prev = (size_t)-1;
	enum cutover_status st = want_args(c, n, 1, 1);

	if (st == CUTOVER_OK)
		st = eval(c, n->kids[0], &s);
	if (st == CUTOVER_OK)
		st = make_series(c, out);
	for (size_t i = 0; st == CUTOVER_OK && i < c->n; i++) {
		double v = at(&s, i), dt;

		out->v[i] = NAN;
		if (isnan(v))
			continue;
		if (prev != (size_t)-1) {
			dt = (double)(i - prev) * c->step_s;
			if (d == D_DIFF)
				out->v[i] = v - at(&s, prev);
			else if (d == D_DIFF_TIME)
				out->v[i] = dt;
			else
				out->v[i] = apply(c, OP_DIV, v - at(&s, prev), dt, 1);
		}
		prev = i;
	}
	val_free(&s);
	return st;
}

static enum cutover_status eval_call(struct evalctx *c, const struct node *n, struct val *out)
{
	static const struct {
		const char *name;
		enum agg a;
	} aggs[] = {
	    {"SUM", AGG_SUM},
	    {"AVG", AGG_AVG},
	    {"MIN", AGG_MIN},
	    {"MAX", AGG_MAX},
	    {"SAMPLE_COUNT", AGG_COUNT},
	};
	enum cutover_status st;

	if (strcmp(n->name, "FILL") == 0) {
		st = want_args(c, n, 2, 2);
		return st != CUTOVER_OK ? st : eval_fill(c, n, out);
	}
	if (strcmp(n->name, "IF") == 0)
		return eval_if(c, n, out);
	if (strcmp(n->name, "ABS") == 0)
		return eval_map(c, n, fabs, out);
	if (strcmp(n->name, "CEIL") == 0)
		return eval_map(c, n, ceil, out);
	if (strcmp(n->name, "FLOOR") == 0)
		return eval_map(c, n, floor, out);
	if (strcmp(n->name, "DIFF") == 0)
		return eval_delta(c, n, D_DIFF, out);
	if (strcmp(n->name, "RATE") == 0)
		return eval_delta(c, n, D_RATE, out);
	if (strcmp(n->name, "DIFF_TIME") == 0)
		return eval_delta(c, n, D_DIFF_TIME, out);
	if (strcmp(n->name, "PERIOD") == 0) {
		/* The grid's period; the argument only has to be valid. */
		st = want_args(c, n, 1, 1);
		if (st == CUTOVER_OK)
			st = eval(c, n->kids[0], out);
		val_free(out);
		out->k = c->step_s;
		return st;
	}
	for (size_t i = 0; i < sizeof(aggs) / sizeof(aggs[0]); i++)
		if (strcmp(n->name, aggs[i].name) == 0)
			return eval_agg(c, n, aggs[i].a, out);
	return cutover_errf(c->err, CUTOVER_EVALIDATE,
	                    "unknown function %s at column %zu (supported: FILL, IF, ABS, CEIL, "
	                    "FLOOR, DIFF, RATE, DIFF_TIME, PERIOD, SUM, AVG, MIN, MAX, "
	                    "SAMPLE_COUNT)",
	                    n->name, n->col);
}

static enum cutover_status eval(struct evalctx *c, const struct node *n, struct val *out)
{
	struct val l = {0, 0, NULL}, r = {0, 0, NULL};
	enum cutover_status st = CUTOVER_OK;

	out->series = 0;
	out->k = NAN;
	out->v = NULL;
	switch (n->kind) {
	case N_NUM:
		out->k = n->num;
		return CUTOVER_OK;
	case N_REF: {
		const double *vals = NULL;

		if (c->lookup(c->ctx, n->name, &vals) < 0 || (!vals && c->n))
			return cutover_errf(c->err, CUTOVER_ENOENT,
			                    "unknown metric id '%s' at column %zu", n->name,
			                    n->col);
		st = make_series(c, out);
		if (st == CUTOVER_OK && c->n)
			memcpy(out->v, vals, c->n * sizeof(double));
		return st;
	}
	case N_NEG:
		st = eval(c, n->kids[0], out);
		if (st != CUTOVER_OK)
			return st;
		if (!out->series)
			out->k = -out->k;
		else
			for (size_t i = 0; i < c->n; i++)
				out->v[i] = -out->v[i];
		return CUTOVER_OK;
	case N_BIN:
		st = eval(c, n->kids[0], &l);
		if (st == CUTOVER_OK)
			st = eval(c, n->kids[1], &r);
		if (st != CUTOVER_OK)
			goto out;
		if (!l.series && !r.series) {
			out->k = apply(c, n->op, l.k, r.k, c->n);
		} else if ((st = make_series(c, out)) == CUTOVER_OK) {
			for (size_t i = 0; i < c->n; i++)
				out->v[i] = apply(c, n->op, at(&l, i), at(&r, i), 1);
		}
		goto out;
	case N_CALL:
		return eval_call(c, n, out);
	case N_ARRAY:
		return cutover_errf(c->err, CUTOVER_EVALIDATE,
		                    "an array [...] at column %zu can only be the argument of SUM, "
		                    "AVG, MIN or MAX",
		                    n->col);
	}
out:
	val_free(&l);
	val_free(&r);
	return st;
}

enum cutover_status sim_expr_eval(const struct sim_expr *e, size_t n, double step_s,
                                  sim_expr_lookup_fn lookup, void *ctx, double *out,
                                  size_t *dropped, struct cutover_err *err)
{
	struct evalctx c = {n, step_s, lookup, ctx, 0, err};
	struct val v = {0, 0, NULL};
	enum cutover_status st;

	if (dropped)
		*dropped = 0;
	st = eval(&c, e->root, &v);
	if (st != CUTOVER_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		double x = at(&v, i);

		out[i] = isfinite(x) ? x : NAN;
	}
	if (dropped)
		*dropped = c.dropped;
out:
	val_free(&v);
	return st;
}
