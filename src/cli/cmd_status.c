/* cmd_status.c: `cutover status RUNBOOK [--json] [--watch]`, the headless
 * front end on the engine: one poll of every source (engine_poll_once,
 * all sources at once through engine_poll_sources; no poller threads),
 * printed for people or as JSON for
 * scripts; --watch polls again as sources fall due until Ctrl-C.
 *
 * Exit: 0 all OK, 1 a warning (a gauge in WARN, a phase possibly stuck),
 * 2 critical or triggered (a gauge CRITICAL/TRIGGERED, a phase failed or
 * aborted), 3 a source unreachable (its last poll failed); the worst wins.
 * 4 when status could not run at all (bad arguments, an invalid runbook,
 * no region): 2 already means "critical" here. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cutover/cli.h"
#include "cutover/diag.h"
#include "cutover/engine.h"
#include "cutover/runbook.h"
#include "cutover/termsafe.h"
#include "cli/cmd_status_json.h"
#include "cli/commands.h"

enum {
	STATUS_OK = 0,
	STATUS_WARNING = 1,
	STATUS_CRITICAL = 2,
	STATUS_UNREACHABLE = 3,
	STATUS_CANNOT_RUN = 4,
};

static const char *const summaries[] = {"ok", "warning", "critical", "unreachable"};

struct status_args {
	const char *path;
	const char *profile;
	const char *region;
	bool json, watch;
};

static int usage(const char *fmt, ...) CUTOVER_PRINTF(1, 2);

static int usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cutover status: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	cli_usage("status");
	return STATUS_CANNOT_RUN;
}

static void print_help(void)
{
	printf("usage: cutover status RUNBOOK [--json] [--watch] [--profile P] [--region R]\n\n"
	       "Poll every source of the runbook once (Step Functions executions, SSM flags,\n"
	       "CloudWatch metrics and alarms, HTTP health checks, the caller identity) and\n"
	       "print phases, gauges and flags.\n"
	       "  --json        one JSON document for scripts (with --watch: one per line)\n"
	       "  --watch       poll again as each source falls due, until Ctrl-C\n"
	       "  --profile P   AWS profile (environment keys are then ignored)\n"
	       "  --region R    AWS region (default: the runbook's, then AWS_REGION)\n"
	       "CUTOVER_HTTP_BASE=URL sends checks under the runbook's http_base there.\n"
	       "Exit 0 all OK, 1 a warning, 2 critical or triggered, 3 a source unreachable,\n"
	       "4 could not run (bad arguments, invalid runbook, no region).\n");
}

static int parse_args(int argc, char **argv, struct status_args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (strcmp(s, "--json") == 0) {
			a->json = true;
		} else if (strcmp(s, "--watch") == 0) {
			a->watch = true;
		} else if (strcmp(s, "--profile") == 0 || strcmp(s, "--region") == 0) {
			if (i + 1 >= argc || !argv[i + 1][0])
				return usage("%s needs a value", s);
			if (s[2] == 'p')
				a->profile = argv[++i];
			else
				a->region = argv[++i];
		} else if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
			print_help();
			return -1;
		} else if (s[0] == '-' && s[1] != '\0') {
			return usage("unknown option %s", s);
		} else if (a->path) {
			return usage("one runbook at a time (%s is one too many)", s);
		} else {
			a->path = s;
		}
	}
	if (!a->path)
		return usage("%s",
		             "which runbook? Give its path (try `cutover demo` for an example).");
	return 0;
}

static int verdict(const struct engine_snapshot *s)
{
	int worst = STATUS_OK;

	for (size_t i = 0; i < RUNBOOK_SRC_COUNT; i++)
		if (s->sources[i].used && s->sources[i].failures > 0)
			return STATUS_UNREACHABLE;
	for (size_t i = 0; i < s->ngauges; i++) {
		if (s->gauges[i].state == GAUGE_CRITICAL || s->gauges[i].state == GAUGE_TRIGGERED)
			worst = STATUS_CRITICAL;
		else if (s->gauges[i].state == GAUGE_WARN && worst < STATUS_WARNING)
			worst = STATUS_WARNING;
	}
	for (size_t i = 0; i < s->nphases; i++) {
		if (s->phases[i].status == PHASE_FAILED || s->phases[i].status == PHASE_ABORTED)
			worst = STATUS_CRITICAL;
		else if (s->phases[i].stuck && worst < STATUS_WARNING)
			worst = STATUS_WARNING;
	}
	for (size_t i = 0; i < RUNBOOK_SRC_COUNT; i++)
		if (s->sources[i].used && s->sources[i].stale && worst < STATUS_WARNING)
			worst = STATUS_WARNING;
	return worst;
}

static void fmt_value(const struct engine_gauge_view *g, char *buf, size_t n)
{
	const char *unit = g->def->unit ? g->def->unit : "";

	if (isnan(g->value))
		snprintf(buf, n, "–");
	else if (g->def->kind == RUNBOOK_GAUGE_ALARM)
		snprintf(buf, n, "%s", g->value >= 1 ? "ALARM" : "OK");
	else
		snprintf(buf, n, "%.4g%s%s", g->value, unit[0] && strcmp(unit, "%") ? " " : "",
		         unit);
}

/* Column width for titles: the longest, within reason. */
static int title_width(const struct engine_snapshot *s)
{
	size_t w = 8;

	for (size_t i = 0; i < s->nphases; i++)
		if (strlen(s->phases[i].def->title) > w)
			w = strlen(s->phases[i].def->title);
	for (size_t i = 0; i < s->ngauges; i++)
		if (strlen(s->gauges[i].def->title) > w)
			w = strlen(s->gauges[i].def->title);
	for (size_t i = 0; i < s->nflags; i++)
		if (strlen(s->flags[i].def->id) > w)
			w = strlen(s->flags[i].def->id);
	return w > 40 ? 40 : (int)w;
}

