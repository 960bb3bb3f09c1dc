/* actions.c: the one path every operator intent takes (actions.h): checks
 * against the runbook, read-only and confirmation gates, a durable intent,
 * one AWS call, the outcome.  The headless commands call actions_run()
 * directly; the console's worker thread (action_queue.c) calls the same
 * function, so both front ends do exactly the same thing. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cutover/actions.h"
#include "cutover/audit.h"
#include "cutover/aws_client.h"
#include "cutover/aws_config.h"
#include "cutover/aws_credentials_provider.h"
#include "cutover/aws_sfn.h"
#include "cutover/aws_ssm.h"
#include "cutover/aws_sts.h"
#include "cutover/flag_value.h"
#include "cutover/termsafe.h"
#include "cutover/dup_or_null.h"
#include "cutover/copy_trunc.h"
#include "cutover/ends_with.h"
#include "engine/action_json.h"
#include "engine/task_token_json.h"

struct actions {
	const struct runbook *rb;
	struct actions_options opt;       /* strings below are private copies */
	char *operator_name, *caller_arn, *runbook_hash;
	char region[AWS_REGION_MAX];
	char audit_path[4096];
	struct aws_credentials_provider *prov;
	struct aws_client *client;
	struct audit *log;                /* opened at the first action past the gates */
};

static const char *const kind_names[] = {
#define ACTION_KIND_NAME(id, kind) kind,
	ACTION_KIND_LIST(ACTION_KIND_NAME)
#undef ACTION_KIND_NAME
};

static const char *const outcome_names[] = {
#define ACTION_OUTCOME_NAME(id, name) name,
	ACTION_OUTCOME_LIST(ACTION_OUTCOME_NAME)
#undef ACTION_OUTCOME_NAME
};

const char *action_kind_name(enum action_kind k)
{
	return (unsigned)k < ACTION_KIND_COUNT ? kind_names[k] : "?";
}

const char *action_outcome_name(enum action_outcome o)
{
	return (unsigned)o < ACTION_OUTCOME_COUNT ? outcome_names[o] : "?";
}

/* --- lifecycle ------------------------------------------------------------ */

enum cutover_status actions_create(const struct actions_options *opt, struct actions **out,
				   struct cutover_err *err)
{
	struct aws_credentials_provider_options popt = { 0 };
	struct aws_client_config cc = { 0 };
	struct aws_endpoint eps[AWS_SVC_COUNT];
	const struct aws_config *cfg;
	struct actions *a = NULL;
	char rbaudit[4096];
	const char *rbaudit_p = NULL, *from = NULL;
	enum cutover_status st = CUTOVER_OK;

	*out = NULL;
	if (!opt || !opt->rb)
		return cutover_errf(err, CUTOVER_EINVAL, "actions: no runbook");
	a = calloc(1, sizeof(*a));
	if (!a)
		return cutover_errf(err, CUTOVER_ENOMEM, "actions: out of memory");
	a->rb = opt->rb;
	a->opt = *opt;
	a->operator_name = strdup(audit_operator_name(opt->operator_name));
	a->caller_arn = dup_or_null(opt->caller_arn, NULL);
	a->runbook_hash = dup_or_null(opt->runbook_hash, NULL);
	if (!a->operator_name || (opt->caller_arn && !a->caller_arn) ||
	    (opt->runbook_hash && !a->runbook_hash)) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "actions: out of memory");
		goto out;
	}
	/* Only the copies may be used after create returns. */
	a->opt.operator_name = a->operator_name;
	a->opt.caller_arn = a->caller_arn;
	a->opt.runbook_hash = a->runbook_hash;
	a->opt.profile = a->opt.region = a->opt.audit_path = a->opt.runbook_dir = NULL;

	if (a->rb->audit && a->rb->audit[0]) {
		if (a->rb->audit[0] == '/' || !opt->runbook_dir || !opt->runbook_dir[0])
			snprintf(rbaudit, sizeof(rbaudit), "%s", a->rb->audit);
		else
			snprintf(rbaudit, sizeof(rbaudit), "%s/%s", opt->runbook_dir, a->rb->audit);
		rbaudit_p = rbaudit;
	}
	if ((st = audit_default_path(opt->audit_path, rbaudit_p, a->rb->name, a->audit_path,
				     sizeof(a->audit_path), err)) != CUTOVER_OK)
		goto out;

	popt.profile = opt->profile;
	popt.profile_explicit = opt->profile && opt->profile[0];
	if ((st = aws_credentials_provider_create(&a->prov, &popt, err)) != CUTOVER_OK)
		goto out;
	cfg = aws_credentials_provider_config(a->prov);
	if ((st = aws_config_resolve_region(cfg, opt->region, a->rb->region, a->region, &from,
					    err)) != CUTOVER_OK)
		goto out;
	for (int s = 0; s < AWS_SVC_COUNT; s++) {
		if ((st = aws_config_resolve_endpoint(cfg, (enum aws_service)s, a->region, &eps[s],
						      err)) != CUTOVER_OK)
			goto out;
		cc.endpoints[s] = eps[s].url;
	}
	cc.region = a->region;
	cc.credentials = aws_credentials_provider_get;
	cc.credentials_ctx = a->prov;
	cc.connect_timeout_ms = opt->connect_timeout_ms;
	cc.timeout_ms = opt->timeout_ms;
	cc.max_attempts = opt->max_attempts;
	st = aws_client_create(&cc, &a->client, err);
out:
	if (st != CUTOVER_OK) {
		actions_destroy(a);
		return st;
	}
	*out = a;
	return CUTOVER_OK;
}

void actions_destroy(struct actions *a)
{
	if (!a)
		return;
	audit_close(a->log);
	aws_client_destroy(a->client);
	aws_credentials_provider_destroy(a->prov);
	free(a->operator_name);
	free(a->caller_arn);
	free(a->runbook_hash);
	free(a);
}

const char *actions_audit_path(const struct actions *a)
{
	return a->audit_path;
}

struct aws_client *actions_client_get(struct actions *a)
{
	return a->client;
}

void actions_set_abort(struct actions *a, int (*should_abort)(void *ctx), void *ctx)
{
	aws_client_set_abort(a->client, should_abort, ctx);
}

static enum cutover_status ensure_audit(struct actions *a, struct cutover_err *err)
{
	struct audit_session_info who = { 0 };

	if (a->log)
		return CUTOVER_OK;
	if (!a->caller_arn) {
		/* The session row names the AWS identity; an action does not
		 * wait for it to be known, so a failure here only leaves it out. */
		struct sts_identity id;
		struct aws_error aerr;

		if (sts_get_caller_identity(a->client, &id, &aerr) == CUTOVER_OK)
			a->caller_arn = strdup(id.arn);
	}
	who.operator_name = a->operator_name;
	who.caller_arn = a->caller_arn;
	who.runbook = a->rb->name;
	who.runbook_hash = a->runbook_hash ? a->runbook_hash : a->rb->sha256;
	who.environment = a->rb->environment;
	return audit_open(a->audit_path, &who, &a->log, err);
}

