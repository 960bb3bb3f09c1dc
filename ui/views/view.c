/* view.c: the five list panels (phases, gauges, flags, rollback, events)
 * as view_ops over an engine snapshot, built from the row widgets.  Every
 * remote string reaches the screen through the widgets or draw_text, which
 * escape control characters (safe_text). */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cutover/ring.h"
#include "draw.h"
#include "flag_row.h"
#include "fmt.h"
#include "gauge_row.h"
#include "glyph.h"
#include "phase_row.h"
#include "safe_text.h"
#include "view.h"

#define ROW_MAX 512 /* cells in one row: wider panels are clipped */

/* --- shared helpers ------------------------------------------------------- */

bool view_match(const char *text, const char *filter)
{
	size_t n;

	if (!filter || !*filter)
		return true;
	if (!text)
		return false;
	n = strlen(filter);
	for (const char *p = text; *p; p++)
		if (strncasecmp(p, filter, n) == 0)
			return true;
	return false;
}

const char *view_short_name(const char *arn)
{
	const char *slash;

	if (!arn)
		return NULL;
	slash = strrchr(arn, '/');
	if (slash && slash[1])
		return slash + 1;
	slash = strrchr(arn, ':');
	return slash && slash[1] ? slash + 1 : arn;
}

char *view_gauge_value(const struct engine_gauge_view *g, char *buf, size_t cap)
{
	if (g->def->kind == RUNBOOK_GAUGE_ALARM) {
		snprintf(buf, cap, "%s",
		         g->state == GAUGE_NODATA ? "no data"
		         : g->state == GAUGE_OK   ? "OK"
		                                  : "ALARM");
		return buf;
	}
	return fmt_value(buf, cap, g->value, g->def->unit);
}

const char *view_flag_value(const struct engine_flag_view *f, char *buf, size_t cap)
{
	if (!f->present)
		return f->value ? "(missing)" : NULL;
	if (!f->value)
		return NULL;
	switch (f->def->type) {
	case RUNBOOK_FLAG_BOOL:
		if (strcmp(f->value, "true") == 0)
			return "ON";
		if (strcmp(f->value, "false") == 0)
			return "OFF";
		break;
	case RUNBOOK_FLAG_PERCENT:
		snprintf(buf, cap, "%s%%", f->value);
		return buf;
	default:
		break;
	}
	return f->value;
}

/* Roles a selected row recolours; state colours stay. */
static void select_cells(struct cell *c, int n)
{
	for (int i = 0; i < n; i++)
		if (c[i].role == ROLE_NORMAL || c[i].role == ROLE_DIM || c[i].role == ROLE_HEADER ||
		    c[i].role == ROLE_PENDING || c[i].role == ROLE_HINT)
			c[i].role = ROLE_SELECTED;
}

/* A row of cells at y with the selection marker in column 0. */
static void put_row(WINDOW *w, const struct view_ctx *v, int y, struct cell *cells, int n,
                    bool selected)
{
	struct cell mark;
	bool ascii = v->tflags & SAFE_TEXT_ASCII;

	if (selected && v->focused) {
		cell_set(&mark, ascii ? ">" : "\xe2\x96\xb8", ROLE_SELECTED); /* ▸ */
		select_cells(cells, n);
	} else {
		cell_set(&mark, " ", ROLE_NORMAL);
	}
	draw_cells(w, y, 0, &mark, 1, v->pal);
	draw_cells(w, y, 1, cells, n, v->pal);
}

static int row_width(WINDOW *w)
{
	int n = getmaxx(w) - 1;

	return n > ROW_MAX ? ROW_MAX : n;
}

static void empty_text(WINDOW *w, const struct view_ctx *v, const char *text)
{
	if (getmaxy(w) > 0)
		draw_text(w, 0, 1, getmaxx(w) - 1, text, ROLE_DIM, v->pal, v->tflags);
}

/* --- phases ---------------------------------------------------------------- */

static bool phase_shown(const struct view_ctx *v, size_t i)
{
	const struct engine_phase_view *p = &v->snap->phases[i];

	return view_match(p->def->title, v->filter) || view_match(p->def->id, v->filter);
}

