/* fuzz_aws_error.c: reading AWS error answers (src/aws/aws_error_json.c:
 * JSON __type/message, Query {"Error":{...}}, XML <Code>/<Message>), without
 * and with the x-amzn-query-error / x-amzn-ErrorType headers, then
 * rendering for a person; and the code sanitizer on the raw bytes.
 * Promises checked: every text field stays NUL-terminated, a sanitized
 * code holds no ':' '#' or ';', the rendering says how long it wanted. */
#include "cutover/aws_error.h"
#include "fuzz_target.h"

static void check_fields(const struct aws_error *e)
{
	if (!memchr(e->code, '\0', sizeof(e->code)) ||
	    !memchr(e->message, '\0', sizeof(e->message)) ||
	    !memchr(e->request_id, '\0', sizeof(e->request_id)) ||
	    !memchr(e->detail, '\0', sizeof(e->detail)))
		fuzz_fail("a field is not NUL-terminated");
	if (strpbrk(e->code, ":#"))
		fuzz_fail("code \"%s\" is not sanitized", e->code);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = { 400, 403, 500 };
	const char *body = (const char *)data;
	char *raw = fuzz_cstr(data, size);
	char code[96], small[8], text[2048];
	struct aws_error e;
	size_t want;

	for (size_t i = 0; i < 3; i++) {
		aws_error_clear(&e);
		snprintf(e.service, sizeof(e.service), "SSM");
		snprintf(e.operation, sizeof(e.operation), "GetParameters");
		if (i == 0)
			aws_error_from_response(&e, statuses[i], body, size, NULL, NULL);
		else if (i == 1)
			aws_error_from_response(&e, statuses[i], body, size,
						"AWS.SimpleQueueService.NonExistentQueue;Sender",
						"com.amazon.coral.availability#ThrottlingException:http://internal");
		else
			/* the raw bytes as a header value, as a hostile server may send */
			aws_error_from_response(&e, statuses[i], body, size, NULL, raw);
		check_fields(&e);
		want = aws_error_render(&e, text, sizeof(text));
		if (strlen(text) != (want < sizeof(text) ? want : sizeof(text) - 1))
			fuzz_fail("render wrote %zu bytes, said %zu", strlen(text), want);
		(void)aws_error_code_is_throttle(e.code);
		(void)aws_error_code_is_transient(e.code);
		(void)aws_error_code_is_auth(e.code);
	}

	aws_error_sanitize_code(raw, code, sizeof(code));
	if (strpbrk(code, ":#;") || strlen(code) >= sizeof(code))
		fuzz_fail("sanitize(\"%s\") = \"%s\"", raw, code);
	aws_error_sanitize_code(raw, small, sizeof(small));
	if (!memchr(small, '\0', sizeof(small)))
		fuzz_fail("sanitize into 8 bytes: not NUL-terminated");
	free(raw);
	return 0;
}
