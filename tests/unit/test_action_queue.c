/* test_action_queue.c: the action worker thread against `cutover sim` (a
 * child process on a loopback port, so the sim's threads stay out of this
 * process): submit returns at once, results come back by callback and
 * poll in order, the ack hook runs after the intent, read-only refuses
 * everything and writes nothing, and shutdown is prompt even with a slow
 * AWS call in flight and a full queue behind it. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cutover/actions.h"
#include "cutover/audit.h"
#include "cutover/aws_client.h"

static char tmpdir[256];
static struct runbook *rb;

struct sim {
	pid_t pid;
	char url[128];
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Start BUILDDIR/cutover sim on a scenario; read its URL from stdout. */
static void sim_start(struct sim *s, const char *scenario)
{
	int fds[2];
	char buf[512];
	size_t used = 0;
	double deadline = now_s() + 20;
	pid_t parent;

	assert_int_equal(pipe(fds), 0);
	parent = getpid();
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		/* A test that fails or is killed by ctest's timeout must not
		 * leave its sim running: the sim goes with this process. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);

		dup2(fds[1], 1);
		if (devnull >= 0)
			dup2(devnull, 2);
		close(fds[0]);
		execl(BUILDDIR "/cutover", "cutover", "sim", "--scenario", scenario, "--port", "0",
		      (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	s->url[0] = '\0';
	while (now_s() < deadline && used < sizeof(buf) - 1) {
		ssize_t n = read(fds[0], buf + used, sizeof(buf) - 1 - used);
		char *p, *end;

		if (n > 0) {
			used += (size_t)n;
			buf[used] = '\0';
			if ((p = strstr(buf, "http://")) && (end = strpbrk(p, " \n")) != NULL) {
				snprintf(s->url, sizeof(s->url), "%.*s", (int)(end - p), p);
				break;
			}
		} else {
			struct timespec ts = { 0, 20000000L };

			nanosleep(&ts, NULL);
		}
	}
	close(fds[0]);
	if (!s->url[0])
		fail_msg("the sim did not start");
}

static void sim_stop(struct sim *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
}

static void use_sim(const struct sim *s)
{
	setenv("AWS_ENDPOINT_URL", s->url, 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDALICE", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "alice-secret", 1);
	setenv("AWS_REGION", "us-east-1", 1);
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	setenv("AWS_CONFIG_FILE", "/nonexistent/cutover-test-config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/cutover-test-credentials", 1);
	unsetenv("CUTOVER_AUDIT");
	unsetenv("CUTOVER_TEST_PAUSE_AFTER_INTENT");
}

/* What the done-callback saw, guarded for the worker thread. */
struct seen {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int n;
	uint64_t ids[16];
};

static void on_done(void *ctx, const struct action_result *res)
{
	struct seen *s = ctx;

	pthread_mutex_lock(&s->mu);
	if (s->n < 16)
		s->ids[s->n] = res->id;
	s->n++;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->mu);
}

static int wait_for(struct seen *s, int n, double seconds)
{
	struct timespec dl;
	int got;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += (time_t)seconds;
	pthread_mutex_lock(&s->mu);
	while (s->n < n)
		if (pthread_cond_timedwait(&s->cond, &s->mu, &dl) != 0)
			break;
	got = s->n;
	pthread_mutex_unlock(&s->mu);
	return got;
}

static void opts(struct actions_options *o, const char *audit, bool read_only)
{
	memset(o, 0, sizeof(*o));
	o->rb = rb;
	o->audit_path = audit;
	o->operator_name = "alice";
	o->read_only = read_only;
	o->timeout_ms = 10000;
}

struct ack_log {
	int calls;
	char gauge[64];
	int fail;
};

static enum cutover_status ack_hook(void *ctx, const char *gauge_id, struct cutover_err *err)
{
	struct ack_log *l = ctx;

	l->calls++;
	snprintf(l->gauge, sizeof(l->gauge), "%s", gauge_id);
	if (l->fail)
		return cutover_errf(err, CUTOVER_ENOENT, "no banner for %s", gauge_id);
	return CUTOVER_OK;
}

