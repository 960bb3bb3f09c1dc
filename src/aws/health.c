/* health.c: HTTP GET health checks through the client's handle. */
#include <stdlib.h>
#include <string.h>

#include "aws_call.h"
#include "cutover/aws_health.h"

enum cutover_status aws_health_check(struct aws_client *c, const char *url, size_t body_cap,
				     struct aws_health *out, struct aws_error *err)
{
	return aws_health_check_within(c, url, body_cap, 0, out, err);
}

enum cutover_status aws_health_check_within(struct aws_client *c, const char *url,
					    size_t body_cap, long timeout_ms,
					    struct aws_health *out, struct aws_error *err)
{
	struct aws_reply reply;
	enum cutover_status st;

	memset(out, 0, sizeof(*out));
	st = aws_client_get_within(c, url, body_cap, timeout_ms, &reply, &out->truncated,
				   &out->latency_ms, err);
	if (st == CUTOVER_OK) {
		out->http_status = reply.http_status;
		out->body_len = reply.body.len;
		out->body = strbuf_take(&reply.body);
		if (!out->body)
			st = CUTOVER_ENOMEM;
	}
	aws_reply_free(&reply);
	return st;
}

void aws_health_free(struct aws_health *h)
{
	if (!h)
		return;
	free(h->body);
	memset(h, 0, sizeof(*h));
}
