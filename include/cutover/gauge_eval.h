/* gauge_eval.h: from datapoints to a gauge's state, as a pure function of
 * its history, so the rules are tested without a network or a clock.
 *
 * States, by how bad: NODATA, OK, WARN, CRITICAL, TRIGGERED.
 *  - WARN / CRITICAL: the latest datapoint is beyond the warn / critical
 *    threshold in the gauge's direction.
 *  - TRIGGERED: the rollback trigger's threshold was crossed for `for_n`
 *    consecutive datapoints; it holds until a datapoint is back inside.
 *  - Hysteresis: to leave a state for a better one, the value must come back
 *    past the threshold by a margin (HYSTERESIS of the gap between the
 *    thresholds, or of the threshold itself), so a value sitting on a
 *    threshold does not flap.
 *  - NODATA: no datapoint yet, or the newest is older than STALE_PERIODS
 *    periods (a metric that stopped reporting is not "OK").
 * `since` is when the current state began, so the screen can say how long
 * it has held.  Plain value; one owner (the engine's metrics poller).
 */
#ifndef CUTOVER_GAUGE_EVAL_H
#define CUTOVER_GAUGE_EVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "cutover/runbook.h"

#define GAUGE_STATE_LIST(_) \
	_(NODATA,    "NODATA") \
	_(OK,        "OK") \
	_(WARN,      "WARN") \
	_(CRITICAL,  "CRITICAL") \
	_(TRIGGERED, "TRIGGERED")

enum gauge_state {
#define GAUGE_STATE_ENUM(id, name) GAUGE_##id,
	GAUGE_STATE_LIST(GAUGE_STATE_ENUM)
#undef GAUGE_STATE_ENUM
	GAUGE_STATE_COUNT
};

#define GAUGE_HYSTERESIS 0.05
#define GAUGE_STALE_PERIODS 3

struct gauge_eval {
	enum gauge_state state;
	double since;             /* epoch seconds the state began; 0 before the first */
	double value;             /* the latest datapoint's value; NAN when none */
	double value_ts;          /* its timestamp; 0 when none */
	unsigned beyond_run;      /* consecutive datapoints beyond the trigger */
	bool triggered_once;      /* reached TRIGGERED since the last reset */
};

void gauge_eval_init(struct gauge_eval *g);

/* Consume datapoints (timestamps ascending, epoch seconds) of a METRIC or
 * EXPRESSION gauge; those not newer than the last one consumed are skipped,
 * so the same window may be fed again on every poll.  NaN values (missing
 * points) are skipped.  `now` decides staleness and stamps `since`. */
void gauge_eval_feed(struct gauge_eval *g, const struct runbook_gauge *def, const double *ts,
		     const double *values, size_t n, double now);

/* An ALARM gauge: state_value is CloudWatch's "OK", "ALARM" or
 * "INSUFFICIENT_DATA".  ALARM is CRITICAL, or TRIGGERED when the gauge has a
 * trigger (a trigger without threshold fires on ALARM, for_n polls in a row). */
void gauge_eval_alarm(struct gauge_eval *g, const struct runbook_gauge *def,
		      const char *state_value, double now);

/* An HTTP gauge: ok is false when the check failed (transport error or an
 * unexpected status); latency_ms is compared with warn / critical. */
void gauge_eval_http(struct gauge_eval *g, const struct runbook_gauge *def, bool ok,
		     double latency_ms, double now);

/* Re-check staleness without new data (called on every poll). */
void gauge_eval_tick(struct gauge_eval *g, const struct runbook_gauge *def, double now);

const char *gauge_state_name(enum gauge_state s);

#endif
