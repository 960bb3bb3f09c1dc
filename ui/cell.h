/* cell.h: what a widget hands the drawing code: one screen column each, a
 * UTF-8 glyph (one column wide) and the theme role to draw it in.  Widgets
 * are pure value -> cells functions, so their output is tested as strings. */
#ifndef CUTOVER_CELL_H
#define CUTOVER_CELL_H

#include <stddef.h>

#include "theme.h"

struct cell {
	char glyph[5];        /* NUL-terminated UTF-8, one column wide */
	enum theme_role role;
};

/* Set c to glyph (at most 4 bytes) in role. */
void cell_set(struct cell *c, const char *glyph, enum theme_role role);

/* Join the glyphs of cells[0..n) into buf (NUL-terminated, cut at cap - 1
 * bytes but never inside a glyph); returns the bytes written. */
size_t cells_utf8(const struct cell *cells, int n, char *buf, size_t cap);

#endif
