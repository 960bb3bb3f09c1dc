/* jsonpos.c: comment blanking, strict JSON syntax check and the position
 * index (see jsonpos.h for why this exists next to cJSON).
 *
 * The scanner is a plain recursive-descent recogniser over the blanked copy;
 * its depth is capped by opts->max_depth before it recurses, so hostile
 * input cannot exhaust the stack.  It stops at the first syntax error:
 * after one, JSON's structure is too ambiguous for later messages to help.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cutover/jsonpos.h"
#include "cutover/strbuf.h"

struct scan {
	struct jsonpos *ix;
	const struct jsonpos_opts *o;
	struct diag_list *diags;
	const unsigned char *s;   /* ix->clean */
	size_t len;
	size_t p;
	enum cutover_status st;   /* first failure; OK while scanning */
};

static void fail(struct scan *sc, size_t off, const char *fmt, ...) CUTOVER_PRINTF(3, 4);

static void fail(struct scan *sc, size_t off, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int line, col;

	if (sc->st != CUTOVER_OK)
		return;
	sc->st = CUTOVER_EPARSE;
	va_start(ap, fmt);
	if (strbuf_vprintf(&sb, fmt, ap) != CUTOVER_OK) {
		va_end(ap);
		sc->st = CUTOVER_ENOMEM;
		strbuf_free(&sb);
		return;
	}
	va_end(ap);
	jsonpos_linecol(sc->ix, off, &line, &col);
	diag_add(sc->diags, line, col, DIAG_ERROR, "%s", strbuf_str(&sb));
	if (sc->diags->oom)
		sc->st = CUTOVER_ENOMEM;
	strbuf_free(&sb);
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when invalid
 * (overlong forms, surrogates and values past U+10FFFF included). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t need;
	unsigned cp, min;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 2; cp = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 3; cp = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4; cp = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return need;
}

/* What stands at off, for "expected X, found Y" messages. */
static void describe(const struct scan *sc, size_t off, char *buf, size_t n)
{
	const unsigned char *s = sc->s;
	unsigned c;

	if (off >= sc->len) {
		snprintf(buf, n, "the end of the file");
		return;
	}
	c = s[off];
	if (c == 0) {
		snprintf(buf, n, "a NUL byte");
	} else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_') {
		size_t e = off;

		while (e < sc->len && e - off < 24 &&
		       ((s[e] >= 'A' && s[e] <= 'Z') || (s[e] >= 'a' && s[e] <= 'z') ||
			(s[e] >= '0' && s[e] <= '9') || s[e] == '_'))
			e++;
		snprintf(buf, n, "'%.*s'", (int)(e - off), (const char *)s + off);
	} else if (c == '\'') {
		snprintf(buf, n, "''' (strings use double quotes)");
	} else if (c > 0x20 && c < 0x7F) {
		snprintf(buf, n, "'%c'", (char)c);
	} else if (c < 0x80) {
		snprintf(buf, n, "control character 0x%02X", c);
	} else if (utf8_len(s + off, sc->len - off) == 0) {
		snprintf(buf, n, "invalid UTF-8 (byte 0x%02X)", c);
	} else {
		size_t len = utf8_len(s + off, sc->len - off);
		unsigned long cp = c & (0x7Fu >> len);

		for (size_t i = 1; i < len; i++)
			cp = (cp << 6) | (s[off + i] & 0x3Fu);
		/* The message goes to a terminal: name, do not print, C1 controls,
		 * line separators and bidi overrides. */
		if (cp <= 0x9F || cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF)
			snprintf(buf, n, "character U+%04lX", cp);
		else
			snprintf(buf, n, "'%.*s'", (int)len, (const char *)s + off);
	}
}

static void skip_ws(struct scan *sc)
{
	while (sc->p < sc->len) {
		unsigned char c = sc->s[sc->p];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		sc->p++;
	}
}