static bool gauge_shown(const struct view_ctx *v, size_t i)
{
	const struct engine_gauge_view *g = &v->snap->gauges[i];

	return view_match(g->def->title, v->filter) || view_match(g->def->id, v->filter);
}

static bool flag_shown(const struct view_ctx *v, size_t i)
{
	const struct engine_flag_view *f = &v->snap->flags[i];

	return view_match(f->def->id, v->filter) || view_match(f->def->ssm, v->filter) ||
	       view_match(f->value, v->filter);
}

int view_row_index(enum layout_panel p, const struct view_ctx *v, int row)
{
	size_t n;
	bool (*shown)(const struct view_ctx *, size_t);

	switch (p) {
	case LAYOUT_PHASES:
		n = v->snap->nphases;
		shown = phase_shown;
		break;
	case LAYOUT_GAUGES:
		n = v->snap->ngauges;
		shown = gauge_shown;
		break;
	case LAYOUT_FLAGS:
		n = v->snap->nflags;
		shown = flag_shown;
		break;
	default:
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (shown(v, i) && row-- == 0)
			return (int)i;
	return -1;
}

static int count_shown(const struct view_ctx *v, size_t n,
                       bool (*shown)(const struct view_ctx *, size_t))
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c += shown(v, i);
	return c;
}

static int phases_rows(const struct view_ctx *v)
{
	return count_shown(v, v->snap->nphases, phase_shown);
}

static void phases_title(const struct view_ctx *v, char *buf, size_t cap)
{
	size_t done = 0;

	for (size_t i = 0; i < v->snap->nphases; i++)
		done += v->snap->phases[i].status == PHASE_SUCCEEDED;
	snprintf(buf, cap, "Phases %zu/%zu", done, v->snap->nphases);
}

static enum glyph_id phase_glyph(const struct engine_phase_view *p)
{
	switch (p->status) {
	case PHASE_PENDING:
		return GLYPH_PHASE_PENDING;
	case PHASE_RUNNING:
		return p->stuck ? GLYPH_PHASE_STUCK : GLYPH_PHASE_RUNNING;
	case PHASE_WAITING:
		return GLYPH_PHASE_WAITING;
	case PHASE_SUCCEEDED:
		return GLYPH_PHASE_SUCCEEDED;
	case PHASE_FAILED:
		return GLYPH_PHASE_FAILED;
	case PHASE_ABORTED:
		return GLYPH_PHASE_ABORTED;
	default:
		return GLYPH_PHASE_PENDING;
	}
}

/* The first key bound to action, as text, or NULL. */
static const char *first_key(const struct keymap *km, enum key_action a, char *buf, size_t cap)
{
	char *comma;

	keymap_keys_text(km, a, ",", buf, cap);
	comma = strchr(buf, ',');
	if (comma)
		*comma = '\0';
	return buf[0] ? buf : NULL;
}

