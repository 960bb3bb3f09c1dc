/* console_config.c: the settings file (console_config.h), read with inih. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "console_config.h"

struct parse {
	struct console_config *cfg;
	char bad[128];            /* the first unknown key, or "" */
	bool nomem;
};

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	char **slot = NULL;

	(void)section;
	if (strcmp(name, "theme") == 0)
		slot = &p->cfg->theme;
	else if (strcmp(name, "keymap") == 0)
		slot = &p->cfg->keymap;
	else if (strcmp(name, "operator") == 0)
		slot = &p->cfg->operator_name;
	if (!slot) {
		snprintf(p->bad, sizeof(p->bad), "%s", name);
		return 0;
	}
	free(*slot);
	*slot = strdup(value);
	if (!*slot) {
		p->nomem = true;
		return 0;
	}
	return 1;
}

bool console_config_path(char *buf, size_t cap)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg && *xdg)
		snprintf(buf, cap, "%s/cutover/config", xdg);
	else if (home && *home)
		snprintf(buf, cap, "%s/.config/cutover/config", home);
	else
		return false;
	return true;
}

enum cutover_status console_config_load(const char *path, struct console_config *cfg,
					struct cutover_err *err)
{
	struct parse p = { cfg, "", false };
	FILE *f;
	int line;

	memset(cfg, 0, sizeof(*cfg));
	/* The operator's settings file; read once at start. */
	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? CUTOVER_ENOENT
				       : cutover_errf(err, CUTOVER_EIO, "%s: %s", path, strerror(errno));
	line = ini_parse_file(f, on_pair, &p);
	fclose(f);
	if (p.nomem) {
		console_config_free(cfg);
		return cutover_errf(err, CUTOVER_ENOMEM, "%s: out of memory", path);
	}
	if (line != 0) {
		console_config_free(cfg);
		if (p.bad[0])
			return cutover_errf(err, CUTOVER_EPARSE,
					    "%s:%d: unknown setting '%s'; the settings are theme, keymap and operator",
					    path, line, p.bad);
		return cutover_errf(err, CUTOVER_EPARSE, "%s:%d: expected 'name = value'", path, line);
	}
	return CUTOVER_OK;
}

void console_config_free(struct console_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->theme);
	free(cfg->keymap);
	free(cfg->operator_name);
	memset(cfg, 0, sizeof(*cfg));
}
