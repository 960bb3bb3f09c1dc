/* sim_cw.h: the rehearsal endpoint's CloudWatch service: GetMetricData and
 * DescribeAlarms over JSON 1.0 (X-Amz-Target GraniteServiceVersion20100801.*,
 * what botocore >= 1.42.7 and the console speak) and over the older Query
 * protocol (form-encoded Action=..., XML answers; what Debian's AWS CLI 2.9
 * speaks).  Internal to src/sim/.
 *
 * The data (metrics, incidents, reactions, alarms) lives in sim_metrics; this
 * module validates requests as CloudWatch does and writes its answers.
 * Errors carry CloudWatch's Query-era code in reply->query_error (the
 * x-amzn-query-error header, "InvalidParameterValue;Sender") in JSON mode,
 * and an <ErrorResponse> in Query mode.
 *
 * Single-threaded: the sim's HTTP layer calls it under its one mutex.
 */
#ifndef CUTOVER_SIM_CW_H
#define CUTOVER_SIM_CW_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "cutover/status.h"
#include "sim/sim_service.h"

struct sim_cw;

/* Read the scenario's "metrics" and "alarms" (and "region", "account",
 * "parameters" for ARNs and initial values); see docs/sim-cloudwatch.md.
 * CUTOVER_EVALIDATE with err naming the place (`alarms[2].comparison: ...`).
 * *out is always set (NULL on failure); root is not kept.  hooks may be NULL. */
enum cutover_status sim_cw_create(const cJSON *root, uint64_t seed, double t0_epoch,
                                  const struct sim_hooks *hooks, struct sim_cw **out,
                                  struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Answer one JSON 1.0 request: op is the part of X-Amz-Target after the dot
 * ("GetMetricData", "DescribeAlarms"), body the raw JSON.  reply must be
 * zeroed, or hold an earlier answer, whose body is freed; afterwards
 * reply->body is heap memory the caller frees.  Never fails to answer: bad
 * input gets an AWS-shaped 4xx. */
void sim_cw_handle(struct sim_cw *c, const char *op, const char *body, size_t len, double now,
                   struct sim_reply *reply);

/* Answer one Query request: form is the x-www-form-urlencoded body
 * (Action=GetMetricData&Version=2010-08-01&...).  Answers text/xml; reply as
 * for sim_cw_handle.  The XML carries its own <RequestId> (a seeded UUID),
 * which the HTTP layer may not know. */
void sim_cw_handle_query(struct sim_cw *c, const char *form, size_t len, double now,
                         struct sim_reply *reply);

/* An SSM parameter changed at time now (reactions: recover_when). */
void sim_cw_parameter_changed(struct sim_cw *c, const char *name, const char *value, double now);

void sim_cw_destroy(struct sim_cw *c);

#endif
