/* aws_types.h: the plain values shared by the AWS credential chain
 * (aws_config.c, credentials.c) and the signed-call client (client.c and the
 * per-service files).  Nothing here owns a thread or a connection. */
#ifndef CUTOVER_AWS_TYPES_H
#define CUTOVER_AWS_TYPES_H

#include <time.h>

#include "cutover/status.h"

/* The services the console calls.  Columns: enum name, the suffix of
 * AWS_ENDPOINT_URL_<SUFFIX> and the `services` key in ~/.aws/config, the
 * SigV4 signing name, the endpoint host prefix. */
#define AWS_SERVICE_LIST(_) \
	_(SFN,        "SFN",        "sfn",        "states",     "states") \
	_(SSM,        "SSM",        "ssm",        "ssm",        "ssm") \
	_(CLOUDWATCH, "CLOUDWATCH", "cloudwatch", "monitoring", "monitoring") \
	_(STS,        "STS",        "sts",        "sts",        "sts")

enum aws_service {
#define AWS_SERVICE_ENUM(id, env, key, signing, host) AWS_SVC_##id,
	AWS_SERVICE_LIST(AWS_SERVICE_ENUM)
#undef AWS_SERVICE_ENUM
	AWS_SVC_COUNT
};

/* One set of credentials.  Owned by whoever filled it; free with
 * aws_credentials_clear().  Secrets never go to a log, an error text, the
 * audit log or the screen: print access_key_id's first 4 chars at most. */
struct aws_credentials {
	char *access_key_id;
	char *secret_access_key;
	char *session_token;      /* NULL when none */
	time_t expiration;        /* 0: does not expire */
	char source[64];          /* where they came from: "environment", "profile dev", ... */
};

/* Hands out current credentials.  Implementations must be thread-safe: every
 * poller thread calls it before each request.  Fills *out with a private
 * copy (the caller clears it).  CUTOVER_EAUTH when none can be found, with
 * err saying which sources were tried and what to do. */
typedef enum cutover_status (*aws_credentials_fn)(void *ctx, struct aws_credentials *out,
						   struct cutover_err *err);

/* Free the strings and zero the struct.  NULL is a no-op. */
void aws_credentials_clear(struct aws_credentials *c);

/* Deep copy; CUTOVER_ENOMEM leaves *dst cleared. */
enum cutover_status aws_credentials_copy(struct aws_credentials *dst,
					 const struct aws_credentials *src) CUTOVER_MUST_CHECK;

/* Per-service names from the table above. */
const char *aws_service_env_suffix(enum aws_service svc);  /* "SFN" */
const char *aws_service_config_key(enum aws_service svc);  /* "sfn" */
const char *aws_service_signing_name(enum aws_service svc);/* "states" */
const char *aws_service_host_prefix(enum aws_service svc); /* "states" */

#endif
