/* aws_config.c: the shared config/credentials files through inih, plus the
 * region and endpoint rules built on them (see aws_config.h).
 *
 * Each file becomes a flat list of entries in file order.  An indented line
 * under a key is a continuation (inih calls the handler again with the same
 * key); it is kept as its own entry flagged `cont`, with its own line
 * number, so that the nested `sfn =\n  endpoint_url = URL` syntax can be
 * read and reported by line. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "cutover/aws_config.h"
#include "cutover/strbuf.h"

struct ini_entry {
	char *section;
	char *key;
	char *value;
	int line;
	bool cont;      /* an indented continuation of the previous key */
};

struct ini_doc {
	char *path;
	bool present;
	struct ini_entry *v;
	size_t n, cap;
};

struct aws_config {
	char *profile;
	struct ini_doc files[AWS_CONFIG_FILE_COUNT];
};

static const char *const file_env[AWS_CONFIG_FILE_COUNT] = {
	"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"
};
static const char *const file_default[AWS_CONFIG_FILE_COUNT] = {
	"/.aws/config", "/.aws/credentials"
};

/* Debian's inih turns its compile-time options into process globals.  The
 * defaults read lines into a 200-byte stack buffer and silently cut longer
 * ones, and session tokens are ~1000 bytes, so switch once to a growing heap
 * buffer.  pthread_once makes the writes happen-before every parse here. */
static pthread_once_t ini_once = PTHREAD_ONCE_INIT;

static void ini_setup(void)
{
	ini_use_stack = false;
	ini_allow_realloc = true;
	ini_max_line = 64 * 1024;
}

/* ---- parsing ---------------------------------------------------------- */

struct parse_ctx {
	FILE *fp;
	struct ini_doc *doc;
	int lineno;           /* physical line of the text inih is handling */
	bool at_line_start;
	bool indented;        /* that line starts with blank space */
	bool nomem;
};

/* inih's reader: fgets that counts lines, so the handler knows where it is
 * and whether the line was indented (a continuation). */
static char *read_line(char *str, int num, void *stream)
{
	struct parse_ctx *pc = stream;
	size_t n;

	if (!fgets(str, num, pc->fp))
		return NULL;
	if (pc->at_line_start) {
		pc->lineno++;
		pc->indented = str[0] == ' ' || str[0] == '\t';
	}
	n = strlen(str);
	pc->at_line_start = n > 0 && str[n - 1] == '\n';
	return str;
}

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *pc = user;
	struct ini_doc *doc = pc->doc;
	struct ini_entry *e;
	bool cont = false;

	if (pc->indented && doc->n > 0) {
		struct ini_entry *prev = &doc->v[doc->n - 1];

		cont = strcmp(prev->section, section) == 0 && strcmp(prev->key, name) == 0;
	}
	if (doc->n == doc->cap) {
		size_t cap = doc->cap ? doc->cap * 2 : 32;
		struct ini_entry *v = realloc(doc->v, cap * sizeof(*v));

		if (!v) {
			pc->nomem = true;
			return 0;
		}
		doc->v = v;
		doc->cap = cap;
	}
	e = &doc->v[doc->n];
	e->section = strdup(section);
	e->key = strdup(name);
	e->value = strdup(value);
	e->line = pc->lineno;
	e->cont = cont;
	if (!e->section || !e->key || !e->value) {
		free(e->section);
		free(e->key);
		free(e->value);
		pc->nomem = true;
		return 0;
	}
	doc->n++;
	return 1;
}

static void wipe_free(char *s)
{
	if (!s)
		return;
	for (volatile char *p = s; *p; p++)
		*p = 0;
	free(s);
}

static void doc_free(struct ini_doc *doc)
{
	for (size_t i = 0; i < doc->n; i++) {
		free(doc->v[i].section);
		free(doc->v[i].key);
		wipe_free(doc->v[i].value);   /* may be a secret key */
	}
	free(doc->v);
	free(doc->path);
	memset(doc, 0, sizeof(*doc));
}

static enum cutover_status doc_path(struct ini_doc *doc, enum aws_config_file which,
				    struct cutover_err *err)
{
	const char *env = getenv(file_env[which]);
	const char *home = getenv("HOME");
	struct strbuf sb = STRBUF_INIT;
	enum cutover_status st;

