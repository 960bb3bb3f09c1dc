/* rollback_store.c: the rollback runner's tables in the audit file (see
 * rollback_store.h).  One connection per handle, WAL and synchronous=FULL as
 * the audit log uses, so a step marked running is on disk before the step
 * starts.  Every write is one short BEGIN IMMEDIATE transaction. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cutover/rollback_store.h"

#define BUSY_TIMEOUT_MS 10000

struct rollback_store {
	sqlite3 *db;
	char path[4096];
	char host[ROLLBACK_NAME_MAX];
};

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS rollback_runs ("
    " id TEXT PRIMARY KEY, runbook TEXT NOT NULL, plan TEXT NOT NULL, state TEXT NOT NULL,"
    " operator TEXT, host TEXT, pid INTEGER, started_ms INTEGER, ended_ms INTEGER,"
    " updated_ms INTEGER, current INTEGER, nitems INTEGER, reason TEXT);"
    "CREATE INDEX IF NOT EXISTS rollback_runs_rb ON rollback_runs(runbook, started_ms);"
    "CREATE TABLE IF NOT EXISTS rollback_items ("
    " run_id TEXT NOT NULL, idx INTEGER NOT NULL, kind TEXT, plan TEXT, plan_idx INTEGER,"
    " title TEXT, step_kind TEXT, state TEXT, attempts INTEGER, started_ms INTEGER,"
    " ended_ms INTEGER, exit_code INTEGER, execution_arn TEXT, note TEXT, output_tail TEXT,"
    " intent_id INTEGER, PRIMARY KEY (run_id, idx));"
    "CREATE TABLE IF NOT EXISTS rollback_locks ("
    " runbook TEXT PRIMARY KEY, run_id TEXT, holder TEXT, host TEXT, pid INTEGER,"
    " since_ms INTEGER);"
    "CREATE TABLE IF NOT EXISTS rollback_auto ("
    " runbook TEXT NOT NULL, gauge TEXT NOT NULL, armed INTEGER NOT NULL, by TEXT,"
    " since_ms INTEGER, PRIMARY KEY (runbook, gauge));"
    "CREATE TABLE IF NOT EXISTS rollback_auto_countdowns ("
    " runbook TEXT NOT NULL, gauge TEXT NOT NULL, started_ms INTEGER, deadline_ms INTEGER,"
    " ended_ms INTEGER, host TEXT, pid INTEGER, owner TEXT, cancelled_ms INTEGER,"
    " cancelled_by TEXT, cancel_reason TEXT, PRIMARY KEY (runbook, gauge));";

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void cp(char *dst, size_t n, const unsigned char *src)
{
	snprintf(dst, n, "%s", src ? (const char *)src : "");
}

static enum cutover_status fail(struct cutover_err *err, sqlite3 *db, const char *what,
                                const char *path)
{
	return cutover_errf(err, CUTOVER_EDB, "audit log %s: rollback state: %s: %s", path, what,
	                    db ? sqlite3_errmsg(db) : "cannot allocate a connection");
}

static enum cutover_status exec_sql(struct rollback_store *s, const char *sql,
                                    struct cutover_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		cutover_errf(err, CUTOVER_EDB, "audit log %s: rollback state: %s", s->path,
		             msg ? msg : "error");
		sqlite3_free(msg);
		return CUTOVER_EDB;
	}
	return CUTOVER_OK;
}

/* BEGIN IMMEDIATE with a few retries for the BUSY that WAL can return
 * without waiting on busy_timeout. */
static enum cutover_status begin(struct rollback_store *s, struct cutover_err *err)
{
	int rc, tries = 0;

	while ((rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) == SQLITE_BUSY &&
	       ++tries < 20) {
		struct timespec ts = {0, 10000000L * tries};

		nanosleep(&ts, NULL);
	}
	if (rc != SQLITE_OK)
		return fail(err, s->db, "taking the write lock", s->path);
	return CUTOVER_OK;
}

