/* test_aws_credentials.c: the credential chain end to end: real files, real
 * environment variables, real credential_process scripts, and a loopback
 * HTTP server (tests/lib/aws_metadata_server.py) standing in for the
 * container endpoint and IMDSv2.  Nothing leaves 127.0.0.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include <curl/curl.h>

#include "aws/aws_credentials_json.h"
#include "aws/aws_time.h"
#include "aws/credential_process.h"
#include "aws_test_env.h"
#include "cutover/aws_credentials_provider.h"

extern char **environ;

#define CONTAINER_TOKEN "container-auth-token-42"

static pid_t server_pid = -1;
static int server_port;
static char server_log[256];

/* ---- helpers ------------------------------------------------------------ */

static time_t fake_now;

static time_t fake_clock(void *ctx)
{
	(void)ctx;
	return fake_now;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void write_script(const char *name, const char *body)
{
	char text[4096];

	snprintf(text, sizeof(text), "#!/bin/sh\n%s", body);
	write_file(name, text, 0755);
}

static int read_count(void)
{
	FILE *fp = fopen(home_path("count"), "r");
	int n = 0;

	if (fp) {
		if (fscanf(fp, "%d", &n) != 1)
			n = -1;
		fclose(fp);
	}
	return n;
}

static int log_lines(void)
{
	FILE *fp = fopen(server_log, "r");
	int n = 0, c;

	if (!fp)
		return 0;
	while ((c = fgetc(fp)) != EOF)
		n += c == '\n';
	fclose(fp);
	return n;
}

static char *log_text(void)
{
	static char buf[4096];
	FILE *fp = fopen(server_log, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (fp) {
		n = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
	}
	buf[n] = '\0';
	return buf;
}

/* Create a provider, ask it once, destroy it. */
static enum cutover_status get_once(const struct aws_credentials_provider_options *opts,
				    struct aws_credentials *c, struct cutover_err *err)
{
	struct aws_credentials_provider *p = NULL;
	enum cutover_status st;

	memset(c, 0, sizeof(*c));
	st = aws_credentials_provider_create(&p, opts, err);
	if (st != CUTOVER_OK) {
		assert_null(p);
		return st;
	}
	st = aws_credentials_provider_get(p, c, err);
	aws_credentials_provider_destroy(p);
	return st;
}

static void assert_no_secret(const char *msg)
{
	static const char *const secrets[] = { "SECRETPROC", "SECRETSTDOUT", "SECRETGARBAGE", "SECRETX", "secret/", "containersecret", "imdssecret",
					       "TOKENPROC", "envsecret", "filesecret" };

	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		if (strstr(msg, secrets[i]))
			fail_msg("secret \"%s\" in error text: %s", secrets[i], msg);
}

static int group_setup(void **state)
{
	char script[512], port[32];
	char *argv[5];
	int fds[2];
	posix_spawn_file_actions_t fa;
	FILE *fp;

	(void)state;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return -1;
	snprintf(server_log, sizeof(server_log), "/tmp/cutover-awsmeta-%d.log", (int)getpid());
	unlink(server_log);
	snprintf(script, sizeof(script), "%s/tests/lib/aws_metadata_server.py", SRCDIR);
	argv[0] = "python3";
	argv[1] = script;
	argv[2] = server_log;
	argv[3] = CONTAINER_TOKEN;
	argv[4] = NULL;
	if (pipe(fds) != 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	if (posix_spawnp(&server_pid, "python3", &fa, NULL, argv, environ) != 0)
		return -1;
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	fp = fdopen(fds[0], "r");
	if (!fp || !fgets(port, sizeof(port), fp))
		return -1;
	fclose(fp);
	server_port = (int)strtol(port, NULL, 10);
	return server_port > 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	int status;

	(void)state;
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, &status, 0);
	}
	unlink(server_log);
	curl_global_cleanup();
	return 0;
}

static int setup(void **state)
{
	unlink(server_log);
	fake_now = 0;
	return aws_env_setup(state);
}

/* ---- credential_process word splitting ---------------------------------- */

static void test_split(void **state)
{
	static const struct {
		const char *cmd;
		const char *want;   /* words joined by '|'; NULL: an error */
	} rows[] = {
		{ "/bin/helper", "/bin/helper" },
		{ "  aws configure export-credentials --profile sso-admin --format process ",
		  "aws|configure|export-credentials|--profile|sso-admin|--format|process" },
		{ "\"/opt/my tools/get creds\" --arg \"two words\"",
		  "/opt/my tools/get creds|--arg|two words" },
		{ "x 'single $HOME quoted' \"dq \\\"in\\\" $HOME\"", "x|single $HOME quoted|dq \"in\" $HOME" },
		{ "a\\ b c\"d\"e ''", "a b|cde|" },
		{ "~/bin/x", "~/bin/x" },
		{ "\"unterminated", NULL },
		{ "'also", NULL },
		{ "   ", NULL },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct cutover_err err = { 0 };
		char **argv = NULL, joined[512] = "";
		enum cutover_status st = credential_process_split(rows[i].cmd, &argv, &err);

		if (!rows[i].want) {
			assert_int_equal(st, CUTOVER_EPARSE);
			assert_null(argv);
			continue;
		}
		assert_int_equal(st, CUTOVER_OK);
		for (char **a = argv; *a; a++) {
			size_t n = strlen(joined);

			snprintf(joined + n, sizeof(joined) - n, "%s%s", a == argv ? "" : "|", *a);
		}
		if (strcmp(joined, rows[i].want) != 0)
			fail_msg("row %zu: got \"%s\" want \"%s\"", i, joined, rows[i].want);
		credential_process_argv_free(argv);
	}
}

/* ---- the JSON documents and RFC 3339 ------------------------------------ */

static void test_json_and_time(void **state)
{
	static const struct {
		const char *ts;
		long long want;   /* -1: invalid */
	} times[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2030-01-01T00:00:00Z", 1893456000LL },
		{ "2030-01-01T00:00:00.123456Z", 1893456000LL },
		{ "2030-01-01T02:00:00+02:00", 1893456000LL },
		{ "2029-12-31T19:00:00-05:00", 1893456000LL },
		{ "2024-02-29T12:00:00Z", 1709208000LL },
		{ "2023-02-29T12:00:00Z", -1 },
		{ "2030-01-01T00:00:00", -1 },
		{ "2030-01-01", -1 },
		{ "tomorrow", -1 },
		{ "2030-01-01T00:00:00Zjunk", -1 },
	};
	struct aws_credentials c;
	struct cutover_err err = { 0 };
	char buf[32];
	(void)state;

	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		time_t t = 0;
		enum cutover_status st = aws_time_parse_rfc3339(times[i].ts, &t);

		if (times[i].want < 0) {
			assert_int_equal(st, CUTOVER_EPARSE);
		} else {
			assert_int_equal(st, CUTOVER_OK);
			assert_int_equal((long long)t, times[i].want);
		}
	}
	aws_time_format_rfc3339((time_t)1893456000LL, buf, sizeof(buf));
	assert_string_equal(buf, "2030-01-01T00:00:00Z");

	/* container documents use Token, process documents SessionToken */
	const char *doc = "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"SECRETX\",\"Token\":\"T\"}";
	assert_int_equal(aws_credentials_from_json(doc, strlen(doc), AWS_CREDS_DOC_CONTAINER, &c,
						   &err), CUTOVER_OK);
	assert_string_equal(c.session_token, "T");
	assert_int_equal(c.expiration, 0);
	aws_credentials_clear(&c);
	/* IMDS requires Token and Expiration, and Code Success */
	assert_int_equal(aws_credentials_from_json(doc, strlen(doc), AWS_CREDS_DOC_IMDS, &c, &err),
			 CUTOVER_EVALIDATE);
	assert_non_null(strstr(err.msg, "Expiration"));
	doc = "{\"Code\":\"Expired\",\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"SECRETX\","
	      "\"Token\":\"T\",\"Expiration\":\"2030-01-01T00:00:00Z\"}";
	assert_int_equal(aws_credentials_from_json(doc, strlen(doc), AWS_CREDS_DOC_IMDS, &c, &err),
			 CUTOVER_EVALIDATE);
	assert_non_null(strstr(err.msg, "Expired"));
	doc = "{\"Version\":1,\"AccessKeyId\":5,\"SecretAccessKey\":\"SECRETX\"}";
	assert_int_equal(aws_credentials_from_json(doc, strlen(doc), AWS_CREDS_DOC_PROCESS, &c,
						   &err), CUTOVER_EPARSE);
	assert_non_null(strstr(err.msg, "AccessKeyId"));
	assert_no_secret(err.msg);
	assert_null(c.access_key_id);
}

