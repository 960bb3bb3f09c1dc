/* aws_client.h: one signed-call client per thread.
 *
 * A struct aws_client owns one libcurl easy handle that every call on it
 * reuses (so the TCP/TLS connection to an endpoint is kept), a retry budget
 * and a jitter generator.  It is NOT thread-safe: create one per thread
 * (each poller, the action worker, the rollback runner) and call it only
 * from that thread.  The credential callback it is given must be
 * thread-safe (aws_types.h) because several clients call it.
 *
 * The operations themselves are in aws_sfn.h, aws_ssm.h, aws_cloudwatch.h,
 * aws_sts.h and aws_health.h; docs/aws-client.md lists them with the retry
 * policy and the error texts. */
#ifndef CUTOVER_AWS_CLIENT_H
#define CUTOVER_AWS_CLIENT_H

#include <stddef.h>

#include "cutover/aws_error.h"
#include "cutover/aws_types.h"
#include "cutover/status.h"

struct aws_client;

/* Everything is copied by aws_client_create; zero means "the default". */
struct aws_client_config {
	const char *region;                    /* required: the SigV4 signing region */
	const char *endpoints[AWS_SVC_COUNT];  /* base URL per service, e.g.
						* "https://states.eu-west-1.amazonaws.com";
						* NULL: that service is not callable */
	aws_credentials_fn credentials;        /* required */
	void *credentials_ctx;
	long connect_timeout_ms;               /* default 3000 */
	long timeout_ms;                       /* whole request; default 15000 */
	size_t max_response_bytes;             /* default 16 MiB */
	int max_attempts;                      /* default 3 (first try included) */
	long backoff_base_ms;                  /* default 1000 (SDK standard mode) */
	long backoff_cap_ms;                   /* default 20000 */
	unsigned long long jitter_seed;        /* 0: seeded from the clock */
	const char *ca_file;                   /* NULL: the system store */
};

/* What a successful call that changes something reports, for the audit log. */
struct aws_result_meta {
	char request_id[96];
	int attempts;
	/* A retry after an ambiguous failure (timeout, 5xx, dropped connection)
	 * was answered "already": SendTask* with TaskTimedOut/InvalidToken, a
	 * named StartExecution with ExecutionAlreadyExists.  The earlier attempt
	 * most likely took effect; the console should say so and verify. */
	int already_done;
};

/* curl_global_init; call once from main before any thread starts (ui/ may
 * not include curl, so this is its way in).  aws_global_cleanup at exit. */
enum cutover_status aws_global_init(struct cutover_err *err) CUTOVER_MUST_CHECK;
void aws_global_cleanup(void);

/* Create a client.  *out is always set (NULL on failure).  CUTOVER_EINVAL
 * for a missing region/credential callback or an endpoint URL that is not
 * http(s). */
enum cutover_status aws_client_create(const struct aws_client_config *cfg,
				      struct aws_client **out,
				      struct cutover_err *err) CUTOVER_MUST_CHECK;
void aws_client_destroy(struct aws_client *c);

/* The abort hook: should_abort(ctx) is polled during every transfer and
 * backoff sleep (every 50 ms or sooner); non-zero stops the call with
 * CUTOVER_ECANCELLED.  It runs on the client's thread, so it must be cheap
 * and thread-safe (typically reads an atomic flag). */
void aws_client_set_abort(struct aws_client *c, int (*should_abort)(void *ctx), void *ctx);

/* Borrowed views, for display and tests. */
const char *aws_client_region_get(const struct aws_client *c);
const char *aws_client_endpoint_get(const struct aws_client *c, enum aws_service svc);
int aws_client_retry_quota_get(const struct aws_client *c);   /* 0..500 */

#endif
