/* cmd_rollback.c: `cutover rollback`, the headless twin of the console's
 * rollback panel.  It shows the plan, asks for the confirmation (the
 * environment's name in production), runs the same runner thread the panel
 * drives and prints each step's progress.  Questions (manual steps, failed
 * steps, checklist items, steps whose outcome a crash left unknown) are
 * asked on the terminal, or answered from --assume-done / --rerun /
 * --on-failure; with no terminal and no answer the run is left resumable
 * and the message says what to pass. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli_actions.h"
#include "cli/commands.h"
#include "cutover/audit.h"
#include "cutover/rollback.h"
#include "cutover/rollback_store.h"
#include "cutover/termsafe.h"

/* Exit codes (docs/rollback.md). */
enum {
	RB_OK = 0,         /* completed, every checklist item confirmed, nothing skipped */
	RB_FAILED = 1,     /* aborted, or could not run */
	RB_USAGE = 2,      /* bad arguments, unknown plan, invalid runbook */
	RB_REFUSED = 3,    /* not confirmed, lock held, or a question nobody could answer */
	RB_UNFINISHED = 4, /* an unfinished run exists: --resume or --abandon */
	RB_VERIFY = 5,     /* completed with skipped steps or failed checklist items */
	RB_INTERRUPTED = 130,
};

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

struct args {
	const char *runbook, *plan;
	const char *confirm, *audit, *operator_name, *profile, *region, *reason;
	const char *assume_done, *rerun, *on_failure;
	const char *sim_clock, *arm, *disarm, *cancel_auto;
	bool yes, resume, abandon, status, list_only, help;
	long timeout_ms;
};

static void help(void)
{
	printf(
	    "usage: cutover rollback RUNBOOK PLAN [--yes] [--confirm ENV] [--resume | --abandon]\n"
	    "                        [--assume-done STEP,...] [--rerun STEP,...]\n"
	    "                        [--on-failure abort|skip|retry] [--reason TEXT]\n"
	    "                        [--audit FILE] [--operator NAME] [--profile P] [--region R]\n"
	    "                        [--timeout SECONDS] [--sim-clock EPOCH,SPEED] [--list]\n"
	    "       cutover rollback RUNBOOK --status [--audit FILE]\n"
	    "       cutover rollback RUNBOOK --arm GAUGE | --disarm GAUGE [--operator NAME] "
	    "[--audit FILE]\n"
	    "       cutover rollback RUNBOOK --cancel-auto GAUGE [--reason TEXT] [--operator NAME] "
	    "[--audit FILE]\n\n"
	    "Run a rollback plan of the runbook step by step, as the console's rollback panel\n"
	    "does, printing each step's progress; then ask for each verification checklist\n"
	    "item.  A failed step stops the run: retry, skip (with a reason) or abort.\n"
	    "One rollback at a time per runbook; an interrupted run resumes with --resume.\n\n"
	    "  --yes              confirm the plan (not production)\n"
	    "  --confirm ENV      confirm in production: the environment's name\n"
	    "  --resume           continue this plan's unfinished run where it stopped\n"
	    "  --abandon          mark this plan's unfinished run aborted and start anew\n"
	    "  --assume-done LIST steps done outside this command (manual steps, or steps a\n"
	    "                     crash left unknown): N (the number shown), PLAN:N (Nth step\n"
	    "                     of PLAN), PLAN:verify or verify (checklist items confirmed)\n"
	    "  --rerun LIST       steps a crash left unknown to run again (same names)\n"
	    "  --on-failure WHAT  with no terminal: abort (default), skip, or retry (3 times)\n"
	    "  --list             show the plan and exit\n"
	    "  --status           who runs a rollback of this runbook, and where it is, and\n"
	    "                     which auto-rollback triggers are armed\n"
	    "  --arm G/--disarm G arm or disarm gauge G's auto-rollback trigger (audited;\n"
	    "                     arming in production takes --confirm ENV)\n"
	    "  --cancel-auto G    cancel the auto-rollback countdown of gauge G that a console\n"
	    "                     on this audit file runs (audited, with --reason)\n"
	    "  --sim-clock E,S    rehearsal against `cutover sim --speed S` whose scenario\n"
	    "                     clock started at epoch E (its start_epoch, at wall time E)\n"
	    "Exit: 0 completed, 1 aborted or failed, 2 usage, 3 not confirmed / lock held /\n"
	    "unanswered question (run left resumable), 4 unfinished run exists, 5 completed\n"
	    "with skipped steps or failed checklist items, 130 interrupted (resumable).\n");
}

