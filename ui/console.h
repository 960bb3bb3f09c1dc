/* console.h: the full-screen console, entered with a runbook path. */
#ifndef CUTOVER_CONSOLE_H
#define CUTOVER_CONSOLE_H

/* Run the console until the operator quits; returns the exit code.
 * argv[0] is the runbook path.  Main thread only: it owns the terminal. */
int console_run(int argc, char **argv);

#endif
