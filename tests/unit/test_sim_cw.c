/* test_sim_cw.c: the sim's CloudWatch model and wire: deterministic values,
 * incidents and recovery, stats, alarms and composite rules, GetMetricData
 * (math, paging, errors), DescribeAlarms (filters, paging), the Query form and
 * its XML, and scenario validation.  Writes wire samples to
 * $BUILDDIR/sim_cw_samples/ for tests/integration/sim_cw_botocore.sh. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cutover/strbuf.h"
#include "sim/sim_cw.h"
#include "sim/sim_metrics.h"
#include "sim/sim_service.h"

/* A minute-aligned start, so sample times are T0 + k*60. */
#define T0 1700000100.0
#define ARN "arn:aws:states:us-east-1:123456789012:stateMachine:orders"

static const char scenario[] =
    "{\"region\": \"eu-west-1\", \"account\": \"111122223333\","
    " \"parameters\": [{\"name\": \"/app/rollback\", \"value\": \"false\"}],"
    " \"metrics\": ["
    "  {\"namespace\": \"AWS/States\", \"name\": \"ExecutionsFailed\","
    "   \"dimensions\": {\"StateMachineArn\": \"" ARN "\"},"
    "   \"unit\": \"Count\", \"baseline\": 1, \"noise\": 0.5,"
    "   \"incidents\": [{\"at_s\": 600, \"for_s\": 600, \"to\": 20}],"
    "   \"recover_when\": {\"parameter\": \"/app/rollback\", \"equals\": \"true\","
    "                      \"within_s\": 120}},"
    "  {\"namespace\": \"App\", \"name\": \"Latency\", \"unit\": \"Milliseconds\","
    "   \"baseline\": 100, \"noise\": 10},"
    "  {\"namespace\": \"App\", \"name\": \"Flat\", \"baseline\": 5,"
    "   \"dimensions\": {\"B\": \"2\", \"A\": \"1\"}},"
    "  {\"namespace\": \"App\", \"name\": \"Zero\", \"baseline\": 0}"
    " ],"
    " \"alarms\": ["
    "  {\"name\": \"sfn-failed-high\", \"description\": \"Step Functions failures\","
    "   \"metric\": {\"namespace\": \"AWS/States\", \"name\": \"ExecutionsFailed\","
    "                \"dimensions\": {\"StateMachineArn\": \"" ARN "\"}},"
    "   \"stat\": \"Average\", \"comparison\": \"GreaterThanThreshold\", \"threshold\": 10,"
    "   \"period_s\": 60, \"evaluation_periods\": 3, \"datapoints_to_alarm\": 2},"
    "  {\"name\": \"latency-high\", \"metric\": {\"namespace\": \"App\", \"name\": \"Latency\"},"
    "   \"stat\": \"p99\", \"comparison\": \"GreaterThanOrEqualToThreshold\","
    "   \"threshold\": 1000},"
    "  {\"name\": \"any-bad\", \"rule\": \"ALARM(\\\"sfn-failed-high\\\") OR "
    "ALARM(latency-high)\"},"
    "  {\"name\": \"all-good\", \"rule\": \"NOT ALARM(\\\"any-bad\\\") AND TRUE\"}"
    " ]}";

static struct sim_cw *make_cw(uint64_t seed)
{
	struct cutover_err err = {CUTOVER_OK, ""};
	cJSON *root = cJSON_Parse(scenario);
	struct sim_cw *c = NULL;

	assert_non_null(root);
	if (sim_cw_create(root, seed, T0, NULL, &c, &err) != CUTOVER_OK)
		fail_msg("sim_cw_create: %s", err.msg);
	cJSON_Delete(root);
	return c;
}

static struct sim_metrics *make_metrics(uint64_t seed)
{
	struct cutover_err err = {CUTOVER_OK, ""};
	cJSON *root = cJSON_Parse(scenario);
	struct sim_metrics *m = NULL;

	assert_non_null(root);
	if (sim_metrics_create(root, seed, T0, &m, &err) != CUTOVER_OK)
		fail_msg("sim_metrics_create: %s", err.msg);
	cJSON_Delete(root);
	return m;
}

static const struct sim_dim failed_dims[] = {{"StateMachineArn", ARN}};

static int failed_idx(struct sim_metrics *m)
{
	int i = sim_metrics_find(m, "AWS/States", "ExecutionsFailed", failed_dims, 1);

	assert_true(i >= 0);
	return i;
}

/* ---- samples for the botocore check --------------------------------------------- */

static void save_sample(const char *name, const char *op, const char *protocol,
                        const struct sim_reply *r, const char *expect_code)
{
	char dir[1024], path[1200], tmp[1220];
	cJSON *j = cJSON_CreateObject();
	char *txt;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/sim_cw_samples", BUILDDIR);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		fail_msg("mkdir %s failed", dir);
	cJSON_AddStringToObject(j, "operation", op);
	cJSON_AddStringToObject(j, "protocol", protocol);
	cJSON_AddNumberToObject(j, "status", r->http_status);
	cJSON_AddStringToObject(j, "content_type", r->content_type);
	cJSON_AddStringToObject(j, "query_error", r->query_error);
	cJSON_AddStringToObject(j, "body", r->body ? r->body : "");
	if (expect_code)
		cJSON_AddStringToObject(j, "expect_code", expect_code);
	txt = cJSON_Print(j);
	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	/* One sample per file for the python checker; written aside and renamed
	 * so that a checker running at the same time never reads half a file. */
	f = fopen(tmp, "w");
	assert_non_null(f);
	fputs(txt, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, path), 0);
	free(txt);
	cJSON_Delete(j);
}

/* ---- helpers ---------------------------------------------------------------------- */

static void call(struct sim_cw *c, const char *op, const char *body, double now,
                 struct sim_reply *r)
{
	sim_cw_handle(c, op, body, strlen(body), now, r);
}

static void call_query(struct sim_cw *c, const char *form, double now, struct sim_reply *r)
{
	sim_cw_handle_query(c, form, strlen(form), now, r);
}

