/* cmd_executions.c: `cutover executions list|stop RUNBOOK [EXEC]`, the jobs
 * of the runbook's state machines, and stopping one through the action
 * path. */
#include <stdio.h>
#include <string.h>

#include "cutover/aws_sfn.h"
#include "cli/cli_actions.h"
#include "cli/commands.h"
#include "cutover/termsafe.h"

static void help(void)
{
	printf("usage: cutover executions list RUNBOOK\n"
	       "       cutover executions stop RUNBOOK EXEC [--error E] [--cause C] --yes\n\n"
	       "List the executions (jobs) of the runbook's state machines, newest first, or\n"
	       "stop a running one (EXEC: its ARN or its name).  Stopping cannot be undone,\n"
	       "so it needs --yes.  A lost answer is not retried blindly: the execution is\n"
	       "described to learn whether it stopped.\n%s", cli_act_options_help);
}

static int list(struct actions *ex, const struct runbook *rb)
{
	struct aws_client *c = actions_client_get(ex);
	int rc = CLI_ACT_OK;

	printf("%-16s %-32s %-10s %-20s %-20s %s\n", "EXECUTION", "NAME", "STATUS", "STARTED",
	       "STOPPED", "ARN");
	for (size_t i = 0; i < rb->nexecutions; i++) {
		const struct runbook_execution *re = &rb->executions[i];
		struct sfn_execution_list l = { 0 };
		struct aws_error aerr;
		bool dup = false;

		for (size_t k = 0; k < i; k++)
			if (strcmp(rb->executions[k].state_machine_arn, re->state_machine_arn) == 0)
				dup = true;
		if (dup)
			continue;
		aws_error_clear(&aerr);
		if (sfn_list_executions(c, re->state_machine_arn, NULL, 100, &l, &aerr) != CUTOVER_OK) {
			char msg[768];

			aws_error_render(&aerr, msg, sizeof(msg));
			fprintf(stderr, "cutover executions: listing %s failed: %s\n", re->id, msg);
			rc = CLI_ACT_FAILED;
			continue;
		}
		for (size_t k = 0; k < l.count; k++) {
			char t0[32], t1[32];

			cli_act_when(l.items[k].start_date, t0, sizeof(t0));
			cli_act_when(l.items[k].stop_date, t1, sizeof(t1));
			printf("%-16s ", re->id);
			termsafe_put(stdout, l.items[k].name);
			printf("%*s %-10s %-20s %-20s ",
			       (int)(32 - (strlen(l.items[k].name ? l.items[k].name : "") < 32
					    ? strlen(l.items[k].name ? l.items[k].name : "") : 32)),
			       "", l.items[k].status ? l.items[k].status : "?", t0, t1);
			termsafe_put(stdout, l.items[k].execution_arn);
			putchar('\n');
		}
		if (l.truncated)
			printf("%-16s (more executions not shown)\n", re->id);
		sfn_execution_list_free(&l);
	}
	return rc;
}

int cmd_executions(int argc, char **argv)
{
	struct cli_act_args a;
	struct action_request req = { 0 };
	struct action_result res;
	struct runbook *rb = NULL;
	struct actions *ex = NULL;
	int rc;

	if (cli_act_parse("executions", argc - 1, argv + 1, &a) != 0)
		return CLI_ACT_USAGE;
	if (a.help) {
		help();
		return CLI_ACT_OK;
	}
	if (a.argc < 2 || (strcmp(a.argv[0], "list") == 0 && a.argc != 2) ||
	    (strcmp(a.argv[0], "stop") == 0 && a.argc != 3) ||
	    (strcmp(a.argv[0], "list") != 0 && strcmp(a.argv[0], "stop") != 0)) {
		fprintf(stderr, "cutover executions: give list RUNBOOK, or stop RUNBOOK EXEC\n");
		cli_usage("executions");
		return CLI_ACT_USAGE;
	}
	if ((rc = cli_act_open("executions", a.argv[1], &a, &rb, &ex)) >= 0)
		return rc;
	if (strcmp(a.argv[0], "list") == 0) {
		rc = list(ex, rb);
		goto out;
	}
	req.kind = ACTION_EXEC_STOP;
	req.execution = a.argv[2];
	req.error = a.error;
	req.cause = a.cause;
	req.comment = a.comment;
	req.confirm = a.confirm;
	req.confirmed = a.yes;
	actions_run(ex, &req, &res);
	rc = cli_act_report("executions", &res);
out:
	actions_destroy(ex);
	runbook_destroy(rb);
	return rc;
}
