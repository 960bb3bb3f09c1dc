/* sfn.c: the Step Functions operations: argument checks, paging, and which
 * calls are safe to repeat.  Wire shapes are in sfn_json.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_call.h"
#include "cutover/aws_sfn.h"
#include "sfn_json.h"

#define SVC AWS_SVC_SFN
/* A runaway paginator (a server that always returns nextToken) stops here. */
#define MAX_PAGES 1000

void sfn_execution_free(struct sfn_execution *e)
{
	if (!e)
		return;
	free(e->execution_arn);
	free(e->state_machine_arn);
	free(e->name);
	free(e->status);
	free(e->input);
	free(e->output);
	free(e->error);
	free(e->cause);
	free(e->redrive_status);
	memset(e, 0, sizeof(*e));
}

void sfn_execution_list_free(struct sfn_execution_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++)
		sfn_execution_free(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void sfn_state_machine_free(struct sfn_state_machine *m)
{
	if (!m)
		return;
	free(m->arn);
	free(m->name);
	free(m->status);
	free(m->type);
	free(m->definition);
	free(m->role_arn);
	free(m->description);
	memset(m, 0, sizeof(*m));
}

void sfn_history_free(struct sfn_history *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->count; i++) {
		struct sfn_history_event *e = &h->events[i];

		free(e->type);
		free(e->state_name);
		free(e->resource_type);
		free(e->resource);
		free(e->input);
		free(e->output);
		free(e->parameters);
		free(e->error);
		free(e->cause);
		free(e->details_json);
	}
	free(h->events);
	memset(h, 0, sizeof(*h));
}

void sfn_start_result_free(struct sfn_start_result *r)
{
	if (!r)
		return;
	free(r->execution_arn);
	memset(r, 0, sizeof(*r));
}

static const char *const task_done_codes[] = { "TaskTimedOut", "InvalidToken", NULL };
static const char *const start_done_codes[] = { "ExecutionAlreadyExists", NULL };

static int empty(const char *s)
{
	return !s || !*s;
}

enum cutover_status sfn_describe_execution(struct aws_client *c, const char *execution_arn,
					   struct sfn_execution *out, struct aws_error *err)
{
	static const char op[] = "DescribeExecution";
	struct aws_reply reply;
	const char *what = NULL;
	enum cutover_status st;

	memset(out, 0, sizeof(*out));
	if (empty(execution_arn))
		return aws_error_invalid(err, SVC, op, "an execution ARN is required.");
	st = aws_client_call_owned(c, SVC, op, sfn_json_arn_body("executionArn", execution_arn),
				   AWS_REPEAT_SAFE, &reply, err);
	if (st == CUTOVER_OK)
		st = aws_mapping_result(err, SVC, op, &reply,
					sfn_json_execution(reply.body.data, reply.body.len, out,
							   &what), what);
	aws_reply_free(&reply);
	return st;
}

enum cutover_status sfn_get_execution_history(struct aws_client *c, const char *execution_arn,
					      const struct sfn_history_opts *opts,
					      struct sfn_history *out, struct aws_error *err)
{
	static const char op[] = "GetExecutionHistory";
	struct sfn_history_opts dflt = { 0, 1, 0, 0 };
	const struct sfn_history_opts *o = opts ? opts : &dflt;
	size_t max = o->max_events ? o->max_events : (size_t)-1;
	char *next = NULL;
	enum cutover_status st = CUTOVER_OK;
	int page_size = o->page_size;

