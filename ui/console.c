/* console.c: the full-screen console an on-call engineer watches for hours.
 *
 * One thread (this one) owns curses.  It sleeps in poll() on the terminal,
 * the engine's wake-up pipe and a SIGWINCH self-pipe, with a timeout only
 * for the next whole second (the clock and the ages it shows), so the
 * console costs nothing while nothing changes.  On a wake it copies a
 * snapshot when the engine's generation moved, redraws the windows whose
 * content changed, wnoutrefresh()es each and calls doupdate() once.
 *
 * Windows: stdscr holds the frames, the tab bar, the alert banner and the
 * "too small" screen (redrawn on relayout and when a frame title changes);
 * the header and the status line have their own one-row windows (redrawn
 * every second); every shown panel and the detail / help overlay have one
 * window each.  When stdscr is copied out, every window over it is copied
 * after it again, so nothing underneath shows through.
 *
 * Keys become actions through the keymap (keys.h); handlers return what
 * must happen next (VIEW_REDRAW, VIEW_RELAYOUT, VIEW_QUIT). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>

#include "banner.h"
#include "console.h"
#include "cutover/actions.h"
#include "cutover/audit.h"
#include "cutover/audit_reader.h"
#include "cutover/rollback.h"
#include "cutover/rollback_store.h"
#include "cutover/rollback_worker.h"
#include "cutover/diag.h"
#include "cutover/engine.h"
#include "cutover/runbook.h"
#include "draw.h"
#include "fmt.h"
#include "frame_trace.h"
#include "glyph.h"
#include "header.h"
#include "keys.h"
#include "layout.h"
#include "palette.h"
#include "prefs.h"
#include "safe_text.h"
#include "status_line.h"
#include "tabbar.h"
#include "term.h"
#include "theme.h"
#include "views/detail.h"
#include "views/pager.h"
#include "views/view.h"

#define ROW_CELLS 1024 /* widest row drawn as cells; wider terminals are clipped */

enum mode { MODE_MAIN, MODE_DETAIL, MODE_HELP, MODE_AUDIT, MODE_ROLLBACK };
enum prompt {
	PROMPT_NONE,
	PROMPT_FILTER,
	PROMPT_COMMAND,
	PROMPT_QUIT,
	PROMPT_VALUE,   /* the new value of a flag (enum pick or string edit) */
	PROMPT_YESNO,   /* a dangerous change: y/n */
	PROMPT_ENV,     /* production: the environment's name, typed */
	PROMPT_REASON,  /* the optional reason or comment, then submit */
	PROMPT_RESUME,  /* an unfinished rollback: r resumes, n starts anew */
	PROMPT_RBTEXT,  /* a rollback answer's note or reason */
	PROMPT_RBABORT, /* abort the rollback? y/n */
};

/* A flag change on its way: submitted, then written, then seen by a poll. */
struct flag_pending {
	uint64_t id;           /* the queue's action id; 0 once its result came */
	long long new_version; /* PutParameter's answer; 0 until it came */
};

/* The action being confirmed in the status-row prompts. */
struct intent {
	enum action_kind kind;
	enum action_flag_op op;
	size_t flag;       /* FLAG_SET: index into the snapshot's flags */
	long long version; /* FLAG_SET: the version on screen */
	char id[128];      /* the flag's, gauge's or phase's id */
	char target[2048]; /* EXEC_STOP: the execution's ARN; APPROVE/REJECT: the token */
	char value[256];   /* ACTION_FLAG_VALUE */
	char what[300];    /* "dual_write OFF -> ON" for the prompts */
	char confirm[256]; /* the typed environment name */
	bool dangerous;
	bool rollback; /* starting c->rb_plan, not an action */
	bool auto_req; /* an auto-rollback request to the rollback worker */
	enum rollback_worker_op auto_op;
	char note_lead[200]; /* NOTE: what the note is about ("auto-rollback of X cancelled") */
};

/* What must be redrawn before the next doupdate. */
#define D_CHROME 0x01u /* stdscr: frames, titles, tab bar, banner */
#define D_HEADER 0x02u
#define D_STATUS 0x04u
#define D_OVERLAY 0x08u
#define D_PANEL(p) (0x100u << (p))
#define D_PANELS (0x100u * ((1u << LAYOUT_PANEL_COUNT) - 1))
#define D_ALL (D_CHROME | D_HEADER | D_STATUS | D_OVERLAY | D_PANELS)

struct console_opts {
	const char *path;
	const char *theme;
	const char *keymap;
	const char *operator_name;
	const char *profile;
	const char *region;
	const char *audit;
	bool read_only;
	bool ascii;
};

struct console {
	struct console_opts o;
	struct ui_prefs prefs; /* the preferences file, under the options */
	const struct cli_console_launch *launch;
	struct runbook *rb;
	struct engine *eng;
	struct term *term;
	struct engine_snapshot snap;
	bool flags_stale_shown; /* the flags panel's stale style, as last judged */

	struct keymap km;
	struct palette pal;
	unsigned tflags;

	struct layout lay;
	int cols, rows;
	bool banner;
	char banner_text[512];
	char banner_gauge[128];
	enum layout_panel active;
	int sel[LAYOUT_PANEL_COUNT], top[LAYOUT_PANEL_COUNT];
	char titles[LAYOUT_PANEL_COUNT][128];
	char tab_marks[LAYOUT_PANEL_COUNT][sizeof(((struct cell *)0)->glyph)];

	enum mode mode;
	size_t detail_phase;
	struct pager pager;

	enum prompt prompt;
	char prompt_lead[400]; /* the question before the input of the action prompts */
	struct intent intent;
	struct action_queue *aq;    /* NULL when the executor could not be made */
	char aq_error[1024];        /* why, said when an action key is pressed */
	int act_pipe[2];            /* the queue's done callback wakes poll() */
	struct flag_pending *fpend; /* one per runbook flag */
	bool *fpend_on;             /* the same, for the flags view: shown as pending */
	char audit_path[PATH_MAX];  /* the log the queue writes, for the audit page */
	int64_t audit_last;         /* the last row the audit page shows */
	struct audit_reader *ar;    /* reads the log for the audit page; NULL: none */
	uint64_t audit_seq;         /* the page's read in flight; 0: none */
	int unresolved;             /* intents without an outcome found at start */
	struct rollback_runner *rr; /* the rollback this console runs, or NULL */
	struct rollback_snapshot rsnap;
	bool rsnap_ok;
	const struct runbook_plan *rb_plan;   /* the plan the rollback view shows */
	enum rollback_answer_kind rb_answer;  /* PROMPT_RBTEXT's answer */
	char rb_reason[256];                  /* the reason the run was started with */
	const struct runbook_plan *rb_resume; /* an unfinished run's plan found at start */
	char rb_notice[600];       /* what the start found: an unfinished or foreign run */
	struct rollback_worker *rw; /* runner creation and auto-rollback, off this thread */
	char rw_error[512];         /* why there is none */
	struct rollback_auto_view *autos; /* the worker's published views, copied */
	size_t nautos;
	uint64_t autos_gen;
	bool *trig;        /* per runbook gauge: TRIGGERED in the snapshot, fed to the worker */
	bool rb_starting;  /* a start is with the worker */
	bool countdown;    /* an auto-rollback countdown runs: the banner says so */
	char unresolved_text[512]; /* the first of them, for the status line */
	char input[256];
	size_t input_len;
	char filter[256];
	char message[256];
	enum theme_role message_role;
	double message_until; /* monotonic seconds */

	WINDOW *header, *status, *overlay;
	WINDOW *panel[LAYOUT_PANEL_COUNT];
	struct layout_rect prect[LAYOUT_PANEL_COUNT]; /* each panel's rows window */
	int title_row[LAYOUT_PANEL_COUNT];            /* where its title goes; -1: none */
	unsigned dirty;
	bool quit;
	int exit_code;
};

/* Process-wide because signal handlers and atexit reach nothing else. */
static volatile sig_atomic_t winch_flag;
static int winch_pipe[2] = {-1, -1};
static struct term *live_term;

/* --- small helpers ---------------------------------------------------------- */

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The engine's clock: the sim's in a demo, else the wall clock. */
static double engine_clock(const struct console *c)
{
	if (c->launch && c->launch->now)
		return c->launch->now(c->launch->now_ctx);
	return wall_now();
}

static void say(struct console *c, enum theme_role role, const char *fmt, ...) CUTOVER_PRINTF(3, 4);

static void say(struct console *c, enum theme_role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->message, sizeof(c->message), fmt, ap);
	va_end(ap);
	c->message_role = role;
	c->message_until = mono_now() + 4;
	c->dirty |= D_STATUS;
}

static void on_winch(int sig)
{
	char b = 0;
	ssize_t w;

	(void)sig;
	winch_flag = 1;
	/* The self-pipe wakes poll() even when another thread took the signal. */
	w = write(winch_pipe[1], &b, 1);
	(void)w;
}

/* exit() from anywhere (a library, a failed assertion's handler) must not
 * leave the shell in raw mode; term_destroy is idempotent through live_term. */
static void restore_at_exit(void)
{
	if (live_term) {
		term_destroy(live_term);
		live_term = NULL;
	}
}

static void view_ctx_fill(const struct console *c, struct view_ctx *v, bool focused)
{
	v->snap = &c->snap;
	v->rb = c->rb;
	v->pal = &c->pal;
	v->km = &c->km;
	v->tflags = c->tflags;
	v->now = engine_clock(c);
	v->filter = c->filter;
	v->focused = focused;
	v->utc = c->prefs.utc;
	v->flag_pending = c->snap.nflags == c->rb->nflags ? c->fpend_on : NULL;
	v->autos = c->autos;
	v->nautos = c->autos ? c->nautos : 0;
	v->wall = wall_now();
}

static bool any_running(const struct console *c)
{
	if (c->rr && !rollback_runner_finished(c->rr))
		return true;
	for (size_t i = 0; i < c->snap.nexecutions; i++)
		if (c->snap.executions[i].status &&
		    strcmp(c->snap.executions[i].status, "RUNNING") == 0)
			return true;
	return false;
}

/* --- theme ------------------------------------------------------------------ */

/* Load theme name (NULL: the built-in default) from the usual places
 * (theme_dirs_init) and, once the terminal is up, install it. */
static enum cutover_status load_theme(struct console *c, const char *name, struct cutover_err *err)
{
	char exe[PATH_MAX];
	struct theme_dirs dirs;
	ssize_t n;
	struct theme th;
	struct theme_resolved res;
	enum cutover_status st;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	theme_dirs_init(&dirs, getenv("CUTOVER_THEMES"), getenv("XDG_CONFIG_HOME"), getenv("HOME"),
	                exe);
	if (name && *name) {
		if ((st = theme_load_named(&th, name, dirs.list, err)) != CUTOVER_OK)
			return st;
	} else {
		theme_default(&th);
	}
	if (c->term) {
		theme_resolve(
		    &th,
		    theme_depth_for(getenv("NO_COLOR"), has_colors(), COLORS, can_change_color()),
		    &res);
		if (palette_install(&c->pal, &res, err) != CUTOVER_OK)
			say(c, ROLE_WARN, "theme: %s", err->msg);
	}
	return CUTOVER_OK;
}

/* --- windows and layout ------------------------------------------------------ */

static void drop_windows(struct console *c)
{
	if (c->header)
		delwin(c->header);
	if (c->status)
		delwin(c->status);
	if (c->overlay)
		delwin(c->overlay);
	c->header = c->status = c->overlay = NULL;
	for (int p = 0; p < LAYOUT_PANEL_COUNT; p++) {
		if (c->panel[p])
			delwin(c->panel[p]);
		c->panel[p] = NULL;
	}
}

static WINDOW *win_at(struct layout_rect r)
{
	if (layout_rect_empty(r))
		return NULL;
	return newwin(r.h, r.w, r.y, r.x);
}

/* The body under the header, banner and tab bar: where the overlay goes. */
static struct layout_rect body_rect(const struct console *c)
{
	struct layout_rect r = {1, 1, c->cols - 2, c->rows - 2};
	int top = c->rows;

	for (int p = 0; p < LAYOUT_PANEL_COUNT; p++)
		if (c->lay.shown[p] && c->lay.panel[p].y < top)
			top = c->lay.panel[p].y;
	if (top < c->rows) {
		r.y = top;
		r.h = c->rows - 1 - top;
	}
	return r;
}

static void relayout(struct console *c)
{
	drop_windows(c);
	getmaxyx(stdscr, c->rows, c->cols);
	layout_compute(c->cols, c->rows, c->active, c->banner, &c->lay);
	if (c->lay.mode != LAYOUT_TOO_SMALL) {
		c->header = win_at(c->lay.header);
		c->status = win_at(c->lay.status);
		if (c->mode != MODE_MAIN) {
			c->overlay = win_at(body_rect(c));
		} else {
			for (int p = 0; p < LAYOUT_PANEL_COUNT; p++) {
				struct layout_rect r = c->lay.panel[p];

				c->title_row[p] = -1;
				if (!c->lay.shown[p])
					continue;
				if (c->lay.mode == LAYOUT_FULL) {
					c->title_row[p] = r.y - 1;
					/* Under the header the frame row is taken: the
					 * title takes the panel's first row instead. */
					if (r.y - 1 == c->lay.header.y && r.h > 1) {
						c->title_row[p] = r.y;
						r.y++;
						r.h--;
					}
				}
				c->prect[p] = r;
				c->panel[p] = win_at(r);
			}
		}
	}
	c->dirty = D_ALL;
}

static void handle_resize(struct console *c)
{
	struct winsize ws;
	char drain[64];

	winch_flag = 0;
	while (read(winch_pipe[0], drain, sizeof(drain)) > 0)
		;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	/* Everything is drawn again from nothing: no cell of the old frame
	 * survives into the new one. */
	werase(stdscr);
	clearok(curscr, TRUE);
	relayout(c);
}

/* --- drawing: chrome ------------------------------------------------------- */

enum { LN_U = 1, LN_D = 2, LN_L = 4, LN_R = 8 };

static void box_lines(unsigned char *g, int cols, int rows, struct layout_rect r)
{
	int x0 = r.x - 1, y0 = r.y - 1, x1 = r.x + r.w, y1 = r.y + r.h;

#define AT(x, y) (((x) >= 0 && (x) < cols && (y) >= 0 && (y) < rows) ? &g[(y)*cols + (x)] : NULL)
	for (int x = x0; x <= x1; x++) {
		unsigned char *t = AT(x, y0), *b = AT(x, y1);
		unsigned m = (x > x0 ? LN_L : 0) | (x < x1 ? LN_R : 0);

		if (t)
			*t |= (unsigned char)m;
		if (b)
			*b |= (unsigned char)m;
	}
	for (int y = y0; y <= y1; y++) {
		unsigned char *l = AT(x0, y), *rr = AT(x1, y);
		unsigned m = (y > y0 ? LN_U : 0) | (y < y1 ? LN_D : 0);

		if (l)
			*l |= (unsigned char)m;
		if (rr)
			*rr |= (unsigned char)m;
	}
#undef AT
}

static const char *line_glyph(unsigned m, bool ascii)
{
	static const char *const utf8[16] = {
	    " ",
	    "\xe2\x94\x82",
	    "\xe2\x94\x82",
	    "\xe2\x94\x82", /* -, U, D, UD */
	    "\xe2\x94\x80",
	    "\xe2\x94\x98",
	    "\xe2\x94\x90",
	    "\xe2\x94\xa4", /* L, UL, DL, UDL */
	    "\xe2\x94\x80",
	    "\xe2\x94\x94",
	    "\xe2\x94\x8c",
	    "\xe2\x94\x9c", /* R, UR, DR, UDR */
	    "\xe2\x94\x80",
	    "\xe2\x94\xb4",
	    "\xe2\x94\xac",
	    "\xe2\x94\xbc", /* LR, ULR, DLR, all */
	};
	static const char *const asc[16] = {" ", "|", "|", "|", "-", "+", "+", "+",
	                                    "-", "+", "+", "+", "-", "+", "+", "+"};

	return ascii ? asc[m & 15] : utf8[m & 15];
}

