/* ends_with.c: see ends_with.h. */
#include <string.h>

#include "cutover/ends_with.h"

bool ends_with(const char *s, const char *suffix)
{
	size_t n, m;

	if (!s)
		return false;
	n = strlen(s);
	m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}
