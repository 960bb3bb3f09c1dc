/* sim_ssm.c: the SSM Parameter Store model behind AmazonSSM.* (sim_ssm.h).
 *
 * Parameters are kept sorted by name, each with every version, so answers
 * come out in the alphabetical order SSM uses.  GetParametersByPath now and
 * then answers an empty page that still carries a NextToken, as SSM's
 * "best effort" paging does, so clients that stop on an empty page are
 * caught; which page is a pure function of the seed. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "sim/sim_ssm.h"

#define CT_SSM "application/x-amz-json-1.1"
#define MAX_VALUE_LEN 4096
#define MAX_NAME_LEN 2048
#define MAX_VERSIONS 100

struct ssm_version {
	char *value;
	char *type;
	char *user;
	char *description;
	long long version;
	double date;
};

struct ssm_param {
	char *name;
	struct ssm_version *v;     /* oldest first; at most MAX_VERSIONS kept */
	size_t nv, cap;
	long long next_version;
};

struct sim_ssm {
	struct ssm_param *p;       /* sorted by name */
	size_t n, cap;
	uint64_t seed;
	char region[64];
	char account[16];
	sim_ssm_changed_fn changed;
	void *changed_ctx;
};

static const char *ssm_types[] = { "String", "StringList", "SecureString" };

static bool valid_type(const char *t)
{
	for (size_t i = 0; i < 3; i++)
		if (strcmp(t, ssm_types[i]) == 0)
			return true;
	return false;
}

static struct ssm_param *find(const struct sim_ssm *s, const char *name, size_t *pos)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->p[mid].name, name);

		if (c == 0) {
			if (pos)
				*pos = mid;
			return &s->p[mid];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (pos)
		*pos = lo;
	return NULL;
}

static struct ssm_version *latest(const struct ssm_param *p)
{
	return &p->v[p->nv - 1];
}

/* Add a version (creating the parameter if needed); false on ENOMEM. */
static bool put_version(struct sim_ssm *s, const char *name, const char *value, const char *type,
			const char *user, const char *description, double now)
{
	struct ssm_param *p;
	struct ssm_version nv = { 0 };
	size_t pos;

	p = find(s, name, &pos);
	if (!p) {
		if (s->n == s->cap) {
			size_t cap = s->cap ? 2 * s->cap : 16;
			struct ssm_param *np = realloc(s->p, cap * sizeof(*np));

			if (!np)
				return false;
			s->p = np;
			s->cap = cap;
		}
		memmove(&s->p[pos + 1], &s->p[pos], (s->n - pos) * sizeof(*s->p));
		p = &s->p[pos];
		memset(p, 0, sizeof(*p));
		p->next_version = 1;
		s->n++;
		if (!(p->name = strdup(name))) {
			memmove(&s->p[pos], &s->p[pos + 1], (s->n - pos - 1) * sizeof(*s->p));
			s->n--;
			return false;
		}
	}
	if (p->nv == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 4;
		struct ssm_version *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return false;
		p->v = v;
		p->cap = cap;
	}
	nv.value = strdup(value);
	nv.type = strdup(type ? type : (p->nv ? latest(p)->type : "String"));
	nv.user = strdup(user);
	nv.description = description ? strdup(description)
				     : (p->nv && latest(p)->description ? strdup(latest(p)->description) : NULL);
	nv.version = p->next_version;
	nv.date = now;
	if (!nv.value || !nv.type || !nv.user) {
		free(nv.value);
		free(nv.type);
		free(nv.user);
		free(nv.description);
		return false;
	}
	if (p->nv == MAX_VERSIONS) {
		/* Parameter Store keeps 100 versions and drops the oldest. */
		free(p->v[0].value);
		free(p->v[0].type);
		free(p->v[0].user);
		free(p->v[0].description);
		memmove(&p->v[0], &p->v[1], (p->nv - 1) * sizeof(*p->v));
		p->nv--;
	}
	p->v[p->nv++] = nv;
	p->next_version++;
	return true;
}

