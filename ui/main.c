/* main.c: the `cutover` executable.  The core's CLI owns argv; this file only
 * hands it the terminal console as the front end for `cutover RUNBOOK` and
 * `cutover demo`. */
#include <locale.h>

#include "cutover/cli.h"
#include "console.h"

int main(int argc, char **argv)
{
	static const struct cli_frontend fe = { console_run };

	setlocale(LC_ALL, "");
	return cli_main(argc, argv, &fe);
}
