/* detail.c: the phase detail (detail.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "detail.h"
#include "fmt.h"
#include "glyph.h"
#include "safe_text.h"
#include "table.h"

#define TRY(x)                                                                                     \
	do {                                                                                       \
		if ((st = (x)) != CUTOVER_OK)                                                      \
			goto out;                                                                  \
	} while (0)

static bool utc_clock; /* set per build from the view; main thread only */

static const char *clock_of(double ts, char *buf, size_t cap)
{
	if (!(ts > 0))
		return "-";
	return fmt_clock(buf, cap, (time_t)ts, utc_clock);
}

#define TABLE_CELLS 1024

/* One table row (or the header when text is NULL) as a pager line: the
 * table module lays the columns out for the width; the pager keeps the
 * row's role. */
static enum cutover_status table_line(struct pager *pg, const struct table_col *cols, size_t n,
                                      int width, const char *const *text, enum theme_role role,
                                      unsigned tflags)
{
	static struct cell cells[TABLE_CELLS];
	static char utf8[TABLE_CELLS * 8];
	int widths[TABLE_MAX_COLS];

	if (width > TABLE_CELLS)
		width = TABLE_CELLS;
	table_layout(cols, n, width, widths);
	if (text)
		table_row_render(cols, widths, n, text, NULL, width, tflags, cells);
	else
		table_header_render(cols, widths, n, width, tflags, cells);
	cells_utf8(cells, width, utf8, sizeof(utf8));
	return pager_add(pg, text ? role : ROLE_TITLE, "  %s", utf8);
}

static const struct table_col event_cols[] = {
    {"TIME", 8, 8, 0, TABLE_LEFT, 0},    {"ID", 4, 6, 0, TABLE_RIGHT, 3},
    {"EVENT", 16, 32, 2, TABLE_LEFT, 0}, {"STATE", 10, 40, 2, TABLE_LEFT, 0},
    {"ERROR", 8, 0, 3, TABLE_LEFT, 1},
};

static const struct table_col job_cols[] = {
    {"NAME", 12, 0, 3, TABLE_LEFT, 0},   {"STATUS", 9, 10, 0, TABLE_LEFT, 0},
    {"STARTED", 8, 8, 0, TABLE_LEFT, 2}, {"STOPPED", 8, 8, 0, TABLE_LEFT, 1},
    {"TOOK", 6, 8, 0, TABLE_RIGHT, 3},
};

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

static const struct engine_execution_view *execution_of(const struct engine_snapshot *s,
                                                        const struct engine_phase_view *p)
{
	for (size_t i = 0; i < s->nexecutions; i++)
		if (s->executions[i].def == p->def->execution)
			return &s->executions[i];
	return NULL;
}

