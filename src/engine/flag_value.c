/* flag_value.c: the values a flag may take and the keypress operations on
 * them.  Pure functions, shared by the action path and the console's
 * preview, so that what the screen proposes is what the action accepts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cutover/flag_value.h"

static int ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = (char)(*a >= 'A' && *a <= 'Z' ? *a + 32 : *a);
		char y = (char)(*b >= 'A' && *b <= 'Z' ? *b + 32 : *b);

		if (x != y)
			return 0;
	}
	return *a == *b;
}

/* 1 true, 0 false, -1 neither. */
static int parse_bool(const char *s)
{
	if (!s)
		return -1;
	if (ieq(s, "true"))
		return 1;
	if (ieq(s, "false"))
		return 0;
	return -1;
}

/* An integer 0..100 with an optional trailing '%'; -1 when it is not. */
static long parse_percent(const char *s)
{
	char *end;
	long v;

	if (!s || !*s || !(*s >= '0' && *s <= '9'))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (*end == '%')
		end++;
	if (*end || v < 0 || v > 100)
		return -1;
	return v;
}

static enum cutover_status put(char *out, size_t n, const char *s, struct cutover_err *err)
{
	size_t len = strlen(s);

	if (len >= n)
		return cutover_errf(err, CUTOVER_EINVAL, "flag value: %zu bytes do not fit in %zu",
				    len, n);
	memcpy(out, s, len + 1);
	return CUTOVER_OK;
}

static unsigned step_of(const struct runbook_flag *f)
{
	return f->step >= 1 && f->step <= 100 ? f->step : 10;
}

enum cutover_status flag_value_normalize(const struct runbook_flag *f, const char *in, char *out,
					 size_t n, struct cutover_err *err)
{
	char num[24];

	if (!f || !in || !out || n == 0)
		return cutover_errf(err, CUTOVER_EINVAL, "flag value: missing argument");
	switch (f->type) {
	case RUNBOOK_FLAG_BOOL: {
		int b = parse_bool(in);

		if (b < 0)
			return cutover_errf(err, CUTOVER_EVALIDATE,
					    "flag %s is a bool: give true or false, not '%.64s'", f->id,
					    in);
		return put(out, n, b ? "true" : "false", err);
	}
	case RUNBOOK_FLAG_PERCENT: {
		long v = parse_percent(in);
		unsigned step = step_of(f);

		if (v < 0)
			return cutover_errf(err, CUTOVER_EVALIDATE,
					    "flag %s is a percent: give a whole number from 0 to 100, "
					    "not '%.64s'", f->id, in);
		if (v != 0 && v != 100 && v % (long)step != 0)
			return cutover_errf(err, CUTOVER_EVALIDATE,
					    "flag %s moves in steps of %u: %ld is not 0, 100 or a "
					    "multiple of %u (nearest: %ld or %ld)", f->id, step, v, step,
					    v / (long)step * (long)step,
					    v / (long)step * (long)step + (long)step > 100 ?
						    100 : v / (long)step * (long)step + (long)step);
		snprintf(num, sizeof(num), "%ld", v);
		return put(out, n, num, err);
	}
	case RUNBOOK_FLAG_ENUM: {
		char list[512];
		size_t used = 0;

		for (size_t i = 0; i < f->nvalues; i++)
			if (strcmp(in, f->values[i]) == 0)
				return put(out, n, f->values[i], err);
		list[0] = '\0';
		for (size_t i = 0; i < f->nvalues && used < sizeof(list); i++) {
			int w = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
					 f->values[i]);
			if (w < 0)
				break;
			used += (size_t)w;
		}
		return cutover_errf(err, CUTOVER_EVALIDATE,
				    "flag %s is an enum: give one of %s (case matters), not '%.64s'",
				    f->id, list, in);
	}
	case RUNBOOK_FLAG_STRING:
		if (!*in)
			return cutover_errf(err, CUTOVER_EVALIDATE,
					    "flag %s: SSM cannot store an empty value; give some text",
					    f->id);
		if (strlen(in) > FLAG_VALUE_MAX)
			return cutover_errf(err, CUTOVER_EVALIDATE,
					    "flag %s: %zu bytes is more than SSM's %d-byte limit",
					    f->id, strlen(in), FLAG_VALUE_MAX);
		return put(out, n, in, err);
	default:
		break;
	}
	return cutover_errf(err, CUTOVER_EINVAL, "flag %s: unknown type", f->id);
}

enum cutover_status flag_value_toggle(const struct runbook_flag *f, const char *current,
				      char *out, size_t n, struct cutover_err *err)
{
	int b;

	if (!f || !out || n == 0)
		return cutover_errf(err, CUTOVER_EINVAL, "flag toggle: missing argument");
	if (f->type != RUNBOOK_FLAG_BOOL)
		return cutover_errf(err, CUTOVER_EVALIDATE,
				    "flag %s is a %s, not a bool: only a bool can be toggled; set a "
				    "value instead", f->id, runbook_flag_type_name(f->type));
	b = parse_bool(current);
	if (b < 0)
		return cutover_errf(err, CUTOVER_EVALIDATE,
				    "flag %s holds '%.64s', which is neither true nor false: set "
				    "true or false explicitly", f->id, current ? current : "(missing)");
	return put(out, n, b ? "false" : "true", err);
}

enum cutover_status flag_value_step(const struct runbook_flag *f, const char *current, int dir,
				    char *out, size_t n, struct cutover_err *err)
{
	char num[24];
	long v, step, next;

	if (!f || !out || n == 0)
		return cutover_errf(err, CUTOVER_EINVAL, "flag step: missing argument");
	if (f->type != RUNBOOK_FLAG_PERCENT)
		return cutover_errf(err, CUTOVER_EVALIDATE,
				    "flag %s is a %s, not a percent: only a percent can be stepped",
				    f->id, runbook_flag_type_name(f->type));
	if (dir == 0)
		return cutover_errf(err, CUTOVER_EVALIDATE, "flag %s: a step goes up or down", f->id);
	v = parse_percent(current);
	if (v < 0)
		return cutover_errf(err, CUTOVER_EVALIDATE,
				    "flag %s holds '%.64s', which is not a percent from 0 to 100: set "
				    "a value explicitly", f->id, current ? current : "(missing)");
	step = (long)step_of(f);
	if (dir > 0)
		next = (v / step + 1) * step;
	else
		next = v % step ? v / step * step : v - step;
	if (next > 100)
		next = 100;
	if (next < 0)
		next = 0;
	snprintf(num, sizeof(num), "%ld", next);
	return put(out, n, num, err);
}