static void draw_frames(struct console *c)
{
	int cols = c->cols, rows = c->rows;
	bool ascii = c->tflags & SAFE_TEXT_ASCII;
	unsigned char *g = calloc((size_t)cols * (size_t)rows, 1);
	struct cell cell;

	if (!g)
		return;
	if (!layout_rect_empty(c->lay.banner))
		box_lines(g, cols, rows, c->lay.banner);
	if (c->mode != MODE_MAIN) {
		box_lines(g, cols, rows, body_rect(c));
	} else {
		for (int p = 0; p < LAYOUT_PANEL_COUNT; p++)
			if (c->lay.shown[p])
				box_lines(g, cols, rows, c->lay.panel[p]);
	}
	for (int y = 0; y < rows; y++)
		for (int x = 0; x < cols; x++) {
			unsigned m = g[y * cols + x];

			if (!m)
				continue;
			cell_set(&cell, line_glyph(m, ascii), ROLE_BORDER);
			draw_cells(stdscr, y, x, &cell, 1, &c->pal);
		}
	free(g);
}

static void draw_too_small(struct console *c)
{
	char text[256], lines[16][256];
	int n = 0, w = c->cols > 0 ? c->cols : 1, y;
	const char *p;

	layout_too_small_text(c->cols, c->rows, text, sizeof(text));
	/* Word-wrapped into the width, centred vertically. */
	for (p = text; *p && n < 16;) {
		int len = (int)strlen(p), take = len < w ? len : w;

		if (take < len) {
			int k = take;

			while (k > 0 && p[k] != ' ')
				k--;
			if (k > 0)
				take = k;
		}
		snprintf(lines[n++], sizeof(lines[0]), "%.*s", take, p);
		p += take;
		while (*p == ' ')
			p++;
	}
	y = (c->rows - n) / 2;
	if (y < 0)
		y = 0;
	for (int i = 0; i < n && y + i < c->rows; i++) {
		int len = (int)strlen(lines[i]), x = (w - len) / 2;

		draw_text(stdscr, y + i, x > 0 ? x : 0, len, lines[i], ROLE_WARN, &c->pal,
		          c->tflags);
	}
}

static void panel_title(struct console *c, enum layout_panel p, const char *title, bool focused)
{
	struct layout_rect r = c->lay.panel[p];
	char text[160];
	int w = r.w - 2, y = c->title_row[p];

	if (w <= 4 || y < 0)
		return;
	snprintf(text, sizeof(text), " %d %s ", (int)p + 1, title);
	draw_text(stdscr, y, r.x + (y == r.y ? 0 : 1),
	          (int)strlen(text) < w ? (int)strlen(text) : w, text,
	          focused ? ROLE_TAB_ACTIVE : ROLE_TITLE, &c->pal, c->tflags);
}

static void tab_marks(struct console *c, struct cell *marks)
{
	bool ascii = c->tflags & SAFE_TEXT_ASCII;
	enum glyph_id gauge_mark = GLYPH_COUNT, phase_mark = GLYPH_COUNT;

	for (size_t i = 0; i < c->snap.ngauges; i++) {
		enum gauge_state s = c->snap.gauges[i].state;

		if (s == GAUGE_TRIGGERED)
			gauge_mark = GLYPH_GAUGE_TRIGGERED;
		else if ((s == GAUGE_CRITICAL || s == GAUGE_WARN) && gauge_mark == GLYPH_COUNT)
			gauge_mark = s == GAUGE_CRITICAL ? GLYPH_GAUGE_CRITICAL : GLYPH_GAUGE_WARN;
	}
	for (size_t i = 0; i < c->snap.nphases; i++) {
		enum phase_status s = c->snap.phases[i].status;

		if (s == PHASE_FAILED)
			phase_mark = GLYPH_PHASE_FAILED;
		else if (s == PHASE_WAITING && phase_mark == GLYPH_COUNT)
			phase_mark = GLYPH_PHASE_WAITING;
	}
	for (int p = 0; p < LAYOUT_PANEL_COUNT; p++)
		cell_set(&marks[p], "", ROLE_NORMAL);
	if (gauge_mark != GLYPH_COUNT)
		cell_set(&marks[LAYOUT_GAUGES], glyph_symbol(gauge_mark, ascii),
		         glyph_get(gauge_mark)->role);
	if (phase_mark != GLYPH_COUNT)
		cell_set(&marks[LAYOUT_PHASES], glyph_symbol(phase_mark, ascii),
		         glyph_get(phase_mark)->role);
}

static void draw_chrome(struct console *c)
{
	static struct cell cells[ROW_CELLS];
	int w = c->cols < ROW_CELLS ? c->cols : ROW_CELLS;

	werase(stdscr);
	if (c->lay.mode == LAYOUT_TOO_SMALL) {
		draw_too_small(c);
		return;
	}
	draw_frames(c);
	if (!layout_rect_empty(c->lay.banner)) {
		static const struct key_hint hints[] = {{ACT_ACKNOWLEDGE, "acknowledge"},
		                                        {ACT_ROLLBACK, "plan"}};
		static const struct key_hint cd_hints[] = {{ACT_AUTO_CANCEL, "cancel"},
		                                           {ACT_ROLLBACK, "plan"}};
		int bw = c->lay.banner.w < ROW_CELLS ? c->lay.banner.w : ROW_CELLS;

		banner_render(c->banner_text, &c->km, c->countdown ? cd_hints : hints, 2, bw,
		              c->tflags, cells);
		draw_cells(stdscr, c->lay.banner.y, c->lay.banner.x, cells, bw, &c->pal);
	}
	if (c->mode != MODE_MAIN) {
		struct layout_rect r = body_rect(c);
		char t[200];

		snprintf(t, sizeof(t), " %s ", c->mode == MODE_HELP ? "Help" : c->pager.title);
		if (r.y >= 1 && r.w > 6)
			draw_text(stdscr, r.y - 1, r.x + 1,
			          (int)strlen(t) < r.w - 2 ? (int)strlen(t) : r.w - 2, t,
			          ROLE_TAB_ACTIVE, &c->pal, c->tflags);
		if (c->lay.mode == LAYOUT_FULL)
			return;
	}
	if (c->lay.mode == LAYOUT_TABS && !layout_rect_empty(c->lay.tabbar)) {
		struct cell marks[LAYOUT_PANEL_COUNT];

		tab_marks(c, marks);
		tabbar_render(c->active, marks, w, c->tflags & SAFE_TEXT_ASCII, cells);
		draw_cells(stdscr, c->lay.tabbar.y, 0, cells, w, &c->pal);
	} else if (c->mode == MODE_MAIN) {
		for (int p = 0; p < LAYOUT_PANEL_COUNT; p++)
			if (c->lay.shown[p])
				panel_title(c, (enum layout_panel)p, c->titles[p],
				            p == (int)c->active);
	}
}

/* --- drawing: header and status line ------------------------------------------ */

static void draw_header(struct console *c)
{
	static struct cell cells[ROW_CELLS];
	struct header_view h = {0};
	char name[256], ident[256];
	int w = c->cols < ROW_CELLS ? c->cols : ROW_CELLS;
	double now = engine_clock(c);

	if (c->launch && c->launch->label) {
		if (c->launch->speed > 1)
			snprintf(name, sizeof(name), "%s (%s x%g)", c->rb->name, c->launch->label,
			         c->launch->speed);
		else
			snprintf(name, sizeof(name), "%s (%s)", c->rb->name, c->launch->label);
	} else {
		snprintf(name, sizeof(name), "%s", c->rb->name);
	}
	h.runbook = name;
	h.environment = c->rb->environment;
	h.production = c->rb->production;
	h.region = c->snap.header.region[0] ? c->snap.header.region : c->rb->region;
	if (c->o.operator_name)
		snprintf(ident, sizeof(ident), "%s", c->o.operator_name);
	else if (c->snap.header.caller_arn)
		snprintf(ident, sizeof(ident), "%s", view_short_name(c->snap.header.caller_arn));
	else
		ident[0] = '\0';
	if (c->o.read_only) {
		size_t n = strlen(ident);

		snprintf(ident + n, sizeof(ident) - n, "%sread-only", n ? " " : "");
	}
	h.identity = ident;
	h.now = (time_t)now;
	h.utc = c->prefs.utc;
	h.creds_left_s =
	    c->snap.header.credential_expiry > 0 ? c->snap.header.credential_expiry - now : NAN;
	header_render(&h, w, c->tflags, cells);
	werase(c->header);
	draw_cells(c->header, 0, 0, cells, w, &c->pal);
}

/* A prompt or message in the status row, keeping the frame's corners. */
static void status_framed(struct console *c, const char *text, enum theme_role role, int w)
{
	bool ascii = c->tflags & SAFE_TEXT_ASCII;
	struct cell corner;

	if (w < 3)
		return;
	cell_set(&corner, ascii ? "+" : "\xe2\x94\x94", ROLE_BORDER);
	draw_cells(c->status, 0, 0, &corner, 1, &c->pal);
	draw_text(c->status, 0, 1, w - 2, text, role, &c->pal, c->tflags);
	cell_set(&corner, ascii ? "+" : "\xe2\x94\x98", ROLE_BORDER);
	/* The last cell of the screen: insert rather than scroll. */
	draw_cells(c->status, 0, w - 1, &corner, 1, &c->pal);
}

/* The help text a line at a time: keys refused in --read-only mode are
 * greyed (ROLE_DIM) as well as marked, so state is never colour alone. */
static enum cutover_status help_lines(struct console *c, const char *s)
{
	char line[1024];

	while (*s) {
		size_t n = strcspn(s, "\n");
		size_t m = n < sizeof(line) - 1 ? n : sizeof(line) - 1;
		enum cutover_status st;

		memcpy(line, s, m);
		line[m] = '\0';
		if (m == 0)
			st = pager_add(&c->pager, ROLE_NORMAL, "%s", "");
		else
			st = pager_add_wrapped(&c->pager,
				       strstr(line, "(read-only: refused)") ? ROLE_DIM : ROLE_NORMAL,
				       "", line, 4096);
		if (st != CUTOVER_OK)
			return st;
		s += n;
		if (*s == '\n')
			s++;
	}
	return CUTOVER_OK;
}

