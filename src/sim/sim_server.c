/* sim_server.c: the rehearsal endpoint's HTTP layer (sim_server.h).
 *
 * libmicrohttpd runs the sockets (a thread per connection, so an injected
 * latency sleeps only its own connection).  Each request goes through one
 * pipeline, sim_server_dispatch(): route by method, path, X-Amz-Target or
 * Query Action; verify SigV4; roll the scenario's faults; then call one
 * service model under the one mutex.  Randomness (faults, request ids) is
 * keyed on the seed and a request counter, so the same request sequence
 * gives the same answers. */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "cutover/strbuf.h"
#include "sim/sim_server.h"
#include "sim/sim_service.h"
#include "sim/sim_ssm.h"

#include "sim/sim_cw.h"
#include "sim/sim_sfn.h"

#define CT_JSON10 "application/x-amz-json-1.0"
#define CT_JSON11 "application/x-amz-json-1.1"
#define CT_XML "text/xml"
#define MAX_HEADERS 128
#define MAX_QUERY 64

enum proto { PROTO_JSON, PROTO_QUERY };

enum svc { SVC_SSM, SVC_SFN, SVC_CW, SVC_STS };

static const struct {
	const char *signing_name;
	const char *content_type;
	const char *xmlns;
	unsigned bit;
} svcs[] = {
	[SVC_SSM] = { "ssm", CT_JSON11, NULL, SIM_SVC_SSM },
	[SVC_SFN] = { "states", CT_JSON10, NULL, SIM_SVC_SFN },
	[SVC_CW] = { "monitoring", CT_JSON10, "http://monitoring.amazonaws.com/doc/2010-08-01/", SIM_SVC_CW },
	[SVC_STS] = { "sts", NULL, "https://sts.amazonaws.com/doc/2011-06-15/", SIM_SVC_STS },
};

struct sim_server {
	struct sim_scenario *sc;
	struct sim_server_options opt;
	char listen[64];
	struct MHD_Daemon *daemon;
	unsigned port;

	pthread_mutex_t mu;              /* guards everything below */
	uint64_t counter;                /* requests seen; keys request ids and faults */
	struct timespec mono_start;
	double t0;                       /* sim clock epoch at scenario time 0 */
	struct sim_ssm *ssm;
	struct sim_sfn *sfn;
	struct sim_cw *cw;
	struct sim_hooks hooks;
	char reaction_user[160];
};

/* --- clock ---------------------------------------------------------------- */

