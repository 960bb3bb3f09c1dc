/* test_sim_expr.c: the sim's CloudWatch metric math, table-driven: parsing,
 * precedence, missing datapoints, FILL, division by zero, functions, errors. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/sim_expr.h"

#define N 4
#define X NAN /* a missing datapoint in the tables */

/* Series the expressions can name. */
static const double m1[N] = {1, 2, X, 4};
static const double m2[N] = {2, 0, 5, X};
static const double z[N] = {0, 0, 0, 0};
static const double all_missing[N] = {X, X, X, X};

static int lookup(void *ctx, const char *id, const double **values)
{
	(void)ctx;
	if (strcmp(id, "m1") == 0)
		*values = m1;
	else if (strcmp(id, "m2") == 0)
		*values = m2;
	else if (strcmp(id, "z") == 0)
		*values = z;
	else if (strcmp(id, "gone") == 0)
		*values = all_missing;
	else
		return -1;
	return 0;
}

struct eval_case {
	const char *expr;
	double want[N];
	size_t dropped;
};

static const struct eval_case eval_cases[] = {
    /* numbers, precedence, associativity, unary minus */
    {"1 + 2 * 3", {7, 7, 7, 7}, 0},
    {"(1 + 2) * 3", {9, 9, 9, 9}, 0},
    {"10 - 4 - 3", {3, 3, 3, 3}, 0},
    {"24 / 4 / 2", {3, 3, 3, 3}, 0},
    {"-2 * -3", {6, 6, 6, 6}, 0},
    {"2 - -1", {3, 3, 3, 3}, 0},
    {"1.5e1 + .5", {15.5, 15.5, 15.5, 15.5}, 0},
    /* series arithmetic: missing in, missing out */
    {"m1 + m2", {3, 2, X, X}, 0},
    {"100 * m1 / m2", {50, X, X, X}, 1}, /* 200/0 dropped */
    {"m1 / z", {X, X, X, X}, 3},         /* missing m1[2] is not an error */
    {"1 / 0", {X, X, X, X}, N},
    {"m1 - m1 * 2", {-1, -2, X, -4}, 0},
    /* FILL */
    {"FILL(m1, 0)", {1, 2, 0, 4}, 0},
    {"FILL(m2, -1) * 2", {4, 0, 10, -2}, 0},
    {"FILL(m1, m2)", {1, 2, 5, 4}, 0},
    {"FILL(m1, REPEAT)", {1, 2, 2, 4}, 0},
    {"FILL(m1, LINEAR)", {1, 2, 3, 4}, 0},
    {"FILL(m2, REPEAT)", {2, 0, 5, 5}, 0},
    {"FILL(gone, 7)", {7, 7, 7, 7}, 0},
    {"FILL(gone, LINEAR)", {X, X, X, X}, 0},
    {"100 * FILL(m1, 0) / FILL(m2, 1)", {50, X, 0, 400}, 1},
    /* scalar reductions of one series, broadcast */
    {"SUM(m1)", {7, 7, 7, 7}, 0},
    {"AVG(m1)", {7.0 / 3, 7.0 / 3, 7.0 / 3, 7.0 / 3}, 0},
    {"MIN(m2)", {0, 0, 0, 0}, 0},
    {"MAX(m2) - m2", {3, 5, 0, X}, 0},
    {"SAMPLE_COUNT(m1)", {3, 3, 3, 3}, 0},
    {"SUM(gone)", {X, X, X, X}, 0},
    /* point by point across series */
    {"SUM([m1, m2])", {3, 2, 5, 4}, 0},
    {"MAX([m1, m2, 3])", {3, 3, 5, 4}, 0},
    {"AVG([m1, m2])", {1.5, 1, 5, 4}, 0},
    /* IF and comparisons */
    {"IF(m1 > 1, m1, 0)", {0, 2, X, 4}, 0},
    {"IF(m1 >= 2 AND m2 == 0, 1, 0)", {0, 1, X, X}, 0},
    {"IF(m1 < 2 || m1 > 3, 9)", {9, X, X, 9}, 0},
    {"ABS(-m1)", {1, 2, X, 4}, 0},
    {"CEIL(m1 / 3) + FLOOR(2.7)", {3, 3, X, 4}, 0},
    /* against the previous datapoint, 60 s apart on this grid */
    {"DIFF(m1)", {X, 1, X, 2}, 0},
    {"RATE(m1)", {X, 1.0 / 60, X, 2.0 / 120}, 0},
    {"DIFF_TIME(m1)", {X, 60, X, 120}, 0},
    {"RATE(z) * 60", {X, 0, 0, 0}, 0},
    {"PERIOD(m1) + 1", {61, 61, 61, 61}, 0},
};