static int count_rows(void *ctx, const struct audit_row *r)
{
	(void)r;
	(*(int *)ctx)++;
	return 0;
}

static void test_queue_runs_actions(void **state)
{
	struct sim sim = { 0 };
	struct seen seen = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, { 0 } };
	struct ack_log ack = { 0 };
	struct actions_options o;
	struct action_queue *q = NULL;
	struct action_request req[4];
	struct action_result res;
	struct cutover_err err;
	char audit[512], scen[512];
	uint64_t ids[4];
	double t0;
	int unresolved = 0;

	(void)state;
	snprintf(scen, sizeof(scen), "%s/tests/data/actions/scenario.json", SRCDIR);
	sim_start(&sim, scen);
	use_sim(&sim);
	snprintf(audit, sizeof(audit), "%s/queue.db", tmpdir);
	opts(&o, audit, false);
	o.ack = ack_hook;
	o.ack_ctx = &ack;
	assert_int_equal(action_queue_create(&o, on_done, &seen, &q, &err), CUTOVER_OK);

	memset(req, 0, sizeof(req));
	req[0].kind = ACTION_FLAG_SET;
	req[0].flag_id = "rollout";
	req[0].flag_op = ACTION_FLAG_VALUE;
	req[0].value = "30";
	req[0].expected_version = 1;
	req[1].kind = ACTION_FLAG_SET;
	req[1].flag_id = "use_sfn";
	req[1].flag_op = ACTION_FLAG_TOGGLE;
	req[2].kind = ACTION_ALERT_ACK;
	req[2].gauge_id = "errors";
	req[2].comment = "seen, watching";
	req[3].kind = ACTION_FLAG_SET;
	req[3].flag_id = "rollout";
	req[3].flag_op = ACTION_FLAG_STEP_UP;

	t0 = now_s();
	for (int i = 0; i < 4; i++) {
		/* The request's strings may go away right after submit. */
		char value[8];
		struct action_request copy = req[i];

		if (req[i].value) {
			snprintf(value, sizeof(value), "%s", req[i].value);
			copy.value = value;
		}
		assert_int_equal(action_queue_submit(q, &copy, &ids[i], &err), CUTOVER_OK);
		memset(value, 'X', sizeof(value) - 1);
		value[sizeof(value) - 1] = '\0';
		assert_int_equal(ids[i], (uint64_t)(i + 1));
	}
	/* Submitting never waits for AWS. */
	assert_true(now_s() - t0 < 0.5);
	assert_int_equal(wait_for(&seen, 4, 30), 4);
	assert_int_equal(action_queue_pending(q), 0);

	for (int i = 0; i < 4; i++) {
		assert_true(action_queue_poll(q, &res));
		assert_int_equal(res.id, ids[i]);      /* in submission order */
		assert_int_equal(res.kind, req[i].kind);
		if (res.outcome != ACTION_OUTCOME_OK || res.status != CUTOVER_OK)
			fail_msg("action %d: %s (%s) %s", i, action_outcome_name(res.outcome),
				 res.reason, res.message);
		assert_true(res.intent_id > 0);
	}
	assert_false(action_queue_poll(q, &res));
	action_queue_destroy(q, 1000);

	assert_int_equal(ack.calls, 1);
	assert_string_equal(ack.gauge, "errors");
	/* Every intent has its outcome. */
	assert_int_equal(audit_unresolved(audit, count_rows, &unresolved, &err), CUTOVER_OK);
	assert_int_equal(unresolved, 0);

	/* What landed, read back through a synchronous executor. */
	{
		struct actions *ex = NULL;
		struct action_flag_state *fs = NULL;

		opts(&o, audit, true);
		assert_int_equal(actions_create(&o, &ex, &err), CUTOVER_OK);
		assert_int_equal(actions_flags_read(ex, true, &fs, &err), CUTOVER_OK);
		for (size_t i = 0; i < rb->nflags; i++) {
			if (strcmp(fs[i].def->id, "rollout") == 0) {
				assert_string_equal(fs[i].value, "40");   /* 30, then a step */
				assert_int_equal(fs[i].version, 3);
				assert_string_equal(fs[i].last_modified_user,
						    "arn:aws:iam::123456789012:user/alice");
			}
			if (strcmp(fs[i].def->id, "use_sfn") == 0)
				assert_string_equal(fs[i].value, "true");
		}
		actions_flags_free(fs, rb->nflags);
		actions_destroy(ex);
	}

	/* A hook that fails: the outcome says so. */
	seen.n = 0;
	ack.fail = 1;
	opts(&o, audit, false);
	o.ack = ack_hook;
	o.ack_ctx = &ack;
	assert_int_equal(action_queue_create(&o, on_done, &seen, &q, &err), CUTOVER_OK);
	assert_int_equal(action_queue_submit(q, &req[2], &ids[0], &err), CUTOVER_OK);
	assert_int_equal(wait_for(&seen, 1, 30), 1);
	assert_true(action_queue_poll(q, &res));
	assert_int_equal(res.outcome, ACTION_OUTCOME_FAILED);
	assert_string_equal(res.reason, "hook");
	assert_non_null(strstr(res.message, "no banner for errors"));
	action_queue_destroy(q, 1000);
	sim_stop(&sim);
}

