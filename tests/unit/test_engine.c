/* test_engine.c: the engine end to end against a loopback mock of the AWS
 * JSON endpoints (one thread, one request per connection), on a test clock:
 * metrics to WARN, TRIGGERED after for-N datapoints, the banner and its
 * acknowledgement, flags with their last modifier, a throttled source that
 * keeps its data and turns stale, the wake-up pipe, independent snapshots;
 * and engine_stop returning promptly while every request hangs.  Also the
 * pure helpers: backoff and jitter bounds, staleness, the freshness text.
 * Runs threads: label it `threaded` for the TSan job. */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cutover/aws_client.h"
#include "cutover/engine.h"
#include "cutover/strbuf.h"

/* --- the pure helpers ----------------------------------------------------- */

static void test_next_delay(void **state)
{
	static const double intervals[] = {1, 5, 10, 60, 300, 600};
	static const double us[] = {0, 0.25, 0.5, 0.999999};

	(void)state;
	for (size_t i = 0; i < sizeof(intervals) / sizeof(intervals[0]); i++) {
		double iv = intervals[i],
		       cap = iv > ENGINE_BACKOFF_CAP_S ? iv : ENGINE_BACKOFF_CAP_S;

		for (unsigned f = 0; f < 40; f++) {
			double base = iv * pow(2, f > 30 ? 30 : f);

			if (base > cap)
				base = cap;
			for (size_t k = 0; k < sizeof(us) / sizeof(us[0]); k++) {
				double d = engine_next_delay(iv, f, us[k]);

				assert_true(d >= 0.9 * base - 1e-9);
				assert_true(d < 1.1 * base + 1e-9);
				assert_true(d <= 1.1 * cap);
			}
		}
	}
	/* exact points: no jitter at u = 0.5, 10% either side at the ends */
	assert_true(fabs(engine_next_delay(10, 0, 0.5) - 10) < 1e-9);
	assert_true(fabs(engine_next_delay(10, 3, 0.5) - 80) < 1e-9);
	assert_true(fabs(engine_next_delay(10, 5, 0.5) - 300) < 1e-9); /* 320 capped */
	assert_true(fabs(engine_next_delay(10, 0, 0) - 9) < 1e-9);
	assert_true(fabs(engine_next_delay(600, 4, 0.5) - 600) < 1e-9);
	/* nonsense inputs stay sane */
	assert_true(engine_next_delay(0, 0, 0.5) > 0);
	assert_true(fabs(engine_next_delay(10, 0, NAN) - 10) < 1e-9);
	assert_true(fabs(engine_next_delay(10, 0, 7) - 10) < 1e-9);
}

static void test_stale_and_format(void **state)
{
	struct engine_source_view v;
	char buf[160], d[32];

	(void)state;
	memset(&v, 0, sizeof(v));
	v.interval_s = 10;
	assert_false(engine_source_is_stale(&v, 1000));
	assert_string_equal(engine_freshness_format(&v, 1000, buf, sizeof(buf)), "not polled yet");

	v.last_attempt = v.last_ok = 1000;
	assert_false(engine_source_is_stale(&v, 1020)); /* two intervals: still fresh */
	assert_true(engine_source_is_stale(&v, 1020.5));
	assert_string_equal(engine_freshness_format(&v, 1003, buf, sizeof(buf)), "ok 3s ago");

	v.failures = 2;
	v.last_attempt = 1015;
	snprintf(v.error_code, sizeof(v.error_code), "ThrottlingException");
	assert_string_equal(engine_freshness_format(&v, 1016, buf, sizeof(buf)),
	                    "ok 16s ago \xc2\xb7 retrying (ThrottlingException)");
	assert_string_equal(engine_freshness_format(&v, 1130, buf, sizeof(buf)),
	                    "stale 2m \xc2\xb7 ThrottlingException");

	v.last_ok = 0;
	assert_true(engine_source_is_stale(&v, 1016));
	assert_string_equal(engine_freshness_format(&v, 1016, buf, sizeof(buf)),
	                    "unreachable \xc2\xb7 ThrottlingException");
	/* tiny buffers are terminated, never overrun */
	assert_string_equal(engine_freshness_format(&v, 1016, buf, 5), "unre");

	{
		static const struct {
			const char *url, *origin, *want;
		} t[] = {
		    {"https://app.example.com/health?x=1", "http://127.0.0.1:9",
		     "http://127.0.0.1:9/health?x=1"},
		    {"http://127.0.0.1:8080/dual/sync-status", "http://127.0.0.1:41234/",
		     "http://127.0.0.1:41234/dual/sync-status"},
		    {"https://user@host:443", "http://o", "http://o/"},
		    {"http://h?q", "http://o", "http://o/?q"},
		    {"no-scheme/health", "http://o", NULL},
		};

		for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			char *u = engine_health_url(t[i].url, t[i].origin);

			if (t[i].want)
				assert_string_equal(u, t[i].want);
			else
				assert_null(u);
			free(u);
		}
	}
	assert_string_equal(engine_duration_format(-5, d, sizeof(d)), "0s");
	assert_string_equal(engine_duration_format(59.9, d, sizeof(d)), "59s");
	assert_string_equal(engine_duration_format(125, d, sizeof(d)), "2m");
	assert_string_equal(engine_duration_format(3900, d, sizeof(d)), "1h05m");
	assert_string_equal(engine_duration_format(3 * 86400 + 4 * 3600 + 60, d, sizeof(d)),
	                    "3d04h");
}

