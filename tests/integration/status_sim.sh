#!/usr/bin/env bash
# `cutover status` against the sim on a compressed timeline
# (tests/data/status_sim.scenario.json): phases advance, the approval is
# found with a token the sim accepts, an incident moves the gauge to WARN,
# then TRIGGERED after 3 datapoints and back, a throttled SSM makes the
# flags source unreachable (exit 3) and it recovers.
#
# The timeline runs on the wall clock whatever the machine's load, so the
# test does not check step by step (a slow check would miss a window):
# it records `cutover status --json` and the human output, with their exit
# codes, for the whole timeline, then asserts on the recording: each
# moment was seen, in order, and every record is self-consistent.
set -u
. "$SRCDIR/tests/lib/assert.sh"
. "$SRCDIR/tests/lib/sim.sh"
W=$(mktemp -d "${TMPDIR:-/tmp}/status_sim.XXXXXX")
trap '_sim_cleanup; [ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT

start_sim S --scenario "$SRCDIR/tests/data/status_sim.scenario.json" || exit 1
T0=$EPOCHREALTIME
export AWS_ENDPOINT_URL="$S_URL" AWS_ACCESS_KEY_ID=AKIDSTATUSTEST AWS_SECRET_ACCESS_KEY=status-test-secret
export AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1
RB="$W/status_sim.runbook.json"
sed "s#@HEALTH@#$S_URL#" "$SRCDIR/tests/data/status_sim.runbook.json" >"$RB"
# Seconds since the sim started, e.g. 12.345 (bash arithmetic: no process).
elapsed() {
	local ms=$(( (${EPOCHREALTIME/./} - ${T0/./}) / 1000 ))
	printf '%d.%03d\n' $((ms / 1000)) $((ms % 1000))
}

# --- record ------------------------------------------------------------------
# Until 38 s (the fault window ends at 34): JSON and human runs alternate;
# the approval is answered with the token status found.
mkdir -p "$W/rec"
n=0; approved=""; aws_pid=""
while :; do
	t=$(elapsed)
	[ "${t%.*}" -lt 38 ] || break
	n=$((n + 1))
	if [ $((n % 2)) -eq 1 ]; then
		"$CUTOVER" status --json "$RB" >"$W/rec/$n.json" 2>"$W/rec/$n.err"
		echo "$? $t" >"$W/rec/$n.json.meta"
		# answered once the incident is under way (t >= 12), so that the
		# waiting phase is recorded for a while first
		if [ -z "$approved" ] && [ "${t%.*}" -ge 12 ] &&
			grep -q '"approvals":\s*\[\s*{' "$W/rec/$n.json"; then
			tok=$(json_get "$(cat "$W/rec/$n.json")" "d['approvals'][0]['task_token']")
			approved=$t
			aws --endpoint-url "$S_URL" stepfunctions send-task-success --task-token "$tok" \
				--task-output '{}' >"$W/approve.out" 2>&1 &
			aws_pid=$!
			echo "$tok" >"$W/token"
		fi
	else
		"$CUTOVER" status "$RB" >"$W/rec/$n.txt" 2>&1
		echo "$? $t" >"$W/rec/$n.txt.meta"
	fi
	sleep 0.1
done
[ -n "$aws_pid" ] && wait "$aws_pid"
echo "recorded $n runs; approval answered at ${approved:-never} s"

# --- analyse -------------------------------------------------------------------
python3 - "$W" <<'PY'
import json, os, re, sys
w = sys.argv[1]
fails = []; checks = 0
def check(cond, what):
    global checks
    checks += 1
    if not cond:
        fails.append(what)
J, H = [], []
for f in os.listdir(w + "/rec"):
    if not (f.endswith(".json") or f.endswith(".txt")):
        continue
    rc, t = open(w + "/rec/" + f + ".meta").read().split()
    rec = (float(t), int(rc), open(w + "/rec/" + f).read())
    (J if f.endswith(".json") else H).append(rec)
J.sort(); H.sort()
J = [(t, rc, json.loads(s)) for t, rc, s in J]
print("json runs %d, human runs %d" % (len(J), len(H)))
ph = lambda d, i: {p["id"]: p for p in d["phases"]}[i]
ga = lambda d: {g["id"]: g for g in d["gauges"]}["errors"]
def first(pred, after=-1.0):
    for t, rc, d in J:
        if t > after and pred(d, rc):
            return t, rc, d
    return None

