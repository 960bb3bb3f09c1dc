/* aws_cloudwatch.h: CloudWatch metric data and alarms (awsJson1_0,
 * GraniteServiceVersion20100801.*, x-amzn-query-mode: true).  Same rules as
 * aws_sfn.h: the client's thread, caller-owned results, epoch-second
 * doubles. */
#ifndef CUTOVER_AWS_CLOUDWATCH_H
#define CUTOVER_AWS_CLOUDWATCH_H

#include <stddef.h>

#include "cutover/aws_client.h"

struct cw_dimension {
	const char *name;
	const char *value;
};

/* One MetricDataQuery: either a metric (namespace + metric_name + period +
 * stat) or an expression over other queries' ids.  All borrowed. */
struct cw_query {
	const char *id;             /* starts with a lowercase letter */
	const char *label;          /* optional */
	int hide;                   /* 1: ReturnData false (an input to an expression) */
	const char *expression;     /* set for an expression query */
	const char *namespace_name;
	const char *metric_name;
	const struct cw_dimension *dimensions;
	size_t dimension_count;
	int period;                 /* seconds; required for metric queries */
	const char *stat;           /* "Sum", "Average", "p99" ... */
	const char *unit;           /* optional */
};

struct cw_result {
	char *id, *label;
	char *status_code;          /* Complete | PartialData | InternalError | Forbidden */
	double *timestamps;         /* epoch seconds, ascending */
	double *values;
	size_t count;
	char **messages;            /* "Code: Value" */
	size_t message_count;
};

struct cw_metric_data {
	struct cw_result *results;  /* one per returned id, in first-seen order */
	size_t count;
	char **messages;            /* call-level messages, "Code: Value" */
	size_t message_count;
};
void cw_metric_data_free(struct cw_metric_data *d);

/* Runs every query over [start, end) (epoch seconds), ascending.  More than
 * 500 queries are split into calls of 500 in order, so an expression must
 * sit in the same block of 500 as the queries it uses.  Pages (NextToken)
 * are merged per id. */
enum cutover_status cw_get_metric_data(struct aws_client *c, const struct cw_query *queries,
				       size_t query_count, double start, double end,
				       struct cw_metric_data *out,
				       struct aws_error *err) CUTOVER_MUST_CHECK;

struct cw_alarm {
	char *name, *arn;
	int composite;              /* 1: CompositeAlarm (alarm_rule set) */
	char *state_value;          /* OK | ALARM | INSUFFICIENT_DATA */
	char *state_reason;
	double state_updated;       /* StateUpdatedTimestamp */
	char *namespace_name, *metric_name, *statistic, *comparison_operator;
	double threshold;
	int period, evaluation_periods;
	char *alarm_rule;
};

struct cw_alarm_list {
	struct cw_alarm *items;
	size_t count;
	int truncated;
};
void cw_alarm_list_free(struct cw_alarm_list *l);

/* Metric and composite alarms by name (any number; 100 per call) and/or
 * name prefix; names == NULL and prefix == NULL lists all, up to max_items
 * (0: 1000). */
enum cutover_status cw_describe_alarms(struct aws_client *c, const char *const *names,
				       size_t name_count, const char *prefix, size_t max_items,
				       struct cw_alarm_list *out,
				       struct aws_error *err) CUTOVER_MUST_CHECK;

#endif
