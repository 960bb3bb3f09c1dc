/* sim_metrics.h: the rehearsal endpoint's CloudWatch data model: the
 * scenario's metrics (baseline, noise, scripted incidents, recovery when a
 * parameter is flipped) and the alarms computed from them.  Internal to
 * src/sim/; sim_cw.c puts it on the wire.
 *
 * Everything is a pure function of (scenario, seed, t0, parameter-change
 * times, the time asked about): a raw sample at time ts is computed, never
 * stored, so answers do not depend on the order or number of requests.
 * Alarm states are computed by evaluating every minute from the start of the
 * metrics' history; the result is cached, which changes speed, not answers.
 *
 * Single-threaded: the sim calls it under its one mutex.
 */
#ifndef CUTOVER_SIM_METRICS_H
#define CUTOVER_SIM_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "cutover/status.h"

struct sim_metrics;

/* A dimension as the caller holds it (borrowed strings). */
struct sim_dim {
	const char *name;
	const char *value;
};

enum sim_stat_kind {
	SIM_STAT_AVERAGE,
	SIM_STAT_SUM,
	SIM_STAT_MINIMUM,
	SIM_STAT_MAXIMUM,
	SIM_STAT_SAMPLECOUNT,
	SIM_STAT_PERCENTILE
};

struct sim_stat {
	enum sim_stat_kind kind;
	double pct; /* SIM_STAT_PERCENTILE: 0 < pct <= 100 */
};

enum sim_alarm_state { SIM_ALARM_OK, SIM_ALARM_ALARM, SIM_ALARM_INSUFFICIENT };

/* What DescribeAlarms shows of one alarm at a time; strings borrowed from
 * the model (valid until it is destroyed), reason owned here. */
struct sim_alarm_view {
	const char *name;
	const char *description; /* NULL when none */
	int composite;
	const char *rule; /* composite: AlarmRule */
	/* metric alarms */
	const char *namespace_;
	const char *metric_name;
	const struct sim_dim *dims;
	size_t ndims;
	const char *stat_name; /* "Average", or "p99" (ExtendedStatistic) */
	int extended;          /* stat_name is an ExtendedStatistic */
	int period;
	int evaluation_periods;
	int datapoints_to_alarm;
	double threshold;
	const char *comparison;    /* "GreaterThanThreshold" ... */
	const char *treat_missing; /* "missing" ... */
	/* state at the asked time */
	enum sim_alarm_state state;
	double state_updated; /* epoch seconds of the last change */
	double configured;    /* AlarmConfigurationUpdatedTimestamp */
	char reason[1024];
	char reason_data[1024]; /* StateReasonData JSON, or "" */
};

/* Read root's "metrics" and "alarms" (and the initial values of the
 * parameters that recover_when names, from "parameters").  Strict: an unknown
 * key, a wrong type or an impossible value is CUTOVER_EVALIDATE with err
 * naming the place, e.g. `metrics[1].incidents[0]: missing "to"`.  *out is
 * always set (NULL on failure). */
enum cutover_status sim_metrics_create(const cJSON *root, uint64_t seed, double t0_epoch,
                                       struct sim_metrics **out,
                                       struct cutover_err *err) CUTOVER_MUST_CHECK;
void sim_metrics_destroy(struct sim_metrics *m);

/* An SSM parameter got a value at time now (epoch seconds).  Only parameters
 * named by some metric's recover_when matter; others are ignored. */
void sim_metrics_parameter_changed(struct sim_metrics *m, const char *name, const char *value,
                                   double now);

/* The metric with exactly this namespace, name and dimension set (order does
 * not matter), or -1. */
int sim_metrics_find(const struct sim_metrics *m, const char *ns, const char *name,
                     const struct sim_dim *dims, size_t ndims);
size_t sim_metrics_count(const struct sim_metrics *m);
const char *sim_metrics_unit(const struct sim_metrics *m, size_t idx); /* "None" if unset */
/* 1 when s is one of CloudWatch's units ("Count", "Bytes/Second", "None"...),
 * as the scenario file and PutMetricData/GetMetricData may name them. */
int sim_metrics_is_unit(const char *s);
int sim_metrics_period(const struct sim_metrics *m, size_t idx);       /* raw resolution, s */

/* The raw sample of metric idx at time ts (a multiple of its period), as if
 * now were infinitely late (no history or "not yet" check). */
double sim_metrics_sample(const struct sim_metrics *m, size_t idx, int64_t ts);

/* The statistic over the raw samples with from <= ts < to that exist by
 * `now` (ts <= now, and inside the metric's history).  NAN when there are
 * none (a missing datapoint). */
double sim_metrics_stat(const struct sim_metrics *m, size_t idx, const struct sim_stat *st,
                        int64_t from, int64_t to, double now);

/* Parse a CloudWatch statistic name: Average Sum Minimum Maximum SampleCount
 * pNN / pNN.N.  0 on success; -1 if CloudWatch would not know it; -2 if it is
 * a real CloudWatch statistic the sim does not model (tm99, IQM, ...). */
int sim_stat_parse(const char *s, struct sim_stat *out);

/* The earliest time any metric has data (t0 - history_s). */
double sim_metrics_history_start(const struct sim_metrics *m);

/* Alarms, sorted by name (DescribeAlarms order).  _get evaluates alarm i at
 * time now into *out. */
size_t sim_metrics_alarm_count(const struct sim_metrics *m);
void sim_metrics_alarm_get(struct sim_metrics *m, size_t i, double now, struct sim_alarm_view *out);
/* Index of the alarm called name, or -1. */
int sim_metrics_alarm_find(const struct sim_metrics *m, const char *name);
/* Is alarm `child` named in composite alarm `parent`'s rule? */
int sim_metrics_alarm_is_child(const struct sim_metrics *m, size_t parent, size_t child);

const char *sim_alarm_state_name(enum sim_alarm_state s); /* "OK", "ALARM", ... */

#endif
