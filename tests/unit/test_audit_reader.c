/* test_audit_reader.c: the audit log read off the calling thread.
 * Rows after id N come back in id order and only those; a missing log is
 * ENOENT, not an error; a log held under an exclusive lock by another
 * process (the sqlite3 shell, locking_mode=EXCLUSIVE) does not block the
 * submitter: submit returns at once, busy_s grows, and the batch arrives
 * once the lock is released; destroy during such a read is prompt; a
 * request waiting to start is replaced by a newer one. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cutover/audit.h"
#include "cutover/audit_reader.h"

static char tmpdir[256];
static int wake_pipe[2];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The reader's wake callback: a byte on a pipe, as the console does. */
static void on_wake(void *ctx)
{
	char b = 1;
	ssize_t w = write(*(int *)ctx, &b, 1);

	(void)w;
}

/* Wait (poll on the wake pipe, up to `secs`) for the next batch. */
static bool wait_batch(struct audit_reader *r, struct audit_reader_batch *b, double secs)
{
	double deadline = now_s() + secs;

	for (;;) {
		struct pollfd p = { wake_pipe[0], POLLIN, 0 };
		char drain[16];

		if (audit_reader_take(r, b))
			return true;
		if (now_s() >= deadline)
			return false;
		if (poll(&p, 1, 100) > 0)
			while (read(wake_pipe[0], drain, sizeof(drain)) > 0)
				;
	}
}

static void make_log(const char *path, int notes, int64_t *last_id)
{
	struct audit_session_info who = { .operator_name = "tester", .runbook = "rb",
					  .environment = "test", .host = "host" };
	struct audit *a;
	struct cutover_err err = {0};

	assert_int_equal(audit_open(path, &who, &a, &err), CUTOVER_OK);
	for (int i = 0; i < notes; i++) {
		char text[64];
		struct audit_event ev = { .kind = "note", .target = text };

		snprintf(text, sizeof(text), "note %d", i);
		assert_int_equal(audit_event(a, &ev, last_id, &err), CUTOVER_OK);
	}
	audit_close(a);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/cutover-audit-reader-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	assert_int_equal(pipe(wake_pipe), 0);
	fcntl(wake_pipe[0], F_SETFL, O_NONBLOCK);
	fcntl(wake_pipe[1], F_SETFL, O_NONBLOCK);
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];
	int rc;

	(void)state;
	close(wake_pipe[0]);
	close(wake_pipe[1]);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	rc = system(cmd);
	(void)rc;
	return 0;
}

static void test_rows_after_id(void **state)
{
	char path[512];
	struct audit_reader *r;
	struct audit_reader_batch b;
	struct cutover_err err = {0};
	uint64_t seq;
	int64_t last = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/after.db", tmpdir);
	make_log(path, 5, &last);
	assert_int_equal(audit_reader_create(path, on_wake, &wake_pipe[1], &r, &err), CUTOVER_OK);

	/* Everything: session.start, 5 notes, session.end, in id order. */
	assert_int_equal(audit_reader_submit(r, 0, &seq, &err), CUTOVER_OK);
	assert_true(seq > 0);
	assert_true(wait_batch(r, &b, 20));
	assert_int_equal(b.status, CUTOVER_OK);
	assert_int_equal(b.seq, seq);
	assert_int_equal(b.n, 7);
	for (size_t i = 0; i < b.n; i++) {
		assert_int_equal(b.rows[i].id, (int64_t)i + 1);
		if (i > 0)
			assert_true(b.rows[i].id > b.rows[i - 1].id);
	}
	assert_string_equal(b.rows[0].kind, "session.start");
	assert_string_equal(b.rows[1].target, "note 0");
	assert_string_equal(b.rows[5].target, "note 4");
	audit_reader_batch_free(&b);

	/* After the third note: only what follows it. */
	assert_int_equal(audit_reader_submit(r, last - 2, &seq, &err), CUTOVER_OK);
	assert_true(wait_batch(r, &b, 20));
	assert_int_equal(b.status, CUTOVER_OK);
	assert_int_equal(b.after_id, last - 2);
	assert_int_equal(b.n, 3);
	assert_int_equal(b.rows[0].id, last - 1);
	assert_string_equal(b.rows[0].target, "note 3");
	assert_string_equal(b.rows[1].target, "note 4");
	assert_string_equal(b.rows[2].kind, "session.end");
	audit_reader_batch_free(&b);

	/* Past the end: an empty batch, not an error. */
	assert_int_equal(audit_reader_submit(r, 1000, &seq, &err), CUTOVER_OK);
	assert_true(wait_batch(r, &b, 20));
	assert_int_equal(b.status, CUTOVER_OK);
	assert_int_equal(b.n, 0);
	audit_reader_batch_free(&b);
	assert_false(audit_reader_take(r, &b));
	assert_true(audit_reader_busy_s(r) == 0);
	audit_reader_destroy(r);
	audit_reader_destroy(NULL);
}

static void test_missing_log(void **state)
{
	char path[512];
	struct audit_reader *r = (struct audit_reader *)&r;
	struct audit_reader_batch b;
	struct cutover_err err = {0};
	uint64_t seq;

	(void)state;
	assert_int_equal(audit_reader_create("", NULL, NULL, &r, &err), CUTOVER_EINVAL);
	assert_null(r);
	snprintf(path, sizeof(path), "%s/none/missing.db", tmpdir);
	assert_int_equal(audit_reader_create(path, on_wake, &wake_pipe[1], &r, &err), CUTOVER_OK);
	assert_int_equal(audit_reader_submit(r, 0, &seq, &err), CUTOVER_OK);
	assert_true(wait_batch(r, &b, 20));
	assert_int_equal(b.status, CUTOVER_ENOENT);
	assert_int_equal(b.n, 0);
	assert_non_null(strstr(b.message, "no audit log yet"));
	audit_reader_batch_free(&b);
	audit_reader_destroy(r);
}

