/* aws_sts.h: STS GetCallerIdentity, the operator identity the console shows
 * in its header and writes to the audit log.  Query protocol, asking for
 * JSON (Accept: application/json) and reading XML when that is what comes. */
#ifndef CUTOVER_AWS_STS_H
#define CUTOVER_AWS_STS_H

#include "cutover/aws_client.h"

struct sts_identity {
	char account[32];
	char arn[2048];
	char user_id[256];
	char request_id[96];
};

enum cutover_status sts_get_caller_identity(struct aws_client *c, struct sts_identity *out,
					    struct aws_error *err) CUTOVER_MUST_CHECK;

#endif
