/* fuzz_theme.c: the theme parser (ui/theme.c) over the built-in default,
 * then resolution for every colour depth.  Promises checked: an error has
 * a message; resolved colours are curses colour numbers (-1..255, or 24-bit
 * at direct depth) and palette slots are redefinable ones. */
#include "fuzz_target.h"
#include "theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme t;
	struct theme_resolved r;
	struct cutover_err err = { 0 };
	enum cutover_status st;

	theme_default(&t);
	st = theme_parse(&t, (const char *)data, size, "fuzz.theme", &err);
	if (st != CUTOVER_OK && !err.msg[0])
		fuzz_fail("status %d without a message", (int)st);
	for (int d = THEME_DEPTH_MONO; d <= THEME_DEPTH_DIRECT; d++) {
		int top = d == THEME_DEPTH_DIRECT ? 0xffffff : 255;

		theme_resolve(&t, (enum theme_depth)d, &r);
		for (int i = 0; i < ROLE_COUNT; i++)
			if (r.role[i].fg < -1 || r.role[i].fg > top || r.role[i].bg < -1 ||
			    r.role[i].bg > top)
				fuzz_fail("depth %d role %s: fg %d bg %d", d,
					  theme_role_name((enum theme_role)i), r.role[i].fg,
					  r.role[i].bg);
		if (r.n_palette < 0 || r.n_palette > 2 * ROLE_COUNT)
			fuzz_fail("depth %d: %d palette slots", d, r.n_palette);
		for (int i = 0; i < r.n_palette; i++)
			if (r.palette[i].slot < THEME_PALETTE_FIRST || r.palette[i].slot > 255)
				fuzz_fail("depth %d: palette slot %d", d, r.palette[i].slot);
	}
	return 0;
}
