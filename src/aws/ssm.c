/* ssm.c: the SSM operations: batching names by 10, following NextToken
 * through empty pages, and the Overwrite rule for retries.  Wire shapes are
 * in ssm_json.c. */
#include <stdlib.h>
#include <string.h>

#include "aws_call.h"
#include "cutover/aws_ssm.h"
#include "ssm_json.h"

#define SVC AWS_SVC_SSM
#define NAMES_PER_CALL 10
#define MAX_PAGES 2000

void ssm_parameter_list_free(struct ssm_parameter_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++) {
		struct ssm_parameter *p = &l->items[i];

		free(p->name);
		free(p->type);
		/* values may be decrypted secrets: wipe before freeing */
		if (p->value)
			for (volatile char *q = p->value; *q; q++)
				*q = 0;
		free(p->value);
		free(p->arn);
		free(p->data_type);
		free(p->selector);
		free(p->last_modified_user);
		free(p->description);
		for (size_t k = 0; k < p->label_count; k++)
			free(p->labels[k]);
		free(p->labels);
	}
	free(l->items);
	for (size_t i = 0; i < l->invalid_count; i++)
		free(l->invalid[i]);
	free(l->invalid);
	memset(l, 0, sizeof(*l));
}

static int empty(const char *s)
{
	return !s || !*s;
}

enum cutover_status ssm_get_parameters(struct aws_client *c, const char *const *names,
				       size_t name_count, int with_decryption,
				       struct ssm_parameter_list *out, struct aws_error *err)
{
	static const char op[] = "GetParameters";
	enum cutover_status st = CUTOVER_OK;

	memset(out, 0, sizeof(*out));
	if (name_count == 0 || !names)
		return aws_error_invalid(err, SVC, op, "at least one parameter name is required.");
	for (size_t i = 0; i < name_count; i++)
		if (empty(names[i]))
			return aws_error_invalid(err, SVC, op, "parameter name %zu is empty.", i + 1);
	for (size_t at = 0; at < name_count && st == CUTOVER_OK; at += NAMES_PER_CALL) {
		size_t n = name_count - at < NAMES_PER_CALL ? name_count - at : NAMES_PER_CALL;
		struct aws_reply reply;
		const char *what = NULL;
		char *next = NULL;

		st = aws_client_call_owned(c, SVC, op,
					   ssm_json_get_parameters_body(names + at, n,
									with_decryption),
					   AWS_REPEAT_SAFE, &reply, err);
		if (st == CUTOVER_OK)
			st = aws_mapping_result(err, SVC, op, &reply,
						ssm_json_parameters_page(reply.body.data,
									 reply.body.len, out,
									 (size_t)-1, &next, &what),
						what);
		free(next);
		aws_reply_free(&reply);
	}
	if (st != CUTOVER_OK)
		ssm_parameter_list_free(out);
	return st;
}

/* Shared by ByPath and History: follow NextToken until done or max. */
static enum cutover_status paged(struct aws_client *c, const char *op, const char *key,
				 int recursive, int decrypt, size_t max_items, int page_size,
				 struct ssm_parameter_list *out, struct aws_error *err)
{
	size_t max = max_items ? max_items : 10000;
	enum cutover_status st = CUTOVER_OK;
	char *next = NULL;

	memset(out, 0, sizeof(*out));
	for (int page = 0; page < MAX_PAGES; page++) {
		struct aws_reply reply;
		const char *what = NULL;
		char *token = next;
		char *body = strcmp(op, "GetParametersByPath") == 0
			? ssm_json_by_path_body(key, recursive, decrypt, page_size, token)
			: ssm_json_history_body(key, decrypt, page_size, token);

		next = NULL;
		free(token);
		st = aws_client_call_owned(c, SVC, op, body, AWS_REPEAT_SAFE, &reply, err);
		if (st == CUTOVER_OK)
			st = aws_mapping_result(err, SVC, op, &reply,
						ssm_json_parameters_page(reply.body.data,
									 reply.body.len, out, max,
									 &next, &what),
						what);
		aws_reply_free(&reply);
		/* an empty page with a NextToken is not the end (AWS-WIRE 2.2) */
		if (st != CUTOVER_OK || !next || out->truncated)
			break;
	}
	free(next);
	if (st != CUTOVER_OK)
		ssm_parameter_list_free(out);
	return st;
}

enum cutover_status ssm_get_parameters_by_path(struct aws_client *c, const char *path,
					       int recursive, int with_decryption,
					       size_t max_items, struct ssm_parameter_list *out,
					       struct aws_error *err)
{
	memset(out, 0, sizeof(*out));
	if (empty(path) || path[0] != '/')
		return aws_error_invalid(err, SVC, "GetParametersByPath", "the path must start "
					 "with '/' (got \"%s\").", path ? path : "");
	return paged(c, "GetParametersByPath", path, recursive, with_decryption, max_items, 10,
		     out, err);
}

enum cutover_status ssm_get_parameter_history(struct aws_client *c, const char *name,
					      int with_decryption, size_t max_items,
					      struct ssm_parameter_list *out, struct aws_error *err)
{
	memset(out, 0, sizeof(*out));
	if (empty(name))
		return aws_error_invalid(err, SVC, "GetParameterHistory", "a parameter name is "
					 "required.");
	return paged(c, "GetParameterHistory", name, 0, with_decryption, max_items, 50, out,
		     err);
}

enum cutover_status ssm_put_parameter(struct aws_client *c, const struct ssm_put_input *in,
				      struct ssm_put_result *out, struct aws_error *err)
{
	static const char op[] = "PutParameter";
	struct aws_reply reply;
	const char *what = NULL;
	enum cutover_status st;

	memset(out, 0, sizeof(*out));
	if (!in || empty(in->name))
		return aws_error_invalid(err, SVC, op, "a parameter name is required.");
	if (!in->value || !*in->value)
		return aws_error_invalid(err, SVC, op, "SSM does not store empty values; give %s a "
					 "value.", in->name);
	st = aws_client_call_owned(c, SVC, op, ssm_json_put_body(in),
				   in->overwrite ? AWS_REPEAT_SAFE : AWS_REPEAT_UNSAFE, &reply, err);
	if (st == CUTOVER_OK) {
		out->meta = reply.meta;
		st = aws_mapping_result(err, SVC, op, &reply,
					ssm_json_put(reply.body.data, reply.body.len, out, &what),
					what);
	}
	aws_reply_free(&reply);
	return st;
}