static void reply_free(struct sim_reply *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

static cJSON *ok_json(const struct sim_reply *r)
{
	cJSON *j;

	if (r->http_status != 200)
		fail_msg("HTTP %d: %s", r->http_status, r->body ? r->body : "(no body)");
	assert_string_equal(r->content_type, "application/x-amz-json-1.0");
	assert_string_equal(r->query_error, "");
	j = cJSON_Parse(r->body);
	assert_non_null(j);
	return j;
}

static const cJSON *result_by_id(const cJSON *resp, const char *id)
{
	const cJSON *it;

	cJSON_ArrayForEach(
	    it,
	    cJSON_GetObjectItem(
	        resp, "MetricDataResults")) if (strcmp(cJSON_GetObjectItem(it, "Id")->valuestring,
	                                               id) == 0) return it;
	fail_msg("no result %s", id);
	return NULL;
}

static double num_at(const cJSON *arr, int i)
{
	const cJSON *v = cJSON_GetArrayItem(arr, i);

	assert_non_null(v);
	return v->valuedouble;
}

/* ---- values ------------------------------------------------------------------------ */

static void test_values_deterministic(void **state)
{
	struct sim_metrics *a = make_metrics(7), *b = make_metrics(7), *d = make_metrics(8);
	int i = failed_idx(a), differ = 0;
	(void)state;

	for (int64_t ts = (int64_t)T0 - 3600; ts < (int64_t)T0 + 3600; ts += 60) {
		double va = sim_metrics_sample(a, (size_t)i, ts);

		assert_true(va == sim_metrics_sample(b, (size_t)i, ts));
		differ += va != sim_metrics_sample(d, (size_t)i, ts);
		/* quiet time: baseline 1 with noise 0.5 */
		if (ts < (int64_t)T0 + 600)
			assert_true(va >= 0.5 && va <= 1.5);
	}
	assert_true(differ > 100); /* 120 samples; a different seed moves nearly all */
	sim_metrics_destroy(a);
	sim_metrics_destroy(b);
	sim_metrics_destroy(d);
}

struct value_case {
	double rel; /* seconds after T0 */
	double want, tol;
};

static void check_values(struct sim_metrics *m, const struct value_case *vc, size_t n)
{
	size_t idx = (size_t)failed_idx(m);

	for (size_t k = 0; k < n; k++) {
		double v = sim_metrics_sample(m, idx, (int64_t)(T0 + vc[k].rel));

		if (fabs(v - vc[k].want) > vc[k].tol)
			fail_msg("at T0+%g: %g, want %g +- %g", vc[k].rel, v, vc[k].want,
			         vc[k].tol);
	}
}

static void test_incident_window(void **state)
{
	/* incident at 600 for 600 to 20, default ramp 60 s; noise 0.5 */
	static const struct value_case vc[] = {
	    {540, 1, 0.5},   {600, 1, 0.5},     {630, 1, 0.5 + 9.5}, {660, 20, 0.5}, {900, 20, 0.5},
	    {1200, 20, 0.5}, {1230, 10.5, 0.5}, {1260, 1, 0.5},      {3000, 1, 0.5},
	};
	struct sim_metrics *m = make_metrics(1);
	(void)state;

	check_values(m, vc, sizeof(vc) / sizeof(vc[0]));
	/* an unrelated parameter does not move it */
	sim_metrics_parameter_changed(m, "/other", "true", T0 + 700);
	check_values(m, vc, sizeof(vc) / sizeof(vc[0]));
	sim_metrics_destroy(m);
}

static void test_recover_when(void **state)
{
	/* rollback flag true at 700: back to baseline linearly over 120 s;
	 * false again at 900: the incident (still in its window) comes back
	 * at the same rate. */
	static const struct value_case vc[] = {
	    {660, 20, 0.5}, {700, 20, 0.5}, {760, 10.5, 0.5}, {820, 1, 0.5},
	    {880, 1, 0.5},  {900, 1, 0.5},  {960, 10.5, 0.5}, {1020, 20, 0.5},
	};
	struct sim_metrics *m = make_metrics(1);
	(void)state;

	sim_metrics_parameter_changed(m, "/app/rollback", "false", T0 + 650); /* no change */
	sim_metrics_parameter_changed(m, "/app/rollback", "true", T0 + 700);
	for (int i = 0; i < 1000; i++) /* rewrites of the same value change nothing */
		sim_metrics_parameter_changed(m, "/app/rollback", "true", T0 + 700 + i * 0.1);
	sim_metrics_parameter_changed(m, "/app/rollback", "false", T0 + 900);
	check_values(m, vc, sizeof(vc) / sizeof(vc[0]));
	sim_metrics_destroy(m);
}

static void test_initial_value_already_recovered(void **state)
{
	struct cutover_err err = {CUTOVER_OK, ""};
	cJSON *root = cJSON_Parse(scenario);
	struct sim_metrics *m = NULL;
	cJSON *params = cJSON_GetObjectItem(root, "parameters");
	(void)state;

	/* The scenario starts with the rollback flag already on: no incident. */
	cJSON_ReplaceItemInObject(cJSON_GetArrayItem(params, 0), "value",
	                          cJSON_CreateString("true"));
	assert_int_equal(sim_metrics_create(root, 1, T0, &m, &err), CUTOVER_OK);
	assert_true(sim_metrics_sample(m, (size_t)failed_idx(m), (int64_t)T0 + 900) <= 1.5);
	sim_metrics_destroy(m);
	cJSON_Delete(root);
}

static void test_stats(void **state)
{
	static const struct sim_dim flat_dims[] = {{"A", "1"}, {"B", "2"}};
	static const struct sim_dim flat_rev[] = {{"B", "2"}, {"A", "1"}};
	struct sim_metrics *m = make_metrics(3);
	struct sim_stat st;
	int flat = sim_metrics_find(m, "App", "Flat", flat_dims, 2);
	int lat = sim_metrics_find(m, "App", "Latency", NULL, 0);
	int64_t t = (int64_t)T0;
	struct {
		const char *stat;
		double want;
	} flat_cases[] = {
	    {"Sum", 25},    {"SampleCount", 5}, {"Average", 5}, {"Minimum", 5},
	    {"Maximum", 5}, {"p99", 5},         {"p50", 5},
	};
	double mn, mx, avg, p50, p100;
	(void)state;

	assert_true(flat >= 0 && lat >= 0);
	assert_int_equal(sim_metrics_find(m, "App", "Flat", flat_rev, 2), flat);
	assert_int_equal(sim_metrics_find(m, "App", "Flat", flat_dims, 1), -1);
	assert_int_equal(sim_metrics_find(m, "App", "Latency", flat_dims, 1), -1);
	for (size_t k = 0; k < sizeof(flat_cases) / sizeof(flat_cases[0]); k++) {
		assert_int_equal(sim_stat_parse(flat_cases[k].stat, &st), 0);
		assert_float_equal(sim_metrics_stat(m, (size_t)flat, &st, t, t + 300, T0 + 9999),
		                   flat_cases[k].want, 1e-9);
	}
	/* only what exists by now: 2 samples (t, t+60) by t+90 */
	assert_int_equal(sim_stat_parse("Sum", &st), 0);
	assert_float_equal(sim_metrics_stat(m, (size_t)flat, &st, t, t + 300, T0 + 90), 10, 1e-9);
	/* before the default 3-hour history: missing */
	assert_true(isnan(sim_metrics_stat(m, (size_t)flat, &st, t - 20000, t - 19000, T0)));
	assert_true(isnan(sim_metrics_stat(m, (size_t)flat, &st, t + 600, t + 900, T0)));

	/* order of stats over noisy data */
	assert_int_equal(sim_stat_parse("Minimum", &st), 0);
	mn = sim_metrics_stat(m, (size_t)lat, &st, t - 3600, t, T0);
	assert_int_equal(sim_stat_parse("Maximum", &st), 0);
	mx = sim_metrics_stat(m, (size_t)lat, &st, t - 3600, t, T0);
	assert_int_equal(sim_stat_parse("Average", &st), 0);
	avg = sim_metrics_stat(m, (size_t)lat, &st, t - 3600, t, T0);
	assert_int_equal(sim_stat_parse("p50", &st), 0);
	p50 = sim_metrics_stat(m, (size_t)lat, &st, t - 3600, t, T0);
	assert_int_equal(sim_stat_parse("p100", &st), 0);
	p100 = sim_metrics_stat(m, (size_t)lat, &st, t - 3600, t, T0);
	assert_true(90 <= mn && mn < p50 && p50 < mx && mx <= 110);
	assert_true(mn < avg && avg < mx && fabs(avg - 100) < 3);
	assert_float_equal(p100, mx, 0);

	/* statistic names */
	assert_int_equal(sim_stat_parse("p99.9", &st), 0);
	assert_float_equal(st.pct, 99.9, 1e-12);
	assert_int_equal(sim_stat_parse("p0", &st), -1);
	assert_int_equal(sim_stat_parse("p101", &st), -1);
	assert_int_equal(sim_stat_parse("average", &st), -1);
	assert_int_equal(sim_stat_parse("tm99", &st), -2);
	assert_int_equal(sim_stat_parse("IQM", &st), -2);
	sim_metrics_destroy(m);
}

/* ---- alarms ------------------------------------------------------------------------- */

struct alarm_expect {
	const char *name;
	const char *state;
	double updated_rel; /* NAN: do not check */
};

static void check_alarms(struct sim_metrics *m, double now_rel, const struct alarm_expect *x,
                         size_t n)
{
	for (size_t k = 0; k < n; k++) {
		int i = sim_metrics_alarm_find(m, x[k].name);
		struct sim_alarm_view v;

		assert_true(i >= 0);
		sim_metrics_alarm_get(m, (size_t)i, T0 + now_rel, &v);
		if (strcmp(sim_alarm_state_name(v.state), x[k].state) != 0)
			fail_msg("T0+%g %s: %s (%s), want %s", now_rel, x[k].name,
			         sim_alarm_state_name(v.state), v.reason, x[k].state);
		if (!isnan(x[k].updated_rel) && v.state_updated != T0 + x[k].updated_rel)
			fail_msg("T0+%g %s: updated T0%+g, want T0%+g", now_rel, x[k].name,
			         v.state_updated - T0, x[k].updated_rel);
	}
}

static void test_alarm_timeline(void **state)
{
	/* failed-high: Average > 10, 2 of 3 one-minute periods.  Samples are 20
	 * from T0+660 to T0+1200, so two breaching periods first end at T0+780,
	 * and the last breaching pair ends at T0+1320. */
	static const struct {
		double now;
		struct alarm_expect x[4];
	} steps[] = {
	    {300,
	     {{"sfn-failed-high", "OK", -10800 + 60},
	      {"latency-high", "OK", NAN},
	      {"any-bad", "OK", NAN},
	      {"all-good", "ALARM", NAN}}},
	    {770,
	     {{"sfn-failed-high", "OK", -10800 + 60},
	      {"latency-high", "OK", NAN},
	      {"any-bad", "OK", NAN},
	      {"all-good", "ALARM", NAN}}},
	    {900,
	     {{"sfn-failed-high", "ALARM", 780},
	      {"latency-high", "OK", NAN},
	      {"any-bad", "ALARM", 780},
	      {"all-good", "OK", 780}}},
	    {1330,
	     {{"sfn-failed-high", "ALARM", 780},
	      {"latency-high", "OK", NAN},
	      {"any-bad", "ALARM", 780},
	      {"all-good", "OK", 780}}},
	    {1400,
	     {{"sfn-failed-high", "OK", 1380},
	      {"latency-high", "OK", NAN},
	      {"any-bad", "OK", 1380},
	      {"all-good", "ALARM", 1380}}},
	};
	struct sim_metrics *m = make_metrics(5), *fresh;
	(void)state;

	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++)
		check_alarms(m, steps[s].now, steps[s].x, 4);
	/* Asking out of order, or on a fresh model, gives the same answers. */
	fresh = make_metrics(5);
	check_alarms(fresh, steps[2].now, steps[2].x, 4);
	check_alarms(m, steps[2].now, steps[2].x, 4);
	check_alarms(fresh, steps[0].now, steps[0].x, 4);
	sim_metrics_destroy(fresh);
	sim_metrics_destroy(m);
}

