/* copy_trunc.h: copying text into a fixed-size field (a name, a "who" or a
 * reason kept in a struct for display), cut to fit. */
#ifndef CUTOVER_COPY_TRUNC_H
#define CUTOVER_COPY_TRUNC_H

#include <stddef.h>

/* Copy src (NULL: "") into dst[0..n), cut at n - 1 bytes, always
 * NUL-terminated; n == 0 writes nothing.  src may overlap dst.  The cut is
 * bytewise: display code that needs whole UTF-8 characters must fit the text
 * itself.  Pure; any thread. */
void copy_trunc(char *dst, size_t n, const char *src);

#endif
