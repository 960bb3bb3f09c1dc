/* sts_json.c: GetCallerIdentity answers (AWS-WIRE.md 2.6).  JSON through
 * Accept: application/json is undocumented, so the three XML tags are read
 * too whenever the body is not the JSON shape. */
#include <string.h>

#include "aws_json.h"
#include "aws_xml.h"
#include "sts_json.h"

static void put(char *dst, size_t n, const char *src)
{
	size_t l = src ? strlen(src) : 0;

	if (l >= n)
		l = n - 1;
	if (l)
		memcpy(dst, src, l);
	dst[l] = '\0';
}

static int from_json(const char *body, size_t len, struct sts_identity *out)
{
	cJSON *root = aws_json_parse_object(body, len);
	const cJSON *resp, *res, *meta;
	int ok = 0;

	if (!root)
		return 0;
	resp = cJSON_GetObjectItemCaseSensitive(root, "GetCallerIdentityResponse");
	res = cJSON_GetObjectItemCaseSensitive(resp, "GetCallerIdentityResult");
	meta = cJSON_GetObjectItemCaseSensitive(resp, "ResponseMetadata");
	if (cJSON_IsObject(res)) {
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(res, "Account");
		const cJSON *arn = cJSON_GetObjectItemCaseSensitive(res, "Arn");
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(res, "UserId");
		const cJSON *rid = cJSON_GetObjectItemCaseSensitive(meta, "RequestId");

		put(out->account, sizeof(out->account), cJSON_IsString(a) ? a->valuestring : NULL);
		put(out->arn, sizeof(out->arn), cJSON_IsString(arn) ? arn->valuestring : NULL);
		put(out->user_id, sizeof(out->user_id), cJSON_IsString(u) ? u->valuestring : NULL);
		if (cJSON_IsString(rid))
			put(out->request_id, sizeof(out->request_id), rid->valuestring);
		ok = 1;
	}
	cJSON_Delete(root);
	return ok;
}

enum cutover_status sts_json_identity(const char *body, size_t len, struct sts_identity *out,
				      const char **what)
{
	if (!from_json(body, len, out)) {
		char rid[96];

		aws_xml_tag(body, len, "Account", out->account, sizeof(out->account));
		aws_xml_tag(body, len, "Arn", out->arn, sizeof(out->arn));
		aws_xml_tag(body, len, "UserId", out->user_id, sizeof(out->user_id));
		if (aws_xml_tag(body, len, "RequestId", rid, sizeof(rid)))
			put(out->request_id, sizeof(out->request_id), rid);
	}
	if (!out->account[0] || !out->arn[0]) {
		*what = "no Account/Arn in the GetCallerIdentity answer";
		return CUTOVER_EPARSE;
	}
	return CUTOVER_OK;
}