static double mono_seconds(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - since->tv_sec) + (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

/* Epoch seconds on the scenario clock; call with mu held. */
static double sim_now(struct sim_server *s)
{
	double t = s->t0 + mono_seconds(&s->mono_start) * s->opt.speed;

	return floor(t * 1000.0) / 1000.0;    /* AWS timestamps carry milliseconds */
}

double sim_server_now(struct sim_server *s)
{
	double t;

	pthread_mutex_lock(&s->mu);
	t = sim_now(s);
	pthread_mutex_unlock(&s->mu);
	return t;
}

/* --- hooks between the models --------------------------------------------- */

static void hook_set_parameter(void *ctx, const char *name, const char *value, double now)
{
	struct sim_server *s = ctx;

	sim_ssm_set(s->ssm, name, value, s->reaction_user, now);
}

static const char *hook_get_parameter(void *ctx, const char *name)
{
	struct sim_server *s = ctx;

	return sim_ssm_get(s->ssm, name);
}

static void on_parameter_changed(void *ctx, const char *name, const char *value, double now)
{
	struct sim_server *s = ctx;

	sim_cw_parameter_changed(s->cw, name, value, now);
}

/* --- replies ------------------------------------------------------------- */

static void set_str(char *dst, size_t dstsz, const char *src)
{
	snprintf(dst, dstsz, "%s", src ? src : "");
}

static void set_body(struct sim_http_response *r, char *body)
{
	free(r->body);
	r->body = body;
	r->body_len = body ? strlen(body) : 0;
}

static void json_error(struct sim_http_response *r, int status, const char *ct, const char *type,
		       const char *message)
{
	struct sim_reply rep = { 0 };

	sim_reply_json_error(&rep, status, ct ? ct : CT_JSON11, type, message);
	r->status = rep.http_status;
	set_str(r->content_type, sizeof(r->content_type), rep.content_type);
	set_body(r, rep.body);
}

static enum cutover_status xml_escape(struct strbuf *sb, const char *s)
{
	enum cutover_status st = CUTOVER_OK;

	for (; *s && !st; s++) {
		switch (*s) {
		case '<': st = strbuf_puts(sb, "&lt;"); break;
		case '>': st = strbuf_puts(sb, "&gt;"); break;
		case '&': st = strbuf_puts(sb, "&amp;"); break;
		case '"': st = strbuf_puts(sb, "&quot;"); break;
		case '\'': st = strbuf_puts(sb, "&apos;"); break;
		default: st = strbuf_append(sb, s, 1); break;
		}
	}
	return st;
}

/* The Query protocol's error: <ErrorResponse><Error><Type>..<Code>.. */
static void query_error(struct sim_http_response *r, enum svc svc, int status, const char *code,
			const char *message)
{
	struct strbuf sb = STRBUF_INIT;
	bool sender = status < 500;

	if (strbuf_printf(&sb, "<ErrorResponse xmlns=\"%s\">\n  <Error>\n    <Type>%s</Type>\n    <Code>%s</Code>\n    <Message>",
			  svcs[svc].xmlns, sender ? "Sender" : "Receiver", code) ||
	    xml_escape(&sb, message) ||
	    strbuf_printf(&sb, "</Message>\n  </Error>\n  <RequestId>%s</RequestId>\n</ErrorResponse>\n",
			  r->request_id)) {
		strbuf_free(&sb);
		r->status = 500;
		return;
	}
	r->status = status;
	set_str(r->content_type, sizeof(r->content_type), CT_XML);
	set_body(r, strbuf_take(&sb));
}

/* An error in whichever protocol the caller speaks.  json_type is the JSON
 * __type, query_code the Query-era code (also x-amzn-query-error for
 * CloudWatch JSON). */
static void proto_error(struct sim_http_response *r, enum proto proto, enum svc svc, int status,
			const char *json_type, const char *query_code, const char *message)
{
	if (proto == PROTO_QUERY) {
		query_error(r, svc, status, query_code, message);
		return;
	}
	json_error(r, status, svcs[svc].content_type, json_type, message);
	if (svc == SVC_CW)
		snprintf(r->query_error, sizeof(r->query_error), "%s;%s", query_code,
			 status < 500 ? "Sender" : "Receiver");
}

static void request_id(uint64_t seed, uint64_t n, char out[40])
{
	uint64_t a = sim_rand_hash(seed, "request-id", (int64_t)n);
	uint64_t b = sim_rand_hash(seed ^ 0x5a5a5a5a5a5a5a5aULL, "request-id", (int64_t)n);

	snprintf(out, 40, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
		 (unsigned)a & 0xfff, (unsigned)((b >> 48) & 0x3fff) | 0x8000,
		 (unsigned long long)(b & 0xffffffffffffULL));
}

/* --- request helpers ------------------------------------------------------ */

static const char *req_header(const struct sim_http_request *req, const char *name)
{
	for (size_t i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].key, name) == 0)
			return req->headers[i].value;
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The decoded value of key in an x-www-form-urlencoded body; a heap string
 * or NULL when absent. */
static char *form_value(const char *form, size_t len, const char *key)
{
	size_t klen = strlen(key), i = 0;

	while (i < len) {
		size_t end = i;

		while (end < len && form[end] != '&')
			end++;
		if (end - i > klen && memcmp(form + i, key, klen) == 0 && form[i + klen] == '=') {
			const char *v = form + i + klen + 1;
			size_t vlen = end - (i + klen + 1), o = 0;
			char *out = malloc(vlen + 1);

			if (!out)
				return NULL;
			for (size_t k = 0; k < vlen; k++) {
				if (v[k] == '+') {
					out[o++] = ' ';
				} else if (v[k] == '%' && k + 2 < vlen && hexval(v[k + 1]) >= 0 &&
					   hexval(v[k + 2]) >= 0) {
					out[o++] = (char)(hexval(v[k + 1]) * 16 + hexval(v[k + 2]));
					k += 2;
				} else {
					out[o++] = v[k];
				}
			}
			out[o] = '\0';
			return out;
		}
		i = end + 1;
	}
	return NULL;
}

