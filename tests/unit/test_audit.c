/* test_audit.c: the audit log's chain, durability rules, tamper detection,
 * unresolved intents, exports and paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "cutover/audit.h"

static char dir[256];
static char path[512];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/cutover-test-audit-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub/dir/log.db", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct audit *open_log(void)
{
	struct audit_session_info who = { "alice", "arn:aws:iam::123456789012:user/alice",
					  "bastion-1", "directfanz", "abc123", "production" };
	struct audit *a = NULL;
	struct cutover_err err;

	assert_int_equal(audit_open(path, &who, &a, &err), CUTOVER_OK);
	assert_non_null(a);
	return a;
}

/* Run SQL on the raw file, as someone with write access to it could. */
static int raw_sql(const char *sql)
{
	sqlite3 *db;
	int rc;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static void append_flag_change(struct audit *a, const char *from, const char *to)
{
	struct audit_event ev = { "flag.set", "/app/flags/dual-write", from, to, "{\"reason\":\"test\"}" };
	struct cutover_err err;
	int64_t id;

	assert_int_equal(audit_intent(a, &ev, &id, &err), CUTOVER_OK);
	assert_true(id > 0);
	assert_int_equal(audit_outcome(a, id, AUDIT_OK, "req-1", NULL, &err), CUTOVER_OK);
}

static void test_chain_valid_and_permissions(void **state)
{
	struct audit_verify_result res;
	struct cutover_err err;
	struct stat sb;
	struct audit *a = open_log();
	char sub[600];
	(void)state;

	for (int i = 0; i < 50; i++)
		append_flag_change(a, "false", "true");
	audit_close(a);
	assert_int_equal(audit_verify(path, &res, &err), CUTOVER_OK);
	assert_int_equal(res.rows, 1 + 100 + 1);
	assert_int_equal(res.bad_row, 0);

	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(sub, sizeof(sub), "%s/sub/dir", dir);
	assert_int_equal(stat(sub, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
}

static void test_update_delete_refused(void **state)
{
	struct audit *a = open_log();
	(void)state;

	append_flag_change(a, "false", "true");
	audit_close(a);
	assert_int_not_equal(raw_sql("UPDATE events SET new_value = 'false' WHERE id = 2"), SQLITE_OK);
	assert_int_not_equal(raw_sql("DELETE FROM events WHERE id = 2"), SQLITE_OK);
}

static int64_t verify_bad_row(char *why, size_t len)
{
	struct audit_verify_result res;
	struct cutover_err err;
	enum cutover_status st = audit_verify(path, &res, &err);

	assert_int_equal(st, CUTOVER_EVALIDATE);
	snprintf(why, len, "%s", res.why);
	return res.bad_row;
}

static void test_verify_detects_tampering(void **state)
{
	static const struct {
		const char *sql;
		int64_t bad_row;
		const char *why;
	} cases[] = {
		{ "UPDATE events SET new_value = 'false' WHERE id = 3", 3, "row 3 was altered" },
		{ "DELETE FROM events WHERE id = 4", 5, "row 5 follows row 3: 1 row(s) before it were removed" },
		{ "DELETE FROM events WHERE id = (SELECT max(id) FROM events) - 1;"
		  "UPDATE events SET id = id - 1 WHERE id = (SELECT max(id) FROM events)",
		  5, "row 5 does not chain to row 4" },
		{ "UPDATE events SET id = 100 WHERE id = 2; UPDATE events SET id = 2 WHERE id = 3;"
		  "UPDATE events SET id = 3 WHERE id = 100", 2, "row 2 does not chain to row 1" },
	};
	char why[256];
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct audit *a;
		char sql[1024];

		unlink(path);
		a = open_log();   /* row 1 */
		append_flag_change(a, "false", "true");   /* 2, 3 */
		append_flag_change(a, "true", "false");   /* 4, 5 */
		audit_close(a);  /* 6 */
		snprintf(sql, sizeof(sql), "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; %s",
			 cases[i].sql);
		assert_int_equal(raw_sql(sql), SQLITE_OK);
		assert_int_equal(verify_bad_row(why, sizeof(why)), cases[i].bad_row);
		if (!strstr(why, cases[i].why))
			fail_msg("case %zu: '%s' lacks '%s'", i, why, cases[i].why);
	}
}

static int collect_unresolved(void *ctx, const struct audit_row *r)
{
	int64_t *ids = ctx;

	ids[ids[0] + 1] = r->id;
	ids[0]++;
	return 0;
}

static void test_unresolved_intents(void **state)
{
	struct audit_event ev = { "approval.approve", "arn:aws:states:us-east-1:123456789012:execution:m:e",
				  NULL, NULL, NULL };
	struct cutover_err err;
	int64_t ids[8] = { 0 }, first, second;
	struct audit *a = open_log();
	(void)state;

	assert_int_equal(audit_intent(a, &ev, &first, &err), CUTOVER_OK);
	assert_int_equal(audit_intent(a, &ev, &second, &err), CUTOVER_OK);
	assert_int_equal(audit_outcome(a, second, AUDIT_FAILED, "req-9",
				       "{\"error\":\"InvalidToken\"}", &err), CUTOVER_OK);
	/* An outcome for a non-intent row is refused. */
	assert_int_equal(audit_outcome(a, 1, AUDIT_OK, NULL, NULL, &err), CUTOVER_EINVAL);
	assert_int_equal(audit_outcome(a, 999, AUDIT_OK, NULL, NULL, &err), CUTOVER_ENOENT);
	audit_close(a);
	assert_int_equal(audit_unresolved(path, collect_unresolved, ids, &err), CUTOVER_OK);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], first);
}

