/* sim_sigv4.c: verify AWS4-HMAC-SHA256 signatures the way AWS does (see
 * sim_sigv4.h).  Written by hand because no library we use verifies SigV4;
 * OpenSSL libcrypto does the SHA-256 and HMAC. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "cutover/strbuf.h"
#include "sim/sim_sigv4.h"

#define MAX_SKEW_S (15 * 60)
#define MAX_SIGNED_HEADERS 64

static const char signature_mismatch[] =
	"The request signature we calculated does not match the signature you provided. "
	"Check your AWS Secret Access Key and signing method. "
	"Consult the service documentation for details.";

static void hexify(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static void sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256(p, n, md);
	hexify(md, sizeof(md), out);
}

static bool hmac(const void *key, size_t keylen, const char *msg, unsigned char out[32])
{
	unsigned int outlen = 32;

	return HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg, strlen(msg), out,
		    &outlen) != NULL;
}

/* RFC 3986 encoding with uppercase hex, as AWS canonicalises. */
static enum cutover_status uri_encode(struct strbuf *sb, const char *s, bool keep_slash)
{
	enum cutover_status st = CUTOVER_OK;

	for (const unsigned char *p = (const unsigned char *)s; *p && !st; p++) {
		if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~' ||
		    (keep_slash && *p == '/'))
			st = strbuf_append(sb, p, 1);
		else
			st = strbuf_printf(sb, "%%%02X", *p);
	}
	return st;
}

static int cmp_kv(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;
	int c = strcmp(x[0], y[0]);

	return c ? c : strcmp(x[1], y[1]);
}

static enum cutover_status canonical_query(struct strbuf *out, const struct sim_sigv4_request *req)
{
	enum cutover_status st = CUTOVER_OK;
	struct strbuf tmp = STRBUF_INIT;
	char **pairs = NULL;
	size_t n = req->nquery;

	if (n == 0)
		return CUTOVER_OK;
	pairs = calloc(2 * n, sizeof(*pairs));
	if (!pairs)
		return CUTOVER_ENOMEM;
	for (size_t i = 0; i < n && !st; i++) {
		strbuf_reset(&tmp);
		if ((st = uri_encode(&tmp, req->query[i].key, false)) ||
		    !(pairs[2 * i] = strdup(strbuf_str(&tmp))))
			break;
		strbuf_reset(&tmp);
		if ((st = uri_encode(&tmp, req->query[i].value ? req->query[i].value : "", false)) ||
		    !(pairs[2 * i + 1] = strdup(strbuf_str(&tmp))))
			break;
	}
	if (!st && (!pairs[2 * n - 2] || !pairs[2 * n - 1]))
		st = CUTOVER_ENOMEM;
	if (!st) {
		qsort(pairs, n, 2 * sizeof(*pairs), cmp_kv);
		for (size_t i = 0; i < n && !st; i++)
			st = strbuf_printf(out, "%s%s=%s", i ? "&" : "", pairs[2 * i], pairs[2 * i + 1]);
	}
	for (size_t i = 0; i < 2 * n; i++)
		free(pairs[i]);
	free(pairs);
	strbuf_free(&tmp);
	return st;
}

/* name:value for one signed header: every value the request carried under
 * that name, joined with ',', each trimmed with inner runs of spaces
 * collapsed to one. */
static enum cutover_status canonical_header(struct strbuf *out, const struct sim_sigv4_request *req,
					    const char *lname, bool *found)
{
	enum cutover_status st = strbuf_printf(out, "%s:", lname);
	bool first = true;

	*found = false;
	for (size_t i = 0; i < req->nheaders && !st; i++) {
		const char *v = req->headers[i].value;
		bool space = false;

		if (strcasecmp(req->headers[i].key, lname) != 0)
			continue;
		*found = true;
		if (!first)
			st = strbuf_append(out, ",", 1);
		first = false;
		while (*v == ' ' || *v == '\t')
			v++;
		for (; *v && !st; v++) {
			if (*v == ' ' || *v == '\t') {
				space = true;
				continue;
			}
			if (space)
				st = strbuf_append(out, " ", 1);
			space = false;
			if (!st)
				st = strbuf_append(out, v, 1);
		}
	}
	if (!st)
		st = strbuf_append(out, "\n", 1);
	return st;
}

static const char *header(const struct sim_sigv4_request *req, const char *name)
{
	for (size_t i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].key, name) == 0)
			return req->headers[i].value;
	return NULL;
}

/* Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm):
 * timegm() is not in POSIX and mktime() depends on TZ. */
static long long days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (long long)era * 146097 + doe - 719468;
}

