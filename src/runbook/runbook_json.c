/* runbook_json.c: JSON <-> struct runbook, with every check the format
 * makes (docs/runbook.md is the reference and must change with this file).
 *
 * cJSON does the parsing; the position index (jsonpos) says where each
 * value is, so every problem is reported at its line and column.  The two
 * trees are walked together: a `struct jv` pairs a cJSON value with its
 * index node.  The loader keeps going after a problem and reports all of
 * them; references are collected while mapping and resolved at the end,
 * when every id is known.  No cJSON pointer is kept past runbook_json_map.
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "cutover/nearest.h"
#include "cutover/strbuf.h"
#include "runbook/runbook_json.h"

/* Sections larger than this are not a runbook; the cap also keeps the
 * quadratic duplicate checks cheap. */
#define MAX_ITEMS 1000

struct jv {
	const cJSON *j;           /* NULL: absent */
	size_t n;                 /* index node, or JSONPOS_NONE */
};

enum refkind { REF_EXECUTION, REF_PLAN, REF_FLAG, REF_GAUGE };

static const char *const refkind_name[] = { "execution", "rollback plan", "flag", "gauge" };
static const char *const refkind_section[] = { "executions", "rollback", "flags", "gauges" };

/* A state named by a phase. */
struct state_ref {
	const char *exec;         /* the phase's execution id (borrowed from cJSON) */
	const char *state;
	size_t phase;
	struct jv where;
};

/* A reference seen while mapping, resolved once every id is known. */
struct pending {
	enum refkind kind;
	const char *name;         /* borrowed from the cJSON tree */
	struct jv where;
	void *slot;               /* where the resolved pointer goes (typed by kind) */
	struct runbook_step *flag_step;   /* flag step whose value to check, or NULL */
	struct jv value;          /* that step's "value" */
};

struct ctx {
	const struct jsonpos *ix;
	struct diag_list *d;
	struct runbook *rb;
	struct pending *refs;
	size_t nrefs, caprefs;
	bool oom;
	struct jv *plan_jv;       /* per plan: its object */
	bool *plan_has_estimate;
	const char **phase_exec;  /* per phase: the execution id it named */
	struct state_ref *states; /* every phase's states, for check_shared_states */
	size_t nstates, capstates;
	const char *http_base;    /* the runbook's, when valid (borrowed from cJSON) */
	bool http_base_bad;       /* given but invalid: paths are not reported again */
	const char *env_base;     /* RUNBOOK_HTTP_BASE_ENV, when set and valid */
	const char *override;     /* env_base when the runbook has http_base, else NULL */
	size_t nredirected;       /* URLs resolved against override */
};

/* ---- messages --------------------------------------------------------- */

static void report(struct ctx *c, size_t off, enum diag_severity sev, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	int line, col;

	if (strbuf_vprintf(&sb, fmt, ap) != CUTOVER_OK) {
		c->oom = true;
		strbuf_free(&sb);
		return;
	}
	jsonpos_linecol(c->ix, off, &line, &col);
	diag_add(c->d, line, col, sev, "%s", strbuf_str(&sb));
	strbuf_free(&sb);
}

static void err_val(struct ctx *c, struct jv v, const char *fmt, ...) CUTOVER_PRINTF(3, 4);
static void err_key(struct ctx *c, struct jv v, const char *fmt, ...) CUTOVER_PRINTF(3, 4);
static void warn_val(struct ctx *c, struct jv v, const char *fmt, ...) CUTOVER_PRINTF(3, 4);
static void warn_key(struct ctx *c, struct jv v, const char *fmt, ...) CUTOVER_PRINTF(3, 4);

static void err_val(struct ctx *c, struct jv v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(c, jsonpos_off(c->ix, v.n), DIAG_ERROR, fmt, ap);
	va_end(ap);
}

static void err_key(struct ctx *c, struct jv v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(c, jsonpos_key_off(c->ix, v.n), DIAG_ERROR, fmt, ap);
	va_end(ap);
}

static void warn_val(struct ctx *c, struct jv v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(c, jsonpos_off(c->ix, v.n), DIAG_WARNING, fmt, ap);
	va_end(ap);
}

static void warn_key(struct ctx *c, struct jv v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(c, jsonpos_key_off(c->ix, v.n), DIAG_WARNING, fmt, ap);
	va_end(ap);
}

/* A string for a message: quoted, long ones cut (a 10 MB value must not
 * become a 10 MB message), and anything a terminal could act on escaped:
 * C0 and C1 controls, DEL, and the Unicode line separators and bidi
 * overrides.  Strings here are valid UTF-8: jsonpos checked the raw text,
 * and cJSON's \u decoding yields UTF-8. */
struct qbuf {
	char s[96];
};

