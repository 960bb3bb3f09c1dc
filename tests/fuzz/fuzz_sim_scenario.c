/* fuzz_sim_scenario.c: the sim's scenario loader (src/sim/scenario.c,
 * sim_scenario_parse) on any bytes.  Promises checked: OK gives a scenario;
 * a failure gives none and a message that names the origin. */
#include "fuzz_target.h"
#include "sim/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_scenario *s = (struct sim_scenario *)&size; /* must be overwritten */
	struct cutover_err err = { 0 };
	enum cutover_status st;

	st = sim_scenario_parse((const char *)data, size, "fuzz.scenario.json", &s, &err);
	if (st == CUTOVER_OK && !s)
		fuzz_fail("OK without a scenario");
	if (st != CUTOVER_OK) {
		if (s)
			fuzz_fail("status %d with a scenario", (int)st);
		if (st != CUTOVER_ENOMEM && !strstr(err.msg, "fuzz.scenario.json"))
			fuzz_fail("status %d, message without the origin: %s", (int)st, err.msg);
	}
	sim_scenario_destroy(s);
	return 0;
}
