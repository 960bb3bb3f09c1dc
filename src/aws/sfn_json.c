/* sfn_json.c: the Step Functions wire shapes (AWS-WIRE.md 2.1) mapped to
 * and from struct sfn_*.  input/output/parameters are JSON *strings* inside
 * the JSON and stay strings here. */
#include <stdlib.h>
#include <string.h>

#include "aws_json.h"
#include "sfn_json.h"

static char *body_with(cJSON *root, int ok)
{
	if (!ok) {
		cJSON_Delete(root);
		return NULL;
	}
	return aws_json_finish(root);
}

char *sfn_json_arn_body(const char *key, const char *arn)
{
	cJSON *r = cJSON_CreateObject();

	return body_with(r, r && aws_json_add_str(r, key, arn));
}

char *sfn_json_history_body(const char *arn, const struct sfn_history_opts *o, int page_size,
			    const char *next_token)
{
	cJSON *r = cJSON_CreateObject();
	int ok = r && aws_json_add_str(r, "executionArn", arn);

	if (ok && page_size > 0)
		ok = cJSON_AddNumberToObject(r, "maxResults", page_size) != NULL;
	if (ok)
		ok = cJSON_AddBoolToObject(r, "reverseOrder", o->reverse_order != 0) != NULL;
	if (ok)
		ok = cJSON_AddBoolToObject(r, "includeExecutionData",
					   o->include_execution_data != 0) != NULL;
	if (ok)
		ok = aws_json_add_str(r, "nextToken", next_token);
	return body_with(r, ok);
}

char *sfn_json_list_body(const char *sm_arn, const char *status, int page_size,
			 const char *next_token)
{
	cJSON *r = cJSON_CreateObject();
	int ok = r && aws_json_add_str(r, "stateMachineArn", sm_arn) &&
		 aws_json_add_str(r, "statusFilter", status);

	if (ok && page_size > 0)
		ok = cJSON_AddNumberToObject(r, "maxResults", page_size) != NULL;
	if (ok)
		ok = aws_json_add_str(r, "nextToken", next_token);
	return body_with(r, ok);
}

char *sfn_json_start_body(const char *sm_arn, const char *name, const char *input)
{
	cJSON *r = cJSON_CreateObject();

	return body_with(r, r && aws_json_add_str(r, "stateMachineArn", sm_arn) &&
			 aws_json_add_str(r, "name", name) &&
			 aws_json_add_str(r, "input", input ? input : "{}"));
}

char *sfn_json_stop_body(const char *arn, const char *error, const char *cause)
{
	cJSON *r = cJSON_CreateObject();

	return body_with(r, r && aws_json_add_str(r, "executionArn", arn) &&
			 aws_json_add_str(r, "error", error) && aws_json_add_str(r, "cause", cause));
}

char *sfn_json_task_success_body(const char *token, const char *output)
{
	cJSON *r = cJSON_CreateObject();

	return body_with(r, r && aws_json_add_str(r, "taskToken", token) &&
			 aws_json_add_str(r, "output", output));
}

char *sfn_json_task_failure_body(const char *token, const char *error, const char *cause)
{
	cJSON *r = cJSON_CreateObject();

	return body_with(r, r && aws_json_add_str(r, "taskToken", token) &&
			 aws_json_add_str(r, "error", error) && aws_json_add_str(r, "cause", cause));
}

/* ---- answers ------------------------------------------------------------ */

static void fill_execution(const cJSON *o, struct sfn_execution *e, int *oom)
{
	e->execution_arn = aws_json_dup(o, "executionArn", oom);
	e->state_machine_arn = aws_json_dup(o, "stateMachineArn", oom);
	e->name = aws_json_dup(o, "name", oom);
	e->status = aws_json_dup(o, "status", oom);
	e->start_date = aws_json_num(o, "startDate");
	e->stop_date = aws_json_num(o, "stopDate");
	e->input = aws_json_dup(o, "input", oom);
	e->output = aws_json_dup(o, "output", oom);
	e->error = aws_json_dup(o, "error", oom);
	e->cause = aws_json_dup(o, "cause", oom);
	e->redrive_count = (long)aws_json_num(o, "redriveCount");
	e->redrive_status = aws_json_dup(o, "redriveStatus", oom);
}

