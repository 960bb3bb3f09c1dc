/* test_gauge_eval.c: thresholds by direction, `for N`, hysteresis,
 * staleness, alarms and HTTP checks, as tables of datapoints -> states. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "cutover/gauge_eval.h"

static struct runbook_gauge metric_gauge(enum runbook_direction dir, double warn, double crit)
{
	struct runbook_gauge g;

	memset(&g, 0, sizeof(g));
	g.id = "g";
	g.kind = RUNBOOK_GAUGE_METRIC;
	g.period_s = 60;
	g.direction = dir;
	g.has_warn = g.has_critical = true;
	g.warn = warn;
	g.critical = crit;
	return g;
}

static void with_trigger(struct runbook_gauge *g, double threshold, unsigned for_n)
{
	g->has_trigger = true;
	g->trigger.has_threshold = true;
	g->trigger.direction = g->direction;
	g->trigger.threshold = threshold;
	g->trigger.for_n = for_n;
}

/* Feed one point per minute and check the state after each. */
static void run_series(const struct runbook_gauge *def, const double *v, const enum gauge_state *want,
		       size_t n)
{
	struct gauge_eval g;

	gauge_eval_init(&g);
	for (size_t i = 0; i < n; i++) {
		double t = 1000.0 + 60.0 * (double)i;

		gauge_eval_feed(&g, def, &t, &v[i], 1, t + 30);
		if (g.state != want[i])
			fail_msg("point %zu (value %g): state %s, expected %s", i, v[i],
				 gauge_state_name(g.state), gauge_state_name(want[i]));
	}
}

static void test_above_with_trigger_for_3(void **state)
{
	struct runbook_gauge def = metric_gauge(RUNBOOK_ABOVE, 5, 10);
	const double v[] = { 1, 6, 11, 12, 13, 9.9, 9.5, 4.9, 4.7, 11, 4 };
	const enum gauge_state want[] = { GAUGE_OK, GAUGE_WARN, GAUGE_CRITICAL, GAUGE_CRITICAL,
					  GAUGE_TRIGGERED, GAUGE_TRIGGERED, GAUGE_WARN, GAUGE_WARN,
					  GAUGE_OK, GAUGE_CRITICAL, GAUGE_OK };
	(void)state;

	with_trigger(&def, 10, 3);
	run_series(&def, v, want, sizeof(v) / sizeof(v[0]));
}

static void test_trigger_run_resets(void **state)
{
	struct runbook_gauge def = metric_gauge(RUNBOOK_ABOVE, 5, 10);
	/* two beyond, one back inside (past the margin), two beyond: never 3 in a row */
	const double v[] = { 11, 11, 9, 11, 11, 11 };
	const enum gauge_state want[] = { GAUGE_CRITICAL, GAUGE_CRITICAL, GAUGE_WARN,
					  GAUGE_CRITICAL, GAUGE_CRITICAL, GAUGE_TRIGGERED };
	(void)state;

	with_trigger(&def, 10, 3);
	run_series(&def, v, want, sizeof(v) / sizeof(v[0]));
}

static void test_hysteresis_on_a_threshold(void **state)
{
	struct runbook_gauge def = metric_gauge(RUNBOOK_ABOVE, 5, 10);   /* margin 0.25 */
	const double v[] = { 5.0, 5.01, 4.99, 5.02, 4.9, 4.76, 4.74, 5.0, 5.1 };
	const enum gauge_state want[] = { GAUGE_OK, GAUGE_WARN, GAUGE_WARN, GAUGE_WARN, GAUGE_WARN,
					  GAUGE_WARN, GAUGE_OK, GAUGE_OK, GAUGE_WARN };
	(void)state;

	run_series(&def, v, want, sizeof(v) / sizeof(v[0]));
}

static void test_below_direction(void **state)
{
	struct runbook_gauge def = metric_gauge(RUNBOOK_BELOW, 60, 40);  /* cache hit % */
	const double v[] = { 70, 61, 59, 41, 39, 45, 65 };
	const enum gauge_state want[] = { GAUGE_OK, GAUGE_OK, GAUGE_WARN, GAUGE_WARN,
					  GAUGE_CRITICAL, GAUGE_WARN, GAUGE_OK };
	(void)state;

	run_series(&def, v, want, sizeof(v) / sizeof(v[0]));
}

static void test_refeeding_a_window_counts_once(void **state)
{
	struct runbook_gauge def = metric_gauge(RUNBOOK_ABOVE, 5, 10);
	const double ts[] = { 60, 120 }, v[] = { 11, 11 };
	struct gauge_eval g;
	(void)state;

	with_trigger(&def, 10, 3);
	gauge_eval_init(&g);
	for (int poll = 0; poll < 5; poll++)
		gauge_eval_feed(&g, &def, ts, v, 2, 150);
	assert_int_equal(g.beyond_run, 2);
	assert_int_equal(g.state, GAUGE_CRITICAL);
}