enum cutover_status sim_ssm_create(const cJSON *root, uint64_t seed, double t0_epoch,
				   const char *region, const char *account,
				   struct sim_ssm **out, struct cutover_err *err)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "parameters"), *it;
	struct sim_ssm *s = calloc(1, sizeof(*s));
	enum cutover_status st = CUTOVER_OK;
	char default_user[128];
	size_t i = 0;

	*out = NULL;
	if (!s)
		return cutover_errf(err, CUTOVER_ENOMEM, "SSM model: out of memory");
	s->seed = seed;
	snprintf(s->region, sizeof(s->region), "%s", region);
	snprintf(s->account, sizeof(s->account), "%s", account);
	snprintf(default_user, sizeof(default_user), "arn:aws:iam::%s:user/scenario", account);
	if (arr && !cJSON_IsArray(arr)) {
		st = cutover_errf(err, CUTOVER_EVALIDATE, "parameters: must be an array of {name, value, type?}");
		goto out;
	}
	cJSON_ArrayForEach(it, arr) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "name");
		const cJSON *value = cJSON_GetObjectItemCaseSensitive(it, "value");
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(it, "type");
		const cJSON *user = cJSON_GetObjectItemCaseSensitive(it, "user");
		const cJSON *desc = cJSON_GetObjectItemCaseSensitive(it, "description");
		const cJSON *k;

		if (!cJSON_IsObject(it)) {
			st = cutover_errf(err, CUTOVER_EVALIDATE, "parameters[%zu]: must be an object {name, value}", i);
			goto out;
		}
		cJSON_ArrayForEach(k, it)
			if (strcmp(k->string, "name") && strcmp(k->string, "value") && strcmp(k->string, "type") &&
			    strcmp(k->string, "user") && strcmp(k->string, "description")) {
				st = cutover_errf(err, CUTOVER_EVALIDATE,
						  "parameters[%zu]: unknown key \"%s\" (known: name, value, type, user, description)",
						  i, k->string);
				goto out;
			}
		if (!cJSON_IsString(name) || !name->valuestring[0] || strlen(name->valuestring) > MAX_NAME_LEN ||
		    (strchr(name->valuestring, '/') && name->valuestring[0] != '/')) {
			st = cutover_errf(err, CUTOVER_EVALIDATE,
					  "parameters[%zu].name: must be a non-empty string; a hierarchical name starts with /", i);
			goto out;
		}
		if (!cJSON_IsString(value) || !value->valuestring[0]) {
			st = cutover_errf(err, CUTOVER_EVALIDATE,
					  "parameters[%zu].value: must be a non-empty string (SSM has no empty values; quote numbers and booleans)", i);
			goto out;
		}
		if (type && (!cJSON_IsString(type) || !valid_type(type->valuestring))) {
			st = cutover_errf(err, CUTOVER_EVALIDATE,
					  "parameters[%zu].type: must be String, StringList or SecureString", i);
			goto out;
		}
		if ((user && !cJSON_IsString(user)) || (desc && !cJSON_IsString(desc))) {
			st = cutover_errf(err, CUTOVER_EVALIDATE,
					  "parameters[%zu]: user and description must be strings", i);
			goto out;
		}
		if (find(s, name->valuestring, NULL)) {
			st = cutover_errf(err, CUTOVER_EVALIDATE, "parameters[%zu].name: \"%s\" appears twice",
					  i, name->valuestring);
			goto out;
		}
		if (!put_version(s, name->valuestring, value->valuestring,
				 type ? type->valuestring : "String",
				 user ? user->valuestring : default_user,
				 desc ? desc->valuestring : NULL, t0_epoch)) {
			st = cutover_errf(err, CUTOVER_ENOMEM, "SSM model: out of memory");
			goto out;
		}
		i++;
	}
out:
	if (st) {
		sim_ssm_destroy(s);
		return st;
	}
	*out = s;
	return CUTOVER_OK;
}