	if (env && env[0]) {
		/* botocore expands a leading ~ in these variables; so do we */
		if (env[0] == '~' && (env[1] == '/' || env[1] == '\0') && home)
			st = strbuf_printf(&sb, "%s%s", home, env + 1);
		else
			st = strbuf_puts(&sb, env);
	} else if (home && home[0]) {
		st = strbuf_printf(&sb, "%s%s", home, file_default[which]);
	} else {
		/* no HOME and no override: there is no such file */
		return CUTOVER_OK;
	}
	if (st != CUTOVER_OK) {
		strbuf_free(&sb);
		return cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
	}
	doc->path = strbuf_take(&sb);
	return CUTOVER_OK;
}

static enum cutover_status doc_load(struct ini_doc *doc, enum aws_config_file which,
				    struct cutover_err *err)
{
	struct parse_ctx pc = { .doc = doc, .at_line_start = true };
	enum cutover_status st;
	int rc;

	st = doc_path(doc, which, err);
	if (st != CUTOVER_OK || !doc->path)
		return st;
	/* the AWS config or credentials file, read once into entries */
	pc.fp = fopen(doc->path, "r");
	if (!pc.fp) {
		if (errno == ENOENT || errno == ENOTDIR)
			return CUTOVER_OK;
		return cutover_errf(err, CUTOVER_EIO,
				    "cannot read %s: %s; fix its permissions or point %s at "
				    "another file", doc->path, strerror(errno), file_env[which]);
	}
	doc->present = true;
	pthread_once(&ini_once, ini_setup);
	rc = ini_parse_stream(read_line, &pc, on_pair, &pc);
	if (pc.nomem || rc == -2) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory reading %s", doc->path);
	} else if (ferror(pc.fp)) {
		st = cutover_errf(err, CUTOVER_EIO, "cannot read %s: %s; point %s at a readable "
				  "file", doc->path, strerror(errno), file_env[which]);
	} else if (rc > 0) {
		st = cutover_errf(err, CUTOVER_EPARSE,
				  "%s:%d: malformed line: expected [section], key = value, or a "
				  "comment; fix that line (the AWS CLI would reject it too)",
				  doc->path, rc);
	}
	fclose(pc.fp);
	return st;
}

/* ---- lookups ---------------------------------------------------------- */

/* Does a section header name profile `name` in this file?  The config file
 * uses [profile NAME] and [default] (and accepts [profile default]); the
 * credentials file uses bare names. */
static bool section_is_profile(const char *section, enum aws_config_file which, const char *name)
{
	if (which == AWS_CONFIG_FILE_CREDENTIALS)
		return strcmp(section, name) == 0;
	if (strcmp(name, "default") == 0 && strcmp(section, "default") == 0)
		return true;
	if (strncmp(section, "profile", 7) != 0 || !isspace((unsigned char)section[7]))
		return false;
	section += 7;
	while (isspace((unsigned char)*section))
		section++;
	return strcmp(section, name) == 0;
}

/* Same test for [services NAME] in the config file. */
static bool section_is_services(const char *section, const char *name)
{
	if (strncmp(section, "services", 8) != 0 || !isspace((unsigned char)section[8]))
		return false;
	section += 8;
	while (isspace((unsigned char)*section))
		section++;
	return strcmp(section, name) == 0;
}

static const struct ini_entry *find_profile_key(const struct aws_config *cfg,
						enum aws_config_file which, const char *key)
{
	const struct ini_doc *doc = &cfg->files[which];
	const struct ini_entry *found = NULL;

	/* the last setting wins, as in botocore */
	for (size_t i = 0; i < doc->n; i++) {
		const struct ini_entry *e = &doc->v[i];

		if (!e->cont && strcasecmp(e->key, key) == 0 &&
		    section_is_profile(e->section, which, cfg->profile))
			found = e;
	}
	return found;
}

enum cutover_status aws_config_load(struct aws_config **out, const char *profile,
				    struct cutover_err *err)
{
	struct aws_config *cfg;
	enum cutover_status st = CUTOVER_OK;
	const char *from = NULL;

