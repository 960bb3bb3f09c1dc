/* scenario.h: the sim's scenario file, loaded and checked.
 *
 * A scenario is JSON with `//` and `/ * * /` comments (docs/sim.md).  The
 * loader reports syntax errors with line and column, rejects unknown
 * top-level keys by name, and validates the sections the HTTP layer owns
 * (identity, credentials, health, faults).  The service models validate
 * their own sections from `root` when they are created (SIM-SCENARIO.md).
 *
 * A plain value: the caller owns it and frees it with sim_scenario_destroy().
 * Nothing here is shared between threads after loading.
 */
#ifndef CUTOVER_SCENARIO_H
#define CUTOVER_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "cutover/status.h"

/* The services a fault window can apply to (a bit set). */
enum sim_svc {
	SIM_SVC_SSM = 1 << 0,
	SIM_SVC_SFN = 1 << 1,
	SIM_SVC_CW = 1 << 2,
	SIM_SVC_STS = 1 << 3,
	SIM_SVC_HEALTH = 1 << 4,
	SIM_SVC_API = SIM_SVC_SSM | SIM_SVC_SFN | SIM_SVC_CW | SIM_SVC_STS,
};

/* Accepted when a scenario lists no credentials. */
#define SIM_DEFAULT_ACCESS_KEY_ID "AKIASIMULATOR0EXAMPLE"
#define SIM_DEFAULT_SECRET_ACCESS_KEY "cutover-sim/secret+key0EXAMPLE"

struct sim_credential {
	char *access_key_id;
	char *secret_access_key;
	char *session_token;        /* NULL: none required (and none accepted) */
	char *arn;                  /* what GetCallerIdentity answers */
	char *user_id;              /* derived from arn and key: AIDA.../AROA...:session */
};

struct sim_health_incident {
	double at_s, for_s;
	int status;                 /* -1: unchanged */
	int latency_ms;             /* -1: unchanged */
};

struct sim_health {
	char *path;
	int status;
	int latency_ms;
	char *body;                 /* NULL: a JSON {"status":...} body */
	struct sim_health_incident *incidents;
	size_t nincidents;
};

struct sim_fault {
	double from_s, to_s;        /* to_s < 0: until the end */
	double throttle_rate, error5xx_rate, drop_rate;
	int latency_min_ms, latency_max_ms;
	unsigned services;          /* enum sim_svc bits */
	char *message;              /* owned; the failed calls' message, NULL for AWS's own */
};

struct sim_scenario {
	cJSON *root;                /* the whole document, for the service models */
	char *name;
	char region[64];
	char account[16];
	bool has_start_epoch;
	double start_epoch;
	struct sim_credential *creds;
	size_t ncreds;
	struct sim_health *health;
	size_t nhealth;
	struct sim_fault *faults;
	size_t nfaults;
};

/* Read and check the scenario at path.  *out is always set (NULL on error);
 * err says where: "FILE:12:5: expected ',' or '}'", or
 * "FILE: faults[1].throttle_rate: must be a number from 0 to 1". */
enum cutover_status sim_scenario_load(const char *path, struct sim_scenario **out,
				      struct cutover_err *err) CUTOVER_MUST_CHECK;

/* The same from text in memory; origin names it in messages. */
enum cutover_status sim_scenario_parse(const char *text, size_t len, const char *origin,
				       struct sim_scenario **out, struct cutover_err *err)
	CUTOVER_MUST_CHECK;

/* The credential with this access key id, or NULL. Borrowed. */
const struct sim_credential *sim_scenario_credential(const struct sim_scenario *s,
						     const char *access_key_id);

void sim_scenario_destroy(struct sim_scenario *s);

/* Blank the comments of a JSON-with-comments text in place (each comment
 * character becomes a space, newlines stay), so cJSON parses it and byte
 * offsets still map to the author's lines and columns.  Fails on an
 * unterminated block comment, with its line and column in err. */
enum cutover_status sim_json_blank_comments(char *text, size_t len, const char *origin,
					    struct cutover_err *err) CUTOVER_MUST_CHECK;

/* 1-based line and column of byte offset off in text. */
void sim_json_position(const char *text, size_t off, int *line, int *col);

#endif
