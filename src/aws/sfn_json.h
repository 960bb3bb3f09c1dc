/* sfn_json.h: Step Functions request bodies and answers <-> our structs.
 * Internal to src/aws/.  Builders return a malloc'd JSON text (NULL: out of
 * memory).  Parsers return CUTOVER_OK, EPARSE (with *what saying what was
 * wrong) or ENOMEM, and append to / fill the caller's struct. */
#ifndef CUTOVER_SFN_JSON_H
#define CUTOVER_SFN_JSON_H

#include <stddef.h>

#include "cutover/aws_sfn.h"

char *sfn_json_arn_body(const char *key, const char *arn);
char *sfn_json_history_body(const char *arn, const struct sfn_history_opts *o, int page_size,
			    const char *next_token);
char *sfn_json_list_body(const char *sm_arn, const char *status, int page_size,
			 const char *next_token);
char *sfn_json_start_body(const char *sm_arn, const char *name, const char *input);
char *sfn_json_stop_body(const char *arn, const char *error, const char *cause);
char *sfn_json_task_success_body(const char *token, const char *output);
char *sfn_json_task_failure_body(const char *token, const char *error, const char *cause);

enum cutover_status sfn_json_execution(const char *body, size_t len, struct sfn_execution *out,
				       const char **what);
enum cutover_status sfn_json_execution_page(const char *body, size_t len,
					    struct sfn_execution_list *l, size_t max,
					    char **next_token, const char **what);
enum cutover_status sfn_json_history_page(const char *body, size_t len, struct sfn_history *h,
					  size_t max, char **next_token, const char **what);
enum cutover_status sfn_json_state_machine(const char *body, size_t len,
					   struct sfn_state_machine *out, const char **what);
enum cutover_status sfn_json_start(const char *body, size_t len, struct sfn_start_result *out,
				   const char **what);
enum cutover_status sfn_json_stop(const char *body, size_t len, double *stop_date,
				  const char **what);

#endif