static void test_alarm_recovers_after_flag(void **state)
{
	struct sim_metrics *m = make_metrics(5);
	struct alarm_expect alarm = {"sfn-failed-high", "ALARM", 780};
	struct alarm_expect ok = {"sfn-failed-high", "OK", NAN};
	struct sim_alarm_view v;
	(void)state;

	check_alarms(m, 900, &alarm, 1);
	sim_metrics_parameter_changed(m, "/app/rollback", "true", T0 + 900);
	check_alarms(m, 1020, &alarm, 1);
	check_alarms(m, 1150, &ok, 1);
	sim_metrics_alarm_get(m, (size_t)sim_metrics_alarm_find(m, "sfn-failed-high"), T0 + 1150,
	                      &v);
	assert_true(v.state_updated == T0 + 1080 || v.state_updated == T0 + 1140);
	assert_non_null(strstr(v.reason, "Threshold Crossed: "));
	assert_non_null(strstr(v.reason, "were not greater than the threshold (10)"));
	assert_non_null(strstr(v.reason_data, "\"statistic\":\"Average\""));
	/* well before the incident's own end (T0+1200) it stays OK */
	check_alarms(m, 1500, &ok, 1);
	sim_metrics_destroy(m);
}

/* ---- GetMetricData -------------------------------------------------------------------- */

#define FLAT_STAT(id, stat, period, rd)                                                            \
	"{\"Id\":\"" id "\",\"MetricStat\":{\"Metric\":{\"Namespace\":\"App\","                    \
	"\"MetricName\":\"Flat\",\"Dimensions\":[{\"Name\":\"A\",\"Value\":\"1\"},"                \
	"{\"Name\":\"B\",\"Value\":\"2\"}]},\"Period\":" #period ",\"Stat\":\"" stat "\"}"         \
	",\"ReturnData\":" rd "}"
#define RANGE(a, b) "\"StartTime\":" #a ",\"EndTime\":" #b

static void test_gmd_math(void **state)
{
	struct sim_cw *c = make_cw(1);
	struct sim_reply r = {0};
	const char *body = "{\"MetricDataQueries\":[" FLAT_STAT(
	    "m1", "Sum", 300,
	    "false") ","
	             "{\"Id\":\"e1\",\"Expression\":\"m1 * 2 + 1\",\"Label\":\"doubled\"},"
	             "{\"Id\":\"z\",\"MetricStat\":{\"Metric\":{\"Namespace\":\"App\","
	             "\"MetricName\":"
	             "\"Zero\"},\"Period\":300,\"Stat\":\"Sum\"},\"ReturnData\":false},"
	             "{\"Id\":\"e2\",\"Expression\":\"100 * m1 / z\"},"
	             "{\"Id\":\"e3\",\"Expression\":\"FILL(m1, 0)\",\"Period\":300},"
	             "{\"Id\":\"none\",\"MetricStat\":{\"Metric\":{\"Namespace\":\"App\","
	             "\"MetricName\":"
	             "\"Nope\"},\"Period\":60,\"Stat\":\"Sum\"}}"
	             "]," RANGE(1700000100, 1700001000) "}";
	cJSON *j;
	const cJSON *e1, *e2, *ts, *none;
	(void)state;

	call(c, "GetMetricData", body, T0 + 1000, &r);
	save_sample("gmd_math", "GetMetricData", "json", &r, NULL);
	j = ok_json(&r);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "MetricDataResults")), 4);
	e1 = result_by_id(j, "e1");
	assert_string_equal(cJSON_GetObjectItem(e1, "Label")->valuestring, "doubled");
	assert_string_equal(cJSON_GetObjectItem(e1, "StatusCode")->valuestring, "Complete");
	ts = cJSON_GetObjectItem(e1, "Timestamps");
	/* TimestampDescending by default */
	assert_int_equal(cJSON_GetArraySize(ts), 3);
	assert_float_equal(num_at(ts, 0), T0 + 600, 0);
	assert_float_equal(num_at(ts, 2), T0, 0);
	assert_float_equal(num_at(cJSON_GetObjectItem(e1, "Values"), 1), 51, 1e-9);
	/* x/0 drops every point, with CloudWatch's ArithmeticError message */
	e2 = result_by_id(j, "e2");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(e2, "Values")), 0);
	assert_string_equal(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(e2, "Messages"), 0), "Code")
	        ->valuestring,
	    "ArithmeticError");
	assert_string_equal(cJSON_GetObjectItem(e2, "Label")->valuestring, "e2");
	/* an unknown metric is empty, not an error; its label is its name */
	none = result_by_id(j, "none");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(none, "Timestamps")), 0);
	assert_string_equal(cJSON_GetObjectItem(none, "Label")->valuestring, "Nope");
	assert_string_equal(cJSON_GetObjectItem(none, "StatusCode")->valuestring, "Complete");
	assert_non_null(cJSON_GetObjectItem(j, "Messages"));
	assert_null(cJSON_GetObjectItem(j, "NextToken"));
	cJSON_Delete(j);
	reply_free(&r);

	/* ascending, a unit filter that does not match, future range */
	call(c, "GetMetricData",
	     "{\"MetricDataQueries\":[" FLAT_STAT(
	         "m1", "Average", 60,
	         "true") "],\"ScanBy\":\"TimestampAscending\"," RANGE(1700000100, 1700000340) "}",
	     T0 + 1000, &r);
	j = ok_json(&r);
	ts = cJSON_GetObjectItem(result_by_id(j, "m1"), "Timestamps");
	assert_int_equal(cJSON_GetArraySize(ts), 4);
	assert_float_equal(num_at(ts, 0), T0, 0);
	assert_float_equal(num_at(ts, 3), T0 + 180, 0);
	cJSON_Delete(j);
	reply_free(&r);
	call(c, "GetMetricData",
	     "{\"MetricDataQueries\":[{\"Id\":\"l\",\"MetricStat\":{\"Metric\":"
	     "{\"Namespace\":\"App\",\"MetricName\":\"Latency\"},\"Period\":60,\"Stat\":\"p99\","
	     "\"Unit\":\"Seconds\"}}]," RANGE(1700000100, 1700000340) "}",
	     T0 + 1000, &r);
	j = ok_json(&r);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(result_by_id(j, "l"), "Values")),
	                 0);
	cJSON_Delete(j);
	reply_free(&r);
	call(c, "GetMetricData",
	     "{\"MetricDataQueries\":[" FLAT_STAT("m1", "Average", 60,
	                                          "true") "]," RANGE(1700009000, 1700009600) "}",
	     T0 + 1000, &r);
	j = ok_json(&r);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(result_by_id(j, "m1"), "Values")),
	                 0);
	cJSON_Delete(j);
	reply_free(&r);
	sim_cw_destroy(c);
}

static void test_gmd_incident_and_reaction(void **state)
{
	struct sim_cw *c = make_cw(2);
	struct sim_reply r = {0};
	const char *body =
	    "{\"MetricDataQueries\":[{\"Id\":\"f\",\"MetricStat\":{\"Metric\":"
	    "{\"Namespace\":\"AWS/States\",\"MetricName\":\"ExecutionsFailed\",\"Dimensions\":"
	    "[{\"Name\":\"StateMachineArn\",\"Value\":\"" ARN "\"}]},\"Period\":60,"
	    "\"Stat\":\"Maximum\"}}],\"ScanBy\":\"TimestampAscending\"," RANGE(1700000100,
	                                                                       1700001300) "}";
	cJSON *j;
	const cJSON *vals;
	(void)state;

	sim_cw_parameter_changed(c, "/app/rollback", "true", T0 + 900);
	call(c, "GetMetricData", body, T0 + 1200, &r);
	j = ok_json(&r);
	vals = cJSON_GetObjectItem(result_by_id(j, "f"), "Values");
	assert_int_equal(cJSON_GetArraySize(vals), 20);
	for (int i = 0; i < 20; i++) {
		double v = num_at(vals, i);

		if (i < 10 || i >= 17) /* before T0+600, after T0+1020 */
			assert_true(v <= 1.5);
		else if (i >= 11 && i <= 15)
			assert_true(v >= 19.5);
	}
	cJSON_Delete(j);
	reply_free(&r);
	sim_cw_destroy(c);
}

static void collect_page(const cJSON *resp, struct strbuf *acc)
{
	const cJSON *res;

	cJSON_ArrayForEach(res, cJSON_GetObjectItem(resp, "MetricDataResults"))
	{
		const cJSON *ts = cJSON_GetObjectItem(res, "Timestamps");
		const cJSON *vs = cJSON_GetObjectItem(res, "Values");

		for (int i = 0; i < cJSON_GetArraySize(ts); i++)
			assert_int_equal(strbuf_printf(acc, "%s@%.0f=%g;",
			                               cJSON_GetObjectItem(res, "Id")->valuestring,
			                               num_at(ts, i), num_at(vs, i)),
			                 CUTOVER_OK);
	}
}

