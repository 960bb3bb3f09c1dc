/* cloudwatch.c: GetMetricData in blocks of 500 with NextToken pages merged,
 * and DescribeAlarms over both alarm types.  Wire shapes are in
 * cloudwatch_json.c. */
#include <stdlib.h>
#include <string.h>

#include "aws_call.h"
#include "cloudwatch_json.h"
#include "cutover/aws_cloudwatch.h"

#define SVC AWS_SVC_CLOUDWATCH
#define QUERIES_PER_CALL 500
#define NAMES_PER_CALL 100
#define MAX_PAGES 1000

static void free_strs(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

void cw_metric_data_free(struct cw_metric_data *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->count; i++) {
		struct cw_result *r = &d->results[i];

		free(r->id);
		free(r->label);
		free(r->status_code);
		free(r->timestamps);
		free(r->values);
		free_strs(r->messages, r->message_count);
	}
	free(d->results);
	free_strs(d->messages, d->message_count);
	memset(d, 0, sizeof(*d));
}

void cw_alarm_list_free(struct cw_alarm_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++) {
		struct cw_alarm *a = &l->items[i];

		free(a->name);
		free(a->arn);
		free(a->state_value);
		free(a->state_reason);
		free(a->namespace_name);
		free(a->metric_name);
		free(a->statistic);
		free(a->comparison_operator);
		free(a->alarm_rule);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

static int empty(const char *s)
{
	return !s || !*s;
}

static enum cutover_status check_query(const struct cw_query *q, size_t i, struct aws_error *err)
{
	static const char op[] = "GetMetricData";

	if (empty(q->id) || q->id[0] < 'a' || q->id[0] > 'z')
		return aws_error_invalid(err, SVC, op, "query %zu: the id \"%s\" must start with a "
					 "lowercase letter.", i + 1, q->id ? q->id : "");
	if (q->expression)
		return CUTOVER_OK;
	if (empty(q->namespace_name) || empty(q->metric_name) || empty(q->stat) || q->period <= 0)
		return aws_error_invalid(err, SVC, op, "query %s: a metric query needs a namespace, "
					 "a metric name, a stat and a period > 0.", q->id);
	return CUTOVER_OK;
}

enum cutover_status cw_get_metric_data(struct aws_client *c, const struct cw_query *queries,
				       size_t query_count, double start, double end,
				       struct cw_metric_data *out, struct aws_error *err)
{
	static const char op[] = "GetMetricData";
	enum cutover_status st = CUTOVER_OK;

	memset(out, 0, sizeof(*out));
	if (!queries || query_count == 0)
		return aws_error_invalid(err, SVC, op, "at least one query is required.");
	if (!(end > start))
		return aws_error_invalid(err, SVC, op, "the end time must be after the start "
					 "time.");
	for (size_t i = 0; i < query_count; i++) {
		st = check_query(&queries[i], i, err);
		if (st != CUTOVER_OK)
			return st;
	}
	for (size_t at = 0; at < query_count && st == CUTOVER_OK; at += QUERIES_PER_CALL) {
		size_t n = query_count - at < QUERIES_PER_CALL ? query_count - at
							       : QUERIES_PER_CALL;
		char *next = NULL;

		for (int page = 0; page < MAX_PAGES; page++) {
			struct aws_reply reply;
			const char *what = NULL;
			char *token = next;

			next = NULL;
			st = aws_client_call_owned(c, SVC, op,
						   cw_json_metric_data_body(queries + at, n, start,
									    end, token),
						   AWS_REPEAT_SAFE, &reply, err);
			free(token);
			if (st == CUTOVER_OK)
				st = aws_mapping_result(err, SVC, op, &reply,
							cw_json_metric_data_page(reply.body.data,
										 reply.body.len,
										 out, &next,
										 &what),
							what);
			aws_reply_free(&reply);
			if (st != CUTOVER_OK || !next)
				break;
		}
		free(next);
	}
	if (st != CUTOVER_OK)
		cw_metric_data_free(out);
	return st;
}

static enum cutover_status alarms_block(struct aws_client *c, const char *const *names,
					size_t n, const char *prefix, size_t max,
					struct cw_alarm_list *out, struct aws_error *err)
{
	static const char op[] = "DescribeAlarms";
	enum cutover_status st = CUTOVER_OK;
	char *next = NULL;

	for (int page = 0; page < MAX_PAGES; page++) {
		struct aws_reply reply;
		const char *what = NULL;
		char *token = next;

		next = NULL;
		st = aws_client_call_owned(c, SVC, op,
					   cw_json_alarms_body(names, n, prefix, 100, token),
					   AWS_REPEAT_SAFE, &reply, err);
		free(token);
		if (st == CUTOVER_OK)
			st = aws_mapping_result(err, SVC, op, &reply,
						cw_json_alarms_page(reply.body.data, reply.body.len,
								    out, max, &next, &what),
						what);
		aws_reply_free(&reply);
		if (st != CUTOVER_OK || !next || out->truncated)
			break;
	}
	free(next);
	return st;
}

enum cutover_status cw_describe_alarms(struct aws_client *c, const char *const *names,
				       size_t name_count, const char *prefix, size_t max_items,
				       struct cw_alarm_list *out, struct aws_error *err)
{
	size_t max = max_items ? max_items : 1000;
	enum cutover_status st = CUTOVER_OK;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < name_count; i++)
		if (!names || empty(names[i]))
			return aws_error_invalid(err, SVC, "DescribeAlarms", "alarm name %zu is "
						 "empty.", i + 1);
	if (name_count == 0) {
		st = alarms_block(c, NULL, 0, prefix, max, out, err);
	} else {
		for (size_t at = 0; at < name_count && st == CUTOVER_OK && !out->truncated;
		     at += NAMES_PER_CALL) {
			size_t n = name_count - at < NAMES_PER_CALL ? name_count - at
								    : NAMES_PER_CALL;

			st = alarms_block(c, names + at, n, prefix, max, out, err);
		}
	}
	if (st != CUTOVER_OK)
		cw_alarm_list_free(out);
	return st;
}