/* Another process holding the log under an exclusive lock. */
struct locker {
	pid_t pid;
	FILE *in;
};

static void lock_log(struct locker *l, const char *path)
{
	int to[2], from[2];
	char line[256];
	FILE *out;
	bool locked = false;

	assert_int_equal(pipe(to), 0);
	assert_int_equal(pipe(from), 0);
	l->pid = fork();
	assert_true(l->pid >= 0);
	if (l->pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[1]);
		close(from[0]);
		execlp("sqlite3", "sqlite3", "-batch", path, (char *)NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	l->in = fdopen(to[1], "w");
	assert_non_null(l->in);
	/* In WAL mode only locking_mode=EXCLUSIVE keeps readers out. */
	fprintf(l->in, "PRAGMA locking_mode=EXCLUSIVE;\nBEGIN EXCLUSIVE;\n"
		       "SELECT 'locked', count(*) FROM events;\n");
	fflush(l->in);
	out = fdopen(from[0], "r");
	assert_non_null(out);
	while (fgets(line, sizeof(line), out))
		if (strncmp(line, "locked|", 7) == 0) {
			locked = true;
			break;
		}
	fclose(out);
	assert_true(locked);
}

/* End the shell: closing its input ends it and releases the lock. */
static void unlock_log(struct locker *l)
{
	int status;

	fprintf(l->in, "COMMIT;\n");
	fclose(l->in);
	assert_int_equal(waitpid(l->pid, &status, 0), l->pid);
}

static void test_locked_log_does_not_block(void **state)
{
	char path[512];
	struct audit_reader *r;
	struct audit_reader_batch b;
	struct cutover_err err = {0};
	struct locker l;
	uint64_t seq1, seq2, seq3;
	int64_t last = 0;
	double t0, took;

	(void)state;
	snprintf(path, sizeof(path), "%s/locked.db", tmpdir);
	make_log(path, 3, &last);
	assert_int_equal(audit_reader_create(path, on_wake, &wake_pipe[1], &r, &err), CUTOVER_OK);
	lock_log(&l, path);

	t0 = now_s();
	assert_int_equal(audit_reader_submit(r, 0, &seq1, &err), CUTOVER_OK);
	took = now_s() - t0;
	assert_true(took < 0.05);
	/* Held: nothing comes, and the reader says it is busy. */
	assert_false(wait_batch(r, &b, 1.0));
	assert_true(audit_reader_busy_s(r) >= 0.9);
	/* Newer requests while the first waits on the lock: submit stays
	 * instant; the one still waiting to start is replaced. */
	t0 = now_s();
	assert_int_equal(audit_reader_submit(r, 1, &seq2, &err), CUTOVER_OK);
	assert_int_equal(audit_reader_submit(r, 2, &seq3, &err), CUTOVER_OK);
	assert_true(now_s() - t0 < 0.05);
	assert_true(seq1 < seq2 && seq2 < seq3);

	unlock_log(&l);
	t0 = now_s();
	assert_true(wait_batch(r, &b, 20));
	assert_true(now_s() - t0 < 5.0);
	assert_int_equal(b.status, CUTOVER_OK);
	assert_true(b.seq == seq1 || b.seq == seq3);
	if (b.seq == seq1) {
		/* The first read was running: all rows, then seq3's. */
		assert_int_equal(b.n, 5);
		assert_true(b.elapsed_s >= 0.9);
		audit_reader_batch_free(&b);
		assert_true(wait_batch(r, &b, 20));
		assert_int_equal(b.seq, seq3);
	}
	assert_int_equal(b.after_id, 2);
	assert_int_equal(b.n, 3);
	assert_int_equal(b.rows[0].id, 3);
	audit_reader_batch_free(&b);
	assert_false(wait_batch(r, &b, 0.3)); /* seq2's batch never comes */
	audit_reader_destroy(r);
}

static void test_destroy_during_locked_read(void **state)
{
	char path[512];
	struct audit_reader *r;
	struct audit_reader_batch b;
	struct cutover_err err = {0};
	struct locker l;
	uint64_t seq;
	int64_t last = 0;
	double t0;

	(void)state;
	snprintf(path, sizeof(path), "%s/destroy.db", tmpdir);
	make_log(path, 1, &last);
	assert_int_equal(audit_reader_create(path, on_wake, &wake_pipe[1], &r, &err), CUTOVER_OK);
	lock_log(&l, path);
	assert_int_equal(audit_reader_submit(r, 0, &seq, &err), CUTOVER_OK);
	assert_false(wait_batch(r, &b, 0.5));
	t0 = now_s();
	audit_reader_destroy(r);
	/* Not SQLite's 10 s busy timeout: the stop flag is asked every 20 ms. */
	assert_true(now_s() - t0 < 1.0);
	unlock_log(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_after_id),
		cmocka_unit_test(test_missing_log),
		cmocka_unit_test(test_locked_log_does_not_block),
		cmocka_unit_test(test_destroy_during_locked_read),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
