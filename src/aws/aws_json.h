/* aws_json.h: small cJSON helpers shared by the *_json.c mapping files.
 * Only *_json.c files include this (it is the cJSON side of the boundary). */
#ifndef CUTOVER_AWS_JSON_H
#define CUTOVER_AWS_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "cutover/status.h"

/* A private copy of o[key] when it is a string, else NULL.  Sets *oom on
 * allocation failure. */
char *aws_json_dup(const cJSON *o, const char *key, int *oom);

/* o[key] as a double (timestamps: valuedouble, never valueint), or 0. */
double aws_json_num(const cJSON *o, const char *key);

/* o[key] as a compact JSON text (any type), or NULL. */
char *aws_json_print(const cJSON *o, const char *key, int *oom);

/* Parse a reply body that must be a JSON object.  NULL if it is not. */
cJSON *aws_json_parse_object(const char *body, size_t len);

/* Serialise and free root; NULL (root freed) on failure. */
char *aws_json_finish(cJSON *root);

/* Add a string member if s is non-NULL.  0 on allocation failure. */
int aws_json_add_str(cJSON *o, const char *key, const char *s);

#endif
