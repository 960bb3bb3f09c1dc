/* test_metric_query.c: the one GetMetricData request for all gauges: ids,
 * what returns data, dimensions, the window, expression rewriting, and the
 * id -> gauge mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cutover/runbook.h"
#include "engine/metric_query.h"

static struct runbook *load(void)
{
	struct runbook *rb = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	struct cutover_err err;

	assert_int_equal(
	    runbook_load_file(SRCDIR "/tests/data/engine_unit.runbook.json", &rb, &d, &err),
	    CUTOVER_OK);
	diag_list_free(&d);
	return rb;
}

static void test_plan(void **state)
{
	struct runbook *rb = load();
	struct metric_query_plan p;
	struct cutover_err err;
	const struct cw_query *q;
	double now = 1800000000.0 + 1234.5; /* not on a period boundary */

	(void)state;
	assert_int_equal(metric_query_plan_build(rb, now, &p, &err), CUTOVER_OK);
	/* errors: 1 query; ratio: 2 inputs + 1 expression; alarm and http: none */
	assert_int_equal(p.nqueries, 4);

	q = &p.queries[0];
	assert_string_equal(q->id, "m0_0");
	assert_false(q->hide);
	assert_null(q->expression);
	assert_string_equal(q->namespace_name, "App");
	assert_string_equal(q->metric_name, "ErrorRate");
	assert_string_equal(q->stat, "Average");
	assert_int_equal(q->period, 60);
	assert_int_equal(q->dimension_count, 2);
	assert_string_equal(q->dimensions[0].name, "Service");
	assert_string_equal(q->dimensions[0].value, "web");
	assert_string_equal(q->dimensions[1].name, "Stage");
	assert_string_equal(q->dimensions[1].value, "prod");

	assert_string_equal(p.queries[1].id, "m1_0");
	assert_true(p.queries[1].hide);
	assert_string_equal(p.queries[1].metric_name, "ExecutionsFailed");
	assert_int_equal(p.queries[1].period, 300);
	assert_int_equal(p.queries[1].dimension_count, 0);
	assert_string_equal(p.queries[2].id, "m1_1");
	assert_true(p.queries[2].hide);
	assert_string_equal(p.queries[2].metric_name, "ExecutionsStarted");

	q = &p.queries[3];
	assert_string_equal(q->id, "e1");
	assert_false(q->hide);
	assert_string_equal(q->expression, "100 * m1_0 / MAX([m1_1, 1]) + FILL(m1_0, 0) * 0 + "
	                                   "LEN(SEARCH('{App} failed', 'Sum'))");

	/* end: floored to the shortest period (60); start: reaches back
	 * (for_n + STALE + 1) periods of the neediest gauge, floored to the
	 * longest period (300): errors needs (3+3+1)*60 = 420 s, ratio
	 * (1+3+1)*300 = 1500 s. */
	assert_true(p.end == 1800001200.0);
	assert_true(p.start == 1799999700.0);
	assert_true(p.end - p.start >= 1500.0);
	assert_true(p.end <= now);
	metric_query_plan_free(&p);
	runbook_destroy(rb);
}

