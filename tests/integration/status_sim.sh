#!/usr/bin/env bash
# `cutover status` against the sim on a compressed timeline
# (tests/data/status_sim.scenario.json): phases advance, the approval is
# found with a token the sim accepts, an incident moves the gauge to WARN,
# then TRIGGERED after 3 datapoints and back, a throttled SSM makes the
# flags source unreachable (exit 3) and it recovers; exit codes and the
# human output along the way.
set -u
. "$SRCDIR/tests/lib/assert.sh"
. "$SRCDIR/tests/lib/sim.sh"
W=$(mktemp -d "${TMPDIR:-/tmp}/status_sim.XXXXXX")
trap '_sim_cleanup; rm -rf "$W"' EXIT

start_sim S --scenario "$SRCDIR/tests/data/status_sim.scenario.json" || exit 1
T0=$(date +%s.%N)
export AWS_ENDPOINT_URL="$S_URL" AWS_ACCESS_KEY_ID=AKIDSTATUSTEST AWS_SECRET_ACCESS_KEY=status-test-secret
export AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1
RB="$W/status_sim.runbook.json"
sed "s#@HEALTH@#$S_URL#" "$SRCDIR/tests/data/status_sim.runbook.json" >"$RB"

elapsed() { python3 -c "import sys,time; print('%.1f' % (time.time()-float(sys.argv[1])))" "$T0"; }

# status_json: one run; sets OUT (the JSON) and RC.
status_json() { OUT=$("$CUTOVER" status --json "$RB" 2>"$W/err"); RC=$?; }

# wait_for DESCRIPTION PYEXPR [TIMEOUT]: run status until the expression over
# the JSON `d` (and `rc`) holds.  Generous timeouts, exact assertions after.
wait_for() {
	local what=$1 expr=$2 limit=${3:-30} i
	for i in $(seq 1 $((limit * 5))); do
		status_json
		if python3 -c 'import json,sys; d=json.loads(sys.argv[1]); rc=int(sys.argv[3]); sys.exit(0 if eval(sys.argv[2]) else 1)' \
			"$OUT" "$expr" "$RC" 2>/dev/null; then
			echo "at $(elapsed) s: $what"
			return 0
		fi
		sleep 0.2
	done
	_fail "$what: not seen within ${limit}s (last exit $RC): $OUT $(cat "$W/err")"
	return 1
}
J() { json_get "$OUT" "$1"; }
PH='{p["id"]: p for p in d["phases"]}'
G='{g["id"]: g for g in d["gauges"]}'

# --- the first seconds: Prep runs, everything reachable -------------------
wait_for "prep running" "$PH['prep']['status'] == 'running'" 10
expect_rc 0 "$RC" "all OK at the start"
expect_contains "$(J "d['summary']")" "ok" "summary ok"
expect_contains "$(J "$PH['prep']['current_state']")" "Prep" "current state Prep"
expect_contains "$(J "$PH['load']['status']")" "pending" "load pending"
expect_contains "$(J "d['identity']['arn']")" "arn:aws:iam::111122223333:user/oncall" "caller identity"
expect_contains "$(J "d['flags'][0]['value']")" "true" "flag value"
expect_contains "$(J "d['flags'][0]['last_modified_user']")" "user/alice" "flag last modifier"
expect_contains "$(J "$G['errors']['state']")" "OK" "gauge OK at baseline"
expect_contains "$(J "$G['errors']['value']")" "1" "gauge value at baseline"
expect_contains "$(J "$G['health']['state']")" "OK" "health OK"
expect_contains "$(J "[j['name'] for x in d['executions'] if x['id']=='jobs' for j in x['jobs']]")" "BATCH-2" "jobs listed"
expect_contains "$(J "[j['status'] for x in d['executions'] if x['id']=='jobs' for j in x['jobs']]")" "['RUNNING', 'SUCCEEDED']" "jobs newest first with status"
expect_contains "$(J "all(s['ok'] for s in d['sources'].values() if s['used'])")" "True" "every used source ok"

# --- the approval: waiting, with the token; the sim accepts it later ------
wait_for "approval waiting" "$PH['switch']['status'] == 'waiting' and len(d['approvals']) == 1" 15
expect_contains "$(J "$PH['prep']['status']") $(J "$PH['load']['status']")" "succeeded succeeded" "earlier phases done"
TOKEN=$(J "d['approvals'][0]['task_token']")
expect_match "$TOKEN" '^[A-Za-z0-9+/=]{200,}$' "task token found"
expect_contains "$(J "d['approvals'][0]['state']")" "Approve" "approval state"
expect_contains "$(J "$PH['switch']['task_token'] == d['approvals'][0]['task_token']")" "True" "phase carries the token"
human=$("$CUTOVER" status "$RB" 2>&1)
expect_contains "$human" "⏸ Approve and switch" "human: waiting glyph and title"
expect_contains "$human" "approval pending" "human: approval pending"

