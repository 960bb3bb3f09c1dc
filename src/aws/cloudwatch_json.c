/* cloudwatch_json.c: the CloudWatch JSON 1.0 shapes (AWS-WIRE.md 2.3)
 * mapped to and from struct cw_*.  Timestamps are numbers both ways. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_json.h"
#include "cloudwatch_json.h"

static char *body_with(cJSON *root, int ok)
{
	if (!ok) {
		cJSON_Delete(root);
		return NULL;
	}
	return aws_json_finish(root);
}

static int add_query(cJSON *arr, const struct cw_query *q)
{
	cJSON *o = cJSON_CreateObject(), *ms, *m, *dims;
	int ok = o && cJSON_AddItemToArray(arr, o) && aws_json_add_str(o, "Id", q->id) &&
		 aws_json_add_str(o, "Label", q->label);

	if (!ok)
		return 0;
	if (q->expression) {
		ok = aws_json_add_str(o, "Expression", q->expression);
		if (ok && q->period > 0)
			ok = cJSON_AddNumberToObject(o, "Period", q->period) != NULL;
	} else {
		ms = cJSON_AddObjectToObject(o, "MetricStat");
		m = ms ? cJSON_AddObjectToObject(ms, "Metric") : NULL;
		ok = m && aws_json_add_str(m, "Namespace", q->namespace_name) &&
		     aws_json_add_str(m, "MetricName", q->metric_name);
		if (ok && q->dimension_count) {
			dims = cJSON_AddArrayToObject(m, "Dimensions");
			ok = dims != NULL;
			for (size_t i = 0; ok && i < q->dimension_count; i++) {
				cJSON *d = cJSON_CreateObject();

				ok = d && cJSON_AddItemToArray(dims, d) &&
				     aws_json_add_str(d, "Name", q->dimensions[i].name) &&
				     aws_json_add_str(d, "Value", q->dimensions[i].value);
			}
		}
		ok = ok && cJSON_AddNumberToObject(ms, "Period", q->period) &&
		     aws_json_add_str(ms, "Stat", q->stat) && aws_json_add_str(ms, "Unit", q->unit);
	}
	if (ok && q->hide)
		ok = cJSON_AddBoolToObject(o, "ReturnData", 0) != NULL;
	return ok;
}

char *cw_json_metric_data_body(const struct cw_query *q, size_t n, double start, double end,
			       const char *next_token)
{
	cJSON *r = cJSON_CreateObject();
	cJSON *arr = r ? cJSON_AddArrayToObject(r, "MetricDataQueries") : NULL;
	int ok = arr != NULL;

	for (size_t i = 0; ok && i < n; i++)
		ok = add_query(arr, &q[i]);
	ok = ok && cJSON_AddNumberToObject(r, "StartTime", start) &&
	     cJSON_AddNumberToObject(r, "EndTime", end) &&
	     aws_json_add_str(r, "ScanBy", "TimestampAscending") &&
	     aws_json_add_str(r, "NextToken", next_token);
	return body_with(r, ok);
}

char *cw_json_alarms_body(const char *const *names, size_t n, const char *prefix,
			  int max_records, const char *next_token)
{
	cJSON *r = cJSON_CreateObject(), *types, *arr;
	int ok = r != NULL;

	if (ok && n) {
		arr = cJSON_AddArrayToObject(r, "AlarmNames");
		ok = arr != NULL;
		for (size_t i = 0; ok && i < n; i++) {
			cJSON *s = cJSON_CreateString(names[i]);
			ok = s && cJSON_AddItemToArray(arr, s);
		}
	}
	ok = ok && aws_json_add_str(r, "AlarmNamePrefix", prefix);
	/* without AlarmTypes only metric alarms come back (AWS-WIRE 2.3) */
	types = ok ? cJSON_AddArrayToObject(r, "AlarmTypes") : NULL;
	ok = types && cJSON_AddItemToArray(types, cJSON_CreateString("MetricAlarm")) &&
	     cJSON_AddItemToArray(types, cJSON_CreateString("CompositeAlarm")) &&
	     cJSON_AddNumberToObject(r, "MaxRecords", max_records) &&
	     aws_json_add_str(r, "NextToken", next_token);
	return body_with(r, ok);
}

