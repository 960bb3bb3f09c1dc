/* glyph.h: how each state looks: a glyph, a word and a colour role, never
 * the colour alone (Argo Rollouts' ✔ ✖ ◌ ◐).  Each glyph is one column; the
 * ASCII one is used when the terminal is not UTF-8.  The engine's own enums
 * (phase status, gauge level, source freshness) map onto these ids in the
 * console; keeping the table here keeps the look in one place. */
#ifndef CUTOVER_GLYPH_H
#define CUTOVER_GLYPH_H

#include <stdbool.h>

#include "theme.h"

/* _(ENUM, "utf8", "ascii", "word", role) */
#define GLYPHS(_) \
	_(PHASE_PENDING,   "\xe2\x97\x8c", ".", "pending",   ROLE_PENDING)   /* ◌ */ \
	_(PHASE_RUNNING,   "\xe2\x97\x90", ">", "running",   ROLE_RUNNING)   /* ◐ */ \
	_(PHASE_WAITING,   "\xe2\x8f\xb8", "=", "waiting",   ROLE_WARN)      /* ⏸ */ \
	_(PHASE_SUCCEEDED, "\xe2\x9c\x94", "+", "succeeded", ROLE_OK)        /* ✔ */ \
	_(PHASE_FAILED,    "\xe2\x9c\x96", "x", "failed",    ROLE_CRIT)      /* ✖ */ \
	_(PHASE_TIMED_OUT, "\xe2\x9c\x96", "x", "timed out", ROLE_CRIT)      /* ✖ */ \
	_(PHASE_ABORTED,   "\xe2\x96\xa0", "-", "aborted",   ROLE_DIM)       /* ■ */ \
	_(PHASE_STUCK,     "\xe2\xa7\x97", "!", "stuck?",    ROLE_WARN)      /* ⧗ */ \
	_(GAUGE_NODATA,    "\xe2\x97\x8b", "?", "no data",   ROLE_DIM)       /* ○ */ \
	_(GAUGE_OK,        "\xe2\x9c\x94", "+", "ok",        ROLE_OK)        /* ✔ */ \
	_(GAUGE_WARN,      "\xe2\x96\xb2", "!", "warn",      ROLE_WARN)      /* ▲ */ \
	_(GAUGE_CRITICAL,  "\xe2\x9c\x96", "X", "critical",  ROLE_CRIT)      /* ✖ */ \
	_(GAUGE_TRIGGERED, "\xe2\x80\xbc", "#", "triggered", ROLE_TRIGGERED) /* ‼ */ \
	_(SOURCE_FRESH,    "\xe2\x9c\x94", "+", "fresh",     ROLE_OK)        /* ✔ */ \
	_(SOURCE_STALE,    "\xe2\x9a\xa0", "!", "stale",     ROLE_STALE)     /* ⚠ */

enum glyph_id {
#define GLYPH_ENUM(name, utf8, ascii, word, role) GLYPH_##name,
	GLYPHS(GLYPH_ENUM)
#undef GLYPH_ENUM
	GLYPH_COUNT
};

struct glyph {
	const char *utf8, *ascii, *word;
	enum theme_role role;
};

/* The glyph for id; out-of-range ids give a "?" glyph in ROLE_NORMAL. */
const struct glyph *glyph_get(enum glyph_id id);

/* Its one-column symbol for the terminal. */
const char *glyph_symbol(enum glyph_id id, bool ascii);

#endif