# Every record is consistent with itself.
for t, rc, d in J:
    g = ga(d)
    states = [x["state"] for x in d["gauges"]]
    worst = 3 if any(s["used"] and s["failures"] for s in d["sources"].values()) else \
        2 if any(st in ("CRITICAL", "TRIGGERED") for st in states) or \
             any(p["status"] in ("failed", "aborted") for p in d["phases"]) else \
        1 if "WARN" in states or any(p["stuck"] for p in d["phases"]) or \
             any(s["used"] and s["stale"] for s in d["sources"].values()) else 0
    check(rc == d["exit"] == worst, "t=%.1f exit %d, json exit %d, expected %d (gauges %s)" %
          (t, rc, d["exit"], worst, [(x["id"], x["state"], x["value"]) for x in d["gauges"]]))
    check(d["summary"] == ["ok", "warning", "critical", "unreachable"][rc], "t=%.1f summary" % t)
    h = g["history"]
    if g["state"] in ("WARN", "CRITICAL", "TRIGGERED", "OK") and len(h) >= 3:
        # TRIGGERED exactly when the last 3 datapoints are beyond 10
        # (hysteresis only matters on the way back, not at these values)
        check((g["state"] == "TRIGGERED") == all(v > 10 for v in h[-3:]),
              "t=%.1f %s with history %s" % (t, g["state"], h[-4:]))
        check(g["value"] == h[-1], "t=%.1f value is the newest datapoint" % t)
    if g["state"] == "TRIGGERED":
        check([(x["gauge"], x["plan"]) for x in d["triggers"]] == [("errors", "back")],
              "t=%.1f banner %s" % (t, d["triggers"]))
    if d["approvals"]:
        check(ph(d, "switch")["status"] == "waiting", "t=%.1f approval while not waiting" % t)

# The start: Prep running, all reachable.
r = first(lambda d, rc: ph(d, "prep")["status"] == "running")
check(r is not None, "prep seen running")
if r:
    t, rc, d = r
    check(rc == 0, "exit 0 at the start (got %d)" % rc)
    check(ph(d, "prep")["current_state"] == "Prep", "current state Prep")
    check(ph(d, "load")["status"] == "pending", "load pending")
    check(d["identity"]["arn"] == "arn:aws:iam::111122223333:user/oncall", "caller identity")
    check(d["flags"][0]["value"] == "true" and d["flags"][0]["version"] == 1, "flag value/version")
    check(d["flags"][0]["last_modified_user"] == "arn:aws:iam::111122223333:user/alice", "flag modifier")
    check(ga(d)["state"] == "OK" and ga(d)["value"] == 1, "gauge OK at 1")
    hg = {g["id"]: g for g in d["gauges"]}["health"]
    check(hg["state"] == "OK" and hg["detail"].startswith("200"), "health OK: %s" % hg["detail"])
    jobs = [x for x in d["executions"] if x["id"] == "jobs"][0]["jobs"]
    check([(j["name"], j["status"]) for j in jobs] == [("BATCH-2", "RUNNING"), ("BATCH-1", "SUCCEEDED")],
          "jobs newest first: %s" % jobs)
    check(all(s["ok"] for s in d["sources"].values() if s["used"]), "every used source ok")

# The approval: waiting with the token, earlier phases done.
r = first(lambda d, rc: len(d["approvals"]) == 1)
check(r is not None, "approval seen")
if r:
    t, rc, d = r
    a = d["approvals"][0]
    check(a["phase"] == "switch" and a["state"] == "Approve", "approval phase/state %s" % a)
    check(re.fullmatch(r"[A-Za-z0-9+/=]{200,}", a["task_token"] or "") is not None, "token shape")
    check(ph(d, "switch")["task_token"] == a["task_token"], "phase carries the token")
    check(ph(d, "prep")["status"] == ph(d, "load")["status"] == "succeeded", "earlier phases done")
check("executionArn" not in open(w + "/approve.out").read() and
      os.path.getsize(w + "/approve.out") == 0, "the sim accepted the token: %s" % open(w + "/approve.out").read())
