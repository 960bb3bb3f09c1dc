/* status.h: the one list of outcomes every fallible function returns.
 *
 * An X-macro (after tig's STATUS_CODE_INFO) yields the enum and its message
 * table from one place.  Human detail that a person must read goes into a
 * caller-owned struct cutover_err, never a static buffer: several threads run.
 */
#ifndef CUTOVER_STATUS_H
#define CUTOVER_STATUS_H

#include <stddef.h>

#define CUTOVER_STATUS_LIST(_) \
	_(OK,          "ok") \
	_(ENOMEM,      "out of memory") \
	_(EINVAL,      "invalid argument") \
	_(EIO,         "input/output error") \
	_(ENOENT,      "not found") \
	_(EPARSE,      "malformed input") \
	_(EVALIDATE,   "invalid content") \
	_(ETRANSPORT,  "network transport failure") \
	_(EAWS,        "AWS returned an error") \
	_(EAUTH,       "credentials missing or rejected") \
	_(ETIMEOUT,    "timed out") \
	_(ECONFLICT,   "changed by someone else") \
	_(EREFUSED,    "refused") \
	_(EDB,         "audit database error") \
	_(EEXEC,       "command failed") \
	_(ECANCELLED,  "cancelled") \
	_(EUNSUPPORTED,"not supported")

enum cutover_status {
#define CUTOVER_STATUS_ENUM(name, msg) CUTOVER_##name,
	CUTOVER_STATUS_LIST(CUTOVER_STATUS_ENUM)
#undef CUTOVER_STATUS_ENUM
	CUTOVER_STATUS_COUNT
};

#if defined(__GNUC__)
#define CUTOVER_MUST_CHECK __attribute__((warn_unused_result))
#define CUTOVER_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CUTOVER_MUST_CHECK
#define CUTOVER_PRINTF(f, a)
#endif

/* Caller-owned detail for a failure: what failed, why, what to do. */
struct cutover_err {
	enum cutover_status status;
	char msg[1024];
};

/* The short fixed text for a status ("out of memory").  Never NULL. */
const char *cutover_status_str(enum cutover_status st);

/* Record a failure in err (which may be NULL) and return st, so that
 * `return cutover_errf(err, CUTOVER_EIO, "read %s: %s", path, strerror(e));`
 * is one line.  Thread-safe: writes only to *err. */
enum cutover_status cutover_errf(struct cutover_err *err, enum cutover_status st,
				 const char *fmt, ...) CUTOVER_PRINTF(3, 4);

/* Clear err to CUTOVER_OK with an empty message.  err may be NULL. */
void cutover_err_clear(struct cutover_err *err);

#endif
