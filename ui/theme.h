/* theme.h: colours as semantic roles (after htop's ColorElements).
 *
 * Code never names a colour; it names a role (ROLE_WARN, ROLE_PROD_BANNER) and
 * the theme says how the role looks.  Themes are text files in themes/, one
 * `role = fg bg [bold] [dim] [reverse] [underline]` line per role, where a
 * colour is `default` (the terminal's own), one of the 8 names (black red green
 * yellow blue magenta cyan white, also brightred ...), an index 0-255 or
 * #rrggbb.  Lines starting with # or ; are comments; roles a file leaves out
 * keep the built-in default (themes/default.theme, compiled in).
 *
 * The theme is then resolved for what the terminal can show (24-bit, 256 or
 * 8 colours, or none: NO_COLOR and monochrome terminals get attributes only,
 * from each role's monochrome column below, so state still reads).  All of
 * this is pure; palette.h is the one place that talks to curses. */
#ifndef CUTOVER_THEME_H
#define CUTOVER_THEME_H

#include <stdbool.h>
#include <stddef.h>

#include "cutover/status.h"

#define THEME_BOLD      1u
#define THEME_DIM       2u
#define THEME_REVERSE   4u
#define THEME_UNDERLINE 8u

/* _(ENUM, "name in theme files", monochrome attributes, what it is for) */
#define THEME_ROLES(_) \
	_(NORMAL,         "normal",         0, "ordinary text") \
	_(DIM,            "dim",            THEME_DIM, "secondary text, empty bar cells") \
	_(BORDER,         "border",         0, "panel frames") \
	_(TITLE,          "title",          THEME_BOLD, "panel titles") \
	_(HEADER,         "header",         THEME_BOLD, "the header line") \
	_(HINT,           "hint",           THEME_DIM, "key hints in the status line") \
	_(OK,             "ok",             0, "healthy state, succeeded phase") \
	_(WARN,           "warn",           THEME_BOLD, "warning state, warn threshold mark") \
	_(CRIT,           "crit",           THEME_BOLD | THEME_UNDERLINE, "critical state, failed phase, critical mark") \
	_(TRIGGERED,      "triggered",      THEME_BOLD | THEME_REVERSE, "a rollback trigger has fired") \
	_(ALERT_BANNER,   "alert_banner",   THEME_BOLD | THEME_REVERSE, "the unacknowledged alert banner") \
	_(RUNNING,        "running",        0, "running phase or execution") \
	_(PENDING,        "pending",        THEME_DIM, "not started yet") \
	_(STALE,          "stale",          THEME_UNDERLINE, "data older than its poll interval") \
	_(PROD_BANNER,    "prod_banner",    THEME_BOLD | THEME_REVERSE, "the PRODUCTION badge") \
	_(STAGING_BANNER, "staging_banner", THEME_REVERSE, "any other environment's badge") \
	_(SELECTED,       "selected",       THEME_REVERSE, "the selected row") \
	_(TAB,            "tab",            0, "a tab label") \
	_(TAB_ACTIVE,     "tab_active",     THEME_BOLD | THEME_REVERSE, "the current tab label") \
	_(PROMPT,         "prompt",         THEME_BOLD, "command, filter and confirmation input")

enum theme_role {
#define THEME_ROLE_ENUM(name, str, mono, help) ROLE_##name,
	THEME_ROLES(THEME_ROLE_ENUM)
#undef THEME_ROLE_ENUM
	ROLE_COUNT
};

enum theme_color_kind { THEME_COLOR_DEFAULT, THEME_COLOR_INDEX, THEME_COLOR_RGB };

struct theme_color {
	enum theme_color_kind kind;
	unsigned value; /* INDEX: 0-255; RGB: 0xrrggbb */
};

struct theme_style {
	struct theme_color fg, bg;
	unsigned attrs; /* THEME_BOLD | ... */
};

/* A plain value: copy it freely. */
struct theme {
	struct theme_style style[ROLE_COUNT];
};