static void test_gmd_paging(void **state)
{
	struct sim_cw *c = make_cw(3);
	struct sim_reply r = {0};
	struct strbuf whole = STRBUF_INIT, paged = STRBUF_INIT;
	char body[2048];
	const char *queries =
	    "{\"MetricDataQueries\":[{\"Id\":\"lat\",\"MetricStat\":{\"Metric\":"
	    "{\"Namespace\":\"App\",\"MetricName\":\"Latency\"},\"Period\":60,\"Stat\":"
	    "\"Average\"}}," FLAT_STAT("m1", "Sum", 60, "true") "]," RANGE(1700000100, 1700000700);
	char token[256] = "";
	int pages = 0;
	cJSON *j;
	(void)state;

	snprintf(body, sizeof(body), "%s}", queries);
	call(c, "GetMetricData", body, T0 + 5000, &r);
	j = ok_json(&r);
	collect_page(j, &whole);
	cJSON_Delete(j);
	reply_free(&r);
	do {
		const cJSON *t, *res;

		if (token[0])
			snprintf(body, sizeof(body), "%s,\"MaxDatapoints\":7,\"NextToken\":\"%s\"}",
			         queries, token);
		else
			snprintf(body, sizeof(body), "%s,\"MaxDatapoints\":7}", queries);
		/* later pages are cut from the first page's moment */
		call(c, "GetMetricData", body, T0 + 5000 + pages * 30, &r);
		if (pages == 0)
			save_sample("gmd_page1", "GetMetricData", "json", &r, NULL);
		j = ok_json(&r);
		collect_page(j, &paged);
		res = cJSON_GetObjectItem(j, "MetricDataResults");
		t = cJSON_GetObjectItem(j, "NextToken");
		if (pages == 0) {
			assert_int_equal(cJSON_GetArraySize(res), 2);
			assert_string_equal(
			    cJSON_GetObjectItem(cJSON_GetArrayItem(res, 0), "StatusCode")
			        ->valuestring,
			    "PartialData");
		}
		if (t)
			snprintf(token, sizeof(token), "%s", t->valuestring);
		else
			token[0] = '\0';
		pages++;
		cJSON_Delete(j);
		reply_free(&r);
	} while (token[0] && pages < 10);
	assert_int_equal(pages, 3); /* 20 datapoints, 7 a page */
	assert_string_equal(strbuf_str(&paged), strbuf_str(&whole));
	assert_true(whole.len > 0);

	/* a token only fits the request it came from */
	call(c, "GetMetricData",
	     "{\"MetricDataQueries\":[" FLAT_STAT("m1", "Sum", 60, "true") "]," RANGE(
	         1700000100, 1700000700) ",\"NextToken\":\"5000.7.0123456789abcdef\"}",
	     T0 + 5000, &r);
	assert_int_equal(r.http_status, 400);
	assert_string_equal(r.query_error, "InvalidNextToken;Sender");
	reply_free(&r);
	strbuf_free(&whole);
	strbuf_free(&paged);
	sim_cw_destroy(c);
}

struct err_case {
	const char *op;
	const char *body; /* NULL: built by the test */
	int http;
	const char *query_error;
	const char *type; /* __type suffix */
	const char *msg;
};

static const struct err_case err_cases[] = {
    {"GetMetricData",
     "{\"MetricDataQueries\":[{\"Id\":\"M1\",\"Expression\":\"1\"}]," RANGE(1, 2) "}", 400,
     "ValidationError;Sender", "#ValidationException",
     "The value M1 for parameter MetricDataQueries.member.1.Id is not matching the expected "
     "pattern ^[a-z][a-zA-Z0-9_]*$."},
    {"GetMetricData",
     "{\"MetricDataQueries\":[{\"Id\":\"a-b\",\"Expression\":\"1\"}]," RANGE(1, 2) "}", 400,
     "ValidationError;Sender", "#ValidationException", "a-b"},
    {"GetMetricData", "{\"MetricDataQueries\":[{\"Expression\":\"1\"}]," RANGE(1, 2) "}", 400,
     "MissingParameter;Sender", "#MissingRequiredParameterException",
     "The parameter MetricDataQueries.member.1.Id is required."},
    {"GetMetricData",
     "{\"MetricDataQueries\":[{\"Id\":\"a\",\"Expression\":\"1\"}],"
     "\"EndTime\":5}",
     400, "MissingParameter;Sender", "#MissingRequiredParameterException",
     "The parameter StartTime is required."},
    {"GetMetricData", "{" RANGE(1, 2) "}", 400, "MissingParameter;Sender",
     "#MissingRequiredParameterException", "The parameter MetricDataQueries is required."},
    {"GetMetricData", "{\"MetricDataQueries\":[]," RANGE(1, 2) "}", 400, "ValidationError;Sender",
     "#ValidationException", "length greater than or equal to 1"},
    {"GetMetricData", NULL /* 501 queries */, 400, "InvalidParameterValue;Sender",
     "#InvalidParameterValueException",
     "The collection MetricDataQueries must not have a size greater than 500."},
    {"GetMetricData",
     "{\"MetricDataQueries\":[{\"Id\":\"a\",\"Expression\":\"1\"}]," RANGE(5, 5) "}", 400,
     "ValidationError;Sender", "#ValidationException",
     "StartTime must be less than the parameter EndTime"},
    {"GetMetricData",
     "{\"MetricDataQueries\":[" FLAT_STAT("a", "Sum", 7, "true") "]," RANGE(1, 2) "}", 400,
     "InvalidParameterValue;Sender", "#InvalidParameterValueException",
     "MetricDataQueries.member.1.MetricStat.Period must be 1, 5, 10, 20, 30, or any multiple"},
    {"GetMetricData",
     "{\"MetricDataQueries\":[" FLAT_STAT("a", "Median", 60, "true") "]," RANGE(1, 2) "}", 400,
     "ValidationError;Sender", "#ValidationException",
     "The value for parameter MetricDataQueries.member.1.MetricStat.Stat is not a valid "
     "statistic ('Median'"},
    {"GetMetricData",
     "{\"MetricDataQueries\":[" FLAT_STAT("a", "tm99", 60, "true") "]," RANGE(1, 2) "}", 400,
     "InvalidParameterValue;Sender", "#InvalidParameterValueException",
     "not modelled by cutover sim"},
    {"GetMetricData",
     "{\"MetricDataQueries\":[{\"Id\":\"a\",\"MetricStat\":{\"Metric\":{"
     "\"Namespace\":\"App\",\"MetricName\":\"Flat\"},\"Stat\":\"Sum\"}}]," RANGE(1, 2) "}",
     400, "MissingParameter;Sender", "#MissingRequiredParameterException",
     "MetricDataQueries.member.1.MetricStat.Period is required"},
    {"GetMetricData",
     "{\"MetricDataQueries\":[{\"Id\":\"a\",\"Expression\":\"1\","
     "\"MetricStat\":{}}]," RANGE(1, 2) "}",
     400, "ValidationError;Sender", "#ValidationException",
     "Exactly one element of MetricDataQueries.member.1"},
    {"GetMetricData", "{\"MetricDataQueries\":[{\"Id\":\"a\"}]," RANGE(1, 2) "}", 400,
     "ValidationError;Sender", "#ValidationException", "MetricStat or Expression"},
    {"GetMetricData",
     "{\"MetricDataQueries\":[{\"Id\":\"a\",\"Expression\":\"1\"},"
     "{\"Id\":\"a\",\"Expression\":\"2\"}]," RANGE(1, 2) "}",
     400, "ValidationError;Sender", "#ValidationException", "not unique"},
    {"GetMetricData",
     "{\"MetricDataQueries\":[{\"Id\":\"a\",\"Expression\":\"1 +\"}]," RANGE(1, 2) "}", 400,
     "ValidationError;Sender", "#ValidationException", "Error in expression a: expected a value"},
    {"GetMetricData",
     "{\"MetricDataQueries\":[{\"Id\":\"a\",\"Expression\":\"m9 * 2\"}]," RANGE(1, 2) "}", 400,
     "ValidationError;Sender", "#ValidationException", "Unrecognized metric id 'm9'"},
    {"GetMetricData",
     "{\"MetricDataQueries\":[{\"Id\":\"a\",\"Expression\":\"b + 1\"},"
     "{\"Id\":\"b\",\"Expression\":\"a * 2\"}]," RANGE(1700000100, 1700000700) "}",
     400, "ValidationError;Sender", "#ValidationException", "circular reference"},
    {"GetMetricData",
     "{\"MetricDataQueries\":[{\"Id\":\"a\",\"Expression\":\"1\"}]," RANGE(
         1, 2) ",\"ScanBy\":\"Sideways\"}",
     400, "ValidationError;Sender", "#ValidationException", "Value 'Sideways' at 'scanBy'"},
    {"GetMetricData",
     "{\"MetricDataQueries\":[{\"Id\":\"a\",\"Expression\":\"1\"}],"
     "\"StartTime\":\"yesterday\",\"EndTime\":2}",
     400, "", "#SerializationException", "StartTime must be a number"},
    {"GetMetricData",
     "{\"MetricDataQueries\":[{\"Id\":\"a\",\"Expression\":\"1\"}]," RANGE(
         1, 2) ",\"NextToken\":\"garbage\"}",
     400, "InvalidNextToken;Sender", "#InvalidNextToken", "NextToken"},
    {"GetMetricData", "[1,2", 400, "", "#SerializationException", "not a JSON object"},
    {"DescribeAlarms", "{\"MaxRecords\":0}", 400, "ValidationError;Sender", "#ValidationException",
     "Value '0' at 'maxRecords' failed to satisfy constraint: Member "
     "must have value greater than or equal to 1"},
    {"DescribeAlarms", "{\"MaxRecords\":101}", 400, "ValidationError;Sender",
     "#ValidationException", "less than or equal to 100"},
    {"DescribeAlarms", "{\"StateValue\":\"BAD\"}", 400, "ValidationError;Sender",
     "#ValidationException", "at 'stateValue'"},
    {"DescribeAlarms", "{\"AlarmTypes\":[\"MetricAlarm\",\"Other\"]}", 400,
     "ValidationError;Sender", "#ValidationException", "at 'alarmTypes.2.member'"},
    {"DescribeAlarms", "{\"AlarmNames\":[\"a\"],\"AlarmNamePrefix\":\"a\"}", 400,
     "InvalidParameterCombination;Sender", "#InvalidParameterCombinationException",
     "cannot be used together"},
    {"DescribeAlarms", "{\"ChildrenOfAlarmName\":\"any-bad\",\"StateValue\":\"OK\"}", 400,
     "InvalidParameterCombination;Sender", "#InvalidParameterCombinationException",
     "ChildrenOfAlarmName cannot be used together with StateValue"},
    {"DescribeAlarms", "{\"NextToken\":\"1.0000000000000000\"}", 400, "InvalidNextToken;Sender",
     "#InvalidNextToken", "NextToken"},
    {"GetMetricData",
     "{\"MetricDataQueries\":[{\"Id\":\"q\",\"Expression\":\"select AVG(CPUUtilization) FROM "
     "SCHEMA(\\\"AWS/EC2\\\")\",\"Period\":60}]," RANGE(1, 2) "}",
     400, "InvalidParameterValue;Sender", "#InvalidParameterValueException",
     "is a Metrics Insights query, which cutover sim does not model"},
    {"PutMetricData", "{}", 400, "InvalidAction;Sender", "#UnknownOperationException",
     "The action PutMetricData is not valid"},
};