static enum cutover_status commit(struct rollback_store *s, enum cutover_status st,
                                  struct cutover_err *err)
{
	if (st == CUTOVER_OK) {
		if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
			return CUTOVER_OK;
		st = fail(err, s->db, "commit", s->path);
	}
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return st;
}

enum cutover_status rollback_store_open(const char *path, struct rollback_store **out,
                                        struct cutover_err *err)
{
	struct rollback_store *s;
	enum cutover_status st = CUTOVER_OK;
	struct stat sb;

	*out = NULL;
	if (!path || !*path)
		return cutover_errf(err, CUTOVER_EINVAL,
		                    "no audit log path for the rollback state");
	s = calloc(1, sizeof(*s));
	if (!s)
		return cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (gethostname(s->host, sizeof(s->host)) != 0)
		snprintf(s->host, sizeof(s->host), "unknown");
	s->host[sizeof(s->host) - 1] = '\0';
	if (stat(path, &sb) != 0) {
		/* The rollback state lives in the audit file; a missing one is
		 * created private, as the audit module would. */
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

		if (fd < 0) {
			st = cutover_errf(err, CUTOVER_EIO, "cannot create audit log %s: %s", path,
			                  strerror(errno));
			goto out;
		}
		close(fd);
	}
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		st = fail(err, s->db, "open", path);
		goto out;
	}
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	if ((st = exec_sql(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", err)) !=
	    CUTOVER_OK)
		goto out;
	if ((st = begin(s, err)) != CUTOVER_OK)
		goto out;
	st = commit(s, exec_sql(s, schema_sql, err), err);
out:
	if (st != CUTOVER_OK) {
		rollback_store_close(s);
		return st;
	}
	*out = s;
	return CUTOVER_OK;
}

void rollback_store_close(struct rollback_store *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	free(s);
}

const char *rollback_store_host(const struct rollback_store *s)
{
	return s->host;
}

static void bind_text(sqlite3_stmt *q, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(q, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, i);
}

static bool pid_alive(long pid)
{
	if (pid <= 0)
		return false;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

static enum cutover_status read_lock(sqlite3 *db, const char *path, const char *runbook,
                                     const char *host, struct rollback_lock_info *li,
                                     struct cutover_err *err)
{
	sqlite3_stmt *q = NULL;
	enum cutover_status st = CUTOVER_OK;
	int rc;

	memset(li, 0, sizeof(*li));
	if (sqlite3_prepare_v2(db,
	                       "SELECT run_id, holder, host, pid, since_ms FROM rollback_locks"
	                       " WHERE runbook = ?",
	                       -1, &q, NULL) != SQLITE_OK)
		return fail(err, db, "reading the lock", path);
	bind_text(q, 1, runbook);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		li->held = true;
		cp(li->run_id, sizeof(li->run_id), sqlite3_column_text(q, 0));
		cp(li->holder, sizeof(li->holder), sqlite3_column_text(q, 1));
		cp(li->host, sizeof(li->host), sqlite3_column_text(q, 2));
		li->pid = (long)sqlite3_column_int64(q, 3);
		li->since_ms = sqlite3_column_int64(q, 4);
		li->same_host = strcmp(li->host, host) == 0;
		/* Another machine's pid says nothing here: assume it lives. */
		li->alive = li->same_host ? pid_alive(li->pid) : true;
	} else if (rc != SQLITE_DONE) {
		st = fail(err, db, "reading the lock", path);
	}
	sqlite3_finalize(q);
	return st;
}

static void fmt_since(int64_t ms, char *buf, size_t n)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		snprintf(buf, n, "?");
	else
		snprintf(buf, n, "%02d:%02d:%02d UTC", tm.tm_hour % 100, tm.tm_min % 100,
		         tm.tm_sec % 100);
}

enum cutover_status rollback_store_lock(struct rollback_store *s, const char *runbook,
                                        const char *run_id, const char *holder,
                                        struct rollback_lock_info *held, bool *took_stale,
                                        struct cutover_err *err)
{
	sqlite3_stmt *q = NULL;
	enum cutover_status st;
	long me = (long)getpid();