enum cutover_status sfn_json_execution(const char *body, size_t len, struct sfn_execution *out,
				       const char **what)
{
	cJSON *root = aws_json_parse_object(body, len);
	int oom = 0;

	memset(out, 0, sizeof(*out));
	if (!root) {
		*what = "the answer is not a JSON object";
		return CUTOVER_EPARSE;
	}
	fill_execution(root, out, &oom);
	cJSON_Delete(root);
	if (oom) {
		sfn_execution_free(out);
		return CUTOVER_ENOMEM;
	}
	if (!out->execution_arn || !out->status) {
		sfn_execution_free(out);
		*what = "executionArn or status missing";
		return CUTOVER_EPARSE;
	}
	return CUTOVER_OK;
}

static enum cutover_status page_token(const cJSON *root, const char *key, char **next, int *oom)
{
	*next = aws_json_dup(root, key, oom);
	if (*next && !**next) {
		free(*next);
		*next = NULL;
	}
	return *oom ? CUTOVER_ENOMEM : CUTOVER_OK;
}

enum cutover_status sfn_json_execution_page(const char *body, size_t len,
					    struct sfn_execution_list *l, size_t max,
					    char **next_token, const char **what)
{
	cJSON *root = aws_json_parse_object(body, len);
	const cJSON *arr, *it;
	int oom = 0;
	enum cutover_status st = CUTOVER_OK;

	*next_token = NULL;
	if (!root) {
		*what = "the answer is not a JSON object";
		return CUTOVER_EPARSE;
	}
	arr = cJSON_GetObjectItemCaseSensitive(root, "executions");
	if (!cJSON_IsArray(arr)) {
		*what = "executions missing";
		st = CUTOVER_EPARSE;
		goto out;
	}
	cJSON_ArrayForEach(it, arr) {
		struct sfn_execution *grown;

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
		fill_execution(it, &l->items[l->count], &oom);
		l->count++;
		if (oom) {
			st = CUTOVER_ENOMEM;
			goto out;
		}
	}
	st = page_token(root, "nextToken", next_token, &oom);
	if (st == CUTOVER_OK && l->truncated == 0 && l->count >= max && *next_token)
		l->truncated = 1;
out:
	cJSON_Delete(root);
	return st;
}

/* The one "<type>EventDetails" member of a history event. */
static const cJSON *event_details(const cJSON *ev)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, ev) {
		size_t kl = m->string ? strlen(m->string) : 0;

		if (kl > 12 && strcmp(m->string + kl - 12, "EventDetails") == 0 && cJSON_IsObject(m))
			return m;
	}
	return NULL;
}

static void fill_event(const cJSON *ev, struct sfn_history_event *e, int *oom)
{
	const cJSON *d = event_details(ev);

	e->id = (long long)aws_json_num(ev, "id");
	e->previous_event_id = (long long)aws_json_num(ev, "previousEventId");
	e->timestamp = aws_json_num(ev, "timestamp");
	e->type = aws_json_dup(ev, "type", oom);
	if (!d)
		return;
	e->state_name = aws_json_dup(d, "name", oom);
	e->resource_type = aws_json_dup(d, "resourceType", oom);
	e->resource = aws_json_dup(d, "resource", oom);
	e->input = aws_json_dup(d, "input", oom);
	e->output = aws_json_dup(d, "output", oom);
	e->parameters = aws_json_dup(d, "parameters", oom);
	e->error = aws_json_dup(d, "error", oom);
	e->cause = aws_json_dup(d, "cause", oom);
	e->timeout_s = (long)aws_json_num(d, "timeoutInSeconds");
	e->heartbeat_s = (long)aws_json_num(d, "heartbeatInSeconds");
	e->details_json = cJSON_PrintUnformatted(d);
	if (!e->details_json)
		*oom = 1;
}

