/* sim_server.h: `cutover sim`, the AWS-compatible rehearsal endpoint.
 *
 * An HTTP server (libmicrohttpd, its own threads) on a loopback port that
 * answers Step Functions, SSM, CloudWatch and STS calls from a scenario
 * file, checks SigV4, injects the scenario's faults and serves its health
 * endpoints.  Routing: POST / with X-Amz-Target AWSStepFunctions.*,
 * AmazonSSM.*, GraniteServiceVersion20100801.*; form-encoded POST / with
 * Action=GetCallerIdentity (STS) or Action=GetMetricData|DescribeAlarms and
 * Version=2010-08-01 (CloudWatch Query); GET of a scenario health path.
 *
 * Threads: create/start/stop/destroy from one thread (the owner).  Requests
 * run on libmicrohttpd's threads; every model call holds the server's one
 * mutex.  sim_server_port() and sim_server_scenario() may be called from
 * any thread once started.
 */
#ifndef CUTOVER_SIM_SERVER_H
#define CUTOVER_SIM_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cutover/status.h"
#include "sim/scenario.h"
#include "sim/sim_sigv4.h"

#define SIM_DEFAULT_MAX_BODY (1u << 20)

struct sim_server;

struct sim_server_options {
	unsigned port;          /* 0: an ephemeral port (read it back with sim_server_port) */
	const char *listen;     /* NULL: 127.0.0.1; anything else only on explicit request */
	double speed;           /* scenario seconds per wall second; 0 means 1 */
	uint64_t seed;          /* all randomness: noise, faults, request ids */
	bool no_auth;           /* accept unsigned requests (hand-made curl calls) */
	size_t max_body;        /* 0: SIM_DEFAULT_MAX_BODY; larger bodies get 413 */
};

/* Load the scenario at path and build every service model from it.
 * Nothing listens yet.  *out is always set (NULL on error); err says what
 * is wrong with the scenario, with line:column or a path. */
enum cutover_status sim_server_create(const char *scenario_path,
				      const struct sim_server_options *opt,
				      struct sim_server **out, struct cutover_err *err)
	CUTOVER_MUST_CHECK;

/* Bind and start serving; the scenario clock starts now. */
enum cutover_status sim_server_start(struct sim_server *s, struct cutover_err *err)
	CUTOVER_MUST_CHECK;

/* The bound TCP port (after start), e.g. to print http://127.0.0.1:PORT. */
unsigned sim_server_port(const struct sim_server *s);

/* The address it listens on ("127.0.0.1"), for URLs. Borrowed. */
const char *sim_server_listen_address(const struct sim_server *s);

/* The loaded scenario (credentials, region); borrowed, read-only. */
const struct sim_scenario *sim_server_scenario(const struct sim_server *s);

/* Epoch seconds on the scenario clock (start epoch + elapsed wall time x
 * speed), for a client in the same process that must share the sim's
 * clock (`cutover demo` hands it to the engine).  Any thread. */
double sim_server_now(struct sim_server *s);

/* Stop serving: waits for in-flight requests.  Safe to call twice. */
void sim_server_stop(struct sim_server *s);

void sim_server_destroy(struct sim_server *s);

/* --- the request pipeline without sockets (tests and the fuzz target) --- */

struct sim_http_request {
	const char *method;
	const char *path;                 /* decoded path, no query */
	const struct sim_kv *query;
	size_t nquery;
	const struct sim_kv *headers;
	size_t nheaders;
	const char *body;
	size_t body_len;
	bool body_too_big;                /* the transport cut it at max_body */
};

struct sim_http_response {
	int status;
	char content_type[64];
	char query_error[128];            /* x-amzn-query-error, or "" */
	char request_id[40];              /* x-amzn-RequestId */
	bool allow_post;                  /* send Allow: POST (405) */
	bool drop;                        /* close the connection, answer nothing */
	int delay_ms;                     /* sleep this long before answering */
	char *body;                       /* heap; the caller frees */
	size_t body_len;
};

/* Answer one request as the server would (auth, routing, faults, models),
 * without sleeping.  Thread-safe; takes the server's mutex for the models.
 * The server need not be started (the clock then starts at create). */
void sim_server_dispatch(struct sim_server *s, const struct sim_http_request *req,
			 struct sim_http_response *resp);

#endif
