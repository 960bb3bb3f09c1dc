/* sim_sfn.c: the sim's Step Functions model (see sim_sfn.h).
 *
 * An execution is a small state machine of its own: `step` is the next
 * history event it will write and `step_t` when.  Every request first moves
 * all executions, in time order across executions, up to its `now`, so a
 * history is a pure function of the scenario, the seed and the times of the
 * calls that changed it (StartExecution, StopExecution, SendTask*).
 *
 * The answers follow the awsJson1_0 shapes of botocore's stepfunctions model
 * and the error codes and namespaces AWS sends; docs/sim-stepfunctions.md
 * lists what is modelled.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cutover/strbuf.h"
#include "sim/sim_sfn.h"

#define CT_JSON "application/x-amz-json-1.0"
#define NS_SFN "com.amazonaws.swf.service.v2.model#"
#define TYPE_VALIDATION "com.amazon.coral.validate#ValidationException"
#define TYPE_SERIALIZATION "com.amazon.coral.service#SerializationException"
#define TYPE_UNKNOWN_OP "com.amazon.coral.service#UnknownOperationException"
#define TYPE_INTERNAL "com.amazon.coral.service#InternalFailure"

#define MAX_NAME 80
#define MAX_ARN 256
#define MAX_DATA 262144
#define MAX_ERROR 256
#define MAX_CAUSE 32768
#define MAX_TASK_TOKEN 2048
#define DEFAULT_PAGE 100
#define MAX_PAGE 1000

enum st_type { ST_TASK, ST_APPROVAL, ST_WAIT, ST_PASS, ST_COUNT };
static const char *const st_type_names[ST_COUNT] = { "Task", "Approval", "Wait", "Pass" };

struct sfn_state {
	char *name;
	enum st_type type;
	double duration_s;
	int fails;
	char *fail_error;       /* NULL when absent */
	char *fail_cause;
	double timeout_s;       /* approvals; 0 = waits for ever */
	char *function_arn;     /* the Lambda the definition names */
};

struct sfn_machine {
	char *name;
	char *arn;
	char *type;             /* STANDARD | EXPRESS */
	char *role_arn;
	char *description;      /* NULL when absent */
	char *definition;       /* Amazon States Language, built from states */
	double creation_date;
	struct sfn_state *states;
	size_t nstates;
	char *set_name;         /* sets_parameter reaction, NULL when absent */
	char *set_value;
	int set_on_success;     /* 0: when an execution starts, 1: when one succeeds */
};

enum ex_status { EX_RUNNING, EX_SUCCEEDED, EX_FAILED, EX_TIMED_OUT, EX_ABORTED, EX_COUNT };
static const char *const ex_status_names[EX_COUNT] = {
	"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"
};

/* The next history event an execution writes. */
enum ex_step {
	STEP_START, STEP_ENTER, STEP_SCHEDULED, STEP_STARTED, STEP_FINISH, STEP_EXIT,
	STEP_SUCCEED, STEP_FAIL, STEP_NONE
};

struct sfn_exec {
	struct sfn_machine *m;
	uint64_t seq;           /* creation order, for stable sorting */
	char *name;
	char *arn;
	char *input;            /* JSON text */
	double start;
	double stop;
	enum ex_status status;
	char *output;           /* NULL until it succeeds */
	char *error;            /* NULL when absent */
	char *cause;
	cJSON *events;          /* array of full events (execution data included) */
	int64_t nevents;
	double last_ts;
	/* where the run is */
	enum ex_step step;
	double step_t;
	double state_t;         /* when the current state was entered */
	size_t cur;
	char *state_input;
	char *state_output;
	char *pending_error;    /* what STEP_FAIL writes */
	char *pending_cause;
	/* a scenario job whose outcome is fixed (`status` in the scenario) */
	int fixed;
	enum ex_status fixed_status;
	double fixed_stop;
	char *fixed_error;
	char *fixed_cause;
	size_t fail_index;
	double scale;
	cJSON *counts;          /* object of numbers merged into task outputs, or NULL */
};

enum tok_state { TOK_WAITING, TOK_USED, TOK_TIMED_OUT, TOK_CLOSED };

struct sfn_token {
	char *token;
	struct sfn_exec *e;
	size_t state;
	enum tok_state st;
};

struct sim_sfn {
	uint64_t seed;
	double t0;
	double now;
	char region[64];
	char account[32];
	struct sim_hooks hooks;
	double hook_last_t;
	struct sfn_machine *machines;
	size_t nmachines;
	struct sfn_exec **execs;
	size_t nexecs;
	size_t cap_execs;
	struct sfn_token *tokens;
	size_t ntokens;
	size_t cap_tokens;
	uint64_t next_seq;
	uint64_t name_rng;
};

/* ------------------------------------------------------------------ */
/* small helpers */

static char *xstrdup(const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s);
	p = malloc(n + 1);
	if (p)
		memcpy(p, s, n + 1);
	return p;
}

static char *xprintf(const char *fmt, ...) CUTOVER_PRINTF(1, 2);
static char *xprintf(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	enum cutover_status st;

	va_start(ap, fmt);
	st = strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	if (st != CUTOVER_OK) {
		strbuf_free(&sb);
		return NULL;
	}
	return strbuf_take(&sb);
}

/* Sim timestamps carry milliseconds, as AWS's do; floor so an event written
 * at t <= now never reads later than now. */
static double floor_ms(double t)
{
	return floor(t * 1000.0) / 1000.0;
}

/* AWS's rule for execution and state machine names. */
static int valid_name(const char *n)
{
	size_t len = strlen(n);

	if (len < 1 || len > MAX_NAME)
		return 0;
	for (const unsigned char *p = (const unsigned char *)n; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || strchr(" <>{}[]?*\"#%\\^|~`$&,;:/", *p))
			return 0;
	}
	return 1;
}

static int exec_visible(const struct sfn_exec *e)
{
	return e->nevents > 0;
}

/* ------------------------------------------------------------------ */
/* replies */

static void reply_err(struct sim_reply *r, const char *type, const char *fmt, ...) CUTOVER_PRINTF(3, 4);
static void reply_err(struct sim_reply *r, const char *type, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	enum cutover_status st;

	va_start(ap, fmt);
	st = strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	sim_reply_json_error(r, 400, CT_JSON, type, st == CUTOVER_OK ? strbuf_str(&sb) : "");
	strbuf_free(&sb);
}

/* A modelled Step Functions error: code is the short name. */
static void reply_sfn(struct sim_reply *r, const char *code, const char *fmt, ...) CUTOVER_PRINTF(3, 4);
static void reply_sfn(struct sim_reply *r, const char *code, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	char type[128];
	va_list ap;
	enum cutover_status st;

	snprintf(type, sizeof(type), NS_SFN "%s", code);
	va_start(ap, fmt);
	st = strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	sim_reply_json_error(r, 400, CT_JSON, type, st == CUTOVER_OK ? strbuf_str(&sb) : "");
	strbuf_free(&sb);
}

static void reply_oom(struct sim_reply *r)
{
	sim_reply_json_error(r, 500, CT_JSON, TYPE_INTERNAL, "The sim ran out of memory.");
}

/* Send j (which may be NULL after a failed allocation) and delete it. */
static void reply_ok(struct sim_reply *r, cJSON *j)
{
	if (!j) {
		reply_oom(r);
		return;
	}
	sim_reply_json(r, CT_JSON, j);
	cJSON_Delete(j);
}

/* ------------------------------------------------------------------ */
/* request fields: coral checks types (SerializationException) and then
 * the model's constraints (ValidationException), before the operation. */

/* 0: *out is the string or NULL when absent; -1: replied with an error. */
static int req_str(const cJSON *req, const char *key, int required, size_t maxlen, int sensitive,
		   const char **out, struct sim_reply *r)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, key);
	size_t len;

	*out = NULL;
	if (!v || cJSON_IsNull(v)) {
		if (required) {
			reply_err(r, TYPE_VALIDATION, "1 validation error detected: Value null at '%s' "
				  "failed to satisfy constraint: Member must not be null", key);
			return -1;
		}
		return 0;
	}
	if (!cJSON_IsString(v)) {
		reply_err(r, TYPE_SERIALIZATION, "Unexpected value for '%s': expected a string", key);
		return -1;
	}
	len = strlen(v->valuestring);
	if (len > maxlen || (required && len == 0)) {
		const char *what = len > maxlen ? "less than or equal to" : "greater than or equal to";
		size_t bound = len > maxlen ? maxlen : 1;

		if (sensitive)
			reply_err(r, TYPE_VALIDATION, "1 validation error detected: Value at '%s' failed to "
				  "satisfy constraint: Member must have length %s %zu", key, what, bound);
		else
			reply_err(r, TYPE_VALIDATION, "1 validation error detected: Value '%s' at '%s' failed "
				  "to satisfy constraint: Member must have length %s %zu",
				  v->valuestring, key, what, bound);
		return -1;
	}
	*out = v->valuestring;
	return 0;
}

static int req_bool(const cJSON *req, const char *key, int dflt, int *out, struct sim_reply *r)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, key);

	*out = dflt;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsBool(v)) {
		reply_err(r, TYPE_SERIALIZATION, "Unexpected value for '%s': expected a boolean", key);
		return -1;
	}
	*out = cJSON_IsTrue(v) ? 1 : 0;
	return 0;
}

/* maxResults: 0..1000, 0 or absent meaning the default page of 100. */
static int req_page_size(const cJSON *req, size_t *out, struct sim_reply *r)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, "maxResults");
	double d;

	*out = DEFAULT_PAGE;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
	    fabs(v->valuedouble) > 2147483647.0) {
		reply_err(r, TYPE_SERIALIZATION, "Unexpected value for 'maxResults': expected an integer");
		return -1;
	}
	d = v->valuedouble;
	if (d < 0 || d > MAX_PAGE) {
		reply_err(r, TYPE_VALIDATION, "1 validation error detected: Value '%.0f' at 'maxResults' "
			  "failed to satisfy constraint: Member must have value %s", d,
			  d < 0 ? "greater than or equal to 0" : "less than or equal to 1000");
		return -1;
	}
	if (d > 0)
		*out = (size_t)d;
	return 0;
}

/* Check that arn is a Step Functions ARN of resource type `want`
 * ("execution" or "stateMachine").  0 ok, -1 replied InvalidArn. */
