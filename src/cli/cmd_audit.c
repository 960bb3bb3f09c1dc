/* cmd_audit.c: `cutover audit tail|verify|export` and `cutover note`, the
 * headless readers and the one writer of the audit log that need no AWS. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cutover/audit.h"
#include "cutover/cli.h"
#include "cutover/strbuf.h"
#include "cutover/termsafe.h"
#include "cli/commands.h"

struct audit_args {
	const char *db, *format, *out, *operator_name, *runbook;
	int follow;
	long lines;
	int argc;       /* positional arguments left */
	char **argv;
};

static int parse_args(const char *cmd, int argc, char **argv, struct audit_args *a)
{
	static char *positional[64];
	int np = 0;

	memset(a, 0, sizeof(*a));
	a->lines = 20;
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		const char **slot = NULL;

		if (strcmp(arg, "--db") == 0 || strcmp(arg, "--audit") == 0)
			slot = &a->db;
		else if (strcmp(arg, "--format") == 0)
			slot = &a->format;
		else if (strcmp(arg, "--out") == 0 || strcmp(arg, "-o") == 0)
			slot = &a->out;
		else if (strcmp(arg, "--operator") == 0)
			slot = &a->operator_name;
		else if (strcmp(arg, "--runbook-name") == 0)
			slot = &a->runbook;
		else if (strcmp(arg, "-f") == 0 || strcmp(arg, "--follow") == 0) {
			a->follow = 1;
			continue;
		} else if (strcmp(arg, "-n") == 0 || strcmp(arg, "--lines") == 0) {
			char *end;

			if (i + 1 >= argc) {
				fprintf(stderr, "cutover %s: %s needs a number\n", cmd, arg);
				return -1;
			}
			errno = 0;
			a->lines = strtol(argv[++i], &end, 10);
			if (errno || *end || a->lines < 0) {
				fprintf(stderr, "cutover %s: %s takes a number of rows, not '%s'\n",
					cmd, arg, argv[i]);
				return -1;
			}
			continue;
		} else if (strcmp(arg, "--") == 0) {
			for (i++; i < argc && np < 63; i++)
				positional[np++] = argv[i];
			break;
		} else if (arg[0] == '-' && arg[1]) {
			fprintf(stderr, "cutover %s: unknown option %s\n", cmd, arg);
			return -1;
		} else {
			if (np < 63)
				positional[np++] = argv[i];
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "cutover %s: %s needs a value\n", cmd, arg);
			return -1;
		}
		*slot = argv[++i];
	}
	positional[np] = NULL;
	a->argc = np;
	a->argv = positional;
	return 0;
}

static int resolve_db(const char *cmd, const struct audit_args *a, char *buf, size_t len)
{
	struct cutover_err err;

	if (audit_default_path(a->db, NULL, a->runbook, buf, len, &err) != CUTOVER_OK) {
		fprintf(stderr, "cutover %s: %s\n", cmd, err.msg);
		return -1;
	}
	return 0;
}

static void fmt_time(int64_t ms, char *buf, size_t len)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	if (!gmtime_r(&secs, &tm) || strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf(buf, len, "?");
}

/* A remote or operator-written string, "-" when absent (see termsafe.h). */
static void put_safe(FILE *out, const char *s)
{
	termsafe_put_escaped(out, s ? s : "-");
}

static int print_row(void *ctx, const struct audit_row *r)
{
	int64_t *last = ctx;
	char t[32];

	fmt_time(r->ts_ms, t, sizeof(t));
	printf("%6lld %s.%03dZ ", (long long)r->id, t, (int)(r->ts_ms % 1000));
	put_safe(stdout, r->operator_name);
	fputc(' ', stdout);
	put_safe(stdout, r->kind);
	fputc(' ', stdout);
	put_safe(stdout, r->outcome);
	if (r->intent_id)
		printf(" (of #%lld)", (long long)r->intent_id);
	if (r->target) {
		fputs(" target=", stdout);
		put_safe(stdout, r->target);
	}
	if (r->old_value || r->new_value) {
		fputc(' ', stdout);
		put_safe(stdout, r->old_value);
		fputs(" -> ", stdout);
		put_safe(stdout, r->new_value);
	}
	if (r->request_id) {
		fputs(" request=", stdout);
		put_safe(stdout, r->request_id);
	}
	if (r->detail) {
		fputs(" ", stdout);
		put_safe(stdout, r->detail);
	}
	fputc('\n', stdout);
	*last = r->id;
	return 0;
}

