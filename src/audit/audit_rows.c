/* audit_rows.c: load every row of a log into an owned array. */
#include <stdlib.h>
#include <string.h>

#include "audit/audit_rows.h"
#include "cutover/dup_or_null.h"

struct load_ctx {
	struct audit_rows *rows;
	int oom;
};

static void row_free(struct audit_row *r)
{
	const char *fields[] = { r->operator_name, r->host, r->session, r->runbook,
				 r->environment, r->kind, r->target, r->old_value, r->new_value,
				 r->outcome, r->request_id, r->detail, r->prev_hash, r->hash };

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		free((char *)fields[i]);
}

static int add_row(void *vctx, const struct audit_row *r)
{
	struct load_ctx *ctx = vctx;
	struct audit_rows *rows = ctx->rows;
	struct audit_row *c;

	if (rows->n == rows->cap) {
		size_t cap = rows->cap ? rows->cap * 2 : 64;
		struct audit_row *v = realloc(rows->v, cap * sizeof(*v));

		if (!v) {
			ctx->oom = 1;
			return 1;
		}
		rows->v = v;
		rows->cap = cap;
	}
	c = &rows->v[rows->n++];
	*c = *r;
	c->operator_name = dup_or_null(r->operator_name, &ctx->oom);
	c->host = dup_or_null(r->host, &ctx->oom);
	c->session = dup_or_null(r->session, &ctx->oom);
	c->runbook = dup_or_null(r->runbook, &ctx->oom);
	c->environment = dup_or_null(r->environment, &ctx->oom);
	c->kind = dup_or_null(r->kind, &ctx->oom);
	c->target = dup_or_null(r->target, &ctx->oom);
	c->old_value = dup_or_null(r->old_value, &ctx->oom);
	c->new_value = dup_or_null(r->new_value, &ctx->oom);
	c->outcome = dup_or_null(r->outcome, &ctx->oom);
	c->request_id = dup_or_null(r->request_id, &ctx->oom);
	c->detail = dup_or_null(r->detail, &ctx->oom);
	c->prev_hash = dup_or_null(r->prev_hash, &ctx->oom);
	c->hash = dup_or_null(r->hash, &ctx->oom);
	return ctx->oom;
}

enum cutover_status audit_rows_load(const char *path, struct audit_rows *rows,
				    struct cutover_err *err)
{
	struct load_ctx ctx = { rows, 0 };
	enum cutover_status st;

	memset(rows, 0, sizeof(*rows));
	st = audit_read(path, 0, add_row, &ctx, err);
	if (st == CUTOVER_OK && ctx.oom)
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory reading %s", path);
	if (st != CUTOVER_OK)
		audit_rows_free(rows);
	return st;
}

enum cutover_status audit_rows_load_after(const char *path, int64_t after_id,
					  int (*stop)(void *ctx), void *stop_ctx,
					  struct audit_rows *rows, struct cutover_err *err)
{
	struct load_ctx ctx = { rows, 0 };
	enum cutover_status st;

	memset(rows, 0, sizeof(*rows));
	st = audit_read_stoppable(path, after_id, add_row, &ctx, stop, stop_ctx, err);
	if (st == CUTOVER_OK && ctx.oom)
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory reading %s", path);
	return st;
}

void audit_rows_free(struct audit_rows *rows)
{
	for (size_t i = 0; i < rows->n; i++)
		row_free(&rows->v[i]);
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}