	*out = NULL;
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
	if (profile && profile[0]) {
		from = "--profile";
	} else if ((profile = getenv("AWS_PROFILE")) && profile[0]) {
		from = "AWS_PROFILE";
	} else if ((profile = getenv("AWS_DEFAULT_PROFILE")) && profile[0]) {
		from = "AWS_DEFAULT_PROFILE";
	} else {
		profile = "default";
	}
	cfg->profile = strdup(profile);
	if (!cfg->profile) {
		st = cutover_errf(err, CUTOVER_ENOMEM, "out of memory");
		goto out;
	}
	for (int f = 0; f < AWS_CONFIG_FILE_COUNT; f++) {
		st = doc_load(&cfg->files[f], (enum aws_config_file)f, err);
		if (st != CUTOVER_OK)
			goto out;
	}
	if (from && strcmp(cfg->profile, "default") != 0 &&
	    !aws_config_has_profile(cfg, AWS_CONFIG_FILE_CONFIG) &&
	    !aws_config_has_profile(cfg, AWS_CONFIG_FILE_CREDENTIALS)) {
		const char *cp = cfg->files[AWS_CONFIG_FILE_CONFIG].path;
		const char *kp = cfg->files[AWS_CONFIG_FILE_CREDENTIALS].path;

		st = cutover_errf(err, CUTOVER_ENOENT,
				  "AWS profile \"%s\" (from %s) is in neither %s ([profile %s]) nor "
				  "%s ([%s]); check the name with `aws configure list-profiles`",
				  cfg->profile, from, cp ? cp : "~/.aws/config", cfg->profile,
				  kp ? kp : "~/.aws/credentials", cfg->profile);
		goto out;
	}
out:
	if (st != CUTOVER_OK) {
		aws_config_destroy(cfg);
		return st;
	}
	*out = cfg;
	return CUTOVER_OK;
}

void aws_config_destroy(struct aws_config *cfg)
{
	if (!cfg)
		return;
	for (int f = 0; f < AWS_CONFIG_FILE_COUNT; f++)
		doc_free(&cfg->files[f]);
	free(cfg->profile);
	free(cfg);
}

const char *aws_config_profile(const struct aws_config *cfg)
{
	return cfg ? cfg->profile : "default";
}

const char *aws_config_path(const struct aws_config *cfg, enum aws_config_file file)
{
	if (!cfg || (unsigned)file >= AWS_CONFIG_FILE_COUNT || !cfg->files[file].path)
		return file == AWS_CONFIG_FILE_CREDENTIALS ? "~/.aws/credentials" : "~/.aws/config";
	return cfg->files[file].path;
}

bool aws_config_file_present(const struct aws_config *cfg, enum aws_config_file file)
{
	return cfg && (unsigned)file < AWS_CONFIG_FILE_COUNT && cfg->files[file].present;
}

bool aws_config_has_profile(const struct aws_config *cfg, enum aws_config_file file)
{
	const struct ini_doc *doc;

	if (!cfg || (unsigned)file >= AWS_CONFIG_FILE_COUNT)
		return false;
	doc = &cfg->files[file];
	for (size_t i = 0; i < doc->n; i++)
		if (section_is_profile(doc->v[i].section, file, cfg->profile))
			return true;
	return false;
}

const char *aws_config_get(const struct aws_config *cfg, enum aws_config_file file,
			   const char *key, int *line)
{
	const struct ini_entry *e;

	if (line)
		*line = 0;
	if (!cfg || (unsigned)file >= AWS_CONFIG_FILE_COUNT)
		return NULL;
	e = find_profile_key(cfg, file, key);
	if (!e)
		return NULL;
	if (line)
		*line = e->line;
	return e->value;
}

/* A profile value from either file, config first (region, endpoint_url and
 * services are config-file settings, but botocore merges both). */
static const char *profile_value(const struct aws_config *cfg, const char *key,
				 enum aws_config_file *where, int *line)
{
	for (int f = 0; f < AWS_CONFIG_FILE_COUNT; f++) {
		const char *v = aws_config_get(cfg, (enum aws_config_file)f, key, line);

		if (v && v[0]) {
			if (where)
				*where = (enum aws_config_file)f;
			return v;
		}
	}
	return NULL;
}

/* ---- region ----------------------------------------------------------- */

/* A DNS label, as botocore's validate_region_name requires. */
static bool region_ok(const char *r)
{
	size_t n = strlen(r);

	if (n == 0 || n >= AWS_REGION_MAX || r[0] == '-' || r[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)r[i]) && r[i] != '-')
			return false;
	return true;
}