static void draw_status(struct console *c)
{
	static struct cell cells[ROW_CELLS];
	static const struct key_hint hints[] = {
	    {ACT_HELP, "help"},        {ACT_COMMAND, "command"}, {ACT_FILTER, "filter"},
	    {ACT_NEXT_PANEL, "panel"}, {ACT_DETAIL, "detail"},   {ACT_QUIT, "quit"},
	};
	struct source_view src[RUNBOOK_SRC_COUNT];
	struct key_hint fh[sizeof(hints) / sizeof(hints[0])];
	char flabel[48];
	size_t n = 0, nh = 0;
	int w = c->cols < ROW_CELLS ? c->cols : ROW_CELLS;
	double now = engine_clock(c);
	char line[600];

	werase(c->status);
	if (c->prompt != PROMPT_NONE) {
		const char *lead = c->prompt == PROMPT_FILTER    ? "/"
		                   : c->prompt == PROMPT_COMMAND ? ":"
		                                                 : "";

		if (c->prompt == PROMPT_QUIT && c->rr && !rollback_runner_finished(c->rr))
			snprintf(
			    line, sizeof(line),
			    " A rollback is running: quitting interrupts it (it can be resumed). "
			    "Quit the console? y/n ");
		else if (c->prompt == PROMPT_QUIT)
			snprintf(line, sizeof(line),
			         " An execution is still running (the console only watches it). "
			         "Quit the console? y/n ");
		else if (c->prompt == PROMPT_RESUME || c->prompt == PROMPT_RBABORT)
			snprintf(line, sizeof(line), " %.590s", c->prompt_lead);
		else if (c->prompt == PROMPT_YESNO)
			snprintf(line, sizeof(line), " %s", c->prompt_lead);
		else if (c->prompt >= PROMPT_VALUE)
			snprintf(line, sizeof(line), " %.340s%.250s_", c->prompt_lead, c->input);
		else
			snprintf(line, sizeof(line), " %s%s_", lead, c->input);
		status_framed(c, line, ROLE_PROMPT, w);
		return;
	}
	if (c->message[0] && mono_now() < c->message_until) {
		snprintf(line, sizeof(line), " %s ", c->message);
		status_framed(c, line, c->message_role, w);
		return;
	}
	c->message[0] = '\0';
	for (int i = 0; i < RUNBOOK_SRC_COUNT; i++) {
		const struct engine_source_view *v = &c->snap.sources[i];

		if (!v->used)
			continue;
		src[n].name = runbook_source_name((enum runbook_source)i);
		src[n].age_s = v->last_ok > 0 ? now - v->last_ok : NAN;
		src[n].stale = engine_source_is_stale(v, now);
		src[n].error = v->error_code[0] ? v->error_code : NULL;
		n++;
	}
	if (c->filter[0]) {
		/* The filter in force, first among the hints, so rows missing
		 * from a panel are explained; hints give way to the freshness
		 * text when the row is short, never the other way round (drawn
		 * over the right end, it once hid a stale source).  Hints are
		 * drawn as ASCII. */
		snprintf(flabel, sizeof(flabel), "filter: %.30s", c->filter);
		for (char *p = flabel; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
				*p = '?';
		fh[nh++] = (struct key_hint){ACT_FILTER, flabel};
	}
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (!(c->filter[0] && hints[i].action == ACT_FILTER))
			fh[nh++] = hints[i];
	status_line_render(&c->km, fh, nh, src, n, w, c->tflags, cells);
	draw_cells(c->status, 0, 0, cells, w, &c->pal);
}

/* --- drawing: panels and overlay ---------------------------------------------- */

static void clamp_selection(struct console *c, enum layout_panel p, int rows, int h)
{
	if (c->sel[p] >= rows)
		c->sel[p] = rows - 1;
	if (c->sel[p] < 0)
		c->sel[p] = 0;
	if (h <= 0)
		return;
	if (c->sel[p] < c->top[p])
		c->top[p] = c->sel[p];
	if (c->sel[p] >= c->top[p] + h)
		c->top[p] = c->sel[p] - h + 1;
	if (c->top[p] > rows - h)
		c->top[p] = rows - h;
	if (c->top[p] < 0)
		c->top[p] = 0;
}

static void draw_panel(struct console *c, enum layout_panel p)
{
	struct view_ctx v;
	WINDOW *w = c->panel[p];

	view_ctx_fill(c, &v, p == c->active);
	clamp_selection(c, p, view_panels[p]->rows(&v), getmaxy(w));
	werase(w);
	view_panels[p]->draw(w, &v, c->top[p], c->sel[p]);
}

/* --- the rollback view ------------------------------------------------------------ */

static void open_mode(struct console *c, enum mode m);
static void start_prompt(struct console *c, enum prompt p, const char *initial);
static void begin_intent(struct console *c);

static void rollback_notify(void *ctx)
{
	struct console *c = ctx;
	char b = 2;
	ssize_t w;

	/* Runner thread: only wake the UI. */
	w = write(c->act_pipe[1], &b, 1);
	(void)w;
}

static void rollback_refresh(struct console *c)
{
	struct rollback_snapshot s;

	if (!c->rr)
		return;
	memset(&s, 0, sizeof(s));
	if (rollback_runner_snapshot_take(c->rr, &s) != CUTOVER_OK)
		return;
	if (c->rsnap_ok && s.generation == c->rsnap.generation) {
		rollback_snapshot_free(&s);
		return;
	}
	if (c->rsnap_ok)
		rollback_snapshot_free(&c->rsnap);
	c->rsnap = s;
	c->rsnap_ok = true;
	if (c->mode == MODE_ROLLBACK)
		c->dirty |= D_OVERLAY;
}

/* The gauge whose trigger is active, else NULL; the phase in progress, else NULL. */
static const struct runbook_plan *recommended(const struct console *c)
{
	const char *gauge = NULL, *phase = NULL;

	for (size_t i = 0; i < c->snap.ntriggers && !gauge; i++)
		if (c->snap.triggers[i].active)
			gauge = c->snap.triggers[i].gauge_id;
	for (size_t i = 0; i < c->snap.nphases && !phase; i++)
		if (c->snap.phases[i].status == PHASE_RUNNING ||
		    c->snap.phases[i].status == PHASE_WAITING)
			phase = c->snap.phases[i].def->id;
	return rollback_recommended_plan(c->rb, gauge, phase);
}

/* At start: an unfinished run of this runbook (offered for resuming) or
 * one another console is running (who, where). */
static void rollback_check_unfinished(struct console *c)
{
	struct rollback_status st;
	struct cutover_err err = {0};

	if (!c->audit_path[0])
		return;
	memset(&st, 0, sizeof(st));
	if (rollback_store_status(c->audit_path, c->rb->name, &st, &err) != CUTOVER_OK)
		return;
	if (st.lock.held && (st.lock.alive || !st.lock.same_host)) {
		snprintf(c->rb_notice, sizeof(c->rb_notice),
		         "a rollback of this runbook is running: %.100s on %.100s (pid %ld)",
		         st.lock.holder, st.lock.host, st.lock.pid);
	} else if (st.has_run && strcmp(st.run.state, "completed") != 0 &&
	           strcmp(st.run.state, "aborted") != 0) {
		c->rb_resume = runbook_plan_find(c->rb, st.run.plan);
		snprintf(
		    c->rb_notice, sizeof(c->rb_notice),
		    "an unfinished rollback of plan %.100s (%ld/%ld done, %s): R and y offer to "
		    "resume it",
		    st.run.plan, st.done, st.run.nitems, st.run.state);
	}
}

static void rollback_open(struct console *c)
{
	if (!c->rr)
		c->rb_plan = c->rb_resume ? c->rb_resume : recommended(c);
	open_mode(c, MODE_ROLLBACK);
	if (!c->rb_plan && !c->rr)
		say(c, ROLE_WARN, "this runbook has no rollback plan");
}

/* Ask the rollback worker to create and start the runner for c->rb_plan
 * (the lock row and the run's rows are written there, not here); the
 * runner comes back through worker_result. */
static void rollback_begin(struct console *c, const char *reason, bool resume, bool abandon)
{
	struct rollback_worker_request q = {0};
	struct cutover_err err = {0};
	uint64_t id;

	if (c->rr || !c->rb_plan)
		return;
	if (c->rb_starting) {
		say(c, ROLE_NORMAL, "rollback %s: already starting", c->rb_plan->id);
		return;
	}
	if (reason != c->rb_reason)
		snprintf(c->rb_reason, sizeof(c->rb_reason), "%s", reason ? reason : "");
	if (!c->rw) {
		say(c, ROLE_WARN, "rollback not started: %s", c->rw_error);
		return;
	}
	q.op = ROLLBACK_WORKER_START;
	q.plan_id = c->rb_plan->id;
	q.confirm = c->intent.confirm[0] ? c->intent.confirm : NULL;
	q.reason = c->rb_reason[0] ? c->rb_reason : NULL;
	q.resume = resume;
	q.abandon = abandon;
	if (rollback_worker_submit(c->rw, &q, &id, &err) != CUTOVER_OK) {
		say(c, ROLE_WARN, "rollback not started: %s", err.msg);
		return;
	}
	c->rb_starting = true;
	say(c, ROLE_NORMAL, "rollback %s: starting", c->rb_plan->id);
	c->dirty |= D_OVERLAY;
}

static void rollback_answer(struct console *c, enum rollback_answer_kind k, const char *text)
{
	struct rollback_answer a = {0};
	struct cutover_err err = {0};

	if (!c->rr || !c->rsnap_ok)
		return;
	if (k == ROLLBACK_ANSWER_ABORT) {
		rollback_runner_abort(c->rr, text);
		say(c, ROLE_WARN, "rollback aborted");
		return;
	}
	a.kind = k;
	a.prompt_id = c->rsnap.prompt.id;
	a.text = text && *text ? text : NULL;
	if (rollback_runner_answer(c->rr, &a, &err) != CUTOVER_OK)
		say(c, ROLE_WARN, "%s", err.msg);
	else
		say(c, ROLE_OK, "answered");
}

/* y r f S X in the rollback view. */
static void rollback_key(struct console *c, enum key_action a)
{
	enum rollback_prompt_kind pk;

	if (c->mode != MODE_ROLLBACK) {
		say(c, ROLE_NORMAL, "%s: open the rollback view (R) first", key_action_help(a));
		return;
	}
	if (!c->rr) {
		if (a != ACT_RB_YES || !c->rb_plan)
			return;
		if (c->o.read_only) {
			say(c, ROLE_WARN,
			    "rollback: refused: the console was started with --read-only; restart "
			    "it without --read-only to act");
			return;
		}
		memset(&c->intent, 0, sizeof(c->intent));
		c->intent.rollback = true;
		c->intent.dangerous = true;
		snprintf(c->intent.id, sizeof(c->intent.id), "%s", c->rb_plan->id);
		snprintf(c->intent.what, sizeof(c->intent.what),
		         "start rollback plan %.100s (%.100s)", c->rb_plan->id, c->rb_plan->title);
		begin_intent(c);
		return;
	}
	if (!c->rsnap_ok)
		return;
	if (a == ACT_RB_ABORT) {
		if (rollback_runner_finished(c->rr))
			return;
		snprintf(c->prompt_lead, sizeof(c->prompt_lead),
		         "Abort the rollback %s? Steps done stay done. y/n", c->rsnap.plan->id);
		start_prompt(c, PROMPT_RBABORT, "");
		return;
	}
	pk = c->rsnap.prompt.kind;
	if (pk == ROLLBACK_PROMPT_NONE) {
		say(c, ROLE_NORMAL, "the rollback asks nothing right now");
		return;
	}
	switch (a) {
	case ACT_RB_YES:
		if (pk == ROLLBACK_PROMPT_CHECK)
			rollback_answer(c, ROLLBACK_ANSWER_CONFIRM, NULL);
		else if (pk == ROLLBACK_PROMPT_MANUAL || pk == ROLLBACK_PROMPT_UNKNOWN)
			rollback_answer(c, ROLLBACK_ANSWER_DONE, NULL);
		else
			say(c, ROLE_NORMAL, "a failed step: r retries, S skips, X aborts");
		return;
	case ACT_RB_RETRY:
		if (pk == ROLLBACK_PROMPT_DECISION || pk == ROLLBACK_PROMPT_UNKNOWN)
			rollback_answer(c, ROLLBACK_ANSWER_RETRY, NULL);
		return;
	case ACT_RB_FAIL:
		if (pk != ROLLBACK_PROMPT_CHECK && pk != ROLLBACK_PROMPT_MANUAL)
			return;
		c->rb_answer = pk == ROLLBACK_PROMPT_CHECK ? ROLLBACK_ANSWER_CHECK_FAILED
		                                           : ROLLBACK_ANSWER_FAILED;
		snprintf(c->prompt_lead, sizeof(c->prompt_lead),
		         "what failed (a note; Enter answers, Esc cancels): ");
		start_prompt(c, PROMPT_RBTEXT, "");
		return;
	case ACT_RB_SKIP:
		if (pk != ROLLBACK_PROMPT_DECISION && pk != ROLLBACK_PROMPT_UNKNOWN)
			return;
		c->rb_answer = ROLLBACK_ANSWER_SKIP;
		snprintf(c->prompt_lead, sizeof(c->prompt_lead),
		         "why skip this step (required; Enter skips, Esc cancels): ");
		start_prompt(c, PROMPT_RBTEXT, "");
		return;
	default:
		return;
	}
}

static const char *rb_mark(enum rollback_item_state s, bool ascii)
{
	switch (s) {
	case ROLLBACK_ITEM_SUCCEEDED:
	case ROLLBACK_ITEM_CONFIRMED:
		return ascii ? "ok" : "\xe2\x9c\x94";
	case ROLLBACK_ITEM_RUNNING:
		return ascii ? ">" : "\xe2\x96\xb8";
	case ROLLBACK_ITEM_FAILED:
	case ROLLBACK_ITEM_CHECK_FAILED:
		return ascii ? "X" : "\xe2\x9c\x98";
	case ROLLBACK_ITEM_WAITING:
	case ROLLBACK_ITEM_UNKNOWN:
		return "?";
	case ROLLBACK_ITEM_SKIPPED:
		return "-";
	default:
		return ascii ? "." : "\xc2\xb7";
	}
}

static enum cutover_status rollback_lines(struct console *c)
{
	struct pager *pg = &c->pager;
	bool ascii = c->tflags & SAFE_TEXT_ASCII;
	char d1[32], d2[32], sum[512];
	enum cutover_status st = CUTOVER_OK;

	pager_clear(pg);
	snprintf(pg->title, sizeof(pg->title), "Rollback");
	for (size_t i = 0; c->autos && i < c->nautos; i++) {
		char text[400];

		view_auto_text(&c->autos[i], wall_now(), c->tflags, text, sizeof(text));
		if ((st = pager_add(pg,
		                    c->autos[i].counting || c->autos[i].remote ? ROLE_TRIGGERED
		                    : c->autos[i].armed  ? ROLE_WARN
		                                         : ROLE_DIM,
		                    "%s: %s", c->autos[i].gauge->title, text)) != CUTOVER_OK)
			return st;
	}
	if (c->rw_error[0] && (st = pager_add(pg, ROLE_WARN, "auto-rollback unavailable: %s",
	                                      c->rw_error)) != CUTOVER_OK)
		return st;
	if (c->nautos && (st = pager_add(pg, ROLE_NORMAL, "%s", "")) != CUTOVER_OK)
		return st;
	if (!c->rr && c->rb_starting)
		return pager_add(pg, ROLE_NORMAL, "starting the rollback...");
	if (!c->rr) {
		struct rollback_preview_item items[256];
		size_t n;
		const struct runbook_plan *p = c->rb_plan;

		if (!p)
			return pager_add(pg, ROLE_WARN, "This runbook has no rollback plan.");
		n = rollback_plan_flatten(p, items, 256);
		if (c->rb_notice[0] &&
		    (st = pager_add(pg, ROLE_WARN, "%s", c->rb_notice)) != CUTOVER_OK)
			return st;
		if ((st = pager_add(pg, ROLE_TITLE, "%s plan: %s (%s), %zu items, about %u min",
		                    p == c->rb_resume ? "Unfinished" : "Recommended", p->title,
		                    p->id, n, p->estimate_min)) != CUTOVER_OK ||
		    (st = pager_add(pg, ROLE_NORMAL, "%s", "")) != CUTOVER_OK)
			return st;
		for (size_t i = 0; i < n && i < 256; i++) {
			if (items[i].step) {
				rollback_step_summary(items[i].step, sum, sizeof(sum));
				st = pager_add(pg, ROLE_NORMAL, "  %zu. %s  [%s]  %s", i + 1,
				               items[i].title, items[i].plan->id, sum);
			} else {
				st = pager_add(pg, ROLE_NORMAL, "  %zu. check: %s  [%s]", i + 1,
				               items[i].title, items[i].plan->id);
			}
			if (st != CUTOVER_OK)
				return st;
		}
		if ((st = pager_add(pg, ROLE_NORMAL, "%s", "")) != CUTOVER_OK)
			return st;
		return pager_add(
		    pg, ROLE_PROMPT, "%s",
		    c->rb->production
		        ? "y starts this plan (you type the environment's name); Esc closes"
		        : "y starts this plan (after a y/n confirmation); Esc closes");
	}
	if (!c->rsnap_ok)
		return pager_add(pg, ROLE_NORMAL, "starting...");
	{
		const struct rollback_snapshot *s = &c->rsnap;

		fmt_duration(d1, sizeof(d1), s->elapsed_s, c->tflags);
		fmt_duration(d2, sizeof(d2), s->remaining_s, c->tflags);
		if ((st = pager_add(
		         pg, ROLE_TITLE,
		         "Rollback %s (%s): %s, %zu/%zu done, %s elapsed, about %s left%s",
		         s->plan->title, s->plan->id, rollback_run_state_name(s->state), s->ndone,
		         s->nitems, d1, d2, s->resumed ? " (resumed)" : "")) != CUTOVER_OK ||
		    (st = pager_add(pg, ROLE_NORMAL, "%s", "")) != CUTOVER_OK)
			return st;
		for (size_t i = 0; i < s->nitems; i++) {
			const struct rollback_item_view *it = &s->items[i];
			enum theme_role role = it->state == ROLLBACK_ITEM_FAILED ||
			                               it->state == ROLLBACK_ITEM_CHECK_FAILED
			                           ? ROLE_CRIT
			                       : it->state == ROLLBACK_ITEM_RUNNING ||
			                               it->state == ROLLBACK_ITEM_WAITING
			                           ? ROLE_WARN
			                           : ROLE_NORMAL;

			fmt_duration(d1, sizeof(d1), it->elapsed_s, c->tflags);
			st = pager_add(
			    pg, role, " %s %zu. %s%s  %s  %s%s%s", rb_mark(it->state, ascii), i + 1,
			    it->kind == ROLLBACK_CHECK ? "check: " : "", it->title,
			    rollback_item_state_name(it->state), it->started > 0 ? d1 : "",
			    it->note[0] ? "  " : "", it->note);
			if (st == CUTOVER_OK && it->detail[0] &&
			    (it->state == ROLLBACK_ITEM_RUNNING ||
			     it->state == ROLLBACK_ITEM_FAILED ||
			     it->state == ROLLBACK_ITEM_WAITING))
				st = pager_add(pg, ROLE_DIM, "      %s", it->detail);
			if (st == CUTOVER_OK && it->output_tail[0] &&
			    (it->state == ROLLBACK_ITEM_RUNNING ||
			     it->state == ROLLBACK_ITEM_FAILED))
				st = pager_add_wrapped(pg, ROLE_DIM, "      | ", it->output_tail,
				                       c->cols > 20 ? c->cols - 12 : 60);
			if (st != CUTOVER_OK)
				return st;
		}
		if ((st = pager_add(pg, ROLE_NORMAL, "%s", "")) != CUTOVER_OK)
			return st;
		if (s->prompt.kind != ROLLBACK_PROMPT_NONE) {
			const char *keys = s->prompt.kind == ROLLBACK_PROMPT_MANUAL
			                       ? "y done  f failed  X abort"
			                   : s->prompt.kind == ROLLBACK_PROMPT_CHECK
			                       ? "y confirmed  f failed  X abort"
			                   : s->prompt.kind == ROLLBACK_PROMPT_DECISION
			                       ? "r retry  S skip  X abort"
			                       : "y it was done  r run it again  S skip  X abort";

			if ((st = pager_add(pg, ROLE_PROMPT, "%s", s->prompt.text)) != CUTOVER_OK ||
			    (st = pager_add(pg, ROLE_PROMPT, "  %s", keys)) != CUTOVER_OK)
				return st;
		}
		if (s->message[0])
			st = pager_add(pg, ROLE_NORMAL, "%s", s->message);
	}
	return st;
}

/* One audit row as a line of the audit page. */
static int audit_line(void *ctx, const struct audit_row *r)
{
	struct console *c = ctx;
	time_t t = (time_t)(r->ts_ms / 1000);
	struct tm tm;
	char ts[32];
	bool bad =
	    r->outcome && (strcmp(r->outcome, "failed") == 0 || strcmp(r->outcome, "unknown") == 0);

	if (c->prefs.utc)
		gmtime_r(&t, &tm);
	else
		localtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	if (pager_add(&c->pager, bad ? ROLE_WARN : ROLE_NORMAL,
	              "%s #%-5lld %-10.10s %-18s %-7s %s%s%s%s%s%s%s", ts, (long long)r->id,
	              r->operator_name ? r->operator_name : "", r->kind ? r->kind : "",
	              r->outcome ? r->outcome : "", r->target ? r->target : "",
	              r->old_value || r->new_value ? "  " : "", r->old_value ? r->old_value : "",
	              r->old_value || r->new_value ? " -> " : "", r->new_value ? r->new_value : "",
	              r->request_id ? "  req " : "",
	              r->request_id ? r->request_id : "") != CUTOVER_OK)
		return 1;
	if (r->detail && r->detail[0] && strcmp(r->detail, "{}") != 0 &&
	    pager_add(&c->pager, ROLE_DIM, "                  %s", r->detail) != CUTOVER_OK)
		return 1;
	c->audit_last = r->id;
	return 0;
}

/* The audit page's second line: empty, or what its reading is doing. */
static void audit_state_line(struct console *c, enum theme_role role, const char *text)
{
	char *t;

	if (c->pager.n < 2 || strcmp(c->pager.lines[1].text, text) == 0)
		return;
	if (!(t = strdup(text)))
		return;
	free(c->pager.lines[1].text);
	c->pager.lines[1].text = t;
	c->pager.lines[1].role = role;
	c->dirty |= D_OVERLAY;
}

/* Ask the reader thread for the rows after the last one shown (on opening
 * the page and on each second's tick while it is shown).  The UI never
 * reads the log itself: a slow disk or a lock held by another process
 * only makes the page say "reading..." while keys keep working. */
static void audit_fetch(struct console *c)
{
	struct cutover_err err = {0};
	double busy;

	if (!c->ar) {
		if (c->audit_path[0])
			audit_state_line(c, ROLE_WARN,
			                 "cannot read the log: its reader thread did not start "
			                 "(out of memory or threads?); `cutover audit` reads it");
		return;
	}
	if (c->audit_seq) {
		busy = audit_reader_busy_s(c->ar);
		if (busy >= 0.5) {
			char text[128];

			snprintf(text, sizeof(text), "reading%s (%.0f s; is another process holding the log?)",
			         (c->tflags & SAFE_TEXT_ASCII) ? "..." : "\xe2\x80\xa6", busy);
			audit_state_line(c, ROLE_WARN, text);
		}
		return;
	}
	if (audit_reader_submit(c->ar, c->audit_last, &c->audit_seq, &err) != CUTOVER_OK)
		say(c, ROLE_WARN, "audit log: %s", err.msg);
}

/* Batches from the reader thread (woken through act_pipe).  Only the
 * page's own read counts: one from before the page was reopened is
 * dropped, and a row already shown is never added twice. */
static void audit_take(struct console *c)
{
	struct audit_reader_batch b;

	while (c->ar && audit_reader_take(c->ar, &b)) {
		size_t before = c->pager.n;
		int page = c->rows - 4;
		bool follow = (int)c->pager.n - c->pager.top <= page;

		if (b.seq != c->audit_seq || c->mode != MODE_AUDIT || c->pager.n < 2) {
			audit_reader_batch_free(&b);
			continue;
		}
		c->audit_seq = 0;
		for (size_t i = 0; i < b.n; i++)
			if (b.rows[i].id > c->audit_last && audit_line(c, &b.rows[i]) != 0) {
				say(c, ROLE_CRIT, "out of memory building the audit page");
				break;
			}
		if (b.status == CUTOVER_OK)
			audit_state_line(c, ROLE_NORMAL, "");
		else if (b.status == CUTOVER_ENOENT)
			audit_state_line(c, ROLE_DIM, b.message);
		else {
			audit_state_line(c, ROLE_WARN, b.message);
			say(c, ROLE_WARN, "audit log: %s; trying again", b.message);
		}
		if (c->pager.n != before) {
			if (follow && (int)c->pager.n > page)
				c->pager.top = (int)c->pager.n - page;
			c->dirty |= D_OVERLAY;
		}
		audit_reader_batch_free(&b);
	}
}

static void build_overlay(struct console *c)
{
	struct view_ctx v;

	view_ctx_fill(c, &v, true);
	if (c->mode == MODE_DETAIL) {
		if (detail_phase(&c->pager, &v, c->detail_phase, c->cols) != CUTOVER_OK)
			say(c, ROLE_CRIT, "out of memory building the detail");
	} else if (c->mode == MODE_ROLLBACK) {
		int top = c->pager.top;

		if (rollback_lines(c) != CUTOVER_OK)
			say(c, ROLE_CRIT, "out of memory building the rollback view");
		c->pager.top = top;
	} else if (c->mode == MODE_AUDIT && c->pager.n == 0) {
		c->audit_last = 0;
		c->audit_seq = 0; /* a read for an earlier opening is dropped */
		snprintf(c->pager.title, sizeof(c->pager.title), "Audit log (live)");
		if (pager_add(&c->pager, ROLE_TITLE,
		              "Audit log (live): %s (Esc closes; new rows every second)",
		              c->audit_path[0] ? c->audit_path : "no audit log") != CUTOVER_OK ||
		    pager_add(&c->pager, ROLE_NORMAL, "%s", "") != CUTOVER_OK)
			say(c, ROLE_CRIT, "out of memory building the audit page");
		audit_fetch(c);
	} else if (c->mode == MODE_HELP && c->pager.n == 0) {
		struct strbuf sb = STRBUF_INIT;

		if (keys_help_for(&c->km, 16, c->o.read_only, &sb) == CUTOVER_OK) {
			const char *s = strbuf_str(&sb);

			snprintf(c->pager.title, sizeof(c->pager.title), "Help");
			if (pager_add(
			        &c->pager, ROLE_TITLE,
			        "cutover %s: every key (Esc closes; a keymap file rebinds them, "
			        "see docs/keys.md)",
			        CUTOVER_VERSION) != CUTOVER_OK ||
			    pager_add(&c->pager, ROLE_NORMAL, "%s", "") != CUTOVER_OK ||
			    help_lines(c, s) != CUTOVER_OK ||
			    pager_add(&c->pager, ROLE_NORMAL, "%s", "") != CUTOVER_OK ||
			    pager_add(&c->pager, ROLE_TITLE, "Commands (after :)") != CUTOVER_OK ||
			    pager_add(&c->pager, ROLE_NORMAL,
			              "  :q  :quit  :q!    quit (:q! without asking)") !=
			        CUTOVER_OK ||
			    pager_add(&c->pager, ROLE_NORMAL, "  :help             this screen") !=
			        CUTOVER_OK ||
			    pager_add(&c->pager, ROLE_NORMAL,
			              "  :audit            the audit log, live") != CUTOVER_OK ||
			    pager_add(&c->pager, ROLE_NORMAL,
			              "  :theme NAME       switch theme (default, light, "
			              "high-contrast, colorblind, monochrome)") != CUTOVER_OK ||
			    pager_add(&c->pager, ROLE_NORMAL,
			              "  :filter TEXT      show rows holding TEXT; :filter alone "
			              "clears it") != CUTOVER_OK)
				say(c, ROLE_CRIT, "out of memory building the help");
		}
		strbuf_free(&sb);
	}
}

static void draw_overlay(struct console *c)
{
	build_overlay(c);
	werase(c->overlay);
	pager_draw(&c->pager, c->overlay, &c->pal, c->tflags);
}

/* The panels that show a source's data. */
static unsigned panels_of(enum runbook_source src)
{
	switch (src) {
	case RUNBOOK_SRC_EXECUTIONS:
		return D_PANEL(LAYOUT_PHASES) | D_PANEL(LAYOUT_EVENTS) | D_PANEL(LAYOUT_ROLLBACK) |
		       D_OVERLAY;
	case RUNBOOK_SRC_FLAGS:
		return D_PANEL(LAYOUT_FLAGS);
	case RUNBOOK_SRC_METRICS:
	case RUNBOOK_SRC_ALARMS:
	case RUNBOOK_SRC_HEALTH:
		return D_PANEL(LAYOUT_GAUGES) | D_PANEL(LAYOUT_ROLLBACK);
	case RUNBOOK_SRC_IDENTITY:
		return D_HEADER;
	default:
		return D_PANELS | D_OVERLAY;
	}
}

/* What a new snapshot changes on screen: the panels of the sources that
 * published since the old one (a poll that found nothing new still moves
 * the source's freshness, which only the status line shows, but a panel's
 * rows may have changed with it, so its panel is redrawn too); anything
 * else (an acknowledged trigger) redraws every panel. */
static unsigned changed_panels(const struct engine_snapshot *old, const struct engine_snapshot *new)
{
	unsigned d = 0;
	bool any = false;

	for (int i = 0; i < RUNBOOK_SRC_COUNT; i++) {
		const struct engine_source_view *a = &old->sources[i], *b = &new->sources[i];

		if (a->last_attempt != b->last_attempt || a->last_ok != b->last_ok ||
		    a->failures != b->failures) {
			d |= panels_of((enum runbook_source)i);
			any = true;
		}
	}
	if (!any || old->ntriggers != new->ntriggers)
		d |= D_PANELS | D_OVERLAY;
	for (size_t i = 0; i < old->ntriggers && i < new->ntriggers; i++)
		if (old->triggers[i].acknowledged != new->triggers[i].acknowledged ||
		    old->triggers[i].active != new->triggers[i].active)
			d |= D_PANELS | D_OVERLAY;
	return d;
}

/* The auto-rollback countdown due first, here or in another front end. */
static const struct rollback_auto_view *first_countdown(const struct console *c)
{
	const struct rollback_auto_view *cd = NULL;
	double best = 0, d;

	for (size_t i = 0; c->autos && i < c->nautos; i++)
		if (view_auto_counting(&c->autos[i], &d) && (!cd || d < best)) {
			cd = &c->autos[i];
			best = d;
		}
	return cd;
}

/* The banner: an auto-rollback countdown (it goes before everything:
 * the plan starts by itself at zero), else the first unacknowledged
 * trigger.  Relayouts when it appears or goes. */
static void banner_update(struct console *c)
{
	char text[sizeof(c->banner_text)];
	const char *gid = view_banner_text(&c->snap, text, sizeof(text));
	const struct rollback_auto_view *cd = first_countdown(c);
	bool banner;

	c->countdown = cd != NULL;
	if (cd) {
		double deadline, left;
		long secs;
		char key[32], who[400];

		view_auto_counting(cd, &deadline);
		left = deadline - wall_now();
		secs = left > 0 ? (long)ceil(left) : 0;
		keymap_keys_text(&c->km, ACT_AUTO_CANCEL, " or ", key, sizeof(key));
		if (cd->remote)
			snprintf(who, sizeof(who), "counted by pid %ld on %.100s", cd->remote_pid,
			         cd->remote_host);
		else
			snprintf(who, sizeof(who), "armed by %.100s", cd->armed_by);
		snprintf(text, sizeof(text),
		         "AUTO-ROLLBACK: plan %.60s starts in %ld:%02ld %s %s%s%s (%.80s, %.200s)",
		         cd->gauge->trigger.plan ? cd->gauge->trigger.plan->id : "-", secs / 60,
		         secs % 60, c->tflags & SAFE_TEXT_ASCII ? "-" : "\xe2\x80\x94",
		         c->o.read_only ? "read-only here: cancel with cutover rollback --cancel-auto"
		                        : "press ",
		         c->o.read_only ? "" : (key[0] ? key : ":"),
		         c->o.read_only ? "" : " to cancel", cd->gauge->title, who);
	}
	banner = gid != NULL || cd != NULL;
	if (banner != c->banner) {
		c->banner = banner;
		snprintf(c->banner_text, sizeof(c->banner_text), "%s", text);
		relayout(c);
	} else if (strcmp(text, c->banner_text) != 0) {
		snprintf(c->banner_text, sizeof(c->banner_text), "%s", text);
		c->dirty |= D_CHROME;
	}
	snprintf(c->banner_gauge, sizeof(c->banner_gauge), "%s", gid ? gid : "");
}

/* Recompute what depends on the snapshot and say what must be redrawn. */
static void snapshot_changed(struct console *c, unsigned panels)
{
	struct view_ctx v;

	c->dirty |= panels | D_HEADER | D_STATUS;
	banner_update(c);
	view_ctx_fill(c, &v, false);
	for (int p = 0; p < LAYOUT_PANEL_COUNT; p++) {
		char t[sizeof(c->titles[p])];

		view_panels[p]->title(&v, t, sizeof(t));
		if (strcmp(t, c->titles[p]) != 0) {
			snprintf(c->titles[p], sizeof(c->titles[p]), "%s", t);
			c->dirty |= D_CHROME;
		}
	}
	{
		struct cell marks[LAYOUT_PANEL_COUNT];

		tab_marks(c, marks);
		for (int p = 0; p < LAYOUT_PANEL_COUNT; p++)
			if (strcmp(marks[p].glyph, c->tab_marks[p]) != 0) {
				memcpy(c->tab_marks[p], marks[p].glyph, sizeof(c->tab_marks[p]));
				c->dirty |= D_CHROME;
			}
	}
}

static void render(struct console *c)
{
	bool touch = false;
	double t0 = frame_trace_on() ? mono_now() : 0;

	/* Flags go stale by the clock too (their calls may hang and publish
	 * nothing): in any frame that redraws, redraw the flags panel when its
	 * staleness turned, so it always agrees with the status row. */
	if (engine_source_is_stale(&c->snap.sources[RUNBOOK_SRC_FLAGS], engine_clock(c)) !=
	    c->flags_stale_shown) {
		c->flags_stale_shown = !c->flags_stale_shown;
		c->dirty |= D_PANEL(LAYOUT_FLAGS);
	}
	if (c->dirty & D_CHROME) {
		draw_chrome(c);
		wnoutrefresh(stdscr);
		touch = true;
	}
	if (c->lay.mode != LAYOUT_TOO_SMALL) {
		if (c->header && (c->dirty & D_HEADER))
			draw_header(c);
		if (c->status && (c->dirty & D_STATUS))
			draw_status(c);
		if (c->header && (touch || (c->dirty & D_HEADER))) {
			touchwin(c->header);
			wnoutrefresh(c->header);
		}
		if (c->status && (touch || (c->dirty & D_STATUS))) {
			touchwin(c->status);
			wnoutrefresh(c->status);
		}
		if (c->overlay) {
			if (c->dirty & D_OVERLAY)
				draw_overlay(c);
			if (touch || (c->dirty & D_OVERLAY)) {
				touchwin(c->overlay);
				wnoutrefresh(c->overlay);
			}
		}
		for (int p = 0; p < LAYOUT_PANEL_COUNT; p++) {
			if (!c->panel[p])
				continue;
			if (c->dirty & D_PANEL(p))
				draw_panel(c, (enum layout_panel)p);
			if (touch || (c->dirty & D_PANEL(p))) {
				touchwin(c->panel[p]);
				wnoutrefresh(c->panel[p]);
			}
		}
	}
	c->dirty = 0;
	doupdate();
	if (frame_trace_on())
		frame_trace_frame(t0, mono_now());
}

/* --- keys ------------------------------------------------------------------- */

static void set_active(struct console *c, enum layout_panel p)
{
	enum layout_panel old = c->active;

	if ((unsigned)p >= LAYOUT_PANEL_COUNT)
		return;
	c->active = p;
	if (c->lay.mode == LAYOUT_TABS && old != p)
		relayout(c);
	else
		c->dirty |= D_CHROME | D_PANEL(old) | D_PANEL(p);
}

static void open_mode(struct console *c, enum mode m)
{
	c->mode = m;
	pager_clear(&c->pager);
	c->pager.top = 0;
	/* The frame title is drawn before the overlay is built. */
	if (m == MODE_AUDIT)
		snprintf(c->pager.title, sizeof(c->pager.title), "Audit log (live)");
	else if (m == MODE_ROLLBACK)
		snprintf(c->pager.title, sizeof(c->pager.title), "Rollback");
	relayout(c);
}

static void run_command(struct console *c, const char *cmd)
{
	struct cutover_err err = {0};

	while (*cmd == ' ')
		cmd++;
	if (strcmp(cmd, "q") == 0 || strcmp(cmd, "quit") == 0) {
		if (any_running(c)) {
			c->prompt = PROMPT_QUIT;
			c->dirty |= D_STATUS;
		} else {
			c->quit = true;
		}
	} else if (strcmp(cmd, "q!") == 0 || strcmp(cmd, "quit!") == 0) {
		c->quit = true;
	} else if (strcmp(cmd, "help") == 0 || strcmp(cmd, "h") == 0) {
		open_mode(c, MODE_HELP);
	} else if (strcmp(cmd, "audit") == 0) {
		open_mode(c, MODE_AUDIT);
	} else if (strncmp(cmd, "theme", 5) == 0 && (cmd[5] == ' ' || cmd[5] == '\0')) {
		const char *name = cmd + 5;

		while (*name == ' ')
			name++;
		if (!*name) {
			say(c, ROLE_WARN,
			    ":theme needs a name: default, light, high-contrast, colorblind, "
			    "monochrome");
		} else if (load_theme(c, name, &err) != CUTOVER_OK) {
			say(c, ROLE_WARN, "%s", err.msg);
		} else {
			clearok(curscr, TRUE);
			relayout(c);
			say(c, ROLE_OK, "theme %s", name);
		}
	} else if (strncmp(cmd, "filter", 6) == 0 && (cmd[6] == ' ' || cmd[6] == '\0')) {
		const char *f = cmd + 6;

		while (*f == ' ')
			f++;
		snprintf(c->filter, sizeof(c->filter), "%s", f);
		c->dirty |= D_PANELS | D_STATUS;
	} else if (*cmd) {
		say(c, ROLE_WARN, "unknown command ':%s'; :help lists the commands", cmd);
	}
}

static void start_prompt(struct console *c, enum prompt p, const char *initial);
static void rollback_begin(struct console *c, const char *reason, bool resume, bool abandon);
static void rollback_answer(struct console *c, enum rollback_answer_kind k, const char *text);
static void ask_reason(struct console *c);
static void cancel_intent(struct console *c);
static void value_cycle(struct console *c);
static void prompt_enter(struct console *c, enum prompt p);

/* Append one typed character (UTF-8) to the prompt input. */
static void input_add(struct console *c, wint_t wc)
{
	char mb[MB_LEN_MAX];
	mbstate_t ps;
	size_t n;

	memset(&ps, 0, sizeof(ps));
	if (wc < 32 || wc == 127)
		return;
	n = wcrtomb(mb, (wchar_t)wc, &ps);
	if (n == (size_t)-1 || c->input_len + n >= sizeof(c->input))
		return;
	memcpy(c->input + c->input_len, mb, n);
	c->input_len += n;
	c->input[c->input_len] = '\0';
}

static void input_backspace(struct console *c)
{
	while (c->input_len > 0) {
		unsigned char b = (unsigned char)c->input[--c->input_len];

		if ((b & 0xC0) != 0x80)
			break;
	}
	c->input[c->input_len] = '\0';
}

static void prompt_key(struct console *c, int key, wint_t wc, bool is_char)
{
	enum prompt p = c->prompt;

	c->dirty |= D_STATUS;
	if (p == PROMPT_QUIT) {
		c->prompt = PROMPT_NONE;
		if (is_char && (wc == 'y' || wc == 'Y'))
			c->quit = true;
		else
			say(c, ROLE_NORMAL, "still watching");
		return;
	}
	if (p == PROMPT_RESUME) {
		c->prompt = PROMPT_NONE;
		if (is_char && (wc == 'r' || wc == 'R'))
			rollback_begin(c, c->rb_reason, true, false);
		else if (is_char && (wc == 'n' || wc == 'N'))
			rollback_begin(c, c->rb_reason, false, true);
		else
			say(c, ROLE_NORMAL, "rollback not started");
		return;
	}
	if (p == PROMPT_RBABORT) {
		c->prompt = PROMPT_NONE;
		if (is_char && (wc == 'y' || wc == 'Y'))
			rollback_answer(c, ROLLBACK_ANSWER_ABORT, "aborted by the operator");
		else
			say(c, ROLE_NORMAL, "the rollback goes on");
		return;
	}
	if (p == PROMPT_YESNO) {
		c->prompt = PROMPT_NONE;
		if (is_char && (wc == 'y' || wc == 'Y'))
			ask_reason(c);
		else
			cancel_intent(c);
		return;
	}
	if (p == PROMPT_RBTEXT && is_char && (wc == 27 || wc == 3)) {
		c->prompt = PROMPT_NONE;
		say(c, ROLE_NORMAL, "not answered");
		return;
	}
	if (p >= PROMPT_VALUE && is_char && (wc == 27 || wc == 3)) {
		cancel_intent(c);
		return;
	}
	if (p == PROMPT_VALUE && is_char && wc == '\t') {
		value_cycle(c);
		return;
	}
	if (!is_char && (key == KEY_BACKSPACE || key == KEY_DC)) {
		input_backspace(c);
	} else if (is_char && (wc == 127 || wc == 8)) {
		input_backspace(c);
	} else if ((is_char && (wc == '\r' || wc == '\n')) || (!is_char && key == KEY_ENTER)) {
		c->prompt = PROMPT_NONE;
		if (p == PROMPT_COMMAND)
			run_command(c, c->input);
		else if (p == PROMPT_FILTER)
			snprintf(c->filter, sizeof(c->filter), "%s", c->input);
		else
			prompt_enter(c, p);
	} else if (is_char && wc == 27) {
		c->prompt = PROMPT_NONE;
		if (p == PROMPT_FILTER)
			c->filter[0] = '\0';
	} else if (is_char && wc == 3) {
		c->prompt = PROMPT_NONE;
	} else if (is_char) {
		input_add(c, wc);
	}
	if (p == PROMPT_FILTER) {
		if (c->prompt == PROMPT_FILTER)
			snprintf(c->filter, sizeof(c->filter), "%s", c->input);
		c->dirty |= D_PANELS;
	}
}

static void start_prompt(struct console *c, enum prompt p, const char *initial)
{
	c->prompt = p;
	snprintf(c->input, sizeof(c->input), "%s", initial ? initial : "");
	c->input_len = strlen(c->input);
	c->dirty |= D_STATUS;
}

static int panel_rows(struct console *c, enum layout_panel p)
{
	struct view_ctx v;

	view_ctx_fill(c, &v, true);
	return view_panels[p]->rows(&v);
}

static int panel_height(const struct console *c, enum layout_panel p)
{
	return c->panel[p] ? c->prect[p].h : 10;
}

static void move_selection(struct console *c, enum key_action a)
{
	enum layout_panel p = c->active;
	int h = panel_height(c, p), rows = panel_rows(c, p);

	switch (a) {
	case ACT_UP:
		c->sel[p]--;
		break;
	case ACT_DOWN:
		c->sel[p]++;
		break;
	case ACT_PAGE_UP:
		c->sel[p] -= h;
		break;
	case ACT_PAGE_DOWN:
		c->sel[p] += h;
		break;
	case ACT_TOP:
		c->sel[p] = 0;
		break;
	case ACT_BOTTOM:
		c->sel[p] = rows - 1;
		break;
	default:
		return;
	}
	clamp_selection(c, p, rows, h);
	c->dirty |= D_PANEL(p);
}

/* --- operator actions ----------------------------------------------------------- */

/* Whether actions can be taken at all; says why not. */
static bool actions_usable(struct console *c, enum key_action a)
{
	if (c->o.read_only) {
		say(c, ROLE_WARN,
		    "%s: refused: the console was started with --read-only; restart it without "
		    "--read-only to act",
		    key_action_help(a));
		return false;
	}
	if (!c->aq) {
		say(c, ROLE_WARN, "%s: actions are unavailable: %s", key_action_help(a),
		    c->aq_error);
		return false;
	}
	return true;
}

static void cancel_intent(struct console *c)
{
	c->prompt = PROMPT_NONE;
	if (c->intent.note_lead[0])
		say(c, ROLE_NORMAL, "%s; no reason noted", c->intent.note_lead);
	else
		say(c, ROLE_NORMAL, "cancelled: %s not done, nothing changed", c->intent.what);
}

/* Queue the confirmed intent; the result comes back through act_pipe. */
static void submit_intent(struct console *c, const char *reason)
{
	struct action_request r = {0};
	struct cutover_err err = {0};
	struct intent *in = &c->intent;
	uint64_t id = 0;

	char note[600];

	if (in->rollback) {
		rollback_begin(c, reason, false, false);
		return;
	}
	if (in->auto_req) {
		struct rollback_worker_request q = {0};

		q.op = in->auto_op;
		q.gauge_id = in->id;
		q.confirm = in->confirm[0] ? in->confirm : NULL;
		q.reason = reason && *reason ? reason : NULL;
		if (!c->rw)
			say(c, ROLE_WARN, "%s: not sent: %s", in->what, c->rw_error);
		else if (rollback_worker_submit(c->rw, &q, &id, &err) != CUTOVER_OK)
			say(c, ROLE_WARN, "%s: not sent: %s", in->what, err.msg);
		else
			say(c, ROLE_NORMAL, "%s: sent", in->what);
		return;
	}
	r.kind = in->kind;
	r.comment = reason && *reason ? reason : NULL;
	if (in->kind == ACTION_NOTE && in->note_lead[0]) {
		if (!r.comment) {
			cancel_intent(c);
			return;
		}
		snprintf(note, sizeof(note), "%.200s: %.390s", in->note_lead, r.comment);
		r.comment = note;
	}
	r.confirm = in->confirm[0] ? in->confirm : NULL;
	/* Only reached through the dialogs begin_intent chose. */
	r.confirmed = true;
	if (in->kind == ACTION_FLAG_SET) {
		r.flag_id = in->id;
		r.flag_op = in->op;
		r.value = in->op == ACTION_FLAG_VALUE ? in->value : NULL;
		r.expected_version = in->version;
	} else if (in->kind == ACTION_ALERT_ACK) {
		r.gauge_id = in->id;
	} else if (in->kind == ACTION_APPROVE || in->kind == ACTION_REJECT) {
		/* The token on screen: the phase alone is ambiguous when two
		 * executions wait at it. */
		if (in->target[0])
			r.task_token = in->target;
		else
			r.phase_id = in->id;
	} else if (in->kind == ACTION_EXEC_STOP) {
		r.execution = in->target;
	}
	if (action_queue_submit(c->aq, &r, &id, &err) != CUTOVER_OK) {
		say(c, ROLE_WARN, "%s: not sent: %s", in->what, err.msg);
		return;
	}
	if (in->kind == ACTION_FLAG_SET && in->flag < c->rb->nflags) {
		c->fpend[in->flag].id = id;
		c->fpend[in->flag].new_version = 0;
		c->fpend_on[in->flag] = true;
		c->dirty |= D_PANEL(LAYOUT_FLAGS);
		say(c, ROLE_NORMAL, "%s: pending", in->what);
	} else {
		say(c, ROLE_NORMAL, "%s: sent", in->what);
	}
}

static void ask_reason(struct console *c)
{
	const char *word = c->intent.kind == ACTION_FLAG_SET ? "reason" : "comment";

	if (c->intent.auto_req) {
		/* Arming is its own record; the y/n (or the typed name) was the
		 * confirmation. */
		submit_intent(c, NULL);
		return;
	}
	if (c->intent.kind == ACTION_NOTE && c->intent.note_lead[0])
		snprintf(c->prompt_lead, sizeof(c->prompt_lead),
		         "%.200s. Why? (optional note for the audit log; Enter saves, Esc skips): ",
		         c->intent.note_lead);
	else if (c->intent.kind == ACTION_NOTE)
		snprintf(c->prompt_lead, sizeof(c->prompt_lead),
		         "note for the audit log (Enter saves, Esc cancels): ");
	else
		snprintf(c->prompt_lead, sizeof(c->prompt_lead),
		         "%s: %s (optional; Enter applies, Esc cancels): ", c->intent.what, word);
	start_prompt(c, PROMPT_REASON, "");
}

/* The confirmations the intent needs: production types the environment's
 * name, a dangerous flag asks y/n, then every change takes an optional
 * reason (Enter applies it). */
static void begin_intent(struct console *c)
{
	c->intent.confirm[0] = '\0';
	if (c->rb->production) {
		snprintf(c->prompt_lead, sizeof(c->prompt_lead),
		         "PRODUCTION: %s%s. Type the environment's name '%s' to confirm (Esc "
		         "cancels): ",
		         c->intent.dangerous && c->intent.kind == ACTION_FLAG_SET &&
		                 !c->intent.rollback && !c->intent.auto_req
		             ? "dangerous: "
		             : "",
		         c->intent.what, c->rb->environment);
		start_prompt(c, PROMPT_ENV, "");
	} else if (c->intent.dangerous) {
		if (c->intent.kind == ACTION_FLAG_SET && !c->intent.auto_req)
			snprintf(c->prompt_lead, sizeof(c->prompt_lead),
			         "%.120s is dangerous: %.250s? y/n ", c->intent.id, c->intent.what);
		else
			snprintf(c->prompt_lead, sizeof(c->prompt_lead), "%.300s? y/n ",
			         c->intent.what);
		start_prompt(c, PROMPT_YESNO, "");
	} else {
		ask_reason(c);
	}
}

/* The next allowed value of an enum flag after the one typed (Tab). */
static void value_cycle(struct console *c)
{
	const struct runbook_flag *d;
	size_t next = 0;

	if (c->intent.flag >= c->rb->nflags)
		return;
	d = &c->rb->flags[c->intent.flag];
	if (d->type != RUNBOOK_FLAG_ENUM || d->nvalues == 0)
		return;
	for (size_t i = 0; i < d->nvalues; i++)
		if (strcmp(d->values[i], c->input) == 0)
			next = (i + 1) % d->nvalues;
	snprintf(c->input, sizeof(c->input), "%s", d->values[next]);
	c->input_len = strlen(c->input);
}

/* Enter on an action prompt. */
static void prompt_enter(struct console *c, enum prompt p)
{
	struct intent *in = &c->intent;

	switch (p) {
	case PROMPT_VALUE: {
		char shown[sizeof(in->what)];

		snprintf(in->value, sizeof(in->value), "%s", c->input);
		snprintf(shown, sizeof(shown), "%s", in->what);
		snprintf(in->what, sizeof(in->what), "%.120s -> %.120s", shown, in->value);
		begin_intent(c);
		break;
	}
	case PROMPT_ENV:
		if (strcmp(c->input, c->rb->environment) != 0) {
			say(c, ROLE_WARN, "'%s' is not the environment's name '%s': %s not done",
			    c->input, c->rb->environment, in->what);
			break;
		}
		snprintf(in->confirm, sizeof(in->confirm), "%s", c->input);
		ask_reason(c);
		break;
	case PROMPT_REASON:
		submit_intent(c, c->input);
		break;
	case PROMPT_RBTEXT:
		rollback_answer(c, c->rb_answer, c->input);
		break;
	default:
		break;
	}
}

/* space/t, +/-, e and Enter on the flags panel. */
static void flag_key(struct console *c, enum key_action a)
{
	struct view_ctx v;
	const struct engine_flag_view *f;
	struct intent *in = &c->intent;
	char cur[128], nv[128];
	const char *shown;
	int idx;

	if (c->active != LAYOUT_FLAGS) {
		say(c, ROLE_NORMAL, "%s: go to the flags (3) first", key_action_help(a));
		return;
	}
	view_ctx_fill(c, &v, true);
	idx = view_row_index(LAYOUT_FLAGS, &v, c->sel[LAYOUT_FLAGS]);
	if (idx < 0 || (size_t)idx >= c->snap.nflags || (size_t)idx >= c->rb->nflags) {
		say(c, ROLE_NORMAL, "no flag selected");
		return;
	}
	if (!actions_usable(c, a))
		return;
	f = &c->snap.flags[idx];
	if (c->fpend_on[idx]) {
		say(c, ROLE_NORMAL, "%s: a change is still pending; wait for it to be confirmed",
		    f->def->id);
		return;
	}
	shown = view_flag_value(f, cur, sizeof(cur));
	if (!shown)
		shown = "(unknown)";
	memset(in, 0, sizeof(*in));
	in->kind = ACTION_FLAG_SET;
	in->flag = (size_t)idx;
	in->version = f->present ? f->version : 0;
	in->dangerous = f->def->dangerous;
	snprintf(in->id, sizeof(in->id), "%s", f->def->id);
	switch (a) {
	case ACT_TOGGLE:
		if (f->def->type != RUNBOOK_FLAG_BOOL) {
			say(c, ROLE_NORMAL, "%s is a %s flag: %s", f->def->id,
			    runbook_flag_type_name(f->def->type),
			    f->def->type == RUNBOOK_FLAG_PERCENT ? "+ and - step it"
			                                         : "e sets its value");
			return;
		}
		in->op = ACTION_FLAG_TOGGLE;
		snprintf(in->what, sizeof(in->what), "set %s %s -> %s", f->def->id, shown,
		         f->value && strcmp(f->value, "true") == 0 ? "OFF" : "ON");
		break;
	case ACT_STEP_UP:
	case ACT_STEP_DOWN: {
		long pct = 0, step = f->def->step ? (long)f->def->step : 10;
		char *end;

		if (f->def->type != RUNBOOK_FLAG_PERCENT) {
			say(c, ROLE_NORMAL, "%s is a %s flag: only percent flags step", f->def->id,
			    runbook_flag_type_name(f->def->type));
			return;
		}
		if (f->value) {
			errno = 0;
			pct = strtol(f->value, &end, 10);
			if (errno || end == f->value)
				pct = 0;
		}
		pct += a == ACT_STEP_UP ? step : -step;
		pct = pct < 0 ? 0 : pct > 100 ? 100 : pct;
		in->op = a == ACT_STEP_UP ? ACTION_FLAG_STEP_UP : ACTION_FLAG_STEP_DOWN;
		snprintf(nv, sizeof(nv), "%ld%%", pct);
		snprintf(in->what, sizeof(in->what), "set %s %s -> %s", f->def->id, shown, nv);
		break;
	}
	default: /* edit: a line editor on the value; Tab picks an enum's next value */
		in->op = ACTION_FLAG_VALUE;
		snprintf(in->what, sizeof(in->what), "set %s %s", f->def->id, shown);
		if (f->def->type == RUNBOOK_FLAG_ENUM) {
			struct strbuf vals = STRBUF_INIT;

			for (size_t i = 0; i < f->def->nvalues; i++)
				if (strbuf_printf(&vals, "%s%s", i ? " " : "", f->def->values[i]) !=
				    CUTOVER_OK)
					break;
			snprintf(c->prompt_lead, sizeof(c->prompt_lead),
			         "%s: Tab picks one of [%s], Enter chooses, Esc cancels: ",
			         f->def->id, strbuf_str(&vals));
			strbuf_free(&vals);
		} else {
			snprintf(c->prompt_lead, sizeof(c->prompt_lead),
			         "%s (%s): new value, Enter chooses, Esc cancels: ", f->def->id,
			         runbook_flag_type_name(f->def->type));
		}
		start_prompt(c, PROMPT_VALUE, f->value ? f->value : "");
		return;
	}
	begin_intent(c);
}

/* The audit reader's thread: only wake the UI, as on_action_done. */
static void on_audit_read(void *ctx)
{
	struct console *c = ctx;
	char b = 1;
	ssize_t w = write(c->act_pipe[1], &b, 1);

	(void)w;
}

static void on_action_done(void *ctx, const struct action_result *res)
{
	struct console *c = ctx;
	char b = 1;
	ssize_t w;

	(void)res;
	/* Worker thread: only wake the UI; it polls the result itself. */
	w = write(c->act_pipe[1], &b, 1);
	(void)w;
}

static enum cutover_status ack_engine(void *ctx, const char *gauge_id, struct cutover_err *err)
{
	return engine_ack_trigger(ctx, gauge_id, err);
}

/* A written flag is confirmed once a poll shows its new version. */
static void flags_confirm(struct console *c)
{
	if (!c->fpend || c->snap.nflags != c->rb->nflags)
		return;
	for (size_t i = 0; i < c->snap.nflags; i++) {
		const struct engine_flag_view *f = &c->snap.flags[i];
		char buf[128];
		const char *shown;

		if (!c->fpend_on[i] || c->fpend[i].id || c->fpend[i].new_version <= 0 ||
		    !f->present || f->version < c->fpend[i].new_version)
			continue;
		c->fpend_on[i] = false;
		c->fpend[i].new_version = 0;
		shown = view_flag_value(f, buf, sizeof(buf));
		say(c, ROLE_OK, "%s: confirmed %s (v%lld)", f->def->id, shown ? shown : "?",
		    f->version);
		c->dirty |= D_PANEL(LAYOUT_FLAGS);
	}
}

static void handle_result(struct console *c, const struct action_result *r)
{
	size_t fi = SIZE_MAX;

	if (r->kind == ACTION_FLAG_SET) {
		for (size_t i = 0; i < c->rb->nflags; i++)
			if (c->fpend_on[i] && c->fpend[i].id == r->id)
				fi = i;
		if (fi != SIZE_MAX) {
			c->fpend[fi].id = 0;
			c->dirty |= D_PANEL(LAYOUT_FLAGS);
		}
	}
	if (r->kind == ACTION_FLAG_SET && r->outcome == ACTION_OUTCOME_OK &&
	    strcmp(r->reason, "unchanged") != 0 && fi != SIZE_MAX) {
		c->fpend[fi].new_version = r->new_version;
		say(c, ROLE_NORMAL, "%s: written v%lld%s, pending until a poll confirms it",
		    c->rb->flags[fi].id, r->new_version,
		    strcmp(r->reason, "interleaved") == 0 ? " (another writer came between: verify)"
		                                          : "");
		flags_confirm(c);
		return;
	}
	if (fi != SIZE_MAX)
		c->fpend_on[fi] = false;
	if (r->kind == ACTION_FLAG_SET && strcmp(r->reason, "conflict") == 0) {
		say(c, ROLE_WARN,
		    "%s: conflict: %s changed it to %s (v%lld) first; nothing written",
		    fi != SIZE_MAX ? c->rb->flags[fi].id : r->target,
		    r->other_user[0] ? r->other_user : "someone", r->other_value, r->other_version);
	} else if (r->outcome == ACTION_OUTCOME_OK) {
		if (r->kind == ACTION_ALERT_ACK)
			say(c, ROLE_OK, "acknowledged %s (audited)", r->target);
		else if (r->kind == ACTION_APPROVE || r->kind == ACTION_REJECT)
			say(c, ROLE_OK, "%s: done (%s)",
			    r->kind == ACTION_APPROVE ? "approved" : "rejected", r->message);
		else if (r->kind == ACTION_NOTE)
			say(c, ROLE_OK, "note written to the audit log");
		else
			say(c, ROLE_OK, "%s: %s", r->target, r->message);
	} else {
		say(c, ROLE_WARN, "%s %s: %s", action_kind_name(r->kind),
		    action_outcome_name(r->outcome), r->message);
	}
}

/* A result of the rollback worker: a runner handed over (the R path or a
 * countdown that ran out), or what became of an arm / disarm / cancel. */
static void worker_result(struct console *c, struct rollback_worker_result *r)
{
	if (r->op != ROLLBACK_WORKER_START) {
		say(c, r->status == CUTOVER_OK ? ROLE_OK : ROLE_WARN, "%s", r->message);
		return;
	}
	if (!r->automatic)
		c->rb_starting = false;
	if (r->status == CUTOVER_OK && r->runner) {
		if (c->rr && rollback_runner_finished(c->rr)) {
			/* A run that ended keeps nothing on disk to release. */
			rollback_runner_destroy(c->rr);
			c->rr = NULL;
			if (c->rsnap_ok)
				rollback_snapshot_free(&c->rsnap);
			c->rsnap_ok = false;
		}
		if (c->rr) {
			/* Cannot happen (the lock is per runbook): never lose one. */
			rollback_runner_destroy(r->runner);
			say(c, ROLE_CRIT, "a second rollback came back; it was stopped (resumable)");
			return;
		}
		c->rr = r->runner;
		c->rb_plan = runbook_plan_find(c->rb, r->plan);
		c->rb_resume = NULL;
		c->rb_notice[0] = '\0';
		if (r->automatic) {
			say(c, ROLE_CRIT, "AUTO-ROLLBACK: plan %s started (trigger %s)", r->plan,
			    r->gauge);
			c->message_until = mono_now() + 30.0;
		} else {
			say(c, ROLE_OK, "%s", r->message);
		}
		/* The rollback panel shows the progress. */
		if (c->mode != MODE_ROLLBACK && (r->automatic || c->mode == MODE_MAIN))
			open_mode(c, MODE_ROLLBACK);
		rollback_refresh(c);
		c->dirty |= D_OVERLAY;
		return;
	}
	if (r->status == CUTOVER_ECONFLICT && !r->automatic) {
		snprintf(c->prompt_lead, sizeof(c->prompt_lead),
		         "r resumes it, n starts anew (it is marked aborted), Esc cancels: %.300s",
		         r->message);
		start_prompt(c, PROMPT_RESUME, "");
		return;
	}
	if (r->automatic) {
		say(c, ROLE_CRIT, "%s", r->message);
		c->message_until = mono_now() + 60.0;
	} else {
		say(c, ROLE_WARN, "rollback not started: %s", r->message);
	}
	c->dirty |= D_OVERLAY;
}

/* The worker's results, and its views when they changed. */
static void worker_results(struct console *c)
{
	struct rollback_worker_result r;
	uint64_t gen = 0;

	if (!c->rw)
		return;
	while (rollback_worker_poll(c->rw, &r))
		worker_result(c, &r);
	if (!c->autos)
		return;
	rollback_worker_views(c->rw, c->autos, c->nautos, &gen, c->rw_error, sizeof(c->rw_error));
	if (gen == c->autos_gen)
		return;
	c->autos_gen = gen;
	banner_update(c);
	c->dirty |= D_PANEL(LAYOUT_GAUGES) | D_PANEL(LAYOUT_ROLLBACK) | D_CHROME;
	if (c->mode == MODE_ROLLBACK)
		c->dirty |= D_OVERLAY;
}

static void take_results(struct console *c)
{
	struct action_result *r = malloc(sizeof(*r));
	char drain[64];

	while (read(c->act_pipe[0], drain, sizeof(drain)) > 0)
		;
	if (!r) {
		say(c, ROLE_CRIT, "out of memory reading an action's result");
		return;
	}
	while (c->aq && action_queue_poll(c->aq, r))
		handle_result(c, r);
	free(r);
	worker_results(c);
	rollback_refresh(c);
}

/* The phase a/x/s act on: the detail's, else the selected row's. */
static const struct engine_phase_view *acting_phase(struct console *c)
{
	struct view_ctx v;
	int idx;

	if (c->mode == MODE_DETAIL)
		return c->detail_phase < c->snap.nphases ? &c->snap.phases[c->detail_phase] : NULL;
	if (c->mode != MODE_MAIN || c->active != LAYOUT_PHASES)
		return NULL;
	view_ctx_fill(c, &v, true);
	idx = view_row_index(LAYOUT_PHASES, &v, c->sel[LAYOUT_PHASES]);
	return idx >= 0 && (size_t)idx < c->snap.nphases ? &c->snap.phases[idx] : NULL;
}

/* a / x on a WAITING phase: answer its approval, after confirmation. */
static void approval_key(struct console *c, enum key_action a)
{
	const struct engine_phase_view *p = acting_phase(c);

	if (!p) {
		say(c, ROLE_NORMAL, "%s: select a waiting phase (1) or open its detail first",
		    key_action_help(a));
		return;
	}
	if (p->status != PHASE_WAITING) {
		say(c, ROLE_NORMAL, "%s: phase %s is not waiting for an approval",
		    key_action_help(a), p->def->id);
		return;
	}
	if (!actions_usable(c, a))
		return;
	memset(&c->intent, 0, sizeof(c->intent));
	c->intent.kind = a == ACT_APPROVE ? ACTION_APPROVE : ACTION_REJECT;
	c->intent.dangerous = true; /* always asked */
	snprintf(c->intent.id, sizeof(c->intent.id), "%s", p->def->id);
	if (p->task_token && strlen(p->task_token) < sizeof(c->intent.target))
		snprintf(c->intent.target, sizeof(c->intent.target), "%s", p->task_token);
	snprintf(c->intent.what, sizeof(c->intent.what), "%s %s (%.100s)",
	         a == ACT_APPROVE ? "approve" : "reject", p->def->id,
	         p->current_state ? p->current_state : "approval");
	begin_intent(c);
}

/* s on a phase (its detail or its row): stop its running execution. */
static void stop_key(struct console *c)
{
	const struct engine_phase_view *p = acting_phase(c);
	const char *status = NULL;

	if (!p || !p->execution_arn) {
		say(c, ROLE_NORMAL, "%s: open a running phase's detail (Enter on it) first",
		    key_action_help(ACT_STOP));
		return;
	}
	for (size_t i = 0; i < c->snap.nexecutions; i++)
		if (c->snap.executions[i].arn &&
		    strcmp(c->snap.executions[i].arn, p->execution_arn) == 0)
			status = c->snap.executions[i].status;
	if (!status || strcmp(status, "RUNNING") != 0) {
		say(c, ROLE_NORMAL, "%s: the execution of %s is not running",
		    key_action_help(ACT_STOP), p->def->id);
		return;
	}
	if (!actions_usable(c, ACT_STOP))
		return;
	memset(&c->intent, 0, sizeof(c->intent));
	c->intent.kind = ACTION_EXEC_STOP;
	c->intent.dangerous = true;
	snprintf(c->intent.id, sizeof(c->intent.id), "%s", p->def->id);
	snprintf(c->intent.target, sizeof(c->intent.target), "%s", p->execution_arn);
	snprintf(c->intent.what, sizeof(c->intent.what), "stop the execution of %s (%.200s)",
	         p->def->id, p->execution_arn);
	begin_intent(c);
}

static void note_key(struct console *c)
{
	if (!actions_usable(c, ACT_NOTE))
		return;
	memset(&c->intent, 0, sizeof(c->intent));
	c->intent.kind = ACTION_NOTE;
	snprintf(c->intent.what, sizeof(c->intent.what), "note");
	ask_reason(c);
}

/* ALERT_ACK through the queue: audited, then engine_ack_trigger. */
static void acknowledge(struct console *c)
{
	if (!c->banner_gauge[0]) {
		say(c, ROLE_NORMAL, "no alert to acknowledge");
		return;
	}
	if (!actions_usable(c, ACT_ACKNOWLEDGE))
		return;
	memset(&c->intent, 0, sizeof(c->intent));
	c->intent.kind = ACTION_ALERT_ACK;
	snprintf(c->intent.id, sizeof(c->intent.id), "%s", c->banner_gauge);
	snprintf(c->intent.what, sizeof(c->intent.what), "acknowledge %s", c->banner_gauge);
	submit_intent(c, NULL);
}

/* Whether the rollback worker can take an auto-rollback request; says why not. */
static bool auto_usable(struct console *c, enum key_action a)
{
	if (c->o.read_only) {
		say(c, ROLE_WARN,
		    "%s: refused: the console was started with --read-only; restart it without "
		    "--read-only to act",
		    key_action_help(a));
		return false;
	}
	if (!c->rw) {
		say(c, ROLE_WARN, "%s: unavailable: %s", key_action_help(a), c->rw_error);
		return false;
	}
	return true;
}

/* m on a gauge: arm or disarm its auto-rollback, after confirmation. */
static void auto_arm_key(struct console *c)
{
	struct view_ctx v;
	const struct rollback_auto_view *a;
	const struct runbook_gauge *g;
	int idx;

	view_ctx_fill(c, &v, true);
	idx = view_row_index(LAYOUT_GAUGES, &v, c->sel[LAYOUT_GAUGES]);
	if (c->mode != MODE_MAIN || c->active != LAYOUT_GAUGES || idx < 0 ||
	    (size_t)idx >= c->snap.ngauges) {
		say(c, ROLE_NORMAL, "%s: select a gauge (2) first", key_action_help(ACT_AUTO_ARM));
		return;
	}
	g = c->snap.gauges[idx].def;
	a = view_auto_of(&v, g);
	if (!a) {
		say(c, ROLE_NORMAL,
		    "%s has no auto-rollback: its trigger needs \"auto\": {\"countdown_s\": N} in "
		    "the runbook",
		    g->id);
		return;
	}
	if (!auto_usable(c, ACT_AUTO_ARM))
		return;
	memset(&c->intent, 0, sizeof(c->intent));
	c->intent.auto_req = true;
	c->intent.auto_op = a->armed ? ROLLBACK_WORKER_DISARM : ROLLBACK_WORKER_ARM;
	c->intent.dangerous = true;
	snprintf(c->intent.id, sizeof(c->intent.id), "%s", g->id);
	if (a->armed)
		snprintf(c->intent.what, sizeof(c->intent.what),
		         "disarm auto-rollback of %.100s (armed by %.60s)", g->id, a->armed_by);
	else
		snprintf(c->intent.what, sizeof(c->intent.what),
		         "arm auto-rollback of %.100s (plan %.60s, %us countdown)",
		         g->id, g->trigger.plan ? g->trigger.plan->id : "-",
		         g->trigger.auto_countdown_s);
	if (!a->armed && c->snap.gauges[idx].state == GAUGE_TRIGGERED) {
		size_t n = strlen(c->intent.what);

		snprintf(c->intent.what + n, sizeof(c->intent.what) - n, "%s",
		         " (firing now: counts down at once)");
	}
	begin_intent(c);
}

/* C anywhere: cancel the running countdown at once, then ask why (an
 * optional note for the audit log). */
static void auto_cancel_key(struct console *c)
{
	const struct rollback_auto_view *cd = first_countdown(c);
	struct rollback_worker_request q = {0};
	struct cutover_err err = {0};
	uint64_t id;

	if (!cd) {
		say(c, ROLE_NORMAL, "no auto-rollback countdown runs");
		return;
	}
	if (!auto_usable(c, ACT_AUTO_CANCEL))
		return;
	q.op = ROLLBACK_WORKER_CANCEL;
	q.gauge_id = cd->gauge->id;
	if (rollback_worker_submit(c->rw, &q, &id, &err) != CUTOVER_OK) {
		say(c, ROLE_WARN, "auto-rollback not cancelled: %s", err.msg);
		return;
	}
	say(c, ROLE_OK, "cancelling the auto-rollback of %s", cd->gauge->id);
	if (!c->aq)
		return;
	memset(&c->intent, 0, sizeof(c->intent));
	c->intent.kind = ACTION_NOTE;
	snprintf(c->intent.what, sizeof(c->intent.what), "note");
	snprintf(c->intent.note_lead, sizeof(c->intent.note_lead),
	         "auto-rollback of %.100s cancelled", cd->gauge->id);
	ask_reason(c);
}

static void quit_asking(struct console *c)
{
	if (any_running(c)) {
		c->prompt = PROMPT_QUIT;
		c->dirty |= D_STATUS;
	} else {
		c->quit = true;
	}
}

static void action(struct console *c, enum key_action a)
{
	if (key_action_flags(a) & KEYS_LATER) {
		say(c, ROLE_WARN, "%s: not available yet in this version", key_action_help(a));
		return;
	}
	if (c->mode != MODE_MAIN) {
		if (pager_scroll(&c->pager, a, c->rows - 4)) {
			c->dirty |= D_OVERLAY;
			return;
		}
		switch (a) {
		case ACT_BACK:
		case ACT_LEFT:
			open_mode(c, MODE_MAIN);
			return;
		case ACT_HELP:
			open_mode(c, c->mode == MODE_HELP ? MODE_MAIN : MODE_HELP);
			return;
		case ACT_AUDIT:
			open_mode(c, c->mode == MODE_AUDIT ? MODE_MAIN : MODE_AUDIT);
			return;
		case ACT_ROLLBACK:
			if (c->mode == MODE_ROLLBACK) {
				open_mode(c, MODE_MAIN);
				return;
			}
			break;
		default:
			break;
		}
	}
	switch (a) {
	case ACT_UP:
	case ACT_DOWN:
	case ACT_PAGE_UP:
	case ACT_PAGE_DOWN:
	case ACT_TOP:
	case ACT_BOTTOM:
		move_selection(c, a);
		break;
	case ACT_LEFT:
	case ACT_PREV_PANEL:
		set_active(c, (enum layout_panel)((c->active + LAYOUT_PANEL_COUNT - 1) %
		                                  LAYOUT_PANEL_COUNT));
		break;
	case ACT_RIGHT:
	case ACT_NEXT_PANEL:
		set_active(c, (enum layout_panel)((c->active + 1) % LAYOUT_PANEL_COUNT));
		break;
	case ACT_PANEL_1:
	case ACT_PANEL_2:
	case ACT_PANEL_3:
	case ACT_PANEL_4:
	case ACT_PANEL_5:
		set_active(c, (enum layout_panel)(a - ACT_PANEL_1));
		break;
	case ACT_DETAIL: {
		struct view_ctx v;
		int idx;

		if (c->active == LAYOUT_FLAGS) {
			flag_key(c, ACT_EDIT);
			break;
		}
		view_ctx_fill(c, &v, true);
		idx = view_row_index(LAYOUT_PHASES, &v, c->sel[LAYOUT_PHASES]);
		if (c->active != LAYOUT_PHASES)
			say(c, ROLE_NORMAL,
			    "Enter opens a phase's detail: go to the phases (1) first");
		else if (idx < 0)
			say(c, ROLE_NORMAL, "no phase selected");
		else {
			c->detail_phase = (size_t)idx;
			open_mode(c, MODE_DETAIL);
		}
		break;
	}
	case ACT_BACK:
		if (c->filter[0]) {
			c->filter[0] = '\0';
			c->dirty |= D_PANELS | D_STATUS;
		}
		break;
	case ACT_HELP:
		open_mode(c, MODE_HELP);
		break;
	case ACT_AUDIT:
		open_mode(c, MODE_AUDIT);
		break;
	case ACT_FILTER:
		start_prompt(c, PROMPT_FILTER, c->filter);
		break;
	case ACT_COMMAND:
		start_prompt(c, PROMPT_COMMAND, "");
		break;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		relayout(c);
		break;
	case ACT_QUIT:
		quit_asking(c);
		break;
	case ACT_ACKNOWLEDGE:
		acknowledge(c);
		break;
	case ACT_APPROVE:
	case ACT_REJECT:
		approval_key(c, a);
		break;
	case ACT_STOP:
		stop_key(c);
		break;
	case ACT_NOTE:
		note_key(c);
		break;
	case ACT_TOGGLE:
	case ACT_STEP_UP:
	case ACT_STEP_DOWN:
	case ACT_EDIT:
		flag_key(c, a);
		break;
	case ACT_ROLLBACK:
		rollback_open(c);
		break;
	case ACT_RB_YES:
	case ACT_RB_RETRY:
	case ACT_RB_FAIL:
	case ACT_RB_SKIP:
	case ACT_RB_ABORT:
		rollback_key(c, a);
		break;
	case ACT_AUTO_ARM:
		auto_arm_key(c);
		break;
	case ACT_AUTO_CANCEL:
		auto_cancel_key(c);
		break;
	default:
		break;
	}
}

/* A click focuses the panel under it and selects the row; on the tab bar
 * it opens the tab whose label it hit. */
static void mouse(struct console *c)
{
	MEVENT ev;
	int p;

	if (getmouse(&ev) != OK || !(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)))
		return;
	if (c->mode != MODE_MAIN || c->lay.mode == LAYOUT_TOO_SMALL)
		return;
	if (c->lay.mode == LAYOUT_TABS && ev.y == c->lay.tabbar.y) {
		static struct cell cells[ROW_CELLS];
		struct cell marks[LAYOUT_PANEL_COUNT];
		int w = c->cols < ROW_CELLS ? c->cols : ROW_CELLS, hit = -1;

		tab_marks(c, marks);
		tabbar_render(c->active, marks, w, c->tflags & SAFE_TEXT_ASCII, cells);
		for (int x = 1; x < w && x <= ev.x; x++)
			if (cells[x].glyph[0] >= '1' && cells[x].glyph[0] <= '5' &&
			    !cells[x].glyph[1] && cells[x - 1].glyph[0] == ' ')
				hit = cells[x].glyph[0] - '1';
		if (hit >= 0)
			set_active(c, (enum layout_panel)hit);
		return;
	}
	p = layout_panel_at(&c->lay, ev.x, ev.y);
	if (p < 0 || !c->panel[p])
		return;
	set_active(c, (enum layout_panel)p);
	if (ev.y >= c->prect[p].y)
		c->sel[p] = c->top[p] + (ev.y - c->prect[p].y);
	clamp_selection(c, (enum layout_panel)p, panel_rows(c, (enum layout_panel)p),
	                c->prect[p].h);
	c->dirty |= D_PANEL(p);
}

