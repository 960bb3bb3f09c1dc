#!/usr/bin/env bash
# Auto-rollback from the console, in tmux: the demo of migration-orchestration
# (production, x20) on a test copy whose latency trigger has
# "auto": {"countdown_s": 10}:
#  - every auto trigger shows "auto off" in its gauge row and the rollback
#    panel; m on the latency gauge, the environment's name typed, arms it
#    (a rollback.auto.arm row in `cutover audit`), shown "armed by alice";
#  - the incident fires the trigger: the countdown banner counts down;
#    C cancels at once (a reason noted), the banner goes, the audit log has
#    the cancel and the note;
#  - m disarms it: "auto off" again; m arms it again while it still fires:
#    the countdown restarts, and `cutover rollback --cancel-auto` from
#    another process ends it in the console too;
#  - armed once more, the countdown reaches zero: the plan starts by itself
#    (reason "auto: endpoint_latency_p95"), the rollback view opens and its
#    steps advance.
set -u
. "$SRCDIR/tests/lib/assert.sh"
. "$SRCDIR/tests/lib/tmux.sh"

work=$(mktemp -d)
cleanup() {
	tmux_kill
	rm -rf "$work"
}
trap cleanup EXIT
export TMUX_TIMEOUT=40
fail() { _fail "$@"; finish; }
AUDIT="$work/audit.db"
RB="$work/mo-auto.json"

sed 's/"trigger": { "above": 1500, "for": 3, "plan": "emergency" }/"trigger": { "above": 1500, "for": 3, "plan": "emergency", "auto": { "countdown_s": 10 } }/' \
	"$SRCDIR/docs/examples/migration-orchestration.json" >"$RB"
cp "$SRCDIR/docs/examples/migration-orchestration.scenario.json" "$work/mo-auto.scenario.json"
expect_rc 0 "$(grep -q '"plan": "emergency", "auto": { "countdown_s": 10 }' "$RB"; echo $?)" \
	"the test copy has an auto latency trigger"
audit() { "$CUTOVER" audit export --db "$AUDIT" --format csv 2>&1; }
# The seconds the banner shows ("starts in 0:SS"), or nothing.
left() { tmux_screen | sed -n 's/.*AUTO-ROLLBACK: plan emergency starts in 0:\([0-9][0-9]\).*/\1/p' | head -1; }

tmux_start 160 48 env CUTOVER_AUDIT="$AUDIT" HOME="$work" CUTOVER_THEMES="$SRCDIR/themes" \
	CUTOVER_OPERATOR=alice bash -c '"$@"; echo "rc=$?"; read -r _' _ "$CUTOVER" demo "$RB" --speed 20
trap cleanup EXIT # tmux_start set its own
tmux_wait_for 'Public endpoint p95 latency: auto off' || fail "the rollback panel shows the trigger off"
tmux_wait_for 'auto off  │' || fail "the gauge rows show auto off"

# Arm: m on the latency gauge (the first), production's name typed.
tmux_keys 2 g m
tmux_wait_for "PRODUCTION: arm auto-rollback of endpoint_latency_p95 (plan emergency, 10s countdown). Type the environment's name 'production'" ||
	fail "m asks for the environment's name"
tmux_type 'production'
tmux_keys Enter
tmux_wait_for 'auto-rollback of endpoint_latency_p95 armed (audited)' || fail "arming is confirmed"
tmux_wait_for 'Public endpoint p95 latency: auto armed by alice · 10s' || fail "the panel shows it armed"
tmux_wait_for 'auto armed│' || fail "the gauge row shows it armed"
expect_contains "$(audit)" 'rollback.auto.arm,endpoint_latency_p95,,armed: plan emergency after a 10s countdown' \
	"cutover audit has the arming"
# Reachable at 80x24: the gauges tab (2) and the rollback tab (4) show it.
tmux_resize 80 24 || fail "resize to 80x24"
tmux_keys 2
tmux_wait_for 'auto armed│' || fail "at 80x24 the gauges tab shows it armed"
tmux_keys 4
tmux_wait_for 'Public endpoint p95 latency: auto armed by alice' || fail "and the rollback tab"
tmux_resize 160 48 || fail "resize back"
tmux_keys 2 g

