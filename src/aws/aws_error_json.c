/* aws_error_json.c: reading the error bodies AWS sends (AWS-WIRE.md 2.0,
 * 2.3, 2.6) into a struct aws_error.  JSON RPC errors carry __type and
 * message/Message; CloudWatch's JSON mode adds x-amzn-query-error; Query
 * services (STS) answer XML <Error><Code>/<Message>, or JSON {"Error":{...}}
 * when asked for JSON. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "aws_xml.h"
#include "cutover/aws_error.h"

static void copy_str(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static const char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Returns 1 if the body was JSON we understood. */
static int from_json(struct aws_error *e, const char *body, size_t len, char *type, size_t tn)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *inner;
	const char *msg;
	int ok = 0;

	if (!root)
		return 0;
	if (cJSON_IsObject(root)) {
		inner = cJSON_GetObjectItemCaseSensitive(root, "Error");
		if (!cJSON_IsObject(inner))
			inner = root;
		copy_str(type, tn, json_str(inner, "__type"));
		if (!type[0])
			copy_str(type, tn, json_str(inner, "code"));
		if (!type[0])
			copy_str(type, tn, json_str(inner, "Code"));
		msg = json_str(inner, "message");
		if (!msg)
			msg = json_str(inner, "Message");
		if (!msg)
			msg = json_str(inner, "errorMessage");
		copy_str(e->message, sizeof(e->message), msg);
		if (!e->request_id[0])
			copy_str(e->request_id, sizeof(e->request_id), json_str(root, "RequestId"));
		ok = 1;
	}
	cJSON_Delete(root);
	return ok;
}

void aws_error_from_response(struct aws_error *e, long http_status, const char *body,
			     size_t body_len, const char *query_error_hdr,
			     const char *error_type_hdr)
{
	char type[160] = "";

	e->http_status = http_status;
	e->code[0] = '\0';
	e->message[0] = '\0';
	if (body && body_len && !from_json(e, body, body_len, type, sizeof(type))) {
		char rid[96];

		aws_xml_tag(body, body_len, "Code", type, sizeof(type));
		aws_xml_tag(body, body_len, "Message", e->message, sizeof(e->message));
		if (!e->request_id[0] && aws_xml_tag(body, body_len, "RequestId", rid, sizeof(rid)))
			copy_str(e->request_id, sizeof(e->request_id), rid);
	}
	/* CloudWatch: the Query-era code in the header is the documented one;
	 * __type there is the Smithy shape name. */
	if (query_error_hdr && *query_error_hdr)
		aws_error_sanitize_code(query_error_hdr, e->code, sizeof(e->code));
	if (!e->code[0] && type[0])
		aws_error_sanitize_code(type, e->code, sizeof(e->code));
	if (!e->code[0] && error_type_hdr && *error_type_hdr)
		aws_error_sanitize_code(error_type_hdr, e->code, sizeof(e->code));
	if (!e->code[0]) {
		if (http_status == 429)
			copy_str(e->code, sizeof(e->code), "TooManyRequestsException");
		else if (http_status >= 500)
			snprintf(e->code, sizeof(e->code), "HTTP%ld", http_status);
	}
	if (aws_error_code_is_auth(e->code)) {
		e->kind = AWS_ERR_AUTH;
		e->status = CUTOVER_EAUTH;
	} else {
		e->kind = AWS_ERR_AWS;
		e->status = CUTOVER_EAWS;
	}
}