	*took_stale = false;
	if ((st = begin(s, err)) != CUTOVER_OK)
		return st;
	if ((st = read_lock(s->db, s->path, runbook, s->host, held, err)) != CUTOVER_OK)
		goto out;
	if (held->held &&
	    !(held->same_host && held->pid == me && strcmp(held->run_id, run_id) == 0)) {
		if (held->alive) {
			char since[32];

			fmt_since(held->since_ms, since, sizeof(since));
			st = cutover_errf(
			    err, CUTOVER_EREFUSED,
			    "a rollback of %s is already running: %s on %s (pid %ld) "
			    "since %s, run %.12s; one rollback at a time per runbook. "
			    "Watch it in that console, or wait for it to end",
			    runbook, held->holder, held->host, held->pid, since, held->run_id);
			goto out;
		}
		*took_stale = true;
	}
	if (sqlite3_prepare_v2(s->db,
	                       "INSERT OR REPLACE INTO rollback_locks (runbook, run_id, holder,"
	                       " host, pid, since_ms) VALUES (?,?,?,?,?,?)",
	                       -1, &q, NULL) != SQLITE_OK) {
		st = fail(err, s->db, "writing the lock", s->path);
		goto out;
	}
	bind_text(q, 1, runbook);
	bind_text(q, 2, run_id);
	bind_text(q, 3, holder);
	bind_text(q, 4, s->host);
	sqlite3_bind_int64(q, 5, me);
	sqlite3_bind_int64(q, 6, now_ms());
	if (sqlite3_step(q) != SQLITE_DONE)
		st = fail(err, s->db, "writing the lock", s->path);
out:
	sqlite3_finalize(q);
	return commit(s, st, err);
}

enum cutover_status rollback_store_unlock(struct rollback_store *s, const char *runbook,
                                          struct cutover_err *err)
{
	sqlite3_stmt *q = NULL;
	enum cutover_status st;

	if ((st = begin(s, err)) != CUTOVER_OK)
		return st;
	if (sqlite3_prepare_v2(
	        s->db, "DELETE FROM rollback_locks WHERE runbook = ? AND host = ? AND pid = ?", -1,
	        &q, NULL) != SQLITE_OK) {
		st = fail(err, s->db, "releasing the lock", s->path);
		goto out;
	}
	bind_text(q, 1, runbook);
	bind_text(q, 2, s->host);
	sqlite3_bind_int64(q, 3, (long)getpid());
	if (sqlite3_step(q) != SQLITE_DONE)
		st = fail(err, s->db, "releasing the lock", s->path);
out:
	sqlite3_finalize(q);
	return commit(s, st, err);
}

static void bind_run(sqlite3_stmt *q, const struct rollback_run_rec *r)
{
	bind_text(q, 1, r->id);
	bind_text(q, 2, r->runbook);
	bind_text(q, 3, r->plan);
	bind_text(q, 4, r->state);
	bind_text(q, 5, r->operator_name);
	bind_text(q, 6, r->host);
	sqlite3_bind_int64(q, 7, r->pid);
	sqlite3_bind_int64(q, 8, r->started_ms);
	sqlite3_bind_int64(q, 9, r->ended_ms);
	sqlite3_bind_int64(q, 10, now_ms());
	sqlite3_bind_int64(q, 11, r->current);
	sqlite3_bind_int64(q, 12, r->nitems);
	bind_text(q, 13, r->reason);
}

static const char item_insert_sql[] =
    "INSERT OR REPLACE INTO rollback_items (run_id, idx, kind, plan, plan_idx, title,"
    " step_kind, state, attempts, started_ms, ended_ms, exit_code, execution_arn, note,"
    " output_tail, intent_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