/* --- results ---------------------------------------------------------------- */

static enum cutover_status finish(struct action_result *res, enum action_outcome o,
				  enum cutover_status st, const char *reason, const char *fmt, ...)
	CUTOVER_PRINTF(5, 6);

static enum cutover_status finish(struct action_result *res, enum action_outcome o,
				  enum cutover_status st, const char *reason, const char *fmt, ...)
{
	va_list ap;

	res->outcome = o;
	res->status = st;
	copy_trunc(res->reason, sizeof(res->reason), reason);
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
	return st;
}

static enum cutover_status refuse(struct action_result *res, enum cutover_status st,
				  const char *reason, const char *fmt, ...) CUTOVER_PRINTF(4, 5);

static enum cutover_status refuse(struct action_result *res, enum cutover_status st,
				  const char *reason, const char *fmt, ...)
{
	va_list ap;

	res->outcome = ACTION_OUTCOME_REFUSED;
	res->status = st;
	copy_trunc(res->reason, sizeof(res->reason), reason);
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
	return st;
}

/* The machine word for an AWS failure. */
static const char *aws_reason(const struct aws_error *e)
{
	if (e->kind == AWS_ERR_CANCELLED)
		return "cancelled";
	if (e->kind == AWS_ERR_AUTH)
		return "credentials";
	if (e->kind == AWS_ERR_TRANSPORT)
		return e->status == CUTOVER_ETIMEOUT ? "timeout" : "transport";
	if (strncmp(e->code, "AccessDenied", 12) == 0 || strcmp(e->code, "UnauthorizedOperation") == 0)
		return "access-denied";
	if (aws_error_code_is_throttle(e->code))
		return "throttled";
	if (e->status == CUTOVER_ETIMEOUT)
		return "timeout";
	return "aws";
}

static enum cutover_status aws_status(const struct aws_error *e)
{
	return e->status != CUTOVER_OK ? e->status : CUTOVER_EAWS;
}

/* --- the audit side --------------------------------------------------------- */

struct pending {
	int64_t intent_id;
};

static enum cutover_status write_intent(struct actions *a, const struct action_request *req,
					struct action_result *res, const char *detail,
					struct pending *p)
{
	struct audit_event ev = { 0 };
	struct cutover_err err;

	cutover_err_clear(&err);
	if (ensure_audit(a, &err) != CUTOVER_OK)
		return finish(res, ACTION_OUTCOME_FAILED, CUTOVER_EDB, "audit",
			      "%s %s: not done, because the audit log %s cannot be written: %s",
			      action_kind_name(req->kind), res->target, a->audit_path, err.msg);
	ev.kind = action_kind_name(req->kind);
	ev.target = res->target[0] ? res->target : NULL;
	ev.old_value = res->old_value[0] ? res->old_value : NULL;
	ev.new_value = res->new_value[0] ? res->new_value : NULL;
	ev.detail = detail;
	if (audit_intent(a->log, &ev, &p->intent_id, &err) != CUTOVER_OK)
		return finish(res, ACTION_OUTCOME_FAILED, CUTOVER_EDB, "audit",
			      "%s %s: not done, because its intent could not be recorded in %s: %s",
			      action_kind_name(req->kind), res->target, a->audit_path, err.msg);
	res->intent_id = p->intent_id;
	return CUTOVER_OK;
}

/* Record res as the outcome of the pending intent.  If the log cannot take
 * the outcome, the action still happened: say so, loudly. */
static enum cutover_status write_outcome(struct actions *a, struct pending *p,
					 struct action_result *res, const char *detail)
{
	struct cutover_err err;
	enum audit_outcome o = res->outcome == ACTION_OUTCOME_OK	  ? AUDIT_OK
			       : res->outcome == ACTION_OUTCOME_FAILED ? AUDIT_FAILED
									: AUDIT_UNKNOWN;
	char *fallback = NULL;

	if (!detail) {
		struct action_kv kv[] = {
			{ "reason", ACTION_KV_STR, res->reason[0] ? res->reason : NULL, 0, 0 },
			{ "message", ACTION_KV_STR,
			  res->outcome == ACTION_OUTCOME_OK ? NULL : res->message, 0, 0 },
		};
		detail = fallback = action_json_object(kv, 2);
	}
	cutover_err_clear(&err);
	if (audit_outcome(a->log, p->intent_id, o, res->request_id[0] ? res->request_id : NULL,
			  detail, &err) != CUTOVER_OK) {
		size_t len = strlen(res->message);

		snprintf(res->message + len, sizeof(res->message) - len,
			 " (WARNING: the outcome could not be recorded in the audit log: %s)",
			 err.msg);
	}
	free(fallback);
	return res->status;
}

/* --- checks ----------------------------------------------------------------- */

static bool is_pending_kind(enum action_kind k)
{
	return k == ACTION_FLAG_SET || k == ACTION_APPROVE || k == ACTION_REJECT ||
	       k == ACTION_EXEC_STOP;
}

/* An execution ARN's state machine ARN:
 * arn:P:states:R:A:execution:SM:NAME -> arn:P:states:R:A:stateMachine:SM. */
static int machine_of(const char *exec_arn, char *out, size_t n)
{
	const char *p = strstr(exec_arn, ":execution:");
	const char *sm, *colon;

	if (!p || strncmp(exec_arn, "arn:", 4) != 0)
		return -1;
	sm = p + strlen(":execution:");
	colon = strchr(sm, ':');
	if (!colon || colon == sm || !colon[1])
		return -1;
	if (snprintf(out, n, "%.*s:stateMachine:%.*s", (int)(p - exec_arn), exec_arn,
		     (int)(colon - sm), sm) >= (int)n)
		return -1;
	return 0;
}

static const struct runbook_execution *execution_of_machine(const struct runbook *rb,
							    const char *sm_arn)
{
	for (size_t i = 0; i < rb->nexecutions; i++)
		if (strcmp(rb->executions[i].state_machine_arn, sm_arn) == 0)
			return &rb->executions[i];
	return NULL;
}

/* What can be checked without AWS. */
static enum cutover_status check_request(struct actions *a, const struct action_request *req,
					 struct action_result *res)
{
	const struct runbook *rb = a->rb;
	struct cutover_err err;