static int parse(int argc, char **argv, struct args *a)
{
	int pos = 0;

	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		const char **val = NULL;

		if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
			a->help = true;
			return 0;
		} else if (strcmp(s, "--yes") == 0 || strcmp(s, "-y") == 0) {
			a->yes = true;
		} else if (strcmp(s, "--resume") == 0) {
			a->resume = true;
		} else if (strcmp(s, "--abandon") == 0) {
			a->abandon = true;
		} else if (strcmp(s, "--status") == 0) {
			a->status = true;
		} else if (strcmp(s, "--list") == 0) {
			a->list_only = true;
		} else if (strcmp(s, "--confirm") == 0) {
			val = &a->confirm;
		} else if (strcmp(s, "--audit") == 0 || strcmp(s, "--db") == 0) {
			val = &a->audit;
		} else if (strcmp(s, "--operator") == 0) {
			val = &a->operator_name;
		} else if (strcmp(s, "--profile") == 0) {
			val = &a->profile;
		} else if (strcmp(s, "--region") == 0) {
			val = &a->region;
		} else if (strcmp(s, "--reason") == 0) {
			val = &a->reason;
		} else if (strcmp(s, "--assume-done") == 0) {
			val = &a->assume_done;
		} else if (strcmp(s, "--rerun") == 0) {
			val = &a->rerun;
		} else if (strcmp(s, "--on-failure") == 0) {
			val = &a->on_failure;
		} else if (strcmp(s, "--sim-clock") == 0) {
			val = &a->sim_clock;
		} else if (strcmp(s, "--arm") == 0) {
			val = &a->arm;
		} else if (strcmp(s, "--disarm") == 0) {
			val = &a->disarm;
		} else if (strcmp(s, "--cancel-auto") == 0) {
			val = &a->cancel_auto;
		} else if (strcmp(s, "--timeout") == 0) {
			char *end;
			double t;

			if (++i >= argc) {
				fprintf(stderr, "cutover rollback: --timeout needs SECONDS\n");
				return -1;
			}
			errno = 0;
			t = strtod(argv[i], &end);
			if (errno || *end || !(t > 0 && t <= 3600)) {
				fprintf(stderr,
				        "cutover rollback: --timeout takes 1 to 3600 seconds, not "
				        "'%s'\n",
				        argv[i]);
				return -1;
			}
			a->timeout_ms = (long)(t * 1000);
		} else if (s[0] == '-' && s[1]) {
			fprintf(stderr, "cutover rollback: unknown option '%s' (try --help)\n", s);
			return -1;
		} else if (pos == 0) {
			a->runbook = s;
			pos++;
		} else if (pos == 1) {
			a->plan = s;
			pos++;
		} else {
			fprintf(stderr, "cutover rollback: unexpected argument '%s' (try --help)\n",
			        s);
			return -1;
		}
		if (val) {
			if (++i >= argc) {
				fprintf(stderr, "cutover rollback: %s needs a value (try --help)\n",
				        s);
				return -1;
			}
			*val = argv[i];
		}
	}
	if (!a->runbook || (!a->plan && !a->status && !a->arm && !a->disarm && !a->cancel_auto)) {
		fprintf(stderr, "cutover rollback: give RUNBOOK and PLAN (try --help)\n");
		return -1;
	}
	if (a->resume && a->abandon) {
		fprintf(stderr, "cutover rollback: --resume and --abandon exclude each other\n");
		return -1;
	}
	if (a->on_failure && strcmp(a->on_failure, "abort") && strcmp(a->on_failure, "skip") &&
	    strcmp(a->on_failure, "retry")) {
		fprintf(stderr,
		        "cutover rollback: --on-failure takes abort, skip or retry, not '%s'\n",
		        a->on_failure);
		return -1;
	}
	return 0;
}

/* --- the clock of a rehearsal ---------------------------------------------- */

struct sim_clock {
	double epoch, speed;
};

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double sim_now(void *ctx)
{
	const struct sim_clock *c = ctx;

	return c->epoch + (wall() - c->epoch) * c->speed;
}

static int parse_sim_clock(const char *s, struct sim_clock *c)
{
	char *end;

	errno = 0;
	c->epoch = strtod(s, &end);
	if (errno || *end != ',' || !(c->epoch > 0))
		return -1;
	c->speed = strtod(end + 1, &end);
	if (errno || *end || !(c->speed > 0 && c->speed <= 10000))
		return -1;
	return 0;
}

/* --- step names: N, PLAN:N, PLAN:verify, verify ------------------------------ */