/* "Code: Value" strings from a Messages list, appended to *list. */
static enum cutover_status add_messages(const cJSON *arr, char ***list, size_t *count)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, arr) {
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(it, "Code");
		const cJSON *val = cJSON_GetObjectItemCaseSensitive(it, "Value");
		const char *cs = cJSON_IsString(code) ? code->valuestring : "";
		const char *vs = cJSON_IsString(val) ? val->valuestring : "";
		size_t need = strlen(cs) + strlen(vs) + 3;
		char **grown = realloc(*list, (*count + 1) * sizeof(char *));
		char *s;

		if (!grown)
			return CUTOVER_ENOMEM;
		*list = grown;
		s = malloc(need);
		if (!s)
			return CUTOVER_ENOMEM;
		snprintf(s, need, "%s%s%s", cs, *cs && *vs ? ": " : "", vs);
		(*list)[(*count)++] = s;
	}
	return CUTOVER_OK;
}

static struct cw_result *result_for(struct cw_metric_data *d, const char *id, int *oom)
{
	struct cw_result *grown;

	for (size_t i = 0; i < d->count; i++)
		if (d->results[i].id && strcmp(d->results[i].id, id) == 0)
			return &d->results[i];
	grown = realloc(d->results, (d->count + 1) * sizeof(*grown));
	if (!grown) {
		*oom = 1;
		return NULL;
	}
	d->results = grown;
	memset(&d->results[d->count], 0, sizeof(*grown));
	d->results[d->count].id = strdup(id);
	if (!d->results[d->count].id) {
		*oom = 1;
		return NULL;
	}
	return &d->results[d->count++];
}

static enum cutover_status merge_result(struct cw_metric_data *d, const cJSON *o,
					const char **what)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "Id");
	const cJSON *ts = cJSON_GetObjectItemCaseSensitive(o, "Timestamps");
	const cJSON *vs = cJSON_GetObjectItemCaseSensitive(o, "Values");
	struct cw_result *r;
	size_t n, add;
	int oom = 0;

	if (!cJSON_IsString(id)) {
		*what = "a MetricDataResult has no Id";
		return CUTOVER_EPARSE;
	}
	n = cJSON_IsArray(ts) ? (size_t)cJSON_GetArraySize(ts) : 0;
	if (n != (cJSON_IsArray(vs) ? (size_t)cJSON_GetArraySize(vs) : 0)) {
		*what = "Timestamps and Values differ in length";
		return CUTOVER_EPARSE;
	}
	r = result_for(d, id->valuestring, &oom);
	if (!r)
		return CUTOVER_ENOMEM;
	if (!r->label)
		r->label = aws_json_dup(o, "Label", &oom);
	free(r->status_code);   /* the last page's status is the one that counts */
	r->status_code = aws_json_dup(o, "StatusCode", &oom);
	if (oom)
		return CUTOVER_ENOMEM;
	if (n) {
		double *t = realloc(r->timestamps, (r->count + n) * sizeof(double));
		double *v;
		const cJSON *a, *b;

		if (!t)
			return CUTOVER_ENOMEM;
		r->timestamps = t;
		v = realloc(r->values, (r->count + n) * sizeof(double));
		if (!v)
			return CUTOVER_ENOMEM;
		r->values = v;
		add = 0;
		for (a = ts->child, b = vs->child; a && b; a = a->next, b = b->next) {
			r->timestamps[r->count + add] = cJSON_IsNumber(a) ? a->valuedouble : 0;
			r->values[r->count + add] = cJSON_IsNumber(b) ? b->valuedouble : 0;
			add++;
		}
		r->count += add;
	}
	return add_messages(cJSON_GetObjectItemCaseSensitive(o, "Messages"), &r->messages,
			    &r->message_count);
}

