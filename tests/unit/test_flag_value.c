/* test_flag_value.c: what a flag accepts and where a keypress moves it,
 * table-driven over each type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cutover/flag_value.h"

static char *enum_values[] = { "CLOUD", "LEGACY", "DUAL_PROV" };

static const struct runbook_flag f_bool = { .id = "dual_write", .ssm = "/f/b",
					    .type = RUNBOOK_FLAG_BOOL, .description = "" };
static const struct runbook_flag f_pct = { .id = "rollout", .ssm = "/f/p",
					   .type = RUNBOOK_FLAG_PERCENT, .step = 10,
					   .description = "" };
static const struct runbook_flag f_pct30 = { .id = "rollout30", .ssm = "/f/p3",
					     .type = RUNBOOK_FLAG_PERCENT, .step = 30,
					     .description = "" };
static const struct runbook_flag f_enum = { .id = "mode", .ssm = "/f/e",
					    .type = RUNBOOK_FLAG_ENUM, .values = enum_values,
					    .nvalues = 3, .description = "" };
static const struct runbook_flag f_str = { .id = "note", .ssm = "/f/s",
					   .type = RUNBOOK_FLAG_STRING, .description = "" };

struct norm_case {
	const struct runbook_flag *f;
	const char *in;
	enum cutover_status want;
	const char *out;          /* normalized, or a piece of the error */
};

