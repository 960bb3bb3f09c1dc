/* aws_types.c: credentials copy/clear and the service name table. */
#include <stdlib.h>
#include <string.h>

#include "cutover/aws_types.h"
#include "cutover/dup_or_null.h"

struct service_names {
	const char *env, *key, *signing, *host;
};

static const struct service_names names[] = {
#define AWS_SERVICE_ROW(id, env, key, signing, host) { env, key, signing, host },
	AWS_SERVICE_LIST(AWS_SERVICE_ROW)
#undef AWS_SERVICE_ROW
};

static void wipe_free(char *s)
{
	if (!s)
		return;
	/* volatile so the wipe of a secret is not optimised away */
	for (volatile char *p = s; *p; p++)
		*p = 0;
	free(s);
}

void aws_credentials_clear(struct aws_credentials *c)
{
	if (!c)
		return;
	wipe_free(c->access_key_id);
	wipe_free(c->secret_access_key);
	wipe_free(c->session_token);
	memset(c, 0, sizeof(*c));
}

enum cutover_status aws_credentials_copy(struct aws_credentials *dst,
					 const struct aws_credentials *src)
{
	int failed = 0;

	memset(dst, 0, sizeof(*dst));
	dst->access_key_id = dup_or_null(src->access_key_id, &failed);
	dst->secret_access_key = dup_or_null(src->secret_access_key, &failed);
	dst->session_token = dup_or_null(src->session_token, &failed);
	dst->expiration = src->expiration;
	memcpy(dst->source, src->source, sizeof(dst->source));
	if (failed) {
		aws_credentials_clear(dst);
		return CUTOVER_ENOMEM;
	}
	return CUTOVER_OK;
}

#define NAME_GETTER(fn, field) \
	const char *fn(enum aws_service svc) \
	{ \
		return (unsigned)svc < AWS_SVC_COUNT ? names[svc].field : "?"; \
	}
NAME_GETTER(aws_service_env_suffix, env)
NAME_GETTER(aws_service_config_key, key)
NAME_GETTER(aws_service_signing_name, signing)
NAME_GETTER(aws_service_host_prefix, host)
