/* nearest.c: edit distance for "did you mean" hints (see nearest.h). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cutover/nearest.h"

#define NEAREST_MAX 63

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

size_t nearest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t prev[NEAREST_MAX + 1], cur[NEAREST_MAX + 1];

	if (la > NEAREST_MAX || lb > NEAREST_MAX)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] +
				     (lower((unsigned char)a[i - 1]) != lower((unsigned char)b[j - 1]));
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			size_t m = sub < del ? sub : del;
			cur[j] = m < ins ? m : ins;
		}
		memcpy(prev, cur, (lb + 1) * sizeof(prev[0]));
	}
	return prev[lb];
}

const char *nearest_name(const char *word, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX, limit = strlen(word) / 3;

	if (limit < 2)
		limit = 2;
	for (size_t i = 0; i < n; i++) {
		size_t d = nearest_distance(word, names[i]);
		/* On a tie, a name with the same first letter is the likelier
		 * meaning: "Pgdown" is PgDn rather than Down. */
		bool first = lower((unsigned char)word[0]) == lower((unsigned char)names[i][0]);
		bool best_first = best && lower((unsigned char)word[0]) == lower((unsigned char)best[0]);
		if (d < best_d || (d == best_d && first && !best_first)) {
			best_d = d;
			best = names[i];
		}
	}
	return best_d <= limit ? best : NULL;
}
