/* banner.h: the alert banner under the header, one row in
 * ROLE_ALERT_BANNER that stays until acknowledged:
 *
 *    ‼ SFN error rate 12.3% > 10% for 3 datapoints · plan: full      A acknowledge  R roll back
 *
 * The alert text is cut before the key hints are; the hints come from the
 * keymap, so they name the keys that really act.  Pure. */
#ifndef CUTOVER_BANNER_H
#define CUTOVER_BANNER_H

#include <stddef.h>

#include "cell.h"
#include "keys.h"

/* Render text (sanitized) and the hints into exactly width cells (0 when
 * width <= 0).  flags: SAFE_TEXT_ASCII.  Needs a UTF-8 LC_CTYPE unless
 * ASCII. */
int banner_render(const char *text, const struct keymap *km, const struct key_hint *hints,
		  size_t nhints, int width, unsigned flags, struct cell *out);

#endif
