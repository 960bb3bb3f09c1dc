/* strbuf.c: growable byte string (see strbuf.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cutover/strbuf.h"

static enum cutover_status grow(struct strbuf *sb, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > (size_t)-1 - sb->len - 1)
		return CUTOVER_ENOMEM;
	need = sb->len + extra + 1;
	if (need <= sb->cap)
		return CUTOVER_OK;
	cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap = cap > (size_t)-1 / 2 ? need : cap * 2;
	p = realloc(sb->data, cap);
	if (!p)
		return CUTOVER_ENOMEM;
	sb->data = p;
	sb->cap = cap;
	return CUTOVER_OK;
}

enum cutover_status strbuf_append(struct strbuf *sb, const void *p, size_t n)
{
	if (grow(sb, n) != CUTOVER_OK)
		return CUTOVER_ENOMEM;
	if (n)
		memcpy(sb->data + sb->len, p, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
	return CUTOVER_OK;
}

enum cutover_status strbuf_puts(struct strbuf *sb, const char *s)
{
	return strbuf_append(sb, s, strlen(s));
}

enum cutover_status strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return CUTOVER_EINVAL;
	if (grow(sb, (size_t)n) != CUTOVER_OK)
		return CUTOVER_ENOMEM;
	vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
	return CUTOVER_OK;
}

enum cutover_status strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	enum cutover_status st;

	va_start(ap, fmt);
	st = strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
	return st;
}

const char *strbuf_str(const struct strbuf *sb)
{
	return sb->data ? sb->data : "";
}

char *strbuf_take(struct strbuf *sb)
{
	char *p = sb->data;

	if (!p)
		p = calloc(1, 1);
	sb->data = NULL;
	sb->len = sb->cap = 0;
	return p;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->data)
		sb->data[0] = '\0';
}

void strbuf_free(struct strbuf *sb)
{
	free(sb->data);
	sb->data = NULL;
	sb->len = sb->cap = 0;
}
