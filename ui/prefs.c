/* prefs.c: console preferences from an INI file (see prefs.h); inih does
 * the parsing, this file only knows the [ui] keys. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "cutover/nearest.h"
#include "prefs.h"

static const char *const keys[] = { "theme", "keymap", "mouse", "ascii", "clock" };
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

struct load {
	struct ui_prefs *p;
	const char *home;
	char msg[512]; /* the first mistake, without its line (inih gives that) */
};

static bool is_on(const char *v)
{
	return !strcasecmp(v, "on") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
	       !strcmp(v, "1");
}

static bool is_off(const char *v)
{
	return !strcasecmp(v, "off") || !strcasecmp(v, "false") || !strcasecmp(v, "no") ||
	       !strcmp(v, "0");
}

/* inih calls this for every name = value; returning 0 marks the line. */
static int on_value(void *user, const char *section, const char *name, const char *value)
{
	struct load *l = user;
	struct ui_prefs *p = l->p;
	int w;

	if (strcmp(section, "ui") != 0)
		return 1; /* someone else's section */
	if (!strcmp(name, "theme")) {
		w = snprintf(p->theme, sizeof(p->theme), "%s", value);
		if (w < 0 || (size_t)w >= sizeof(p->theme))
			goto too_long;
	} else if (!strcmp(name, "keymap")) {
		if (!strncmp(value, "~/", 2) && l->home && *l->home)
			w = snprintf(p->keymap, sizeof(p->keymap), "%s/%s", l->home, value + 2);
		else
			w = snprintf(p->keymap, sizeof(p->keymap), "%s", value);
		if (w < 0 || (size_t)w >= sizeof(p->keymap))
			goto too_long;
	} else if (!strcmp(name, "mouse")) {
		if (!is_on(value) && !is_off(value))
			goto bad_switch;
		p->mouse = is_on(value);
	} else if (!strcmp(name, "ascii")) {
		if (!strcasecmp(value, "auto"))
			p->ascii = PREFS_AUTO;
		else if (is_on(value) || is_off(value))
			p->ascii = is_on(value) ? PREFS_ON : PREFS_OFF;
		else
			goto bad_switch;
	} else if (!strcmp(name, "clock")) {
		if (strcasecmp(value, "utc") && strcasecmp(value, "local")) {
			if (!l->msg[0])
				snprintf(l->msg, sizeof(l->msg),
					 "clock is '%s'; use utc or local", value);
			return 0;
		}
		p->utc = !strcasecmp(value, "utc");
	} else {
		const char *near = nearest_name(name, keys, N_KEYS);

		if (!l->msg[0])
			snprintf(l->msg, sizeof(l->msg),
				 "unknown setting '%s' in [ui]%s%s%s (known: theme, keymap, "
				 "mouse, ascii, clock)", name, near ? "; did you mean '" : "",
				 near ? near : "", near ? "'?" : "");
		return 0;
	}
	return 1;
bad_switch:
	if (!l->msg[0])
		snprintf(l->msg, sizeof(l->msg), "%s is '%s'; use on or off%s", name, value,
			 !strcmp(name, "ascii") ? " or auto" : "");
	return 0;
too_long:
	if (!l->msg[0])
		snprintf(l->msg, sizeof(l->msg), "%s is too long", name);
	return 0;
}

void prefs_default(struct ui_prefs *p)
{
	memset(p, 0, sizeof(*p));
	p->mouse = true;
	p->ascii = PREFS_AUTO;
	p->utc = true;
}

enum cutover_status prefs_load(struct ui_prefs *p, const char *path, const char *home,
			       struct cutover_err *err)
{
	struct load l = { p, home, "" };
	FILE *f;
	int line;

	/* The operator's preferences file. */
	f = fopen(path, "r");
	if (!f)
		return cutover_errf(err, errno == ENOENT ? CUTOVER_ENOENT : CUTOVER_EIO,
				    "cannot read preferences %s: %s", path, strerror(errno));
	line = ini_parse_file(f, on_value, &l);
	fclose(f);
	if (line == 0)
		return CUTOVER_OK;
	if (line < 0)
		return cutover_errf(err, CUTOVER_ENOMEM, "reading preferences %s: out of memory",
				    path);
	return cutover_errf(err, CUTOVER_EPARSE, "%s:%d: %s", path, line,
			    l.msg[0] ? l.msg
				     : "not 'name = value' or '[section]' (or longer than 196 "
				       "characters)");
}

char *prefs_default_path(char *buf, size_t cap, const char *xdg_config_home, const char *home)
{
	if (!cap)
		return buf;
	if (xdg_config_home && *xdg_config_home)
		snprintf(buf, cap, "%s/cutover/config.ini", xdg_config_home);
	else if (home && *home)
		snprintf(buf, cap, "%s/.config/cutover/config.ini", home);
	else
		buf[0] = '\0';
	return buf;
}