/* ---- sources and their order -------------------------------------------- */

static void test_env_source(void **state)
{
	struct aws_credentials c;
	struct cutover_err err = { 0 };
	(void)state;

	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_OK);
	assert_string_equal(c.access_key_id, "AKIDENV");
	assert_string_equal(c.secret_access_key, "envsecret");
	assert_null(c.session_token);
	assert_int_equal(c.expiration, 0);
	assert_string_equal(c.source, "environment");
	aws_credentials_clear(&c);

	/* the legacy alias, then AWS_SESSION_TOKEN winning over it */
	setenv("AWS_SECURITY_TOKEN", "legacytoken", 1);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_OK);
	assert_string_equal(c.session_token, "legacytoken");
	aws_credentials_clear(&c);
	setenv("AWS_SESSION_TOKEN", "sessiontoken", 1);
	setenv("AWS_CREDENTIAL_EXPIRATION", "2099-01-01T00:00:00Z", 1);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_OK);
	assert_string_equal(c.session_token, "sessiontoken");
	assert_int_equal((long long)c.expiration, 4070908800LL);
	aws_credentials_clear(&c);

	setenv("AWS_CREDENTIAL_EXPIRATION", "soon", 1);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_EVALIDATE);
	assert_non_null(strstr(err.msg, "AWS_CREDENTIAL_EXPIRATION"));
	setenv("AWS_CREDENTIAL_EXPIRATION", "2001-01-01T00:00:00Z", 1);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_EAUTH);
	assert_non_null(strstr(err.msg, "expired at 2001-01-01T00:00:00Z"));
	assert_non_null(strstr(err.msg, "environment"));
	assert_no_secret(err.msg);
	unsetenv("AWS_CREDENTIAL_EXPIRATION");

	/* half set is an error, not a fall-through to another identity */
	unsetenv("AWS_SECRET_ACCESS_KEY");
	write_file(".aws/credentials", "[default]\naws_access_key_id = AKIDFILE\n"
		   "aws_secret_access_key = filesecret\n", 0600);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_EAUTH);
	assert_non_null(strstr(err.msg, "AWS_SECRET_ACCESS_KEY is not"));
	assert_no_secret(err.msg);
}

