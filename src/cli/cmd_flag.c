/* cmd_flag.c: `cutover flag list|get|set|toggle|step`, the headless twin of
 * the console's flags panel.  Reads go straight to SSM; every change goes
 * through actions_run(), the path the console's worker takes. */
#include <stdio.h>
#include <string.h>

#include "cli/cli_actions.h"
#include "cli/commands.h"
#include "cutover/termsafe.h"

static void help(void)
{
	printf("usage: cutover flag list RUNBOOK\n"
	       "       cutover flag get RUNBOOK FLAG\n"
	       "       cutover flag set RUNBOOK FLAG VALUE [--expect-version N]\n"
	       "       cutover flag toggle RUNBOOK FLAG [--expect-version N]\n"
	       "       cutover flag step RUNBOOK FLAG up|down [--expect-version N]\n\n"
	       "List the runbook's flags with value, version and last modifier, or change one.\n"
	       "A change is made only if the parameter is still at the version read just before\n"
	       "the write (or at --expect-version, the version you looked at); otherwise it is\n"
	       "refused naming who changed it and to what.\n%s", cli_act_options_help);
}

static int list(struct actions *ex, const struct runbook *rb, const char *only)
{
	struct action_flag_state *fs = NULL;
	struct cutover_err err;
	int shown = 0;

	cutover_err_clear(&err);
	if (actions_flags_read(ex, true, &fs, &err) != CUTOVER_OK) {
		fprintf(stderr, "cutover flag: reading the flags failed: %s\n", err.msg);
		return CLI_ACT_FAILED;
	}
	if (!only)
		printf("%-24s %-8s %-16s %7s  %-20s %s\n", "FLAG", "TYPE", "VALUE", "VERSION",
		       "MODIFIED", "BY");
	for (size_t i = 0; i < rb->nflags; i++) {
		const struct action_flag_state *f = &fs[i];
		char t[32];

		if (only && strcmp(f->def->id, only) != 0)
			continue;
		shown++;
		cli_act_when(f->last_modified, t, sizeof(t));
		if (only) {
			printf("%s = ", f->def->id);
			termsafe_put(stdout, f->present ? f->value : "(absent)");
			printf(" (%s, %s, version %lld, modified %s by ", runbook_flag_type_name(f->def->type),
			       f->def->ssm, f->version, t);
			termsafe_put(stdout, f->last_modified_user ? f->last_modified_user : "-");
			printf(")%s\n", f->def->dangerous ? " [dangerous]" : "");
			continue;
		}
		printf("%-24s %-8s ", f->def->id, runbook_flag_type_name(f->def->type));
		if (!f->present)
			printf("%-16s %7s  %-20s %s", "(absent)", "-", "-", "-");
		else {
			char v[64];

			snprintf(v, sizeof(v), "%.60s", f->value ? f->value : "");
			termsafe_scrub(v);
			printf("%-16s %7lld  %-20s ", v, f->version, t);
			termsafe_put(stdout, f->last_modified_user ? f->last_modified_user : "-");
		}
		printf("%s\n", f->def->dangerous ? "  [dangerous]" : "");
	}
	actions_flags_free(fs, rb->nflags);
	if (only && !shown) {
		fprintf(stderr, "cutover flag get: no flag '%s' in runbook %s; `cutover flag list` "
			"shows them\n", only, rb->name);
		return CLI_ACT_USAGE;
	}
	return CLI_ACT_OK;
}

int cmd_flag(int argc, char **argv)
{
	struct cli_act_args a;
	struct action_request req = { 0 };
	struct action_result res;
	struct runbook *rb = NULL;
	struct actions *ex = NULL;
	const char *sub;
	int rc, need;

	if (cli_act_parse("flag", argc - 1, argv + 1, &a) != 0)
		return CLI_ACT_USAGE;
	if (a.help) {
		help();
		return CLI_ACT_OK;
	}
	if (a.argc < 2) {
		fprintf(stderr, "cutover flag: give list, get, set, toggle or step, then the runbook\n");
		cli_usage("flag");
		return CLI_ACT_USAGE;
	}
	sub = a.argv[0];
	need = strcmp(sub, "list") == 0 ? 2 : strcmp(sub, "get") == 0 || strcmp(sub, "toggle") == 0 ? 3
		: strcmp(sub, "set") == 0 || strcmp(sub, "step") == 0 ? 4 : -1;
	if (need < 0) {
		fprintf(stderr, "cutover flag: unknown subcommand '%s' (list, get, set, toggle, step)\n",
			sub);
		return CLI_ACT_USAGE;
	}
	if (a.argc != need) {
		fprintf(stderr, "cutover flag %s: expected %d argument%s after '%s', got %d\n", sub,
			need - 1, need - 1 == 1 ? "" : "s", sub, a.argc - 1);
		cli_usage("flag");
		return CLI_ACT_USAGE;
	}
	if (strcmp(sub, "step") == 0 && strcmp(a.argv[3], "up") != 0 &&
	    strcmp(a.argv[3], "down") != 0) {
		fprintf(stderr, "cutover flag step: give up or down, not '%s'\n", a.argv[3]);
		return CLI_ACT_USAGE;
	}
	if ((rc = cli_act_open("flag", a.argv[1], &a, &rb, &ex)) >= 0)
		return rc;
	if (strcmp(sub, "list") == 0 || strcmp(sub, "get") == 0) {
		rc = list(ex, rb, strcmp(sub, "get") == 0 ? a.argv[2] : NULL);
		goto out;
	}
	req.kind = ACTION_FLAG_SET;
	req.flag_id = a.argv[2];
	req.expected_version = a.expect_version;
	req.comment = a.comment;
	req.confirm = a.confirm;
	req.confirmed = a.yes;
	if (strcmp(sub, "set") == 0) {
		req.flag_op = ACTION_FLAG_VALUE;
		req.value = a.argv[3];
	} else if (strcmp(sub, "toggle") == 0) {
		req.flag_op = ACTION_FLAG_TOGGLE;
	} else {
		req.flag_op = strcmp(a.argv[3], "up") == 0 ? ACTION_FLAG_STEP_UP : ACTION_FLAG_STEP_DOWN;
	}
	actions_run(ex, &req, &res);
	rc = cli_act_report("flag", &res);
out:
	actions_destroy(ex);
	runbook_destroy(rb);
	return rc;
}
