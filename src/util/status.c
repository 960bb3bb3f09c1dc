/* status.c: the message table and the caller-owned error helpers. */
#include <stdarg.h>
#include <stdio.h>

#include "cutover/status.h"

static const char *const status_text[] = {
#define CUTOVER_STATUS_TEXT(name, msg) msg,
	CUTOVER_STATUS_LIST(CUTOVER_STATUS_TEXT)
#undef CUTOVER_STATUS_TEXT
};

const char *cutover_status_str(enum cutover_status st)
{
	if ((unsigned)st >= CUTOVER_STATUS_COUNT)
		return "unknown status";
	return status_text[st];
}

enum cutover_status cutover_errf(struct cutover_err *err, enum cutover_status st,
				 const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return st;
	err->status = st;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return st;
}

void cutover_err_clear(struct cutover_err *err)
{
	if (!err)
		return;
	err->status = CUTOVER_OK;
	err->msg[0] = '\0';
}
