/* layout.h: where every part of the console goes, as a pure function of the
 * terminal size (after nvtop): no curses here, so it is unit-tested over every
 * size instead of being discovered on someone's laptop during a cutover.
 *
 * Three modes:
 *   LAYOUT_FULL       (>= LAYOUT_FULL_COLS x LAYOUT_FULL_ROWS): every panel at once,
 *                     DESIGN.md's arrangement: phases | gauges over flags | rollback,
 *                     and the events strip across the bottom;
 *   LAYOUT_TABS       (>= LAYOUT_MIN_COLS x LAYOUT_MIN_ROWS): one panel at a time
 *                     under a tab bar; header, alert banner and status line stay;
 *   LAYOUT_TOO_SMALL  below that: only a "terminal too small" message.
 *
 * Rectangles are interiors.  Every panel rectangle keeps one cell on each side
 * for its frame, covered by no other panel nor the banner: the box lines go
 * there, and a panel's title goes in the frame row above it.  The header is
 * the top frame row, the tab bar a frame row and the status line the bottom
 * frame row, as in DESIGN.md's sketch.  No two shown rectangles overlap; a
 * rectangle that is not shown is all zero. */
#ifndef CUTOVER_LAYOUT_H
#define CUTOVER_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

/* The panels, in tab and 1-5 order: _(ENUM, "title") */
#define LAYOUT_PANELS(_) \
	_(PHASES,   "Phases") \
	_(GAUGES,   "Gauges") \
	_(FLAGS,    "Flags") \
	_(ROLLBACK, "Rollback") \
	_(EVENTS,   "Events")

enum layout_panel {
#define LAYOUT_PANEL_ENUM(name, title) LAYOUT_##name,
	LAYOUT_PANELS(LAYOUT_PANEL_ENUM)
#undef LAYOUT_PANEL_ENUM
	LAYOUT_PANEL_COUNT
};

enum layout_mode { LAYOUT_TOO_SMALL, LAYOUT_TABS, LAYOUT_FULL };

#define LAYOUT_MIN_COLS 60
#define LAYOUT_MIN_ROWS 16
#define LAYOUT_FULL_COLS 120
#define LAYOUT_FULL_ROWS 36

struct layout_rect {
	int x, y, w, h; /* column, row of the top-left cell; 0x0 when not shown */
};

struct layout {
	enum layout_mode mode;
	int cols, rows;
	struct layout_rect header;  /* row 0, full width (the top frame line) */
	struct layout_rect banner;  /* alert banner under the header, when asked for */
	struct layout_rect tabbar;  /* TABS only: the frame row holding the tab labels */
	struct layout_rect status;  /* last row, full width (the bottom frame line) */
	struct layout_rect message; /* TOO_SMALL only: the whole screen */
	struct layout_rect panel[LAYOUT_PANEL_COUNT];
	bool shown[LAYOUT_PANEL_COUNT];
};

/* Compute the layout for a cols x rows terminal.  active is the panel shown in
 * TABS mode (and ignored in FULL); banner reserves the alert banner row.
 * Any sizes are accepted (zero or negative give TOO_SMALL).  Pure. */
void layout_compute(int cols, int rows, enum layout_panel active, bool banner,
		    struct layout *out);

/* A centred box for an overlay (help, a confirmation) of at most want_w x
 * want_h cells including its frame, kept one cell inside the screen on
 * every side; all zero when the screen has no room for a 3x3 box.  Pure. */
struct layout_rect layout_overlay(int cols, int rows, int want_w, int want_h);

/* The shown panel whose rectangle holds cell (x, y), or -1: for mouse clicks. */
int layout_panel_at(const struct layout *l, int x, int y);

/* "Phases", ...; "?" for an out-of-range value. */
const char *layout_panel_title(enum layout_panel p);

/* The message for the TOO_SMALL screen: "Terminal too small: 50x12. The
 * console needs at least 60x16; enlarge the window or make the font
 * smaller."  Returns buf. */
char *layout_too_small_text(int cols, int rows, char *buf, size_t cap);

/* Whether a rectangle is empty (not shown). */
bool layout_rect_empty(struct layout_rect r);

#endif
