/* test_ui_fmt.c: header and status-line texts, exactly. */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fmt.h"
#include "safe_text.h"

#define A SAFE_TEXT_ASCII

static void test_duration_elapsed_age(void **state)
{
	char b[64];
	(void)state;

	assert_string_equal(fmt_duration(b, sizeof(b), 0, 0), "0s");
	assert_string_equal(fmt_duration(b, sizeof(b), 45.9, 0), "45s");
	assert_string_equal(fmt_duration(b, sizeof(b), 60, 0), "1m");
	assert_string_equal(fmt_duration(b, sizeof(b), 3599, 0), "59m");
	assert_string_equal(fmt_duration(b, sizeof(b), 3600 + 5 * 60, 0), "1h05m");
	assert_string_equal(fmt_duration(b, sizeof(b), 86400 * 2 + 3 * 3600 + 59, 0), "2d03h");
	assert_string_equal(fmt_duration(b, sizeof(b), 1e30, 0), "11574d01h");
	assert_string_equal(fmt_duration(b, sizeof(b), NAN, 0), "\xe2\x80\x93");
	assert_string_equal(fmt_duration(b, sizeof(b), -3, A), "-");

	assert_string_equal(fmt_elapsed(b, sizeof(b), 3 * 60 + 10, 5 * 60, 0), "3m/5m");
	assert_string_equal(fmt_elapsed(b, sizeof(b), 12 * 60, 15 * 60, 0), "12m/15m");
	assert_string_equal(fmt_elapsed(b, sizeof(b), NAN, 20 * 60, 0), "\xe2\x80\x93/20m");
	assert_string_equal(fmt_elapsed(b, sizeof(b), NAN, 20 * 60, A), "-/20m");
	assert_string_equal(fmt_elapsed(b, sizeof(b), 30, 45 * 60, 0), "30s/45m");
	assert_string_equal(fmt_elapsed(b, sizeof(b), 7200, NAN, 0), "2h00m");
	assert_string_equal(fmt_elapsed(b, sizeof(b), NAN, NAN, A), "-");

	assert_string_equal(fmt_age(b, sizeof(b), 2.4, 0), "polled 2s ago");
	assert_string_equal(fmt_age(b, sizeof(b), 0.3, 0), "polled just now");
	assert_string_equal(fmt_age(b, sizeof(b), 125, 0), "polled 2m ago");
	assert_string_equal(fmt_age(b, sizeof(b), NAN, 0), "never polled");
	/* Cut to the buffer, still terminated. */
	assert_string_equal(fmt_age(b, 7, 2, 0), "polled");
}

static void test_stale(void **state)
{
	char b[128];
	(void)state;

	assert_string_equal(fmt_stale(b, sizeof(b), 130, "ThrottlingException", 0),
			    "stale 2m \xc2\xb7 ThrottlingException");
	assert_string_equal(fmt_stale(b, sizeof(b), 130, "ThrottlingException", A),
			    "stale 2m - ThrottlingException");
	assert_string_equal(fmt_stale(b, sizeof(b), 40, NULL, 0), "stale 40s");
	assert_string_equal(fmt_stale(b, sizeof(b), 40, "", 0), "stale 40s");
	assert_string_equal(fmt_stale(b, sizeof(b), NAN, "connection refused", A),
			    "no data - connection refused");
	assert_string_equal(fmt_stale(b, sizeof(b), NAN, NULL, A), "no data");
	/* The reason is remote: escaped and cut. */
	assert_string_equal(fmt_stale(b, sizeof(b), 5, "Bad\x1b[2J", A), "stale 5s - Bad\\x1b[2J");
	assert_string_equal(fmt_stale(b, sizeof(b), 5,
				      "AccessDeniedException: User is not authorized to perform", A),
			    "stale 5s - AccessDeniedException: User is not au...");
}