static void bind_item(sqlite3_stmt *q, const char *run_id, const struct rollback_item_rec *it)
{
	bind_text(q, 1, run_id);
	sqlite3_bind_int64(q, 2, it->idx);
	bind_text(q, 3, it->kind);
	bind_text(q, 4, it->plan);
	sqlite3_bind_int64(q, 5, it->plan_idx);
	bind_text(q, 6, it->title);
	bind_text(q, 7, it->step_kind);
	bind_text(q, 8, it->state);
	sqlite3_bind_int64(q, 9, it->attempts);
	sqlite3_bind_int64(q, 10, it->started_ms);
	sqlite3_bind_int64(q, 11, it->ended_ms);
	if (it->has_exit_code)
		sqlite3_bind_int(q, 12, it->exit_code);
	else
		sqlite3_bind_null(q, 12);
	bind_text(q, 13, it->execution_arn[0] ? it->execution_arn : NULL);
	bind_text(q, 14, it->note[0] ? it->note : NULL);
	bind_text(q, 15, it->output_tail[0] ? it->output_tail : NULL);
	sqlite3_bind_int64(q, 16, it->intent_id);
}

enum cutover_status rollback_store_run_create(struct rollback_store *s,
                                              const struct rollback_run_rec *run,
                                              const struct rollback_item_rec *items, size_t n,
                                              struct cutover_err *err)
{
	sqlite3_stmt *q = NULL;
	enum cutover_status st;

	if ((st = begin(s, err)) != CUTOVER_OK)
		return st;
	if (sqlite3_prepare_v2(
	        s->db,
	        "INSERT INTO rollback_runs (id, runbook, plan, state, operator, host,"
	        " pid, started_ms, ended_ms, updated_ms, current, nitems, reason)"
	        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
	        -1, &q, NULL) != SQLITE_OK) {
		st = fail(err, s->db, "recording the run", s->path);
		goto out;
	}
	bind_run(q, run);
	if (sqlite3_step(q) != SQLITE_DONE) {
		st = fail(err, s->db, "recording the run", s->path);
		goto out;
	}
	sqlite3_finalize(q);
	q = NULL;
	if (sqlite3_prepare_v2(s->db, item_insert_sql, -1, &q, NULL) != SQLITE_OK) {
		st = fail(err, s->db, "recording the steps", s->path);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(q);
		sqlite3_clear_bindings(q);
		bind_item(q, run->id, &items[i]);
		if (sqlite3_step(q) != SQLITE_DONE) {
			st = fail(err, s->db, "recording the steps", s->path);
			goto out;
		}
	}
out:
	sqlite3_finalize(q);
	return commit(s, st, err);
}

enum cutover_status rollback_store_run_update(struct rollback_store *s,
                                              const struct rollback_run_rec *run,
                                              struct cutover_err *err)
{
	sqlite3_stmt *q = NULL;
	enum cutover_status st;

	if ((st = begin(s, err)) != CUTOVER_OK)
		return st;
	if (sqlite3_prepare_v2(s->db,
	                       "UPDATE rollback_runs SET state = ?, current = ?, ended_ms = ?,"
	                       " updated_ms = ?, pid = ?, host = ?, operator = ? WHERE id = ?",
	                       -1, &q, NULL) != SQLITE_OK) {
		st = fail(err, s->db, "updating the run", s->path);
		goto out;
	}
	bind_text(q, 1, run->state);
	sqlite3_bind_int64(q, 2, run->current);
	sqlite3_bind_int64(q, 3, run->ended_ms);
	sqlite3_bind_int64(q, 4, now_ms());
	sqlite3_bind_int64(q, 5, run->pid);
	bind_text(q, 6, run->host);
	bind_text(q, 7, run->operator_name);
	bind_text(q, 8, run->id);
	if (sqlite3_step(q) != SQLITE_DONE)
		st = fail(err, s->db, "updating the run", s->path);
out:
	sqlite3_finalize(q);
	return commit(s, st, err);
}

enum cutover_status rollback_store_item_update(struct rollback_store *s, const char *run_id,
                                               const struct rollback_item_rec *item,
                                               struct cutover_err *err)
{
	sqlite3_stmt *q = NULL;
	enum cutover_status st;

