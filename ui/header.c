/* header.c: the header line as cells (see header.h). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "header.h"
#include "safe_text.h"

#define SEGS 16
#define SEG_TEXT 160

struct seg {
	char text[SEG_TEXT];
	enum theme_role role;
	int drop;   /* 0: never dropped; higher goes first */
	bool stretch; /* the runbook name: cut rather than dropped */
	int cols;
};

static int text_cols(const char *s, unsigned flags)
{
	struct cell tmp[SEG_TEXT];

	return cells_from_text(tmp, SEG_TEXT, s, ROLE_NORMAL, flags);
}

static void add(struct seg *v, int *n, const char *text, enum theme_role role, int drop,
		unsigned flags)
{
	struct seg *s = &v[(*n)++];

	snprintf(s->text, sizeof(s->text), "%s", text ? text : "");
	s->role = role;
	s->drop = drop;
	s->stretch = false;
	s->cols = text_cols(s->text, flags);
}

int header_render(const struct header_view *h, int width, unsigned flags, struct cell *out)
{
	bool ascii = flags & SAFE_TEXT_ASCII;
	const char *dot = ascii ? " - " : " \xc2\xb7 ", *fill = ascii ? "-" : "\xe2\x94\x80";
	struct seg left[SEGS], right[SEGS];
	int nl = 0, nr = 0, total, at = 0, runbook = -1;
	char env[64], clock[16], creds[32];

	if (width < 2)
		return 0;
	/* The badge: " PRODUCTION " shouts; others say their name. */
	snprintf(env, sizeof(env), " %s ", h->environment && *h->environment ? h->environment
									 : "unknown env");
	if (h->production)
		for (char *p = env; *p; p++)
			*p = (char)toupper((unsigned char)*p);

	add(left, &nl, ascii ? "+ " : "\xe2\x94\x8c ", ROLE_BORDER, 0, flags);
	add(left, &nl, "cutover", ROLE_TITLE, 2, flags);
	add(left, &nl, dot, ROLE_DIM, 2, flags);
	runbook = nl;
	add(left, &nl, h->runbook, ROLE_HEADER, 0, flags);
	left[runbook].stretch = true;
	/* The badge's own colour sets it apart: plain blanks around it. */
	add(left, &nl, " ", ROLE_BORDER, 0, flags);
	add(left, &nl, env, h->production ? ROLE_PROD_BANNER : ROLE_STAGING_BANNER, 0, flags);
	if (h->region && *h->region) {
		add(left, &nl, " ", ROLE_BORDER, 4, flags);
		add(left, &nl, h->region, ROLE_NORMAL, 4, flags);
	}
	add(left, &nl, " ", ROLE_BORDER, 0, flags);

	add(right, &nr, " ", ROLE_BORDER, 0, flags);
	if (h->identity && *h->identity) {
		add(right, &nr, h->identity, ROLE_NORMAL, 3, flags);
		add(right, &nr, dot, ROLE_DIM, 3, flags);
	}
	add(right, &nr, fmt_clock(clock, sizeof(clock), h->now, h->utc), ROLE_HEADER, 0, flags);
	if (!isnan(h->creds_left_s)) {
		add(right, &nr, dot, ROLE_DIM, 5, flags);
		add(right, &nr, fmt_expiry(creds, sizeof(creds), h->creds_left_s, flags),
		    h->creds_left_s <= 0 ? ROLE_CRIT : h->creds_left_s < 900 ? ROLE_WARN : ROLE_NORMAL,
		    5, flags);
	}
	add(right, &nr, ascii ? " +" : " \xe2\x94\x90", ROLE_BORDER, 0, flags);

	/* Drop the least needed parts until the rest fits (one fill column
	 * at least between the halves). */
	for (int level = 5; level >= 0; level--) {
		total = 1;
		for (int i = 0; i < nl; i++)
			total += left[i].cols;
		for (int i = 0; i < nr; i++)
			total += right[i].cols;
		if (total <= width || level == 0)
			break;
		for (int i = 0; i < nl; i++)
			if (left[i].drop == level)
				left[i].cols = 0;
		for (int i = 0; i < nr; i++)
			if (right[i].drop == level)
				right[i].cols = 0;
	}
	/* Still too wide: cut the runbook name, down to nothing. */
	if (total > width) {
		int over = total - width;
		left[runbook].cols = left[runbook].cols > over ? left[runbook].cols - over : 0;
		total -= over;
	}
	for (int i = 0; i < nl && at < width; i++) {
		int c = left[i].cols;
		if (c > width - at)
			c = width - at;
		if (c > 0) {
			cells_from_text(out + at, c, left[i].text, left[i].role, flags);
			at += c;
		}
	}
	{
		int rcols = 0;
		for (int i = 0; i < nr; i++)
			rcols += right[i].cols;
		while (at < width - rcols)
			cell_set(&out[at++], fill, ROLE_BORDER);
		for (int i = 0; i < nr && at < width; i++) {
			int c = right[i].cols;
			if (c > width - at)
				c = width - at;
			if (c > 0) {
				cells_from_text(out + at, c, right[i].text, right[i].role, flags);
				at += c;
			}
		}
	}
	while (at < width)
		cell_set(&out[at++], fill, ROLE_BORDER);
	return width;
}
