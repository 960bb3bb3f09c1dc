/* audit.c: the hash-chained SQLite audit log (see audit.h).
 *
 * Durability: WAL with synchronous=FULL, so a committed intent survives a
 * crash or power loss before the AWS call that follows it.  Concurrency:
 * every append is BEGIN IMMEDIATE (the write lock) -> read the tail -> insert
 * -> COMMIT, so two consoles on one file interleave whole rows and the chain
 * stays linear.  The hash covers every field with a length prefix, so no two
 * different rows serialise alike.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include "cutover/audit.h"
#include "cutover/strbuf.h"
#include "cutover/dup_or_null.h"
#include "audit/audit_hash.h"

#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"
#define BUSY_TIMEOUT_MS 10000

struct audit {
	sqlite3 *db;
	char session[33];
	char *operator_name, *host, *runbook, *environment;
};

/* Schema migrations: migrations[i] takes user_version i to i+1.  A new
 * version appends a step; existing files are upgraded at open. */
static const char *const migrations[] = {
	/* v1 */
	"CREATE TABLE events ("
	" id INTEGER PRIMARY KEY, ts_ms INTEGER NOT NULL,"
	" operator TEXT, host TEXT, session TEXT, runbook TEXT, environment TEXT,"
	" kind TEXT NOT NULL, target TEXT, old_value TEXT, new_value TEXT,"
	" outcome TEXT NOT NULL, request_id TEXT, detail TEXT, intent_id INTEGER,"
	" prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE INDEX events_intent ON events(intent_id);"
	"CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused'); END;"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused'); END;",
};
#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

static const char *const outcome_names[] = { "intent", "ok", "failed", "unknown" };

const char *audit_outcome_name(enum audit_outcome o)
{
	return (unsigned)o < 4 ? outcome_names[o] : "unknown";
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum cutover_status db_fail(struct cutover_err *err, sqlite3 *db, const char *what,
				   const char *path)
{
	return cutover_errf(err, CUTOVER_EDB, "audit log %s: %s: %s", path ? path : "", what,
			    db ? sqlite3_errmsg(db) : "cannot allocate a connection");
}

/* mkdir -p for the log's folder; folders we create are 0700 (the log holds
 * who did what, which is nobody else's business on a shared bastion). */
static enum cutover_status make_parent_dirs(const char *path, struct cutover_err *err)
{
	char dir[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(dir))
		return cutover_errf(err, CUTOVER_EINVAL, "audit log path too long: %s", path);
	memcpy(dir, path, n + 1);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return CUTOVER_OK;
	*slash = '\0';
	for (char *p = dir + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(dir, 0700) != 0 && errno != EEXIST)
				return cutover_errf(err, CUTOVER_EIO,
						    "cannot create folder %s for the audit log: %s",
						    dir, strerror(errno));
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return CUTOVER_OK;
}

static enum cutover_status create_file(const char *path, struct cutover_err *err)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return cutover_errf(err, CUTOVER_EIO, "cannot create audit log %s: %s", path,
				    strerror(errno));
	close(fd);
	return CUTOVER_OK;
}

static enum cutover_status exec_sql(sqlite3 *db, const char *sql, const char *path,
				    struct cutover_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		cutover_errf(err, CUTOVER_EDB, "audit log %s: %s", path, msg ? msg : "error");
		sqlite3_free(msg);
		return CUTOVER_EDB;
	}
	return CUTOVER_OK;
}

static enum cutover_status migrate(sqlite3 *db, const char *path, struct cutover_err *err)
{
	enum cutover_status st;
	sqlite3_stmt *q = NULL;
	int version;

