#!/usr/bin/env bash
# soak.sh: the engine against a failing sim, then recovery.
#
#   tests/bench/soak.sh [MINUTES]      (default 30; fractions allowed: 2, 0.5)
#
# `cutover status --watch --json` watches the richest example
# (subscriber-portal, every source polled every 1-2 s) through the counting
# proxy in front of `cutover sim`.  For the first 85 % of the time (less
# when that leaves under SOAK_RECOVER_S + 30 s after) the scenario's faults make about
# 30 % of calls fail: throttling, 500/503, dropped connections, and windows
# where SSM answers take 5-20 s (a third past the client's 15 s timeout).  Then
# the faults stop.  Checked, and reported:
#   - no crash: the process is alive at every sample and ends on SIGINT with
#     a verdict exit code (0-3), not a signal;
#   - RSS flat: VmRSS sampled every SOAK_SAMPLE_S (default 10) seconds; the
#     slope (least squares, after the first fifth) and the growth are
#     reported; growth above SOAK_RSS_MAX_KB (default 4096) fails;
#   - honest staleness: in every JSON line, a source that failed names its
#     error code, a source whose data is older than 2.5 intervals + 1 s says
#     stale, and faults were actually seen (error codes listed; not
#     required with SOAK_REQUIRE_ERRORS=0, since the client's 3 attempts
#     may hide every fault of a short run);
#   - recovery: after the faults stop, every source is ok and fresh again
#     within SOAK_RECOVER_S (default 45) seconds, and stays so.
# Prints the figures and a last line "soak: PASS ..." or "soak: FAIL ...".
# Exit 0 on PASS, 1 on FAIL, 2 when it cannot run.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
MIN=${1:-30}
CUTOVER=${CUTOVER:-$ROOT/build/cutover}
SAMPLE=${SOAK_SAMPLE_S:-10}
RSS_MAX=${SOAK_RSS_MAX_KB:-4096}
RECOVER=${SOAK_RECOVER_S:-45}
[ -x "$CUTOVER" ] || { echo "soak.sh: no $CUTOVER (build first, or set CUTOVER)" >&2; exit 2; }
# A sanitizer build keeps freed memory in quarantine, so its RSS climbs by
# design: there the RSS bound is reported, not asserted, and LeakSanitizer's
# report at exit (any sanitizer report fails the soak) checks for leaks.
SANITIZED=0
ldd "$CUTOVER" 2>/dev/null | grep -Eq 'lib(a|t|ub)san' && SANITIZED=1
TOTAL=$(awk -v m="$MIN" 'BEGIN { printf "%d", m * 60 }')
[ "$TOTAL" -ge 60 ] || { echo "soak.sh: MINUTES must be at least 1" >&2; exit 2; }
# faults for most of the run, then at least RECOVER + 15 s without
FAULT_END=$(awk -v t="$TOTAL" -v r="$RECOVER" 'BEGIN { f = int(t * 0.85); if (t - f < r + 15) f = t - r - 15; print f }')

W=$(mktemp -d "${TMPDIR:-/tmp}/cutover-soak.XXXXXX")
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export HOME=$W AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true CUTOVER_AUDIT=$W/audit.db
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ENDPOINT_URL AWS_MAX_ATTEMPTS AWS_RETRY_MODE

EX=$ROOT/docs/examples
# The example's scenario with the faults, and its runbook polling fast.
"$CUTOVER" check --json "$EX/subscriber-portal.json" >"$W/rb.json" 2>"$W/check.err" || { cat "$W/check.err" >&2; exit 2; }
python3 - "$W" "$EX/subscriber-portal.scenario.json" "$FAULT_END" <<'PY' || exit 2
import json, re, sys
w, scen, fend = sys.argv[1], sys.argv[2], int(sys.argv[3])
rb = json.load(open(w + "/rb.json"))
rb["poll_s"] = {"executions": 1, "flags": 1, "metrics": 2, "alarms": 2, "health": 1, "identity": 5}
json.dump(rb, open(w + "/soak.json", "w"), indent=1)
# JSONC: drop comments outside strings
src = open(scen).read()
out, i, n, instr = [], 0, len(src), False
while i < n:
    c = src[i]
    if instr:
        out.append(c)
        if c == "\\":
            out.append(src[i + 1]); i += 1
        elif c == '"':
            instr = False
    elif c == '"':
        instr = True; out.append(c)
    elif src.startswith("//", i):
        while i < n and src[i] != "\n":
            i += 1
        continue
    elif src.startswith("/*", i):
        i = src.index("*/", i) + 2
        continue
    else:
        out.append(c)
    i += 1