# --- the incident: WARN, then TRIGGERED after 3 datapoints, then back -----
wait_for "gauge WARN" "$G['errors']['state'] == 'WARN'" 20
expect_rc 1 "$RC" "exit 1 on a warning"
expect_contains "$(J "$G['errors']['value']")" "7" "WARN value"
human=$("$CUTOVER" status "$RB" 2>&1); hrc=$?
expect_rc 1 "$hrc" "human output exits 1 too"
expect_match "$human" "Error rate +WARN +7%" "human: gauge word and value"

wait_for "gauge CRITICAL before the trigger" "$G['errors']['state'] == 'CRITICAL'" 20
expect_rc 2 "$RC" "exit 2 on critical"
expect_contains "$(J "len(d['triggers'])")" "0" "no banner before 3 datapoints"
wait_for "gauge TRIGGERED" "$G['errors']['state'] == 'TRIGGERED'" 10
expect_rc 2 "$RC" "exit 2 when triggered"
expect_contains "$(J "d['triggers'][0]['gauge'] + ' ' + d['triggers'][0]['plan']")" "errors back" "banner with its plan"
expect_contains "$(J "$G['errors']['history'][-3:]")" "[20, 20, 20]" "last three datapoints beyond"
human=$("$CUTOVER" status "$RB" 2>&1)
expect_contains "$human" "rollback recommended: plan back" "human: plan recommended"

# Approve now: the token is the real one, so the execution moves on.
aws --endpoint-url "$S_URL" stepfunctions send-task-success --task-token "$TOKEN" --task-output '{}' >/dev/null 2>"$W/aws.err"
expect_rc 0 $? "the sim accepts the token ($(cat "$W/aws.err"))"

wait_for "gauge back to OK" "$G['errors']['state'] == 'OK'" 15
wait_for "switch phase succeeded" "$PH['switch']['status'] == 'succeeded'" 15
expect_contains "$(J "[x['status'] for x in d['executions'] if x['id']=='main'][0]")" "SUCCEEDED" "execution succeeded"
expect_contains "$(J "len(d['approvals'])")" "0" "no approval pending"

# --- SSM throttled: flags unreachable (exit 3), then recovered -----------
wait_for "flags unreachable" "d['sources']['flags']['failures'] > 0" 20
expect_rc 3 "$RC" "exit 3 with a source unreachable"
expect_contains "$(J "d['sources']['flags']['error_code']")" "ThrottlingException" "the error code"
expect_contains "$(J "d['sources']['flags']['freshness']")" "unreachable · ThrottlingException" "freshness text"
expect_contains "$(J "d['sources']['executions']['ok']")" "True" "other sources unaffected"
human=$("$CUTOVER" status "$RB" 2>&1); hrc=$?
expect_rc 3 "$hrc" "human output exits 3"
expect_match "$human" "flags +unreachable · ThrottlingException" "human: source named with its error"
expect_contains "$human" "GetParameters" "human: the failing call"
wait_for "flags recovered" "d['sources']['flags']['ok'] and rc == 0" 20
expect_contains "$(J "d['flags'][0]['value']")" "true" "flag value after recovery"

# --- --watch streams one JSON document per poll and stops on SIGINT ------
"$CUTOVER" status --json --watch "$RB" >"$W/watch" 2>&1 &
wpid=$!
sleep 2.5
kill -INT $wpid
wait $wpid; wrc=$?
lines=$(grep -c '^{' "$W/watch")
[ "$lines" -ge 2 ]; expect_rc 0 $? "watch printed several documents ($lines)"
expect_rc 0 "$wrc" "watch exits with the last verdict"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1]) if l.strip()]' "$W/watch"
expect_rc 0 $? "each watch line is JSON"

# --- errors that say what to do ------------------------------------------
out=$(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$CUTOVER" status "$RB" 2>&1); rc=$?
expect_rc 3 "$rc" "no credentials: unreachable"
expect_contains "$out" "cutover demo" "no credentials: suggests the demo"
expect_contains "$out" "AWS_ACCESS_KEY_ID" "no credentials: says how to set them"
out=$("$CUTOVER" status 2>&1); rc=$?
expect_rc 4 "$rc" "no runbook: cannot run"
expect_contains "$out" "which runbook" "no runbook: says so"
out=$("$CUTOVER" status "$W/missing.json" 2>&1); rc=$?
expect_rc 4 "$rc" "missing runbook: cannot run"
out=$("$CUTOVER" status --bogus "$RB" 2>&1); rc=$?
expect_rc 4 "$rc" "unknown option"
out=$(env -u AWS_REGION -u AWS_DEFAULT_REGION "$CUTOVER" status --region 'no region' "$RB" 2>&1); rc=$?
expect_rc 4 "$rc" "bad region: cannot run"
finish