static void test_errors(void **state)
{
	struct sim_cw *c = make_cw(1);
	(void)state;

	for (size_t k = 0; k < sizeof(err_cases) / sizeof(err_cases[0]); k++) {
		const struct err_case *tc = &err_cases[k];
		struct sim_reply r = {0};
		struct strbuf big = STRBUF_INIT;
		const char *body = tc->body;
		cJSON *j;
		const char *type;

		if (!body) {
			assert_int_equal(strbuf_puts(&big, "{\"MetricDataQueries\":["), CUTOVER_OK);
			for (int i = 0; i < 501; i++)
				assert_int_equal(strbuf_printf(&big,
				                               "%s{\"Id\":\"q%d\",\"Expression\":"
				                               "\"1\"}",
				                               i ? "," : "", i),
				                 CUTOVER_OK);
			assert_int_equal(strbuf_puts(&big, "],\"StartTime\":1,\"EndTime\":2}"),
			                 CUTOVER_OK);
			body = strbuf_str(&big);
		}
		print_message("case %zu: %s %.60s\n", k, tc->op, body);
		call(c, tc->op, body, T0 + 1000, &r);
		assert_int_equal(r.http_status, tc->http);
		assert_string_equal(r.query_error, tc->query_error);
		assert_string_equal(r.content_type, "application/x-amz-json-1.0");
		j = cJSON_Parse(r.body);
		assert_non_null(j);
		type = cJSON_GetObjectItem(j, "__type")->valuestring;
		if (strlen(type) < strlen(tc->type) ||
		    strcmp(type + strlen(type) - strlen(tc->type), tc->type) != 0)
			fail_msg("__type %s, want ...%s", type, tc->type);
		if (!strstr(cJSON_GetObjectItem(j, "message")->valuestring, tc->msg))
			fail_msg("message '%s' lacks '%s'",
			         cJSON_GetObjectItem(j, "message")->valuestring, tc->msg);
		if (k == 0)
			save_sample("err_bad_id", tc->op, "json", &r, "ValidationError");
		if (k == 6)
			save_sample("err_too_many", tc->op, "json", &r, "InvalidParameterValue");
		if (k == 2)
			save_sample("err_missing", tc->op, "json", &r, "MissingParameter");
		cJSON_Delete(j);
		reply_free(&r);
		strbuf_free(&big);
	}
	sim_cw_destroy(c);
}

/* ---- DescribeAlarms ------------------------------------------------------------------- */

static void names_of(const cJSON *resp, const char *key, char *out, size_t n)
{
	const cJSON *it;
	size_t len = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(resp, key)) len +=
	    (size_t)snprintf(out + len, n - len, "%s%s", len ? "," : "",
	                     cJSON_GetObjectItem(it, "AlarmName")->valuestring);
}

static void test_describe_alarms(void **state)
{
	static const struct {
		const char *body;
		const char *metric;
		const char *composite;
	} cases[] = {
	    {"{}", "latency-high,sfn-failed-high", ""},
	    {"{\"AlarmTypes\":[\"CompositeAlarm\",\"MetricAlarm\"]}",
	     "latency-high,sfn-failed-high", "all-good,any-bad"},
	    {"{\"AlarmTypes\":[\"CompositeAlarm\"]}", "", "all-good,any-bad"},
	    {"{\"AlarmNamePrefix\":\"sfn-\"}", "sfn-failed-high", ""},
	    {"{\"AlarmNames\":[\"any-bad\",\"latency-high\"]}", "latency-high", ""},
	    {"{\"StateValue\":\"ALARM\",\"AlarmTypes\":[\"MetricAlarm\",\"CompositeAlarm\"]}",
	     "sfn-failed-high", "any-bad"},
	    {"{\"StateValue\":\"OK\"}", "latency-high", ""},
	    {"{\"ChildrenOfAlarmName\":\"any-bad\"}", "latency-high,sfn-failed-high", ""},
	    {"{\"ParentsOfAlarmName\":\"any-bad\"}", "", "all-good"},
	    {"{\"ParentsOfAlarmName\":\"nope\"}", "", ""},
	    {"{\"ActionPrefix\":\"arn:aws:sns\"}", "", ""},
	};
	struct sim_cw *c = make_cw(5);
	struct sim_reply r = {0};
	char got[256];
	cJSON *j;
	const cJSON *a;
	(void)state;

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		print_message("DescribeAlarms %s\n", cases[k].body);
		call(c, "DescribeAlarms", cases[k].body, T0 + 900, &r);
		if (k == 1)
			save_sample("da_all", "DescribeAlarms", "json", &r, NULL);
		j = ok_json(&r);
		names_of(j, "MetricAlarms", got, sizeof(got));
		assert_string_equal(got, cases[k].metric);
		names_of(j, "CompositeAlarms", got, sizeof(got));
		assert_string_equal(got, cases[k].composite);
		cJSON_Delete(j);
		reply_free(&r);
	}

	/* the members of one metric alarm and one composite */
	call(c, "DescribeAlarms",
	     "{\"AlarmNames\":[\"sfn-failed-high\",\"latency-high\",\"any-bad\"],"
	     "\"AlarmTypes\":[\"MetricAlarm\",\"CompositeAlarm\"]}",
	     T0 + 900, &r);
	j = ok_json(&r);
	a = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "MetricAlarms"), 1);
	assert_string_equal(cJSON_GetObjectItem(a, "AlarmName")->valuestring, "sfn-failed-high");
	assert_string_equal(cJSON_GetObjectItem(a, "AlarmArn")->valuestring,
	                    "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:sfn-failed-high");
	assert_string_equal(cJSON_GetObjectItem(a, "AlarmDescription")->valuestring,
	                    "Step Functions failures");
	assert_string_equal(cJSON_GetObjectItem(a, "StateValue")->valuestring, "ALARM");
	assert_float_equal(cJSON_GetObjectItem(a, "StateUpdatedTimestamp")->valuedouble, T0 + 780,
	                   0);
	assert_non_null(strstr(cJSON_GetObjectItem(a, "StateReason")->valuestring,
	                       "Threshold Crossed: 2 out of the last 3 datapoints"));
	assert_string_equal(cJSON_GetObjectItem(a, "Namespace")->valuestring, "AWS/States");
	assert_string_equal(cJSON_GetObjectItem(a, "MetricName")->valuestring, "ExecutionsFailed");
	assert_string_equal(cJSON_GetObjectItem(a, "Statistic")->valuestring, "Average");
	assert_string_equal(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(a, "Dimensions"), 0),
	                        "Value")
	        ->valuestring,
	    ARN);
	assert_int_equal(cJSON_GetObjectItem(a, "Period")->valueint, 60);
	assert_int_equal(cJSON_GetObjectItem(a, "EvaluationPeriods")->valueint, 3);
	assert_int_equal(cJSON_GetObjectItem(a, "DatapointsToAlarm")->valueint, 2);
	assert_float_equal(cJSON_GetObjectItem(a, "Threshold")->valuedouble, 10, 0);
	assert_string_equal(cJSON_GetObjectItem(a, "ComparisonOperator")->valuestring,
	                    "GreaterThanThreshold");
	a = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "MetricAlarms"), 0);
	assert_string_equal(cJSON_GetObjectItem(a, "ExtendedStatistic")->valuestring, "p99");
	assert_null(cJSON_GetObjectItem(a, "Statistic"));
	a = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "CompositeAlarms"), 0);
	assert_string_equal(cJSON_GetObjectItem(a, "AlarmRule")->valuestring,
	                    "ALARM(\"sfn-failed-high\") OR ALARM(latency-high)");
	assert_string_equal(cJSON_GetObjectItem(a, "StateValue")->valuestring, "ALARM");
	assert_non_null(strstr(cJSON_GetObjectItem(a, "StateReason")->valuestring,
	                       "alarm:sfn-failed-high transitioned to ALARM"));
	cJSON_Delete(j);
	reply_free(&r);
	sim_cw_destroy(c);
}

