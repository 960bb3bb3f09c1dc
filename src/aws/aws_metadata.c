/* aws_metadata.c: container-endpoint and IMDSv2 credentials over libcurl
 * (see aws_metadata.h).  Every request is a fresh easy handle with short
 * timeouts and no proxy: these hosts are link-local or loopback, and a proxy
 * from the environment would only send the request somewhere it must not go. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "aws_credentials_json.h"
#include "aws_metadata.h"
#include "cutover/strbuf.h"

#define MAX_BODY (64 * 1024)
#define MAX_TOKEN_FILE (16 * 1024)

struct http_result {
	long status;
	struct strbuf body;
};

static size_t on_body(char *p, size_t size, size_t n, void *user)
{
	struct http_result *r = user;
	size_t len = size * n;

	if (r->body.len + len > MAX_BODY || strbuf_append(&r->body, p, len) != CUTOVER_OK)
		return 0;   /* curl reports CURLE_WRITE_ERROR */
	return len;
}

static void wipe(struct strbuf *sb)
{
	if (sb->data)
		memset(sb->data, 0, sb->cap);
	strbuf_free(sb);
}

/* One request.  CUTOVER_OK with r->status set (any HTTP status), or
 * CUTOVER_ETRANSPORT with why describing the failure. */
static enum cutover_status http_call(bool put, const char *url, struct curl_slist *headers,
				     long connect_ms, long total_ms, struct http_result *r,
				     char *why, size_t why_size)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	enum cutover_status st = CUTOVER_OK;
	CURL *h = curl_easy_init();
	CURLcode rc;

	r->status = 0;
	strbuf_reset(&r->body);
	if (!h) {
		snprintf(why, why_size, "cannot create a curl handle");
		return CUTOVER_ETRANSPORT;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, total_ms);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	if (put) {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
	}
	rc = curl_easy_perform(h);
	if (rc == CURLE_WRITE_ERROR) {
		snprintf(why, why_size, "the answer is larger than %d bytes", MAX_BODY);
		st = CUTOVER_ETRANSPORT;
	} else if (rc != CURLE_OK) {
		snprintf(why, why_size, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
		st = CUTOVER_ETRANSPORT;
	} else {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	}
	curl_easy_cleanup(h);
	return st;
}

static bool is_true(const char *v)
{
	return v && strcasecmp(v, "true") == 0;
}

/* botocore's rule for FULL_URI: https anywhere; plain http only to loopback
 * or the ECS / EKS Pod Identity link-local agents. */
static enum cutover_status check_full_uri(const char *uri, struct cutover_err *err)
{
	static const char *const allowed[] = { "localhost", "169.254.170.2", "169.254.170.23",
					       "[fd00:ec2::23]", "[::1]" };
	enum cutover_status st = CUTOVER_OK;
	char *scheme = NULL, *host = NULL;
	CURLU *u = curl_url();
	bool ok = false;

	if (!u)
		return cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, uri, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		st = cutover_errf(err, CUTOVER_EVALIDATE,
				  "AWS_CONTAINER_CREDENTIALS_FULL_URI \"%.200s\" is not a URL", uri);
		goto out;
	}
	if (strcasecmp(scheme, "https") == 0) {
		ok = true;
	} else if (strcasecmp(scheme, "http") == 0) {
		struct in_addr a;

		for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
			ok = ok || strcasecmp(host, allowed[i]) == 0;
		if (inet_pton(AF_INET, host, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127)
			ok = true;
	}
	if (!ok)
		st = cutover_errf(err, CUTOVER_EVALIDATE,
				  "AWS_CONTAINER_CREDENTIALS_FULL_URI \"%.200s\" is refused: plain "
				  "http is allowed only to loopback, 169.254.170.2 or 169.254.170.23; "
				  "use https", uri);
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return st;
}

/* The Authorization value: the token file (re-read every time, since EKS
 * rotates it) or the variable.  *out NULL when neither is set. */
static enum cutover_status container_token(char **out, struct cutover_err *err)
{
	const char *path = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *env = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	struct strbuf sb = STRBUF_INIT;
	enum cutover_status st = CUTOVER_OK;
	char buf[1024];
	size_t n;
	FILE *fp;

