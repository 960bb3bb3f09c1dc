/* palette.c: roles to curses colour pairs (see palette.h). */
#include "palette.h"

static attr_t attrs_of(unsigned a)
{
	attr_t out = A_NORMAL;

	if (a & THEME_BOLD)
		out |= A_BOLD;
	if (a & THEME_DIM)
		out |= A_DIM;
	if (a & THEME_REVERSE)
		out |= A_REVERSE;
	if (a & THEME_UNDERLINE)
		out |= A_UNDERLINE;
	return out;
}

static void mono(struct palette *p)
{
	struct theme t = { 0 };
	struct theme_resolved m;

	theme_resolve(&t, THEME_DEPTH_MONO, &m);
	for (int r = 0; r < ROLE_COUNT; r++)
		p->attr[r] = attrs_of(m.role[r].attrs);
}

/* curses wants 0-1000 per channel. */
static int channel(unsigned rgb, int shift)
{
	return (int)((rgb >> shift & 255) * 1000 / 255);
}

enum cutover_status palette_install(struct palette *p, const struct theme_resolved *r,
				    struct cutover_err *err)
{
	if (r->depth == THEME_DEPTH_MONO) {
		for (int i = 0; i < ROLE_COUNT; i++)
			p->attr[i] = attrs_of(r->role[i].attrs);
		return CUTOVER_OK;
	}
	/* -1 means the terminal's own colours; without this, curses would
	 * paint every default background black. */
	use_default_colors();
	for (int i = 0; i < r->n_palette; i++) {
		unsigned rgb = r->palette[i].rgb;

		if (init_extended_color(r->palette[i].slot, channel(rgb, 16), channel(rgb, 8),
					channel(rgb, 0)) == ERR) {
			mono(p);
			return cutover_errf(err, CUTOVER_EUNSUPPORTED,
					    "the terminal refused to redefine colour %d; "
					    "showing the theme in monochrome (try --theme "
					    "monochrome or another TERM)", r->palette[i].slot);
		}
	}
	for (int i = 0; i < ROLE_COUNT; i++) {
		if (init_extended_pair(i + 1, r->role[i].fg, r->role[i].bg) == ERR) {
			mono(p);
			return cutover_errf(err, CUTOVER_EUNSUPPORTED,
					    "the terminal refused colours %d on %d for role '%s'; "
					    "showing the theme in monochrome", r->role[i].fg,
					    r->role[i].bg, theme_role_name((enum theme_role)i));
		}
		p->attr[i] = COLOR_PAIR(i + 1) | attrs_of(r->role[i].attrs);
	}
	return CUTOVER_OK;
}

attr_t palette_attr(const struct palette *p, enum theme_role role)
{
	if ((unsigned)role >= ROLE_COUNT)
		return A_NORMAL;
	return p->attr[role];
}