	memset(out, 0, sizeof(*out));
	if (empty(execution_arn))
		return aws_error_invalid(err, SVC, op, "an execution ARN is required.");
	if (page_size < 0 || page_size > 1000)
		return aws_error_invalid(err, SVC, op, "page size %d is outside 0..1000.",
					 page_size);
	/* no point asking for more than we keep */
	if (o->max_events && (page_size == 0 || (size_t)page_size > o->max_events) &&
	    o->max_events <= 1000)
		page_size = (int)o->max_events;
	for (int page = 0; page < MAX_PAGES; page++) {
		struct aws_reply reply;
		const char *what = NULL;
		char *token = next;

		next = NULL;
		st = aws_client_call_owned(c, SVC, op,
					   sfn_json_history_body(execution_arn, o, page_size, token),
					   AWS_REPEAT_SAFE, &reply, err);
		free(token);
		if (st == CUTOVER_OK)
			st = aws_mapping_result(err, SVC, op, &reply,
						sfn_json_history_page(reply.body.data,
								      reply.body.len, out, max,
								      &next, &what), what);
		aws_reply_free(&reply);
		if (st != CUTOVER_OK || !next || out->truncated)
			break;
	}
	free(next);
	if (st != CUTOVER_OK)
		sfn_history_free(out);
	return st;
}

enum cutover_status sfn_list_executions(struct aws_client *c, const char *state_machine_arn,
					const char *status_filter, size_t max_items,
					struct sfn_execution_list *out, struct aws_error *err)
{
	static const char op[] = "ListExecutions";
	size_t max = max_items ? max_items : 1000;
	int page_size = max < 1000 ? (int)max : 1000;
	char *next = NULL;
	enum cutover_status st = CUTOVER_OK;

	memset(out, 0, sizeof(*out));
	if (empty(state_machine_arn))
		return aws_error_invalid(err, SVC, op, "a state machine ARN is required.");
	for (int page = 0; page < MAX_PAGES; page++) {
		struct aws_reply reply;
		const char *what = NULL;
		char *token = next;

		next = NULL;
		st = aws_client_call_owned(c, SVC, op,
					   sfn_json_list_body(state_machine_arn, status_filter,
							      page_size, token),
					   AWS_REPEAT_SAFE, &reply, err);
		free(token);
		if (st == CUTOVER_OK)
			st = aws_mapping_result(err, SVC, op, &reply,
						sfn_json_execution_page(reply.body.data,
									reply.body.len, out, max,
									&next, &what), what);
		aws_reply_free(&reply);
		if (st != CUTOVER_OK || !next || out->truncated)
			break;
	}
	free(next);
	if (st != CUTOVER_OK)
		sfn_execution_list_free(out);
	return st;
}

enum cutover_status sfn_describe_state_machine(struct aws_client *c,
					       const char *state_machine_arn,
					       struct sfn_state_machine *out, struct aws_error *err)
{
	static const char op[] = "DescribeStateMachine";
	struct aws_reply reply;
	const char *what = NULL;
	enum cutover_status st;

	memset(out, 0, sizeof(*out));
	if (empty(state_machine_arn))
		return aws_error_invalid(err, SVC, op, "a state machine ARN is required.");
	st = aws_client_call_owned(c, SVC, op,
				   sfn_json_arn_body("stateMachineArn", state_machine_arn),
				   AWS_REPEAT_SAFE, &reply, err);
	if (st == CUTOVER_OK)
		st = aws_mapping_result(err, SVC, op, &reply,
					sfn_json_state_machine(reply.body.data, reply.body.len,
							       out, &what), what);
	aws_reply_free(&reply);
	return st;
}

static enum cutover_status execution_arn_for(const char *sm_arn, const char *name, char **out,
					     struct aws_error *err)
{
	static const char marker[] = ":stateMachine:";
	const char *at = strstr(sm_arn, marker);
	size_t head, need;

	*out = NULL;
	if (!at)
		return aws_error_invalid(err, SVC, "StartExecution", "\"%s\" is not a state "
					 "machine ARN.", sm_arn);
	head = (size_t)(at - sm_arn);
	need = head + strlen(":execution:") + strlen(at + strlen(marker)) + 1 + strlen(name) + 1;
	*out = malloc(need);
	if (!*out) {
		aws_error_invalid(err, SVC, "StartExecution", "out of memory.");
		if (err)
			err->status = CUTOVER_ENOMEM;
		return CUTOVER_ENOMEM;
	}
	snprintf(*out, need, "%.*s:execution:%s:%s", (int)head, sm_arn, at + strlen(marker), name);
	return CUTOVER_OK;
}

