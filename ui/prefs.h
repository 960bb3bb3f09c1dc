/* prefs.h: the operator's console preferences, from the [ui] section of an
 * INI file (other sections belong to other parts of cutover and are left
 * alone):
 *
 *   [ui]
 *   theme  = light                  ; a name from themes/ or a path
 *   keymap = ~/.config/cutover/keys ; see docs/keys.md
 *   mouse  = on                     ; on | off
 *   ascii  = auto                   ; auto | on | off (draw without Unicode)
 *   clock  = utc                    ; utc | local
 *
 * Command-line options override these; these override the defaults.
 * A plain value. */
#ifndef CUTOVER_PREFS_H
#define CUTOVER_PREFS_H

#include <stdbool.h>
#include <stddef.h>

#include "cutover/status.h"

enum prefs_tristate { PREFS_AUTO = -1, PREFS_OFF = 0, PREFS_ON = 1 };

struct ui_prefs {
	char theme[256];   /* "" = the built-in default */
	char keymap[1024]; /* "" = none; "~/" already expanded */
	bool mouse;
	enum prefs_tristate ascii;
	bool utc;
};

/* The defaults: built-in theme, no keymap, mouse on, ascii auto, UTC clock
 * (a cutover spans teams and time zones; the audit log is UTC too). */
void prefs_default(struct ui_prefs *p);

/* Read path over p.  home (may be NULL) expands a leading "~/" in keymap.
 * A missing file is CUTOVER_ENOENT, which callers treat as "no
 * preferences"; a mistake is CUTOVER_EPARSE with "path:line: ..." (the
 * first one) and the nearest valid name; the other lines still apply. */
enum cutover_status prefs_load(struct ui_prefs *p, const char *path, const char *home,
			       struct cutover_err *err) CUTOVER_MUST_CHECK;

/* The usual place: $XDG_CONFIG_HOME/cutover/config.ini, else
 * ~/.config/cutover/config.ini; "" when neither variable is set.  Returns
 * buf. */
char *prefs_default_path(char *buf, size_t cap, const char *xdg_config_home, const char *home);

#endif