/* --- faults --------------------------------------------------------------- */

struct fault_roll {
	double throttle, error5xx, drop;
	int lat_min, lat_max;
	const char *message; /* the first active window's message, or NULL */
};

static void active_faults(const struct sim_scenario *sc, double elapsed, unsigned svc_bit,
			  struct fault_roll *f)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < sc->nfaults; i++) {
		const struct sim_fault *w = &sc->faults[i];

		if (!(w->services & svc_bit) || elapsed < w->from_s || (w->to_s >= 0 && elapsed >= w->to_s))
			continue;
		f->throttle = fmax(f->throttle, w->throttle_rate);
		f->error5xx = fmax(f->error5xx, w->error5xx_rate);
		f->drop = fmax(f->drop, w->drop_rate);
		if (!f->message)
			f->message = w->message;
		if (w->latency_max_ms > f->lat_max) {
			f->lat_min = w->latency_min_ms;
			f->lat_max = w->latency_max_ms;
		}
	}
}

enum fault_kind { FAULT_NONE, FAULT_DROP, FAULT_THROTTLE, FAULT_500, FAULT_503 };

static enum fault_kind roll_fault(uint64_t seed, uint64_t n, const struct fault_roll *f, int *delay_ms)
{
	double u = sim_rand_unit(seed, "fault", (int64_t)n);

	*delay_ms = 0;
	if (f->lat_max > 0)
		*delay_ms = f->lat_min + (int)(sim_rand_unit(seed, "latency", (int64_t)n) *
					       (f->lat_max - f->lat_min + 1));
	if (u < f->drop)
		return FAULT_DROP;
	u -= f->drop;
	if (u < f->throttle)
		return FAULT_THROTTLE;
	u -= f->throttle;
	if (u < f->error5xx)
		return sim_rand_unit(seed, "5xx", (int64_t)n) < 0.5 ? FAULT_500 : FAULT_503;
	return FAULT_NONE;
}

static void fault_reply(struct sim_http_response *r, enum proto proto, enum svc svc, enum fault_kind k,
			const char *message)
{
	switch (k) {
	case FAULT_THROTTLE:
		if (svc == SVC_CW || proto == PROTO_QUERY)
			proto_error(r, proto, svc, 400, "ThrottlingException", "Throttling",
				    message ? message : "Rate exceeded");
		else
			proto_error(r, proto, svc, 400, svc == SVC_SFN ? "com.amazon.coral.availability#ThrottlingException" : "ThrottlingException",
				    "Throttling", message ? message : "Rate exceeded");
		break;
	case FAULT_500:
		proto_error(r, proto, svc, 500, "InternalFailure", "InternalFailure",
			    message ? message
				    : "The request processing has failed because of an unknown error, exception or failure.");
		break;
	case FAULT_503:
		proto_error(r, proto, svc, 503, "ServiceUnavailable", "ServiceUnavailable",
			    message ? message : "The request has failed due to a temporary failure of the server.");
		break;
	default:
		break;
	}
}

/* --- health endpoints ----------------------------------------------------- */

static const struct sim_health *find_health(const struct sim_scenario *sc, const char *path)
{
	for (size_t i = 0; i < sc->nhealth; i++)
		if (strcmp(sc->health[i].path, path) == 0)
			return &sc->health[i];
	return NULL;
}