static void phases_draw(WINDOW *w, const struct view_ctx *v, int top, int sel)
{
	const struct engine_snapshot *s = v->snap;
	int y = 0, row = 0, width = row_width(w), h = getmaxy(w);
	struct cell cells[ROW_MAX];

	if (s->nphases == 0) {
		empty_text(w, v, "This runbook has no phases.");
		return;
	}
	for (size_t i = 0; i < s->nphases && y < h; i++) {
		const struct engine_phase_view *p = &s->phases[i];
		char detail[512], dur[32], ak[32], rk[32];
		struct phase_row pr = {0};
		double live = p->status == PHASE_RUNNING || p->status == PHASE_WAITING
		                  ? v->now - s->taken
		                  : 0;

		if (!phase_shown(v, i))
			continue;
		if (row++ < top)
			continue;
		pr.number = (int)i + 1;
		pr.title = p->def->title;
		pr.state = phase_glyph(p);
		pr.elapsed_s =
		    p->status == PHASE_PENDING ? NAN : p->elapsed_s + (live > 0 ? live : 0);
		pr.estimate_s = p->estimate_s > 0 ? p->estimate_s : NAN;
		pr.detail = NULL;
		if (p->status == PHASE_RUNNING && p->current_state) {
			/* state_since is 0 between two states: no time to show */
			snprintf(detail, sizeof(detail), "%s%s%s%s", p->current_state,
			         p->state_since > 0 ? " " : "",
			         p->state_since > 0 ? fmt_duration(dur, sizeof(dur),
			                                           v->now - p->state_since, v->tflags)
			                            : "",
			         p->stuck ? " (stuck?)" : "");
			pr.detail = detail;
		} else if (p->status == PHASE_WAITING) {
			/* The keys are offered once approving works (not KEYS_LATER). */
			if (!(key_action_flags(ACT_APPROVE) & KEYS_LATER)) {
				pr.approve_key = first_key(v->km, ACT_APPROVE, ak, sizeof(ak));
				pr.reject_key = first_key(v->km, ACT_REJECT, rk, sizeof(rk));
			}
			if (!pr.approve_key) {
				snprintf(detail, sizeof(detail), "approval waiting: %s",
				         p->current_state ? p->current_state : "");
				pr.detail = detail;
			}
		} else if ((p->status == PHASE_FAILED || p->status == PHASE_ABORTED) &&
		           (p->error || p->cause)) {
			snprintf(detail, sizeof(detail), "%s%s%s", p->error ? p->error : "",
			         p->error && p->cause ? ": " : "", p->cause ? p->cause : "");
			pr.detail = detail;
		}
		phase_row_render(&pr, width, v->tflags, cells);
		put_row(w, v, y++, cells, width, row - 1 == sel);
	}
}

/* --- gauges ---------------------------------------------------------------- */

static int gauges_rows(const struct view_ctx *v)
{
	return count_shown(v, v->snap->ngauges, gauge_shown);
}

static void gauges_title(const struct view_ctx *v, char *buf, size_t cap)
{
	size_t bad = 0;

	for (size_t i = 0; i < v->snap->ngauges; i++)
		bad += v->snap->gauges[i].state >= GAUGE_WARN;
	if (bad)
		snprintf(buf, cap, "Gauges %zu/%zu not ok", bad, v->snap->ngauges);
	else
		snprintf(buf, cap, "Gauges %zu", v->snap->ngauges);
}

static enum glyph_id gauge_glyph(enum gauge_state st)
{
	switch (st) {
	case GAUGE_OK:
		return GLYPH_GAUGE_OK;
	case GAUGE_WARN:
		return GLYPH_GAUGE_WARN;
	case GAUGE_CRITICAL:
		return GLYPH_GAUGE_CRITICAL;
	case GAUGE_TRIGGERED:
		return GLYPH_GAUGE_TRIGGERED;
	default:
		return GLYPH_GAUGE_NODATA;
	}
}

static enum runbook_source gauge_source(const struct runbook_gauge *g)
{
	switch (g->kind) {
	case RUNBOOK_GAUGE_ALARM:
		return RUNBOOK_SRC_ALARMS;
	case RUNBOOK_GAUGE_HTTP:
		return RUNBOOK_SRC_HEALTH;
	default:
		return RUNBOOK_SRC_METRICS;
	}
}

/* The bar's scale: zero to a little past the highest mark or value. */
static void gauge_scale(const struct engine_gauge_view *g, double *lo, double *hi)
{
	double m = 0;

	if (g->has_trigger)
		m = fmax(m, g->trigger);
	if (g->has_critical)
		m = fmax(m, g->critical);
	if (g->has_warn)
		m = fmax(m, g->warn);
	for (size_t i = 0; i < g->nhistory; i++)
		if (isfinite(g->history[i]))
			m = fmax(m, g->history[i]);
	if (isfinite(g->value))
		m = fmax(m, g->value);
	*lo = 0;
	*hi = m > 0 ? m * 1.2 : 1;
	if (strcmp(g->def->unit, "%") == 0 && m <= 100 && g->def->direction == RUNBOOK_BELOW)
		*hi = 100;
}

const struct rollback_auto_view *view_auto_of(const struct view_ctx *v,
                                              const struct runbook_gauge *g)
{
	for (size_t i = 0; v->autos && i < v->nautos; i++)
		if (v->autos[i].gauge == g)
			return &v->autos[i];
	return NULL;
}

