/* runbook.h: the runbook, the one input that describes a cutover.
 *
 * A runbook is loaded once from a JSON-with-comments file (docs/runbook.md is
 * the reference) into the plain, transparent tree below.  After
 * runbook_load_*() returns it is immutable: every thread may read it without
 * a lock for as long as its owner keeps it, and nothing may write to it.
 * No cJSON value survives the loader; every string is a private copy.
 *
 * References are resolved at load time: a phase points at its execution and
 * its rollback plan, a step at its flag or gauge, a trigger at its plan, a
 * sequence at its member plans.  These pointers point into the same tree and
 * live as long as it.  Arrays never change size after load.
 */
#ifndef CUTOVER_RUNBOOK_H
#define CUTOVER_RUNBOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "cutover/diag.h"
#include "cutover/status.h"

/* The sources the engine polls, each on its own interval (seconds).
 * Columns: enum suffix, JSON key in "poll_s", default seconds. */
#define RUNBOOK_SOURCE_LIST(_) \
	_(EXECUTIONS, "executions", 5) \
	_(FLAGS,      "flags",      10) \
	_(METRICS,    "metrics",    60) \
	_(ALARMS,     "alarms",     30) \
	_(HEALTH,     "health",     10) \
	_(IDENTITY,   "identity",   300)

enum runbook_source {
#define RUNBOOK_SOURCE_ENUM(id, key, def) RUNBOOK_SRC_##id,
	RUNBOOK_SOURCE_LIST(RUNBOOK_SOURCE_ENUM)
#undef RUNBOOK_SOURCE_ENUM
	RUNBOOK_SRC_COUNT
};

struct runbook_plan;

/* A Step Functions state machine the phase dashboard watches.  With a
 * fixed execution_arn the dashboard follows that one execution; without,
 * it follows the newest execution and lists the others as jobs. */
struct runbook_execution {
	char *id;                 /* key in "executions" */
	char *title;              /* default: id */
	char *state_machine_arn;  /* arn:PARTITION:states:REGION:ACCOUNT:stateMachine:NAME */
	char *execution_arn;      /* NULL when not fixed */
};

/* A phase of the migration: a run of states of one execution. */
struct runbook_phase {
	char *id;
	char *title;
	const struct runbook_execution *execution;
	char **states;            /* state names, in order; nstates >= 1 */
	size_t nstates;
	unsigned estimate_min;    /* > 0 */
	const struct runbook_plan *rollback;   /* NULL when the phase has none */
};

#define RUNBOOK_FLAG_TYPE_LIST(_) \
	_(BOOL,    "bool") \
	_(PERCENT, "percent") \
	_(ENUM,    "enum") \
	_(STRING,  "string")

enum runbook_flag_type {
#define RUNBOOK_FLAG_TYPE_ENUM(id, name) RUNBOOK_FLAG_##id,
	RUNBOOK_FLAG_TYPE_LIST(RUNBOOK_FLAG_TYPE_ENUM)
#undef RUNBOOK_FLAG_TYPE_ENUM
	RUNBOOK_FLAG_TYPE_COUNT
};

/* A feature flag kept in one SSM parameter.  The parameter's value is the
 * flag's value as text: "true"/"false", "0".."100", one of values[], or any
 * string. */
struct runbook_flag {
	char *id;
	char *ssm;                /* SSM parameter name, e.g. /app/flags/dual-write */
	enum runbook_flag_type type;
	unsigned step;            /* PERCENT: how far one keypress moves it (1..100, default 10); else 0 */
	char **values;            /* ENUM: the allowed values (>= 1, distinct); else NULL */
	size_t nvalues;
	bool dangerous;           /* ask for confirmation before changing it */
	char *description;        /* "" when not given */
};

#define RUNBOOK_GAUGE_KIND_LIST(_) \
	_(METRIC,     "metric") \
	_(EXPRESSION, "expression") \
	_(ALARM,      "alarm") \
	_(HTTP,       "http")

enum runbook_gauge_kind {
#define RUNBOOK_GAUGE_KIND_ENUM(id, name) RUNBOOK_GAUGE_##id,
	RUNBOOK_GAUGE_KIND_LIST(RUNBOOK_GAUGE_KIND_ENUM)
#undef RUNBOOK_GAUGE_KIND_ENUM
	RUNBOOK_GAUGE_KIND_COUNT
};

/* Which side of the thresholds is bad. */
enum runbook_direction {
	RUNBOOK_ABOVE,            /* higher is worse (error rate, latency) */
	RUNBOOK_BELOW,            /* lower is worse (cache hit rate) */
};

struct runbook_dimension {
	char *name;
	char *value;
};

/* One CloudWatch metric.  In an expression gauge, id is the name the
 * expression uses for it (CloudWatch's rule: [a-z][A-Za-z0-9_]*). */