sc = json.loads("".join(out))
faults = [{"from_s": 0, "to_s": fend, "throttle_rate": 0.15, "error5xx_rate": 0.12, "drop_rate": 0.08}]
# timeouts: every 5 minutes (and once early) SSM answers take 5-20 s for 20 s,
# a third of them past the client's 15 s limit
t = 25
while t + 20 <= fend:
    faults.append({"from_s": t, "to_s": t + 20, "latency_ms": [5000, 20000], "services": ["ssm"]})
    t += 300
sc["faults"] = faults
json.dump(sc, open(w + "/soak.scenario.json", "w"), indent=1)
PY

"$CUTOVER" sim --port 0 --scenario "$W/soak.scenario.json" --seed 7 >"$W/sim.out" 2>"$W/sim.err" &
SIM=$!; PIDS+=($SIM)
for i in $(seq 1 200); do grep -q '^export CUTOVER_HTTP_BASE' "$W/sim.out" 2>/dev/null && break; sleep 0.05; done
T0=$EPOCHREALTIME
SIM_URL=$(head -n 1 "$W/sim.out"); SIM_URL=${SIM_URL##* }
case "$SIM_URL" in http://*) ;; *) echo "soak.sh: the sim did not start: $(cat "$W/sim.err")" >&2; exit 2 ;; esac
python3 "$ROOT/tests/bench/countproxy.py" "$SIM_URL" >"$W/proxy.out" 2>"$W/proxy.err" &
PIDS+=($!)
for i in $(seq 1 100); do [ -s "$W/proxy.out" ] && break; sleep 0.05; done
PROXY=$(head -n 1 "$W/proxy.out")
eval "$(grep -E '^(export|unset) ' "$W/sim.out")"
export AWS_ENDPOINT_URL=$PROXY CUTOVER_HTTP_BASE=$PROXY

# each JSON line stamped with its arrival (seconds since the sim started)
"$CUTOVER" status --watch --json "$W/soak.json" 2>"$W/status.err" > >(python3 -u -c '
import sys, time
t0 = float(sys.argv[1])
for l in sys.stdin:
    print("%.3f %s" % (time.time() - t0, l.strip()), flush=True)' "$T0" >"$W/status.jsonl") &
ST=$!
PIDS+=($ST)
echo "soak: $MIN min ($TOTAL s), faults until ${FAULT_END} s, pid $ST, load $(cut -d' ' -f1-3 /proc/loadavg)"

: >"$W/rss"
crashed=""
next=$SAMPLE
while :; do
	now=$(awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", b - a }')
	[ "$now" -ge "$TOTAL" ] && break
	if ! kill -0 "$ST" 2>/dev/null; then crashed="the engine exited at ${now} s"; break; fi
	if [ "$now" -ge "$next" ]; then
		rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$ST/status" 2>/dev/null)
		[ -n "$rss" ] && echo "$now $rss" >>"$W/rss"
		next=$((next + SAMPLE))
	fi
	sleep 1
done
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$ST/status" 2>/dev/null)
curl -s "$PROXY/__bench/counts" >"$W/counts.json"
curl -s "$PROXY/__bench/log" >"$W/log.json"
curl -s "$PROXY/__bench/statuses" >"$W/statuses.json"
kill -INT "$ST" 2>/dev/null
wait "$ST"; rc=$?
[ -z "$crashed" ] && [ $rc -gt 3 ] && crashed="the engine ended with status $rc on SIGINT"

python3 - "$W" "$FAULT_END" "$TOTAL" "$RECOVER" "$RSS_MAX" "${crashed:-}" "${hwm:-0}" "$rc" "$T0" "$SANITIZED" <<'PY'
import json, os, sys
w, fend, total, recover, rssmax, crashed, hwm, rc, t0, sanitized = sys.argv[1:11]
t0 = float(t0)
fend, total, recover, rssmax = int(fend), int(total), float(recover), int(rssmax)
fails = []
# --- calls, as the proxy saw them
counts = json.load(open(w + "/counts.json"))
calls = sum(counts.values())
# --- RSS
rss = [tuple(map(int, l.split())) for l in open(w + "/rss")]
steady = rss[len(rss) // 5:] if len(rss) >= 5 else rss
slope = growth = 0.0
if len(steady) >= 2:
    n = len(steady); mx = sum(t for t, _ in steady) / n; my = sum(r for _, r in steady) / n
    den = sum((t - mx) ** 2 for t, _ in steady)
    slope = sum((t - mx) * (r - my) for t, r in steady) / den * 60 if den else 0.0
    growth = max(r for _, r in steady) - steady[0][1]
if not rss:
    fails.append("no RSS samples")
elif growth > rssmax and sanitized != "1":
    fails.append("RSS grew %d KB after warm-up (limit %d)" % (growth, rssmax))
elif growth > rssmax:
    print("rss: not asserted in a sanitizer build (quarantine); leaks are LeakSanitizer's")
err = open(w + "/status.err", errors="replace").read()
for marker in ("AddressSanitizer", "LeakSanitizer", "ThreadSanitizer", "runtime error:"):
    if marker in err:
        fails.append("a sanitizer report in the engine's stderr: " + err[err.index(marker):][:300])
        break
# --- JSON lines
lines = []
for l in open(w + "/status.jsonl"):
    t, _, j = l.partition(" ")
    try:
        lines.append((float(t), json.loads(j)))
    except ValueError:
        fails.append("a line that is not JSON at %s s" % t)
dishonest, codes, stale_lines, unreach = [], {}, 0, 0
for t, d in lines:
    any_stale = False
    for name, s in d["sources"].items():
        if not s.get("used"):
            continue
        if s.get("failures", 0) > 0 and not (s.get("error_code") or s.get("error")):
            dishonest.append("%.0fs %s failed without an error" % (t, name))
        if s.get("error_code"):
            codes[s["error_code"]] = codes.get(s["error_code"], 0) + 1
        lo = s.get("last_ok")
        age = d["time"] - lo if lo else None
        if (age is None or age > 2.5 * s["interval_s"] + 1) and not s.get("stale") and s.get("ok") and lo:
            dishonest.append("%.0fs %s data %.1fs old but not stale" % (t, name, age))
        if s.get("stale") or not s.get("ok"):
            any_stale = True
            if s.get("stale") and "stale" not in (s.get("freshness") or "") and "unreachable" not in (s.get("freshness") or ""):
                dishonest.append("%.0fs %s stale but shown as %r" % (t, name, s.get("freshness")))
    stale_lines += any_stale
    unreach += d.get("summary") == "unreachable"
if dishonest:
    fails.append("%d dishonest source views, first: %s" % (len(dishonest), dishonest[0]))
during = [(t, d) for t, d in lines if t < fend]
if not during:
    fails.append("no output during the faults")
if not codes and os.environ.get("SOAK_REQUIRE_ERRORS", "1") == "1":
    fails.append("no source ever reported an error during the faults (retries hid them all)")
# --- recovery: from some time within RECOVER s after the faults end, every
# used source ok and not stale in every line to the end
def healthy(d):
    return all(s.get("ok") and not s.get("stale") for s in d["sources"].values() if s.get("used"))
after = [(t, d) for t, d in lines if t >= fend]
rec_at = None
for i, (t, d) in enumerate(after):
    if all(healthy(x) for _, x in after[i:]):
        rec_at = t - fend
        break
if not after:
    fails.append("no output after the faults")
elif rec_at is None:
    bad = [n for n, s in after[-1][1]["sources"].items() if s.get("used") and not (s.get("ok") and not s.get("stale"))]
    fails.append("not recovered by the end: %s" % ", ".join(bad))
elif rec_at > recover:
    fails.append("recovered %.0f s after the faults stopped (limit %.0f)" % (rec_at, recover))
if crashed:
    fails.append(crashed)
# failure share of calls in the fault window, from the proxy's log
st = json.load(open(w + "/statuses.json"))
failed = sum(v for k, v in st.items() if k == "dropped" or not k.startswith("2"))
print("calls: %d (%s)" % (calls, ", ".join("%s %d" % kv for kv in sorted(counts.items(), key=lambda kv: -kv[1])[:8])))
log = json.load(open(w + "/log.json"))
win = [x for x in log if x[0] - t0 < fend]
wf = sum(1 for x in win if x[2] == "dropped" or not x[2].startswith("2"))
print("answers: %s" % ", ".join("%s %d" % kv for kv in sorted(st.items())))
print("calls failed while the faults were on: %d of %d (%.0f %%); after: %d of %d" %
      (wf, len(win), 100.0 * wf / max(1, len(win)), failed - wf, len(log) - len(win)))
print("json lines: %d (%d during faults, %d with a stale or failing source, %d summary unreachable)" % (len(lines), len(during), stale_lines, unreach))
print("error codes shown: %s" % (", ".join("%s x%d" % kv for kv in sorted(codes.items(), key=lambda kv: -kv[1])) or "none"))
print("rss: %d samples, first %d KB, last %d KB, peak (VmHWM) %s KB, slope %.1f KB/min after warm-up, growth %d KB" %
      (len(rss), rss[0][1] if rss else 0, rss[-1][1] if rss else 0, hwm, slope, growth))
print("recovery: %s" % ("%.1f s after the faults stopped" % rec_at if rec_at is not None else "never"))
print("exit on SIGINT: %s" % rc)
if fails:
    print("soak: FAIL: " + "; ".join(fails))
    sys.exit(1)
print("soak: PASS: %d s, no crash, RSS slope %.1f KB/min (growth %d KB), %d stale/failing views all named, recovered in %.1f s"
      % (total, slope, growth, stale_lines, rec_at))
PY
