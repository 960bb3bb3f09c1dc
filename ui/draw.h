/* draw.h: the last step to the screen: cells and text into a curses window
 * in their theme roles.  Everything is clipped to the window and text is
 * padded to its width, so a redraw never leaves the previous frame's tail
 * behind.  Main thread only (curses). */
#ifndef CUTOVER_DRAW_H
#define CUTOVER_DRAW_H

#include <curses.h>

#include "cell.h"
#include "palette.h"

/* Draw cells[0..n) at row y, column x of w; cells past the right edge are
 * dropped.  Returns the cells drawn. */
int draw_cells(WINDOW *w, int y, int x, const struct cell *cells, int n, const struct palette *p);

/* Draw text (any bytes: it goes through safe_text) at y, x in role, fitted
 * into width columns (and the window) with an ellipsis, then padded with
 * blanks to width.  flags: SAFE_TEXT_ASCII.  Returns the text's columns. */
int draw_text(WINDOW *w, int y, int x, int width, const char *text, enum theme_role role,
	      const struct palette *p, unsigned flags);

#endif
