#!/usr/bin/env bash
# Approvals answered where they are shown, in tmux against the sim: on the
# WAITING phase `a` asks y/n, then an optional comment; the approval lands
# (the AWS CLI reads TaskSucceeded with the operator and the comment) and
# the audit log has it.  `n` writes a note.  --read-only refuses `a`.
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

start_sim
AUDIT="$work/audit.db"
arn_main=arn:aws:states:us-east-1:123456789012:execution:cutover-main
sed 's/"region": "us-east-1",/"region": "us-east-1", "poll_s": { "executions": 1 },/' "$RB" >"$work/rb.json"

console() { # runbook [options...]
	tmux_start 160 48 env AWS_ENDPOINT_URL="$SIM_URL" AWS_ACCESS_KEY_ID=AKIDALICE \
		AWS_SECRET_ACCESS_KEY=alice-secret AWS_REGION=us-east-1 CUTOVER_OPERATOR=alice \
		AWS_CONFIG_FILE="$work/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-aws-credentials" \
		CUTOVER_THEMES="$SRCDIR/themes" "$CUTOVER" "$@" --audit "$AUDIT"
	tmux_wait_for 'Approve the cutover' || fail "the console shows the phases"
	tmux_wait_for '[a] approve' || fail "the waiting phase offers a"
}
quit_console() {
	tmux_keys q
	tmux_wait_for 'Quit the console? y/n' || fail "q asks while an execution runs"
	tmux_keys y
	tmux_wait_exit 10 || fail "y quits"
}

# --- read-only first: nothing may change -----------------------------------------
console "$work/rb.json" --read-only
tmux_keys 1 j a
tmux_wait_for 'Approve the selected pending approval: refused: the console was started with --read-only' ||
	fail "read-only refuses a"
quit_console
tmux_kill

console "$work/rb.json"
tmux_keys 1 j a
tmux_wait_for 'approve approve-cutover (ApproveCutover)? y/n' || fail "a asks y/n"
tmux_keys n
tmux_wait_for 'cancelled: approve approve-cutover (ApproveCutover) not done' || fail "n cancels"
tmux_keys a
tmux_wait_for 'approve approve-cutover (ApproveCutover)? y/n' || fail "a asks again"
tmux_keys y
tmux_wait_for 'approve approve-cutover (ApproveCutover): comment (optional; Enter applies, Esc cancels): _' ||
	fail "then the comment"
tmux_type 'rows match'
tmux_keys Enter
tmux_wait_for 'approved: done' || fail "the approval is answered"
tmux_keys n
tmux_wait_for 'note for the audit log (Enter saves, Esc cancels): _' || fail "n asks for a note"
tmux_type 'watching the error rate'
tmux_keys Enter
tmux_wait_for 'note written to the audit log' || fail "the note is written"
quit_console

# The approved execution's history (either execution may be the one shown).
outs=""
for ex in "$arn_main:cutover-1" "$arn_main:cutover-2"; do
	outs+=$(awsj stepfunctions get-execution-history --execution-arn "$ex" 2>/dev/null |
		python3 -c 'import json,sys; h=json.load(sys.stdin)["events"]; print("".join(e["taskSucceededEventDetails"]["output"] for e in h if e["type"]=="TaskSucceeded"))')
done
expect_contains "$outs" '"comment":"rows match"' "TaskSucceeded carries the comment"
expect_contains "$outs" '"operator":"alice"' "TaskSucceeded carries the operator"
tail=$("$CUTOVER" audit tail --db "$AUDIT" 2>&1)
expect_contains "$tail" 'approval.approve' "audit tail has the approval"
expect_contains "$tail" 'watching the error rate' "audit tail has the note"
"$CUTOVER" audit verify --db "$AUDIT" >/dev/null 2>&1
expect_rc 0 $? "the audit chain verifies"
finish