struct precedence_row {
	const char *name;
	const char *credentials, *config;   /* file texts, NULL: no file */
	bool env_keys, container, imds;
	const char *aws_profile;            /* AWS_PROFILE */
	const char *profile;                /* --profile */
	const char *want_akid, *want_source;
};

static void test_precedence(void **state)
{
	static const char *CREDS = "[default]\naws_access_key_id = AKIDCREDS\n"
				   "aws_secret_access_key = filesecret\n"
				   "[dev]\naws_access_key_id = AKIDCREDSDEV\n"
				   "aws_secret_access_key = filesecret\naws_session_token = devtoken\n";
	static const char *CONF_KEYS = "[default]\naws_access_key_id = AKIDCONF\n"
				       "aws_secret_access_key = filesecret\n"
				       "credential_process = ~PROC~\n"
				       "[profile dev]\nregion = eu-west-1\n";
	static const char *CONF_PROC = "[default]\ncredential_process = ~PROC~\n"
				       "[profile dev]\ncredential_process = ~PROC~\n";
	static const char *CREDS_PROC = "[default]\ncredential_process = ~PROC~\n";
	const struct precedence_row rows[] = {
		{ "env first", CREDS, CONF_KEYS, true, true, true, NULL, NULL, "AKIDENV", "environment" },
		{ "AWS_PROFILE keeps env", CREDS, CONF_KEYS, true, false, false, "dev", NULL, "AKIDENV",
		  "environment" },
		{ "--profile skips env", CREDS, CONF_KEYS, true, false, false, NULL, "dev", "AKIDCREDSDEV",
		  "profile dev (credentials file)" },
		{ "credentials before config", CREDS, CONF_KEYS, false, true, true, NULL, NULL, "AKIDCREDS",
		  "profile default (credentials file)" },
		{ "config keys before process", NULL, CONF_KEYS, false, true, true, NULL, NULL, "AKIDCONF",
		  "profile default (config file)" },
		{ "process", NULL, CONF_PROC, false, true, true, NULL, NULL, "AKIDPROC1",
		  "credential_process (profile default)" },
		{ "process via AWS_PROFILE", CREDS, CONF_PROC, false, false, false, "dev", NULL,
		  "AKIDCREDSDEV", "profile dev (credentials file)" },
		{ "process in credentials file", CREDS_PROC, NULL, false, true, false, NULL, NULL,
		  "AKIDPROC1", "credential_process (profile default)" },
		{ "container before IMDS", NULL, NULL, false, true, true, NULL, NULL, "ASIACONTAINER",
		  "container endpoint" },
		{ "IMDS last", NULL, "[default]\nregion = eu-west-1\n", false, false, true, NULL, NULL,
		  "ASIAIMDS", "instance metadata (role cutover-test-role)" },
	};
	(void)state;

	write_script("proc.sh",
		     "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC1\", \"SecretAccessKey\": "
		     "\"SECRETPROC\", \"SessionToken\": \"TOKENPROC\"}'\n");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct precedence_row *r = &rows[i];
		struct aws_credentials_provider_options opts = { 0 };
		struct aws_credentials c;
		struct cutover_err err = { 0 };
		char url[128], text[1024];

		remove_tree(home_path(".aws/config"));
		remove_tree(home_path(".aws/credentials"));
		if (r->credentials) {
			const char *at = strstr(r->credentials, "~PROC~");

			snprintf(text, sizeof(text), "%.*s%s%s", at ? (int)(at - r->credentials) : (int)strlen(r->credentials),
				 r->credentials, at ? home_path("proc.sh") : "", at ? at + 6 : "");
			write_file(".aws/credentials", text, 0600);
		}
		if (r->config) {
			/* ~PROC~ may appear twice */
			const char *a = strstr(r->config, "~PROC~");
			const char *b = a ? strstr(a + 6, "~PROC~") : NULL;

			if (!a)
				snprintf(text, sizeof(text), "%s", r->config);
			else if (!b)
				snprintf(text, sizeof(text), "%.*s%s%s", (int)(a - r->config), r->config,
					 home_path("proc.sh"), a + 6);
			else
				snprintf(text, sizeof(text), "%.*s%s%.*s%s%s", (int)(a - r->config),
					 r->config, home_path("proc.sh"), (int)(b - a - 6), a + 6,
					 home_path("proc.sh"), b + 6);
			write_file(".aws/config", text, 0600);
		}
		if (r->env_keys) {
			setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
			setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
		} else {
			unsetenv("AWS_ACCESS_KEY_ID");
			unsetenv("AWS_SECRET_ACCESS_KEY");
		}
		if (r->container) {
			snprintf(url, sizeof(url), "http://127.0.0.1:%d/creds", server_port);
			setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
			setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", CONTAINER_TOKEN, 1);
		} else {
			unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
		}
		if (r->imds) {
			snprintf(url, sizeof(url), "http://127.0.0.1:%d", server_port);
			setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);
			unsetenv("AWS_EC2_METADATA_DISABLED");
		} else {
			setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
		}
		if (r->aws_profile)
			setenv("AWS_PROFILE", r->aws_profile, 1);
		else
			unsetenv("AWS_PROFILE");
		opts.profile = r->profile;
		opts.profile_explicit = r->profile != NULL;
		if (get_once(&opts, &c, &err) != CUTOVER_OK)
			fail_msg("%s: %s", r->name, err.msg);
		if (strcmp(c.access_key_id, r->want_akid) != 0 || strcmp(c.source, r->want_source) != 0)
			fail_msg("%s: got %s from \"%s\"", r->name, c.access_key_id, c.source);
		aws_credentials_clear(&c);
	}
}