struct runbook_metric {
	char *id;                 /* NULL for a METRIC gauge's own metric */
	char *namespace_name;     /* "AWS/States" */
	char *name;               /* "ExecutionsFailed" */
	char *stat;               /* "Average" (default), "Sum", "p95", ... */
	struct runbook_dimension *dimensions;
	size_t ndimensions;
};

/* When a gauge recommends a rollback: the value is beyond threshold (in
 * the trigger's direction) for `for_n` consecutive datapoints.  For an
 * ALARM gauge, or an HTTP gauge without a threshold, "beyond" means "the
 * alarm is in ALARM" / "the check failed". */
struct runbook_trigger {
	bool has_threshold;
	enum runbook_direction direction;   /* "above" or "below" key */
	double threshold;
	unsigned for_n;           /* >= 1, default 1 */
	const struct runbook_plan *plan;
	bool has_auto;            /* run the plan by itself after a countdown */
	unsigned auto_countdown_s;/* >= 1 when has_auto */
};

struct runbook_gauge {
	char *id;
	char *title;              /* default: id */
	enum runbook_gauge_kind kind;
	struct runbook_metric metric;        /* METRIC */
	char *expression;                    /* EXPRESSION: CloudWatch metric math */
	struct runbook_metric *metrics;      /* EXPRESSION: the named inputs */
	size_t nmetrics;
	unsigned period_s;        /* METRIC, EXPRESSION: default 60, a multiple of 60 or 1/5/10/30 */
	char *alarm;              /* ALARM: CloudWatch alarm name */
	char *url;                /* HTTP: absolute http:// or https:// URL (a path in the
	                           * file is resolved against http_base at load) */
	int expect_status;        /* HTTP: default 200 */
	char *unit;               /* "" by default; "ms" for HTTP */
	enum runbook_direction direction;    /* default ABOVE (always ABOVE for HTTP latency) */
	bool has_warn, has_critical;
	double warn, critical;    /* HTTP: latency in ms (warn_ms, critical_ms) */
	bool has_trigger;
	struct runbook_trigger trigger;
};

#define RUNBOOK_STEP_KIND_LIST(_) \
	_(FLAG,      "flag") \
	_(SFN_START, "sfn_start") \
	_(SFN_STOP,  "sfn_stop") \
	_(EXEC,      "exec") \
	_(HTTP,      "http") \
	_(GAUGE_OK,  "gauge_ok") \
	_(WAIT,      "wait") \
	_(MANUAL,    "manual")

enum runbook_step_kind {
#define RUNBOOK_STEP_KIND_ENUM(id, name) RUNBOOK_STEP_##id,
	RUNBOOK_STEP_KIND_LIST(RUNBOOK_STEP_KIND_ENUM)
#undef RUNBOOK_STEP_KIND_ENUM
	RUNBOOK_STEP_KIND_COUNT
};

/* One step of a rollback plan.  Only the member named by `kind` is set;
 * the others are zero. */
struct runbook_step {
	char *title;
	enum runbook_step_kind kind;
	struct {
		const struct runbook_flag *flag;
		char *value;          /* normalized text: "true", "40", "LEGACY" */
	} flag;
	struct {
		char *state_machine_arn;
		char *input;          /* compact JSON text, default "{}" */
		bool wait;            /* wait for the execution to end (default true) */
		unsigned timeout_s;   /* when waiting; default 900 */
	} sfn_start;
	struct {
		const struct runbook_execution *execution; /* when named by id, else NULL */
		char *execution_arn;  /* when given as an ARN, or the execution's fixed
		                       * ARN; NULL: stop every running execution of
		                       * execution->state_machine_arn */
		char *error;          /* NULL when not given */
		char *cause;          /* NULL when not given */
	} sfn_stop;
	struct {
		char **argv;          /* NULL-terminated, argc >= 1 */
		size_t argc;
		unsigned timeout_s;   /* default 60 */
	} exec;
	struct {
		char *url;            /* absolute, resolved like runbook_gauge.url */
		int expect_status;    /* default 200 */
		unsigned timeout_s;   /* default 10 */
	} http;
	struct {
		const struct runbook_gauge *gauge;
		unsigned timeout_s;   /* default 300 */
	} gauge_ok;
	struct {
		unsigned seconds;     /* >= 1 */
	} wait;
	struct {
		char *text;
	} manual;
};

/* A rollback plan: either its own steps, or a sequence of other plans run
 * in order.  Both kinds may carry a verification checklist, run after. */
struct runbook_plan {
	char *id;                 /* key in "rollback" */
	char *title;              /* default: id */
	unsigned estimate_min;    /* steps: > 0, required; sequence: default the sum */
	struct runbook_step *steps;          /* NULL for a sequence */
	size_t nsteps;
	const struct runbook_plan **sequence;/* NULL for a step plan */
	size_t nsequence;
	char **verify;
	size_t nverify;
};

