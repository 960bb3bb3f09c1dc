/* aws_client.c: signed calls with retries over one reused curl handle.
 *
 * Signing is libcurl's CURLOPT_AWS_SIGV4; everything around it follows the
 * rules AWS-WIRE.md 1.4 worked out for Debian's libcurl 7.88.1: all four
 * fields of the sigv4 string, only real-valued headers we set ourselves, the
 * body through POSTFIELDS + POSTFIELDSIZE, curl_easy_reset before every
 * request (it keeps the connection cache, so connections are still reused),
 * and no request at all without an access key.  Retries follow the SDKs'
 * standard mode (AWS-WIRE.md 4.1): 3 attempts, full-jitter exponential
 * backoff, a 500-token retry budget. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "aws_call.h"
#include "cutover/aws_client.h"

#define QUOTA_MAX 500
#define QUOTA_RETRY_COST 5
#define QUOTA_TIMEOUT_COST 10
#define ABORT_SLICE_MS 20
/* how often a transfer wakes to check the abort hook when nothing happens */
#define ABORT_POLL_MS 50

struct aws_client {
	/* The easy handle runs inside a private multi handle (which owns the
	 * connection cache) so that the abort hook is polled every 50 ms even
	 * when the server is silent; curl_easy_perform would wait up to 1 s. */
	CURLM *multi;
	CURL *h;
	char *region;
	char *endpoints[AWS_SVC_COUNT];
	aws_credentials_fn creds;
	void *creds_ctx;
	long connect_timeout_ms, timeout_ms;
	size_t max_response;
	int max_attempts;
	long base_ms, cap_ms;
	unsigned long long rng;
	char *ca_file;
	int quota;
	int (*should_abort)(void *ctx);
	void *abort_ctx;
	char errbuf[CURL_ERROR_SIZE];
};

/* The wire protocol of each service (AWS-WIRE.md 2.1-2.3, 2.6). */
struct protocol {
	const char *target_prefix;  /* NULL: Query protocol */
	const char *content_type;
	int query_mode;             /* CloudWatch JSON: x-amzn-query-mode: true */
	const char *display;
	const char *iam_prefix;
};

static const struct protocol protocols[AWS_SVC_COUNT] = {
	[AWS_SVC_SFN] = { "AWSStepFunctions", "application/x-amz-json-1.0", 0,
			  "Step Functions", "states" },
	[AWS_SVC_SSM] = { "AmazonSSM", "application/x-amz-json-1.1", 0, "SSM", "ssm" },
	[AWS_SVC_CLOUDWATCH] = { "GraniteServiceVersion20100801", "application/x-amz-json-1.0",
				 1, "CloudWatch", "cloudwatch" },
	[AWS_SVC_STS] = { NULL, "application/x-www-form-urlencoded; charset=utf-8", 0, "STS",
			  "sts" },
};

const char *aws_service_display_name(enum aws_service svc)
{
	return (unsigned)svc < AWS_SVC_COUNT ? protocols[svc].display : "AWS";
}

enum cutover_status aws_global_init(struct cutover_err *err)
{
	CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);

	if (rc != CURLE_OK)
		return cutover_errf(err, CUTOVER_EIO, "libcurl initialisation failed: %s",
				    curl_easy_strerror(rc));
	return CUTOVER_OK;
}

void aws_global_cleanup(void)
{
	curl_global_cleanup();
}

/* ---- creation ----------------------------------------------------------- */

/* 7.88.1 puts the raw path into the canonical request while AWS
 * canonicalises it, so only unreserved characters can be signed right. */
static enum cutover_status normalise_endpoint(const char *url, char **out, struct cutover_err *err,
					      const char *svc)
{
	const char *host, *path;
	size_t len;
	char *s;

	*out = NULL;
	if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else
		return cutover_errf(err, CUTOVER_EINVAL, "%s endpoint \"%s\" is not an http:// or "
				    "https:// URL; fix AWS_ENDPOINT_URL_* or the profile's "
				    "endpoint_url", svc, url);
	if (!*host || *host == '/')
		return cutover_errf(err, CUTOVER_EINVAL, "%s endpoint \"%s\" has no host name",
				    svc, url);
	path = strchr(host, '/');
	if (strpbrk(host, "?#"))
		return cutover_errf(err, CUTOVER_EINVAL, "%s endpoint \"%s\" must not carry a "
				    "query or fragment", svc, url);
	for (const char *p = path; p && *p; p++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/",
			    *p))
			return cutover_errf(err, CUTOVER_EINVAL, "%s endpoint \"%s\": the path may "
					    "only use letters, digits and -._~/ (libcurl 7.88 "
					    "cannot sign others)", svc, url);
	len = strlen(url);
	s = malloc(len + 2);
	if (!s)
		return cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
	memcpy(s, url, len + 1);
	if (!path) {
		s[len] = '/';
		s[len + 1] = '\0';
	}
	*out = s;
	return CUTOVER_OK;
}

