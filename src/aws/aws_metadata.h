/* aws_metadata.h: credentials from the two metadata services a host may
 * offer: the ECS/EKS container endpoint and EC2's IMDSv2.  Internal to
 * src/aws/ (the provider calls them).  Any thread; each call makes its own
 * curl handle (curl_global_init must have run).  Environment variables are
 * read on every call.
 *
 * Both return CUTOVER_ENOENT when the source does not apply here (the
 * container variables are unset, IMDS is disabled or does not answer), with
 * a short reason in *err for the "tried" list, and another error when it
 * applies but fails.  No message quotes a response body. */
#ifndef CUTOVER_AWS_METADATA_H
#define CUTOVER_AWS_METADATA_H

#include "cutover/aws_types.h"

/* AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on http://169.254.170.2) or
 * AWS_CONTAINER_CREDENTIALS_FULL_URI (https, or http to a loopback address
 * or the ECS/EKS link-local hosts only, as botocore allows), with
 * Authorization from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (re-read each
 * time) or AWS_CONTAINER_AUTHORIZATION_TOKEN.  1 s connect, 2 s total,
 * 2 attempts. */
enum cutover_status aws_metadata_container(struct aws_credentials *out,
					   struct cutover_err *err) CUTOVER_MUST_CHECK;

/* IMDSv2 at AWS_EC2_METADATA_SERVICE_ENDPOINT or http://169.254.169.254
 * (http://[fd00:ec2::254] with AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6):
 * PUT a session token, read the role name, read the role's credentials.
 * Skipped (CUTOVER_ENOENT) when AWS_EC2_METADATA_DISABLED=true.  1 s connect
 * and 1 s total per request, one attempt: a laptop gets its answer at once.
 * IMDSv1 is not used. */
enum cutover_status aws_metadata_imds(struct aws_credentials *out,
				      struct cutover_err *err) CUTOVER_MUST_CHECK;

#endif