static void read_keys(struct console *c)
{
	wint_t wc;
	int r;

	while ((r = wget_wch(stdscr, &wc)) != ERR) {
		bool is_char = r == OK;
		int key = is_char ? (wc < KEYMAP_SIZE ? (int)wc : -1) : (int)wc;

		if (!is_char && key == KEY_RESIZE)
			continue; /* our own SIGWINCH handling relayouts */
		if (!is_char && key == KEY_MOUSE) {
			mouse(c);
			continue;
		}
		if (c->prompt != PROMPT_NONE) {
			prompt_key(c, key, wc, is_char);
			continue;
		}
		if (key >= 0) {
			enum key_action a = keymap_lookup(&c->km, key);

			if (a != ACT_NONE) {
				action(c, a);
			} else if (is_char && wc == 3) {
				char q[32];

				keymap_keys_text(&c->km, ACT_QUIT, " or ", q, sizeof(q));
				say(c, ROLE_WARN,
				    "Ctrl-C does not quit the console; press %s to quit",
				    q[0] ? q : ":q");
			}
		}
		if (c->quit)
			break;
	}
}

/* --- options ------------------------------------------------------------------ */

static void usage_text(FILE *f)
{
	fprintf(f,
	        "usage: cutover RUNBOOK [--theme NAME] [--keymap FILE] [--profile P] [--region R]\n"
	        "                       [--operator NAME] [--audit FILE] [--read-only] [--ascii]\n"
	        "Open the full-screen console on RUNBOOK.  `man cutover` describes every key.\n");
}