	if ((st = begin(s, err)) != CUTOVER_OK)
		return st;
	if (sqlite3_prepare_v2(s->db, item_insert_sql, -1, &q, NULL) != SQLITE_OK) {
		st = fail(err, s->db, "updating a step", s->path);
		goto out;
	}
	bind_item(q, run_id, item);
	if (sqlite3_step(q) != SQLITE_DONE)
		st = fail(err, s->db, "updating a step", s->path);
out:
	sqlite3_finalize(q);
	return commit(s, st, err);
}

#define RUN_COLUMNS                                                                                \
	"id, runbook, plan, state, operator, host, pid, started_ms, ended_ms,"                     \
	" updated_ms, current, nitems, reason"

static void run_from(sqlite3_stmt *q, struct rollback_run_rec *r)
{
	memset(r, 0, sizeof(*r));
	cp(r->id, sizeof(r->id), sqlite3_column_text(q, 0));
	cp(r->runbook, sizeof(r->runbook), sqlite3_column_text(q, 1));
	cp(r->plan, sizeof(r->plan), sqlite3_column_text(q, 2));
	cp(r->state, sizeof(r->state), sqlite3_column_text(q, 3));
	cp(r->operator_name, sizeof(r->operator_name), sqlite3_column_text(q, 4));
	cp(r->host, sizeof(r->host), sqlite3_column_text(q, 5));
	r->pid = (long)sqlite3_column_int64(q, 6);
	r->started_ms = sqlite3_column_int64(q, 7);
	r->ended_ms = sqlite3_column_int64(q, 8);
	r->updated_ms = sqlite3_column_int64(q, 9);
	r->current = (long)sqlite3_column_int64(q, 10);
	r->nitems = (long)sqlite3_column_int64(q, 11);
	cp(r->reason, sizeof(r->reason), sqlite3_column_text(q, 12));
}

static enum cutover_status find_run(sqlite3 *db, const char *path, const char *runbook,
                                    const char *plan, bool unfinished, struct rollback_run_rec *out,
                                    bool *found, struct cutover_err *err)
{
	sqlite3_stmt *q = NULL;
	enum cutover_status st = CUTOVER_OK;
	int rc;

	*found = false;
	if (sqlite3_prepare_v2(db,
	                       "SELECT " RUN_COLUMNS " FROM rollback_runs WHERE runbook = ?1"
	                       " AND (?2 IS NULL OR plan = ?2) AND (?3 = 0 OR state NOT IN"
	                       " ('completed', 'aborted')) ORDER BY started_ms DESC, rowid DESC"
	                       " LIMIT 1",
	                       -1, &q, NULL) != SQLITE_OK)
		return fail(err, db, "reading runs", path);
	bind_text(q, 1, runbook);
	bind_text(q, 2, plan);
	sqlite3_bind_int(q, 3, unfinished ? 1 : 0);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		run_from(q, out);
		*found = true;
	} else if (rc != SQLITE_DONE) {
		st = fail(err, db, "reading runs", path);
	}
	sqlite3_finalize(q);
	return st;
}

enum cutover_status rollback_store_find_unfinished(struct rollback_store *s, const char *runbook,
                                                   const char *plan, struct rollback_run_rec *out,
                                                   bool *found, struct cutover_err *err)
{
	return find_run(s->db, s->path, runbook, plan, true, out, found, err);
}

static void item_from(sqlite3_stmt *q, struct rollback_item_rec *it)
{
	memset(it, 0, sizeof(*it));
	it->idx = (long)sqlite3_column_int64(q, 0);
	cp(it->kind, sizeof(it->kind), sqlite3_column_text(q, 1));
	cp(it->plan, sizeof(it->plan), sqlite3_column_text(q, 2));
	it->plan_idx = (long)sqlite3_column_int64(q, 3);
	cp(it->title, sizeof(it->title), sqlite3_column_text(q, 4));
	cp(it->step_kind, sizeof(it->step_kind), sqlite3_column_text(q, 5));
	cp(it->state, sizeof(it->state), sqlite3_column_text(q, 6));
	it->attempts = (long)sqlite3_column_int64(q, 7);
	it->started_ms = sqlite3_column_int64(q, 8);
	it->ended_ms = sqlite3_column_int64(q, 9);
	it->has_exit_code = sqlite3_column_type(q, 10) != SQLITE_NULL;
	it->exit_code = sqlite3_column_int(q, 10);
	cp(it->execution_arn, sizeof(it->execution_arn), sqlite3_column_text(q, 11));
	cp(it->note, sizeof(it->note), sqlite3_column_text(q, 12));
	cp(it->output_tail, sizeof(it->output_tail), sqlite3_column_text(q, 13));
	it->intent_id = sqlite3_column_int64(q, 14);
}