	cutover_err_clear(&err);
	switch (req->kind) {
	case ACTION_FLAG_SET: {
		const struct runbook_flag *f = req->flag_id ? runbook_flag_find(rb, req->flag_id) : NULL;

		if (!f)
			return refuse(res, CUTOVER_EVALIDATE, "invalid",
				      "no flag '%.128s' in runbook %s; `cutover flag list` shows them",
				      req->flag_id ? req->flag_id : "", rb->name);
		copy_trunc(res->target, sizeof(res->target), f->ssm);
		if (req->expected_version < 0)
			return refuse(res, CUTOVER_EVALIDATE, "invalid",
				      "flag %s: expected version %lld is not a version (1 or more)",
				      f->id, req->expected_version);
		switch (req->flag_op) {
		case ACTION_FLAG_VALUE:
			if (!req->value)
				return refuse(res, CUTOVER_EVALIDATE, "invalid",
					      "flag %s: no value given", f->id);
			if (flag_value_normalize(f, req->value, res->new_value,
						 sizeof(res->new_value), &err) != CUTOVER_OK)
				return refuse(res, CUTOVER_EVALIDATE, "invalid", "%s", err.msg);
			break;
		case ACTION_FLAG_TOGGLE:
			if (f->type != RUNBOOK_FLAG_BOOL)
				return refuse(res, CUTOVER_EVALIDATE, "invalid",
					      "flag %s is a %s: only a bool can be toggled", f->id,
					      runbook_flag_type_name(f->type));
			break;
		case ACTION_FLAG_STEP_UP:
		case ACTION_FLAG_STEP_DOWN:
			if (f->type != RUNBOOK_FLAG_PERCENT)
				return refuse(res, CUTOVER_EVALIDATE, "invalid",
					      "flag %s is a %s: only a percent can be stepped", f->id,
					      runbook_flag_type_name(f->type));
			break;
		default:
			return refuse(res, CUTOVER_EINVAL, "invalid", "flag %s: unknown operation",
				      f->id);
		}
		return CUTOVER_OK;
	}
	case ACTION_APPROVE:
	case ACTION_REJECT:
		if (req->phase_id && !runbook_phase_find(rb, req->phase_id))
			return refuse(res, CUTOVER_EVALIDATE, "invalid",
				      "no phase '%.128s' in runbook %s", req->phase_id, rb->name);
		if (!req->phase_id && (!req->task_token || !*req->task_token))
			return refuse(res, CUTOVER_EVALIDATE, "invalid",
				      "%s: give a task token or a phase id",
				      action_kind_name(req->kind));
		if (req->task_token && strlen(req->task_token) > 2048)
			return refuse(res, CUTOVER_EVALIDATE, "invalid",
				      "a task token is at most 2048 characters; this one has %zu",
				      strlen(req->task_token));
		copy_trunc(res->target, sizeof(res->target), req->phase_id ? req->phase_id : "");
		return CUTOVER_OK;
	case ACTION_EXEC_STOP: {
		char sm[1024];

		if (!req->execution || !*req->execution)
			return refuse(res, CUTOVER_EVALIDATE, "invalid",
				      "execution.stop: give an execution ARN or name");
		if (strncmp(req->execution, "arn:", 4) == 0) {
			if (machine_of(req->execution, sm, sizeof(sm)) != 0)
				return refuse(res, CUTOVER_EVALIDATE, "invalid",
					      "'%.256s' is not a Step Functions execution ARN "
					      "(arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME)",
					      req->execution);
			if (!execution_of_machine(rb, sm))
				return refuse(res, CUTOVER_EVALIDATE, "invalid",
					      "%.256s is not an execution of a state machine in runbook "
					      "%s; the runbook can stop only its own", req->execution,
					      rb->name);
		}
		if (rb->nexecutions == 0)
			return refuse(res, CUTOVER_EVALIDATE, "invalid",
				      "runbook %s has no executions", rb->name);
		copy_trunc(res->target, sizeof(res->target), req->execution);
		return CUTOVER_OK;
	}
	case ACTION_ALERT_ACK: {
		const struct runbook_gauge *g = req->gauge_id ? runbook_gauge_find(rb, req->gauge_id)
							      : NULL;

		if (!g)
			return refuse(res, CUTOVER_EVALIDATE, "invalid", "no gauge '%.128s' in runbook %s",
				      req->gauge_id ? req->gauge_id : "", rb->name);
		if (!g->has_trigger)
			return refuse(res, CUTOVER_EVALIDATE, "invalid",
				      "gauge %s has no rollback trigger to acknowledge", g->id);
		copy_trunc(res->target, sizeof(res->target), g->id);
		return CUTOVER_OK;
	}
	case ACTION_NOTE:
		if (!req->comment || !*req->comment)
			return refuse(res, CUTOVER_EVALIDATE, "invalid", "note: no text");
		copy_trunc(res->new_value, sizeof(res->new_value), req->comment);
		return CUTOVER_OK;
	default:
		break;
	}
	return refuse(res, CUTOVER_EINVAL, "invalid", "unknown action kind %d", (int)req->kind);
}

static enum cutover_status check_gates(struct actions *a, const struct action_request *req,
				       struct action_result *res)
{
	const struct runbook *rb = a->rb;
	const char *what = action_kind_name(req->kind);

	if (a->opt.read_only)
		return refuse(res, CUTOVER_EREFUSED, "read-only",
			      "%s %s refused: read-only mode (--read-only) allows no changes; "
			      "start without --read-only to act", what, res->target);
	if (rb->production && is_pending_kind(req->kind) &&
	    (!req->confirm || strcmp(req->confirm, rb->environment) != 0))
		return refuse(res, CUTOVER_EREFUSED, "confirm",
			      req->confirm ? "%s %s refused: this is %s; the environment's name typed "
					     "does not match (give --confirm %s)"
					   : "%s %s refused: this is %s; type the environment's name to "
					     "confirm (--confirm %s)",
			      what, res->target, rb->environment, rb->environment);
	if (!req->confirmed) {
		if (req->kind == ACTION_FLAG_SET) {
			const struct runbook_flag *f = runbook_flag_find(rb, req->flag_id);

			if (f && f->dangerous)
				return refuse(res, CUTOVER_EREFUSED, "dangerous",
					      "flag %s is marked dangerous (%s): confirm the change "
					      "(--yes)", f->id,
					      f->description[0] ? f->description : "no description");
		}
		if (req->kind == ACTION_EXEC_STOP)
			return refuse(res, CUTOVER_EREFUSED, "dangerous",
				      "stopping %s cannot be undone: confirm it (--yes)", res->target);
	}
	return CUTOVER_OK;
}

/* --- flags ------------------------------------------------------------------ */

/* The parameter now: *present, value, version. */
static enum cutover_status read_param(struct actions *a, const char *name, bool *present,
				      char *value, size_t vn, long long *version,
				      struct aws_error *aerr)
{
	struct ssm_parameter_list l = { 0 };
	enum cutover_status st;

	*present = false;
	value[0] = '\0';
	*version = 0;
	st = ssm_get_parameters(a->client, &name, 1, 0, &l, aerr);
	if (st == CUTOVER_OK && l.count > 0) {
		*present = true;
		copy_trunc(value, vn, l.items[0].value);
		*version = l.items[0].version;
	}
	ssm_parameter_list_free(&l);
	return st;
}

