/* runbook_origin.h: point a runbook's HTTP checks at another origin.
 *
 * `cutover demo` rehearses a runbook against the in-process sim, which
 * serves the scenario's health paths on its own loopback port.  Before the
 * engine sees the runbook, every HTTP gauge URL and every `http` rollback
 * step URL keeps its path and query but takes the sim's origin, so a
 * rehearsal never reaches the real system (or a placeholder port). */
#ifndef CUTOVER_RUNBOOK_ORIGIN_H
#define CUTOVER_RUNBOOK_ORIGIN_H

#include "cutover/runbook.h"
#include "cutover/status.h"

/* Replace the scheme://authority of every HTTP URL in rb by origin
 * ("http://127.0.0.1:40123", no trailing slash).  Call before anything
 * else reads rb (runbooks are otherwise immutable after load); owner
 * thread.  CUTOVER_EINVAL for an origin that is not http(s)://HOST[:PORT],
 * CUTOVER_ENOMEM; on error rb is unchanged or partly rebased, all valid. */
enum cutover_status runbook_rebase_http(struct runbook *rb, const char *origin,
                                        struct cutover_err *err) CUTOVER_MUST_CHECK;

/* The URL url with its origin replaced by origin, newly allocated (the
 * caller frees it); NULL when out of memory.  A URL without "://" gets
 * origin prepended to it as a path.  Pure. */
char *runbook_url_with_origin(const char *url, const char *origin);

#endif
