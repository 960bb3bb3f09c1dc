/* rollback_auto.c: auto-rollback (see rollback.h).  A pure state machine
 * per trigger fed by the front end's trigger states and clock, so it is
 * tested without a network or a real clock.  Arming is kept in the audit
 * file (rollback_store) and every switch, countdown, cancellation and
 * firing is an audit row, so the timeline says why a rollback started by
 * itself or why it did not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	bool cancelled;
	char cancelled_by[ROLLBACK_NAME_MAX];
	bool fired;
};

struct rollback_auto {
	const struct runbook *rb;
	struct audit *audit;
	struct rollback_store *store;
	struct auto_trigger *t; /* one per gauge with an auto trigger */
	size_t n;
};

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
	snprintf(value, sizeof(value), "%s: plan %s after a %us countdown",
	         armed ? "armed" : "disarmed", t->g->trigger.plan ? t->g->trigger.plan->id : "-",
	         t->g->trigger.auto_countdown_s);
	record(a, t, armed ? "rollback.auto.arm" : "rollback.auto.disarm", value, who, NULL);
	if (!armed && t->counting) {
		t->counting = false;
		t->cancelled = true;
		copy_trunc(t->cancelled_by, sizeof(t->cancelled_by), who);
		record(a, t, "rollback.auto.cancel", "countdown cancelled: disarmed", who, NULL);
	}
	return CUTOVER_OK;
}

enum cutover_status rollback_auto_cancel(struct rollback_auto *a, const char *gauge_id,
                                         const char *operator_name, const char *reason,
                                         struct cutover_err *err)
{
	struct auto_trigger *t = find(a, gauge_id);
	const char *who = audit_operator_name(operator_name);

	if (!t || !t->counting)
		return cutover_errf(err, CUTOVER_ENOENT,
		                    "no auto-rollback countdown runs for '%.128s'",
		                    gauge_id ? gauge_id : "");
	t->counting = false;
	t->cancelled = true;
	copy_trunc(t->cancelled_by, sizeof(t->cancelled_by), who);
	record(a, t, "rollback.auto.cancel", "countdown cancelled", who, reason);
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
			if (t->counting)
				record(a, t, "rollback.auto.cancel",
				       "countdown cancelled: the trigger cleared", "cutover", NULL);
			/* The next firing starts afresh. */
			t->counting = t->cancelled = t->fired = false;
			continue;
		}
		if (!t->armed || t->cancelled || t->fired)
			continue;
		if (!t->counting) {
			char value[160];

			t->counting = true;
			t->deadline = now + t->g->trigger.auto_countdown_s;
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
		copy_trunc(v->cancelled_by, sizeof(v->cancelled_by), t->cancelled_by);
		v->fired = t->fired;
	}
	return a->n;
}
