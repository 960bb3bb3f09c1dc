/* jsonpos.h: JSON with comments, and where each value is in the text.
 *
 * cJSON parses JSON well but keeps no positions, and cJSON_Minify (the
 * usual way to drop comments) moves every byte after a comment, so neither
 * can say "line 12, column 7" about a value that is well-formed but wrong.
 * jsonpos is the small scanner that can: it blanks comments to spaces
 * (keeping every newline, so offsets and lines do not move), checks the
 * syntax strictly (RFC 8259, UTF-8, no NUL bytes) with a precise message
 * for the first syntax error, and records every value's offsets in
 * document order.  A loader then parses `clean` with cJSON (or anything
 * else) and walks both trees together: the n-th child of an object or
 * array in cJSON is the n-th child here, duplicates included.
 *
 * Used by the runbook loader and the sim's scenario loader.  No cJSON in
 * this header.  Plain value; not thread-safe; one owner.
 */
#ifndef CUTOVER_JSONPOS_H
#define CUTOVER_JSONPOS_H

#include <stdbool.h>
#include <stddef.h>

#include "cutover/diag.h"
#include "cutover/status.h"

#define JSONPOS_NONE ((size_t)-1)

enum jsonpos_type {
	JSONPOS_NULL,
	JSONPOS_FALSE,
	JSONPOS_TRUE,
	JSONPOS_NUMBER,
	JSONPOS_STRING,
	JSONPOS_ARRAY,
	JSONPOS_OBJECT,
};

struct jsonpos_node {
	enum jsonpos_type type;
	size_t off;               /* first byte of the value */
	size_t end;               /* one past its last byte */
	size_t key_off;           /* object member: its key's opening quote; else JSONPOS_NONE */
	size_t parent;            /* node index, JSONPOS_NONE for the root */
	size_t first_child;       /* node index or JSONPOS_NONE */
	size_t next_sibling;      /* node index or JSONPOS_NONE */
	size_t nchildren;
};

struct jsonpos_opts {
	bool comments;            /* accept // and block comments */
	unsigned max_depth;       /* containers nested deeper are an error */
	size_t max_string;        /* bytes in one string token, quotes included */
	size_t max_nodes;         /* values in the whole text */
};

/* comments on, depth 64, strings 1 MiB, 1M values. */
#define JSONPOS_OPTS_DEFAULT { true, 64, 1024u * 1024u, 1024u * 1024u }

struct jsonpos {
	const char *text;         /* the original text, borrowed: keep it alive */
	char *clean;              /* owned copy of text, comments blanked, NUL-terminated */
	size_t len;               /* of text and clean (clean has one more byte, the NUL) */
	struct jsonpos_node *nodes;   /* nodes[0] is the root, then document order */
	size_t count;
	size_t cap;
	size_t *lines;            /* offset where each line starts; lines[0] == 0 */
	size_t nlines;
	size_t *blocks;           /* characters before each 1 KiB block, for columns */
};

#define JSONPOS_INIT { NULL, NULL, 0, NULL, 0, 0, NULL, 0, NULL }

/* Scan text[0..len).  On CUTOVER_OK the index is complete and `clean` is
 * valid JSON.  On CUTOVER_EPARSE exactly one error is appended to diags at
 * the place of the first problem (the index keeps `clean`, `lines` and
 * whatever nodes were read, so jsonpos_linecol still works); CUTOVER_ENOMEM
 * otherwise.  opts NULL means JSONPOS_OPTS_DEFAULT.  Free with
 * jsonpos_free() in every case. */
enum cutover_status jsonpos_build(struct jsonpos *ix, const char *text, size_t len,
				  const struct jsonpos_opts *opts, struct diag_list *diags)
	CUTOVER_MUST_CHECK;

void jsonpos_free(struct jsonpos *ix);   /* frees and re-inits; NULL ok */

/* 1-based line and column (in UTF-8 code points) of a byte offset.  An
 * offset of JSONPOS_NONE gives 0, 0. */
void jsonpos_linecol(const struct jsonpos *ix, size_t off, int *line, int *col);

/* The i-th child (0-based) of node, or JSONPOS_NONE.  O(i). */
size_t jsonpos_child(const struct jsonpos *ix, size_t node, size_t i);

/* The node's value offset / key offset (key_off when it has one, else off);
 * JSONPOS_NONE for node JSONPOS_NONE. */
size_t jsonpos_off(const struct jsonpos *ix, size_t node);
size_t jsonpos_key_off(const struct jsonpos *ix, size_t node);

#endif