/* Who wrote version `version` (or, with 0, the newest) and what. */
static void who_wrote(struct actions *a, const char *name, long long version,
		      struct action_result *res)
{
	struct ssm_parameter_list h = { 0 };
	struct aws_error aerr;

	if (ssm_get_parameter_history(a->client, name, 0, 0, &h, &aerr) == CUTOVER_OK) {
		for (size_t i = h.count; i-- > 0;) {
			const struct ssm_parameter *p = &h.items[i];

			if (version == 0 || p->version == version) {
				copy_trunc(res->other_user, sizeof(res->other_user),
				     p->last_modified_user ? p->last_modified_user : "someone");
				copy_trunc(res->other_value, sizeof(res->other_value), p->value);
				res->other_version = p->version;
				break;
			}
		}
	}
	ssm_parameter_list_free(&h);
	if (!res->other_user[0])
		copy_trunc(res->other_user, sizeof(res->other_user), "someone (history unavailable)");
}

static enum cutover_status flag_set(struct actions *a, const struct action_request *req,
				    struct action_result *res)
{
	const struct runbook_flag *f = runbook_flag_find(a->rb, req->flag_id);
	struct ssm_put_input in = { 0 };
	struct ssm_put_result put = { 0 };
	struct aws_error aerr;
	struct cutover_err err;
	struct pending p = { 0 };
	char now_value[ACTION_VALUE_MAX];
	long long seen, now_version;
	bool present;
	char *detail = NULL;
	const char *op_name = req->flag_op == ACTION_FLAG_TOGGLE    ? "toggle"
			      : req->flag_op == ACTION_FLAG_STEP_UP   ? "step-up"
			      : req->flag_op == ACTION_FLAG_STEP_DOWN ? "step-down"
								      : "set";

	/* 1. What is there now: the old value for the record, and the base of
	 * a toggle or a step.  Nothing is written to the log yet if this
	 * fails: no intent, no change. */
	aws_error_clear(&aerr);
	if (read_param(a, f->ssm, &present, res->old_value, sizeof(res->old_value), &seen, &aerr) !=
	    CUTOVER_OK) {
		char msg[768];

		aws_error_render(&aerr, msg, sizeof(msg));
		return refuse(res, aws_status(&aerr), aws_reason(&aerr),
			      "flag %s not changed: reading %s first failed: %s", f->id, f->ssm, msg);
	}
	res->old_version = seen;
	cutover_err_clear(&err);
	if (req->flag_op == ACTION_FLAG_TOGGLE || req->flag_op == ACTION_FLAG_STEP_UP ||
	    req->flag_op == ACTION_FLAG_STEP_DOWN) {
		enum cutover_status st =
			req->flag_op == ACTION_FLAG_TOGGLE
				? flag_value_toggle(f, present ? res->old_value : NULL, res->new_value,
						    sizeof(res->new_value), &err)
				: flag_value_step(f, present ? res->old_value : NULL,
						  req->flag_op == ACTION_FLAG_STEP_UP ? 1 : -1,
						  res->new_value, sizeof(res->new_value), &err);
		if (st != CUTOVER_OK)
			return refuse(res, CUTOVER_EVALIDATE, "invalid", "%s", err.msg);
	}

	/* 2. The intent, durable before anything is sent. */
	{
		struct action_kv kv[] = {
			{ "flag", ACTION_KV_STR, f->id, 0, 0 },
			{ "op", ACTION_KV_STR, op_name, 0, 0 },
			{ "seen_version", ACTION_KV_INT, NULL, seen, !present },
			{ "expected_version", ACTION_KV_INT, NULL, req->expected_version,
			  req->expected_version == 0 },
			{ "comment", ACTION_KV_STR, req->comment, 0, 0 },
			{ "dangerous", ACTION_KV_BOOL, NULL, f->dangerous, !f->dangerous },
		};
		detail = action_json_object(kv, sizeof(kv) / sizeof(kv[0]));
	}
	if (write_intent(a, req, res, detail, &p) != CUTOVER_OK) {
		free(detail);
		return res->status;
	}
	free(detail);
	detail = NULL;

	/* 3. The operator's view against SSM, read again right before the
	 * write: SSM has no conditional put, so this read and the version
	 * check after the put are what stand between us and overwriting
	 * someone else's change. */
	if (req->expected_version > 0 && seen != req->expected_version) {
		who_wrote(a, f->ssm, seen, res);
		finish(res, ACTION_OUTCOME_FAILED, CUTOVER_ECONFLICT, "conflict",
		       "flag %s not changed: it is at version %lld, not the version %lld you saw; "
		       "%s set it to '%.256s'. Look again and retry if still wanted.",
		       f->id, seen, req->expected_version, res->other_user, res->other_value);
		goto conflict;
	}
	aws_error_clear(&aerr);
	if (read_param(a, f->ssm, &present, now_value, sizeof(now_value), &now_version, &aerr) !=
	    CUTOVER_OK) {
		char msg[768];

		aws_error_render(&aerr, msg, sizeof(msg));
		finish(res, ACTION_OUTCOME_FAILED, aws_status(&aerr), aws_reason(&aerr),
		       "flag %s not changed: reading %s before the write failed: %s", f->id, f->ssm,
		       msg);
		return write_outcome(a, &p, res, NULL);
	}
	if (now_version != seen) {
		who_wrote(a, f->ssm, now_version, res);
		finish(res, ACTION_OUTCOME_FAILED, CUTOVER_ECONFLICT, "conflict",
		       "flag %s not changed: while this action was being recorded, %s set it to "
		       "'%.256s' (version %lld, was %lld). Look again and retry if still wanted.",
		       f->id, res->other_user, res->other_value, now_version, seen);
		goto conflict;
	}
	if (present && strcmp(now_value, res->new_value) == 0) {
		res->new_version = now_version;
		finish(res, ACTION_OUTCOME_OK, CUTOVER_OK, "unchanged",
		       "flag %s is already '%.256s' (version %lld); nothing written", f->id,
		       res->new_value, now_version);
		return write_outcome(a, &p, res, NULL);
	}

