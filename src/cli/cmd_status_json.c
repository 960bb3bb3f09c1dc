/* cmd_status_json.c: an engine snapshot as JSON for `cutover status
 * --json`.  cJSON stays in this file. */
#include <math.h>
#include <stdlib.h>

#include <cJSON.h>

#include "cli/cmd_status_json.h"

/* Strings that may be absent become null; numbers that are not set (0 for
 * times, NaN for values) too, so a script never mistakes "unknown" for 0. */
static bool add_str(cJSON *o, const char *k, const char *v)
{
	return v ? cJSON_AddStringToObject(o, k, v) != NULL : cJSON_AddNullToObject(o, k) != NULL;
}

static bool add_time(cJSON *o, const char *k, double t)
{
	return t > 0 ? cJSON_AddNumberToObject(o, k, t) != NULL
	             : cJSON_AddNullToObject(o, k) != NULL;
}

static bool add_num(cJSON *o, const char *k, double v)
{
	return isfinite(v) ? cJSON_AddNumberToObject(o, k, v) != NULL
	                   : cJSON_AddNullToObject(o, k) != NULL;
}

static bool add_bool(cJSON *o, const char *k, bool v)
{
	return cJSON_AddBoolToObject(o, k, v) != NULL;
}

static cJSON *add_obj_to(cJSON *arr)
{
	cJSON *o = cJSON_CreateObject();

	if (o && !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static bool sources_json(cJSON *root, const struct engine_snapshot *s)
{
	cJSON *srcs = cJSON_AddObjectToObject(root, "sources");
	bool ok = srcs != NULL;

	for (size_t i = 0; ok && i < RUNBOOK_SRC_COUNT; i++) {
		const struct engine_source_view *v = &s->sources[i];
		cJSON *o =
		    cJSON_AddObjectToObject(srcs, runbook_source_name((enum runbook_source)i));
		char fresh[160];

		ok = o && add_bool(o, "used", v->used) &&
		     add_bool(o, "ok", v->used && v->last_attempt > 0 && v->failures == 0) &&
		     add_bool(o, "stale", v->stale) && add_num(o, "interval_s", v->interval_s) &&
		     add_time(o, "last_ok", v->last_ok) &&
		     add_time(o, "last_attempt", v->last_attempt) &&
		     cJSON_AddNumberToObject(o, "failures", v->failures) &&
		     add_str(o, "error_code", v->error_code[0] ? v->error_code : NULL) &&
		     add_str(o, "error", v->error_msg[0] ? v->error_msg : NULL) &&
		     add_str(o, "freshness",
		             v->used ? engine_freshness_format(v, s->taken, fresh, sizeof(fresh))
		                     : NULL);
	}
	return ok;
}

static bool phases_json(cJSON *root, const struct engine_snapshot *s)
{
	cJSON *arr = cJSON_AddArrayToObject(root, "phases");
	bool ok = arr != NULL;

	for (size_t i = 0; ok && i < s->nphases; i++) {
		const struct engine_phase_view *p = &s->phases[i];
		cJSON *o = add_obj_to(arr);

		ok = o && add_str(o, "id", p->def->id) && add_str(o, "title", p->def->title) &&
		     add_str(o, "status", phase_status_name(p->status)) &&
		     add_str(o, "glyph", phase_status_glyph(p->status)) &&
		     add_str(o, "current_state", p->current_state) &&
		     add_time(o, "state_since", p->state_since) &&
		     add_time(o, "started", p->started) && add_time(o, "ended", p->ended) &&
		     add_num(o, "elapsed_s", p->elapsed_s) &&
		     add_num(o, "estimate_s", p->estimate_s) && add_bool(o, "stuck", p->stuck) &&
		     add_str(o, "task_token", p->task_token) &&
		     add_time(o, "waiting_since", p->waiting_since) &&
		     add_str(o, "error", p->error) && add_str(o, "cause", p->cause) &&
		     add_str(o, "execution_arn", p->execution_arn);
	}
	arr = ok ? cJSON_AddArrayToObject(root, "approvals") : NULL;
	ok = arr != NULL;
	for (size_t i = 0; ok && i < s->napprovals; i++) {
		const struct engine_approval_view *a = &s->approvals[i];
		cJSON *o = add_obj_to(arr);

		ok = o && add_str(o, "phase", s->phases[a->phase].def->id) &&
		     add_str(o, "state", a->state) && add_str(o, "task_token", a->task_token) &&
		     add_time(o, "since", a->since);
	}
	return ok;
}

static bool executions_json(cJSON *root, const struct engine_snapshot *s)
{
	cJSON *arr = cJSON_AddArrayToObject(root, "executions");
	bool ok = arr != NULL;

	for (size_t i = 0; ok && i < s->nexecutions; i++) {
		const struct engine_execution_view *x = &s->executions[i];
		cJSON *o = add_obj_to(arr), *jobs;

		ok = o && add_str(o, "id", x->def->id) &&
		     add_str(o, "state_machine_arn", x->def->state_machine_arn) &&
		     add_str(o, "arn", x->arn) && add_str(o, "status", x->status) &&
		     add_time(o, "start", x->start) && add_time(o, "stop", x->stop) &&
		     add_str(o, "error", x->error) && add_str(o, "cause", x->cause) &&
		     add_bool(o, "jobs_truncated", x->jobs_truncated);
		jobs = ok ? cJSON_AddArrayToObject(o, "jobs") : NULL;
		ok = jobs != NULL;
		for (size_t k = 0; ok && k < x->njobs; k++) {
			const struct engine_job_view *j = &x->jobs[k];
			cJSON *jo = add_obj_to(jobs);

			ok = jo && add_str(jo, "name", j->name) && add_str(jo, "arn", j->arn) &&
			     add_str(jo, "status", j->status) && add_time(jo, "start", j->start) &&
			     add_time(jo, "stop", j->stop);
		}
	}
	return ok;
}

static bool gauges_json(cJSON *root, const struct engine_snapshot *s)
{
	cJSON *arr = cJSON_AddArrayToObject(root, "gauges");
	bool ok = arr != NULL;

	for (size_t i = 0; ok && i < s->ngauges; i++) {
		const struct engine_gauge_view *g = &s->gauges[i];
		cJSON *o = add_obj_to(arr), *h;

		ok = o && add_str(o, "id", g->def->id) && add_str(o, "title", g->def->title) &&
		     add_str(o, "kind", runbook_gauge_kind_name(g->def->kind)) &&
		     add_str(o, "state", gauge_state_name(g->state)) &&
		     add_num(o, "value", g->value) &&
		     add_str(o, "unit", g->def->unit ? g->def->unit : "") &&
		     add_time(o, "value_ts", g->value_ts) && add_time(o, "since", g->since) &&
		     (g->has_warn ? add_num(o, "warn", g->warn)
		                  : cJSON_AddNullToObject(o, "warn") != NULL) &&
		     (g->has_critical ? add_num(o, "critical", g->critical)
		                      : cJSON_AddNullToObject(o, "critical") != NULL) &&
		     (g->has_trigger ? add_num(o, "trigger", g->trigger)
		                     : cJSON_AddNullToObject(o, "trigger") != NULL) &&
		     add_str(o, "plan", g->plan_id) && add_str(o, "detail", g->detail);
		h = ok ? cJSON_AddArrayToObject(o, "history") : NULL;
		ok = h != NULL;
		for (size_t k = 0; ok && k < g->nhistory; k++) {
			cJSON *n = cJSON_CreateNumber(g->history[k]);

			ok = n && cJSON_AddItemToArray(h, n);
			if (!ok)
				cJSON_Delete(n);
		}
	}
	arr = ok ? cJSON_AddArrayToObject(root, "triggers") : NULL;
	ok = arr != NULL;
	for (size_t i = 0; ok && i < s->ntriggers; i++) {
		const struct engine_trigger_view *t = &s->triggers[i];
		cJSON *o = add_obj_to(arr);

		ok = o && add_str(o, "gauge", t->gauge_id) && add_str(o, "plan", t->plan_id) &&
		     add_time(o, "since", t->since) && add_bool(o, "active", t->active) &&
		     add_bool(o, "acknowledged", t->acknowledged);
	}
	return ok;
}

static bool flags_json(cJSON *root, const struct engine_snapshot *s)
{
	cJSON *arr = cJSON_AddArrayToObject(root, "flags");
	bool ok = arr != NULL;

	for (size_t i = 0; ok && i < s->nflags; i++) {
		const struct engine_flag_view *f = &s->flags[i];
		cJSON *o = add_obj_to(arr);

		ok = o && add_str(o, "id", f->def->id) && add_str(o, "ssm", f->def->ssm) &&
		     add_str(o, "type", runbook_flag_type_name(f->def->type)) &&
		     add_bool(o, "present", f->present) && add_str(o, "value", f->value) &&
		     (f->present ? cJSON_AddNumberToObject(o, "version", (double)f->version) != NULL
		                 : cJSON_AddNullToObject(o, "version") != NULL) &&
		     add_str(o, "last_modified_user", f->last_modified_user) &&
		     add_time(o, "last_modified", f->last_modified);
	}
	return ok;
}

char *status_json_render(const struct engine_snapshot *s, int exit_code, const char *summary,
                         bool pretty)
{
	cJSON *root = cJSON_CreateObject(), *id;
	char *text = NULL;
	bool ok = root != NULL;

	ok = ok && add_str(root, "runbook", s->header.name) &&
	     add_str(root, "environment", s->header.environment) &&
	     add_bool(root, "production", s->header.production) &&
	     add_str(root, "region", s->header.region) && add_num(root, "time", s->taken) &&
	     cJSON_AddNumberToObject(root, "generation", (double)s->generation) &&
	     cJSON_AddNumberToObject(root, "exit", exit_code) && add_str(root, "summary", summary);
	id = ok ? cJSON_AddObjectToObject(root, "identity") : NULL;
	ok = id && add_str(id, "arn", s->header.caller_arn) &&
	     add_str(id, "account", s->header.account) &&
	     add_str(id, "credential_source", s->header.credential_source) &&
	     add_time(id, "credential_expiry", s->header.credential_expiry);
	ok = ok && sources_json(root, s) && phases_json(root, s) && executions_json(root, s) &&
	     gauges_json(root, s) && flags_json(root, s);
	if (ok)
		text = pretty ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}
