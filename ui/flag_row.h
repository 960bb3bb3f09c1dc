/* flag_row.h: one feature flag as a row of cells:
 *
 *   use_step_functions       ON         v14  bob
 *   dual_write             ⚠ OFF         v3  arn:aws:sts::1234:assumed-role/…
 *   rollout_percent          25%…        v3
 *
 * A dangerous flag carries ⚠ ('!'); a change in flight shows … ('~') after
 * the value; an old value is drawn in ROLE_STALE.  The value and the
 * modifier are remote text and are escaped.  Pure. */
#ifndef CUTOVER_FLAG_ROW_H
#define CUTOVER_FLAG_ROW_H

#include <stdbool.h>

#include "cell.h"

struct flag_row {
	const char *name;          /* the runbook's id for the flag */
	const char *value;         /* the value as shown: "ON", "25%", "DUAL_PROV"; NULL: unknown */
	enum theme_role value_role; /* e.g. ROLE_NORMAL; the console decides */
	long version;              /* SSM version; < 0: unknown */
	const char *modified_by;   /* last modifier; NULL: unknown */
	bool dangerous;            /* the runbook marks it dangerous */
	bool pending;              /* a change was asked for and has not come back */
	bool stale;                /* the value is old */
};

/* Render f into exactly width cells (0 when width <= 0).  flags:
 * SAFE_TEXT_ASCII.  Needs a UTF-8 LC_CTYPE unless ASCII. */
int flag_row_render(const struct flag_row *f, int width, unsigned flags, struct cell *out);

#endif
