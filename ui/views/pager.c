/* pager.c: scrollable lines for the detail and help screens (pager.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "pager.h"

void pager_clear(struct pager *pg)
{
	for (size_t i = 0; i < pg->n; i++)
		free(pg->lines[i].text);
	pg->n = 0;
}

void pager_free(struct pager *pg)
{
	pager_clear(pg);
	free(pg->lines);
	memset(pg, 0, sizeof(*pg));
}

static enum cutover_status push(struct pager *pg, enum theme_role role, char *text)
{
	if (!text)
		return CUTOVER_ENOMEM;
	if (pg->n == pg->cap) {
		size_t cap = pg->cap ? pg->cap * 2 : 64;
		struct pager_line *l = realloc(pg->lines, cap * sizeof(*l));

		if (!l) {
			free(text);
			return CUTOVER_ENOMEM;
		}
		pg->lines = l;
		pg->cap = cap;
	}
	pg->lines[pg->n].text = text;
	pg->lines[pg->n].role = role;
	pg->n++;
	return CUTOVER_OK;
}

enum cutover_status pager_add(struct pager *pg, enum theme_role role, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return CUTOVER_ENOMEM;
	text = malloc((size_t)n + 1);
	if (!text)
		return CUTOVER_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return push(pg, role, text);
}

enum cutover_status pager_add_wrapped(struct pager *pg, enum theme_role role, const char *indent,
                                      const char *text, int width)
{
	size_t ni = strlen(indent);

	if (width < 8)
		width = 8;
	while (text && *text) {
		size_t len = strcspn(text, "\n"), take = len;
		char *line;

		if (take > (size_t)width) {
			take = (size_t)width;
			while (take > 0 && ((unsigned char)text[take] & 0xC0) == 0x80)
				take--;
			if (take == 0)
				take = (size_t)width;
		}
		line = malloc(ni + take + 1);
		if (!line)
			return CUTOVER_ENOMEM;
		memcpy(line, indent, ni);
		memcpy(line + ni, text, take);
		line[ni + take] = '\0';
		if (push(pg, role, line) != CUTOVER_OK)
			return CUTOVER_ENOMEM;
		text += take;
		if (take == len && *text == '\n')
			text++;
	}
	return CUTOVER_OK;
}

void pager_draw(struct pager *pg, WINDOW *w, const struct palette *pal, unsigned tflags)
{
	int h = getmaxy(w), width = getmaxx(w);

	if (pg->top > (int)pg->n - h)
		pg->top = (int)pg->n - h;
	if (pg->top < 0)
		pg->top = 0;
	for (int y = 0; y < h; y++) {
		size_t i = (size_t)(pg->top + y);

		if (i < pg->n)
			draw_text(w, y, 1, width - 1, pg->lines[i].text, pg->lines[i].role, pal,
			          tflags);
		else
			draw_text(w, y, 0, width, "", ROLE_NORMAL, pal, tflags);
	}
}

bool pager_scroll(struct pager *pg, enum key_action a, int page)
{
	switch (a) {
	case ACT_UP:
		pg->top--;
		break;
	case ACT_DOWN:
		pg->top++;
		break;
	case ACT_PAGE_UP:
		pg->top -= page;
		break;
	case ACT_PAGE_DOWN:
		pg->top += page;
		break;
	case ACT_TOP:
		pg->top = 0;
		break;
	case ACT_BOTTOM:
		pg->top = (int)pg->n;
		break;
	default:
		return false;
	}
	if (pg->top > (int)pg->n - 1)
		pg->top = (int)pg->n - 1;
	if (pg->top < 0)
		pg->top = 0;
	return true;
}
