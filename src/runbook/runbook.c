/* runbook.c: loading a runbook file and owning the loaded tree.
 *
 * Reading, size limits and the syntax pass (jsonpos) happen here; the
 * mapping onto struct runbook and its checks are in runbook_json.c, the one
 * file of this module that sees cJSON.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cutover/jsonpos.h"
#include "cutover/runbook.h"
#include "runbook/runbook_json.h"

static const char *const source_names[] = {
#define RUNBOOK_SOURCE_NAME(id, key, def) key,
	RUNBOOK_SOURCE_LIST(RUNBOOK_SOURCE_NAME)
#undef RUNBOOK_SOURCE_NAME
};

static const double source_defaults[] = {
#define RUNBOOK_SOURCE_DEF(id, key, def) def,
	RUNBOOK_SOURCE_LIST(RUNBOOK_SOURCE_DEF)
#undef RUNBOOK_SOURCE_DEF
};

static const char *const flag_type_names[] = {
#define RUNBOOK_FLAG_TYPE_NAME(id, name) name,
	RUNBOOK_FLAG_TYPE_LIST(RUNBOOK_FLAG_TYPE_NAME)
#undef RUNBOOK_FLAG_TYPE_NAME
};

static const char *const gauge_kind_names[] = {
#define RUNBOOK_GAUGE_KIND_NAME(id, name) name,
	RUNBOOK_GAUGE_KIND_LIST(RUNBOOK_GAUGE_KIND_NAME)
#undef RUNBOOK_GAUGE_KIND_NAME
};

static const char *const step_kind_names[] = {
#define RUNBOOK_STEP_KIND_NAME(id, name) name,
	RUNBOOK_STEP_KIND_LIST(RUNBOOK_STEP_KIND_NAME)
#undef RUNBOOK_STEP_KIND_NAME
};

const char *runbook_source_name(enum runbook_source src)
{
	return (unsigned)src < RUNBOOK_SRC_COUNT ? source_names[src] : "?";
}

double runbook_source_default_s(enum runbook_source src)
{
	return (unsigned)src < RUNBOOK_SRC_COUNT ? source_defaults[src] : 60;
}

const char *runbook_flag_type_name(enum runbook_flag_type t)
{
	return (unsigned)t < RUNBOOK_FLAG_TYPE_COUNT ? flag_type_names[t] : "?";
}

const char *runbook_gauge_kind_name(enum runbook_gauge_kind k)
{
	return (unsigned)k < RUNBOOK_GAUGE_KIND_COUNT ? gauge_kind_names[k] : "?";
}

const char *runbook_step_kind_name(enum runbook_step_kind k)
{
	return (unsigned)k < RUNBOOK_STEP_KIND_COUNT ? step_kind_names[k] : "?";
}

const char *runbook_direction_name(enum runbook_direction d)
{
	return d == RUNBOOK_BELOW ? "below" : "above";
}

#define FIND(arr, n, id)                                          \
	do {                                                      \
		for (size_t i_ = 0; id && i_ < (n); i_++)         \
			if ((arr)[i_].id && strcmp((arr)[i_].id, id) == 0) \
				return &(arr)[i_];                \
		return NULL;                                      \
	} while (0)

const struct runbook_execution *runbook_execution_find(const struct runbook *rb, const char *id)
{
	FIND(rb->executions, rb->nexecutions, id);
}

const struct runbook_phase *runbook_phase_find(const struct runbook *rb, const char *id)
{
	FIND(rb->phases, rb->nphases, id);
}

const struct runbook_flag *runbook_flag_find(const struct runbook *rb, const char *id)
{
	FIND(rb->flags, rb->nflags, id);
}

const struct runbook_gauge *runbook_gauge_find(const struct runbook *rb, const char *id)
{
	FIND(rb->gauges, rb->ngauges, id);
}

const struct runbook_plan *runbook_plan_find(const struct runbook *rb, const char *id)
{
	FIND(rb->plans, rb->nplans, id);
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static void free_metric(struct runbook_metric *m)
{
	free(m->id);
	free(m->namespace_name);
	free(m->name);
	free(m->stat);
	for (size_t i = 0; i < m->ndimensions; i++) {
		free(m->dimensions[i].name);
		free(m->dimensions[i].value);
	}
	free(m->dimensions);
}

static void free_step(struct runbook_step *st)
{
	free(st->title);
	free(st->flag.value);
	free(st->sfn_start.state_machine_arn);
	free(st->sfn_start.input);
	free(st->sfn_stop.execution_arn);
	free(st->sfn_stop.error);
	free(st->sfn_stop.cause);
	free_strv(st->exec.argv, st->exec.argc);
	free(st->http.url);
	free(st->manual.text);
}

void runbook_destroy(struct runbook *rb)
{
	if (!rb)
		return;
	free(rb->name);
	free(rb->environment);
	free(rb->region);
	free(rb->audit);
	free(rb->http_base);
	free(rb->http_base_override);
	for (size_t i = 0; i < rb->nexecutions; i++) {
		free(rb->executions[i].id);
		free(rb->executions[i].title);
		free(rb->executions[i].state_machine_arn);
		free(rb->executions[i].execution_arn);
	}
	free(rb->executions);
	for (size_t i = 0; i < rb->nphases; i++) {
		free(rb->phases[i].id);
		free(rb->phases[i].title);
		free_strv(rb->phases[i].states, rb->phases[i].nstates);
	}
	free(rb->phases);
	for (size_t i = 0; i < rb->nflags; i++) {
		free(rb->flags[i].id);
		free(rb->flags[i].ssm);
		free(rb->flags[i].description);
		free_strv(rb->flags[i].values, rb->flags[i].nvalues);
	}
	free(rb->flags);
	for (size_t i = 0; i < rb->ngauges; i++) {
		struct runbook_gauge *g = &rb->gauges[i];

		free(g->id);
		free(g->title);
		free_metric(&g->metric);
		free(g->expression);
		for (size_t k = 0; k < g->nmetrics; k++)
			free_metric(&g->metrics[k]);
		free(g->metrics);
		free(g->alarm);
		free(g->url);
		free(g->unit);
	}
	free(rb->gauges);
	for (size_t i = 0; i < rb->nplans; i++) {
		struct runbook_plan *p = &rb->plans[i];

		free(p->id);
		free(p->title);
		for (size_t k = 0; k < p->nsteps; k++)
			free_step(&p->steps[k]);
		free(p->steps);
		free(p->sequence);
		free_strv(p->verify, p->nverify);
	}
	free(rb->plans);
	free(rb);
}

static bool only_whitespace(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

/* The runbook's fingerprint for the audit log (OpenSSL's EVP, as the audit
 * chain uses). */
