/* test_aws_config.c: the shared config files, region order and endpoint
 * order, with real files in a private HOME and real environment variables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws_test_env.h"
#include "cutover/aws_config.h"

static const char *CONFIG =
	"# comment\n"
	"[default]\n"
	"region = eu-west-1\n"
	"aws_access_key_id = AKIDCONFIGDEFAULT\n"
	"\n"
	"[profile dev]\n"
	"region = us-east-2\n"
	"REGION_UPPER = yes\n"
	"Output = json\n"
	"services = local\n"
	"\n"
	"[dev]\n"
	"region = wrong-in-config\n"
	"\n"
	"[profile   spaced]\n"
	"region = ap-south-1\n"
	"\n"
	"[profile onlycfg]\n"
	"endpoint_url = http://127.0.0.1:9999/\n"
	"\n"
	"[services local]\n"
	"sfn =\n"
	"  endpoint_url = http://127.0.0.1:4566\n"
	"ssm =\n"
	"\n"
	"  endpoint_url = http://127.0.0.1:4567/\n"
	"  other = x\n"
	"\n"
	"[profile cn]\n"
	"region = cn-north-1\n";

static const char *CREDENTIALS =
	"[default]\n"
	"aws_access_key_id = AKIDCREDDEFAULT\n"
	"aws_secret_access_key = secretdefault\n"
	"[dev]\n"
	"aws_access_key_id = AKIDCREDDEV\n"
	"[profile dev]\n"
	"aws_access_key_id = WRONG-PROFILE-PREFIX-IN-CREDENTIALS\n"
	"[credonly]\n"
	"region = sa-east-1\n";

static void write_both(void)
{
	write_file(".aws/config", CONFIG, 0600);
	write_file(".aws/credentials", CREDENTIALS, 0600);
}

static struct aws_config *load(const char *profile)
{
	struct aws_config *cfg = (struct aws_config *)1;
	struct cutover_err err = { 0 };

	assert_int_equal(aws_config_load(&cfg, profile, &err), CUTOVER_OK);
	assert_non_null(cfg);
	return cfg;
}

/* [profile x] in config vs [x] in credentials, keys without regard to case */
static void test_sections(void **state)
{
	static const struct {
		const char *profile;
		enum aws_config_file file;
		const char *key;
		const char *want;   /* NULL: absent */
		int line;
	} rows[] = {
		{ "default", AWS_CONFIG_FILE_CONFIG, "region", "eu-west-1", 3 },
		{ "default", AWS_CONFIG_FILE_CREDENTIALS, "aws_access_key_id", "AKIDCREDDEFAULT", 2 },
		{ "dev", AWS_CONFIG_FILE_CONFIG, "region", "us-east-2", 7 },
		{ "dev", AWS_CONFIG_FILE_CONFIG, "output", "json", 9 },
		{ "dev", AWS_CONFIG_FILE_CONFIG, "OUTPUT", "json", 9 },
		{ "dev", AWS_CONFIG_FILE_CREDENTIALS, "aws_access_key_id", "AKIDCREDDEV", 5 },
		{ "dev", AWS_CONFIG_FILE_CREDENTIALS, "region", NULL, 0 },
		{ "spaced", AWS_CONFIG_FILE_CONFIG, "region", "ap-south-1", 16 },
		{ "credonly", AWS_CONFIG_FILE_CONFIG, "region", NULL, 0 },
		{ "credonly", AWS_CONFIG_FILE_CREDENTIALS, "region", "sa-east-1", 9 },
	};
	(void)state;

	write_both();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct aws_config *cfg = load(rows[i].profile);
		int line = -1;
		const char *v = aws_config_get(cfg, rows[i].file, rows[i].key, &line);

		if (rows[i].want) {
			assert_non_null(v);
			assert_string_equal(v, rows[i].want);
			assert_int_equal(line, rows[i].line);
		} else {
			assert_null(v);
		}
		aws_config_destroy(cfg);
	}
}

