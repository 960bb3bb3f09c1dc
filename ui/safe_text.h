/* safe_text.h: every remote string is data.  A flag value, an execution's
 * error cause or a parameter's description may hold escape sequences that
 * would clear the screen, set the clipboard (OSC 52), retitle the window or
 * move the cursor; this turns any bytes into text that is safe to draw and
 * says exactly what was there:
 *
 *   control characters C0, DEL and C1  ->  \t \n \r, \x1b, \x7f, \u009b
 *   bidi and invisible format characters (Trojan Source) -> \u202e ...
 *   invalid UTF-8 (one replacement per bad byte)  ->  U+FFFD (ASCII: '?')
 *
 * and fits the result to a display width (wcwidth: CJK and emoji take two
 * columns) with an ellipsis, never splitting a character or an escape.
 * Needs LC_CTYPE set to a UTF-8 locale for widths, except in ASCII mode,
 * which shows every non-ASCII character as '?' and never asks the locale.
 * Pure; any thread. */
#ifndef CUTOVER_SAFE_TEXT_H
#define CUTOVER_SAFE_TEXT_H

#include <stddef.h>

#include "cutover/status.h"
#include "cutover/strbuf.h"

#define SAFE_TEXT_ASCII 1u /* terminal is not UTF-8: ASCII output only */

/* Append the safe form of s[0..len) to out (s may hold NUL bytes; s may be
 * NULL when len is 0).  *cols (may be NULL) gets its display width.
 * Fails only with CUTOVER_ENOMEM. */
enum cutover_status safe_text_append(struct strbuf *out, const char *s, size_t len,
				     unsigned flags, int *cols) CUTOVER_MUST_CHECK;

/* The same, fitted into at most width columns: when the whole does not fit,
 * as many characters as fit in width - 1 columns and "…" ("..." in ASCII,
 * or as many dots as fit).  *cols (may be NULL) gets the columns used, so the
 * caller can pad.  width <= 0 appends nothing. */
enum cutover_status safe_text_fit(struct strbuf *out, const char *s, size_t len, int width,
				  unsigned flags, int *cols) CUTOVER_MUST_CHECK;

/* safe_text_fit of the C string s into a fixed buffer, for drawing code:
 * never fails, cuts further (on a character) if cap is short, always
 * NUL-terminates when cap > 0.  Returns the columns used. */
int safe_text_buf(char *buf, size_t cap, const char *s, int width, unsigned flags);

#endif
