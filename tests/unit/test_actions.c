/* test_actions.c: the checks of the action path that need no AWS (every
 * refusal happens before a call or an audit row), and finding a task
 * token in TaskScheduled parameters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cutover/actions.h"
#include "cutover/aws_client.h"
#include "engine/action_json.h"

static struct runbook *rb, *prod;
static char tmpdir[128];

static void test_json_object(void **state)
{
	struct action_kv kv[] = {
		{ "s", ACTION_KV_STR, "a\"b\n", 0, 0 },
		{ "none", ACTION_KV_STR, NULL, 0, 0 },
		{ "n", ACTION_KV_INT, NULL, 42, 0 },
		{ "skipped", ACTION_KV_INT, NULL, 7, 1 },
		{ "b", ACTION_KV_BOOL, NULL, 1, 0 },
	};
	char *s = action_json_object(kv, 5);

	(void)state;
	assert_non_null(s);
	assert_string_equal(s, "{\"s\":\"a\\\"b\\n\",\"n\":42,\"b\":true}");
	free(s);
}

struct refuse_case {
	const char *what;
	int production;
	bool read_only;
	struct action_request req;
	const char *reason;
	const char *says;
};

/* Refusals need neither AWS (the endpoint is a closed port) nor the audit
 * file (it must not even be created). */
static void test_refusals(void **state)
{
	static const struct refuse_case cases[] = {
		{ "unknown flag", 0, false, { .kind = ACTION_FLAG_SET, .flag_id = "nosuch", .value = "1" },
		  "invalid", "no flag 'nosuch'" },
		{ "bad bool", 0, false, { .kind = ACTION_FLAG_SET, .flag_id = "use_sfn", .value = "yes" },
		  "invalid", "give true or false" },
		{ "off-step percent", 0, false, { .kind = ACTION_FLAG_SET, .flag_id = "rollout", .value = "45" },
		  "invalid", "steps of 10" },
		{ "enum case", 0, false, { .kind = ACTION_FLAG_SET, .flag_id = "mode", .value = "cloud" },
		  "invalid", "one of CLOUD, LEGACY, DUAL_PROV" },
		{ "no value", 0, false, { .kind = ACTION_FLAG_SET, .flag_id = "mode" }, "invalid", "no value" },
		{ "toggle a percent", 0, false,
		  { .kind = ACTION_FLAG_SET, .flag_id = "rollout", .flag_op = ACTION_FLAG_TOGGLE },
		  "invalid", "only a bool" },
		{ "step an enum", 0, false,
		  { .kind = ACTION_FLAG_SET, .flag_id = "mode", .flag_op = ACTION_FLAG_STEP_UP },
		  "invalid", "only a percent" },
		{ "negative version", 0, false,
		  { .kind = ACTION_FLAG_SET, .flag_id = "mode", .value = "CLOUD", .expected_version = -1 },
		  "invalid", "not a version" },
		{ "dangerous", 0, false, { .kind = ACTION_FLAG_SET, .flag_id = "dual_write", .value = "true" },
		  "dangerous", "--yes" },
		{ "production, no name", 1, false,
		  { .kind = ACTION_FLAG_SET, .flag_id = "mode", .value = "CLOUD" }, "confirm",
		  "--confirm production" },
		{ "production, wrong name", 1, false,
		  { .kind = ACTION_FLAG_SET, .flag_id = "mode", .value = "CLOUD", .confirm = "Production" },
		  "confirm", "does not match" },
		{ "production dangerous", 1, false,
		  { .kind = ACTION_FLAG_SET, .flag_id = "dual_write", .value = "true", .confirm = "production" },
		  "dangerous", "--yes" },
		{ "production approve", 1, false,
		  { .kind = ACTION_APPROVE, .phase_id = "approve-cutover" }, "confirm", "--confirm" },
		{ "production stop", 1, false,
		  { .kind = ACTION_EXEC_STOP, .execution = "AUDIT-1", .confirmed = true }, "confirm", "--confirm" },
		{ "stop unconfirmed", 0, false, { .kind = ACTION_EXEC_STOP, .execution = "AUDIT-1" },
		  "dangerous", "cannot be undone" },
		{ "stop foreign ARN", 0, false,
		  { .kind = ACTION_EXEC_STOP, .confirmed = true,
		    .execution = "arn:aws:states:us-east-1:123456789012:execution:other:x" },
		  "invalid", "not an execution of a state machine" },
		{ "stop bad ARN", 0, false, { .kind = ACTION_EXEC_STOP, .execution = "arn:aws:states:x" },
		  "invalid", "not a Step Functions execution ARN" },
		{ "approve nothing", 0, false, { .kind = ACTION_APPROVE }, "invalid", "task token or a phase" },
		{ "approve unknown phase", 0, false, { .kind = ACTION_APPROVE, .phase_id = "nosuch" },
		  "invalid", "no phase 'nosuch'" },
		{ "ack unknown gauge", 0, false, { .kind = ACTION_ALERT_ACK, .gauge_id = "nosuch" },
		  "invalid", "no gauge" },
		{ "empty note", 0, false, { .kind = ACTION_NOTE, .comment = "" }, "invalid", "no text" },
		{ "read-only flag", 0, true, { .kind = ACTION_FLAG_SET, .flag_id = "mode", .value = "CLOUD" },
		  "read-only", "read-only" },
		{ "read-only note", 0, true, { .kind = ACTION_NOTE, .comment = "x" }, "read-only", "read-only" },
		{ "read-only beats confirm", 1, true,
		  { .kind = ACTION_FLAG_SET, .flag_id = "mode", .value = "CLOUD", .confirm = "production" },
		  "read-only", "read-only" },
		{ "unknown kind", 0, false, { .kind = ACTION_KIND_COUNT }, "invalid", "unknown action" },
	};
	char audit[256];
	struct stat st;

	(void)state;
	snprintf(audit, sizeof(audit), "%s/refusals.db", tmpdir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct refuse_case *c = &cases[i];
		struct actions_options o = { 0 };
		struct actions *ex = NULL;
		struct action_result res;
		struct cutover_err err;

		o.rb = c->production ? prod : rb;
		o.audit_path = audit;
		o.read_only = c->read_only;
		o.operator_name = "alice";
		assert_int_equal(actions_create(&o, &ex, &err), CUTOVER_OK);
		actions_run(ex, &c->req, &res);
		if (res.outcome != ACTION_OUTCOME_REFUSED || strcmp(res.reason, c->reason) != 0 ||
		    !strstr(res.message, c->says) || res.intent_id != 0 || res.status == CUTOVER_OK)
			fail_msg("%s: %s (%s) %s", c->what, action_outcome_name(res.outcome), res.reason,
				 res.message);
		actions_destroy(ex);
	}
	assert_int_not_equal(stat(audit, &st), 0);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(action_kind_name(ACTION_FLAG_SET), "flag.set");
	assert_string_equal(action_kind_name(ACTION_APPROVE), "approval.approve");
	assert_string_equal(action_kind_name(ACTION_EXEC_STOP), "execution.stop");
	assert_string_equal(action_kind_name(ACTION_ALERT_ACK), "alert.ack");
	assert_string_equal(action_kind_name(ACTION_KIND_COUNT), "?");
	assert_string_equal(action_outcome_name(ACTION_OUTCOME_UNKNOWN), "unknown");
}

