/* dup_or_null.c: see dup_or_null.h. */
#include <string.h>

#include "cutover/dup_or_null.h"

char *dup_or_null(const char *s, int *oom)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d && oom)
		*oom = 1;
	return d;
}
