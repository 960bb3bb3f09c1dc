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
# The console: the real console (`cutover RUNBOOK`) runs beside it in tmux at
# 160x48 on the same runbook and the same failing sim, with
# CUTOVER_FRAME_TRACE, and
#   - gets a key every 1-2 s all through (moves, Tab, help open and close,
#     a filter, a phase's detail), each of which changes the screen; from the
#     trace, each key's latency (poll() seeing the key to doupdate() done):
#     p50, p99 and max are reported against the 60 Hz frame (16 ms); a key
#     slower than SOAK_KEY_FAIL_MS (default 1000: it waited for something
#     like the network) fails, and so does a key that got no frame;
#   - its screen is captured (capture-pane -e) every SOAK_SAMPLE_S: the
#     frame is whole; in every SSM latency window the status row says
#     "flags stale" (data older than 2.5 intervals + 1 s) and the flag's value
#     is drawn in the stale style (underlined) while it says so; a "polled Ns
#     ago" claim is never older than that bound; the errors the status row
#     names are listed; after the faults stop the status row is fresh again
#     within SOAK_RECOVER_S and stays so, and every phase, gauge (value and
#     state) and flag is on the last screen;
#   - its RSS is sampled and judged as the engine's; it is alive at every
#     sample; q, y quits it with status 0-3 and the shell gets a cooked tty
#     (icanon, echo) and the normal screen back.
# SOAK_CONSOLE=0 leaves the console out.
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
CONSOLE=${SOAK_CONSOLE:-1}
KEY_FAIL=${SOAK_KEY_FAIL_MS:-1000}
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
	[ "$CONSOLE" = 1 ] && tmux_kill
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
with open(w + "/latency_windows", "w") as f:
    for x in faults[1:]:
        f.write("%d %d\n" % (x["from_s"], x["to_s"]))
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

# The console, straight at the sim (the proxy's counts stay the engine's),
# inside a shell that reports what it left behind.
CPID=""
if [ "$CONSOLE" = 1 ]; then
	. "$ROOT/tests/lib/tmux.sh"
	TMUX_SOCKET="cutover-soak-$$"
	_tmux_conf="$W/tmux.conf"
	shell='"$0" "$1" --audit "$2" 2>"$3"; echo "rc=$?"
stty -a | tr " ;" "\n\n" | grep -x -e "-\{0,1\}icanon" -e "-\{0,1\}echo" | tr "\n" " "; echo
echo DONE; read -r _'
	tmux_start 160 48 env AWS_ENDPOINT_URL="$SIM_URL" CUTOVER_HTTP_BASE="$SIM_URL" \
		AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" \
		AWS_REGION="$AWS_REGION" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
		HOME="$W" CUTOVER_FRAME_TRACE="$W/frames.txt" CUTOVER_THEMES="$ROOT/themes" \
		bash -c "$shell" "$CUTOVER" "$W/soak.json" "$W/console-audit.db" "$W/console.err"
	trap cleanup EXIT # tmux_start set its own
	TMUX_TIMEOUT=30 tmux_wait_for "1 Phases" >/dev/null 2>&1 ||
		{ echo "soak.sh: the console did not open: $(tmux_screen; cat "$W/console.err")" >&2; exit 2; }
	pp=$(tmux_query '#{pane_pid}')
	CPID=$(cat "/proc/$pp/task/$pp/children" 2>/dev/null | awk '{ print $1 }')
	[ -n "$CPID" ] || { echo "soak.sh: cannot find the console's pid under $pp" >&2; exit 2; }
	mkdir -p "$W/screens"
fi
# Keys that each change the screen (a key that changes nothing draws no
# frame, and the trace would charge it the wait for the next one); the
# cycle starts and ends on panel 1 with every selection where it was.
KEYS=(2 j k j k 3 1 j k Tab BTab '?' Escape / i Enter Escape Enter Escape 5 1)
ki=0
echo "soak: $MIN min ($TOTAL s), faults until ${FAULT_END} s, pid $ST${CPID:+, console pid $CPID}, load $(cut -d' ' -f1-3 /proc/loadavg)"