static bool sha256_hex(const char *bytes, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_Digest(bytes, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
		return false;
	for (unsigned int i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return true;
}

enum cutover_status runbook_load_buffer(const char *path, const char *bytes, size_t len,
					struct runbook **out, struct diag_list *diags)
{
	/* Depth and string caps: a runbook nests about 6 deep and its longest
	 * string is a sentence; anything far beyond is a mistake or an attack. */
	const struct jsonpos_opts opts = { true, RUNBOOK_MAX_DEPTH, 64u * 1024u, 200000 };
	struct jsonpos ix = JSONPOS_INIT;
	struct runbook *rb = NULL;
	enum cutover_status st;
	size_t before = diags->nerrors;

	(void)path;
	*out = NULL;
	if (len > RUNBOOK_MAX_FILE_BYTES) {
		diag_add(diags, 0, 0, DIAG_ERROR, "file is %zu bytes; the limit is %u bytes (a runbook is "
			 "a few kilobytes: is this the right file?)", len, RUNBOOK_MAX_FILE_BYTES);
		st = CUTOVER_EPARSE;
		goto out;
	}
	if (only_whitespace(bytes, len)) {
		diag_add(diags, 1, 1, DIAG_ERROR, "empty file; a runbook is a JSON object "
			 "({ \"name\": ..., \"environment\": ..., \"region\": ... }, see docs/runbook.md)");
		st = CUTOVER_EPARSE;
		goto out;
	}
	st = jsonpos_build(&ix, bytes, len, &opts, diags);
	if (st != CUTOVER_OK)
		goto out;
	rb = calloc(1, sizeof(*rb));
	if (!rb) {
		st = CUTOVER_ENOMEM;
		goto out;
	}
	st = runbook_json_map(&ix, getenv(RUNBOOK_HTTP_BASE_ENV), rb, diags);
	if (st != CUTOVER_OK)
		goto out;
	if (diags->nerrors > before) {
		st = CUTOVER_EVALIDATE;
		goto out;
	}
	if (!sha256_hex(bytes, len, rb->sha256)) {
		st = CUTOVER_ENOMEM;
		goto out;
	}
	*out = rb;
	rb = NULL;
out:
	diag_list_sort(diags);
	runbook_destroy(rb);
	jsonpos_free(&ix);
	if (diags->oom)
		st = CUTOVER_ENOMEM;
	return st;
}

enum cutover_status runbook_load_file(const char *path, struct runbook **out,
				      struct diag_list *diags, struct cutover_err *err)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	enum cutover_status st;

	*out = NULL;
	/* The runbook itself, read whole: it is small and parsed in memory. */
	f = fopen(path, "rb");
	if (!f)
		return cutover_errf(err, errno == ENOENT ? CUTOVER_ENOENT : CUTOVER_EIO,
				    "cannot open runbook %s: %s", path, strerror(errno));
	for (;;) {
		size_t got;

		if (len == cap) {
			/* One byte past the limit is enough to know it is too big. */
			size_t ncap = cap ? cap * 2 : 64 * 1024;
			char *nb;

			if (ncap > (size_t)RUNBOOK_MAX_FILE_BYTES + 1)
				ncap = (size_t)RUNBOOK_MAX_FILE_BYTES + 1;
			if (ncap == cap)
				break;
			nb = realloc(buf, ncap);
			if (!nb) {
				st = cutover_errf(err, CUTOVER_ENOMEM, "reading runbook %s: out of memory", path);
				goto out;
			}
			buf = nb;
			cap = ncap;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0) {
			if (ferror(f)) {
				st = cutover_errf(err, CUTOVER_EIO, "cannot read runbook %s: %s", path,
						  strerror(errno));
				goto out;
			}
			break;
		}
	}
	if (len > RUNBOOK_MAX_FILE_BYTES) {
		diag_add(diags, 0, 0, DIAG_ERROR, "file is larger than %u bytes (16 MiB); a runbook is a "
			 "few kilobytes: is this the right file?", RUNBOOK_MAX_FILE_BYTES);
		st = cutover_errf(err, CUTOVER_EPARSE, "%s is not a runbook: too large", path);
		goto out;
	}
	st = runbook_load_buffer(path, buf ? buf : "", len, out, diags);
	if (st == CUTOVER_EPARSE || st == CUTOVER_EVALIDATE)
		cutover_errf(err, st, "%s is not a valid runbook: %zu error%s", path, diags->nerrors,
			     diags->nerrors == 1 ? "" : "s");
	else if (st == CUTOVER_ENOMEM)
		cutover_errf(err, st, "loading runbook %s: out of memory", path);
out:
	free(buf);
	fclose(f);
	return st;
}
