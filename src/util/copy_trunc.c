/* copy_trunc.c: see copy_trunc.h.  snprintf("%s") would do the same but
 * needs src to be a whole string apart from dst; memmove allows overlap. */
#include <string.h>

#include "cutover/copy_trunc.h"

void copy_trunc(char *dst, size_t n, const char *src)
{
	size_t len = src ? strlen(src) : 0;

	if (n == 0)
		return;
	if (len >= n)
		len = n - 1;
	if (len)
		memmove(dst, src, len);
	dst[len] = '\0';
}