static void test_normalize(void **state)
{
	static const struct norm_case cases[] = {
		{ &f_bool, "true", CUTOVER_OK, "true" },
		{ &f_bool, "FALSE", CUTOVER_OK, "false" },
		{ &f_bool, "True", CUTOVER_OK, "true" },
		{ &f_bool, "yes", CUTOVER_EVALIDATE, "give true or false" },
		{ &f_bool, "1", CUTOVER_EVALIDATE, "not '1'" },
		{ &f_bool, "", CUTOVER_EVALIDATE, "give true or false" },
		{ &f_bool, "true ", CUTOVER_EVALIDATE, "give true or false" },
		{ &f_pct, "0", CUTOVER_OK, "0" },
		{ &f_pct, "40", CUTOVER_OK, "40" },
		{ &f_pct, "40%", CUTOVER_OK, "40" },
		{ &f_pct, "040", CUTOVER_OK, "40" },
		{ &f_pct, "100", CUTOVER_OK, "100" },
		{ &f_pct, "101", CUTOVER_EVALIDATE, "from 0 to 100" },
		{ &f_pct, "-10", CUTOVER_EVALIDATE, "from 0 to 100" },
		{ &f_pct, "25", CUTOVER_EVALIDATE, "nearest: 20 or 30" },
		{ &f_pct, "4.5", CUTOVER_EVALIDATE, "whole number" },
		{ &f_pct, "ten", CUTOVER_EVALIDATE, "whole number" },
		{ &f_pct, "40%%", CUTOVER_EVALIDATE, "whole number" },
		{ &f_pct, "99999999999999999999", CUTOVER_EVALIDATE, "whole number" },
		{ &f_pct30, "100", CUTOVER_OK, "100" },
		{ &f_pct30, "90", CUTOVER_OK, "90" },
		{ &f_pct30, "95", CUTOVER_EVALIDATE, "nearest: 90 or 100" },
		{ &f_enum, "LEGACY", CUTOVER_OK, "LEGACY" },
		{ &f_enum, "legacy", CUTOVER_EVALIDATE, "one of CLOUD, LEGACY, DUAL_PROV" },
		{ &f_enum, "", CUTOVER_EVALIDATE, "case matters" },
		{ &f_str, "anything at all: ü", CUTOVER_OK, "anything at all: ü" },
		{ &f_str, "", CUTOVER_EVALIDATE, "empty" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct norm_case *c = &cases[i];
		struct cutover_err err;
		char out[FLAG_VALUE_MAX + 1];
		enum cutover_status st;

		cutover_err_clear(&err);
		out[0] = '\0';
		st = flag_value_normalize(c->f, c->in, out, sizeof(out), &err);
		if (st != c->want || (st == CUTOVER_OK ? strcmp(out, c->out) != 0
						       : strstr(err.msg, c->out) == NULL))
			fail_msg("case %zu (%s '%s'): status %d '%s' / '%s'", i, c->f->id, c->in,
				 (int)st, out, err.msg);
	}
}

static void test_string_limits(void **state)
{
	static char big[FLAG_VALUE_MAX + 2];
	char out[FLAG_VALUE_MAX + 1], small[4];
	struct cutover_err err;

	(void)state;
	memset(big, 'x', FLAG_VALUE_MAX);
	big[FLAG_VALUE_MAX] = '\0';
	assert_int_equal(flag_value_normalize(&f_str, big, out, sizeof(out), &err), CUTOVER_OK);
	assert_int_equal(strlen(out), FLAG_VALUE_MAX);
	big[FLAG_VALUE_MAX] = 'x';
	big[FLAG_VALUE_MAX + 1] = '\0';
	assert_int_equal(flag_value_normalize(&f_str, big, out, sizeof(out), &err),
			 CUTOVER_EVALIDATE);
	assert_non_null(strstr(err.msg, "4096-byte limit"));
	/* A buffer too small is the caller's mistake, not a bad value. */
	assert_int_equal(flag_value_normalize(&f_enum, "LEGACY", small, sizeof(small), &err),
			 CUTOVER_EINVAL);
}

struct step_case {
	const struct runbook_flag *f;
	const char *current;
	int dir;
	enum cutover_status want;
	const char *out;
};

static void test_step_and_toggle(void **state)
{
	static const struct step_case cases[] = {
		{ &f_pct, "0", 1, CUTOVER_OK, "10" },
		{ &f_pct, "10", 1, CUTOVER_OK, "20" },
		{ &f_pct, "90", 1, CUTOVER_OK, "100" },
		{ &f_pct, "100", 1, CUTOVER_OK, "100" },    /* clamped: no change */
		{ &f_pct, "100", -1, CUTOVER_OK, "90" },
		{ &f_pct, "10", -1, CUTOVER_OK, "0" },
		{ &f_pct, "0", -1, CUTOVER_OK, "0" },        /* clamped */
		{ &f_pct, "25", 1, CUTOVER_OK, "30" },       /* off-grid snaps up */
		{ &f_pct, "25", -1, CUTOVER_OK, "20" },      /* ... and down */
		{ &f_pct, "25%", 1, CUTOVER_OK, "30" },
		{ &f_pct30, "90", 1, CUTOVER_OK, "100" },
		{ &f_pct30, "100", -1, CUTOVER_OK, "90" },
		{ &f_pct30, "60", -1, CUTOVER_OK, "30" },
		{ &f_pct, "abc", 1, CUTOVER_EVALIDATE, "not a percent" },
		{ &f_pct, NULL, 1, CUTOVER_EVALIDATE, "(missing)" },
		{ &f_pct, "150", 1, CUTOVER_EVALIDATE, "not a percent" },
		{ &f_pct, "10", 0, CUTOVER_EVALIDATE, "up or down" },
		{ &f_bool, "true", 1, CUTOVER_EVALIDATE, "only a percent" },
		{ &f_enum, "CLOUD", 1, CUTOVER_EVALIDATE, "only a percent" },
	};
	static const struct step_case toggles[] = {
		{ &f_bool, "true", 0, CUTOVER_OK, "false" },
		{ &f_bool, "false", 0, CUTOVER_OK, "true" },
		{ &f_bool, "TRUE", 0, CUTOVER_OK, "false" },
		{ &f_bool, "on", 0, CUTOVER_EVALIDATE, "neither true nor false" },
		{ &f_bool, NULL, 0, CUTOVER_EVALIDATE, "(missing)" },
		{ &f_pct, "10", 0, CUTOVER_EVALIDATE, "only a bool" },
		{ &f_str, "true", 0, CUTOVER_EVALIDATE, "only a bool" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct step_case *c = &cases[i];
		struct cutover_err err;
		char out[16] = "";
		enum cutover_status st;

		cutover_err_clear(&err);
		st = flag_value_step(c->f, c->current, c->dir, out, sizeof(out), &err);
		if (st != c->want || (st == CUTOVER_OK ? strcmp(out, c->out) != 0
						       : strstr(err.msg, c->out) == NULL))
			fail_msg("step case %zu (%s %s %+d): status %d '%s' / '%s'", i, c->f->id,
				 c->current ? c->current : "NULL", c->dir, (int)st, out, err.msg);
	}
	for (size_t i = 0; i < sizeof(toggles) / sizeof(toggles[0]); i++) {
		const struct step_case *c = &toggles[i];
		struct cutover_err err;
		char out[16] = "";
		enum cutover_status st;

		cutover_err_clear(&err);
		st = flag_value_toggle(c->f, c->current, out, sizeof(out), &err);
		if (st != c->want || (st == CUTOVER_OK ? strcmp(out, c->out) != 0
						       : strstr(err.msg, c->out) == NULL))
			fail_msg("toggle case %zu (%s %s): status %d '%s' / '%s'", i, c->f->id,
				 c->current ? c->current : "NULL", (int)st, out, err.msg);
	}
}

/* Every step result is itself a valid value: stepping never leaves the grid. */
static void test_steps_stay_valid(void **state)
{
	const struct runbook_flag *flags[] = { &f_pct, &f_pct30 };

	(void)state;
	for (size_t k = 0; k < 2; k++)
		for (int v = 0; v <= 100; v++)
			for (int dir = -1; dir <= 1; dir += 2) {
				char cur[8], out[16], norm[16];
				struct cutover_err err;

				snprintf(cur, sizeof(cur), "%d", v);
				assert_int_equal(flag_value_step(flags[k], cur, dir, out, sizeof(out),
								 &err), CUTOVER_OK);
				assert_int_equal(flag_value_normalize(flags[k], out, norm,
								      sizeof(norm), &err), CUTOVER_OK);
				if (v > 0 && v < 100)
					assert_true(dir > 0 ? strtol(out, NULL, 10) > v
							    : strtol(out, NULL, 10) < v);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_string_limits),
		cmocka_unit_test(test_step_and_toggle),
		cmocka_unit_test(test_steps_stay_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