enum cutover_status aws_client_create(const struct aws_client_config *cfg,
				      struct aws_client **out, struct cutover_err *err)
{
	enum cutover_status st = CUTOVER_OK;
	struct aws_client *c;

	*out = NULL;
	if (!cfg || !cfg->region || !*cfg->region || !cfg->credentials)
		return cutover_errf(err, CUTOVER_EINVAL, "AWS client: a region and a credential "
				    "source are required");
	if (strchr(cfg->region, ':'))
		return cutover_errf(err, CUTOVER_EINVAL, "AWS region \"%s\" is not a region name",
				    cfg->region);
	c = calloc(1, sizeof(*c));
	if (!c)
		return cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
	c->region = strdup(cfg->region);
	c->ca_file = cfg->ca_file ? strdup(cfg->ca_file) : NULL;
	c->h = curl_easy_init();
	c->multi = curl_multi_init();
	if (!c->region || (cfg->ca_file && !c->ca_file) || !c->h || !c->multi) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "AWS client: out of memory or libcurl "
				  "could not create a handle");
		goto out;
	}
	for (int i = 0; i < AWS_SVC_COUNT; i++) {
		if (!cfg->endpoints[i])
			continue;
		st = normalise_endpoint(cfg->endpoints[i], &c->endpoints[i], err,
					protocols[i].display);
		if (st != CUTOVER_OK)
			goto out;
	}
	c->creds = cfg->credentials;
	c->creds_ctx = cfg->credentials_ctx;
	c->connect_timeout_ms = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : 3000;
	c->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 15000;
	c->max_response = cfg->max_response_bytes ? cfg->max_response_bytes : 16u << 20;
	c->max_attempts = cfg->max_attempts > 0 ? cfg->max_attempts : 3;
	c->base_ms = cfg->backoff_base_ms > 0 ? cfg->backoff_base_ms : 1000;
	c->cap_ms = cfg->backoff_cap_ms > 0 ? cfg->backoff_cap_ms : 20000;
	c->rng = cfg->jitter_seed ? cfg->jitter_seed
				  : (unsigned long long)time(NULL) ^ (unsigned long long)(size_t)c;
	if (!c->rng)
		c->rng = 0x9e3779b97f4a7c15ULL;
	c->quota = QUOTA_MAX;
out:
	if (st != CUTOVER_OK) {
		aws_client_destroy(c);
		return st;
	}
	*out = c;
	return CUTOVER_OK;
}

void aws_client_destroy(struct aws_client *c)
{
	if (!c)
		return;
	if (c->h)
		curl_easy_cleanup(c->h);
	if (c->multi)
		curl_multi_cleanup(c->multi);
	for (int i = 0; i < AWS_SVC_COUNT; i++)
		free(c->endpoints[i]);
	free(c->region);
	free(c->ca_file);
	free(c);
}

void aws_client_set_abort(struct aws_client *c, int (*should_abort)(void *ctx), void *ctx)
{
	c->should_abort = should_abort;
	c->abort_ctx = ctx;
}

const char *aws_client_region_get(const struct aws_client *c) { return c->region; }

const char *aws_client_endpoint_get(const struct aws_client *c, enum aws_service svc)
{
	return (unsigned)svc < AWS_SVC_COUNT ? c->endpoints[svc] : NULL;
}

int aws_client_retry_quota_get(const struct aws_client *c) { return c->quota; }

/* ---- one transfer ------------------------------------------------------- */

struct xfer {
	struct aws_client *c;
	struct strbuf *body;
	size_t cap;
	int hard_cap;   /* exceeding the cap fails the call (API answers) */
	int too_big, truncated, oom;
	char request_id[96];
	char query_error[128];
	char error_type[160];
	char content_type[96];
};

