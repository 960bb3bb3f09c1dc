/* draw.c: cells and text into curses windows (see draw.h). */
#include <string.h>

#include "draw.h"
#include "safe_text.h"

static void set_role(WINDOW *w, const struct palette *p, enum theme_role role)
{
	attr_t a = palette_attr(p, role);

	/* Pair and attributes separately: COLOR_PAIR bits in attr_t are
	 * limited, wattr_set's pair argument is not. */
	wattr_set(w, a & ~A_COLOR, (short)PAIR_NUMBER(a), NULL);
}

int draw_cells(WINDOW *w, int y, int x, const struct cell *cells, int n, const struct palette *p)
{
	int maxx = getmaxx(w), drawn = 0;

	if (y < 0 || y >= getmaxy(w) || x < 0)
		return 0;
	for (int i = 0; i < n && x + i < maxx; i++) {
		drawn++;
		if (!cells[i].glyph[0])
			continue; /* right half of a wide character, already drawn */
		set_role(w, p, cells[i].role);
		mvwaddstr(w, y, x + i, cells[i].glyph);
	}
	wattr_set(w, A_NORMAL, 0, NULL);
	return drawn;
}

int draw_text(WINDOW *w, int y, int x, int width, const char *text, enum theme_role role,
	      const struct palette *p, unsigned flags)
{
	char buf[2048];
	int maxx = getmaxx(w), cols;

	if (y < 0 || y >= getmaxy(w) || x < 0 || x >= maxx || width <= 0)
		return 0;
	if (width > maxx - x)
		width = maxx - x;
	cols = safe_text_buf(buf, sizeof(buf), text, width, flags);
	set_role(w, p, role);
	mvwaddstr(w, y, x, buf);
	for (int i = cols; i < width; i++)
		waddch(w, ' ');
	wattr_set(w, A_NORMAL, 0, NULL);
	return cols;
}