/* --- a loopback mock of the AWS JSON endpoints ---------------------------- */

#define MAX_POINTS 64

struct mock {
	int lfd;
	unsigned port;
	pthread_t thread;
	pthread_mutex_t mu;
	int stop;
	int hang; /* accept and never answer */
	int hung_fds[64];
	int nhung;
	int requests;     /* answered or hung */
	int throttle_ssm; /* answer SSM with ThrottlingException */
	double ts[MAX_POINTS], val[MAX_POINTS];
	int npoints;
	long long version;
	char value[32];
};

static struct mock M;
static double test_clock;

static double clock_fn(void *ctx)
{
	(void)ctx;
	return test_clock;
}

/* The answer to one request, by its X-Amz-Target (or STS's form body). */
static int answer(struct mock *m, const char *target, const char *body, struct strbuf *out)
{
	int code = 200;
	enum cutover_status st = CUTOVER_OK;

	pthread_mutex_lock(&m->mu);
	if (strstr(target, "AmazonSSM.") && m->throttle_ssm) {
		code = 400;
		st = strbuf_puts(
		    out, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");
	} else if (strcmp(target, "AmazonSSM.GetParameters") == 0) {
		st = strbuf_printf(
		    out,
		    "{\"Parameters\":[{\"Name\":\"/t/dual-write\",\"Type\":\"String\","
		    "\"Value\":\"%s\",\"Version\":%lld,\"LastModifiedDate\":1800000000.5}],"
		    "\"InvalidParameters\":[]}",
		    m->value, m->version);
	} else if (strcmp(target, "AmazonSSM.GetParameterHistory") == 0) {
		st = strbuf_puts(out,
		                 "{\"Parameters\":["
		                 "{\"Name\":\"/t/dual-write\",\"Value\":\"false\",\"Version\":1,"
		                 "\"LastModifiedUser\":\"arn:aws:iam::1:user/alice\"},"
		                 "{\"Name\":\"/t/dual-write\",\"Value\":\"true\",\"Version\":3,"
		                 "\"LastModifiedUser\":\"arn:aws:iam::1:user/bob\"}]}");
	} else if (strcmp(target, "GraniteServiceVersion20100801.GetMetricData") == 0) {
		st = strbuf_puts(out,
		                 "{\"MetricDataResults\":[{\"Id\":\"m0_0\",\"Label\":\"ErrorRate\","
		                 "\"StatusCode\":\"Complete\",\"Timestamps\":[");
		for (int i = 0; st == CUTOVER_OK && i < m->npoints; i++)
			st = strbuf_printf(out, "%s%.0f", i ? "," : "", m->ts[i]);
		st = st ? st : strbuf_puts(out, "],\"Values\":[");
		for (int i = 0; st == CUTOVER_OK && i < m->npoints; i++)
			st = strbuf_printf(out, "%s%g", i ? "," : "", m->val[i]);
		st = st ? st : strbuf_puts(out, "]}],\"Messages\":[]}");
	} else if (strcmp(target, "GraniteServiceVersion20100801.DescribeAlarms") == 0) {
		st = strbuf_puts(
		    out, "{\"MetricAlarms\":[{\"AlarmName\":\"db-lag\",\"StateValue\":\"ALARM\","
		         "\"StateReason\":\"lag > 60 s\"}],\"CompositeAlarms\":[]}");
	} else if (strstr(body, "Action=GetCallerIdentity")) {
		st = strbuf_puts(
		    out,
		    "{\"GetCallerIdentityResponse\":{\"GetCallerIdentityResult\":"
		    "{\"Account\":\"111122223333\",\"Arn\":\"arn:aws:iam::111122223333:user/op\","
		    "\"UserId\":\"AID\"},\"ResponseMetadata\":{\"RequestId\":\"r1\"}}}");
	} else {
		code = 400;
		st = strbuf_puts(out,
		                 "{\"__type\":\"UnknownOperationException\",\"message\":\"no\"}");
	}
	pthread_mutex_unlock(&m->mu);
	assert_int_equal(st, CUTOVER_OK);
	return code;
}

static void serve_one(struct mock *m, int fd)
{
	struct strbuf req = STRBUF_INIT, resp = STRBUF_INIT;
	char buf[4096], target[128] = "";
	const char *hdr_end = NULL, *t;
	size_t want = 0;
	int code;

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n <= 0)
			goto out;
		assert_int_equal(strbuf_append(&req, buf, (size_t)n), CUTOVER_OK);
		if (!hdr_end && (hdr_end = strstr(strbuf_str(&req), "\r\n\r\n"))) {
			const char *cl = strstr(strbuf_str(&req), "Content-Length:");

			if (!cl)
				cl = strstr(strbuf_str(&req), "content-length:");
			want = (size_t)(hdr_end - strbuf_str(&req)) + 4 +
			       (cl ? strtoul(cl + 15, NULL, 10) : 0);
		}
		if (hdr_end && req.len >= want)
			break;
		hdr_end = hdr_end ? strstr(strbuf_str(&req), "\r\n\r\n") : NULL;
	}
	t = strstr(strbuf_str(&req), "X-Amz-Target: ");
	if (t)
		sscanf(t + 14, "%127[^\r\n]", target);
	code = answer(m, target, strbuf_str(&req), &resp);
	snprintf(buf, sizeof(buf),
	         "HTTP/1.1 %d %s\r\nContent-Type: application/x-amz-json-1.0\r\n"
	         "x-amzn-RequestId: mock-1\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
	         code, code == 200 ? "OK" : "Bad Request", resp.len);
	(void)!send(fd, buf, strlen(buf), MSG_NOSIGNAL);
	(void)!send(fd, strbuf_str(&resp), resp.len, MSG_NOSIGNAL);