bool view_auto_counting(const struct rollback_auto_view *a, double *deadline)
{
	if (a->counting || a->remote) {
		*deadline = a->counting ? a->deadline : a->remote_deadline;
		return true;
	}
	*deadline = 0;
	return false;
}

static void countdown_text(double left, char *buf, size_t cap)
{
	int s = left > 0 ? (left < 359999 ? (int)ceil(left) : 359999) : 0;

	snprintf(buf, cap, "%d:%02d", s / 60, s % 60);
}

void view_auto_text(const struct rollback_auto_view *a, double wall, unsigned tflags, char *buf,
                    size_t cap)
{
	const char *dot = tflags & SAFE_TEXT_ASCII ? "-" : "\xc2\xb7";
	char left[32];
	double deadline;

	if (view_auto_counting(a, &deadline)) {
		countdown_text(deadline - wall, left, sizeof(left));
		if (a->remote)
			snprintf(buf, cap, "AUTO-ROLLBACK in %s (plan %s, counted by pid %ld on %s)",
			         left, a->gauge->trigger.plan ? a->gauge->trigger.plan->id : "-",
			         a->remote_pid, a->remote_host);
		else
			snprintf(buf, cap, "AUTO-ROLLBACK in %s (plan %s)", left,
			         a->gauge->trigger.plan ? a->gauge->trigger.plan->id : "-");
	} else if (a->fired) {
		snprintf(buf, cap, "auto fired %s plan %s started", dot,
		         a->gauge->trigger.plan ? a->gauge->trigger.plan->id : "-");
	} else if (a->armed && a->cancelled) {
		snprintf(buf, cap, "auto armed by %s %s countdown cancelled by %s", a->armed_by, dot,
		         a->cancelled_by[0] ? a->cancelled_by : "?");
	} else if (a->armed) {
		snprintf(buf, cap, "auto armed by %s %s %us", a->armed_by, dot,
		         a->gauge->trigger.auto_countdown_s);
	} else {
		snprintf(buf, cap, "auto off");
	}
}

static void gauges_draw(WINDOW *w, const struct view_ctx *v, int top, int sel)
{
	const struct engine_snapshot *s = v->snap;
	int y = 0, row = 0, width = row_width(w), h = getmaxy(w);
	struct cell cells[ROW_MAX];

	if (s->ngauges == 0) {
		empty_text(w, v, "This runbook has no gauges.");
		return;
	}
	for (size_t i = 0; i < s->ngauges && y < h; i++) {
		const struct engine_gauge_view *g = &s->gauges[i];
		struct gauge_row gr = {0};
		struct ring ring;
		double lo, hi;

		if (!gauge_shown(v, i))
			continue;
		if (row++ < top)
			continue;
		ring_clear(&ring);
		for (size_t k = 0; k < g->nhistory; k++)
			ring_push(&ring, g->history[k]);
		gauge_scale(g, &lo, &hi);
		gr.title = g->def->title;
		gr.value = g->def->kind == RUNBOOK_GAUGE_ALARM ? NAN : g->value;
		gr.unit = g->def->unit;
		gr.min = lo;
		gr.max = hi;
		gr.warn = g->has_warn ? g->warn : NAN;
		gr.critical = g->has_trigger ? g->trigger : g->has_critical ? g->critical : NAN;
		gr.history = g->def->kind == RUNBOOK_GAUGE_ALARM ? NULL : &ring;
		gr.state = gauge_glyph(g->state);
		gr.held_s = g->since > 0 ? v->now - g->since : NAN;
		/* stale as of now, not as of the snapshot: a source whose
		 * calls hang publishes nothing, yet its data ages */
		gr.stale = engine_source_is_stale(&s->sources[gauge_source(g->def)], v->now);
		{
			const struct rollback_auto_view *a = view_auto_of(v, g->def);
			char badge[64], left[32];
			double deadline;

			if (a && view_auto_counting(a, &deadline)) {
				countdown_text(deadline - v->wall, left, sizeof(left));
				snprintf(badge, sizeof(badge), "AUTO %s", left);
				gr.badge_role = ROLE_TRIGGERED;
			} else if (a && a->armed) {
				snprintf(badge, sizeof(badge), "auto armed");
				gr.badge_role = ROLE_WARN;
			} else {
				snprintf(badge, sizeof(badge), "auto off");
				gr.badge_role = ROLE_DIM;
			}
			/* Rows without one keep the columns aligned. */
			gr.badge = a ? badge : v->nautos ? "" : NULL;
			gauge_row_render(&gr, width, v->tflags, cells);
		}
		put_row(w, v, y++, cells, width, row - 1 == sel);
	}
}

