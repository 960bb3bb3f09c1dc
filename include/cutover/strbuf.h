/* strbuf.h: a growable byte string, for building request bodies, output and
 * messages without fixed buffers.  Plain value: the owner frees it. */
#ifndef CUTOVER_STRBUF_H
#define CUTOVER_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

#include "cutover/status.h"

struct strbuf {
	char *data;   /* NUL-terminated when len > 0 or after any append */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

/* Append bytes / a C string / formatted text.  On CUTOVER_ENOMEM the buffer
 * keeps what it had. */
enum cutover_status strbuf_append(struct strbuf *sb, const void *p, size_t n) CUTOVER_MUST_CHECK;
enum cutover_status strbuf_puts(struct strbuf *sb, const char *s) CUTOVER_MUST_CHECK;
enum cutover_status strbuf_printf(struct strbuf *sb, const char *fmt, ...)
	CUTOVER_PRINTF(2, 3) CUTOVER_MUST_CHECK;
enum cutover_status strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
	CUTOVER_PRINTF(2, 0) CUTOVER_MUST_CHECK;

/* The contents as a C string ("" when empty); borrowed. */
const char *strbuf_str(const struct strbuf *sb);

/* Hand the heap string to the caller (who frees it) and reset sb. */
char *strbuf_take(struct strbuf *sb);

void strbuf_reset(struct strbuf *sb);   /* len = 0, keeps memory */
void strbuf_free(struct strbuf *sb);    /* frees and re-inits */

#endif
