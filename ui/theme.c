/* theme.c: role names, the theme file parser and colour downgrading (see
 * theme.h).  No curses here: palette.c turns a resolved theme into pairs. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cutover/nearest.h"
#include "cutover/strbuf.h"
#include "theme.h"

#define THEME_FILE_MAX (256 * 1024)

static const char *const role_names[] = {
#define THEME_ROLE_NAME(name, str, mono, help) str,
	THEME_ROLES(THEME_ROLE_NAME)
#undef THEME_ROLE_NAME
};

static const unsigned role_mono[] = {
#define THEME_ROLE_MONO(name, str, mono, help) mono,
	THEME_ROLES(THEME_ROLE_MONO)
#undef THEME_ROLE_MONO
};

static const char *const color_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"brightblack", "brightred", "brightgreen", "brightyellow", "brightblue",
	"brightmagenta", "brightcyan", "brightwhite", "default",
};
#define N_COLOR_NAMES (sizeof(color_names) / sizeof(color_names[0]))

static const char *const attr_names[] = { "bold", "dim", "reverse", "underline" };
static const unsigned attr_bits[] = { THEME_BOLD, THEME_DIM, THEME_REVERSE, THEME_UNDERLINE };
#define N_ATTRS (sizeof(attr_names) / sizeof(attr_names[0]))

/* Compiled in so the console looks right with no themes/ installed; the test
 * suite checks that themes/default.theme says the same. */
static const char default_theme[] =
	"normal         = default default\n"
	"dim            = #8a8a8a default\n"
	"border         = #5f6f8f default\n"
	"title          = #87afff default bold\n"
	"header         = default default bold\n"
	"hint           = #8a8a8a default\n"
	"ok             = #5fd75f default\n"
	"warn           = #ffaf00 default bold\n"
	"crit           = #ff5f5f default bold\n"
	"triggered      = #ffffff #d70000 bold\n"
	"alert_banner   = #ffffff #d70000 bold\n"
	"running        = #5fafff default\n"
	"pending        = #8a8a8a default\n"
	"stale          = #af87ff default underline\n"
	"prod_banner    = #ffffff #af0000 bold\n"
	"staging_banner = #000000 #ffaf00 bold\n"
	"selected       = #ffffff #005f87\n"
	"tab            = #8a8a8a default\n"
	"tab_active     = #ffffff #005f87 bold\n"
	"prompt         = #ffd75f default bold\n";

const char *theme_role_name(enum theme_role r)
{
	if ((unsigned)r >= ROLE_COUNT)
		return "?";
	return role_names[r];
}

int theme_role_by_name(const char *name)
{
	for (int r = 0; r < ROLE_COUNT; r++)
		if (strcmp(role_names[r], name) == 0)
			return r;
	return -1;
}

void theme_default(struct theme *t)
{
	struct cutover_err err;

	memset(t, 0, sizeof(*t));
	/* The built-in text is tested to parse; a failure here is a bug in
	 * this file, and the zeroed theme (terminal defaults) still works. */
	if (theme_parse(t, default_theme, sizeof(default_theme) - 1, "built-in", &err) != CUTOVER_OK)
		memset(t, 0, sizeof(*t));
}

static bool parse_color(const char *tok, struct theme_color *c)
{
	size_t n = strlen(tok);

	if (tok[0] == '#') {
		unsigned v = 0;

		if (n != 7)
			return false;
		for (size_t i = 1; i < 7; i++) {
			int ch = tolower((unsigned char)tok[i]);
			if (!isxdigit(ch))
				return false;
			v = v * 16 + (unsigned)(isdigit(ch) ? ch - '0' : ch - 'a' + 10);
		}
		c->kind = THEME_COLOR_RGB;
		c->value = v;
		return true;
	}
	if (isdigit((unsigned char)tok[0])) {
		char *end;
		long v;

		errno = 0;
		v = strtol(tok, &end, 10);
		if (errno || *end || v < 0 || v > 255)
			return false;
		c->kind = THEME_COLOR_INDEX;
		c->value = (unsigned)v;
		return true;
	}
	for (size_t i = 0; i < N_COLOR_NAMES; i++) {
		if (strcmp(tok, color_names[i]) != 0)
			continue;
		if (strcmp(tok, "default") == 0) {
			c->kind = THEME_COLOR_DEFAULT;
			c->value = 0;
		} else {
			c->kind = THEME_COLOR_INDEX;
			c->value = (unsigned)i;
		}
		return true;
	}
	return false;
}