static bool dangerous_cp(unsigned long cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x200E || cp == 0x200F ||
	       (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

static const char *q(struct qbuf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0, max = sizeof(b->s) - 6;   /* room for `..."` and the NUL */

	b->s[o++] = '"';
	while (*u) {
		size_t n = *u < 0x80 ? 1 : *u < 0xE0 ? 2 : *u < 0xF0 ? 3 : 4;
		unsigned long cp = n == 1 ? *u : (unsigned long)(*u & (0x7F >> n));
		char piece[8];
		size_t plen;

		for (size_t i = 1; i < n; i++) {
			if ((u[i] & 0xC0) != 0x80) {
				n = i;          /* not UTF-8 after all: take what we have */
				break;
			}
			cp = (cp << 6) | (u[i] & 0x3F);
		}
		if (dangerous_cp(cp)) {
			plen = (size_t)snprintf(piece, sizeof(piece), "\\u%04lX", cp);
		} else if (cp == '"' || cp == '\\') {
			piece[0] = '\\';
			piece[1] = (char)cp;
			plen = 2;
		} else {
			memcpy(piece, u, n);
			plen = n;
		}
		if (o + plen > max) {
			memcpy(b->s + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(b->s + o, piece, plen);
		o += plen;
		u += n;
	}
	b->s[o++] = '"';
	b->s[o] = '\0';
	return b->s;
}

static const char *type_name(const cJSON *j)
{
	if (cJSON_IsString(j))
		return "a string";
	if (cJSON_IsNumber(j))
		return "a number";
	if (cJSON_IsBool(j))
		return "a boolean";
	if (cJSON_IsNull(j))
		return "null";
	if (cJSON_IsArray(j))
		return "an array";
	return "an object";
}

/* What a value is, for "..., not X". */
static const char *describe(struct qbuf *b, const cJSON *j)
{
	if (cJSON_IsString(j))
		return q(b, j->valuestring);
	if (cJSON_IsNumber(j)) {
		snprintf(b->s, sizeof(b->s), "%.17g", j->valuedouble);
		return b->s;
	}
	if (cJSON_IsTrue(j))
		return "true";
	if (cJSON_IsFalse(j))
		return "false";
	return type_name(j);
}

/* ---- nearest name ----------------------------------------------------- */

/* nearest_name, except that a guess as many edits away as the word has
 * letters is a rewrite, not a typo: "x" does not mean "y". */
static const char *nearest(const char *word, const char *const *cands, size_t n)
{
	const char *hit = nearest_name(word, cands, n);

	return hit && nearest_distance(word, hit) < strlen(word) ? hit : NULL;
}

/* `"a", "b" or "c"` into sb. */
static void list_names(struct ctx *c, struct strbuf *sb, const char *const *names, size_t n,
		       const char *conj)
{
	struct qbuf b;
	size_t shown = n > 12 ? 12 : n;

	for (size_t i = 0; i < shown; i++) {
		const char *sep = i == 0 ? "" : (i + 1 == n ? conj : ", ");

		if (strbuf_printf(sb, "%s%s", sep, q(&b, names[i])) != CUTOVER_OK)
			c->oom = true;
	}
	if (shown < n && strbuf_printf(sb, ", ... (%zu in all)", n) != CUTOVER_OK)
		c->oom = true;
}

/* ---- walking ---------------------------------------------------------- */

static struct jv first_child(const struct ctx *c, struct jv v)
{
	struct jv r = { v.j ? v.j->child : NULL, jsonpos_child(c->ix, v.n, 0) };

	return r;
}

static struct jv next_sibling(const struct ctx *c, struct jv v)
{
	struct jv r = { v.j->next, JSONPOS_NONE };

	if (v.n != JSONPOS_NONE && v.n < c->ix->count)
		r.n = c->ix->nodes[v.n].next_sibling;
	return r;
}

#define EACH(c, parent, m) for (struct jv m = first_child(c, parent); m.j; m = next_sibling(c, m))

static struct jv member(const struct ctx *c, struct jv obj, const char *key)
{
	struct jv none = { NULL, JSONPOS_NONE };

	if (!cJSON_IsObject(obj.j))
		return none;
	EACH(c, obj, m)
		if (m.j->string && strcmp(m.j->string, key) == 0)
			return m;
	return none;
}

static size_t count_children(const cJSON *j)
{
	size_t n = 0;

	for (const cJSON *e = j ? j->child : NULL; e; e = e->next)
		n++;
	return n;
}

/* Unknown and duplicate keys of one object.  allowed is NULL-terminated;
 * NULL allows every key (maps keyed by id) and checks duplicates only. */
static void check_keys(struct ctx *c, struct jv obj, const char *const *allowed)
{
	size_t n = 0;

	while (allowed && allowed[n])
		n++;
	/* The duplicate check is quadratic; no real object comes near this. */
	if (count_children(obj.j) > MAX_ITEMS) {
		err_val(c, obj, "object has %zu keys; the limit is %d", count_children(obj.j), MAX_ITEMS);
		return;
	}
	EACH(c, obj, m) {
		const char *key = m.j->string ? m.j->string : "";
		bool known = !allowed;

		for (size_t i = 0; i < n && !known; i++)
			known = strcmp(allowed[i], key) == 0;
		if (!known) {
			struct qbuf a, b;
			const char *near = nearest(key, allowed, n);

			if (near) {
				err_key(c, m, "unknown key %s; did you mean %s?", q(&a, key), q(&b, near));
			} else {
				struct strbuf sb = STRBUF_INIT;

				list_names(c, &sb, allowed, n, " or ");
				err_key(c, m, "unknown key %s; expected %s", q(&a, key), strbuf_str(&sb));
				strbuf_free(&sb);
			}
			continue;
		}
		EACH(c, obj, prev) {
			if (prev.j == m.j)
				break;
			if (prev.j->string && strcmp(prev.j->string, key) == 0) {
				struct qbuf a;
				int line, col;

				jsonpos_linecol(c->ix, jsonpos_key_off(c->ix, prev.n), &line, &col);
				err_key(c, m, "duplicate key %s; it is already set at line %d, column %d",
					q(&a, key), line, col);
				break;
			}
		}
	}
}

static char *dup(struct ctx *c, const char *s)
{
	char *r = strdup(s ? s : "");

	if (!r)
		c->oom = true;
	return r;
}

static void *alloc(struct ctx *c, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		c->oom = true;
	return p;
}

/* ---- typed getters ---------------------------------------------------- */

enum got { GOT_NONE, GOT_OK, GOT_BAD };

static void missing(struct ctx *c, struct jv obj, const char *key)
{
	struct qbuf a;

	err_val(c, obj, "missing required key %s", q(&a, key));
}

static enum got get(struct ctx *c, struct jv obj, const char *key, bool required, struct jv *out)
{
	*out = member(c, obj, key);
	if (!out->j) {
		if (required)
			missing(c, obj, key);
		return GOT_NONE;
	}
	return GOT_OK;
}

/* A string, empty or not. */
static enum got get_text(struct ctx *c, struct jv obj, const char *key, const char **out)
{
	struct jv v;
	struct qbuf a;

	*out = NULL;
	if (get(c, obj, key, false, &v) == GOT_NONE)
		return GOT_NONE;
	if (!cJSON_IsString(v.j)) {
		err_val(c, v, "%s must be a string, not %s", q(&a, key), type_name(v.j));
		return GOT_BAD;
	}
	*out = v.j->valuestring;
	return GOT_OK;
}

/* A non-empty string. */
static enum got get_str(struct ctx *c, struct jv obj, const char *key, bool required,
			const char **out, struct jv *where)
{
	struct jv v;
	struct qbuf a;

	*out = NULL;
	if (get(c, obj, key, required, &v) == GOT_NONE)
		return GOT_NONE;
	if (where)
		*where = v;
	if (!cJSON_IsString(v.j)) {
		err_val(c, v, "%s must be a string, not %s", q(&a, key), type_name(v.j));
		return GOT_BAD;
	}
	if (v.j->valuestring[0] == '\0') {
		err_val(c, v, "%s must not be empty", q(&a, key));
		return GOT_BAD;
	}
	*out = v.j->valuestring;
	return GOT_OK;
}

static enum got get_bool(struct ctx *c, struct jv obj, const char *key, bool *out)
{
	struct jv v;
	struct qbuf a;

	if (get(c, obj, key, false, &v) == GOT_NONE)
		return GOT_NONE;
	if (!cJSON_IsBool(v.j)) {
		err_val(c, v, "%s must be true or false, not %s", q(&a, key), type_name(v.j));
		return GOT_BAD;
	}
	*out = cJSON_IsTrue(v.j);
	return GOT_OK;
}

static enum got get_num(struct ctx *c, struct jv obj, const char *key, double *out,
			struct jv *where)
{
	struct jv v;
	struct qbuf a;

	if (get(c, obj, key, false, &v) == GOT_NONE)
		return GOT_NONE;
	if (where)
		*where = v;
	if (!cJSON_IsNumber(v.j)) {
		err_val(c, v, "%s must be a number, not %s", q(&a, key), type_name(v.j));
		return GOT_BAD;
	}
	if (!isfinite(v.j->valuedouble)) {
		err_val(c, v, "%s is too large a number", q(&a, key));
		return GOT_BAD;
	}
	*out = v.j->valuedouble;
	return GOT_OK;
}

static bool int_in(const cJSON *j, unsigned lo, unsigned hi)
{
	double d;

	if (!cJSON_IsNumber(j))
		return false;
	d = j->valuedouble;
	return d == floor(d) && d >= lo && d <= hi;
}

static void bad_uint(struct ctx *c, struct jv v, const char *key, unsigned lo, unsigned hi)
{
	struct qbuf a, b;

	err_val(c, v, "%s must be an integer from %u to %u, not %s", q(&a, key), lo, hi,
		cJSON_IsNumber(v.j) ? describe(&b, v.j) : type_name(v.j));
}

static enum got get_uint(struct ctx *c, struct jv obj, const char *key, bool required,
			 unsigned lo, unsigned hi, unsigned *out, struct jv *where)
{
	struct jv v;

	if (get(c, obj, key, required, &v) == GOT_NONE)
		return GOT_NONE;
	if (where)
		*where = v;
	if (!int_in(v.j, lo, hi)) {
		bad_uint(c, v, key, lo, hi);
		return GOT_BAD;
	}
	*out = (unsigned)v.j->valuedouble;
	return GOT_OK;
}

/* An object (or array) value; reports the wrong type. */
static enum got get_kind(struct ctx *c, struct jv obj, const char *key, bool required, bool array,
			 struct jv *out)
{
	struct qbuf a;

	if (get(c, obj, key, required, out) == GOT_NONE)
		return GOT_NONE;
	if (array ? !cJSON_IsArray(out->j) : !cJSON_IsObject(out->j)) {
		err_val(c, *out, "%s must be %s, not %s", q(&a, key), array ? "an array" : "an object",
			type_name(out->j));
		return GOT_BAD;
	}
	if (count_children(out->j) > MAX_ITEMS) {
		err_val(c, *out, "%s has %zu entries; the limit is %d", q(&a, key),
			count_children(out->j), MAX_ITEMS);
		return GOT_BAD;
	}
	return GOT_OK;
}

static bool need_object(struct ctx *c, struct jv v, const char *what)
{
	if (cJSON_IsObject(v.j))
		return true;
	err_val(c, v, "%s must be an object, not %s", what, type_name(v.j));
	return false;
}

/* An array of non-empty, distinct strings, copied. */
static enum got get_strings(struct ctx *c, struct jv obj, const char *key, bool required,
			    bool nonempty, char ***out, size_t *nout)
{
	struct jv arr;
	size_t n = 0;
	struct qbuf a, b;
	enum got g = GOT_OK;

	*out = NULL;
	*nout = 0;
	if (get_kind(c, obj, key, required, true, &arr) != GOT_OK)
		return arr.j ? GOT_BAD : GOT_NONE;
	if (nonempty && !arr.j->child) {
		err_val(c, arr, "%s must not be empty", q(&a, key));
		return GOT_BAD;
	}
	*out = alloc(c, count_children(arr.j) + 1, sizeof(char *));
	if (!*out)
		return GOT_BAD;
	EACH(c, arr, e) {
		bool seen = false;

		if (!cJSON_IsString(e.j) || !e.j->valuestring[0]) {
			err_val(c, e, "each entry of %s must be a non-empty string, not %s", q(&a, key),
				cJSON_IsString(e.j) ? "\"\"" : type_name(e.j));
			g = GOT_BAD;
			continue;
		}
		for (size_t i = 0; i < n && !seen; i++)
			seen = strcmp((*out)[i], e.j->valuestring) == 0;
		if (seen) {
			err_val(c, e, "%s is listed twice in %s", q(&b, e.j->valuestring), q(&a, key));
			g = GOT_BAD;
			continue;
		}
		(*out)[n++] = dup(c, e.j->valuestring);
	}
	*nout = n;
	return g;
}

/* ---- syntax of names -------------------------------------------------- */

static bool is_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '.' || *s == '-'))
			return false;
	return true;
}

static void check_id(struct ctx *c, struct jv v, bool key, const char *s)
{
	struct qbuf a;

	if (is_id(s))
		return;
	if (key)
		err_key(c, v, "invalid id %s: use 1 to 64 characters from A-Z a-z 0-9 _ . -", q(&a, s));
	else
		err_val(c, v, "invalid id %s: use 1 to 64 characters from A-Z a-z 0-9 _ . -", q(&a, s));
}

static bool lower_alpha(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return false;
	return true;
}

/* us-east-1, eu-central-1, us-gov-west-1, cn-north-1, ap-southeast-2. */
static bool is_region(const char *s)
{
	const char *dash = strchr(s, '-'), *last = strrchr(s, '-');

	if (!dash || dash == last || !lower_alpha(s, (size_t)(dash - s)))
		return false;
	for (const char *p = dash + 1; p < last; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p == '-' && p[1] != '-' && p[-1] != '-')))
			return false;
	if (!last[1])
		return false;
	for (const char *p = last + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return last - dash > 1;
}

static const char *const partitions[] = {
	"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", NULL
};

/* Check arn:PARTITION:states:REGION:ACCOUNT:<resource_type>:...; on failure
 * write why into buf.  nparts: how many ':'-separated names follow the
 * resource type (1 for stateMachine:NAME, 2 for execution:SM:NAME). */
static bool states_arn(const char *s, const char *resource_type, size_t nparts,
		       const char **names, char *why, size_t n)
{
	char part[8][256];   /* arn:P:S:R:A:TYPE:NAME[:NAME] */
	size_t np = 0, len = 0;
	struct qbuf a;
	bool known = false;

	if (strncmp(s, "arn:", 4) != 0) {
		snprintf(why, n, "it does not start with \"arn:\"");
		return false;
	}
	for (const char *p = s;; p++) {
		if (*p == ':' || *p == '\0') {
			if (np < 8) {
				part[np][len < 255 ? len : 255] = '\0';
				np++;
			} else {
				np++;
			}
			len = 0;
			if (!*p)
				break;
			continue;
		}
		if (np < 8 && len < 255)
			part[np][len] = *p;
		len++;
	}
	if (np < 6) {
		snprintf(why, n, "it has %zu of the 6 ':'-separated parts", np);
		return false;
	}
	for (size_t i = 0; partitions[i] && !known; i++)
		known = strcmp(partitions[i], part[1]) == 0;
	if (!known) {
		snprintf(why, n, "partition %s is not aws, aws-cn, aws-us-gov or aws-iso*", q(&a, part[1]));
		return false;
	}
	if (strcmp(part[2], "states") != 0) {
		snprintf(why, n, "service %s is not \"states\"", q(&a, part[2]));
		return false;
	}
	if (!is_region(part[3])) {
		snprintf(why, n, "region %s is not an AWS region", q(&a, part[3]));
		return false;
	}
	if (strlen(part[4]) != 12 || strspn(part[4], "0123456789") != 12) {
		snprintf(why, n, "account %s is not 12 digits", q(&a, part[4]));
		return false;
	}
	if (strcmp(part[5], resource_type) != 0) {
		snprintf(why, n, "resource type %s is not \"%s\"", q(&a, part[5]), resource_type);
		return false;
	}
	if (np != 6 + nparts) {
		snprintf(why, n, "\"%s\" must be followed by %s", resource_type,
			 nparts == 1 ? "exactly one name" : "the state machine name and the execution name");
		return false;
	}
	for (size_t i = 0; i < nparts; i++) {
		if (!part[6 + i][0] || strpbrk(part[6 + i], " \t")) {
			snprintf(why, n, "name %s after \"%s\" is empty or has blanks", q(&a, part[6 + i]),
				 resource_type);
			return false;
		}
	}
	/* Report region and names by pointing into s (the parts are local). */
	if (names) {
		const char *p = s;

		for (size_t k = 0; k < 3; k++)
			p = strchr(p, ':') + 1;
		names[0] = p;                           /* region, up to ':' */
		for (size_t k = 0; k < 3; k++)
			p = strchr(p, ':') + 1;
		names[1] = p;                           /* first name */
	}
	return true;
}

static size_t span_to_colon(const char *s)
{
	return strcspn(s, ":");
}

/* Validate an ARN value; warn about another region. */
static bool check_states_arn(struct ctx *c, struct jv v, const char *key, bool execution)
{
	const char *names[2];
	char why[200];
	struct qbuf a;
	const char *region = c->rb->region;

	if (!states_arn(v.j->valuestring, execution ? "execution" : "stateMachine", execution ? 2 : 1,
			names, why, sizeof(why))) {
		err_val(c, v, "%s is not %s ARN: %s; expected arn:PARTITION:states:REGION:ACCOUNT:%s",
			q(&a, key), execution ? "an execution" : "a state machine", why,
			execution ? "execution:STATE_MACHINE:NAME" : "stateMachine:NAME");
		return false;
	}
	if (region && (strlen(region) != span_to_colon(names[0]) ||
		       strncmp(region, names[0], strlen(region)) != 0))
		warn_val(c, v, "this ARN is in region \"%.*s\" but the runbook's region is %s",
			 (int)span_to_colon(names[0]), names[0], q(&a, region));
	return true;
}

static bool is_url(const char *s)
{
	const char *rest;

	if (strncmp(s, "http://", 7) == 0)
		rest = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		rest = s + 8;
	else
		return false;
	return *rest && *rest != '/' && !strpbrk(s, " \t\r\n");
}

/* ---- http_base -------------------------------------------------------- */

/* URLs are split and compared by hand: the core does not link curl (only
 * src/aws/ does), and an origin plus a path prefix is all that is needed. */

