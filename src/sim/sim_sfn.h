/* sim_sfn.h: the rehearsal endpoint's Step Functions model.  Internal to
 * src/sim/.
 *
 * Holds the scenario's state machines and executions and answers the
 * AWSStepFunctions.* operations the console uses (awsJson1_0): executions
 * move through their states lazily, up to the `now` of each call, writing
 * the event history AWS would (ExecutionStarted, TaskStateEntered,
 * TaskScheduled with the task token of an approval state, ...).  The
 * scenario sections `state_machines` and `executions` are documented in
 * docs/sim-stepfunctions.md.
 *
 * Threads: the HTTP layer calls every function under the sim's one mutex;
 * the model itself takes no lock.  Deterministic: answers are a function of
 * (scenario, seed, sequence of calls and their `now`), never of the wall
 * clock.
 */
#ifndef CUTOVER_SIM_SFN_H
#define CUTOVER_SIM_SFN_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "cutover/status.h"
#include "sim/sim_service.h"

struct sim_sfn;

/* Build the model from the scenario's parsed root object (the sections
 * `state_machines` and `executions`; `region` and `account` are read for
 * ARNs).  t0_epoch is the sim clock's epoch at scenario time 0.  hooks is
 * copied; hooks->set_parameter may be NULL.  root is only read and may be
 * deleted after the call.  Always sets *out (NULL on failure).  Errors:
 * CUTOVER_EVALIDATE with a path-style message in err
 * (`state_machines[1].states[0]: missing "name"`), CUTOVER_ENOMEM. */
enum cutover_status sim_sfn_create(const cJSON *root, uint64_t seed, double t0_epoch,
				   const struct sim_hooks *hooks, struct sim_sfn **out,
				   struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Answer one request.  op is the part of X-Amz-Target after
 * "AWSStepFunctions." ("DescribeExecution", ...); body/len the raw JSON
 * request body (not NUL-terminated necessarily).  now is epoch seconds on
 * the sim clock; a now earlier than a previous call's is treated as that
 * earlier call's.  reply must start zeroed or hold a previous body (freed
 * here); its body is heap-allocated for the caller to free. */
void sim_sfn_handle(struct sim_sfn *s, const char *op, const char *body, size_t len,
		    double now, struct sim_reply *reply);

/* Move every execution forward to now without answering anything, so that
 * cross-model reactions (`sets_parameter`) fire on time even when nobody
 * asks Step Functions.  The HTTP layer calls it before answering another
 * service's request (e.g. SSM GetParameters). */
void sim_sfn_advance(struct sim_sfn *s, double now);

void sim_sfn_destroy(struct sim_sfn *s);

#endif
