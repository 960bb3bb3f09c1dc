/* audit_export.c: the audit log as CSV, JSON or a Markdown incident timeline.
 *
 * CSV and JSON are the rows as stored, for tools.  The Markdown form is for a
 * person writing a postmortem: one line per action with its outcome joined
 * from the outcome row, unknown outcomes called out, sessions summarised.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cutover/audit.h"
#include "audit/audit_export_json.h"
#include "audit/audit_rows.h"

static void fmt_time(int64_t ms, char *buf, size_t len)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	if (!gmtime_r(&secs, &tm)) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900,
		 (tm.tm_mon + 1) % 100, tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100,
		 tm.tm_sec % 100, (int)(ms % 1000));
}

/* RFC 4180: quote every field that holds a comma, quote, CR or LF. */
static void csv_field(FILE *out, const char *s, int last)
{
	if (s && strpbrk(s, ",\"\r\n")) {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	} else if (s) {
		fputs(s, out);
	}
	fputs(last ? "\r\n" : ",", out);
}

static void export_csv(const struct audit_rows *rows, FILE *out)
{
	fputs("id,time_utc,operator,host,session,runbook,environment,kind,target,old_value,"
	      "new_value,outcome,request_id,detail,intent_id,prev_hash,hash\r\n", out);
	for (size_t i = 0; i < rows->n; i++) {
		const struct audit_row *r = &rows->v[i];
		char id[32], t[64], intent[32];

		snprintf(id, sizeof(id), "%lld", (long long)r->id);
		fmt_time(r->ts_ms, t, sizeof(t));
		snprintf(intent, sizeof(intent), "%lld", (long long)r->intent_id);
		csv_field(out, id, 0);
		csv_field(out, t, 0);
		csv_field(out, r->operator_name, 0);
		csv_field(out, r->host, 0);
		csv_field(out, r->session, 0);
		csv_field(out, r->runbook, 0);
		csv_field(out, r->environment, 0);
		csv_field(out, r->kind, 0);
		csv_field(out, r->target, 0);
		csv_field(out, r->old_value, 0);
		csv_field(out, r->new_value, 0);
		csv_field(out, r->outcome, 0);
		csv_field(out, r->request_id, 0);
		csv_field(out, r->detail, 0);
		csv_field(out, r->intent_id ? intent : "", 0);
		csv_field(out, r->prev_hash, 0);
		csv_field(out, r->hash, 1);
	}
}

/* Markdown table cells: no pipes or newlines inside, backslash-escaped
 * markup characters so a value cannot restyle the page. */
static void md_cell(FILE *out, const char *s)
{
	if (!s || !*s) {
		fputs("–", out);
		return;
	}
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n' || c == '\r' || c == '\t')
			fputc(' ', out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else if (strchr("|\\`*_[]<>#", c))
			fprintf(out, "\\%c", c);
		else
			fputc(c, out);
	}
}

static const struct audit_row *outcome_of(const struct audit_rows *rows, int64_t intent_id)
{
	for (size_t i = 0; i < rows->n; i++)
		if (rows->v[i].intent_id == intent_id)
			return &rows->v[i];
	return NULL;
}

static void md_change(FILE *out, const struct audit_row *r)
{
	if (r->old_value && r->new_value) {
		md_cell(out, r->old_value);
		fputs(" → ", out);
		md_cell(out, r->new_value);
	} else if (r->new_value) {
		md_cell(out, r->new_value);
	} else {
		fputs("–", out);
	}
}

