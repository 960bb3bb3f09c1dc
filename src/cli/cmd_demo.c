/* cmd_demo.c: `cutover demo [NAME|RUNBOOK]`: start the sim in-process on an
 * ephemeral loopback port with an example's scenario, point this process's
 * AWS settings at it, and hand over to the console (demo_hand_off: for now it
 * prints how to reach the sim and serves until Ctrl-C). */
#include <dirent.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cutover/cli.h"
#include "cutover/ends_with.h"
#include "cli/cmd_sim.h"
#include "cli/commands.h"

/* The richest examples first: what `cutover demo` opens without a name. */
static const char *const preferred[] = { "subscriber-portal", "migration-orchestration" };

struct demo_session {
	const char *runbook;         /* NAME.json next to the scenario (may not exist) */
	const char *scenario;
	const char *name;
	struct sim_server *sim;
	sigset_t signals;
};

/* snprintf that reports truncation: a cut path must not name another file. */
static bool fmt_path(char *out, size_t sz, const char *fmt, ...) CUTOVER_PRINTF(3, 4);

static bool fmt_path(char *out, size_t sz, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, sz, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sz) {
		out[0] = '\0';
		return false;
	}
	return true;
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Where the examples are: $CUTOVER_EXAMPLES, ./docs/examples, next to the
 * binary in a build tree, or the installed share directory. */
static bool find_examples_dir(char *out, size_t outsz)
{
	const char *env = getenv("CUTOVER_EXAMPLES");
	char exe[PATH_MAX], cand[PATH_MAX + 64];
	ssize_t n;

	if (env && is_dir(env)) {
		fmt_path(out, outsz, "%s", env);
		return true;
	}
	if (is_dir("docs/examples")) {
		fmt_path(out, outsz, "docs/examples");
		return true;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		if (fmt_path(cand, sizeof(cand), "%s/../docs/examples", exe) && is_dir(cand)) {
			fmt_path(out, outsz, "%s", cand);
			return true;
		}
		if (fmt_path(cand, sizeof(cand), "%s/../share/cutover/examples", exe) && is_dir(cand)) {
			fmt_path(out, outsz, "%s", cand);
			return true;
		}
	}
	return false;
}

/* NAME, docs/examples/NAME, NAME.json or NAME.scenario.json to the pair of
 * paths; false with a message on stderr when there is no scenario. */
static bool resolve(const char *arg, char *runbook, char *scenario, char *name, size_t sz)
{
	char dir[PATH_MAX], base[PATH_MAX];

	if (!find_examples_dir(dir, sizeof(dir)))
		fmt_path(dir, sizeof(dir), "docs/examples");
	if (!arg) {
		for (size_t i = 0; i < sizeof(preferred) / sizeof(preferred[0]); i++) {
			if (fmt_path(scenario, sz, "%s/%s.scenario.json", dir, preferred[i]) &&
			    is_file(scenario)) {
				arg = preferred[i];
				break;
			}
		}
		if (!arg) {
			/* Otherwise the first scenario in alphabetical order. */
			struct dirent **list = NULL;
			int n = scandir(dir, &list, NULL, alphasort);

			for (int i = 0; i < n; i++) {
				if (!arg && ends_with(list[i]->d_name, ".scenario.json")) {
					fmt_path(base, sizeof(base), "%s", list[i]->d_name);
					base[strlen(base) - strlen(".scenario.json")] = '\0';
					arg = base;
				}
				free(list[i]);
			}
			free(list);
		}
		if (!arg) {
			fprintf(stderr, "cutover demo: no example scenario (*.scenario.json) found in %s.\n"
				"  Run it from the source tree, or set CUTOVER_EXAMPLES to the examples directory.\n", dir);
			return false;
		}
	}
	if (strchr(arg, '/') || ends_with(arg, ".json")) {
		/* A path: strip .scenario.json or .json to get the stem. */
		fmt_path(base, sizeof(base), "%s", arg);
		if (ends_with(base, ".scenario.json"))
			base[strlen(base) - strlen(".scenario.json")] = '\0';
		else if (ends_with(base, ".json"))
			base[strlen(base) - strlen(".json")] = '\0';
		if (!fmt_path(runbook, sz, "%s.json", base) ||
		    !fmt_path(scenario, sz, "%s.scenario.json", base)) {
			fprintf(stderr, "cutover demo: path too long: %s\n", arg);
			return false;
		}
		fmt_path(name, sz, "%s", strrchr(base, '/') ? strrchr(base, '/') + 1 : base);
	} else {
		if (!fmt_path(runbook, sz, "%s/%s.json", dir, arg) ||
		    !fmt_path(scenario, sz, "%s/%s.scenario.json", dir, arg)) {
			fprintf(stderr, "cutover demo: name too long: %s\n", arg);
			return false;
		}
		fmt_path(name, sz, "%s", arg);
	}
	if (!is_file(scenario)) {
		fprintf(stderr, "cutover demo: no scenario %s for '%s'.\n"
			"  Examples live in %s as NAME.json + NAME.scenario.json; `ls %s` lists them.\n",
			scenario, arg, dir, dir);
		return false;
	}
	return true;
}

