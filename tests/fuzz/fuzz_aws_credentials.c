/* fuzz_aws_credentials.c: the credential documents
 * (src/aws/aws_credentials_json.c): credential_process output, the
 * container endpoint's and IMDS's, all three on the same bytes.  Promises
 * checked: OK has both keys; a failure leaves the struct cleared; no error
 * text quotes the input (it may hold secrets), checked with a marker the
 * seeds use as the secret, which must never appear in a message.  The two
 * deliberate exceptions are a malformed "Expiration" and an IMDS "Code"
 * other than Success, quoted (40 bytes at most) because neither is secret. */
#include "aws/aws_credentials_json.h"
#include "fuzz_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum aws_creds_doc docs[] = { AWS_CREDS_DOC_PROCESS, AWS_CREDS_DOC_CONTAINER,
						   AWS_CREDS_DOC_IMDS };

	for (size_t i = 0; i < 3; i++) {
		struct aws_credentials c;
		struct cutover_err err = { 0 };
		enum cutover_status st;

		memset(&c, 0, sizeof(c));
		st = aws_credentials_from_json((const char *)data, size, docs[i], &c, &err);
		if (st == CUTOVER_OK) {
			if (!c.access_key_id || !c.secret_access_key)
				fuzz_fail("doc %zu: OK without both keys", i);
		} else {
			if (c.access_key_id || c.secret_access_key || c.session_token)
				fuzz_fail("doc %zu: status %d left keys behind", i, (int)st);
			if (strstr(err.msg, "SECRETMARKER") &&
			    strncmp(err.msg, "\"Expiration\" \"", 14) != 0 &&
			    strncmp(err.msg, "\"Code\" is \"", 11) != 0)
				fuzz_fail("doc %zu: the error quotes the input: %s", i, err.msg);
		}
		aws_credentials_clear(&c);
	}
	return 0;
}
