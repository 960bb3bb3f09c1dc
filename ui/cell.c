/* cell.c: widget output cells (see cell.h). */
#include <string.h>

#include "cell.h"

void cell_set(struct cell *c, const char *glyph, enum theme_role role)
{
	size_t n = strlen(glyph);

	if (n > sizeof(c->glyph) - 1)
		n = 0; /* not a single glyph: a bug in the caller; draw nothing */
	memcpy(c->glyph, glyph, n);
	c->glyph[n] = '\0';
	c->role = role;
}

size_t cells_utf8(const struct cell *cells, int n, char *buf, size_t cap)
{
	size_t used = 0;

	if (!cap)
		return 0;
	for (int i = 0; i < n; i++) {
		size_t g = strlen(cells[i].glyph);

		if (used + g > cap - 1)
			break;
		memcpy(buf + used, cells[i].glyph, g);
		used += g;
	}
	buf[used] = '\0';
	return used;
}