static void test_describe_alarms_paging(void **state)
{
	struct sim_cw *c = make_cw(5);
	struct sim_reply r = {0};
	char body[256], token[128] = "", all[512] = "", got[256];
	int pages = 0;
	(void)state;

	do {
		cJSON *j;
		const cJSON *t;

		snprintf(body, sizeof(body),
		         "{\"AlarmTypes\":[\"MetricAlarm\",\"CompositeAlarm\"],"
		         "\"MaxRecords\":3%s%s%s}",
		         token[0] ? ",\"NextToken\":\"" : "", token, token[0] ? "\"" : "");
		call(c, "DescribeAlarms", body, T0 + 900, &r);
		j = ok_json(&r);
		names_of(j, "CompositeAlarms", got, sizeof(got));
		snprintf(all + strlen(all), sizeof(all) - strlen(all), "[%s|", got);
		names_of(j, "MetricAlarms", got, sizeof(got));
		snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s]", got);
		t = cJSON_GetObjectItem(j, "NextToken");
		snprintf(token, sizeof(token), "%s", t ? t->valuestring : "");
		cJSON_Delete(j);
		reply_free(&r);
		pages++;
	} while (token[0] && pages < 5);
	/* sorted by name across both kinds, 3 a page */
	assert_string_equal(all, "[all-good,any-bad|latency-high][|sfn-failed-high]");
	sim_cw_destroy(c);
}

/* ---- Query protocol -------------------------------------------------------------------- */

static void test_query_protocol(void **state)
{
	struct sim_cw *c = make_cw(1);
	struct sim_reply r = {0}, rj = {0};
	const char *form =
	    "Action=GetMetricData&Version=2010-08-01"
	    "&MetricDataQueries.member.1.Id=m1"
	    "&MetricDataQueries.member.1.MetricStat.Metric.Namespace=App"
	    "&MetricDataQueries.member.1.MetricStat.Metric.MetricName=Flat"
	    "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name=A"
	    "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value=1"
	    "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Name=B"
	    "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Value=2"
	    "&MetricDataQueries.member.1.MetricStat.Period=300"
	    "&MetricDataQueries.member.1.MetricStat.Stat=Sum"
	    "&MetricDataQueries.member.1.ReturnData=false"
	    "&MetricDataQueries.member.2.Id=e1"
	    "&MetricDataQueries.member.2.Expression=FILL%28m1%2C0%29+%2A+2"
	    "&MetricDataQueries.member.2.Label=a%3Cb%3E+%26+%22c%22"
	    "&StartTime=2023-11-14T22%3A15%3A00Z&EndTime=2023-11-14T22%3A30%3A00.000Z"
	    "&ScanBy=TimestampAscending";
	const char *same_json = "{\"MetricDataQueries\":[" FLAT_STAT(
	    "m1", "Sum", 300, "false") ","
	                               "{\"Id\":\"e1\",\"Expression\":\"FILL(m1,0) * "
	                               "2\",\"Label\":\"a<b> & \\\"c\\\"\"}],"
	                               "\"StartTime\":1700000100,\"EndTime\":1700001000,\"ScanBy\":"
	                               "\"TimestampAscending\"}";
	const char *want_xml =
	    "<GetMetricDataResponse xmlns=\"http://monitoring.amazonaws.com/"
	    "doc/2010-08-01/\"><GetMetricDataResult><MetricDataResults><member>"
	    "<Id>e1</Id><Label>a&lt;b&gt; &amp; &quot;c&quot;</Label><Timestamps>"
	    "<member>2023-11-14T22:15:00Z</member><member>2023-11-14T22:20:00Z"
	    "</member><member>2023-11-14T22:25:00Z</member></Timestamps><Values>"
	    "<member>50</member><member>50</member><member>50</member></Values>"
	    "<StatusCode>Complete</StatusCode><Messages></Messages></member>"
	    "</MetricDataResults><Messages></Messages></GetMetricDataResult>"
	    "<ResponseMetadata><RequestId>";
	(void)state;

	call_query(c, form, T0 + 1000, &r);
	save_sample("gmd_query", "GetMetricData", "query", &r, NULL);
	call(c, "GetMetricData", same_json, T0 + 1000, &rj);
	save_sample("gmd_query_json_twin", "GetMetricData", "json", &rj, NULL);
	assert_int_equal(r.http_status, 200);
	assert_string_equal(r.content_type, "text/xml");
	if (strncmp(r.body, want_xml, strlen(want_xml)) != 0)
		fail_msg("XML differs:\n got %s\nwant %s", r.body, want_xml);
	assert_non_null(strstr(r.body, "</RequestId></ResponseMetadata></GetMetricDataResponse>"));
	assert_int_equal(r.body_len, strlen(r.body));
	reply_free(&r);
	reply_free(&rj);

	/* DescribeAlarms with a list and a type filter */
	call_query(c,
	           "Action=DescribeAlarms&Version=2010-08-01&AlarmNames.member.1=any-bad"
	           "&AlarmNames.member.2=sfn-failed-high&AlarmTypes.member.1=CompositeAlarm"
	           "&AlarmTypes.member.2=MetricAlarm",
	           T0 + 900, &r);
	save_sample("da_query", "DescribeAlarms", "query", &r, NULL);
	call(c, "DescribeAlarms",
	     "{\"AlarmNames\":[\"any-bad\",\"sfn-failed-high\"],\"AlarmTypes\":"
	     "[\"CompositeAlarm\",\"MetricAlarm\"]}",
	     T0 + 900, &rj);
	save_sample("da_query_json_twin", "DescribeAlarms", "json", &rj, NULL);
	reply_free(&rj);
	assert_int_equal(r.http_status, 200);
	assert_non_null(strstr(r.body, "<DescribeAlarmsResponse xmlns="));
	assert_non_null(strstr(r.body, "<CompositeAlarms><member><AlarmName>any-bad</AlarmName>"));
	assert_non_null(strstr(r.body, "<AlarmRule>ALARM(&quot;sfn-failed-high&quot;) OR "
	                               "ALARM(latency-high)</AlarmRule>"));
	assert_non_null(strstr(r.body, "<StateUpdatedTimestamp>2023-11-14T22:28:00Z"
	                               "</StateUpdatedTimestamp>"));
	assert_non_null(strstr(r.body, "<Dimensions><member><Name>StateMachineArn</Name><Value>" ARN
	                               "</Value></member></Dimensions>"));
	assert_non_null(strstr(r.body, "<ActionsEnabled>true</ActionsEnabled>"));
	assert_null(strstr(r.body, "latency-high</AlarmName>"));
	reply_free(&r);
	sim_cw_destroy(c);
}

struct qerr_case {
	const char *form;
	int http;
	const char *code;
	const char *msg;
};

static const struct qerr_case qerr_cases[] = {
    {"Action=GetMetricData&MetricDataQueries.member.1.Id=Bad&MetricDataQueries.member.1."
     "Expression=1&StartTime=2023-11-14T22:15:00Z&EndTime=2023-11-14T22:30:00Z",
     400, "ValidationError", "The value Bad for parameter MetricDataQueries.member.1.Id"},
    {"Action=GetMetricData&MetricDataQueries.member.1.Id=a&MetricDataQueries.member.1."
     "Expression=1&StartTime=yesterday&EndTime=2023-11-14T22:30:00Z",
     400, "InvalidParameterValue", "Value yesterday for parameter StartTime is invalid"},
    {"Action=GetMetricData&MetricDataQueries.member.1.Id=a&MetricDataQueries.member.1."
     "Expression=1&MetricDataQueries.member.1.Period=sixty&StartTime=2023-11-14T22:15:00Z"
     "&EndTime=2023-11-14T22:30:00Z",
     400, "InvalidParameterValue", "Value sixty for parameter Period is invalid"},
    {"Action=DescribeAlarms&MaxRecords=500", 400, "ValidationError", "maxRecords"},
    {"Action=DescribeAlarms&AlarmNamePrefix=%zz", 400, "MalformedQueryString", "%-escape"},
    {"Action=DescribeAlarms&AlarmNamePrefix=%4", 400, "MalformedQueryString", "%-escape"},
    {"Action=ListMetrics&Version=2010-08-01", 400, "InvalidAction",
     "The action ListMetrics is not valid"},
    {"Version=2010-08-01", 400, "MissingAction", "Action"},
    {"Action=DescribeAlarms&Version=2011-01-01", 400, "InvalidParameterValue", "2010-08-01"},
    {"Action=DescribeAlarms&AlarmNames=x&AlarmNames.member.1=y", 400, "MalformedQueryString",
     "conflicts"},
    {"Action=DescribeAlarms&AlarmNamePrefix.=x", 400, "MalformedQueryString", "malformed"},
};