static bool named(const char *list, const struct rollback_item_view *v, size_t idx)
{
	const char *p = list;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char tok[300], want[300];

		snprintf(tok, sizeof(tok), "%.*s", (int)len, p);
		if (v->kind == ROLLBACK_CHECK) {
			snprintf(want, sizeof(want), "%s:verify", v->plan->id);
			if (strcmp(tok, "verify") == 0 || strcmp(tok, want) == 0)
				return true;
		} else {
			snprintf(want, sizeof(want), "%zu", idx + 1);
			if (strcmp(tok, want) == 0)
				return true;
			snprintf(want, sizeof(want), "%s:%zu", v->plan->id, v->plan_index);
			if (strcmp(tok, want) == 0)
				return true;
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* Every name in the list must name something, so a typo is not silently
 * ignored. */
static int check_names(const char *opt, const char *list, const struct runbook_plan *plan)
{
	size_t n = rollback_plan_flatten(plan, NULL, 0);
	struct rollback_preview_item *pv = calloc(n ? n : 1, sizeof(*pv));
	const char *p = list;
	int bad = 0;

	if (!pv)
		return -1;
	rollback_plan_flatten(plan, pv, n);
	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		bool ok = false;

		for (size_t i = 0; i < n && !ok; i++) {
			struct rollback_item_view v = {0};

			v.kind = pv[i].kind;
			v.plan = pv[i].plan;
			v.plan_index = pv[i].plan_index;
			{
				char one[300];

				snprintf(one, sizeof(one), "%.*s", (int)len, p);
				ok = named(one, &v, i);
			}
		}
		if (!ok) {
			fprintf(stderr,
			        "cutover rollback: %s '%.*s' names no step of plan %s "
			        "(use N as listed, PLAN:N, PLAN:verify or verify)\n",
			        opt, (int)len, p, plan->id);
			bad = -1;
		}
		p = end ? end + 1 : NULL;
	}
	free(pv);
	return bad;
}

/* --- printing ----------------------------------------------------------------- */

static void duration(double s, char *buf, size_t n)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, n, "%.1fs", s);
	else if (s < 3600)
		snprintf(buf, n, "%dm%02ds", (int)s / 60, (int)s % 60);
	else
		snprintf(buf, n, "%dh%02dm", (int)s / 3600, (int)s % 3600 / 60);
}

static void describe_step(const struct runbook_step *s, char *buf, size_t n)
{
	switch (s->kind) {
	case RUNBOOK_STEP_FLAG:
		snprintf(buf, n, "flag %s = %s", s->flag.flag->id, s->flag.value);
		break;
	case RUNBOOK_STEP_SFN_START:
		snprintf(buf, n, "start %s%s", strrchr(s->sfn_start.state_machine_arn, ':') + 1,
		         s->sfn_start.wait ? " and wait" : "");
		break;
	case RUNBOOK_STEP_SFN_STOP:
		snprintf(buf, n, "stop %s",
		         s->sfn_stop.execution       ? s->sfn_stop.execution->id
		         : s->sfn_stop.execution_arn ? s->sfn_stop.execution_arn
		                                     : "?");
		break;
	case RUNBOOK_STEP_EXEC: {
		size_t used = 0;

		used = (size_t)snprintf(buf, n, "exec");
		for (size_t k = 0; k < s->exec.argc && used < n; k++) {
			int w = snprintf(buf + used, n - used, " %s", s->exec.argv[k]);

			if (w < 0)
				break;
			used += (size_t)w;
		}
		break;
	}
	case RUNBOOK_STEP_HTTP:
		snprintf(buf, n, "http %s expect %d", s->http.url, s->http.expect_status);
		break;
	case RUNBOOK_STEP_GAUGE_OK:
		snprintf(buf, n, "gauge %s OK (within %us)", s->gauge_ok.gauge->id,
		         s->gauge_ok.timeout_s);
		break;
	case RUNBOOK_STEP_WAIT:
		snprintf(buf, n, "wait %us", s->wait.seconds);
		break;
	case RUNBOOK_STEP_MANUAL:
		snprintf(buf, n, "manual");
		break;
	default:
		snprintf(buf, n, "?");
	}
}

static void show_plan(const struct runbook *rb, const struct runbook_plan *plan)
{
	size_t n = rollback_plan_flatten(plan, NULL, 0), steps = 0, checks = 0;
	struct rollback_preview_item *pv = calloc(n ? n : 1, sizeof(*pv));
	const struct runbook_plan *last = NULL;

	if (!pv)
		return;
	rollback_plan_flatten(plan, pv, n);
	for (size_t i = 0; i < n; i++) {
		steps += pv[i].kind == ROLLBACK_STEP;
		checks += pv[i].kind == ROLLBACK_CHECK;
	}
	printf("Rollback plan %s: %s\n", plan->id, plan->title);
	printf("runbook %s, environment %s%s, %zu steps and %zu checklist items, estimate %u min\n",
	       rb->name, rb->environment, rb->production ? " (PRODUCTION)" : "", steps, checks,
	       plan->estimate_min);
	for (size_t i = 0; i < n; i++) {
		char what[512];

		if (pv[i].plan != last) {
			printf("  == %s: %s\n", pv[i].plan->id, pv[i].plan->title);
			last = pv[i].plan;
		}
		if (pv[i].kind == ROLLBACK_CHECK) {
			printf("  %3zu. [verify] ", i + 1);
			termsafe_put(stdout, pv[i].title);
			putchar('\n');
			continue;
		}
		describe_step(pv[i].step, what, sizeof(what));
		printf("  %3zu. ", i + 1);
		termsafe_put(stdout, pv[i].title);
		printf("  (%s %zu: ", pv[i].plan->id, pv[i].plan_index);
		termsafe_put(stdout, what);
		printf(")\n");
		if (pv[i].step->kind == RUNBOOK_STEP_MANUAL) {
			printf("        ");
			termsafe_put(stdout, pv[i].step->manual.text);
			putchar('\n');
		}
	}
	free(pv);
}