# The trigger fires: the banner counts down.
tmux_wait_for 'AUTO-ROLLBACK: plan emergency starts in 0:' 60 || fail "the countdown banner shows"
a=$(left)
sleep 2.5
b=$(left)
expect_match "$a $b" '^[0-9]+ [0-9]+$' "the banner shows the seconds left ($a, then $b)"
[ -n "$a" ] && [ -n "$b" ] && [ $((10#$b)) -lt $((10#$a)) ] ||
	fail "the banner counts down ($a, then $b)"

# C cancels at once; the reason is a note.
tmux_keys C
tmux_wait_for 'auto-rollback of endpoint_latency_p95 cancelled. Why?' || fail "C asks why, after cancelling"
tmux_wait_gone 'AUTO-ROLLBACK: plan emergency starts in' 10 || fail "the banner goes at once"
tmux_type 'known blip'
tmux_keys Enter
tmux_wait_for 'note written to the audit log' || fail "the reason is noted"
tmux_wait_for 'countdown cancelled by alice' || fail "the panel says who cancelled"
log=$(audit)
expect_contains "$log" 'rollback.auto.cancel,endpoint_latency_p95,,countdown cancelled,ok' "the audit log has the cancel"
expect_contains "$log" 'auto-rollback of endpoint_latency_p95 cancelled: known blip' "and its reason"
sleep 11
expect_not_contains "$(audit)" 'rollback.auto.fire' "a cancelled countdown starts nothing"
expect_not_contains "$(tmux_screen)" 'AUTO-ROLLBACK' "nor comes back while the trigger holds"

# Disarm: auto off again.
tmux_keys m
tmux_wait_for "PRODUCTION: disarm auto-rollback of endpoint_latency_p95 (armed by alice)" || fail "m offers to disarm"
tmux_type 'production'
tmux_keys Enter
tmux_wait_for 'auto-rollback of endpoint_latency_p95 disarmed (audited)' || fail "disarming is confirmed"
tmux_wait_for 'Public endpoint p95 latency: auto off' || fail "the panel shows it off"
tmux_wait_for 'auto off  │' || fail "the gauge row shows it off"
expect_contains "$(audit)" 'rollback.auto.disarm' "the audit log has the disarm"

# Armed again while it fires: a new countdown, cancelled from another process.
tmux_keys m
tmux_wait_for "(firing now: counts down at once)" || fail "arming says the countdown starts at once"
tmux_type 'production'
tmux_keys Enter
tmux_wait_for 'AUTO-ROLLBACK: plan emergency starts in 0:' || fail "the countdown restarts"
out=$("$CUTOVER" rollback "$RB" --cancel-auto endpoint_latency_p95 --reason 'from the CLI' --audit "$AUDIT" --operator bob 2>&1)
expect_rc 0 $? "cutover rollback --cancel-auto ($out)"
tmux_wait_gone 'AUTO-ROLLBACK: plan emergency starts in' 8 || fail "the console's countdown ends within seconds"
tmux_wait_for 'countdown cancelled by bob' || fail "the panel says bob cancelled it"
expect_contains "$(audit)" 'countdown cancelled (it runs in pid' "the audit log says where it ran"

# Disarmed and armed once more: this time the countdown reaches zero.
tmux_keys m
tmux_wait_for "PRODUCTION: disarm" || fail "m offers to disarm"
tmux_type 'production'
tmux_keys Enter
tmux_wait_for 'Public endpoint p95 latency: auto off' || fail "off"
tmux_keys m
tmux_wait_for "(firing now: counts down at once)" || fail "m offers to arm"
tmux_type 'production'
tmux_keys Enter
tmux_wait_for 'AUTO-ROLLBACK: plan emergency starts in 0:' || fail "the countdown runs"
tmux_wait_for 'AUTO-ROLLBACK: plan emergency started (trigger endpoint_latency_p95)' 30 ||
	fail "at zero the plan starts by itself"
tmux_wait_for 'Rollback Emergency rollback: traffic back to the source (emergency): running' ||
	fail "the rollback view opens on the run"
tmux_wait_for 'Stop the main workflow  succeeded' || fail "the first step succeeds"
tmux_wait_for 'Run the rollback workflow  succeeded' 60 || fail "the steps advance"
log=$(audit)
expect_contains "$log" 'rollback.auto.fire,endpoint_latency_p95' "the audit log has the fire"
expect_contains "$log" 'auto: endpoint_latency_p95 (armed by alice)' "the run's reason says auto and which gauge"
"$CUTOVER" audit verify --db "$AUDIT" >/dev/null 2>&1
expect_rc 0 $? "the audit chain verifies"

tmux_keys q
tmux_wait_for 'A rollback is running: quitting interrupts it' || fail "q asks while the rollback runs"
tmux_keys y
# The wrapper prints the console's exit status (tmux 3.3a does not always
# learn it; a sanitizer build on a loaded machine takes seconds to exit).
tmux_wait_for 'rc=' 30 || fail "y quits"
expect_contains "$(tmux_screen)" "rc=0" "the console exits 0"
expect_not_contains "$(tmux_screen)" "Sanitizer" "no sanitizer report"
finish