static bool host_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '-' || ch == '_';
}

static bool hex_char(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* An absolute URL's parts, pointing into it. */
struct url_parts {
	const char *scheme;       /* "http" or "https" */
	const char *host;
	size_t host_len;
	unsigned port;            /* the scheme's default when not given */
	const char *rest;         /* the path, query and fragment: "", "/x", "?q" */
};

/* Split an http:// or https:// URL; false (with why, when why is not NULL)
 * when it is not one: no host, a bad port, a user name. */
static bool url_split(const char *s, struct url_parts *u, char *why, size_t n)
{
	const char *p, *auth_end;

	if (strncmp(s, "http://", 7) == 0) {
		u->scheme = "http";
		u->port = 80;
		p = s + 7;
	} else if (strncmp(s, "https://", 8) == 0) {
		u->scheme = "https";
		u->port = 443;
		p = s + 8;
	} else {
		if (why)
			snprintf(why, n, "it does not start with http:// or https://");
		return false;
	}
	auth_end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t)(auth_end - p))) {
		if (why)
			snprintf(why, n, "it has a user name (the part before '@')");
		return false;
	}
	u->host = p;
	if (*p == '[') {
		for (p++; hex_char(*p) || *p == ':' || *p == '.'; p++)
			;
		if (*p != ']' || p == u->host + 1) {
			if (why)
				snprintf(why, n, "its host is not an IPv6 address in [ ]");
			return false;
		}
		p++;
	} else {
		while (host_char(*p))
			p++;
	}
	u->host_len = (size_t)(p - u->host);
	if (u->host_len == 0) {
		if (why)
			snprintf(why, n, "it has no host");
		return false;
	}
	if (*p == ':') {
		unsigned long port = 0;
		size_t digits = 0;

		for (p++; *p >= '0' && *p <= '9' && digits < 6; p++, digits++)
			port = port * 10 + (unsigned long)(*p - '0');
		if (digits == 0 || digits > 5 || port < 1 || port > 65535 || p != auth_end) {
			if (why)
				snprintf(why, n, "its port is not a number from 1 to 65535");
			return false;
		}
		u->port = (unsigned)port;
	}
	if (p != auth_end) {
		if (why && *p > 0x20 && *p < 0x7f && *p != '\'')
			snprintf(why, n, "its host has a character a host name cannot have ('%c')", *p);
		else if (why)
			snprintf(why, n, "its host has a character a host name cannot have");
		return false;
	}
	u->rest = p;
	return true;
}

/* What http_base and RUNBOOK_HTTP_BASE_ENV hold: an http:// or https://
 * origin with an optional path, nothing else. */
static bool base_ok(const char *s, char *why, size_t n)
{
	struct url_parts u;

	if (!url_split(s, &u, why, n))
		return false;
	for (const unsigned char *p = (const unsigned char *)u.rest; *p; p++) {
		if (*p == '?') {
			snprintf(why, n, "it has a query ('?'); give only the origin and a path");
			return false;
		}
		if (*p == '#') {
			snprintf(why, n, "it has a fragment ('#'); give only the origin and a path");
			return false;
		}
		if (*p <= 0x20 || *p == 0x7f) {
			snprintf(why, n, "it has a blank or a control character");
			return false;
		}
	}
	return true;
}

/* The path of a checked base without its trailing slashes ("" for none). */
static size_t base_prefix_len(const struct url_parts *b)
{
	size_t n = strlen(b->rest);

	while (n > 0 && b->rest[n - 1] == '/')
		n--;
	return n;
}

static bool same_origin(const struct url_parts *a, const struct url_parts *b)
{
	return strcmp(a->scheme, b->scheme) == 0 && a->port == b->port && a->host_len == b->host_len &&
	       strncasecmp(a->host, b->host, a->host_len) == 0;
}

/* base (trailing slashes dropped) followed by tail. */
static char *join(struct ctx *c, const char *base, const char *tail)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	if (strbuf_printf(&sb, "%.*s%s", (int)n, base, tail) != CUTOVER_OK) {
		c->oom = true;
		strbuf_free(&sb);
		return NULL;
	}
	return strbuf_take(&sb);
}

/* An absolute URL under http_base, rebased onto the override: what is left
 * after http_base's origin and (when it starts with it) its path. */
static bool rebase(struct ctx *c, const char *s, char **out)
{
	struct url_parts u, b;
	const char *tail;
	size_t pl;

	if (!c->override || !url_split(s, &u, NULL, 0) || !url_split(c->http_base, &b, NULL, 0) ||
	    !same_origin(&u, &b))
		return false;
	tail = u.rest;
	pl = base_prefix_len(&b);
	if (pl && strncmp(tail, b.rest, pl) == 0 && strchr("/?#", tail[pl]))
		tail += pl;    /* tail[pl] may be the terminating NUL, which strchr finds */
	*out = join(c, c->override, tail);
	return true;
}

/* A gauge's or step's URL: absolute, or a path under http_base; either way
 * *out is absolute, pointing at the override when there is one. */
static void get_url(struct ctx *c, struct jv obj, const char *key, char **out)
{
	const char *s;
	struct jv v;
	struct qbuf a, b;

	if (get_str(c, obj, key, true, &s, &v) != GOT_OK)
		return;
	if (s[0] == '/' && s[1] != '/' && !strpbrk(s, " \t\r\n")) {
		if (!c->http_base) {
			if (!c->http_base_bad)
				err_val(c, v, "%s is the path %s, but the runbook has no \"http_base\" to resolve "
					"it against; add \"http_base\": \"https://ORIGIN\" at the top level, or give "
					"a full http:// or https:// URL", q(&a, key), q(&b, s));
			return;
		}
		*out = join(c, c->override ? c->override : c->http_base, s);
		if (c->override)
			c->nredirected++;
		return;
	}
	if (!is_url(s)) {
		err_val(c, v, "%s must be an http:// or https:// URL, or a path such as \"/health\" under "
			"\"http_base\", not %s", q(&a, key), q(&b, s));
		return;
	}
	if (rebase(c, s, out)) {
		c->nredirected++;
		return;
	}
	if (c->env_base)
		warn_val(c, v, RUNBOOK_HTTP_BASE_ENV " does not redirect this URL: %s, so a rehearsal "
			 "calls it as written", c->http_base ? "it is not under \"http_base\""
			 : "the runbook has no \"http_base\"");
	*out = dup(c, s);
}

/* "http_base" and the override, before any URL is read. */
static void map_http_base(struct ctx *c, struct jv root, const char *env)
{
	const char *s;
	char why[160];
	struct jv v;
	struct qbuf a;

	if (env && env[0]) {
		if (base_ok(env, why, sizeof(why)))
			c->env_base = env;
		else
			diag_add(c->d, 0, 0, DIAG_ERROR, RUNBOOK_HTTP_BASE_ENV " must be an http:// or https:// "
				 "origin with an optional path, such as \"http://127.0.0.1:4566\", not %s: %s; "
				 "correct or unset it", q(&a, env), why);
	}
	switch (get_str(c, root, "http_base", false, &s, &v)) {
	case GOT_NONE:
		return;
	case GOT_BAD:
		c->http_base_bad = true;
		return;
	default:
		break;
	}
	if (!base_ok(s, why, sizeof(why))) {
		err_val(c, v, "\"http_base\" must be an http:// or https:// origin with an optional path, "
			"such as \"https://app.example.com\" or \"https://api.example.com/prod\", not %s: %s",
			q(&a, s), why);
		c->http_base_bad = true;
		return;
	}
	c->http_base = s;
	c->rb->http_base = dup(c, s);
	if (c->env_base) {
		c->override = c->env_base;
		c->rb->http_base_override = dup(c, c->env_base);
	}
}

/* Say that the override is in force, at "http_base", once the URLs are read. */
static void note_override(struct ctx *c, struct jv root)
{
	struct qbuf a, b;

	if (!c->override)
		return;
	warn_val(c, member(c, root, "http_base"), RUNBOOK_HTTP_BASE_ENV " overrides \"http_base\": "
		 "%zu URL%s under %s go%s to %s instead", c->nredirected, c->nredirected == 1 ? "" : "s",
		 q(&a, c->http_base), c->nredirected == 1 ? "es" : "", q(&b, c->override));
}

/* ---- references ------------------------------------------------------- */

static void add_ref(struct ctx *c, enum refkind kind, struct jv where, void *slot)
{
	struct pending *p;

	if (c->nrefs == c->caprefs) {
		size_t cap = c->caprefs ? c->caprefs * 2 : 64;
		struct pending *r = realloc(c->refs, cap * sizeof(*r));

		if (!r) {
			c->oom = true;
			return;
		}
		c->refs = r;
		c->caprefs = cap;
	}
	p = &c->refs[c->nrefs++];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->name = where.j->valuestring;
	p->where = where;
	p->slot = slot;
}

/* A reference by id: a non-empty string, resolved later into slot. */
static struct pending *get_ref(struct ctx *c, struct jv obj, const char *key, bool required,
			       enum refkind kind, void *slot)
{
	const char *s;
	struct jv v;

	if (get_str(c, obj, key, required, &s, &v) != GOT_OK)
		return NULL;
	add_ref(c, kind, v, slot);
	return c->oom ? NULL : &c->refs[c->nrefs - 1];
}

/* ---- sections --------------------------------------------------------- */

static void map_poll(struct ctx *c, struct jv root)
{
	static const char *const keys[] = {
#define RUNBOOK_SOURCE_KEY(id, key, def) key,
		RUNBOOK_SOURCE_LIST(RUNBOOK_SOURCE_KEY)
#undef RUNBOOK_SOURCE_KEY
		NULL
	};
	struct jv poll;

	for (int i = 0; i < RUNBOOK_SRC_COUNT; i++)
		c->rb->poll_s[i] = runbook_source_default_s((enum runbook_source)i);
	if (get_kind(c, root, "poll_s", false, false, &poll) != GOT_OK)
		return;
	check_keys(c, poll, keys);
	for (int i = 0; i < RUNBOOK_SRC_COUNT; i++) {
		double d;
		struct jv v;
		struct qbuf a, b;

		if (get_num(c, poll, keys[i], &d, &v) != GOT_OK)
			continue;
		if (!(d > 0 && d <= 86400)) {
			err_val(c, v, "%s must be a number of seconds above 0 and at most 86400, not %s",
				q(&a, keys[i]), describe(&b, v.j));
			continue;
		}
		c->rb->poll_s[i] = d;
	}
}

static void map_executions(struct ctx *c, struct jv root)
{
	static const char *const keys[] = { "title", "state_machine_arn", "execution_arn", NULL };
	struct runbook *rb = c->rb;
	struct jv execs;
	size_t i = 0;

	if (get_kind(c, root, "executions", false, false, &execs) != GOT_OK)
		return;
	check_keys(c, execs, NULL);
	rb->executions = alloc(c, count_children(execs.j), sizeof(*rb->executions));
	if (!rb->executions)
		return;
	EACH(c, execs, e) {
		struct runbook_execution *x = &rb->executions[i++];
		const char *s;
		struct jv v, arn;
		bool sm_ok = false;

		rb->nexecutions = i;
		x->id = dup(c, e.j->string);
		check_id(c, e, true, e.j->string);
		if (!need_object(c, e, "an execution"))
			continue;
		check_keys(c, e, keys);
		if (get_str(c, e, "title", false, &s, NULL) == GOT_OK)
			x->title = dup(c, s);
		else
			x->title = dup(c, e.j->string);
		if (get_str(c, e, "state_machine_arn", true, &s, &arn) == GOT_OK &&
		    check_states_arn(c, arn, "state_machine_arn", false)) {
			x->state_machine_arn = dup(c, s);
			sm_ok = true;
		}
		if (get_str(c, e, "execution_arn", false, &s, &v) == GOT_OK &&
		    check_states_arn(c, v, "execution_arn", true)) {
			x->execution_arn = dup(c, s);
			if (sm_ok) {
				/* The execution's state machine name must be this one's. */
				const char *sm = strrchr(x->state_machine_arn, ':') + 1;
				const char *en = s;

				for (int k = 0; k < 6; k++)
					en = strchr(en, ':') + 1;
				if (span_to_colon(en) != strlen(sm) || strncmp(en, sm, strlen(sm)) != 0) {
					char name[256];
					struct qbuf qa, qb;

					snprintf(name, sizeof(name), "%.*s", (int)span_to_colon(en), en);
					err_val(c, v, "\"execution_arn\" belongs to state machine %s, "
						"not to %s of \"state_machine_arn\"", q(&qa, name), q(&qb, sm));
				}
			}
		}
	}
}