static size_t on_body(char *p, size_t sz, size_t nm, void *ud)
{
	struct xfer *x = ud;
	size_t n = sz * nm, keep = n;

	if (x->body->len + n > x->cap) {
		if (x->hard_cap) {
			x->too_big = 1;
			return 0;
		}
		keep = x->cap > x->body->len ? x->cap - x->body->len : 0;
		x->truncated = 1;
	}
	if (keep && strbuf_append(x->body, p, keep) != CUTOVER_OK) {
		x->oom = 1;
		return 0;
	}
	return n;
}

static void header_value(const char *line, size_t n, const char *name, char *dst, size_t dn)
{
	size_t nl = strlen(name), i, e;

	if (n <= nl || line[nl] != ':')
		return;
	for (i = 0; i < nl; i++) {
		char a = line[i], b = name[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (a != b)
			return;
	}
	i = nl + 1;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	e = n;
	while (e > i && (line[e - 1] == '\r' || line[e - 1] == '\n' || line[e - 1] == ' '))
		e--;
	if (e - i >= dn)
		e = i + dn - 1;
	memcpy(dst, line + i, e - i);
	dst[e - i] = '\0';
}

static size_t on_header(char *p, size_t sz, size_t nm, void *ud)
{
	struct xfer *x = ud;
	size_t n = sz * nm;

	if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		/* a new response (after 100 Continue): forget the previous one's */
		x->request_id[0] = x->query_error[0] = x->error_type[0] = '\0';
		x->content_type[0] = '\0';
		return n;
	}
	header_value(p, n, "x-amzn-requestid", x->request_id, sizeof(x->request_id));
	if (!x->request_id[0])
		header_value(p, n, "x-amz-request-id", x->request_id, sizeof(x->request_id));
	header_value(p, n, "x-amzn-query-error", x->query_error, sizeof(x->query_error));
	header_value(p, n, "x-amzn-errortype", x->error_type, sizeof(x->error_type));
	header_value(p, n, "content-type", x->content_type, sizeof(x->content_type));
	return n;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct xfer *x = ud;
	(void)dt; (void)dn; (void)ut; (void)un;
	return x->c->should_abort && x->c->should_abort(x->c->abort_ctx) ? 1 : 0;
}

static int aborted(struct aws_client *c)
{
	return c->should_abort && c->should_abort(c->abort_ctx);
}

/* curl_easy_perform, but through the multi handle with a short poll. */
static CURLcode perform(struct aws_client *c)
{
	CURLcode rc = CURLE_OK;
	int running = 1;

	if (curl_multi_add_handle(c->multi, c->h) != CURLM_OK)
		return CURLE_FAILED_INIT;
	for (;;) {
		if (curl_multi_perform(c->multi, &running) != CURLM_OK) {
			rc = CURLE_FAILED_INIT;
			break;
		}
		if (!running) {
			CURLMsg *m;
			int left;

			while ((m = curl_multi_info_read(c->multi, &left)) != NULL)
				if (m->msg == CURLMSG_DONE)
					rc = m->data.result;
			break;
		}
		if (aborted(c)) {
			rc = CURLE_ABORTED_BY_CALLBACK;
			break;
		}
		if (curl_multi_poll(c->multi, NULL, 0, ABORT_POLL_MS, NULL) != CURLM_OK) {
			rc = CURLE_FAILED_INIT;
			break;
		}
	}
	curl_multi_remove_handle(c->multi, c->h);
	return rc;
}

/* Options every request gets; the handle was just reset. */
static CURLcode common_opts(struct aws_client *c, const char *url, struct xfer *x)
{
	CURLcode rc = CURLE_OK;

#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(c->h, opt, val); } while (0)
	c->errbuf[0] = '\0';
	SET(CURLOPT_URL, url);
	SET(CURLOPT_ERRORBUFFER, c->errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, c->timeout_ms);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, x);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, x);
	SET(CURLOPT_XFERINFOFUNCTION, on_progress);
	SET(CURLOPT_XFERINFODATA, x);
	SET(CURLOPT_NOPROGRESS, 0L);
	if (x->hard_cap)
		SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->cap);
	if (c->ca_file)
		SET(CURLOPT_CAINFO, c->ca_file);
#undef SET
	return rc;
}

/* ---- errors ------------------------------------------------------------- */

/* Copy with truncation (snprintf "%s" trips -Wformat-truncation). */
static void set_text(char *dst, size_t n, const char *src)
{
	size_t l = src ? strlen(src) : 0;

	if (n == 0)
		return;
	if (l >= n)
		l = n - 1;
	if (l)
		memcpy(dst, src, l);
	dst[l] = '\0';
}

