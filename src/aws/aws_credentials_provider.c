/* aws_credentials_provider.c: the credential chain and its refresh policy
 * (see aws_credentials_provider.h).
 *
 * One mutex guards the cached credentials; no source is ever asked while it
 * is held.  A caller that must fetch marks `refreshing`, unlocks, fetches,
 * relocks, swaps the result in and broadcasts; callers that need fresh
 * credentials meanwhile wait on the condition variable, callers that can use
 * the current ones take a copy and go.  So at most one fetch runs at a time
 * and nobody waits unless the credentials they would get are too old. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_metadata.h"
#include "aws_time.h"
#include "credential_process.h"
#include "cutover/aws_config.h"
#include "cutover/aws_credentials_provider.h"
#include "cutover/strbuf.h"

/* botocore's windows: refresh may start 15 min before expiry and must be
 * done 10 min before.  Short-lived credentials get half and a quarter of
 * their lifetime instead, so that they are not refetched on every call. */
#define ADVISORY_MAX 900
#define MANDATORY_MAX 600
/* After a failed fetch, do not try again for this long (seconds). */
#define RETRY_AFTER 5
#define DEFAULT_PROCESS_TIMEOUT_MS 30000

enum source_kind {
	SRC_NONE,          /* chain not resolved yet */
	SRC_ENV,
	SRC_CREDENTIALS_FILE,
	SRC_CONFIG_FILE,
	SRC_PROCESS,
	SRC_CONTAINER,
	SRC_IMDS,
};

struct aws_credentials_provider {
	struct aws_config *cfg;        /* immutable after create */
	bool profile_explicit;
	int process_timeout_ms;
	time_t (*now)(void *ctx);
	void *now_ctx;

	pthread_mutex_t lock;
	pthread_cond_t changed;        /* a fetch finished */
	/* under lock: */
	enum source_kind kind;
	struct aws_credentials cur;
	bool have;
	time_t fetched_at;
	bool refreshing;
	time_t retry_at;               /* no new fetch before this after a failure */
	struct cutover_err last_err;
};

static time_t clock_now(const struct aws_credentials_provider *p)
{
	return p->now ? p->now(p->now_ctx) : time(NULL);
}

static bool set(const char *s)
{
	return s && s[0];
}

/* "[profile dev]" or "[default]" in the config file, "[dev]" in credentials. */
static void section_name(const struct aws_credentials_provider *p, enum aws_config_file f,
			 char *buf, size_t size)
{
	const char *name = aws_config_profile(p->cfg);

	if (f == AWS_CONFIG_FILE_CONFIG && strcmp(name, "default") != 0)
		snprintf(buf, size, "[profile %s]", name);
	else
		snprintf(buf, size, "[%s]", name);
}

/* Add a reason to the "tried" list; returns CUTOVER_ENOENT for the caller's
 * `return`.  Best effort: an allocation failure only shortens the list. */
static enum cutover_status note(struct strbuf *tried, const char *fmt, ...) CUTOVER_PRINTF(2, 3);

static enum cutover_status note(struct strbuf *tried, const char *fmt, ...)
{
	va_list ap;

	if (!tried)
		return CUTOVER_ENOENT;
	if (tried->len && strbuf_puts(tried, "; ") != CUTOVER_OK)
		return CUTOVER_ENOENT;
	va_start(ap, fmt);
	if (strbuf_vprintf(tried, fmt, ap) != CUTOVER_OK) {
		/* keep what fitted */
	}
	va_end(ap);
	return CUTOVER_ENOENT;
}

static enum cutover_status dup_keys(struct aws_credentials *out, const char *akid,
				    const char *secret, const char *token,
				    struct cutover_err *err)
{
	out->access_key_id = strdup(akid);
	out->secret_access_key = strdup(secret);
	out->session_token = set(token) ? strdup(token) : NULL;
	if (!out->access_key_id || !out->secret_access_key || (set(token) && !out->session_token)) {
		aws_credentials_clear(out);
		return cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
	}
	return CUTOVER_OK;
}

/* ---- the sources: CUTOVER_OK, CUTOVER_ENOENT (not configured; a reason
 * is added to tried) or the source's own failure in err ---------------- */

static enum cutover_status from_env(struct aws_credentials_provider *p, struct aws_credentials *out,
				    struct strbuf *tried, struct cutover_err *err)
{
	const char *akid = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");
	const char *exp = getenv("AWS_CREDENTIAL_EXPIRATION");
	enum cutover_status st;
	time_t when = 0;