static void test_read_only_refuses_everything(void **state)
{
	struct seen seen = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, { 0 } };
	struct actions_options o;
	struct action_queue *q = NULL;
	struct action_request req[6];
	struct action_result res;
	struct cutover_err err;
	char audit[512];
	uint64_t id;
	struct stat st;

	(void)state;
	/* No AWS needed: read-only refuses before any call. */
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9", 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDALICE", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "alice-secret", 1);
	setenv("AWS_REGION", "us-east-1", 1);
	snprintf(audit, sizeof(audit), "%s/ro.db", tmpdir);
	opts(&o, audit, true);
	assert_int_equal(action_queue_create(&o, on_done, &seen, &q, &err), CUTOVER_OK);
	memset(req, 0, sizeof(req));
	req[0].kind = ACTION_FLAG_SET;
	req[0].flag_id = "rollout";
	req[0].value = "50";
	req[1].kind = ACTION_APPROVE;
	req[1].phase_id = "approve-cutover";
	req[2].kind = ACTION_REJECT;
	req[2].task_token = "AQBtoken";
	req[3].kind = ACTION_EXEC_STOP;
	req[3].execution = "AUDIT-0001";
	req[3].confirmed = true;
	req[4].kind = ACTION_ALERT_ACK;
	req[4].gauge_id = "errors";
	req[5].kind = ACTION_NOTE;
	req[5].comment = "a note";
	for (int i = 0; i < 6; i++)
		assert_int_equal(action_queue_submit(q, &req[i], &id, &err), CUTOVER_OK);
	assert_int_equal(wait_for(&seen, 6, 30), 6);
	for (int i = 0; i < 6; i++) {
		assert_true(action_queue_poll(q, &res));
		assert_int_equal(res.outcome, ACTION_OUTCOME_REFUSED);
		assert_int_equal(res.status, CUTOVER_EREFUSED);
		assert_string_equal(res.reason, "read-only");
		assert_int_equal(res.intent_id, 0);
	}
	action_queue_destroy(q, 1000);
	/* Nothing was written: not even a session. */
	assert_int_not_equal(stat(audit, &st), 0);
}

