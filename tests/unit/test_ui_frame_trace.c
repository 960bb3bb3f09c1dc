/* test_ui_frame_trace.c: the frame trace the benchmarks read
 * (CUTOVER_FRAME_TRACE): off unless a file is named, one line per frame with
 * its start, draw time, causes and key latency, written at the end.
 * Times are binary fractions so the expected text is exact. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "frame_trace.h"

static const char *trace_path(void)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/test_ui_frame_trace.txt", BUILDDIR);
	return path;
}

/* The whole trace file (static buffer), or NULL when it does not exist. */
static const char *read_trace(void)
{
	static char buf[1 << 20];
	FILE *f = fopen(trace_path(), "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_off_when_unset(void **state)
{
	(void)state;
	unlink(trace_path());
	unsetenv("CUTOVER_FRAME_TRACE");
	assert_false(frame_trace_start(getenv("CUTOVER_FRAME_TRACE")));
	assert_false(frame_trace_start(""));
	assert_false(frame_trace_on());
	/* Without a trace the calls do nothing and finish has nothing to write. */
	frame_trace_wake(FRAME_KEY | FRAME_TICK, 1.0);
	frame_trace_frame(1.0, 1.5);
	assert_true(frame_trace_finish());
	assert_null(read_trace());
}

static void test_records_and_format(void **state)
{
	(void)state;
	unlink(trace_path());
	setenv("CUTOVER_FRAME_TRACE", trace_path(), 1);
	assert_true(frame_trace_start(getenv("CUTOVER_FRAME_TRACE")));
	assert_true(frame_trace_on());
	/* The first wake is the trace's t0. */
	frame_trace_wake(FRAME_TICK, 8.0);
	frame_trace_frame(8.25, 8.25 + 1.0 / 256); /* 3.906 ms */
	/* Two wakes before one frame: their causes add up, the first key counts. */
	frame_trace_wake(FRAME_KEY, 9.0);
	frame_trace_wake(FRAME_ENGINE | FRAME_KEY, 9.5);
	frame_trace_frame(9.5, 10.0);
	/* A frame nothing woke for (the first render, a prompt's own redraw). */
	frame_trace_frame(10.5, 10.75);
	/* Every cause, in the documented order k e a t r. */
	frame_trace_wake(FRAME_RESIZE | FRAME_TICK | FRAME_ACTION | FRAME_ENGINE | FRAME_KEY, 11.0);
	frame_trace_frame(11.0, 11.125);
	/* A key wake after the last frame leaves no line: nothing was drawn. */
	frame_trace_wake(FRAME_KEY, 12.0);
	assert_true(frame_trace_finish());
	assert_false(frame_trace_on());
	assert_string_equal(read_trace(), "250.000 3.906 t -\n"
	                                  "1500.000 500.000 ke 1000.000\n"
	                                  "2500.000 250.000 - -\n"
	                                  "3000.000 125.000 keatr 125.000\n");
	unsetenv("CUTOVER_FRAME_TRACE");
}

/* A frame drawn before any wake starts the clock itself. */
static void test_frame_before_wake(void **state)
{
	(void)state;
	assert_true(frame_trace_start(trace_path()));
	frame_trace_frame(5.0, 5.5);
	frame_trace_wake(FRAME_ACTION, 6.0);
	frame_trace_frame(6.0, 6.25);
	assert_true(frame_trace_finish());
	assert_string_equal(read_trace(), "0.000 500.000 - -\n"
	                                  "1000.000 250.000 a -\n");
}

/* More frames than the first allocation (4096): the array grows, every
 * frame is kept, in order. */
static void test_many_frames(void **state)
{
	const char *t;
	const char *last;
	int lines = 0;

	(void)state;
	assert_true(frame_trace_start(trace_path()));
	for (int i = 0; i < 10000; i++) {
		frame_trace_wake(FRAME_KEY, i * 0.5);
		frame_trace_frame(i * 0.5, i * 0.5 + 0.25);
	}
	assert_true(frame_trace_finish());
	t = read_trace();
	assert_non_null(t);
	for (const char *p = t; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 10000);
	assert_memory_equal(t, "0.000 250.000 k 250.000\n500.000 250.000 k 250.000\n", 48);
	last = strstr(t, "4999500.000 ");
	assert_non_null(last);
	assert_string_equal(last, "4999500.000 250.000 k 250.000\n");
}

/* No frames: an empty file, not a missing one (the bench tells "ran and
 * drew nothing" from "did not run"). */
static void test_empty(void **state)
{
	(void)state;
	unlink(trace_path());
	assert_true(frame_trace_start(trace_path()));
	assert_true(frame_trace_finish());
	assert_string_equal(read_trace(), "");
	/* finish twice is harmless */
	assert_true(frame_trace_finish());
}

/* An unwritable path: finish says so (with errno) and the trace is off. */
static void test_unwritable(void **state)
{
	char path[600];

	(void)state;
	snprintf(path, sizeof(path), "%s/no-such-dir/trace.txt", BUILDDIR);
	assert_true(frame_trace_start(path));
	frame_trace_wake(FRAME_TICK, 1.0);
	frame_trace_frame(1.0, 1.5);
	errno = 0;
	assert_false(frame_trace_finish());
	assert_int_equal(errno, ENOENT);
	assert_false(frame_trace_on());
	/* and it can start again afterwards */
	assert_true(frame_trace_start(trace_path()));
	assert_true(frame_trace_finish());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_off_when_unset),
	    cmocka_unit_test(test_records_and_format),
	    cmocka_unit_test(test_frame_before_wake),
	    cmocka_unit_test(test_many_frames),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_unwritable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