static void serve_health(struct sim_server *s, const struct sim_health *h, double elapsed,
			 uint64_t n, struct sim_http_response *r)
{
	int status = h->status, latency = h->latency_ms, delay;
	struct fault_roll f;
	enum fault_kind k;
	char buf[256];

	for (size_t i = 0; i < h->nincidents; i++) {
		const struct sim_health_incident *in = &h->incidents[i];

		if (elapsed >= in->at_s && elapsed < in->at_s + in->for_s) {
			if (in->status > 0)
				status = in->status;
			if (in->latency_ms >= 0)
				latency = in->latency_ms;
		}
	}
	active_faults(s->sc, elapsed, SIM_SVC_HEALTH, &f);
	k = roll_fault(s->opt.seed, n, &f, &delay);
	r->delay_ms = latency + delay;
	if (k == FAULT_DROP) {
		r->drop = true;
		return;
	}
	if (k == FAULT_500 || k == FAULT_503)
		status = k == FAULT_500 ? 500 : 503;
	else if (k == FAULT_THROTTLE)
		status = 429;
	r->status = status;
	if (k != FAULT_NONE && f.message) {
		set_str(r->content_type, sizeof(r->content_type), "text/plain");
		set_body(r, strdup(f.message));
		return;
	}
	if (h->body && k == FAULT_NONE) {
		set_str(r->content_type, sizeof(r->content_type), "text/plain");
		set_body(r, strdup(h->body));
		return;
	}
	set_str(r->content_type, sizeof(r->content_type), "application/json");
	snprintf(buf, sizeof(buf), "{\"status\":\"%s\",\"code\":%d,\"latency_ms\":%d}\n",
		 status < 400 ? "ok" : "unhealthy", status, latency);
	set_body(r, strdup(buf));
}

/* --- STS ------------------------------------------------------------------ */

static void serve_sts(struct sim_server *s, const struct sim_credential *c, bool json,
		      struct sim_http_response *r)
{
	struct strbuf sb = STRBUF_INIT;
	char account[16];
	const char *p = c->arn;

	/* arn:aws:iam::ACCOUNT:user/x: the account is the fifth field. */
	snprintf(account, sizeof(account), "%s", s->sc->account);
	for (int i = 0; i < 4 && p; i++)
		p = strchr(p + (i > 0), ':');
	if (p && strlen(p + 1) >= 12 && p[13] == ':') {
		memcpy(account, p + 1, 12);
		account[12] = '\0';
	}
	if (json) {
		cJSON *o = cJSON_CreateObject(), *resp, *res, *md;
		char *txt;

		resp = cJSON_AddObjectToObject(o, "GetCallerIdentityResponse");
		res = cJSON_AddObjectToObject(resp, "GetCallerIdentityResult");
		cJSON_AddStringToObject(res, "Account", account);
		cJSON_AddStringToObject(res, "Arn", c->arn);
		cJSON_AddStringToObject(res, "UserId", c->user_id);
		md = cJSON_AddObjectToObject(resp, "ResponseMetadata");
		cJSON_AddStringToObject(md, "RequestId", r->request_id);
		txt = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		r->status = txt ? 200 : 500;
		set_str(r->content_type, sizeof(r->content_type), "application/json");
		set_body(r, txt);
		return;
	}
	if (strbuf_printf(&sb, "<GetCallerIdentityResponse xmlns=\"%s\">\n  <GetCallerIdentityResult>\n    <Arn>",
			  svcs[SVC_STS].xmlns) ||
	    xml_escape(&sb, c->arn) || strbuf_puts(&sb, "</Arn>\n    <UserId>") ||
	    xml_escape(&sb, c->user_id) ||
	    strbuf_printf(&sb, "</UserId>\n    <Account>%s</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n",
			  account, r->request_id)) {
		strbuf_free(&sb);
		r->status = 500;
		return;
	}
	r->status = 200;
	set_str(r->content_type, sizeof(r->content_type), CT_XML);
	set_body(r, strbuf_take(&sb));
}

/* --- the pipeline ---------------------------------------------------------- */

static void auth_error(struct sim_http_response *r, enum proto proto, enum svc svc,
		       enum sim_auth a, const char *msg)
{
	switch (a) {
	case SIM_AUTH_MISSING:
		proto_error(r, proto, svc, proto == PROTO_QUERY ? 403 : 400,
			    "MissingAuthenticationTokenException", "MissingAuthenticationToken",
			    "Request is missing Authentication Token");
		break;
	case SIM_AUTH_INCOMPLETE:
		proto_error(r, proto, svc, 400, "IncompleteSignatureException", "IncompleteSignature", msg);
		break;
	case SIM_AUTH_UNKNOWN_KEY:
		proto_error(r, proto, svc, proto == PROTO_QUERY ? 403 : 400,
			    "UnrecognizedClientException", "InvalidClientTokenId", msg);
		break;
	default:
		proto_error(r, proto, svc, proto == PROTO_QUERY ? 403 : 400,
			    "InvalidSignatureException", "SignatureDoesNotMatch", msg);
		break;
	}
}

