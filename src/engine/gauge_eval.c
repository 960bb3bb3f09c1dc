/* gauge_eval.c: thresholds, `for N` datapoints, hysteresis and staleness
 * (see gauge_eval.h). */
#include <math.h>

#include "cutover/gauge_eval.h"

static const char *const state_names[] = {
#define GAUGE_STATE_NAME(id, name) name,
	GAUGE_STATE_LIST(GAUGE_STATE_NAME)
#undef GAUGE_STATE_NAME
};

const char *gauge_state_name(enum gauge_state s)
{
	return (unsigned)s < GAUGE_STATE_COUNT ? state_names[s] : "?";
}

void gauge_eval_init(struct gauge_eval *g)
{
	g->state = GAUGE_NODATA;
	g->since = 0;
	g->value = NAN;
	g->value_ts = 0;
	g->beyond_run = 0;
	g->triggered_once = false;
}

static void set_state(struct gauge_eval *g, enum gauge_state s, double now)
{
	if (g->state != s || g->since == 0) {
		g->state = s;
		g->since = now;
	}
}

/* How far past `threshold` toward the bad side `v` is: > 0 beyond it. */
static double beyond(enum runbook_direction dir, double v, double threshold)
{
	return dir == RUNBOOK_ABOVE ? v - threshold : threshold - v;
}

/* The margin a value must come back by before a state is left. */
static double margin(const struct runbook_gauge *def, double threshold)
{
	double gap = 0;

	if (def->has_warn && def->has_critical)
		gap = fabs(def->critical - def->warn);
	if (gap == 0)
		gap = fabs(threshold);
	if (gap == 0)
		gap = 1;
	return gap * GAUGE_HYSTERESIS;
}

/* Is v beyond threshold, given whether we are already past it (hysteresis:
 * entering needs v past the line, leaving needs v back by the margin)? */
static bool past(const struct runbook_gauge *def, enum runbook_direction dir, double v,
		 double threshold, bool currently)
{
	double b = beyond(dir, v, threshold);

	if (currently)
		return b > -margin(def, threshold);
	return b > 0;   /* on the line is not beyond */
}

static enum gauge_state level(const struct runbook_gauge *def, double v, enum gauge_state cur)
{
	bool was_crit = cur >= GAUGE_CRITICAL, was_warn = cur >= GAUGE_WARN;

	if (def->has_critical && past(def, def->direction, v, def->critical, was_crit))
		return GAUGE_CRITICAL;
	if (def->has_warn && past(def, def->direction, v, def->warn, was_warn))
		return GAUGE_WARN;
	/* Without a warn threshold, a value past critical's hysteresis band
	 * but not past critical is OK. */
	return GAUGE_OK;
}

static void consume(struct gauge_eval *g, const struct runbook_gauge *def, double v, double now)
{
	enum gauge_state s = level(def, v, g->state);

	if (def->has_trigger) {
		const struct runbook_trigger *t = &def->trigger;
		bool in_trigger = g->state == GAUGE_TRIGGERED;
		bool b;

		if (t->has_threshold)
			b = past(def, t->direction, v, t->threshold, in_trigger);
		else    /* HTTP: failures fire it (gauge_eval_http); else critical does */
			b = def->kind != RUNBOOK_GAUGE_HTTP && s >= GAUGE_CRITICAL;

		g->beyond_run = b ? g->beyond_run + 1 : 0;
		if (b && (in_trigger || g->beyond_run >= (t->for_n ? t->for_n : 1))) {
			s = GAUGE_TRIGGERED;
			g->triggered_once = true;
		}
	}
	set_state(g, s, now);
}

static double period_of(const struct runbook_gauge *def)
{
	return def->period_s ? (double)def->period_s : 60.0;
}

void gauge_eval_tick(struct gauge_eval *g, const struct runbook_gauge *def, double now)
{
	if (def->kind != RUNBOOK_GAUGE_METRIC && def->kind != RUNBOOK_GAUGE_EXPRESSION)
		return;
	/* A datapoint is published about one period after it starts, so
	 * allow STALE_PERIODS + 1 periods before calling it stale. */
	if (g->value_ts == 0 ||
	    now - g->value_ts > (GAUGE_STALE_PERIODS + 1) * period_of(def)) {
		g->beyond_run = 0;
		set_state(g, GAUGE_NODATA, now);
	}
}

void gauge_eval_feed(struct gauge_eval *g, const struct runbook_gauge *def, const double *ts,
		     const double *values, size_t n, double now)
{
	for (size_t i = 0; i < n; i++) {
		if (ts[i] <= g->value_ts || isnan(values[i]) || isinf(values[i]))
			continue;
		g->value = values[i];
		g->value_ts = ts[i];
		consume(g, def, values[i], now);
	}
	gauge_eval_tick(g, def, now);
}

void gauge_eval_alarm(struct gauge_eval *g, const struct runbook_gauge *def,
		      const char *state_value, double now)
{
	enum gauge_state s;

	g->value_ts = now;
	if (!state_value || state_value[0] == 'I' || (state_value[0] != 'O' && state_value[0] != 'A')) {
		g->value = NAN;
		g->beyond_run = 0;
		set_state(g, GAUGE_NODATA, now);
		return;
	}
	if (state_value[0] == 'O') {   /* "OK" */
		g->value = 0;
		g->beyond_run = 0;
		set_state(g, GAUGE_OK, now);
		return;
	}
	g->value = 1;                   /* "ALARM" */
	s = GAUGE_CRITICAL;
	if (def->has_trigger) {
		g->beyond_run++;
		if (g->state == GAUGE_TRIGGERED ||
		    g->beyond_run >= (def->trigger.for_n ? def->trigger.for_n : 1)) {
			s = GAUGE_TRIGGERED;
			g->triggered_once = true;
		}
	}
	set_state(g, s, now);
}

void gauge_eval_http(struct gauge_eval *g, const struct runbook_gauge *def, bool ok,
		     double latency_ms, double now)
{
	g->value_ts = now;
	if (!ok) {
		g->value = latency_ms;
		if (def->has_trigger && !def->trigger.has_threshold) {
			g->beyond_run++;
			if (g->state == GAUGE_TRIGGERED ||
			    g->beyond_run >= (def->trigger.for_n ? def->trigger.for_n : 1)) {
				g->triggered_once = true;
				set_state(g, GAUGE_TRIGGERED, now);
				return;
			}
		}
		set_state(g, GAUGE_CRITICAL, now);
		return;
	}
	if (def->has_trigger && !def->trigger.has_threshold)
		g->beyond_run = 0;
	g->value = latency_ms;
	consume(g, def, latency_ms, now);
}
