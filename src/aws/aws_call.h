/* aws_call.h: the one internal entry point the per-service files use to
 * send a request through a struct aws_client (aws_client.c), and the reply
 * they get back.  Not public: callers use the operation functions. */
#ifndef CUTOVER_AWS_CALL_H
#define CUTOVER_AWS_CALL_H

#include <stddef.h>

#include "cutover/aws_client.h"
#include "cutover/strbuf.h"

/* How safe a call is to send twice (AWS-WIRE.md 4.2). */
enum aws_repeat {
	/* Reads, and writes that carry their own idempotency (a named
	 * StartExecution, PutParameter with Overwrite): every retryable failure
	 * is retried. */
	AWS_REPEAT_SAFE,
	/* Retried only when the service provably did nothing: throttled, or the
	 * request never left (DNS, connect refused).  A timeout, a 5xx or a
	 * dropped connection ends the call with outcome_unknown set. */
	AWS_REPEAT_UNSAFE
};

struct aws_call {
	enum aws_service svc;
	const char *operation;  /* "DescribeExecution"; the X-Amz-Target suffix */
	const char *body;       /* JSON (or Query form for STS) */
	size_t body_len;
	enum aws_repeat repeat;
	/* NULL, or codes that, answered to a retry after an ambiguous failure
	 * (timeout, 5xx, dropped connection), mean the earlier attempt took
	 * effect: the call then succeeds with meta.already_done set.  SendTask*:
	 * TaskTimedOut, InvalidToken; named StartExecution: ExecutionAlreadyExists. */
	const char *const *done_codes;
};

struct aws_reply {
	long http_status;
	struct strbuf body;
	char content_type[96];
	struct aws_result_meta meta;
};

/* Send one call with signing, retries and error mapping.  CUTOVER_OK only
 * for a 2xx answer (or an already_done SendTask*); reply->body then holds it
 * (the caller frees it with aws_reply_free, also on failure). */
enum cutover_status aws_client_call(struct aws_client *c, const struct aws_call *call,
				    struct aws_reply *reply, struct aws_error *err) CUTOVER_MUST_CHECK;

/* Unsigned GET for health checks: no credentials, no retries.  The body is
 * kept up to body_cap bytes (the rest is read and dropped). */
enum cutover_status aws_client_get(struct aws_client *c, const char *url, size_t body_cap,
				   struct aws_reply *reply, int *truncated, long *latency_ms,
				   struct aws_error *err) CUTOVER_MUST_CHECK;

/* aws_client_get bounded by timeout_ms (connect and the whole request;
 * the connect limit is the client's when that is shorter); 0: the
 * client's own limits. */
enum cutover_status aws_client_get_within(struct aws_client *c, const char *url,
					  size_t body_cap, long timeout_ms,
					  struct aws_reply *reply, int *truncated,
					  long *latency_ms, struct aws_error *err) CUTOVER_MUST_CHECK;

void aws_reply_free(struct aws_reply *r);

/* aws_client_call for a body the caller built: takes ownership of body
 * (NULL means building it ran out of memory: CUTOVER_ENOMEM). */
enum cutover_status aws_client_call_owned(struct aws_client *c, enum aws_service svc,
					  const char *operation, char *body,
					  enum aws_repeat repeat, struct aws_reply *reply,
					  struct aws_error *err) CUTOVER_MUST_CHECK;
/* The same with done_codes (see struct aws_call). */
enum cutover_status aws_client_call_owned_done(struct aws_client *c, enum aws_service svc,
					       const char *operation, char *body,
					       enum aws_repeat repeat,
					       const char *const *done_codes,
					       struct aws_reply *reply,
					       struct aws_error *err) CUTOVER_MUST_CHECK;

/* After a mapping function returned st (EPARSE with what, or ENOMEM), put
 * it into err with the reply's facts; returns st.  OK passes through. */
enum cutover_status aws_mapping_result(struct aws_error *err, enum aws_service svc,
				       const char *operation, const struct aws_reply *reply,
				       enum cutover_status st, const char *what);

/* Record a bad argument (kind INVALID, nothing sent) and return EINVAL. */
enum cutover_status aws_error_invalid(struct aws_error *err, enum aws_service svc,
				      const char *operation, const char *fmt, ...)
	CUTOVER_PRINTF(4, 5);

/* Record an unreadable answer (kind PARSE) and return EPARSE. */
enum cutover_status aws_error_parse(struct aws_error *err, enum aws_service svc,
				    const char *operation, const struct aws_reply *reply,
				    const char *what);

/* "Step Functions", "SSM", "CloudWatch", "STS". */
const char *aws_service_display_name(enum aws_service svc);

#endif