#define ITEM_COLUMNS                                                                               \
	"idx, kind, plan, plan_idx, title, step_kind, state, attempts,"                            \
	" started_ms, ended_ms, exit_code, execution_arn, note, output_tail, intent_id"

enum cutover_status rollback_store_items_load(struct rollback_store *s, const char *run_id,
                                              struct rollback_item_rec **items, size_t *n,
                                              struct cutover_err *err)
{
	sqlite3_stmt *q = NULL;
	struct rollback_item_rec *v = NULL;
	size_t cap = 0, len = 0;
	enum cutover_status st = CUTOVER_OK;
	int rc;

	*items = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT " ITEM_COLUMNS " FROM rollback_items WHERE run_id = ?"
	                       " ORDER BY idx",
	                       -1, &q, NULL) != SQLITE_OK)
		return fail(err, s->db, "reading steps", s->path);
	bind_text(q, 1, run_id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct rollback_item_rec *nv = realloc(v, ncap * sizeof(*v));

			if (!nv) {
				st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
				goto out;
			}
			v = nv;
			cap = ncap;
		}
		item_from(q, &v[len++]);
	}
	if (rc != SQLITE_DONE)
		st = fail(err, s->db, "reading steps", s->path);
out:
	sqlite3_finalize(q);
	if (st != CUTOVER_OK) {
		free(v);
		return st;
	}
	*items = v;
	*n = len;
	return CUTOVER_OK;
}

enum cutover_status rollback_store_auto_get(struct rollback_store *s, const char *runbook,
                                            const char *gauge, bool *armed, char *by, size_t by_len,
                                            int64_t *since_ms, struct cutover_err *err)
{
	sqlite3_stmt *q = NULL;
	enum cutover_status st = CUTOVER_OK;
	int rc;

	*armed = false;
	if (by && by_len)
		by[0] = '\0';
	if (since_ms)
		*since_ms = 0;
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT armed, by, since_ms FROM rollback_auto WHERE runbook = ?"
	                       " AND gauge = ?",
	                       -1, &q, NULL) != SQLITE_OK)
		return fail(err, s->db, "reading auto-rollback arming", s->path);
	bind_text(q, 1, runbook);
	bind_text(q, 2, gauge);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*armed = sqlite3_column_int(q, 0) != 0;
		if (by && by_len)
			cp(by, by_len, sqlite3_column_text(q, 1));
		if (since_ms)
			*since_ms = sqlite3_column_int64(q, 2);
	} else if (rc != SQLITE_DONE) {
		st = fail(err, s->db, "reading auto-rollback arming", s->path);
	}
	sqlite3_finalize(q);
	return st;
}

enum cutover_status rollback_store_auto_set(struct rollback_store *s, const char *runbook,
                                            const char *gauge, bool armed, const char *by,
                                            struct cutover_err *err)
{
	sqlite3_stmt *q = NULL;
	enum cutover_status st;

	if ((st = begin(s, err)) != CUTOVER_OK)
		return st;
	if (sqlite3_prepare_v2(s->db,
	                       "INSERT OR REPLACE INTO rollback_auto (runbook, gauge, armed, by,"
	                       " since_ms) VALUES (?,?,?,?,?)",
	                       -1, &q, NULL) != SQLITE_OK) {
		st = fail(err, s->db, "writing auto-rollback arming", s->path);
		goto out;
	}
	bind_text(q, 1, runbook);
	bind_text(q, 2, gauge);
	sqlite3_bind_int(q, 3, armed ? 1 : 0);
	bind_text(q, 4, by);
	sqlite3_bind_int64(q, 5, now_ms());
	if (sqlite3_step(q) != SQLITE_DONE)
		st = fail(err, s->db, "writing auto-rollback arming", s->path);
out:
	sqlite3_finalize(q);
	return commit(s, st, err);
}

