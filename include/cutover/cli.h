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

/* What a subcommand that opens the console (`cutover demo`) tells it
 * beyond the command line.  Borrowed for the duration of the call. */
struct cli_console_launch {
	const char *label;          /* shown in the header, e.g. "demo"; NULL: none */
	/* The endpoint's clock for the engine (the sim's scenario clock) and
	 * how fast it runs; NULL: the wall clock. */
	double (*now)(void *ctx);
	void *now_ctx;
	double speed;
};

struct cli_frontend {
	/* Open the full-screen console on RUNBOOK (argv[0] is the path, the
	 * rest are console options).  launch is NULL for `cutover RUNBOOK`.
	 * Returns the process exit code.  Main thread; curl_global_init has
	 * run. */
	int (*run_console)(int argc, char **argv, const struct cli_console_launch *launch);
};

/* Parse argv, run a subcommand or the console, return the exit code.
 * Called once, from main(), before any thread exists.  fe stays reachable
 * through cli_frontend() while it runs. */
int cli_main(int argc, char **argv, const struct cli_frontend *fe);

/* The front end main() handed to cli_main (NULL outside it, or for a
 * build without a console): how a subcommand opens the console without
 * the core depending on the UI. */
const struct cli_frontend *cli_frontend(void);

#endif