/* "duplicate phase id" against the earlier items of the same array. */
static void check_dup_id(struct ctx *c, struct jv arr, struct jv item, const char *what,
			 const char *id)
{
	EACH(c, arr, prev) {
		const cJSON *pid;

		if (prev.j == item.j)
			return;
		pid = cJSON_GetObjectItemCaseSensitive(prev.j, "id");
		if (cJSON_IsString(pid) && strcmp(pid->valuestring, id) == 0) {
			struct qbuf a;
			int line, col;

			jsonpos_linecol(c->ix, jsonpos_off(c->ix, prev.n), &line, &col);
			err_val(c, member(c, item, "id"), "duplicate %s id %s; the first is at line %d, column %d",
				what, q(&a, id), line, col);
			return;
		}
	}
}

/* The id of an array item: required, id syntax, unique. */
static char *item_id(struct ctx *c, struct jv arr, struct jv item, const char *what)
{
	const char *s;
	struct jv v;

	if (get_str(c, item, "id", true, &s, &v) != GOT_OK)
		return NULL;
	check_id(c, v, false, s);
	check_dup_id(c, arr, item, what, s);
	return dup(c, s);
}

static char *title_or(struct ctx *c, struct jv obj, const char *fallback)
{
	const char *s;

	if (get_str(c, obj, "title", false, &s, NULL) == GOT_OK)
		return dup(c, s);
	return dup(c, fallback);
}

static int cmp_state_ref(const void *pa, const void *pb)
{
	const struct state_ref *a = pa, *b = pb;
	int r = strcmp(a->exec, b->exec);

	if (r == 0)
		r = strcmp(a->state, b->state);
	if (r == 0)
		r = a->phase < b->phase ? -1 : a->phase > b->phase;
	if (r == 0)
		r = a->where.n < b->where.n ? -1 : a->where.n > b->where.n;
	return r;
}

/* A state in two phases of one execution: the dashboard can show it under
 * one only.  Sorted, so that large runbooks stay linearithmic. */
static void check_shared_states(struct ctx *c)
{
	size_t first = 0;

	if (c->nstates > 1)
		qsort(c->states, c->nstates, sizeof(*c->states), cmp_state_ref);
	for (size_t i = 1; i < c->nstates; i++) {
		const struct state_ref *f, *r = &c->states[i];
		struct qbuf a, b;

		if (strcmp(r->exec, c->states[first].exec) != 0 || strcmp(r->state, c->states[first].state) != 0) {
			first = i;
			continue;
		}
		f = &c->states[first];
		if (r->phase == f->phase)
			continue;   /* twice in one phase: get_strings reported it */
		warn_val(c, r->where, "state %s is also in phase %s; the dashboard shows it under the first",
			 q(&a, r->state), q(&b, c->rb->phases[f->phase].id ? c->rb->phases[f->phase].id : ""));
	}
}

static void map_phases(struct ctx *c, struct jv root)
{
	static const char *const keys[] = {
		"id", "title", "execution", "states", "estimate_min", "rollback", NULL
	};
	struct runbook *rb = c->rb;
	struct jv arr;
	size_t i = 0;

	if (get_kind(c, root, "phases", false, true, &arr) != GOT_OK)
		return;
	rb->phases = alloc(c, count_children(arr.j), sizeof(*rb->phases));
	c->phase_exec = alloc(c, count_children(arr.j), sizeof(*c->phase_exec));
	if (!rb->phases || !c->phase_exec)
		return;
	EACH(c, arr, e) {
		size_t me = i;
		struct runbook_phase *ph = &rb->phases[i++];
		struct pending *ref;

		rb->nphases = i;
		if (!need_object(c, e, "a phase"))
			continue;
		check_keys(c, e, keys);
		ph->id = item_id(c, arr, e, "phase");
		ph->title = title_or(c, e, ph->id);
		ref = get_ref(c, e, "execution", true, REF_EXECUTION, &ph->execution);
		if (ref)
			c->phase_exec[me] = ref->name;
		get_strings(c, e, "states", true, true, &ph->states, &ph->nstates);
		get_uint(c, e, "estimate_min", true, 1, 10080, &ph->estimate_min, NULL);
		get_ref(c, e, "rollback", false, REF_PLAN, &ph->rollback);

		if (!c->phase_exec[me])
			continue;
		EACH(c, member(c, e, "states"), st) {
			if (!cJSON_IsString(st.j) || !st.j->valuestring[0])
				continue;
			if (c->nstates == c->capstates) {
				size_t cap = c->capstates ? c->capstates * 2 : 64;
				struct state_ref *r = realloc(c->states, cap * sizeof(*r));

				if (!r) {
					c->oom = true;
					return;
				}
				c->states = r;
				c->capstates = cap;
			}
			c->states[c->nstates].exec = c->phase_exec[me];
			c->states[c->nstates].state = st.j->valuestring;
			c->states[c->nstates].phase = me;
			c->states[c->nstates++].where = st;
		}
	}
	check_shared_states(c);
}

static bool is_ssm_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 1011)
		return false;
	if (strchr(s, '/') && s[0] != '/')
		return false;
	if (strstr(s, "//"))
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-/") == n;
}

static const char *const flag_type_names[] = {
#define RUNBOOK_FLAG_TYPE_NAME(id, name) name,
	RUNBOOK_FLAG_TYPE_LIST(RUNBOOK_FLAG_TYPE_NAME)
#undef RUNBOOK_FLAG_TYPE_NAME
	NULL
};

/* A string that must be one of names (NULL-terminated); returns its index. */
static int get_choice(struct ctx *c, struct jv obj, const char *key, bool required,
		      const char *const *names, struct jv *where)
{
	const char *s;
	size_t n = 0;
	struct strbuf sb = STRBUF_INIT;
	struct qbuf a, b, d;
	const char *near;

	if (get_str(c, obj, key, required, &s, where) != GOT_OK)
		return -1;
	while (names[n])
		n++;
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	list_names(c, &sb, names, n, " or ");
	near = nearest(s, names, n);
	if (near)
		err_val(c, *where, "%s must be %s, not %s; did you mean %s?", q(&a, key), strbuf_str(&sb),
			q(&b, s), q(&d, near));
	else
		err_val(c, *where, "%s must be %s, not %s", q(&a, key), strbuf_str(&sb), q(&b, s));
	strbuf_free(&sb);
	return -1;
}

static void map_flags(struct ctx *c, struct jv root)
{
	static const char *const keys[] = {
		"id", "ssm", "type", "step", "values", "dangerous", "description", NULL
	};
	struct runbook *rb = c->rb;
	struct jv arr;
	size_t i = 0;

	if (get_kind(c, root, "flags", false, true, &arr) != GOT_OK)
		return;
	rb->flags = alloc(c, count_children(arr.j), sizeof(*rb->flags));
	if (!rb->flags)
		return;
	EACH(c, arr, e) {
		struct runbook_flag *f = &rb->flags[i++];
		const char *s;
		struct jv v, tv;
		int type;
		struct qbuf a;

		rb->nflags = i;
		f->type = RUNBOOK_FLAG_STRING;
		if (!need_object(c, e, "a flag"))
			continue;
		check_keys(c, e, keys);
		f->id = item_id(c, arr, e, "flag");
		if (get_str(c, e, "ssm", true, &s, &v) == GOT_OK) {
			if (is_ssm_name(s))
				f->ssm = dup(c, s);
			else
				err_val(c, v, "\"ssm\" must be an SSM parameter name such as "
					"\"/app/flags/dual-write\" (A-Z a-z 0-9 _ . - /, starting with / "
					"when it has one), not %s", q(&a, s));
		}
		type = get_choice(c, e, "type", true, flag_type_names, &tv);
		if (type >= 0)
			f->type = (enum runbook_flag_type)type;
		get_bool(c, e, "dangerous", &f->dangerous);
		if (get_text(c, e, "description", &s) == GOT_OK)
			f->description = dup(c, s);
		else
			f->description = dup(c, "");

		if (f->type == RUNBOOK_FLAG_PERCENT || type < 0) {
			f->step = 10;
			get_uint(c, e, "step", false, 1, 100, &f->step, NULL);
		} else if ((v = member(c, e, "step")).j) {
			err_key(c, v, "\"step\" applies only to percent flags; this one is %s",
				q(&a, flag_type_names[f->type]));
		}
		if (f->type == RUNBOOK_FLAG_ENUM || type < 0) {
			get_strings(c, e, "values", type >= 0, true, &f->values, &f->nvalues);
		} else if ((v = member(c, e, "values")).j) {
			err_key(c, v, "\"values\" applies only to enum flags; this one is %s",
				q(&a, flag_type_names[f->type]));
		}
		if (type < 0)
			f->step = 0;
	}
}

static bool is_stat(const char *s)
{
	static const char *const basic[] = { "SampleCount", "Average", "Sum", "Minimum", "Maximum", "IQM", NULL };
	static const char *const prefixes[] = { "p", "tm", "wm", "tc", "ts", "pr", "TM", "WM", "TC", "TS", "PR", NULL };

	for (size_t i = 0; basic[i]; i++)
		if (strcmp(basic[i], s) == 0)
			return true;
	for (size_t i = 0; prefixes[i]; i++) {
		size_t n = strlen(prefixes[i]);

		if (strncmp(s, prefixes[i], n) == 0 && ((s[n] >= '0' && s[n] <= '9') || s[n] == '('))
			return true;
	}
	return false;
}

static void map_metric(struct ctx *c, struct jv obj, const char *name, struct runbook_metric *m)
{
	static const char *const keys[] = { "namespace", "name", "stat", "dimensions", NULL };
	static const char *const stats[] = { "SampleCount", "Average", "Sum", "Minimum", "Maximum", NULL };
	const char *s;
	struct jv v, dims;
	struct qbuf a, b;

	if (name)
		m->id = dup(c, name);
	if (!need_object(c, obj, name ? "a metric" : "\"metric\""))
		return;
	check_keys(c, obj, keys);
	if (get_str(c, obj, "namespace", true, &s, NULL) == GOT_OK)
		m->namespace_name = dup(c, s);
	if (get_str(c, obj, "name", true, &s, NULL) == GOT_OK)
		m->name = dup(c, s);
	if (get_str(c, obj, "stat", false, &s, &v) == GOT_OK) {
		if (is_stat(s)) {
			m->stat = dup(c, s);
		} else {
			const char *near = nearest(s, stats, 5);

			if (near)
				err_val(c, v, "\"stat\" %s is not a CloudWatch statistic; did you mean %s?",
					q(&a, s), q(&b, near));
			else
				err_val(c, v, "\"stat\" %s is not a CloudWatch statistic; use SampleCount, "
					"Average, Sum, Minimum, Maximum or a percentile such as \"p95\"", q(&a, s));
		}
	}
	if (!m->stat)
		m->stat = dup(c, "Average");
	if (get_kind(c, obj, "dimensions", false, false, &dims) != GOT_OK)
		return;
	check_keys(c, dims, NULL);
	if (count_children(dims.j) > 30) {
		err_val(c, dims, "\"dimensions\" has %zu entries; CloudWatch allows 30", count_children(dims.j));
		return;
	}
	m->dimensions = alloc(c, count_children(dims.j), sizeof(*m->dimensions));
	if (!m->dimensions)
		return;
	EACH(c, dims, d) {
		if (!cJSON_IsString(d.j) || !d.j->valuestring[0]) {
			err_val(c, d, "dimension %s must be a non-empty string, not %s", q(&a, d.j->string),
				cJSON_IsString(d.j) ? "\"\"" : type_name(d.j));
			continue;
		}
		if (!d.j->string[0]) {
			err_key(c, d, "a dimension name must not be empty");
			continue;
		}
		m->dimensions[m->ndimensions].name = dup(c, d.j->string);
		m->dimensions[m->ndimensions++].value = dup(c, d.j->valuestring);
	}
}