	if (p->profile_explicit)
		return note(tried, "environment: ignored because --profile %s was given",
			    aws_config_profile(p->cfg));
	if (!set(token))
		token = getenv("AWS_SECURITY_TOKEN");
	if (!set(akid) && !set(secret))
		return note(tried, "environment: AWS_ACCESS_KEY_ID not set");
	if (!set(akid) || !set(secret))
		return cutover_errf(err, CUTOVER_EAUTH,
				    "%s is set but %s is not; set both or unset both",
				    set(akid) ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
				    set(akid) ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
	if (set(exp) && aws_time_parse_rfc3339(exp, &when) != CUTOVER_OK)
		return cutover_errf(err, CUTOVER_EVALIDATE,
				    "AWS_CREDENTIAL_EXPIRATION \"%.40s\" is not an RFC 3339 time such "
				    "as 2030-01-01T00:00:00Z; fix or unset it", exp);
	st = dup_keys(out, akid, secret, token, err);
	if (st != CUTOVER_OK)
		return st;
	out->expiration = when;
	snprintf(out->source, sizeof(out->source), "environment");
	return CUTOVER_OK;
}

static enum cutover_status from_file(struct aws_credentials_provider *p, enum aws_config_file f,
				     struct aws_credentials *out, struct strbuf *tried,
				     struct cutover_err *err)
{
	const char *path = aws_config_path(p->cfg, f), *akid, *secret, *token;
	int l1, l2, l3;
	char sect[96];
	enum cutover_status st;

	section_name(p, f, sect, sizeof(sect));
	akid = aws_config_get(p->cfg, f, "aws_access_key_id", &l1);
	secret = aws_config_get(p->cfg, f, "aws_secret_access_key", &l2);
	if (!set(akid) && !set(secret)) {
		if (!aws_config_file_present(p->cfg, f))
			return note(tried, "%s: no such file", path);
		if (!aws_config_has_profile(p->cfg, f))
			return note(tried, "%s: no %s section", path, sect);
		return note(tried, "%s: no keys in %s", path, sect);
	}
	if (!set(akid) || !set(secret))
		return cutover_errf(err, CUTOVER_EAUTH,
				    "%s:%d: %s sets %s but not %s; add it or remove the line",
				    path, set(akid) ? l1 : l2, sect,
				    set(akid) ? "aws_access_key_id" : "aws_secret_access_key",
				    set(akid) ? "aws_secret_access_key" : "aws_access_key_id");
	token = aws_config_get(p->cfg, f, "aws_session_token", &l3);
	if (!set(token))
		token = aws_config_get(p->cfg, f, "aws_security_token", &l3);
	st = dup_keys(out, akid, secret, token, err);
	if (st != CUTOVER_OK)
		return st;
	snprintf(out->source, sizeof(out->source), "profile %.30s (%s file)",
		 aws_config_profile(p->cfg), f == AWS_CONFIG_FILE_CONFIG ? "config" : "credentials");
	return CUTOVER_OK;
}

static enum cutover_status from_process(struct aws_credentials_provider *p,
					struct aws_credentials *out, struct strbuf *tried,
					struct cutover_err *err)
{
	enum aws_config_file f = AWS_CONFIG_FILE_CONFIG;
	const char *cmd = aws_config_get(p->cfg, f, "credential_process", NULL);
	char what[600];
	enum cutover_status st;
	int line = 0;

	if (!set(cmd)) {
		f = AWS_CONFIG_FILE_CREDENTIALS;
		cmd = aws_config_get(p->cfg, f, "credential_process", NULL);
	}
	if (!set(cmd))
		return note(tried, "credential_process: not set for profile %s",
			    aws_config_profile(p->cfg));
	(void)aws_config_get(p->cfg, f, "credential_process", &line);
	snprintf(what, sizeof(what), "credential_process of profile %.64s (%s:%d)",
		 aws_config_profile(p->cfg), aws_config_path(p->cfg, f), line);
	st = credential_process_run(cmd, what, p->process_timeout_ms, out, err);
	if (st != CUTOVER_OK)
		return st;
	snprintf(out->source, sizeof(out->source), "credential_process (profile %.30s)",
		 aws_config_profile(p->cfg));
	return CUTOVER_OK;
}

static enum cutover_status from_metadata(enum source_kind kind, struct aws_credentials *out,
					 struct strbuf *tried, struct cutover_err *err)
{
	enum cutover_status st;

