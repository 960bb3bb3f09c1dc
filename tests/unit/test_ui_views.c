/* test_ui_views.c: what the console's panels decide from a snapshot: the
 * filter, flag values as shown, the recommended plan, the banner text. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "views/view.h"

static const char rb_text[] =
	"{ \"name\": \"t\", \"environment\": \"production\", \"region\": \"us-east-1\",\n"
	"  \"executions\": { \"main\": { \"state_machine_arn\": \"arn:aws:states:us-east-1:123456789012:stateMachine:m\" } },\n"
	"  \"phases\": [\n"
	"    { \"id\": \"db\", \"title\": \"Database\", \"execution\": \"main\", \"states\": [\"A\"], \"estimate_min\": 5, \"rollback\": \"db\" },\n"
	"    { \"id\": \"dns\", \"title\": \"DNS\", \"execution\": \"main\", \"states\": [\"B\"], \"estimate_min\": 5 } ],\n"
	"  \"flags\": [ { \"id\": \"on\", \"ssm\": \"/f/on\", \"type\": \"bool\" },\n"
	"             { \"id\": \"pct\", \"ssm\": \"/f/pct\", \"type\": \"percent\" },\n"
	"             { \"id\": \"mode\", \"ssm\": \"/f/mode\", \"type\": \"enum\", \"values\": [\"A\", \"B\"] } ],\n"
	"  \"gauges\": [ { \"id\": \"err\", \"title\": \"Error rate\", \"unit\": \"%\",\n"
	"      \"metric\": { \"namespace\": \"N\", \"name\": \"E\" }, \"warn\": 5,\n"
	"      \"trigger\": { \"above\": 10, \"for\": 3, \"plan\": \"full\" } } ],\n"
	"  \"rollback\": { \"db\": { \"title\": \"DB\", \"estimate_min\": 3, \"steps\": [ { \"title\": \"x\", \"manual\": \"do it\" } ] },\n"
	"                \"full\": { \"title\": \"Everything\", \"sequence\": [\"db\"] } } }\n";

struct fixture {
	struct runbook *rb;
	struct engine_phase_view phases[2];
	struct engine_gauge_view gauges[1];
	struct engine_flag_view flags[3];
	struct engine_trigger_view triggers[1];
	struct engine_snapshot snap;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct diag_list diags = DIAG_LIST_INIT;

	if (!f || runbook_load_buffer("t.json", rb_text, sizeof(rb_text) - 1, &f->rb, &diags) != CUTOVER_OK)
		return -1;
	diag_list_free(&diags);
	for (int i = 0; i < 2; i++)
		f->phases[i].def = &f->rb->phases[i];
	f->gauges[0].def = &f->rb->gauges[0];
	f->gauges[0].value = 12.5;
	f->gauges[0].state = GAUGE_TRIGGERED;
	for (int i = 0; i < 3; i++) {
		f->flags[i].def = &f->rb->flags[i];
		f->flags[i].present = true;
	}
	f->triggers[0] = (struct engine_trigger_view){ 0, "err", "full", 100, true, false };
	f->snap.phases = f->phases;
	f->snap.nphases = 2;
	f->snap.gauges = f->gauges;
	f->snap.ngauges = 1;
	f->snap.flags = f->flags;
	f->snap.nflags = 3;
	f->snap.triggers = f->triggers;
	f->snap.ntriggers = 1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	runbook_destroy(f->rb);
	free(f);
	return 0;
}

static void test_match(void **state)
{
	(void)state;
	assert_true(view_match("Dual provisioning", ""));
	assert_true(view_match("Dual provisioning", "PROV"));
	assert_true(view_match("Dual provisioning", "dual p"));
	assert_false(view_match("Dual provisioning", "legacy"));
	assert_false(view_match(NULL, "x"));
	assert_true(view_match(NULL, NULL));
}

static void test_flag_values(void **state)
{
	struct fixture *f = *state;
	char buf[32];

	f->flags[0].value = "true";
	assert_string_equal(view_flag_value(&f->flags[0], buf, sizeof(buf)), "ON");
	f->flags[0].value = "false";
	assert_string_equal(view_flag_value(&f->flags[0], buf, sizeof(buf)), "OFF");
	f->flags[0].value = "yes";          /* not a bool: shown as it is */
	assert_string_equal(view_flag_value(&f->flags[0], buf, sizeof(buf)), "yes");
	f->flags[1].value = "25";
	assert_string_equal(view_flag_value(&f->flags[1], buf, sizeof(buf)), "25%");
	f->flags[2].value = "B";
	assert_string_equal(view_flag_value(&f->flags[2], buf, sizeof(buf)), "B");
	f->flags[2].value = NULL;
	assert_null(view_flag_value(&f->flags[2], buf, sizeof(buf)));
	f->flags[2].present = false;
	f->flags[2].value = "";
	assert_string_equal(view_flag_value(&f->flags[2], buf, sizeof(buf)), "(missing)");
}

static void test_recommended_plan(void **state)
{
	struct fixture *f = *state;
	char why[128];
	const struct runbook_plan *p;

	p = view_recommended_plan(&f->snap, why, sizeof(why));
	assert_non_null(p);
	assert_string_equal(p->id, "full");
	assert_non_null(strstr(why, "Error rate"));
	/* Trigger no longer active: the running phase's plan. */
	f->triggers[0].active = false;
	f->phases[0].status = PHASE_RUNNING;
	p = view_recommended_plan(&f->snap, why, sizeof(why));
	assert_non_null(p);
	assert_string_equal(p->id, "db");
	assert_non_null(strstr(why, "Database"));
	/* A running phase without a plan, nothing triggered: none. */
	f->phases[0].status = PHASE_SUCCEEDED;
	f->phases[1].status = PHASE_RUNNING;
	assert_null(view_recommended_plan(&f->snap, why, sizeof(why)));
	assert_string_equal(why, "");
}

static void test_banner(void **state)
{
	struct fixture *f = *state;
	char buf[256];
	const char *gid = view_banner_text(&f->snap, buf, sizeof(buf));

	assert_non_null(gid);
	assert_string_equal(gid, "err");
	assert_non_null(strstr(buf, "TRIGGERED Error rate 12.5% > 10% for 3 datapoints"));
	assert_non_null(strstr(buf, "plan: full"));
	f->triggers[0].acknowledged = true;
	assert_null(view_banner_text(&f->snap, buf, sizeof(buf)));
	assert_string_equal(buf, "");
}

static void test_short_name(void **state)
{
	(void)state;
	assert_string_equal(view_short_name("arn:aws:sts::1:assumed-role/ops/alice"), "alice");
	assert_string_equal(view_short_name("arn:aws:states:r:1:stateMachine:main"), "main");
	assert_string_equal(view_short_name("bob"), "bob");
	assert_null(view_short_name(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test_setup_teardown(test_flag_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recommended_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_banner, setup, teardown),
		cmocka_unit_test(test_short_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