/* CloudWatch's rule for metric-math ids. */
static bool is_math_id(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static bool ident_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/* Whether expr mentions name as a whole identifier. */
static bool mentions(const char *expr, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = strstr(expr, name); p; p = strstr(p + 1, name))
		if ((p == expr || !ident_char(p[-1])) && !ident_char(p[n]))
			return true;
	return false;
}

static const char *const gauge_kind_names[] = {
#define RUNBOOK_GAUGE_KIND_NAME(id, name) name,
	RUNBOOK_GAUGE_KIND_LIST(RUNBOOK_GAUGE_KIND_NAME)
#undef RUNBOOK_GAUGE_KIND_NAME
	NULL
};

static const char *const direction_names[] = { "above", "below", NULL };

/* "an alarm gauge" / "an http gauge" / ... */
static const char *gauge_kind_article(enum runbook_gauge_kind k)
{
	switch (k) {
	case RUNBOOK_GAUGE_METRIC: return "a metric gauge";
	case RUNBOOK_GAUGE_EXPRESSION: return "an expression gauge";
	case RUNBOOK_GAUGE_ALARM: return "an alarm gauge";
	default: return "an http gauge";
	}
}

static void not_for_kind(struct ctx *c, struct jv obj, const char *key, enum runbook_gauge_kind k,
			 const char *hint)
{
	struct jv v = member(c, obj, key);
	struct qbuf a;

	if (v.j)
		err_key(c, v, "%s does not apply to %s%s", q(&a, key), gauge_kind_article(k), hint);
}

static void map_trigger(struct ctx *c, struct jv g, struct runbook_gauge *gg)
{
	static const char *const keys[] = { "above", "below", "for", "plan", "auto", NULL };
	struct runbook_trigger *t = &gg->trigger;
	struct jv tr, above, below, au;
	double d;
	bool ha, hb;

	if (get_kind(c, g, "trigger", false, false, &tr) != GOT_OK)
		return;
	gg->has_trigger = true;
	check_keys(c, tr, keys);
	above = member(c, tr, "above");
	below = member(c, tr, "below");
	ha = above.j != NULL;
	hb = below.j != NULL;
	if (ha && hb) {
		struct jv second = jsonpos_key_off(c->ix, above.n) > jsonpos_key_off(c->ix, below.n) ? above : below;

		err_key(c, second, "trigger has both \"above\" and \"below\"; give one");
	} else if (gg->kind == RUNBOOK_GAUGE_ALARM && (ha || hb)) {
		err_key(c, ha ? above : below, "%s does not apply to an alarm gauge's trigger, which fires "
			"while the alarm is in ALARM", ha ? "\"above\"" : "\"below\"");
	} else if (gg->kind == RUNBOOK_GAUGE_HTTP && hb) {
		err_key(c, below, "\"below\" does not apply to an http gauge's trigger; use \"above\" "
			"(a latency in milliseconds)");
	} else if ((gg->kind == RUNBOOK_GAUGE_METRIC || gg->kind == RUNBOOK_GAUGE_EXPRESSION) && !ha && !hb) {
		err_val(c, tr, "trigger needs \"above\" or \"below\": the value beyond which it fires");
	} else if (ha || hb) {
		if (get_num(c, tr, ha ? "above" : "below", &d, NULL) == GOT_OK) {
			t->has_threshold = true;
			t->direction = ha ? RUNBOOK_ABOVE : RUNBOOK_BELOW;
			t->threshold = d;
			if (t->direction != gg->direction)
				warn_key(c, ha ? above : below, "trigger fires %s %g but the gauge's \"direction\" "
					 "is \"%s\"", ha ? "above" : "below", d,
					 direction_names[gg->direction]);
		}
	}
	t->for_n = 1;
	get_uint(c, tr, "for", false, 1, 1000, &t->for_n, NULL);
	get_ref(c, tr, "plan", true, REF_PLAN, &t->plan);
	if (get_kind(c, tr, "auto", false, false, &au) == GOT_OK) {
		static const char *const akeys[] = { "countdown_s", NULL };

		check_keys(c, au, akeys);
		if (get_uint(c, au, "countdown_s", true, 1, 3600, &t->auto_countdown_s, NULL) == GOT_OK)
			t->has_auto = true;
	}
}

static void map_gauge(struct ctx *c, struct jv arr, struct jv e, struct runbook_gauge *g)
{
	static const char *const keys[] = {
		"id", "title", "metric", "expression", "metrics", "period_s", "alarm", "http",
		"unit", "direction", "warn", "critical", "warn_ms", "critical_ms", "trigger", NULL
	};
	struct jv src = { NULL, JSONPOS_NONE }, v, wv, cv;
	const char *s;
	int kind = -1, dir;
	struct qbuf a, b;

	if (!need_object(c, e, "a gauge"))
		return;
	check_keys(c, e, keys);
	g->id = item_id(c, arr, e, "gauge");
	g->title = title_or(c, e, g->id);

	for (int k = 0; k < RUNBOOK_GAUGE_KIND_COUNT; k++) {
		v = member(c, e, gauge_kind_names[k]);
		if (!v.j)
			continue;
		if (kind < 0) {
			kind = k;
			src = v;
		} else {
			struct jv later = jsonpos_key_off(c->ix, v.n) > jsonpos_key_off(c->ix, src.n) ? v : src;

			err_key(c, later, "gauge has both %s and %s; a gauge has one source",
				q(&a, gauge_kind_names[kind]), q(&b, gauge_kind_names[k]));
		}
	}
	if (kind < 0) {
		err_val(c, e, "gauge has no source; give one of \"metric\", \"expression\", \"alarm\" or \"http\"");
		return;
	}
	g->kind = (enum runbook_gauge_kind)kind;
	g->unit = dup(c, g->kind == RUNBOOK_GAUGE_HTTP ? "ms" : "");

	switch (g->kind) {
	case RUNBOOK_GAUGE_METRIC:
		map_metric(c, src, NULL, &g->metric);
		not_for_kind(c, e, "metrics", g->kind, "; it belongs with \"expression\"");
		break;
	case RUNBOOK_GAUGE_EXPRESSION: {
		struct jv ms;

		if (get_str(c, e, "expression", true, &s, NULL) == GOT_OK)
			g->expression = dup(c, s);
		if (get_kind(c, e, "metrics", true, false, &ms) != GOT_OK)
			break;
		if (!ms.j->child) {
			err_val(c, ms, "\"metrics\" must name at least one metric");
			break;
		}
		check_keys(c, ms, NULL);
		g->metrics = alloc(c, count_children(ms.j), sizeof(*g->metrics));
		if (!g->metrics)
			break;
		EACH(c, ms, m) {
			if (!is_math_id(m.j->string))
				err_key(c, m, "metric name %s must start with a lowercase letter and contain only "
					"letters, digits and _ (CloudWatch's rule for metric-math ids)",
					q(&a, m.j->string));
			else if (g->expression && !mentions(g->expression, m.j->string))
				warn_key(c, m, "metric %s is not used in \"expression\"", q(&a, m.j->string));
			map_metric(c, m, m.j->string, &g->metrics[g->nmetrics++]);
		}
		break;
	}
	case RUNBOOK_GAUGE_ALARM:
		if (get_str(c, e, "alarm", true, &s, NULL) == GOT_OK)
			g->alarm = dup(c, s);
		not_for_kind(c, e, "metrics", g->kind, "");
		break;
	case RUNBOOK_GAUGE_HTTP: {
		static const char *const hkeys[] = { "url", "expect", NULL };

		not_for_kind(c, e, "metrics", g->kind, "");
		if (!need_object(c, src, "\"http\""))
			break;
		check_keys(c, src, hkeys);
		get_url(c, src, "url", &g->url);
		unsigned expect = 200;

		get_uint(c, src, "expect", false, 100, 599, &expect, NULL);
		g->expect_status = (int)expect;
		break;
	}
	default:
		break;
	}

	if (g->kind == RUNBOOK_GAUGE_METRIC || g->kind == RUNBOOK_GAUGE_EXPRESSION) {
		g->period_s = 60;
		if (get_uint(c, e, "period_s", false, 1, 86400, &g->period_s, &v) == GOT_OK &&
		    g->period_s % 60 != 0 && g->period_s != 1 && g->period_s != 5 &&
		    g->period_s != 10 && g->period_s != 30)
			err_val(c, v, "\"period_s\" must be 1, 5, 10, 30 or a multiple of 60, not %u", g->period_s);
		if (get_text(c, e, "unit", &s) == GOT_OK) {
			free(g->unit);
			g->unit = dup(c, s);
		}
		dir = get_choice(c, e, "direction", false, direction_names, &v);
		g->direction = dir == 1 ? RUNBOOK_BELOW : RUNBOOK_ABOVE;
		g->has_warn = get_num(c, e, "warn", &g->warn, &wv) == GOT_OK;
		g->has_critical = get_num(c, e, "critical", &g->critical, &cv) == GOT_OK;
		if (g->has_warn && g->has_critical && g->direction == RUNBOOK_ABOVE && g->warn > g->critical)
			err_val(c, wv, "\"warn\" (%g) must not be above \"critical\" (%g) when \"direction\" "
				"is \"above\"", g->warn, g->critical);
		if (g->has_warn && g->has_critical && g->direction == RUNBOOK_BELOW && g->warn < g->critical)
			err_val(c, wv, "\"warn\" (%g) must not be below \"critical\" (%g) when \"direction\" "
				"is \"below\"", g->warn, g->critical);
		not_for_kind(c, e, "warn_ms", g->kind, "; use \"warn\"");
		not_for_kind(c, e, "critical_ms", g->kind, "; use \"critical\"");
	} else {
		const char *hint = g->kind == RUNBOOK_GAUGE_HTTP ? "; use \"warn_ms\"" : "";
		const char *chint = g->kind == RUNBOOK_GAUGE_HTTP ? "; use \"critical_ms\"" : "";

		not_for_kind(c, e, "period_s", g->kind, "");
		not_for_kind(c, e, "unit", g->kind, "");
		not_for_kind(c, e, "direction", g->kind, "");
		not_for_kind(c, e, "warn", g->kind, hint);
		not_for_kind(c, e, "critical", g->kind, chint);
	}
	if (g->kind == RUNBOOK_GAUGE_HTTP) {
		g->has_warn = get_num(c, e, "warn_ms", &g->warn, &wv) == GOT_OK;
		g->has_critical = get_num(c, e, "critical_ms", &g->critical, &cv) == GOT_OK;
		if (g->has_warn && !(g->warn > 0)) {
			err_val(c, wv, "\"warn_ms\" must be above 0, not %g", g->warn);
			g->has_warn = false;
		}
		if (g->has_critical && !(g->critical > 0)) {
			err_val(c, cv, "\"critical_ms\" must be above 0, not %g", g->critical);
			g->has_critical = false;
		}
		if (g->has_warn && g->has_critical && g->warn > g->critical)
			err_val(c, wv, "\"warn_ms\" (%g) must not be above \"critical_ms\" (%g)",
				g->warn, g->critical);
	} else if (g->kind == RUNBOOK_GAUGE_ALARM) {
		not_for_kind(c, e, "warn_ms", g->kind, "");
		not_for_kind(c, e, "critical_ms", g->kind, "");
	}
	map_trigger(c, e, g);
}

