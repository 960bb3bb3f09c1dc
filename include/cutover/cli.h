/* cli.h: the `cutover` command line.  Every subcommand is a headless front
 * end on the core; the terminal console is the other front end and is handed
 * in by main() so that the core never depends on the UI. */
#ifndef CUTOVER_CLI_H
#define CUTOVER_CLI_H

/* Exit codes shared by every subcommand. */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAIL = 1,      /* the command ran and found a problem */
	CLI_EXIT_USAGE = 2,     /* bad arguments, unreadable input */
};

struct cli_frontend {
	/* Open the full-screen console on RUNBOOK (argv[0] is the path, the
	 * rest are console options).  Returns the process exit code. */
	int (*run_console)(int argc, char **argv);
};

/* Parse argv, run a subcommand or the console, return the exit code.
 * Called once, from main(), before any thread exists. */
int cli_main(int argc, char **argv, const struct cli_frontend *fe);

#endif
