/* cell.c: widget output cells (see cell.h). */
#include <string.h>
#include <wchar.h>

#include "cell.h"
#include "safe_text.h"

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

int cells_from_text(struct cell *out, int width, const char *text, enum theme_role role,
		    unsigned flags)
{
	char buf[1024];
	const char *p = buf;
	int cols, at = 0;
	mbstate_t mb;

	if (width <= 0)
		return 0;
	cols = safe_text_buf(buf, sizeof(buf), text, width, flags);
	memset(&mb, 0, sizeof(mb));
	/* safe_text's output is valid UTF-8 of printable characters; walk it
	 * one character at a time and give each its columns. */
	while (*p && at < width) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, p, strlen(p), &mb);
		int w;

		if (n == 0 || n == (size_t)-1 || n == (size_t)-2)
			break; /* cannot happen after safe_text; stop safely */
		w = (flags & SAFE_TEXT_ASCII) ? 1 : wcwidth(wc);
		if (w == 0 && at > 0) {
			/* A combining mark joins the previous cell when it fits. */
			size_t have = strlen(out[at - 1].glyph);
			if (have + n < sizeof(out[at - 1].glyph)) {
				memcpy(out[at - 1].glyph + have, p, n);
				out[at - 1].glyph[have + n] = '\0';
			}
		} else if (w > 0) {
			char g[8] = { 0 };

			if (at + w > width)
				break;
			memcpy(g, p, n < sizeof(g) - 1 ? n : sizeof(g) - 1);
			cell_set(&out[at++], g, role);
			if (w == 2)
				cell_set(&out[at++], "", role);
		}
		p += n;
	}
	while (at < width)
		cell_set(&out[at++], " ", role);
	return cols;
}

int cells_blank(struct cell *out, int n, enum theme_role role)
{
	for (int i = 0; i < n; i++)
		cell_set(&out[i], " ", role);
	return n > 0 ? n : 0;
}

int cells_right(struct cell *out, int n, const char *text, enum theme_role role, unsigned flags)
{
	int cols;

	if (n <= 0)
		return 0;
	cols = cells_from_text(out, n, text, role, flags);
	if (cols < n) {
		/* Shift the text right over its padding. */
		memmove(out + (n - cols), out, (size_t)cols * sizeof(out[0]));
		cells_blank(out, n - cols, role);
	}
	return n;
}