	st = exec_sql(db, "BEGIN IMMEDIATE", path, err);
	if (st != CUTOVER_OK)
		return st;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_step(q) != SQLITE_ROW) {
		st = db_fail(err, db, "reading the schema version", path);
		goto out;
	}
	version = sqlite3_column_int(q, 0);
	if (version > SCHEMA_VERSION) {
		st = cutover_errf(err, CUTOVER_EDB,
				  "audit log %s has schema v%d, newer than this cutover (v%d): "
				  "upgrade cutover to write to it", path, version, SCHEMA_VERSION);
		goto out;
	}
	for (; version < SCHEMA_VERSION; version++) {
		char pragma[64];

		st = exec_sql(db, migrations[version], path, err);
		if (st != CUTOVER_OK)
			goto out;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", version + 1);
		st = exec_sql(db, pragma, path, err);
		if (st != CUTOVER_OK)
			goto out;
	}
out:
	sqlite3_finalize(q);
	if (st == CUTOVER_OK)
		return exec_sql(db, "COMMIT", path, err);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return st;
}

/* Callers must never pass secrets; this guard makes the rule hold even
 * when a caller forgets. */
static int names_a_secret(const char *s)
{
	static const char *const keys[] = {
		"secretaccesskey", "secret_access_key", "sessiontoken", "session_token",
		"aws_secret", "x-amz-security-token",
	};
	char low[4096];
	size_t n;

	if (!s)
		return 0;
	n = strlen(s);
	for (size_t off = 0; off < n; off += sizeof(low) / 2) {
		size_t m = n - off < sizeof(low) - 1 ? n - off : sizeof(low) - 1;

		for (size_t i = 0; i < m; i++) {
			char c = s[off + i];
			low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		low[m] = '\0';
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (strstr(low, keys[k]))
				return 1;
		if (off + m >= n)
			break;
	}
	return 0;
}

static void bind_text(sqlite3_stmt *q, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(q, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, i);
}

/* Append one row under the write lock.  row->id, ts_ms, prev_hash and hash
 * are filled here. */
static enum cutover_status append(struct audit *a, struct audit_row *row, struct cutover_err *err)
{
	static const char insert_sql[] =
		"INSERT INTO events (id, ts_ms, operator, host, session, runbook, environment,"
		" kind, target, old_value, new_value, outcome, request_id, detail, intent_id,"
		" prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *q = NULL;
	char prev[AUDIT_HASH_HEX + 1], hash[AUDIT_HASH_HEX + 1];
	enum cutover_status st = CUTOVER_OK;
	int rc, tries = 0;

	if (names_a_secret(row->detail) || names_a_secret(row->new_value) ||
	    names_a_secret(row->old_value))
		return cutover_errf(err, CUTOVER_EINVAL,
				    "refusing to write a secret into the audit log (%s on %s); "
				    "pass a description, never credentials",
				    row->kind, row->target ? row->target : "-");
	/* busy_timeout waits for the lock; a few more tries cover the rare
	 * SQLITE_BUSY that WAL returns without waiting (a snapshot race). */
	while ((rc = sqlite3_exec(a->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) == SQLITE_BUSY &&
	       ++tries < 20) {
		struct timespec ts = { 0, 10000000L * tries };

		nanosleep(&ts, NULL);
	}
	if (rc != SQLITE_OK)
		return db_fail(err, a->db, "taking the write lock", "");

	if (sqlite3_prepare_v2(a->db, "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1", -1,
			       &q, NULL) != SQLITE_OK) {
		st = db_fail(err, a->db, "reading the chain's tail", "");
		goto out;
	}
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(q, 1);

		row->id = sqlite3_column_int64(q, 0) + 1;
		snprintf(prev, sizeof(prev), "%s", h ? h : "");
	} else if (rc == SQLITE_DONE) {
		row->id = 1;
		snprintf(prev, sizeof(prev), "%s", GENESIS_HASH);
	} else {
		st = db_fail(err, a->db, "reading the chain's tail", "");
		goto out;
	}
	sqlite3_finalize(q);
	q = NULL;

	row->ts_ms = now_ms();
	row->prev_hash = prev;
	if (audit_hash_row(row, hash) != CUTOVER_OK) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "audit log: cannot hash a row");
		goto out;
	}
	row->hash = hash;

	if (sqlite3_prepare_v2(a->db, insert_sql, -1, &q, NULL) != SQLITE_OK) {
		st = db_fail(err, a->db, "preparing the insert", "");
		goto out;
	}
	sqlite3_bind_int64(q, 1, row->id);
	sqlite3_bind_int64(q, 2, row->ts_ms);
	bind_text(q, 3, row->operator_name);
	bind_text(q, 4, row->host);
	bind_text(q, 5, row->session);
	bind_text(q, 6, row->runbook);
	bind_text(q, 7, row->environment);
	bind_text(q, 8, row->kind);
	bind_text(q, 9, row->target);
	bind_text(q, 10, row->old_value);
	bind_text(q, 11, row->new_value);
	bind_text(q, 12, row->outcome);
	bind_text(q, 13, row->request_id);
	bind_text(q, 14, row->detail);
	if (row->intent_id)
		sqlite3_bind_int64(q, 15, row->intent_id);
	else
		sqlite3_bind_null(q, 15);
	bind_text(q, 16, row->prev_hash);
	bind_text(q, 17, row->hash);
	if (sqlite3_step(q) != SQLITE_DONE) {
		st = db_fail(err, a->db, "appending a row", "");
		goto out;
	}
	sqlite3_finalize(q);
	q = NULL;
	if (sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		st = db_fail(err, a->db, "committing a row", "");
out:
	sqlite3_finalize(q);
	if (st != CUTOVER_OK)
		sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
	row->prev_hash = row->hash = NULL;
	return st;
}

