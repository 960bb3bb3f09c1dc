/* nearest.h: "did you mean ...?" for names a person typed (theme roles, key
 * actions, runbook fields): the closest candidate by edit distance. */
#ifndef CUTOVER_NEAREST_H
#define CUTOVER_NEAREST_H

#include <stddef.h>

/* Case-insensitive Levenshtein distance between a and b; words longer than
 * 63 bytes count as far from everything (SIZE_MAX).  Pure. */
size_t nearest_distance(const char *a, const char *b);

/* The candidate in names[0..n) closest to word, or NULL when the closest is
 * more than max(2, strlen(word) / 3) edits away (a guess that far would only
 * confuse).  Ties go to a name with word's first letter.  Returns a
 * borrowed pointer into names.  Pure. */
const char *nearest_name(const char *word, const char *const *names, size_t n);

#endif