void sim_ssm_set_observer(struct sim_ssm *s, sim_ssm_changed_fn fn, void *ctx)
{
	s->changed = fn;
	s->changed_ctx = ctx;
}

void sim_ssm_set(struct sim_ssm *s, const char *name, const char *value, const char *user,
		 double now)
{
	if (put_version(s, name, value, NULL, user, NULL, now) && s->changed)
		s->changed(s->changed_ctx, name, value, now);
}

const char *sim_ssm_get(const struct sim_ssm *s, const char *name)
{
	const struct ssm_param *p = find(s, name, NULL);

	return p ? latest(p)->value : NULL;
}

void sim_ssm_destroy(struct sim_ssm *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		for (size_t j = 0; j < s->p[i].nv; j++) {
			free(s->p[i].v[j].value);
			free(s->p[i].v[j].type);
			free(s->p[i].v[j].user);
			free(s->p[i].v[j].description);
		}
		free(s->p[i].v);
		free(s->p[i].name);
	}
	free(s->p);
	free(s);
}

/* --- wire ---------------------------------------------------------------- */

static int err_reply(struct sim_reply *r, int status, const char *type, const char *fmt, ...)
	CUTOVER_PRINTF(4, 5);

static int err_reply(struct sim_reply *r, int status, const char *type, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sim_reply_json_error(r, status, CT_SSM, type, msg);
	return 0;
}

static int reply_and_free(struct sim_reply *r, cJSON *j)
{
	if (!j) {
		sim_reply_json_error(r, 500, CT_SSM, "InternalServerError", "out of memory");
		return 0;
	}
	sim_reply_json(r, CT_SSM, j);
	cJSON_Delete(j);
	return 0;
}

/* A SecureString read without decryption shows ciphertext, not the value. */
static char *ciphertext(const char *value)
{
	size_t n = strlen(value), cap = 4 * ((n + 2) / 3) + 8;
	char *out = malloc(cap + 6);

	if (!out)
		return NULL;
	memcpy(out, "AQICAH", 6);
	EVP_EncodeBlock((unsigned char *)out + 6, (const unsigned char *)value, (int)n);
	return out;
}

static void parameter_arn(const struct sim_ssm *s, const char *name, char *out, size_t outsz)
{
	snprintf(out, outsz, "arn:aws:ssm:%s:%s:parameter%s%s", s->region, s->account,
		 name[0] == '/' ? "" : "/", name);
}

static cJSON *param_json(const struct sim_ssm *s, const char *name, const struct ssm_version *v,
			 bool decrypt, const char *selector, bool history)
{
	cJSON *o = cJSON_CreateObject();
	char arn[2200], *cipher = NULL;
	bool hide = strcmp(v->type, "SecureString") == 0 && !decrypt;

	if (!o)
		return NULL;
	if (hide && !(cipher = ciphertext(v->value))) {
		cJSON_Delete(o);
		return NULL;
	}
	cJSON_AddStringToObject(o, "Name", name);
	cJSON_AddStringToObject(o, "Type", v->type);
	if (history && strcmp(v->type, "SecureString") == 0)
		cJSON_AddStringToObject(o, "KeyId", "alias/aws/ssm");
	cJSON_AddStringToObject(o, "Value", hide ? cipher : v->value);
	cJSON_AddNumberToObject(o, "Version", (double)v->version);
	if (selector)
		cJSON_AddStringToObject(o, "Selector", selector);
	cJSON_AddNumberToObject(o, "LastModifiedDate", v->date);
	if (history) {
		cJSON_AddStringToObject(o, "LastModifiedUser", v->user);
		if (v->description)
			cJSON_AddStringToObject(o, "Description", v->description);
		cJSON_AddItemToObject(o, "Labels", cJSON_CreateArray());
		cJSON_AddStringToObject(o, "Tier", "Standard");
		cJSON_AddItemToObject(o, "Policies", cJSON_CreateArray());
	} else {
		parameter_arn(s, name, arn, sizeof(arn));
		cJSON_AddStringToObject(o, "ARN", arn);
	}
	cJSON_AddStringToObject(o, "DataType", "text");
	free(cipher);
	return o;
}

