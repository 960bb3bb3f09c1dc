/* dup_or_null.h: copying an optional string (a field that may be absent). */
#ifndef CUTOVER_DUP_OR_NULL_H
#define CUTOVER_DUP_OR_NULL_H

/* A heap copy of s that the caller frees, or NULL when s is NULL.  When
 * strdup fails it returns NULL and, if oom is not NULL, sets *oom to 1 (it
 * never clears it), so a run of copies can be checked once at the end.
 * Pure; any thread. */
char *dup_or_null(const char *s, int *oom);

#endif
