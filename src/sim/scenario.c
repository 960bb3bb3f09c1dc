/* scenario.c: load a sim scenario (JSON with comments) and check the sections
 * the HTTP layer owns.  The service models check theirs at create time.
 *
 * Comments are blanked by hand because cJSON (the JSON library we use) has
 * cJSON_Minify to strip them, but minifying moves every byte and so loses the
 * line and column an author needs; blanking keeps offsets. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "sim/scenario.h"

#define MAX_SCENARIO_BYTES (8u << 20)

static const char *const top_keys[] = {
	"name", "region", "account", "start_epoch", "credentials", "parameters", "health",
	"faults", "state_machines", "executions", "metrics", "alarms",
	"description",
};

void sim_json_position(const char *text, size_t off, int *line, int *col)
{
	int l = 1, c = 1;

	for (size_t i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

enum cutover_status sim_json_blank_comments(char *text, size_t len, const char *origin,
					    struct cutover_err *err)
{
	size_t i = 0;

	while (i < len) {
		if (text[i] == '"') {
			/* Skip the string, escapes included; an unterminated one is
			 * left for the JSON parser to report. */
			for (i++; i < len && text[i] != '"'; i++)
				if (text[i] == '\\' && i + 1 < len)
					i++;
			i++;
		} else if (text[i] == '/' && i + 1 < len && text[i + 1] == '/') {
			while (i < len && text[i] != '\n')
				text[i++] = ' ';
		} else if (text[i] == '/' && i + 1 < len && text[i + 1] == '*') {
			size_t start = i;

			text[i++] = ' ';
			text[i++] = ' ';
			while (i < len && !(text[i] == '*' && i + 1 < len && text[i + 1] == '/')) {
				if (text[i] != '\n')
					text[i] = ' ';
				i++;
			}
			if (i >= len) {
				int line, col;

				sim_json_position(text, start, &line, &col);
				return cutover_errf(err, CUTOVER_EPARSE,
						    "%s:%d:%d: comment opened with /* is never closed with */",
						    origin, line, col);
			}
			text[i++] = ' ';
			text[i++] = ' ';
		} else {
			i++;
		}
	}
	return CUTOVER_OK;
}

/* --- validation helpers: each names the path of what is wrong ---------- */

static enum cutover_status bad(struct cutover_err *err, const char *origin, const char *path,
			       const char *what)
{
	return cutover_errf(err, CUTOVER_EVALIDATE, "%s: %s: %s", origin, path, what);
}

static enum cutover_status get_string(const cJSON *obj, const char *key, bool required,
				      const char *origin, const char *path, char **out,
				      struct cutover_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char where[256];

	*out = NULL;
	snprintf(where, sizeof(where), "%s%s%s", path, *path ? "." : "", key);
	if (!v) {
		if (required)
			return cutover_errf(err, CUTOVER_EVALIDATE, "%s: %s: missing \"%s\"",
					    origin, *path ? path : "(top level)", key);
		return CUTOVER_OK;
	}
	if (!cJSON_IsString(v) || !v->valuestring[0])
		return bad(err, origin, where, "must be a non-empty string");
	*out = strdup(v->valuestring);
	return *out ? CUTOVER_OK : cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory", origin);
}

static enum cutover_status get_number(const cJSON *obj, const char *key, bool required,
				      double lo, double hi, double dflt, const char *origin,
				      const char *path, double *out, struct cutover_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char where[256], what[128];

	*out = dflt;
	snprintf(where, sizeof(where), "%s%s%s", path, *path ? "." : "", key);
	if (!v) {
		if (required)
			return cutover_errf(err, CUTOVER_EVALIDATE, "%s: %s: missing \"%s\"",
					    origin, path, key);
		return CUTOVER_OK;
	}
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < lo ||
	    v->valuedouble > hi) {
		snprintf(what, sizeof(what), "must be a number from %g to %g", lo, hi);
		return bad(err, origin, where, what);
	}
	*out = v->valuedouble;
	return CUTOVER_OK;
}

static enum cutover_status check_keys(const cJSON *obj, const char *const *keys, size_t nkeys,
				      const char *origin, const char *path,
				      struct cutover_err *err)
{
	const cJSON *it;

