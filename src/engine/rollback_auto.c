/* rollback_auto.c: auto-rollback (see rollback.h).  A pure state machine
 * per trigger fed by the front end's trigger states and clock, so it is
 * tested without a network or a real clock.  Arming is kept in the audit
 * file (rollback_store) and every switch, countdown, cancellation and
 * firing is an audit row, so the timeline says why a rollback started by
 * itself or why it did not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "cutover/audit.h"
#include "cutover/rollback.h"
#include "cutover/copy_trunc.h"
#include "engine/action_json.h"

struct auto_trigger {
	const struct runbook_gauge *g;
	bool armed;
	char armed_by[ROLLBACK_NAME_MAX];
	bool counting;
	double deadline;
	int64_t since_ms; /* wall clock at the countdown's start: a cancellation
	                   * recorded at or after it (by any process) ends it */
	bool cancelled;
	char cancelled_by[ROLLBACK_NAME_MAX];
	bool cancelled_elsewhere;
	bool fired;
	/* A countdown another front end runs (seen by sync while none runs
	 * here): shown, and cancellable through the store. */
	bool remote;
	double remote_deadline; /* wall clock, epoch seconds */
	char remote_host[ROLLBACK_NAME_MAX];
	long remote_pid;
};

struct rollback_auto {
	const struct runbook *rb;
	struct audit *audit;
	struct rollback_store *store;
	struct auto_trigger *t; /* one per gauge with an auto trigger */
	size_t n;
	char owner[64]; /* this front end's id in the countdown rows */
};

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The store's copy of a countdown is what other processes see; failing to
 * write it is said and the countdown goes on here (the audit row, written
 * separately, is the record). */
static void store_warn(const char *what, const struct auto_trigger *t, enum cutover_status st,
                       const struct cutover_err *err)
{
	if (st != CUTOVER_OK)
		fprintf(stderr, "cutover: auto-rollback %s of %s: %s\n", what, t->g->id, err->msg);
}

static void countdown_end(struct rollback_auto *a, const struct auto_trigger *t)
{
	struct cutover_err err;

	cutover_err_clear(&err);
	if (a->store)
		store_warn("end", t,
		           rollback_store_auto_countdown_end(a->store, a->rb->name, t->g->id,
		                                             a->owner, &err),
		           &err);
}

static struct auto_trigger *find(struct rollback_auto *a, const char *gauge_id)
{
	for (size_t i = 0; i < a->n; i++)
		if (gauge_id && strcmp(a->t[i].g->id, gauge_id) == 0)
			return &a->t[i];
	return NULL;
}

static void record(struct rollback_auto *a, const struct auto_trigger *t, const char *kind,
                   const char *value, const char *who, const char *reason)
{
	struct cutover_err err;
	char cd[32];
	struct action_kv kv[] = {
	    {"plan", ACTION_KV_STR, t->g->trigger.plan ? t->g->trigger.plan->id : NULL, 0, 0},
	    {"countdown_s", ACTION_KV_STR, cd, 0, 0},
	    {"by", ACTION_KV_STR, who, 0, 0},
	    {"reason", ACTION_KV_STR, reason, 0, 0},
	};
	char *detail;
	struct audit_event ev = {kind, t->g->id, NULL, value, NULL};

	snprintf(cd, sizeof(cd), "%u", t->g->trigger.auto_countdown_s);
	detail = action_json_object(kv, sizeof(kv) / sizeof(kv[0]));
	ev.detail = detail;
	cutover_err_clear(&err);
	if (a->audit && audit_event(a->audit, &ev, NULL, &err) != CUTOVER_OK)
		fprintf(stderr, "cutover: %s of %s could not be recorded: %s\n", kind, t->g->id,
		        err.msg);
	free(detail);
}

enum cutover_status rollback_auto_create(const struct runbook *rb, struct audit *audit,
                                         struct rollback_store *store, struct rollback_auto **out,
                                         struct cutover_err *err)
{
	struct rollback_auto *a;
	enum cutover_status st = CUTOVER_OK;
	size_t n = 0;