static void print_human(const struct engine_snapshot *s, int code)
{
	char a[32], b[32], fresh[160];
	double now = s->taken;
	int w = title_width(s);

	printf("%s", s->header.name);
	printf(" \xc2\xb7 %s%s \xc2\xb7 %s",
	       s->header.environment[0] ? s->header.environment : "(no environment)",
	       s->header.production ? " (PRODUCTION)" : "", s->header.region);
	if (s->header.caller_arn) {
		printf(" \xc2\xb7 ");
		termsafe_put_escaped(stdout, s->header.caller_arn);
	}
	if (s->header.credential_expiry > 0)
		printf(" \xc2\xb7 credentials expire in %s",
		       engine_duration_format(s->header.credential_expiry - now, a, sizeof(a)));
	printf("\n");

	if (s->nphases)
		printf("\nPHASES\n");
	for (size_t i = 0; i < s->nphases; i++) {
		const struct engine_phase_view *p = &s->phases[i];

		printf("  %s %-*s %-9s ", phase_status_glyph(p->status), w, p->def->title,
		       phase_status_name(p->status));
		if (p->started > 0)
			printf("%s/%s", engine_duration_format(p->elapsed_s, a, sizeof(a)),
			       engine_duration_format(p->estimate_s, b, sizeof(b)));
		else
			printf("–/%s", engine_duration_format(p->estimate_s, b, sizeof(b)));
		if (p->current_state &&
		    (p->status == PHASE_RUNNING || p->status == PHASE_WAITING)) {
			printf("  in ");
			termsafe_put_escaped(stdout, p->current_state);
			printf(" for %s",
			       engine_duration_format(now - p->state_since, a, sizeof(a)));
		}
		if (p->status == PHASE_WAITING)
			printf("  approval pending");
		if (p->stuck)
			printf("  possibly stuck (far past its estimate)");
		if (p->error || p->cause) {
			printf("  ");
			termsafe_put_escaped(stdout, p->error ? p->error : "");
			if (p->cause) {
				printf(": ");
				termsafe_put_escaped(stdout, p->cause);
			}
		}
		printf("\n");
	}

	if (s->ngauges)
		printf("\nGAUGES\n");
	for (size_t i = 0; i < s->ngauges; i++) {
		const struct engine_gauge_view *g = &s->gauges[i];
		char v[64];

		fmt_value(g, v, sizeof(v));
		printf("  %-*s %-9s %12s", w + 2, g->def->title, gauge_state_name(g->state), v);
		if (g->since > 0)
			printf("  for %s", engine_duration_format(now - g->since, a, sizeof(a)));
		if (g->state == GAUGE_TRIGGERED && g->plan_id)
			printf("  rollback recommended: plan %s", g->plan_id);
		if (g->detail && g->detail[0]) {
			printf("  (");
			termsafe_put_escaped(stdout, g->detail);
			printf(")");
		}
		printf("\n");
	}

	if (s->nflags)
		printf("\nFLAGS\n");
	for (size_t i = 0; i < s->nflags; i++) {
		const struct engine_flag_view *f = &s->flags[i];

		printf("  %-*s ", w + 2, f->def->id);
		if (s->sources[RUNBOOK_SRC_FLAGS].last_ok <= 0) {
			printf("?  (not read yet: see SOURCES)\n");
			continue;
		}
		if (!f->present) {
			printf("(parameter %s does not exist)\n", f->def->ssm);
			continue;
		}
		termsafe_put_escaped(stdout, f->value);
		printf("  v%lld", f->version);
		if (f->last_modified_user) {
			printf("  ");
			termsafe_put_escaped(stdout, f->last_modified_user);
		}
		printf("\n");
	}

	printf("\nSOURCES\n");
	for (size_t i = 0; i < RUNBOOK_SRC_COUNT; i++) {
		const struct engine_source_view *v = &s->sources[i];

		if (!v->used)
			continue;
		printf("  %-11s %s", runbook_source_name((enum runbook_source)i),
		       engine_freshness_format(v, now, fresh, sizeof(fresh)));
		if (v->failures && v->error_msg[0]) {
			printf("\n              ");
			termsafe_put_escaped(stdout, v->error_msg);
		}
		printf("\n");
	}
	printf("\nstatus: %s\n", summaries[code]);
}