	if (!cJSON_IsObject(obj))
		return bad(err, origin, path, "must be an object");
	cJSON_ArrayForEach(it, obj) {
		size_t i;

		for (i = 0; i < nkeys; i++)
			if (strcmp(it->string, keys[i]) == 0)
				break;
		if (i == nkeys)
			return cutover_errf(err, CUTOVER_EVALIDATE,
					    "%s: %s: unknown key \"%s\" (check its spelling in docs/sim.md)",
					    origin, path, it->string);
	}
	return CUTOVER_OK;
}

#define NKEYS(a) (sizeof(a) / sizeof((a)[0]))

/* An IAM-style unique id for GetCallerIdentity, stable per credential:
 * AIDA... for users, AROA...:session for assumed roles. */
static char *derive_user_id(const char *arn, const char *akid)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	unsigned char md[SHA256_DIGEST_LENGTH];
	char id[22], out[300];
	const char *session = NULL;

	SHA256((const unsigned char *)akid, strlen(akid), md);
	for (int i = 0; i < 17; i++)
		id[4 + i] = alphabet[md[i] & 31];
	memcpy(id, strstr(arn, ":assumed-role/") ? "AROA" : "AIDA", 4);
	id[sizeof(id) - 1] = '\0';
	if (strstr(arn, ":assumed-role/"))
		session = strrchr(arn, '/');
	if (session)
		snprintf(out, sizeof(out), "%s:%s", id, session + 1);
	else
		snprintf(out, sizeof(out), "%s", id);
	return strdup(out);
}

static enum cutover_status load_credentials(struct sim_scenario *s, const char *origin,
					    struct cutover_err *err)
{
	static const char *const keys[] = { "access_key_id", "secret_access_key", "session_token",
					    "arn" };
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(s->root, "credentials");
	enum cutover_status st;
	char path[64];
	size_t n;

	if (!arr) {
		/* No credentials given: one well-known pair, so a quick scenario
		 * still needs signed requests like AWS does. */
		s->creds = calloc(1, sizeof(*s->creds));
		if (!s->creds)
			return cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory", origin);
		s->ncreds = 1;
		s->creds[0].access_key_id = strdup(SIM_DEFAULT_ACCESS_KEY_ID);
		s->creds[0].secret_access_key = strdup(SIM_DEFAULT_SECRET_ACCESS_KEY);
		goto fill_arn;
	}
	if (!cJSON_IsArray(arr))
		return bad(err, origin, "credentials", "must be an array of {access_key_id, secret_access_key}");
	n = (size_t)cJSON_GetArraySize(arr);
	if (n == 0)
		return bad(err, origin, "credentials", "lists none; give at least one, or leave the key out for the default pair");
	s->creds = calloc(n, sizeof(*s->creds));
	if (!s->creds)
		return cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory", origin);
	for (size_t i = 0; i < n; i++) {
		const cJSON *c = cJSON_GetArrayItem(arr, (int)i);
		struct sim_credential *cr = &s->creds[i];

		s->ncreds = i + 1;
		snprintf(path, sizeof(path), "credentials[%zu]", i);
		if ((st = check_keys(c, keys, NKEYS(keys), origin, path, err)) ||
		    (st = get_string(c, "access_key_id", true, origin, path, &cr->access_key_id, err)) ||
		    (st = get_string(c, "secret_access_key", true, origin, path, &cr->secret_access_key, err)) ||
		    (st = get_string(c, "session_token", false, origin, path, &cr->session_token, err)) ||
		    (st = get_string(c, "arn", false, origin, path, &cr->arn, err)))
			return st;
		for (size_t j = 0; j < i; j++)
			if (strcmp(s->creds[j].access_key_id, cr->access_key_id) == 0)
				return bad(err, origin, path, "access_key_id appears twice");
	}
fill_arn:
	for (size_t i = 0; i < s->ncreds; i++) {
		struct sim_credential *cr = &s->creds[i];

		if (!cr->access_key_id || !cr->secret_access_key)
			return cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory", origin);
		if (!cr->arn) {
			char arn[256];

			snprintf(arn, sizeof(arn), "arn:aws:iam::%s:user/cutover-sim", s->account);
			cr->arn = strdup(arn);
		}
		cr->user_id = cr->arn ? derive_user_id(cr->arn, cr->access_key_id) : NULL;
		if (!cr->arn || !cr->user_id)
			return cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory", origin);
	}
	return CUTOVER_OK;
}

