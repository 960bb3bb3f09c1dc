/* fuzz_ssm_json.c: the SSM answer mappers (src/aws/ssm_json.c) as
 * src/aws/ssm.c calls them: GetParameters / ByPath / History pages twice into
 * the same list (the second under a cap), and PutParameter.  Promises
 * checked: a failure names what was wrong; a list never exceeds its cap. */
#include "aws/ssm_json.h"
#include "fuzz_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct ssm_parameter_list l = { 0 };
	struct ssm_put_result put;
	const char *what;
	enum cutover_status st;

	for (int page = 0; page < 2; page++) {
		size_t max = page ? l.count + 1 : (size_t)-1;
		char *next = NULL;

		what = NULL;
		st = ssm_json_parameters_page(body, size, &l, max, &next, &what);
		if (st == CUTOVER_EPARSE && !what)
			fuzz_fail("parameters_page: EPARSE without saying what");
		if (st == CUTOVER_OK && l.count > max)
			fuzz_fail("parameter list holds %zu of max %zu", l.count, max);
		free(next);
	}
	ssm_parameter_list_free(&l);

	what = NULL;
	memset(&put, 0, sizeof(put));
	st = ssm_json_put(body, size, &put, &what);
	if (st == CUTOVER_EPARSE && !what)
		fuzz_fail("put: EPARSE without saying what");
	if (memchr(put.tier, '\0', sizeof(put.tier)) == NULL)
		fuzz_fail("put: tier is not NUL-terminated");
	return 0;
}
