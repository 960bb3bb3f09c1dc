/* runbook_json.h: the cJSON side of the runbook loader (internal).
 * runbook.c reads the file and builds the position index; runbook_json.c
 * parses the blanked text with cJSON, maps it onto struct runbook while
 * checking it, and frees every cJSON value before it returns. */
#ifndef CUTOVER_RUNBOOK_JSON_H
#define CUTOVER_RUNBOOK_JSON_H

#include "cutover/diag.h"
#include "cutover/jsonpos.h"
#include "cutover/runbook.h"

/* Fill rb (zeroed by the caller) from ix->clean, whose syntax jsonpos has
 * already accepted.  Every problem goes to diags; rb may be partly filled
 * when there are errors and must then only be destroyed.  Returns
 * CUTOVER_ENOMEM or CUTOVER_OK (the caller looks at diags->nerrors). */
enum cutover_status runbook_json_map(const struct jsonpos *ix, struct runbook *rb,
				     struct diag_list *diags) CUTOVER_MUST_CHECK;

#endif
