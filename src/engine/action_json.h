/* action_json.h: the JSON the action path writes and reads: audit detail
 * objects and the approval output (the task token finder is
 * task_token_json.h).  The only action file that includes cJSON. */
#ifndef CUTOVER_ACTION_JSON_H
#define CUTOVER_ACTION_JSON_H

#include <stddef.h>

#include "cutover/status.h"

enum action_kv_type { ACTION_KV_STR, ACTION_KV_INT, ACTION_KV_BOOL };

/* One member of a flat JSON object.  A STR member with a NULL value and an
 * INT member flagged `skip` are left out. */
struct action_kv {
	const char *key;
	enum action_kv_type type;
	const char *str;
	long long num;
	int skip;
};

/* Build {"key": value, ...} as compact JSON text; the caller frees it.
 * NULL only when out of memory. */
char *action_json_object(const struct action_kv *kv, size_t n);

#endif