static void stamp(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	if (localtime_r(&t, &tm))
		strftime(buf, n, "%H:%M:%S", &tm);
	else
		snprintf(buf, n, "--:--:--");
}

struct seen_item {
	enum rollback_item_state state;
	unsigned attempts;
	char detail[512];
	double detail_at;
};

static void print_item(const struct rollback_snapshot *s, size_t i)
{
	const struct rollback_item_view *v = &s->items[i];
	char t[16], d[32];

	stamp(t, sizeof(t));
	duration(v->elapsed_s, d, sizeof(d));
	printf("[%s] %3zu/%zu %s ", t, i + 1, s->nitems, rollback_item_state_name(v->state));
	if (v->kind == ROLLBACK_CHECK)
		printf("[verify %s] ", v->plan->id);
	termsafe_put(stdout, v->title);
	if (v->state != ROLLBACK_ITEM_RUNNING && v->state != ROLLBACK_ITEM_WAITING &&
	    v->state != ROLLBACK_ITEM_PENDING && v->kind == ROLLBACK_STEP)
		printf(" (%s%s)", d, v->attempts > 1 ? ", retried" : "");
	if (v->note[0] && v->state != ROLLBACK_ITEM_RUNNING) {
		printf(": ");
		termsafe_put(stdout, v->note);
	}
	putchar('\n');
	if (v->state == ROLLBACK_ITEM_FAILED && v->output_tail[0]) {
		const char *p = v->output_tail;

		printf("      output (last lines):\n");
		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);

			printf("      | %.*s\n", (int)len, p);
			p = nl ? nl + 1 : p + len;
		}
	}
	fflush(stdout);
}

/* --- the terminal ---------------------------------------------------------------- */

/* Read one line from the terminal; false on EOF or a signal. */
static bool read_line(const char *q, char *buf, size_t n)
{
	size_t len;

	fputs(q, stdout);
	fflush(stdout);
	if (!fgets(buf, (int)n, stdin))
		return false;
	len = strlen(buf);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	return true;
}

static bool ask_text(const char *q, bool required, char *buf, size_t n)
{
	for (;;) {
		if (!read_line(q, buf, n))
			return false;
		if (buf[0] || !required)
			return true;
		printf("  (needed: say why)\n");
	}
}

/* Ask the operator on the terminal.  Returns false on EOF/signal. */
static bool ask_terminal(const struct rollback_snapshot *s, struct rollback_answer *a, char *text,
                         size_t tn)
{
	const struct rollback_prompt *p = &s->prompt;
	char line[64];

	text[0] = '\0';
	printf("\n>>> ");
	termsafe_put(stdout, p->text);
	printf("\n");
	for (;;) {
		switch (p->kind) {
		case ROLLBACK_PROMPT_MANUAL:
			if (!read_line("    [d]one / [f]ailed / [a]bort: ", line, sizeof(line)))
				return false;
			if (line[0] == 'd') {
				a->kind = ROLLBACK_ANSWER_DONE;
				return ask_text("    comment (optional): ", false, text, tn);
			}
			if (line[0] == 'f') {
				a->kind = ROLLBACK_ANSWER_FAILED;
				return ask_text("    what went wrong: ", false, text, tn);
			}
			break;
		case ROLLBACK_PROMPT_DECISION:
			if (!read_line("    [r]etry / [s]kip / [a]bort: ", line, sizeof(line)))
				return false;
			if (line[0] == 'r') {
				a->kind = ROLLBACK_ANSWER_RETRY;
				return true;
			}
			if (line[0] == 's') {
				a->kind = ROLLBACK_ANSWER_SKIP;
				return ask_text("    reason to skip it: ", true, text, tn);
			}
			break;
		case ROLLBACK_PROMPT_UNKNOWN:
			if (!read_line("    [d]one already / [r]un it again / [s]kip / [a]bort: ",
			               line, sizeof(line)))
				return false;
			if (line[0] == 'd') {
				a->kind = ROLLBACK_ANSWER_DONE;
				return ask_text("    how you checked (optional): ", false, text,
				                tn);
			}
			if (line[0] == 'r') {
				a->kind = ROLLBACK_ANSWER_RETRY;
				return true;
			}
			if (line[0] == 's') {
				a->kind = ROLLBACK_ANSWER_SKIP;
				return ask_text("    reason to skip it: ", true, text, tn);
			}
			break;
		case ROLLBACK_PROMPT_CHECK:
			if (!read_line("    [y]es, confirmed / [n]o, failed / [a]bort: ", line,
			               sizeof(line)))
				return false;
			if (line[0] == 'y') {
				a->kind = ROLLBACK_ANSWER_CONFIRM;
				return ask_text("    note (optional): ", false, text, tn);
			}
			if (line[0] == 'n') {
				a->kind = ROLLBACK_ANSWER_CHECK_FAILED;
				return ask_text("    what is wrong: ", true, text, tn);
			}
			break;
		default:
			return false;
		}
		if (line[0] == 'a') {
			a->kind = ROLLBACK_ANSWER_ABORT;
			return ask_text("    reason to abort: ", false, text, tn);
		}
		printf("    (answer with one of the letters in brackets)\n");
	}
}