/* argument, then AWS_PROFILE, then AWS_DEFAULT_PROFILE, then "default" */
static void test_profile_selection(void **state)
{
	struct aws_config *cfg;
	struct cutover_err err = { 0 };
	(void)state;

	write_both();
	cfg = load(NULL);
	assert_string_equal(aws_config_profile(cfg), "default");
	aws_config_destroy(cfg);

	setenv("AWS_DEFAULT_PROFILE", "credonly", 1);
	cfg = load(NULL);
	assert_string_equal(aws_config_profile(cfg), "credonly");
	aws_config_destroy(cfg);

	setenv("AWS_PROFILE", "dev", 1);
	cfg = load(NULL);
	assert_string_equal(aws_config_profile(cfg), "dev");
	aws_config_destroy(cfg);

	cfg = load("spaced");
	assert_string_equal(aws_config_profile(cfg), "spaced");
	aws_config_destroy(cfg);

	/* a named profile that is nowhere is an error naming both files */
	assert_int_equal(aws_config_load(&cfg, "nosuch", &err), CUTOVER_ENOENT);
	assert_null(cfg);
	assert_non_null(strstr(err.msg, "\"nosuch\""));
	assert_non_null(strstr(err.msg, home_path(".aws/config")));
	assert_non_null(strstr(err.msg, home_path(".aws/credentials")));
	setenv("AWS_PROFILE", "nosuch2", 1);
	assert_int_equal(aws_config_load(&cfg, NULL, &err), CUTOVER_ENOENT);
	assert_non_null(strstr(err.msg, "AWS_PROFILE"));

	/* no files at all: "default" still loads (and is empty) */
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_DEFAULT_PROFILE");
	remove_tree(home_path(".aws/config"));
	remove_tree(home_path(".aws/credentials"));
	cfg = load(NULL);
	assert_false(aws_config_file_present(cfg, AWS_CONFIG_FILE_CONFIG));
	assert_false(aws_config_has_profile(cfg, AWS_CONFIG_FILE_CONFIG));
	assert_null(aws_config_get(cfg, AWS_CONFIG_FILE_CONFIG, "region", NULL));
	aws_config_destroy(cfg);
}

/* AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, with ~ expansion */
static void test_file_variables(void **state)
{
	struct aws_config *cfg;
	(void)state;

	write_both();
	write_file("other-config", "[default]\nregion = us-west-1\n", 0600);
	write_file("other-creds", "[default]\naws_access_key_id = AKIDOTHER\n", 0600);
	setenv("AWS_CONFIG_FILE", home_path("other-config"), 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "~/other-creds", 1);
	cfg = load(NULL);
	assert_string_equal(aws_config_get(cfg, AWS_CONFIG_FILE_CONFIG, "region", NULL),
			    "us-west-1");
	assert_string_equal(aws_config_get(cfg, AWS_CONFIG_FILE_CREDENTIALS, "aws_access_key_id",
					   NULL), "AKIDOTHER");
	assert_string_equal(aws_config_path(cfg, AWS_CONFIG_FILE_CREDENTIALS),
			    home_path("other-creds"));
	aws_config_destroy(cfg);
}

/* Malformed files: the error names the file and the line. */
static void test_malformed(void **state)
{
	static const struct {
		const char *file;
		const char *text;
		int line;
	} rows[] = {
		{ ".aws/config", "[default\nregion = x\n", 1 },
		{ ".aws/config", "[default]\nregion = eu-west-1\nthis line has no equals\n", 3 },
		{ ".aws/config", "; c\n\n[default]\n\n\nregion\n", 6 },
		{ ".aws/credentials", "[default]\naws_access_key_id = A\n[x]\n]bad[\n", 4 },
		{ ".aws/credentials", "key_before_section_is_fine = 1\n[default]\nbroken\n", 3 },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct aws_config *cfg = (struct aws_config *)1;
		struct cutover_err err = { 0 };
		char want[600];

		remove_tree(home_path(".aws/config"));
		remove_tree(home_path(".aws/credentials"));
		write_file(rows[i].file, rows[i].text, 0600);
		assert_int_equal(aws_config_load(&cfg, NULL, &err), CUTOVER_EPARSE);
		assert_null(cfg);
		snprintf(want, sizeof(want), "%s:%d:", home_path(rows[i].file), rows[i].line);
		if (!strstr(err.msg, want))
			fail_msg("row %zu: \"%s\" not in \"%s\"", i, want, err.msg);
	}
}

/* A directory where the file should be: an I/O error naming it. */
static void test_unreadable(void **state)
{
	struct aws_config *cfg;
	struct cutover_err err = { 0 };
	(void)state;

	mkdir(home_path("adir"), 0700);
	setenv("AWS_CONFIG_FILE", home_path("adir"), 1);
	assert_int_equal(aws_config_load(&cfg, NULL, &err), CUTOVER_EIO);
	assert_non_null(strstr(err.msg, home_path("adir")));
	assert_non_null(strstr(err.msg, "AWS_CONFIG_FILE"));
}

