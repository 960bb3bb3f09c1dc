/* sts_json.h: reading a GetCallerIdentity answer, JSON or XML.  Internal. */
#ifndef CUTOVER_STS_JSON_H
#define CUTOVER_STS_JSON_H

#include <stddef.h>

#include "cutover/aws_sts.h"

enum cutover_status sts_json_identity(const char *body, size_t len, struct sts_identity *out,
				      const char **what);

#endif