static void begin_error(struct aws_error *e, struct aws_client *c, enum aws_service svc,
			const char *op, const char *url)
{
	aws_error_clear(e);
	snprintf(e->service, sizeof(e->service), "%s", aws_service_display_name(svc));
	snprintf(e->operation, sizeof(e->operation), "%s", op ? op : "");
	if ((unsigned)svc < AWS_SVC_COUNT && op)
		snprintf(e->action, sizeof(e->action), "%s:%s", protocols[svc].iam_prefix, op);
	snprintf(e->endpoint, sizeof(e->endpoint), "%s", url ? url : "");
	(void)c;
}

enum cutover_status aws_error_invalid(struct aws_error *err, enum aws_service svc,
				      const char *operation, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return CUTOVER_EINVAL;
	begin_error(err, NULL, svc, operation, NULL);
	err->kind = AWS_ERR_INVALID;
	err->status = CUTOVER_EINVAL;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	return CUTOVER_EINVAL;
}

enum cutover_status aws_error_parse(struct aws_error *err, enum aws_service svc,
				    const char *operation, const struct aws_reply *reply,
				    const char *what)
{
	char ep[256];

	if (!err)
		return CUTOVER_EPARSE;
	snprintf(ep, sizeof(ep), "%s", err->endpoint);
	begin_error(err, NULL, svc, operation, ep);
	err->kind = AWS_ERR_PARSE;
	err->status = CUTOVER_EPARSE;
	if (reply) {
		err->http_status = reply->http_status;
		err->attempts = reply->meta.attempts;
		snprintf(err->request_id, sizeof(err->request_id), "%s", reply->meta.request_id);
	}
	snprintf(err->detail, sizeof(err->detail), "%s", what);
	return CUTOVER_EPARSE;
}

/* Success: keep which call it was, drop any failure from earlier attempts. */
static void clear_failure(struct aws_error *e)
{
	e->kind = AWS_ERR_NONE;
	e->status = CUTOVER_OK;
	e->http_status = 0;
	e->retry_quota_exhausted = 0;
	e->outcome_unknown = 0;
	e->code[0] = e->message[0] = e->detail[0] = '\0';
}

/* Replace every occurrence of secret in s (in place) with "[redacted]". */
static void scrub(char *s, size_t n, const char *secret)
{
	static const char red[] = "[redacted]";
	size_t sl;
	char *p, *from = s;

	if (!secret || (sl = strlen(secret)) < 4)
		return;
	while ((p = strstr(from, secret)) != NULL) {
		size_t tail = strlen(p + sl), rl = sizeof(red) - 1;
		size_t off = (size_t)(p - s);

		if (off + rl + tail + 1 > n)
			tail = n > off + rl + 1 ? n - off - rl - 1 : 0;
		if (off + rl >= n) {
			*p = '\0';
			return;
		}
		memmove(p + rl, p + sl, tail);
		memcpy(p, red, rl);
		p[rl + tail] = '\0';
		from = p + rl;
	}
}

static void scrub_error(struct aws_error *e, const struct aws_credentials *cr)
{
	const char *secrets[3] = { cr->secret_access_key, cr->session_token, cr->access_key_id };

	for (int i = 0; i < 3; i++) {
		scrub(e->message, sizeof(e->message), secrets[i]);
		scrub(e->detail, sizeof(e->detail), secrets[i]);
		scrub(e->code, sizeof(e->code), secrets[i]);
	}
}

/* What a curl failure means for a person and for the retry policy. */
static void transport_error(struct aws_error *e, struct aws_client *c, CURLcode rc,
			    int *retryable, int *is_timeout)
{
	const char *what;

	*retryable = 1;
	*is_timeout = 0;
	e->kind = AWS_ERR_TRANSPORT;
	e->status = CUTOVER_ETRANSPORT;
	e->http_status = 0;
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		what = "DNS lookup failed";
		break;
	case CURLE_COULDNT_CONNECT:
		what = "connection failed";
		break;
	case CURLE_OPERATION_TIMEDOUT:
		what = "timed out";
		e->status = CUTOVER_ETIMEOUT;
		*is_timeout = 1;
		break;
	case CURLE_SSL_CONNECT_ERROR:
		what = "TLS handshake failed";
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		what = "TLS certificate not trusted (check the endpoint and the CA bundle)";
		*retryable = 0;
		break;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
		what = "connection dropped before a complete answer";
		break;
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		what = "the endpoint URL is not usable";
		*retryable = 0;
		break;
	default:
		what = curl_easy_strerror(rc);
		break;
	}
	{
		char tmp[CURL_ERROR_SIZE + 128];

		snprintf(tmp, sizeof(tmp), "%s%s%s%s", what, c->errbuf[0] ? " (" : "", c->errbuf,
			 c->errbuf[0] ? ")" : "");
		set_text(e->detail, sizeof(e->detail), tmp);
	}
	if (*is_timeout)
		snprintf(e->detail, sizeof(e->detail), "timed out (no complete answer within %ld ms; "
			 "connect limit %ld ms)", c->timeout_ms, c->connect_timeout_ms);
}

