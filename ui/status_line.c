/* status_line.c: the status line as cells (see status_line.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "glyph.h"
#include "safe_text.h"
#include "status_line.h"

#define TEXT_MAX 1024

static int cols_of(const char *s, unsigned flags)
{
	struct strbuf sb = STRBUF_INIT;
	int cols = 0;

	if (safe_text_append(&sb, s, strlen(s), flags, &cols) != CUTOVER_OK)
		cols = (int)strlen(s);
	strbuf_free(&sb);
	return cols;
}

/* The freshness text at a level of detail: 2 with errors, 1 names and
 * ages, 0 a count.  *role gets its role. */
static void freshness(const struct source_view *src, size_t n, int level, unsigned flags,
		      char *buf, size_t cap, enum theme_role *role)
{
	bool ascii = flags & SAFE_TEXT_ASCII;
	const char *sep = ascii ? " - " : " \xc2\xb7 ";
	size_t used = 0, nstale = 0;
	double oldest = NAN;

	bool waiting = false;

	buf[0] = '\0';
	*role = ROLE_DIM;
	if (!n)
		return;
	for (size_t i = 0; i < n; i++) {
		if (src[i].stale)
			nstale++;
		else if (isnan(src[i].age_s))
			waiting = true;
		else if (isnan(oldest) || src[i].age_s > oldest)
			oldest = src[i].age_s;
	}
	if (!nstale && waiting) {
		/* Just started: nothing to vouch for yet. */
		snprintf(buf, cap, "first poll%s", ascii ? "..." : "\xe2\x80\xa6");
		*role = ROLE_PENDING;
		return;
	}
	if (!nstale) {
		char age[48];

		fmt_age(age, sizeof(age), oldest, flags);
		snprintf(buf, cap, "%s %s", age, glyph_symbol(GLYPH_SOURCE_FRESH, ascii));
		*role = ROLE_OK;
		return;
	}
	*role = ROLE_STALE;
	if (level == 0) {
		snprintf(buf, cap, "%zu %s stale %s", nstale, nstale == 1 ? "source" : "sources",
			 glyph_symbol(GLYPH_SOURCE_STALE, ascii));
		return;
	}
	for (size_t i = 0; i < n && used < cap; i++) {
		char st[128];
		int w;

		if (!src[i].stale)
			continue;
		fmt_stale(st, sizeof(st), src[i].age_s, level >= 2 ? src[i].error : NULL, flags);
		w = snprintf(buf + used, cap - used, "%s%s %s", used ? sep : "",
			     src[i].name ? src[i].name : "?", st);
		if (w < 0 || (size_t)w >= cap - used)
			break;
		used += (size_t)w;
	}
	snprintf(buf + used, cap - used, " %s", glyph_symbol(GLYPH_SOURCE_STALE, ascii));
}

int status_line_render(const struct keymap *km, const struct key_hint *hints, size_t nhints,
		       const struct source_view *src, size_t nsrc, int width, unsigned flags,
		       struct cell *out)
{
	bool ascii = flags & SAFE_TEXT_ASCII;
	const char *fill = ascii ? "-" : "\xe2\x94\x80";
	char right[TEXT_MAX], left[TEXT_MAX];
	enum theme_role rrole = ROLE_OK;
	int rcols = 0, at = 0, inner;

	if (width < 2)
		return 0;
	inner = width - 2; /* the two corners */
	/* The most detailed freshness text that leaves room for a fill column
	 * and the first hint (roughly "? help"). */
	for (int level = 2; level >= 0; level--) {
		freshness(src, nsrc, level, flags, right, sizeof(right), &rrole);
		rcols = right[0] ? cols_of(right, flags) + 2 : 0; /* a blank each side */
		if (rcols + 8 <= inner || level == 0)
			break;
	}
	if (rcols > inner)
		rcols = inner;
	keymap_hints(km, hints, nhints, inner - rcols - 3, left, sizeof(left));

	cell_set(&out[at++], ascii ? "+" : "\xe2\x94\x94", ROLE_BORDER);
	if (left[0] && inner - rcols >= 3) {
		int lcols = (int)strlen(left); /* hints are ASCII */
		at += cells_blank(out + at, 1, ROLE_BORDER);
		cells_from_text(out + at, lcols, left, ROLE_HINT, flags);
		at += lcols;
		at += cells_blank(out + at, 1, ROLE_BORDER);
	}
	while (at < 1 + inner - rcols)
		cell_set(&out[at++], fill, ROLE_BORDER);
	if (rcols >= 2) {
		at += cells_blank(out + at, 1, ROLE_BORDER);
		cells_from_text(out + at, rcols - 2, right, rrole, flags);
		at += rcols - 2;
		at += cells_blank(out + at, 1, ROLE_BORDER);
	} else {
		at += cells_blank(out + at, rcols, ROLE_BORDER);
	}
	cell_set(&out[at++], ascii ? "+" : "\xe2\x94\x98", ROLE_BORDER);
	return width;
}