	/* 4. The write.  Overwrite makes a repeat safe, so the client retries
	 * it on its own; after a failure we read once more to learn whether
	 * it landed. */
	in.name = f->ssm;
	in.value = res->new_value;
	/* No type: an overwrite keeps the parameter's own (a SecureString
	 * flag stays encrypted); the flag was read, so it exists. */
	in.type = NULL;
	in.overwrite = 1;
	aws_error_clear(&aerr);
	if (ssm_put_parameter(a->client, &in, &put, &aerr) != CUTOVER_OK) {
		char msg[768], after[ACTION_VALUE_MAX];
		long long after_v = 0;
		struct aws_error rerr;
		bool after_present;

		aws_error_render(&aerr, msg, sizeof(msg));
		copy_trunc(res->request_id, sizeof(res->request_id), aerr.request_id);
		aws_error_clear(&rerr);
		if (aerr.kind == AWS_ERR_AWS || aerr.kind == AWS_ERR_AUTH ||
		    aerr.kind == AWS_ERR_INVALID) {
			/* An error answer: SSM refused; nothing was written. */
			finish(res, ACTION_OUTCOME_FAILED, aws_status(&aerr), aws_reason(&aerr),
			       "flag %s not changed (still '%.256s', version %lld): %s", f->id,
			       res->old_value, seen, msg);
		} else if (read_param(a, f->ssm, &after_present, after, sizeof(after), &after_v,
				      &rerr) == CUTOVER_OK && after_v == seen) {
			finish(res, ACTION_OUTCOME_FAILED, aws_status(&aerr), aws_reason(&aerr),
			       "flag %s not changed (still '%.256s', version %lld, checked after the "
			       "failure): %s", f->id, res->old_value, seen, msg);
		} else if (after_v > seen && after_present && strcmp(after, res->new_value) == 0) {
			res->new_version = after_v;
			finish(res, ACTION_OUTCOME_OK, CUTOVER_OK, "",
			       "flag %s: '%.256s' -> '%.256s' (version %lld; the answer was lost (%s) "
			       "but a read shows the write landed)", f->id, res->old_value,
			       res->new_value, after_v, aerr.code[0] ? aerr.code : aws_reason(&aerr));
		} else {
			finish(res, ACTION_OUTCOME_UNKNOWN, aws_status(&aerr), aws_reason(&aerr),
			       "flag %s: outcome unknown: verify. The write may or may not have "
			       "landed: %s", f->id, msg);
		}
		return write_outcome(a, &p, res, NULL);
	}
	copy_trunc(res->request_id, sizeof(res->request_id), put.meta.request_id);
	res->new_version = put.version;
	if (put.version != seen + 1) {
		/* Someone wrote between our read and our write; ours replaced
		 * theirs.  Say who, so a person can decide. */
		who_wrote(a, f->ssm, put.version - 1, res);
		if (put.meta.attempts > 1 && put.version == seen + 2 &&
		    strcmp(res->other_value, res->new_value) == 0)
			/* Our own first attempt landed and its answer was lost;
			 * the retry wrote the same value again. */
			finish(res, ACTION_OUTCOME_OK, CUTOVER_OK, "",
			       "flag %s: '%.256s' -> '%.256s' (version %lld; a retried write landed "
			       "twice with the same value)", f->id, res->old_value, res->new_value,
			       put.version);
		else
			finish(res, ACTION_OUTCOME_OK, CUTOVER_ECONFLICT, "interleaved",
			       "flag %s set to '%.256s' (version %lld), but %s wrote version %lld "
			       "('%.256s') between our read (version %lld) and our write, and ours "
			       "replaced it: verify", f->id, res->new_value, put.version,
			       res->other_user, res->other_version, res->other_value, seen);
	} else {
		finish(res, ACTION_OUTCOME_OK, CUTOVER_OK, "", "flag %s: '%.256s' -> '%.256s' (version %lld)",
		       f->id, present ? res->old_value : "(absent)", res->new_value, put.version);
	}
	{
		struct action_kv kv[] = {
			{ "version", ACTION_KV_INT, NULL, put.version, 0 },
			{ "attempts", ACTION_KV_INT, NULL, put.meta.attempts, 0 },
			{ "reason", ACTION_KV_STR, res->reason[0] ? res->reason : NULL, 0, 0 },
			{ "other_user", ACTION_KV_STR, res->other_user[0] ? res->other_user : NULL, 0, 0 },
			{ "other_version", ACTION_KV_INT, NULL, res->other_version,
			  res->other_version == 0 },
		};
		detail = action_json_object(kv, sizeof(kv) / sizeof(kv[0]));
	}
	write_outcome(a, &p, res, detail);
	free(detail);
	return res->status;

conflict: {
	struct action_kv kv[] = {
		{ "reason", ACTION_KV_STR, "conflict", 0, 0 },
		{ "seen_version", ACTION_KV_INT, NULL, req->expected_version ? req->expected_version : seen, 0 },
		{ "current_version", ACTION_KV_INT, NULL, res->other_version, 0 },
		{ "changed_by", ACTION_KV_STR, res->other_user, 0, 0 },
		{ "current_value", ACTION_KV_STR, res->other_value, 0, 0 },
	};
	detail = action_json_object(kv, sizeof(kv) / sizeof(kv[0]));
	write_outcome(a, &p, res, detail);
	free(detail);
	return res->status;
}
}

/* --- approvals -------------------------------------------------------------- */

void actions_approvals_free(struct action_approval *ap, size_t n)
{
	if (!ap)
		return;
	for (size_t i = 0; i < n; i++) {
		free(ap[i].execution_arn);
		free(ap[i].state);
		free(ap[i].task_token);
	}
	free(ap);
}

static const struct runbook_phase *phase_of_state(const struct runbook *rb,
						  const struct runbook_execution *ex,
						  const char *state)
{
	for (size_t i = 0; i < rb->nphases; i++) {
		const struct runbook_phase *ph = &rb->phases[i];

		if (ph->execution != ex)
			continue;
		for (size_t k = 0; k < ph->nstates; k++)
			if (strcmp(ph->states[k], state) == 0)
				return ph;
	}
	return NULL;
}

/* Walk one execution's history in order; the task that is scheduled with
 * a token and has not ended is waiting.  Appends to *ap. */
static enum cutover_status pending_of(struct actions *a, const struct runbook_execution *ex,
				      const char *arn, struct action_approval **ap, size_t *n,
				      struct cutover_err *err)
{
	struct sfn_history_opts ho = { 0 };
	struct sfn_history h = { 0 };
	struct aws_error aerr;
	const char *state = NULL, *token_state = NULL;
	char *token = NULL;
	double since = 0;
	enum cutover_status st;