static void test_value(void **state)
{
	static const struct { double v; const char *unit, *want; } cases[] = {
		{ 6.1, "%", "6.1%" }, { 4, "%", "4.0%" }, { 1.4, "s", "1.4 s" },
		{ 38, "ms", "38 ms" }, { 38.04, "ms", "38 ms" }, { 12.5, "%", "12.5%" },
		{ 99.95, "%", "100%" }, { 250, "ms", "250 ms" }, { 0, "%", "0%" },
		{ 0.05, "%", "0.05%" }, { 0.004, "%", "0.004%" }, { 0.5, "", "0.5" },
		{ 12500, "", "12.5k" }, { 2500000, "B", "2.5M B" }, { 3e12, NULL, "3e+12" },
		{ -2.5, "%", "-2.5%" }, { -1500, "", "-1.5k" }, { NAN, "%", "no data" },
		{ INFINITY, "ms", "inf ms" }, { -INFINITY, "", "-inf" }, { 7, NULL, "7.0" },
	};
	char b[64];
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fmt_value(b, sizeof(b), cases[i].v, cases[i].unit);
		if (strcmp(b, cases[i].want))
			fail_msg("%g %s: '%s', want '%s'", cases[i].v,
				 cases[i].unit ? cases[i].unit : "(null)", b, cases[i].want);
	}
}

static void test_clock_expiry(void **state)
{
	char b[64];
	(void)state;

	/* 2026-11-21 14:03:27 UTC */
	assert_string_equal(fmt_clock(b, sizeof(b), (time_t)1795356207, true), "14:03:27");
	assert_string_equal(fmt_clock(b, sizeof(b), 0, true), "00:00:00");
	assert_string_equal(fmt_expiry(b, sizeof(b), 42 * 60 + 5, 0), "creds 42m");
	assert_string_equal(fmt_expiry(b, sizeof(b), 3 * 3600 + 12 * 60, 0), "creds 3h12m");
	assert_string_equal(fmt_expiry(b, sizeof(b), 0, 0), "creds expired");
	assert_string_equal(fmt_expiry(b, sizeof(b), -100, 0), "creds expired");
	assert_string_equal(fmt_expiry(b, sizeof(b), NAN, 0), "");
}

struct lr_case {
	int width;
	const char *left, *right, *fill, *want;
	unsigned flags;
};

static void test_lr(void **state)
{
	static const struct lr_case cases[] = {
		{ 20, "left", "right", " ", "left           right", 0 },
		{ 17, "cutover", "14:03", "\xe2\x94\x80",
		  "cutover\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80" "14:03", 0 },
		/* Left is cut first, keeping one fill column. */
		{ 12, "cutover directfanz", "14:03", " ", "cutov\xe2\x80\xa6 14:03", 0 },
		{ 12, "cutover directfanz", "14:03", "-", "cut...-14:03", A },
		{ 10, "left", "", " ", "left      ", 0 },
		{ 10, NULL, "right", " ", "     right", 0 },
		{ 5, "left", "right", " ", "right", 0 },
		{ 4, "left", "right", " ", "rig\xe2\x80\xa6", 0 },
		{ 7, "left", "right", " ", "\xe2\x80\xa6 right", 0 },
		{ 6, "left", "right", " ", " right", 0 },
		{ 0, "left", "right", " ", "", 0 },
		{ 12, "a\x1b[2J", "\x07", " ", "a\\x1b[\xe2\x80\xa6 \\x07", 0 },
	};
	char b[256];
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int cols = -1;

		fmt_lr(b, sizeof(b), cases[i].width, cases[i].left, cases[i].right, cases[i].fill,
		       cases[i].flags, &cols);
		if (strcmp(b, cases[i].want) || cols != (cases[i].width > 0 ? cases[i].width : 0))
			fail_msg("case %zu: '%s' (%d cols), want '%s'", i, b, cols, cases[i].want);
	}
	{
		/* A buffer too short for the line still gives a whole, safe line. */
		char small[10];
		int cols;

		fmt_lr(small, sizeof(small), 20, "left", "right", " ", 0, &cols);
		assert_true(strlen(small) < sizeof(small));
		assert_true(cols <= 20);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_elapsed_age),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_value),
		cmocka_unit_test(test_clock_expiry),
		cmocka_unit_test(test_lr),
	};

	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		fprintf(stderr, "test_ui_fmt: the C.UTF-8 locale is missing\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