/* Why every source failed, when they all failed the same way: no
 * credentials is the common first-run problem and has a short fix. */
static void hint(const struct engine_snapshot *s)
{
	bool any = false, all_auth = true;

	for (size_t i = 0; i < RUNBOOK_SRC_COUNT; i++) {
		const struct engine_source_view *v = &s->sources[i];

		if (!v->used || !v->failures)
			continue;
		any = true;
		if (strcmp(v->error_code, "credentials") != 0 &&
		    !strstr(v->error_msg, "credentials"))
			all_auth = false;
	}
	if (any && all_auth)
		fprintf(
		    stderr,
		    "cutover status: no usable AWS credentials.  Set AWS_ACCESS_KEY_ID and "
		    "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (or --profile) naming a profile in "
		    "~/.aws/credentials or ~/.aws/config (docs/aws-credentials.md); or rehearse "
		    "without AWS: `cutover demo`.\n");
	else if (any)
		fprintf(stderr,
		        "cutover status: some sources could not be polled; their errors are "
		        "listed above (SOURCES).\n");
}

/* Poll the sources that are due (all of them the first time), in parallel:
 * a round costs the slowest source, not the sum. */
static void poll_due(struct engine *e, const struct engine_snapshot *last, double now, bool first)
{
	struct cutover_err err;
	enum cutover_status st;
	unsigned mask = 0;

	for (int i = 0; i < RUNBOOK_SRC_COUNT; i++) {
		const struct engine_source_view *v = &last->sources[i];

		if (first ||
		    v->last_attempt + engine_next_delay(v->interval_s, v->failures, 0.5) <= now)
			mask |= 1u << i;
	}
	st = engine_poll_sources(e, mask, &err);
	(void)st; /* each source's outcome is in the snapshot's sources */
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int report(const struct engine_snapshot *s, const struct status_args *a)
{
	int code = verdict(s);

	if (a->json) {
		char *text = status_json_render(s, code, summaries[code], !a->watch);

		if (!text) {
			fprintf(stderr, "cutover status: out of memory writing JSON\n");
			return STATUS_CANNOT_RUN;
		}
		printf("%s\n", text);
		free(text);
	} else {
		print_human(s, code);
	}
	fflush(stdout);
	if (!a->json || !a->watch)
		hint(s);
	return code;
}

int cmd_status(int argc, char **argv)
{
	struct status_args a;
	struct diag_list diags = DIAG_LIST_INIT;
	struct cutover_err err = {CUTOVER_OK, ""};
	struct engine_options opt = {0};
	struct engine_snapshot snap = {0};
	struct runbook *rb = NULL;
	struct engine *e = NULL;
	sigset_t sigs, old;
	int rc = parse_args(argc, argv, &a);
	bool first = true;

	if (rc != 0)
		return rc < 0 ? CLI_EXIT_OK : rc;
	if (runbook_load_file(a.path, &rb, &diags, &err) != CUTOVER_OK) {
		diag_list_print(&diags, a.path, stderr);
		fprintf(stderr, "cutover status: %s\n",
		        err.msg[0] ? err.msg
		                   : "the runbook is not valid; "
		                     "`cutover check` lists every problem");
		rc = STATUS_CANNOT_RUN;
		goto out;
	}
	opt.profile = a.profile;
	opt.region = a.region;
	opt.read_only = true;
	/* Rehearsals point health checks at the sim (docs/examples/README.md). */
	if (engine_create(rb, &opt, &e, &err) != CUTOVER_OK) {
		fprintf(stderr, "cutover status: %s\n", err.msg);
		rc = STATUS_CANNOT_RUN;
		goto out;
	}
	/* --watch ends on Ctrl-C / SIGTERM, taken synchronously by sigtimedwait. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	if (a.watch)
		pthread_sigmask(SIG_BLOCK, &sigs, &old);
	for (;;) {
		double next = INFINITY, now;
		struct timespec ts;

		poll_due(e, &snap, wall_now(), first);
		first = false;
		engine_snapshot_free(&snap);
		if (engine_snapshot_take(e, &snap) != CUTOVER_OK) {
			fprintf(stderr, "cutover status: out of memory\n");
			rc = STATUS_CANNOT_RUN;
			break;
		}
		rc = report(&snap, &a);
		if (!a.watch || rc == STATUS_CANNOT_RUN)
			break;
		now = wall_now();
		for (int i = 0; i < RUNBOOK_SRC_COUNT; i++) {
			const struct engine_source_view *v = &snap.sources[i];
			double due;

			if (!v->used)
				continue;
			due = v->last_attempt + engine_next_delay(v->interval_s, v->failures, 0.5);
			if (due < next)
				next = due;
		}
		if (!isfinite(next))
			next = now + 5;
		if (next < now + 0.2)
			next = now + 0.2;
		ts.tv_sec = (time_t)(next - now);
		ts.tv_nsec = (long)((next - now - (double)ts.tv_sec) * 1e9);
		if (sigtimedwait(&sigs, NULL, &ts) >= 0)
			break;
		if (errno != EAGAIN && errno != EINTR)
			break;
		if (!a.json)
			printf("\n");
	}
	if (a.watch)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
out:
	engine_snapshot_free(&snap);
	engine_destroy(e);
	runbook_destroy(rb);
	diag_list_free(&diags);
	return rc;
}
