/* metric_query.h: the one GetMetricData request that serves every METRIC
 * and EXPRESSION gauge of a runbook, and the way back from its result ids
 * to the gauges.
 *
 * Ids: gauge i's metrics are m<i>_<j> (j = 0 for a METRIC gauge's own
 * metric), its expression e<i>; an expression's names for its inputs are
 * rewritten to those ids.  Only what a gauge shows returns data: m<i>_0 of
 * a METRIC gauge and e<i>; an expression's inputs are hidden.
 *
 * The window: end is the current time floored to the shortest period (a
 * period still filling is not a datapoint yet); start reaches back
 * (for_n + GAUGE_STALE_PERIODS + 1) periods of the gauge that needs the
 * most, floored to the longest period.  Pure; any thread. */
#ifndef CUTOVER_METRIC_QUERY_H
#define CUTOVER_METRIC_QUERY_H

#include <stddef.h>

#include "cutover/aws_cloudwatch.h"
#include "cutover/runbook.h"
#include "cutover/status.h"

struct metric_query_plan {
	struct cw_query *queries; /* the request; borrows from this plan and the runbook */
	size_t nqueries;
	double start, end; /* epoch seconds, [start, end) */
	/* Owned backing store: */
	char **strings;
	size_t nstrings;
	struct cw_dimension *dims;
	size_t ndims;
};

/* Build the plan for rb's METRIC and EXPRESSION gauges at time now.  An
 * empty plan (nqueries 0) when there are none.  CUTOVER_ENOMEM, or
 * CUTOVER_EINVAL when more than 500 queries would be needed (err says so).
 * Free with metric_query_plan_free even on failure. */
enum cutover_status metric_query_plan_build(const struct runbook *rb, double now,
                                            struct metric_query_plan *out,
                                            struct cutover_err *err) CUTOVER_MUST_CHECK;
/* The same plan for gauge gi alone (its queries, its window): what a
 * caller waiting on one gauge asks.  Empty when gi is not a METRIC or
 * EXPRESSION gauge; CUTOVER_EINVAL when gi is out of range. */
enum cutover_status metric_query_plan_build_gauge(const struct runbook *rb, size_t gi, double now,
                                                  struct metric_query_plan *out,
                                                  struct cutover_err *err) CUTOVER_MUST_CHECK;
void metric_query_plan_free(struct metric_query_plan *p);

/* The gauge a returned id belongs to: "m3_0" -> 3, "e7" -> 7; -1 for an
 * id that is not a gauge's shown value (m3_1, garbage). */
long metric_query_gauge_of(const char *id);

/* Rewrite expr's references to the gauge's input names into m<gi>_<j>.
 * Identifiers inside quotes (SEARCH('...')) and function names are left
 * alone.  *out is a heap string the caller frees. */
enum cutover_status metric_query_rewrite(const char *expr, const struct runbook_gauge *g, size_t gi,
                                         char **out) CUTOVER_MUST_CHECK;

/* The maximum number of queries one call may carry. */
#define METRIC_QUERY_MAX 500

#endif