	st = kind == SRC_CONTAINER ? aws_metadata_container(out, err) : aws_metadata_imds(out, err);
	if (st == CUTOVER_ENOENT)
		return note(tried, "%s", err ? err->msg : "not available");
	return st;
}

static enum cutover_status fetch_one(struct aws_credentials_provider *p, enum source_kind kind,
				     struct aws_credentials *out, struct strbuf *tried,
				     struct cutover_err *err)
{
	switch (kind) {
	case SRC_ENV:
		return from_env(p, out, tried, err);
	case SRC_CREDENTIALS_FILE:
		return from_file(p, AWS_CONFIG_FILE_CREDENTIALS, out, tried, err);
	case SRC_CONFIG_FILE:
		return from_file(p, AWS_CONFIG_FILE_CONFIG, out, tried, err);
	case SRC_PROCESS:
		return from_process(p, out, tried, err);
	case SRC_CONTAINER:
	case SRC_IMDS:
		return from_metadata(kind, out, tried, err);
	case SRC_NONE:
		break;
	}
	return cutover_errf(err, CUTOVER_EINVAL, "no credential source chosen");
}

/* Profile settings for sources cutover leaves to the AWS CLI. */
static const char *delegated_setting(const struct aws_credentials_provider *p)
{
	static const char *const keys[] = { "role_arn", "sso_session", "sso_start_url",
					    "web_identity_token_file", "credential_source",
					    "login_session" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (aws_config_get(p->cfg, AWS_CONFIG_FILE_CONFIG, keys[i], NULL) ||
		    aws_config_get(p->cfg, AWS_CONFIG_FILE_CREDENTIALS, keys[i], NULL))
			return keys[i];
	return NULL;
}

/* Walk the chain; the first configured source decides. */
static enum cutover_status resolve(struct aws_credentials_provider *p, struct aws_credentials *out,
				   enum source_kind *kind, struct cutover_err *err)
{
	static const enum source_kind order[] = { SRC_ENV, SRC_CREDENTIALS_FILE, SRC_CONFIG_FILE,
						  SRC_PROCESS, SRC_CONTAINER, SRC_IMDS };
	struct strbuf tried = STRBUF_INIT;
	enum cutover_status st = CUTOVER_ENOENT;
	const char *delegated, *name = aws_config_profile(p->cfg);

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		st = fetch_one(p, order[i], out, &tried, err);
		if (st != CUTOVER_ENOENT) {
			*kind = order[i];
			goto out;
		}
	}
	delegated = delegated_setting(p);
	if (delegated)
		st = cutover_errf(err, CUTOVER_EAUTH,
				  "no AWS credentials for profile %s: it uses %s, which cutover does "
				  "not handle itself. Add a profile with `credential_process = aws "
				  "configure export-credentials --profile %s --format process` and use "
				  "that one (docs/aws-credentials.md). Tried: %s.",
				  name, delegated, name, strbuf_str(&tried));
	else
		st = cutover_errf(err, CUTOVER_EAUTH,
				  "no AWS credentials found for profile %s. Tried: %s. Set "
				  "AWS_PROFILE or --profile to a profile with keys or a "
				  "credential_process, or export AWS_ACCESS_KEY_ID and "
				  "AWS_SECRET_ACCESS_KEY (docs/aws-credentials.md).",
				  name, strbuf_str(&tried));
out:
	strbuf_free(&tried);
	return st;
}

/* ---- public ----------------------------------------------------------- */

enum cutover_status aws_credentials_provider_create(struct aws_credentials_provider **out,
						    const struct aws_credentials_provider_options *opts,
						    struct cutover_err *err)
{
	struct aws_credentials_provider_options none = { 0 };
	struct aws_credentials_provider *p;
	enum cutover_status st;

	*out = NULL;
	if (!opts)
		opts = &none;
	p = calloc(1, sizeof(*p));
	if (!p)
		return cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
	st = aws_config_load(&p->cfg, opts->profile, err);
	if (st != CUTOVER_OK) {
		free(p);
		return st;
	}
	p->profile_explicit = opts->profile_explicit && set(opts->profile);
	p->process_timeout_ms = opts->process_timeout_ms > 0 ? opts->process_timeout_ms
							      : DEFAULT_PROCESS_TIMEOUT_MS;
	p->now = opts->now;
	p->now_ctx = opts->now_ctx;
	if (pthread_mutex_init(&p->lock, NULL) != 0) {
		aws_config_destroy(p->cfg);
		free(p);
		return cutover_errf(err, CUTOVER_ENOMEM, "cannot create a mutex");
	}
	if (pthread_cond_init(&p->changed, NULL) != 0) {
		pthread_mutex_destroy(&p->lock);
		aws_config_destroy(p->cfg);
		free(p);
		return cutover_errf(err, CUTOVER_ENOMEM, "cannot create a condition variable");
	}
	*out = p;
	return CUTOVER_OK;
}

void aws_credentials_provider_destroy(struct aws_credentials_provider *p)
{
	if (!p)
		return;
	aws_credentials_clear(&p->cur);
	pthread_cond_destroy(&p->changed);
	pthread_mutex_destroy(&p->lock);
	aws_config_destroy(p->cfg);
	free(p);
}

/* Under lock: when refreshing may start and when it must be done. */
static void windows(const struct aws_credentials_provider *p, time_t *advisory, time_t *mandatory)
{
	time_t exp = p->cur.expiration, life = exp - p->fetched_at;

	if (life < 0)
		life = 0;
	*advisory = exp - (life / 2 < ADVISORY_MAX ? life / 2 : ADVISORY_MAX);
	*mandatory = exp - (life / 4 < MANDATORY_MAX ? life / 4 : MANDATORY_MAX);
}

enum cutover_status aws_credentials_provider_get(void *provider, struct aws_credentials *out,
						 struct cutover_err *err)
{
	struct aws_credentials_provider *p = provider;
	struct aws_credentials fresh = { 0 };
	struct cutover_err ferr = { CUTOVER_OK, "" };
	enum source_kind kind, got_kind;
	enum cutover_status st;
	time_t now, adv, man;