/* The confirmation before anything happens. */
static int confirm_start(const struct runbook *rb, const struct args *a, bool tty,
                         const char **confirm)
{
	static char typed[256];

	*confirm = a->confirm;
	if (rb->production) {
		if (a->confirm) {
			if (strcmp(a->confirm, rb->environment) != 0) {
				fprintf(stderr,
				        "cutover rollback: refused: this is %s; --confirm '%s' "
				        "does not match. Nothing was done.\n",
				        rb->environment, a->confirm);
				return RB_REFUSED;
			}
			return -1;
		}
		if (!tty) {
			fprintf(stderr,
			        "cutover rollback: refused: this is %s; confirm with "
			        "--confirm %s (no terminal to type it). Nothing was done.\n",
			        rb->environment, rb->environment);
			return RB_REFUSED;
		}
		if (!read_line("\nThis is PRODUCTION. Type the environment's name to start: ",
		               typed, sizeof(typed)) ||
		    strcmp(typed, rb->environment) != 0) {
			fprintf(stderr,
			        "cutover rollback: not confirmed (the name typed does not "
			        "match '%s'). Nothing was done.\n",
			        rb->environment);
			return RB_REFUSED;
		}
		*confirm = typed;
		return -1;
	}
	if (a->yes || (a->confirm && strcmp(a->confirm, rb->environment) == 0))
		return -1;
	if (!tty) {
		fprintf(stderr, "cutover rollback: refused: confirm with --yes (no terminal to "
		                "ask). Nothing was done.\n");
		return RB_REFUSED;
	}
	if (!read_line("\nStart this rollback? [y/N] ", typed, sizeof(typed)) ||
	    (typed[0] != 'y' && typed[0] != 'Y')) {
		fprintf(stderr, "cutover rollback: not confirmed. Nothing was done.\n");
		return RB_REFUSED;
	}
	return -1;
}

static enum cutover_status audit_path_of(const struct args *a, const struct runbook *rb,
                                         const char *dir, char *path, size_t n,
                                         struct cutover_err *err)
{
	char rbaudit[4096];
	const char *rbp = NULL;

	if (rb->audit && rb->audit[0]) {
		if (rb->audit[0] == '/')
			snprintf(rbaudit, sizeof(rbaudit), "%s", rb->audit);
		else if (snprintf(rbaudit, sizeof(rbaudit), "%.2000s/%.2000s", dir, rb->audit) < 0)
			rbaudit[0] = '\0';
		rbp = rbaudit;
	}
	return audit_default_path(a->audit, rbp, rb->name, path, n, err);
}

static void show_auto(const struct runbook *rb, struct rollback_store *st)
{
	for (size_t i = 0; i < rb->ngauges; i++) {
		const struct runbook_gauge *g = &rb->gauges[i];
		bool armed = false;
		char by[ROLLBACK_NAME_MAX];
		struct cutover_err err;

		if (!(g->has_trigger && g->trigger.has_auto))
			continue;
		if (rollback_store_auto_get(st, rb->name, g->id, &armed, by, sizeof(by), NULL,
		                            &err) != CUTOVER_OK)
			continue;
		printf("auto-rollback %s: %s%s%s (plan %s after %us)\n", g->id,
		       armed ? "ARMED" : "disarmed", by[0] ? " by " : "", by,
		       g->trigger.plan ? g->trigger.plan->id : "-", g->trigger.auto_countdown_s);
	}
}

static int arm(const struct args *a, const struct runbook *rb, const char *dir)
{
	struct audit_session_info who = {0};
	struct audit *log = NULL;
	struct rollback_store *st = NULL;
	struct rollback_auto *au = NULL;
	struct cutover_err err;
	char path[4096];
	int code = RB_OK;

	cutover_err_clear(&err);
	/* Arming lets a rollback start by itself: in production it takes the
	 * environment's name, as starting one does.  Disarming and cancelling
	 * only hold a rollback back, and must stay one command away. */
	if (a->arm && rb->production && !(a->confirm && strcmp(a->confirm, rb->environment) == 0)) {
		char typed[256];

		if (a->confirm || !isatty(STDIN_FILENO)) {
			fprintf(stderr,
			        "cutover rollback: refused: this is %s; arming auto-rollback takes "
			        "--confirm %s%s. Nothing was done.\n",
			        rb->environment, rb->environment,
			        a->confirm ? " (the name given does not match)" : " (no terminal to type it)");
			return RB_REFUSED;
		}
		if (!read_line("This is PRODUCTION. Type the environment's name to arm: ", typed,
		               sizeof(typed)) ||
		    strcmp(typed, rb->environment) != 0) {
			fprintf(stderr,
			        "cutover rollback: not armed (the name typed does not match '%s'). "
			        "Nothing was done.\n",
			        rb->environment);
			return RB_REFUSED;
		}
	}
	who.operator_name = a->operator_name;
	who.runbook = rb->name;
	who.environment = rb->environment;
	if (audit_path_of(a, rb, dir, path, sizeof(path), &err) != CUTOVER_OK ||
	    audit_open(path, &who, &log, &err) != CUTOVER_OK ||
	    rollback_store_open(path, &st, &err) != CUTOVER_OK ||
	    rollback_auto_create(rb, log, st, &au, &err) != CUTOVER_OK ||
	    (a->cancel_auto
	         ? rollback_auto_cancel(au, a->cancel_auto, a->operator_name, a->reason, &err)
	         : rollback_auto_arm(au, a->arm ? a->arm : a->disarm, a->arm != NULL,
	                             a->operator_name, &err)) != CUTOVER_OK) {
		fprintf(stderr, "cutover rollback: %s\n", err.msg);
		code = err.status == CUTOVER_EVALIDATE ? RB_USAGE : RB_FAILED;
	} else if (a->cancel_auto) {
		/* The console counting down sees it at its next sync (2 s). */
		printf("auto-rollback countdown of %s cancelled\n", a->cancel_auto);
	} else {
		show_auto(rb, st);
	}
	rollback_auto_destroy(au);
	rollback_store_close(st);
	audit_close(log);
	return code;
}