static void fill_common(const struct audit *a, struct audit_row *row)
{
	row->operator_name = a->operator_name;
	row->host = a->host;
	row->session = a->session;
	row->runbook = a->runbook;
	row->environment = a->environment;
}

static enum cutover_status session_row(struct audit *a, const char *kind, const char *detail,
				       struct cutover_err *err)
{
	struct audit_row row = { 0 };

	fill_common(a, &row);
	row.kind = kind;
	row.outcome = "ok";
	row.detail = detail;
	return append(a, &row, err);
}

/* JSON string body escaping for the few fields we put into session detail;
 * src/audit/ keeps cJSON out of its core file to stay one-library-per-module. */
static enum cutover_status json_str(struct strbuf *sb, const char *s)
{
	if (!s)
		return strbuf_puts(sb, "null");
	if (strbuf_puts(sb, "\"") != CUTOVER_OK)
		return CUTOVER_ENOMEM;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		enum cutover_status st;

		if (*p == '"' || *p == '\\')
			st = strbuf_printf(sb, "\\%c", *p);
		else if (*p < 0x20)
			st = strbuf_printf(sb, "\\u%04x", *p);
		else
			st = strbuf_append(sb, p, 1);
		if (st != CUTOVER_OK)
			return st;
	}
	return strbuf_puts(sb, "\"");
}

enum cutover_status audit_open(const char *path, const struct audit_session_info *who,
			       struct audit **out, struct cutover_err *err)
{
	struct audit *a;
	struct strbuf detail = STRBUF_INIT;
	unsigned char rnd[16];
	char host[256];
	enum cutover_status st;
	struct stat sb;

	*out = NULL;
	if (!path || !*path)
		return cutover_errf(err, CUTOVER_EINVAL, "no audit log path given");
	a = calloc(1, sizeof(*a));
	if (!a)
		return cutover_errf(err, CUTOVER_ENOMEM, "out of memory opening the audit log");