	memset(out, 0, sizeof(*out));
	if (!p)
		return cutover_errf(err, CUTOVER_EINVAL, "no credentials provider");
	pthread_mutex_lock(&p->lock);
	for (;;) {
		now = clock_now(p);
		if (p->have && p->cur.expiration == 0)
			goto give;
		if (p->have) {
			windows(p, &adv, &man);
			if (now < adv)
				goto give;
			if (now < man) {
				/* advisory: one caller refreshes, the rest go on */
				if (p->refreshing || now < p->retry_at)
					goto give;
				break;
			}
		}
		if (p->refreshing) {
			pthread_cond_wait(&p->changed, &p->lock);
			continue;
		}
		if (now < p->retry_at) {
			if (p->have && now < p->cur.expiration)
				goto give;
			goto fail;
		}
		break;
	}
	p->refreshing = true;
	kind = p->kind;
	pthread_mutex_unlock(&p->lock);

	got_kind = kind;
	if (kind == SRC_NONE) {
		st = resolve(p, &fresh, &got_kind, &ferr);
	} else {
		struct strbuf gone = STRBUF_INIT;

		st = fetch_one(p, kind, &fresh, &gone, &ferr);
		if (st == CUTOVER_ENOENT)   /* a source that answered before is gone */
			st = cutover_errf(&ferr, CUTOVER_EAUTH, "refreshing credentials: %s",
					  strbuf_str(&gone));
		strbuf_free(&gone);
	}
	now = clock_now(p);
	if (st == CUTOVER_OK && fresh.expiration != 0 && fresh.expiration <= now) {
		char when[32];

		aws_time_format_rfc3339(fresh.expiration, when, sizeof(when));
		st = cutover_errf(&ferr, CUTOVER_EAUTH,
				  "the credentials from %s expired at %s; renew them (for SSO: aws "
				  "sso login) and try again", fresh.source, when);
		aws_credentials_clear(&fresh);
	}

	pthread_mutex_lock(&p->lock);
	p->refreshing = false;
	if (st == CUTOVER_OK) {
		aws_credentials_clear(&p->cur);
		p->cur = fresh;   /* moved: fresh is not cleared below */
		p->have = true;
		p->kind = got_kind;
		p->fetched_at = now;
		p->retry_at = 0;
		cutover_err_clear(&p->last_err);
	} else {
		p->last_err = ferr;
		p->retry_at = now + RETRY_AFTER;
	}
	pthread_cond_broadcast(&p->changed);
	if (p->have && (p->cur.expiration == 0 || now < p->cur.expiration))
		goto give;
fail:
	st = p->last_err.status != CUTOVER_OK ? p->last_err.status : CUTOVER_EAUTH;
	if (err) {
		*err = p->last_err;
		err->status = st;
	}
	pthread_mutex_unlock(&p->lock);
	return st;
give:
	st = aws_credentials_copy(out, &p->cur);
	pthread_mutex_unlock(&p->lock);
	if (st != CUTOVER_OK)
		return cutover_errf(err, st, "out of memory copying credentials");
	return CUTOVER_OK;
}

const struct aws_config *aws_credentials_provider_config(const struct aws_credentials_provider *p)
{
	return p ? p->cfg : NULL;
}

void aws_credentials_provider_info(struct aws_credentials_provider *p,
				   struct aws_credentials_info *out)
{
	time_t adv, man;

	memset(out, 0, sizeof(*out));
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	out->have = p->have;
	snprintf(out->profile, sizeof(out->profile), "%s", aws_config_profile(p->cfg));
	if (p->have) {
		out->expiration = p->cur.expiration;
		memcpy(out->source, p->cur.source, sizeof(out->source));
		if (p->cur.expiration) {
			windows(p, &adv, &man);
			out->refresh_at = adv > p->retry_at ? adv : p->retry_at;
		}
	}
	out->last_error = p->last_err;
	pthread_mutex_unlock(&p->lock);
}

time_t aws_credentials_provider_expiration(struct aws_credentials_provider *p)
{
	time_t t;

	if (!p)
		return 0;
	pthread_mutex_lock(&p->lock);
	t = p->have ? p->cur.expiration : 0;
	pthread_mutex_unlock(&p->lock);
	return t;
}
