/* aws_time.c: RFC 3339 parsing and formatting for credential expiry times.
 *
 * Written by hand because POSIX has neither timegm() nor a strptime() that
 * handles zones: the civil-to-days conversion is Howard Hinnant's
 * days_from_civil, exact for the proleptic Gregorian calendar. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "aws_time.h"

static int digits(const char **p, int n, long *out)
{
	long v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return 0;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 1;
}

static long long days_from_civil(long y, long m, long d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(long y, long m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : dm[m - 1];
}

enum cutover_status aws_time_parse_rfc3339(const char *s, time_t *out)
{
	long y, mo, d, h, mi, sec, oh = 0, om = 0;
	int sign = 0;
	const char *p = s;
	long long t;

	if (!s)
		return CUTOVER_EPARSE;
	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d))
		return CUTOVER_EPARSE;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return CUTOVER_EPARSE;
	p++;
	if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi) || *p++ != ':' ||
	    !digits(&p, 2, &sec))
		return CUTOVER_EPARSE;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return CUTOVER_EPARSE;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (!digits(&p, 2, &oh) || *p++ != ':' || !digits(&p, 2, &om) || oh > 23 || om > 59)
			return CUTOVER_EPARSE;
	} else {
		return CUTOVER_EPARSE;
	}
	if (*p != '\0')
		return CUTOVER_EPARSE;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
	    sec > 60)
		return CUTOVER_EPARSE;
	t = days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + sec;
	t -= sign * (oh * 3600LL + om * 60LL);
	if ((long long)(time_t)t != t)
		return CUTOVER_EPARSE;
	*out = (time_t)t;
	return CUTOVER_OK;
}

void aws_time_format_rfc3339(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, size, "(invalid time)");
		return;
	}
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
