/* cell.h: what a widget hands the drawing code: one screen column each, a
 * UTF-8 glyph and the theme role to draw it in.  A wide character (CJK, some
 * emoji) fills its cell and the next, whose glyph is empty.  Widgets are
 * pure value -> cells functions, so their output is tested as strings. */
#ifndef CUTOVER_CELL_H
#define CUTOVER_CELL_H

#include <stddef.h>

#include "theme.h"

struct cell {
	char glyph[8];        /* NUL-terminated UTF-8: one character, maybe
			       * with a combining mark; "" = right half of a
			       * wide character */
	enum theme_role role;
};

/* Set c to glyph (at most 7 bytes) in role. */
void cell_set(struct cell *c, const char *glyph, enum theme_role role);

/* Join the glyphs of cells[0..n) into buf (NUL-terminated, cut at cap - 1
 * bytes but never inside a glyph); returns the bytes written. */
size_t cells_utf8(const struct cell *cells, int n, char *buf, size_t cap);

/* Text (any bytes: it goes through safe_text) as exactly width cells in
 * role: fitted with an ellipsis, padded with blanks.  flags: SAFE_TEXT_ASCII.
 * Returns the columns the text itself took (the rest is padding).  Pure;
 * needs a UTF-8 LC_CTYPE unless ASCII. */
int cells_from_text(struct cell *out, int width, const char *text, enum theme_role role,
		    unsigned flags);

/* n blank cells in role; returns n (0 when n <= 0). */
int cells_blank(struct cell *out, int n, enum theme_role role);

/* Text right-aligned in exactly n cells (blanks on the left); returns n
 * (0 when n <= 0). */
int cells_right(struct cell *out, int n, const char *text, enum theme_role role, unsigned flags);

#endif
