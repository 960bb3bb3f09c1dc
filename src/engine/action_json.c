/* action_json.c: cJSON on the action side: flat detail objects for the
 * audit log and the approval output, and finding a task token in the
 * parameters Step Functions recorded when it scheduled a waiting task. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "engine/action_json.h"

char *action_json_object(const struct action_kv *kv, size_t n)
{
	cJSON *o = cJSON_CreateObject();
	char *text;

	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		cJSON *v = NULL;

		if (kv[i].skip || (kv[i].type == ACTION_KV_STR && !kv[i].str))
			continue;
		switch (kv[i].type) {
		case ACTION_KV_STR: v = cJSON_CreateString(kv[i].str); break;
		case ACTION_KV_INT: v = cJSON_CreateNumber((double)kv[i].num); break;
		case ACTION_KV_BOOL: v = cJSON_CreateBool(kv[i].num != 0); break;
		}
		if (!v || !cJSON_AddItemToObject(o, kv[i].key, v)) {
			cJSON_Delete(v);
			cJSON_Delete(o);
			return NULL;
		}
	}
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

static const char *const token_names[] = { "taskToken", "TaskToken", "task_token", "token" };
#define NNAMES (sizeof(token_names) / sizeof(token_names[0]))

/* Breadth-first would find the shallowest; a depth-first search that keeps
 * the best (name rank, depth) is as good and simpler. */
static void search(const cJSON *node, int depth, const char **best, int *best_rank,
		   int *best_depth, cJSON **owned)
{
	const cJSON *c;

	if (depth > 32)
		return;
	cJSON_ArrayForEach(c, node) {
		if (cJSON_IsString(c) && c->string && c->valuestring) {
			for (int r = 0; r < (int)NNAMES; r++) {
				if (strcmp(c->string, token_names[r]) != 0)
					continue;
				if (r < *best_rank || (r == *best_rank && depth < *best_depth)) {
					*best = c->valuestring;
					*best_rank = r;
					*best_depth = depth;
				}
			}
			/* A member holding JSON text (SQS MessageBody). */
			if (c->valuestring[0] == '{') {
				cJSON *inner = cJSON_Parse(c->valuestring);

				if (inner) {
					search(inner, depth + 1, best, best_rank, best_depth, owned);
					/* Keep it alive while *best may point into it. */
					inner->next = *owned;
					*owned = inner;
				}
			}
		} else if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
			search(c, depth + 1, best, best_rank, best_depth, owned);
		}
	}
}

enum cutover_status action_json_task_token(const char *params, char **out)
{
	const char *best = NULL;
	int rank = (int)NNAMES, depth = 1 << 20;
	cJSON *root, *owned = NULL;
	enum cutover_status st = CUTOVER_OK;

	*out = NULL;
	if (!params)
		return CUTOVER_OK;
	root = cJSON_Parse(params);
	if (!root)
		return CUTOVER_EPARSE;
	search(root, 0, &best, &rank, &depth, &owned);
	if (best && !(*out = strdup(best)))
		st = CUTOVER_ENOMEM;
	while (owned) {
		cJSON *next = owned->next;

		owned->next = NULL;
		cJSON_Delete(owned);
		owned = next;
	}
	cJSON_Delete(root);
	return st;
}