/* Session tokens are ~1000 bytes; inih's default line limit is 200. */
static void test_long_lines(void **state)
{
	char token[3001], text[3200];
	struct aws_config *cfg;
	(void)state;

	for (size_t i = 0; i < sizeof(token) - 1; i++)
		token[i] = (char)('A' + i % 26);
	token[sizeof(token) - 1] = '\0';
	snprintf(text, sizeof(text), "[default]\naws_session_token = %s\nregion = eu-west-3\n",
		 token);
	write_file(".aws/credentials", text, 0600);
	cfg = load(NULL);
	assert_string_equal(aws_config_get(cfg, AWS_CONFIG_FILE_CREDENTIALS, "aws_session_token",
					   NULL), token);
	assert_string_equal(aws_config_get(cfg, AWS_CONFIG_FILE_CREDENTIALS, "region", NULL),
			    "eu-west-3");
	aws_config_destroy(cfg);
}

/* --region, runbook, AWS_REGION, AWS_DEFAULT_REGION, profile */
static void test_region_order(void **state)
{
	static const struct {
		const char *flag, *runbook, *env, *env_default, *profile;
		const char *want, *from;
	} rows[] = {
		{ "us-east-1", "eu-central-1", "eu-north-1", "ca-central-1", "dev", "us-east-1", "--region" },
		{ NULL, "eu-central-1", "eu-north-1", "ca-central-1", "dev", "eu-central-1", "runbook" },
		{ "", "", "eu-north-1", "ca-central-1", "dev", "eu-north-1", "AWS_REGION" },
		{ NULL, NULL, NULL, "ca-central-1", "dev", "ca-central-1", "AWS_DEFAULT_REGION" },
		{ NULL, NULL, "", "", "dev", "us-east-2", "profile" },
		{ NULL, NULL, NULL, NULL, "default", "eu-west-1", "profile" },
		{ NULL, NULL, NULL, NULL, "credonly", "sa-east-1", "profile" },
	};
	(void)state;

	write_both();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct cutover_err err = { 0 };
		struct aws_config *cfg;
		char region[AWS_REGION_MAX];
		const char *from = NULL;

		if (rows[i].env)
			setenv("AWS_REGION", rows[i].env, 1);
		else
			unsetenv("AWS_REGION");
		if (rows[i].env_default)
			setenv("AWS_DEFAULT_REGION", rows[i].env_default, 1);
		else
			unsetenv("AWS_DEFAULT_REGION");
		cfg = load(rows[i].profile);
		assert_int_equal(aws_config_resolve_region(cfg, rows[i].flag, rows[i].runbook,
							   region, &from, &err), CUTOVER_OK);
		assert_string_equal(region, rows[i].want);
		assert_string_equal(from, rows[i].from);
		aws_config_destroy(cfg);
	}
}

static void test_region_errors(void **state)
{
	struct cutover_err err = { 0 };
	struct aws_config *cfg;
	char region[AWS_REGION_MAX];
	(void)state;

	write_file(".aws/config", "[profile noregion]\noutput = json\n[profile bad]\n"
		   "region = eu west 1\n", 0600);
	cfg = load("noregion");
	assert_int_equal(aws_config_resolve_region(cfg, NULL, NULL, region, NULL, &err),
			 CUTOVER_ENOENT);
	assert_non_null(strstr(err.msg, "--region"));
	assert_non_null(strstr(err.msg, "AWS_REGION"));
	assert_non_null(strstr(err.msg, "[profile noregion]"));
	aws_config_destroy(cfg);
	/* and without any config at all */
	assert_int_equal(aws_config_resolve_region(NULL, NULL, NULL, region, NULL, &err),
			 CUTOVER_ENOENT);

	cfg = load("bad");
	assert_int_equal(aws_config_resolve_region(cfg, NULL, NULL, region, NULL, &err),
			 CUTOVER_EVALIDATE);
	assert_non_null(strstr(err.msg, "eu west 1"));
	assert_non_null(strstr(err.msg, ":4"));
	assert_int_equal(aws_config_resolve_region(cfg, "-bad-", NULL, region, NULL, &err),
			 CUTOVER_EVALIDATE);
	assert_non_null(strstr(err.msg, "--region"));
	aws_config_destroy(cfg);
}

