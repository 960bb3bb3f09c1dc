#!/usr/bin/env bash
# Staleness by the clock: from the scenario's 10th second every SSM answer
# takes 20 s, so the flags source publishes nothing while its data ages.
# With no key pressed (nothing else redraws the flags panel), the status row
# must say "flags stale" and, in the same screens, every flag value must be
# drawn in the stale style (the default theme underlines it), and stay so;
# a panel that still looks fresh while the status row says stale is a lie.
# A filter then applied is named in the status row without hiding that.
set -u
. "$SRCDIR/tests/lib/assert.sh"
. "$SRCDIR/tests/lib/tmux.sh"

work=$(mktemp -d)
. "$SRCDIR/tests/lib/actions_sim.sh"
cleanup() {
	tmux_kill
	stop_all
	rm -rf "$work"
}
trap cleanup EXIT
export TMUX_TIMEOUT=30
fail() { _fail "$@"; finish; }

# The actions fixture with its flags polled every second and SSM hanging
# from t = 10 s (past the client's 15 s timeout).
python3 - "$FIXTURE/scenario.json" "$work/scenario.json" <<'PY' || fail "the scenario could not be written"
import json, re, sys
src = re.sub(r"(?m)^\s*//.*$", "", open(sys.argv[1]).read())
sc = json.loads(src)
sc["faults"] = [{"from_s": 10, "services": ["ssm"], "latency_ms": [20000, 20000]}]
json.dump(sc, open(sys.argv[2], "w"))
PY
start_sim "$work/scenario.json"
sed 's/"region": "us-east-1",/"region": "us-east-1", "poll_s": { "flags": 1 },/' "$RB" >"$work/rb.json"

tmux_start 160 48 env AWS_ENDPOINT_URL="$SIM_URL" AWS_ACCESS_KEY_ID=AKIDALICE \
	AWS_SECRET_ACCESS_KEY=alice-secret AWS_REGION=us-east-1 CUTOVER_OPERATOR=alice \
	AWS_CONFIG_FILE="$work/none" AWS_SHARED_CREDENTIALS_FILE="$work/none" HOME="$work" \
	CUTOVER_THEMES="$SRCDIR/themes" "$CUTOVER" "$work/rb.json" --audit "$work/audit.db"
trap cleanup EXIT # tmux_start set its own
tmux_wait_for 'hello' || fail "the flags' values arrived"

# flag_rows_stale: 0 when every flag row (the flags panel's rows, name at the
# left edge of the frame) draws its value underlined; prints the first that
# does not.
flag_rows_stale() {
	_tmux capture-pane -p -e -t "$TMUX_TARGET" | python3 -c '
import re, sys
ansi = re.compile(r"\x1b\[[0-9;]*m")
n = 0
for line in sys.stdin:
    plain = ansi.sub("", line)
    m = re.match(r"│[ ▸](dual_write|use_sfn|rollout|mode|banner) ", plain)
    if not m:
        continue
    n += 1
    seg = line[line.index(m.group(1)) + len(m.group(1)):]
    if not re.search(r"\x1b\[(?:[0-9;]*;)?4(?:;[0-9;]*)?m", seg):
        print("not in the stale style: " + plain.strip()[:100])
        sys.exit(1)
if n != 5:
    print("%d flag rows on screen, expected 5" % n)
    sys.exit(1)
'
}

flag_rows_stale >/dev/null && fail "the flag values are drawn stale before SSM hangs"
tmux_wait_for 'flags stale' 40 || fail "the status row says the flags are stale"
# The status row and the panel are drawn in the same frame: no wait.
why=$(flag_rows_stale)
expect_rc 0 $? "with the status row saying flags stale, every flag value is in the stale style ($why)"
sleep 3
expect_contains "$(tmux_screen | tail -1)" "flags stale" "still stale 3 s later"
why=$(flag_rows_stale)
expect_rc 0 $? "and the values still say so ($why)"

# A filter in force is said among the key hints, never over the freshness.
tmux_keys /
tmux_type a
tmux_keys Enter
tmux_wait_for '/ filter: a' || fail "the filter in force is in the status row"
status=$(tmux_screen | tail -1)
expect_contains "$status" "flags stale" "the filter label leaves the staleness readable"
finish