static void map_gauges(struct ctx *c, struct jv root)
{
	struct runbook *rb = c->rb;
	struct jv arr;
	size_t i = 0;

	if (get_kind(c, root, "gauges", false, true, &arr) != GOT_OK)
		return;
	rb->gauges = alloc(c, count_children(arr.j), sizeof(*rb->gauges));
	if (!rb->gauges)
		return;
	EACH(c, arr, e) {
		rb->ngauges = ++i;
		map_gauge(c, arr, e, &rb->gauges[i - 1]);
	}
}

static const char *const step_kind_names[] = {
#define RUNBOOK_STEP_KIND_NAME(id, name) name,
	RUNBOOK_STEP_KIND_LIST(RUNBOOK_STEP_KIND_NAME)
#undef RUNBOOK_STEP_KIND_NAME
	NULL
};

static void step_only(struct ctx *c, struct jv obj, const char *key, enum runbook_step_kind kind,
		      unsigned allowed_mask, const char *which)
{
	struct jv v = member(c, obj, key);
	struct qbuf a;

	if (v.j && !(allowed_mask & (1u << kind)))
		err_key(c, v, "%s applies only to %s steps", q(&a, key), which);
}

static void map_sfn_start(struct ctx *c, struct jv v, struct runbook_step *st)
{
	static const char *const keys[] = { "state_machine_arn", "input", "wait", "timeout_s", NULL };
	const char *s;
	struct jv arn, in;

	st->sfn_start.wait = true;
	st->sfn_start.timeout_s = 900;
	if (!need_object(c, v, "\"sfn_start\""))
		return;
	check_keys(c, v, keys);
	if (get_str(c, v, "state_machine_arn", true, &s, &arn) == GOT_OK &&
	    check_states_arn(c, arn, "state_machine_arn", false))
		st->sfn_start.state_machine_arn = dup(c, s);
	in = member(c, v, "input");
	if (in.j) {
		char *text = cJSON_PrintUnformatted(in.j);

		if (!text)
			c->oom = true;
		st->sfn_start.input = text ? dup(c, text) : NULL;
		cJSON_free(text);
	} else {
		st->sfn_start.input = dup(c, "{}");
	}
	get_bool(c, v, "wait", &st->sfn_start.wait);
	get_uint(c, v, "timeout_s", false, 1, 86400, &st->sfn_start.timeout_s, NULL);
}

static void map_sfn_stop(struct ctx *c, struct jv v, struct runbook_step *st)
{
	static const char *const keys[] = { "execution", "error", "cause", NULL };
	const char *s;
	struct jv ex;

	if (!need_object(c, v, "\"sfn_stop\""))
		return;
	check_keys(c, v, keys);
	if (get_str(c, v, "execution", true, &s, &ex) == GOT_OK) {
		if (strncmp(s, "arn:", 4) == 0) {
			if (check_states_arn(c, ex, "execution", true))
				st->sfn_stop.execution_arn = dup(c, s);
		} else {
			add_ref(c, REF_EXECUTION, ex, &st->sfn_stop.execution);
		}
	}
	if (get_str(c, v, "error", false, &s, NULL) == GOT_OK)
		st->sfn_stop.error = dup(c, s);
	if (get_str(c, v, "cause", false, &s, NULL) == GOT_OK)
		st->sfn_stop.cause = dup(c, s);
}

static void map_step(struct ctx *c, struct jv e, struct runbook_step *st)
{
	static const char *const keys[] = {
		"title", "flag", "sfn_start", "sfn_stop", "exec", "http", "gauge_ok", "wait", "manual",
		"value", "timeout_s", "expect", NULL
	};
	struct jv act = { NULL, JSONPOS_NONE }, v;
	int kind = -1;
	const char *s;
	struct qbuf a, b;

	if (!need_object(c, e, "a step"))
		return;
	check_keys(c, e, keys);
	if (get_str(c, e, "title", true, &s, NULL) == GOT_OK)
		st->title = dup(c, s);
	for (int k = 0; k < RUNBOOK_STEP_KIND_COUNT; k++) {
		v = member(c, e, step_kind_names[k]);
		if (!v.j)
			continue;
		if (kind < 0) {
			kind = k;
			act = v;
		} else {
			struct jv later = jsonpos_key_off(c->ix, v.n) > jsonpos_key_off(c->ix, act.n) ? v : act;

			err_key(c, later, "step has both %s and %s; a step does one thing",
				q(&a, step_kind_names[kind]), q(&b, step_kind_names[k]));
		}
	}
	if (kind < 0) {
		err_val(c, e, "step has no action; give one of \"flag\", \"sfn_start\", \"sfn_stop\", "
			"\"exec\", \"http\", \"gauge_ok\", \"wait\" or \"manual\"");
		return;
	}
	st->kind = (enum runbook_step_kind)kind;
	step_only(c, e, "value", st->kind, 1u << RUNBOOK_STEP_FLAG, "flag");
	step_only(c, e, "expect", st->kind, 1u << RUNBOOK_STEP_HTTP, "http");
	step_only(c, e, "timeout_s", st->kind, (1u << RUNBOOK_STEP_EXEC) | (1u << RUNBOOK_STEP_HTTP) |
		  (1u << RUNBOOK_STEP_GAUGE_OK), "exec, http and gauge_ok");

	switch (st->kind) {
	case RUNBOOK_STEP_FLAG: {
		struct pending *ref = get_ref(c, e, "flag", true, REF_FLAG, &st->flag.flag);
		struct jv val;

		if (get(c, e, "value", true, &val) == GOT_OK && ref) {
			ref->flag_step = st;
			ref->value = val;
		}
		break;
	}
	case RUNBOOK_STEP_SFN_START:
		map_sfn_start(c, act, st);
		break;
	case RUNBOOK_STEP_SFN_STOP:
		map_sfn_stop(c, act, st);
		break;
	case RUNBOOK_STEP_EXEC: {
		/* argc is set even on errors, so that destroy frees what was copied. */
		get_strings(c, e, "exec", true, true, &st->exec.argv, &st->exec.argc);
		st->exec.timeout_s = 60;
		get_uint(c, e, "timeout_s", false, 1, 86400, &st->exec.timeout_s, NULL);
		break;
	}
	case RUNBOOK_STEP_HTTP: {
		unsigned expect = 200;

		get_url(c, e, "http", &st->http.url);
		get_uint(c, e, "expect", false, 100, 599, &expect, NULL);
		st->http.expect_status = (int)expect;
		st->http.timeout_s = 10;
		get_uint(c, e, "timeout_s", false, 1, 86400, &st->http.timeout_s, NULL);
		break;
	}
	case RUNBOOK_STEP_GAUGE_OK:
		get_ref(c, e, "gauge_ok", true, REF_GAUGE, &st->gauge_ok.gauge);
		st->gauge_ok.timeout_s = 300;
		get_uint(c, e, "timeout_s", false, 1, 86400, &st->gauge_ok.timeout_s, NULL);
		break;
	case RUNBOOK_STEP_WAIT:
		get_uint(c, e, "wait", true, 1, 86400, &st->wait.seconds, NULL);
		break;
	case RUNBOOK_STEP_MANUAL:
		if (get_str(c, e, "manual", true, &s, NULL) == GOT_OK)
			st->manual.text = dup(c, s);
		break;
	default:
		break;
	}
}

static void map_plan(struct ctx *c, struct jv e, size_t idx)
{
	static const char *const keys[] = { "title", "estimate_min", "steps", "sequence", "verify", NULL };
	struct runbook_plan *p = &c->rb->plans[idx];
	struct jv steps, seq;
	bool hs, hq;

	p->id = dup(c, e.j->string);
	check_id(c, e, true, e.j->string);
	if (!need_object(c, e, "a rollback plan"))
		return;
	c->plan_jv[idx] = e;
	check_keys(c, e, keys);
	p->title = title_or(c, e, p->id);
	steps = member(c, e, "steps");
	seq = member(c, e, "sequence");
	hs = steps.j != NULL;
	hq = seq.j != NULL;
	if (hs && hq) {
		struct jv later = jsonpos_key_off(c->ix, steps.n) > jsonpos_key_off(c->ix, seq.n) ? steps : seq;

		err_key(c, later, "plan has both \"steps\" and \"sequence\"; a plan has one or the other");
	} else if (!hs && !hq) {
		err_val(c, e, "plan needs \"steps\" (what to do) or \"sequence\" (other plans to run in order)");
	}
	c->plan_has_estimate[idx] = get_uint(c, e, "estimate_min", hs && !hq, 1, 10080,
					     &p->estimate_min, NULL) == GOT_OK;
	get_strings(c, e, "verify", false, false, &p->verify, &p->nverify);
	if (hs && !hq && get_kind(c, e, "steps", true, true, &steps) == GOT_OK) {
		size_t i = 0;

		if (!steps.j->child) {
			err_val(c, steps, "\"steps\" must not be empty");
			return;
		}
		p->steps = alloc(c, count_children(steps.j), sizeof(*p->steps));
		if (!p->steps)
			return;
		EACH(c, steps, st) {
			p->nsteps = ++i;
			map_step(c, st, &p->steps[i - 1]);
		}
	}
	if (hq && !hs && get_kind(c, e, "sequence", true, true, &seq) == GOT_OK) {
		size_t i = 0;

		if (!seq.j->child) {
			err_val(c, seq, "\"sequence\" must not be empty");
			return;
		}
		p->sequence = alloc(c, count_children(seq.j), sizeof(*p->sequence));
		if (!p->sequence)
			return;
		EACH(c, seq, m) {
			struct qbuf a;
			bool twice = false;

			p->nsequence = ++i;
			if (!cJSON_IsString(m.j) || !m.j->valuestring[0]) {
				err_val(c, m, "each entry of \"sequence\" must be a plan id, not %s",
					cJSON_IsString(m.j) ? "\"\"" : type_name(m.j));
				continue;
			}
			EACH(c, seq, prev) {
				if (prev.j == m.j)
					break;
				if (cJSON_IsString(prev.j) && strcmp(prev.j->valuestring, m.j->valuestring) == 0)
					twice = true;
			}
			if (twice) {
				err_val(c, m, "plan %s appears twice in this sequence", q(&a, m.j->valuestring));
				continue;
			}
			add_ref(c, REF_PLAN, m, (void *)&p->sequence[i - 1]);
		}
	}
}

static void map_plans(struct ctx *c, struct jv root)
{
	struct runbook *rb = c->rb;
	struct jv obj;
	size_t i = 0, n;

	if (get_kind(c, root, "rollback", false, false, &obj) != GOT_OK)
		return;
	check_keys(c, obj, NULL);
	n = count_children(obj.j);
	rb->plans = alloc(c, n, sizeof(*rb->plans));
	c->plan_jv = alloc(c, n, sizeof(*c->plan_jv));
	c->plan_has_estimate = alloc(c, n, sizeof(*c->plan_has_estimate));
	if (!rb->plans || !c->plan_jv || !c->plan_has_estimate)
		return;
	EACH(c, obj, e) {
		rb->nplans = ++i;
		map_plan(c, e, i - 1);
	}
}

