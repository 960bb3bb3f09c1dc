/* cmd_approve.c: `cutover approve|reject RUNBOOK TOKEN|PHASE`, answering a
 * Step Functions task token headlessly, by the token or by the phase that
 * waits on it; `--list` shows what is waiting. */
#include <stdio.h>
#include <string.h>

#include "cli/cli_actions.h"
#include "cli/commands.h"
#include "cutover/termsafe.h"

static void help(const char *cmd)
{
	printf("usage: cutover %s RUNBOOK TOKEN|PHASE [--comment C]\n"
	       "       cutover %s RUNBOOK --list\n\n"
	       "%s the approval a phase is waiting on (SendTask%s), found by its task token\n"
	       "or by the phase id; --list shows the approvals waiting now.\n%s",
	       cmd, cmd, strcmp(cmd, "approve") == 0 ? "Approve" : "Reject",
	       strcmp(cmd, "approve") == 0 ? "Success" : "Failure", cli_act_options_help);
}

static int list_pending(struct actions *ex)
{
	struct action_approval *ap = NULL;
	struct cutover_err err;
	size_t n = 0;

	cutover_err_clear(&err);
	if (actions_approvals_read(ex, &ap, &n, &err) != CUTOVER_OK) {
		fprintf(stderr, "cutover: reading the pending approvals failed: %s\n", err.msg);
		return CLI_ACT_FAILED;
	}
	if (n == 0)
		printf("no approval is waiting\n");
	for (size_t i = 0; i < n; i++) {
		printf("%s\t%s\t", ap[i].phase ? ap[i].phase->id : "-", ap[i].state);
		termsafe_put(stdout, ap[i].execution_arn);
		putchar('\t');
		termsafe_put(stdout, ap[i].task_token);
		putchar('\n');
	}
	actions_approvals_free(ap, n);
	return CLI_ACT_OK;
}

static int answer(const char *cmd, int argc, char **argv, enum action_kind kind)
{
	struct cli_act_args a;
	struct action_request req = { 0 };
	struct action_result res;
	struct runbook *rb = NULL;
	struct actions *ex = NULL;
	bool list = false;
	int rc;

	/* --list is this command's own option; take it out before parsing. */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--list") == 0) {
			list = true;
			for (int k = i; k + 1 < argc; k++)
				argv[k] = argv[k + 1];
			argc--;
			break;
		}
	if (cli_act_parse(cmd, argc - 1, argv + 1, &a) != 0)
		return CLI_ACT_USAGE;
	if (a.help) {
		help(cmd);
		return CLI_ACT_OK;
	}
	if (a.argc != (list ? 1 : 2)) {
		fprintf(stderr, "cutover %s: give the runbook and %s\n", cmd,
			list ? "nothing else with --list" : "a task token or a phase id");
		cli_usage(cmd);
		return CLI_ACT_USAGE;
	}
	if ((rc = cli_act_open(cmd, a.argv[0], &a, &rb, &ex)) >= 0)
		return rc;
	if (list) {
		rc = list_pending(ex);
		goto out;
	}
	req.kind = kind;
	if (runbook_phase_find(rb, a.argv[1]))
		req.phase_id = a.argv[1];
	else
		req.task_token = a.argv[1];
	req.comment = a.comment;
	req.confirm = a.confirm;
	req.confirmed = a.yes;
	actions_run(ex, &req, &res);
	rc = cli_act_report(cmd, &res);
out:
	actions_destroy(ex);
	runbook_destroy(rb);
	return rc;
}

int cmd_approve(int argc, char **argv)
{
	return answer("approve", argc, argv, ACTION_APPROVE);
}

int cmd_reject(int argc, char **argv)
{
	return answer("reject", argc, argv, ACTION_REJECT);
}