static void test_secrets_refused(void **state)
{
	static const char *const details[] = {
		"{\"SecretAccessKey\":\"x\"}", "{\"secret_access_key\":\"x\"}",
		"{\"SessionToken\":\"x\"}", "{\"aws_session_token\":\"x\"}",
	};
	struct cutover_err err;
	struct audit *a = open_log();
	int64_t id;
	(void)state;

	for (size_t i = 0; i < sizeof(details) / sizeof(details[0]); i++) {
		struct audit_event ev = { "note", NULL, NULL, "text", details[i] };

		assert_int_equal(audit_event(a, &ev, &id, &err), CUTOVER_EINVAL);
		assert_non_null(strstr(err.msg, "refusing to write a secret"));
	}
	audit_close(a);
}

static char *export_to_string(enum audit_format fmt)
{
	struct cutover_err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(audit_export(path, fmt, f, &err), CUTOVER_OK);
	fclose(f);
	return buf;
}

static void test_exports(void **state)
{
	struct audit_event note = { "note", NULL, NULL, "DNS \"reverted\", by hand | ok", NULL };
	struct audit_event flag = { "flag.set", "/app/flags/rollback", "false", "true", NULL };
	struct cutover_err err;
	struct audit *a = open_log();
	int64_t id;
	char *s;
	(void)state;

	assert_int_equal(audit_event(a, &note, &id, &err), CUTOVER_OK);
	assert_int_equal(audit_intent(a, &flag, &id, &err), CUTOVER_OK);
	audit_close(a);

	s = export_to_string(AUDIT_FORMAT_CSV);
	assert_non_null(strstr(s, "id,time_utc,operator,host,session"));
	assert_non_null(strstr(s, ",note,,,\"DNS \"\"reverted\"\", by hand | ok\",ok,"));
	assert_non_null(strstr(s, ",flag.set,/app/flags/rollback,false,true,intent,"));
	free(s);

	s = export_to_string(AUDIT_FORMAT_JSON);
	assert_non_null(strstr(s, "\"kind\":\t\"flag.set\""));
	assert_non_null(strstr(s, "\"caller_arn\":\t\"arn:aws:iam::123456789012:user/alice\""));
	free(s);

	s = export_to_string(AUDIT_FORMAT_MD);
	assert_non_null(strstr(s, "# Incident timeline: directfanz (production)"));
	assert_non_null(strstr(s, "hash chain verified ✔"));
	assert_non_null(strstr(s, "| alice | note | – | DNS \"reverted\", by hand \\| ok | ok |"));
	assert_non_null(strstr(s, "| alice | flag.set | /app/flags/rollback | false → true | "
				  "**outcome unknown: verify** |"));
	assert_non_null(strstr(s, "**1 action(s) have no recorded outcome**"));
	free(s);
}

