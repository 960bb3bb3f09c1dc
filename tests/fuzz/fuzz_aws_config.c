/* fuzz_aws_config.c: the AWS shared config and credentials files
 * (src/aws/aws_config.c over inih).  The input up to its first NUL byte is
 * ~/.aws/config, the rest ~/.aws/credentials; both are written to a private
 * directory (in /dev/shm when there is one, to keep it quick) that
 * AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE point at.  Each input is
 * loaded for the default profile and for "prod", and then asked for what the
 * client asks: keys, the region, every service's endpoint.  Promises
 * checked: a failed load gives no snapshot and a message; a resolved
 * endpoint is an http(s) URL (the scheme in any case, as RFC 3986 and curl
 * allow) with no trailing '/'. */
#include <strings.h>
#include <unistd.h>

#include "cutover/aws_config.h"
#include "fuzz_target.h"

static char dir[256], config_path[300], creds_path[300];

static void cleanup(void)
{
	unlink(config_path);
	unlink(creds_path);
	rmdir(dir);
}

static void setup(void)
{
	const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/cutover-fuzz-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("fuzz_aws_config: mkdtemp");
		abort();
	}
	snprintf(config_path, sizeof(config_path), "%s/config", dir);
	snprintf(creds_path, sizeof(creds_path), "%s/credentials", dir);
	setenv("AWS_CONFIG_FILE", config_path, 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", creds_path, 1);
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_DEFAULT_PROFILE");
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	unsetenv("AWS_ENDPOINT_URL_SFN");
	unsetenv("AWS_ENDPOINT_URL_SSM");
	unsetenv("AWS_ENDPOINT_URL_CLOUDWATCH");
	unsetenv("AWS_ENDPOINT_URL_STS");
	atexit(cleanup);
}

static void write_file(const char *path, const uint8_t *p, size_t n)
{
	/* the fuzzed file, replaced whole for each input */
	FILE *f = fopen(path, "wb");

	if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0) {
		perror(path);
		abort();
	}
}

static void probe(const char *profile)
{
	static const char *const keys[] = { "region", "credential_process", "aws_access_key_id",
					    "aws_secret_access_key", "endpoint_url", "services" };
	struct cutover_err err = { 0 };
	struct aws_config *cfg = (struct aws_config *)&err; /* must be overwritten */
	char region[AWS_REGION_MAX];
	const char *from = NULL;
	enum cutover_status st = aws_config_load(&cfg, profile, &err);

	if (st != CUTOVER_OK) {
		if (cfg)
			fuzz_fail("load failed (%d) but gave a snapshot", (int)st);
		if (!err.msg[0])
			fuzz_fail("load failed (%d) without a message", (int)st);
		return;
	}
	if (!cfg)
		fuzz_fail("load OK without a snapshot");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		int line = 0;

		(void)aws_config_get(cfg, AWS_CONFIG_FILE_CONFIG, keys[i], &line);
		(void)aws_config_get(cfg, AWS_CONFIG_FILE_CREDENTIALS, keys[i], &line);
	}
	if (aws_config_resolve_region(cfg, NULL, NULL, region, &from, &err) != CUTOVER_OK)
		snprintf(region, sizeof(region), "us-east-1");
	for (int s = 0; s < AWS_SVC_COUNT; s++) {
		struct aws_endpoint ep;
		size_t n;

		memset(&ep, 0, sizeof(ep));
		if (aws_config_resolve_endpoint(cfg, (enum aws_service)s, region, &ep, &err) !=
		    CUTOVER_OK)
			continue;
		n = strnlen(ep.url, sizeof(ep.url));
		if (n == sizeof(ep.url) ||
		    (strncasecmp(ep.url, "http://", 7) != 0 && strncasecmp(ep.url, "https://", 8) != 0) ||
		    ep.url[n - 1] == '/')
			fuzz_fail("service %d: endpoint \"%.*s\"", s, (int)sizeof(ep.url), ep.url);
	}
	aws_config_destroy(cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t n1 = nul ? (size_t)(nul - data) : size;

	if (!dir[0])
		setup();
	write_file(config_path, data, n1);
	write_file(creds_path, nul ? nul + 1 : data, nul ? size - n1 - 1 : 0);
	probe(NULL);
	probe("prod");
	return 0;
}