/* ---- retries ------------------------------------------------------------ */

static unsigned long long next_rand(struct aws_client *c)
{
	/* xorshift64*: per-client state, so threads never share a generator */
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return c->rng * 2685821657736338717ULL;
}

static long backoff_ms(struct aws_client *c, int attempt)
{
	double ceiling = (double)c->base_ms;
	double r = (double)(next_rand(c) >> 11) / 9007199254740992.0;  /* [0,1) */

	for (int i = 1; i < attempt && ceiling < (double)c->cap_ms; i++)
		ceiling *= 2;
	if (ceiling > (double)c->cap_ms)
		ceiling = (double)c->cap_ms;
	return (long)(r * ceiling);
}

/* Sleep, waking every slice to honour the abort hook.  0 if aborted. */
static int sleep_ms(struct aws_client *c, long ms)
{
	while (ms > 0) {
		long slice = ms < ABORT_SLICE_MS ? ms : ABORT_SLICE_MS;
		struct timespec ts = { slice / 1000, (slice % 1000) * 1000000L };

		if (aborted(c))
			return 0;
		nanosleep(&ts, NULL);
		ms -= slice;
	}
	return !aborted(c);
}

static int in_codes(const char *code, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(code, *list))
			return 1;
	return 0;
}

static struct curl_slist *add_header(struct curl_slist *l, int *failed, const char *fmt, ...)
	CUTOVER_PRINTF(3, 4);

static struct curl_slist *add_header(struct curl_slist *l, int *failed, const char *fmt, ...)
{
	char line[2400];
	struct curl_slist *n;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(line)) {
		*failed = 1;
		return l;
	}
	n = curl_slist_append(l, line);
	for (volatile char *p = line; *p; p++)
		*p = 0;
	if (!n) {
		*failed = 1;
		return l;
	}
	return n;
}

static void free_headers(struct curl_slist *l)
{
	/* the token header is a secret: wipe before freeing */
	for (struct curl_slist *p = l; p; p = p->next)
		for (volatile char *q = p->data; *q; q++)
			*q = 0;
	curl_slist_free_all(l);
}

/* One signed attempt.  Returns the curl code; fills reply/x. */
static CURLcode attempt_once(struct aws_client *c, const struct aws_call *call,
			     const struct aws_credentials *cr, struct xfer *x, int *setup_failed)
{
	const struct protocol *pr = &protocols[call->svc];
	struct curl_slist *hd = NULL;
	char sigv4[160];
	int failed = 0;
	CURLcode rc;

	*setup_failed = 0;
	curl_easy_reset(c->h);
	rc = common_opts(c, c->endpoints[call->svc], x);
	hd = add_header(hd, &failed, "Content-Type: %s", pr->content_type);
	if (pr->target_prefix)
		hd = add_header(hd, &failed, "X-Amz-Target: %s.%s", pr->target_prefix,
				call->operation);
	else
		hd = add_header(hd, &failed, "Accept: application/json");
	if (pr->query_mode)
		hd = add_header(hd, &failed, "x-amzn-query-mode: true");
	if (cr->session_token && *cr->session_token)
		hd = add_header(hd, &failed, "X-Amz-Security-Token: %s", cr->session_token);
	snprintf(sigv4, sizeof(sigv4), "aws:amz:%s:%s", c->region,
		 aws_service_signing_name(call->svc));
#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(c->h, opt, val); } while (0)
	SET(CURLOPT_HTTPHEADER, hd);
	SET(CURLOPT_POST, 1L);
	/* libcurl silently re-sends a request when a reused connection dies
	 * before the first answer byte; a call that is not safe to repeat
	 * (StopExecution) must not reach AWS twice, so it gets a fresh one. */
	SET(CURLOPT_FRESH_CONNECT, call->repeat == AWS_REPEAT_UNSAFE ? 1L : 0L);
	SET(CURLOPT_POSTFIELDSIZE, (long)call->body_len);
	SET(CURLOPT_POSTFIELDS, call->body);
	SET(CURLOPT_AWS_SIGV4, sigv4);
	SET(CURLOPT_USERNAME, cr->access_key_id);
	SET(CURLOPT_PASSWORD, cr->secret_access_key);
#undef SET
	if (failed || rc != CURLE_OK) {
		*setup_failed = 1;
		free_headers(hd);
		return rc != CURLE_OK ? rc : CURLE_OUT_OF_MEMORY;
	}
	rc = perform(c);
	/* drop the secret from the handle now rather than at the next reset */
	curl_easy_setopt(c->h, CURLOPT_PASSWORD, "");
	free_headers(hd);
	return rc;
}