/* Per-service variable, global variable, services section, endpoint_url,
 * regional default; signing region and name never follow the URL. */
static void test_endpoint_order(void **state)
{
	static const struct {
		const char *profile;
		enum aws_service svc;
		const char *env_svc_name, *env_svc, *env_all, *ignore;
		const char *region;
		const char *want_url, *want_source;
	} rows[] = {
		{ "dev", AWS_SVC_SFN, "AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:1111/", "http://127.0.0.1:2222", NULL,
		  "eu-west-1", "http://127.0.0.1:1111", "AWS_ENDPOINT_URL_SFN" },
		{ "dev", AWS_SVC_SSM, "AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:1111", "http://127.0.0.1:2222", NULL,
		  "eu-west-1", "http://127.0.0.1:2222", "AWS_ENDPOINT_URL" },
		{ "dev", AWS_SVC_CLOUDWATCH, "AWS_ENDPOINT_URL_CLOUDWATCH", "https://cw.example.test", NULL, NULL,
		  "eu-west-1", "https://cw.example.test", "AWS_ENDPOINT_URL_CLOUDWATCH" },
		{ "dev", AWS_SVC_STS, "AWS_ENDPOINT_URL_STS", "http://127.0.0.1:3333", NULL, NULL,
		  "eu-west-1", "http://127.0.0.1:3333", "AWS_ENDPOINT_URL_STS" },
		{ "dev", AWS_SVC_SSM, "AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:3334", NULL, NULL,
		  "eu-west-1", "http://127.0.0.1:3334", "AWS_ENDPOINT_URL_SSM" },
		{ "dev", AWS_SVC_SFN, NULL, NULL, NULL, NULL,
		  "eu-west-1", "http://127.0.0.1:4566", "[services local] sfn in " },
		{ "dev", AWS_SVC_SSM, NULL, NULL, NULL, NULL,
		  "eu-west-1", "http://127.0.0.1:4567", "[services local] ssm in " },
		{ "dev", AWS_SVC_CLOUDWATCH, NULL, NULL, NULL, NULL,
		  "eu-west-1", "https://monitoring.eu-west-1.amazonaws.com", "default" },
		{ "onlycfg", AWS_SVC_STS, NULL, NULL, NULL, NULL,
		  "us-east-1", "http://127.0.0.1:9999", "endpoint_url in " },
		{ "default", AWS_SVC_SFN, NULL, NULL, NULL, NULL,
		  "eu-west-1", "https://states.eu-west-1.amazonaws.com", "default" },
		{ "default", AWS_SVC_STS, NULL, NULL, NULL, NULL,
		  "cn-north-1", "https://sts.cn-north-1.amazonaws.com.cn", "default" },
		{ "dev", AWS_SVC_SFN, "AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:1111", "http://127.0.0.1:2222", "true",
		  "eu-west-1", "https://states.eu-west-1.amazonaws.com", "default" },
		{ "dev", AWS_SVC_SFN, "AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:1111", NULL, "false",
		  "eu-west-1", "http://127.0.0.1:1111", "AWS_ENDPOINT_URL_SFN" },
	};
	(void)state;

	write_both();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct cutover_err err = { 0 };
		struct aws_endpoint ep;
		struct aws_config *cfg;

		unsetenv("AWS_ENDPOINT_URL_SFN");
		unsetenv("AWS_ENDPOINT_URL_SSM");
		unsetenv("AWS_ENDPOINT_URL_CLOUDWATCH");
		unsetenv("AWS_ENDPOINT_URL_STS");
		if (rows[i].env_svc_name)
			setenv(rows[i].env_svc_name, rows[i].env_svc, 1);
		if (rows[i].env_all)
			setenv("AWS_ENDPOINT_URL", rows[i].env_all, 1);
		else
			unsetenv("AWS_ENDPOINT_URL");
		if (rows[i].ignore)
			setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", rows[i].ignore, 1);
		else
			unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
		cfg = load(rows[i].profile);
		assert_int_equal(aws_config_resolve_endpoint(cfg, rows[i].svc, rows[i].region, &ep,
							     &err), CUTOVER_OK);
		if (strcmp(ep.url, rows[i].want_url) != 0 ||
		    strncmp(ep.source, rows[i].want_source, strlen(rows[i].want_source)) != 0)
			fail_msg("row %zu: got %s from %s", i, ep.url, ep.source);
		assert_string_equal(ep.signing_region, rows[i].region);
		assert_string_equal(ep.signing_name, aws_service_signing_name(rows[i].svc));
		assert_int_equal(ep.custom, strcmp(rows[i].want_source, "default") != 0);
		aws_config_destroy(cfg);
	}
	/* the per-service signing names, whatever the URL */
	assert_string_equal(aws_service_signing_name(AWS_SVC_SFN), "states");
	assert_string_equal(aws_service_signing_name(AWS_SVC_CLOUDWATCH), "monitoring");
}