static void export_md(const struct audit_rows *rows, const char *path, FILE *out)
{
	const char *runbook = NULL, *env = NULL;
	struct audit_verify_result vr;
	struct cutover_err err;
	size_t unknown = 0;
	char t[64];

	for (size_t i = 0; i < rows->n && !runbook; i++) {
		runbook = rows->v[i].runbook;
		env = rows->v[i].environment;
	}
	fprintf(out, "# Incident timeline: ");
	md_cell(out, runbook ? runbook : "(no runbook)");
	if (env) {
		fputs(" (", out);
		md_cell(out, env);
		fputs(")", out);
	}
	fputs("\n\n", out);
	if (audit_verify(path, &vr, &err) == CUTOVER_OK)
		fprintf(out, "Audit log: %lld events, hash chain verified ✔.\n\n", (long long)vr.rows);
	else
		fprintf(out, "Audit log: **hash chain broken** ✖ at row %lld: %s\n\n",
			(long long)vr.bad_row, vr.why);

	fputs("## Sessions\n\n| session | operator | host | started (UTC) | ended (UTC) |\n"
	      "|---|---|---|---|---|\n", out);
	for (size_t i = 0; i < rows->n; i++) {
		const struct audit_row *r = &rows->v[i], *end = NULL;

		if (!r->kind || strcmp(r->kind, "session.start") != 0)
			continue;
		for (size_t j = i + 1; j < rows->n; j++)
			if (rows->v[j].kind && strcmp(rows->v[j].kind, "session.end") == 0 &&
			    rows->v[j].session && r->session &&
			    strcmp(rows->v[j].session, r->session) == 0)
				end = &rows->v[j];
		fputs("| ", out);
		md_cell(out, r->session ? r->session : "?");
		fputs(" | ", out);
		md_cell(out, r->operator_name);
		fputs(" | ", out);
		md_cell(out, r->host);
		fmt_time(r->ts_ms, t, sizeof(t));
		fprintf(out, " | %s | ", t);
		if (end) {
			fmt_time(end->ts_ms, t, sizeof(t));
			fprintf(out, "%s |\n", t);
		} else {
			fputs("not recorded (still open, or ended abruptly) |\n", out);
		}
	}

	fputs("\n## Timeline\n\n| time (UTC) | operator | action | target | change | outcome |\n"
	      "|---|---|---|---|---|---|\n", out);
	for (size_t i = 0; i < rows->n; i++) {
		const struct audit_row *r = &rows->v[i], *res = NULL;

		if (!r->kind || strncmp(r->kind, "session.", 8) == 0 || r->intent_id)
			continue;   /* sessions above; outcomes joined to intents */
		fmt_time(r->ts_ms, t, sizeof(t));
		fprintf(out, "| %s | ", t);
		md_cell(out, r->operator_name);
		fputs(" | ", out);
		md_cell(out, r->kind);
		fputs(" | ", out);
		md_cell(out, r->target);
		fputs(" | ", out);
		md_change(out, r);
		fputs(" | ", out);
		if (r->outcome && strcmp(r->outcome, "intent") == 0) {
			res = outcome_of(rows, r->id);
			if (!res) {
				unknown++;
				fputs("**outcome unknown: verify**", out);
			} else {
				md_cell(out, res->outcome);
				fmt_time(res->ts_ms, t, sizeof(t));
				fprintf(out, " at %s", t + 11);
				if (res->request_id) {
					fputs(" (request ", out);
					md_cell(out, res->request_id);
					fputs(")", out);
				}
				if (res->detail && strcmp(res->outcome, "ok") != 0) {
					fputs(": ", out);
					md_cell(out, res->detail);
				}
			}
		} else {
			md_cell(out, r->outcome);
			if (r->detail && strcmp(r->kind, "note") == 0) {
				fputs(": ", out);
				md_cell(out, r->detail);
			}
		}
		fputs(" |\n", out);
	}
	if (unknown)
		fprintf(out, "\n**%zu action(s) have no recorded outcome**: the console stopped "
			"between the request and its answer. Check the live state before "
			"relying on them.\n", unknown);
}

enum cutover_status audit_export(const char *path, enum audit_format fmt, FILE *out,
				 struct cutover_err *err)
{
	struct audit_rows rows = { 0 };
	enum cutover_status st = audit_rows_load(path, &rows, err);

	if (st != CUTOVER_OK)
		return st;
	switch (fmt) {
	case AUDIT_FORMAT_CSV:
		export_csv(&rows, out);
		break;
	case AUDIT_FORMAT_JSON:
		st = audit_export_json(&rows, out, err);
		break;
	case AUDIT_FORMAT_MD:
		export_md(&rows, path, out);
		break;
	default:
		st = cutover_errf(err, CUTOVER_EINVAL, "unknown export format");
	}
	audit_rows_free(&rows);
	if (st == CUTOVER_OK && (fflush(out) != 0 || ferror(out)))
		st = cutover_errf(err, CUTOVER_EIO, "writing the export failed");
	return st;
}
