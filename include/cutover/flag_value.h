/* flag_value.h: what a feature flag may hold, and the keypress operations
 * on it (toggle a bool, step a percent), as pure functions.
 *
 * The action path (actions.h) checks every new value here before anything
 * is written to the audit log or sent to SSM, and the console can use the
 * same functions to preview a change.  Values are SSM parameter text:
 * "true"/"false", "0".."100", one of an enum's values, or any string.
 * Nothing here allocates or keeps state; any thread.
 */
#ifndef CUTOVER_FLAG_VALUE_H
#define CUTOVER_FLAG_VALUE_H

#include <stddef.h>

#include "cutover/runbook.h"
#include "cutover/status.h"

/* The largest value SSM's standard tier stores (4 KB). */
#define FLAG_VALUE_MAX 4096

/* Check `in` against the flag's type and write its normalized text into
 * out (n bytes, at least FLAG_VALUE_MAX + 1 for strings):
 *   bool     "true" or "false" (any case) -> "true" / "false"
 *   percent  an integer 0..100, optionally followed by "%", that is 0, 100
 *            or a multiple of the flag's step -> "40"
 *   enum     exactly one of the runbook's values (case matters)
 *   string   any non-empty text up to FLAG_VALUE_MAX bytes without NUL
 * CUTOVER_EVALIDATE with err saying what the flag accepts; CUTOVER_EINVAL
 * when out is too small. */
enum cutover_status flag_value_normalize(const struct runbook_flag *f, const char *in, char *out,
					 size_t n, struct cutover_err *err) CUTOVER_MUST_CHECK;

/* The opposite of a bool flag's current value.  CUTOVER_EVALIDATE when the
 * flag is not a bool or current is not true/false (err says to set it
 * explicitly). */
enum cutover_status flag_value_toggle(const struct runbook_flag *f, const char *current,
				      char *out, size_t n,
				      struct cutover_err *err) CUTOVER_MUST_CHECK;

/* A percent flag moved one step up (dir > 0) or down (dir < 0) from
 * current: to the next multiple of the step in that direction (so an
 * off-grid 25 with step 10 goes to 30 or 20), clamped to 0..100.  The
 * result may equal current (already at 0 or 100).  CUTOVER_EVALIDATE when
 * the flag is not a percent, dir is 0, or current is not 0..100. */
enum cutover_status flag_value_step(const struct runbook_flag *f, const char *current, int dir,
				    char *out, size_t n, struct cutover_err *err) CUTOVER_MUST_CHECK;

#endif
