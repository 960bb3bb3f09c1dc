/* sim_ssm.h: the sim's SSM Parameter Store model (awsJson1_1, AmazonSSM.*).
 *
 * Parameters come from the scenario's "parameters" section and keep their
 * whole version history.  Operations: GetParameter, GetParameters,
 * GetParametersByPath, PutParameter, GetParameterHistory.
 *
 * Single-threaded: the HTTP layer calls it under the sim's one mutex.
 */
#ifndef CUTOVER_SIM_SSM_H
#define CUTOVER_SIM_SSM_H

#include <stdint.h>

#include "sim/sim_service.h"

struct sim_ssm;

/* Told about every parameter change (PutParameter, or a model's
 * set_parameter hook), after it is applied.  Called with the mutex held. */
typedef void (*sim_ssm_changed_fn)(void *ctx, const char *name, const char *value, double now);

/* Build from root["parameters"]; t0_epoch is the sim clock's start, the
 * LastModifiedDate of the scenario's parameters.  *out is always set. */
enum cutover_status sim_ssm_create(const cJSON *root, uint64_t seed, double t0_epoch,
				   const char *region, const char *account,
				   struct sim_ssm **out, struct cutover_err *err) CUTOVER_MUST_CHECK;

void sim_ssm_set_observer(struct sim_ssm *s, sim_ssm_changed_fn fn, void *ctx);

/* Answer one request; op is the part after "AmazonSSM.".  caller_arn is who
 * signed it (LastModifiedUser of a PutParameter). */
void sim_ssm_handle(struct sim_ssm *s, const char *op, const char *body, size_t len,
		    const char *caller_arn, double now, struct sim_reply *reply);

/* Set a parameter as a model reaction would: creates it as a String if
 * absent, otherwise a new version (even with the same value, as SSM does). */
void sim_ssm_set(struct sim_ssm *s, const char *name, const char *value, const char *user,
		 double now);

/* The current value, or NULL.  Borrowed until the next call into s. */
const char *sim_ssm_get(const struct sim_ssm *s, const char *name);

void sim_ssm_destroy(struct sim_ssm *s);

#endif