enum cutover_status detail_phase(struct pager *pg, const struct view_ctx *v, size_t phase,
                                 int width)
{
	const struct engine_snapshot *s = v->snap;
	const struct engine_phase_view *p;
	const struct engine_execution_view *x;
	enum cutover_status st = CUTOVER_OK;
	char a[32], b[32], c[32];
	double live;

	pager_clear(pg);
	utc_clock = v->utc;
	if (phase >= s->nphases)
		return pager_add(pg, ROLE_DIM, "This phase is no longer in the runbook.");
	p = &s->phases[phase];
	x = execution_of(s, p);
	live = (p->status == PHASE_RUNNING || p->status == PHASE_WAITING) ? v->now - s->taken : 0;
	snprintf(pg->title, sizeof(pg->title), "Phase %zu \xc2\xb7 %s", phase + 1, p->def->title);
	TRY(pager_add(pg, ROLE_TITLE, "Phase %zu: %s  (%s)", phase + 1, p->def->title, p->def->id));
	TRY(pager_add(pg,
	              p->status == PHASE_FAILED      ? ROLE_CRIT
	              : p->status == PHASE_SUCCEEDED ? ROLE_OK
	                                             : ROLE_NORMAL,
	              "status   %s%s   elapsed %s", phase_status_name(p->status),
	              p->stuck ? " (possibly stuck: far past its estimate)" : "",
	              fmt_elapsed(a, sizeof(a),
	                          p->status == PHASE_PENDING ? NAN : p->elapsed_s + live,
	                          p->estimate_s > 0 ? p->estimate_s : NAN, v->tflags)));
	TRY(pager_add(pg, ROLE_NORMAL, "started  %s   ended %s", clock_of(p->started, a, sizeof(a)),
	              clock_of(p->ended, b, sizeof(b))));
	TRY(pager_add(pg, ROLE_NORMAL, "states   %zu in this phase:", p->def->nstates));
	for (size_t i = 0; i < p->def->nstates; i++)
		TRY(pager_add(pg,
		              p->current_state && strcmp(p->current_state, p->def->states[i]) == 0
		                  ? ROLE_RUNNING
		                  : ROLE_DIM,
		              "  %s %s",
		              p->current_state && strcmp(p->current_state, p->def->states[i]) == 0
		                  ? (v->tflags & SAFE_TEXT_ASCII ? ">" : "\xe2\x96\xb8")
		                  : " ",
		              p->def->states[i]));
	/* A finished phase (or one between two states) names its last state
	 * with no time in it: state_since is 0 there, not a time. */
	if (p->current_state && p->state_since > 0 &&
	    (p->status == PHASE_RUNNING || p->status == PHASE_WAITING))
		TRY(pager_add(pg, ROLE_NORMAL, "current  %s for %s", p->current_state,
		              fmt_duration(a, sizeof(a), v->now - p->state_since, v->tflags)));
	else if (p->current_state)
		TRY(pager_add(pg, ROLE_NORMAL, "%s %s",
		              p->status == PHASE_RUNNING || p->status == PHASE_WAITING ? "current "
		                                                                       : "last    ",
		              p->current_state));
	if (p->status == PHASE_WAITING)
		TRY(pager_add(pg, ROLE_WARN,
		              "approval waiting since %s (%s); a approves, x rejects",
		              clock_of(p->waiting_since, a, sizeof(a)),
		              fmt_duration(b, sizeof(b), v->now - p->waiting_since, v->tflags)));
	if (p->error || p->cause) {
		TRY(pager_add(pg, ROLE_CRIT, "error    %s", p->error ? p->error : "-"));
		if (p->cause) {
			TRY(pager_add(pg, ROLE_CRIT, "cause"));
			TRY(pager_add_wrapped(pg, ROLE_CRIT, "  ", p->cause, width - 6));
		}
	}
	TRY(pager_add(pg, ROLE_NORMAL, "%s", ""));
	if (!x || !x->arn) {
		TRY(pager_add(pg, ROLE_DIM, "execution: none seen yet for %s",
		              p->def->execution ? p->def->execution->state_machine_arn : "?"));
	} else {
		TRY(pager_add(pg, ROLE_TITLE, "Execution %s", x->def->title));
		TRY(pager_add(pg, ROLE_NORMAL, "  %s", x->arn));
		TRY(pager_add(pg, ROLE_NORMAL, "  %s  started %s  stopped %s",
		              x->status ? x->status : "?", clock_of(x->start, a, sizeof(a)),
		              clock_of(x->stop, b, sizeof(b))));
		if (x->error || x->cause)
			TRY(pager_add(pg, ROLE_CRIT, "  %s: %s", x->error ? x->error : "",
			              x->cause ? x->cause : ""));
		/* The current state's input: the newest entry into it. */
		if (p->current_state) {
			for (size_t i = x->nevents; i-- > 0;) {
				const struct engine_event_view *e = &x->events[i];

				if (e->input && e->state &&
				    strcmp(e->state, p->current_state) == 0) {
					TRY(pager_add(pg, ROLE_TITLE, "Input of %s",
					              p->current_state));
					TRY(pager_add_wrapped(pg, ROLE_NORMAL, "  ", e->input,
					                      width - 6));
					break;
				}
			}
		}
		TRY(pager_add(pg, ROLE_TITLE, "Recent events (newest first)"));
		if (x->nevents == 0)
			TRY(pager_add(pg, ROLE_DIM, "  none yet"));
		else
			TRY(table_line(pg, event_cols, NCOLS(event_cols), width - 5, NULL,
			               ROLE_TITLE, v->tflags));
		for (size_t i = x->nevents; i-- > 0;) {
			const struct engine_event_view *e = &x->events[i];
			char id[24], err[512];
			const char *row[NCOLS(event_cols)];

			snprintf(id, sizeof(id), "%lld", e->id);
			snprintf(err, sizeof(err), "%s%s%s", e->error ? e->error : "",
			         e->cause ? ": " : "", e->cause ? e->cause : "");
			row[0] = clock_of(e->ts, a, sizeof(a));
			row[1] = id;
			row[2] = e->type;
			row[3] = e->state;
			row[4] = err;
			TRY(table_line(pg, event_cols, NCOLS(event_cols), width - 5, row,
			               e->error ? ROLE_CRIT : ROLE_NORMAL, v->tflags));
		}
		TRY(pager_add(pg, ROLE_NORMAL, "%s", ""));
		TRY(pager_add(pg, ROLE_TITLE, "Executions of %s (%zu%s)",
		              view_short_name(x->def->state_machine_arn), x->njobs,
		              x->jobs_truncated ? "+" : ""));
		if (x->njobs)
			TRY(table_line(pg, job_cols, NCOLS(job_cols), width - 5, NULL, ROLE_TITLE,
			               v->tflags));
		for (size_t i = 0; i < x->njobs; i++) {
			const struct engine_job_view *j = &x->jobs[i];
			bool running = j->status && strcmp(j->status, "RUNNING") == 0;
			const char *row[NCOLS(job_cols)];

			row[0] = j->name;
			row[1] = j->status;
			row[2] = clock_of(j->start, a, sizeof(a));
			row[3] = clock_of(j->stop, b, sizeof(b));
			row[4] = fmt_duration(
			    c, sizeof(c), (j->stop > 0 ? j->stop : v->now) - j->start, v->tflags);
			TRY(table_line(pg, job_cols, NCOLS(job_cols), width - 5, row,
			               running ? ROLE_RUNNING
			               : j->status && strcmp(j->status, "SUCCEEDED") == 0
			                   ? ROLE_NORMAL
			                   : ROLE_WARN,
			               v->tflags));
		}
	}
out:
	return st;
}
