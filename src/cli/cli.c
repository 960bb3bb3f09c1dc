/* cli.c: argv dispatch for `cutover`.  The command table (commands.h) is the
 * single source for dispatch and for the help text. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cutover/aws_client.h"
#include "cutover/cli.h"
#include "cli/commands.h"

struct command {
	const char *name, *usage, *summary;
	int (*fn)(int argc, char **argv);
};

static const struct command commands[] = {
#define CUTOVER_COMMAND_ROW(name, usage, summary, fn) { #name, usage, summary, fn },
	CUTOVER_COMMANDS(CUTOVER_COMMAND_ROW)
#undef CUTOVER_COMMAND_ROW
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void print_help(FILE *out)
{
	fprintf(out,
		"cutover %s: a terminal console for live cloud-migration cutovers\n"
		"\n"
		"Usage:\n"
		"  cutover [RUNBOOK]          open the console (default ./cutover.json)\n"
		"  cutover COMMAND [ARGS]     run one command headless\n"
		"\n"
		"Commands:\n", CUTOVER_VERSION);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"Options:\n"
		"  -h, --help       show this help\n"
		"  -V, --version    print the version\n"
		"\n"
		"Run `cutover help COMMAND` for one command's options.\n"
		"Documentation: docs/ and `man cutover`.\n");
}

void cli_usage(const char *name)
{
	const struct command *c = find_command(name);

	if (c)
		fprintf(stderr, "usage: cutover %s %s\n", c->name, c->usage);
}

int cmd_help(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		print_help(stdout);
		return CLI_EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "cutover: no command '%s'; `cutover --help` lists them\n", argv[1]);
		return CLI_EXIT_USAGE;
	}
	printf("usage: cutover %s %s\n\n%s\n", c->name, c->usage, c->summary);
	return CLI_EXIT_OK;
}

int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("cutover %s\n", CUTOVER_VERSION);
	return CLI_EXIT_OK;
}

/* libcurl's global state is not thread-safe: set it up once, here, before
 * any command or the console starts a thread. */
static int run_initialised(int (*fn)(int, char **), int argc, char **argv)
{
	struct cutover_err err;
	int rc;

	if (aws_global_init(&err) != CUTOVER_OK) {
		fprintf(stderr, "cutover: %s\n", err.msg);
		return CLI_EXIT_FAIL;
	}
	rc = fn(argc, argv);
	aws_global_cleanup();
	return rc;
}

static const struct cli_frontend *frontend;

const struct cli_frontend *cli_frontend(void)
{
	return frontend;
}

/* `cutover RUNBOOK`: the console against whatever AWS the environment names. */
static int run_console_plain(int argc, char **argv)
{
	return frontend->run_console(argc, argv, NULL);
}

static int open_console(const struct cli_frontend *fe, int argc, char **argv)
{
	if (access(argv[0], R_OK) != 0) {
		fprintf(stderr, "cutover: cannot read runbook %s\n"
			"  `cutover --help` lists the commands; `cutover demo` opens a rehearsal.\n",
			argv[0]);
		return CLI_EXIT_USAGE;
	}
	if (!fe || !fe->run_console) {
		fprintf(stderr, "cutover: this build has no console; use `cutover status %s`\n", argv[0]);
		return CLI_EXIT_USAGE;
	}
	return run_initialised(run_console_plain, argc, argv);
}

int cli_main(int argc, char **argv, const struct cli_frontend *fe)
{
	const struct command *c;

	frontend = fe;
	if (argc < 2) {
		static char default_runbook[] = "cutover.json";
		char *args[] = { default_runbook, NULL };

		if (access(default_runbook, F_OK) != 0) {
			fprintf(stderr,
				"cutover: no runbook given and no ./cutover.json here.\n"
				"  Start with one of:\n"
				"    cutover demo            rehearse on a built-in example, no AWS account needed\n"
				"    cutover RUNBOOK.json    watch a cutover described by a runbook\n"
				"    cutover check RUNBOOK   validate a runbook\n"
				"    cutover --help          every command\n");
			return CLI_EXIT_USAGE;
		}
		return open_console(fe, 1, args);
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		print_help(stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)
		return cmd_version(0, NULL);

	c = find_command(argv[1]);
	if (!c) {
		if (argv[1][0] == '-') {
			fprintf(stderr, "cutover: unknown option %s; `cutover --help` lists them\n", argv[1]);
			return CLI_EXIT_USAGE;
		}
		if (strchr(argv[1], '.') || strchr(argv[1], '/'))
			return open_console(fe, argc - 1, argv + 1);
		fprintf(stderr, "cutover: no command '%s'; `cutover --help` lists them\n", argv[1]);
		return CLI_EXIT_USAGE;
	}
	return run_initialised(c->fn, argc - 1, argv + 1);
}
