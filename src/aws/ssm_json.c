/* ssm_json.c: the SSM wire shapes (AWS-WIRE.md 2.2) mapped to and from
 * struct ssm_*.  Versions are longs, LastModifiedDate an epoch double. */
#include <stdlib.h>
#include <string.h>

#include "aws_json.h"
#include "ssm_json.h"

static char *body_with(cJSON *root, int ok)
{
	if (!ok) {
		cJSON_Delete(root);
		return NULL;
	}
	return aws_json_finish(root);
}

char *ssm_json_get_parameters_body(const char *const *names, size_t n, int decrypt)
{
	cJSON *r = cJSON_CreateObject(), *arr = r ? cJSON_AddArrayToObject(r, "Names") : NULL;
	int ok = arr != NULL;

	for (size_t i = 0; ok && i < n; i++) {
		cJSON *s = cJSON_CreateString(names[i]);
		ok = s && cJSON_AddItemToArray(arr, s);
	}
	if (ok)
		ok = cJSON_AddBoolToObject(r, "WithDecryption", decrypt != 0) != NULL;
	return body_with(r, ok);
}

char *ssm_json_by_path_body(const char *path, int recursive, int decrypt, int max_results,
			    const char *next_token)
{
	cJSON *r = cJSON_CreateObject();
	int ok = r && aws_json_add_str(r, "Path", path) &&
		 cJSON_AddBoolToObject(r, "Recursive", recursive != 0) &&
		 cJSON_AddBoolToObject(r, "WithDecryption", decrypt != 0) &&
		 cJSON_AddNumberToObject(r, "MaxResults", max_results) &&
		 aws_json_add_str(r, "NextToken", next_token);

	return body_with(r, ok);
}

char *ssm_json_put_body(const struct ssm_put_input *in)
{
	cJSON *r = cJSON_CreateObject();
	int ok = r && aws_json_add_str(r, "Name", in->name) &&
		 aws_json_add_str(r, "Value", in->value) &&
		 aws_json_add_str(r, "Type", in->type ? in->type : "String") &&
		 aws_json_add_str(r, "Description", in->description) &&
		 cJSON_AddBoolToObject(r, "Overwrite", in->overwrite != 0);

	return body_with(r, ok);
}

char *ssm_json_history_body(const char *name, int decrypt, int max_results,
			    const char *next_token)
{
	cJSON *r = cJSON_CreateObject();
	int ok = r && aws_json_add_str(r, "Name", name) &&
		 cJSON_AddBoolToObject(r, "WithDecryption", decrypt != 0) &&
		 cJSON_AddNumberToObject(r, "MaxResults", max_results) &&
		 aws_json_add_str(r, "NextToken", next_token);

	return body_with(r, ok);
}

static void fill_parameter(const cJSON *o, struct ssm_parameter *p, int *oom)
{
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(o, "Labels"), *it;

	p->name = aws_json_dup(o, "Name", oom);
	p->type = aws_json_dup(o, "Type", oom);
	p->value = aws_json_dup(o, "Value", oom);
	p->version = (long long)aws_json_num(o, "Version");
	p->last_modified_date = aws_json_num(o, "LastModifiedDate");
	p->arn = aws_json_dup(o, "ARN", oom);
	p->data_type = aws_json_dup(o, "DataType", oom);
	p->selector = aws_json_dup(o, "Selector", oom);
	p->last_modified_user = aws_json_dup(o, "LastModifiedUser", oom);
	p->description = aws_json_dup(o, "Description", oom);
	if (!cJSON_IsArray(labels) || cJSON_GetArraySize(labels) == 0)
		return;
	p->labels = calloc((size_t)cJSON_GetArraySize(labels), sizeof(char *));
	if (!p->labels) {
		*oom = 1;
		return;
	}
	cJSON_ArrayForEach(it, labels) {
		if (!cJSON_IsString(it))
			continue;
		p->labels[p->label_count] = strdup(it->valuestring);
		if (!p->labels[p->label_count]) {
			*oom = 1;
			return;
		}
		p->label_count++;
	}
}

static enum cutover_status add_invalid(struct ssm_parameter_list *l, const cJSON *arr)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, arr) {
		char **grown;

		if (!cJSON_IsString(it))
			continue;
		grown = realloc(l->invalid, (l->invalid_count + 1) * sizeof(*grown));
		if (!grown)
			return CUTOVER_ENOMEM;
		l->invalid = grown;
		l->invalid[l->invalid_count] = strdup(it->valuestring);
		if (!l->invalid[l->invalid_count])
			return CUTOVER_ENOMEM;
		l->invalid_count++;
	}
	return CUTOVER_OK;
}

enum cutover_status ssm_json_parameters_page(const char *body, size_t len,
					     struct ssm_parameter_list *l, size_t max,
					     char **next_token, const char **what)
{
	cJSON *root = aws_json_parse_object(body, len);
	const cJSON *arr, *it;
	enum cutover_status st = CUTOVER_OK;
	int oom = 0;

	*next_token = NULL;
	if (!root) {
		*what = "the answer is not a JSON object";
		return CUTOVER_EPARSE;
	}
	arr = cJSON_GetObjectItemCaseSensitive(root, "Parameters");
	if (arr && !cJSON_IsArray(arr)) {
		*what = "Parameters is not a list";
		st = CUTOVER_EPARSE;
		goto out;
	}
	cJSON_ArrayForEach(it, arr) {
		struct ssm_parameter *grown;

		if (l->count >= max) {
			l->truncated = 1;
			break;
		}
		grown = realloc(l->items, (l->count + 1) * sizeof(*grown));
		if (!grown) {
			st = CUTOVER_ENOMEM;
			goto out;
		}
		l->items = grown;
		memset(&l->items[l->count], 0, sizeof(*grown));
		fill_parameter(it, &l->items[l->count], &oom);
		l->count++;
		if (oom) {
			st = CUTOVER_ENOMEM;
			goto out;
		}
	}
	st = add_invalid(l, cJSON_GetObjectItemCaseSensitive(root, "InvalidParameters"));
	if (st != CUTOVER_OK)
		goto out;
	*next_token = aws_json_dup(root, "NextToken", &oom);
	if (oom) {
		st = CUTOVER_ENOMEM;
		goto out;
	}
	if (*next_token && !**next_token) {
		free(*next_token);
		*next_token = NULL;
	}
	if (l->count >= max && *next_token)
		l->truncated = 1;
out:
	cJSON_Delete(root);
	return st;
}

enum cutover_status ssm_json_put(const char *body, size_t len, struct ssm_put_result *out,
				 const char **what)
{
	cJSON *root = aws_json_parse_object(body, len);
	const cJSON *v, *tier;

	if (!root) {
		*what = "the answer is not a JSON object";
		return CUTOVER_EPARSE;
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "Version");
	tier = cJSON_GetObjectItemCaseSensitive(root, "Tier");
	if (!cJSON_IsNumber(v)) {
		cJSON_Delete(root);
		*what = "Version missing";
		return CUTOVER_EPARSE;
	}
	out->version = (long long)v->valuedouble;
	if (cJSON_IsString(tier)) {
		size_t tl = strlen(tier->valuestring);

		if (tl >= sizeof(out->tier))
			tl = sizeof(out->tier) - 1;
		memcpy(out->tier, tier->valuestring, tl);
		out->tier[tl] = '\0';
	}
	cJSON_Delete(root);
	return CUTOVER_OK;
}