	*out = NULL;
	if (!rb)
		return cutover_errf(err, CUTOVER_EINVAL, "auto-rollback: no runbook");
	a = calloc(1, sizeof(*a));
	for (size_t i = 0; i < rb->ngauges; i++)
		n += rb->gauges[i].has_trigger && rb->gauges[i].trigger.has_auto;
	if (!a || (n && !(a->t = calloc(n, sizeof(*a->t))))) {
		free(a);
		return cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
	}
	a->rb = rb;
	a->audit = audit;
	a->store = store;
	{
		/* Unique among the front ends sharing the file: two in one
		 * process (a console's worker and a test) differ by address. */
		static atomic_uint serial;

		snprintf(a->owner, sizeof(a->owner), "%ld-%lld-%u", (long)getpid(),
		         (long long)wall_ms(), atomic_fetch_add(&serial, 1u));
	}
	for (size_t i = 0; i < rb->ngauges; i++) {
		const struct runbook_gauge *g = &rb->gauges[i];

		if (!(g->has_trigger && g->trigger.has_auto))
			continue;
		a->t[a->n].g = g;
		if (store && (st = rollback_store_auto_get(
		                  store, rb->name, g->id, &a->t[a->n].armed, a->t[a->n].armed_by,
		                  sizeof(a->t[a->n].armed_by), NULL, err)) != CUTOVER_OK)
			break;
		a->n++;
	}
	if (st != CUTOVER_OK) {
		rollback_auto_destroy(a);
		return st;
	}
	*out = a;
	return CUTOVER_OK;
}

void rollback_auto_attach(struct rollback_auto *a, struct audit *audit,
                          struct rollback_store *store)
{
	a->audit = audit;
	a->store = store;
}

void rollback_auto_destroy(struct rollback_auto *a)
{
	if (!a)
		return;
	free(a->t);
	free(a);
}

enum cutover_status rollback_auto_arm(struct rollback_auto *a, const char *gauge_id, bool armed,
                                      const char *operator_name, struct cutover_err *err)
{
	struct auto_trigger *t = find(a, gauge_id);
	const char *who = audit_operator_name(operator_name);
	char value[256];
	enum cutover_status st;

	if (!t)
		return cutover_errf(err, CUTOVER_EVALIDATE,
		                    "gauge '%.128s' has no auto-rollback trigger in runbook %s "
		                    "(a trigger with \"auto\": {\"countdown_s\": N})",
		                    gauge_id ? gauge_id : "", a->rb->name);
	if (a->store && (st = rollback_store_auto_set(a->store, a->rb->name, t->g->id, armed, who,
	                                              err)) != CUTOVER_OK)
		return st;
	t->armed = armed;
	copy_trunc(t->armed_by, sizeof(t->armed_by), who);
	if (armed && !t->counting) {
		/* Arming is a fresh decision: a trigger still firing after an
		 * earlier cancel (or fire) counts down again at the next update. */
		t->cancelled = t->cancelled_elsewhere = t->fired = false;
	}
	snprintf(value, sizeof(value), "%s: plan %s after a %us countdown",
	         armed ? "armed" : "disarmed", t->g->trigger.plan ? t->g->trigger.plan->id : "-",
	         t->g->trigger.auto_countdown_s);
	record(a, t, armed ? "rollback.auto.arm" : "rollback.auto.disarm", value, who, NULL);
	if (!armed && t->counting) {
		t->counting = false;
		t->cancelled = true;
		copy_trunc(t->cancelled_by, sizeof(t->cancelled_by), who);
		record(a, t, "rollback.auto.cancel", "countdown cancelled: disarmed", who, NULL);
		countdown_end(a, t);
	}
	return CUTOVER_OK;
}

enum cutover_status rollback_auto_cancel(struct rollback_auto *a, const char *gauge_id,
                                         const char *operator_name, const char *reason,
                                         struct cutover_err *err)
{
	struct auto_trigger *t = find(a, gauge_id);
	const char *who = audit_operator_name(operator_name);
	struct rollback_auto_countdown cd;
	enum cutover_status st;
	char value[600];