static bool parse_amz_date(const char *s, time_t *out)
{
	int y, mo, d, h, mi, se;

	if (!s || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return false;
	for (int i = 0; i < 15; i++)
		if (i != 8 && !isdigit((unsigned char)s[i]))
			return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	mo = (s[4] - '0') * 10 + (s[5] - '0');
	d = (s[6] - '0') * 10 + (s[7] - '0');
	h = (s[9] - '0') * 10 + (s[10] - '0');
	mi = (s[11] - '0') * 10 + (s[12] - '0');
	se = (s[13] - '0') * 10 + (s[14] - '0');
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return false;
	*out = (time_t)(days_from_civil(y, mo, d) * 86400LL + h * 3600 + mi * 60 + se);
	return true;
}

static void format_amz_date(time_t t, char out[17])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* Copy the value of "Name=value" (up to ',' or end) from the Authorization
 * header; false when absent or too long. */
static bool auth_param(const char *auth, const char *name, char *out, size_t outsz)
{
	size_t nlen = strlen(name);
	const char *p = auth;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == auth || p[-1] == ' ' || p[-1] == ',') && p[nlen] == '=') {
			const char *v = p + nlen + 1, *e = strchr(v, ',');
			size_t n = e ? (size_t)(e - v) : strlen(v);

			while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
				n--;
			if (n == 0 || n >= outsz)
				return false;
			memcpy(out, v, n);
			out[n] = '\0';
			return true;
		}
		p += nlen;
	}
	return false;
}