static void test_default_path_and_operator(void **state)
{
	struct cutover_err err;
	char buf[512];
	(void)state;

	unsetenv("CUTOVER_AUDIT");
	setenv("XDG_STATE_HOME", "/state", 1);
	assert_int_equal(audit_default_path("/x.db", "/rb.db", "rb", buf, sizeof(buf), &err), CUTOVER_OK);
	assert_string_equal(buf, "/x.db");
	assert_int_equal(audit_default_path(NULL, "/rb.db", "rb", buf, sizeof(buf), &err), CUTOVER_OK);
	assert_string_equal(buf, "/rb.db");
	assert_int_equal(audit_default_path(NULL, NULL, "rb", buf, sizeof(buf), &err), CUTOVER_OK);
	assert_string_equal(buf, "/state/cutover/rb.audit.db");
	setenv("CUTOVER_AUDIT", "/env.db", 1);
	assert_int_equal(audit_default_path(NULL, "/rb.db", "rb", buf, sizeof(buf), &err), CUTOVER_OK);
	assert_string_equal(buf, "/env.db");
	unsetenv("CUTOVER_AUDIT");
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "/home/u", 1);
	assert_int_equal(audit_default_path(NULL, NULL, "rb", buf, sizeof(buf), &err), CUTOVER_OK);
	assert_string_equal(buf, "/home/u/.local/state/cutover/rb.audit.db");
	assert_int_equal(audit_default_path(NULL, NULL, NULL, buf, sizeof(buf), &err), CUTOVER_EINVAL);
	assert_non_null(strstr(err.msg, "--db FILE"));

	setenv("CUTOVER_OPERATOR", "bob", 1);
	setenv("USER", "carol", 1);
	assert_string_equal(audit_operator_name("alice"), "alice");
	assert_string_equal(audit_operator_name(NULL), "bob");
	unsetenv("CUTOVER_OPERATOR");
	assert_string_equal(audit_operator_name(""), "carol");
}

static void test_bad_files(void **state)
{
	struct audit_verify_result res;
	struct cutover_err err;
	struct audit *a = (struct audit *)1;
	FILE *f;
	(void)state;

	assert_int_equal(audit_verify("/nonexistent/log.db", &res, &err), CUTOVER_ENOENT);
	f = fopen(path, "w");
	if (!f) {   /* the folder may not exist yet */
		struct audit *tmp = open_log();

		audit_close(tmp);
		f = fopen(path, "w");
	}
	assert_non_null(f);
	fputs("this is not a database, just text that is long enough to fail the header check", f);
	fclose(f);
	assert_int_not_equal(audit_verify(path, &res, &err), CUTOVER_OK);
	assert_int_not_equal(audit_open(path, &(struct audit_session_info){ 0 }, &a, &err), CUTOVER_OK);
	assert_null(a);
	audit_close(NULL);
}

/* Two processes (two operators on one bastion) append 1000 rows each at
 * once: none is lost and the chain stays valid. */
static void test_concurrent_writers(void **state)
{
	struct audit_verify_result res;
	struct cutover_err err;
	struct timespec t0, t1;
	pid_t kids[2];
	struct audit *a = open_log();
	(void)state;

	audit_close(a);   /* rows 1-2: the folder and schema exist */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		assert_true(kids[k] >= 0);
		if (kids[k] == 0) {
			struct audit_session_info who = { k ? "bob" : "alice", NULL, NULL, "rb", NULL, "staging" };
			struct audit *w = NULL;
			int64_t id;

			if (audit_open(path, &who, &w, &err) != CUTOVER_OK)
				_exit(10);
			for (int i = 0; i < 1000; i++) {
				struct audit_event ev = { "note", NULL, NULL, k ? "b" : "a", NULL };

				if (audit_event(w, &ev, &id, &err) != CUTOVER_OK) {
					fprintf(stderr, "writer %d: %s\n", k, err.msg);
					_exit(11);
				}
			}
			audit_close(w);
			_exit(0);
		}
	}
	for (int k = 0; k < 2; k++) {
		int status = 0;

		assert_int_equal(waitpid(kids[k], &status, 0), kids[k]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(audit_verify(path, &res, &err), CUTOVER_OK);
	assert_int_equal(res.rows, 2 + 2 * (1000 + 2));
	printf("# 2 writers x 1000 durable appends: %.0f appends/s\n",
	       2000.0 / ((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_chain_valid_and_permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_delete_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_detects_tampering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unresolved_intents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secrets_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_path_and_operator, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_writers, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