	st = make_parent_dirs(path, err);
	if (st != CUTOVER_OK)
		goto out;
	if (stat(path, &sb) != 0) {
		st = create_file(path, err);
		if (st != CUTOVER_OK)
			goto out;
	} else if (!S_ISREG(sb.st_mode)) {
		st = cutover_errf(err, CUTOVER_EINVAL, "audit log %s is not a regular file", path);
		goto out;
	}
	if (sqlite3_open_v2(path, &a->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		st = db_fail(err, a->db, "open", path);
		goto out;
	}
	sqlite3_busy_timeout(a->db, BUSY_TIMEOUT_MS);
	st = exec_sql(a->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", path, err);
	if (st != CUTOVER_OK)
		goto out;
	st = migrate(a->db, path, err);
	if (st != CUTOVER_OK)
		goto out;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		st = cutover_errf(err, CUTOVER_EIO, "no randomness for a session id");
		goto out;
	}
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(a->session + 2 * i, 3, "%02x", rnd[i]);
	if (!who->host || !*who->host) {
		if (gethostname(host, sizeof(host)) != 0)
			snprintf(host, sizeof(host), "unknown");
		host[sizeof(host) - 1] = '\0';
	}
	a->operator_name = strdup(audit_operator_name(who->operator_name));
	a->host = strdup(who->host && *who->host ? who->host : host);
	a->runbook = dup_or_null(who->runbook, NULL);
	a->environment = dup_or_null(who->environment, NULL);
	if (!a->operator_name || !a->host || (who->runbook && !a->runbook) ||
	    (who->environment && !a->environment)) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory opening the audit log");
		goto out;
	}
	if (strbuf_puts(&detail, "{\"caller_arn\":") != CUTOVER_OK ||
	    json_str(&detail, who->caller_arn) != CUTOVER_OK ||
	    strbuf_puts(&detail, ",\"runbook_hash\":") != CUTOVER_OK ||
	    json_str(&detail, who->runbook_hash) != CUTOVER_OK ||
	    strbuf_printf(&detail, ",\"version\":\"%s\",\"pid\":%ld}", CUTOVER_VERSION,
			  (long)getpid()) != CUTOVER_OK) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory opening the audit log");
		goto out;
	}
	st = session_row(a, "session.start", strbuf_str(&detail), err);
out:
	strbuf_free(&detail);
	if (st != CUTOVER_OK) {
		sqlite3_close(a->db);
		a->db = NULL;
		audit_close(a);
		return st;
	}
	*out = a;
	return CUTOVER_OK;
}

void audit_close(struct audit *a)
{
	if (!a)
		return;
	if (a->db) {
		struct cutover_err ignored;

		/* Best effort: a missing session.end only means the session's
		 * end time is unknown, which the export says. */
		(void)session_row(a, "session.end", NULL, &ignored);
		sqlite3_close(a->db);
	}
	free(a->operator_name);
	free(a->host);
	free(a->runbook);
	free(a->environment);
	free(a);
}

const char *audit_session_id(const struct audit *a)
{
	return a->session;
}

static void test_pause_after_intent(void)
{
	/* Test hook: lets a test kill -9 the process between a durable intent
	 * and its outcome, which is the crash the log must survive. */
	const char *s = getenv("CUTOVER_TEST_PAUSE_AFTER_INTENT");
	char *end;
	long n;

	if (!s || !*s)
		return;
	n = strtol(s, &end, 10);
	if (*end == '\0' && n > 0 && n < 3600) {
		fprintf(stderr, "cutover: test hook: pausing %lds after intent\n", n);
		sleep((unsigned)n);
	}
}

enum cutover_status audit_intent(struct audit *a, const struct audit_event *ev,
				 int64_t *intent_id, struct cutover_err *err)
{
	struct audit_row row = { 0 };
	enum cutover_status st;

	*intent_id = 0;
	if (!ev->kind || !*ev->kind)
		return cutover_errf(err, CUTOVER_EINVAL, "audit intent without a kind");
	fill_common(a, &row);
	row.kind = ev->kind;
	row.target = ev->target;
	row.old_value = ev->old_value;
	row.new_value = ev->new_value;
	row.detail = ev->detail;
	row.outcome = "intent";
	st = append(a, &row, err);
	if (st != CUTOVER_OK)
		return st;
	*intent_id = row.id;
	test_pause_after_intent();
	return CUTOVER_OK;
}

/* The intent row an outcome refers to, to copy its kind and target so an
 * outcome row reads on its own. */