static int check_arn(const char *arn, const char *want, struct sim_reply *r)
{
	const char *p = arn;
	const char *rt;
	size_t rtlen;
	int colons = 0;

	if (strncmp(arn, "arn:", 4) != 0 || !strstr(arn, ":states:")) {
		reply_sfn(r, "InvalidArn", "Invalid Arn: 'Invalid ARN prefix: %s'", arn);
		return -1;
	}
	/* arn:PARTITION:states:REGION:ACCOUNT:TYPE:NAME... */
	while (*p && colons < 5) {
		if (*p == ':')
			colons++;
		p++;
	}
	rt = p;
	rtlen = strcspn(rt, ":");
	if (colons < 5 || rt[rtlen] != ':' || rt[rtlen + 1] == '\0') {
		reply_sfn(r, "InvalidArn", "Invalid Arn: 'Invalid ARN prefix: %s'", arn);
		return -1;
	}
	if (rtlen != strlen(want) || strncmp(rt, want, rtlen) != 0) {
		reply_sfn(r, "InvalidArn", "Invalid Arn: 'Resource type not valid in this context: %.*s'",
			  (int)rtlen, rt);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* opaque tokens (pagination and task tokens) */

static char *b64_encode(const unsigned char *data, size_t n)
{
	char *out = malloc(4 * ((n + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, data, (int)n);
	return out;
}

/* Decode base64 text into a NUL-terminated string; NULL if malformed. */
static char *b64_decode_text(const char *in)
{
	size_t n = strlen(in);
	size_t pad = 0;
	unsigned char *out;
	int got;

	if (n == 0 || n % 4 != 0 || n > 4096)
		return NULL;
	out = malloc(n / 4 * 3 + 1);
	if (!out)
		return NULL;
	got = EVP_DecodeBlock(out, (const unsigned char *)in, (int)n);
	if (got < 0) {
		free(out);
		return NULL;
	}
	if (in[n - 1] == '=')
		pad++;
	if (n >= 2 && in[n - 2] == '=')
		pad++;
	got -= (int)pad;
	out[got] = '\0';
	if (memchr(out, '\0', (size_t)got)) {
		free(out);
		return NULL;
	}
	return (char *)out;
}

/* A page token: the text of the position plus a seeded MAC, so a made-up
 * or altered token is InvalidToken as on AWS. */
static char *page_token_make(const struct sim_sfn *s, const char *text)
{
	char *full = xprintf("%s|%016llx", text,
			     (unsigned long long)sim_rand_hash(s->seed ^ 0x5a5a5a5aULL, text, 7));
	char *tok;

	if (!full)
		return NULL;
	tok = b64_encode((const unsigned char *)full, strlen(full));
	free(full);
	return tok;
}

/* The position text of a genuine token, or NULL (caller frees). */
static char *page_token_open(const struct sim_sfn *s, const char *tok)
{
	char *full = b64_decode_text(tok);
	char *bar;
	char mac[17];

	if (!full)
		return NULL;
	bar = strrchr(full, '|');
	if (!bar || strlen(bar + 1) != 16)
		goto bad;
	*bar = '\0';
	snprintf(mac, sizeof(mac), "%016llx",
		 (unsigned long long)sim_rand_hash(s->seed ^ 0x5a5a5a5aULL, full, 7));
	if (strcmp(mac, bar + 1) != 0)
		goto bad;
	return full;
bad:
	free(full);
	return NULL;
}

/* A task token: long, base64 like AWS's (which start "AQC..."), derived
 * from the seed, the execution and the event id. */
static char *task_token_make(const struct sim_sfn *s, const struct sfn_exec *e, int64_t event_id)
{
	static const unsigned char head[] = { 0x01, 0x00, 0x84, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x00,
					      0x00, 0x03, 0x00, 0x00, 0x00, 0x00 };
	unsigned char raw[15 + 168];
	uint64_t rng = sim_rand_hash(s->seed, e->arn, event_id);

	memcpy(raw, head, sizeof(head));
	for (size_t i = sizeof(head); i < sizeof(raw); i += 8) {
		uint64_t v = sim_rand_next(&rng);

		for (size_t k = 0; k < 8 && i + k < sizeof(raw); k++)
			raw[i + k] = (unsigned char)(v >> (8 * k));
	}
	return b64_encode(raw, sizeof(raw));
}

/* ------------------------------------------------------------------ */
/* execution data */

/* JSON text of value, or NULL. */
static char *json_text(const cJSON *v)
{
	return cJSON_PrintUnformatted(v);
}

/* A state's task output: its input with the job's counts merged in, scaled
 * to how far the job is (state `done` of `n`), so a running job's history
 * shows its progress. */
static char *task_output(const struct sfn_exec *e, size_t done, size_t n)
{
	cJSON *in;
	const cJSON *c;
	char *out;

	if (!e->counts || n == 0)
		return xstrdup(e->state_input);
	in = cJSON_Parse(e->state_input);
	if (!in || !cJSON_IsObject(in)) {
		cJSON_Delete(in);
		return xstrdup(e->state_input);
	}
	cJSON_ArrayForEach(c, e->counts) {
		double v = floor(c->valuedouble * (double)done / (double)n);

		cJSON_DeleteItemFromObjectCaseSensitive(in, c->string);
		cJSON_AddNumberToObject(in, c->string, v);
	}
	out = json_text(in);
	cJSON_Delete(in);
	return out;
}

/* ------------------------------------------------------------------ */
/* history */

static const char *entered_type(enum st_type t)
{
	switch (t) {
	case ST_WAIT: return "WaitStateEntered";
	case ST_PASS: return "PassStateEntered";
	default: return "TaskStateEntered";
	}
}

static const char *exited_type(enum st_type t)
{
	switch (t) {
	case ST_WAIT: return "WaitStateExited";
	case ST_PASS: return "PassStateExited";
	default: return "TaskStateExited";
	}
}

static const char *task_resource(enum st_type t)
{
	return t == ST_APPROVAL ? "invoke.waitForTaskToken" : "invoke";
}

/* Append an event.  details (owned, may be NULL on OOM) goes under key. */
static CUTOVER_MUST_CHECK enum cutover_status emit(struct sfn_exec *e, double t, const char *type, const char *key,
				cJSON *details)
{
	cJSON *ev = cJSON_CreateObject();
	double ts = floor_ms(t);

	if (!ev || !details) {
		cJSON_Delete(ev);
		cJSON_Delete(details);
		return CUTOVER_ENOMEM;
	}
	if (ts < e->last_ts)
		ts = e->last_ts;
	e->last_ts = ts;
	cJSON_AddNumberToObject(ev, "timestamp", ts);
	cJSON_AddStringToObject(ev, "type", type);
	cJSON_AddNumberToObject(ev, "id", (double)(e->nevents + 1));
	cJSON_AddNumberToObject(ev, "previousEventId", (double)e->nevents);
	cJSON_AddItemToObject(ev, key, details);
	cJSON_AddItemToArray(e->events, ev);
	e->nevents++;
	return CUTOVER_OK;
}

static cJSON *data_details(const char *name, const char *datakey, const char *data)
{
	cJSON *d = cJSON_CreateObject();
	char detkey[32];
	cJSON *det;

	if (!d)
		return NULL;
	if (name)
		cJSON_AddStringToObject(d, "name", name);
	if (data) {
		cJSON_AddStringToObject(d, datakey, data);
		snprintf(detkey, sizeof(detkey), "%sDetails", datakey);
		det = cJSON_AddObjectToObject(d, detkey);
		if (det)
			cJSON_AddFalseToObject(det, "truncated");
	}
	return d;
}

static cJSON *task_details(enum st_type t, const char *error, const char *cause)
{
	cJSON *d = cJSON_CreateObject();

	if (!d)
		return NULL;
	cJSON_AddStringToObject(d, "resourceType", "lambda");
	cJSON_AddStringToObject(d, "resource", task_resource(t));
	if (error)
		cJSON_AddStringToObject(d, "error", error);
	if (cause)
		cJSON_AddStringToObject(d, "cause", cause);
	return d;
}

static double gap(const struct sim_sfn *s, const struct sfn_exec *e)
{
	/* AWS spaces an execution's events by a few to tens of ms. */
	return 0.005 + (double)(sim_rand_hash(s->seed, e->arn, e->nevents) % 60) / 1000.0;
}

/* Whether an Approval waits for its token.  Jobs whose scenario outcome
 * is SUCCEEDED or FAILED pass their approvals by themselves; a RUNNING or
 * ABORTED job waits like a live execution, but never times out. */
static int approval_waits(const struct sfn_exec *e)
{
	return !e->fixed || e->fixed_status == EX_RUNNING || e->fixed_status == EX_ABORTED;
}

static double eff_duration(const struct sfn_exec *e, size_t i)
{
	const struct sfn_state *st = &e->m->states[i];

	if (!e->fixed)
		return st->duration_s;
	if ((e->fixed_status == EX_RUNNING || e->fixed_status == EX_ABORTED) && i + 1 == e->m->nstates)
		return INFINITY;    /* the job holds in its last state */
	if (e->fixed_status == EX_SUCCEEDED || e->fixed_status == EX_FAILED)
		return st->duration_s * e->scale;
	return st->duration_s;
}

static int eff_fail(const struct sfn_exec *e, size_t i, const char **error, const char **cause)
{
	const struct sfn_state *st = &e->m->states[i];

	if (e->fixed) {
		if (e->fixed_status != EX_FAILED || i != e->fail_index)
			return 0;
		*error = e->fixed_error;
		*cause = e->fixed_cause;
		return 1;
	}
	if (!st->fails)
		return 0;
	*error = st->fail_error;
	*cause = st->fail_cause;
	return 1;
}

static void fire_hook(struct sim_sfn *s, const struct sfn_machine *m, double t)
{
	if (!m->set_name || !s->hooks.set_parameter)
		return;
	if (t < s->hook_last_t)
		t = s->hook_last_t;
	s->hook_last_t = t;
	s->hooks.set_parameter(s->hooks.ctx, m->set_name, m->set_value, t);
}

/* When a fixed job's last event is due: no earlier than its stop time. */
static double end_time(const struct sfn_exec *e, double t)
{
	return e->fixed && e->fixed_stop > t ? e->fixed_stop : t;
}

static struct sfn_token *token_of(struct sim_sfn *s, const struct sfn_exec *e, size_t state)
{
	for (size_t i = s->ntokens; i-- > 0;) {
		if (s->tokens[i].e == e && s->tokens[i].state == state)
			return &s->tokens[i];
	}
	return NULL;
}

static CUTOVER_MUST_CHECK enum cutover_status add_token(struct sim_sfn *s, struct sfn_exec *e, char *tok)
{
	if (s->ntokens == s->cap_tokens) {
		size_t cap = s->cap_tokens ? s->cap_tokens * 2 : 16;
		struct sfn_token *n = realloc(s->tokens, cap * sizeof(*n));

		if (!n)
			return CUTOVER_ENOMEM;
		s->tokens = n;
		s->cap_tokens = cap;
	}
	s->tokens[s->ntokens].token = tok;
	s->tokens[s->ntokens].e = e;
	s->tokens[s->ntokens].state = e->cur;
	s->tokens[s->ntokens].st = TOK_WAITING;
	s->ntokens++;
	return CUTOVER_OK;
}

/* The tasks of a closed execution can no longer be answered. */
static void close_tokens(struct sim_sfn *s, const struct sfn_exec *e)
{
	for (size_t i = 0; i < s->ntokens; i++) {
		if (s->tokens[i].e == e && s->tokens[i].st == TOK_WAITING)
			s->tokens[i].st = TOK_CLOSED;
	}
}

static char *scheduled_parameters(const struct sfn_exec *e, const struct sfn_state *st, const char *tok)
{
	cJSON *p = cJSON_CreateObject();
	cJSON *in = cJSON_Parse(e->state_input);
	cJSON *payload;
	char *out = NULL;

	if (!p)
		goto out;
	cJSON_AddStringToObject(p, "FunctionName", st->function_arn);
	if (tok) {
		payload = cJSON_AddObjectToObject(p, "Payload");
		if (!payload)
			goto out;
		cJSON_AddStringToObject(payload, "taskToken", tok);
		if (in) {
			cJSON_AddItemToObject(payload, "input", in);
			in = NULL;
		}
	} else if (in) {
		cJSON_AddItemToObject(p, "Payload", in);
		in = NULL;
	}
	out = json_text(p);
out:
	cJSON_Delete(in);
	cJSON_Delete(p);
	return out;
}

/* Write the execution's next event (due at e->step_t) and plan the one after. */
static CUTOVER_MUST_CHECK enum cutover_status exec_step(struct sim_sfn *s, struct sfn_exec *e)
{
	double t = e->step_t;
	const struct sfn_state *st = e->cur < e->m->nstates ? &e->m->states[e->cur] : NULL;
	enum cutover_status rc = CUTOVER_OK;
	const char *error = NULL, *cause = NULL;
	cJSON *d;
	char *tmp;

	switch (e->step) {
	case STEP_START:
		d = data_details(NULL, "input", e->input);
		if (d)
			cJSON_AddStringToObject(d, "roleArn", e->m->role_arn);
		rc = emit(e, t, "ExecutionStarted", "executionStartedEventDetails", d);
		if (rc != CUTOVER_OK)
			break;
		if (!e->m->set_on_success)
			fire_hook(s, e->m, t);
		e->cur = 0;
		free(e->state_input);
		e->state_input = xstrdup(e->input);
		if (!e->state_input)
			return CUTOVER_ENOMEM;
		e->step = STEP_ENTER;
		e->step_t = t + gap(s, e);
		break;
	case STEP_ENTER:
		rc = emit(e, t, entered_type(st->type), "stateEnteredEventDetails",
			  data_details(st->name, "input", e->state_input));
		if (rc != CUTOVER_OK)
			break;
		e->state_t = t;
		if (st->type == ST_TASK || st->type == ST_APPROVAL) {
			e->step = STEP_SCHEDULED;
			e->step_t = t + gap(s, e);
			break;
		}
		free(e->state_output);
		e->state_output = xstrdup(e->state_input);
		if (!e->state_output)
			return CUTOVER_ENOMEM;
		e->step = STEP_EXIT;
		e->step_t = st->type == ST_WAIT ? t + eff_duration(e, e->cur) : t + gap(s, e);
		break;
	case STEP_SCHEDULED: {
		char *tok = NULL;
		char *params;

		if (st->type == ST_APPROVAL) {
			tok = task_token_make(s, e, e->nevents + 1);
			if (!tok || add_token(s, e, tok) != CUTOVER_OK) {
				free(tok);
				return CUTOVER_ENOMEM;
			}
		}
		params = scheduled_parameters(e, st, tok);
		d = cJSON_CreateObject();
		if (!params || !d) {
			free(params);
			cJSON_Delete(d);
			return CUTOVER_ENOMEM;
		}
		cJSON_AddStringToObject(d, "resourceType", "lambda");
		cJSON_AddStringToObject(d, "resource", task_resource(st->type));
		cJSON_AddStringToObject(d, "region", s->region);
		cJSON_AddStringToObject(d, "parameters", params);
		free(params);
		if (st->type == ST_APPROVAL && st->timeout_s > 0)
			cJSON_AddNumberToObject(d, "timeoutInSeconds", ceil(st->timeout_s));
		rc = emit(e, t, "TaskScheduled", "taskScheduledEventDetails", d);
		e->step = STEP_STARTED;
		e->step_t = t + gap(s, e);
		break;
	}
	case STEP_STARTED:
		rc = emit(e, t, "TaskStarted", "taskStartedEventDetails", task_details(st->type, NULL, NULL));
		e->step = STEP_FINISH;
		if (st->type == ST_APPROVAL && approval_waits(e))
			e->step_t = st->timeout_s > 0 && !e->fixed ? e->state_t + st->timeout_s : INFINITY;
		else
			e->step_t = fmax(t + gap(s, e), e->state_t + eff_duration(e, e->cur));
		break;
	case STEP_FINISH:
		if (st->type == ST_APPROVAL && approval_waits(e)) {
			/* nobody answered within TimeoutSeconds */
			struct sfn_token *k = token_of(s, e, e->cur);

			if (k)
				k->st = TOK_TIMED_OUT;
			rc = emit(e, t, "TaskTimedOut", "taskTimedOutEventDetails",
				  task_details(st->type, "States.Timeout", NULL));
			free(e->pending_error);
			free(e->pending_cause);
			e->pending_error = xstrdup("States.Timeout");
			e->pending_cause = NULL;
			e->step = STEP_FAIL;
			e->step_t = t + gap(s, e);
			break;
		}
		if (eff_fail(e, e->cur, &error, &cause)) {
			rc = emit(e, t, "TaskFailed", "taskFailedEventDetails", task_details(st->type, error, cause));
			free(e->pending_error);
			free(e->pending_cause);
			e->pending_error = xstrdup(error);
			e->pending_cause = xstrdup(cause);
			e->step = STEP_FAIL;
			e->step_t = end_time(e, t + gap(s, e));
			break;
		}
		if (st->type == ST_APPROVAL) {
			struct sfn_token *k = token_of(s, e, e->cur);

			if (k)
				k->st = TOK_USED;   /* a job with a fixed outcome approves itself */
		}
		tmp = task_output(e, e->cur + 1, e->m->nstates);
		if (!tmp)
			return CUTOVER_ENOMEM;
		free(e->state_output);
		e->state_output = tmp;
		d = task_details(st->type, NULL, NULL);
		if (d) {
			cJSON *od;

			cJSON_AddStringToObject(d, "output", tmp);
			od = cJSON_AddObjectToObject(d, "outputDetails");
			if (od)
				cJSON_AddFalseToObject(od, "truncated");
		}
		rc = emit(e, t, "TaskSucceeded", "taskSucceededEventDetails", d);
		e->step = STEP_EXIT;
		e->step_t = t + gap(s, e);
		break;
	case STEP_EXIT:
		rc = emit(e, t, exited_type(st->type), "stateExitedEventDetails",
			  data_details(st->name, "output", e->state_output));
		if (rc != CUTOVER_OK)
			break;
		free(e->state_input);
		e->state_input = e->state_output;
		e->state_output = NULL;
		e->cur++;
		if (e->cur == e->m->nstates) {
			e->step = STEP_SUCCEED;
			e->step_t = end_time(e, t + gap(s, e));
		} else {
			e->step = STEP_ENTER;
			e->step_t = t + gap(s, e);
		}
		break;
	case STEP_SUCCEED:
		rc = emit(e, t, "ExecutionSucceeded", "executionSucceededEventDetails",
			  data_details(NULL, "output", e->state_input));
		if (rc != CUTOVER_OK)
			break;
		e->status = EX_SUCCEEDED;
		e->stop = e->last_ts;
		free(e->output);
		e->output = xstrdup(e->state_input);
		e->step = STEP_NONE;
		if (e->m->set_on_success)
			fire_hook(s, e->m, t);
		break;
	case STEP_FAIL:
		d = cJSON_CreateObject();
		if (d && e->pending_error)
			cJSON_AddStringToObject(d, "error", e->pending_error);
		if (d && e->pending_cause)
			cJSON_AddStringToObject(d, "cause", e->pending_cause);
		rc = emit(e, t, "ExecutionFailed", "executionFailedEventDetails", d);
		if (rc != CUTOVER_OK)
			break;
		close_tokens(s, e);
		e->status = EX_FAILED;
		e->stop = e->last_ts;
		free(e->error);
		free(e->cause);
		e->error = e->pending_error;
		e->cause = e->pending_cause;
		e->pending_error = NULL;
		e->pending_cause = NULL;
		e->step = STEP_NONE;
		break;
	case STEP_NONE:
		break;
	}
	return rc;
}

/* Abort a running execution at t (StopExecution, or a job that the scenario
 * says was aborted).  error and cause may be NULL. */
static CUTOVER_MUST_CHECK enum cutover_status exec_abort(struct sim_sfn *s, struct sfn_exec *e, double t,
				      const char *error, const char *cause)
{
	cJSON *d = cJSON_CreateObject();
	enum cutover_status rc;

	if (d && error)
		cJSON_AddStringToObject(d, "error", error);
	if (d && cause)
		cJSON_AddStringToObject(d, "cause", cause);
	rc = emit(e, t, "ExecutionAborted", "executionAbortedEventDetails", d);
	if (rc != CUTOVER_OK)
		return rc;
	close_tokens(s, e);
	e->status = EX_ABORTED;
	e->stop = e->last_ts;
	free(e->error);
	free(e->cause);
	e->error = xstrdup(error);
	e->cause = xstrdup(cause);
	e->step = STEP_NONE;
	return CUTOVER_OK;
}

static double exec_next_t(const struct sfn_exec *e)
{
	double t;

	if (e->status != EX_RUNNING || e->step == STEP_NONE)
		return INFINITY;
	t = e->step_t;
	if (e->fixed && e->fixed_status == EX_ABORTED && e->step != STEP_START && e->fixed_stop < t)
		t = e->fixed_stop;
	return t;
}

/* Move every execution to now, one event at a time in time order, so that
 * reactions of different executions fire in the order they happen. */
static void advance(struct sim_sfn *s, double now)
{
	for (;;) {
		struct sfn_exec *next = NULL;
		double best = INFINITY;

		for (size_t i = 0; i < s->nexecs; i++) {
			double t = exec_next_t(s->execs[i]);

			if (t <= now && t < best) {
				best = t;
				next = s->execs[i];
			}
		}
		if (!next)
			return;
		if (next->fixed && next->fixed_status == EX_ABORTED && next->step != STEP_START &&
		    next->fixed_stop <= next->step_t) {
			if (exec_abort(s, next, next->fixed_stop, next->fixed_error, next->fixed_cause) != CUTOVER_OK)
				return;
		} else if (exec_step(s, next) != CUTOVER_OK) {
			/* out of memory: leave the execution where it is */
			next->step = STEP_NONE;
			return;
		}
	}
}

/* ------------------------------------------------------------------ */
/* executions */

static void exec_free(struct sfn_exec *e)
{
	if (!e)
		return;
	free(e->name);
	free(e->arn);
	free(e->input);
	free(e->output);
	free(e->error);
	free(e->cause);
	cJSON_Delete(e->events);
	free(e->state_input);
	free(e->state_output);
	free(e->pending_error);
	free(e->pending_cause);
	free(e->fixed_error);
	free(e->fixed_cause);
	cJSON_Delete(e->counts);
	free(e);
}

/* A new execution of m named name, starting at start with input (JSON text). */
static struct sfn_exec *exec_new(struct sim_sfn *s, struct sfn_machine *m, const char *name,
				 const char *input, double start)
{
	struct sfn_exec *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->m = m;
	e->seq = s->next_seq++;
	e->name = xstrdup(name);
	e->arn = xprintf("arn:aws:states:%s:%s:execution:%s:%s", s->region, s->account, m->name, name);
	e->input = xstrdup(input);
	e->events = cJSON_CreateArray();
	e->start = floor_ms(start);
	e->step = STEP_START;
	e->step_t = e->start;
	e->status = EX_RUNNING;
	e->scale = 1.0;
	if (!e->name || !e->arn || !e->input || !e->events) {
		exec_free(e);
		return NULL;
	}
	return e;
}

static CUTOVER_MUST_CHECK enum cutover_status exec_add(struct sim_sfn *s, struct sfn_exec *e)
{
	if (s->nexecs == s->cap_execs) {
		size_t cap = s->cap_execs ? s->cap_execs * 2 : 16;
		struct sfn_exec **n = realloc(s->execs, cap * sizeof(*n));

		if (!n)
			return CUTOVER_ENOMEM;
		s->execs = n;
		s->cap_execs = cap;
	}
	s->execs[s->nexecs++] = e;
	return CUTOVER_OK;
}

static struct sfn_exec *exec_find_arn(struct sim_sfn *s, const char *arn)
{
	for (size_t i = 0; i < s->nexecs; i++) {
		if (strcmp(s->execs[i]->arn, arn) == 0)
			return s->execs[i];
	}
	return NULL;
}

static struct sfn_exec *exec_find_name(struct sim_sfn *s, const struct sfn_machine *m, const char *name)
{
	for (size_t i = 0; i < s->nexecs; i++) {
		if (s->execs[i]->m == m && strcmp(s->execs[i]->name, name) == 0)
			return s->execs[i];
	}
	return NULL;
}

static struct sfn_machine *machine_find_arn(struct sim_sfn *s, const char *arn)
{
	for (size_t i = 0; i < s->nmachines; i++) {
		if (strcmp(s->machines[i].arn, arn) == 0)
			return &s->machines[i];
	}
	return NULL;
}

static struct sfn_machine *machine_find_name(struct sim_sfn *s, const char *name)
{
	for (size_t i = 0; i < s->nmachines; i++) {
		if (strcmp(s->machines[i].name, name) == 0)
			return &s->machines[i];
	}
	return NULL;
}

/* Look the execution of a request up; NULL after replying an error. */
static struct sfn_exec *lookup_exec(struct sim_sfn *s, const char *arn, struct sim_reply *r)
{
	struct sfn_exec *e;

	if (check_arn(arn, "execution", r) != 0)
		return NULL;
	e = exec_find_arn(s, arn);
	if (!e || !exec_visible(e)) {
		reply_sfn(r, "ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", arn);
		return NULL;
	}
	return e;
}

static struct sfn_machine *lookup_machine(struct sim_sfn *s, const char *arn, struct sim_reply *r)
{
	struct sfn_machine *m;

	if (check_arn(arn, "stateMachine", r) != 0)
		return NULL;
	m = machine_find_arn(s, arn);
	if (!m)
		reply_sfn(r, "StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn);
	return m;
}

/* ------------------------------------------------------------------ */
/* operations */

static void redrive_fields(cJSON *o, const struct sfn_exec *e)
{
	cJSON_AddNumberToObject(o, "redriveCount", 0);
	if (e->status == EX_FAILED || e->status == EX_ABORTED || e->status == EX_TIMED_OUT) {
		cJSON_AddStringToObject(o, "redriveStatus", "REDRIVABLE");
	} else {
		char why[64];

		snprintf(why, sizeof(why), "Execution is %s and cannot be redriven",
			 ex_status_names[e->status]);
		cJSON_AddStringToObject(o, "redriveStatus", "NOT_REDRIVABLE");
		cJSON_AddStringToObject(o, "redriveStatusReason", why);
	}
}

static void op_describe_execution(struct sim_sfn *s, const cJSON *req, double now, struct sim_reply *r)
{
	const char *arn, *included;
	struct sfn_exec *e;
	int data = 1;
	cJSON *o;
	(void)now;

	if (req_str(req, "executionArn", 1, MAX_ARN, 0, &arn, r) ||
	    req_str(req, "includedData", 0, 64, 0, &included, r))
		return;
	if (included) {
		if (strcmp(included, "METADATA_ONLY") == 0) {
			data = 0;
		} else if (strcmp(included, "ALL_DATA") != 0) {
			reply_err(r, TYPE_VALIDATION, "1 validation error detected: Value '%s' at 'includedData' "
				  "failed to satisfy constraint: Member must satisfy enum value set: "
				  "[ALL_DATA, METADATA_ONLY]", included);
			return;
		}
	}
	e = lookup_exec(s, arn, r);
	if (!e)
		return;
	o = cJSON_CreateObject();
	if (o) {
		cJSON *det;

		cJSON_AddStringToObject(o, "executionArn", e->arn);
		cJSON_AddStringToObject(o, "stateMachineArn", e->m->arn);
		cJSON_AddStringToObject(o, "name", e->name);
		cJSON_AddStringToObject(o, "status", ex_status_names[e->status]);
		cJSON_AddNumberToObject(o, "startDate", e->start);
		if (e->status != EX_RUNNING)
			cJSON_AddNumberToObject(o, "stopDate", e->stop);
		if (data)
			cJSON_AddStringToObject(o, "input", e->input);
		det = cJSON_AddObjectToObject(o, "inputDetails");
		if (det)
			cJSON_AddBoolToObject(det, "included", data);
		if (e->output) {
			if (data)
				cJSON_AddStringToObject(o, "output", e->output);
			det = cJSON_AddObjectToObject(o, "outputDetails");
			if (det)
				cJSON_AddBoolToObject(det, "included", data);
		}
		if (e->error)
			cJSON_AddStringToObject(o, "error", e->error);
		if (e->cause)
			cJSON_AddStringToObject(o, "cause", e->cause);
		redrive_fields(o, e);
	}
	reply_ok(r, o);
}

/* The event without its execution data (includeExecutionData: false). */
static cJSON *event_metadata(const cJSON *ev)
{
	static const char *const strip[] = { "input", "inputDetails", "output", "outputDetails", "parameters" };
	cJSON *c = cJSON_Duplicate(ev, 1);
	cJSON *d;

	if (!c)
		return NULL;
	cJSON_ArrayForEach(d, c) {
		if (cJSON_IsObject(d)) {
			for (size_t i = 0; i < sizeof(strip) / sizeof(strip[0]); i++)
				cJSON_DeleteItemFromObjectCaseSensitive(d, strip[i]);
		}
	}
	return c;
}

static void op_get_execution_history(struct sim_sfn *s, const cJSON *req, double now, struct sim_reply *r)
{
	const char *arn, *next;
	struct sfn_exec *e;
	size_t page;
	int rev, incl;
	int64_t from;       /* forward: first id to send; reverse: last id to send */
	cJSON *o = NULL, *arr;
	const cJSON *ev;
	int64_t sent = 0, id = 0;
	(void)now;

	if (req_str(req, "executionArn", 1, MAX_ARN, 0, &arn, r) ||
	    req_str(req, "nextToken", 0, 1024, 0, &next, r) || req_page_size(req, &page, r) ||
	    req_bool(req, "reverseOrder", 0, &rev, r) || req_bool(req, "includeExecutionData", 1, &incl, r))
		return;
	e = lookup_exec(s, arn, r);
	if (!e)
		return;
	from = rev ? e->nevents : 1;
	if (next) {
		char *pos = page_token_open(s, next);
		unsigned long long seq = 0;
		long long id0 = 0;
		int trev = -1, n = 0;

		if (pos)
			n = sscanf(pos, "H:%llu:%lld:%d", &seq, &id0, &trev);
		free(pos);
		if (n != 3 || seq != e->seq || trev != rev || id0 < 1 || id0 > e->nevents + 1) {
			reply_sfn(r, "InvalidToken", "Invalid Token: 'Invalid token'");
			return;
		}
		from = id0;
	}
	o = cJSON_CreateObject();
	arr = o ? cJSON_AddArrayToObject(o, "events") : NULL;
	if (!arr)
		goto oom;
	/* walk the list from the first event to send (one lookup, not one per event) */
	ev = from >= 1 && from <= e->nevents ? cJSON_GetArrayItem(e->events, (int)(from - 1)) : NULL;
	for (id = from; (rev ? id >= 1 : id <= e->nevents) && sent < (int64_t)page; id += rev ? -1 : 1) {
		cJSON *c = ev ? (incl ? cJSON_Duplicate(ev, 1) : event_metadata(ev)) : NULL;

		if (!c)
			goto oom;
		cJSON_AddItemToArray(arr, c);
		sent++;
		ev = rev ? (id > 1 ? ev->prev : NULL) : ev->next;
	}
	if (rev ? id >= 1 : id <= e->nevents) {
		char pos[96];
		char *tok;

		snprintf(pos, sizeof(pos), "H:%llu:%lld:%d", (unsigned long long)e->seq, (long long)id, rev);
		tok = page_token_make(s, pos);
		if (!tok)
			goto oom;
		cJSON_AddStringToObject(o, "nextToken", tok);
		free(tok);
	}
	reply_ok(r, o);
	return;
oom:
	cJSON_Delete(o);
	reply_oom(r);
}

static int status_index(const char *name)
{
	for (int i = 0; i < EX_COUNT; i++) {
		if (strcmp(ex_status_names[i], name) == 0)
			return i;
	}
	if (strcmp(name, "PENDING_REDRIVE") == 0)
		return EX_COUNT;    /* valid, never used by the sim */
	return -1;
}

/* ListExecutions order: newest start first, later-created first on ties. */
static int exec_cmp_desc(const void *a, const void *b)
{
	const struct sfn_exec *x = *(const struct sfn_exec *const *)a;
	const struct sfn_exec *y = *(const struct sfn_exec *const *)b;

	if (x->start != y->start)
		return x->start > y->start ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq > y->seq ? -1 : 1;
	return 0;
}

static void op_list_executions(struct sim_sfn *s, const cJSON *req, double now, struct sim_reply *r)
{
	const char *arn, *filter, *next, *maprun;
	struct sfn_machine *m;
	size_t page, n = 0, first = 0, mi;
	int fidx = -1;
	struct sfn_exec **list = NULL;
	cJSON *o = NULL, *arr;
	(void)now;

	if (req_str(req, "stateMachineArn", 0, MAX_ARN, 0, &arn, r) ||
	    req_str(req, "statusFilter", 0, 64, 0, &filter, r) ||
	    req_str(req, "nextToken", 0, 3096, 0, &next, r) ||
	    req_str(req, "mapRunArn", 0, 2000, 0, &maprun, r) || req_page_size(req, &page, r))
		return;
	if (filter) {
		fidx = status_index(filter);
		if (fidx < 0) {
			reply_err(r, TYPE_VALIDATION, "1 validation error detected: Value '%s' at 'statusFilter' "
				  "failed to satisfy constraint: Member must satisfy enum value set: [SUCCEEDED, "
				  "TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]", filter);
			return;
		}
	}
	if (maprun) {
		reply_sfn(r, "ResourceNotFound", "Resource not found: '%s'", maprun);
		return;
	}
	if (!arn) {
		reply_sfn(r, "ValidationException", "Must provide a StateMachine ARN or MapRun ARN");
		return;
	}
	m = lookup_machine(s, arn, r);
	if (!m)
		return;
	mi = (size_t)(m - s->machines);
	list = malloc((s->nexecs ? s->nexecs : 1) * sizeof(*list));
	if (!list)
		goto oom;
	for (size_t i = 0; i < s->nexecs; i++) {
		struct sfn_exec *e = s->execs[i];

		if (e->m == m && exec_visible(e) && (fidx < 0 || (int)e->status == fidx))
			list[n++] = e;
	}
	qsort(list, n, sizeof(*list), exec_cmp_desc);
	if (next) {
		char *pos = page_token_open(s, next);
		unsigned long long tmi = 0, seq = 0;
		long long start_ms = 0;
		int tf = -2, k = 0;

		if (pos)
			k = sscanf(pos, "L:%llu:%d:%lld:%llu", &tmi, &tf, &start_ms, &seq);
		free(pos);
		if (k != 4 || tmi != mi || tf != fidx) {
			free(list);
			reply_sfn(r, "InvalidToken", "Invalid Token: 'Invalid token'");
			return;
		}
		/* continue after the last item sent, wherever it now sorts */
		while (first < n) {
			long long ms = (long long)llround(list[first]->start * 1000.0);

			if (ms < start_ms || (ms == start_ms && list[first]->seq < seq))
				break;
			first++;
		}
	}
	o = cJSON_CreateObject();
	arr = o ? cJSON_AddArrayToObject(o, "executions") : NULL;
	if (!arr)
		goto oom;
	for (size_t i = first; i < n && i < first + page; i++) {
		struct sfn_exec *e = list[i];
		cJSON *it = cJSON_CreateObject();

		if (!it)
			goto oom;
		cJSON_AddStringToObject(it, "executionArn", e->arn);
		cJSON_AddStringToObject(it, "stateMachineArn", m->arn);
		cJSON_AddStringToObject(it, "name", e->name);
		cJSON_AddStringToObject(it, "status", ex_status_names[e->status]);
		cJSON_AddNumberToObject(it, "startDate", e->start);
		if (e->status != EX_RUNNING)
			cJSON_AddNumberToObject(it, "stopDate", e->stop);
		cJSON_AddItemToArray(arr, it);
	}
	if (first + page < n) {
		const struct sfn_exec *last = list[first + page - 1];
		char pos[128];
		char *tok;

		snprintf(pos, sizeof(pos), "L:%zu:%d:%lld:%llu", mi, fidx,
			 (long long)llround(last->start * 1000.0), (unsigned long long)last->seq);
		tok = page_token_make(s, pos);
		if (!tok)
			goto oom;
		cJSON_AddStringToObject(o, "nextToken", tok);
		free(tok);
	}
	free(list);
	reply_ok(r, o);
	return;
oom:
	free(list);
	cJSON_Delete(o);
	reply_oom(r);
}

static void op_describe_state_machine(struct sim_sfn *s, const cJSON *req, double now, struct sim_reply *r)
{
	const char *arn, *included;
	struct sfn_machine *m;
	cJSON *o, *c;
	(void)now;

	if (req_str(req, "stateMachineArn", 1, MAX_ARN, 0, &arn, r) ||
	    req_str(req, "includedData", 0, 64, 0, &included, r))
		return;
	if (included && strcmp(included, "ALL_DATA") != 0 && strcmp(included, "METADATA_ONLY") != 0) {
		reply_err(r, TYPE_VALIDATION, "1 validation error detected: Value '%s' at 'includedData' "
			  "failed to satisfy constraint: Member must satisfy enum value set: "
			  "[ALL_DATA, METADATA_ONLY]", included);
		return;
	}
	m = lookup_machine(s, arn, r);
	if (!m)
		return;
	o = cJSON_CreateObject();
	if (o) {
		cJSON_AddStringToObject(o, "stateMachineArn", m->arn);
		cJSON_AddStringToObject(o, "name", m->name);
		cJSON_AddStringToObject(o, "status", "ACTIVE");
		cJSON_AddStringToObject(o, "definition", m->definition);
		cJSON_AddStringToObject(o, "roleArn", m->role_arn);
		cJSON_AddStringToObject(o, "type", m->type);
		cJSON_AddNumberToObject(o, "creationDate", m->creation_date);
		if (m->description)
			cJSON_AddStringToObject(o, "description", m->description);
		c = cJSON_AddObjectToObject(o, "loggingConfiguration");
		if (c) {
			cJSON_AddStringToObject(c, "level", "OFF");
			cJSON_AddFalseToObject(c, "includeExecutionData");
		}
		c = cJSON_AddObjectToObject(o, "tracingConfiguration");
		if (c)
			cJSON_AddFalseToObject(c, "enabled");
	}
	reply_ok(r, o);
}

/* A uuid-looking execution name from the seeded stream, as AWS generates. */
static void gen_name(struct sim_sfn *s, char *buf, size_t n)
{
	uint64_t a = sim_rand_next(&s->name_rng);
	uint64_t b = sim_rand_next(&s->name_rng);

	snprintf(buf, n, "%08llx-%04llx-4%03llx-%04llx-%012llx",
		 (unsigned long long)(a >> 32), (unsigned long long)((a >> 16) & 0xffff),
		 (unsigned long long)(a & 0xfff), (unsigned long long)(0x8000 | ((b >> 48) & 0x3fff)),
		 (unsigned long long)(b & 0xffffffffffffULL));
}

static void start_reply(struct sim_reply *r, const struct sfn_exec *e)
{
	cJSON *o = cJSON_CreateObject();

	if (o) {
		cJSON_AddStringToObject(o, "executionArn", e->arn);
		cJSON_AddNumberToObject(o, "startDate", e->start);
	}
	reply_ok(r, o);
}

static void op_start_execution(struct sim_sfn *s, const cJSON *req, double now, struct sim_reply *r)
{
	const char *arn, *name, *input, *trace;
	struct sfn_machine *m;
	struct sfn_exec *e;
	char gen[48];

	if (req_str(req, "stateMachineArn", 1, MAX_ARN, 0, &arn, r) ||
	    req_str(req, "name", 0, MAX_NAME, 0, &name, r) ||
	    req_str(req, "input", 0, MAX_DATA, 1, &input, r) ||
	    req_str(req, "traceHeader", 0, 256, 0, &trace, r))
		return;
	m = lookup_machine(s, arn, r);
	if (!m)
		return;
	if (name && !valid_name(name)) {
		reply_sfn(r, "InvalidName", "Invalid Name: '%s'", name);
		return;
	}
	if (input) {
		const char *end = NULL;
		cJSON *j = cJSON_ParseWithOpts(input, &end, 1);

		if (!j) {
			reply_sfn(r, "InvalidExecutionInput", "Invalid State Machine Execution Input: "
				  "'Unexpected character at offset %ld: input must be JSON text'",
				  end ? (long)(end - input) : 0L);
			return;
		}
		cJSON_Delete(j);
	} else {
		input = "{}";
	}
	if (name) {
		e = exec_find_name(s, m, name);
		if (e) {
			/* STANDARD: same name and input while it runs is the same start */
			if (exec_visible(e) && e->status == EX_RUNNING && strcmp(e->input, input) == 0)
				start_reply(r, e);
			else
				reply_sfn(r, "ExecutionAlreadyExists", "Execution Already Exists: '%s'", e->arn);
			return;
		}
	} else {
		do
			gen_name(s, gen, sizeof(gen));
		while (exec_find_name(s, m, gen));
		name = gen;
	}
	e = exec_new(s, m, name, input, now);
	if (!e || exec_add(s, e) != CUTOVER_OK) {
		exec_free(e);
		reply_oom(r);
		return;
	}
	advance(s, now);
	start_reply(r, e);
}

static void op_stop_execution(struct sim_sfn *s, const cJSON *req, double now, struct sim_reply *r)
{
	const char *arn, *error, *cause;
	struct sfn_exec *e;
	cJSON *o;

	if (req_str(req, "executionArn", 1, MAX_ARN, 0, &arn, r) ||
	    req_str(req, "error", 0, MAX_ERROR, 1, &error, r) ||
	    req_str(req, "cause", 0, MAX_CAUSE, 1, &cause, r))
		return;
	e = lookup_exec(s, arn, r);
	if (!e)
		return;
	/* Stopping a closed execution changes nothing and answers its stop date. */
	if (e->status == EX_RUNNING && exec_abort(s, e, now, error, cause) != CUTOVER_OK) {
		reply_oom(r);
		return;
	}
	o = cJSON_CreateObject();
	if (o)
		cJSON_AddNumberToObject(o, "stopDate", e->stop);
	reply_ok(r, o);
}

/* The waiting task a token belongs to; NULL after replying the error AWS
 * gives for it. */
static struct sfn_token *lookup_token(struct sim_sfn *s, const char *token, struct sim_reply *r)
{
	for (size_t i = 0; i < s->ntokens; i++) {
		struct sfn_token *k = &s->tokens[i];

		if (strcmp(k->token, token) != 0)
			continue;
		switch (k->st) {
		case TOK_WAITING:
			return k;
		case TOK_USED:
			break;
		case TOK_TIMED_OUT:
		case TOK_CLOSED:
			reply_sfn(r, "TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'");
			return NULL;
		}
		break;
	}
	reply_sfn(r, "InvalidToken", "Invalid Token: 'Invalid token'");
	return NULL;
}

/* An answer can come in the few ms between TaskScheduled (which carries the
 * token) and TaskStarted: write TaskStarted first, as AWS's order has it. */
static CUTOVER_MUST_CHECK enum cutover_status answer_ready(struct sim_sfn *s, struct sfn_exec *e, double now)
{
	if (e->step != STEP_STARTED)
		return CUTOVER_OK;
	e->step_t = now;
	return exec_step(s, e);
}

static void op_send_task_success(struct sim_sfn *s, const cJSON *req, double now, struct sim_reply *r)
{
	const char *token, *output;
	struct sfn_token *k;
	struct sfn_exec *e;
	const struct sfn_state *st;
	cJSON *j, *d, *od;
	char *out;

	if (req_str(req, "taskToken", 1, MAX_TASK_TOKEN, 0, &token, r) ||
	    req_str(req, "output", 1, MAX_DATA, 1, &output, r))
		return;
	k = lookup_token(s, token, r);
	if (!k)
		return;
	if (answer_ready(s, k->e, now) != CUTOVER_OK) {
		reply_oom(r);
		return;
	}
	j = cJSON_ParseWithOpts(output, NULL, 1);
	if (!j) {
		reply_sfn(r, "InvalidOutput", "Invalid Output: 'Output is not valid JSON text'");
		return;
	}
	cJSON_Delete(j);
	e = k->e;
	st = &e->m->states[k->state];
	out = xstrdup(output);
	d = task_details(st->type, NULL, NULL);
	if (!out || !d) {
		free(out);
		cJSON_Delete(d);
		reply_oom(r);
		return;
	}
	cJSON_AddStringToObject(d, "output", output);
	od = cJSON_AddObjectToObject(d, "outputDetails");
	if (od)
		cJSON_AddFalseToObject(od, "truncated");
	if (emit(e, now, "TaskSucceeded", "taskSucceededEventDetails", d) != CUTOVER_OK) {
		free(out);
		reply_oom(r);
		return;
	}
	k->st = TOK_USED;
	free(e->state_output);
	e->state_output = out;
	e->step = STEP_EXIT;
	e->step_t = now + gap(s, e);
	reply_ok(r, cJSON_CreateObject());
}

static void op_send_task_failure(struct sim_sfn *s, const cJSON *req, double now, struct sim_reply *r)
{
	const char *token, *error, *cause;
	struct sfn_token *k;
	struct sfn_exec *e;
	const struct sfn_state *st;

	if (req_str(req, "taskToken", 1, MAX_TASK_TOKEN, 0, &token, r) ||
	    req_str(req, "error", 0, MAX_ERROR, 1, &error, r) ||
	    req_str(req, "cause", 0, MAX_CAUSE, 1, &cause, r))
		return;
	k = lookup_token(s, token, r);
	if (!k)
		return;
	if (answer_ready(s, k->e, now) != CUTOVER_OK) {
		reply_oom(r);
		return;
	}
	e = k->e;
	st = &e->m->states[k->state];
	if (emit(e, now, "TaskFailed", "taskFailedEventDetails", task_details(st->type, error, cause)) !=
	    CUTOVER_OK) {
		reply_oom(r);
		return;
	}
	k->st = TOK_USED;
	free(e->pending_error);
	free(e->pending_cause);
	e->pending_error = xstrdup(error);
	e->pending_cause = xstrdup(cause);
	e->step = STEP_FAIL;
	e->step_t = now + gap(s, e);
	reply_ok(r, cJSON_CreateObject());
}

struct sfn_op {
	const char *name;
	void (*fn)(struct sim_sfn *s, const cJSON *req, double now, struct sim_reply *r);
};

static const struct sfn_op ops[] = {
	{ "DescribeExecution", op_describe_execution },
	{ "GetExecutionHistory", op_get_execution_history },
	{ "ListExecutions", op_list_executions },
	{ "DescribeStateMachine", op_describe_state_machine },
	{ "StartExecution", op_start_execution },
	{ "StopExecution", op_stop_execution },
	{ "SendTaskSuccess", op_send_task_success },
	{ "SendTaskFailure", op_send_task_failure },
};

static double clamp_now(struct sim_sfn *s, double now)
{
	if (!isfinite(now))
		now = isfinite(s->now) ? s->now : s->t0;
	if (now < s->now)          /* time never runs back */
		now = s->now;
	s->now = now;
	return now;
}

void sim_sfn_advance(struct sim_sfn *s, double now)
{
	if (!s)
		return;
	advance(s, clamp_now(s, now));
}

void sim_sfn_handle(struct sim_sfn *s, const char *op, const char *body, size_t len,
		    double now, struct sim_reply *reply)
{
	const struct sfn_op *found = NULL;
	cJSON *req;

	for (size_t i = 0; op && i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(ops[i].name, op) == 0)
			found = &ops[i];
	}
	if (!found) {
		reply_err(reply, TYPE_UNKNOWN_OP, "Operation %s is not supported by the sim's Step Functions",
			  op ? op : "(none)");
		return;
	}
	now = clamp_now(s, now);
	advance(s, now);
	if (len == 0 || !body)
		req = cJSON_CreateObject();
	else
		req = cJSON_ParseWithLength(body, len);
	if (!req || !cJSON_IsObject(req)) {
		cJSON_Delete(req);
		reply_err(reply, TYPE_SERIALIZATION, "The request body is not a JSON object");
		return;
	}
	found->fn(s, req, now, reply);
	cJSON_Delete(req);
}

/* ------------------------------------------------------------------ */
/* scenario */

/* Each check reports where, in the scenario's own terms. */

static CUTOVER_MUST_CHECK enum cutover_status check_keys(const cJSON *obj, const char *path, const char *const *allowed,
				      struct cutover_err *err)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, obj) {
		size_t i;

		for (i = 0; allowed[i]; i++) {
			if (strcmp(allowed[i], c->string) == 0)
				break;
		}
		if (!allowed[i]) {
			struct strbuf sb = STRBUF_INIT;

			for (i = 0; allowed[i]; i++) {
				if (strbuf_printf(&sb, "%s%s", i ? ", " : "", allowed[i]) != CUTOVER_OK)
					break;
			}
			cutover_errf(err, CUTOVER_EVALIDATE, "%s: unknown key \"%s\" (expected one of: %s)",
				     path, c->string, strbuf_str(&sb));
			strbuf_free(&sb);
			return CUTOVER_EVALIDATE;
		}
	}
	return CUTOVER_OK;
}

/* *out: the string (borrowed) or NULL if absent and optional. */
static CUTOVER_MUST_CHECK enum cutover_status get_str(const cJSON *obj, const char *key, const char *path, int required,
				   const char **out, struct cutover_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (!v) {
		if (required)
			return cutover_errf(err, CUTOVER_EVALIDATE, "%s: missing \"%s\"", path, key);
		return CUTOVER_OK;
	}
	if (!cJSON_IsString(v) || !v->valuestring[0])
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.%s: expected a non-empty string", path, key);
	*out = v->valuestring;
	return CUTOVER_OK;
}

static CUTOVER_MUST_CHECK enum cutover_status get_num(const cJSON *obj, const char *key, const char *path, int required,
				   double min, int *present, double *out, struct cutover_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*present = 0;
	if (!v) {
		if (required)
			return cutover_errf(err, CUTOVER_EVALIDATE, "%s: missing \"%s\"", path, key);
		return CUTOVER_OK;
	}
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < min) {
		if (isinf(min))
			return cutover_errf(err, CUTOVER_EVALIDATE, "%s.%s: expected a number", path, key);
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.%s: expected a number >= %g", path, key, min);
	}
	*present = 1;
	*out = v->valuedouble;
	return CUTOVER_OK;
}

static void machine_free(struct sfn_machine *m)
{
	free(m->name);
	free(m->arn);
	free(m->type);
	free(m->role_arn);
	free(m->description);
	free(m->definition);
	for (size_t i = 0; i < m->nstates; i++) {
		free(m->states[i].name);
		free(m->states[i].fail_error);
		free(m->states[i].fail_cause);
		free(m->states[i].function_arn);
	}
	free(m->states);
	free(m->set_name);
	free(m->set_value);
}

/* The Lambda a state invokes: machine and state names, with what a function
 * name cannot hold turned into '-'. */
static char *function_arn(const struct sim_sfn *s, const char *machine, const char *state)
{
	char *fn = xprintf("%s-%s", machine, state);
	char *arn;

	if (!fn)
		return NULL;
	for (char *p = fn; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_'))
			*p = '-';
	}
	if (strlen(fn) > 64)
		fn[64] = '\0';
	arn = xprintf("arn:aws:lambda:%s:%s:function:%s", s->region, s->account, fn);
	free(fn);
	return arn;
}

/* Amazon States Language for the machine, so DescribeStateMachine shows
 * what the executions do. */
static char *build_definition(const struct sfn_machine *m)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *states;
	char *out = NULL;

	if (!root)
		return NULL;
	cJSON_AddStringToObject(root, "Comment", m->description ? m->description : m->name);
	cJSON_AddStringToObject(root, "StartAt", m->states[0].name);
	states = cJSON_AddObjectToObject(root, "States");
	if (!states)
		goto out;
	for (size_t i = 0; i < m->nstates; i++) {
		const struct sfn_state *st = &m->states[i];
		cJSON *o = cJSON_AddObjectToObject(states, st->name);
		cJSON *p, *pl;

		if (!o)
			goto out;
		switch (st->type) {
		case ST_TASK:
			cJSON_AddStringToObject(o, "Type", "Task");
			cJSON_AddStringToObject(o, "Resource", "arn:aws:states:::lambda:invoke");
			p = cJSON_AddObjectToObject(o, "Parameters");
			if (!p)
				goto out;
			cJSON_AddStringToObject(p, "FunctionName", st->function_arn);
			cJSON_AddStringToObject(p, "Payload.$", "$");
			break;
		case ST_APPROVAL:
			cJSON_AddStringToObject(o, "Type", "Task");
			cJSON_AddStringToObject(o, "Resource", "arn:aws:states:::lambda:invoke.waitForTaskToken");
			p = cJSON_AddObjectToObject(o, "Parameters");
			pl = p ? cJSON_AddObjectToObject(p, "Payload") : NULL;
			if (!pl)
				goto out;
			cJSON_AddStringToObject(p, "FunctionName", st->function_arn);
			cJSON_AddStringToObject(pl, "taskToken.$", "$$.Task.Token");
			cJSON_AddStringToObject(pl, "input.$", "$");
			if (st->timeout_s > 0)
				cJSON_AddNumberToObject(o, "TimeoutSeconds", ceil(st->timeout_s));
			break;
		case ST_WAIT:
			cJSON_AddStringToObject(o, "Type", "Wait");
			cJSON_AddNumberToObject(o, "Seconds", ceil(st->duration_s));
			break;
		default:
			cJSON_AddStringToObject(o, "Type", "Pass");
			break;
		}
		if (i + 1 < m->nstates)
			cJSON_AddStringToObject(o, "Next", m->states[i + 1].name);
		else
			cJSON_AddTrueToObject(o, "End");
	}
	out = cJSON_Print(root);
out:
	cJSON_Delete(root);
	return out;
}