	ho.include_execution_data = 1;
	ho.page_size = 1000;
	aws_error_clear(&aerr);
	if ((st = sfn_get_execution_history(a->client, arn, &ho, &h, &aerr)) != CUTOVER_OK)
		return aws_error_to_err(&aerr, err);
	for (size_t i = 0; i < h.count; i++) {
		const struct sfn_history_event *e = &h.events[i];
		const char *t = e->type ? e->type : "";

		if (ends_with(t, "StateEntered") && e->state_name) {
			state = e->state_name;
		} else if (strcmp(t, "TaskScheduled") == 0) {
			char *tok = NULL;

			free(token);
			token = NULL;
			if (e->resource && strstr(e->resource, "waitForTaskToken") &&
			    task_token_find(e->parameters, &tok) == CUTOVER_OK && tok) {
				token = tok;
				token_state = state;
				since = e->timestamp;
			} else {
				free(tok);
			}
		} else if (strcmp(t, "TaskSucceeded") == 0 || strcmp(t, "TaskFailed") == 0 ||
			   strcmp(t, "TaskTimedOut") == 0 || ends_with(t, "StateExited") ||
			   strncmp(t, "Execution", 9) == 0) {
			if (strcmp(t, "ExecutionStarted") != 0) {
				free(token);
				token = NULL;
			}
		}
	}
	if (token) {
		struct action_approval *grown = realloc(*ap, (*n + 1) * sizeof(**ap));

		if (!grown) {
			st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
			goto out;
		}
		*ap = grown;
		memset(&grown[*n], 0, sizeof(grown[*n]));
		grown[*n].execution = ex;
		grown[*n].phase = token_state ? phase_of_state(a->rb, ex, token_state) : NULL;
		grown[*n].execution_arn = strdup(arn);
		grown[*n].state = strdup(token_state ? token_state : "?");
		grown[*n].task_token = token;
		grown[*n].since = since;
		token = NULL;
		(*n)++;
		if (!grown[*n - 1].execution_arn || !grown[*n - 1].state)
			st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
	}
out:
	free(token);
	sfn_history_free(&h);
	return st;
}

enum cutover_status actions_approvals_read(struct actions *a, struct action_approval **out,
					   size_t *n, struct cutover_err *err)
{
	const struct runbook *rb = a->rb;
	struct action_approval *ap = NULL;
	size_t count = 0;
	enum cutover_status st = CUTOVER_OK;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < rb->nexecutions && st == CUTOVER_OK; i++) {
		const struct runbook_execution *ex = &rb->executions[i];
		struct sfn_execution_list l = { 0 };
		struct aws_error aerr;

		if (ex->execution_arn) {
			st = pending_of(a, ex, ex->execution_arn, &ap, &count, err);
			continue;
		}
		/* The same machine may be listed under two ids; ask once. */
		{
			bool seen_before = false;

			for (size_t k = 0; k < i; k++)
				if (!rb->executions[k].execution_arn &&
				    strcmp(rb->executions[k].state_machine_arn, ex->state_machine_arn) == 0)
					seen_before = true;
			if (seen_before)
				continue;
		}
		aws_error_clear(&aerr);
		if ((st = sfn_list_executions(a->client, ex->state_machine_arn, "RUNNING", 20, &l,
					      &aerr)) != CUTOVER_OK) {
			aws_error_to_err(&aerr, err);
			break;
		}
		for (size_t k = 0; k < l.count && st == CUTOVER_OK; k++)
			st = pending_of(a, ex, l.items[k].execution_arn, &ap, &count, err);
		sfn_execution_list_free(&l);
	}
	if (st != CUTOVER_OK) {
		actions_approvals_free(ap, count);
		return st;
	}
	*out = ap;
	*n = count;
	return CUTOVER_OK;
}

static enum cutover_status approval(struct actions *a, const struct action_request *req,
				    struct action_result *res)
{
	struct action_approval *ap = NULL, *hit = NULL;
	size_t n = 0, nphase = 0;
	struct cutover_err err;
	struct aws_error aerr;
	struct sfn_task_result tr = { 0 };
	struct pending p = { 0 };
	char *detail = NULL, *output = NULL, cause[1024];
	bool approve = req->kind == ACTION_APPROVE;
	enum cutover_status st;

	/* The token must be one this runbook's executions are waiting on:
	 * read them now, so that the record names the phase and state. */
	cutover_err_clear(&err);
	if (actions_approvals_read(a, &ap, &n, &err) != CUTOVER_OK)
		return refuse(res, err.status, "aws",
			      "%s not sent: reading the pending approvals failed: %s",
			      action_kind_name(req->kind), err.msg);
	for (size_t i = 0; i < n; i++) {
		if (req->task_token && strcmp(ap[i].task_token, req->task_token) == 0) {
			hit = &ap[i];
			break;
		}
		if (!req->task_token && ap[i].phase && strcmp(ap[i].phase->id, req->phase_id) == 0) {
			hit = &ap[i];
			nphase++;
		}
	}
	if (!hit) {
		refuse(res, CUTOVER_EREFUSED, "not-pending",
		       req->task_token ? "no execution of runbook %s is waiting on that task token "
					 "(answered already, timed out, or of another runbook)%s%s"
				       : "phase %s is not waiting for an approval%s%s",
		       req->task_token ? a->rb->name : req->phase_id, n ? "; waiting: " : "",
		       n ? (ap[0].phase ? ap[0].phase->id : ap[0].state) : "");
		actions_approvals_free(ap, n);
		return res->status;
	}
	if (nphase > 1) {
		refuse(res, CUTOVER_EREFUSED, "not-pending",
		       "phase %s has %zu approvals waiting (one per running execution): give the "
		       "task token of the one you mean (`cutover approve RUNBOOK --list`)",
		       req->phase_id, nphase);
		actions_approvals_free(ap, n);
		return res->status;
	}
	copy_trunc(res->target, sizeof(res->target), hit->phase ? hit->phase->id : hit->state);
	copy_trunc(res->new_value, sizeof(res->new_value), approve ? "approved" : "rejected");
	{
		struct action_kv kv[] = {
			{ "phase", ACTION_KV_STR, hit->phase ? hit->phase->id : NULL, 0, 0 },
			{ "state", ACTION_KV_STR, hit->state, 0, 0 },
			{ "execution_arn", ACTION_KV_STR, hit->execution_arn, 0, 0 },
			/* Tokens are capabilities to one answer, not credentials;
			 * the record keeps a prefix, enough to match it. */
			{ "task_token_prefix", ACTION_KV_STR, NULL, 0, 0 },
			{ "comment", ACTION_KV_STR, req->comment, 0, 0 },
		};
		char prefix[17];

		copy_trunc(prefix, sizeof(prefix), hit->task_token);
		kv[3].str = prefix;
		detail = action_json_object(kv, sizeof(kv) / sizeof(kv[0]));
	}
	st = write_intent(a, req, res, detail, &p);
	free(detail);
	detail = NULL;
	if (st != CUTOVER_OK)
		goto out;

