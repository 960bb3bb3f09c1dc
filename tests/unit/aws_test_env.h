/* aws_test_env.h: helpers shared by the AWS config and credentials tests:
 * a private temporary HOME, files written into it, and an environment with
 * every AWS variable cleared, so that a developer's own ~/.aws or
 * credentials never leak into a test.  Header-only (static functions); each
 * test executable includes it once. */
#ifndef CUTOVER_AWS_TEST_ENV_H
#define CUTOVER_AWS_TEST_ENV_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char test_home[256];

static const char *const aws_test_vars[] = {
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
	"AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE",
	"AWS_SHARED_CREDENTIALS_FILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
	"AWS_ENDPOINT_URL_SFN", "AWS_ENDPOINT_URL_SSM", "AWS_ENDPOINT_URL_CLOUDWATCH",
	"AWS_ENDPOINT_URL_STS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
	"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	"AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
	"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy",
};

static void remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char child[512];

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	d = opendir(path);
	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
		remove_tree(child);
	}
	if (d)
		closedir(d);
	rmdir(path);
}

/* A fresh HOME with an empty ~/.aws, every AWS variable unset, and IMDS
 * disabled so that no test ever reaches for 169.254.169.254. */
static int aws_env_setup(void **state)
{
	char aws[300];

	(void)state;
	snprintf(test_home, sizeof(test_home), "/tmp/cutover-awstest-XXXXXX");
	if (!mkdtemp(test_home))
		return -1;
	snprintf(aws, sizeof(aws), "%s/.aws", test_home);
	mkdir(aws, 0700);
	for (size_t i = 0; i < sizeof(aws_test_vars) / sizeof(aws_test_vars[0]); i++)
		unsetenv(aws_test_vars[i]);
	setenv("HOME", test_home, 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	return 0;
}

static int aws_env_teardown(void **state)
{
	(void)state;
	remove_tree(test_home);
	return 0;
}

/* Path of NAME inside the test HOME (a static buffer per call slot). */
static const char *home_path(const char *name)
{
	static char buf[4][512];
	static int slot;
	char *b = buf[slot++ % 4];

	snprintf(b, 512, "%s/%s", test_home, name);
	return b;
}

static void write_file(const char *name, const char *text, int mode)
{
	const char *path = home_path(name);
	FILE *fp = fopen(path, "w");

	if (!fp) {
		fprintf(stderr, "cannot write %s\n", path);
		abort();
	}
	fputs(text, fp);
	fclose(fp);
	chmod(path, (mode_t)mode);
}

#endif