static enum cutover_status take_token(const cJSON *root, char **next)
{
	int oom = 0;

	*next = aws_json_dup(root, "NextToken", &oom);
	if (*next && !**next) {
		free(*next);
		*next = NULL;
	}
	return oom ? CUTOVER_ENOMEM : CUTOVER_OK;
}

enum cutover_status cw_json_metric_data_page(const char *body, size_t len,
					     struct cw_metric_data *d, char **next_token,
					     const char **what)
{
	cJSON *root = aws_json_parse_object(body, len);
	const cJSON *it;
	enum cutover_status st = CUTOVER_OK;

	*next_token = NULL;
	if (!root) {
		*what = "the answer is not a JSON object";
		return CUTOVER_EPARSE;
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "MetricDataResults")) {
		st = merge_result(d, it, what);
		if (st != CUTOVER_OK)
			goto out;
	}
	st = add_messages(cJSON_GetObjectItemCaseSensitive(root, "Messages"), &d->messages,
			  &d->message_count);
	if (st == CUTOVER_OK)
		st = take_token(root, next_token);
out:
	cJSON_Delete(root);
	return st;
}

static void fill_alarm(const cJSON *o, struct cw_alarm *a, int composite, int *oom)
{
	a->composite = composite;
	a->name = aws_json_dup(o, "AlarmName", oom);
	a->arn = aws_json_dup(o, "AlarmArn", oom);
	a->state_value = aws_json_dup(o, "StateValue", oom);
	a->state_reason = aws_json_dup(o, "StateReason", oom);
	a->state_updated = aws_json_num(o, "StateUpdatedTimestamp");
	a->namespace_name = aws_json_dup(o, "Namespace", oom);
	a->metric_name = aws_json_dup(o, "MetricName", oom);
	a->statistic = aws_json_dup(o, "Statistic", oom);
	a->comparison_operator = aws_json_dup(o, "ComparisonOperator", oom);
	a->threshold = aws_json_num(o, "Threshold");
	a->period = (int)aws_json_num(o, "Period");
	a->evaluation_periods = (int)aws_json_num(o, "EvaluationPeriods");
	a->alarm_rule = aws_json_dup(o, "AlarmRule", oom);
}

static enum cutover_status add_alarms(const cJSON *arr, int composite, struct cw_alarm_list *l,
				      size_t max)
{
	const cJSON *it;
	int oom = 0;

	cJSON_ArrayForEach(it, arr) {
		struct cw_alarm *grown;

		if (l->count >= max) {
			l->truncated = 1;
			break;
		}
		grown = realloc(l->items, (l->count + 1) * sizeof(*grown));
		if (!grown)
			return CUTOVER_ENOMEM;
		l->items = grown;
		memset(&l->items[l->count], 0, sizeof(*grown));
		fill_alarm(it, &l->items[l->count], composite, &oom);
		l->count++;
		if (oom)
			return CUTOVER_ENOMEM;
	}
	return CUTOVER_OK;
}

enum cutover_status cw_json_alarms_page(const char *body, size_t len, struct cw_alarm_list *l,
					size_t max, char **next_token, const char **what)
{
	cJSON *root = aws_json_parse_object(body, len);
	enum cutover_status st;

	*next_token = NULL;
	if (!root) {
		*what = "the answer is not a JSON object";
		return CUTOVER_EPARSE;
	}
	st = add_alarms(cJSON_GetObjectItemCaseSensitive(root, "MetricAlarms"), 0, l, max);
	if (st == CUTOVER_OK)
		st = add_alarms(cJSON_GetObjectItemCaseSensitive(root, "CompositeAlarms"), 1, l,
				max);
	if (st == CUTOVER_OK)
		st = take_token(root, next_token);
	if (st == CUTOVER_OK && l->count >= max && *next_token)
		l->truncated = 1;
	cJSON_Delete(root);
	return st;
}