/* Resolve "name" or "name:version".  Returns the version, or NULL with
 * *missing_param telling whether the name itself is unknown. */
static const struct ssm_version *resolve(const struct sim_ssm *s, const char *sel, char *name,
					 size_t namesz, const char **selector, bool *missing_param,
					 bool *bad_selector)
{
	const char *colon = strrchr(sel, ':');
	const struct ssm_param *p;
	long long want = -1;

	*selector = NULL;
	*missing_param = false;
	*bad_selector = false;
	snprintf(name, namesz, "%s", sel);
	if (colon) {
		char *end;

		name[colon - sel] = '\0';
		*selector = colon;
		want = strtoll(colon + 1, &end, 10);
		if (*end || end == colon + 1 || want < 1)
			*bad_selector = true;   /* a label: this sim keeps none */
	}
	p = find(s, name, NULL);
	if (!p) {
		*missing_param = true;
		return NULL;
	}
	if (*bad_selector)
		return NULL;
	if (want < 0)
		return latest(p);
	for (size_t i = 0; i < p->nv; i++)
		if (p->v[i].version == want)
			return &p->v[i];
	return NULL;
}

static bool get_bool(const cJSON *body, const char *key, bool dflt, bool *ok)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);

	if (!v)
		return dflt;
	if (!cJSON_IsBool(v))
		*ok = false;
	return cJSON_IsTrue(v);
}

/* "1 validation error detected: ..." as AWS words a model constraint. */
static int validation(struct sim_reply *r, const char *fmt, const char *value, const char *member,
		      const char *constraint)
{
	(void)fmt;
	return err_reply(r, 400, "ValidationException",
		  "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s",
		  value, member, constraint);
}

static bool get_max_results(struct sim_reply *r, const cJSON *body, int max, int *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, "MaxResults");
	char buf[64];

	*out = max;
	if (!v)
		return true;
	if (!cJSON_IsNumber(v)) {
		err_reply(r, 400, "SerializationException", "MaxResults must be a number");
		return false;
	}
	snprintf(buf, sizeof(buf), "%g", v->valuedouble);
	if (v->valuedouble < 1) {
		validation(r, NULL, buf, "maxResults", "Member must have value greater than or equal to 1");
		return false;
	}
	if (v->valuedouble > max) {
		char c[96];

		snprintf(c, sizeof(c), "Member must have value less than or equal to %d", max);
		validation(r, NULL, buf, "maxResults", c);
		return false;
	}
	*out = (int)v->valuedouble;
	return true;
}

/* Page tokens: "<kind>.<offset>.<empty flag>.<check>", where check ties
 * the token to the request it continues (path or name). */
static void make_token(const struct sim_ssm *s, const char *kind, const char *key, size_t off,
		       int empty_done, char *out, size_t outsz)
{
	uint64_t h = sim_rand_hash(s->seed, key, (int64_t)off);

	snprintf(out, outsz, "%s.%zu.%d.%016llx", kind, off, empty_done, (unsigned long long)h);
}

static bool parse_token(const struct sim_ssm *s, const cJSON *body, const char *kind,
			const char *key, size_t *off, int *empty_done, struct sim_reply *r)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(body, "NextToken");
	char expect[128];
	unsigned long long o;
	int flag;

	*off = 0;
	*empty_done = 0;
	if (!t)
		return true;
	if (cJSON_IsString(t) && sscanf(t->valuestring, "%*[a-z].%llu.%d.", &o, &flag) == 2 &&
	    (flag == 0 || flag == 1)) {
		make_token(s, kind, key, (size_t)o, flag, expect, sizeof(expect));
		if (strcmp(expect, t->valuestring) == 0) {
			*off = (size_t)o;
			*empty_done = flag;
			return true;
		}
	}
	err_reply(r, 400, "InvalidNextToken", "The nextToken is not valid.");
	return false;
}