/* ---- after mapping: references, flag values, cycles, estimates -------- */

static const char *ref_id(const struct runbook *rb, enum refkind kind, size_t i)
{
	switch (kind) {
	case REF_EXECUTION: return rb->executions[i].id;
	case REF_PLAN: return rb->plans[i].id;
	case REF_FLAG: return rb->flags[i].id;
	default: return rb->gauges[i].id;
	}
}

static size_t ref_count(const struct runbook *rb, enum refkind kind)
{
	switch (kind) {
	case REF_EXECUTION: return rb->nexecutions;
	case REF_PLAN: return rb->nplans;
	case REF_FLAG: return rb->nflags;
	default: return rb->ngauges;
	}
}

static void unresolved(struct ctx *c, const struct pending *p)
{
	size_t n = ref_count(c->rb, p->kind), k = 0;
	const char **ids = alloc(c, n + 1, sizeof(*ids));
	struct strbuf sb = STRBUF_INIT;
	struct qbuf a, b;
	const char *near;

	if (!ids)
		return;
	for (size_t i = 0; i < n; i++)
		if (ref_id(c->rb, p->kind, i))
			ids[k++] = ref_id(c->rb, p->kind, i);
	near = nearest(p->name, ids, k);
	if (near) {
		err_val(c, p->where, "%s %s does not exist; did you mean %s?", refkind_name[p->kind],
			q(&a, p->name), q(&b, near));
	} else if (k == 0) {
		err_val(c, p->where, "%s %s does not exist; \"%s\" defines none", refkind_name[p->kind],
			q(&a, p->name), refkind_section[p->kind]);
	} else {
		list_names(c, &sb, ids, k, " and ");
		err_val(c, p->where, "%s %s does not exist; \"%s\" has %s", refkind_name[p->kind],
			q(&a, p->name), refkind_section[p->kind], strbuf_str(&sb));
	}
	strbuf_free(&sb);
	free(ids);
}

/* Parse "0".."100" (digits only). */
static int percent_text(const char *s)
{
	long v = 0;

	if (!*s || strlen(s) > 3 || strspn(s, "0123456789") != strlen(s))
		return -1;
	for (; *s; s++)
		v = v * 10 + (*s - '0');
	return v <= 100 ? (int)v : -1;
}

static void check_flag_value(struct ctx *c, struct runbook_step *st, const struct runbook_flag *f,
			     struct jv v)
{
	const cJSON *j = v.j;
	struct qbuf a, b;
	char buf[16];

	switch (f->type) {
	case RUNBOOK_FLAG_BOOL:
		if (cJSON_IsBool(j)) {
			st->flag.value = dup(c, cJSON_IsTrue(j) ? "true" : "false");
			return;
		}
		if (cJSON_IsString(j) && (strcmp(j->valuestring, "true") == 0 ||
					 strcmp(j->valuestring, "false") == 0)) {
			st->flag.value = dup(c, j->valuestring);
			return;
		}
		err_val(c, v, "flag %s is a bool flag; \"value\" must be true or false, not %s",
			q(&a, f->id), describe(&b, j));
		return;
	case RUNBOOK_FLAG_PERCENT: {
		int pct = -1;

		if (int_in(j, 0, 100))
			pct = (int)j->valuedouble;
		else if (cJSON_IsString(j))
			pct = percent_text(j->valuestring);
		if (pct >= 0) {
			snprintf(buf, sizeof(buf), "%d", pct);
			st->flag.value = dup(c, buf);
			return;
		}
		err_val(c, v, "flag %s is a percent flag; \"value\" must be an integer from 0 to 100, not %s",
			q(&a, f->id), describe(&b, j));
		return;
	}
	case RUNBOOK_FLAG_ENUM:
		if (cJSON_IsString(j))
			for (size_t i = 0; i < f->nvalues; i++)
				if (strcmp(f->values[i], j->valuestring) == 0) {
					st->flag.value = dup(c, j->valuestring);
					return;
				}
		if (f->nvalues) {
			struct strbuf sb = STRBUF_INIT;

			list_names(c, &sb, (const char *const *)f->values, f->nvalues, " or ");
			err_val(c, v, "flag %s is an enum flag; \"value\" must be %s, not %s", q(&a, f->id),
				strbuf_str(&sb), describe(&b, j));
			strbuf_free(&sb);
		}
		return;
	default:
		if (cJSON_IsString(j)) {
			st->flag.value = dup(c, j->valuestring);
			return;
		}
		err_val(c, v, "flag %s is a string flag; \"value\" must be a string, not %s",
			q(&a, f->id), type_name(j));
		return;
	}
}

static void resolve(struct ctx *c)
{
	struct runbook *rb = c->rb;

	for (size_t i = 0; i < c->nrefs; i++) {
		struct pending *p = &c->refs[i];

		switch (p->kind) {
		case REF_EXECUTION: {
			const struct runbook_execution *x = runbook_execution_find(rb, p->name);

			if (!x) {
				unresolved(c, p);
				break;
			}
			*(const struct runbook_execution **)p->slot = x;
			break;
		}
		case REF_PLAN: {
			const struct runbook_plan *x = runbook_plan_find(rb, p->name);

			if (!x) {
				unresolved(c, p);
				break;
			}
			*(const struct runbook_plan **)p->slot = x;
			break;
		}
		case REF_FLAG: {
			const struct runbook_flag *x = runbook_flag_find(rb, p->name);

			if (!x) {
				unresolved(c, p);
				break;
			}
			*(const struct runbook_flag **)p->slot = x;
			if (p->flag_step)
				check_flag_value(c, p->flag_step, x, p->value);
			break;
		}
		default: {
			const struct runbook_gauge *x = runbook_gauge_find(rb, p->name);

			if (!x) {
				unresolved(c, p);
				break;
			}
			*(const struct runbook_gauge **)p->slot = x;
			break;
		}
		}
	}
	/* A stopped execution named by id stops its fixed execution, if any. */
	for (size_t i = 0; i < rb->nplans; i++)
		for (size_t k = 0; k < rb->plans[i].nsteps; k++) {
			struct runbook_step *st = &rb->plans[i].steps[k];

			if (st->kind == RUNBOOK_STEP_SFN_STOP && st->sfn_stop.execution &&
			    st->sfn_stop.execution->execution_arn)
				st->sfn_stop.execution_arn = dup(c, st->sfn_stop.execution->execution_arn);
		}
}

/* Cycles among sequences, found by an iterative depth-first search (a
 * recursive one could be driven arbitrarily deep by a long chain).  Also
 * fills in the estimate of sequence plans that have none, in post-order. */
static void check_sequences(struct ctx *c)
{
	struct runbook *rb = c->rb;
	size_t n = rb->nplans, norder = 0, top;
	unsigned char *color = alloc(c, n, 1);
	size_t *stack = alloc(c, n, sizeof(size_t)), *next = alloc(c, n, sizeof(size_t));
	size_t *order = alloc(c, n, sizeof(size_t));
	bool cycles = false;

	if (!color || !stack || !next || !order)
		goto out;
	for (size_t root = 0; root < n; root++) {
		if (color[root])
			continue;
		top = 0;
		stack[top++] = root;
		color[root] = 1;
		next[root] = 0;
		while (top) {
			size_t u = stack[top - 1], k = next[u]++;
			const struct runbook_plan *pu = &rb->plans[u];
			size_t v;

			if (k >= pu->nsequence) {
				color[u] = 2;
				order[norder++] = u;
				top--;
				continue;
			}
			if (!pu->sequence[k])
				continue;
			v = (size_t)(pu->sequence[k] - rb->plans);
			if (color[v] == 0) {
				color[v] = 1;
				next[v] = 0;
				stack[top++] = v;
			} else if (color[v] == 1) {
				struct strbuf sb = STRBUF_INIT;
				struct qbuf a;
				size_t from = 0;
				struct jv seq = member(c, c->plan_jv[u], "sequence");
				struct jv at = { NULL, jsonpos_child(c->ix, seq.n, k) };

				while (stack[from] != v)
					from++;
				for (size_t i = from; i < top; i++)
					if (strbuf_printf(&sb, "%s -> ", q(&a, rb->plans[stack[i]].id)) != CUTOVER_OK)
						c->oom = true;
				if (strbuf_printf(&sb, "%s", q(&a, rb->plans[v].id)) != CUTOVER_OK)
					c->oom = true;
				err_val(c, at, "sequences form a cycle: %s", strbuf_str(&sb));
				strbuf_free(&sb);
				cycles = true;
			}
		}
	}
	if (cycles)
		goto out;
	for (size_t i = 0; i < norder; i++) {
		struct runbook_plan *p = &rb->plans[order[i]];
		unsigned long long sum = 0;

		if (!p->sequence || c->plan_has_estimate[order[i]])
			continue;
		for (size_t k = 0; k < p->nsequence; k++)
			if (p->sequence[k])
				sum += p->sequence[k]->estimate_min;
		p->estimate_min = sum > UINT_MAX ? UINT_MAX : (unsigned)sum;
	}
out:
	free(color);
	free(stack);
	free(next);
	free(order);
}

enum cutover_status runbook_json_map(const struct jsonpos *ix, const char *http_base_override,
				     struct runbook *rb, struct diag_list *diags)
{
	static const char *const keys[] = {
		"name", "environment", "region", "audit", "http_base", "poll_s", "executions", "phases",
		"flags", "gauges", "rollback", NULL
	};
	struct ctx c;
	cJSON *root;
	const char *at = NULL;
	struct jv r, v;
	const char *s;
	struct qbuf a;

	memset(&c, 0, sizeof(c));
	c.ix = ix;
	c.d = diags;
	c.rb = rb;
	root = cJSON_ParseWithLengthOpts(ix->clean, ix->len, &at, false);
	if (!root) {
		/* jsonpos accepted the syntax, so this is cJSON running out of memory
		 * or disagreeing; say which byte it stopped at either way.  (The
		 * position comes from return_parse_end, not cJSON_GetErrorPtr's
		 * global.) */
		int line = 0, col = 0;

		if (at && at >= ix->clean && at <= ix->clean + ix->len)
			jsonpos_linecol(ix, (size_t)(at - ix->clean), &line, &col);
		diag_add(diags, line, col, DIAG_ERROR, "the JSON parser (cJSON) could not read this; "
			 "check the value here");
		return CUTOVER_OK;
	}
	r.j = root;
	r.n = ix->count ? 0 : JSONPOS_NONE;
	if (!cJSON_IsObject(root)) {
		err_val(&c, r, "a runbook is a JSON object ({ \"name\": ... }), not %s", type_name(root));
		goto out;
	}
	check_keys(&c, r, keys);
	if (get_str(&c, r, "name", true, &s, &v) == GOT_OK) {
		check_id(&c, v, false, s);
		rb->name = dup(&c, s);
	}
	if (get_str(&c, r, "environment", true, &s, NULL) == GOT_OK) {
		rb->environment = dup(&c, s);
		rb->production = strcasecmp(s, "production") == 0 || strcasecmp(s, "prod") == 0;
	}
	if (get_str(&c, r, "region", true, &s, &v) == GOT_OK) {
		if (is_region(s))
			rb->region = dup(&c, s);
		else
			err_val(&c, v, "\"region\" must be an AWS region such as \"us-east-1\", not %s", q(&a, s));
	}
	if (get_str(&c, r, "audit", false, &s, NULL) == GOT_OK) {
		rb->audit = dup(&c, s);
	} else {
		struct strbuf sb = STRBUF_INIT;

		if (strbuf_printf(&sb, "%s.audit.db", rb->name ? rb->name : "cutover") != CUTOVER_OK)
			c.oom = true;
		rb->audit = strbuf_take(&sb);
	}
	map_http_base(&c, r, http_base_override);
	map_poll(&c, r);
	map_executions(&c, r);
	map_flags(&c, r);
	map_plans(&c, r);
	map_gauges(&c, r);
	map_phases(&c, r);
	note_override(&c, r);
	if (!c.oom) {
		resolve(&c);
		check_sequences(&c);
	}
out:
	cJSON_Delete(root);
	free(c.refs);
	free(c.plan_jv);
	free(c.plan_has_estimate);
	free(c.phase_exec);
	free(c.states);
	return c.oom || diags->oom ? CUTOVER_ENOMEM : CUTOVER_OK;
}

