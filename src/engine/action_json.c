/* action_json.c: cJSON on the action side: flat detail objects for the
 * audit log and the approval output. */
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
