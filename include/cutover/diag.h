/* diag.h: a list of diagnostics (problems found in an input file), each at a
 * line and column, for loaders that report every problem and not only the
 * first: the runbook loader, the sim's scenario loader.  Plain value: the
 * owner frees it with diag_list_free().  Not thread-safe; one owner. */
#ifndef CUTOVER_DIAG_H
#define CUTOVER_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cutover/status.h"

enum diag_severity {
	DIAG_ERROR,
	DIAG_WARNING,
};

struct diag {
	int line;                 /* 1-based; 0 when the problem has no place (e.g. an empty file) */
	int col;                  /* 1-based, in characters (UTF-8 code points) */
	enum diag_severity severity;
	char *msg;                /* one line, no trailing period */
};

struct diag_list {
	struct diag *items;
	size_t count;
	size_t cap;
	size_t nerrors;
	size_t nwarnings;
	bool oom;                 /* an append failed for want of memory */
};

#define DIAG_LIST_INIT { NULL, 0, 0, 0, 0, false }

/* Append one diagnostic.  On allocation failure sets list->oom and keeps
 * what it had (so a loader need not check every call; it checks oom once). */
void diag_add(struct diag_list *list, int line, int col, enum diag_severity sev,
	      const char *fmt, ...) CUTOVER_PRINTF(5, 6);

/* Sort by line, then column, keeping the order of equal positions. */
void diag_list_sort(struct diag_list *list);

/* Print each as `PATH:LINE:COL: error: MSG` (or `PATH: error: MSG` without a
 * line), one per line. */
void diag_list_print(const struct diag_list *list, const char *path, FILE *out);

void diag_list_free(struct diag_list *list);   /* frees and re-inits; NULL ok */

const char *diag_severity_name(enum diag_severity sev);  /* "error", "warning" */

#endif
