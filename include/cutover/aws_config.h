/* aws_config.h: the AWS shared config and credentials files, and what the
 * console derives from them and the environment: the region and each
 * service's endpoint.  The credential chain (aws_credentials_provider.h)
 * reads the profile's keys through this module too.
 *
 * A struct aws_config is a snapshot of both files for one profile, taken by
 * aws_config_load() and immutable afterwards, so any number of threads may
 * read it at once.  Environment variables are read when a resolve function
 * is called, not at load time.
 *
 * Files: AWS_CONFIG_FILE (default ~/.aws/config) with [default],
 * [profile NAME] and [services NAME] sections, and AWS_SHARED_CREDENTIALS_FILE
 * (default ~/.aws/credentials) whose sections are bare profile names.  Keys
 * are matched without regard to case, as botocore does.  Indented lines
 * continue the key above them (the `sfn =\n  endpoint_url = URL` syntax of
 * [services NAME]). */
#ifndef CUTOVER_AWS_CONFIG_H
#define CUTOVER_AWS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "cutover/aws_types.h"
#include "cutover/status.h"

struct aws_config;

enum aws_config_file {
	AWS_CONFIG_FILE_CONFIG,       /* ~/.aws/config */
	AWS_CONFIG_FILE_CREDENTIALS,  /* ~/.aws/credentials */
	AWS_CONFIG_FILE_COUNT
};

#define AWS_REGION_MAX 64
#define AWS_ENDPOINT_URL_MAX 512

/* Load both files for one profile.  profile NULL or "" means AWS_PROFILE,
 * then AWS_DEFAULT_PROFILE, then "default".  Missing files are fine (they
 * are simply empty).  Always sets *out (NULL on failure).  Errors:
 * CUTOVER_EPARSE for a malformed file (err names the file and line),
 * CUTOVER_EIO for an unreadable one, CUTOVER_ENOENT when a profile that was
 * named (argument or AWS_PROFILE) is in neither file. */
enum cutover_status aws_config_load(struct aws_config **out, const char *profile,
				    struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Free a snapshot.  NULL is a no-op. */
void aws_config_destroy(struct aws_config *cfg);

/* The profile this snapshot is for ("default", "prod", ...).  Borrowed. */
const char *aws_config_profile(const struct aws_config *cfg);

/* Path of one file as resolved at load time (may not exist).  Borrowed. */
const char *aws_config_path(const struct aws_config *cfg, enum aws_config_file file);

/* Whether the file existed at load time. */
bool aws_config_file_present(const struct aws_config *cfg, enum aws_config_file file);

/* Whether the profile has a section in that file. */
bool aws_config_has_profile(const struct aws_config *cfg, enum aws_config_file file);

/* The profile's value for key in one file, or NULL.  *line (may be NULL)
 * gets the line it was set on.  The string is borrowed from cfg. */
const char *aws_config_get(const struct aws_config *cfg, enum aws_config_file file,
			   const char *key, int *line);

/* The region, from the first of: flag_region (--region), runbook_region,
 * AWS_REGION, AWS_DEFAULT_REGION, the profile's `region` (config file, then
 * credentials file).  NULL or "" arguments are skipped; cfg may be NULL.
 * Writes it to region (AWS_REGION_MAX bytes) and, if from is not NULL, a
 * static description of where it came from ("--region", "runbook",
 * "AWS_REGION", "AWS_DEFAULT_REGION", "profile").  CUTOVER_ENOENT when none
 * is set, CUTOVER_EVALIDATE when the value is not a region name; err says
 * which source and how to set one. */
enum cutover_status aws_config_resolve_region(const struct aws_config *cfg, const char *flag_region,
					      const char *runbook_region,
					      char region[AWS_REGION_MAX], const char **from,
					      struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Where to send one service's requests and how to sign them. */
struct aws_endpoint {
	char url[AWS_ENDPOINT_URL_MAX];    /* scheme://host[:port][/path], no trailing '/' */
	char signing_region[AWS_REGION_MAX];
	const char *signing_name;          /* static: "states", "ssm", "monitoring", "sts" */
	char source[96];                   /* "AWS_ENDPOINT_URL_SFN", "[services x] sfn in F:L", "default" */
	bool custom;                       /* not the regional AWS host */
};

/* The endpoint for svc in region: AWS_ENDPOINT_URL_<SVC>, AWS_ENDPOINT_URL,
 * the profile's `services` section entry for the service, the profile's
 * `endpoint_url`, then https://<prefix>.<region>.amazonaws.com (".com.cn"
 * for cn- regions).  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the
 * profile's ignore_configured_endpoint_urls = true) skips all but the last.
 * The signing region is always region and the signing name always the
 * service's, whatever the URL.  cfg may be NULL.  CUTOVER_EVALIDATE for a URL
 * that is not http(s) or a bad region, CUTOVER_EPARSE for a malformed
 * services entry (file and line), CUTOVER_ENOENT when the profile names a
 * services section that does not exist. */
enum cutover_status aws_config_resolve_endpoint(const struct aws_config *cfg, enum aws_service svc,
						const char *region, struct aws_endpoint *out,
						struct cutover_err *err) CUTOVER_MUST_CHECK;

#endif