static long request_bytes_sent(struct aws_client *c)
{
	long n = 0;

	if (curl_easy_getinfo(c->h, CURLINFO_REQUEST_SIZE, &n) != CURLE_OK)
		return 1;  /* unknown: assume it left */
	return n;
}

enum cutover_status aws_client_call(struct aws_client *c, const struct aws_call *call,
				    struct aws_reply *reply, struct aws_error *err)
{
	struct aws_error scratch;
	struct aws_error *e = err ? err : &scratch;
	int spent = 0, any_ambiguous = 0;

	memset(reply, 0, sizeof(*reply));
	if (!c || !call || (unsigned)call->svc >= AWS_SVC_COUNT || !call->operation)
		return aws_error_invalid(e, AWS_SVC_COUNT, NULL, "bad call arguments.");
	begin_error(e, c, call->svc, call->operation, c->endpoints[call->svc]);
	if (!c->endpoints[call->svc])
		return aws_error_invalid(e, call->svc, call->operation, "no endpoint is configured "
					 "for %s.", protocols[call->svc].display);

	for (int attempt = 1;; attempt++) {
		struct aws_credentials cr;
		struct cutover_err cerr;
		struct xfer x;
		CURLcode rc;
		long http = 0;
		int retryable = 0, is_timeout = 0, ambiguous = 0, setup_failed = 0;
		enum cutover_status st;

		if (aborted(c)) {
			e->kind = AWS_ERR_CANCELLED;
			e->status = CUTOVER_ECANCELLED;
			e->outcome_unknown = any_ambiguous && call->repeat != AWS_REPEAT_SAFE;
			return CUTOVER_ECANCELLED;
		}
		memset(&cr, 0, sizeof(cr));
		cutover_err_clear(&cerr);
		st = c->creds(c->creds_ctx, &cr, &cerr);
		if (st != CUTOVER_OK || !cr.access_key_id || !*cr.access_key_id ||
		    !cr.secret_access_key || !*cr.secret_access_key) {
			/* libcurl would send it unsigned without a user name (AWS-WIRE 1.1) */
			e->kind = AWS_ERR_AUTH;
			e->status = CUTOVER_EAUTH;
			set_text(e->message, sizeof(e->message),
				 st != CUTOVER_OK && cerr.msg[0] ? cerr.msg
				 : "the credential source returned an empty access key or secret.");
			aws_credentials_clear(&cr);
			return CUTOVER_EAUTH;
		}
		strbuf_reset(&reply->body);
		memset(&x, 0, sizeof(x));
		x.c = c;
		x.body = &reply->body;
		x.cap = c->max_response;
		x.hard_cap = 1;
		rc = attempt_once(c, call, &cr, &x, &setup_failed);
		e->attempts = attempt;
		reply->meta.attempts = attempt;
		if (setup_failed) {
			aws_credentials_clear(&cr);
			e->kind = AWS_ERR_INVALID;
			e->status = CUTOVER_ENOMEM;
			snprintf(e->detail, sizeof(e->detail), "could not prepare the request: %s.",
				 curl_easy_strerror(rc));
			return e->status;
		}
		snprintf(reply->meta.request_id, sizeof(reply->meta.request_id), "%s", x.request_id);
		snprintf(reply->content_type, sizeof(reply->content_type), "%s", x.content_type);
		snprintf(e->request_id, sizeof(e->request_id), "%s", x.request_id);
		if (rc == CURLE_OK)
			curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &http);
		reply->http_status = http;