static enum cutover_status load_intent(struct audit *a, int64_t id, char **kind, char **target,
				       struct cutover_err *err)
{
	sqlite3_stmt *q = NULL;
	enum cutover_status st = CUTOVER_OK;

	*kind = *target = NULL;
	if (sqlite3_prepare_v2(a->db,
			       "SELECT kind, target, outcome FROM events WHERE id = ?", -1, &q,
			       NULL) != SQLITE_OK)
		return db_fail(err, a->db, "reading an intent", "");
	sqlite3_bind_int64(q, 1, id);
	if (sqlite3_step(q) != SQLITE_ROW) {
		st = cutover_errf(err, CUTOVER_ENOENT, "audit log has no row %lld",
				  (long long)id);
		goto out;
	}
	if (strcmp((const char *)sqlite3_column_text(q, 2), "intent") != 0) {
		st = cutover_errf(err, CUTOVER_EINVAL, "audit row %lld is not an intent",
				  (long long)id);
		goto out;
	}
	*kind = dup_or_null((const char *)sqlite3_column_text(q, 0), NULL);
	*target = dup_or_null((const char *)sqlite3_column_text(q, 1), NULL);
	if (!*kind)
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
out:
	sqlite3_finalize(q);
	return st;
}

enum cutover_status audit_outcome(struct audit *a, int64_t intent_id, enum audit_outcome outcome,
				  const char *request_id, const char *detail,
				  struct cutover_err *err)
{
	struct audit_row row = { 0 };
	char *kind = NULL, *target = NULL;
	enum cutover_status st;

	if (outcome == AUDIT_INTENT)
		return cutover_errf(err, CUTOVER_EINVAL, "an outcome cannot be an intent");
	st = load_intent(a, intent_id, &kind, &target, err);
	if (st != CUTOVER_OK)
		return st;
	fill_common(a, &row);
	row.kind = kind;
	row.target = target;
	row.outcome = audit_outcome_name(outcome);
	row.request_id = request_id;
	row.detail = detail;
	row.intent_id = intent_id;
	st = append(a, &row, err);
	free(kind);
	free(target);
	return st;
}

enum cutover_status audit_event(struct audit *a, const struct audit_event *ev, int64_t *id,
				struct cutover_err *err)
{
	struct audit_row row = { 0 };
	enum cutover_status st;

	if (id)
		*id = 0;
	if (!ev->kind || !*ev->kind)
		return cutover_errf(err, CUTOVER_EINVAL, "audit event without a kind");
	fill_common(a, &row);
	row.kind = ev->kind;
	row.target = ev->target;
	row.old_value = ev->old_value;
	row.new_value = ev->new_value;
	row.detail = ev->detail;
	row.outcome = "ok";
	st = append(a, &row, err);
	if (st == CUTOVER_OK && id)
		*id = row.id;
	return st;
}

static enum cutover_status open_ro(const char *path, sqlite3 **db, struct cutover_err *err)
{
	struct stat sb;

	*db = NULL;
	if (stat(path, &sb) != 0)
		return cutover_errf(err, CUTOVER_ENOENT, "audit log %s: %s", path,
				    strerror(errno));
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		enum cutover_status st = db_fail(err, *db, "open", path);

		sqlite3_close(*db);
		*db = NULL;
		return st;
	}
	sqlite3_busy_timeout(*db, BUSY_TIMEOUT_MS);
	return CUTOVER_OK;
}

#define ROW_COLUMNS "id, ts_ms, operator, host, session, runbook, environment, kind, target," \
	" old_value, new_value, outcome, request_id, detail, intent_id, prev_hash, hash"

static void row_from(sqlite3_stmt *q, struct audit_row *r)
{
#define TXT(i) ((const char *)sqlite3_column_text(q, i))
	r->id = sqlite3_column_int64(q, 0);
	r->ts_ms = sqlite3_column_int64(q, 1);
	r->operator_name = TXT(2);
	r->host = TXT(3);
	r->session = TXT(4);
	r->runbook = TXT(5);
	r->environment = TXT(6);
	r->kind = TXT(7);
	r->target = TXT(8);
	r->old_value = TXT(9);
	r->new_value = TXT(10);
	r->outcome = TXT(11);
	r->request_id = TXT(12);
	r->detail = TXT(13);
	r->intent_id = sqlite3_column_int64(q, 14);
	r->prev_hash = TXT(15);
	r->hash = TXT(16);
#undef TXT
}