#define DUP_OR_OOM(dst, src) do { \
		if ((src) && !((dst) = xstrdup(src))) \
			return CUTOVER_ENOMEM; \
	} while (0)

static CUTOVER_MUST_CHECK enum cutover_status parse_state(struct sim_sfn *s, struct sfn_machine *m, const cJSON *js,
				       const char *path, struct cutover_err *err)
{
	static const char *const keys[] = { "name", "type", "duration_s", "fail", "timeout_s", NULL };
	static const char *const fail_keys[] = { "error", "cause", NULL };
	struct sfn_state *st = &m->states[m->nstates];
	const char *name, *type, *ferr = NULL, *fcause = NULL;
	const cJSON *fail;
	char sub[192];
	int present;
	double v;
	enum cutover_status rc;

	if (!cJSON_IsObject(js))
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s: expected an object", path);
	if ((rc = check_keys(js, path, keys, err)) != CUTOVER_OK ||
	    (rc = get_str(js, "name", path, 1, &name, err)) != CUTOVER_OK ||
	    (rc = get_str(js, "type", path, 0, &type, err)) != CUTOVER_OK)
		return rc;
	if (strlen(name) > MAX_NAME)
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.name: \"%s\" is longer than 80 characters",
				    path, name);
	for (size_t i = 0; i < m->nstates; i++) {
		if (strcmp(m->states[i].name, name) == 0)
			return cutover_errf(err, CUTOVER_EVALIDATE, "%s.name: duplicate state \"%s\"", path, name);
	}
	st->type = ST_TASK;
	if (type) {
		int t;

		for (t = 0; t < ST_COUNT; t++) {
			if (strcmp(st_type_names[t], type) == 0)
				break;
		}
		if (t == ST_COUNT)
			return cutover_errf(err, CUTOVER_EVALIDATE,
					    "%s.type: expected one of Task, Approval, Wait, Pass, not \"%s\"", path, type);
		st->type = (enum st_type)t;
	}
	rc = get_num(js, "duration_s", path, st->type == ST_TASK || st->type == ST_WAIT, 0, &present, &v, err);
	if (rc != CUTOVER_OK)
		return rc;
	st->duration_s = present ? v : 0;
	rc = get_num(js, "timeout_s", path, 0, 0, &present, &v, err);
	if (rc != CUTOVER_OK)
		return rc;
	if (present && st->type != ST_APPROVAL)
		return cutover_errf(err, CUTOVER_EVALIDATE,
				    "%s.timeout_s: only an Approval state has a timeout (this is a %s state)",
				    path, st_type_names[st->type]);
	if (present && v <= 0)
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.timeout_s: expected a number > 0", path);
	st->timeout_s = present ? v : 0;
	fail = cJSON_GetObjectItemCaseSensitive(js, "fail");
	if (fail) {
		if (snprintf(sub, sizeof(sub), "%s.fail", path) >= (int)sizeof(sub))
			return cutover_errf(err, CUTOVER_EVALIDATE, "%s: path too long", path);
		if (st->type != ST_TASK)
			return cutover_errf(err, CUTOVER_EVALIDATE,
					    "%s: only a Task state can fail (this is a %s state; an Approval "
					    "fails through SendTaskFailure or its timeout)", sub, st_type_names[st->type]);
		if (!cJSON_IsObject(fail))
			return cutover_errf(err, CUTOVER_EVALIDATE, "%s: expected an object {\"error\", \"cause\"}", sub);
		if ((rc = check_keys(fail, sub, fail_keys, err)) != CUTOVER_OK ||
		    (rc = get_str(fail, "error", sub, 1, &ferr, err)) != CUTOVER_OK ||
		    (rc = get_str(fail, "cause", sub, 0, &fcause, err)) != CUTOVER_OK)
			return rc;
	}
	/* valid: from here the state is counted, so machine_free() sees it */
	m->nstates++;
	DUP_OR_OOM(st->name, name);
	if (fail) {
		st->fails = 1;
		DUP_OR_OOM(st->fail_error, ferr);
		DUP_OR_OOM(st->fail_cause, fcause);
	}
	if (st->type == ST_TASK || st->type == ST_APPROVAL) {
		st->function_arn = function_arn(s, m->name, st->type == ST_APPROVAL ? "approval" : name);
		if (!st->function_arn)
			return CUTOVER_ENOMEM;
	}
	return CUTOVER_OK;
}

