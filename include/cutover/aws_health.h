/* aws_health.h: unsigned HTTP GET health checks (the runbook's /health
 * gauges).  Uses the client's curl handle (same thread rules) but never its
 * credentials, and never retries: a slow or failing check is the datum. */
#ifndef CUTOVER_AWS_HEALTH_H
#define CUTOVER_AWS_HEALTH_H

#include <stddef.h>

#include "cutover/aws_client.h"

struct aws_health {
	long http_status;   /* 0 when no answer arrived */
	long latency_ms;    /* whole request, connect included */
	char *body;         /* owned; NUL-terminated; at most body_cap bytes */
	size_t body_len;
	int truncated;      /* the server sent more than body_cap */
};

/* GET url.  CUTOVER_OK whenever an HTTP answer arrived, whatever its status
 * (the caller judges 200 vs 503); ETRANSPORT/ETIMEOUT with err naming the
 * URL when none did; EINVAL for a URL that is not http(s).  *out is always
 * initialised; free with aws_health_free. */
enum cutover_status aws_health_check(struct aws_client *c, const char *url, size_t body_cap,
				     struct aws_health *out, struct aws_error *err) CUTOVER_MUST_CHECK;
/* aws_health_check bounded by timeout_ms: connect and the whole request
 * (a rollback `http` step's timeout_s); 0: the client's own limits (15 s
 * by default).  A timeout is ETIMEOUT with err's detail naming the limit. */
enum cutover_status aws_health_check_within(struct aws_client *c, const char *url,
					    size_t body_cap, long timeout_ms,
					    struct aws_health *out,
					    struct aws_error *err) CUTOVER_MUST_CHECK;
void aws_health_free(struct aws_health *h);

#endif
