/* aws_sfn.h: the Step Functions operations the console uses (awsJson1_0,
 * AWSStepFunctions.*).  Each function sends through a struct aws_client (so
 * call it on that client's thread), returns CUTOVER_OK or the status in err,
 * and fills a caller-owned result that the matching _free releases.
 * Timestamps are epoch seconds as doubles (0 when absent).  Strings are
 * owned by the result; members AWS did not send are NULL. */
#ifndef CUTOVER_AWS_SFN_H
#define CUTOVER_AWS_SFN_H

#include <stddef.h>

#include "cutover/aws_client.h"

struct sfn_execution {
	char *execution_arn;
	char *state_machine_arn;
	char *name;
	char *status;           /* RUNNING SUCCEEDED FAILED TIMED_OUT ABORTED PENDING_REDRIVE */
	double start_date, stop_date;
	char *input, *output;   /* JSON text as AWS stores it (DescribeExecution only) */
	char *error, *cause;
	long redrive_count;
	char *redrive_status;
};
void sfn_execution_free(struct sfn_execution *e);

struct sfn_execution_list {
	struct sfn_execution *items;
	size_t count;
	int truncated;          /* stopped at max_items with more available */
};
void sfn_execution_list_free(struct sfn_execution_list *l);

struct sfn_state_machine {
	char *arn, *name, *status, *type, *definition, *role_arn, *description;
	double creation_date;
};
void sfn_state_machine_free(struct sfn_state_machine *m);

/* One history event.  The common members of the <type>EventDetails object
 * are lifted out; details_json keeps the whole object for anything else. */
struct sfn_history_event {
	long long id, previous_event_id;
	double timestamp;
	char *type;             /* "TaskScheduled" ... */
	char *state_name;       /* state entered/exited */
	char *resource_type, *resource;
	char *input, *output;
	char *parameters;       /* TaskScheduled: resolved Parameters (JSON text) */
	char *error, *cause;
	long timeout_s, heartbeat_s;
	char *details_json;     /* the details object, compact JSON; NULL if none */
};

struct sfn_history {
	struct sfn_history_event *events;
	size_t count;
	int truncated;          /* stopped at max_events with more available */
};
void sfn_history_free(struct sfn_history *h);

struct sfn_history_opts {
	int reverse_order;          /* newest first */
	int include_execution_data; /* input/output/parameters; needed to find task tokens */
	int page_size;              /* maxResults per page, 0: AWS default (100), max 1000 */
	size_t max_events;          /* stop after this many, 0: all pages */
};

struct sfn_start_result {
	char *execution_arn;
	double start_date;
	struct aws_result_meta meta;
};
void sfn_start_result_free(struct sfn_start_result *r);

struct sfn_stop_result {
	double stop_date;
	struct aws_result_meta meta;
};

struct sfn_task_result {
	struct aws_result_meta meta;   /* meta.already_done: see aws_client.h */
};

enum cutover_status sfn_describe_execution(struct aws_client *c, const char *execution_arn,
					   struct sfn_execution *out,
					   struct aws_error *err) CUTOVER_MUST_CHECK;

enum cutover_status sfn_get_execution_history(struct aws_client *c, const char *execution_arn,
					      const struct sfn_history_opts *opts,
					      struct sfn_history *out,
					      struct aws_error *err) CUTOVER_MUST_CHECK;

/* status_filter NULL lists every status; max_items 0 means 1000. */
enum cutover_status sfn_list_executions(struct aws_client *c, const char *state_machine_arn,
					const char *status_filter, size_t max_items,
					struct sfn_execution_list *out,
					struct aws_error *err) CUTOVER_MUST_CHECK;

enum cutover_status sfn_describe_state_machine(struct aws_client *c,
					       const char *state_machine_arn,
					       struct sfn_state_machine *out,
					       struct aws_error *err) CUTOVER_MUST_CHECK;

/* name is required: a named StartExecution is idempotent for STANDARD
 * machines while the execution runs, which is what makes a retry safe.  If a
 * retry after an ambiguous failure answers ExecutionAlreadyExists, the call
 * succeeds with out->meta.already_done set and the ARN built from the
 * machine's.  input_json NULL means "{}". */
enum cutover_status sfn_start_execution(struct aws_client *c, const char *state_machine_arn,
					const char *name, const char *input_json,
					struct sfn_start_result *out,
					struct aws_error *err) CUTOVER_MUST_CHECK;

/* Not repeated after an ambiguous failure (err->outcome_unknown says so):
 * describe the execution before trying again.  error/cause may be NULL. */
enum cutover_status sfn_stop_execution(struct aws_client *c, const char *execution_arn,
				       const char *error, const char *cause,
				       struct sfn_stop_result *out,
				       struct aws_error *err) CUTOVER_MUST_CHECK;

/* output_json is required by AWS ("{}" is fine). */
enum cutover_status sfn_send_task_success(struct aws_client *c, const char *task_token,
					  const char *output_json, struct sfn_task_result *out,
					  struct aws_error *err) CUTOVER_MUST_CHECK;
enum cutover_status sfn_send_task_failure(struct aws_client *c, const char *task_token,
					  const char *error, const char *cause,
					  struct sfn_task_result *out,
					  struct aws_error *err) CUTOVER_MUST_CHECK;

#endif