	*out = NULL;
	if (path && path[0]) {
		/* the container agent's authorization token */
		fp = fopen(path, "r");
		if (!fp)
			return cutover_errf(err, CUTOVER_EIO,
					    "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s: %s",
					    path, strerror(errno));
		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
			if (sb.len + n > MAX_TOKEN_FILE) {
				st = cutover_errf(err, CUTOVER_EVALIDATE,
						  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s is larger "
						  "than %d bytes", path, MAX_TOKEN_FILE);
				break;
			}
			if (strbuf_append(&sb, buf, n) != CUTOVER_OK) {
				st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
				break;
			}
		}
		memset(buf, 0, sizeof(buf));
		fclose(fp);
		/* one trailing newline is an editor's, not the token's */
		if (sb.len > 0 && sb.data[sb.len - 1] == '\n')
			sb.data[--sb.len] = '\0';
		if (sb.len > 0 && sb.data[sb.len - 1] == '\r')
			sb.data[--sb.len] = '\0';
	} else if (env && env[0]) {
		if (strbuf_puts(&sb, env) != CUTOVER_OK)
			st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
	} else {
		return CUTOVER_OK;
	}
	if (st == CUTOVER_OK && (strpbrk(strbuf_str(&sb), "\r\n") || sb.len != strlen(strbuf_str(&sb))))
		st = cutover_errf(err, CUTOVER_EVALIDATE,
				  "the container authorization token contains a line break or NUL "
				  "and cannot be sent as a header; check %s",
				  path && path[0] ? "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
						  : "AWS_CONTAINER_AUTHORIZATION_TOKEN");
	if (st != CUTOVER_OK) {
		wipe(&sb);
		return st;
	}
	*out = strbuf_take(&sb);
	return CUTOVER_OK;
}

static void free_secret(char *s)
{
	if (s)
		memset(s, 0, strlen(s));
	free(s);
}

enum cutover_status aws_metadata_container(struct aws_credentials *out, struct cutover_err *err)
{
	const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	struct http_result r = { 0, STRBUF_INIT };
	struct strbuf url = STRBUF_INIT, auth = STRBUF_INIT;
	struct curl_slist *headers = NULL, *h2;
	enum cutover_status st;
	struct cutover_err perr;
	char *token = NULL, why[CURL_ERROR_SIZE + 64];

	memset(out, 0, sizeof(*out));
	if (rel && rel[0]) {
		st = strbuf_printf(&url, "http://169.254.170.2%s%s", rel[0] == '/' ? "" : "/", rel);
	} else if (full && full[0]) {
		st = check_full_uri(full, err);
		if (st != CUTOVER_OK)
			goto out;
		st = strbuf_puts(&url, full);
	} else {
		return cutover_errf(err, CUTOVER_ENOENT,
				    "container endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
				    "_FULL_URI not set");
	}
	if (st != CUTOVER_OK) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
		goto out;
	}
	st = container_token(&token, err);
	if (st != CUTOVER_OK)
		goto out;
	headers = curl_slist_append(NULL, "Accept: application/json");
	if (headers && token) {
		if (strbuf_printf(&auth, "Authorization: %s", token) != CUTOVER_OK) {
			st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
			goto out;
		}
		h2 = curl_slist_append(headers, strbuf_str(&auth));
		headers = h2;
	}
	if (!headers) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
		goto out;
	}
	/* two attempts: an agent that is starting up answers the second */
	for (int attempt = 0; attempt < 2; attempt++) {
		if (attempt)
			nanosleep(&(struct timespec){ .tv_nsec = 250 * 1000 * 1000 }, NULL);
		st = http_call(false, strbuf_str(&url), headers, 1000, 2000, &r, why, sizeof(why));
		if (st == CUTOVER_OK && r.status < 500)
			break;
	}
	if (st != CUTOVER_OK) {
		st = cutover_errf(err, CUTOVER_ETRANSPORT,
				  "container credentials endpoint %s: %s; is the ECS/EKS agent "
				  "running?", strbuf_str(&url), why);
		goto out;
	}
	if (r.status != 200) {
		st = cutover_errf(err, CUTOVER_EAUTH,
				  "container credentials endpoint %s answered HTTP %ld; %s",
				  strbuf_str(&url), r.status,
				  r.status == 401 || r.status == 403
					  ? "check AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)"
					  : "check the task role / pod identity association");
		goto out;
	}
	st = aws_credentials_from_json(strbuf_str(&r.body), r.body.len, AWS_CREDS_DOC_CONTAINER,
				       out, &perr);
	if (st != CUTOVER_OK) {
		st = cutover_errf(err, st, "container credentials endpoint %s answered with "
				  "unusable JSON: %s", strbuf_str(&url), perr.msg);
		goto out;
	}
	snprintf(out->source, sizeof(out->source), "container endpoint");
out:
	curl_slist_free_all(headers);
	free_secret(token);
	wipe(&auth);
	wipe(&r.body);
	strbuf_free(&url);
	return st;
}

/* Trim blank space at both ends in place. */
static char *trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

enum cutover_status aws_metadata_imds(struct aws_credentials *out, struct cutover_err *err)
{
	const char *endpoint = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *mode = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
	struct http_result r = { 0, STRBUF_INIT };
	struct strbuf base = STRBUF_INIT, url = STRBUF_INIT, hdr = STRBUF_INIT;
	struct curl_slist *headers = NULL;
	enum cutover_status st;
	struct cutover_err perr;
	char why[CURL_ERROR_SIZE + 64], role[256];
	char *line;