/* A reader that must be stoppable (audit_read_stoppable): the busy wait and
 * long walks ask stop() every few milliseconds instead of sleeping through
 * SQLite's busy_timeout. */
struct read_stop {
	int (*stop)(void *ctx);
	void *ctx;
	int stopped;
};

#define STOP_BUSY_STEP_MS 20

static int stop_busy(void *p, int count)
{
	struct read_stop *s = p;
	struct timespec ts = { 0, STOP_BUSY_STEP_MS * 1000000L };

	if (s->stop(s->ctx)) {
		s->stopped = 1;
		return 0;
	}
	if ((long)count * STOP_BUSY_STEP_MS >= BUSY_TIMEOUT_MS)
		return 0;
	nanosleep(&ts, NULL);
	return 1;
}

static int stop_progress(void *p)
{
	struct read_stop *s = p;

	if (s->stop(s->ctx))
		s->stopped = 1;
	return s->stopped;
}

static enum cutover_status query_rows(const char *path, const char *sql, int64_t arg,
				      int (*fn)(void *ctx, const struct audit_row *row), void *ctx,
				      struct read_stop *stop, struct cutover_err *err)
{
	sqlite3 *db;
	sqlite3_stmt *q = NULL;
	enum cutover_status st = open_ro(path, &db, err);
	int rc;

	if (st != CUTOVER_OK)
		return st;
	if (stop) {
		/* Replaces open_ro's busy_timeout: the same 10 s, in steps. */
		sqlite3_busy_handler(db, stop_busy, stop);
		sqlite3_progress_handler(db, 1000, stop_progress, stop);
	}
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
		if (stop && stop->stopped) {
			st = cutover_errf(err, CUTOVER_ECANCELLED, "audit log %s: read stopped",
					  path);
			goto out;
		}
		st = db_fail(err, db, "reading (is this a cutover audit log?)", path);
		goto out;
	}
	sqlite3_bind_int64(q, 1, arg);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct audit_row r;

		row_from(q, &r);
		if (fn(ctx, &r))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		if (stop && stop->stopped)
			st = cutover_errf(err, CUTOVER_ECANCELLED, "audit log %s: read stopped",
					  path);
		else
			st = db_fail(err, db, "reading", path);
	}
out:
	sqlite3_finalize(q);
	sqlite3_close(db);
	return st;
}

enum cutover_status audit_read(const char *path, int64_t after_id,
			       int (*fn)(void *ctx, const struct audit_row *row), void *ctx,
			       struct cutover_err *err)
{
	return query_rows(path, "SELECT " ROW_COLUMNS " FROM events WHERE id > ? ORDER BY id",
			  after_id, fn, ctx, NULL, err);
}

enum cutover_status audit_read_stoppable(const char *path, int64_t after_id,
					 int (*fn)(void *ctx, const struct audit_row *row),
					 void *ctx, int (*stop)(void *stop_ctx), void *stop_ctx,
					 struct cutover_err *err)
{
	struct read_stop rs = { stop, stop_ctx, 0 };

	if (!stop)
		return audit_read(path, after_id, fn, ctx, err);
	return query_rows(path, "SELECT " ROW_COLUMNS " FROM events WHERE id > ? ORDER BY id",
			  after_id, fn, ctx, &rs, err);
}

enum cutover_status audit_unresolved(const char *path,
				     int (*fn)(void *ctx, const struct audit_row *row), void *ctx,
				     struct cutover_err *err)
{
	return query_rows(path,
			  "SELECT " ROW_COLUMNS " FROM events e WHERE e.outcome = 'intent'"
			  " AND e.id > ? AND NOT EXISTS (SELECT 1 FROM events o"
			  " WHERE o.intent_id = e.id) ORDER BY e.id",
			  0, fn, ctx, NULL, err);
}

