/* fmt.c: header and status-line texts (see fmt.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "safe_text.h"

static const char *dash(unsigned flags)
{
	return flags & SAFE_TEXT_ASCII ? "-" : "\xe2\x80\x93"; /* – */
}

static const char *dot(unsigned flags)
{
	return flags & SAFE_TEXT_ASCII ? "-" : "\xc2\xb7"; /* · */
}

char *fmt_duration(char *buf, size_t cap, double seconds, unsigned flags)
{
	long s;

	if (!cap)
		return buf;
	if (isnan(seconds) || seconds < 0) {
		snprintf(buf, cap, "%s", dash(flags));
		return buf;
	}
	s = seconds > 1e9 ? 1000000000L : (long)seconds;
	if (s < 60)
		snprintf(buf, cap, "%lds", s);
	else if (s < 3600)
		snprintf(buf, cap, "%ldm", s / 60);
	else if (s < 86400)
		snprintf(buf, cap, "%ldh%02ldm", s / 3600, s / 60 % 60);
	else
		snprintf(buf, cap, "%ldd%02ldh", s / 86400, s / 3600 % 24);
	return buf;
}

char *fmt_elapsed(char *buf, size_t cap, double elapsed_s, double estimate_s, unsigned flags)
{
	char a[32], b[32];

	if (!cap)
		return buf;
	fmt_duration(a, sizeof(a), elapsed_s, flags);
	if (isnan(estimate_s) || estimate_s < 0)
		snprintf(buf, cap, "%s", a);
	else
		snprintf(buf, cap, "%s/%s", a, fmt_duration(b, sizeof(b), estimate_s, flags));
	return buf;
}

char *fmt_age(char *buf, size_t cap, double age_s, unsigned flags)
{
	char d[32];

	if (!cap)
		return buf;
	if (isnan(age_s))
		snprintf(buf, cap, "never polled");
	else if (age_s < 1)
		snprintf(buf, cap, "polled just now");
	else
		snprintf(buf, cap, "polled %s ago", fmt_duration(d, sizeof(d), age_s, flags));
	return buf;
}

char *fmt_stale(char *buf, size_t cap, double age_s, const char *reason, unsigned flags)
{
	char d[32], r[200];
	int rc;

	if (!cap)
		return buf;
	rc = reason ? safe_text_buf(r, sizeof(r), reason, 40, flags) : 0;
	if (isnan(age_s))
		snprintf(buf, cap, "no data");
	else
		snprintf(buf, cap, "stale %s", fmt_duration(d, sizeof(d), age_s, flags));
	if (rc) {
		size_t n = strlen(buf);

		snprintf(buf + n, cap - n, " %s %s", dot(flags), r);
	}
	return buf;
}

/* Drop a trailing ".0" ("38.0" -> "38"). */
static void trim_zero(char *s)
{
	size_t n = strlen(s);

	if (n > 2 && strcmp(s + n - 2, ".0") == 0)
		s[n - 2] = '\0';
}

char *fmt_value(char *buf, size_t cap, double v, const char *unit)
{
	char num[32];
	double a = fabs(v);
	const char *sp;

	if (!cap)
		return buf;
	if (isnan(v)) {
		snprintf(buf, cap, "no data");
		return buf;
	}
	if (isinf(v))
		snprintf(num, sizeof(num), "%sinf", v < 0 ? "-" : "");
	else if (v == 0)
		snprintf(num, sizeof(num), "0");
	else if (a < 1)
		snprintf(num, sizeof(num), "%.2g", v);
	else if (a < 10)
		snprintf(num, sizeof(num), "%.1f", v);
	else if (a < 100) {
		snprintf(num, sizeof(num), "%.1f", v);
		trim_zero(num);
	} else if (a < 1e3)
		snprintf(num, sizeof(num), "%.0f", v);
	else if (a < 1e6) {
		snprintf(num, sizeof(num), "%.1fk", v / 1e3);
	} else if (a < 1e9)
		snprintf(num, sizeof(num), "%.1fM", v / 1e6);
	else
		snprintf(num, sizeof(num), "%.3g", v);
	if (!unit || !*unit)
		sp = "";
	else
		sp = strcmp(unit, "%") == 0 ? "" : " ";
	snprintf(buf, cap, "%s%s%s", num, sp, unit ? unit : "");
	return buf;
}

char *fmt_clock(char *buf, size_t cap, time_t t, bool utc)
{
	struct tm tm;

	if (!cap)
		return buf;
	if (!(utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm))) {
		snprintf(buf, cap, "--:--:--");
		return buf;
	}
	snprintf(buf, cap, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
	return buf;
}

char *fmt_expiry(char *buf, size_t cap, double seconds_left, unsigned flags)
{
	char d[32];

	if (!cap)
		return buf;
	if (isnan(seconds_left))
		buf[0] = '\0';
	else if (seconds_left <= 0)
		snprintf(buf, cap, "creds expired");
	else
		snprintf(buf, cap, "creds %s", fmt_duration(d, sizeof(d), seconds_left, flags));
	return buf;
}

char *fmt_lr(char *buf, size_t cap, int width, const char *left, const char *right,
	     const char *fill, unsigned flags, int *cols)
{
	struct strbuf r = STRBUF_INIT, out = STRBUF_INIT;
	int rc = 0, lc = 0, used;
	size_t flen = strlen(fill);

	if (cols)
		*cols = 0;
	if (!cap)
		return buf;
	buf[0] = '\0';
	if (width <= 0)
		return buf;
	/* Right first: it holds the clock and freshness, which must not go. */
	if (safe_text_fit(&r, right, right ? strlen(right) : 0, width, flags, &rc) != CUTOVER_OK)
		goto out;
	if (rc < width) {
		int room = width - rc - (rc ? 1 : 0);

		if (safe_text_fit(&out, left, left ? strlen(left) : 0, room, flags, &lc) !=
		    CUTOVER_OK)
			goto out;
	}
	for (used = lc; used < width - rc; used++)
		if (strbuf_append(&out, fill, flen) != CUTOVER_OK)
			goto out;
	if (strbuf_append(&out, strbuf_str(&r), r.len) != CUTOVER_OK)
		goto out;
	if (out.len < cap) {
		memcpy(buf, strbuf_str(&out), out.len + 1);
		if (cols)
			*cols = width;
	} else {
		/* Too small a buffer for the whole line: the caller's bug;
		 * give back a line that is at least safe and whole. */
		int c = safe_text_buf(buf, cap, strbuf_str(&out), width, flags);
		if (cols)
			*cols = c;
	}
out:
	strbuf_free(&r);
	strbuf_free(&out);
	return buf;
}
