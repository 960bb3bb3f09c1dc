#!/usr/bin/env bash
# Auto-rollback across consoles on one audit file, in tmux: console A runs
# the demo (migration-orchestration, x20, a 10 s auto latency trigger);
# console B opens the same runbook with no AWS behind it (its polls fail;
# the auto-rollback state comes from the audit file):
#  - `cutover rollback --arm` from a third process shows as armed in both
#    within seconds;
#  - when A's trigger fires, B shows A's countdown in its banner too;
#  - C in B cancels it: A's banner goes within seconds, nothing starts, and
#    the audit log says where the countdown ran.
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
audit() { "$CUTOVER" audit export --db "$AUDIT" --format csv 2>&1; }

TMUX_TARGET=a
tmux_start 160 48 env CUTOVER_AUDIT="$AUDIT" HOME="$work" CUTOVER_THEMES="$SRCDIR/themes" \
	CUTOVER_OPERATOR=alice "$CUTOVER" demo "$RB" --speed 20
trap cleanup EXIT # tmux_start set its own
tmux_wait_for 'Public endpoint p95 latency: auto off' || fail "A shows the trigger off"
# B: the same runbook and audit file; AWS is a closed local port.
TMUX_TARGET=b
tmux_start 160 48 env HOME="$work" CUTOVER_THEMES="$SRCDIR/themes" CUTOVER_OPERATOR=bob \
	AWS_ENDPOINT_URL=http://127.0.0.1:9 AWS_ACCESS_KEY_ID=AKIDBOB AWS_SECRET_ACCESS_KEY=bob-secret \
	AWS_REGION=us-east-1 AWS_CONFIG_FILE="$work/none" AWS_SHARED_CREDENTIALS_FILE="$work/none" \
	CUTOVER_HTTP_BASE=http://127.0.0.1:9 "$CUTOVER" "$RB" --audit "$AUDIT"
trap cleanup EXIT # tmux_start set its own
tmux_wait_for 'Public endpoint p95 latency: auto off' || fail "B shows the trigger off"

out=$("$CUTOVER" rollback "$RB" --arm endpoint_latency_p95 --confirm production --operator carol --audit "$AUDIT" 2>&1)
expect_rc 0 $? "cutover rollback --arm ($out)"
tmux_wait_for 'Public endpoint p95 latency: auto armed by carol' 10 || fail "B sees the arming within seconds"
TMUX_TARGET=a
tmux_wait_for 'Public endpoint p95 latency: auto armed by carol' 10 || fail "A sees the arming within seconds"

tmux_wait_for 'AUTO-ROLLBACK: plan emergency starts in 0:' 60 || fail "A counts down"
TMUX_TARGET=b
tmux_wait_for 'AUTO-ROLLBACK: plan emergency starts in 0:' 10 || fail "B shows A's countdown"
tmux_wait_for 'counted by pid' || fail "and says where it runs"
tmux_keys C
tmux_wait_for 'auto-rollback of endpoint_latency_p95 cancelled. Why?' || fail "C in B cancels"
tmux_type 'B says no'
tmux_keys Enter
tmux_wait_gone 'AUTO-ROLLBACK: plan emergency starts in' 10 || fail "B's banner goes"
TMUX_TARGET=a
tmux_wait_gone 'AUTO-ROLLBACK: plan emergency starts in' 8 || fail "A's countdown ends within seconds"
tmux_wait_for 'countdown cancelled by bob' || fail "A says bob cancelled it"
sleep 10
log=$(audit)
expect_not_contains "$log" 'rollback.auto.fire' "nothing fired"
expect_not_contains "$log" 'rollback.start' "nothing started"
expect_contains "$log" 'countdown cancelled (it runs in pid' "the cancel says where the countdown ran"
expect_contains "$log" 'auto-rollback of endpoint_latency_p95 cancelled: B says no' "and why"
"$CUTOVER" audit verify --db "$AUDIT" >/dev/null 2>&1
expect_rc 0 $? "the audit chain verifies"
finish