enum cutover_status sfn_start_execution(struct aws_client *c, const char *state_machine_arn,
					const char *name, const char *input_json,
					struct sfn_start_result *out, struct aws_error *err)
{
	static const char op[] = "StartExecution";
	struct aws_reply reply;
	const char *what = NULL;
	enum cutover_status st;

	memset(out, 0, sizeof(*out));
	if (empty(state_machine_arn))
		return aws_error_invalid(err, SVC, op, "a state machine ARN is required.");
	if (empty(name))
		return aws_error_invalid(err, SVC, op, "an execution name is required, so that "
					 "a retry cannot start a second execution.");
	st = aws_client_call_owned_done(c, SVC, op,
					sfn_json_start_body(state_machine_arn, name, input_json),
					AWS_REPEAT_SAFE, start_done_codes, &reply, err);
	if (st == CUTOVER_OK && reply.meta.already_done) {
		/* an earlier attempt started it (and it already finished): its ARN
		 * follows from the machine's, as AWS builds it */
		out->meta = reply.meta;
		st = execution_arn_for(state_machine_arn, name, &out->execution_arn, err);
	} else if (st == CUTOVER_OK) {
		out->meta = reply.meta;
		st = aws_mapping_result(err, SVC, op, &reply,
					sfn_json_start(reply.body.data, reply.body.len, out, &what),
					what);
		if (st != CUTOVER_OK)
			sfn_start_result_free(out);
	}
	aws_reply_free(&reply);
	return st;
}

enum cutover_status sfn_stop_execution(struct aws_client *c, const char *execution_arn,
				       const char *error, const char *cause,
				       struct sfn_stop_result *out, struct aws_error *err)
{
	static const char op[] = "StopExecution";
	struct aws_reply reply;
	const char *what = NULL;
	enum cutover_status st;

	memset(out, 0, sizeof(*out));
	if (empty(execution_arn))
		return aws_error_invalid(err, SVC, op, "an execution ARN is required.");
	st = aws_client_call_owned(c, SVC, op, sfn_json_stop_body(execution_arn, error, cause),
				   AWS_REPEAT_UNSAFE, &reply, err);
	if (st == CUTOVER_OK) {
		out->meta = reply.meta;
		st = aws_mapping_result(err, SVC, op, &reply,
					sfn_json_stop(reply.body.data, reply.body.len,
						      &out->stop_date, &what), what);
	}
	aws_reply_free(&reply);
	return st;
}

static enum cutover_status send_task(struct aws_client *c, const char *op, char *body,
				     struct sfn_task_result *out, struct aws_error *err)
{
	struct aws_reply reply;
	enum cutover_status st;

	st = aws_client_call_owned_done(c, SVC, op, body, AWS_REPEAT_SAFE, task_done_codes, &reply,
					err);
	if (st == CUTOVER_OK)
		out->meta = reply.meta;
	aws_reply_free(&reply);
	return st;
}

enum cutover_status sfn_send_task_success(struct aws_client *c, const char *task_token,
					  const char *output_json, struct sfn_task_result *out,
					  struct aws_error *err)
{
	static const char op[] = "SendTaskSuccess";

	memset(out, 0, sizeof(*out));
	if (empty(task_token))
		return aws_error_invalid(err, SVC, op, "a task token is required.");
	if (empty(output_json))
		return aws_error_invalid(err, SVC, op, "an output JSON document is required "
					 "(\"{}\" will do).");
	return send_task(c, op, sfn_json_task_success_body(task_token, output_json), out, err);
}

enum cutover_status sfn_send_task_failure(struct aws_client *c, const char *task_token,
					  const char *error, const char *cause,
					  struct sfn_task_result *out, struct aws_error *err)
{
	static const char op[] = "SendTaskFailure";

	memset(out, 0, sizeof(*out));
	if (empty(task_token))
		return aws_error_invalid(err, SVC, op, "a task token is required.");
	return send_task(c, op, sfn_json_task_failure_body(task_token, error, cause), out, err);
}
