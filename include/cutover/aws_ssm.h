/* aws_ssm.h: the SSM Parameter Store operations the console uses
 * (awsJson1_1, AmazonSSM.*): reading flags, flipping them, and their
 * history.  Same rules as aws_sfn.h: call on the client's thread; results
 * are caller-owned and released by their _free; timestamps are epoch
 * seconds as doubles. */
#ifndef CUTOVER_AWS_SSM_H
#define CUTOVER_AWS_SSM_H

#include <stddef.h>

#include "cutover/aws_client.h"

struct ssm_parameter {
	char *name;
	char *type;                 /* String | StringList | SecureString */
	char *value;                /* a SecureString is plaintext only WithDecryption */
	long long version;
	double last_modified_date;
	char *arn, *data_type, *selector;
	/* GetParameterHistory only: */
	char *last_modified_user;   /* the IAM ARN that wrote this version */
	char *description;
	char **labels;
	size_t label_count;
};

struct ssm_parameter_list {
	struct ssm_parameter *items;
	size_t count;
	char **invalid;             /* GetParameters: names that do not exist */
	size_t invalid_count;
	int truncated;              /* stopped at max_items with more available */
};
void ssm_parameter_list_free(struct ssm_parameter_list *l);

struct ssm_put_input {
	const char *name;
	const char *value;
	const char *type;           /* NULL: "String" */
	const char *description;    /* optional */
	int overwrite;              /* 1: replace an existing value (and safe to retry) */
};

struct ssm_put_result {
	long long version;          /* the new version */
	char tier[32];
	struct aws_result_meta meta;
};

/* Any number of names; sent 10 per call (the API limit).  Names that do not
 * exist land in out->invalid, not in an error. */
enum cutover_status ssm_get_parameters(struct aws_client *c, const char *const *names,
				       size_t name_count, int with_decryption,
				       struct ssm_parameter_list *out,
				       struct aws_error *err) CUTOVER_MUST_CHECK;

/* Every page (including empty pages that still carry a NextToken) until
 * max_items (0: 10000). */
enum cutover_status ssm_get_parameters_by_path(struct aws_client *c, const char *path,
					       int recursive, int with_decryption,
					       size_t max_items, struct ssm_parameter_list *out,
					       struct aws_error *err) CUTOVER_MUST_CHECK;

/* Without overwrite the call is not repeated after an ambiguous failure
 * (err->outcome_unknown), since a repeat would answer ParameterAlreadyExists. */
enum cutover_status ssm_put_parameter(struct aws_client *c, const struct ssm_put_input *in,
				      struct ssm_put_result *out,
				      struct aws_error *err) CUTOVER_MUST_CHECK;

/* Oldest first, every page until max_items (0: 10000). */
enum cutover_status ssm_get_parameter_history(struct aws_client *c, const char *name,
					      int with_decryption, size_t max_items,
					      struct ssm_parameter_list *out,
					      struct aws_error *err) CUTOVER_MUST_CHECK;

#endif