static void test_static_keys(void **state)
{
	struct aws_credentials c;
	struct cutover_err err = { 0 };
	struct aws_credentials_provider_options opts = { .profile = "x", .profile_explicit = true };
	(void)state;

	write_file(".aws/credentials", "[x]\naws_access_key_id = AKIDX\n"
		   "aws_secret_access_key = filesecret\naws_security_token = legacy\n", 0600);
	assert_int_equal(get_once(&opts, &c, &err), CUTOVER_OK);
	assert_string_equal(c.session_token, "legacy");
	aws_credentials_clear(&c);

	/* half a key pair: an error naming file and line, not a fall-through */
	write_file(".aws/credentials", "[default]\nregion = x\n\naws_access_key_id = AKIDX\n", 0600);
	write_file(".aws/config", "[default]\naws_access_key_id = AKIDC\n"
		   "aws_secret_access_key = filesecret\n", 0600);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_EAUTH);
	assert_non_null(strstr(err.msg, home_path(".aws/credentials")));
	assert_non_null(strstr(err.msg, ":4:"));
	assert_non_null(strstr(err.msg, "aws_secret_access_key"));

	/* a malformed file stops create with file and line */
	write_file(".aws/config", "[default]\naws_access_key_id = AKIDC\nnot a setting\n", 0600);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_EPARSE);
	assert_non_null(strstr(err.msg, ".aws/config:3:"));
}

/* ---- credential_process ------------------------------------------------- */

static void test_process_valid(void **state)
{
	struct aws_credentials c;
	struct cutover_err err = { 0 };
	char conf[1024];
	(void)state;

	write_script("my helper.sh",
		     "printf '%s\\n' \"$@\" > \"$HOME/args\"\n"
		     "cat <<EOF\n{\"Version\": 1, \"AccessKeyId\": \"ASIAPROC\",\n"
		     " \"SecretAccessKey\": \"SECRETPROC\", \"SessionToken\": \"TOKENPROC\",\n"
		     " \"Expiration\": \"2099-01-01T00:00:00Z\"}\nEOF\n");
	snprintf(conf, sizeof(conf), "[default]\ncredential_process = \"%s\" --profile "
		 "\"two words\" 'x y' plain\n", home_path("my helper.sh"));
	write_file(".aws/config", conf, 0600);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_OK);
	assert_string_equal(c.access_key_id, "ASIAPROC");
	assert_string_equal(c.secret_access_key, "SECRETPROC");
	assert_string_equal(c.session_token, "TOKENPROC");
	assert_int_equal((long long)c.expiration, 4070908800LL);
	aws_credentials_clear(&c);
	{
		FILE *fp = fopen(home_path("args"), "r");
		char args[256] = "";
		size_t n;

		assert_non_null(fp);
		n = fread(args, 1, sizeof(args) - 1, fp);
		args[n] = '\0';
		fclose(fp);
		assert_string_equal(args, "--profile\ntwo words\nx y\nplain\n");
	}
}