static CUTOVER_MUST_CHECK enum cutover_status parse_machine(struct sim_sfn *s, const cJSON *jm, size_t idx,
					 struct cutover_err *err)
{
	static const char *const keys[] = { "name", "type", "states", "sets_parameter", "role_arn",
					    "description", "created_at_s", NULL };
	static const char *const set_keys[] = { "name", "value", "when", NULL };
	struct sfn_machine *m = &s->machines[s->nmachines];
	const char *name, *type, *role, *desc;
	const cJSON *states, *set, *js;
	char path[64], sub[192];
	int present;
	double created;
	size_t j = 0;
	enum cutover_status rc;

	snprintf(path, sizeof(path), "state_machines[%zu]", idx);
	if (!cJSON_IsObject(jm))
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s: expected an object", path);
	if ((rc = check_keys(jm, path, keys, err)) != CUTOVER_OK ||
	    (rc = get_str(jm, "name", path, 1, &name, err)) != CUTOVER_OK ||
	    (rc = get_str(jm, "type", path, 0, &type, err)) != CUTOVER_OK ||
	    (rc = get_str(jm, "role_arn", path, 0, &role, err)) != CUTOVER_OK ||
	    (rc = get_str(jm, "description", path, 0, &desc, err)) != CUTOVER_OK ||
	    (rc = get_num(jm, "created_at_s", path, 0, -INFINITY, &present, &created, err)) != CUTOVER_OK)
		return rc;
	if (!valid_name(name))
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.name: \"%s\" is not a valid state machine name "
				    "(1-80 characters, no spaces, no control characters, none of "
				    "<>{}[]?*\"#%%\\^|~`$&,;:/)", path, name);
	if (machine_find_name(s, name))
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.name: duplicate state machine \"%s\"", path, name);
	if (type && strcmp(type, "STANDARD") != 0 && strcmp(type, "EXPRESS") != 0)
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.type: expected STANDARD or EXPRESS, not \"%s\"",
				    path, type);
	states = cJSON_GetObjectItemCaseSensitive(jm, "states");
	if (!states)
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s: missing \"states\"", path);
	if (!cJSON_IsArray(states) || cJSON_GetArraySize(states) == 0)
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.states: expected a non-empty array of states", path);

	/* From here m is counted, so machine_free() sees whatever is set. */
	memset(m, 0, sizeof(*m));
	s->nmachines++;
	DUP_OR_OOM(m->name, name);
	m->arn = xprintf("arn:aws:states:%s:%s:stateMachine:%s", s->region, s->account, name);
	m->type = xstrdup(type ? type : "STANDARD");
	m->role_arn = role ? xstrdup(role)
			   : xprintf("arn:aws:iam::%s:role/service-role/StepFunctions-%s-role", s->account, name);
	DUP_OR_OOM(m->description, desc);
	m->creation_date = floor_ms(s->t0 + (present ? created : -30.0 * 86400.0));
	m->states = calloc((size_t)cJSON_GetArraySize(states), sizeof(*m->states));
	if (!m->arn || !m->type || !m->role_arn || !m->states)
		return CUTOVER_ENOMEM;
	cJSON_ArrayForEach(js, states) {
		if (snprintf(sub, sizeof(sub), "%s.states[%zu]", path, j++) >= (int)sizeof(sub))
			return cutover_errf(err, CUTOVER_EVALIDATE, "%s: too many states", path);
		if ((rc = parse_state(s, m, js, sub, err)) != CUTOVER_OK)
			return rc;
	}
	set = cJSON_GetObjectItemCaseSensitive(jm, "sets_parameter");
	if (set) {
		const char *pname, *when;
		const cJSON *val;

		if (snprintf(sub, sizeof(sub), "%s.sets_parameter", path) >= (int)sizeof(sub))
			return cutover_errf(err, CUTOVER_EVALIDATE, "%s: path too long", path);
		if (!cJSON_IsObject(set))
			return cutover_errf(err, CUTOVER_EVALIDATE, "%s: expected an object {\"name\", \"value\"}", sub);
		if ((rc = check_keys(set, sub, set_keys, err)) != CUTOVER_OK ||
		    (rc = get_str(set, "name", sub, 1, &pname, err)) != CUTOVER_OK ||
		    (rc = get_str(set, "when", sub, 0, &when, err)) != CUTOVER_OK)
			return rc;
		val = cJSON_GetObjectItemCaseSensitive(set, "value");
		if (!val)
			return cutover_errf(err, CUTOVER_EVALIDATE, "%s: missing \"value\"", sub);
		if (!cJSON_IsString(val))
			return cutover_errf(err, CUTOVER_EVALIDATE,
					    "%s.value: expected a string (SSM values are strings: write \"true\")", sub);
		if (when && strcmp(when, "started") != 0 && strcmp(when, "succeeded") != 0)
			return cutover_errf(err, CUTOVER_EVALIDATE,
					    "%s.when: expected \"started\" or \"succeeded\", not \"%s\"", sub, when);
		m->set_on_success = when && strcmp(when, "succeeded") == 0;
		DUP_OR_OOM(m->set_name, pname);
		DUP_OR_OOM(m->set_value, val->valuestring);
	}
	m->definition = build_definition(m);
	return m->definition ? CUTOVER_OK : CUTOVER_ENOMEM;
}

