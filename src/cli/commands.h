/* commands.h: the subcommand table.  One line per subcommand generates the
 * dispatch table and `cutover --help`; each cmd_NAME lives in cmd_NAME.c.
 *   _(name, "usage after the name", "one-line summary", function)        */
#ifndef CUTOVER_COMMANDS_H
#define CUTOVER_COMMANDS_H

#define CUTOVER_COMMANDS(_) \
	_(help,    "[COMMAND]", "Show help for cutover or one command", cmd_help) \
	_(version, "", "Print the version", cmd_version) \
	_(check,   "RUNBOOK [--json]", "Validate a runbook; --json prints it normalized", cmd_check) \
	_(audit,   "tail|verify|export [--db FILE] [-f] [-n N] [--format csv|json|md] [--out FILE]", \
	  "Read, verify and export the audit log", cmd_audit) \
	_(note,    "[--db FILE] [--operator NAME] TEXT...", "Add a note to the audit timeline", cmd_note) \
	_(sim,     "--scenario FILE [--port N] [--speed X] [--seed S] [--listen ADDR] [--no-auth]", "Run the AWS-compatible rehearsal endpoint", cmd_sim) \
	_(demo,    "[NAME|RUNBOOK] [--speed X] [--theme T] [--keymap F] [--operator N] [--read-only]", "Rehearse an example against the built-in sim", cmd_demo) \
	_(status,  "RUNBOOK [--json] [--watch] [--profile P] [--region R]", "Poll every source once (or --watch) and print phases, gauges, flags", cmd_status) \
	_(flag,    "list|get|set|toggle|step RUNBOOK [FLAG [VALUE|up|down]] [--expect-version N] [--confirm ENV] [--yes] [--comment C]", \
	  "List the runbook's flags or change one (audited, optimistic concurrency)", cmd_flag) \
	_(approve, "RUNBOOK TOKEN|PHASE [--comment C] [--confirm ENV] | RUNBOOK --list", "Approve a pending task token (SendTaskSuccess)", cmd_approve) \
	_(reject,  "RUNBOOK TOKEN|PHASE [--comment C] [--confirm ENV]", "Reject a pending task token (SendTaskFailure)", cmd_reject) \
	_(executions, "list|stop RUNBOOK [EXEC] [--error E] [--cause C] [--yes] [--confirm ENV]", "List the runbook's executions or stop one", cmd_executions) \
	_(rollback, "RUNBOOK PLAN [--yes] [--confirm ENV] [--resume] [--assume-done STEP,...] [--audit FILE] [--operator NAME]", "Run a rollback plan step by step (resumable), or --status", cmd_rollback) \
	/* end of the command list */

#define CUTOVER_COMMAND_DECL(name, usage, summary, fn) int fn(int argc, char **argv);
CUTOVER_COMMANDS(CUTOVER_COMMAND_DECL)
#undef CUTOVER_COMMAND_DECL

/* Print the usage line of one command to stderr; for "try --help" errors. */
void cli_usage(const char *name);

#endif
