/* diag.c: the list of problems a loader found (see diag.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cutover/diag.h"
#include "cutover/strbuf.h"

void diag_add(struct diag_list *list, int line, int col, enum diag_severity sev,
	      const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	struct diag *d;
	va_list ap;
	enum cutover_status st;

	if (list->count == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;
		struct diag *items = realloc(list->items, cap * sizeof(*items));

		if (!items) {
			list->oom = true;
			return;
		}
		list->items = items;
		list->cap = cap;
	}
	va_start(ap, fmt);
	st = strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	if (st != CUTOVER_OK) {
		strbuf_free(&sb);
		list->oom = true;
		return;
	}
	d = &list->items[list->count++];
	d->line = line;
	d->col = col;
	d->severity = sev;
	d->msg = strbuf_take(&sb);
	if (sev == DIAG_ERROR)
		list->nerrors++;
	else
		list->nwarnings++;
}

static bool diag_before(const struct diag *a, const struct diag *b)
{
	return a->line < b->line || (a->line == b->line && a->col < b->col);
}

/* Bottom-up merge sort: stable (problems at one place keep the order they
 * were found in) and O(n log n), since a hostile file can yield 100 000s. */
void diag_list_sort(struct diag_list *list)
{
	size_t n = list->count;
	struct diag *a = list->items, *b, *tmp;

	if (n < 2)
		return;
	b = malloc(n * sizeof(*b));
	if (!b) {
		list->oom = true;
		return;
	}
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				b[k++] = diag_before(&a[j], &a[i]) ? a[j++] : a[i++];
			while (i < mid)
				b[k++] = a[i++];
			while (j < hi)
				b[k++] = a[j++];
		}
		tmp = a;
		a = b;
		b = tmp;
	}
	if (a != list->items) {
		memcpy(list->items, a, n * sizeof(*a));
		free(a);
	} else {
		free(b);
	}
}

void diag_list_print(const struct diag_list *list, const char *path, FILE *out)
{
	for (size_t i = 0; i < list->count; i++) {
		const struct diag *d = &list->items[i];

		if (d->line > 0)
			fprintf(out, "%s:%d:%d: %s: %s\n", path, d->line, d->col,
				diag_severity_name(d->severity), d->msg);
		else
			fprintf(out, "%s: %s: %s\n", path, diag_severity_name(d->severity), d->msg);
	}
}

void diag_list_free(struct diag_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i].msg);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

const char *diag_severity_name(enum diag_severity sev)
{
	return sev == DIAG_ERROR ? "error" : "warning";
}
