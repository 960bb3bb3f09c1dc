/* sim_service.c: reply builders and deterministic randomness shared by the
 * sim's service models (see sim_service.h). */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_service.h"

static void set_content_type(struct sim_reply *r, const char *content_type)
{
	size_t n = strlen(content_type);

	if (n >= sizeof(r->content_type))
		n = sizeof(r->content_type) - 1;
	memcpy(r->content_type, content_type, n);
	r->content_type[n] = '\0';
}

static void set_body(struct sim_reply *r, const cJSON *j)
{
	free(r->body);
	r->body = cJSON_PrintUnformatted(j);
	r->body_len = r->body ? strlen(r->body) : 0;
	if (!r->body)
		r->http_status = 500;
}

void sim_reply_json(struct sim_reply *r, const char *content_type, const cJSON *j)
{
	r->http_status = 200;
	set_content_type(r, content_type);
	set_body(r, j);
}

void sim_reply_json_error(struct sim_reply *r, int http_status, const char *content_type,
			  const char *type, const char *message)
{
	cJSON *j = cJSON_CreateObject();

	r->http_status = http_status;
	set_content_type(r, content_type);
	if (!j) {
		free(r->body);
		r->body = NULL;
		r->body_len = 0;
		return;
	}
	cJSON_AddStringToObject(j, "__type", type);
	cJSON_AddStringToObject(j, "message", message);
	set_body(r, j);
	r->http_status = http_status;
	cJSON_Delete(j);
}

/* splitmix64 finaliser: good avalanche, tiny, and fully specified, so a
 * scenario replays bit-for-bit on any platform (rand() does not). */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t sim_rand_hash(uint64_t seed, const char *key, int64_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;   /* FNV-1a over the key */

	for (const unsigned char *p = (const unsigned char *)(key ? key : ""); *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return mix64(h ^ mix64((uint64_t)n + 0x9e3779b97f4a7c15ULL));
}

double sim_rand_unit(uint64_t seed, const char *key, int64_t n)
{
	return (double)(sim_rand_hash(seed, key, n) >> 11) * (1.0 / 9007199254740992.0);
}

uint64_t sim_rand_next(uint64_t *state)
{
	*state += 0x9e3779b97f4a7c15ULL;
	return mix64(*state);
}