enum cutover_status sfn_json_history_page(const char *body, size_t len, struct sfn_history *h,
					  size_t max, char **next_token, const char **what)
{
	cJSON *root = aws_json_parse_object(body, len);
	const cJSON *arr, *it;
	int oom = 0;
	enum cutover_status st = CUTOVER_OK;

	*next_token = NULL;
	if (!root) {
		*what = "the answer is not a JSON object";
		return CUTOVER_EPARSE;
	}
	arr = cJSON_GetObjectItemCaseSensitive(root, "events");
	if (!cJSON_IsArray(arr)) {
		*what = "events missing";
		st = CUTOVER_EPARSE;
		goto out;
	}
	cJSON_ArrayForEach(it, arr) {
		struct sfn_history_event *grown;

		if (h->count >= max) {
			h->truncated = 1;
			break;
		}
		grown = realloc(h->events, (h->count + 1) * sizeof(*grown));
		if (!grown) {
			st = CUTOVER_ENOMEM;
			goto out;
		}
		h->events = grown;
		memset(&h->events[h->count], 0, sizeof(*grown));
		fill_event(it, &h->events[h->count], &oom);
		h->count++;
		if (oom) {
			st = CUTOVER_ENOMEM;
			goto out;
		}
	}
	st = page_token(root, "nextToken", next_token, &oom);
	if (st == CUTOVER_OK && h->count >= max && *next_token)
		h->truncated = 1;
out:
	cJSON_Delete(root);
	return st;
}

enum cutover_status sfn_json_state_machine(const char *body, size_t len,
					   struct sfn_state_machine *out, const char **what)
{
	cJSON *root = aws_json_parse_object(body, len);
	int oom = 0;

	memset(out, 0, sizeof(*out));
	if (!root) {
		*what = "the answer is not a JSON object";
		return CUTOVER_EPARSE;
	}
	out->arn = aws_json_dup(root, "stateMachineArn", &oom);
	out->name = aws_json_dup(root, "name", &oom);
	out->status = aws_json_dup(root, "status", &oom);
	out->type = aws_json_dup(root, "type", &oom);
	out->definition = aws_json_dup(root, "definition", &oom);
	out->role_arn = aws_json_dup(root, "roleArn", &oom);
	out->description = aws_json_dup(root, "description", &oom);
	out->creation_date = aws_json_num(root, "creationDate");
	cJSON_Delete(root);
	if (oom) {
		sfn_state_machine_free(out);
		return CUTOVER_ENOMEM;
	}
	if (!out->arn || !out->name) {
		sfn_state_machine_free(out);
		*what = "stateMachineArn or name missing";
		return CUTOVER_EPARSE;
	}
	return CUTOVER_OK;
}

enum cutover_status sfn_json_start(const char *body, size_t len, struct sfn_start_result *out,
				   const char **what)
{
	cJSON *root = aws_json_parse_object(body, len);
	int oom = 0;

	if (!root) {
		*what = "the answer is not a JSON object";
		return CUTOVER_EPARSE;
	}
	out->execution_arn = aws_json_dup(root, "executionArn", &oom);
	out->start_date = aws_json_num(root, "startDate");
	cJSON_Delete(root);
	if (oom)
		return CUTOVER_ENOMEM;
	if (!out->execution_arn) {
		*what = "executionArn missing";
		return CUTOVER_EPARSE;
	}
	return CUTOVER_OK;
}

enum cutover_status sfn_json_stop(const char *body, size_t len, double *stop_date,
				  const char **what)
{
	cJSON *root = aws_json_parse_object(body, len);

	if (!root) {
		*what = "the answer is not a JSON object";
		return CUTOVER_EPARSE;
	}
	*stop_date = aws_json_num(root, "stopDate");
	cJSON_Delete(root);
	return CUTOVER_OK;
}