static void from_reply(struct sim_http_response *r, struct sim_reply *rep)
{
	r->status = rep->http_status ? rep->http_status : 500;
	set_str(r->content_type, sizeof(r->content_type), rep->content_type);
	set_str(r->query_error, sizeof(r->query_error), rep->query_error);
	free(r->body);
	r->body = rep->body;
	r->body_len = rep->body ? rep->body_len : 0;
	rep->body = NULL;
}

static void dispatch(struct sim_server *s, const struct sim_http_request *req,
		     struct sim_http_response *r)
{
	const char *target = req_header(req, "x-amz-target");
	const char *ctype = req_header(req, "content-type");
	const struct sim_credential *cred = NULL;
	const struct sim_health *health;
	char msg[2048], op[128], *action = NULL, *version = NULL;
	enum proto proto = PROTO_JSON;
	enum svc svc = SVC_SSM;
	struct sim_reply rep = { 0 };
	struct fault_roll f;
	enum fault_kind k;
	double now, elapsed;
	uint64_t n;
	int delay;

	pthread_mutex_lock(&s->mu);
	n = ++s->counter;
	now = sim_now(s);
	pthread_mutex_unlock(&s->mu);
	elapsed = now - s->t0;
	request_id(s->opt.seed, n, r->request_id);

	health = find_health(s->sc, req->path);
	if (health && (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0)) {
		serve_health(s, health, elapsed, n, r);
		return;
	}
	if (strcmp(req->path, "/") != 0) {
		snprintf(msg, sizeof(msg), "%s %.200s: no such resource. The AWS APIs are POST /; health endpoints are GET of the scenario's health paths.",
			 req->method, req->path);
		json_error(r, 404, CT_JSON11, "UnknownOperationException", msg);
		return;
	}
	if (strcmp(req->method, "POST") != 0) {
		snprintf(msg, sizeof(msg), "%s / is not an AWS API call: send POST / with X-Amz-Target (JSON protocols) or a form body with Action= (Query protocol).",
			 req->method);
		json_error(r, 405, CT_JSON11, "UnknownOperationException", msg);
		r->allow_post = true;
		return;
	}
	if (req->body_too_big) {
		snprintf(msg, sizeof(msg), "The request body is larger than this endpoint's %zu byte cap.",
			 s->opt.max_body);
		json_error(r, 413, CT_JSON11, "RequestEntityTooLargeException", msg);
		return;
	}

	/* Route. */
	if (target) {
		const char *dot = strchr(target, '.');
		size_t plen = dot ? (size_t)(dot - target) : 0;

		if (dot && plen == 16 && strncmp(target, "AWSStepFunctions", plen) == 0)
			svc = SVC_SFN;
		else if (dot && plen == 9 && strncmp(target, "AmazonSSM", plen) == 0)
			svc = SVC_SSM;
		else if (dot && plen == 29 && strncmp(target, "GraniteServiceVersion20100801", plen) == 0)
			svc = SVC_CW;
		else {
			snprintf(msg, sizeof(msg), "X-Amz-Target '%.100s' names no service this endpoint serves (AWSStepFunctions.*, AmazonSSM.*, GraniteServiceVersion20100801.*).",
				 target);
			json_error(r, 400, CT_JSON11, "UnknownOperationException", msg);
			return;
		}
		snprintf(op, sizeof(op), "%s", dot + 1);
		if (!op[0] || strlen(dot + 1) >= sizeof(op)) {
			json_error(r, 400, svcs[svc].content_type, "UnknownOperationException",
				   "X-Amz-Target has no operation after the service prefix.");
			return;
		}
		if (!ctype || strncasecmp(ctype, "application/x-amz-json-1.", 25) != 0) {
			proto_error(r, proto, svc, 400, "SerializationException", "MalformedInput",
				    "Content-Type must be application/x-amz-json-1.0 or 1.1 for an X-Amz-Target call.");
			return;
		}
	} else if (ctype && strncasecmp(ctype, "application/x-www-form-urlencoded", 33) == 0) {
		proto = PROTO_QUERY;
		action = form_value(req->body, req->body_len, "Action");
		version = form_value(req->body, req->body_len, "Version");
		if (action && strcmp(action, "GetCallerIdentity") == 0) {
			svc = SVC_STS;
		} else if (action && version && strcmp(version, "2010-08-01") == 0 &&
			   (strcmp(action, "GetMetricData") == 0 || strcmp(action, "DescribeAlarms") == 0)) {
			svc = SVC_CW;
		} else {
			svc = version && strcmp(version, "2010-08-01") == 0 ? SVC_CW : SVC_STS;
			if (!action)
				query_error(r, svc, 400, "MissingAction", "Could not find operation: the form body has no Action=.");
			else {
				snprintf(msg, sizeof(msg), "Could not find operation %.100s for version %.40s (this endpoint serves STS GetCallerIdentity and CloudWatch GetMetricData/DescribeAlarms with Version=2010-08-01).",
					 action, version ? version : "(none)");
				query_error(r, svc, 400, "InvalidAction", msg);
			}
			goto out;
		}
	} else {
		json_error(r, 400, CT_JSON11, "UnknownOperationException",
			   "Missing X-Amz-Target header: a JSON API call needs X-Amz-Target: Service.Operation and Content-Type: application/x-amz-json-1.x; a Query call needs a form body with Action=.");
		return;
	}