static int show_status(const struct args *a, const struct runbook *rb, const char *dir)
{
	struct rollback_status rs;
	struct rollback_store *st = NULL;
	struct cutover_err err;
	char path[4096];

	cutover_err_clear(&err);
	if (audit_path_of(a, rb, dir, path, sizeof(path), &err) != CUTOVER_OK ||
	    rollback_store_status(path, rb->name, &rs, &err) != CUTOVER_OK) {
		fprintf(stderr, "cutover rollback: %s\n", err.msg);
		return RB_FAILED;
	}
	if (access(path, F_OK) == 0 && rollback_store_open(path, &st, &err) == CUTOVER_OK)
		show_auto(rb, st);
	rollback_store_close(st);
	if (rs.lock.held)
		printf(
		    "rollback lock of %s: held by %s on %s (pid %ld, %s) since %lld, run %.12s\n",
		    rb->name, rs.lock.holder, rs.lock.host, rs.lock.pid,
		    !rs.lock.same_host ? "other host"
		    : rs.lock.alive    ? "running"
		                       : "dead: stale",
		    (long long)(rs.lock.since_ms / 1000), rs.lock.run_id);
	else
		printf("rollback lock of %s: free\n", rb->name);
	if (!rs.has_run) {
		printf("no rollback recorded in %s\n", path);
		return RB_OK;
	}
	printf("latest run %.12s: plan %s, %s, by %s on %s, %ld/%ld items done, at item %ld: ",
	       rs.run.id, rs.run.plan, rs.run.state, rs.run.operator_name, rs.run.host, rs.done,
	       rs.run.nitems, rs.run.current + 1);
	termsafe_put(stdout, rs.current_title);
	printf(" (%s)\n", rs.current_state);
	return RB_OK;
}

/* --- the run ---------------------------------------------------------------------- */

struct driver {
	const struct args *a;
	bool tty;
	unsigned retries[4096];
};

/* Answer the open prompt from the options or the terminal.  Returns -1 to
 * go on, or an exit code to stop with (the run left resumable). */
