#!/usr/bin/env bash
# The headless rollback's http and gauge_ok steps against `cutover sim`,
# through a recording proxy (tests/lib/count_proxy.py):
#  - an http step's own timeout_s bounds the request: timeout_s 1 against an
#    endpoint that answers after 3 s fails in about 1 s, naming the URL and
#    the timeout; timeout_s 6 waits for the same answer and passes;
#  - gauge_ok without the console's engine asks only for its gauge: one
#    GetMetricData with that gauge's query alone, one DescribeAlarms naming
#    its alarm alone, one GET of its URL alone; nothing else of the source.
set -u
. "$SRCDIR/tests/lib/assert.sh"
W=$(mktemp -d "${TMPDIR:-/tmp}/rollback_gauge_http.XXXXXX")
cleanup() {
	[ -n "${PROXY_PID:-}" ] && kill "$PROXY_PID" 2>/dev/null
	[ -n "${SIM_PID:-}" ] && kill "$SIM_PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
fail() { _fail "$@"; finish; }
export HOME="$W" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN CUTOVER_AUDIT CUTOVER_TEST_CRASH_AT CUTOVER_TEST_PAUSE_AFTER_INTENT

# The metrics have three hours of history before the sim's start.
"$CUTOVER" sim --scenario "$SRCDIR/tests/data/rollback/gauges.scenario.json" --port 0 \
	>"$W/sim.out" 2>"$W/sim.err" &
SIM_PID=$!
for _ in $(seq 200); do
	SIM_URL=$(sed -n 's/^cutover sim listening on \(http:[^ ]*\).*/\1/p' "$W/sim.out")
	[ -n "$SIM_URL" ] && break
	sleep 0.05
done
[ -n "$SIM_URL" ] || fail "sim did not start: $(cat "$W/sim.err")"
LOG="$W/requests.jsonl"
: >"$LOG"
python3 -u "$SRCDIR/tests/lib/count_proxy.py" "$SIM_URL" "$LOG" >"$W/proxy.out" 2>"$W/proxy.err" &
PROXY_PID=$!
for _ in $(seq 200); do
	PROXY_URL=$(head -1 "$W/proxy.out")
	[ -n "$PROXY_URL" ] && break
	sleep 0.05
done
[ -n "$PROXY_URL" ] || fail "proxy did not start: $(cat "$W/proxy.err")"
export AWS_ENDPOINT_URL="$PROXY_URL" AWS_ACCESS_KEY_ID=AKIDCUTOVERDEMO
export AWS_SECRET_ACCESS_KEY=cutover-demo-secret AWS_REGION=us-east-1 CUTOVER_OPERATOR=alice
export CUTOVER_HTTP_BASE="$PROXY_URL"
RB="$SRCDIR/tests/data/rollback/gauges.json"
AUDIT="$W/audit.db"

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }
within() { python3 -c "import sys; sys.exit(0 if float(sys.argv[2]) <= float(sys.argv[1]) <= float(sys.argv[3]) else 1)" "$@"; }
# The requests of the last run, one operation per line, with their ids/alarms.
ops() { python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    extra = e["ids"] if e["ids"] is not None else e["alarms"] if e["alarms"] is not None else ""
    print(e["op"], ",".join(extra) if extra else "")
' "$LOG"; }

# --- http: the step's own timeout_s ------------------------------------------
t0=$(now)
out=$("$CUTOVER" rollback "$RB" http_short --yes --audit "$AUDIT" </dev/null 2>&1)
rc=$?
took=$(elapsed "$t0" "$(now)")
expect_rc 1 "$rc" "timeout_s 1 against a 3 s answer fails (no terminal: aborted): $out"
expect_contains "$out" "GET $PROXY_URL/slow: no answer within the step's timeout_s of 1 s" \
	"the failure names the URL and the timeout"
within "$took" 0.9 2.5 || _fail "it fails in about 1 s, not the client's 15 s: took $took s"

t0=$(now)
out=$("$CUTOVER" rollback "$RB" http_long --yes --audit "$AUDIT" </dev/null 2>&1)
rc=$?
took=$(elapsed "$t0" "$(now)")
expect_rc 0 "$rc" "timeout_s 6 waits for the 3 s answer: $out"
expect_match "$out" "succeeded Slow page .*GET $PROXY_URL/slow: 200 in [0-9]+ ms" "and it passes"
within "$took" 2.9 6.5 || _fail "it waited for the answer: took $took s"

# --- gauge_ok asks for its gauge only ----------------------------------------
: >"$LOG"
out=$("$CUTOVER" rollback "$RB" wait_metric --yes --audit "$AUDIT" </dev/null 2>&1)
expect_rc 0 $? "gauge_ok on a metric gauge: $out"
expect_match "$out" "succeeded B calm .*gauge gb OK" "the metric gauge is OK"
o=$(ops)
expect_eq() { [ "$1" = "$2" ] || _fail "$3: expected '$2', got '$1'"; }
expect_eq "$(grep -c '^GetMetricData ' <<<"$o")" 1 "one GetMetricData ($o)"
# gb is the runbook's second gauge: its query is m1_0, and only it.
expect_eq "$(grep '^GetMetricData ' <<<"$o")" "GetMetricData m1_0" "with gb's query alone"
expect_eq "$(grep -c -E '^(DescribeAlarms|GET /fast|GET /slow)' <<<"$o")" 0 "no other source read ($o)"

: >"$LOG"
out=$("$CUTOVER" rollback "$RB" wait_alarm --yes --audit "$AUDIT" </dev/null 2>&1)
expect_rc 0 $? "gauge_ok on an alarm gauge: $out"
o=$(ops)
expect_eq "$(grep '^DescribeAlarms' <<<"$o")" "DescribeAlarms beta" "one DescribeAlarms naming beta alone ($o)"
expect_eq "$(grep -c -E '^(GetMetricData|GET /fast|GET /slow)' <<<"$o")" 0 "no other source read ($o)"

: >"$LOG"
t0=$(now)
out=$("$CUTOVER" rollback "$RB" wait_http --yes --audit "$AUDIT" </dev/null 2>&1)
expect_rc 0 $? "gauge_ok on an HTTP gauge: $out"
took=$(elapsed "$t0" "$(now)")
o=$(ops)
expect_eq "$(grep -c '^GET /fast' <<<"$o")" 1 "one GET of its URL ($o)"
expect_eq "$(grep -c -E '^(GET /slow|GetMetricData|DescribeAlarms)' <<<"$o")" 0 \
	"not the other URL (3 s) nor another source ($o)"
within "$took" 0 2.5 || _fail "it did not wait for /slow: took $took s"
finish
