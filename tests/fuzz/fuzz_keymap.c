/* fuzz_keymap.c: the keymap parser (ui/keys.c) over the defaults, then
 * what the console draws from a keymap: the help screen and the hints.
 * Promises checked: an error has a message; every key maps to a real
 * action; the hints fit their width. */
#include "fuzz_target.h"
#include "keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct key_hint hints[] = { { ACT_HELP, "help" },
						 { ACT_COMMAND, "command" },
						 { ACT_ROLLBACK, "rollback" },
						 { ACT_QUIT, "quit" } };
	struct keymap km;
	struct cutover_err err = { 0 };
	struct strbuf help = STRBUF_INIT;
	char buf[256];
	enum cutover_status st;

	keymap_default(&km);
	st = keymap_parse(&km, (const char *)data, size, "fuzz.keys", &err);
	if (st != CUTOVER_OK && !err.msg[0])
		fuzz_fail("status %d without a message", (int)st);
	for (int k = 0; k < KEYMAP_SIZE; k++)
		if (km.action[k] >= ACT_COUNT)
			fuzz_fail("key %d does action %u of %d", k, km.action[k], ACT_COUNT);
	if (keys_help(&km, 16, &help) != CUTOVER_OK)
		abort();
	strbuf_free(&help);
	/* keys_help already lists every action's keys; a short buffer cuts them */
	(void)keymap_keys_text(&km, ACT_QUIT, ", ", buf, 6);
	for (int w = 0; w <= 40; w += 8) {
		keymap_hints(&km, hints, sizeof(hints) / sizeof(hints[0]), w, buf, sizeof(buf));
		if (strlen(buf) > (size_t)w)
			fuzz_fail("hints for width %d: \"%s\"", w, buf);
	}
	return 0;
}