/* One gauge alone: its queries only, and the window it needs. */
static void test_plan_one_gauge(void **state)
{
	struct runbook *rb = load();
	struct metric_query_plan p;
	struct cutover_err err;
	double now = 1800000000.0 + 1234.5;

	(void)state;
	assert_int_equal(metric_query_plan_build_gauge(rb, 0, now, &p, &err), CUTOVER_OK);
	assert_int_equal(p.nqueries, 1);
	assert_string_equal(p.queries[0].id, "m0_0");
	assert_string_equal(p.queries[0].metric_name, "ErrorRate");
	/* errors alone: period 60, (3+3+1)*60 = 420 s back. */
	assert_true(p.end == 1800001200.0);
	assert_true(p.start == 1800001200.0 - 420.0);
	metric_query_plan_free(&p);

	assert_int_equal(metric_query_plan_build_gauge(rb, 1, now, &p, &err), CUTOVER_OK);
	assert_int_equal(p.nqueries, 3);
	assert_string_equal(p.queries[0].id, "m1_0");
	assert_string_equal(p.queries[1].id, "m1_1");
	assert_string_equal(p.queries[2].id, "e1");
	assert_true(p.end == 1800001200.0); /* on a 300 s boundary already */
	assert_true(p.start == 1799999700.0);
	metric_query_plan_free(&p);

	/* Not a metric gauge: nothing to ask; out of range: refused. */
	for (size_t i = 2; i < rb->ngauges; i++) {
		assert_int_equal(metric_query_plan_build_gauge(rb, i, now, &p, &err), CUTOVER_OK);
		if (rb->gauges[i].kind != RUNBOOK_GAUGE_METRIC &&
		    rb->gauges[i].kind != RUNBOOK_GAUGE_EXPRESSION)
			assert_int_equal(p.nqueries, 0);
		metric_query_plan_free(&p);
	}
	assert_int_equal(metric_query_plan_build_gauge(rb, rb->ngauges, now, &p, &err),
	                 CUTOVER_EINVAL);
	metric_query_plan_free(&p);
	runbook_destroy(rb);
}

static void test_gauge_of(void **state)
{
	static const struct {
		const char *id;
		long want;
	} t[] = {
	    {"m0_0", 0}, {"m12_0", 12}, {"e7", 7},    {"e0", 0},   {"m3_1", -1},
	    {"m3", -1},  {"e7_0", -1},  {"x1", -1},   {"m_0", -1}, {"", -1},
	    {"e", -1},   {"m-1_0", -1}, {"e12x", -1},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(metric_query_gauge_of(t[i].id), t[i].want);
	assert_int_equal(metric_query_gauge_of(NULL), -1);
}

static void test_rewrite(void **state)
{
	struct runbook *rb = load();
	const struct runbook_gauge *g = &rb->gauges[1];
	static const struct {
		const char *in, *out;
	} t[] = {
	    {"failed", "m4_0"},
	    {"failed+started", "m4_0+m4_1"},
	    {"failedX + xfailed", "failedX + xfailed"},
	    {"\"failed\" + 'started'", "\"failed\" + 'started'"},
	    {"1e3 * failed", "1e3 * m4_0"},
	    {"2.5*started", "2.5*m4_1"},
	    {"IF(failed > 0, started)", "IF(m4_0 > 0, m4_1)"},
	    {"", ""},
	    {"'unterminated failed", "'unterminated failed"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *out = NULL;

		assert_int_equal(metric_query_rewrite(t[i].in, g, 4, &out), CUTOVER_OK);
		assert_string_equal(out, t[i].out);
		free(out);
	}
	runbook_destroy(rb);
}

/* A runbook without metric gauges asks for nothing. */
static void test_empty(void **state)
{
	static const char text[] =
	    "{\"name\":\"n\",\"environment\":\"e\",\"region\":\"eu-west-1\","
	    "\"gauges\":[{\"id\":\"h\",\"http\":{\"url\":\"http://127.0.0.1:9/\"}}]}";
	struct runbook *rb = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	struct metric_query_plan p;
	struct cutover_err err;

	(void)state;
	assert_int_equal(runbook_load_buffer("t", text, sizeof(text) - 1, &rb, &d), CUTOVER_OK);
	assert_int_equal(metric_query_plan_build(rb, 1800000000.0, &p, &err), CUTOVER_OK);
	assert_int_equal(p.nqueries, 0);
	metric_query_plan_free(&p);
	metric_query_plan_free(NULL);
	runbook_destroy(rb);
	diag_list_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plan),
	    cmocka_unit_test(test_plan_one_gauge),
	    cmocka_unit_test(test_gauge_of),
	    cmocka_unit_test(test_rewrite),
	    cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