		if (rc == CURLE_ABORTED_BY_CALLBACK) {
			aws_credentials_clear(&cr);
			e->kind = AWS_ERR_CANCELLED;
			e->status = CUTOVER_ECANCELLED;
			e->outcome_unknown = call->repeat != AWS_REPEAT_SAFE &&
					     (any_ambiguous || request_bytes_sent(c) > 0);
			return CUTOVER_ECANCELLED;
		}
		if (x.too_big || rc == CURLE_FILESIZE_EXCEEDED || x.oom) {
			aws_credentials_clear(&cr);
			e->kind = AWS_ERR_PARSE;
			e->status = x.oom ? CUTOVER_ENOMEM : CUTOVER_EPARSE;
			snprintf(e->detail, sizeof(e->detail), "%s", x.oom ? "out of memory reading "
				 "the answer" : "the answer is larger than the response size cap");
			if (x.too_big || rc == CURLE_FILESIZE_EXCEEDED)
				snprintf(e->detail, sizeof(e->detail), "the answer is larger than "
					 "the %zu-byte response cap", c->max_response);
			e->outcome_unknown = call->repeat == AWS_REPEAT_UNSAFE;
			return e->status;
		}
		if (rc != CURLE_OK) {
			transport_error(e, c, rc, &retryable, &is_timeout);
			ambiguous = request_bytes_sent(c) > 0;
		} else if (http >= 200 && http < 300) {
			aws_credentials_clear(&cr);
			c->quota += spent ? spent : 1;
			if (c->quota > QUOTA_MAX)
				c->quota = QUOTA_MAX;
			clear_failure(e);
			return CUTOVER_OK;
		} else {
			aws_error_from_response(e, http, reply->body.data, reply->body.len,
						x.query_error, x.error_type);
			snprintf(e->request_id, sizeof(e->request_id), "%s", x.request_id[0] ?
				 x.request_id : e->request_id);
			scrub_error(e, &cr);
			if (call->done_codes && any_ambiguous && in_codes(e->code, call->done_codes)) {
				/* the earlier attempt most likely took effect */
				aws_credentials_clear(&cr);
				reply->meta.already_done = 1;
				c->quota += spent;
				if (c->quota > QUOTA_MAX)
					c->quota = QUOTA_MAX;
				clear_failure(e);
				return CUTOVER_OK;
			}
			if (http == 429 || aws_error_code_is_throttle(e->code)) {
				retryable = 1;
			} else if (aws_error_code_is_transient(e->code) || http == 500 ||
				   http == 502 || http == 503 || http == 504) {
				retryable = 1;
				ambiguous = 1;
			}
		}
		aws_credentials_clear(&cr);
		if (ambiguous)
			any_ambiguous = 1;
		if (!retryable)
			goto fail;
		if (call->repeat == AWS_REPEAT_UNSAFE && ambiguous)
			goto fail;
		if (attempt >= c->max_attempts)
			goto fail;
		{
			int cost = is_timeout ? QUOTA_TIMEOUT_COST : QUOTA_RETRY_COST;

			if (c->quota < cost) {
				e->retry_quota_exhausted = 1;
				goto fail;
			}
			c->quota -= cost;
			spent += cost;
		}
		if (!sleep_ms(c, backoff_ms(c, attempt))) {
			e->kind = AWS_ERR_CANCELLED;
			e->status = CUTOVER_ECANCELLED;
			e->outcome_unknown = any_ambiguous && call->repeat != AWS_REPEAT_SAFE;
			return CUTOVER_ECANCELLED;
		}
	}
fail:
	e->outcome_unknown = any_ambiguous && call->repeat != AWS_REPEAT_SAFE;
	return e->status;
}

enum cutover_status aws_client_get(struct aws_client *c, const char *url, size_t body_cap,
				   struct aws_reply *reply, int *truncated, long *latency_ms,
				   struct aws_error *err)
{
	return aws_client_get_within(c, url, body_cap, 0, reply, truncated, latency_ms, err);
}