static enum cutover_status load_health(struct sim_scenario *s, const char *origin,
				       struct cutover_err *err)
{
	static const char *const keys[] = { "path", "status", "latency_ms", "body", "incidents" };
	static const char *const ikeys[] = { "at_s", "for_s", "status", "latency_ms" };
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(s->root, "health");
	enum cutover_status st;
	char path[96];
	double d;
	size_t n;

	if (!arr)
		return CUTOVER_OK;
	if (!cJSON_IsArray(arr))
		return bad(err, origin, "health", "must be an array of {path, status, latency_ms}");
	n = (size_t)cJSON_GetArraySize(arr);
	s->health = calloc(n ? n : 1, sizeof(*s->health));
	if (!s->health)
		return cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory", origin);
	for (size_t i = 0; i < n; i++) {
		const cJSON *h = cJSON_GetArrayItem(arr, (int)i), *inc;
		struct sim_health *hp = &s->health[i];

		s->nhealth = i + 1;
		snprintf(path, sizeof(path), "health[%zu]", i);
		if ((st = check_keys(h, keys, NKEYS(keys), origin, path, err)) ||
		    (st = get_string(h, "path", true, origin, path, &hp->path, err)) ||
		    (st = get_string(h, "body", false, origin, path, &hp->body, err)))
			return st;
		if (hp->path[0] != '/' || strchr(hp->path, '?') || strcmp(hp->path, "/") == 0)
			return bad(err, origin, path, "path must start with / and not be / itself (that is the AWS API)");
		for (size_t j = 0; j < i; j++)
			if (strcmp(s->health[j].path, hp->path) == 0)
				return bad(err, origin, path, "path appears twice");
		if ((st = get_number(h, "status", false, 100, 599, 200, origin, path, &d, err)))
			return st;
		hp->status = (int)d;
		if ((st = get_number(h, "latency_ms", false, 0, 60000, 0, origin, path, &d, err)))
			return st;
		hp->latency_ms = (int)d;
		inc = cJSON_GetObjectItemCaseSensitive(h, "incidents");
		if (!inc)
			continue;
		snprintf(path, sizeof(path), "health[%zu].incidents", i);
		if (!cJSON_IsArray(inc))
			return bad(err, origin, path, "must be an array of {at_s, for_s, status, latency_ms}");
		hp->nincidents = (size_t)cJSON_GetArraySize(inc);
		hp->incidents = calloc(hp->nincidents ? hp->nincidents : 1, sizeof(*hp->incidents));
		if (!hp->incidents)
			return cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory", origin);
		for (size_t k = 0; k < hp->nincidents; k++) {
			const cJSON *x = cJSON_GetArrayItem(inc, (int)k);
			struct sim_health_incident *ip = &hp->incidents[k];

			snprintf(path, sizeof(path), "health[%zu].incidents[%zu]", i, k);
			if ((st = check_keys(x, ikeys, NKEYS(ikeys), origin, path, err)) ||
			    (st = get_number(x, "at_s", true, 0, 1e9, 0, origin, path, &ip->at_s, err)) ||
			    (st = get_number(x, "for_s", true, 0, 1e9, 0, origin, path, &ip->for_s, err)) ||
			    (st = get_number(x, "status", false, 100, 599, -1, origin, path, &d, err)))
				return st;
			ip->status = (int)d;
			if ((st = get_number(x, "latency_ms", false, 0, 60000, -1, origin, path, &d, err)))
				return st;
			ip->latency_ms = (int)d;
		}
	}
	return CUTOVER_OK;
}