out:
	strbuf_free(&req);
	strbuf_free(&resp);
	close(fd);
}

static void *mock_main(void *arg)
{
	struct mock *m = arg;

	for (;;) {
		struct pollfd p = {m->lfd, POLLIN, 0};
		int stop, hang, fd;

		pthread_mutex_lock(&m->mu);
		stop = m->stop;
		hang = m->hang;
		pthread_mutex_unlock(&m->mu);
		if (stop)
			break;
		if (poll(&p, 1, 20) <= 0)
			continue;
		fd = accept(m->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		pthread_mutex_lock(&m->mu);
		m->requests++;
		if (hang && m->nhung < 64) {
			m->hung_fds[m->nhung++] = fd;
			fd = -1;
		}
		pthread_mutex_unlock(&m->mu);
		if (fd >= 0)
			serve_one(m, fd);
	}
	return NULL;
}

static void mock_start(struct mock *m)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = 0;
	m->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(m->lfd >= 0);
	assert_int_equal(bind(m->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(m->lfd, 64), 0);
	assert_int_equal(getsockname(m->lfd, (struct sockaddr *)&a, &len), 0);
	m->port = ntohs(a.sin_port);
	pthread_mutex_init(&m->mu, NULL);
	assert_int_equal(pthread_create(&m->thread, NULL, mock_main, m), 0);
}

static void mock_stop(struct mock *m)
{
	pthread_mutex_lock(&m->mu);
	m->stop = 1;
	pthread_mutex_unlock(&m->mu);
	pthread_join(m->thread, NULL);
	for (int i = 0; i < m->nhung; i++)
		close(m->hung_fds[i]);
	close(m->lfd);
	pthread_mutex_destroy(&m->mu);
}

static int setup(void **state)
{
	static const char *const unset[] = {"AWS_PROFILE",
	                                    "AWS_DEFAULT_PROFILE",
	                                    "AWS_SESSION_TOKEN",
	                                    "AWS_SECURITY_TOKEN",
	                                    "AWS_ENDPOINT_URL_SFN",
	                                    "AWS_ENDPOINT_URL_SSM",
	                                    "AWS_ENDPOINT_URL_CLOUDWATCH",
	                                    "AWS_ENDPOINT_URL_STS",
	                                    "AWS_CREDENTIAL_EXPIRATION",
	                                    "http_proxy",
	                                    "HTTP_PROXY",
	                                    "ALL_PROXY",
	                                    "all_proxy"};
	char url[64];

	(void)state;
	memset(&M, 0, sizeof(M));
	M.version = 3;
	snprintf(M.value, sizeof(M.value), "true");
	mock_start(&M);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", M.port);
	for (size_t i = 0; i < sizeof(unset) / sizeof(unset[0]); i++)
		unsetenv(unset[i]);
	setenv("AWS_ENDPOINT_URL", url, 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDTEST", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "test-secret", 1);
	setenv("AWS_CONFIG_FILE", "/dev/null", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("NO_PROXY", "*", 1);
	test_clock = 1800000000.0 + 30;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mock_stop(&M);
	return 0;
}

static struct runbook *load(void)
{
	struct runbook *rb = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	struct cutover_err err;

	assert_int_equal(
	    runbook_load_file(SRCDIR "/tests/data/engine_unit.runbook.json", &rb, &d, &err),
	    CUTOVER_OK);
	diag_list_free(&d);
	return rb;
}

static struct engine *make(const struct runbook *rb, bool test_time)
{
	struct engine_options o = {0};
	struct cutover_err err = {CUTOVER_OK, ""};
	struct engine *e = (struct engine *)0x1;

	if (test_time)
		o.now = clock_fn;
	o.max_attempts = 1;
	o.connect_timeout_ms = 2000;
	o.timeout_ms = 10000;
	if (engine_create(rb, &o, &e, &err) != CUTOVER_OK)
		fail_msg("engine_create: %s", err.msg);
	assert_non_null(e);
	return e;
}

/* One datapoint per minute: the point for the minute before `test_clock`. */
static void add_point(double v)
{
	double end = floor(test_clock / 60) * 60;

	pthread_mutex_lock(&M.mu);
	assert_true(M.npoints < MAX_POINTS);
	M.ts[M.npoints] = end - 60;
	M.val[M.npoints] = v;
	M.npoints++;
	pthread_mutex_unlock(&M.mu);
}

static void poll_ok(struct engine *e, enum runbook_source src)
{
	struct cutover_err err = {CUTOVER_OK, ""};

	if (engine_poll_once(e, src, &err) != CUTOVER_OK)
		fail_msg("poll %s: %s", runbook_source_name(src), err.msg);
}

static enum gauge_state gauge0(struct engine *e, struct engine_snapshot *s)
{
	engine_snapshot_free(s);
	assert_int_equal(engine_snapshot_take(e, s), CUTOVER_OK);
	return s->gauges[0].state;
}

static bool readable(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};

	return poll(&p, 1, 0) == 1;
}

static void test_metrics_trigger_ack(void **state)
{
	struct runbook *rb = load();
	struct engine *e = make(rb, true);
	struct engine_snapshot s = {0}, keep = {0};
	struct cutover_err err;
	uint64_t gen;
	static const double series[] = {1, 2, 3};

	(void)state;
	assert_int_equal(gauge0(e, &s), GAUGE_NODATA);
	assert_true(isnan(s.gauges[0].value));
	assert_int_equal(s.ntriggers, 0);
	assert_false(readable(engine_wakeup_fd(e)));
	gen = s.generation;

	/* a calm minute after minute */
	for (size_t i = 0; i < 3; i++) {
		add_point(series[i]);
		poll_ok(e, RUNBOOK_SRC_METRICS);
		test_clock += 60;
	}
	assert_int_equal(gauge0(e, &s), GAUGE_OK);
	assert_true(s.gauges[0].value == 3);
	assert_int_equal(s.gauges[0].nhistory, 3);
	assert_true(s.gauges[0].history[0] == 1 && s.gauges[0].history[2] == 3);
	assert_true(s.generation > gen);
	assert_true(s.sources[RUNBOOK_SRC_METRICS].last_ok > 0);
	assert_int_equal(s.sources[RUNBOOK_SRC_METRICS].failures, 0);
	assert_string_equal(s.gauges[0].plan_id, "back");
	assert_true(s.gauges[0].has_trigger && s.gauges[0].trigger == 10);

	/* the wake-up pipe: readable after a publish, quiet after a drain */
	assert_true(readable(engine_wakeup_fd(e)));
	engine_wakeup_drain(e);
	assert_false(readable(engine_wakeup_fd(e)));

	/* 6: WARN */
	add_point(6);
	poll_ok(e, RUNBOOK_SRC_METRICS);
	test_clock += 60;
	assert_int_equal(gauge0(e, &s), GAUGE_WARN);
	assert_true(readable(engine_wakeup_fd(e)));

	/* beyond the trigger twice: CRITICAL; the third time: TRIGGERED */
	add_point(12);
	poll_ok(e, RUNBOOK_SRC_METRICS);
	test_clock += 60;
	add_point(13);
	poll_ok(e, RUNBOOK_SRC_METRICS);
	test_clock += 60;
	assert_int_equal(gauge0(e, &s), GAUGE_CRITICAL);
	assert_int_equal(s.ntriggers, 0);
	add_point(14);
	poll_ok(e, RUNBOOK_SRC_METRICS);
	test_clock += 60;
	assert_int_equal(gauge0(e, &s), GAUGE_TRIGGERED);
	assert_int_equal(s.ntriggers, 1);
	assert_string_equal(s.triggers[0].gauge_id, "errors");
	assert_string_equal(s.triggers[0].plan_id, "back");
	assert_true(s.triggers[0].active);
	assert_false(s.triggers[0].acknowledged);
	assert_true(s.triggers[0].since > 0);

	/* a snapshot is a value: it outlives the engine's next changes */
	assert_int_equal(engine_snapshot_take(e, &keep), CUTOVER_OK);
	assert_ptr_not_equal(keep.header.name, s.header.name);
	assert_string_equal(keep.header.name, "engine-unit");

	/* acknowledged: the banner stays while the gauge is triggered */
	assert_int_equal(engine_ack_trigger(e, "nope", &err), CUTOVER_ENOENT);
	assert_int_equal(engine_ack_trigger(e, "errors", &err), CUTOVER_OK);
	assert_int_equal(gauge0(e, &s), GAUGE_TRIGGERED);
	assert_int_equal(s.ntriggers, 1);
	assert_true(s.triggers[0].acknowledged);
	assert_false(keep.triggers[0].acknowledged);

	/* back inside: the gauge recovers and the acknowledged banner goes */
	add_point(2);
	poll_ok(e, RUNBOOK_SRC_METRICS);
	test_clock += 60;
	assert_int_equal(gauge0(e, &s), GAUGE_OK);
	assert_int_equal(s.ntriggers, 0);
	assert_int_equal(s.gauges[0].nhistory, 8);
	assert_true(s.gauges[0].history[7] == 2);

	/* an unacknowledged banner outlives the trigger */
	for (int i = 0; i < 3; i++) {
		add_point(20);
		poll_ok(e, RUNBOOK_SRC_METRICS);
		test_clock += 60;
	}
	assert_int_equal(gauge0(e, &s), GAUGE_TRIGGERED);
	add_point(1);
	poll_ok(e, RUNBOOK_SRC_METRICS);
	assert_int_equal(gauge0(e, &s), GAUGE_OK);
	assert_int_equal(s.ntriggers, 1);
	assert_false(s.triggers[0].active);
	assert_int_equal(engine_ack_trigger(e, "errors", &err), CUTOVER_OK);
	assert_int_equal(gauge0(e, &s), GAUGE_OK);
	assert_int_equal(s.ntriggers, 0);

	/* the old snapshot still reads as it was */
	assert_int_equal(keep.gauges[0].state, GAUGE_TRIGGERED);
	assert_int_equal(keep.ntriggers, 1);
	engine_snapshot_free(&keep);
	engine_snapshot_free(&keep); /* freeing twice is harmless: it was zeroed */
	engine_snapshot_free(&s);
	engine_destroy(e);
	runbook_destroy(rb);
}

static void test_flags_alarms_identity_throttle(void **state)
{
	struct runbook *rb;
	struct engine *e;
	struct engine_snapshot s = {0};
	struct cutover_err err;
	char buf[160];

	(void)state;
	setenv("AWS_CREDENTIAL_EXPIRATION", "2099-01-01T00:00:00Z", 1);
	rb = load();
	e = make(rb, true);
	poll_ok(e, RUNBOOK_SRC_FLAGS);
	poll_ok(e, RUNBOOK_SRC_ALARMS);
	poll_ok(e, RUNBOOK_SRC_IDENTITY);
	/* the health gauge points at a closed loopback port: the gauge fails,
	 * the source does not */
	poll_ok(e, RUNBOOK_SRC_HEALTH);
	assert_int_equal(engine_poll_once(e, RUNBOOK_SRC_EXECUTIONS, &err),
	                 CUTOVER_OK); /* unused */
	assert_false(engine_source_used(e, RUNBOOK_SRC_EXECUTIONS));
	assert_int_equal(engine_snapshot_take(e, &s), CUTOVER_OK);

	assert_int_equal(s.nflags, 1);
	assert_true(s.flags[0].present);
	assert_string_equal(s.flags[0].value, "true");
	assert_int_equal(s.flags[0].version, 3);
	assert_string_equal(s.flags[0].last_modified_user, "arn:aws:iam::1:user/bob");
	assert_string_equal(s.flags[0].ssm_type, "String");

	assert_int_equal(s.gauges[2].state, GAUGE_CRITICAL); /* db-lag in ALARM, no trigger */
	assert_string_equal(s.gauges[2].detail, "lag > 60 s");
	assert_int_equal(s.gauges[3].state, GAUGE_CRITICAL); /* health: connection refused */
	assert_non_null(s.gauges[3].detail);
	assert_true(isnan(s.gauges[3].value)); /* no answer, no latency */
	assert_int_equal(s.gauges[3].nhistory, 0);
	assert_int_equal(s.sources[RUNBOOK_SRC_HEALTH].failures, 0);

	assert_string_equal(s.header.caller_arn, "arn:aws:iam::111122223333:user/op");
	assert_string_equal(s.header.account, "111122223333");
	assert_string_equal(s.header.credential_source, "environment");
	assert_true(s.header.credential_expiry == 4070908800.0); /* 2099-01-01T00:00:00Z */
	assert_string_equal(s.header.region, "eu-west-1");
	assert_string_equal(s.header.environment, "staging");
	assert_false(s.header.production);

	/* a new version nobody's history knows yet: the user is unknown */
	pthread_mutex_lock(&M.mu);
	M.version = 4;
	snprintf(M.value, sizeof(M.value), "false");
	pthread_mutex_unlock(&M.mu);
	poll_ok(e, RUNBOOK_SRC_FLAGS);
	engine_snapshot_free(&s);
	assert_int_equal(engine_snapshot_take(e, &s), CUTOVER_OK);
	assert_string_equal(s.flags[0].value, "false");
	assert_int_equal(s.flags[0].version, 4);
	assert_null(s.flags[0].last_modified_user);

	/* throttled: the data is kept, the failure and its code recorded */
	pthread_mutex_lock(&M.mu);
	M.throttle_ssm = 1;
	pthread_mutex_unlock(&M.mu);
	test_clock += 5;
	assert_int_equal(engine_poll_once(e, RUNBOOK_SRC_FLAGS, &err), CUTOVER_EAWS);
	assert_non_null(strstr(err.msg, "ThrottlingException"));
	engine_snapshot_free(&s);
	assert_int_equal(engine_snapshot_take(e, &s), CUTOVER_OK);
	assert_string_equal(s.flags[0].value, "false");
	assert_int_equal(s.sources[RUNBOOK_SRC_FLAGS].failures, 1);
	assert_string_equal(s.sources[RUNBOOK_SRC_FLAGS].error_code, "ThrottlingException");
	assert_non_null(strstr(s.sources[RUNBOOK_SRC_FLAGS].error_msg, "GetParameters"));
	assert_false(s.sources[RUNBOOK_SRC_FLAGS].stale);

	/* two intervals (10 s) after the last success: stale, with the code */
	test_clock += 120;
	assert_int_equal(engine_poll_once(e, RUNBOOK_SRC_FLAGS, &err), CUTOVER_EAWS);
	engine_snapshot_free(&s);
	assert_int_equal(engine_snapshot_take(e, &s), CUTOVER_OK);
	assert_true(s.sources[RUNBOOK_SRC_FLAGS].stale);
	assert_int_equal(s.sources[RUNBOOK_SRC_FLAGS].failures, 2);
	assert_string_equal(
	    engine_freshness_format(&s.sources[RUNBOOK_SRC_FLAGS], s.taken, buf, sizeof(buf)),
	    "stale 2m \xc2\xb7 ThrottlingException");

	/* and it recovers */
	pthread_mutex_lock(&M.mu);
	M.throttle_ssm = 0;
	pthread_mutex_unlock(&M.mu);
	poll_ok(e, RUNBOOK_SRC_FLAGS);
	engine_snapshot_free(&s);
	assert_int_equal(engine_snapshot_take(e, &s), CUTOVER_OK);
	assert_false(s.sources[RUNBOOK_SRC_FLAGS].stale);
	assert_int_equal(s.sources[RUNBOOK_SRC_FLAGS].failures, 0);
	assert_string_equal(s.sources[RUNBOOK_SRC_FLAGS].error_code, "");

	engine_snapshot_free(&s);
	engine_destroy(e);
	runbook_destroy(rb);
	unsetenv("AWS_CREDENTIAL_EXPIRATION");
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Every request hangs (accepted, never answered); engine_stop must still
 * return within 200 ms: the sleepers wake on the condition variable and
 * the requests in flight end through the AWS client's abort hook (which
 * libcurl's easy interface alone would consult only once a second). */
static void test_stop_prompt_while_requests_hang(void **state)
{
	struct runbook *rb = load();
	struct engine *e;
	struct cutover_err err;
	struct engine_snapshot s = {0};
	double t0, took;
	int n = 0;

	(void)state;
	pthread_mutex_lock(&M.mu);
	M.hang = 1;
	pthread_mutex_unlock(&M.mu);
	e = make(rb, false);
	assert_int_equal(engine_start(e, &err), CUTOVER_OK);
	/* wait (generously) until the four AWS pollers' requests are in flight */
	for (int i = 0; i < 1000 && n < 4; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};

		pthread_mutex_lock(&M.mu);
		n = M.requests;
		pthread_mutex_unlock(&M.mu);
		nanosleep(&ts, NULL);
	}
	assert_true(n >= 4);
	/* let them hang a while: past the first moments of a transfer, when
	 * libcurl happens to look at its callbacks anyway */
	{
		struct timespec ts = {0, 400 * 1000 * 1000};

		nanosleep(&ts, NULL);
	}
	/* snapshots are taken while pollers run (TSan watches this) */
	assert_int_equal(engine_snapshot_take(e, &s), CUTOVER_OK);
	engine_snapshot_free(&s);

	t0 = mono_ms();
	engine_stop(e);
	took = mono_ms() - t0;
	printf("engine_stop with %d requests hanging: %.1f ms\n", n, took);
	assert_true(took < 200.0);
	engine_stop(e); /* twice is fine */
	engine_destroy(e);
	runbook_destroy(rb);
}

/* Stopping sleeping pollers (nothing in flight) is immediate too. */
static void test_stop_prompt_while_sleeping(void **state)
{
	struct runbook *rb = load();
	struct engine *e = make(rb, false);
	struct cutover_err err;
	double t0, took;
	uint64_t g0;

	(void)state;
	g0 = engine_generation(e);
	assert_int_equal(engine_start(e, &err), CUTOVER_OK);
	/* all sources answer at once: wait until each has published */
	for (int i = 0; i < 500; i++) {
		struct engine_snapshot s = {0};
		bool all = true;
		struct timespec ts = {0, 10 * 1000 * 1000};

		assert_int_equal(engine_snapshot_take(e, &s), CUTOVER_OK);
		for (int k = 0; k < RUNBOOK_SRC_COUNT; k++)
			if (s.sources[k].used && s.sources[k].last_attempt == 0)
				all = false;
		engine_snapshot_free(&s);
		if (all)
			break;
		nanosleep(&ts, NULL);
	}
	assert_true(engine_generation(e) > g0);
	t0 = mono_ms();
	engine_stop(e);
	took = mono_ms() - t0;
	printf("engine_stop with pollers asleep: %.1f ms\n", took);
	assert_true(took < 200.0);
	engine_destroy(e);
	engine_destroy(NULL);
	runbook_destroy(rb);
}

/* All sources at once, each on its own thread (TSan watches the publishes). */
static void test_poll_sources_parallel(void **state)
{
	struct runbook *rb = load();
	struct engine *e = make(rb, true);
	struct engine_snapshot s = {0};
	struct cutover_err err = {CUTOVER_OK, ""};

	(void)state;
	add_point(3);
	assert_int_equal(engine_poll_sources(e, ENGINE_ALL_SOURCES, &err), CUTOVER_OK);
	assert_int_equal(engine_snapshot_take(e, &s), CUTOVER_OK);
	for (int k = 0; k < RUNBOOK_SRC_COUNT; k++) {
		assert_int_equal(s.sources[k].used, k != RUNBOOK_SRC_EXECUTIONS);
		if (s.sources[k].used) {
			assert_true(s.sources[k].last_ok == test_clock);
			assert_int_equal(s.sources[k].failures, 0);
		}
	}
	assert_int_equal(s.gauges[0].state, GAUGE_OK);
	assert_string_equal(s.flags[0].value, "true");
	assert_non_null(s.header.caller_arn);
	engine_snapshot_free(&s);

	/* a mask polls only what it names; a failure is returned */
	pthread_mutex_lock(&M.mu);
	M.throttle_ssm = 1;
	pthread_mutex_unlock(&M.mu);
	test_clock += 1;
	assert_int_equal(engine_poll_sources(e, 1u << RUNBOOK_SRC_FLAGS, &err), CUTOVER_EAWS);
	assert_int_equal(engine_snapshot_take(e, &s), CUTOVER_OK);
	assert_int_equal(s.sources[RUNBOOK_SRC_FLAGS].failures, 1);
	assert_true(s.sources[RUNBOOK_SRC_METRICS].last_attempt == test_clock - 1);
	engine_snapshot_free(&s);
	engine_destroy(e);
	runbook_destroy(rb);
}

static void test_create_errors(void **state)
{
	static const char text[] =
	    "{\"name\":\"n\",\"environment\":\"e\",\"region\":\"eu-west-1\"}";
	struct runbook *rb = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	struct engine_options o = {0};
	struct cutover_err err = {CUTOVER_OK, ""};
	struct engine *e = (struct engine *)0x1;

	(void)state;
	assert_int_equal(engine_create(NULL, NULL, &e, &err), CUTOVER_EINVAL);
	assert_null(e);
	assert_int_equal(runbook_load_buffer("t", text, sizeof(text) - 1, &rb, &d), CUTOVER_OK);
	o.region = "not a region!";
	e = (struct engine *)0x1;
	assert_int_not_equal(engine_create(rb, &o, &e, &err), CUTOVER_OK);
	assert_null(e);
	assert_true(err.msg[0] != '\0');
	/* a runbook with only the identity source is fine */
	o.region = NULL;
	assert_int_equal(engine_create(rb, &o, &e, &err), CUTOVER_OK);
	assert_true(engine_source_used(e, RUNBOOK_SRC_IDENTITY));
	assert_false(engine_source_used(e, RUNBOOK_SRC_METRICS));
	engine_destroy(e);
	runbook_destroy(rb);
	diag_list_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_next_delay),
	    cmocka_unit_test(test_stale_and_format),
	    cmocka_unit_test_setup_teardown(test_metrics_trigger_ack, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_flags_alarms_identity_throttle, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stop_prompt_while_sleeping, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stop_prompt_while_requests_hang, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_poll_sources_parallel, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_create_errors, setup, teardown),
	};
	struct cutover_err err;

	if (aws_global_init(&err) != CUTOVER_OK)
		return 1;
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	aws_global_cleanup();
	return rc;
}
