/* phase_row.h: one phase of the dashboard as a row of cells:
 *
 *   ✔  1 Validate prerequisites       3m/5m  done
 *   ◐  3 Data migration (DMS)        9m/45m  WaitFullLoad
 *   ⧗  4 Service deployment         52m/20m  Deploy (stuck?)
 *   ⏸  5 Approve cutover                –/–  [a] approve  [x] reject
 *   ✖  6 Switch DNS                  1m/10m  States.TaskFailed: AccessDenied…
 *
 * The state is glyph + colour, and its word too when there is no detail;
 * the time turns WARN once past its estimate.  The detail (a state name, an
 * error) is remote text and is escaped.  Pure. */
#ifndef CUTOVER_PHASE_ROW_H
#define CUTOVER_PHASE_ROW_H

#include "cell.h"
#include "glyph.h"

struct phase_row {
	int number;             /* 1-based position in the runbook */
	const char *title;      /* the runbook's title */
	enum glyph_id state;    /* GLYPH_PHASE_* */
	double elapsed_s;       /* NaN: not started */
	double estimate_s;      /* NaN: no estimate */
	const char *detail;     /* current state, error and cause; NULL: the state's word */
	const char *approve_key; /* non-NULL while an approval waits: its key ("a") */
	const char *reject_key;  /* and the reject key ("x"), may be NULL */
};

/* Render p into exactly width cells (0 when width <= 0).  flags:
 * SAFE_TEXT_ASCII.  Needs a UTF-8 LC_CTYPE unless ASCII. */
int phase_row_render(const struct phase_row *p, int width, unsigned flags, struct cell *out);

#endif
