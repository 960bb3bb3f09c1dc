/* fuzz_sfn_json.c: every Step Functions answer mapper (src/aws/sfn_json.c)
 * on the same bytes, called as src/aws/sfn.c calls them: pages twice into
 * the same list (a second page, then a cap that truncates).  Promises
 * checked: a failure names what was wrong; DescribeExecution OK has its ARN
 * and status; a list never holds more than it was allowed. */
#include "aws/sfn_json.h"
#include "fuzz_target.h"

static void need_what(enum cutover_status st, const char *what, const char *fn)
{
	if (st == CUTOVER_EPARSE && !what)
		fuzz_fail("%s: EPARSE without saying what", fn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	const char *what = NULL;
	enum cutover_status st;
	struct sfn_execution ex;
	struct sfn_execution_list el = { 0 };
	struct sfn_history h = { 0 };
	struct sfn_state_machine sm;
	struct sfn_start_result sr;
	double stop = 0;
	char *next = NULL;

	st = sfn_json_execution(body, size, &ex, &what);
	need_what(st, what, "execution");
	if (st == CUTOVER_OK && (!ex.execution_arn || !ex.status))
		fuzz_fail("execution OK without executionArn or status");
	sfn_execution_free(&ex);

	for (int page = 0; page < 2; page++) {
		size_t max = page ? el.count + 1 : (size_t)-1;

		what = NULL;
		st = sfn_json_execution_page(body, size, &el, max, &next, &what);
		need_what(st, what, "execution_page");
		if (st == CUTOVER_OK && el.count > max)
			fuzz_fail("execution list holds %zu of max %zu", el.count, max);
		free(next);
		next = NULL;

		max = page ? h.count + 1 : (size_t)-1;
		what = NULL;
		st = sfn_json_history_page(body, size, &h, max, &next, &what);
		need_what(st, what, "history_page");
		if (st == CUTOVER_OK && h.count > max)
			fuzz_fail("history holds %zu of max %zu", h.count, max);
		free(next);
		next = NULL;
	}
	sfn_execution_list_free(&el);
	sfn_history_free(&h);

	what = NULL;
	st = sfn_json_state_machine(body, size, &sm, &what);
	need_what(st, what, "state_machine");
	sfn_state_machine_free(&sm);

	what = NULL;
	memset(&sr, 0, sizeof(sr));
	st = sfn_json_start(body, size, &sr, &what);
	need_what(st, what, "start");
	sfn_start_result_free(&sr);

	what = NULL;
	st = sfn_json_stop(body, size, &stop, &what);
	need_what(st, what, "stop");
	return 0;
}