	aws_error_clear(&aerr);
	if (approve) {
		struct action_kv kv[] = {
			{ "approved", ACTION_KV_BOOL, NULL, 1, 0 },
			{ "operator", ACTION_KV_STR, a->operator_name, 0, 0 },
			{ "comment", ACTION_KV_STR, req->comment ? req->comment : "", 0, 0 },
		};

		output = action_json_object(kv, 3);
		st = output ? sfn_send_task_success(a->client, hit->task_token, output, &tr, &aerr)
			    : CUTOVER_ENOMEM;
	} else {
		snprintf(cause, sizeof(cause), "rejected by %s%s%s", a->operator_name,
			 req->comment && *req->comment ? ": " : "", req->comment ? req->comment : "");
		st = sfn_send_task_failure(a->client, hit->task_token, "Rejected", cause, &tr, &aerr);
	}
	if (st == CUTOVER_OK) {
		copy_trunc(res->request_id, sizeof(res->request_id), tr.meta.request_id);
		if (tr.meta.already_done)
			finish(res, ACTION_OUTCOME_UNKNOWN, CUTOVER_OK, "already-done",
			       "%s of %s: a retry found the task already answered, most likely by the "
			       "first attempt: verify in the execution's history", approve ? "approval"
			       : "rejection", res->target);
		else
			finish(res, ACTION_OUTCOME_OK, CUTOVER_OK, "", "%s %s (state %s of %s)",
			       approve ? "approved" : "rejected", res->target, hit->state,
			       hit->execution_arn);
	} else if (st == CUTOVER_ENOMEM) {
		finish(res, ACTION_OUTCOME_FAILED, st, "aws", "out of memory; nothing sent");
	} else {
		char msg[768];

		aws_error_render(&aerr, msg, sizeof(msg));
		copy_trunc(res->request_id, sizeof(res->request_id), aerr.request_id);
		finish(res, aerr.outcome_unknown || aerr.kind == AWS_ERR_CANCELLED
				    ? ACTION_OUTCOME_UNKNOWN : ACTION_OUTCOME_FAILED,
		       aws_status(&aerr), aws_reason(&aerr), "%s%s of %s: %s",
		       aerr.outcome_unknown || aerr.kind == AWS_ERR_CANCELLED
			       ? "outcome unknown: verify: " : "",
		       approve ? "approval" : "rejection", res->target, msg);
	}
	st = write_outcome(a, &p, res, NULL);
out:
	free(output);
	actions_approvals_free(ap, n);
	return st;
}

/* --- executions --------------------------------------------------------------- */

/* An execution named by name: try each of the runbook's state machines. */
static enum cutover_status find_execution(struct actions *a, const char *name, char *arn,
					  size_t n, struct sfn_execution *out,
					  struct action_result *res)
{
	const struct runbook *rb = a->rb;

	for (size_t i = 0; i < rb->nexecutions; i++) {
		const char *sm = rb->executions[i].state_machine_arn;
		const char *p = strstr(sm, ":stateMachine:");
		struct aws_error aerr;

		if (!p)
			continue;
		if (strncmp(name, "arn:", 4) == 0)
			copy_trunc(arn, n, name);
		else
			snprintf(arn, n, "%.*s:execution:%s:%s", (int)(p - sm), sm,
				 p + strlen(":stateMachine:"), name);
		aws_error_clear(&aerr);
		if (sfn_describe_execution(a->client, arn, out, &aerr) == CUTOVER_OK)
			return CUTOVER_OK;
		if (strcmp(aerr.code, "ExecutionDoesNotExist") != 0) {
			char msg[768];

			aws_error_render(&aerr, msg, sizeof(msg));
			return refuse(res, aws_status(&aerr), aws_reason(&aerr),
				      "execution %s not stopped: describing it failed: %s", name, msg);
		}
		if (strncmp(name, "arn:", 4) == 0)
			break;
	}
	return refuse(res, CUTOVER_EVALIDATE, "invalid",
		      "no execution '%.256s' in the runbook's state machines; `cutover executions "
		      "list` shows them", name);
}

static enum cutover_status exec_stop(struct actions *a, const struct action_request *req,
				     struct action_result *res)
{
	struct sfn_execution ex = { 0 };
	struct sfn_stop_result sr = { 0 };
	struct aws_error aerr;
	struct pending p = { 0 };
	char arn[1024], cause[1024], *detail = NULL;
	const char *error = req->error && *req->error ? req->error : "Operator.Stop";
	enum cutover_status st;

	if (find_execution(a, req->execution, arn, sizeof(arn), &ex, res) != CUTOVER_OK)
		return res->status;
	copy_trunc(res->target, sizeof(res->target), arn);
	copy_trunc(res->old_value, sizeof(res->old_value), ex.status);
	if (!ex.status || strcmp(ex.status, "RUNNING") != 0) {
		refuse(res, CUTOVER_EREFUSED, "not-running",
		       "execution %s is %s, not RUNNING: nothing to stop", ex.name ? ex.name : arn,
		       ex.status ? ex.status : "in an unknown state");
		sfn_execution_free(&ex);
		return res->status;
	}
	sfn_execution_free(&ex);
	if (req->cause && *req->cause)
		copy_trunc(cause, sizeof(cause), req->cause);
	else
		snprintf(cause, sizeof(cause), "stopped by %s from cutover%s%s", a->operator_name,
			 req->comment && *req->comment ? ": " : "", req->comment ? req->comment : "");
	copy_trunc(res->new_value, sizeof(res->new_value), "ABORTED");
	{
		struct action_kv kv[] = {
			{ "error", ACTION_KV_STR, error, 0, 0 },
			{ "cause", ACTION_KV_STR, cause, 0, 0 },
			{ "comment", ACTION_KV_STR, req->comment, 0, 0 },
		};
		detail = action_json_object(kv, 3);
	}
	st = write_intent(a, req, res, detail, &p);
	free(detail);
	if (st != CUTOVER_OK)
		return st;

	aws_error_clear(&aerr);
	if (sfn_stop_execution(a->client, arn, error, cause, &sr, &aerr) == CUTOVER_OK) {
		copy_trunc(res->request_id, sizeof(res->request_id), sr.meta.request_id);
		finish(res, ACTION_OUTCOME_OK, CUTOVER_OK, "", "stopped %s (%s)", arn, error);
	} else if (aerr.kind == AWS_ERR_TRANSPORT || aerr.kind == AWS_ERR_CANCELLED ||
		   aerr.outcome_unknown) {
		/* StopExecution is not repeated blindly: ask what happened. */
		struct aws_error derr;
		char msg[768];

		aws_error_render(&aerr, msg, sizeof(msg));
		aws_error_clear(&derr);
		memset(&ex, 0, sizeof(ex));
		if (sfn_describe_execution(a->client, arn, &ex, &derr) == CUTOVER_OK && ex.status &&
		    strcmp(ex.status, "ABORTED") == 0)
			finish(res, ACTION_OUTCOME_OK, CUTOVER_OK, "",
			       "stopped %s (the answer was lost (%s) but DescribeExecution shows it "
			       "ABORTED)", arn, aws_reason(&aerr));
		else if (ex.status && strcmp(ex.status, "RUNNING") == 0)
			finish(res, ACTION_OUTCOME_FAILED, aws_status(&aerr), aws_reason(&aerr),
			       "execution %s not stopped (still RUNNING, checked after the "
			       "failure): %s", arn, msg);
		else
			finish(res, ACTION_OUTCOME_UNKNOWN, aws_status(&aerr), aws_reason(&aerr),
			       "stopping %s: outcome unknown: verify (%s)", arn, msg);
		sfn_execution_free(&ex);
	} else {
		char msg[768];

		aws_error_render(&aerr, msg, sizeof(msg));
		copy_trunc(res->request_id, sizeof(res->request_id), aerr.request_id);
		finish(res, ACTION_OUTCOME_FAILED, aws_status(&aerr), aws_reason(&aerr),
		       "execution %s not stopped: %s", arn, msg);
	}
	return write_outcome(a, &p, res, NULL);
}

