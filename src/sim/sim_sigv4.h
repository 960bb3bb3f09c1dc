/* sim_sigv4.h: the sim's own AWS Signature Version 4 verifier.
 *
 * It rebuilds the canonical request the way AWS does (method, double-encoded
 * path, sorted canonical query, signed headers lowercased and trimmed, body
 * hash), checks the credential scope against the scenario's region and the
 * routed service, the X-Amz-Date against the wall clock (15 minutes), the
 * session token, and the HMAC chain.  It shares no code with the client's
 * signer (libcurl's CURLOPT_AWS_SIGV4 in src/aws/), so each checks the other.
 *
 * Pure functions: safe from any thread.
 */
#ifndef CUTOVER_SIM_SIGV4_H
#define CUTOVER_SIM_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "sim/scenario.h"

struct sim_kv {
	const char *key;
	const char *value;      /* NULL for a query key without '=' */
};

/* One request as the HTTP layer received it.  All strings are borrowed. */
struct sim_sigv4_request {
	const char *method;
	const char *path;       /* decoded, as libmicrohttpd hands it over */
	const struct sim_kv *query;     /* decoded key/value pairs */
	size_t nquery;
	const struct sim_kv *headers;   /* names in any case; repeats allowed */
	size_t nheaders;
	const void *body;
	size_t body_len;
};

enum sim_auth {
	SIM_AUTH_OK,
	SIM_AUTH_MISSING,        /* no Authorization header */
	SIM_AUTH_INCOMPLETE,     /* Authorization header malformed */
	SIM_AUTH_UNKNOWN_KEY,    /* access key id, or session token, not accepted */
	SIM_AUTH_BAD_SIGNATURE,  /* signature, scope or date mismatch */
	SIM_AUTH_EXPIRED,        /* X-Amz-Date outside 15 minutes of now */
};

/* Verify req for service ("ssm", "states", "monitoring", "sts") against the
 * scenario's credentials and region at wall-clock time now.  On SIM_AUTH_OK
 * *cred is the matched credential (borrowed from sc); otherwise msg holds
 * the message AWS would send. */
enum sim_auth sim_sigv4_verify(const struct sim_scenario *sc, const char *service,
			       const struct sim_sigv4_request *req, time_t now,
			       const struct sim_credential **cred, char *msg, size_t msgsz);

#endif