	/* Authenticate. */
	if (!s->opt.no_auth) {
		struct sim_sigv4_request sr = {
			.method = req->method, .path = req->path, .query = req->query,
			.nquery = req->nquery, .headers = req->headers, .nheaders = req->nheaders,
			.body = req->body, .body_len = req->body_len,
		};
		enum sim_auth a = sim_sigv4_verify(s->sc, svcs[svc].signing_name, &sr, time(NULL),
						   &cred, msg, sizeof(msg));

		if (a != SIM_AUTH_OK) {
			auth_error(r, proto, svc, a, msg);
			goto out;
		}
	} else {
		/* Unchecked: still answer as the key the caller named, if known. */
		const char *auth = req_header(req, "authorization"), *p;
		char akid[128] = "";

		if (auth && (p = strstr(auth, "Credential=")) != NULL)
			sscanf(p + 11, "%127[^/]", akid);
		cred = sim_scenario_credential(s->sc, akid);
		if (!cred)
			cred = &s->sc->creds[0];
	}

	/* The body must be JSON for the JSON protocols. */
	if (proto == PROTO_JSON && req->body_len > 0) {
		cJSON *j = cJSON_ParseWithLength(req->body, req->body_len);
		bool obj = cJSON_IsObject(j);

		cJSON_Delete(j);
		if (!obj) {
			proto_error(r, proto, svc, 400, "SerializationException", "MalformedInput",
				    "The request body is not a JSON object; send {} for an empty input.");
			goto out;
		}
	}

	/* Faults. */
	active_faults(s->sc, elapsed, svcs[svc].bit, &f);
	k = roll_fault(s->opt.seed, n, &f, &delay);
	r->delay_ms = delay;
	if (k == FAULT_DROP) {
		r->drop = true;
		goto out;
	}
	if (k != FAULT_NONE) {
		fault_reply(r, proto, svc, k, f.message);
		goto out;
	}

	/* The model. */
	pthread_mutex_lock(&s->mu);
	now = sim_now(s);
	sim_sfn_advance(s->sfn, now);
	switch (svc) {
	case SVC_SSM:
		sim_ssm_handle(s->ssm, op, req->body, req->body_len, cred->arn, now, &rep);
		from_reply(r, &rep);
		break;
	case SVC_SFN:
		sim_sfn_handle(s->sfn, op, req->body, req->body_len, now, &rep);
		from_reply(r, &rep);
		break;
	case SVC_CW:
		if (proto == PROTO_QUERY)
			sim_cw_handle_query(s->cw, req->body, req->body_len, now, &rep);
		else
			sim_cw_handle(s->cw, op, req->body, req->body_len, now, &rep);
		from_reply(r, &rep);
		break;
	case SVC_STS: {
		const char *accept = req_header(req, "accept");

		serve_sts(s, cred, accept && strstr(accept, "application/json"), r);
		break;
	}
	}
	pthread_mutex_unlock(&s->mu);
	free(rep.body);
out:
	free(action);
	free(version);
}

void sim_server_dispatch(struct sim_server *s, const struct sim_http_request *req,
			 struct sim_http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	dispatch(s, req, resp);
	if (!resp->status)
		resp->status = 500;
}

