/* cmd_check.c: `cutover check RUNBOOK [--json]`, the runbook validator.
 * Prints every problem as FILE:LINE:COL: error|warning: MESSAGE to stderr
 * and a summary line; with --json, the normalized runbook to stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cutover/cli.h"
#include "cutover/diag.h"
#include "cutover/runbook.h"
#include "cli/commands.h"

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

int cmd_check(int argc, char **argv)
{
	const char *path = NULL;
	bool json = false;
	struct diag_list diags = DIAG_LIST_INIT;
	struct cutover_err err = { CUTOVER_OK, "" };
	struct runbook *rb = NULL;
	enum cutover_status st;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			printf("usage: cutover check RUNBOOK [--json]\n\n"
			       "Validate a runbook and print every problem as FILE:LINE:COL: error: ...\n"
			       "  --json   print the runbook with every default filled in\n"
			       "Exit 0 valid (warnings allowed), 1 invalid, 2 unreadable or bad usage.\n"
			       "The format is described in docs/runbook.md.\n");
			return CLI_EXIT_OK;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "cutover check: unknown option %s\n", argv[i]);
			cli_usage("check");
			return CLI_EXIT_USAGE;
		} else if (path) {
			fprintf(stderr, "cutover check: one runbook at a time (got %s and %s)\n", path, argv[i]);
			cli_usage("check");
			return CLI_EXIT_USAGE;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		fprintf(stderr, "cutover check: which runbook? Give its path.\n");
		cli_usage("check");
		return CLI_EXIT_USAGE;
	}

	st = runbook_load_file(path, &rb, &diags, &err);
	diag_list_print(&diags, path, stderr);
	switch (st) {
	case CUTOVER_OK:
		fprintf(stderr, "%s: valid runbook \"%s\": %zu %s, %zu %s, %zu %s, %zu %s, %zu %s",
			path, rb->name, rb->nexecutions, plural(rb->nexecutions, "execution", "executions"),
			rb->nphases, plural(rb->nphases, "phase", "phases"),
			rb->nflags, plural(rb->nflags, "flag", "flags"),
			rb->ngauges, plural(rb->ngauges, "gauge", "gauges"),
			rb->nplans, plural(rb->nplans, "rollback plan", "rollback plans"));
		if (diags.nwarnings)
			fprintf(stderr, " (%zu %s)", diags.nwarnings, plural(diags.nwarnings, "warning", "warnings"));
		fputc('\n', stderr);
		rc = CLI_EXIT_OK;
		if (json) {
			char *text = NULL;

			if (runbook_to_json(rb, &text) != CUTOVER_OK) {
				fprintf(stderr, "cutover check: out of memory writing the runbook as JSON\n");
				rc = CLI_EXIT_FAIL;
			} else {
				fputs(text, stdout);
				free(text);
			}
		}
		break;
	case CUTOVER_EPARSE:
	case CUTOVER_EVALIDATE:
		fprintf(stderr, "%s: not a valid runbook: %zu %s, %zu %s\n", path,
			diags.nerrors, plural(diags.nerrors, "error", "errors"),
			diags.nwarnings, plural(diags.nwarnings, "warning", "warnings"));
		rc = CLI_EXIT_FAIL;
		break;
	default:
		fprintf(stderr, "cutover check: %s\n", err.msg[0] ? err.msg : cutover_status_str(st));
		rc = CLI_EXIT_USAGE;
		break;
	}
	runbook_destroy(rb);
	diag_list_free(&diags);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "cutover check: cannot write the output\n");
		rc = CLI_EXIT_USAGE;
	}
	return rc;
}