static void test_shutdown_is_prompt(void **state)
{
	struct sim sim = { 0 };
	struct actions_options o;
	struct action_queue *q = NULL;
	struct action_request req = { 0 };
	struct cutover_err err;
	char audit[512], scen[512];
	FILE *f;
	uint64_t id;
	int accepted = 0, refused = 0, unresolved = 0;
	double t0;

	(void)state;
	/* The fixture with SSM answering after 3 s. */
	snprintf(scen, sizeof(scen), "%s/slow.json", tmpdir);
	f = fopen(scen, "w");
	assert_non_null(f);
	fprintf(f, "{ \"region\": \"us-east-1\", \"account\": \"123456789012\",\n"
		   "  \"credentials\": [ { \"access_key_id\": \"AKIDALICE\", \"secret_access_key\": "
		   "\"alice-secret\", \"arn\": \"arn:aws:iam::123456789012:user/alice\" } ],\n"
		   "  \"parameters\": [ { \"name\": \"/app/flags/rollout-percent\", \"value\": \"20\" } ],\n"
		   "  \"faults\": [ { \"from_s\": 0, \"latency_ms\": [3000, 3000], \"services\": [\"ssm\"] } ] }\n");
	fclose(f);
	sim_start(&sim, scen);
	use_sim(&sim);
	snprintf(audit, sizeof(audit), "%s/slow.db", tmpdir);
	opts(&o, audit, false);
	assert_int_equal(action_queue_create(&o, NULL, NULL, &q, &err), CUTOVER_OK);
	req.kind = ACTION_FLAG_SET;
	req.flag_id = "rollout";
	req.value = "30";
	for (int i = 0; i < ACTION_QUEUE_MAX + 8; i++) {
		if (action_queue_submit(q, &req, &id, &err) == CUTOVER_OK) {
			accepted++;
		} else {
			assert_int_equal(err.status, CUTOVER_EREFUSED);
			refused++;
		}
	}
	/* One in flight (or about to be) plus a full queue. */
	assert_true(accepted >= ACTION_QUEUE_MAX && accepted <= ACTION_QUEUE_MAX + 1);
	assert_true(refused >= 7);
	{
		struct timespec ts = { 0, 300000000L };

		nanosleep(&ts, NULL);   /* let the worker enter the slow call */
	}
	assert_true(action_queue_pending(q) >= (size_t)ACTION_QUEUE_MAX);
	t0 = now_s();
	action_queue_destroy(q, 100);
	/* The 3 s call was abandoned after the 100 ms grace (abort hook polled
	 * every 50 ms); the 64 waiting were dropped. */
	if (now_s() - t0 > 1.5)
		fail_msg("shutdown took %.2f s", now_s() - t0);
	/* The abandoned action never reached its intent (it was still reading
	 * the flag), so nothing is left unresolved. */
	if (audit_unresolved(audit, count_rows, &unresolved, &err) == CUTOVER_OK)
		assert_int_equal(unresolved, 0);
	sim_stop(&sim);
}

static void test_destroy_null_and_idle(void **state)
{
	struct actions_options o;
	struct action_queue *q = NULL;
	struct cutover_err err;
	double t0;

	(void)state;
	action_queue_destroy(NULL, 0);
	actions_destroy(NULL);
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9", 1);
	opts(&o, "/nonexistent-dir/x.db", false);
	assert_int_equal(action_queue_create(&o, NULL, NULL, &q, &err), CUTOVER_OK);
	t0 = now_s();
	action_queue_destroy(q, 5000);   /* idle: the condvar wakes it at once */
	assert_true(now_s() - t0 < 0.5);
	/* No runbook: refused at create, out-pointer set. */
	o.rb = NULL;
	q = (struct action_queue *)&o;
	assert_int_equal(action_queue_create(&o, NULL, NULL, &q, &err), CUTOVER_EINVAL);
	assert_null(q);
}

static int setup(void **state)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct cutover_err err;
	char path[512];
	enum cutover_status st;

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/cutover-aq-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	signal(SIGPIPE, SIG_IGN);
	if (aws_global_init(&err) != CUTOVER_OK)
		return -1;
	snprintf(path, sizeof(path), "%s/tests/data/actions/runbook.json", SRCDIR);
	st = runbook_load_file(path, &rb, &diags, &err);
	diag_list_free(&diags);
	if (st != CUTOVER_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	runbook_destroy(rb);
	aws_global_cleanup();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		return -1;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_destroy_null_and_idle),
		cmocka_unit_test(test_read_only_refuses_everything),
		cmocka_unit_test(test_queue_runs_actions),
		cmocka_unit_test(test_shutdown_is_prompt),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