/* --- flags ----------------------------------------------------------------- */

static int flags_rows(const struct view_ctx *v)
{
	return count_shown(v, v->snap->nflags, flag_shown);
}

static void flags_title(const struct view_ctx *v, char *buf, size_t cap)
{
	snprintf(buf, cap, "Flags %zu", v->snap->nflags);
}

static void flags_draw(WINDOW *w, const struct view_ctx *v, int top, int sel)
{
	const struct engine_snapshot *s = v->snap;
	int y = 0, row = 0, width = row_width(w), h = getmaxy(w);
	struct cell cells[ROW_MAX];

	if (s->nflags == 0) {
		empty_text(w, v, "This runbook has no flags.");
		return;
	}
	for (size_t i = 0; i < s->nflags && y < h; i++) {
		const struct engine_flag_view *f = &s->flags[i];
		struct flag_row fr = {0};
		char val[128];

		if (!flag_shown(v, i))
			continue;
		if (row++ < top)
			continue;
		fr.name = f->def->id;
		fr.value = view_flag_value(f, val, sizeof(val));
		fr.value_role = f->present ? ROLE_NORMAL : ROLE_WARN;
		fr.version = f->present ? (long)f->version : -1;
		fr.modified_by = view_short_name(f->last_modified_user);
		fr.dangerous = f->def->dangerous;
		fr.pending = v->flag_pending && v->flag_pending[i];
		fr.stale = engine_source_is_stale(&s->sources[RUNBOOK_SRC_FLAGS], v->now);
		flag_row_render(&fr, width, v->tflags, cells);
		put_row(w, v, y++, cells, width, row - 1 == sel);
	}
}

/* --- rollback ------------------------------------------------------------- */

const struct runbook_plan *view_recommended_plan(const struct engine_snapshot *s, char *why,
                                                 size_t cap)
{
	for (size_t i = 0; i < s->ntriggers; i++) {
		const struct engine_trigger_view *t = &s->triggers[i];
		const struct runbook_gauge *g = s->gauges[t->gauge].def;

		if (t->active && g->has_trigger && g->trigger.plan) {
			snprintf(why, cap, "recommended: %s triggered", g->title);
			return g->trigger.plan;
		}
	}
	for (size_t i = 0; i < s->nphases; i++) {
		const struct engine_phase_view *p = &s->phases[i];

		if ((p->status == PHASE_RUNNING || p->status == PHASE_WAITING ||
		     p->status == PHASE_FAILED) &&
		    p->def->rollback) {
			snprintf(why, cap, "current phase %zu: %s", i + 1, p->def->title);
			return p->def->rollback;
		}
	}
	why[0] = '\0';
	return NULL;
}

/* Lines of the rollback panel, built into a caller buffer per draw. */
struct rb_line {
	char text[384];
	enum theme_role role;
};

static const struct runbook_plan *plan_in_view(const struct view_ctx *v, const struct runbook *rb,
                                               char *why, size_t cap)
{
	const struct runbook_plan *p = view_recommended_plan(v->snap, why, cap);

	if (p || !rb || rb->nplans == 0)
		return p;
	p = runbook_plan_find(rb, "full");
	snprintf(why, cap, "%s", p ? "the full plan" : "the first plan");
	return p ? p : &rb->plans[0];
}

