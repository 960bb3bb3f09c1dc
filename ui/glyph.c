/* glyph.c: the state glyph table (see glyph.h). */
#include "glyph.h"

static const struct glyph glyphs[GLYPH_COUNT] = {
#define GLYPH_INFO(name, utf8, ascii, word, role) [GLYPH_##name] = { utf8, ascii, word, role },
	GLYPHS(GLYPH_INFO)
#undef GLYPH_INFO
};

static const struct glyph unknown = { "?", "?", "unknown", ROLE_NORMAL };

const struct glyph *glyph_get(enum glyph_id id)
{
	return (unsigned)id < GLYPH_COUNT ? &glyphs[id] : &unknown;
}

const char *glyph_symbol(enum glyph_id id, bool ascii)
{
	const struct glyph *g = glyph_get(id);

	return ascii ? g->ascii : g->utf8;
}
