/* cli_actions.h: what the headless action commands (`cutover flag`,
 * `approve`, `reject`, `executions`) share: their options, loading the
 * runbook and the executor, reporting unknown outcomes at start, and
 * turning an action's result into a line and an exit code. */
#ifndef CUTOVER_CLI_ACTIONS_H
#define CUTOVER_CLI_ACTIONS_H

#include <stdbool.h>

#include "cutover/actions.h"
#include "cutover/runbook.h"

/* Exit codes of the action commands (docs/actions.md). */
enum cli_action_exit {
	CLI_ACT_OK = 0,
	CLI_ACT_FAILED = 1,     /* the AWS call (or the audit log) failed; nothing changed */
	CLI_ACT_USAGE = 2,      /* bad arguments, or not valid for the runbook */
	CLI_ACT_REFUSED = 3,    /* read-only, no --confirm ENV, no --yes, nothing pending */
	CLI_ACT_CONFLICT = 4,   /* someone else changed the flag first; nothing written */
	CLI_ACT_VERIFY = 5,     /* outcome unknown or interleaved: a person must verify */
};

#define CLI_ACT_MAX_POS 16

struct cli_act_args {
	const char *confirm, *operator_name, *audit, *profile, *region;
	const char *comment, *error, *cause;
	bool yes, read_only, help;
	long long expect_version;
	long timeout_ms;                /* --timeout SECONDS per request; 0: default */
	int argc;                       /* positional arguments */
	char *argv[CLI_ACT_MAX_POS];
};

/* Parse the shared options; -1 (message printed) on a usage error. */
int cli_act_parse(const char *cmd, int argc, char **argv, struct cli_act_args *a);

/* Load the runbook at path and create the executor; report intents whose
 * outcome is unknown from the audit log.  Returns -1 when both are ready,
 * else the exit code (message printed). */
int cli_act_open(const char *cmd, const char *path, const struct cli_act_args *a,
		 struct runbook **rb, struct actions **ex);

/* Print the result (stdout on success, stderr otherwise) and return its
 * exit code. */
int cli_act_report(const char *cmd, const struct action_result *res);

/* The exit code of a result. */
int cli_act_exit_code(const struct action_result *res);

/* An AWS timestamp (epoch seconds) as UTC RFC 3339 in buf, "-" when it is
 * absent (<= 0) or out of range. */
void cli_act_when(double t, char *buf, size_t n);


/* The options every action command takes, for its --help. */
extern const char cli_act_options_help[];

#endif