static const char *hint(const char *word, const char *const *names, size_t n, char *buf,
			size_t cap)
{
	const char *near = nearest_name(word, names, n);

	if (!near)
		return "";
	snprintf(buf, cap, "; did you mean '%s'?", near);
	return buf;
}

#define MAX_TOKENS 8

/* One line, already without its newline.  Returns the role set, or -1 with err. */
static int parse_line(struct theme *t, char *line, const char *file, int lineno,
		      struct cutover_err *err)
{
	char *eq = strchr(line, '='), *tok[MAX_TOKENS], *p;
	int ntok = 0, role;
	char hb[96];
	struct theme_style st = { { THEME_COLOR_DEFAULT, 0 }, { THEME_COLOR_DEFAULT, 0 }, 0 };

	if (!eq) {
		cutover_errf(err, CUTOVER_EPARSE,
			     "%s:%d: expected 'role = fg bg [bold] [dim] [reverse] [underline]'",
			     file, lineno);
		return -1;
	}
	*eq = '\0';
	p = line;
	while (isspace((unsigned char)*p))
		p++;
	for (char *e = p + strlen(p); e > p && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	role = theme_role_by_name(p);
	if (role < 0) {
		cutover_errf(err, CUTOVER_EPARSE, "%s:%d: unknown role '%s'%s", file, lineno, p,
			     hint(p, role_names, ROLE_COUNT, hb, sizeof(hb)));
		return -1;
	}
	/* Split the right-hand side on blanks by hand: strtok is banned. */
	p = eq + 1;
	for (;;) {
		while (isspace((unsigned char)*p))
			*p++ = '\0';
		if (!*p)
			break;
		if (ntok == MAX_TOKENS) {
			cutover_errf(err, CUTOVER_EPARSE, "%s:%d: too many words for role '%s'",
				     file, lineno, role_names[role]);
			return -1;
		}
		tok[ntok++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
	}
	if (ntok < 2) {
		cutover_errf(err, CUTOVER_EPARSE,
			     "%s:%d: role '%s' needs a foreground and a background colour "
			     "(use 'default' for the terminal's own)",
			     file, lineno, role_names[role]);
		return -1;
	}
	for (int i = 0; i < 2; i++) {
		if (!parse_color(tok[i], i ? &st.bg : &st.fg)) {
			cutover_errf(err, CUTOVER_EPARSE,
				     "%s:%d: bad %s colour '%s' for role '%s' (a colour is "
				     "default, a name like blue, 0-255 or #rrggbb%s)",
				     file, lineno, i ? "background" : "foreground", tok[i],
				     role_names[role],
				     hint(tok[i], color_names, N_COLOR_NAMES, hb, sizeof(hb)));
			return -1;
		}
	}
	for (int i = 2; i < ntok; i++) {
		size_t a;

		for (a = 0; a < N_ATTRS; a++)
			if (strcmp(tok[i], attr_names[a]) == 0)
				break;
		if (a == N_ATTRS) {
			cutover_errf(err, CUTOVER_EPARSE,
				     "%s:%d: unknown attribute '%s' for role '%s' (bold, dim, "
				     "reverse or underline%s)",
				     file, lineno, tok[i], role_names[role],
				     hint(tok[i], attr_names, N_ATTRS, hb, sizeof(hb)));
			return -1;
		}
		st.attrs |= attr_bits[a];
	}
	t->style[role] = st;
	return role;
}

enum cutover_status theme_parse(struct theme *t, const char *text, size_t len,
				const char *file, struct cutover_err *err)
{
	int seen[ROLE_COUNT] = { 0 };
	struct strbuf line = STRBUF_INIT;
	enum cutover_status st = CUTOVER_OK;
	size_t pos = 0;
	int lineno = 0;

	while (pos < len) {
		size_t end = pos;
		const char *s;
		int role;

		while (end < len && text[end] != '\n')
			end++;
		lineno++;
		strbuf_reset(&line);
		if ((st = strbuf_append(&line, text + pos, end - pos)) != CUTOVER_OK) {
			cutover_errf(err, st, "%s: out of memory reading the theme", file);
			goto out;
		}
		pos = end + 1;
		if (strlen(line.data) != line.len) {
			st = cutover_errf(err, CUTOVER_EPARSE, "%s:%d: NUL byte in a theme file",
					  file, lineno);
			goto out;
		}
		if (line.len && line.data[line.len - 1] == '\r')
			line.data[--line.len] = '\0';
		s = line.data;
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#' || *s == ';')
			continue;
		role = parse_line(t, line.data, file, lineno, err);
		if (role < 0) {
			st = CUTOVER_EPARSE;
			goto out;
		}
		if (seen[role]) {
			st = cutover_errf(err, CUTOVER_EPARSE,
					  "%s:%d: role '%s' is already set on line %d", file,
					  lineno, role_names[role], seen[role]);
			goto out;
		}
		seen[role] = lineno;
	}
out:
	strbuf_free(&line);
	return st;
}

enum cutover_status theme_load_file(struct theme *t, const char *path, struct cutover_err *err)
{
	struct strbuf text = STRBUF_INIT;
	enum cutover_status st = CUTOVER_OK;
	char chunk[4096];
	size_t n;
	FILE *f;

	theme_default(t);
	/* The theme file the operator chose; read whole, it is small. */
	f = fopen(path, "r");
	if (!f)
		return cutover_errf(err, CUTOVER_ENOENT, "cannot read theme %s: %s", path,
				    strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (text.len + n > THEME_FILE_MAX) {
			st = cutover_errf(err, CUTOVER_EPARSE,
					  "theme %s is larger than %d KiB; is it a theme file?",
					  path, THEME_FILE_MAX / 1024);
			goto out;
		}
		if ((st = strbuf_append(&text, chunk, n)) != CUTOVER_OK) {
			cutover_errf(err, st, "reading theme %s: out of memory", path);
			goto out;
		}
	}
	if (ferror(f)) {
		st = cutover_errf(err, CUTOVER_EIO, "cannot read theme %s: %s", path,
				  strerror(errno));
		goto out;
	}
	st = theme_parse(t, strbuf_str(&text), text.len, path, err);
out:
	fclose(f);
	strbuf_free(&text);
	return st;
}

static bool valid_theme_name(const char *name)
{
	if (!*name)
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return false;
	return true;
}

#define MAX_LISTED 32

enum cutover_status theme_load_named(struct theme *t, const char *name,
				     const char *const *dirs, struct cutover_err *err)
{
	struct strbuf path = STRBUF_INIT, looked = STRBUF_INIT, avail = STRBUF_INIT;
	char *found[MAX_LISTED];
	size_t nfound = 0;
	enum cutover_status st;
	const char *near;

	if (strchr(name, '/'))
		return theme_load_file(t, name, err);
	if (!valid_theme_name(name))
		return cutover_errf(err, CUTOVER_EINVAL,
				    "bad theme name '%s': use a name like 'light' or a path "
				    "like ./my.theme", name);
	for (size_t i = 0; dirs && dirs[i]; i++) {
		FILE *f;

		strbuf_reset(&path);
		if ((st = strbuf_printf(&path, "%s/%s.theme", dirs[i], name)) != CUTOVER_OK)
			goto nomem;
		/* Only probing whether this directory has the theme. */
		f = fopen(path.data, "r");
		if (f) {
			fclose(f);
			st = theme_load_file(t, path.data, err);
			goto out;
		}
	}
	/* Not found: say where we looked and what there is. */
	for (size_t i = 0; dirs && dirs[i]; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *e;

		if ((st = strbuf_printf(&looked, "%s%s", i ? ", " : "", dirs[i])) != CUTOVER_OK)
			goto nomem;
		if (!d)
			continue;
		while ((e = readdir(d)) != NULL && nfound < MAX_LISTED) {
			size_t n = strlen(e->d_name);
			bool dup = false;

			if (n <= 6 || strcmp(e->d_name + n - 6, ".theme") != 0)
				continue;
			for (size_t k = 0; k < nfound; k++)
				dup |= strncmp(found[k], e->d_name, n - 6) == 0 && !found[k][n - 6];
			if (dup)
				continue;
			found[nfound] = malloc(n - 5);
			if (!found[nfound]) {
				closedir(d);
				goto nomem;
			}
			memcpy(found[nfound], e->d_name, n - 6);
			found[nfound++][n - 6] = '\0';
		}
		closedir(d);
	}
	for (size_t k = 0; k < nfound; k++)
		if ((st = strbuf_printf(&avail, "%s%s", k ? ", " : "", found[k])) != CUTOVER_OK)
			goto nomem;
	near = nearest_name(name, (const char *const *)found, nfound);
	st = cutover_errf(err, CUTOVER_ENOENT, "no theme '%s' in %s (available: %s)%s%s%s", name,
			  looked.len ? looked.data : "(no directories)",
			  avail.len ? avail.data : "none", near ? "; did you mean '" : "",
			  near ? near : "", near ? "'?" : "");
	goto out;
nomem:
	st = cutover_errf(err, CUTOVER_ENOMEM, "loading theme '%s': out of memory", name);
out:
	for (size_t k = 0; k < nfound; k++)
		free(found[k]);
	strbuf_free(&path);
	strbuf_free(&looked);
	strbuf_free(&avail);
	return st;
}

static void add_dir(struct theme_dirs *d, int *n, const char *a, const char *b)
{
	int w;

	if (!a || !*a || *n >= THEME_DIRS_MAX)
		return;
	w = snprintf(d->path[*n], sizeof(d->path[*n]), "%s%s", a, b);
	if (w < 0 || (size_t)w >= sizeof(d->path[*n]))
		return; /* a path that long is not a theme directory */
	d->list[*n] = d->path[*n];
	(*n)++;
}

void theme_dirs_init(struct theme_dirs *d, const char *env_themes, const char *xdg_config_home,
		     const char *home, const char *exe_path)
{
	char exe_dir[1024];
	int n = 0;

	memset(d, 0, sizeof(*d));
	add_dir(d, &n, env_themes, "");
	if (xdg_config_home && *xdg_config_home)
		add_dir(d, &n, xdg_config_home, "/cutover/themes");
	else
		add_dir(d, &n, home, home && *home ? "/.config/cutover/themes" : "");
	if (exe_path && strrchr(exe_path, '/')) {
		size_t len = (size_t)(strrchr(exe_path, '/') - exe_path);

		if (len < sizeof(exe_dir)) {
			memcpy(exe_dir, exe_path, len);
			exe_dir[len] = '\0';
			add_dir(d, &n, exe_dir, "/../share/cutover/themes");
			add_dir(d, &n, exe_dir, "/../themes");
		}
	}
	d->list[n] = NULL;
}

enum theme_depth theme_depth_for(const char *no_color, bool has_colors, int colors,
				 bool can_change)
{
	if ((no_color && *no_color) || !has_colors || colors < 8)
		return THEME_DEPTH_MONO;
	if (colors >= 0x1000000)
		return THEME_DEPTH_DIRECT;
	if (colors >= 256)
		return can_change ? THEME_DEPTH_PALETTE : THEME_DEPTH_256;
	return THEME_DEPTH_8;
}

static const unsigned ansi16[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
	0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};
static const unsigned cube[6] = { 0, 95, 135, 175, 215, 255 };

unsigned theme_xterm_rgb(unsigned index)
{
	if (index < 16)
		return ansi16[index];
	if (index < 232) {
		unsigned i = index - 16;
		return cube[i / 36] << 16 | cube[i / 6 % 6] << 8 | cube[i % 6];
	}
	if (index < 256) {
		unsigned g = 8 + 10 * (index - 232);
		return g << 16 | g << 8 | g;
	}
	return 0;
}

static unsigned long dist2(unsigned a, unsigned b)
{
	long dr = (long)(a >> 16 & 255) - (long)(b >> 16 & 255);
	long dg = (long)(a >> 8 & 255) - (long)(b >> 8 & 255);
	long db = (long)(a & 255) - (long)(b & 255);
	return (unsigned long)(dr * dr + dg * dg + db * db);
}

/* Nearest palette entry in [lo, hi) to rgb. */
static int nearest_index(unsigned rgb, unsigned lo, unsigned hi)
{
	unsigned long best = (unsigned long)-1;
	int bi = (int)lo;

	for (unsigned i = lo; i < hi; i++) {
		unsigned long d = dist2(rgb, theme_xterm_rgb(i));
		if (d < best) {
			best = d;
			bi = (int)i;
		}
	}
	return bi;
}

static unsigned color_rgb(struct theme_color c)
{
	return c.kind == THEME_COLOR_RGB ? c.value : theme_xterm_rgb(c.value);
}

/* Find or allocate a redefinable slot for rgb. */
static int palette_slot(struct theme_resolved *out, unsigned rgb, const bool *reserved)
{
	int slot = THEME_PALETTE_FIRST;

	for (int i = 0; i < out->n_palette; i++)
		if (out->palette[i].rgb == rgb)
			return out->palette[i].slot;
	if (out->n_palette)
		slot = out->palette[out->n_palette - 1].slot + 1;
	while (slot < 256 && reserved[slot])
		slot++;
	if (slot >= 256 || out->n_palette == (int)(sizeof(out->palette) / sizeof(out->palette[0])))
		return nearest_index(rgb, 16, 256); /* cannot happen with 2 colours per role */
	out->palette[out->n_palette].slot = slot;
	out->palette[out->n_palette++].rgb = rgb;
	return slot;
}

static int map_color(struct theme_color c, enum theme_depth depth, struct theme_resolved *out,
		     const bool *reserved)
{
	if (c.kind == THEME_COLOR_DEFAULT)
		return -1;
	switch (depth) {
	case THEME_DEPTH_DIRECT:
		/* ncurses' direct-colour terminfo sends values below 8 as the
		 * ANSI colours, so nearly-black blues would turn into ANSI
		 * colours: lift them to #000008, which no eye can tell apart. */
		if (c.kind == THEME_COLOR_INDEX && c.value < 8)
			return (int)c.value;
		return (int)(color_rgb(c) < 8 ? 8 : color_rgb(c));
	case THEME_DEPTH_PALETTE:
		if (c.kind == THEME_COLOR_INDEX)
			return (int)c.value;
		return palette_slot(out, c.value, reserved);
	case THEME_DEPTH_256:
		if (c.kind == THEME_COLOR_INDEX)
			return (int)c.value;
		/* The ANSI 16 are often re-themed by the user; aim at 16-255. */
		return nearest_index(c.value, 16, 256);
	case THEME_DEPTH_8:
		if (c.kind == THEME_COLOR_INDEX && c.value < 16)
			return (int)(c.value % 8);
		return nearest_index(color_rgb(c), 0, 8);
	case THEME_DEPTH_MONO:
		break;
	}
	return -1;
}

void theme_resolve(const struct theme *t, enum theme_depth depth, struct theme_resolved *out)
{
	bool reserved[256] = { false };

	memset(out, 0, sizeof(*out));
	out->depth = depth;
	/* Palette slots the theme names by index stay as they are. */
	for (int r = 0; r < ROLE_COUNT; r++) {
		if (t->style[r].fg.kind == THEME_COLOR_INDEX)
			reserved[t->style[r].fg.value & 255] = true;
		if (t->style[r].bg.kind == THEME_COLOR_INDEX)
			reserved[t->style[r].bg.value & 255] = true;
	}
	for (int r = 0; r < ROLE_COUNT; r++) {
		const struct theme_style *s = &t->style[r];

		if (depth == THEME_DEPTH_MONO) {
			out->role[r].fg = out->role[r].bg = -1;
			out->role[r].attrs = role_mono[r];
			continue;
		}
		out->role[r].fg = map_color(s->fg, depth, out, reserved);
		out->role[r].bg = map_color(s->bg, depth, out, reserved);
		out->role[r].attrs = s->attrs;
		/* Two colours that were distinct may meet after downgrading
		 * (orange on yellow at 8 colours): keep the text readable. */
		if (out->role[r].fg >= 0 && out->role[r].fg == out->role[r].bg)
			out->role[r].fg = out->role[r].bg == 0 ? 7 : 0;
	}
}