	memset(out, 0, sizeof(*out));
	if (is_true(getenv("AWS_EC2_METADATA_DISABLED")))
		return cutover_errf(err, CUTOVER_ENOENT,
				    "EC2 instance metadata: disabled by AWS_EC2_METADATA_DISABLED");
	if (endpoint && endpoint[0])
		st = strbuf_puts(&base, endpoint);
	else if (mode && strcasecmp(mode, "IPv6") == 0)
		st = strbuf_puts(&base, "http://[fd00:ec2::254]");
	else
		st = strbuf_puts(&base, "http://169.254.169.254");
	if (st != CUTOVER_OK) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
		goto out;
	}
	while (base.len > 0 && base.data[base.len - 1] == '/')
		base.data[--base.len] = '\0';

	/* 1. a session token (IMDSv2) */
	headers = curl_slist_append(NULL, "x-aws-ec2-metadata-token-ttl-seconds: 21600");
	if (!headers || strbuf_printf(&url, "%s/latest/api/token", strbuf_str(&base)) != CUTOVER_OK) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
		goto out;
	}
	st = http_call(true, strbuf_str(&url), headers, 1000, 1000, &r, why, sizeof(why));
	if (st != CUTOVER_OK) {
		st = cutover_errf(err, CUTOVER_ENOENT, "EC2 instance metadata at %s: %s",
				  strbuf_str(&base), why);
		goto out;
	}
	if (r.status != 200 || r.body.len == 0) {
		st = cutover_errf(err, CUTOVER_ENOENT,
				  "EC2 instance metadata at %s: token request answered HTTP %ld "
				  "(IMDSv2 unavailable; cutover does not fall back to IMDSv1)",
				  strbuf_str(&base), r.status);
		goto out;
	}
	curl_slist_free_all(headers);
	headers = NULL;
	if (strbuf_printf(&hdr, "x-aws-ec2-metadata-token: %s", trim(r.body.data)) != CUTOVER_OK ||
	    !(headers = curl_slist_append(NULL, strbuf_str(&hdr)))) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
		goto out;
	}
	if (strpbrk(strbuf_str(&hdr), "\r\n")) {
		st = cutover_errf(err, CUTOVER_EAUTH,
				  "EC2 instance metadata at %s returned a malformed token",
				  strbuf_str(&base));
		goto out;
	}

	/* 2. the instance profile's role name */
	strbuf_reset(&url);
	if (strbuf_printf(&url, "%s/latest/meta-data/iam/security-credentials/",
			  strbuf_str(&base)) != CUTOVER_OK) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
		goto out;
	}
	st = http_call(false, strbuf_str(&url), headers, 1000, 1000, &r, why, sizeof(why));
	if (st != CUTOVER_OK || r.status == 404) {
		st = cutover_errf(err, CUTOVER_ENOENT, "EC2 instance metadata at %s: %s",
				  strbuf_str(&base),
				  st != CUTOVER_OK ? why : "no IAM role is attached to this instance");
		goto out;
	}
	if (r.status != 200 || r.body.len == 0) {
		st = cutover_errf(err, CUTOVER_EAUTH,
				  "EC2 instance metadata at %s: role lookup answered HTTP %ld",
				  strbuf_str(&base), r.status);
		goto out;
	}
	line = trim(r.body.data);
	line[strcspn(line, "\r\n")] = '\0';
	if (!line[0] || strlen(line) >= sizeof(role) || strspn(line,
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+=,.@_-") != strlen(line)) {
		st = cutover_errf(err, CUTOVER_EAUTH,
				  "EC2 instance metadata at %s returned a role name that is not an "
				  "IAM role name", strbuf_str(&base));
		goto out;
	}
	snprintf(role, sizeof(role), "%s", line);

	/* 3. the role's credentials */
	strbuf_reset(&url);
	if (strbuf_printf(&url, "%s/latest/meta-data/iam/security-credentials/%s",
			  strbuf_str(&base), role) != CUTOVER_OK) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
		goto out;
	}
	st = http_call(false, strbuf_str(&url), headers, 1000, 1000, &r, why, sizeof(why));
	if (st != CUTOVER_OK) {
		st = cutover_errf(err, CUTOVER_ETRANSPORT,
				  "EC2 instance metadata at %s: credentials of role %s: %s",
				  strbuf_str(&base), role, why);
		goto out;
	}
	if (r.status != 200) {
		st = cutover_errf(err, CUTOVER_EAUTH,
				  "EC2 instance metadata at %s: credentials of role %s answered "
				  "HTTP %ld", strbuf_str(&base), role, r.status);
		goto out;
	}
	st = aws_credentials_from_json(strbuf_str(&r.body), r.body.len, AWS_CREDS_DOC_IMDS, out,
				       &perr);
	if (st != CUTOVER_OK) {
		st = cutover_errf(err, st,
				  "EC2 instance metadata at %s: credentials of role %s are unusable: "
				  "%s", strbuf_str(&base), role, perr.msg);
		goto out;
	}
	snprintf(out->source, sizeof(out->source), "instance metadata (role %.36s)", role);
out:
	curl_slist_free_all(headers);
	wipe(&hdr);
	wipe(&r.body);
	strbuf_free(&url);
	strbuf_free(&base);
	return st;
}