/* --- libmicrohttpd glue ----------------------------------------------------- */

struct conn_ctx {
	struct strbuf body;
	bool too_big;
	struct sim_kv headers[MAX_HEADERS];
	size_t nheaders;
	struct sim_kv query[MAX_QUERY];
	size_t nquery;
	bool too_many;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
				      const char *value)
{
	struct conn_ctx *c = cls;

	(void)kind;
	if (c->nheaders == MAX_HEADERS) {
		c->too_many = true;
		return MHD_NO;
	}
	c->headers[c->nheaders].key = key;
	c->headers[c->nheaders++].value = value ? value : "";
	return MHD_YES;
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	struct conn_ctx *c = cls;

	(void)kind;
	if (c->nquery == MAX_QUERY) {
		c->too_many = true;
		return MHD_NO;
	}
	c->query[c->nquery].key = key;
	c->query[c->nquery++].value = value;
	return MHD_YES;
}

static enum MHD_Result send_response(struct MHD_Connection *conn, struct sim_http_response *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (r->body)
		resp = MHD_create_response_from_buffer(r->body_len, r->body, MHD_RESPMEM_MUST_FREE);
	else
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(r->body);
		return MHD_NO;
	}
	r->body = NULL;
	MHD_add_response_header(resp, "x-amzn-RequestId", r->request_id);
	if (r->content_type[0])
		MHD_add_response_header(resp, "Content-Type", r->content_type);
	if (r->query_error[0])
		MHD_add_response_header(resp, "x-amzn-query-error", r->query_error);
	if (r->allow_post)
		MHD_add_response_header(resp, "Allow", "POST");
	ret = MHD_queue_response(conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (ms > 0 && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct sim_server *s = cls;
	struct conn_ctx *c = *con_cls;
	struct sim_http_response r;
	struct sim_http_request req;

	(void)version;
	if (!c) {
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");

		c = calloc(1, sizeof(*c));
		if (!c)
			return MHD_NO;
		*con_cls = c;
		/* A declared oversize body is refused before it is read (and
		 * before any 100 Continue). */
		if (cl) {
			char *end;
			unsigned long long v = strtoull(cl, &end, 10);

			if (*end == '\0' && v > s->opt.max_body)
				c->too_big = true;
		}
		if (!c->too_big)
			return MHD_YES;
	} else if (*upload_data_size > 0) {
		if (!c->too_big && c->body.len + *upload_data_size > s->opt.max_body) {
			c->too_big = true;
			strbuf_free(&c->body);
		}
		if (!c->too_big && strbuf_append(&c->body, upload_data, *upload_data_size))
			return MHD_NO;
		*upload_data_size = 0;
		return MHD_YES;
	}
	MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, c);
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, c);
	req = (struct sim_http_request){
		.method = method, .path = url, .query = c->query, .nquery = c->nquery,
		.headers = c->headers, .nheaders = c->nheaders,
		.body = c->body.data ? c->body.data : "", .body_len = c->body.len,
		.body_too_big = c->too_big,
	};
	if (c->too_many) {
		memset(&r, 0, sizeof(r));
		request_id(s->opt.seed, 0, r.request_id);
		json_error(&r, 400, CT_JSON11, "SerializationException",
			   "Too many headers or query parameters.");
	} else {
		sim_server_dispatch(s, &req, &r);
	}
	if (r.delay_ms > 0)
		sleep_ms(r.delay_ms);
	if (r.drop) {
		free(r.body);
		return MHD_NO;    /* libmicrohttpd closes the connection unanswered */
	}
	return send_response(conn, &r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct conn_ctx *c = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (c) {
		strbuf_free(&c->body);
		free(c);
		*con_cls = NULL;
	}
}

/* --- lifecycle ------------------------------------------------------------- */

