/* runbook_origin.c: HTTP URLs of a runbook moved to another origin (see
 * runbook_origin.h).  By hand because it is one strstr and one strchr: the
 * URL parser libcurl has (curl_url) lives behind src/aws/ by convention. */
#include <stdlib.h>
#include <string.h>

#include "cutover/runbook_origin.h"

char *runbook_url_with_origin(const char *url, const char *origin)
{
	const char *rest = url, *sep = strstr(url, "://");
	size_t no = strlen(origin), nr;
	char *out;

	if (sep) {
		rest = sep + 3;
		rest += strcspn(rest, "/?#"); /* skip the authority */
	}
	nr = strlen(rest);
	out = malloc(no + nr + 2);
	if (!out)
		return NULL;
	memcpy(out, origin, no);
	if (!sep && rest[0] != '/')
		out[no++] = '/';
	memcpy(out + no, rest, nr + 1);
	return out;
}

static bool origin_ok(const char *o)
{
	const char *host;

	if (strncmp(o, "http://", 7) == 0)
		host = o + 7;
	else if (strncmp(o, "https://", 8) == 0)
		host = o + 8;
	else
		return false;
	return host[0] && !strpbrk(host, "/?# \t\r\n");
}

static enum cutover_status swap(char **url, const char *origin, struct cutover_err *err)
{
	char *n;

	if (!*url)
		return CUTOVER_OK;
	n = runbook_url_with_origin(*url, origin);
	if (!n)
		return cutover_errf(err, CUTOVER_ENOMEM, "out of memory rebasing %s", *url);
	free(*url);
	*url = n;
	return CUTOVER_OK;
}

enum cutover_status runbook_rebase_http(struct runbook *rb, const char *origin,
                                        struct cutover_err *err)
{
	enum cutover_status st = CUTOVER_OK;

	if (!origin || !origin_ok(origin))
		return cutover_errf(err, CUTOVER_EINVAL,
		                    "health origin '%s' is not http(s)://HOST[:PORT]",
		                    origin ? origin : "");
	for (size_t i = 0; i < rb->ngauges && !st; i++)
		if (rb->gauges[i].kind == RUNBOOK_GAUGE_HTTP)
			st = swap(&rb->gauges[i].url, origin, err);
	for (size_t p = 0; p < rb->nplans && !st; p++)
		for (size_t s = 0; s < rb->plans[p].nsteps && !st; s++)
			if (rb->plans[p].steps[s].kind == RUNBOOK_STEP_HTTP)
				st = swap(&rb->plans[p].steps[s].http.url, origin, err);
	return st;
}