static void step_text(const struct runbook_step *st, char *buf, size_t cap)
{
	switch (st->kind) {
	case RUNBOOK_STEP_FLAG:
		snprintf(buf, cap, "flag %s = %s", st->flag.flag ? st->flag.flag->id : "?",
		         st->flag.value ? st->flag.value : "");
		break;
	case RUNBOOK_STEP_SFN_START:
		snprintf(buf, cap, "start %s", view_short_name(st->sfn_start.state_machine_arn));
		break;
	case RUNBOOK_STEP_SFN_STOP:
		snprintf(buf, cap, "stop %s",
		         st->sfn_stop.execution ? st->sfn_stop.execution->id
		                                : view_short_name(st->sfn_stop.execution_arn));
		break;
	case RUNBOOK_STEP_EXEC:
		snprintf(buf, cap, "run %s",
		         st->exec.argv && st->exec.argv[0] ? st->exec.argv[0] : "?");
		break;
	case RUNBOOK_STEP_HTTP:
		snprintf(buf, cap, "check %s", st->http.url);
		break;
	case RUNBOOK_STEP_GAUGE_OK:
		snprintf(buf, cap, "wait for %s ok",
		         st->gauge_ok.gauge ? st->gauge_ok.gauge->id : "?");
		break;
	case RUNBOOK_STEP_WAIT:
		snprintf(buf, cap, "wait %us", st->wait.seconds);
		break;
	case RUNBOOK_STEP_MANUAL:
		snprintf(buf, cap, "manual");
		break;
	default:
		buf[0] = '\0';
	}
}

static size_t add_line(struct rb_line *l, size_t n, size_t cap, enum theme_role role,
                       const char *fmt, ...) CUTOVER_PRINTF(5, 6);

static size_t add_line(struct rb_line *l, size_t n, size_t cap, enum theme_role role,
                       const char *fmt, ...)
{
	va_list ap;

	if (n >= cap)
		return n;
	va_start(ap, fmt);
	vsnprintf(l[n].text, sizeof(l[n].text), fmt, ap);
	va_end(ap);
	l[n].role = role;
	return n + 1;
}

#define RB_LINES 256

static size_t plan_steps(struct rb_line *l, size_t n, const struct runbook_plan *p, int depth)
{
	char what[256];

	if (p->sequence) {
		for (size_t i = 0; i < p->nsequence && depth < 4; i++) {
			n = add_line(l, n, RB_LINES, ROLE_TITLE, "%*s%zu. %s (%u min)", depth * 2,
			             "", i + 1, p->sequence[i]->title,
			             p->sequence[i]->estimate_min);
			n = plan_steps(l, n, p->sequence[i], depth + 1);
		}
		return n;
	}
	for (size_t i = 0; i < p->nsteps; i++) {
		step_text(&p->steps[i], what, sizeof(what));
		n = add_line(l, n, RB_LINES, ROLE_NORMAL, "%*s%zu. %s", depth * 2, "", i + 1,
		             p->steps[i].title);
		if (what[0])
			n = add_line(l, n, RB_LINES, ROLE_DIM, "%*s   %s", depth * 2, "", what);
	}
	return n;
}