/* The one place the demo hands over to the console.  Until the console
 * exists it says what runs and how to reach it, and serves until Ctrl-C. */
static int demo_hand_off(struct demo_session *d)
{
	const struct sim_scenario *sc = sim_server_scenario(d->sim);

	printf("cutover demo: the sim is serving example '%s' on %s\n", d->name, getenv("AWS_ENDPOINT_URL"));
	printf("  scenario %s (%s), region %s\n", d->scenario, sc->name, sc->region);
	if (is_file(d->runbook))
		printf("  runbook  %s\n", d->runbook);
	printf("\nThe console is not built into this version yet.  Reach the sim from another shell:\n\n");
	sim_cli_print_exports(stdout, d->sim);
	printf("\n  aws --endpoint-url %s ssm get-parameters-by-path --path / --recursive --output table\n",
	       getenv("AWS_ENDPOINT_URL"));
	printf("  aws --endpoint-url %s sts get-caller-identity\n", getenv("AWS_ENDPOINT_URL"));
	for (size_t i = 0; i < sc->nhealth; i++)
		printf("  curl -i %s%s\n", getenv("CUTOVER_HTTP_BASE"), sc->health[i].path);
	printf("\nCtrl-C stops the demo.\n");
	fflush(stdout);
	sim_cli_wait(&d->signals);
	fprintf(stderr, "cutover demo: stopping\n");
	return CLI_EXIT_OK;
}

int cmd_demo(int argc, char **argv)
{
	char runbook[PATH_MAX], scenario[PATH_MAX], name[PATH_MAX];
	struct sim_server_options opt = { 0 };
	struct cutover_err err = { 0 };
	struct demo_session d = { 0 };
	int rc;

	if (argc > 2) {
		cli_usage("demo");
		return CLI_EXIT_USAGE;
	}
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("usage: cutover demo [NAME|RUNBOOK]\n\n"
		       "Start the sim with an example's scenario on a free loopback port and\n"
		       "rehearse against it; no AWS account needed.  Without NAME: the richest example.\n");
		return CLI_EXIT_OK;
	}
	if (!resolve(argc == 2 ? argv[1] : NULL, runbook, scenario, name, sizeof(runbook)))
		return CLI_EXIT_USAGE;
	opt.port = 0;           /* ephemeral, on loopback (the default address) */
	if (sim_server_create(scenario, &opt, &d.sim, &err)) {
		fprintf(stderr, "cutover demo: %s\n", err.msg);
		return CLI_EXIT_FAIL;
	}
	sim_cli_block_signals(&d.signals);
	if (sim_server_start(d.sim, &err)) {
		fprintf(stderr, "cutover demo: %s\n", err.msg);
		sim_server_destroy(d.sim);
		return CLI_EXIT_FAIL;
	}
	/* AWS calls and the runbook's http_base health checks now go to the
	 * sim, for this process only. */
	sim_cli_setenv(d.sim);
	d.runbook = runbook;
	d.scenario = scenario;
	d.name = name;
	rc = demo_hand_off(&d);
	sim_server_destroy(d.sim);
	return rc;
}
