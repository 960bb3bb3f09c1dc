#!/usr/bin/env bash
# The demo (migration-orchestration, production, x100), in tmux:
#  - the waiting approval is answered where it is shown: 1 G a, the
#    environment's name typed, a comment; the audit log has it;
#  - the latency trigger fires; A acknowledges it (audited);
#  - R opens the rollback view on the trigger's plan (emergency); y, the
#    environment's name, a reason start it; its steps advance against the
#    sim (stop, the rollback workflow, the flag, the gauge back to OK, the
#    health check); the checklist is answered with y; the run completes.
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

tmux_start 160 48 env CUTOVER_AUDIT="$AUDIT" HOME="$work" CUTOVER_THEMES="$SRCDIR/themes" \
	"$CUTOVER" demo migration-orchestration --speed 100
tmux_wait_for '[a] approve' || fail "the cutover decision waits for an approval"
tmux_keys 1 G a
tmux_wait_for "PRODUCTION: approve cutover (CutoverDecision). Type the environment's name 'production' to confirm" ||
	fail "a asks for the environment's name"
tmux_type 'production'
tmux_keys Enter
tmux_wait_for 'approve cutover (CutoverDecision): comment (optional' || fail "then a comment"
tmux_type 'go for cutover'
tmux_keys Enter
tmux_wait_for 'approved: done' || fail "the approval is answered"

tmux_wait_for 'TRIGGERED Public endpoint p95 latency' || fail "the latency trigger fires"
tmux_keys A
tmux_wait_for 'acknowledged endpoint_latency_p95 (audited)' || fail "A acknowledges it, audited"

tmux_keys R
tmux_wait_for 'Recommended plan: Emergency rollback: traffic back to the source (emergency)' ||
	fail "R offers the trigger's plan"
tmux_keys y
tmux_wait_for "Type the environment's name 'production' to confirm" || fail "starting asks for the name"
tmux_type 'production'
tmux_keys Enter
tmux_wait_for 'reason (optional' || fail "then a reason"
tmux_type 'latency'
tmux_keys Enter
tmux_wait_for 'Stop the main workflow  succeeded' || fail "the stop step succeeded"
tmux_wait_for 'Run the rollback workflow  succeeded' || fail "the rollback workflow ran"
tmux_wait_for 'Traffic on the source  succeeded' || fail "the flag step succeeded"
tmux_wait_for 'Latency back to normal  succeeded' || fail "the latency gauge is OK again"
tmux_wait_for 'Public /health answers  succeeded' || fail "the health check answers"
for i in 1 2 3 4; do
	tmux_wait_for "Verify (emergency $i/4)" || fail "checklist item $i is asked"
	tmux_keys y
	tmux_wait_gone "Verify (emergency $i/4)" || fail "checklist item $i is answered"
done
tmux_wait_for 'completed, 9/9 done' || fail "the run completes"

tail=$("$CUTOVER" audit export --db "$AUDIT" --format csv 2>&1)
expect_contains "$tail" 'approval.approve' "the audit log has the approval"
expect_contains "$tail" 'alert.ack' "and the acknowledgement"
expect_contains "$tail" 'rollback.end' "and the rollback"
"$CUTOVER" audit verify --db "$AUDIT" >/dev/null 2>&1
expect_rc 0 $? "the audit chain verifies"
# Nothing runs any more (the rollback stopped the workflow): q quits.
tmux_keys q
tmux_wait_exit 10 || fail "q quits once nothing runs"
finish