r2 = first(lambda d, rc: ph(d, "switch")["status"] == "succeeded")
check(r2 is not None and r is not None and r2[0] > r[0], "switch succeeded after the approval")
if r2:
    x = [x for x in r2[2]["executions"] if x["id"] == "main"][0]
    check(x["status"] == "SUCCEEDED" and not r2[2]["approvals"], "execution SUCCEEDED, nothing pending")

# The incident: WARN (7), then TRIGGERED, then back to OK.
w1 = first(lambda d, rc: ga(d)["state"] == "WARN")
check(w1 is not None and w1[1] == 1 and ga(w1[2])["value"] == 7, "WARN at 7 with exit 1")
tr = first(lambda d, rc: ga(d)["state"] == "TRIGGERED", w1[0] if w1 else -1)
check(tr is not None and tr[1] == 2, "TRIGGERED after WARN, exit 2")
if tr:
    check(ga(tr[2])["history"][-3:] == [20, 20, 20], "three datapoints beyond: %s" % ga(tr[2])["history"][-3:])
    check(ga(tr[2])["plan"] == "back", "the trigger's plan")
    ok = first(lambda d, rc: ga(d)["state"] == "OK", tr[0])
    check(ok is not None and ga(ok[2])["value"] == 1, "back to OK after the trigger")
    # an unacknowledged banner outlives the trigger within one process only;
    # each `status` is a fresh process, so no banner once the gauge is OK
    if ok:
        check(ok[2]["triggers"] == [], "no banner in a fresh process once OK")
crit = [r for r in J if ga(r[2])["state"] == "CRITICAL"]
for t, rc, d in crit:
    check(d["triggers"] == [], "t=%.1f CRITICAL carries no banner" % t)

# The fault: flags unreachable (exit 3), other sources fine, then recovered.
u = first(lambda d, rc: d["sources"]["flags"]["failures"] > 0)
check(u is not None, "flags seen unreachable")
if u:
    t, rc, d = u
    f = d["sources"]["flags"]
    check(rc == 3, "exit 3 when a source is unreachable")
    check(f["error_code"] == "ThrottlingException", "error code %s" % f["error_code"])
    check(f["freshness"] == "unreachable · ThrottlingException", "freshness %s" % f["freshness"])
    check("GetParameters" in f["error"], "the failing call named: %s" % f["error"])
    check(d["sources"]["executions"]["ok"] and d["sources"]["metrics"]["ok"], "other sources ok")
    check(d["flags"][0]["value"] is None or True, "")
    # Recovered: the flags answer again and, once nothing else warns (on a
    # loaded machine another source may lag a moment), the exit is 0.
    back = first(lambda d, rc: d["sources"]["flags"]["ok"], t)
    check(back is not None and back[2]["flags"][0]["value"] == "true", "flags answer again")
    back = first(lambda d, rc: d["sources"]["flags"]["ok"] and rc == 0, t)
    check(back is not None and back[2]["flags"][0]["value"] == "true",
          "flags recovered, exit 0: %s" % ((back and (back[1], [(x["id"], x["state"], x["value"])
                                                           for x in back[2]["gauges"]])),))

# Human output: the same moments in words.
def seen(pat, rc):
    checks_ok = any(re.search(pat, s, re.S) and r == rc for _, r, s in H)
    check(checks_ok, "human output %r with exit %d" % (pat, rc))
seen(r"◐ Prepare +running .*in Prep for", 0)
seen(r"⏸ Approve and switch +waiting .*approval pending", 0)
seen(r"Error rate +WARN +7%", 1)
seen(r"Error rate +TRIGGERED +20% .*rollback recommended: plan back", 2)
seen(r"flags +unreachable · ThrottlingException\n +SSM GetParameters", 3)
seen(r"✔ Approve and switch +succeeded", 0)
seen(r"SOURCES\n +executions +ok", 0)
print("analysis: %d checks, %d failed" % (checks, len(fails)))
for f in fails:
    print("FAIL: " + f, file=sys.stderr)
sys.exit(1 if fails else 0)
PY
expect_rc 0 $? "the recording shows every moment of the timeline"

# --- --watch streams one JSON document per poll and stops on SIGINT -------
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

# --- errors that say what to do -------------------------------------------
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
expect_contains "$out" "region" "bad region: says which"
finish