enum cutover_status aws_client_get_within(struct aws_client *c, const char *url,
					  size_t body_cap, long timeout_ms,
					  struct aws_reply *reply, int *truncated,
					  long *latency_ms, struct aws_error *err)
{
	long total_ms = timeout_ms > 0 ? timeout_ms : c->timeout_ms;
	long connect_ms = c->connect_timeout_ms < total_ms ? c->connect_timeout_ms : total_ms;
	struct aws_error scratch;
	struct aws_error *e = err ? err : &scratch;
	struct xfer x;
	curl_off_t total_us = 0;
	long http = 0;
	CURLcode rc;

	memset(reply, 0, sizeof(*reply));
	*truncated = 0;
	*latency_ms = 0;
	aws_error_clear(e);
	snprintf(e->service, sizeof(e->service), "HTTP");
	snprintf(e->operation, sizeof(e->operation), "GET");
	snprintf(e->endpoint, sizeof(e->endpoint), "%s", url ? url : "");
	if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))) {
		e->kind = AWS_ERR_INVALID;
		e->status = CUTOVER_EINVAL;
		snprintf(e->detail, sizeof(e->detail), "health check URL \"%s\" is not an http:// "
			 "or https:// URL; fix it in the runbook.", url ? url : "");
		return CUTOVER_EINVAL;
	}
	memset(&x, 0, sizeof(x));
	x.c = c;
	x.body = &reply->body;
	x.cap = body_cap;
	curl_easy_reset(c->h);
	rc = common_opts(c, url, &x);
	/* The caller's bound (a rollback step's timeout_s) replaces the
	 * client's: connect and the whole request. */
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c->h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c->h, CURLOPT_TIMEOUT_MS, total_ms);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c->h, CURLOPT_HTTPGET, 1L);
	if (rc == CURLE_OK)
		rc = perform(c);
	e->attempts = reply->meta.attempts = 1;
	if (rc == CURLE_ABORTED_BY_CALLBACK) {
		e->kind = AWS_ERR_CANCELLED;
		e->status = CUTOVER_ECANCELLED;
		return CUTOVER_ECANCELLED;
	}
	if (x.oom) {
		e->kind = AWS_ERR_PARSE;
		e->status = CUTOVER_ENOMEM;
		snprintf(e->detail, sizeof(e->detail), "out of memory reading the answer");
		return CUTOVER_ENOMEM;
	}
	if (rc != CURLE_OK) {
		int retryable, is_timeout;

		transport_error(e, c, rc, &retryable, &is_timeout);
		if (is_timeout)
			snprintf(e->detail, sizeof(e->detail),
				 "timed out (no complete answer within %ld ms; connect limit %ld ms)",
				 total_ms, connect_ms);
		return e->status;
	}
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &http);
	if (curl_easy_getinfo(c->h, CURLINFO_TOTAL_TIME_T, &total_us) != CURLE_OK)
		total_us = 0;
	reply->http_status = http;
	snprintf(reply->content_type, sizeof(reply->content_type), "%s", x.content_type);
	snprintf(reply->meta.request_id, sizeof(reply->meta.request_id), "%s", x.request_id);
	*truncated = x.truncated;
	*latency_ms = (long)(total_us / 1000);
	return CUTOVER_OK;
}

void aws_reply_free(struct aws_reply *r)
{
	if (r)
		strbuf_free(&r->body);
}

enum cutover_status aws_client_call_owned(struct aws_client *c, enum aws_service svc,
					  const char *operation, char *body,
					  enum aws_repeat repeat, struct aws_reply *reply,
					  struct aws_error *err)
{
	return aws_client_call_owned_done(c, svc, operation, body, repeat, NULL, reply, err);
}

enum cutover_status aws_client_call_owned_done(struct aws_client *c, enum aws_service svc,
					       const char *operation, char *body,
					       enum aws_repeat repeat,
					       const char *const *done_codes,
					       struct aws_reply *reply, struct aws_error *err)
{
	struct aws_call call = { svc, operation, body, body ? strlen(body) : 0, repeat,
				 done_codes };
	enum cutover_status st;

	if (!body) {
		memset(reply, 0, sizeof(*reply));
		aws_error_invalid(err, svc, operation, "out of memory building the request.");
		if (err)
			err->status = CUTOVER_ENOMEM;
		return CUTOVER_ENOMEM;
	}
	st = aws_client_call(c, &call, reply, err);
	free(body);
	return st;
}

enum cutover_status aws_mapping_result(struct aws_error *err, enum aws_service svc,
				       const char *operation, const struct aws_reply *reply,
				       enum cutover_status st, const char *what)
{
	if (st == CUTOVER_OK)
		return st;
	aws_error_parse(err, svc, operation, reply, st == CUTOVER_ENOMEM ? "out of memory" :
			what ? what : "malformed answer");
	if (err)
		err->status = st;
	return st;
}