	if (!t)
		return cutover_errf(err, CUTOVER_EVALIDATE,
		                    "gauge '%.128s' has no auto-rollback trigger in runbook %s",
		                    gauge_id ? gauge_id : "", a->rb->name);
	if (t->counting) {
		/* Durable first: another console counting the same firing
		 * sees it at its next sync. */
		if (a->store && (st = rollback_store_auto_cancel_set(a->store, a->rb->name, t->g->id,
		                                                     who, reason, err)) != CUTOVER_OK)
			return st;
		t->counting = false;
		t->cancelled = true;
		copy_trunc(t->cancelled_by, sizeof(t->cancelled_by), who);
		record(a, t, "rollback.auto.cancel", "countdown cancelled", who, reason);
		countdown_end(a, t);
		return CUTOVER_OK;
	}
	/* Not counting here: another process may be. */
	if (!a->store)
		return cutover_errf(err, CUTOVER_ENOENT, "no auto-rollback countdown runs for '%.128s'",
		                    t->g->id);
	if ((st = rollback_store_auto_countdown_get(a->store, a->rb->name, t->g->id, &cd, err)) !=
	    CUTOVER_OK)
		return st;
	if (cd.started_ms <= 0 || cd.ended_ms != 0 || cd.cancelled_ms >= cd.started_ms ||
	    wall_ms() > cd.deadline_ms + 5000)
		return cutover_errf(err, CUTOVER_ENOENT,
		                    "no auto-rollback countdown runs for '%.128s' (in any process "
		                    "using this audit file)",
		                    t->g->id);
	if ((st = rollback_store_auto_cancel_set(a->store, a->rb->name, t->g->id, who, reason,
	                                         err)) != CUTOVER_OK)
		return st;
	snprintf(value, sizeof(value), "countdown cancelled (it runs in pid %ld on %.256s)", cd.pid,
	         cd.host);
	record(a, t, "rollback.auto.cancel", value, who, reason);
	return CUTOVER_OK;
}

enum cutover_status rollback_auto_sync(struct rollback_auto *a, bool *changed,
                                       struct cutover_err *err)
{
	enum cutover_status st;

	if (changed)
		*changed = false;
	if (!a->store)
		return CUTOVER_OK;
	for (size_t i = 0; i < a->n; i++) {
		struct auto_trigger *t = &a->t[i];
		char by[ROLLBACK_NAME_MAX];
		bool armed;
		struct rollback_auto_countdown cd;

		if ((st = rollback_store_auto_get(a->store, a->rb->name, t->g->id, &armed, by,
		                                  sizeof(by), NULL, err)) != CUTOVER_OK)
			return st;
		if (armed != t->armed || strcmp(by, t->armed_by) != 0) {
			t->armed = armed;
			copy_trunc(t->armed_by, sizeof(t->armed_by), by);
			if (changed)
				*changed = true;
			if (!armed && t->counting) {
				char value[400];

				t->counting = false;
				t->cancelled = true;
				copy_trunc(t->cancelled_by, sizeof(t->cancelled_by), by);
				snprintf(value, sizeof(value),
				         "countdown cancelled: disarmed by %.256s elsewhere", by);
				record(a, t, "rollback.auto.cancel", value, by, NULL);
				countdown_end(a, t);
			}
		}
		if ((st = rollback_store_auto_countdown_get(a->store, a->rb->name, t->g->id, &cd,
		                                            err)) != CUTOVER_OK)
			return st;
		if (!t->counting) {
			bool remote = cd.started_ms > 0 && cd.ended_ms == 0 &&
			              cd.cancelled_ms < cd.started_ms && wall_ms() < cd.deadline_ms &&
			              strcmp(cd.owner, a->owner) != 0;
			double dl = remote ? (double)cd.deadline_ms / 1000.0 : 0;

			if (remote != t->remote || dl != t->remote_deadline) {
				t->remote = remote;
				t->remote_deadline = dl;
				copy_trunc(t->remote_host, sizeof(t->remote_host), remote ? cd.host : "");
				t->remote_pid = remote ? cd.pid : 0;
				if (changed)
					*changed = true;
			}
			continue;
		}
		if (cd.cancelled_ms > 0 && cd.cancelled_ms >= t->since_ms) {
			/* The canceller wrote the audit row. */
			t->counting = false;
			t->cancelled = true;
			t->cancelled_elsewhere = true;
			copy_trunc(t->cancelled_by, sizeof(t->cancelled_by), cd.cancelled_by);
			countdown_end(a, t);
			if (changed)
				*changed = true;
		}
	}
	return CUTOVER_OK;
}