enum cutover_status aws_config_resolve_region(const struct aws_config *cfg, const char *flag_region,
					      const char *runbook_region,
					      char region[AWS_REGION_MAX], const char **from,
					      struct cutover_err *err)
{
	const char *env_region = getenv("AWS_REGION");
	const char *env_default = getenv("AWS_DEFAULT_REGION");
	enum aws_config_file where = AWS_CONFIG_FILE_CONFIG;
	const char *v = NULL, *src = NULL;
	char detail[600];
	int line = 0;

	region[0] = '\0';
	if (from)
		*from = NULL;
	if (flag_region && flag_region[0]) {
		v = flag_region;
		src = "--region";
	} else if (runbook_region && runbook_region[0]) {
		v = runbook_region;
		src = "runbook";
	} else if (env_region && env_region[0]) {
		v = env_region;
		src = "AWS_REGION";
	} else if (env_default && env_default[0]) {
		v = env_default;
		src = "AWS_DEFAULT_REGION";
	} else if (cfg && (v = profile_value(cfg, "region", &where, &line))) {
		src = "profile";
	}
	if (!v)
		return cutover_errf(err, CUTOVER_ENOENT,
				    "no AWS region set: pass --region, set region: in the runbook, "
				    "export AWS_REGION, or add `region = ...` to [%s%s] in %s",
				    strcmp(aws_config_profile(cfg), "default") ? "profile " : "",
				    aws_config_profile(cfg), aws_config_path(cfg, AWS_CONFIG_FILE_CONFIG));
	if (strcmp(src, "profile") == 0)
		snprintf(detail, sizeof(detail), "%s:%d (profile %s)", aws_config_path(cfg, where),
			 line, aws_config_profile(cfg));
	else
		snprintf(detail, sizeof(detail), "%s", src);
	if (!region_ok(v))
		return cutover_errf(err, CUTOVER_EVALIDATE,
				    "region \"%.64s\" from %s is not a region name (like eu-west-1); "
				    "fix it there", v, detail);
	snprintf(region, AWS_REGION_MAX, "%s", v);
	if (from)
		*from = src;
	return CUTOVER_OK;
}

/* ---- endpoints -------------------------------------------------------- */

static bool is_true(const char *v)
{
	return v && strcasecmp(v, "true") == 0;
}

static enum cutover_status set_url(struct aws_endpoint *out, const char *url, const char *what,
				   struct cutover_err *err)
{
	size_t n = strlen(url);
	const char *host;

	if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else
		return cutover_errf(err, CUTOVER_EVALIDATE,
				    "endpoint \"%.200s\" from %s is not an http:// or https:// URL; "
				    "fix it or unset it", url, what);
	if (!host[0] || host[0] == '/' || strpbrk(url, " \t\r\n"))
		return cutover_errf(err, CUTOVER_EVALIDATE,
				    "endpoint \"%.200s\" from %s has no host name or contains "
				    "blanks; write it as http://HOST:PORT", url, what);
	while (n > 0 && url[n - 1] == '/')
		n--;
	if (n >= sizeof(out->url))
		return cutover_errf(err, CUTOVER_EVALIDATE,
				    "endpoint from %s is longer than %zu characters", what,
				    sizeof(out->url) - 1);
	memcpy(out->url, url, n);
	out->url[n] = '\0';
	snprintf(out->source, sizeof(out->source), "%s", what);
	out->custom = true;
	return CUTOVER_OK;
}

/* The entry `key =\n  endpoint_url = URL` of [services NAME]: URL or NULL,
 * CUTOVER_EPARSE for a continuation line that is not `name = value`. */
static enum cutover_status services_endpoint(const struct aws_config *cfg, const char *services,
					     const char *key, const char **url, int *url_line,
					     struct cutover_err *err)
{
	const struct ini_doc *doc = &cfg->files[AWS_CONFIG_FILE_CONFIG];
	bool have_section = false;
	size_t start = doc->n;