static int handle_prompt(struct driver *d, struct rollback_runner *r,
                         const struct rollback_snapshot *s)
{
	const struct rollback_prompt *p = &s->prompt;
	const struct rollback_item_view *v = &s->items[p->item];
	struct rollback_answer ans = {0};
	struct cutover_err err;
	char text[ROLLBACK_NOTE_MAX];

	ans.prompt_id = p->id;
	text[0] = '\0';
	ans.text = text;
	if ((p->kind == ROLLBACK_PROMPT_MANUAL || p->kind == ROLLBACK_PROMPT_UNKNOWN ||
	     p->kind == ROLLBACK_PROMPT_CHECK) &&
	    d->a->assume_done && named(d->a->assume_done, v, p->item)) {
		ans.kind = p->kind == ROLLBACK_PROMPT_CHECK ? ROLLBACK_ANSWER_CONFIRM
		                                            : ROLLBACK_ANSWER_DONE;
		snprintf(text, sizeof(text), "assumed done (--assume-done)");
	} else if (p->kind == ROLLBACK_PROMPT_UNKNOWN && d->a->rerun &&
	           named(d->a->rerun, v, p->item)) {
		ans.kind = ROLLBACK_ANSWER_RETRY;
		snprintf(text, sizeof(text), "run again (--rerun)");
	} else if (p->kind == ROLLBACK_PROMPT_DECISION && !d->tty && d->a->on_failure &&
	           strcmp(d->a->on_failure, "skip") == 0) {
		ans.kind = ROLLBACK_ANSWER_SKIP;
		snprintf(text, sizeof(text), "--on-failure skip");
	} else if (p->kind == ROLLBACK_PROMPT_DECISION && !d->tty && d->a->on_failure &&
	           strcmp(d->a->on_failure, "retry") == 0 && p->item < 4096 &&
	           d->retries[p->item] < 3) {
		d->retries[p->item]++;
		ans.kind = ROLLBACK_ANSWER_RETRY;
		snprintf(text, sizeof(text), "--on-failure retry (%u of 3)", d->retries[p->item]);
	} else if (p->kind == ROLLBACK_PROMPT_DECISION && !d->tty) {
		ans.kind = ROLLBACK_ANSWER_ABORT;
		snprintf(text, sizeof(text), "step %zu failed with no terminal to decide%s",
		         p->item + 1,
		         d->a->on_failure && strcmp(d->a->on_failure, "retry") == 0
		             ? " (3 retries failed)"
		             : "; --on-failure not given");
		fprintf(stderr,
		        "cutover rollback: step %zu failed and nobody can decide here: "
		        "aborting. Run on a terminal to retry/skip/abort, or pass --on-failure.\n",
		        p->item + 1);
	} else if (!d->tty) {
		const char *what = p->kind == ROLLBACK_PROMPT_MANUAL  ? "is a manual step"
		                   : p->kind == ROLLBACK_PROMPT_CHECK ? "is a checklist item"
		                                                      : "has an unknown outcome";
		char name[300];

		if (v->kind == ROLLBACK_CHECK)
			snprintf(name, sizeof(name), "%s:verify", v->plan->id);
		else
			snprintf(name, sizeof(name), "%zu", p->item + 1);
		fprintf(stderr, "cutover rollback: item %zu '", p->item + 1);
		termsafe_put(stderr, v->title);
		fprintf(stderr,
		        "' %s and there is no terminal to answer it. The run is left "
		        "resumable: once it is done, run again with --resume --assume-done %s%s\n",
		        what, name,
		        p->kind == ROLLBACK_PROMPT_UNKNOWN ? " (or --rerun to run it again)" : "");
		return RB_REFUSED;
	} else if (!ask_terminal(s, &ans, text, sizeof(text))) {
		return RB_INTERRUPTED;
	}
	cutover_err_clear(&err);
	if (rollback_runner_answer(r, &ans, &err) != CUTOVER_OK)
		fprintf(stderr, "cutover rollback: %s\n", err.msg);
	return -1;
}

static int drive(struct driver *d, struct rollback_runner *r)
{
	struct seen_item *seen = NULL;
	struct rollback_snapshot s;
	uint64_t gen = 0, answered = 0;
	size_t n = 0;
	int code = -1;
	char lastmsg[1024] = "";

	for (;;) {
		gen = rollback_runner_wait(r, gen, 500);
		if (got_signal) {
			fprintf(stderr,
			        "\ncutover rollback: interrupted; the run stops where it is and "
			        "can be resumed with --resume\n");
			free(seen);
			return RB_INTERRUPTED;
		}
		if (rollback_runner_snapshot_take(r, &s) != CUTOVER_OK)
			continue;
		if (!n) {
			n = s.nitems;
			seen = calloc(n, sizeof(*seen));
			if (!seen) {
				rollback_snapshot_free(&s);
				return RB_FAILED;
			}
			for (size_t i = 0; i < n; i++)
				seen[i].state = (enum rollback_item_state) - 1;
			/* On a resume, the items already finished are shown once. */
		}
		if (s.message[0] && strcmp(s.message, lastmsg) != 0) {
			snprintf(lastmsg, sizeof(lastmsg), "%s", s.message);
			printf("--- ");
			termsafe_put(stdout, s.message);
			putchar('\n');
		}
		for (size_t i = 0; i < n; i++) {
			struct rollback_item_view *v = &s.items[i];

			if (v->state == ROLLBACK_ITEM_PENDING)
				continue;
			if (v->state != seen[i].state || v->attempts != seen[i].attempts) {
				seen[i].state = v->state;
				seen[i].attempts = v->attempts;
				print_item(&s, i);
			} else if (v->state == ROLLBACK_ITEM_RUNNING && v->detail[0] &&
			           strcmp(v->detail, seen[i].detail) != 0 &&
			           wall() - seen[i].detail_at >= 2.0) {
				snprintf(seen[i].detail, sizeof(seen[i].detail), "%s", v->detail);
				seen[i].detail_at = wall();
				printf("             ... ");
				termsafe_put(stdout, v->detail);
				putchar('\n');
				fflush(stdout);
			}
		}
		if (s.prompt.id && s.prompt.id != answered) {
			answered = s.prompt.id;
			code = handle_prompt(d, r, &s);
			if (code >= 0) {
				rollback_snapshot_free(&s);
				break;
			}
		}
		if (rollback_runner_finished(r)) {
			char el[32];

			duration(s.elapsed_s, el, sizeof(el));
			if (s.state == ROLLBACK_RUN_COMPLETED) {
				printf("rollback %s completed in %s: %zu items, %u skipped, %u "
				       "checklist "
				       "items failed [run %.12s]\n",
				       s.plan->id, el, s.nitems, s.skipped, s.failed_checks,
				       s.run_id);
				code = s.skipped || s.failed_checks ? RB_VERIFY : RB_OK;
			} else if (s.state == ROLLBACK_RUN_ABORTED) {
				fprintf(stderr, "cutover rollback: aborted: ");
				termsafe_put(stderr, s.message);
				fputc('\n', stderr);
				code = RB_FAILED;
			} else {
				code = RB_INTERRUPTED;
			}
			rollback_snapshot_free(&s);
			break;
		}
		rollback_snapshot_free(&s);
	}
	free(seen);
	return code;
}

