/* header.h: the header line (the top frame row) as cells:
 *
 *   ┌ cutover · directfanz-aws-migration  PRODUCTION  us-east-1 ── alice · 14:03:27 · creds 42m ┐
 *
 * Production is unmistakable: its badge is upper case in ROLE_PROD_BANNER;
 * any other environment gets ROLE_STAGING_BANNER.  When the width is short,
 * parts go in this order: credentials, region, identity, the "cutover"
 * name; then the runbook name is cut.  The badge and the clock stay.
 * Credentials turn WARN under 15 minutes and CRIT when expired.  Pure. */
#ifndef CUTOVER_HEADER_H
#define CUTOVER_HEADER_H

#include <stdbool.h>
#include <time.h>

#include "cell.h"

struct header_view {
	const char *runbook;     /* the runbook's name */
	const char *environment; /* "production", "staging", ... */
	bool production;         /* the runbook says production */
	const char *region;      /* may be NULL */
	const char *identity;    /* operator, e.g. from GetCallerIdentity; may be NULL */
	time_t now;
	bool utc;                /* clock in UTC rather than local time */
	double creds_left_s;     /* NaN: nothing expires */
};

/* Render h into exactly width cells of out (0 when width < 2).  flags:
 * SAFE_TEXT_ASCII.  Every string is sanitized.  Needs a UTF-8 LC_CTYPE
 * unless ASCII. */
int header_render(const struct header_view *h, int width, unsigned flags, struct cell *out);

#endif