/* --- acknowledgements and notes ------------------------------------------------ */

static enum cutover_status local_action(struct actions *a, const struct action_request *req,
					struct action_result *res)
{
	struct action_kv kv[] = { { "comment", ACTION_KV_STR,
				    req->kind == ACTION_NOTE ? NULL : req->comment, 0, 0 } };
	struct pending p = { 0 };
	struct cutover_err err;
	char *detail = action_json_object(kv, 1);
	enum cutover_status st = write_intent(a, req, res, detail, &p);

	free(detail);
	if (st != CUTOVER_OK)
		return st;
	cutover_err_clear(&err);
	if (req->kind == ACTION_ALERT_ACK && a->opt.ack &&
	    a->opt.ack(a->opt.ack_ctx, req->gauge_id, &err) != CUTOVER_OK)
		finish(res, ACTION_OUTCOME_FAILED, err.status, "hook",
		       "trigger of %s not acknowledged: %s", req->gauge_id, err.msg);
	else if (req->kind == ACTION_ALERT_ACK)
		finish(res, ACTION_OUTCOME_OK, CUTOVER_OK, "", "acknowledged the trigger of %s",
		       req->gauge_id);
	else
		finish(res, ACTION_OUTCOME_OK, CUTOVER_OK, "", "noted");
	return write_outcome(a, &p, res, NULL);
}

/* --- the path ------------------------------------------------------------------ */

enum cutover_status actions_run(struct actions *a, const struct action_request *req,
				struct action_result *res)
{
	memset(res, 0, sizeof(*res));
	if (!a || !req)
		return refuse(res, CUTOVER_EINVAL, "invalid", "actions_run: missing argument");
	res->kind = req->kind;
	if (check_request(a, req, res) != CUTOVER_OK || check_gates(a, req, res) != CUTOVER_OK)
		return res->status;
	switch (req->kind) {
	case ACTION_FLAG_SET: return flag_set(a, req, res);
	case ACTION_APPROVE:
	case ACTION_REJECT: return approval(a, req, res);
	case ACTION_EXEC_STOP: return exec_stop(a, req, res);
	case ACTION_ALERT_ACK:
	case ACTION_NOTE: return local_action(a, req, res);
	default: break;
	}
	return refuse(res, CUTOVER_EINVAL, "invalid", "unknown action kind");
}

/* --- reads ---------------------------------------------------------------------- */

void actions_flags_free(struct action_flag_state *flags, size_t n)
{
	if (!flags)
		return;
	for (size_t i = 0; i < n; i++) {
		free(flags[i].value);
		free(flags[i].last_modified_user);
	}
	free(flags);
}

enum cutover_status actions_flags_read(struct actions *a, bool with_user,
				       struct action_flag_state **out, struct cutover_err *err)
{
	const struct runbook *rb = a->rb;
	struct action_flag_state *fs;
	struct ssm_parameter_list l = { 0 };
	struct aws_error aerr;
	const char **names;
	enum cutover_status st = CUTOVER_OK;

	*out = NULL;
	fs = calloc(rb->nflags ? rb->nflags : 1, sizeof(*fs));
	names = calloc(rb->nflags ? rb->nflags : 1, sizeof(*names));
	if (!fs || !names) {
		free(fs);
		free(names);
		return cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < rb->nflags; i++) {
		fs[i].def = &rb->flags[i];
		names[i] = rb->flags[i].ssm;
	}
	aws_error_clear(&aerr);
	if (rb->nflags &&
	    (st = ssm_get_parameters(a->client, names, rb->nflags, 0, &l, &aerr)) != CUTOVER_OK) {
		aws_error_to_err(&aerr, err);
		goto out;
	}
	for (size_t k = 0; k < l.count; k++)
		for (size_t i = 0; i < rb->nflags; i++)
			if (strcmp(l.items[k].name, names[i]) == 0 && !fs[i].present) {
				fs[i].present = true;
				fs[i].value = dup_or_null(l.items[k].value, NULL);
				fs[i].version = l.items[k].version;
				fs[i].last_modified = l.items[k].last_modified_date;
			}
	for (size_t i = 0; with_user && i < rb->nflags; i++) {
		struct ssm_parameter_list h = { 0 };

		if (!fs[i].present)
			continue;
		aws_error_clear(&aerr);
		if ((st = ssm_get_parameter_history(a->client, names[i], 0, 0, &h, &aerr)) !=
		    CUTOVER_OK) {
			aws_error_to_err(&aerr, err);
			goto out;
		}
		for (size_t k = h.count; k-- > 0;)
			if (h.items[k].version == fs[i].version) {
				fs[i].last_modified_user = dup_or_null(h.items[k].last_modified_user, NULL);
				break;
			}
		ssm_parameter_list_free(&h);
	}
out:
	ssm_parameter_list_free(&l);
	free(names);
	if (st != CUTOVER_OK) {
		actions_flags_free(fs, rb->nflags);
		return st;
	}
	*out = fs;
	return CUTOVER_OK;
}

/* --- unknown outcomes at start ------------------------------------------------------ */

struct unresolved_ctx {
	FILE *out;
	int n;
};

static int unresolved_row(void *ctx, const struct audit_row *r)
{
	struct unresolved_ctx *u = ctx;

	fprintf(u->out, "cutover: outcome unknown: verify: #%lld %s ", (long long)r->id,
		r->kind ? r->kind : "?");
	termsafe_put(u->out, r->target ? r->target : "-");
	if (r->new_value) {
		fputs(" -> ", u->out);
		termsafe_put(u->out, r->new_value);
	}
	fputs(" by ", u->out);
	termsafe_put(u->out, r->operator_name ? r->operator_name : "?");
	fputs(" (stopped before its outcome was recorded; check the live state)\n", u->out);
	u->n++;
	return 0;
}

int actions_report_unresolved(const char *path, FILE *out)
{
	struct unresolved_ctx u = { out, 0 };
	struct cutover_err err;
	FILE *probe;

	/* Only an existing log can hold unresolved intents; do not create one. */
	probe = fopen(path, "rb");
	if (!probe)
		return 0;
	fclose(probe);
	if (audit_unresolved(path, unresolved_row, &u, &err) != CUTOVER_OK)
		return 0;
	return u.n;
}
