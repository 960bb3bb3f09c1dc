/* task_token_json.h: find a Step Functions task token inside a
 * TaskScheduled event's parameters (JSON text), wherever the state put it:
 * {"FunctionName": "...", "Payload": {"taskToken": "AQB..."}} for Lambda,
 * "MessageBody": {"TaskToken": ...} for SQS, "token" for a custom worker. */
#ifndef CUTOVER_TASK_TOKEN_JSON_H
#define CUTOVER_TASK_TOKEN_JSON_H

#include <stddef.h>

#include "cutover/status.h"

/* Search parameters_json (may be NULL) at any depth, arrays included, for
 * a string member named taskToken, TaskToken, task_token or token (in that
 * order of preference; the shallowest match of the best name wins).  A
 * member whose value is itself a JSON string holding an object (SQS
 * MessageBody as text) is searched too.  *out gets a heap copy the caller
 * frees, or NULL when there is none.  CUTOVER_EPARSE for text that is not
 * JSON (*out NULL), CUTOVER_ENOMEM.  Pure; any thread. */
enum cutover_status task_token_find(const char *parameters_json, char **out) CUTOVER_MUST_CHECK;

#endif