/* One write of the countdown row: sql is run with ?1 runbook, ?2 gauge,
 * ?3..?5 the numbers, ?6 and ?7 the texts, ?8 our pid, ?9 our host.  A
 * statement need not use them all (binding an unused one is ignored). */
static enum cutover_status countdown_write(struct rollback_store *s, const char *sql,
                                           const char *runbook, const char *gauge, int64_t a,
                                           int64_t b, int64_t c, const char *text1,
                                           const char *text2, struct cutover_err *err)
{
	sqlite3_stmt *q = NULL;
	enum cutover_status st;

	if ((st = begin(s, err)) != CUTOVER_OK)
		return st;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK) {
		st = fail(err, s->db, "writing an auto-rollback countdown", s->path);
		goto out;
	}
	bind_text(q, 1, runbook);
	bind_text(q, 2, gauge);
	sqlite3_bind_int64(q, 3, a);
	sqlite3_bind_int64(q, 4, b);
	sqlite3_bind_int64(q, 5, c);
	bind_text(q, 6, text1);
	bind_text(q, 7, text2);
	sqlite3_bind_int64(q, 8, (sqlite3_int64)getpid());
	sqlite3_bind_text(q, 9, s->host, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(q) != SQLITE_DONE)
		st = fail(err, s->db, "writing an auto-rollback countdown", s->path);
out:
	sqlite3_finalize(q);
	return commit(s, st, err);
}

enum cutover_status rollback_store_auto_countdown_begin(struct rollback_store *s,
                                                        const char *runbook, const char *gauge,
                                                        const char *owner, int64_t started_ms,
                                                        int64_t deadline_ms,
                                                        struct cutover_err *err)
{
	/* The cancellation columns are kept: a cancel made while another
	 * process's countdown ran must still reach that process. */
	return countdown_write(
	    s,
	    "INSERT INTO rollback_auto_countdowns (runbook, gauge, started_ms, deadline_ms,"
	    " ended_ms, host, pid, owner, cancelled_ms) VALUES (?1, ?2, ?3, ?4, 0, ?9, ?8, ?6, 0)"
	    " ON CONFLICT (runbook, gauge) DO UPDATE SET started_ms = ?3, deadline_ms = ?4,"
	    " ended_ms = 0, host = ?9, pid = ?8, owner = ?6",
	    runbook, gauge, started_ms, deadline_ms, 0, owner, NULL, err);
}

enum cutover_status rollback_store_auto_countdown_end(struct rollback_store *s, const char *runbook,
                                                      const char *gauge, const char *owner,
                                                      struct cutover_err *err)
{
	return countdown_write(s,
	                       "UPDATE rollback_auto_countdowns SET ended_ms = ?3 WHERE runbook = ?1"
	                       " AND gauge = ?2 AND owner = ?6 AND ended_ms = 0",
	                       runbook, gauge, now_ms(), 0, 0, owner, NULL, err);
}

enum cutover_status rollback_store_auto_cancel_set(struct rollback_store *s, const char *runbook,
                                                   const char *gauge, const char *by,
                                                   const char *reason, struct cutover_err *err)
{
	return countdown_write(
	    s,
	    "INSERT INTO rollback_auto_countdowns (runbook, gauge, started_ms, deadline_ms,"
	    " ended_ms, host, pid, cancelled_ms, cancelled_by, cancel_reason)"
	    " VALUES (?1, ?2, 0, 0, 0, '', 0, ?3, ?6, ?7)"
	    " ON CONFLICT (runbook, gauge) DO UPDATE SET cancelled_ms = ?3, cancelled_by = ?6,"
	    " cancel_reason = ?7",
	    runbook, gauge, now_ms(), 0, 0, by, reason, err);
}