static enum cutover_status parse_services(const cJSON *arr, const char *origin,
					  const char *path, unsigned *out,
					  struct cutover_err *err)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "ssm", SIM_SVC_SSM }, { "states", SIM_SVC_SFN }, { "stepfunctions", SIM_SVC_SFN },
		{ "cloudwatch", SIM_SVC_CW }, { "monitoring", SIM_SVC_CW }, { "sts", SIM_SVC_STS },
		{ "health", SIM_SVC_HEALTH },
	};
	const cJSON *it;
	char where[128];

	snprintf(where, sizeof(where), "%s.services", path);
	*out = 0;
	if (!cJSON_IsArray(arr))
		return bad(err, origin, where, "must be an array such as [\"ssm\", \"states\"]");
	cJSON_ArrayForEach(it, arr) {
		size_t i;

		for (i = 0; i < NKEYS(names); i++)
			if (cJSON_IsString(it) && strcmp(it->valuestring, names[i].name) == 0)
				break;
		if (i == NKEYS(names))
			return bad(err, origin, where,
				   "unknown service; use ssm, states, cloudwatch, sts or health");
		*out |= names[i].bit;
	}
	return CUTOVER_OK;
}

static enum cutover_status load_faults(struct sim_scenario *s, const char *origin,
				       struct cutover_err *err)
{
	static const char *const keys[] = { "from_s", "to_s", "throttle_rate", "error5xx_rate",
					    "latency_ms", "drop_rate", "services", "message" };
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(s->root, "faults");
	enum cutover_status st;
	char path[64];
	size_t n;

	if (!arr)
		return CUTOVER_OK;
	if (!cJSON_IsArray(arr))
		return bad(err, origin, "faults", "must be an array of fault windows");
	n = (size_t)cJSON_GetArraySize(arr);
	s->faults = calloc(n ? n : 1, sizeof(*s->faults));
	if (!s->faults)
		return cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory", origin);
	for (size_t i = 0; i < n; i++) {
		const cJSON *f = cJSON_GetArrayItem(arr, (int)i), *lat, *svc;
		struct sim_fault *fp = &s->faults[i];

		s->nfaults = i + 1;
		snprintf(path, sizeof(path), "faults[%zu]", i);
		if ((st = check_keys(f, keys, NKEYS(keys), origin, path, err)) ||
		    (st = get_number(f, "from_s", false, 0, 1e9, 0, origin, path, &fp->from_s, err)) ||
		    (st = get_number(f, "to_s", false, 0, 1e9, -1, origin, path, &fp->to_s, err)) ||
		    (st = get_number(f, "throttle_rate", false, 0, 1, 0, origin, path, &fp->throttle_rate, err)) ||
		    (st = get_number(f, "error5xx_rate", false, 0, 1, 0, origin, path, &fp->error5xx_rate, err)) ||
		    (st = get_number(f, "drop_rate", false, 0, 1, 0, origin, path, &fp->drop_rate, err)))
			return st;
		if (fp->to_s >= 0 && fp->to_s <= fp->from_s)
			return bad(err, origin, path, "to_s must be after from_s");
		if (fp->throttle_rate + fp->error5xx_rate + fp->drop_rate > 1.0)
			return bad(err, origin, path,
				   "throttle_rate + error5xx_rate + drop_rate must not exceed 1");
		lat = cJSON_GetObjectItemCaseSensitive(f, "latency_ms");
		if (lat) {
			const cJSON *a = cJSON_GetArrayItem(lat, 0), *b = cJSON_GetArrayItem(lat, 1);

			if (!cJSON_IsArray(lat) || cJSON_GetArraySize(lat) != 2 || !cJSON_IsNumber(a) ||
			    !cJSON_IsNumber(b) || a->valuedouble < 0 || b->valuedouble < a->valuedouble ||
			    b->valuedouble > 60000) {
				snprintf(path, sizeof(path), "faults[%zu].latency_ms", i);
				return bad(err, origin, path,
					   "must be [min, max] in milliseconds, 0 <= min <= max <= 60000");
			}
			fp->latency_min_ms = (int)a->valuedouble;
			fp->latency_max_ms = (int)b->valuedouble;
		}
		fp->services = SIM_SVC_API;
		svc = cJSON_GetObjectItemCaseSensitive(f, "services");
		if (svc && (st = parse_services(svc, origin, path, &fp->services, err)))
			return st;
		/* Any text, control characters included: game days and the
		 * terminal-safety tests plant hostile error messages with it. */
		if ((st = get_string(f, "message", false, origin, path, &fp->message, err)))
			return st;
		if (fp->message && strlen(fp->message) > 65536)
			return bad(err, origin, path, "message: longer than 65536 bytes");
	}
	return CUTOVER_OK;
}

