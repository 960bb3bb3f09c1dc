/* audit_bench.c: durable audit appends, timed inside one process.
 *
 *   audit_bench DB N    prints "appends_per_s P50_MS P99_MS MAX_MS"
 *
 * Runs N flag.set actions through the audit library exactly as the action
 * path does (audit_intent, then audit_outcome), each a WAL transaction with
 * synchronous=FULL.  The latencies are those of audit_intent alone: the
 * time from asking for the intent row to its being durable, which is what
 * the flag action waits for before it calls AWS.  Appends per second counts
 * both rows over the whole run.  Built by tests/bench/run.sh against the
 * build's libcutover_core.a; not part of the product. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cutover/audit.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct audit_session_info who = { .operator_name = "bench", .runbook = "bench",
					  .environment = "rehearsal" };
	struct audit_event ev = { .kind = "flag.set", .target = "/bench/flags/dual-write",
				  .old_value = "false", .new_value = "true" };
	struct cutover_err err = { 0 };
	struct audit *log = NULL;
	double *lat, t0, t1;
	char *end;
	long n;
	int rc = 1;

	if (argc != 3 || (n = strtol(argv[2], &end, 10)) <= 0 || *end || n > 10000000) {
		fprintf(stderr, "usage: audit_bench DB N (N from 1 to 10000000)\n");
		return 2;
	}
	if (!(lat = calloc((size_t)n, sizeof(*lat))))
		return 1;
	if (audit_open(argv[1], &who, &log, &err) != CUTOVER_OK) {
		fprintf(stderr, "audit_bench: %s\n", err.msg);
		goto out;
	}
	t0 = now_ms();
	for (long i = 0; i < n; i++) {
		int64_t id = 0;
		double a = now_ms();

		if (audit_intent(log, &ev, &id, &err) != CUTOVER_OK) {
			fprintf(stderr, "audit_bench: intent %ld: %s\n", i, err.msg);
			goto out;
		}
		lat[i] = now_ms() - a;
		if (audit_outcome(log, id, AUDIT_OK, "bench-request", NULL, &err) != CUTOVER_OK) {
			fprintf(stderr, "audit_bench: outcome %ld: %s\n", i, err.msg);
			goto out;
		}
	}
	t1 = now_ms();
	qsort(lat, (size_t)n, sizeof(*lat), cmp_double);
	printf("%.1f %.3f %.3f %.3f\n", 2.0 * (double)n / ((t1 - t0) / 1e3), lat[n / 2],
	       lat[(size_t)((double)n * 0.99) < (size_t)n ? (size_t)((double)n * 0.99) : (size_t)n - 1],
	       lat[n - 1]);
	rc = 0;
out:
	audit_close(log);
	free(lat);
	return rc;
}