static void test_process_failures(void **state)
{
	static const struct {
		const char *name;
		const char *script;       /* body; NULL: see cmd */
		const char *cmd;          /* NULL: the script */
		int timeout_ms;
		enum cutover_status want;
		const char *needle;
	} rows[] = {
		{ "exit status", "echo '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"SECRETSTDOUT\"}'\n"
		  "echo 'first line' >&2\necho 'Error: SSO session expired, run aws sso login' >&2\nexit 3\n",
		  NULL, 0, CUTOVER_EEXEC, "status 3 (stderr: \"Error: SSO session expired, run aws sso login\")" },
		{ "garbage", "echo 'SECRETSTDOUT AKIA0000 this is not JSON {'\n", NULL, 0, CUTOVER_EPARSE,
		  "not a JSON object" },
		{ "empty output", "true\n", NULL, 0, CUTOVER_EPARSE, "not credential JSON" },
		{ "version 2", "echo '{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"SECRETSTDOUT\"}'\n",
		  NULL, 0, CUTOVER_EVALIDATE, "\"Version\" must be the number 1" },
		{ "no secret", "echo '{\"Version\":1,\"AccessKeyId\":\"A\"}'\n", NULL, 0, CUTOVER_EVALIDATE,
		  "\"SecretAccessKey\" is missing" },
		{ "expired", "echo '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"SECRETSTDOUT\","
		  "\"Expiration\":\"2001-02-03T04:05:06Z\"}'\n", NULL, 0, CUTOVER_EAUTH,
		  "expired at 2001-02-03T04:05:06Z" },
		{ "bad expiration", "echo '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"SECRETSTDOUT\","
		  "\"Expiration\":\"next tuesday\"}'\n", NULL, 0, CUTOVER_EPARSE, "RFC 3339" },
		{ "killed", "kill -9 $$\n", NULL, 0, CUTOVER_EEXEC, "killed by signal 9" },
		{ "too much output", "yes SECRETSTDOUT | head -c 200000\n", NULL, 0, CUTOVER_EPARSE,
		  "more than 65536 bytes" },
		{ "timeout", "echo SECRETSTDOUT\nsleep 10\necho done\n", NULL, 300, CUTOVER_ETIMEOUT,
		  "did not finish within 300 ms" },
		{ "missing program", NULL, "/nonexistent/helper --x", 0, CUTOVER_EEXEC,
		  "cannot run \"/nonexistent/helper\"" },
		/* a planted escape sequence in the config does not reach the terminal */
		{ "control bytes in the name", NULL, "/nonexistent/\x1b[31m\x07helper --x", 0,
		  CUTOVER_EEXEC, "cannot run \"/nonexistent/?[31m?helper\"" },
		{ "bad quoting", NULL, "\"/bin/helper --x", 0, CUTOVER_EPARSE, "unterminated \" quote" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct aws_credentials_provider_options opts = { .process_timeout_ms = rows[i].timeout_ms };
		struct aws_credentials c;
		struct cutover_err err = { 0 };
		char conf[1024];
		enum cutover_status st;
		double t0;

		if (rows[i].script)
			write_script("fail.sh", rows[i].script);
		snprintf(conf, sizeof(conf), "[profile p]\ncredential_process = %s\n",
			 rows[i].cmd ? rows[i].cmd : home_path("fail.sh"));
		write_file(".aws/config", conf, 0600);
		setenv("AWS_PROFILE", "p", 1);
		t0 = mono();
		st = get_once(&opts, &c, &err);
		if (st != rows[i].want || !strstr(err.msg, rows[i].needle))
			fail_msg("%s: status %d, message: %s", rows[i].name, st, err.msg);
		assert_no_secret(err.msg);
		assert_null(c.access_key_id);
		/* every message says which setting, where */
		if (st != CUTOVER_EAUTH && !strstr(err.msg, "credential_process of profile p ("))
			fail_msg("%s: no location in: %s", rows[i].name, err.msg);
		/* the timeout kills promptly */
		if (rows[i].timeout_ms)
			assert_true(mono() - t0 < 3.0);
	}
}

/* Refresh ahead of expiry, observed through a script that counts its runs. */
static const char *REFRESH_SCRIPT =
	"D=\"$HOME\"\n"
	"n=$(cat \"$D/count\" 2>/dev/null || echo 0)\n"
	"n=$((n+1))\n"
	"echo \"$n\" > \"$D/count\"\n"
	"if [ -f \"$D/fail\" ]; then echo 'helper refused' >&2; exit 4; fi\n"
	"if [ -f \"$D/sleep\" ]; then sleep \"$(cat \"$D/sleep\")\"; fi\n"
	"printf '{\"Version\":1,\"AccessKeyId\":\"AKIDPROC%s\",\"SecretAccessKey\":\"SECRETPROC\","
	"\"SessionToken\":\"TOKENPROC\",\"Expiration\":\"%s\"}\\n' \"$n\" \"$(cat \"$D/exp\")\"\n";

static void set_expiry(time_t t)
{
	char buf[32];

	aws_time_format_rfc3339(t, buf, sizeof(buf));
	write_file("exp", buf, 0600);
}

static struct aws_credentials_provider *refresh_provider(void)
{
	struct aws_credentials_provider_options opts = { .now = fake_clock };
	struct aws_credentials_provider *p;
	struct cutover_err err = { 0 };
	char conf[512];

	write_script("refresh.sh", REFRESH_SCRIPT);
	snprintf(conf, sizeof(conf), "[default]\ncredential_process = %s\n",
		 home_path("refresh.sh"));
	write_file(".aws/config", conf, 0600);
	assert_int_equal(aws_credentials_provider_create(&p, &opts, &err), CUTOVER_OK);
	return p;
}

static void expect_key(struct aws_credentials_provider *p, const char *akid)
{
	struct aws_credentials c;
	struct cutover_err err = { 0 };

	if (aws_credentials_provider_get(p, &c, &err) != CUTOVER_OK)
		fail_msg("get: %s", err.msg);
	assert_string_equal(c.access_key_id, akid);
	aws_credentials_clear(&c);
}

static void test_process_refresh(void **state)
{
	const time_t E = (time_t)1893456000LL + 3600;   /* 2030-01-01T01:00:00Z */
	const time_t E2 = E + 3600, E3 = E2 + 7200;
	struct aws_credentials_provider *p;
	struct aws_credentials_info info;
	struct aws_credentials c;
	struct cutover_err err = { 0 };
	(void)state;

	set_expiry(E);
	fake_now = E - 3600;
	p = refresh_provider();
	aws_credentials_provider_info(p, &info);
	assert_false(info.have);
	assert_string_equal(info.profile, "default");
	assert_string_equal(aws_config_profile(aws_credentials_provider_config(p)), "default");
	assert_int_equal(aws_credentials_provider_expiration(p), 0);

	expect_key(p, "AKIDPROC1");
	assert_int_equal(read_count(), 1);
	assert_int_equal(aws_credentials_provider_expiration(p), E);
	aws_credentials_provider_info(p, &info);
	assert_true(info.have);
	assert_int_equal(info.expiration, E);
	assert_int_equal(info.refresh_at, E - 900);
	assert_string_equal(info.source, "credential_process (profile default)");
	assert_int_equal(info.last_error.status, CUTOVER_OK);

	/* outside the 15-minute window: cached */
	fake_now = E - 901;
	expect_key(p, "AKIDPROC1");
	assert_int_equal(read_count(), 1);

	/* inside it: refreshed, and the new expiry is visible */
	set_expiry(E2);
	fake_now = E - 899;
	expect_key(p, "AKIDPROC2");
	assert_int_equal(read_count(), 2);
	assert_int_equal(aws_credentials_provider_expiration(p), E2);
	fake_now = E2 - 1000;
	expect_key(p, "AKIDPROC2");
	assert_int_equal(read_count(), 2);

	/* a failing refresh while the old ones are valid: keep them, say why */
	write_file("fail", "", 0600);
	fake_now = E2 - 800;
	expect_key(p, "AKIDPROC2");
	assert_int_equal(read_count(), 3);
	aws_credentials_provider_info(p, &info);
	assert_int_equal(info.last_error.status, CUTOVER_EEXEC);
	assert_non_null(strstr(info.last_error.msg, "helper refused"));
	/* ... and do not hammer the helper: next try a few seconds later */
	expect_key(p, "AKIDPROC2");
	assert_int_equal(read_count(), 3);
	fake_now += 6;
	expect_key(p, "AKIDPROC2");
	assert_int_equal(read_count(), 4);

	/* expired and the helper still failing: its error reaches the caller */
	fake_now = E2 + 1;
	assert_int_equal(aws_credentials_provider_get(p, &c, &err), CUTOVER_EEXEC);
	assert_non_null(strstr(err.msg, "status 4"));
	assert_null(c.access_key_id);
	assert_int_equal(read_count(), 5);

	/* the helper recovers */
	unlink(home_path("fail"));
	set_expiry(E3);
	fake_now = E2 + 10;
	expect_key(p, "AKIDPROC6");
	assert_int_equal(read_count(), 6);
	aws_credentials_provider_info(p, &info);
	assert_int_equal(info.last_error.status, CUTOVER_OK);

	/* the helper hands back credentials that already expired */
	fake_now = E3 + 100;
	assert_int_equal(aws_credentials_provider_get(p, &c, &err), CUTOVER_EAUTH);
	assert_non_null(strstr(err.msg, "expired at"));
	assert_no_secret(err.msg);
	assert_int_equal(read_count(), 7);
	aws_credentials_provider_destroy(p);
}

/* Short-lived credentials refresh at half their lifetime, not every call. */
static void test_short_lifetime(void **state)
{
	const time_t T = (time_t)1893456000LL;
	struct aws_credentials_provider *p;
	(void)state;

	set_expiry(T + 120);
	fake_now = T;
	p = refresh_provider();
	expect_key(p, "AKIDPROC1");
	fake_now = T + 59;
	expect_key(p, "AKIDPROC1");
	assert_int_equal(read_count(), 1);
	set_expiry(T + 240);
	fake_now = T + 61;
	expect_key(p, "AKIDPROC2");
	assert_int_equal(read_count(), 2);
	aws_credentials_provider_destroy(p);
}

struct racer {
	struct aws_credentials_provider *p;
	pthread_barrier_t *go;
	char akid[32];
	enum cutover_status st;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct aws_credentials c;
	struct cutover_err err = { 0 };

	pthread_barrier_wait(r->go);
	r->st = aws_credentials_provider_get(r->p, &c, &err);
	if (r->st == CUTOVER_OK)
		snprintf(r->akid, sizeof(r->akid), "%s", c.access_key_id);
	aws_credentials_clear(&c);
	return NULL;
}

static void run_racers(struct aws_credentials_provider *p, struct racer *r, int n)
{
	pthread_barrier_t go;
	pthread_t t[8];

	pthread_barrier_init(&go, NULL, (unsigned)n);
	for (int i = 0; i < n; i++) {
		r[i] = (struct racer){ .p = p, .go = &go };
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&go);
}

/* Advisory window: one caller refreshes, the others keep going with the
 * current credentials.  Mandatory window: all wait for one refresh. */
static void test_refresh_concurrency(void **state)
{
	const time_t E = (time_t)1893456000LL;
	struct aws_credentials_provider *p;
	struct racer r[6];
	int old = 0, fresh = 0;
	(void)state;

	set_expiry(E);
	fake_now = E - 3600;
	p = refresh_provider();
	expect_key(p, "AKIDPROC1");

	write_file("sleep", "1", 0600);
	set_expiry(E + 3600);
	fake_now = E - 800;
	run_racers(p, r, 6);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(r[i].st, CUTOVER_OK);
		old += strcmp(r[i].akid, "AKIDPROC1") == 0;
		fresh += strcmp(r[i].akid, "AKIDPROC2") == 0;
	}
	assert_int_equal(read_count(), 2);
	assert_int_equal(fresh, 1);
	assert_int_equal(old, 5);

	/* new credentials fetched at E-800 expire at E+3600: mandatory from E+3000 */
	set_expiry(E + 7200);
	fake_now = E + 3100;
	run_racers(p, r, 6);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(r[i].st, CUTOVER_OK);
		assert_string_equal(r[i].akid, "AKIDPROC3");
	}
	assert_int_equal(read_count(), 3);
	aws_credentials_provider_destroy(p);
}