static enum cutover_status load_identity(struct sim_scenario *s, const char *origin,
					 struct cutover_err *err)
{
	const cJSON *v;
	char *str = NULL;
	enum cutover_status st;

	if ((st = get_string(s->root, "name", false, origin, "", &s->name, err)))
		return st;
	if (!s->name && !(s->name = strdup("unnamed")))
		return cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory", origin);
	if ((st = get_string(s->root, "region", false, origin, "", &str, err)))
		return st;
	snprintf(s->region, sizeof(s->region), "%s", str ? str : "us-east-1");
	if (str && (strlen(str) >= sizeof(s->region) || strspn(str, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(str))) {
		free(str);
		return bad(err, origin, "region", "must look like eu-west-1 (lowercase letters, digits, -)");
	}
	free(str);
	str = NULL;
	if ((st = get_string(s->root, "account", false, origin, "", &str, err)))
		return st;
	snprintf(s->account, sizeof(s->account), "%s", str ? str : "123456789012");
	if (str && (strlen(str) != 12 || strspn(str, "0123456789") != 12)) {
		free(str);
		return bad(err, origin, "account", "must be 12 digits, e.g. \"123456789012\"");
	}
	free(str);
	v = cJSON_GetObjectItemCaseSensitive(s->root, "start_epoch");
	if (v) {
		if ((st = get_number(s->root, "start_epoch", false, 0, 4102444800.0, 0, origin, "",
				     &s->start_epoch, err)))
			return st;
		s->has_start_epoch = true;
	}
	return CUTOVER_OK;
}

/* --- exact JSON syntax errors --------------------------------------------
 * cJSON reports where it gave up, which for some mistakes (a trailing comma,
 * a missing comma after an object) is far from the mistake.  This small
 * scanner, run only when cJSON refuses a text, finds the first offending
 * byte and names what was expected there. */

struct scan {
	const char *t;
	size_t n, i;
	const char *what;
	int depth;
};

static void scan_ws(struct scan *s)
{
	while (s->i < s->n && strchr(" \t\r\n", s->t[s->i]) && s->t[s->i])
		s->i++;
}

static bool scan_value(struct scan *s);

static bool scan_string(struct scan *s)
{
	s->i++;   /* the opening quote */
	while (s->i < s->n) {
		unsigned char c = (unsigned char)s->t[s->i];

		if (c == '"') {
			s->i++;
			return true;
		}
		if (c < 0x20) {
			s->what = "control character or line break inside a string (a missing closing quote?)";
			return false;
		}
		if (c == '\\') {
			s->i++;
			if (s->i >= s->n || !strchr("\"\\/bfnrtu", s->t[s->i])) {
				s->what = "invalid escape in a string (use \\\\ for a backslash)";
				return false;
			}
			if (s->t[s->i] == 'u') {
				for (int k = 1; k <= 4; k++)
					if (s->i + (size_t)k >= s->n || !isxdigit((unsigned char)s->t[s->i + (size_t)k])) {
						s->what = "\\u must be followed by four hex digits";
						return false;
					}
				s->i += 4;
			}
		}
		s->i++;
	}
	s->what = "string never closed with \"";
	return false;
}

static bool scan_number(struct scan *s)
{
	size_t start = s->i;

	if (s->t[s->i] == '-')
		s->i++;
	if (s->i < s->n && s->t[s->i] == '0')
		s->i++;
	else if (s->i < s->n && isdigit((unsigned char)s->t[s->i]))
		while (s->i < s->n && isdigit((unsigned char)s->t[s->i]))
			s->i++;
	else
		goto bad;
	if (s->i < s->n && s->t[s->i] == '.') {
		s->i++;
		if (s->i >= s->n || !isdigit((unsigned char)s->t[s->i]))
			goto bad;
		while (s->i < s->n && isdigit((unsigned char)s->t[s->i]))
			s->i++;
	}
	if (s->i < s->n && (s->t[s->i] == 'e' || s->t[s->i] == 'E')) {
		s->i++;
		if (s->i < s->n && (s->t[s->i] == '+' || s->t[s->i] == '-'))
			s->i++;
		if (s->i >= s->n || !isdigit((unsigned char)s->t[s->i]))
			goto bad;
		while (s->i < s->n && isdigit((unsigned char)s->t[s->i]))
			s->i++;
	}
	return true;
bad:
	s->i = start;
	s->what = "malformed number";
	return false;
}

static bool scan_container(struct scan *s, char close)
{
	bool obj = close == '}';

	if (++s->depth > 500) {
		s->what = "nested too deeply";
		return false;
	}
	s->i++;
	scan_ws(s);
	if (s->i < s->n && s->t[s->i] == close) {
		s->i++;
		s->depth--;
		return true;
	}
	for (;;) {
		scan_ws(s);
		if (obj) {
			if (s->i >= s->n || s->t[s->i] != '"') {
				s->what = s->i < s->n && s->t[s->i] == '}' ? "trailing comma before }"
					  : "expected a \"key\" in double quotes";
				return false;
			}
			if (!scan_string(s))
				return false;
			scan_ws(s);
			if (s->i >= s->n || s->t[s->i] != ':') {
				s->what = "expected ':' after the key";
				return false;
			}
			s->i++;
			scan_ws(s);
		} else if (s->i < s->n && s->t[s->i] == ']') {
			s->what = "trailing comma before ]";
			return false;
		}
		if (!scan_value(s))
			return false;
		scan_ws(s);
		if (s->i < s->n && s->t[s->i] == ',') {
			s->i++;
			continue;
		}
		if (s->i < s->n && s->t[s->i] == close) {
			s->i++;
			s->depth--;
			return true;
		}
		s->what = obj ? "expected ',' or '}' (a missing comma between members?)"
			      : "expected ',' or ']' (a missing comma between elements?)";
		return false;
	}
}

static bool scan_value(struct scan *s)
{
	static const char *const words[] = { "true", "false", "null" };

	scan_ws(s);
	if (s->i >= s->n) {
		s->what = "unexpected end of file (an unclosed {, [ or string?)";
		return false;
	}
	switch (s->t[s->i]) {
	case '{': return scan_container(s, '}');
	case '[': return scan_container(s, ']');
	case '"': return scan_string(s);
	default: break;
	}
	if (s->t[s->i] == '-' || isdigit((unsigned char)s->t[s->i]))
		return scan_number(s);
	for (size_t k = 0; k < 3; k++) {
		size_t wl = strlen(words[k]);

		if (s->n - s->i >= wl && memcmp(s->t + s->i, words[k], wl) == 0) {
			s->i += wl;
			return true;
		}
	}
	s->what = "expected a value (a string in double quotes, number, object, array, true, false or null)";
	return false;
}

/* Where and why text is not JSON; false if the scanner finds it valid. */
static bool json_error_at(const char *text, size_t len, size_t *off, const char **what)
{
	struct scan s = { text, len, 0, NULL, 0 };

	if (scan_value(&s)) {
		scan_ws(&s);
		if (s.i >= s.n)
			return false;
		s.what = "unexpected text after the end of the top-level value";
	}
	*off = s.i;
	*what = s.what;
	return true;
}

enum cutover_status sim_scenario_parse(const char *text, size_t len, const char *origin,
				       struct sim_scenario **out, struct cutover_err *err)
{
	struct sim_scenario *s = NULL;
	enum cutover_status st = CUTOVER_OK;
	const char *end = NULL, *what = NULL;
	const cJSON *it;
	char *buf = NULL;
	size_t off = 0;

