/* aws_error.h: what went wrong with one AWS call, as a caller-owned value.
 *
 * Every operation in aws_sfn.h, aws_ssm.h, aws_cloudwatch.h and aws_sts.h
 * fills a struct aws_error on failure.  It keeps the facts (HTTP status, the
 * sanitized AWS error code, the message, the request id, the attempts made)
 * apart from the advice, which aws_error_render() adds for a person.  No
 * secret is ever stored here: the client scrubs the access key, the secret
 * and the session token out of anything a server sends back. */
#ifndef CUTOVER_AWS_ERROR_H
#define CUTOVER_AWS_ERROR_H

#include <stddef.h>

#include "cutover/status.h"

enum aws_error_kind {
	AWS_ERR_NONE = 0,
	AWS_ERR_AWS,        /* the service answered with an error code */
	AWS_ERR_TRANSPORT,  /* DNS, connect, TLS, timeout, dropped connection */
	AWS_ERR_AUTH,       /* no credentials, or the service rejected them */
	AWS_ERR_PARSE,      /* an answer we could not read (or too large) */
	AWS_ERR_CANCELLED,  /* the abort hook asked us to stop */
	AWS_ERR_INVALID     /* a bad argument; nothing was sent */
};

struct aws_error {
	enum aws_error_kind kind;
	enum cutover_status status;  /* what the failing function returned */
	long http_status;            /* 0 when no HTTP answer arrived */
	int attempts;                /* requests actually started */
	int retry_quota_exhausted;   /* stopped early: the retry budget ran out */
	int outcome_unknown;         /* a call not safe to repeat may have taken effect */
	char service[16];            /* "Step Functions", "SSM", ... */
	char operation[48];          /* "StopExecution" */
	char action[80];             /* the IAM action: "states:StopExecution" */
	char code[96];               /* sanitized: "ThrottlingException" */
	char message[512];           /* the service's message, scrubbed */
	char request_id[96];
	char endpoint[256];          /* the URL the call went to */
	char detail[256];            /* transport or parse detail (curl's text) */
};

/* Zero the struct.  NULL is a no-op. */
void aws_error_clear(struct aws_error *e);

/* Render for a person: what failed, why, what to do.  Always NUL-terminates
 * (when n > 0); returns the length it wanted, like snprintf. */
size_t aws_error_render(const struct aws_error *e, char *buf, size_t n);

/* Render into a struct cutover_err (which may be NULL) and return e->status. */
enum cutover_status aws_error_to_err(const struct aws_error *e, struct cutover_err *err);

/* Cut a raw error type at the first ':' and keep what follows the last '#':
 * "com.amazon.coral.availability#ThrottlingException" -> "ThrottlingException".
 * For x-amzn-query-error ("InvalidParameterValue;Sender") the ';' part goes too. */
void aws_error_sanitize_code(const char *raw, char *out, size_t n);

/* Standard-mode classification of a sanitized code. */
int aws_error_code_is_throttle(const char *code);
int aws_error_code_is_transient(const char *code);
/* Codes that mean the credentials themselves were rejected. */
int aws_error_code_is_auth(const char *code);

/* Fill code/message/kind from an HTTP error answer: JSON
 * {"__type","message"|"Message"}, Query-style {"Error":{"Code","Message"}} or
 * XML <Code>/<Message>; the headers win for the code as AWS-WIRE.md 2.0/2.3
 * say (x-amzn-query-error first, then __type, then x-amzn-ErrorType).  Any
 * argument but e may be NULL.  Sets kind (AWS or AUTH) and status. */
void aws_error_from_response(struct aws_error *e, long http_status, const char *body,
			     size_t body_len, const char *query_error_hdr,
			     const char *error_type_hdr);

#endif