static int parse_opts(int argc, char **argv, struct console_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->path = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;

		if (strcmp(a, "--theme") == 0)
			slot = &o->theme;
		else if (strcmp(a, "--keymap") == 0)
			slot = &o->keymap;
		else if (strcmp(a, "--operator") == 0)
			slot = &o->operator_name;
		else if (strcmp(a, "--profile") == 0)
			slot = &o->profile;
		else if (strcmp(a, "--region") == 0)
			slot = &o->region;
		else if (strcmp(a, "--audit") == 0)
			slot = &o->audit;
		else if (strcmp(a, "--read-only") == 0)
			o->read_only = true;
		else if (strcmp(a, "--ascii") == 0)
			o->ascii = true;
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage_text(stdout);
			return -1;
		} else {
			fprintf(stderr, "cutover: unknown console option %s\n", a);
			usage_text(stderr);
			return CLI_EXIT_USAGE;
		}
		if (slot) {
			if (i + 1 >= argc || !argv[i + 1][0]) {
				fprintf(stderr, "cutover: %s needs a value\n", a);
				usage_text(stderr);
				return CLI_EXIT_USAGE;
			}
			*slot = argv[++i];
		}
	}
	if (!o->theme)
		o->theme = getenv("CUTOVER_THEME");
	if (!o->operator_name)
		o->operator_name = getenv("CUTOVER_OPERATOR");
	return 0;
}

