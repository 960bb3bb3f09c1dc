/* ssm_json.h: SSM request bodies and answers <-> struct ssm_*.  Internal.
 * Same conventions as sfn_json.h. */
#ifndef CUTOVER_SSM_JSON_H
#define CUTOVER_SSM_JSON_H

#include <stddef.h>

#include "cutover/aws_ssm.h"

char *ssm_json_get_parameters_body(const char *const *names, size_t n, int decrypt);
char *ssm_json_by_path_body(const char *path, int recursive, int decrypt, int max_results,
			    const char *next_token);
char *ssm_json_put_body(const struct ssm_put_input *in);
char *ssm_json_history_body(const char *name, int decrypt, int max_results,
			    const char *next_token);

/* Append Parameters (and InvalidParameters) of one page to l, up to max. */
enum cutover_status ssm_json_parameters_page(const char *body, size_t len,
					     struct ssm_parameter_list *l, size_t max,
					     char **next_token, const char **what);
enum cutover_status ssm_json_put(const char *body, size_t len, struct ssm_put_result *out,
				 const char **what);

#endif
