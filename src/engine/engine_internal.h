/* engine_internal.h: what engine.c (lifecycle, state, snapshot, threads)
 * and engine_sources.c (one poll of each source) share.  Not a public
 * header: front ends see include/cutover/engine.h only.
 *
 * Ownership.  `state` is the published state: only touched with `mu` held.
 * Everything in struct engine_source_ctx and the private arrays below
 * belongs to the one thread that polls that source (or to the owner thread
 * calling engine_poll_once while no poller runs) and is never locked. */
#ifndef CUTOVER_ENGINE_INTERNAL_H
#define CUTOVER_ENGINE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "cutover/aws_client.h"
#include "cutover/aws_credentials_provider.h"
#include "cutover/engine.h"

/* One history event as the executions poller keeps it (owned strings). */
struct engine_event {
	long long id;
	double ts;
	char *type, *state, *resource, *token, *error, *cause, *input;
};

/* The executions poller's memory of one runbook execution. */
struct engine_exec_cache {
	char *arn; /* the execution followed; NULL: none */
	struct engine_event *events;
	size_t nevents, cap;
	long long last_id;
	bool ended_seen; /* an Execution{Succeeded,Failed,...} event is in */
	/* One walk per runbook phase of this execution, in runbook order,
	 * fed events[0..walked): a poll evaluates only what was appended
	 * (phase_eval.h).  They borrow the events' strings, so whatever
	 * frees events resets them.  NULL until the first poll. */
	struct phase_walk *walks;
	size_t nwalks, walked;
};

/* The gauge pollers' memory of one gauge (each gauge belongs to exactly one
 * source by its kind, so no two threads share an entry). */
struct engine_gauge_priv {
	struct gauge_eval eval;
	double ring[ENGINE_HISTORY];
	size_t ring_head, ring_count;
	double ring_last_ts; /* newest datapoint already in the ring */
	char *detail;        /* built by the poller, handed over at publish */
};

/* The flags poller's memory of one flag. */
struct engine_flag_priv {
	long long user_version; /* the version whose last_modified_user we know */
	char *user;
};

struct engine_source_ctx {
	struct engine *e;
	enum runbook_source src;
	struct aws_client *client;
	pthread_t thread;
	bool thread_started;
	unsigned long long rng;
	double next_delay; /* set with each publish of this source's freshness */
	bool used;
};

struct engine {
	const struct runbook *rb;
	struct engine_options opt;
	struct aws_credentials_provider *prov;
	char region[64];

	pthread_mutex_t mu;
	pthread_cond_t cond; /* signalled on stop; pollers sleep on it */
	atomic_int stopping; /* read by the AWS clients' abort hook */
	bool started;

	int wake_rd, wake_wr; /* the wake-up pipe, both ends non-blocking */
	bool wake_pending;    /* under mu: a byte is in the pipe */

	/* --- the published state, under mu --- */
	struct engine_snapshot state;
	size_t trigger_cap;

	/* --- per-source, owned by the poller thread --- */
	struct engine_source_ctx src[RUNBOOK_SRC_COUNT];
	struct engine_exec_cache *exec_cache; /* [rb->nexecutions] */
	struct engine_gauge_priv *gauge_priv; /* [rb->ngauges] */
	struct engine_flag_priv *flag_priv;   /* [rb->nflags] */
};

/* The engine's clock (epoch seconds). */
double engine_now(const struct engine *e);

/* Publish: take mu, run the caller's swap, bump the generation, release,
 * wake the front end. */
void engine_lock(struct engine *e);
void engine_unlock_publish(struct engine *e);

/* Deep copies and frees of views (engine.c); the _free ones release what a
 * view owns and leave it zeroed. */
void engine_phase_view_free(struct engine_phase_view *v);
void engine_approval_view_free(struct engine_approval_view *v);
void engine_execution_view_free(struct engine_execution_view *v);
void engine_flag_view_free(struct engine_flag_view *v);

/* Gauge publishing (engine.c): copy gauge gi's private evaluation into the
 * state and update its trigger banner.  Call with mu held. */
void engine_publish_gauge_locked(struct engine *e, size_t gi);

/* One poll of a source (engine_sources.c).  On failure aerr holds the AWS
 * error (kind CANCELLED when stopping). */
struct aws_error;
enum cutover_status engine_source_poll(struct engine *e, enum runbook_source src,
                                       struct aws_error *aerr);

/* One poll of gauge gi alone (< rb->ngauges): its own GetMetricData
 * queries, its alarm or its URL, on its source's client. */
enum cutover_status engine_gauge_poll(struct engine *e, size_t gi, struct aws_error *aerr);

#endif
