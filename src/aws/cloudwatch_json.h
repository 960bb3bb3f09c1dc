/* cloudwatch_json.h: CloudWatch request bodies and answers <-> struct cw_*.
 * Internal.  Same conventions as sfn_json.h. */
#ifndef CUTOVER_CLOUDWATCH_JSON_H
#define CUTOVER_CLOUDWATCH_JSON_H

#include <stddef.h>

#include "cutover/aws_cloudwatch.h"

char *cw_json_metric_data_body(const struct cw_query *q, size_t n, double start, double end,
			       const char *next_token);
char *cw_json_alarms_body(const char *const *names, size_t n, const char *prefix,
			  int max_records, const char *next_token);

/* Merge one page's MetricDataResults (by Id) and Messages into d. */
enum cutover_status cw_json_metric_data_page(const char *body, size_t len,
					     struct cw_metric_data *d, char **next_token,
					     const char **what);
enum cutover_status cw_json_alarms_page(const char *body, size_t len, struct cw_alarm_list *l,
					size_t max, char **next_token, const char **what);

#endif
