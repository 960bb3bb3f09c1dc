/* tabbar.h: the tab bar of the TABS layout, as cells for its frame row:
 *
 *   ├ 1 Phases │ 2 Gauges‼│ 3 Flags │ 4 Rollback │ 5 Events ├────────┤
 *
 * The current tab in ROLE_TAB_ACTIVE, the others in ROLE_TAB, the frame in
 * ROLE_BORDER.  A panel may carry a one-column mark (a triggered gauge's ‼)
 * so an alert shows even while another tab is open.  When the titles do not
 * fit, the other tabs shrink to their digit; then the current one too.
 * Pure. */
#ifndef CUTOVER_TABBAR_H
#define CUTOVER_TABBAR_H

#include <stdbool.h>

#include "cell.h"
#include "layout.h"

/* Render into out[0..width); marks (may be NULL) holds one cell per panel,
 * an empty glyph for none.  Returns the cells written (0 when width < 2). */
int tabbar_render(enum layout_panel active, const struct cell *marks, int width, bool ascii,
		  struct cell *out);

#endif