/* The preferences file ([ui] of config.ini) fills what the options and
 * the environment leave unset. */
static int load_prefs(struct console *c)
{
	struct cutover_err err = {0};
	char path[PATH_MAX];
	enum cutover_status st;

	prefs_default(&c->prefs);
	prefs_default_path(path, sizeof(path), getenv("XDG_CONFIG_HOME"), getenv("HOME"));
	if (!path[0])
		return 0;
	st = prefs_load(&c->prefs, path, getenv("HOME"), &err);
	if (st != CUTOVER_OK && st != CUTOVER_ENOENT) {
		fprintf(stderr, "cutover: %s\n", err.msg);
		return CLI_EXIT_USAGE;
	}
	if (!c->o.theme && c->prefs.theme[0])
		c->o.theme = c->prefs.theme;
	if (!c->o.keymap && c->prefs.keymap[0])
		c->o.keymap = c->prefs.keymap;
	if (c->prefs.ascii == PREFS_ON)
		c->o.ascii = true;
	return 0;
}

/* The keymap: the defaults, then --keymap FILE or the preferences' keymap,
 * which must exist. */
static int load_keymap(struct console *c)
{
	struct cutover_err err = {0};

	keymap_default(&c->km);
	if (c->o.keymap && keymap_load_file(&c->km, c->o.keymap, &err) != CUTOVER_OK) {
		fprintf(stderr, "cutover: keymap %s: %s\n", c->o.keymap, err.msg);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

static int load_runbook(struct console *c)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct cutover_err err = {0};
	enum cutover_status st = runbook_load_file(c->o.path, &c->rb, &diags, &err);
	int rc = 0;

	/* As `cutover check` prints them: every problem at line:column. */
	diag_list_print(&diags, c->o.path, stderr);
	if (st == CUTOVER_EPARSE || st == CUTOVER_EVALIDATE) {
		fprintf(stderr,
		        "%s: not a valid runbook: %zu error%s, %zu warning%s; fix it and try again "
		        "(`cutover check %s` repeats this)\n",
		        c->o.path, diags.nerrors, diags.nerrors == 1 ? "" : "s", diags.nwarnings,
		        diags.nwarnings == 1 ? "" : "s", c->o.path);
		rc = CLI_EXIT_FAIL;
	} else if (st != CUTOVER_OK) {
		fprintf(stderr, "cutover: %s\n", err.msg[0] ? err.msg : cutover_status_str(st));
		rc = CLI_EXIT_USAGE;
	}
	diag_list_free(&diags);
	/* A rehearsal's health paths reach the sim through the loader's
	 * CUTOVER_HTTP_BASE, which `cutover demo` and the sim's exports set. */
	return rc;
}

/* --- the loop ----------------------------------------------------------------- */

static void take_snapshot(struct console *c)
{
	struct engine_snapshot s = {0};
	unsigned panels;

	if (engine_snapshot_take(c->eng, &s) != CUTOVER_OK) {
		say(c, ROLE_CRIT, "out of memory copying the state; showing the last copy");
		return;
	}
	panels = c->snap.generation ? changed_panels(&c->snap, &s) : D_PANELS | D_OVERLAY;
	engine_snapshot_free(&c->snap);
	c->snap = s;
	snapshot_changed(c, panels);
	flags_confirm(c);
	if (c->rw && c->trig && c->snap.ngauges == c->rb->ngauges) {
		for (size_t i = 0; i < c->snap.ngauges; i++)
			c->trig[i] = c->snap.gauges[i].state == GAUGE_TRIGGERED;
		rollback_worker_triggers(c->rw, c->trig, c->snap.ngauges);
	}
}

static int main_loop(struct console *c)
{
	struct pollfd fds[4];
	double next_tick;
	int sig;

	fds[0].fd = term_fd(c->term);
	fds[0].events = POLLIN;
	fds[1].fd = engine_wakeup_fd(c->eng);
	fds[1].events = POLLIN;
	fds[2].fd = winch_pipe[0];
	fds[2].events = POLLIN;
	fds[3].fd = c->act_pipe[0];
	fds[3].events = POLLIN;
	relayout(c);
	take_snapshot(c);
	next_tick = floor(wall_now()) + 1.0;
	while (!c->quit) {
		double w;
		int timeout, n;
		bool tick;

		if ((sig = term_take_signal(c->term)) != 0) {
			if (sig == SIGINT) {
				quit_asking(c);
			} else {
				c->exit_code = 128 + sig;
				break;
			}
			if (c->quit)
				break;
		}
		if (winch_flag)
			handle_resize(c);
		if (engine_generation(c->eng) != c->snap.generation)
			take_snapshot(c);
		if (c->dirty)
			render(c);
		/* Sleep to the next whole second: the clock and the ages move
		 * then, and nothing else does unless the engine or a key wakes us. */
		w = wall_now();
		timeout = (int)((next_tick - w) * 1000.0) + 1;
		n = poll(fds, 4, timeout < 0 ? 0 : timeout);
		if (n < 0 && errno != EINTR)
			break;
		/* The tick is due by the clock, not by a quiet poll: a busy
		 * engine (a fast demo) must not freeze the clock. */
		w = wall_now();
		tick = w >= next_tick;
		if (tick) {
			next_tick = floor(w) + 1.0;
			c->dirty |=
			    D_HEADER | D_STATUS | D_PANEL(LAYOUT_PHASES) | D_PANEL(LAYOUT_GAUGES);
			if (c->mode == MODE_DETAIL)
				c->dirty |= D_OVERLAY;
			if (c->mode == MODE_AUDIT)
				audit_fetch(c);
			if (c->mode == MODE_ROLLBACK)
				c->dirty |= D_OVERLAY;
			if (c->countdown) {
				banner_update(c);
				c->dirty |= D_CHROME | D_PANEL(LAYOUT_ROLLBACK);
			}
		}
		if (frame_trace_on())
			frame_trace_wake((tick ? FRAME_TICK : 0u) |
			                     (n > 0 && (fds[0].revents & POLLIN) ? FRAME_KEY : 0u) |
			                     (n > 0 && (fds[1].revents & POLLIN) ? FRAME_ENGINE : 0u) |
			                     (n > 0 && (fds[2].revents & POLLIN) ? FRAME_RESIZE : 0u) |
			                     (n > 0 && (fds[3].revents & POLLIN) ? FRAME_ACTION : 0u),
			                 mono_now());
		if (n <= 0)
			continue;
		if (fds[1].revents & POLLIN)
			engine_wakeup_drain(c->eng);
		if (fds[3].revents & POLLIN) {
			take_results(c);
			audit_take(c);
		}
		if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			if (fds[0].revents & (POLLHUP | POLLERR) && !(fds[0].revents & POLLIN)) {
				c->exit_code = 1; /* the terminal went away */
				break;
			}
			read_keys(c);
		}
	}
	return c->exit_code;
}