/* ---- container endpoint and IMDS on loopback ---------------------------- */

static void test_container(void **state)
{
	struct aws_credentials c;
	struct cutover_err err = { 0 };
	char url[128];
	(void)state;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/creds", server_port);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", CONTAINER_TOKEN, 1);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_OK);
	assert_string_equal(c.access_key_id, "ASIACONTAINER");
	assert_string_equal(c.secret_access_key, "containersecret/+=");
	assert_string_equal(c.session_token, "containertoken");
	assert_int_equal((long long)c.expiration, 4070908800LL);
	aws_credentials_clear(&c);

	/* the token file wins over the variable and is read each time */
	write_file("token", CONTAINER_TOKEN "\n", 0600);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong", 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", home_path("token"), 1);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_OK);
	aws_credentials_clear(&c);
	write_file("token", "stale", 0600);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_EAUTH);
	assert_non_null(strstr(err.msg, "HTTP 401"));
	assert_non_null(strstr(err.msg, "AUTHORIZATION_TOKEN"));
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", CONTAINER_TOKEN, 1);

	/* garbage: an error that does not quote it */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/garbage", server_port);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_EPARSE);
	assert_no_secret(err.msg);

	/* a 500 is tried twice, then reported */
	unlink(server_log);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/error", server_port);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_EAUTH);
	assert_non_null(strstr(err.msg, "HTTP 500"));
	assert_int_equal(log_lines(), 2);

	/* plain http to anything but loopback / the agents is refused unsent */
	unlink(server_log);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.10:8080/creds", 1);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_EVALIDATE);
	assert_non_null(strstr(err.msg, "use https"));
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "not a url", 1);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_EVALIDATE);
	assert_int_equal(log_lines(), 0);

	/* nobody listening: a transport error naming the endpoint, quickly */
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/creds", 1);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_ETRANSPORT);
	assert_non_null(strstr(err.msg, "127.0.0.1:1"));
}