enum cutover_status sim_server_create(const char *scenario_path,
				      const struct sim_server_options *opt,
				      struct sim_server **out, struct cutover_err *err)
{
	struct sim_server *s;
	enum cutover_status st;
	struct timespec wall;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return cutover_errf(err, CUTOVER_ENOMEM, "sim: out of memory");
	if (pthread_mutex_init(&s->mu, NULL) != 0) {
		free(s);
		return cutover_errf(err, CUTOVER_ENOMEM, "sim: cannot create a mutex");
	}
	s->opt = *opt;
	if (!(s->opt.speed > 0))
		s->opt.speed = 1.0;
	if (!s->opt.max_body)
		s->opt.max_body = SIM_DEFAULT_MAX_BODY;
	snprintf(s->listen, sizeof(s->listen), "%s", opt->listen ? opt->listen : "127.0.0.1");
	s->opt.listen = s->listen;
	if ((st = sim_scenario_load(scenario_path, &s->sc, err)))
		goto out;
	clock_gettime(CLOCK_REALTIME, &wall);
	clock_gettime(CLOCK_MONOTONIC, &s->mono_start);
	s->t0 = s->sc->has_start_epoch ? s->sc->start_epoch : (double)wall.tv_sec;
	snprintf(s->reaction_user, sizeof(s->reaction_user),
		 "arn:aws:sts::%s:assumed-role/cutover-sim-scenario/reaction", s->sc->account);
	s->hooks = (struct sim_hooks){ s, hook_set_parameter, hook_get_parameter };
	if ((st = sim_ssm_create(s->sc->root, s->opt.seed, s->t0, s->sc->region, s->sc->account,
				 &s->ssm, err)))
		goto prefixed;
	sim_ssm_set_observer(s->ssm, on_parameter_changed, s);
	if ((st = sim_sfn_create(s->sc->root, s->opt.seed, s->t0, &s->hooks, &s->sfn, err)))
		goto prefixed;
	if ((st = sim_cw_create(s->sc->root, s->opt.seed, s->t0, &s->hooks, &s->cw, err)))
		goto prefixed;
	goto out;
prefixed:
	{
		char tmp[sizeof(err->msg)];

		if (err) {
			snprintf(tmp, sizeof(tmp), "%s", err->msg);
			cutover_errf(err, st, "%s: %s", scenario_path, tmp);
		}
	}
out:
	if (st) {
		sim_server_destroy(s);
		return st;
	}
	*out = s;
	return CUTOVER_OK;
}

enum cutover_status sim_server_start(struct sim_server *s, struct cutover_err *err)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
	const union MHD_DaemonInfo *info;

	if (s->daemon)
		return cutover_errf(err, CUTOVER_EINVAL, "sim: already serving on port %u", s->port);
	if (s->opt.port > 65535)
		return cutover_errf(err, CUTOVER_EINVAL, "sim: port %u is not a TCP port (0..65535)", s->opt.port);
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, s->listen, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)s->opt.port);
	} else if (inet_pton(AF_INET6, s->listen, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)s->opt.port);
		flags |= MHD_USE_IPv6;
	} else {
		return cutover_errf(err, CUTOVER_EINVAL,
				    "sim: --listen %s is not an IP address; give one such as 127.0.0.1", s->listen);
	}
	pthread_mutex_lock(&s->mu);
	clock_gettime(CLOCK_MONOTONIC, &s->mono_start);
	pthread_mutex_unlock(&s->mu);
	s->daemon = MHD_start_daemon(flags, (uint16_t)s->opt.port, NULL, NULL, on_request, s,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				     MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
				     MHD_OPTION_END);
	if (!s->daemon)
		return cutover_errf(err, CUTOVER_EIO,
				    "sim: cannot listen on %s port %u (in use, or not an address of this machine); try --port 0",
				    s->listen, s->opt.port);
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : s->opt.port;
	return CUTOVER_OK;
}

unsigned sim_server_port(const struct sim_server *s)
{
	return s->port;
}

const char *sim_server_listen_address(const struct sim_server *s)
{
	return s->listen;
}

const struct sim_scenario *sim_server_scenario(const struct sim_server *s)
{
	return s->sc;
}

void sim_server_stop(struct sim_server *s)
{
	if (s && s->daemon) {
		MHD_stop_daemon(s->daemon);
		s->daemon = NULL;
	}
}

void sim_server_destroy(struct sim_server *s)
{
	if (!s)
		return;
	sim_server_stop(s);
	sim_sfn_destroy(s->sfn);
	sim_cw_destroy(s->cw);
	sim_ssm_destroy(s->ssm);
	sim_scenario_destroy(s->sc);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