static size_t rollback_lines(const struct view_ctx *v, struct rb_line *l)
{
	const struct runbook *rb = v->rb;
	const struct runbook_plan *p;
	char why[256], key[32];
	size_t n = 0;

	p = plan_in_view(v, rb, why, sizeof(why));
	if (!p)
		return add_line(l, n, RB_LINES, ROLE_DIM, "This runbook has no rollback plan.");
	n = add_line(l, n, RB_LINES, ROLE_TITLE, "plan: %s (%zu %s, ~%u min)", p->title,
	             p->sequence ? p->nsequence : p->nsteps,
	             p->sequence      ? "plans"
	             : p->nsteps == 1 ? "step"
	                              : "steps",
	             p->estimate_min);
	n = add_line(l, n, RB_LINES, ROLE_DIM, "%s", why);
	if (first_key(v->km, ACT_ROLLBACK, key, sizeof(key)))
		n = add_line(l, n, RB_LINES, ROLE_HINT, "[%s] open the rollback view to run it",
		             key);
	/* The gauges whose trigger recommends this plan. */
	for (size_t i = 0; i < v->snap->ngauges; i++) {
		const struct runbook_gauge *g = v->snap->gauges[i].def;
		char th[64];

		if (!g->has_trigger || g->trigger.plan != p)
			continue;
		if (g->trigger.has_threshold)
			snprintf(th, sizeof(th), "%s %g%s",
			         g->trigger.direction == RUNBOOK_ABOVE ? ">" : "<",
			         g->trigger.threshold, g->unit);
		else
			snprintf(th, sizeof(th), "%s",
			         g->kind == RUNBOOK_GAUGE_ALARM ? "in ALARM" : "failing");
		n = add_line(l, n, RB_LINES,
		             v->snap->gauges[i].state == GAUGE_TRIGGERED ? ROLE_TRIGGERED
		                                                         : ROLE_NORMAL,
		             "trigger: %s %s x%u", g->title, th, g->trigger.for_n);
	}
	/* Every auto trigger, armed or not: always in sight. */
	for (size_t i = 0; v->autos && i < v->nautos; i++) {
		const struct rollback_auto_view *a = &v->autos[i];
		char text[400];

		view_auto_text(a, v->wall, v->tflags, text, sizeof(text));
		n = add_line(l, n, RB_LINES,
		             a->counting || a->remote ? ROLE_TRIGGERED
		             : a->armed  ? ROLE_WARN
		                         : ROLE_DIM,
		             "%s: %s", a->gauge->title, text);
	}
	if (v->nautos && first_key(v->km, ACT_AUTO_ARM, key, sizeof(key)))
		n = add_line(l, n, RB_LINES, ROLE_HINT,
		             "[%s] on a gauge (2) arms or disarms its auto-rollback", key);
	n = add_line(l, n, RB_LINES, ROLE_NORMAL, "%s", "");
	n = plan_steps(l, n, p, 0);
	if (p->nverify) {
		n = add_line(l, n, RB_LINES, ROLE_TITLE, "verify:");
		for (size_t i = 0; i < p->nverify; i++)
			n = add_line(l, n, RB_LINES, ROLE_NORMAL, "  %s %s",
			             v->tflags & SAFE_TEXT_ASCII ? "[ ]" : "\xe2\x98\x90",
			             p->verify[i]);
	}
	return n;
}

static int rollback_rows(const struct view_ctx *v)
{
	static struct rb_line lines[RB_LINES];

	return (int)rollback_lines(v, lines);
}

static void rollback_title(const struct view_ctx *v, char *buf, size_t cap)
{
	char why[128];
	const struct runbook_plan *p = view_recommended_plan(v->snap, why, sizeof(why));

	snprintf(buf, cap, "Rollback%s%s", p ? " \xc2\xb7 " : "", p ? p->id : "");
	if (v->tflags & SAFE_TEXT_ASCII && p)
		snprintf(buf, cap, "Rollback - %s", p->id);
}

static void lines_draw(WINDOW *w, const struct view_ctx *v, const struct rb_line *l, size_t n,
                       int top, int sel)
{
	int h = getmaxy(w), width = getmaxx(w) - 1;
	struct cell mark;

	for (int y = 0; y < h && top + y < (int)n; y++) {
		bool s = v->focused && top + y == sel;

		cell_set(&mark, s ? (v->tflags & SAFE_TEXT_ASCII ? ">" : "\xe2\x96\xb8") : " ",
		         s ? ROLE_SELECTED : ROLE_NORMAL);
		draw_cells(w, y, 0, &mark, 1, v->pal);
		draw_text(w, y, 1, width, l[top + y].text, s ? ROLE_SELECTED : l[top + y].role,
		          v->pal, v->tflags);
	}
}

static void rollback_draw(WINDOW *w, const struct view_ctx *v, int top, int sel)
{
	static struct rb_line lines[RB_LINES];
	size_t n = rollback_lines(v, lines);

	lines_draw(w, v, lines, n, top, sel);
}

/* --- events ----------------------------------------------------------------- */

struct ev_ref {
	const struct engine_event_view *ev;
	const struct engine_execution_view *ex;
};

static int ev_cmp(const void *a, const void *b)
{
	const struct ev_ref *x = a, *y = b;

	if (x->ev->ts != y->ev->ts)
		return x->ev->ts < y->ev->ts ? 1 : -1;
	return x->ev->id < y->ev->id ? 1 : x->ev->id > y->ev->id ? -1 : 0;
}

