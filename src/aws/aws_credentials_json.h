/* aws_credentials_json.h: the JSON documents that hand out credentials
 * (credential_process output, the container endpoint, IMDS) mapped to
 * struct aws_credentials.  Internal to src/aws/; the only place that sees
 * their cJSON trees.  Pure functions, any thread.
 *
 * The documents hold secrets, so no error text ever quotes the input: errors
 * name the field that is missing or wrong, never its value. */
#ifndef CUTOVER_AWS_CREDENTIALS_JSON_H
#define CUTOVER_AWS_CREDENTIALS_JSON_H

#include <stddef.h>

#include "cutover/aws_types.h"

enum aws_creds_doc {
	/* {"Version":1,"AccessKeyId","SecretAccessKey","SessionToken"?,"Expiration"?} */
	AWS_CREDS_DOC_PROCESS,
	/* {"AccessKeyId","SecretAccessKey","Token"?,"Expiration"?} (ECS / EKS) */
	AWS_CREDS_DOC_CONTAINER,
	/* {"Code":"Success","AccessKeyId","SecretAccessKey","Token","Expiration"} */
	AWS_CREDS_DOC_IMDS,
};

/* Parse body (len bytes, need not be NUL-terminated) into *out, which the
 * caller clears later.  out->source is left for the caller.  Returns
 * CUTOVER_EPARSE (not JSON, wrong types, bad timestamp) or CUTOVER_EVALIDATE
 * (a required field missing, wrong Version, Code not Success); err says
 * which field, prefixed by nothing: the caller adds where the document came
 * from.  On failure *out is cleared. */
enum cutover_status aws_credentials_from_json(const char *body, size_t len, enum aws_creds_doc doc,
					      struct aws_credentials *out,
					      struct cutover_err *err) CUTOVER_MUST_CHECK;

#endif
