/* audit_export_json.c: rows -> a JSON array of objects, one per row.  The
 * detail column is embedded as JSON when it parses, else as a string. */
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "audit/audit_export_json.h"

static void add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

enum cutover_status audit_export_json(const struct audit_rows *rows, FILE *out,
				      struct cutover_err *err)
{
	cJSON *arr = cJSON_CreateArray();
	char *text;

	if (!arr)
		return cutover_errf(err, CUTOVER_ENOMEM, "out of memory exporting JSON");
	for (size_t i = 0; i < rows->n; i++) {
		const struct audit_row *r = &rows->v[i];
		cJSON *o = cJSON_CreateObject(), *detail = NULL;

		if (!o || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			cJSON_Delete(arr);
			return cutover_errf(err, CUTOVER_ENOMEM, "out of memory exporting JSON");
		}
		cJSON_AddNumberToObject(o, "id", (double)r->id);
		cJSON_AddNumberToObject(o, "time_ms", (double)r->ts_ms);
		add_str(o, "operator", r->operator_name);
		add_str(o, "host", r->host);
		add_str(o, "session", r->session);
		add_str(o, "runbook", r->runbook);
		add_str(o, "environment", r->environment);
		add_str(o, "kind", r->kind);
		add_str(o, "target", r->target);
		add_str(o, "old_value", r->old_value);
		add_str(o, "new_value", r->new_value);
		add_str(o, "outcome", r->outcome);
		add_str(o, "request_id", r->request_id);
		if (r->detail)
			detail = cJSON_Parse(r->detail);
		if (detail)
			cJSON_AddItemToObject(o, "detail", detail);
		else
			add_str(o, "detail", r->detail);
		if (r->intent_id)
			cJSON_AddNumberToObject(o, "intent_id", (double)r->intent_id);
		else
			cJSON_AddNullToObject(o, "intent_id");
		add_str(o, "prev_hash", r->prev_hash);
		add_str(o, "hash", r->hash);
	}
	text = cJSON_Print(arr);
	cJSON_Delete(arr);
	if (!text)
		return cutover_errf(err, CUTOVER_ENOMEM, "out of memory exporting JSON");
	fputs(text, out);
	fputc('\n', out);
	free(text);
	return CUTOVER_OK;
}