#define EV_MAX 256

static size_t events_collect(const struct view_ctx *v, struct ev_ref *out)
{
	size_t n = 0;

	for (size_t i = 0; i < v->snap->nexecutions; i++) {
		const struct engine_execution_view *x = &v->snap->executions[i];

		for (size_t k = 0; k < x->nevents && n < EV_MAX; k++) {
			const struct engine_event_view *e = &x->events[k];

			if (!view_match(e->type, v->filter) && !view_match(e->state, v->filter) &&
			    !view_match(x->def->title, v->filter))
				continue;
			out[n].ev = e;
			out[n].ex = x;
			n++;
		}
	}
	qsort(out, n, sizeof(*out), ev_cmp);
	return n;
}

static int events_rows(const struct view_ctx *v)
{
	static struct ev_ref refs[EV_MAX];

	return (int)events_collect(v, refs);
}

static void events_title(const struct view_ctx *v, char *buf, size_t cap)
{
	(void)v;
	snprintf(buf, cap, "Events");
}

static void events_draw(WINDOW *w, const struct view_ctx *v, int top, int sel)
{
	static struct ev_ref refs[EV_MAX];
	static struct rb_line lines[EV_MAX];
	size_t n = events_collect(v, refs);

	if (n == 0) {
		empty_text(w, v, "No execution events yet.");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct engine_event_view *e = refs[i].ev;
		char clock[16];
		bool bad = e->error || strstr(e->type, "Failed") || strstr(e->type, "Aborted") ||
		           strstr(e->type, "TimedOut");

		fmt_clock(clock, sizeof(clock), (time_t)e->ts, v->utc);
		snprintf(lines[i].text, sizeof(lines[i].text), "%s  %-10.10s %-28s %s%s%s", clock,
		         refs[i].ex->def->title, e->type, e->state ? e->state : "",
		         e->error ? " " : "", e->error ? e->error : "");
		lines[i].role = bad ? ROLE_CRIT : ROLE_NORMAL;
	}
	lines_draw(w, v, lines, n, top, sel);
}

/* --- the table ------------------------------------------------------------- */

static const struct view_ops phases_ops = {"phases", phases_rows, phases_title, phases_draw};
static const struct view_ops gauges_ops = {"gauges", gauges_rows, gauges_title, gauges_draw};
static const struct view_ops flags_ops = {"flags", flags_rows, flags_title, flags_draw};
static const struct view_ops rollback_ops = {"rollback", rollback_rows, rollback_title,
                                             rollback_draw};
static const struct view_ops events_ops = {"events", events_rows, events_title, events_draw};

const struct view_ops *const view_panels[LAYOUT_PANEL_COUNT] = {
    &phases_ops, &gauges_ops, &flags_ops, &rollback_ops, &events_ops,
};

/* --- the alert banner's text ------------------------------------------------ */

const char *view_banner_text(const struct engine_snapshot *s, char *buf, size_t cap)
{
	const struct engine_trigger_view *first = NULL;
	size_t more = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->ntriggers; i++) {
		if (s->triggers[i].acknowledged)
			continue;
		if (!first)
			first = &s->triggers[i];
		else
			more++;
	}
	if (!first)
		return NULL;
	{
		const struct engine_gauge_view *g = &s->gauges[first->gauge];
		const struct runbook_trigger *t = &g->def->trigger;
		char val[64], th[64] = "";

		view_gauge_value(g, val, sizeof(val));
		if (t->has_threshold)
			snprintf(th, sizeof(th), " %s %g%s",
			         t->direction == RUNBOOK_ABOVE ? ">" : "<", t->threshold,
			         g->def->unit);
		snprintf(buf, cap, "TRIGGERED %s %s%s for %u %s%s%s%s%s", g->def->title, val, th,
		         t->for_n, t->for_n == 1 ? "datapoint" : "datapoints",
		         first->plan_id ? " - plan: " : "", first->plan_id ? first->plan_id : "",
		         first->active ? "" : " (recovered)", more ? " (+ more)" : "");
		return first->gauge_id;
	}
}