	*out = NULL;
	if (memchr(text, '\0', len)) {
		st = cutover_errf(err, CUTOVER_EPARSE, "%s: contains a NUL byte; a scenario is UTF-8 JSON text", origin);
		goto out;
	}
	buf = malloc(len + 1);
	s = calloc(1, sizeof(*s));
	if (!buf || !s) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory", origin);
		goto out;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	if ((st = sim_json_blank_comments(buf, len, origin, err)))
		goto out;
	/* Strict JSON first, for exact positions (cJSON accepts some mistakes,
	 * such as leading zeros, and reports others far from where they are). */
	if (json_error_at(buf, len, &off, &what)) {
		int line, col;

		sim_json_position(buf, off, &line, &col);
		st = cutover_errf(err, CUTOVER_EPARSE, "%s:%d:%d: %s", origin, line, col, what);
		goto out;
	}
	s->root = cJSON_ParseWithOpts(buf, &end, 1);
	if (!s->root) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory while parsing", origin);
		goto out;
	}
	if (!cJSON_IsObject(s->root)) {
		st = cutover_errf(err, CUTOVER_EVALIDATE, "%s: the top level must be a JSON object {...}", origin);
		goto out;
	}
	cJSON_ArrayForEach(it, s->root) {
		size_t i;

		for (i = 0; i < NKEYS(top_keys); i++)
			if (strcmp(it->string, top_keys[i]) == 0)
				break;
		if (i == NKEYS(top_keys)) {
			st = cutover_errf(err, CUTOVER_EVALIDATE,
					  "%s: unknown top-level key \"%s\"; known keys are name, region, account, start_epoch, credentials, parameters, health, faults, state_machines, executions, metrics, alarms (docs/sim.md)",
					  origin, it->string);
			goto out;
		}
	}
	if ((st = load_identity(s, origin, err)) || (st = load_credentials(s, origin, err)) ||
	    (st = load_health(s, origin, err)) || (st = load_faults(s, origin, err)))
		goto out;
out:
	free(buf);
	if (st) {
		sim_scenario_destroy(s);
		return st;
	}
	*out = s;
	return CUTOVER_OK;
}