static void test_query_errors(void **state)
{
	struct sim_cw *c = make_cw(1);
	(void)state;

	for (size_t k = 0; k < sizeof(qerr_cases) / sizeof(qerr_cases[0]); k++) {
		struct sim_reply r = {0};
		char want[128];

		print_message("form: %s\n", qerr_cases[k].form);
		call_query(c, qerr_cases[k].form, T0 + 1000, &r);
		assert_int_equal(r.http_status, qerr_cases[k].http);
		assert_string_equal(r.content_type, "text/xml");
		assert_non_null(strstr(r.body,
		                       "<ErrorResponse xmlns=\"http://monitoring.amazonaws.com/"
		                       "doc/2010-08-01/\"><Error><Type>Sender</Type><Code>"));
		snprintf(want, sizeof(want), "<Code>%s</Code>", qerr_cases[k].code);
		if (!strstr(r.body, want) || !strstr(r.body, qerr_cases[k].msg))
			fail_msg("body %s lacks %s / %s", r.body, want, qerr_cases[k].msg);
		assert_non_null(strstr(r.body, "</Error><RequestId>"));
		if (k == 0)
			save_sample("err_query_bad_id", "GetMetricData", "query", &r,
			            "ValidationError");
		free(r.body);
	}
	sim_cw_destroy(c);
}

/* ---- scenario validation --------------------------------------------------------------- */

struct bad_scenario {
	const char *json;
	const char *msg;
};

#define M0 "{\"namespace\":\"N\",\"name\":\"x\",\"baseline\":1"
static const struct bad_scenario bad_scenarios[] = {
    {"{\"metrics\": {}}", "metrics: must be an array"},
    {"{\"metrics\": [1]}", "metrics[0]: must be an object"},
    {"{\"metrics\": [{\"name\":\"x\",\"baseline\":1}]}", "metrics[0]: missing \"namespace\""},
    {"{\"metrics\": [{\"namespace\":\"N\",\"name\":\"x\"}]}", "metrics[0]: missing \"baseline\""},
    {"{\"metrics\": [" M0 ",\"baseLine\":2}]}", "metrics[0]: unknown key \"baseLine\""},
    {"{\"metrics\": [" M0 ",\"noise\":-1}]}", "metrics[0].noise: -1 is out of range"},
    {"{\"metrics\": [" M0 ",\"period_s\":45}]}", "metrics[0].period_s: 45 is not a CloudWatch"},
    {"{\"metrics\": [" M0 ",\"unit\":\"Furlongs\"}]}", "metrics[0].unit: \"Furlongs\""},
    {"{\"metrics\": [" M0 ",\"dimensions\":{\"A\":1}}]}", "metrics[0].dimensions.A: a dimension"},
    {"{\"metrics\": [" M0 ",\"incidents\":[{\"at_s\":5}]}]}",
     "metrics[0].incidents[0]: missing \"to\""},
    {"{\"metrics\": [" M0 ",\"incidents\":[{\"at_s\":5,\"to\":3,\"for\":9}]}]}",
     "metrics[0].incidents[0]: unknown key \"for\""},
    {"{\"metrics\": [" M0 ",\"recover_when\":{\"parameter\":\"/p\",\"equals\":true}}]}",
     "metrics[0].recover_when.equals: must be a string"},
    {"{\"metrics\": [" M0 ",\"recover_when\":{\"equals\":\"x\"}}]}",
     "metrics[0].recover_when: missing \"parameter\""},
    {"{\"metrics\": [" M0 "}, " M0 "}]}", "metrics[1]: the same metric as metrics[0]"},
    {"{\"metrics\": [" M0 ",\"min\":5,\"max\":1}]}", "\"min\" is greater than \"max\""},
    {"{\"metrics\": [" M0 ",\"history_s\":999999}]}", "metrics[0].history_s"},
    {"{\"metrics\": [" M0 "}], \"alarms\":[{\"name\":\"a\",\"metric\":{\"namespace\":\"N\","
     "\"name\":\"y\"},\"comparison\":\"GreaterThanThreshold\",\"threshold\":1}]}",
     "alarms[0].metric: no metric N y"},
    {"{\"metrics\": [" M0 "}], \"alarms\":[{\"name\":\"a\",\"metric\":{\"namespace\":\"N\","
     "\"name\":\"x\"},\"comparison\":\">\",\"threshold\":1}]}",
     "alarms[0].comparison: \">\" is not"},
    {"{\"metrics\": [" M0 "}], \"alarms\":[{\"name\":\"a\",\"metric\":{\"namespace\":\"N\","
     "\"name\":\"x\"},\"comparison\":\"LessThanThreshold\"}]}",
     "alarms[0]: missing \"threshold\""},
    {"{\"metrics\": [" M0 "}], \"alarms\":[{\"name\":\"a\",\"metric\":{\"namespace\":\"N\","
     "\"name\":\"x\"},\"comparison\":\"LessThanThreshold\",\"threshold\":1,\"stat\":\"Mean\"}]}",
     "alarms[0].stat: \"Mean\""},
    {"{\"metrics\": [" M0 "}], \"alarms\":[{\"name\":\"a\",\"metric\":{\"namespace\":\"N\","
     "\"name\":\"x\"},\"comparison\":\"LessThanThreshold\",\"threshold\":1,"
     "\"evaluation_periods\":2,\"datapoints_to_alarm\":3}]}",
     "alarms[0].datapoints_to_alarm: 3 is more than evaluation_periods (2)"},
    {"{\"alarms\":[{\"name\":\"a\"}]}", "alarms[0]: missing \"metric\" (or \"rule\""},
    {"{\"alarms\":[{\"name\":\"a\",\"rule\":\"ALARM(b)\"}]}",
     "rule names alarm \"b\", which \"alarms\" does not define"},
    {"{\"alarms\":[{\"name\":\"a\",\"rule\":\"ALARM(b) AND\"},{\"name\":\"b\",\"rule\":\"TRUE\"}]}",
     "alarms[0].rule: expected ALARM(name)"},
    {"{\"alarms\":[{\"name\":\"a\",\"rule\":\"ALARM(b)\"},{\"name\":\"b\",\"rule\":\"OK(a)\"}]}",
     "composite rules form a cycle"},
    {"{\"alarms\":[{\"name\":\"a\",\"rule\":\"TRUE\"},{\"name\":\"a\",\"rule\":\"TRUE\"}]}",
     "alarms[1]: name \"a\" is already used by alarms[0]"},
    {"{\"alarms\":[{\"name\":\"a\",\"rule\":\"ALARM(\\\"b)\"}]}", "unterminated"},
};

static void test_bad_scenarios(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(bad_scenarios) / sizeof(bad_scenarios[0]); k++) {
		struct cutover_err err = {CUTOVER_OK, ""};
		cJSON *root = cJSON_Parse(bad_scenarios[k].json);
		struct sim_cw *c = (struct sim_cw *)&err;

		print_message("scenario: %s\n", bad_scenarios[k].json);
		assert_non_null(root);
		assert_int_equal(sim_cw_create(root, 1, T0, NULL, &c, &err), CUTOVER_EVALIDATE);
		assert_null(c);
		if (!strstr(err.msg, bad_scenarios[k].msg))
			fail_msg("message '%s' lacks '%s'", err.msg, bad_scenarios[k].msg);
		cJSON_Delete(root);
	}
}

static void test_empty_scenario(void **state)
{
	struct cutover_err err = {CUTOVER_OK, ""};
	cJSON *root = cJSON_Parse("{}");
	struct sim_cw *c = NULL;
	struct sim_reply r = {0};
	(void)state;

	assert_int_equal(sim_cw_create(root, 1, T0, NULL, &c, &err), CUTOVER_OK);
	call(c, "DescribeAlarms", "{}", T0, &r);
	assert_int_equal(r.http_status, 200);
	assert_string_equal(r.body, "{\"CompositeAlarms\":[],\"MetricAlarms\":[]}");
	reply_free(&r);
	sim_cw_parameter_changed(c, "/x", "y", T0);
	sim_cw_destroy(c);
	sim_cw_destroy(NULL);
	cJSON_Delete(root);
}

