/* audit_rows.h: the whole log copied into memory, for exports that join
 * rows (intents to outcomes).  Internal to src/audit/. */
#ifndef CUTOVER_AUDIT_ROWS_H
#define CUTOVER_AUDIT_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "cutover/audit.h"

struct audit_rows {
	struct audit_row *v;   /* strings owned by the list */
	size_t n, cap;
};

enum cutover_status audit_rows_load(const char *path, struct audit_rows *rows,
				    struct cutover_err *err) CUTOVER_MUST_CHECK;
/* The rows with id > after_id, through audit_read_stoppable (stop may be
 * NULL).  On failure the rows read before it are kept in *rows (the
 * caller frees them either way). */
enum cutover_status audit_rows_load_after(const char *path, int64_t after_id,
					  int (*stop)(void *ctx), void *stop_ctx,
					  struct audit_rows *rows,
					  struct cutover_err *err) CUTOVER_MUST_CHECK;
void audit_rows_free(struct audit_rows *rows);

#endif