enum cutover_status sim_scenario_load(const char *path, struct sim_scenario **out,
				      struct cutover_err *err)
{
	enum cutover_status st;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	*out = NULL;
	/* The scenario file, read whole: it is small and parsed in one go. */
	f = fopen(path, "rb");
	if (!f)
		return cutover_errf(err, CUTOVER_EIO, "cannot open scenario %s: %s", path, strerror(errno));
	text = malloc(MAX_SCENARIO_BYTES + 1);
	if (!text) {
		fclose(f);
		return cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory", path);
	}
	len = fread(text, 1, MAX_SCENARIO_BYTES + 1, f);
	if (ferror(f)) {
		st = cutover_errf(err, CUTOVER_EIO, "cannot read scenario %s: %s", path, strerror(errno));
		goto out;
	}
	if (len > MAX_SCENARIO_BYTES) {
		st = cutover_errf(err, CUTOVER_EVALIDATE, "scenario %s is larger than %u MiB; split it",
				  path, MAX_SCENARIO_BYTES >> 20);
		goto out;
	}
	st = sim_scenario_parse(text, len, path, out, err);
out:
	fclose(f);
	free(text);
	return st;
}

const struct sim_credential *sim_scenario_credential(const struct sim_scenario *s,
						     const char *access_key_id)
{
	for (size_t i = 0; i < s->ncreds; i++)
		if (strcmp(s->creds[i].access_key_id, access_key_id) == 0)
			return &s->creds[i];
	return NULL;
}

void sim_scenario_destroy(struct sim_scenario *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ncreds; i++) {
		free(s->creds[i].access_key_id);
		free(s->creds[i].secret_access_key);
		free(s->creds[i].session_token);
		free(s->creds[i].arn);
		free(s->creds[i].user_id);
	}
	free(s->creds);
	for (size_t i = 0; i < s->nhealth; i++) {
		free(s->health[i].path);
		free(s->health[i].body);
		free(s->health[i].incidents);
	}
	free(s->health);
	for (size_t i = 0; i < s->nfaults; i++)
		free(s->faults[i].message);
	free(s->faults);
	free(s->name);
	cJSON_Delete(s->root);
	free(s);
}
