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

/* Insertion sort: stable, and lists are short (a few hundred at most). */
void diag_list_sort(struct diag_list *list)
{
	for (size_t i = 1; i < list->count; i++) {
		struct diag d = list->items[i];
		size_t j = i;

		while (j > 0 && (list->items[j - 1].line > d.line ||
				 (list->items[j - 1].line == d.line && list->items[j - 1].col > d.col))) {
			list->items[j] = list->items[j - 1];
			j--;
		}
		list->items[j] = d;
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
