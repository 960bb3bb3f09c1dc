/* console.h: the full-screen console, entered with a runbook path. */
#ifndef CUTOVER_CONSOLE_H
#define CUTOVER_CONSOLE_H

#include "cutover/cli.h"

/* Run the console until the operator quits; returns the exit code.
 * argv[0] is the runbook path, the rest are options (--theme, --keymap,
 * --profile, --region, --read-only, --operator, --ascii).  launch (may be
 * NULL) carries what `cutover demo` adds: the sim's clock and origin.
 * Main thread only: it owns the terminal.  curl_global_init has run. */
int console_run(int argc, char **argv, const struct cli_console_launch *launch);

#endif