/* ---- normalized output ------------------------------------------------ */

struct out {
	bool oom;
};

static cJSON *add(struct out *o, cJSON *parent, const char *key, cJSON *item)
{
	if (!item) {
		o->oom = true;
		return NULL;
	}
	if (!parent) {
		cJSON_Delete(item);
		return NULL;
	}
	if (key ? !cJSON_AddItemToObject(parent, key, item) : !cJSON_AddItemToArray(parent, item)) {
		cJSON_Delete(item);
		o->oom = true;
		return NULL;
	}
	return item;
}

static void add_str(struct out *o, cJSON *parent, const char *key, const char *s)
{
	add(o, parent, key, cJSON_CreateString(s ? s : ""));
}

static void add_num(struct out *o, cJSON *parent, const char *key, double d)
{
	add(o, parent, key, cJSON_CreateNumber(d));
}

static void add_bool(struct out *o, cJSON *parent, const char *key, bool b)
{
	add(o, parent, key, cJSON_CreateBool(b));
}

static void add_strs(struct out *o, cJSON *parent, const char *key, char *const *v, size_t n)
{
	cJSON *arr = add(o, parent, key, cJSON_CreateArray());

	for (size_t i = 0; i < n; i++)
		add_str(o, arr, NULL, v[i]);
}

static void emit_metric(struct out *o, cJSON *parent, const char *key, const struct runbook_metric *m)
{
	cJSON *obj = add(o, parent, key, cJSON_CreateObject()), *dims;

	add_str(o, obj, "namespace", m->namespace_name);
	add_str(o, obj, "name", m->name);
	add_str(o, obj, "stat", m->stat);
	dims = add(o, obj, "dimensions", cJSON_CreateObject());
	for (size_t i = 0; i < m->ndimensions; i++)
		add_str(o, dims, m->dimensions[i].name, m->dimensions[i].value);
}

static void emit_gauge(struct out *o, cJSON *arr, const struct runbook_gauge *g)
{
	cJSON *obj = add(o, arr, NULL, cJSON_CreateObject());

	add_str(o, obj, "id", g->id);
	add_str(o, obj, "title", g->title);
	switch (g->kind) {
	case RUNBOOK_GAUGE_METRIC:
		emit_metric(o, obj, "metric", &g->metric);
		break;
	case RUNBOOK_GAUGE_EXPRESSION: {
		cJSON *ms;

		add_str(o, obj, "expression", g->expression);
		ms = add(o, obj, "metrics", cJSON_CreateObject());
		for (size_t i = 0; i < g->nmetrics; i++)
			emit_metric(o, ms, g->metrics[i].id, &g->metrics[i]);
		break;
	}
	case RUNBOOK_GAUGE_ALARM:
		add_str(o, obj, "alarm", g->alarm);
		break;
	default: {
		cJSON *h = add(o, obj, "http", cJSON_CreateObject());

		add_str(o, h, "url", g->url);
		add_num(o, h, "expect", g->expect_status);
		break;
	}
	}
	if (g->kind == RUNBOOK_GAUGE_METRIC || g->kind == RUNBOOK_GAUGE_EXPRESSION) {
		add_num(o, obj, "period_s", g->period_s);
		add_str(o, obj, "unit", g->unit);
		add_str(o, obj, "direction", runbook_direction_name(g->direction));
		if (g->has_warn)
			add_num(o, obj, "warn", g->warn);
		if (g->has_critical)
			add_num(o, obj, "critical", g->critical);
	} else if (g->kind == RUNBOOK_GAUGE_HTTP) {
		if (g->has_warn)
			add_num(o, obj, "warn_ms", g->warn);
		if (g->has_critical)
			add_num(o, obj, "critical_ms", g->critical);
	}
	if (g->has_trigger) {
		const struct runbook_trigger *t = &g->trigger;
		cJSON *tr = add(o, obj, "trigger", cJSON_CreateObject());

		if (t->has_threshold)
			add_num(o, tr, runbook_direction_name(t->direction), t->threshold);
		add_num(o, tr, "for", t->for_n);
		add_str(o, tr, "plan", t->plan ? t->plan->id : "");
		if (t->has_auto) {
			cJSON *au = add(o, tr, "auto", cJSON_CreateObject());

			add_num(o, au, "countdown_s", t->auto_countdown_s);
		}
	}
}

static void emit_step(struct out *o, cJSON *arr, const struct runbook_step *st)
{
	cJSON *obj = add(o, arr, NULL, cJSON_CreateObject()), *sub;

	add_str(o, obj, "title", st->title);
	switch (st->kind) {
	case RUNBOOK_STEP_FLAG:
		add_str(o, obj, "flag", st->flag.flag ? st->flag.flag->id : "");
		add_str(o, obj, "value", st->flag.value);
		break;
	case RUNBOOK_STEP_SFN_START:
		sub = add(o, obj, "sfn_start", cJSON_CreateObject());
		add_str(o, sub, "state_machine_arn", st->sfn_start.state_machine_arn);
		add(o, sub, "input", cJSON_Parse(st->sfn_start.input ? st->sfn_start.input : "{}"));
		add_bool(o, sub, "wait", st->sfn_start.wait);
		add_num(o, sub, "timeout_s", st->sfn_start.timeout_s);
		break;
	case RUNBOOK_STEP_SFN_STOP:
		sub = add(o, obj, "sfn_stop", cJSON_CreateObject());
		add_str(o, sub, "execution", st->sfn_stop.execution ? st->sfn_stop.execution->id
				   : st->sfn_stop.execution_arn);
		if (st->sfn_stop.error)
			add_str(o, sub, "error", st->sfn_stop.error);
		if (st->sfn_stop.cause)
			add_str(o, sub, "cause", st->sfn_stop.cause);
		break;
	case RUNBOOK_STEP_EXEC:
		add_strs(o, obj, "exec", st->exec.argv, st->exec.argc);
		add_num(o, obj, "timeout_s", st->exec.timeout_s);
		break;
	case RUNBOOK_STEP_HTTP:
		add_str(o, obj, "http", st->http.url);
		add_num(o, obj, "expect", st->http.expect_status);
		add_num(o, obj, "timeout_s", st->http.timeout_s);
		break;
	case RUNBOOK_STEP_GAUGE_OK:
		add_str(o, obj, "gauge_ok", st->gauge_ok.gauge ? st->gauge_ok.gauge->id : "");
		add_num(o, obj, "timeout_s", st->gauge_ok.timeout_s);
		break;
	case RUNBOOK_STEP_WAIT:
		add_num(o, obj, "wait", st->wait.seconds);
		break;
	default:
		add_str(o, obj, "manual", st->manual.text);
		break;
	}
}

enum cutover_status runbook_to_json(const struct runbook *rb, char **out)
{
	struct out o = { false };
	cJSON *root = cJSON_CreateObject(), *sec, *obj;
	char *text = NULL;
	size_t n;

	*out = NULL;
	if (!root)
		return CUTOVER_ENOMEM;
	add_str(&o, root, "name", rb->name);
	add_str(&o, root, "environment", rb->environment);
	add_str(&o, root, "region", rb->region);
	add_str(&o, root, "audit", rb->audit);
	if (rb->http_base)
		add_str(&o, root, "http_base", rb->http_base);
	sec = add(&o, root, "poll_s", cJSON_CreateObject());
	for (int i = 0; i < RUNBOOK_SRC_COUNT; i++)
		add_num(&o, sec, runbook_source_name((enum runbook_source)i), rb->poll_s[i]);

	sec = add(&o, root, "executions", cJSON_CreateObject());
	for (size_t i = 0; i < rb->nexecutions; i++) {
		const struct runbook_execution *x = &rb->executions[i];

		obj = add(&o, sec, x->id, cJSON_CreateObject());
		add_str(&o, obj, "title", x->title);
		add_str(&o, obj, "state_machine_arn", x->state_machine_arn);
		if (x->execution_arn)
			add_str(&o, obj, "execution_arn", x->execution_arn);
	}

	sec = add(&o, root, "phases", cJSON_CreateArray());
	for (size_t i = 0; i < rb->nphases; i++) {
		const struct runbook_phase *ph = &rb->phases[i];

		obj = add(&o, sec, NULL, cJSON_CreateObject());
		add_str(&o, obj, "id", ph->id);
		add_str(&o, obj, "title", ph->title);
		add_str(&o, obj, "execution", ph->execution ? ph->execution->id : "");
		add_strs(&o, obj, "states", ph->states, ph->nstates);
		add_num(&o, obj, "estimate_min", ph->estimate_min);
		if (ph->rollback)
			add_str(&o, obj, "rollback", ph->rollback->id);
	}

	sec = add(&o, root, "flags", cJSON_CreateArray());
	for (size_t i = 0; i < rb->nflags; i++) {
		const struct runbook_flag *f = &rb->flags[i];

		obj = add(&o, sec, NULL, cJSON_CreateObject());
		add_str(&o, obj, "id", f->id);
		add_str(&o, obj, "ssm", f->ssm);
		add_str(&o, obj, "type", runbook_flag_type_name(f->type));
		if (f->type == RUNBOOK_FLAG_PERCENT)
			add_num(&o, obj, "step", f->step);
		if (f->type == RUNBOOK_FLAG_ENUM)
			add_strs(&o, obj, "values", f->values, f->nvalues);
		add_bool(&o, obj, "dangerous", f->dangerous);
		add_str(&o, obj, "description", f->description);
	}

	sec = add(&o, root, "gauges", cJSON_CreateArray());
	for (size_t i = 0; i < rb->ngauges; i++)
		emit_gauge(&o, sec, &rb->gauges[i]);

	sec = add(&o, root, "rollback", cJSON_CreateObject());
	for (size_t i = 0; i < rb->nplans; i++) {
		const struct runbook_plan *p = &rb->plans[i];

		obj = add(&o, sec, p->id, cJSON_CreateObject());
		add_str(&o, obj, "title", p->title);
		add_num(&o, obj, "estimate_min", p->estimate_min);
		if (p->sequence) {
			cJSON *seq = add(&o, obj, "sequence", cJSON_CreateArray());

			for (size_t k = 0; k < p->nsequence; k++)
				add_str(&o, seq, NULL, p->sequence[k] ? p->sequence[k]->id : "");
		} else {
			cJSON *steps = add(&o, obj, "steps", cJSON_CreateArray());

			for (size_t k = 0; k < p->nsteps; k++)
				emit_step(&o, steps, &p->steps[k]);
		}
		add_strs(&o, obj, "verify", p->verify, p->nverify);
	}

	if (!o.oom)
		text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text)
		return CUTOVER_ENOMEM;
	/* Hand back malloc'd memory with a final newline; cJSON's allocator may differ. */
	n = strlen(text);
	*out = malloc(n + 2);
	if (*out) {
		memcpy(*out, text, n);
		(*out)[n] = '\n';
		(*out)[n + 1] = '\0';
	}
	cJSON_free(text);
	return *out ? CUTOVER_OK : CUTOVER_ENOMEM;
}