static CUTOVER_MUST_CHECK enum cutover_status parse_execution(struct sim_sfn *s, const cJSON *jx, size_t idx,
					   struct cutover_err *err)
{
	static const char *const keys[] = { "state_machine", "name", "start_at_s", "status", "stop_at_s",
					    "error", "cause", "counts", "input", NULL };
	const char *mname, *name, *status, *error, *cause;
	const cJSON *counts, *input, *c;
	struct sfn_machine *m;
	struct sfn_exec *e = NULL;
	char path[64];
	char *input_text = NULL;
	int has_start, has_stop, fixed_status = -1;
	double start_at = 0, stop_at = 0;
	enum cutover_status rc;

	snprintf(path, sizeof(path), "executions[%zu]", idx);
	if (!cJSON_IsObject(jx))
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s: expected an object", path);
	if ((rc = check_keys(jx, path, keys, err)) != CUTOVER_OK ||
	    (rc = get_str(jx, "state_machine", path, 1, &mname, err)) != CUTOVER_OK ||
	    (rc = get_str(jx, "name", path, 1, &name, err)) != CUTOVER_OK ||
	    (rc = get_str(jx, "status", path, 0, &status, err)) != CUTOVER_OK ||
	    (rc = get_str(jx, "error", path, 0, &error, err)) != CUTOVER_OK ||
	    (rc = get_str(jx, "cause", path, 0, &cause, err)) != CUTOVER_OK ||
	    (rc = get_num(jx, "start_at_s", path, 0, -INFINITY, &has_start, &start_at, err)) != CUTOVER_OK ||
	    (rc = get_num(jx, "stop_at_s", path, 0, -INFINITY, &has_stop, &stop_at, err)) != CUTOVER_OK)
		return rc;
	m = machine_find_name(s, mname);
	if (!m)
		return cutover_errf(err, CUTOVER_EVALIDATE,
				    "%s.state_machine: no state machine named \"%s\" in state_machines", path, mname);
	if (!valid_name(name))
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.name: \"%s\" is not a valid execution name "
				    "(1-80 characters, no spaces, no control characters, none of "
				    "<>{}[]?*\"#%%\\^|~`$&,;:/)", path, name);
	if (exec_find_name(s, m, name))
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.name: duplicate execution \"%s\" of state machine \"%s\"",
				    path, name, mname);
	if (status) {
		static const char *const allowed[] = { "RUNNING", "SUCCEEDED", "FAILED", "ABORTED" };

		for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
			if (strcmp(allowed[i], status) == 0)
				fixed_status = status_index(status);
		}
		if (fixed_status < 0)
			return cutover_errf(err, CUTOVER_EVALIDATE,
					    "%s.status: expected one of RUNNING, SUCCEEDED, FAILED, ABORTED, not \"%s\"",
					    path, status);
	}
	if (has_stop && (fixed_status < 0 || fixed_status == EX_RUNNING))
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.stop_at_s: only a job with status SUCCEEDED, "
				    "FAILED or ABORTED has a stop time", path);
	if (has_stop && stop_at <= start_at)
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s.stop_at_s: %g is not after start_at_s %g",
				    path, stop_at, start_at);
	if ((error || cause) && fixed_status != EX_FAILED && fixed_status != EX_ABORTED)
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s: \"error\" and \"cause\" need status FAILED or ABORTED",
				    path);
	if (fixed_status == EX_ABORTED && !has_stop)
		return cutover_errf(err, CUTOVER_EVALIDATE, "%s: missing \"stop_at_s\" (when the job was aborted)",
				    path);
	counts = cJSON_GetObjectItemCaseSensitive(jx, "counts");
	if (counts) {
		if (!cJSON_IsObject(counts))
			return cutover_errf(err, CUTOVER_EVALIDATE, "%s.counts: expected an object of numbers", path);
		cJSON_ArrayForEach(c, counts) {
			if (!cJSON_IsNumber(c) || !isfinite(c->valuedouble) || c->valuedouble < 0)
				return cutover_errf(err, CUTOVER_EVALIDATE, "%s.counts.%s: expected a number >= 0",
						    path, c->string);
		}
	}
	input = cJSON_GetObjectItemCaseSensitive(jx, "input");
	if (input && counts && !cJSON_IsObject(input))
		return cutover_errf(err, CUTOVER_EVALIDATE,
				    "%s.input: expected an object (counts are merged into it)", path);
	input_text = input ? json_text(input) : xstrdup("{}");
	if (!input_text)
		return CUTOVER_ENOMEM;
	e = exec_new(s, m, name, input_text, s->t0 + start_at);
	free(input_text);
	if (!e)
		return CUTOVER_ENOMEM;
	if (counts && !(e->counts = cJSON_Duplicate(counts, 1)))
		goto oom;
	if (fixed_status >= 0) {
		double sum = 0;

		e->fixed = 1;
		e->fixed_status = (enum ex_status)fixed_status;
		e->fail_index = m->nstates - 1;
		if (e->fixed_status == EX_FAILED) {
			for (size_t i = 0; i < m->nstates; i++) {
				if (m->states[i].fails) {
					e->fail_index = i;
					break;
				}
			}
			if (!error)
				error = m->states[e->fail_index].fails ? m->states[e->fail_index].fail_error
								       : "States.TaskFailed";
			if (!cause && m->states[e->fail_index].fails)
				cause = m->states[e->fail_index].fail_cause;
		}
		for (size_t i = 0; i <= e->fail_index; i++)
			sum += m->states[i].duration_s;
		if (has_stop) {
			/* fit the states into the job's run, leaving room for the ms
			 * between events (at most ~0.35 s per state) */
			double avail = (stop_at - start_at) - 0.35 * (double)(e->fail_index + 1);

			e->scale = sum > 0 && avail > 0 ? avail / sum : 0;
			e->fixed_stop = floor_ms(s->t0 + stop_at);
		} else {
			e->fixed_stop = e->start;
		}
		if ((error && !(e->fixed_error = xstrdup(error))) || (cause && !(e->fixed_cause = xstrdup(cause))))
			goto oom;
	}
	if (exec_add(s, e) != CUTOVER_OK)
		goto oom;
	return CUTOVER_OK;
