/* task_token_json.c: the task token finder (see task_token_json.h).  cJSON
 * is confined to this file; nothing of it leaves. */
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "engine/task_token_json.h"

/* Names a state machine author gives the token, best first. */
static const char *const token_keys[] = {"taskToken", "TaskToken", "task_token", "token"};
#define NKEYS (sizeof(token_keys) / sizeof(token_keys[0]))
/* Nesting we follow; deeper parameters are not a place anyone puts a token. */
#define MAX_DEPTH 16

struct best {
	const char *value;
	size_t rank; /* index into token_keys; NKEYS: none yet */
	int depth;
	cJSON *owned[MAX_DEPTH]; /* re-parsed string members, freed at the end */
	size_t nowned;
};

static size_t key_rank(const char *k)
{
	for (size_t i = 0; k && i < NKEYS; i++)
		if (strcmp(k, token_keys[i]) == 0)
			return i;
	return NKEYS;
}

static void search(const cJSON *node, int depth, struct best *b)
{
	const cJSON *c;

	if (depth > MAX_DEPTH)
		return;
	cJSON_ArrayForEach(c, node)
	{
		if (cJSON_IsString(c) && c->valuestring && c->valuestring[0]) {
			size_t r = key_rank(c->string);

			if (r < NKEYS && (r < b->rank || (r == b->rank && depth < b->depth))) {
				b->value = c->valuestring;
				b->rank = r;
				b->depth = depth;
				continue;
			}
			/* A JSON document carried as a string (SQS MessageBody). */
			if (c->valuestring[0] == '{' && b->nowned < MAX_DEPTH) {
				cJSON *inner = cJSON_Parse(c->valuestring);

				if (inner) {
					b->owned[b->nowned++] = inner;
					search(inner, depth + 1, b);
				}
			}
		} else if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
			search(c, depth + 1, b);
		}
	}
}

enum cutover_status task_token_find(const char *parameters_json, char **out)
{
	enum cutover_status st = CUTOVER_OK;
	struct best b = {NULL, NKEYS, 0, {NULL}, 0};
	cJSON *root;

	*out = NULL;
	if (!parameters_json || !parameters_json[0])
		return CUTOVER_OK;
	root = cJSON_Parse(parameters_json);
	if (!root)
		return CUTOVER_EPARSE;
	search(root, 0, &b);
	if (b.value && !(*out = strdup(b.value)))
		st = CUTOVER_ENOMEM;
	for (size_t i = 0; i < b.nowned; i++)
		cJSON_Delete(b.owned[i]);
	cJSON_Delete(root);
	return st;
}
