/* cli_actions.c: the shared half of the headless action commands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cutover/diag.h"
#include "cli/cli_actions.h"
#include "cli/commands.h"
#include "cutover/termsafe.h"

const char cli_act_options_help[] =
	"  --confirm ENV     production: the environment's name, typed (required there)\n"
	"  --yes             confirm a dangerous change (dangerous flags, stopping an execution)\n"
	"  --read-only       refuse every change (exit 3)\n"
	"  --comment TEXT    reason / comment, recorded in the audit log (--reason too)\n"
	"  --operator NAME   who acts (default $CUTOVER_OPERATOR, $USER)\n"
	"  --audit FILE      audit log (default $CUTOVER_AUDIT, the runbook's, XDG state)\n"
	"  --profile P, --region R   AWS profile and region\n"
	"  --timeout S       per-request timeout in seconds (AWS_MAX_ATTEMPTS: tries)\n"
	"Exit: 0 done, 1 failed (nothing changed), 2 bad usage or not valid for the runbook,\n"
	"3 refused (read-only, --confirm, --yes, nothing pending), 4 conflict (someone else\n"
	"changed it first; nothing written), 5 outcome unknown or interleaved: verify.\n";

int cli_act_parse(const char *cmd, int argc, char **argv, struct cli_act_args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		const char **slot = NULL;

		if (strcmp(arg, "--confirm") == 0)
			slot = &a->confirm;
		else if (strcmp(arg, "--operator") == 0)
			slot = &a->operator_name;
		else if (strcmp(arg, "--audit") == 0 || strcmp(arg, "--db") == 0)
			slot = &a->audit;
		else if (strcmp(arg, "--profile") == 0)
			slot = &a->profile;
		else if (strcmp(arg, "--region") == 0)
			slot = &a->region;
		else if (strcmp(arg, "--comment") == 0 || strcmp(arg, "--reason") == 0 ||
			 strcmp(arg, "-m") == 0)
			slot = &a->comment;
		else if (strcmp(arg, "--error") == 0)
			slot = &a->error;
		else if (strcmp(arg, "--cause") == 0)
			slot = &a->cause;
		else if (strcmp(arg, "--yes") == 0 || strcmp(arg, "-y") == 0) {
			a->yes = true;
			continue;
		} else if (strcmp(arg, "--read-only") == 0) {
			a->read_only = true;
			continue;
		} else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			a->help = true;
			continue;
		} else if (strcmp(arg, "--timeout") == 0) {
			char *end;
			double sec;

			if (i + 1 >= argc) {
				fprintf(stderr, "cutover %s: --timeout needs seconds\n", cmd);
				return -1;
			}
			errno = 0;
			sec = strtod(argv[++i], &end);
			if (errno || *end || end == argv[i] || !(sec >= 0.1 && sec <= 600)) {
				fprintf(stderr, "cutover %s: --timeout takes seconds from 0.1 to 600, "
					"not '%s'\n", cmd, argv[i]);
				return -1;
			}
			a->timeout_ms = (long)(sec * 1000);
			continue;
		} else if (strcmp(arg, "--expect-version") == 0) {
			char *end;

			if (i + 1 >= argc) {
				fprintf(stderr, "cutover %s: --expect-version needs a version number\n",
					cmd);
				return -1;
			}
			errno = 0;
			a->expect_version = strtoll(argv[++i], &end, 10);
			if (errno || *end || end == argv[i] || a->expect_version < 1) {
				fprintf(stderr, "cutover %s: --expect-version takes a version (1 or more), "
					"not '%s'\n", cmd, argv[i]);
				return -1;
			}
			continue;
		} else if (arg[0] == '-' && arg[1] && !(arg[1] >= '0' && arg[1] <= '9')) {
			fprintf(stderr, "cutover %s: unknown option %s (try cutover help %s)\n", cmd,
				arg, cmd);
			return -1;
		} else {
			if (a->argc >= CLI_ACT_MAX_POS) {
				fprintf(stderr, "cutover %s: too many arguments\n", cmd);
				return -1;
			}
			a->argv[a->argc++] = argv[i];
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "cutover %s: %s needs a value\n", cmd, arg);
			return -1;
		}
		*slot = argv[++i];
	}
	return 0;
}

int cli_act_open(const char *cmd, const char *path, const struct cli_act_args *a,
		 struct runbook **rb, struct actions **ex)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct actions_options opt = { 0 };
	struct cutover_err err;
	char dir[4096];
	const char *slash, *v;
	enum cutover_status st;

	*rb = NULL;
	*ex = NULL;
	cutover_err_clear(&err);
	st = runbook_load_file(path, rb, &diags, &err);
	if (st != CUTOVER_OK) {
		diag_list_print(&diags, path, stderr);
		diag_list_free(&diags);
		fprintf(stderr, "cutover %s: %s\n", cmd,
			err.msg[0] ? err.msg : "the runbook is not valid; `cutover check` explains");
		return CLI_ACT_USAGE;
	}
	diag_list_free(&diags);
	slash = strrchr(path, '/');
	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		snprintf(dir, sizeof(dir), ".");
	opt.rb = *rb;
	opt.profile = a->profile;
	opt.region = a->region;
	opt.audit_path = a->audit;
	opt.runbook_dir = dir[0] ? dir : "/";
	opt.operator_name = a->operator_name;
	opt.read_only = a->read_only;
	opt.timeout_ms = a->timeout_ms;
	/* The AWS CLI's variable for the same thing (first try included). */
	if ((v = getenv("AWS_MAX_ATTEMPTS")) && *v) {
		char *end;
		long n;

		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || *end || n < 1 || n > 10) {
			fprintf(stderr, "cutover %s: AWS_MAX_ATTEMPTS must be 1 to 10, not '%s'\n", cmd, v);
			runbook_destroy(*rb);
			*rb = NULL;
			return CLI_ACT_USAGE;
		}
		opt.max_attempts = (int)n;
	}
	if (actions_create(&opt, ex, &err) != CUTOVER_OK) {
		fprintf(stderr, "cutover %s: %s\n", cmd, err.msg);
		runbook_destroy(*rb);
		*rb = NULL;
		return CLI_ACT_USAGE;
	}
	actions_report_unresolved(actions_audit_path(*ex), stderr);
	return -1;
}