enum sim_auth sim_sigv4_verify(const struct sim_scenario *sc, const char *service,
			       const struct sim_sigv4_request *req, time_t now,
			       const struct sim_credential **cred, char *msg, size_t msgsz)
{
	struct strbuf creq = STRBUF_INIT, sts = STRBUF_INIT;
	char credential[512], signed_headers[1024], signature[128], scope[256];
	char akid[256], date[16], region[64], svc[64], term[32], body_hash[65], creq_hash[65];
	char expect_hex[65], amz_now[17], amz_lo[17], amz_hi[17];
	const char *auth = header(req, "authorization");
	const char *amz_date = header(req, "x-amz-date"), *token;
	const struct sim_credential *c;
	unsigned char k1[32], k2[32], k3[32], k4[32], sig[32];
	enum sim_auth res = SIM_AUTH_BAD_SIGNATURE;
	char *keymat = NULL;
	time_t t;
	bool found;
	size_t keylen;

	*cred = NULL;
	msg[0] = '\0';
	if (!auth) {
		snprintf(msg, msgsz, "Missing Authentication Token");
		return SIM_AUTH_MISSING;
	}
	if (strncmp(auth, "AWS4-HMAC-SHA256 ", 17) != 0) {
		snprintf(msg, msgsz, "Authorization header must start with AWS4-HMAC-SHA256: only Signature Version 4 is supported.");
		return SIM_AUTH_INCOMPLETE;
	}
	if (!auth_param(auth, "Credential", credential, sizeof(credential)) ||
	    !auth_param(auth, "SignedHeaders", signed_headers, sizeof(signed_headers)) ||
	    !auth_param(auth, "Signature", signature, sizeof(signature))) {
		snprintf(msg, msgsz, "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=%.200s", auth);
		return SIM_AUTH_INCOMPLETE;
	}
	/* Credential=AKID/YYYYMMDD/region/service/aws4_request */
	if (sscanf(credential, "%255[^/]/%15[^/]/%63[^/]/%63[^/]/%31s", akid, date, region, svc, term) != 5 ||
	    strcmp(term, "aws4_request") != 0 || strlen(date) != 8) {
		snprintf(msg, msgsz, "Credential should be scoped to a valid region, service and terminator: got '%.200s', expected AKID/YYYYMMDD/REGION/SERVICE/aws4_request.", credential);
		return SIM_AUTH_INCOMPLETE;
	}
	c = sim_scenario_credential(sc, akid);
	if (!c) {
		snprintf(msg, msgsz, "The security token included in the request is invalid.");
		return SIM_AUTH_UNKNOWN_KEY;
	}
	token = header(req, "x-amz-security-token");
	if ((c->session_token && (!token || strcmp(token, c->session_token) != 0)) ||
	    (!c->session_token && token)) {
		snprintf(msg, msgsz, "The security token included in the request is invalid.");
		return SIM_AUTH_UNKNOWN_KEY;
	}
	if (!amz_date)
		amz_date = header(req, "date");
	if (!parse_amz_date(amz_date, &t)) {
		snprintf(msg, msgsz, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header in the form YYYYMMDDTHHMMSSZ.");
		return SIM_AUTH_INCOMPLETE;
	}
	format_amz_date(now, amz_now);
	if (t < now - MAX_SKEW_S) {
		format_amz_date(now - MAX_SKEW_S, amz_lo);
		snprintf(msg, msgsz, "Signature expired: %s is now earlier than %s (%s - 15 min.)",
			 amz_date, amz_lo, amz_now);
		return SIM_AUTH_EXPIRED;
	}
	if (t > now + MAX_SKEW_S) {
		format_amz_date(now + MAX_SKEW_S, amz_hi);
		snprintf(msg, msgsz, "Signature not yet current: %s is still later than %s (%s + 15 min.)",
			 amz_date, amz_hi, amz_now);
		return SIM_AUTH_EXPIRED;
	}
	if (strncmp(date, amz_date, 8) != 0) {
		snprintf(msg, msgsz, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%.8s', from '%s'.", date, amz_date, amz_date);
		return SIM_AUTH_BAD_SIGNATURE;
	}
	if (strcmp(region, sc->region) != 0) {
		snprintf(msg, msgsz, "Credential should be scoped to a valid region. This endpoint serves '%s', not '%s': set AWS_REGION=%s.", sc->region, region, sc->region);
		return SIM_AUTH_BAD_SIGNATURE;
	}
	if (strcmp(svc, service) != 0) {
		snprintf(msg, msgsz, "Credential should be scoped to correct service: '%s'. ", service);
		return SIM_AUTH_BAD_SIGNATURE;
	}

	/* The canonical request. */
	if (strbuf_printf(&creq, "%s\n", req->method) ||
	    uri_encode(&sts, req->path, true) ||   /* sts reused as scratch: encode once ... */
	    uri_encode(&creq, strbuf_str(&sts), true) ||   /* ... and again, as non-S3 AWS does */
	    strbuf_append(&creq, "\n", 1) || canonical_query(&creq, req) ||
	    strbuf_append(&creq, "\n", 1))
		goto nomem;
	strbuf_reset(&sts);
	{
		char names[1024], *name, *next;
		bool has_host = false;
		int count = 0;

		snprintf(names, sizeof(names), "%s", signed_headers);
		for (name = names; name; name = next) {
			bool upper = false;

			next = strchr(name, ';');
			if (next)
				*next++ = '\0';
			for (char *q = name; *q; q++)
				upper = upper || isupper((unsigned char)*q);
			if (upper || !*name || ++count > MAX_SIGNED_HEADERS) {
				snprintf(msg, msgsz, "SignedHeaders must be at most %d non-empty lowercase names separated by ';': '%.200s'.",
					 MAX_SIGNED_HEADERS, signed_headers);
				res = SIM_AUTH_INCOMPLETE;
				goto out;
			}
			if (strcmp(name, "host") == 0)
				has_host = true;
			if (canonical_header(&creq, req, name, &found))
				goto nomem;
			if (!found) {
				snprintf(msg, msgsz, "%s The header '%s' is listed in SignedHeaders but the request does not carry it.", signature_mismatch, name);
				goto out;
			}
		}
		if (!has_host) {
			snprintf(msg, msgsz, "'Host' must be a signed header: SignedHeaders='%.200s'.", signed_headers);
			res = SIM_AUTH_INCOMPLETE;
			goto out;
		}
	}
	sha256_hex(req->body ? req->body : "", req->body_len, body_hash);
	if (strbuf_printf(&creq, "\n%s\n%s", signed_headers, body_hash))
		goto nomem;

	snprintf(scope, sizeof(scope), "%s/%s/%s/aws4_request", date, region, svc);
	sha256_hex(creq.data, creq.len, creq_hash);
	if (strbuf_printf(&sts, "AWS4-HMAC-SHA256\n%s\n%s\n%s", amz_date, scope, creq_hash))
		goto nomem;

	keylen = 4 + strlen(c->secret_access_key);
	keymat = malloc(keylen + 1);
	if (!keymat)
		goto nomem;
	snprintf(keymat, keylen + 1, "AWS4%s", c->secret_access_key);
	if (!hmac(keymat, keylen, date, k1) || !hmac(k1, 32, region, k2) ||
	    !hmac(k2, 32, svc, k3) || !hmac(k3, 32, "aws4_request", k4) ||
	    !hmac(k4, 32, strbuf_str(&sts), sig))
		goto nomem;
	OPENSSL_cleanse(keymat, keylen);
	hexify(sig, sizeof(sig), expect_hex);
	if (strlen(signature) == 64 && CRYPTO_memcmp(expect_hex, signature, 64) == 0) {
		*cred = c;
		res = SIM_AUTH_OK;
		goto out;
	}
	/* AWS helps the caller debug: what it canonicalised and signed. */
	snprintf(msg, msgsz, "%s\n\nThe Canonical String for this request should have been\n'%s'\n\nThe String-to-Sign should have been\n'%s'\n",
		 signature_mismatch, strbuf_str(&creq), strbuf_str(&sts));
	goto out;
nomem:
	snprintf(msg, msgsz, "out of memory while verifying the signature");
	res = SIM_AUTH_BAD_SIGNATURE;
out:
	free(keymat);
	strbuf_free(&creq);
	strbuf_free(&sts);
	return res;
}
