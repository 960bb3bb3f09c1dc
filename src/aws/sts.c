/* sts.c: GetCallerIdentity over the Query protocol. */
#include <stdlib.h>
#include <string.h>

#include "aws_call.h"
#include "cutover/aws_sts.h"
#include "sts_json.h"

enum cutover_status sts_get_caller_identity(struct aws_client *c, struct sts_identity *out,
					    struct aws_error *err)
{
	static const char op[] = "GetCallerIdentity";
	struct aws_reply reply;
	const char *what = NULL;
	enum cutover_status st;

	memset(out, 0, sizeof(*out));
	st = aws_client_call_owned(c, AWS_SVC_STS, op,
				   strdup("Action=GetCallerIdentity&Version=2011-06-15"),
				   AWS_REPEAT_SAFE, &reply, err);
	if (st == CUTOVER_OK) {
		memcpy(out->request_id, reply.meta.request_id, sizeof(out->request_id));
		st = aws_mapping_result(err, AWS_SVC_STS, op, &reply,
					sts_json_identity(reply.body.data, reply.body.len, out,
							  &what), what);
	}
	aws_reply_free(&reply);
	return st;
}
