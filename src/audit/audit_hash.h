/* audit_hash.h: the canonical form of an audit row and its SHA-256, the
 * link of the hash chain.  Internal to src/audit/. */
#ifndef CUTOVER_AUDIT_HASH_H
#define CUTOVER_AUDIT_HASH_H

#include "cutover/audit.h"

#define AUDIT_HASH_HEX 64

/* Hex SHA-256 (64 chars + NUL into out) over every field of row except
 * row->hash, prev_hash included.  Each field is written as "LEN:BYTES;" (or
 * "-;" for NULL), so no two different rows serialise alike. */
enum cutover_status audit_hash_row(const struct audit_row *row,
				   char out[AUDIT_HASH_HEX + 1]) CUTOVER_MUST_CHECK;

#endif
