/* aws_credentials_provider.h: the AWS credential chain as one thread-safe
 * object that every signed call asks for credentials.
 *
 * Order, as the AWS CLI: environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN or AWS_SECURITY_TOKEN,
 * AWS_CREDENTIAL_EXPIRATION; skipped when the profile was given explicitly
 * with --profile, but not for AWS_PROFILE), the profile's static keys in the
 * credentials file then the config file, the profile's credential_process,
 * the container endpoint, then IMDSv2.  The first source that is configured
 * decides: if it fails, that failure is the answer (the chain does not
 * silently fall through to a different identity).
 *
 * The chain runs on the first aws_credentials_provider_get(), and again only
 * while no source has answered.  Credentials with an expiry are refreshed
 * from the same source ahead of time: in the advisory window (15 min before
 * expiry, or half the lifetime for short-lived ones) one caller refreshes
 * while the others keep using the current credentials; in the mandatory
 * window (10 min, or a quarter of the lifetime) callers wait for the one
 * refresh in flight.  A failed refresh keeps still-valid credentials in use
 * and is retried after a few seconds; it is visible through
 * aws_credentials_provider_info().
 *
 * No secret appears in any error text. */
#ifndef CUTOVER_AWS_CREDENTIALS_PROVIDER_H
#define CUTOVER_AWS_CREDENTIALS_PROVIDER_H

#include <stdbool.h>
#include <time.h>

#include "cutover/aws_config.h"
#include "cutover/aws_types.h"
#include "cutover/status.h"

struct aws_credentials_provider;

struct aws_credentials_provider_options {
	const char *profile;           /* NULL: AWS_PROFILE, AWS_DEFAULT_PROFILE, "default" */
	bool profile_explicit;         /* given with --profile: environment keys are ignored */
	int process_timeout_ms;        /* credential_process deadline; 0 = 30000 */
	/* Clock for expiry decisions; NULL = time().  For tests. */
	time_t (*now)(void *ctx);
	void *now_ctx;
};

/* Create a provider.  Loads the config and credentials files now (so a
 * malformed file is reported at start-up, with file and line) but asks no
 * source for credentials yet.  opts may be NULL (all defaults).  Always sets
 * *out (NULL on failure).  Errors as aws_config_load(). */
enum cutover_status aws_credentials_provider_create(struct aws_credentials_provider **out,
						    const struct aws_credentials_provider_options *opts,
						    struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Free it.  No other thread may be inside _get.  NULL is a no-op. */
void aws_credentials_provider_destroy(struct aws_credentials_provider *p);

/* Current credentials into *out (a private copy; clear it with
 * aws_credentials_clear()).  Matches aws_credentials_fn with ctx = the
 * provider.  Any thread.  CUTOVER_EAUTH when no source has credentials (err
 * lists each source tried and what to do), or the configured source's own
 * error (CUTOVER_EEXEC, CUTOVER_ETIMEOUT, CUTOVER_EPARSE, CUTOVER_ETRANSPORT
 * ...), or CUTOVER_EAUTH when the credentials it gave have expired. */
enum cutover_status aws_credentials_provider_get(void *provider, struct aws_credentials *out,
						 struct cutover_err *err) CUTOVER_MUST_CHECK;

/* The config snapshot the provider loaded (for aws_config_resolve_region()
 * and aws_config_resolve_endpoint(), so both see the same files).  Borrowed,
 * immutable, valid until the provider is destroyed; any thread. */
const struct aws_config *aws_credentials_provider_config(const struct aws_credentials_provider *p);

/* What the console shows about the credentials in use. */
struct aws_credentials_info {
	bool have;                 /* credentials were obtained at least once */
	time_t expiration;         /* 0: they do not expire (or none yet) */
	time_t refresh_at;         /* when a refresh will be attempted; 0: never */
	char source[64];           /* "environment", "credential_process (profile dev)" ... */
	char profile[64];
	struct cutover_err last_error;   /* the last failed fetch; status OK if the last succeeded */
};

/* Snapshot of the state above.  Any thread; never blocks on a refresh. */
void aws_credentials_provider_info(struct aws_credentials_provider *p,
				   struct aws_credentials_info *out);

/* The expiry of the credentials in use: 0 when they do not expire or none
 * were obtained yet.  Any thread; never blocks on a refresh. */
time_t aws_credentials_provider_expiration(struct aws_credentials_provider *p);

#endif
