/* safe_text.c: remote strings made safe to draw (see safe_text.h).
 *
 * Written by hand because no library here does it: iconv replaces or
 * rejects invalid bytes but leaves controls alone, and curses' unctrl()
 * knows neither UTF-8 nor C1 controls. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "safe_text.h"

/* One unit of output: a character, or the escape standing for one. */
struct piece {
	char bytes[16];
	size_t n;
	int cols;
};

/* Decode one UTF-8 sequence; returns its length, or 0 when s does not start
 * with a valid one (overlong, surrogate, above U+10FFFF, cut short). */
static size_t decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char b = s[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b >= 0xc2 && b <= 0xdf) {
		n = 2;
		*cp = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		n = 3;
		*cp = b & 0x0f;
		if (b == 0xe0)
			lo = 0xa0; /* overlong */
		if (b == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (b >= 0xf0 && b <= 0xf4) {
		n = 4;
		*cp = b & 0x07;
		if (b == 0xf0)
			lo = 0x90; /* overlong */
		if (b == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		unsigned char c = s[i];

		if (c < (i == 1 ? lo : 0x80) || c > (i == 1 ? hi : 0xbf))
			return 0;
		*cp = *cp << 6 | (c & 0x3f);
	}
	return n;
}

/* Invisible characters that reorder or hide text (bidi overrides and
 * isolates, zero-width joiners and spaces, line separators, BOM): drawn
 * as-is they can make a flag value read differently from what it is. */
static bool invisible(uint32_t cp)
{
	return cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) ||
	       cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

static void escape(struct piece *p, uint32_t cp)
{
	int n;

	if (cp == '\t' || cp == '\n' || cp == '\r')
		n = snprintf(p->bytes, sizeof(p->bytes), "\\%c",
			     cp == '\t' ? 't' : cp == '\n' ? 'n' : 'r');
	else if (cp < 0x80)
		n = snprintf(p->bytes, sizeof(p->bytes), "\\x%02x", (unsigned)cp);
	else if (cp <= 0xffff)
		n = snprintf(p->bytes, sizeof(p->bytes), "\\u%04x", (unsigned)cp);
	else
		n = snprintf(p->bytes, sizeof(p->bytes), "\\U%08x", (unsigned)cp);
	p->n = (size_t)n;
	p->cols = n;
}

/* The next piece of s[0..len); returns the bytes consumed (>= 1). */
static size_t next_piece(const unsigned char *s, size_t len, unsigned flags, struct piece *p)
{
	uint32_t cp;
	size_t n = decode(s, len, &cp);
	int w;

	if (n == 0) {
		if (flags & SAFE_TEXT_ASCII) {
			memcpy(p->bytes, "?", 1);
			p->n = 1;
		} else {
			memcpy(p->bytes, "\xef\xbf\xbd", 3); /* U+FFFD */
			p->n = 3;
		}
		p->cols = 1;
		return 1;
	}
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || invisible(cp)) {
		escape(p, cp);
		return n;
	}
	if (cp < 0x80) {
		p->bytes[0] = (char)cp;
		p->n = 1;
		p->cols = 1;
		return n;
	}
	if (flags & SAFE_TEXT_ASCII) {
		p->bytes[0] = '?';
		p->n = 1;
		p->cols = 1;
		return n;
	}
	w = wcwidth((wchar_t)cp);
	if (w < 0) {
		/* Unassigned or not printable here: say which it was. */
		escape(p, cp);
		return n;
	}
	memcpy(p->bytes, s, n);
	p->n = n;
	p->cols = w;
	return n;
}

static int total_cols(const unsigned char *s, size_t len, unsigned flags)
{
	struct piece p;
	long cols = 0;

	for (size_t i = 0; i < len;) {
		i += next_piece(s + i, len - i, flags, &p);
		cols += p.cols;
		if (cols > INT32_MAX / 2)
			break; /* far wider than any screen: "too wide" is all we need */
	}
	return (int)cols;
}

/* Emit pieces while they fit in limit columns (limit < 0: all); stops at
 * the first that does not fit, so a combining mark never lands on the
 * wrong base. */
static enum cutover_status emit(struct strbuf *out, const unsigned char *s, size_t len,
				unsigned flags, int limit, size_t byte_cap, int *cols)
{
	struct piece p;
	int used = 0;

	for (size_t i = 0; i < len;) {
		size_t adv = next_piece(s + i, len - i, flags, &p);
		enum cutover_status st;

		if (limit >= 0 && used + p.cols > limit)
			break;
		if (out->len + p.n > byte_cap)
			break;
		if ((st = strbuf_append(out, p.bytes, p.n)) != CUTOVER_OK)
			return st;
		used += p.cols;
		i += adv;
	}
	*cols = used;
	return CUTOVER_OK;
}

static enum cutover_status fit(struct strbuf *out, const char *s, size_t len, int width,
			       unsigned flags, size_t byte_cap, int *cols)
{
	const unsigned char *u = (const unsigned char *)s;
	bool ascii = flags & SAFE_TEXT_ASCII;
	int ell = ascii ? 3 : 1, used = 0, n;
	enum cutover_status st;

	if (cols)
		*cols = 0;
	if (width <= 0 || (!s && len))
		return CUTOVER_OK;
	if (total_cols(u, len, flags) <= width) {
		st = emit(out, u, len, flags, -1, byte_cap, &used);
		goto out;
	}
	if (width < ell) {
		/* No room for "...": as many dots as fit. */
		for (n = 0; n < width && out->len < byte_cap; n++)
			if ((st = strbuf_append(out, ".", 1)) != CUTOVER_OK)
				return st;
		used = n;
		st = CUTOVER_OK;
		goto out;
	}
	/* Keep room in the byte cap for the ellipsis itself. */
	if ((st = emit(out, u, len, flags, width - ell, byte_cap - 3, &used)) != CUTOVER_OK)
		return st;
	if ((st = strbuf_append(out, ascii ? "..." : "\xe2\x80\xa6", 3)) != CUTOVER_OK)
		return st;
	used += ell;
out:
	if (cols)
		*cols = used;
	return st;
}

enum cutover_status safe_text_append(struct strbuf *out, const char *s, size_t len,
				     unsigned flags, int *cols)
{
	int used = 0;
	enum cutover_status st = CUTOVER_OK;

	if (s || !len)
		st = emit(out, (const unsigned char *)s, s ? len : 0, flags, -1, SIZE_MAX, &used);
	if (cols)
		*cols = used;
	return st;
}

enum cutover_status safe_text_fit(struct strbuf *out, const char *s, size_t len, int width,
				  unsigned flags, int *cols)
{
	return fit(out, s, len, width, flags, SIZE_MAX, cols);
}

int safe_text_buf(char *buf, size_t cap, const char *s, int width, unsigned flags)
{
	struct strbuf sb = STRBUF_INIT;
	int cols = 0;

	if (!cap)
		return 0;
	buf[0] = '\0';
	/* The byte cap keeps the result within buf; with cap < 4 there is no
	 * room for an ellipsis, so only what fits whole is drawn. */
	if (cap < 4 || fit(&sb, s, s ? strlen(s) : 0, width, flags, cap - 1, &cols) != CUTOVER_OK) {
		strbuf_free(&sb);
		return 0;
	}
	memcpy(buf, strbuf_str(&sb), sb.len + 1);
	strbuf_free(&sb);
	return cols;
}