static int count_rows(void *ctx, const struct audit_row *r)
{
	int64_t *last = ctx;

	*last = r->id;
	return 0;
}

static volatile sig_atomic_t stop_following;

static void on_signal(int sig)
{
	(void)sig;
	stop_following = 1;
}

static int report_unresolved_row(void *ctx, const struct audit_row *r)
{
	int *n = ctx;

	fprintf(stderr, "cutover: outcome unknown: verify: #%lld %s ", (long long)r->id,
		r->kind ? r->kind : "?");
	put_safe(stderr, r->target);
	if (r->new_value) {
		fputs(" -> ", stderr);
		put_safe(stderr, r->new_value);
	}
	fprintf(stderr, " by ");
	put_safe(stderr, r->operator_name);
	fputs(" (the console stopped before its answer; check the live state)\n", stderr);
	(*n)++;
	return 0;
}

/* Report intents without outcomes; returns how many. */
static int report_unresolved(const char *db)
{
	struct cutover_err err;
	int n = 0;

	if (audit_unresolved(db, report_unresolved_row, &n, &err) != CUTOVER_OK)
		return 0;
	return n;
}

static int audit_tail(struct audit_args *a, const char *db)
{
	struct cutover_err err;
	int64_t last = 0, total = 0;

	if (audit_read(db, 0, count_rows, &total, &err) != CUTOVER_OK) {
		fprintf(stderr, "cutover audit tail: %s\n", err.msg);
		return CLI_EXIT_USAGE;
	}
	report_unresolved(db);
	last = total > a->lines ? total - a->lines : 0;
	if (audit_read(db, last, print_row, &last, &err) != CUTOVER_OK) {
		fprintf(stderr, "cutover audit tail: %s\n", err.msg);
		return CLI_EXIT_USAGE;
	}
	fflush(stdout);
	if (!a->follow)
		return CLI_EXIT_OK;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop_following) {
		struct timespec ts = { 0, 250000000L };

		nanosleep(&ts, NULL);
		if (audit_read(db, last, print_row, &last, &err) != CUTOVER_OK) {
			fprintf(stderr, "cutover audit tail: %s\n", err.msg);
			return CLI_EXIT_FAIL;
		}
		fflush(stdout);
	}
	return CLI_EXIT_OK;
}

static int audit_verify_cmd(const char *db)
{
	struct audit_verify_result res;
	struct cutover_err err;
	enum cutover_status st = audit_verify(db, &res, &err);

	if (st == CUTOVER_OK) {
		printf("%s: %lld rows, hash chain valid\n", db, (long long)res.rows);
		return CLI_EXIT_OK;
	}
	if (st == CUTOVER_EVALIDATE) {
		printf("%s: INVALID at row %lld: %s\n", db, (long long)res.bad_row, res.why);
		return CLI_EXIT_FAIL;
	}
	fprintf(stderr, "cutover audit verify: %s\n", err.msg);
	return CLI_EXIT_USAGE;
}