static void test_eval_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(eval_cases) / sizeof(eval_cases[0]); i++) {
		const struct eval_case *tc = &eval_cases[i];
		struct cutover_err err = {CUTOVER_OK, ""};
		struct sim_expr *e = NULL;
		double out[N];
		size_t dropped = 99;

		print_message("expr: %s\n", tc->expr);
		assert_int_equal(sim_expr_parse(tc->expr, &e, &err), CUTOVER_OK);
		assert_int_equal(sim_expr_eval(e, N, 60, lookup, NULL, out, &dropped, &err),
		                 CUTOVER_OK);
		for (size_t j = 0; j < N; j++) {
			if (isnan(tc->want[j]))
				assert_true(isnan(out[j]));
			else
				assert_float_equal(out[j], tc->want[j], 1e-12);
		}
		assert_int_equal(dropped, tc->dropped);
		sim_expr_destroy(e);
	}
}

struct err_case {
	const char *expr;
	enum cutover_status parse_st; /* CUTOVER_OK: parse succeeds, eval fails */
	enum cutover_status eval_st;
	const char *msg;
};

static const struct err_case err_cases[] = {
    {"", CUTOVER_EPARSE, CUTOVER_OK, "expected a value at the end"},
    {"1 +", CUTOVER_EPARSE, CUTOVER_OK, "expected a value at the end"},
    {"(m1 + 2", CUTOVER_EPARSE, CUTOVER_OK, "expected ')'"},
    {"m1 m2", CUTOVER_EPARSE, CUTOVER_OK, "unexpected text after the expression at column 4"},
    {"m1 $ 2", CUTOVER_EPARSE, CUTOVER_OK, "column 4"},
    {"FILL(m1 0)", CUTOVER_EPARSE, CUTOVER_OK, "expected ',' or ')'"},
    {"m9 + 1", CUTOVER_OK, CUTOVER_ENOENT, "unknown metric id 'm9' at column 1"},
    {"FILL(m1)", CUTOVER_OK, CUTOVER_EVALIDATE, "FILL at column 1 takes 2 arguments, not 1"},
    {"RATES(m1)", CUTOVER_OK, CUTOVER_EVALIDATE, "unknown function RATES"},
    {"DIFF(m1, 2)", CUTOVER_OK, CUTOVER_EVALIDATE, "DIFF at column 1 takes 1 argument, not 2"},
    {"[m1, m2]", CUTOVER_OK, CUTOVER_EVALIDATE, "can only be the argument"},
    {"REPEAT + 1", CUTOVER_OK, CUTOVER_ENOENT, "unknown metric id 'REPEAT'"},
    {"SUM([])", CUTOVER_OK, CUTOVER_EVALIDATE, "the array is empty"},
};

static void test_error_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *tc = &err_cases[i];
		struct cutover_err err = {CUTOVER_OK, ""};
		struct sim_expr *e = (struct sim_expr *)&err; /* must be reset */
		double out[N];

		print_message("expr: '%s'\n", tc->expr);
		assert_int_equal(sim_expr_parse(tc->expr, &e, &err), tc->parse_st);
		if (tc->parse_st != CUTOVER_OK) {
			assert_null(e);
		} else {
			assert_int_equal(sim_expr_eval(e, N, 60, lookup, NULL, out, NULL, &err),
			                 tc->eval_st);
			sim_expr_destroy(e);
		}
		if (!strstr(err.msg, tc->msg))
			fail_msg("'%s': message '%s' lacks '%s'", tc->expr, err.msg, tc->msg);
	}
}

static void test_refs_and_depth(void **state)
{
	struct cutover_err err = {CUTOVER_OK, ""};
	struct sim_expr *e = NULL;
	char deep[300];
	(void)state;

	assert_int_equal(
	    sim_expr_parse("100*FILL(failed,0)/(started+failed)+FILL(x, REPEAT)", &e, &err),
	    CUTOVER_OK);
	assert_int_equal(sim_expr_ref_count(e), 3);
	assert_string_equal(sim_expr_ref_get(e, 0), "failed");
	assert_string_equal(sim_expr_ref_get(e, 1), "started");
	assert_string_equal(sim_expr_ref_get(e, 2), "x");
	assert_null(sim_expr_ref_get(e, 3));
	sim_expr_destroy(e);
	sim_expr_destroy(NULL);

	/* Deep nesting is an error, not a stack overflow. */
	memset(deep, '(', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	assert_int_equal(sim_expr_parse(deep, &e, &err), CUTOVER_EPARSE);
	assert_non_null(strstr(err.msg, "nested too deeply"));
	memset(deep, '-', sizeof(deep) - 1);
	assert_int_equal(sim_expr_parse(deep, &e, &err), CUTOVER_EPARSE);

	/* An empty grid evaluates without touching out. */
	assert_int_equal(sim_expr_parse("m1 + 1", &e, &err), CUTOVER_OK);
	assert_int_equal(sim_expr_eval(e, 0, 60, lookup, NULL, NULL, NULL, &err), CUTOVER_OK);
	sim_expr_destroy(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_eval_table),
	    cmocka_unit_test(test_error_table),
	    cmocka_unit_test(test_refs_and_depth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
