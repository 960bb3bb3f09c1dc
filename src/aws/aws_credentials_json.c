/* aws_credentials_json.c: credential documents (process, container, IMDS)
 * to struct aws_credentials.  See aws_credentials_json.h. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "aws_credentials_json.h"
#include "aws_time.h"

/* A string member: NULL and *bad = 0 when absent, *bad = 1 when present but
 * not a non-empty string. */
static const char *str_member(const cJSON *obj, const char *name, int *bad)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	*bad = 0;
	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v) || !v->valuestring || !v->valuestring[0]) {
		*bad = 1;
		return NULL;
	}
	return v->valuestring;
}

/* cJSON_Delete frees without wiping; the tree holds a secret key. */
static void wipe_tree(cJSON *node)
{
	for (; node; node = node->next) {
		if (cJSON_IsString(node) && node->valuestring)
			memset(node->valuestring, 0, strlen(node->valuestring));
		wipe_tree(node->child);
	}
}

enum cutover_status aws_credentials_from_json(const char *body, size_t len, enum aws_creds_doc doc,
					      struct aws_credentials *out,
					      struct cutover_err *err)
{
	const char *token_name = doc == AWS_CREDS_DOC_PROCESS ? "SessionToken" : "Token";
	const char *akid, *secret, *token, *exp;
	enum cutover_status st = CUTOVER_OK;
	cJSON *root;
	int bad;

	memset(out, 0, sizeof(*out));
	root = cJSON_ParseWithLength(body, len);
	if (!root || !cJSON_IsObject(root)) {
		st = cutover_errf(err, CUTOVER_EPARSE, "the output is not a JSON object");
		goto out;
	}
	if (doc == AWS_CREDS_DOC_PROCESS) {
		const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "Version");

		if (!cJSON_IsNumber(ver) || ver->valuedouble != 1.0) {
			st = cutover_errf(err, CUTOVER_EVALIDATE,
					  "\"Version\" must be the number 1 (the only format AWS "
					  "defines for credential_process)");
			goto out;
		}
	}
	if (doc == AWS_CREDS_DOC_IMDS) {
		int cbad;
		const char *code = str_member(root, "Code", &cbad);

		if (code && strcmp(code, "Success") != 0) {
			/* Code is a fixed word from IMDS ("Success", "Expired"...), not a secret */
			st = cutover_errf(err, CUTOVER_EVALIDATE,
					  "\"Code\" is \"%.40s\", not \"Success\"", code);
			goto out;
		}
	}
	akid = str_member(root, "AccessKeyId", &bad);
	if (!akid) {
		st = cutover_errf(err, bad ? CUTOVER_EPARSE : CUTOVER_EVALIDATE,
				  "\"AccessKeyId\" is %s", bad ? "not a string" : "missing");
		goto out;
	}
	secret = str_member(root, "SecretAccessKey", &bad);
	if (!secret) {
		st = cutover_errf(err, bad ? CUTOVER_EPARSE : CUTOVER_EVALIDATE,
				  "\"SecretAccessKey\" is %s", bad ? "not a string" : "missing");
		goto out;
	}
	token = str_member(root, token_name, &bad);
	if (bad || (!token && doc == AWS_CREDS_DOC_IMDS)) {
		st = cutover_errf(err, bad ? CUTOVER_EPARSE : CUTOVER_EVALIDATE, "\"%s\" is %s",
				  token_name, bad ? "not a string" : "missing");
		goto out;
	}
	exp = str_member(root, "Expiration", &bad);
	if (bad || (!exp && doc == AWS_CREDS_DOC_IMDS)) {
		st = cutover_errf(err, bad ? CUTOVER_EPARSE : CUTOVER_EVALIDATE,
				  "\"Expiration\" is %s", bad ? "not a string" : "missing");
		goto out;
	}
	if (exp && aws_time_parse_rfc3339(exp, &out->expiration) != CUTOVER_OK) {
		/* a timestamp is not secret, but keep it short in case it is garbage */
		st = cutover_errf(err, CUTOVER_EPARSE,
				  "\"Expiration\" \"%.40s\" is not an RFC 3339 time such as "
				  "2030-01-01T00:00:00Z", exp);
		goto out;
	}
	out->access_key_id = strdup(akid);
	out->secret_access_key = strdup(secret);
	out->session_token = token ? strdup(token) : NULL;
	if (!out->access_key_id || !out->secret_access_key || (token && !out->session_token))
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory copying credentials");
out:
	if (st != CUTOVER_OK)
		aws_credentials_clear(out);
	wipe_tree(root);
	cJSON_Delete(root);
	return st;
}
