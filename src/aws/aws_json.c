/* aws_json.c: cJSON helpers for the mapping files. */
#include <stdlib.h>
#include <string.h>

#include "aws_json.h"

char *aws_json_dup(const cJSON *o, const char *key, int *oom)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char *s;

	if (!cJSON_IsString(v) || !v->valuestring)
		return NULL;
	s = strdup(v->valuestring);
	if (!s)
		*oom = 1;
	return s;
}

double aws_json_num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

char *aws_json_print(const cJSON *o, const char *key, int *oom)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char *s;

	if (!v)
		return NULL;
	s = cJSON_PrintUnformatted(v);
	if (!s)
		*oom = 1;
	return s;
}

cJSON *aws_json_parse_object(const char *body, size_t len)
{
	cJSON *root;

	if (!body || !len)
		return NULL;
	root = cJSON_ParseWithLength(body, len);
	if (root && !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

char *aws_json_finish(cJSON *root)
{
	char *s = root ? cJSON_PrintUnformatted(root) : NULL;

	cJSON_Delete(root);
	return s;
}

int aws_json_add_str(cJSON *o, const char *key, const char *s)
{
	if (!s)
		return 1;
	return cJSON_AddStringToObject(o, key, s) != NULL;
}