: >"$W/rss"
: >"$W/rss_console"
: >"$W/keys"
crashed=""
next=$SAMPLE
while :; do
	now=$(awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", b - a }')
	[ "$now" -ge "$TOTAL" ] && break
	if ! kill -0 "$ST" 2>/dev/null; then crashed="the engine exited at ${now} s"; break; fi
	if [ -n "$CPID" ] && ! kill -0 "$CPID" 2>/dev/null; then crashed="the console exited at ${now} s"; break; fi
	if [ "$now" -ge "$next" ]; then
		rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$ST/status" 2>/dev/null)
		[ -n "$rss" ] && echo "$now $rss" >>"$W/rss"
		if [ -n "$CPID" ]; then
			rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$CPID/status" 2>/dev/null)
			[ -n "$rss" ] && echo "$now $rss" >>"$W/rss_console"
			_tmux capture-pane -p -e -t "$TMUX_TARGET" >"$W/screens/$(awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
		fi
		next=$((next + SAMPLE))
	fi
	if [ -n "$CPID" ]; then
		k=${KEYS[ki % ${#KEYS[@]}]}
		ki=$((ki + 1))
		echo "$(awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }') $k" >>"$W/keys"
		tmux_keys "$k"
		# every 1 to 2 s
		sleep "1.$((RANDOM % 10))"
	else
		sleep 1
	fi
done
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$ST/status" 2>/dev/null)
chwm=""
crc=""
if [ -n "$CPID" ]; then
	chwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$CPID/status" 2>/dev/null)
	# the last screen: the panels at rest, with fresh values
	tmux_keys Escape
	sleep 1.5
	_tmux capture-pane -p -e -t "$TMUX_TARGET" >"$W/screen.last"
	tmux_keys q
	if tmux_wait_for "Quit the console? y/n" 10 >/dev/null 2>&1; then tmux_keys y; fi
	if tmux_wait_for DONE 20 >/dev/null 2>&1; then
		tmux_screen >"$W/screen.after"
		tmux_query '#{alternate_on}' >"$W/alternate_after"
	else
		[ -z "$crashed" ] && crashed="the console did not quit on q, y"
		tmux_screen >"$W/screen.after"
	fi
fi
curl -s "$PROXY/__bench/counts" >"$W/counts.json"
curl -s "$PROXY/__bench/log" >"$W/log.json"
curl -s "$PROXY/__bench/statuses" >"$W/statuses.json"
kill -INT "$ST" 2>/dev/null
wait "$ST"; rc=$?
[ -z "$crashed" ] && [ $rc -gt 3 ] && crashed="the engine ended with status $rc on SIGINT"

SOAK_CONSOLE=$CONSOLE SOAK_KEY_FAIL_MS=$KEY_FAIL SOAK_CONSOLE_HWM=${chwm:-0} SOAK_ROOT=$ROOT \
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
def rss_fit(path):
    rss = [tuple(map(int, l.split())) for l in open(path)]
    steady = rss[len(rss) // 5:] if len(rss) >= 5 else rss
    slope = growth = 0.0
    if len(steady) >= 2:
        n = len(steady); mx = sum(t for t, _ in steady) / n; my = sum(r for _, r in steady) / n
        den = sum((t - mx) ** 2 for t, _ in steady)
        slope = sum((t - mx) * (r - my) for t, r in steady) / den * 60 if den else 0.0
        growth = max(r for _, r in steady) - steady[0][1]
    return rss, slope, growth
rss, slope, growth = rss_fit(w + "/rss")
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
console_summary = ""
if os.environ.get("SOAK_CONSOLE", "1") == "1":
    import glob, re, subprocess
    key_fail = float(os.environ.get("SOAK_KEY_FAIL_MS", "1000"))
    root = os.environ["SOAK_ROOT"]
    def pct(a, q):
        return a[min(len(a) - 1, int(q * len(a)))] if a else float("nan")
    # --- keys, from the frame trace (times: ms since the console began)
    keys = [l.split()[1] for l in open(w + "/keys")]
    frames = []
    try:
        for l in open(w + "/frames.txt"):
            f = l.split()
            frames.append((float(f[0]), float(f[1]), f[2], None if f[3] == "-" else float(f[3])))
    except OSError:
        fails.append("the console wrote no frame trace")
    # The loop's keys, each answered by its own frame, in order; the
    # Escape, q and y that end the run are not measured (an Esc that
    # changes nothing draws no frame, and the trace charges it the wait for
    # the next one).
    kf = [f for f in frames if f[3] is not None]
    nk = len(kf)
    kf = kf[:len(keys)]
    kms = sorted(f[3] for f in kf)
    draws = sorted(f[1] for f in frames)
    print("console keys: %d sent, %d frames answering a key (and %d for the keys that end the run); key to screen p50 %.2f ms, p99 %.2f ms, max %.2f ms (target: under 16 ms)"
          % (len(keys), len(kms), nk - len(kms), pct(kms, 0.5), pct(kms, 0.99), kms[-1] if kms else float("nan")))
    # the quitting q is the last key frame; the sent keys pair with the first ones
    if len(kf) >= len(keys):
        esc = sorted(f[3] for f, k in zip(kf, keys) if k == "Escape")
        rest = sorted(f[3] for f, k in zip(kf, keys) if k != "Escape")
        if esc and rest:
            print("console keys: Esc p50 %.2f ms, max %.2f ms (curses waits ESCDELAY for a lone Esc); other keys p50 %.2f ms, p99 %.2f ms, max %.2f ms"
                  % (pct(esc, 0.5), esc[-1], pct(rest, 0.5), pct(rest, 0.99), rest[-1]))
    print("console frames: %d, draw p50 %.2f ms, p99 %.2f ms, max %.2f ms"
          % (len(draws), pct(draws, 0.5), pct(draws, 0.99), draws[-1] if draws else float("nan")))
    slow = [f for f in kf if f[3] > key_fail]
    if slow:
        fails.append("%d keys waited over %.0f ms for their frame, the worst %.0f ms at %.1f s of the console"
                     % (len(slow), key_fail, max(f[3] for f in slow), slow[0][0] / 1e3))
    if frames and nk < len(keys):
        fails.append("%d keys sent but only %d frames answered a key" % (len(keys), len(kms)))
    # --- screens
    wins = [tuple(map(int, l.split())) for l in open(w + "/latency_windows")]
    ansi = re.compile(r"\x1b\[[0-9;]*m")
    # "polled Ns ago" is the oldest fresh source's age: never past the
    # stale bound of the slowest poll (2.5 intervals + 1 s)
    fresh_bound = 2.5 * max(json.load(open(w + "/soak.json"))["poll_s"].values()) + 1
    shots, torn, named, stale_shots, in_win, stale_styled = [], [], {}, 0, {}, 0
    for path in sorted(glob.glob(w + "/screens/*"), key=lambda p: float(os.path.basename(p))):
        t = float(os.path.basename(path))
        raw = open(path, encoding="utf-8", errors="replace").read()
        text = ansi.sub("", raw)
        lines = text.split("\n")
        status = lines[47] if len(lines) > 47 else ""
        r = subprocess.run([sys.executable, root + "/tests/lib/console_screen.py", "frame", "160", "48"],
                           input=text, capture_output=True, text=True)
        if r.returncode != 0:
            torn.append("%.0fs: %s" % (t, (r.stderr.strip().splitlines() or ["?"])[0]))
        known = any(x in status for x in ("polled", "stale", "no data", "first poll"))
        stale = re.findall(r"(\w+) (?:stale \S+|no data)", status)
        for m in re.findall(r"· ([^·⚠┘]+?) (?=·|⚠)", status):
            if not re.match(r"\w+ (stale|no data)", m):
                named[m.strip()] = named.get(m.strip(), 0) + 1
        stale_shots += bool(stale)
        m = re.search(r"polled (\d+)s ago", status)
        if m and int(m.group(1)) > fresh_bound + 1:
            fails.append("%.0fs: the console says %r, older than the stale bound" % (t, m.group(0)))
        # a stale flag's value in the stale style (underlined), unless it
        # is the selected row, where the selection style is drawn instead
        # (the flags panel's row starts a line; the rollback panel beside
        # it may name the flag too)
        if "flags" in stale:
            for rl in raw.split("\n"):
                plain = ansi.sub("", rl)
                if re.match(r"│[ ▸>]provisioning_mode", plain):
                    if plain[1] == " ":
                        seg = rl[rl.index("provisioning_mode"):][:300]
                        if not re.search(r"\x1b\[(?:[0-9;]*;)?4(?:;[0-9;]*)?m", seg):
                            fails.append("%.0fs: flags stale but the flag's value is not in the stale style" % t)
                        else:
                            stale_styled += 1
                    break
        for a, b in wins:
            if a + 8 <= t <= b:
                in_win.setdefault(a, []).append("flags" in stale)
        shots.append((t, known, stale, status))
    if torn:
        fails.append("%d screens with a torn frame, first: %s" % (len(torn), torn[0]))
    for a, seen in sorted(in_win.items()):
        if not any(seen):
            fails.append("no screen in the SSM latency window at %d s said flags stale" % a)
    late = [(t, k, st) for t, k, st, _ in shots if t >= fend]
    crec = None
    for i, (t, k, st) in enumerate(late):
        if k and all(not x[2] for x in late[i:]):
            crec = t - fend
            break
    if not shots:
        fails.append("no console screens captured")
    elif crec is None:
        fails.append("the console's status row is not fresh at the end: %s" % shots[-1][3].strip())
    elif crec > recover:
        fails.append("the console was fresh again %.0f s after the faults stopped (limit %.0f)" % (crec, recover))
    last = ansi.sub("", open(w + "/screen.last", encoding="utf-8", errors="replace").read())
    for what in ("phases", "gauges", "flags"):
        r = subprocess.run([sys.executable, root + "/tests/lib/console_screen.py", "panel", w + "/rb.json", what],
                           input=last, capture_output=True, text=True)
        if r.returncode != 0:
            fails.append("the last screen lacks %s: %s" % (what, r.stderr.strip()[:200]))
    ll = last.split("\n")
    if len(ll) < 48 or "polled" not in ll[47] or "stale" in ll[47]:
        fails.append("the last screen's status row is not fresh: %r" % (ll[47].strip() if len(ll) > 47 else ""))
    # --- RSS, life, exit, the terminal after
    crss, cslope, cgrowth = rss_fit(w + "/rss_console")
    if not crss:
        fails.append("no console RSS samples")
    elif cgrowth > rssmax and sanitized != "1":
        fails.append("console RSS grew %d KB after warm-up (limit %d)" % (cgrowth, rssmax))
    after = open(w + "/screen.after", errors="replace").read()
    m = re.search(r"rc=(\d+)\n([^\n]*)", after)
    words = m.group(2).split() if m else []
    if not m:
        fails.append("the console did not end (no rc= after q, y)")
    elif int(m.group(1)) > 3:
        fails.append("the console ended with status %s" % m.group(1))
    elif sorted(words) != ["echo", "icanon"]:
        fails.append("the terminal after the console: %r, expected icanon echo" % " ".join(words))
    alt = open(w + "/alternate_after").read().strip() if os.path.exists(w + "/alternate_after") else "?"
    if alt != "0":
        fails.append("the alternate screen is still on after the console quit (%s)" % alt)
    cerr = open(w + "/console.err", errors="replace").read()
    for marker in ("AddressSanitizer", "LeakSanitizer", "ThreadSanitizer", "runtime error:"):
        if marker in cerr:
            fails.append("a sanitizer report in the console's stderr: " + cerr[cerr.index(marker):][:300])
            break
    print("console screens: %d captured, %d whole frames, %d with a stale source in the status row (%d with flags stale and the flag's value checked: stale style); errors named there: %s"
          % (len(shots), len(shots) - len(torn), stale_shots, stale_styled,
             ", ".join("%s x%d" % kv for kv in sorted(named.items(), key=lambda kv: -kv[1])) or "none"))
    print("console flags stale in the SSM latency windows (screens from 8 s in): %s" % (", ".join(
        "%d s: %d of %d" % (a, sum(v), len(v)) for a, v in sorted(in_win.items())) or "none sampled"))
    print("console rss: %d samples, first %d KB, last %d KB, peak (VmHWM) %s KB, slope %.1f KB/min after warm-up, growth %d KB"
          % (len(crss), crss[0][1] if crss else 0, crss[-1][1] if crss else 0, os.environ.get("SOAK_CONSOLE_HWM", "?"), cslope, cgrowth))
    print("console recovery: %s" % ("status row fresh from the first screen %.1f s after the faults stopped" % crec if crec is not None else "never"))
    print("console exit: rc=%s, tty after: %s, alternate screen after: %s" % (m.group(1) if m else "?", " ".join(words) or "?", alt))
    key_max = kms[-1] if kms else float("nan")
    console_summary = "; console: keys p99 %.1f ms, max %.1f ms (%s 16 ms), RSS slope %.1f KB/min" % (
        pct(kms, 0.99), key_max, "under" if key_max < 16 else "NOT under", cslope)
if fails:
    print("soak: FAIL: " + "; ".join(fails))
    sys.exit(1)
print("soak: PASS: %d s, no crash, RSS slope %.1f KB/min (growth %d KB), %d stale/failing views all named, recovered in %.1f s%s"
      % (total, slope, growth, stale_lines, rec_at, console_summary))
PY