/* What the terminal can show, best first. */
enum theme_depth {
	THEME_DEPTH_MONO,    /* attributes only: NO_COLOR, or no colours */
	THEME_DEPTH_8,       /* the 8 ANSI colours */
	THEME_DEPTH_256,     /* the xterm 256-colour palette, fixed */
	THEME_DEPTH_PALETTE, /* 256 slots we may redefine (can_change_color) */
	THEME_DEPTH_DIRECT   /* direct 24-bit colour (COLORS == 2^24) */
};

#define THEME_PALETTE_FIRST 16 /* slots below are the ANSI 16; never redefined */

/* The theme made concrete for one terminal.  Colour numbers are what curses
 * takes (-1 = the terminal's default); palette lists the slots to redefine
 * with init_color before the pairs (PALETTE depth only). */
struct theme_resolved {
	enum theme_depth depth;
	struct {
		int fg, bg;
		unsigned attrs;
	} role[ROLE_COUNT];
	int n_palette;
	struct {
		int slot;
		unsigned rgb;
	} palette[2 * ROLE_COUNT];
};

/* The built-in default (identical to themes/default.theme). */
void theme_default(struct theme *t);

/* Parse theme text over t (so a file overrides only what it names).  file
 * names the source in errors: "themes/x.theme:12: unknown role 'warnn' (did
 * you mean 'warn'?)".  On error t may be partly updated. */
enum cutover_status theme_parse(struct theme *t, const char *text, size_t len,
				const char *file, struct cutover_err *err) CUTOVER_MUST_CHECK;

/* theme_default, then the file at path over it. */
enum cutover_status theme_load_file(struct theme *t, const char *path,
				    struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Load a theme by name ("light") from the first of dirs (NULL-terminated)
 * holding NAME.theme, or by path when name contains a '/'.  An unknown name
 * is an error listing the themes found and the nearest one. */
enum cutover_status theme_load_named(struct theme *t, const char *name,
				     const char *const *dirs,
				     struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Where themes are looked up by name, first match wins:
 *   $CUTOVER_THEMES (a directory), then
 *   $XDG_CONFIG_HOME/cutover/themes (or ~/.config/cutover/themes), then
 *   DIR/../share/cutover/themes and DIR/../themes, DIR being the directory
 *   of the running executable (the installed layout and a build tree).
 * A plain value; list is NULL-terminated and points into path. */
#define THEME_DIRS_MAX 5
struct theme_dirs {
	char path[THEME_DIRS_MAX][1024];
	const char *list[THEME_DIRS_MAX + 1];
};

/* Fill d from the given environment values and executable path, any of
 * which may be NULL or "" (then that entry is left out).  Pure: the console
 * passes getenv("CUTOVER_THEMES"), getenv("XDG_CONFIG_HOME"),
 * getenv("HOME") and the path of /proc/self/exe. */
void theme_dirs_init(struct theme_dirs *d, const char *env_themes, const char *xdg_config_home,
		     const char *home, const char *exe_path);

/* The depth to use for a terminal: no_color is getenv("NO_COLOR") (set and
 * non-empty means MONO, see no-color.org), has_colors/colors/can_change are
 * curses' has_colors(), COLORS and can_change_color().  Pure. */
enum theme_depth theme_depth_for(const char *no_color, bool has_colors, int colors,
				 bool can_change);

/* Resolve t for depth: nearest colours (24-bit -> 256 -> 8), palette slots,
 * monochrome attributes.  Pure. */
void theme_resolve(const struct theme *t, enum theme_depth depth, struct theme_resolved *out);

/* "warn"; "?" when out of range.  And the role named name, or -1. */
const char *theme_role_name(enum theme_role r);
int theme_role_by_name(const char *name);

/* The RGB of xterm palette entry 0-255 (the standard values). */
unsigned theme_xterm_rgb(unsigned index);

#endif
