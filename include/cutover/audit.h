/* audit.h: the append-only, hash-chained record of every operator action.
 *
 * One SQLite file (WAL, synchronous=FULL) holds one row per event.  An action
 * is written twice: as an intent, durable before the AWS call is made, and
 * again with its outcome.  Each row's hash is SHA-256 over its own fields and
 * the previous row's hash, so `audit_verify()` finds the first row that was
 * altered, removed or reordered.  Triggers refuse UPDATE and DELETE.  Several
 * processes may append to one file at once; each append takes SQLite's write
 * lock before reading the chain's tail, so no row is lost and the chain
 * stays linear.
 *
 * Thread use: one struct audit per thread (SQLite connections are not shared
 * across threads here).  Only src/audit/ includes sqlite3.h.
 */
#ifndef CUTOVER_AUDIT_H
#define CUTOVER_AUDIT_H

#include <stdint.h>
#include <stdio.h>

#include "cutover/status.h"

struct audit;

/* Who is acting, written into every row and into the session.start row.
 * All strings are borrowed for the duration of audit_open(). */
struct audit_session_info {
	const char *operator_name;  /* --operator, CUTOVER_OPERATOR, $USER */
	const char *caller_arn;     /* STS caller identity, or NULL if unknown */
	const char *host;           /* NULL: gethostname() */
	const char *runbook;        /* runbook name */
	const char *runbook_hash;   /* hex SHA-256 of the runbook file, or NULL */
	const char *environment;    /* "production", "staging", ... */
};

enum audit_outcome {
	AUDIT_INTENT,
	AUDIT_OK,
	AUDIT_FAILED,
	AUDIT_UNKNOWN,
};

/* One row, as read back.  Strings are borrowed from the reader and valid
 * only during the callback that receives the row (NULL when absent). */
struct audit_row {
	int64_t id;
	int64_t ts_ms;              /* UTC milliseconds since the epoch */
	const char *operator_name, *host, *session, *runbook, *environment;
	const char *kind, *target, *old_value, *new_value, *outcome;
	const char *request_id, *detail;
	int64_t intent_id;          /* for outcome rows: the intent's id; else 0 */
	const char *prev_hash, *hash;
};

/* What an action is, for audit_intent()/audit_event().  Borrowed strings;
 * NULL for absent fields.  detail is a JSON object text and must not hold
 * secrets: an append whose detail names a secret key is refused. */
struct audit_event {
	const char *kind;           /* "flag.set", "approval.approve", "note", ... */
	const char *target;         /* "/app/flags/dual-write", an execution ARN, ... */
	const char *old_value;
	const char *new_value;
	const char *detail;
};

/* Open (creating if needed) the log at path and write a session.start row.
 * A new file is created 0600 in a 0700 folder (made if missing).  *out is
 * always set (NULL on failure). */
enum cutover_status audit_open(const char *path, const struct audit_session_info *who,
			       struct audit **out, struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Write session.end and close.  NULL is a no-op. */
void audit_close(struct audit *a);

/* Append an intent; it is durable (committed with synchronous=FULL) when
 * this returns.  *intent_id receives its row id for audit_outcome(). */
enum cutover_status audit_intent(struct audit *a, const struct audit_event *ev,
				 int64_t *intent_id, struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Append the outcome of intent_id (AUDIT_OK, AUDIT_FAILED or AUDIT_UNKNOWN),
 * with the AWS request id (may be NULL) and a detail JSON object (may be
 * NULL; on failure it should carry the error). */
enum cutover_status audit_outcome(struct audit *a, int64_t intent_id, enum audit_outcome outcome,
				  const char *request_id, const char *detail,
				  struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Append a complete event with outcome ok in one row (notes, acks). */
enum cutover_status audit_event(struct audit *a, const struct audit_event *ev, int64_t *id,
				struct cutover_err *err) CUTOVER_MUST_CHECK;

/* The session id of this handle (hex); borrowed. */
const char *audit_session_id(const struct audit *a);

/* Read the rows with id > after_id in id order, calling fn for each (row
 * borrowed for the call).  A non-zero return from fn stops the walk.  Opens
 * path read-only; any thread. */
enum cutover_status audit_read(const char *path, int64_t after_id,
			       int (*fn)(void *ctx, const struct audit_row *row), void *ctx,
			       struct cutover_err *err) CUTOVER_MUST_CHECK;

/* audit_read for a thread that must stop promptly (audit_reader): while
 * another connection holds a lock the read waits as audit_read does (up to
 * 10 s), but stop(stop_ctx) is asked every 20 ms of that wait and every
 * thousand SQLite steps of the walk; once it returns non-zero the read gives
 * up with CUTOVER_ECANCELLED.  stop NULL: audit_read.  Any thread. */
enum cutover_status audit_read_stoppable(const char *path, int64_t after_id,
					 int (*fn)(void *ctx, const struct audit_row *row),
					 void *ctx, int (*stop)(void *stop_ctx), void *stop_ctx,
					 struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Intents with no outcome row: actions whose result is unknown (a crash
 * between the call and its outcome).  fn is called per intent row. */
enum cutover_status audit_unresolved(const char *path,
				     int (*fn)(void *ctx, const struct audit_row *row), void *ctx,
				     struct cutover_err *err) CUTOVER_MUST_CHECK;

/* The result of walking the chain. */
struct audit_verify_result {
	int64_t rows;               /* rows checked */
	int64_t bad_row;            /* 0 when valid, else the first bad row's id */
	char why[256];              /* what is wrong with it, for a person */
};

/* Check the whole chain.  CUTOVER_OK with bad_row == 0: valid.
 * CUTOVER_EVALIDATE: bad_row and why say where it breaks.  Other statuses:
 * the file could not be read. */
enum cutover_status audit_verify(const char *path, struct audit_verify_result *res,
				 struct cutover_err *err) CUTOVER_MUST_CHECK;

/* The file to use: explicit (--audit/--db), else $CUTOVER_AUDIT, else the
 * runbook's audit path, else $XDG_STATE_HOME/cutover/<runbook>.audit.db
 * (XDG_STATE_HOME defaults to ~/.local/state).  Writes into buf. */
enum cutover_status audit_default_path(const char *explicit_path, const char *runbook_audit_path,
				       const char *runbook_name, char *buf, size_t len,
				       struct cutover_err *err) CUTOVER_MUST_CHECK;

/* The operator's name: explicit, else $CUTOVER_OPERATOR, else $USER, else
 * "unknown".  Borrowed (from argv or the environment). */
const char *audit_operator_name(const char *explicit_name);

/* Export formats. */
enum audit_format { AUDIT_FORMAT_CSV, AUDIT_FORMAT_JSON, AUDIT_FORMAT_MD };

/* Write the whole log at path to out in the given format.  md is an incident
 * timeline: intents joined to their outcomes, unknown outcomes flagged. */
enum cutover_status audit_export(const char *path, enum audit_format fmt, FILE *out,
				 struct cutover_err *err) CUTOVER_MUST_CHECK;

const char *audit_outcome_name(enum audit_outcome o);

#endif