static void test_imds(void **state)
{
	struct aws_credentials c;
	struct cutover_err err = { 0 };
	char url[128];
	(void)state;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", server_port);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);
	unsetenv("AWS_EC2_METADATA_DISABLED");
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_OK);
	assert_string_equal(c.access_key_id, "ASIAIMDS");
	assert_string_equal(c.session_token, "imdstoken");
	assert_string_equal(c.source, "instance metadata (role cutover-test-role)");
	assert_int_equal((long long)c.expiration, 4083955200LL);
	aws_credentials_clear(&c);
	assert_string_equal(log_text(), "PUT /latest/api/token\n"
			    "GET /latest/meta-data/iam/security-credentials/\n"
			    "GET /latest/meta-data/iam/security-credentials/cutover-test-role\n");

	/* disabled: not asked at all */
	unlink(server_log);
	setenv("AWS_EC2_METADATA_DISABLED", "TRUE", 1);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_EAUTH);
	assert_non_null(strstr(err.msg, "disabled by AWS_EC2_METADATA_DISABLED"));
	assert_int_equal(log_lines(), 0);
}

/* A loopback socket that accepts connections (the kernel does) but never
 * answers: the worst case for a timeout. */
static int blackhole(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static void test_nothing_configured(void **state)
{
	static const char *const tried[] = {
		"environment: AWS_ACCESS_KEY_ID not set",
		"/.aws/credentials: no such file",
		"/.aws/config: no such file",
		"credential_process: not set for profile default",
		"container endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI not set",
		"EC2 instance metadata at http://127.0.0.1:",
		"AWS_PROFILE",
	};
	struct aws_credentials c;
	struct cutover_err err = { 0 };
	char url[64];
	double t0, took;
	int port, fd = blackhole(&port);
	(void)state;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);
	unsetenv("AWS_EC2_METADATA_DISABLED");
	t0 = mono();
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_EAUTH);
	took = mono() - t0;
	close(fd);
	print_message("nothing configured, IMDS silent: failed in %.3f s\n", took);
	assert_true(took < 2.5);
	for (size_t i = 0; i < sizeof(tried) / sizeof(tried[0]); i++)
		if (!strstr(err.msg, tried[i]))
			fail_msg("\"%s\" not in: %s", tried[i], err.msg);
	assert_non_null(strstr(err.msg, "imed out"));

	/* and with a file present but no keys in it, the reason says so */
	write_file(".aws/config", "[default]\nregion = eu-west-1\n[profile other]\nx = 1\n", 0600);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_EAUTH);
	assert_non_null(strstr(err.msg, "/.aws/config: no keys in [default]"));
	setenv("AWS_PROFILE", "other", 1);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_EAUTH);
	assert_non_null(strstr(err.msg, "/.aws/credentials: no such file"));
	assert_non_null(strstr(err.msg, "/.aws/config: no keys in [profile other]"));
}

