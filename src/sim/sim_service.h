/* sim_service.h: how the rehearsal endpoint's service models plug into its
 * HTTP layer.  Internal to src/sim/.
 *
 * The HTTP layer (sim_server.c) owns the socket, SigV4 verification, fault
 * injection, request ids and the scenario file.  It routes each request by its
 * X-Amz-Target (or Query Action) to one service model, holding the sim's one
 * mutex, so models are single-threaded.  A model answers with a struct
 * sim_reply; it never touches the connection.
 *
 * Time is the scenario's: `now` is epoch seconds on the sim's clock (start
 * epoch + elapsed wall time x speed).  Models advance lazily to `now` on each
 * call, so a scenario is a pure function of (file, seed, request times):
 * randomness comes from sim_rand_*() seeded values, never rand()/time().
 *
 * The sim shares no wire-format code with the client in src/aws/: what
 * writes an answer here is not what reads it there, so each side catches the
 * other's mistakes.
 */
#ifndef CUTOVER_SIM_SERVICE_H
#define CUTOVER_SIM_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "cutover/status.h"

/* What a model answers.  body is heap-allocated (the HTTP layer frees it). */
struct sim_reply {
	int http_status;            /* 200, 400, 404, 500 ... */
	char *body;                 /* may be NULL for an empty body */
	size_t body_len;
	char content_type[64];      /* "application/x-amz-json-1.0", "text/xml" ... */
	char query_error[128];      /* CloudWatch JSON: x-amzn-query-error value, or "" */
};

/* Fill r with an AWS JSON error: {"__type": type, "message": message}.
 * type is the full shape id the real service sends, e.g.
 * "com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist". */
void sim_reply_json_error(struct sim_reply *r, int http_status, const char *content_type,
			  const char *type, const char *message);

/* Fill r with a 200 JSON body taken from j (printed unformatted, then j is
 * left to the caller to delete). */
void sim_reply_json(struct sim_reply *r, const char *content_type, const cJSON *j);

/* Deterministic randomness.  sim_rand_hash() is a pure function of its
 * inputs (use it for noise at a timestamp, so answers do not depend on the
 * order of requests); sim_rand_next() is a seeded stream (splitmix64). */
uint64_t sim_rand_hash(uint64_t seed, const char *key, int64_t n);
double sim_rand_unit(uint64_t seed, const char *key, int64_t n);   /* [0,1) */
uint64_t sim_rand_next(uint64_t *state);

/* Cross-model reactions, supplied by the HTTP layer at create time. */
struct sim_hooks {
	void *ctx;
	/* A model sets an SSM parameter (e.g. "when state machine X runs,
	 * parameter P is set").  Bumps its version like PutParameter. */
	void (*set_parameter)(void *ctx, const char *name, const char *value, double now);
	/* A model reads an SSM parameter's current value; NULL if absent.
	 * The string stays valid until the next call into the sim. */
	const char *(*get_parameter)(void *ctx, const char *name);
};

#endif
