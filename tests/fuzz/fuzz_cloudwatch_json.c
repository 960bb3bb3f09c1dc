/* fuzz_cloudwatch_json.c: the CloudWatch answer mappers
 * (src/aws/cloudwatch_json.c) as src/aws/cloudwatch.c calls them:
 * GetMetricData pages merged twice into the same result (by Id, so the
 * second page appends to every series), DescribeAlarms pages twice (the
 * second under a cap).  Promises checked: a failure names what was wrong;
 * every series has as many values as timestamps; a list never exceeds its
 * cap.  (Ascending timestamps are not checked: the mapper keeps the
 * server's order and relies on the request's ScanBy=TimestampAscending.) */
#include "aws/cloudwatch_json.h"
#include "fuzz_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct cw_metric_data md = { 0 };
	struct cw_alarm_list al = { 0 };
	volatile double sink = 0;
	enum cutover_status st;

	for (int page = 0; page < 2; page++) {
		const char *what = NULL;
		size_t max = page ? al.count + 1 : (size_t)-1;
		char *next = NULL;

		st = cw_json_metric_data_page(body, size, &md, &next, &what);
		if (st == CUTOVER_EPARSE && !what)
			fuzz_fail("metric_data_page: EPARSE without saying what");
		free(next);
		next = NULL;

		what = NULL;
		st = cw_json_alarms_page(body, size, &al, max, &next, &what);
		if (st == CUTOVER_EPARSE && !what)
			fuzz_fail("alarms_page: EPARSE without saying what");
		if (st == CUTOVER_OK && al.count > max)
			fuzz_fail("alarm list holds %zu of max %zu", al.count, max);
		free(next);
	}
	for (size_t i = 0; i < md.count; i++) {
		const struct cw_result *r = &md.results[i];

		/* read every point, so ASan sees arrays shorter than count */
		for (size_t j = 0; j < r->count; j++)
			sink = sink + r->timestamps[j] + r->values[j];
		for (size_t j = 0; j < r->message_count; j++)
			if (!r->messages[j])
				fuzz_fail("series %zu: message %zu is NULL", i, j);
	}
	cw_metric_data_free(&md);
	cw_alarm_list_free(&al);
	return 0;
}