static size_t add_node(struct scan *sc, enum jsonpos_type type, size_t key_off, size_t parent,
		       size_t *prev_sibling)
{
	struct jsonpos *ix = sc->ix;
	struct jsonpos_node *nd;
	size_t id;

	if (ix->count >= sc->o->max_nodes) {
		fail(sc, sc->p, "more than %zu values in one file; this is not a runbook-sized input",
		     sc->o->max_nodes);
		return JSONPOS_NONE;
	}
	if (ix->count == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 256;
		struct jsonpos_node *nodes = realloc(ix->nodes, cap * sizeof(*nodes));

		if (!nodes) {
			sc->st = CUTOVER_ENOMEM;
			return JSONPOS_NONE;
		}
		ix->nodes = nodes;
		ix->cap = cap;
	}
	id = ix->count++;
	nd = &ix->nodes[id];
	nd->type = type;
	nd->off = sc->p;
	nd->end = sc->p;
	nd->key_off = key_off;
	nd->parent = parent;
	nd->first_child = JSONPOS_NONE;
	nd->next_sibling = JSONPOS_NONE;
	nd->nchildren = 0;
	if (parent != JSONPOS_NONE) {
		if (*prev_sibling == JSONPOS_NONE)
			ix->nodes[parent].first_child = id;
		else
			ix->nodes[*prev_sibling].next_sibling = id;
		ix->nodes[parent].nchildren++;
		*prev_sibling = id;
	}
	return id;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A \uXXXX escape at sc->p (pointing at the backslash); -1 when bad. */
static long read_u_escape(struct scan *sc, size_t at)
{
	long v = 0;

	if (at + 6 > sc->len || sc->s[at] != '\\' || sc->s[at + 1] != 'u')
		return -1;
	for (size_t i = 0; i < 4; i++) {
		int h = hexval(sc->s[at + 2 + i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static void scan_string(struct scan *sc)
{
	size_t start = sc->p;

	sc->p++;
	for (;;) {
		unsigned c;

		if (sc->p - start > sc->o->max_string) {
			fail(sc, start, "string longer than %zu bytes; shorten it (the limit keeps "
			     "hostile input from exhausting memory)", sc->o->max_string);
			return;
		}
		if (sc->p >= sc->len) {
			fail(sc, start, "unterminated string: no closing '\"' before the end of the file");
			return;
		}
		c = sc->s[sc->p];
		if (c == '"') {
			sc->p++;
			return;
		}
		if (c == '\n' || c == '\r') {
			fail(sc, start, "unterminated string: a string must end on the line it starts "
			     "(write a line break as \\n)");
			return;
		}
		if (c == 0) {
			fail(sc, sc->p, "NUL byte inside a string; the file must be UTF-8 text");
			return;
		}
		if (c < 0x20) {
			fail(sc, sc->p, "control character 0x%02X inside a string; write it as \\u%04X", c, c);
			return;
		}
		if (c >= 0x80) {
			size_t n = utf8_len(sc->s + sc->p, sc->len - sc->p);

			if (n == 0) {
				fail(sc, sc->p, "invalid UTF-8 (byte 0x%02X) inside a string; "
				     "save the file as UTF-8", c);
				return;
			}
			sc->p += n;
			continue;
		}
		if (c != '\\') {
			sc->p++;
			continue;
		}
		if (sc->p + 1 >= sc->len) {
			fail(sc, start, "unterminated string: no closing '\"' before the end of the file");
			return;
		}
		c = sc->s[sc->p + 1];
		if (strchr("\"\\/bfnrt", (int)c) && c != 0) {
			sc->p += 2;
		} else if (c == 'u') {
			long v = read_u_escape(sc, sc->p);

			if (v < 0) {
				fail(sc, sc->p, "invalid \\u escape: expected 4 hexadecimal digits");
				return;
			}
			if (v == 0) {
				fail(sc, sc->p, "\\u0000 (NUL) is not allowed in a string");
				return;
			}
			if (v >= 0xDC00 && v <= 0xDFFF) {
				fail(sc, sc->p, "unpaired UTF-16 surrogate \\u%04lX", (unsigned long)v);
				return;
			}
			if (v >= 0xD800 && v <= 0xDBFF) {
				long lo = read_u_escape(sc, sc->p + 6);

				if (lo < 0xDC00 || lo > 0xDFFF) {
					fail(sc, sc->p, "unpaired UTF-16 surrogate \\u%04lX", (unsigned long)v);
					return;
				}
				sc->p += 6;
			}
			sc->p += 6;
		} else {
			char what[48];

			describe(sc, sc->p + 1, what, sizeof(what));
			fail(sc, sc->p, "invalid escape: backslash followed by %s; valid escapes are "
			     "\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX", what);
			return;
		}
	}
}

static bool is_digit(const struct scan *sc, size_t at)
{
	return at < sc->len && sc->s[at] >= '0' && sc->s[at] <= '9';
}

static void scan_number(struct scan *sc)
{
	size_t start = sc->p;

	if (sc->s[sc->p] == '-')
		sc->p++;
	if (!is_digit(sc, sc->p)) {
		fail(sc, start, "invalid number: expected a digit after '-'");
		return;
	}
	if (sc->s[sc->p] == '0' && is_digit(sc, sc->p + 1)) {
		fail(sc, start, "invalid number: JSON numbers have no leading zeros");
		return;
	}
	while (is_digit(sc, sc->p))
		sc->p++;
	if (sc->p < sc->len && sc->s[sc->p] == '.') {
		sc->p++;
		if (!is_digit(sc, sc->p)) {
			fail(sc, start, "invalid number: expected a digit after '.'");
			return;
		}
		while (is_digit(sc, sc->p))
			sc->p++;
	}
	if (sc->p < sc->len && (sc->s[sc->p] == 'e' || sc->s[sc->p] == 'E')) {
		sc->p++;
		if (sc->p < sc->len && (sc->s[sc->p] == '+' || sc->s[sc->p] == '-'))
			sc->p++;
		if (!is_digit(sc, sc->p)) {
			fail(sc, start, "invalid number: expected a digit in the exponent");
			return;
		}
		while (is_digit(sc, sc->p))
			sc->p++;
	}
	/* cJSON parses numbers through a 64-byte buffer and fails beyond it. */
	if (sc->p - start > 63)
		fail(sc, start, "number longer than 63 characters");
}

static void not_closed(struct scan *sc, size_t open_off, const char *what)
{
	int line, col;

	jsonpos_linecol(sc->ix, open_off, &line, &col);
	fail(sc, sc->len, "unexpected end of file: the %s opened at line %d, column %d is not closed",
	     what, line, col);
}

static size_t scan_value(struct scan *sc, size_t parent, size_t key_off, size_t *prev,
			 unsigned depth);

static void scan_container(struct scan *sc, size_t id, bool object, unsigned depth)
{
	const char *what = object ? "object" : "array";
	char close = object ? '}' : ']';
	size_t open_off = sc->p, prev = JSONPOS_NONE, comma = JSONPOS_NONE;
	char found[64];

	sc->p++;
	for (;;) {
		size_t key_off = JSONPOS_NONE;

		skip_ws(sc);
		if (sc->p >= sc->len) {
			not_closed(sc, open_off, what);
			return;
		}
		if (sc->s[sc->p] == close) {
			if (comma != JSONPOS_NONE) {
				fail(sc, comma, "trailing comma: remove the ',' before '%c'", close);
				return;
			}
			sc->p++;
			return;
		}
		if (object) {
			if (sc->s[sc->p] != '"') {
				describe(sc, sc->p, found, sizeof(found));
				fail(sc, sc->p, "expected a key in double quotes, found %s", found);
				return;
			}
			key_off = sc->p;
			scan_string(sc);
			if (sc->st != CUTOVER_OK)
				return;
			skip_ws(sc);
			if (sc->p >= sc->len) {
				not_closed(sc, open_off, what);
				return;
			}
			if (sc->s[sc->p] != ':') {
				describe(sc, sc->p, found, sizeof(found));
				fail(sc, sc->p, "expected ':' after the key, found %s", found);
				return;
			}
			sc->p++;
			skip_ws(sc);
		}
		if (sc->p >= sc->len) {
			not_closed(sc, open_off, what);
			return;
		}
		scan_value(sc, id, key_off, &prev, depth + 1);
		if (sc->st != CUTOVER_OK)
			return;
		skip_ws(sc);
		if (sc->p >= sc->len) {
			not_closed(sc, open_off, what);
			return;
		}
		if (sc->s[sc->p] == ',') {
			comma = sc->p++;
			continue;
		}
		if (sc->s[sc->p] == close) {
			sc->p++;
			return;
		}
		describe(sc, sc->p, found, sizeof(found));
		fail(sc, sc->p, "expected ',' or '%c' after %s, found %s", close,
		     object ? "an object member" : "an array element", found);
		return;
	}
}

static bool literal(struct scan *sc, const char *word)
{
	size_t n = strlen(word);

	if (sc->len - sc->p < n || memcmp(sc->s + sc->p, word, n) != 0)
		return false;
	sc->p += n;
	return true;
}

/* Scans the value at sc->p (whitespace already skipped). */
static size_t scan_value(struct scan *sc, size_t parent, size_t key_off, size_t *prev,
			 unsigned depth)
{
	char found[64];
	size_t id;
	unsigned char c;

	if (sc->p >= sc->len) {
		fail(sc, sc->p, "expected a JSON value, found the end of the file");
		return JSONPOS_NONE;
	}
	c = sc->s[sc->p];
	if ((c == '{' || c == '[') && depth > sc->o->max_depth) {
		fail(sc, sc->p, "nested too deeply: more than %u levels of objects and arrays",
		     sc->o->max_depth);
		return JSONPOS_NONE;
	}
	switch (c) {
	case '{': id = add_node(sc, JSONPOS_OBJECT, key_off, parent, prev); break;
	case '[': id = add_node(sc, JSONPOS_ARRAY, key_off, parent, prev); break;
	case '"': id = add_node(sc, JSONPOS_STRING, key_off, parent, prev); break;
	case 't': id = add_node(sc, JSONPOS_TRUE, key_off, parent, prev); break;
	case 'f': id = add_node(sc, JSONPOS_FALSE, key_off, parent, prev); break;
	case 'n': id = add_node(sc, JSONPOS_NULL, key_off, parent, prev); break;
	default:
		if (c == '-' || (c >= '0' && c <= '9')) {
			id = add_node(sc, JSONPOS_NUMBER, key_off, parent, prev);
			break;
		}
		describe(sc, sc->p, found, sizeof(found));
		fail(sc, sc->p, "expected a value, found %s", found);
		return JSONPOS_NONE;
	}
	if (id == JSONPOS_NONE)
		return JSONPOS_NONE;
	switch (c) {
	case '{': scan_container(sc, id, true, depth); break;
	case '[': scan_container(sc, id, false, depth); break;
	case '"': scan_string(sc); break;
	case 't': case 'f': case 'n':
		if (!literal(sc, c == 't' ? "true" : c == 'f' ? "false" : "null")) {
			describe(sc, sc->p, found, sizeof(found));
			fail(sc, sc->p, "expected a value, found %s", found);
		}
		break;
	default: scan_number(sc); break;
	}
	if (sc->st == CUTOVER_OK)
		sc->ix->nodes[id].end = sc->p;
	return id;
}

#define BLOCK 1024

static bool is_lead(char ch)
{
	return ((unsigned char)ch & 0xC0) != 0x80;
}

/* Line starts, and the number of characters before each 1 KiB block, so
 * that a column is found in O(log lines + 1 KiB) even on a 10 MB line. */
static enum cutover_status index_lines(struct jsonpos *ix)
{
	size_t n = 1, cp = 0;

	for (size_t i = 0; i < ix->len; i++)
		if (ix->text[i] == '\n')
			n++;
	ix->lines = malloc(n * sizeof(*ix->lines));
	ix->blocks = malloc((ix->len / BLOCK + 1) * sizeof(*ix->blocks));
	if (!ix->lines || !ix->blocks)
		return CUTOVER_ENOMEM;
	ix->lines[0] = 0;
	ix->nlines = 1;
	for (size_t i = 0; i < ix->len; i++) {
		if (i % BLOCK == 0)
			ix->blocks[i / BLOCK] = cp;
		if (ix->text[i] == '\n')
			ix->lines[ix->nlines++] = i + 1;
		cp += is_lead(ix->text[i]);
	}
	if (ix->len % BLOCK == 0)
		ix->blocks[ix->len / BLOCK] = cp;
	return CUTOVER_OK;
}

/* Characters in text[0..off). */
static size_t chars_before(const struct jsonpos *ix, size_t off)
{
	size_t cp = ix->blocks[off / BLOCK];

	for (size_t i = off / BLOCK * BLOCK; i < off; i++)
		cp += is_lead(ix->text[i]);
	return cp;
}

/* Replace comments with spaces, keeping newlines so that every offset,
 * line and column stays where it was in the original text. */
static void blank_comments(struct scan *sc)
{
	char *t = sc->ix->clean;
	size_t len = sc->len;
	bool in_str = false;

	for (size_t i = 0; i < len; i++) {
		if (in_str) {
			if (t[i] == '\\')
				i++;
			else if (t[i] == '"' || t[i] == '\n')
				in_str = false;
			continue;
		}
		if (t[i] == '"') {
			in_str = true;
		} else if (t[i] == '/' && i + 1 < len && t[i + 1] == '/') {
			while (i < len && t[i] != '\n')
				t[i++] = ' ';
		} else if (t[i] == '/' && i + 1 < len && t[i + 1] == '*') {
			size_t j = i + 2;

			while (j + 1 < len && !(t[j] == '*' && t[j + 1] == '/'))
				j++;
			if (j + 1 >= len) {
				fail(sc, i, "unterminated /* comment: no closing */ before the end of the file");
				return;
			}
			for (size_t k = i; k < j + 2; k++)
				if (t[k] != '\n' && t[k] != '\r')
					t[k] = ' ';
			i = j + 1;
		}
	}
}

enum cutover_status jsonpos_build(struct jsonpos *ix, const char *text, size_t len,
				  const struct jsonpos_opts *opts, struct diag_list *diags)
{
	static const struct jsonpos_opts defaults = JSONPOS_OPTS_DEFAULT;
	struct scan sc;
	size_t prev = JSONPOS_NONE;

	memset(ix, 0, sizeof(*ix));
	ix->text = text;
	ix->len = len;
	memset(&sc, 0, sizeof(sc));
	sc.ix = ix;
	sc.o = opts ? opts : &defaults;
	sc.diags = diags;
	sc.len = len;
	sc.st = CUTOVER_OK;
	if (index_lines(ix) != CUTOVER_OK)
		return CUTOVER_ENOMEM;
	ix->clean = malloc(len + 1);
	if (!ix->clean)
		return CUTOVER_ENOMEM;
	if (len)
		memcpy(ix->clean, text, len);
	ix->clean[len] = '\0';
	sc.s = (const unsigned char *)ix->clean;
	/* A UTF-8 byte order mark is not JSON, but editors write it. */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		memset(ix->clean, ' ', 3);
	if (sc.o->comments)
		blank_comments(&sc);
	if (sc.st != CUTOVER_OK)
		return sc.st;
	skip_ws(&sc);
	scan_value(&sc, JSONPOS_NONE, JSONPOS_NONE, &prev, 1);
	if (sc.st != CUTOVER_OK)
		return sc.st;
	skip_ws(&sc);
	if (sc.p < sc.len) {
		char found[64];

		describe(&sc, sc.p, found, sizeof(found));
		fail(&sc, sc.p, "unexpected %s after the end of the JSON value", found);
	}
	return sc.st;
}

void jsonpos_free(struct jsonpos *ix)
{
	if (!ix)
		return;
	free(ix->clean);
	free(ix->nodes);
	free(ix->lines);
	free(ix->blocks);
	memset(ix, 0, sizeof(*ix));
}

void jsonpos_linecol(const struct jsonpos *ix, size_t off, int *line, int *col)
{
	size_t lo = 0, hi, c = 1;

	if (off == JSONPOS_NONE || !ix->lines || !ix->blocks) {
		*line = 0;
		*col = 0;
		return;
	}
	if (off > ix->len)
		off = ix->len;
	hi = ix->nlines;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	c += chars_before(ix, off) - chars_before(ix, ix->lines[lo]);
	/* The byte order mark is invisible in editors. */
	if (lo == 0 && off >= 3 && ix->len >= 3 && memcmp(ix->text, "\xEF\xBB\xBF", 3) == 0)
		c--;
	*line = (int)(lo + 1);
	*col = (int)c;
}

size_t jsonpos_child(const struct jsonpos *ix, size_t node, size_t i)
{
	size_t c;

	if (node == JSONPOS_NONE || node >= ix->count)
		return JSONPOS_NONE;
	c = ix->nodes[node].first_child;
	while (c != JSONPOS_NONE && i-- > 0)
		c = ix->nodes[c].next_sibling;
	return c;
}

size_t jsonpos_off(const struct jsonpos *ix, size_t node)
{
	if (node == JSONPOS_NONE || node >= ix->count)
		return JSONPOS_NONE;
	return ix->nodes[node].off;
}

size_t jsonpos_key_off(const struct jsonpos *ix, size_t node)
{
	if (node == JSONPOS_NONE || node >= ix->count)
		return JSONPOS_NONE;
	if (ix->nodes[node].key_off != JSONPOS_NONE)
		return ix->nodes[node].key_off;
	return ix->nodes[node].off;
}
