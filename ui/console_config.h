/* console_config.h: the console's settings file, so an operator need not
 * repeat options: $XDG_CONFIG_HOME/cutover/config (or
 * ~/.config/cutover/config), INI lines without sections:
 *
 *   theme = high-contrast      # as --theme
 *   keymap = /path/to/keys     # as --keymap
 *   operator = alice           # as --operator
 *
 * Command-line options win over the environment (CUTOVER_THEME,
 * CUTOVER_OPERATOR), which wins over the file.  Parsed with inih. */
#ifndef CUTOVER_CONSOLE_CONFIG_H
#define CUTOVER_CONSOLE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "cutover/status.h"

/* A plain value owning its strings (NULL: not set). */
struct console_config {
	char *theme;
	char *keymap;
	char *operator_name;
};

/* Where the file is for this user, into buf; false when neither
 * XDG_CONFIG_HOME nor HOME is set. */
bool console_config_path(char *buf, size_t cap);

/* Read path into cfg (zeroed first).  A missing file is CUTOVER_ENOENT
 * with cfg empty; an unknown key or a malformed line is CUTOVER_EPARSE
 * with err naming the file, the line and the keys there are. */
enum cutover_status console_config_load(const char *path, struct console_config *cfg,
					struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Free the strings and zero cfg.  NULL is a no-op. */
void console_config_free(struct console_config *cfg);

#endif
