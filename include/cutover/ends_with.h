/* ends_with.h: suffix test for names (event types, resource ARNs, file names). */
#ifndef CUTOVER_ENDS_WITH_H
#define CUTOVER_ENDS_WITH_H

#include <stdbool.h>

/* true when s ends with suffix ("" ends every string); s NULL: false.
 * Pure; any thread. */
bool ends_with(const char *s, const char *suffix);

#endif
