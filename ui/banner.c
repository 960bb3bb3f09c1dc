/* banner.c: the alert banner as cells (see banner.h). */
#include <string.h>

#include "banner.h"
#include "glyph.h"
#include "safe_text.h"

#define TEXT_MIN 20 /* the alert keeps at least this much before hints */

int banner_render(const char *text, const struct keymap *km, const struct key_hint *hints,
		  size_t nhints, int width, unsigned flags, struct cell *out)
{
	char keys[256];
	int at = 0, kcols, tcols;

	if (width <= 0)
		return 0;
	/* blank, glyph, blank, text, blank, hints, blank */
	keymap_hints(km, hints, nhints, width - 3 - TEXT_MIN - 2, keys, sizeof(keys));
	kcols = (int)strlen(keys); /* hints are ASCII */
	tcols = width - 3 - (kcols ? kcols + 2 : 1);
	at += cells_blank(out + at, width < 1 ? width : 1, ROLE_ALERT_BANNER);
	if (at < width)
		cell_set(&out[at++], glyph_symbol(GLYPH_GAUGE_TRIGGERED, flags & SAFE_TEXT_ASCII),
			 ROLE_ALERT_BANNER);
	if (at < width)
		at += cells_blank(out + at, 1, ROLE_ALERT_BANNER);
	if (tcols > 0) {
		cells_from_text(out + at, tcols, text, ROLE_ALERT_BANNER, flags);
		at += tcols;
	}
	if (kcols) {
		at += cells_blank(out + at, 1, ROLE_ALERT_BANNER);
		cells_from_text(out + at, kcols, keys, ROLE_ALERT_BANNER, flags);
		at += kcols;
	}
	if (at < width)
		cells_blank(out + at, width - at, ROLE_ALERT_BANNER);
	return width;
}
