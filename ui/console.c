/* console.c: entry to the full-screen console.
 *
 * The live console (engine, panels) is not built yet; until it is, this says
 * so plainly instead of pretending, and points at what works today. */
#include <stdio.h>

#include "console.h"

int console_run(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr,
		"cutover: the live console is not available in this build yet.\n"
		"  Validate the runbook with: cutover check %s\n", argv[0]);
	return 1;
}