const struct runbook_plan *rollback_auto_update(struct rollback_auto *a, const bool *triggered,
                                                double now, const struct runbook_gauge **gauge_out)
{
	const struct runbook_plan *start = NULL;

	if (gauge_out)
		*gauge_out = NULL;
	for (size_t i = 0; i < a->n; i++) {
		struct auto_trigger *t = &a->t[i];
		size_t gi = (size_t)(t->g - a->rb->gauges);
		bool trig = triggered && triggered[gi];

		if (!trig) {
			if (t->counting) {
				record(a, t, "rollback.auto.cancel",
				       "countdown cancelled: the trigger cleared", "cutover", NULL);
				countdown_end(a, t);
			}
			/* The next firing starts afresh. */
			t->counting = t->cancelled = t->fired = t->cancelled_elsewhere = false;
			continue;
		}
		if (!t->armed || t->cancelled || t->fired)
			continue;
		if (!t->counting) {
			char value[160];

			struct cutover_err err;

			t->counting = true;
			t->remote = false;
			t->deadline = now + t->g->trigger.auto_countdown_s;
			t->since_ms = wall_ms();
			cutover_err_clear(&err);
			if (a->store)
				store_warn("countdown", t,
				           rollback_store_auto_countdown_begin(
				               a->store, a->rb->name, t->g->id, a->owner, t->since_ms,
				               t->since_ms + (int64_t)t->g->trigger.auto_countdown_s * 1000,
				               &err),
				           &err);
			snprintf(value, sizeof(value), "countdown %us to plan %s",
			         t->g->trigger.auto_countdown_s,
			         t->g->trigger.plan ? t->g->trigger.plan->id : "-");
			record(a, t, "rollback.auto.countdown", value, t->armed_by, NULL);
			continue;
		}
		if (now >= t->deadline && !start) {
			char value[160];

			t->counting = false;
			t->fired = true;
			snprintf(value, sizeof(value), "plan %.64s starts (armed by %.64s)",
			         t->g->trigger.plan ? t->g->trigger.plan->id : "-", t->armed_by);
			record(a, t, "rollback.auto.fire", value, t->armed_by, NULL);
			countdown_end(a, t);
			start = t->g->trigger.plan;
			if (gauge_out)
				*gauge_out = t->g;
		}
	}
	return start;
}

size_t rollback_auto_views(const struct rollback_auto *a, double now,
                           struct rollback_auto_view *out, size_t cap)
{
	for (size_t i = 0; i < a->n && i < cap; i++) {
		const struct auto_trigger *t = &a->t[i];
		struct rollback_auto_view *v = &out[i];

		memset(v, 0, sizeof(*v));
		v->gauge = t->g;
		v->armed = t->armed;
		copy_trunc(v->armed_by, sizeof(v->armed_by), t->armed_by);
		v->counting = t->counting;
		v->deadline = t->counting ? t->deadline : 0;
		v->remaining_s = t->counting ? (t->deadline > now ? t->deadline - now : 0) : 0;
		v->cancelled = t->cancelled;
		v->cancelled_elsewhere = t->cancelled_elsewhere;
		v->remote = !t->counting && t->remote;
		v->remote_deadline = v->remote ? t->remote_deadline : 0;
		copy_trunc(v->remote_host, sizeof(v->remote_host), v->remote ? t->remote_host : "");
		v->remote_pid = v->remote ? t->remote_pid : 0;
		copy_trunc(v->cancelled_by, sizeof(v->cancelled_by), t->cancelled_by);
		v->fired = t->fired;
	}
	return a->n;
}