/* SSO / assume-role profiles get pointed at credential_process. */
static void test_delegated_hint(void **state)
{
	struct aws_credentials c;
	struct cutover_err err = { 0 };
	(void)state;

	write_file(".aws/config", "[profile admin]\nsso_session = corp\nsso_account_id = 1\n"
		   "[profile deploy]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = admin\n",
		   0600);
	setenv("AWS_PROFILE", "admin", 1);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_EAUTH);
	assert_non_null(strstr(err.msg, "uses sso_session"));
	assert_non_null(strstr(err.msg, "aws configure export-credentials --profile admin "
				"--format process"));
	setenv("AWS_PROFILE", "deploy", 1);
	assert_int_equal(get_once(NULL, &c, &err), CUTOVER_EAUTH);
	assert_non_null(strstr(err.msg, "uses role_arn"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, aws_env_teardown)
	const struct CMUnitTest tests[] = {
		T(test_split),
		T(test_json_and_time),
		T(test_env_source),
		T(test_precedence),
		T(test_static_keys),
		T(test_process_valid),
		T(test_process_failures),
		T(test_process_refresh),
		T(test_short_lifetime),
		T(test_refresh_concurrency),
		T(test_container),
		T(test_imds),
		T(test_nothing_configured),
		T(test_delegated_hint),
	};
#undef T
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