static void test_nodata_nan_and_staleness(void **state)
{
	struct runbook_gauge def = metric_gauge(RUNBOOK_ABOVE, 5, 10);
	const double ts[] = { 60, 120 }, v[] = { NAN, 3 };
	struct gauge_eval g;
	(void)state;

	gauge_eval_init(&g);
	assert_int_equal(g.state, GAUGE_NODATA);
	assert_true(isnan(g.value));
	gauge_eval_feed(&g, &def, ts, v, 1, 90);      /* only the NaN */
	assert_int_equal(g.state, GAUGE_NODATA);
	gauge_eval_feed(&g, &def, ts, v, 2, 150);
	assert_int_equal(g.state, GAUGE_OK);
	assert_true(g.value == 3);
	assert_true(g.since == 150);
	gauge_eval_tick(&g, &def, 120 + 4 * 60);      /* exactly 4 periods: still fresh */
	assert_int_equal(g.state, GAUGE_OK);
	assert_true(g.since == 150);                  /* since kept while the state holds */
	gauge_eval_tick(&g, &def, 120 + 4 * 60 + 1);
	assert_int_equal(g.state, GAUGE_NODATA);
	assert_true(g.value == 3);                    /* last value kept for display */
}

static void test_alarm_gauge(void **state)
{
	struct runbook_gauge def;
	struct gauge_eval g;
	(void)state;

	memset(&def, 0, sizeof(def));
	def.kind = RUNBOOK_GAUGE_ALARM;
	def.alarm = "db-lag";
	gauge_eval_init(&g);
	gauge_eval_alarm(&g, &def, "OK", 10);
	assert_int_equal(g.state, GAUGE_OK);
	gauge_eval_alarm(&g, &def, "ALARM", 20);
	assert_int_equal(g.state, GAUGE_CRITICAL);
	gauge_eval_alarm(&g, &def, "INSUFFICIENT_DATA", 30);
	assert_int_equal(g.state, GAUGE_NODATA);

	def.has_trigger = true;
	def.trigger.for_n = 2;
	gauge_eval_init(&g);
	gauge_eval_alarm(&g, &def, "ALARM", 10);
	assert_int_equal(g.state, GAUGE_CRITICAL);
	gauge_eval_alarm(&g, &def, "ALARM", 20);
	assert_int_equal(g.state, GAUGE_TRIGGERED);
	assert_true(g.since == 20);
	gauge_eval_alarm(&g, &def, "ALARM", 30);
	assert_true(g.since == 20);
	gauge_eval_alarm(&g, &def, "OK", 40);
	assert_int_equal(g.state, GAUGE_OK);
	assert_true(g.triggered_once);
}

static void test_http_gauge(void **state)
{
	struct runbook_gauge def;
	struct gauge_eval g;
	(void)state;

	memset(&def, 0, sizeof(def));
	def.kind = RUNBOOK_GAUGE_HTTP;
	def.url = "http://127.0.0.1/health";
	def.has_warn = def.has_critical = true;
	def.warn = 1000;
	def.critical = 2000;
	def.has_trigger = true;
	def.trigger.for_n = 2;   /* no threshold: fires on failed checks */
	gauge_eval_init(&g);
	gauge_eval_http(&g, &def, true, 38, 1);
	assert_int_equal(g.state, GAUGE_OK);
	gauge_eval_http(&g, &def, true, 1500, 2);
	assert_int_equal(g.state, GAUGE_WARN);
	gauge_eval_http(&g, &def, true, 2500, 3);
	assert_int_equal(g.state, GAUGE_CRITICAL);   /* slow is not a failed check */
	gauge_eval_http(&g, &def, false, 0, 4);
	assert_int_equal(g.state, GAUGE_CRITICAL);
	gauge_eval_http(&g, &def, false, 0, 5);
	assert_int_equal(g.state, GAUGE_TRIGGERED);
	gauge_eval_http(&g, &def, true, 40, 6);
	assert_int_equal(g.state, GAUGE_OK);
	assert_int_equal(g.beyond_run, 0);
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(gauge_state_name(GAUGE_NODATA), "NODATA");
	assert_string_equal(gauge_state_name(GAUGE_TRIGGERED), "TRIGGERED");
	assert_string_equal(gauge_state_name((enum gauge_state)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_above_with_trigger_for_3),
		cmocka_unit_test(test_trigger_run_resets),
		cmocka_unit_test(test_hysteresis_on_a_threshold),
		cmocka_unit_test(test_below_direction),
		cmocka_unit_test(test_refeeding_a_window_counts_once),
		cmocka_unit_test(test_nodata_nan_and_staleness),
		cmocka_unit_test(test_alarm_gauge),
		cmocka_unit_test(test_http_gauge),
		cmocka_unit_test(test_state_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