enum cutover_status rollback_store_auto_countdown_get(struct rollback_store *s,
                                                      const char *runbook, const char *gauge,
                                                      struct rollback_auto_countdown *out,
                                                      struct cutover_err *err)
{
	sqlite3_stmt *q = NULL;
	enum cutover_status st = CUTOVER_OK;
	int rc;

	memset(out, 0, sizeof(*out));
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT started_ms, deadline_ms, ended_ms, host, pid, cancelled_ms,"
	                       " cancelled_by, cancel_reason, owner FROM rollback_auto_countdowns"
	                       " WHERE runbook = ? AND gauge = ?",
	                       -1, &q, NULL) != SQLITE_OK)
		return fail(err, s->db, "reading an auto-rollback countdown", s->path);
	bind_text(q, 1, runbook);
	bind_text(q, 2, gauge);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		out->started_ms = sqlite3_column_int64(q, 0);
		out->deadline_ms = sqlite3_column_int64(q, 1);
		out->ended_ms = sqlite3_column_int64(q, 2);
		cp(out->host, sizeof(out->host), sqlite3_column_text(q, 3));
		out->pid = (long)sqlite3_column_int64(q, 4);
		out->cancelled_ms = sqlite3_column_int64(q, 5);
		cp(out->cancelled_by, sizeof(out->cancelled_by), sqlite3_column_text(q, 6));
		cp(out->cancel_reason, sizeof(out->cancel_reason), sqlite3_column_text(q, 7));
		cp(out->owner, sizeof(out->owner), sqlite3_column_text(q, 8));
		out->same_host = strcmp(out->host, s->host) == 0;
		out->ours = out->same_host && out->pid == (long)getpid();
	} else if (rc != SQLITE_DONE) {
		st = fail(err, s->db, "reading an auto-rollback countdown", s->path);
	}
	sqlite3_finalize(q);
	return st;
}

static bool has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *q = NULL;
	bool yes = false;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", -1,
	                       &q, NULL) == SQLITE_OK) {
		bind_text(q, 1, name);
		yes = sqlite3_step(q) == SQLITE_ROW;
	}
	sqlite3_finalize(q);
	return yes;
}

enum cutover_status rollback_store_status(const char *path, const char *runbook,
                                          struct rollback_status *out, struct cutover_err *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	enum cutover_status st = CUTOVER_OK;
	char host[ROLLBACK_NAME_MAX];
	struct stat sb;

	memset(out, 0, sizeof(*out));
	if (stat(path, &sb) != 0)
		return CUTOVER_OK; /* no file: no rollback */
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		st = fail(err, db, "open", path);
		goto out;
	}
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	if (!has_table(db, "rollback_runs") || !has_table(db, "rollback_locks"))
		goto out;
	if ((st = read_lock(db, path, runbook, host, &out->lock, err)) != CUTOVER_OK)
		goto out;
	if ((st = find_run(db, path, runbook, NULL, false, &out->run, &out->has_run, err)) !=
	        CUTOVER_OK ||
	    !out->has_run)
		goto out;
	if (sqlite3_prepare_v2(db,
	                       "SELECT (SELECT count(*) FROM rollback_items WHERE run_id = ?1 AND"
	                       " state IN ('succeeded','skipped','confirmed','check-failed')),"
	                       " (SELECT title FROM rollback_items WHERE run_id = ?1 AND idx = ?2),"
	                       " (SELECT state FROM rollback_items WHERE run_id = ?1 AND idx = ?2)",
	                       -1, &q, NULL) != SQLITE_OK) {
		st = fail(err, db, "reading progress", path);
		goto out;
	}
	bind_text(q, 1, out->run.id);
	sqlite3_bind_int64(q, 2, out->run.current);
	if (sqlite3_step(q) == SQLITE_ROW) {
		out->done = (long)sqlite3_column_int64(q, 0);
		cp(out->current_title, sizeof(out->current_title), sqlite3_column_text(q, 1));
		cp(out->current_state, sizeof(out->current_state), sqlite3_column_text(q, 2));
	}
out:
	sqlite3_finalize(q);
	sqlite3_close(db);
	return st;
}