static int count_unresolved(void *ctx, const struct audit_row *r)
{
	struct console *c = ctx;

	if (c->unresolved++ == 0)
		snprintf(c->unresolved_text, sizeof(c->unresolved_text), "#%lld %s %s by %s",
		         (long long)r->id, r->kind ? r->kind : "?", r->target ? r->target : "",
		         r->operator_name ? r->operator_name : "?");
	return 0;
}

/* The action queue (its own executor and audit session).  Failing to make
 * it leaves the console watching, and the action keys say why. */
static int open_actions(struct console *c)
{
	struct actions_options ao = {0};
	struct cutover_err err = {0};
	char dir[PATH_MAX];
	const char *slash = strrchr(c->o.path, '/');

	c->fpend = calloc(c->rb->nflags + 1, sizeof(*c->fpend));
	c->fpend_on = calloc(c->rb->nflags + 1, sizeof(*c->fpend_on));
	if (!c->fpend || !c->fpend_on) {
		fprintf(stderr, "cutover: out of memory\n");
		return -1;
	}
	if (pipe(c->act_pipe) != 0) {
		fprintf(stderr, "cutover: cannot create a pipe: %s\n", strerror(errno));
		c->act_pipe[0] = c->act_pipe[1] = -1;
		return -1;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(c->act_pipe[i], F_SETFL, O_NONBLOCK);
		fcntl(c->act_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - c->o.path), c->o.path);
	else
		snprintf(dir, sizeof(dir), ".");
	ao.rb = c->rb;
	ao.profile = c->o.profile;
	ao.region = c->o.region;
	ao.audit_path = c->o.audit;
	ao.runbook_dir = dir[0] ? dir : "/";
	ao.operator_name = c->o.operator_name;
	ao.read_only = c->o.read_only;
	ao.ack = ack_engine;
	ao.ack_ctx = c->eng;
	if (action_queue_create(&ao, on_action_done, c, &c->aq, &err) != CUTOVER_OK)
		snprintf(c->aq_error, sizeof(c->aq_error), "%s", err.msg);
	/* The same resolution as the executor's (actions.c). */
	{
		char rbaudit[PATH_MAX];
		const char *rbp = NULL;

		if (c->rb->audit && c->rb->audit[0]) {
			if (c->rb->audit[0] == '/')
				snprintf(rbaudit, sizeof(rbaudit), "%s", c->rb->audit);
			else
				snprintf(rbaudit, sizeof(rbaudit), "%.2000s/%.2000s",
				         ao.runbook_dir, c->rb->audit);
			rbp = rbaudit;
		}
		if (audit_default_path(c->o.audit, rbp, c->rb->name, c->audit_path,
		                       sizeof(c->audit_path), &err) != CUTOVER_OK)
			c->audit_path[0] = '\0';
	}
	/* The audit page's reader; without it the page says why it is empty. */
	if (c->audit_path[0] &&
	    audit_reader_create(c->audit_path, on_audit_read, c, &c->ar, &err) != CUTOVER_OK)
		c->ar = NULL;
	/* Intents a crash left without an outcome: said at start, kept on the
	 * audit page.  Read here, on this thread, once: this is startup, before
	 * the first frame and the first key (as rollback_check_unfinished),
	 * not the main loop, which reads the log only through c->ar. */
	if (c->audit_path[0] &&
	    audit_unresolved(c->audit_path, count_unresolved, c, &err) != CUTOVER_OK)
		c->unresolved = 0;
	return 0;
}