static int load(const char *text, struct runbook **out)
{
	struct diag_list diags = DIAG_LIST_INIT;
	enum cutover_status st = runbook_load_buffer("fixture", text, strlen(text), out, &diags);

	diag_list_free(&diags);
	return st == CUTOVER_OK ? 0 : -1;
}

static int setup(void **state)
{
	char path[512], *text, *p;
	FILE *f;
	long n;
	struct cutover_err err;

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/cutover-act-XXXXXX");
	if (!mkdtemp(tmpdir) || aws_global_init(&err) != CUTOVER_OK)
		return -1;
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9", 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDALICE", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "alice-secret", 1);
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent/cfg", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/creds", 1);
	unsetenv("AWS_PROFILE");
	unsetenv("CUTOVER_AUDIT");
	snprintf(path, sizeof(path), "%s/tests/data/actions/runbook.json", SRCDIR);
	f = fopen(path, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	if (!text || fread(text, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(text);
		return -1;
	}
	fclose(f);
	if (load(text, &rb) != 0)
		return -1;
	p = strstr(text, "\"staging\"");
	if (!p)
		return -1;
	{
		/* The same runbook in production. */
		size_t len = strlen(text) + 8;
		char *t2 = malloc(len);

		if (!t2)
			return -1;
		snprintf(t2, len, "%.*s\"production\"%s", (int)(p - text), text, p + 9);
		n = load(t2, &prod);
		free(t2);
		free(text);
		if (n != 0 || !prod->production)
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	char cmd[200];

	(void)state;
	runbook_destroy(rb);
	runbook_destroy(prod);
	aws_global_cleanup();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_object),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
