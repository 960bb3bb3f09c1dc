/* cmd_demo.c: `cutover demo [NAME|RUNBOOK] [--speed X] [CONSOLE OPTIONS]`:
 * start the sim in-process on an ephemeral loopback port with an example's
 * scenario, point this process's AWS settings at it, and hand over to the
 * console (demo_hand_off) through the front end main() gave cli_main, so
 * the core never calls the UI.  Without a console (or a runbook) it prints
 * how to reach the sim and serves until Ctrl-C. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cutover/audit.h"
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
	double speed;
	char **console_argv;         /* options handed to the console */
	int console_argc;
};

/* Console options that take a value, passed through as they are. */
static const char *const console_value_opts[] = { "--theme", "--keymap", "--operator", "--profile",
						   "--region", "--audit" };
static const char *const console_flag_opts[] = { "--read-only", "--ascii" };

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

static double demo_clock(void *ctx)
{
	return sim_server_now(ctx);
}

/* The one place the demo hands over to the console: the engine runs on the
 * sim's clock (at its speed) and every HTTP check goes to the sim.  Without
 * a console (no terminal, no runbook) it says what runs and how to reach it,
 * and serves until Ctrl-C. */
static int demo_hand_off(struct demo_session *d)
{
	const struct sim_scenario *sc = sim_server_scenario(d->sim);
	const struct cli_frontend *fe = cli_frontend();

	/* The console needs a terminal; without one (a script, a pipe) the demo
	 * serves headless until Ctrl-C, for other tools. */
	if (fe && fe->run_console && is_file(d->runbook) && isatty(STDIN_FILENO) &&
	    isatty(STDOUT_FILENO)) {
		struct cli_console_launch launch = { 0 };
		char **argv = calloc((size_t)d->console_argc + 2, sizeof(*argv));
		int rc;

		if (!argv) {
			fprintf(stderr, "cutover demo: out of memory\n");
			return CLI_EXIT_FAIL;
		}
		argv[0] = (char *)d->runbook;
		for (int i = 0; i < d->console_argc; i++)
			argv[i + 1] = d->console_argv[i];
		launch.label = "demo";
		launch.now = demo_clock;
		launch.now_ctx = d->sim;
		launch.speed = d->speed > 0 ? d->speed : 1.0;
		/* The sim's threads have inherited the blocked mask; the console
		 * wants SIGINT, SIGTERM and SIGHUP delivered to its handlers. */
		pthread_sigmask(SIG_UNBLOCK, &d->signals, NULL);
		rc = fe->run_console(d->console_argc + 1, argv, &launch);
		free(argv);
		return rc;
	}

	printf("cutover demo: the sim is serving example '%s' on %s\n", d->name, getenv("AWS_ENDPOINT_URL"));
	printf("  scenario %s (%s), region %s\n", d->scenario, sc->name, sc->region);
	if (is_file(d->runbook))
		printf("  runbook  %s\n", d->runbook);
	printf("\n%s  Reach the sim from another shell:\n\n",
	       !fe || !fe->run_console ? "This build has no console." :
	       !is_file(d->runbook) ? "No runbook next to the scenario, so no console." :
	       "Not on a terminal, so no console: serving headless.");
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

	const char *arg = NULL;
	char **pass = calloc((size_t)argc + 1, sizeof(*pass));
	int npass = 0;

	if (!pass) {
		fprintf(stderr, "cutover demo: out of memory\n");
		return CLI_EXIT_FAIL;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool known = false;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			printf("usage: cutover demo [NAME|RUNBOOK] [--speed X] [console options]\n\n"
			       "Start the sim with an example's scenario on a free loopback port and\n"
			       "open the console against it; no AWS account needed.  Without NAME: the\n"
			       "richest example.\n"
			       "  --speed X     run the scenario X times faster (1 to 1000; default 1):\n"
			       "                phases, incidents and polling all speed up\n"
			       "  --theme NAME, --keymap FILE, --operator NAME, --read-only, --ascii\n"
			       "                as for the console (`man cutover`)\n");
			free(pass);
			return CLI_EXIT_OK;
		}
		if (strcmp(a, "--speed") == 0) {
			char *end;
			double x;

			if (i + 1 >= argc) {
				fprintf(stderr, "cutover demo: --speed needs a factor, e.g. --speed 10\n");
				free(pass);
				return CLI_EXIT_USAGE;
			}
			errno = 0;
			x = strtod(argv[++i], &end);
			if (errno || *end || end == argv[i] || !isfinite(x) || x < 1 || x > 1000) {
				fprintf(stderr, "cutover demo: --speed %s: give a factor from 1 to 1000 "
					"(10 = ten times faster)\n", argv[i]);
				free(pass);
				return CLI_EXIT_USAGE;
			}
			opt.speed = x;
			continue;
		}
		for (size_t k = 0; k < sizeof(console_value_opts) / sizeof(*console_value_opts); k++)
			if (strcmp(a, console_value_opts[k]) == 0)
				known = true;
		if (known) {
			if (i + 1 >= argc) {
				fprintf(stderr, "cutover demo: %s needs a value\n", a);
				free(pass);
				return CLI_EXIT_USAGE;
			}
			pass[npass++] = argv[i];
			pass[npass++] = argv[++i];
			continue;
		}
		for (size_t k = 0; k < sizeof(console_flag_opts) / sizeof(*console_flag_opts); k++)
			if (strcmp(a, console_flag_opts[k]) == 0)
				known = true;
		if (known) {
			pass[npass++] = argv[i];
			continue;
		}
		if (a[0] == '-' || arg) {
			fprintf(stderr, "cutover demo: unexpected argument %s\n", a);
			cli_usage("demo");
			free(pass);
			return CLI_EXIT_USAGE;
		}
		arg = a;
	}
	if (!resolve(arg, runbook, scenario, name, sizeof(runbook))) {
		free(pass);
		return CLI_EXIT_USAGE;
	}
	d.speed = opt.speed;
	d.console_argv = pass;
	d.console_argc = npass;
	opt.port = 0;           /* ephemeral, on loopback (the default address) */
	if (sim_server_create(scenario, &opt, &d.sim, &err)) {
		fprintf(stderr, "cutover demo: %s\n", err.msg);
		free(pass);
		return CLI_EXIT_FAIL;
	}
	sim_cli_block_signals(&d.signals);
	if (sim_server_start(d.sim, &err)) {
		fprintf(stderr, "cutover demo: %s\n", err.msg);
		sim_server_destroy(d.sim);
		free(pass);
		return CLI_EXIT_FAIL;
	}
	/* AWS calls and the runbook's http_base health checks now go to the
	 * sim, for this process only. */
	sim_cli_setenv(d.sim);
	/* A rehearsal's record goes to the operator's state folder, not next
	 * to the example (which may be installed read-only), unless the
	 * operator named one (--audit or CUTOVER_AUDIT). */
	if (!getenv("CUTOVER_AUDIT") || !*getenv("CUTOVER_AUDIT")) {
		char demo_name[4200], audit_path[4096];
		struct cutover_err aerr;

		snprintf(demo_name, sizeof(demo_name), "demo-%s", name);
		if (audit_default_path(NULL, NULL, demo_name, audit_path, sizeof(audit_path),
				       &aerr) == CUTOVER_OK)
			setenv("CUTOVER_AUDIT", audit_path, 1);
	}
	d.runbook = runbook;
	d.scenario = scenario;
	d.name = name;
	rc = demo_hand_off(&d);
	sim_server_destroy(d.sim);
	free(pass);
	return rc;
}
