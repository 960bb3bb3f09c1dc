/* sim_expr.h: CloudWatch metric math for the rehearsal endpoint.  Internal
 * to src/sim/.
 *
 * A parsed expression is a plain tree; evaluation is a pure function of the
 * tree and the series its ids resolve to, over a grid of n timestamps that
 * the caller chose (all series share it).  A missing datapoint is NAN.
 *
 * Grammar (what runbooks use; CloudWatch's own names and semantics):
 *   expr    := or
 *   or      := and  (("OR" | "||") and)*
 *   and     := cmp  (("AND" | "&&") cmp)*
 *   cmp     := sum  (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
 *   sum     := term (("+" | "-") term)*
 *   term    := unary (("*" | "/") unary)*
 *   unary   := "-" unary | primary
 *   primary := NUMBER | ID | FUNC "(" args ")" | "(" expr ")" | "[" args "]"
 * Functions: FILL(s, v | REPEAT | LINEAR), IF(c, a[, b]), ABS, CEIL, FLOOR,
 * DIFF, RATE, DIFF_TIME (against the previous datapoint), PERIOD,
 * SUM/AVG/MIN/MAX/SAMPLE_COUNT(s) -> scalar over one series, or
 * SUM/AVG/MIN/MAX([s1, s2, ...]) -> one series, point by point.
 *
 * Hand-written (recursive descent) because no library in Debian evaluates
 * CloudWatch metric math, and its semantics (missing datapoints, scalar
 * broadcasting, FILL) are CloudWatch's own.
 *
 * Not thread-safe per tree, but trees share nothing: any thread may use its own.
 */
#ifndef CUTOVER_SIM_EXPR_H
#define CUTOVER_SIM_EXPR_H

#include <stddef.h>

#include "cutover/status.h"

struct sim_expr;

/* Parse text.  *out is set (NULL on failure); CUTOVER_EPARSE with err saying
 * what was expected at which column.  The caller owns *out. */
enum cutover_status sim_expr_parse(const char *text, struct sim_expr **out,
                                   struct cutover_err *err) CUTOVER_MUST_CHECK;

void sim_expr_destroy(struct sim_expr *e);

/* The distinct ids the expression refers to (metric query ids), in order of
 * first use; borrowed from e. */
size_t sim_expr_ref_count(const struct sim_expr *e);
const char *sim_expr_ref_get(const struct sim_expr *e, size_t i);

/* Resolve an id to n values (borrowed; NAN = missing).  Return 0, or -1 when
 * the id is unknown (evaluation then fails with CUTOVER_ENOENT). */
typedef int (*sim_expr_lookup_fn)(void *ctx, const char *id, const double **values);

/* Evaluate over n grid points step_s seconds apart into out[0..n-1].  A scalar result fills every
 * point.  Arithmetic that yields no number (x/0, overflow) makes that point
 * missing and is counted in *dropped (CloudWatch reports it as an
 * ArithmeticError message).  Errors: CUTOVER_ENOENT (unknown id),
 * CUTOVER_EVALIDATE (bad function or arguments), CUTOVER_ENOMEM. */
enum cutover_status sim_expr_eval(const struct sim_expr *e, size_t n, double step_s,
                                  sim_expr_lookup_fn lookup, void *ctx, double *out,
                                  size_t *dropped, struct cutover_err *err) CUTOVER_MUST_CHECK;

#endif
