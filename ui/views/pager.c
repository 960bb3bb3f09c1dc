/* pager.c: scrollable lines for the detail and help screens (pager.h). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "draw.h"
#include "pager.h"
#include "safe_text.h"

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

/* Bytes of the escape ("\\x1b", "\\u202e", "\\t") that starts at s, or 0. */
static size_t escape_len(const char *s)
{
	size_t n = s[1] == 'x' ? 4 : s[1] == 'u' ? 6 : 0;

	if (s[0] != '\\')
		return 0;
	if (s[1] == 't' || s[1] == 'n' || s[1] == 'r')
		return 2;
	for (size_t i = 2; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return n;
}

/* How many bytes of the safe text s (printable, valid UTF-8) fill at most
 * width columns, cut between characters and never inside an escape. */
static size_t fit_bytes(const char *s, size_t len, int width)
{
	mbstate_t mb;
	size_t at = 0, esc_end = 0, cut = 0;
	int cols = 0;

	memset(&mb, 0, sizeof(mb));
	while (at < len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + at, len - at, &mb);
		int w;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			n = 1; /* cannot happen after safe_text; count a byte */
			w = 1;
			memset(&mb, 0, sizeof(mb));
		} else {
			w = wcwidth(wc);
			if (w < 0)
				w = 1;
		}
		if (cols + w > width)
			break;
		if (at >= esc_end) {
			size_t e = escape_len(s + at);

			esc_end = at + e;
			cut = at; /* a cut may fall before an escape or a character */
		}
		cols += w;
		at += n;
		if (at >= esc_end)
			cut = at;
	}
	if (at >= len)
		return len;
	/* A line too narrow for even one character or escape: cut anyway. */
	return cut ? cut : (at ? at : 1);
}

enum cutover_status pager_add_wrapped(struct pager *pg, enum theme_role role, const char *indent,
                                      const char *text, int width)
{
	struct strbuf safe = STRBUF_INIT;
	size_t ni = strlen(indent);
	enum cutover_status st = CUTOVER_OK;

	if (width < 8)
		width = 8;
	/* Wrap the text as it will be drawn (safe_text: an escape takes four
	 * or six columns, a CJK character two), so no line is wider than the
	 * pager and nothing is cut off behind an ellipsis. */
	while (text && *text) {
		size_t len = strcspn(text, "\n");
		const char *s;
		size_t slen;

		strbuf_reset(&safe);
		if ((st = safe_text_append(&safe, text, len, 0, NULL)) != CUTOVER_OK)
			goto out;
		s = strbuf_str(&safe);
		slen = strlen(s);
		do {
			size_t take = fit_bytes(s, slen, width);
			char *line = malloc(ni + take + 1);

			if (!line) {
				st = CUTOVER_ENOMEM;
				goto out;
			}
			memcpy(line, indent, ni);
			memcpy(line + ni, s, take);
			line[ni + take] = '\0';
			if ((st = push(pg, role, line)) != CUTOVER_OK)
				goto out;
			s += take;
			slen -= take;
		} while (slen > 0);
		text += len;
		if (*text == '\n')
			text++;
	}
out:
	strbuf_free(&safe);
	return st;
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
