/* table.h: rows of text columns as cells, for the lists of the detail
 * views (an execution's events, a state machine's executions, rollback
 * steps).  Widths come from the width alone, so rows line up:
 *
 *   STARTED   NAME                   STATUS     STOPPED
 *   14:01:07  migration-2026-11-21   RUNNING    –
 *
 * When the width is short, the columns with the highest drop number go
 * first; then the last column left is cut.  Every cell's text is remote
 * data and goes through safe_text.  Pure. */
#ifndef CUTOVER_TABLE_H
#define CUTOVER_TABLE_H

#include <stddef.h>

#include "cell.h"

enum table_align { TABLE_LEFT, TABLE_RIGHT };

struct table_col {
	const char *title;      /* the header text */
	int min;                /* columns it needs */
	int max;                /* columns it may use; 0: no limit */
	int weight;             /* its share of spare width; 0: stays at min */
	enum table_align align;
	int drop;               /* dropped first when narrow: higher first; 0: never */
};

#define TABLE_MAX_COLS 16

/* Widths for a table of n (<= TABLE_MAX_COLS) columns in width cells, one
 * blank between columns; widths[i] is 0 for a dropped column.  Pure. */
void table_layout(const struct table_col *cols, size_t n, int width, int *widths);

/* One row: text[i] (NULL: empty) in roles[i] (roles may be NULL: all
 * ROLE_NORMAL), into exactly width cells (0 when width <= 0).  flags:
 * SAFE_TEXT_ASCII. */
int table_row_render(const struct table_col *cols, const int *widths, size_t n,
		     const char *const *text, const enum theme_role *roles, int width,
		     unsigned flags, struct cell *out);

/* The header row: the titles in ROLE_TITLE. */
int table_header_render(const struct table_col *cols, const int *widths, size_t n, int width,
			unsigned flags, struct cell *out);

#endif
