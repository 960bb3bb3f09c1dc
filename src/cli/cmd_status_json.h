/* cmd_status_json.h: `cutover status --json`, an engine snapshot as one
 * JSON document for scripts (the keys are listed in docs/architecture.md). */
#ifndef CUTOVER_CMD_STATUS_JSON_H
#define CUTOVER_CMD_STATUS_JSON_H

#include <stdbool.h>

#include "cutover/engine.h"

/* The snapshot as JSON text with the exit code and its one-word summary
 * ("ok", "warning", "critical", "unreachable").  pretty: indented; else one
 * line (for --watch, one document per line).  Heap string the caller frees;
 * NULL when out of memory. */
char *status_json_render(const struct engine_snapshot *s, int exit_code, const char *summary,
                         bool pretty);

#endif