struct runbook {
	char *name;               /* [A-Za-z0-9._-]+ */
	char *environment;        /* free text; "production"/"prod" is special */
	bool production;          /* environment is production: typed confirmations */
	char *region;             /* "us-east-1" */
	char *audit;              /* audit database path as written, default "NAME.audit.db";
	                           * relative paths are relative to the runbook's folder */
	char *http_base;          /* the application's base URL as written (an http:// or
	                           * https:// origin, maybe with a path); NULL when absent */
	char *http_base_override; /* RUNBOOK_HTTP_BASE_ENV's value when it was set and
	                           * the runbook has http_base (the URLs under http_base
	                           * point there instead); NULL otherwise */
	double poll_s[RUNBOOK_SRC_COUNT];
	char sha256[65];          /* hex SHA-256 of the bytes loaded: which version
	                           * of the runbook an audit session ran */

	struct runbook_execution *executions;
	size_t nexecutions;
	struct runbook_phase *phases;
	size_t nphases;
	struct runbook_flag *flags;
	size_t nflags;
	struct runbook_gauge *gauges;
	size_t ngauges;
	struct runbook_plan *plans;
	size_t nplans;
};

/* The environment variable that points a rehearsal's HTTP checks elsewhere
 * (docs/runbook.md, "http_base"): when set and not empty, it must be an
 * http:// or https:// origin with an optional path, and it replaces
 * http_base in every gauge and step URL that is a path or lies under
 * http_base.  URLs on other origins stay as written (with a warning each).
 * `cutover sim` and `cutover demo` set it to the sim's URL. */
#define RUNBOOK_HTTP_BASE_ENV "CUTOVER_HTTP_BASE"

/* Limits the loader enforces, so that hostile input ends in an error. */
#define RUNBOOK_MAX_FILE_BYTES (16u * 1024u * 1024u)
#define RUNBOOK_MAX_DEPTH 32

/* Load a runbook from bytes.  `path` names the input in messages only.
 * Every problem found (syntax, types, required and unknown keys,
 * references, ranges, ARNs, duplicates) is appended to diags with its line
 * and column; the loader does not stop at the first.  Returns CUTOVER_OK
 * with *out set when there is no error (warnings allowed), CUTOVER_EPARSE
 * (not JSON) or CUTOVER_EVALIDATE (JSON, but not a valid runbook) with *out
 * NULL, or CUTOVER_ENOMEM.  *out is always set; the caller owns it and
 * frees it with runbook_destroy().  Reads RUNBOOK_HTTP_BASE_ENV (getenv):
 * a bad value is an error without a line, and a good one adds a warning
 * that says what it redirected.  Any thread, but not while another thread
 * parses with cJSON (cJSON_Parse* resets a global error pointer) or
 * changes the environment. */
enum cutover_status runbook_load_buffer(const char *path, const char *bytes, size_t len,
					struct runbook **out, struct diag_list *diags) CUTOVER_MUST_CHECK;

/* Read `path` (at most RUNBOOK_MAX_FILE_BYTES) and load it as above.
 * CUTOVER_EIO / CUTOVER_ENOENT when it cannot be read, with err saying why
 * (and nothing in diags); otherwise as runbook_load_buffer, with err set to
 * a one-line summary when the runbook is invalid.  err may be NULL. */
enum cutover_status runbook_load_file(const char *path, struct runbook **out,
				      struct diag_list *diags, struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Free everything.  NULL is a no-op. */
void runbook_destroy(struct runbook *rb);

/* Look up by id; NULL when absent.  The result is borrowed from rb. */
const struct runbook_execution *runbook_execution_find(const struct runbook *rb, const char *id);
const struct runbook_phase *runbook_phase_find(const struct runbook *rb, const char *id);
const struct runbook_flag *runbook_flag_find(const struct runbook *rb, const char *id);
const struct runbook_gauge *runbook_gauge_find(const struct runbook *rb, const char *id);
const struct runbook_plan *runbook_plan_find(const struct runbook *rb, const char *id);

/* Names as they appear in the file ("percent", "gauge_ok", "metrics"). */
const char *runbook_source_name(enum runbook_source src);
const char *runbook_flag_type_name(enum runbook_flag_type t);
const char *runbook_gauge_kind_name(enum runbook_gauge_kind k);
const char *runbook_step_kind_name(enum runbook_step_kind k);
const char *runbook_direction_name(enum runbook_direction d);

/* The default poll interval of a source, in seconds. */
double runbook_source_default_s(enum runbook_source src);

/* The normalized runbook as JSON text (defaults filled in, references by
 * id, tab-indented, newline-terminated), built from the structs.  The
 * caller frees *out.  CUTOVER_ENOMEM only. */
enum cutover_status runbook_to_json(const struct runbook *rb, char **out) CUTOVER_MUST_CHECK;

#endif