struct verify_walk {
	struct audit_verify_result *res;
	int64_t last_id;
	char last_hash[AUDIT_HASH_HEX + 1];
	int failed;
};

static int verify_row(void *ctx, const struct audit_row *r)
{
	struct verify_walk *w = ctx;
	char hash[AUDIT_HASH_HEX + 1];

	w->res->rows++;
	if (r->id != w->last_id + 1) {
		w->res->bad_row = r->id;
		snprintf(w->res->why, sizeof(w->res->why),
			 "row %lld follows row %lld: %lld row(s) before it were removed",
			 (long long)r->id, (long long)w->last_id,
			 (long long)(r->id - w->last_id - 1));
		w->failed = 1;
		return 1;
	}
	if (!r->prev_hash || strcmp(r->prev_hash, w->last_hash) != 0) {
		w->res->bad_row = r->id;
		snprintf(w->res->why, sizeof(w->res->why),
			 "row %lld does not chain to row %lld: a row was removed, "
			 "replaced or reordered", (long long)r->id, (long long)w->last_id);
		w->failed = 1;
		return 1;
	}
	if (audit_hash_row(r, hash) != CUTOVER_OK || !r->hash || strcmp(hash, r->hash) != 0) {
		w->res->bad_row = r->id;
		snprintf(w->res->why, sizeof(w->res->why),
			 "row %lld was altered: its contents do not match its hash",
			 (long long)r->id);
		w->failed = 1;
		return 1;
	}
	w->last_id = r->id;
	snprintf(w->last_hash, sizeof(w->last_hash), "%s", r->hash);
	return 0;
}

enum cutover_status audit_verify(const char *path, struct audit_verify_result *res,
				 struct cutover_err *err)
{
	struct verify_walk w = { res, 0, GENESIS_HASH, 0 };
	enum cutover_status st;

	memset(res, 0, sizeof(*res));
	st = audit_read(path, 0, verify_row, &w, err);
	if (st != CUTOVER_OK)
		return st;
	if (w.failed)
		return cutover_errf(err, CUTOVER_EVALIDATE, "audit log %s: %s", path, res->why);
	return CUTOVER_OK;
}

enum cutover_status audit_default_path(const char *explicit_path, const char *runbook_audit_path,
				       const char *runbook_name, char *buf, size_t len,
				       struct cutover_err *err)
{
	const char *env = getenv("CUTOVER_AUDIT");
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (explicit_path && *explicit_path)
		n = snprintf(buf, len, "%s", explicit_path);
	else if (env && *env)
		n = snprintf(buf, len, "%s", env);
	else if (runbook_audit_path && *runbook_audit_path)
		n = snprintf(buf, len, "%s", runbook_audit_path);
	else if (!runbook_name || !*runbook_name)
		return cutover_errf(err, CUTOVER_EINVAL,
				    "which audit log? give --db FILE or set CUTOVER_AUDIT");
	else if (state && *state)
		n = snprintf(buf, len, "%s/cutover/%s.audit.db", state, runbook_name);
	else if (home && *home)
		n = snprintf(buf, len, "%s/.local/state/cutover/%s.audit.db", home, runbook_name);
	else
		return cutover_errf(err, CUTOVER_EINVAL,
				    "no HOME or XDG_STATE_HOME for the audit log; give --db FILE");
	if (n < 0 || (size_t)n >= len)
		return cutover_errf(err, CUTOVER_EINVAL, "audit log path too long");
	return CUTOVER_OK;
}

const char *audit_operator_name(const char *explicit_name)
{
	const char *s;

	if (explicit_name && *explicit_name)
		return explicit_name;
	s = getenv("CUTOVER_OPERATOR");
	if (s && *s)
		return s;
	s = getenv("USER");
	if (s && *s)
		return s;
	return "unknown";
}