	*url = NULL;
	for (size_t i = 0; i < doc->n; i++) {
		if (!section_is_services(doc->v[i].section, services))
			continue;
		have_section = true;
		if (!doc->v[i].cont && strcasecmp(doc->v[i].key, key) == 0)
			start = i;
	}
	if (!have_section)
		return cutover_errf(err, CUTOVER_ENOENT,
				    "profile %s says `services = %s` but %s has no [services %s] "
				    "section; add it or remove the services line",
				    cfg->profile, services, doc->path, services);
	if (start == doc->n)
		return CUTOVER_OK;
	if (doc->v[start].value[0])
		return cutover_errf(err, CUTOVER_EPARSE,
				    "%s:%d: in [services %s], `%s` must be followed by indented "
				    "lines such as `  endpoint_url = http://127.0.0.1:4566`, not a value "
				    "on the same line",
				    doc->path, doc->v[start].line, services, key);
	for (size_t i = start + 1; i < doc->n && doc->v[i].cont; i++) {
		const struct ini_entry *e = &doc->v[i];
		const char *eq = strchr(e->value, '=');
		size_t klen;
		const char *v;

		if (!eq)
			return cutover_errf(err, CUTOVER_EPARSE,
					    "%s:%d: in [services %s] under `%s`, expected `name = value`",
					    doc->path, e->line, services, key);
		klen = (size_t)(eq - e->value);
		while (klen > 0 && isspace((unsigned char)e->value[klen - 1]))
			klen--;
		v = eq + 1;
		while (isspace((unsigned char)*v))
			v++;
		if (klen == 12 && strncasecmp(e->value, "endpoint_url", 12) == 0) {
			*url = v;
			*url_line = e->line;
		}
	}
	return CUTOVER_OK;
}

enum cutover_status aws_config_resolve_endpoint(const struct aws_config *cfg, enum aws_service svc,
						const char *region, struct aws_endpoint *out,
						struct cutover_err *err)
{
	char name[96], what[AWS_ENDPOINT_URL_MAX + 64];
	const char *v, *ignore_env = getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	bool ignore;
	int line = 0;
	enum cutover_status st;

	memset(out, 0, sizeof(*out));
	if ((unsigned)svc >= AWS_SVC_COUNT)
		return cutover_errf(err, CUTOVER_EINVAL, "unknown AWS service %d", (int)svc);
	if (!region || !region_ok(region))
		return cutover_errf(err, CUTOVER_EVALIDATE,
				    "no valid region for %s endpoints; set one (see --region)",
				    aws_service_signing_name(svc));
	snprintf(out->signing_region, sizeof(out->signing_region), "%s", region);
	out->signing_name = aws_service_signing_name(svc);

	/* the environment variable, when set, decides over the profile */
	if (ignore_env && ignore_env[0])
		ignore = is_true(ignore_env);
	else
		ignore = cfg && is_true(profile_value(cfg, "ignore_configured_endpoint_urls",
						      NULL, NULL));
	if (!ignore) {
		snprintf(name, sizeof(name), "AWS_ENDPOINT_URL_%s", aws_service_env_suffix(svc));
		v = getenv(name);
		if (v && v[0])
			return set_url(out, v, name, err);
		v = getenv("AWS_ENDPOINT_URL");
		if (v && v[0])
			return set_url(out, v, "AWS_ENDPOINT_URL", err);
		if (cfg) {
			enum aws_config_file where = AWS_CONFIG_FILE_CONFIG;
			const char *services = profile_value(cfg, "services", NULL, NULL);

			if (services) {
				st = services_endpoint(cfg, services, aws_service_config_key(svc),
						       &v, &line, err);
				if (st != CUTOVER_OK)
					return st;
				if (v && v[0]) {
					snprintf(what, sizeof(what), "[services %s] %s in %s:%d",
						 services, aws_service_config_key(svc),
						 aws_config_path(cfg, AWS_CONFIG_FILE_CONFIG), line);
					return set_url(out, v, what, err);
				}
			}
			v = profile_value(cfg, "endpoint_url", &where, &line);
			if (v) {
				snprintf(what, sizeof(what), "endpoint_url in %s:%d",
					 aws_config_path(cfg, where), line);
				return set_url(out, v, what, err);
			}
		}
	}
	snprintf(out->url, sizeof(out->url), "https://%s.%s.amazonaws.com%s",
		 aws_service_host_prefix(svc), region, strncmp(region, "cn-", 3) == 0 ? ".cn" : "");
	snprintf(out->source, sizeof(out->source), "default");
	out->custom = false;
	return CUTOVER_OK;
}