static int audit_export_cmd(struct audit_args *a, const char *db)
{
	struct cutover_err err;
	enum audit_format fmt;
	FILE *out = stdout;
	enum cutover_status st;

	if (!a->format || strcmp(a->format, "md") == 0)
		fmt = AUDIT_FORMAT_MD;
	else if (strcmp(a->format, "csv") == 0)
		fmt = AUDIT_FORMAT_CSV;
	else if (strcmp(a->format, "json") == 0)
		fmt = AUDIT_FORMAT_JSON;
	else {
		fprintf(stderr, "cutover audit export: --format is csv, json or md, not '%s'\n",
			a->format);
		return CLI_EXIT_USAGE;
	}
	if (a->out) {
		out = fopen(a->out, "w");
		if (!out) {
			fprintf(stderr, "cutover audit export: cannot write %s: %s\n", a->out,
				strerror(errno));
			return CLI_EXIT_USAGE;
		}
	}
	st = audit_export(db, fmt, out, &err);
	if (out != stdout && fclose(out) != 0 && st == CUTOVER_OK)
		st = cutover_errf(&err, CUTOVER_EIO, "writing %s failed", a->out);
	if (st != CUTOVER_OK) {
		fprintf(stderr, "cutover audit export: %s\n", err.msg);
		return st == CUTOVER_ENOENT || st == CUTOVER_EDB ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

int cmd_audit(int argc, char **argv)
{
	struct audit_args a;
	char db[4096];
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (!sub || strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
		cli_usage("audit");
		fprintf(stderr, "  tail [-f] [-n N]   the last N events (default 20), -f follows\n"
			"  verify             check the hash chain; exit 1 names the first bad row\n"
			"  export --format csv|json|md [--out FILE]\n"
			"The log is --db FILE, else $CUTOVER_AUDIT.\n");
		return sub ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	if (parse_args("audit", argc - 2, argv + 2, &a) != 0 || resolve_db("audit", &a, db, sizeof(db)) != 0)
		return CLI_EXIT_USAGE;
	if (a.argc) {
		fprintf(stderr, "cutover audit %s: unexpected argument '%s'\n", sub, a.argv[0]);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(sub, "tail") == 0)
		return audit_tail(&a, db);
	if (strcmp(sub, "verify") == 0)
		return audit_verify_cmd(db);
	if (strcmp(sub, "export") == 0)
		return audit_export_cmd(&a, db);
	fprintf(stderr, "cutover audit: no subcommand '%s' (tail, verify, export)\n", sub);
	return CLI_EXIT_USAGE;
}

int cmd_note(int argc, char **argv)
{
	struct audit_session_info who = { 0 };
	struct audit_args a;
	struct audit *log;
	struct cutover_err err;
	struct audit_event ev = { 0 };
	struct strbuf joined = STRBUF_INIT;
	char db[4096], *text = NULL;
	int64_t id;
	enum cutover_status st;

	if (parse_args("note", argc - 1, argv + 1, &a) != 0 || resolve_db("note", &a, db, sizeof(db)) != 0)
		return CLI_EXIT_USAGE;
	if (a.argc == 0) {
		cli_usage("note");
		return CLI_EXIT_USAGE;
	}
	for (int i = 0; i < a.argc; i++)
		if (strbuf_printf(&joined, "%s%s", i ? " " : "", a.argv[i]) != CUTOVER_OK)
			return CLI_EXIT_FAIL;
	text = strbuf_take(&joined);

	who.operator_name = a.operator_name;
	who.runbook = a.runbook;
	report_unresolved(db);
	if (audit_open(db, &who, &log, &err) != CUTOVER_OK) {
		fprintf(stderr, "cutover note: %s\n", err.msg);
		free(text);
		return CLI_EXIT_USAGE;
	}
	ev.kind = "note";
	ev.new_value = text;
	if (getenv("CUTOVER_TEST_PAUSE_AFTER_INTENT")) {
		/* Take the two-row path so a test can kill us between intent
		 * and outcome, the crash every action must survive. */
		st = audit_intent(log, &ev, &id, &err);
		if (st == CUTOVER_OK)
			st = audit_outcome(log, id, AUDIT_OK, NULL, NULL, &err);
	} else {
		st = audit_event(log, &ev, &id, &err);
	}
	audit_close(log);
	free(text);
	if (st != CUTOVER_OK) {
		fprintf(stderr, "cutover note: %s\n", err.msg);
		return CLI_EXIT_FAIL;
	}
	printf("noted as #%lld in %s\n", (long long)id, db);
	return CLI_EXIT_OK;
}
