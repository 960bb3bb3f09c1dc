/* fuzz_runbook.c: the runbook loader (runbook_load_buffer) on any bytes.
 * Promises checked: OK comes with a runbook and no error diagnostic; a
 * failure comes with no runbook and at least one located error; and a
 * loaded runbook's normalized JSON (runbook_to_json) loads again. */
#include "cutover/diag.h"
#include "cutover/runbook.h"
#include "fuzz_target.h"

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct runbook *rb = NULL;
	enum cutover_status st;

	if (!devnull)
		devnull = fopen("/dev/null", "w"); /* sink for the printed diagnostics */
	st = runbook_load_buffer("fuzz.runbook.json", (const char *)data, size, &rb, &d);
	if (d.oom)
		goto out;
	if (devnull)
		diag_list_print(&d, "fuzz.runbook.json", devnull);
	if (st == CUTOVER_OK) {
		struct diag_list d2 = DIAG_LIST_INIT;
		struct runbook *again = NULL;
		char *json = NULL;

		if (!rb || d.nerrors)
			fuzz_fail("OK with runbook %p and %zu errors", (void *)rb, d.nerrors);
		if (runbook_to_json(rb, &json) != CUTOVER_OK)
			goto out;
		st = runbook_load_buffer("normalized", json, strlen(json), &again, &d2);
		if (st != CUTOVER_OK && st != CUTOVER_ENOMEM) {
			diag_list_print(&d2, "normalized", stderr);
			fuzz_fail("the normalized runbook does not load again (%d):\n%s", (int)st,
				  json);
		}
		runbook_destroy(again);
		diag_list_free(&d2);
		free(json);
	} else if (st == CUTOVER_EPARSE || st == CUTOVER_EVALIDATE) {
		if (rb || !d.nerrors)
			fuzz_fail("status %d with runbook %p and %zu errors", (int)st, (void *)rb,
				  d.nerrors);
	}
out:
	runbook_destroy(rb);
	diag_list_free(&d);
	return 0;
}