/* the profile's ignore_configured_endpoint_urls, overridden by the variable */
static void test_endpoint_ignore_in_profile(void **state)
{
	struct cutover_err err = { 0 };
	struct aws_endpoint ep;
	struct aws_config *cfg;
	(void)state;

	write_file(".aws/config", "[default]\nendpoint_url = http://127.0.0.1:5555\n"
		   "ignore_configured_endpoint_urls = true\n", 0600);
	cfg = load(NULL);
	assert_int_equal(aws_config_resolve_endpoint(cfg, AWS_SVC_SSM, "eu-west-1", &ep, &err),
			 CUTOVER_OK);
	assert_string_equal(ep.url, "https://ssm.eu-west-1.amazonaws.com");
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false", 1);
	assert_int_equal(aws_config_resolve_endpoint(cfg, AWS_SVC_SSM, "eu-west-1", &ep, &err),
			 CUTOVER_OK);
	assert_string_equal(ep.url, "http://127.0.0.1:5555");
	aws_config_destroy(cfg);
}

static void test_endpoint_errors(void **state)
{
	static const struct {
		const char *config;
		const char *env;           /* AWS_ENDPOINT_URL */
		enum cutover_status want;
		const char *needle;
	} rows[] = {
		{ "[default]\n", "ftp://127.0.0.1/", CUTOVER_EVALIDATE, "AWS_ENDPOINT_URL" },
		{ "[default]\n", "http://", CUTOVER_EVALIDATE, "no host" },
		{ "[default]\nendpoint_url = 127.0.0.1:4566\n", NULL, CUTOVER_EVALIDATE, "config:2" },
		{ "[default]\nservices = gone\n", NULL, CUTOVER_ENOENT, "[services gone]" },
		{ "[default]\nservices = s\n[services s]\nssm = http://x\n", NULL, CUTOVER_EPARSE,
		  "config:4:" },
		{ "[default]\nservices = s\n[services s]\nssm =\n  endpoint_url http://x\n", NULL,
		  CUTOVER_EPARSE, "config:5:" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct cutover_err err = { 0 };
		struct aws_endpoint ep;
		struct aws_config *cfg;

		write_file(".aws/config", rows[i].config, 0600);
		if (rows[i].env)
			setenv("AWS_ENDPOINT_URL", rows[i].env, 1);
		else
			unsetenv("AWS_ENDPOINT_URL");
		cfg = load(NULL);
		assert_int_equal(aws_config_resolve_endpoint(cfg, AWS_SVC_SSM, "eu-west-1", &ep, &err),
				 rows[i].want);
		if (!strstr(err.msg, rows[i].needle))
			fail_msg("row %zu: \"%s\" not in \"%s\"", i, rows[i].needle, err.msg);
		aws_config_destroy(cfg);
	}
	{
		struct cutover_err err = { 0 };
		struct aws_endpoint ep;

		assert_int_equal(aws_config_resolve_endpoint(NULL, AWS_SVC_SSM, NULL, &ep, &err),
				 CUTOVER_EVALIDATE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sections, aws_env_setup, aws_env_teardown),
		cmocka_unit_test_setup_teardown(test_profile_selection, aws_env_setup, aws_env_teardown),
		cmocka_unit_test_setup_teardown(test_file_variables, aws_env_setup, aws_env_teardown),
		cmocka_unit_test_setup_teardown(test_malformed, aws_env_setup, aws_env_teardown),
		cmocka_unit_test_setup_teardown(test_unreadable, aws_env_setup, aws_env_teardown),
		cmocka_unit_test_setup_teardown(test_long_lines, aws_env_setup, aws_env_teardown),
		cmocka_unit_test_setup_teardown(test_region_order, aws_env_setup, aws_env_teardown),
		cmocka_unit_test_setup_teardown(test_region_errors, aws_env_setup, aws_env_teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_order, aws_env_setup, aws_env_teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_ignore_in_profile, aws_env_setup,
						aws_env_teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_errors, aws_env_setup, aws_env_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