int cmd_rollback(int argc, char **argv)
{
	struct args a;
	struct runbook *rb = NULL;
	struct diag_list diags = DIAG_LIST_INIT;
	struct cutover_err err;
	struct rollback_options opt = {0};
	struct rollback_runner *r = NULL;
	struct sim_clock simc;
	struct sigaction sa;
	struct driver *d = NULL;
	const struct runbook_plan *plan;
	const char *confirm = NULL, *slash;
	char dir[4096];
	bool tty;
	int code;

	if (parse(argc, argv, &a) != 0)
		return RB_USAGE;
	if (a.help) {
		help();
		return RB_OK;
	}
	if (a.sim_clock && parse_sim_clock(a.sim_clock, &simc) != 0) {
		fprintf(stderr,
		        "cutover rollback: --sim-clock takes EPOCH,SPEED (e.g. "
		        "1790000000.5,30), not '%s'\n",
		        a.sim_clock);
		return RB_USAGE;
	}
	cutover_err_clear(&err);
	if (runbook_load_file(a.runbook, &rb, &diags, &err) != CUTOVER_OK) {
		diag_list_print(&diags, a.runbook, stderr);
		diag_list_free(&diags);
		fprintf(stderr, "cutover rollback: %s\n",
		        err.msg[0] ? err.msg
		                   : "the runbook is not valid; `cutover check` explains");
		return RB_USAGE;
	}
	diag_list_free(&diags);
	slash = strrchr(a.runbook, '/');
	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - a.runbook), a.runbook);
	else
		snprintf(dir, sizeof(dir), ".");
	if (!dir[0])
		snprintf(dir, sizeof(dir), "/");
	if (a.status) {
		code = show_status(&a, rb, dir);
		goto out;
	}
	if (a.arm || a.disarm || a.cancel_auto) {
		code = arm(&a, rb, dir);
		goto out;
	}
	plan = runbook_plan_find(rb, a.plan);
	if (!plan) {
		fprintf(stderr,
		        "cutover rollback: runbook %s has no rollback plan '%s'; its plans:",
		        rb->name, a.plan);
		for (size_t i = 0; i < rb->nplans; i++)
			fprintf(stderr, " %s", rb->plans[i].id);
		fputc('\n', stderr);
		code = RB_USAGE;
		goto out;
	}
	if ((a.assume_done && check_names("--assume-done", a.assume_done, plan) != 0) ||
	    (a.rerun && check_names("--rerun", a.rerun, plan) != 0)) {
		code = RB_USAGE;
		goto out;
	}
	show_plan(rb, plan);
	if (a.list_only) {
		code = RB_OK;
		goto out;
	}
	tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if ((code = confirm_start(rb, &a, tty, &confirm)) >= 0)
		goto out;

	opt.rb = rb;
	opt.plan_id = plan->id;
	opt.runbook_dir = dir;
	opt.audit_path = a.audit;
	opt.profile = a.profile;
	opt.region = a.region;
	opt.operator_name = a.operator_name;
	opt.confirm = confirm ? confirm : (rb->production ? NULL : rb->environment);
	opt.reason = a.reason ? a.reason : "cutover rollback (headless)";
	opt.resume = a.resume;
	opt.abandon = a.abandon;
	opt.timeout_ms = a.timeout_ms;
	if (a.sim_clock) {
		opt.now = sim_now;
		opt.now_ctx = &simc;
	}
	if (rollback_runner_create(&opt, &r, &err) != CUTOVER_OK) {
		fprintf(stderr, "cutover rollback: %s\n", err.msg);
		code = err.status == CUTOVER_EREFUSED    ? RB_REFUSED
		       : err.status == CUTOVER_ECONFLICT ? RB_UNFINISHED
		       : err.status == CUTOVER_ENOENT || err.status == CUTOVER_EVALIDATE
		           ? RB_USAGE
		           : RB_FAILED;
		goto out;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	printf("%s run %.12s (audit log %s)\n", a.resume ? "resuming" : "starting",
	       rollback_runner_run_id(r), rollback_runner_audit_path(r));
	fflush(stdout);
	if (rollback_runner_start(r, &err) != CUTOVER_OK) {
		fprintf(stderr, "cutover rollback: %s\n", err.msg);
		code = RB_FAILED;
		goto out;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		code = RB_FAILED;
		goto out;
	}
	d->a = &a;
	d->tty = tty;
	code = drive(d, r);
out:
	free(d);
	rollback_runner_destroy(r);
	runbook_destroy(rb);
	return code;
}