oom:
	exec_free(e);
	return CUTOVER_ENOMEM;
}

void sim_sfn_destroy(struct sim_sfn *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nmachines; i++)
		machine_free(&s->machines[i]);
	free(s->machines);
	for (size_t i = 0; i < s->nexecs; i++)
		exec_free(s->execs[i]);
	free(s->execs);
	for (size_t i = 0; i < s->ntokens; i++)
		free(s->tokens[i].token);
	free(s->tokens);
	free(s);
}

static void copy_root_str(const cJSON *root, const char *key, char *dst, size_t n, const char *dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);

	snprintf(dst, n, "%s", cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : dflt);
}

enum cutover_status sim_sfn_create(const cJSON *root, uint64_t seed, double t0_epoch,
				   const struct sim_hooks *hooks, struct sim_sfn **out,
				   struct cutover_err *err)
{
	struct sim_sfn *s;
	const cJSON *machines, *execs, *c;
	size_t i = 0;
	enum cutover_status rc = CUTOVER_OK;

	*out = NULL;
	if (!cJSON_IsObject(root))
		return cutover_errf(err, CUTOVER_EVALIDATE, "scenario: expected a JSON object");
	if (!isfinite(t0_epoch))
		return cutover_errf(err, CUTOVER_EINVAL, "sim_sfn_create: start epoch is not a number");
	s = calloc(1, sizeof(*s));
	if (!s)
		return cutover_errf(err, CUTOVER_ENOMEM, "Step Functions model: out of memory");
	s->seed = seed;
	s->t0 = t0_epoch;
	s->now = -INFINITY;
	s->hook_last_t = -INFINITY;
	s->name_rng = sim_rand_hash(seed, "sfn.execution-names", 0);
	if (hooks)
		s->hooks = *hooks;
	copy_root_str(root, "region", s->region, sizeof(s->region), "us-east-1");
	copy_root_str(root, "account", s->account, sizeof(s->account), "123456789012");

