/* aws_time.h: RFC 3339 timestamps as AWS credential sources write them
 * ("2030-01-01T00:00:00Z", with optional fractional seconds and a numeric
 * offset).  Internal to src/aws/.  Pure functions, any thread. */
#ifndef CUTOVER_AWS_TIME_H
#define CUTOVER_AWS_TIME_H

#include <stddef.h>
#include <time.h>

#include "cutover/status.h"

/* Parse s into epoch seconds (fractions are dropped).  CUTOVER_EPARSE when s
 * is not an RFC 3339 date-time with a zone; *out is untouched then. */
enum cutover_status aws_time_parse_rfc3339(const char *s, time_t *out) CUTOVER_MUST_CHECK;

/* Format t as "2030-01-01T00:00:00Z" into buf (at least 21 bytes). */
void aws_time_format_rfc3339(time_t t, char *buf, size_t size);

#endif