/* What XML 1.0 cannot carry becomes U+FFFD; the answer always parses. */
static void test_xml_escaping(void **state)
{
	struct sim_cw *c = make_cw(1);
	struct sim_reply r = {0};
	(void)state;

	call_query(c,
	           "Action=GetMetricData&MetricDataQueries.member.1.Id=e1"
	           "&MetricDataQueries.member.1.Expression=1"
	           "&MetricDataQueries.member.1.Label=%01a%0A%E2%82%AC%FF%C3'x"
	           "&StartTime=2023-11-14T22:15:00Z&EndTime=2023-11-14T22:16:00%2B00:00",
	           T0 + 1000, &r);
	assert_int_equal(r.http_status, 200);
	if (!strstr(r.body, "<Label>\xEF\xBF\xBD"
	                    "a&#xA;\xE2\x82\xAC\xEF\xBF\xBD\xEF\xBF\xBD&apos;x"
	                    "</Label>"))
		fail_msg("label not escaped: %s", r.body);
	assert_non_null(strstr(r.body, "<Timestamps><member>2023-11-14T22:15:00Z</member>"
	                               "</Timestamps><Values><member>1</member></Values>"));
	reply_free(&r);
	sim_cw_destroy(c);
}

/* Mutated requests never crash the model and always get a well-formed
 * answer: 200 or a 4xx with an AWS-shaped error. */
/* The one list of units serves the scenario file and the API alike. */
static void test_units(void **state)
{
	(void)state;
	assert_true(sim_metrics_is_unit("Count"));
	assert_true(sim_metrics_is_unit("Bytes/Second"));
	assert_true(sim_metrics_is_unit("None"));
	assert_false(sim_metrics_is_unit("count"));
	assert_false(sim_metrics_is_unit("Bytes/Sec"));
	assert_false(sim_metrics_is_unit(""));
}

static void test_mutated_requests(void **state)
{
	static const char *const json_seeds[] = {
	    "{\"MetricDataQueries\":[" FLAT_STAT(
	        "m1", "p90", 60,
	        "false") ",{\"Id\":\"e1\","
	                 "\"Expression\":\"IF(m1 > 2, FILL(m1, REPEAT) * 2, SUM([m1, "
	                 "1]))\"}]," RANGE(1700000100, 1700001000) ",\"MaxDatapoints\":3}",
	    "{\"AlarmTypes\":[\"CompositeAlarm\",\"MetricAlarm\"],\"MaxRecords\":2,"
	    "\"AlarmNamePrefix\":\"a\"}",
	};
	static const char *const form_seed =
	    "Action=GetMetricData&MetricDataQueries.member.1.Id=m1"
	    "&MetricDataQueries.member.1.MetricStat.Metric.Namespace=App"
	    "&MetricDataQueries.member.1.MetricStat.Metric.MetricName=Latency"
	    "&MetricDataQueries.member.1.MetricStat.Period=60"
	    "&MetricDataQueries.member.1.MetricStat.Stat=Average"
	    "&MetricDataQueries.member.2.Id=e&MetricDataQueries.member.2.Expression=m1%2F0"
	    "&StartTime=2023-11-14T22:15:00Z&EndTime=2023-11-14T23:15:00Z";
	static const char noise[] = "{}[]\",:.&=%0123456789-+eE \\\x80\xff";
	struct sim_cw *c = make_cw(9);
	uint64_t rng = 12345;
	int ok = 0, errors = 0;
	(void)state;

	for (int iter = 0; iter < 3000; iter++) {
		int which = iter % 3;
		const char *seed = which < 2 ? json_seeds[which] : form_seed;
		size_t len = strlen(seed);
		char buf[2048];
		struct sim_reply r = {0};
		int edits = 1 + (int)(sim_rand_next(&rng) % 4);

		memcpy(buf, seed, len + 1);
		for (int k = 0; k < edits; k++) {
			size_t at = (size_t)(sim_rand_next(&rng) % (len + 1));
			char ch = noise[sim_rand_next(&rng) % (sizeof(noise) - 1)];

			switch (sim_rand_next(&rng) % 3) {
			case 0: /* replace */
				if (at < len)
					buf[at] = ch;
				break;
			case 1: /* delete */
				if (at < len) {
					memmove(buf + at, buf + at + 1, len - at);
					len--;
				}
				break;
			default: /* insert */
				if (len + 1 < sizeof(buf)) {
					memmove(buf + at + 1, buf + at, len - at + 1);
					buf[at] = ch;
					len++;
				}
			}
		}
		if (which < 2) {
			sim_cw_handle(c, which ? "DescribeAlarms" : "GetMetricData", buf, len,
			              T0 + 1000, &r);
			assert_non_null(r.body);
			{
				cJSON *j = cJSON_Parse(r.body);

				if (!j)
					fail_msg("not JSON for %s: %s", buf, r.body);
				if (r.http_status != 200)
					assert_non_null(cJSON_GetObjectItem(j, "__type"));
				cJSON_Delete(j);
			}
		} else {
			sim_cw_handle_query(c, buf, len, T0 + 1000, &r);
			assert_non_null(r.body);
			assert_true(r.http_status == 200 ||
			            strncmp(r.body, "<ErrorResponse xmlns=", 21) == 0);
		}
		if (r.http_status == 200)
			ok++;
		else if (r.http_status == 400)
			errors++;
		else
			fail_msg("HTTP %d for %s", r.http_status, buf);
		free(r.body);
	}
	assert_true(ok > 100 && errors > 100);
	sim_cw_destroy(c);
}

/* Every example in docs/sim-cloudwatch.md loads and does what the page says. */
static void check_doc_block(int k, const char *json)
{
	struct cutover_err err = {CUTOVER_OK, ""};
	struct sim_metrics *m = NULL;
	cJSON *root = cJSON_Parse(json);

	if (!root)
		fail_msg("json block %d of docs/sim-cloudwatch.md does not parse", k);
	if (sim_metrics_create(root, 42, T0, &m, &err) != CUTOVER_OK)
		fail_msg("json block %d of docs/sim-cloudwatch.md does not load: %s", k, err.msg);
	if (k == 0) {
		struct alarm_expect before[] = {{"orders-failures-high", "OK", NAN},
		                                {"orders-unhealthy", "OK", NAN}};
		struct alarm_expect during[] = {{"orders-failures-high", "ALARM", 420},
		                                {"orders-unhealthy", "ALARM", 420}};
		struct alarm_expect after[] = {{"orders-failures-high", "OK", NAN},
		                               {"orders-unhealthy", "OK", NAN}};

		check_alarms(m, 400, before, 2);
		check_alarms(m, 600, during, 2);
		sim_metrics_parameter_changed(m, "/orders/rollback_mode", "true", T0 + 600);
		check_alarms(m, 900, after, 2);
	} else if (k == 2) {
		struct alarm_expect before[] = {{"api-p95-slow", "OK", NAN},
		                                {"cache-hit-low", "OK", NAN}};
		struct alarm_expect during[] = {{"api-p95-slow", "ALARM", NAN},
		                                {"cache-hit-low", "ALARM", NAN}};
		struct alarm_expect flag_off[] = {{"api-p95-slow", "ALARM", NAN},
		                                  {"cache-hit-low", "OK", NAN}};

		check_alarms(m, 290, before, 2);
		check_alarms(m, 600, during, 2);
		sim_metrics_parameter_changed(m, "/app/EnableRedisCache", "false", T0 + 600);
		check_alarms(m, 800, flag_off, 2);
	} else if (k == 3) {
		struct alarm_expect quiet = {"directfanz-db-replication-lag", "OK", NAN};
		struct alarm_expect lag = {"directfanz-db-replication-lag", "ALARM", NAN};

		check_alarms(m, 200, &quiet, 1);
		check_alarms(m, 500, &lag, 1);
		check_alarms(m, 1000, &quiet, 1);
	}
	sim_metrics_destroy(m);
	cJSON_Delete(root);
}

static void test_doc_examples(void **state)
{
	char path[1024], *text = NULL, *at;
	int blocks = 0;
	long n;
	FILE *f;
	(void)state;

	snprintf(path, sizeof(path), "%s/docs/sim-cloudwatch.md", SRCDIR);
	f = fopen(path, "rb"); /* the page whose examples this checks */
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	for (at = strstr(text, "```json\n"); at; at = strstr(at, "```json\n")) {
		char *end = strstr(at + 8, "```");

		assert_non_null(end);
		*end = '\0';
		check_doc_block(blocks++, at + 8);
		at = end + 3;
	}
	assert_int_equal(blocks, 4);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values_deterministic),
	    cmocka_unit_test(test_incident_window),
	    cmocka_unit_test(test_recover_when),
	    cmocka_unit_test(test_initial_value_already_recovered),
	    cmocka_unit_test(test_stats),
	    cmocka_unit_test(test_alarm_timeline),
	    cmocka_unit_test(test_alarm_recovers_after_flag),
	    cmocka_unit_test(test_gmd_math),
	    cmocka_unit_test(test_gmd_incident_and_reaction),
	    cmocka_unit_test(test_gmd_paging),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_describe_alarms),
	    cmocka_unit_test(test_describe_alarms_paging),
	    cmocka_unit_test(test_query_protocol),
	    cmocka_unit_test(test_query_errors),
	    cmocka_unit_test(test_bad_scenarios),
	    cmocka_unit_test(test_empty_scenario),
	    cmocka_unit_test(test_doc_examples),
	    cmocka_unit_test(test_xml_escaping),
	    cmocka_unit_test(test_mutated_requests),
	    cmocka_unit_test(test_units),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
