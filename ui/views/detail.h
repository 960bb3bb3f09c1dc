/* detail.h: the phase detail screen (Enter on a phase) as pager lines:
 * status and times, the current state's input, a failure's error and
 * cause, the execution's recent events and every execution (job) of its
 * state machine with status, start and stop.  Rebuilt from each snapshot
 * so it stays live.  Main thread only. */
#ifndef CUTOVER_DETAIL_H
#define CUTOVER_DETAIL_H

#include <stddef.h>

#include "pager.h"
#include "view.h"

/* Fill pg (cleared first) for phase index phase of v->snap; width is the
 * screen width for wrapping long text.  CUTOVER_ENOMEM only. */
enum cutover_status detail_phase(struct pager *pg, const struct view_ctx *v, size_t phase,
                                 int width) CUTOVER_MUST_CHECK;

#endif
