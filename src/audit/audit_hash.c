/* audit_hash.c: canonical row serialisation and SHA-256 (OpenSSL EVP). */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "audit/audit_hash.h"
#include "cutover/strbuf.h"

static enum cutover_status put_text(struct strbuf *sb, const char *s)
{
	if (!s)
		return strbuf_puts(sb, "-;");
	if (strbuf_printf(sb, "%zu:", strlen(s)) != CUTOVER_OK ||
	    strbuf_puts(sb, s) != CUTOVER_OK)
		return CUTOVER_ENOMEM;
	return strbuf_puts(sb, ";");
}

enum cutover_status audit_hash_row(const struct audit_row *r, char out[AUDIT_HASH_HEX + 1])
{
	struct strbuf sb = STRBUF_INIT;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	enum cutover_status st = CUTOVER_ENOMEM;
	const char *fields[] = {
		r->operator_name, r->host, r->session, r->runbook, r->environment, r->kind,
		r->target, r->old_value, r->new_value, r->outcome, r->request_id, r->detail,
	};

	out[0] = '\0';
	if (strbuf_printf(&sb, "cutover-audit-v1;%lld;%lld;", (long long)r->id,
			  (long long)r->ts_ms) != CUTOVER_OK)
		goto out;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (put_text(&sb, fields[i]) != CUTOVER_OK)
			goto out;
	if (strbuf_printf(&sb, "%lld;", (long long)r->intent_id) != CUTOVER_OK ||
	    put_text(&sb, r->prev_hash) != CUTOVER_OK)
		goto out;
	if (EVP_Digest(sb.data, sb.len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32) {
		st = CUTOVER_EIO;
		goto out;
	}
	for (unsigned int i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	st = CUTOVER_OK;
out:
	strbuf_free(&sb);
	return st;
}