int cli_act_exit_code(const struct action_result *res)
{
	switch (res->outcome) {
	case ACTION_OUTCOME_OK:
		return res->status == CUTOVER_OK ? CLI_ACT_OK : CLI_ACT_VERIFY;
	case ACTION_OUTCOME_UNKNOWN:
		return CLI_ACT_VERIFY;
	case ACTION_OUTCOME_FAILED:
		return strcmp(res->reason, "conflict") == 0 ? CLI_ACT_CONFLICT : CLI_ACT_FAILED;
	case ACTION_OUTCOME_REFUSED:
		if (strcmp(res->reason, "invalid") == 0)
			return CLI_ACT_USAGE;
		if (strcmp(res->reason, "read-only") == 0 || strcmp(res->reason, "confirm") == 0 ||
		    strcmp(res->reason, "dangerous") == 0 || strcmp(res->reason, "not-pending") == 0 ||
		    strcmp(res->reason, "not-running") == 0)
			return CLI_ACT_REFUSED;
		return CLI_ACT_FAILED;   /* a read before the change failed */
	default:
		break;
	}
	return CLI_ACT_FAILED;
}

void cli_act_when(double t, char *buf, size_t n)
{
	time_t s = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&s, &tm))
		snprintf(buf, n, "-");
	else
		strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int cli_act_report(const char *cmd, const struct action_result *res)
{
	int code = cli_act_exit_code(res);
	FILE *out = code == CLI_ACT_OK ? stdout : stderr;

	fprintf(out, "cutover %s: ", cmd);
	/* A read before the change that failed stopped it before the record:
	 * to a person that is a failure, not a refusal. */
	if (res->outcome != ACTION_OUTCOME_OK)
		fprintf(out, "%s (%s): ",
			res->outcome == ACTION_OUTCOME_REFUSED && code == CLI_ACT_FAILED
				? "failed" : action_outcome_name(res->outcome),
			res->reason[0] ? res->reason : "-");
	termsafe_put(out, res->message);
	if (res->request_id[0])
		fprintf(out, " [request %s]", res->request_id);
	if (res->intent_id)
		fprintf(out, " [audit #%lld]", (long long)res->intent_id);
	fputc('\n', out);
	return code;
}