	machines = cJSON_GetObjectItemCaseSensitive(root, "state_machines");
	execs = cJSON_GetObjectItemCaseSensitive(root, "executions");
	if (machines && !cJSON_IsArray(machines)) {
		rc = cutover_errf(err, CUTOVER_EVALIDATE, "state_machines: expected an array of state machines");
		goto out;
	}
	if (execs && !cJSON_IsArray(execs)) {
		rc = cutover_errf(err, CUTOVER_EVALIDATE, "executions: expected an array of executions");
		goto out;
	}
	if (machines && cJSON_GetArraySize(machines) > 0) {
		s->machines = calloc((size_t)cJSON_GetArraySize(machines), sizeof(*s->machines));
		if (!s->machines) {
			rc = CUTOVER_ENOMEM;
			goto out;
		}
		cJSON_ArrayForEach(c, machines) {
			if ((rc = parse_machine(s, c, i++, err)) != CUTOVER_OK)
				goto out;
		}
	}
	i = 0;
	cJSON_ArrayForEach(c, execs) {
		if ((rc = parse_execution(s, c, i++, err)) != CUTOVER_OK)
			goto out;
	}
out:
	if (rc == CUTOVER_ENOMEM)
		cutover_errf(err, rc, "Step Functions model: out of memory while reading the scenario");
	if (rc != CUTOVER_OK) {
		sim_sfn_destroy(s);
		return rc;
	}
	*out = s;
	return CUTOVER_OK;
}
