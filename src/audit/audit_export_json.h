/* audit_export_json.h: the log as a JSON array (cJSON stays in this file
 * pair's .c).  Internal to src/audit/. */
#ifndef CUTOVER_AUDIT_EXPORT_JSON_H
#define CUTOVER_AUDIT_EXPORT_JSON_H

#include <stdio.h>

#include "audit/audit_rows.h"

enum cutover_status audit_export_json(const struct audit_rows *rows, FILE *out,
				      struct cutover_err *err) CUTOVER_MUST_CHECK;

#endif
