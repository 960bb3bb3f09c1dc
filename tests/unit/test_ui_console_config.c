/* test_ui_console_config.c: the console's settings file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "console_config.h"

static char path[64];

static void write_file(const char *text)
{
	/* A scratch settings file for one case. */
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/cutover-config-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void test_valid(void **state)
{
	struct console_config cfg;
	struct cutover_err err = { 0 };

	(void)state;
	write_file("# mine\ntheme = high-contrast\n; also a comment\noperator = alice\nkeymap=/k\n");
	assert_int_equal(console_config_load(path, &cfg, &err), CUTOVER_OK);
	assert_string_equal(cfg.theme, "high-contrast");
	assert_string_equal(cfg.operator_name, "alice");
	assert_string_equal(cfg.keymap, "/k");
	console_config_free(&cfg);
	assert_null(cfg.theme);
	console_config_free(NULL);
}

static void test_errors(void **state)
{
	struct console_config cfg;
	struct cutover_err err = { 0 };

	(void)state;
	write_file("theme = light\ncolour = red\n");
	assert_int_equal(console_config_load(path, &cfg, &err), CUTOVER_EPARSE);
	assert_non_null(strstr(err.msg, ":2: unknown setting 'colour'"));
	assert_null(cfg.theme);
	write_file("theme light\n");
	assert_int_equal(console_config_load(path, &cfg, &err), CUTOVER_EPARSE);
	assert_non_null(strstr(err.msg, ":1: expected 'name = value'"));
	assert_int_equal(console_config_load("/nonexistent/cutover/config", &cfg, &err), CUTOVER_ENOENT);
	assert_null(cfg.keymap);
}

static void test_path(void **state)
{
	char buf[256];

	(void)state;
	setenv("XDG_CONFIG_HOME", "/x", 1);
	assert_true(console_config_path(buf, sizeof(buf)));
	assert_string_equal(buf, "/x/cutover/config");
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/h", 1);
	assert_true(console_config_path(buf, sizeof(buf)));
	assert_string_equal(buf, "/h/.config/cutover/config");
	unsetenv("HOME");
	assert_false(console_config_path(buf, sizeof(buf)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test(test_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
