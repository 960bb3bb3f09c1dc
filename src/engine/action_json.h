/* action_json.h: the JSON the action path writes and reads: audit detail
 * objects, the approval output, and the task token inside a TaskScheduled
 * event's parameters.  The only action file that includes cJSON. */
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

/* Find the task token in a TaskScheduled event's parameters (JSON text):
 * a string member named taskToken, TaskToken, task_token or token at any
 * depth, searched also inside members whose value is JSON text (SQS
 * MessageBody).  *out: a heap copy, or NULL when none.  CUTOVER_EPARSE when
 * params is not JSON, CUTOVER_ENOMEM. */
enum cutover_status action_json_task_token(const char *params, char **out) CUTOVER_MUST_CHECK;

#endif