/* The rollback worker: runner creation and auto-rollback off this thread.
 * Failing to make it leaves the console watching; R and m say why. */
static void open_rollback_worker(struct console *c)
{
	struct rollback_worker_options wo;
	struct cutover_err err = {0};
	char dir[PATH_MAX];
	const char *slash = strrchr(c->o.path, '/');
	size_t n;

	memset(&wo, 0, sizeof(wo));
	if (!c->audit_path[0]) {
		snprintf(c->rw_error, sizeof(c->rw_error),
		         "no audit log path (give --audit FILE or set CUTOVER_AUDIT)");
		return;
	}
	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - c->o.path), c->o.path);
	else
		snprintf(dir, sizeof(dir), ".");
	wo.runner.rb = c->rb;
	wo.runner.runbook_dir = dir[0] ? dir : "/";
	wo.runner.audit_path = c->o.audit;
	wo.runner.profile = c->o.profile;
	wo.runner.region = c->o.region;
	wo.runner.operator_name = c->o.operator_name;
	wo.runner.engine = c->eng;
	if (c->launch && c->launch->now) {
		wo.runner.now = c->launch->now;
		wo.runner.now_ctx = c->launch->now_ctx;
	}
	wo.runner.notify = rollback_notify;
	wo.runner.notify_ctx = c;
	wo.audit_path = c->audit_path;
	wo.read_only = c->o.read_only;
	wo.notify = rollback_notify;
	wo.notify_ctx = c;
	c->trig = calloc(c->rb->ngauges + 1, sizeof(*c->trig));
	if (!c->trig || rollback_worker_create(&wo, &c->rw, &err) != CUTOVER_OK) {
		snprintf(c->rw_error, sizeof(c->rw_error), "%.500s",
		         c->trig ? err.msg : "out of memory");
		return;
	}
	n = rollback_worker_views(c->rw, NULL, 0, NULL, NULL, 0);
	c->autos = calloc(n + 1, sizeof(*c->autos));
	if (c->autos) {
		c->nautos = n;
		rollback_worker_views(c->rw, c->autos, n, &c->autos_gen, NULL, 0);
	}
}

int console_run(int argc, char **argv, const struct cli_console_launch *launch)
{
	struct console *c = calloc(1, sizeof(*c));
	struct engine_options eo = {0};
	struct cutover_err err = {0};
	struct sigaction sa, old_winch;
	int rc;

	if (!c) {
		fprintf(stderr, "cutover: out of memory\n");
		return CLI_EXIT_FAIL;
	}
	c->launch = launch;
	c->act_pipe[0] = c->act_pipe[1] = -1;
	if ((rc = parse_opts(argc, argv, &c->o)) != 0) {
		free(c);
		return rc < 0 ? CLI_EXIT_OK : rc;
	}
	if ((rc = load_prefs(c)) != 0 || (rc = load_keymap(c)) != 0 || (rc = load_runbook(c)) != 0)
		goto out;
	/* A bad theme name is an error before the screen changes. */
	if (c->o.theme && load_theme(c, c->o.theme, &err) != CUTOVER_OK) {
		fprintf(stderr, "cutover: --theme %s: %s\n", c->o.theme, err.msg);
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	eo.profile = c->o.profile;
	eo.region = c->o.region;
	eo.read_only = c->o.read_only;
	if (launch) {
		eo.now = launch->now;
		eo.now_ctx = launch->now_ctx;
		eo.speed = launch->speed;
	}
	if (engine_create(c->rb, &eo, &c->eng, &err) != CUTOVER_OK) {
		fprintf(stderr, "cutover: %s\n", err.msg);
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	if (open_actions(c) != 0) {
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	open_rollback_worker(c);
	if (pipe(winch_pipe) != 0) {
		fprintf(stderr, "cutover: cannot create a pipe: %s\n", strerror(errno));
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	fcntl(winch_pipe[0], F_SETFL, O_NONBLOCK);
	fcntl(winch_pipe[1], F_SETFL, O_NONBLOCK);
	fcntl(winch_pipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(winch_pipe[1], F_SETFD, FD_CLOEXEC);
	if (term_create(&c->term, c->prefs.mouse, &err) != CUTOVER_OK) {
		fprintf(stderr, "cutover: %s\n", err.msg);
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	live_term = c->term;
	atexit(restore_at_exit);
	c->tflags = (c->o.ascii || (c->prefs.ascii == PREFS_AUTO && !term_utf8(c->term)))
	                ? SAFE_TEXT_ASCII
	                : 0;
	if (load_theme(c, c->o.theme, &err) != CUTOVER_OK)
		say(c, ROLE_WARN, "theme: %s", err.msg);
	rollback_check_unfinished(c);
	if (c->rb_notice[0]) {
		say(c, ROLE_WARN, "%s", c->rb_notice);
		c->message_until = mono_now() + 60.0;
	}
	if (c->unresolved > 0 && c->rb_notice[0]) {
		/* Both, short: the audit page lists the unknown ones. */
		say(c, ROLE_CRIT, "outcome unknown: verify %d action%s (L lists them); %s",
		    c->unresolved, c->unresolved == 1 ? "" : "s", c->rb_notice);
		c->message_until = mono_now() + 60.0;
	} else if (c->unresolved > 0) {
		say(c, ROLE_CRIT,
		    "outcome unknown: verify %d action%s (%s%s); L shows the audit log",
		    c->unresolved, c->unresolved == 1 ? "" : "s", c->unresolved_text,
		    c->unresolved > 1 ? ", ..." : "");
		c->message_until = mono_now() + 60.0;
	}
	nodelay(stdscr, TRUE);
	/* Ours after curses' own: the handler only notes it (and wakes poll). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_winch;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, &old_winch);
	/* Started after the terminal, so the pollers' first results find it. */
	if (engine_start(c->eng, &err) != CUTOVER_OK) {
		live_term = NULL;
		term_destroy(c->term);
		c->term = NULL;
		fprintf(stderr, "cutover: %s\n", err.msg);
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	frame_trace_start(getenv("CUTOVER_FRAME_TRACE"));
	rc = main_loop(c);
	engine_stop(c->eng);
	drop_windows(c);
	sigaction(SIGWINCH, &old_winch, NULL);
	live_term = NULL;
	term_destroy(c->term);
	c->term = NULL;
	if (!frame_trace_finish())
		fprintf(stderr, "cutover: cannot write the frame trace %s: %s\n",
		        getenv("CUTOVER_FRAME_TRACE"), strerror(errno));
out:
	/* Before the engine: the runner's gauge_ok reads it.  A run not
	 * ended stays resumable.  The worker first: a runner it made and
	 * never handed over is stopped with it. */
	rollback_worker_destroy(c->rw);
	free(c->autos);
	free(c->trig);
	rollback_runner_destroy(c->rr);
	if (c->rsnap_ok)
		rollback_snapshot_free(&c->rsnap);
	/* Before the engine: an acknowledgement in flight calls into it. */
	action_queue_destroy(c->aq, 3000);
	audit_reader_destroy(c->ar); /* before the pipe its thread writes */
	for (int i = 0; i < 2; i++)
		if (c->act_pipe[i] >= 0)
			close(c->act_pipe[i]);
	free(c->fpend);
	free(c->fpend_on);
	engine_destroy(c->eng);
	engine_snapshot_free(&c->snap);
	pager_free(&c->pager);
	runbook_destroy(c->rb);
	for (int i = 0; i < 2; i++)
		if (winch_pipe[i] >= 0) {
			close(winch_pipe[i]);
			winch_pipe[i] = -1;
		}
	free(c);
	return rc;
}
