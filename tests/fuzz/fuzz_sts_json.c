/* fuzz_sts_json.c: the GetCallerIdentity mapper (src/aws/sts_json.c), which
 * reads JSON or XML.  Promises checked: a failure names what was wrong; the
 * fixed-size fields stay NUL-terminated. */
#include "aws/sts_json.h"
#include "fuzz_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sts_identity id;
	const char *what = NULL;
	enum cutover_status st;

	memset(&id, 0, sizeof(id));
	st = sts_json_identity((const char *)data, size, &id, &what);
	if (st == CUTOVER_EPARSE && !what)
		fuzz_fail("EPARSE without saying what");
	if (!memchr(id.account, '\0', sizeof(id.account)) || !memchr(id.arn, '\0', sizeof(id.arn)) ||
	    !memchr(id.user_id, '\0', sizeof(id.user_id)))
		fuzz_fail("a field is not NUL-terminated");
	return 0;
}