static const char *req_string(struct sim_reply *r, const cJSON *body, const char *key,
			      const char *member)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);

	if (!v) {
		err_reply(r, 400, "ValidationException",
			  "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null",
			  member);
		return NULL;
	}
	if (!cJSON_IsString(v)) {
		err_reply(r, 400, "SerializationException", "%s must be a string", key);
		return NULL;
	}
	return v->valuestring;
}

static int op_get_parameter(struct sim_ssm *s, const cJSON *body, struct sim_reply *r)
{
	const char *sel = req_string(r, body, "Name", "name"), *selector;
	const struct ssm_version *v;
	char name[MAX_NAME_LEN + 1];
	bool ok = true, missing, badsel;
	bool decrypt;
	cJSON *out;

	if (!sel)
		return 0;
	decrypt = get_bool(body, "WithDecryption", false, &ok);
	if (!ok)
		return err_reply(r, 400, "SerializationException", "WithDecryption must be a boolean");
	v = resolve(s, sel, name, sizeof(name), &selector, &missing, &badsel);
	if (missing)
		return err_reply(r, 400, "ParameterNotFound", "Parameter %s not found.", name);
	if (!v)
		return err_reply(r, 400, "ParameterVersionNotFound",
				 "Systems Manager could not find version %s of %s. Verify the version and try again.",
				 selector + 1, name);
	out = cJSON_CreateObject();
	if (out)
		cJSON_AddItemToObject(out, "Parameter", param_json(s, name, v, decrypt, selector, false));
	return reply_and_free(r, out);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int op_get_parameters(struct sim_ssm *s, const cJSON *body, struct sim_reply *r)
{
	const cJSON *names = cJSON_GetObjectItemCaseSensitive(body, "Names"), *it;
	const char *sorted[10];
	cJSON *out, *params, *invalid;
	bool ok = true, decrypt;
	size_t n = 0;

	if (!names)
		return err_reply(r, 400, "ValidationException",
				 "1 validation error detected: Value null at 'names' failed to satisfy constraint: Member must not be null");
	if (!cJSON_IsArray(names))
		return err_reply(r, 400, "SerializationException", "Names must be a list of strings");
	decrypt = get_bool(body, "WithDecryption", false, &ok);
	if (!ok)
		return err_reply(r, 400, "SerializationException", "WithDecryption must be a boolean");
	if (cJSON_GetArraySize(names) < 1 || cJSON_GetArraySize(names) > 10)
		return err_reply(r, 400, "ValidationException",
				 "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and 10 (got %d names)",
				 cJSON_GetArraySize(names));
	cJSON_ArrayForEach(it, names) {
		if (!cJSON_IsString(it))
			return err_reply(r, 400, "SerializationException", "Names must be a list of strings");
		if (!it->valuestring[0] || strlen(it->valuestring) > MAX_NAME_LEN)
			return err_reply(r, 400, "ValidationException",
					 "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and 2048");
		sorted[n++] = it->valuestring;
	}
	qsort(sorted, n, sizeof(sorted[0]), cmp_str);
	out = cJSON_CreateObject();
	params = cJSON_AddArrayToObject(out, "Parameters");
	invalid = cJSON_AddArrayToObject(out, "InvalidParameters");
	if (!params || !invalid) {
		cJSON_Delete(out);
		return reply_and_free(r, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		char name[MAX_NAME_LEN + 1];
		const char *selector;
		bool missing, badsel;
		const struct ssm_version *v;

		if (i > 0 && strcmp(sorted[i], sorted[i - 1]) == 0)
			continue;   /* SSM answers a repeated name once */
		v = resolve(s, sorted[i], name, sizeof(name), &selector, &missing, &badsel);
		if (v)
			cJSON_AddItemToArray(params, param_json(s, name, v, decrypt, selector, false));
		else
			cJSON_AddItemToArray(invalid, cJSON_CreateString(sorted[i]));
	}
	return reply_and_free(r, out);
}

static bool under_path(const char *name, const char *prefix, bool recursive)
{
	size_t n = strlen(prefix);

	if (strncmp(name, prefix, n) != 0 || !name[n])
		return false;
	return recursive || !strchr(name + n, '/');
}

/* ParameterFilters for GetParametersByPath: Type and KeyId (Equals), Label. */
static bool filters_ok(struct sim_reply *r, const cJSON *filters)
{
	const cJSON *f;

	if (!filters)
		return true;
	if (!cJSON_IsArray(filters)) {
		err_reply(r, 400, "SerializationException", "ParameterFilters must be a list");
		return false;
	}
	cJSON_ArrayForEach(f, filters) {
		const cJSON *key = cJSON_GetObjectItemCaseSensitive(f, "Key");
		const cJSON *opt = cJSON_GetObjectItemCaseSensitive(f, "Option");
		const cJSON *vals = cJSON_GetObjectItemCaseSensitive(f, "Values");

		if (!cJSON_IsString(key) ||
		    (strcmp(key->valuestring, "Type") && strcmp(key->valuestring, "KeyId") &&
		     strcmp(key->valuestring, "Label"))) {
			err_reply(r, 400, "InvalidFilterKey",
				  "The following filter key is not valid: %s. Valid filter keys for this sim's GetParametersByPath: Type, KeyId, Label.",
				  cJSON_IsString(key) ? key->valuestring : "(none)");
			return false;
		}
		if (opt && (!cJSON_IsString(opt) || strcmp(opt->valuestring, "Equals") != 0)) {
			err_reply(r, 400, "InvalidFilterOption",
				  "The filter option is not valid. Valid options are Equals.");
			return false;
		}
		if (!cJSON_IsArray(vals) || cJSON_GetArraySize(vals) < 1) {
			err_reply(r, 400, "InvalidFilterValue",
				  "The filter value is not valid: give at least one value.");
			return false;
		}
	}
	return true;
}

static bool filters_match(const cJSON *filters, const struct ssm_version *v)
{
	const cJSON *f;

	cJSON_ArrayForEach(f, filters) {
		const char *key = cJSON_GetObjectItemCaseSensitive(f, "Key")->valuestring;
		const cJSON *vals = cJSON_GetObjectItemCaseSensitive(f, "Values"), *x;
		const char *have = NULL;
		bool any = false;

		if (strcmp(key, "Type") == 0)
			have = v->type;
		else if (strcmp(key, "KeyId") == 0)
			have = strcmp(v->type, "SecureString") == 0 ? "alias/aws/ssm" : NULL;
		cJSON_ArrayForEach(x, vals)
			if (have && cJSON_IsString(x) && strcmp(x->valuestring, have) == 0)
				any = true;
		if (!any)
			return false;   /* Label: this sim keeps no labels */
	}
	return true;
}

static int op_get_parameters_by_path(struct sim_ssm *s, const cJSON *body, struct sim_reply *r)
{
	const char *path = req_string(r, body, "Path", "path");
	const cJSON *filters = cJSON_GetObjectItemCaseSensitive(body, "ParameterFilters");
	char prefix[MAX_NAME_LEN + 2], key[MAX_NAME_LEN + 8], token[160];
	bool ok = true, recursive, decrypt;
	size_t off, matched = 0;
	int max, empty_done;
	cJSON *out, *params;

	if (!path)
		return 0;
	recursive = get_bool(body, "Recursive", false, &ok);
	decrypt = get_bool(body, "WithDecryption", false, &ok);
	if (!ok)
		return err_reply(r, 400, "SerializationException", "Recursive and WithDecryption must be booleans");
	if (path[0] != '/' || strlen(path) > MAX_NAME_LEN)
		return err_reply(r, 400, "ValidationException",
				 "The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\". Path: %.200s",
				 path);
	if (!get_max_results(r, body, 10, &max) || !filters_ok(r, filters))
		return 0;
	snprintf(prefix, sizeof(prefix), "%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/");
	snprintf(key, sizeof(key), "%s|%d", prefix, recursive);
	if (!parse_token(s, body, "path", key, &off, &empty_done, r))
		return 0;
	out = cJSON_CreateObject();
	params = cJSON_AddArrayToObject(out, "Parameters");
	if (!params) {
		cJSON_Delete(out);
		return reply_and_free(r, NULL);
	}
	/* Now and then (seeded) a continuation page comes back empty but
	 * with a NextToken, as SSM's best-effort paging does. */
	if (off > 0 && !empty_done && sim_rand_unit(s->seed, key, (int64_t)off) < 0.3) {
		make_token(s, "path", key, off, 1, token, sizeof(token));
		cJSON_AddStringToObject(out, "NextToken", token);
		return reply_and_free(r, out);
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct ssm_param *p = &s->p[i];

		if (!under_path(p->name, prefix, recursive) || (filters && !filters_match(filters, latest(p))))
			continue;
		if (matched++ < off)
			continue;
		if (cJSON_GetArraySize(params) == max) {
			make_token(s, "path", key, off + (size_t)max, 0, token, sizeof(token));
			cJSON_AddStringToObject(out, "NextToken", token);
			break;
		}
		cJSON_AddItemToArray(params, param_json(s, p->name, latest(p), decrypt, NULL, false));
	}
	return reply_and_free(r, out);
}

static bool valid_name(const char *name, struct sim_reply *r)
{
	int depth = 0;

	if (!name[0] || strlen(name) > MAX_NAME_LEN) {
		validation(r, NULL, name, "name", "Member must have length between 1 and 2048");
		return false;
	}
	for (const char *p = name; *p; p++) {
		if (!isalnum((unsigned char)*p) && !strchr("_.-/", *p)) {
			err_reply(r, 400, "ValidationException",
				  "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore), /. Got: %.200s",
				  name);
			return false;
		}
		depth += *p == '/';
	}
	if (strchr(name, '/') && name[0] != '/') {
		err_reply(r, 400, "ValidationException",
			  "Parameter name must be a fully qualified name: a hierarchical name starts with /. Got: %.200s", name);
		return false;
	}
	if (strncasecmp(name + (name[0] == '/'), "aws", 3) == 0 || strncasecmp(name + (name[0] == '/'), "ssm", 3) == 0) {
		err_reply(r, 400, "ValidationException",
			  "No access to reserved parameter name: %.200s.", name);
		return false;
	}
	if (depth > 15) {
		err_reply(r, 400, "HierarchyLevelLimitExceededException",
			  "A hierarchy can have a maximum of 15 levels. Parameter name: %.200s", name);
		return false;
	}
	return true;
}

static int op_put_parameter(struct sim_ssm *s, const cJSON *body, const char *caller,
			     double now, struct sim_reply *r)
{
	const char *name = req_string(r, body, "Name", "name"), *value, *type = NULL, *desc = NULL;
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(body, "Type");
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(body, "Description");
	const struct ssm_param *p;
	bool ok = true, overwrite;
	cJSON *out;

	if (!name || !(value = req_string(r, body, "Value", "value")))
		return 0;
	overwrite = get_bool(body, "Overwrite", false, &ok);
	if (!ok)
		return err_reply(r, 400, "SerializationException", "Overwrite must be a boolean");
	if (t) {
		if (!cJSON_IsString(t))
			return err_reply(r, 400, "SerializationException", "Type must be a string");
		type = t->valuestring;
		if (!valid_type(type))
			return validation(r, NULL, type, "type",
					  "Member must satisfy enum value set: [SecureString, StringList, String]");
	}
	if (d) {
		if (!cJSON_IsString(d))
			return err_reply(r, 400, "SerializationException", "Description must be a string");
		desc = d->valuestring;
	}
	if (!valid_name(name, r))
		return 0;
	if (!value[0])
		return validation(r, NULL, "", "value", "Member must have length greater than or equal to 1");
	if (strlen(value) > MAX_VALUE_LEN)
		return err_reply(r, 400, "ValidationException",
				 "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.");
	p = find(s, name, NULL);
	if (p && !overwrite)
		return err_reply(r, 400, "ParameterAlreadyExists",
				 "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
	if (!p && !type)
		return err_reply(r, 400, "ValidationException",
				 "A parameter type is required when you create a parameter.");
	if (!put_version(s, name, value, type, caller, desc, now))
		return reply_and_free(r, NULL);
	p = find(s, name, NULL);
	out = cJSON_CreateObject();
	cJSON_AddNumberToObject(out, "Version", (double)latest(p)->version);
	cJSON_AddStringToObject(out, "Tier", "Standard");
	reply_and_free(r, out);
	if (r->http_status == 200 && s->changed)
		s->changed(s->changed_ctx, name, value, now);
	return 0;
}

static int op_get_parameter_history(struct sim_ssm *s, const cJSON *body, struct sim_reply *r)
{
	const char *name = req_string(r, body, "Name", "name");
	const struct ssm_param *p;
	bool ok = true, decrypt;
	int max, empty_done;
	size_t off;
	cJSON *out, *params;
	char token[160];

	if (!name)
		return 0;
	decrypt = get_bool(body, "WithDecryption", false, &ok);
	if (!ok)
		return err_reply(r, 400, "SerializationException", "WithDecryption must be a boolean");
	if (!get_max_results(r, body, 50, &max))
		return 0;
	p = find(s, name, NULL);
	if (!p)
		return err_reply(r, 400, "ParameterNotFound", "Parameter %s not found.", name);
	if (!parse_token(s, body, "hist", name, &off, &empty_done, r))
		return 0;
	out = cJSON_CreateObject();
	params = cJSON_AddArrayToObject(out, "Parameters");
	if (!params) {
		cJSON_Delete(out);
		return reply_and_free(r, NULL);
	}
	for (size_t i = off; i < p->nv; i++) {
		if (cJSON_GetArraySize(params) == max) {
			make_token(s, "hist", name, i, 0, token, sizeof(token));
			cJSON_AddStringToObject(out, "NextToken", token);
			break;
		}
		cJSON_AddItemToArray(params, param_json(s, p->name, &p->v[i], decrypt, NULL, true));
	}
	return reply_and_free(r, out);
}

void sim_ssm_handle(struct sim_ssm *s, const char *op, const char *body, size_t len,
		    const char *caller_arn, double now, struct sim_reply *reply)
{
	cJSON *j = len ? cJSON_ParseWithLength(body, len) : cJSON_CreateObject();

	if (!j || !cJSON_IsObject(j)) {
		err_reply(reply, 400, "SerializationException",
			  "The request body is not a JSON object; send {} for an empty input.");
		goto out;
	}
	if (strcmp(op, "GetParameter") == 0)
		op_get_parameter(s, j, reply);
	else if (strcmp(op, "GetParameters") == 0)
		op_get_parameters(s, j, reply);
	else if (strcmp(op, "GetParametersByPath") == 0)
		op_get_parameters_by_path(s, j, reply);
	else if (strcmp(op, "PutParameter") == 0)
		op_put_parameter(s, j, caller_arn, now, reply);
	else if (strcmp(op, "GetParameterHistory") == 0)
		op_get_parameter_history(s, j, reply);
	else
		err_reply(reply, 400, "UnknownOperationException",
			  "AmazonSSM.%.100s is not an operation this sim serves (GetParameter, GetParameters, GetParametersByPath, PutParameter, GetParameterHistory).",
			  op);
out:
	cJSON_Delete(j);
}
