#!/usr/bin/env bash
# The rollback view, in tmux against the sim: R opens the recommended plan
# (the trigger's, "back") with its steps and checklist; y asks y/n and a
# reason, then the run starts; a step that fails offers retry and r runs it
# again; steps advance; the manual step is confirmed with y; the checklist
# item too; the run completes; the flag is back (the AWS CLI reads it) and
# the audit log has the run (`audit verify` passes).  Quitting while a
# rollback waits asks first.  --read-only refuses to start it.
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
export MARKER="$work/marker"
# The fixture with a rollback plan of safe steps: a flag, a command that
# fails once, a wait, a manual step, and a checklist.
sed '/^\/\//d' "$RB" | python3 -c '
import json, sys
rb = json.load(sys.stdin)
rb["poll_s"] = {"flags": 1}
rb["rollback"] = {"back": {"title": "Back to the old path", "estimate_min": 1, "steps": [
	{"title": "Disable dual write", "flag": "dual_write", "value": "false"},
	{"title": "Flaky script", "timeout_s": 20, "exec": ["sh", "-c",
		"if [ -e \"$MARKER\" ]; then echo second try ok; else touch \"$MARKER\"; echo first try fails; exit 3; fi"]},
	{"title": "Settle", "wait": 1},
	{"title": "Tell the team", "manual": "Post in #ops that the rollback is done"}],
	"verify": ["Error rate back to normal"]}}
json.dump(rb, sys.stdout, indent=1)' >"$work/rb.json"
awsj ssm put-parameter --name /app/flags/dual-write --value true --overwrite >/dev/null

console() { # runbook [options...]
	tmux_start 160 48 env AWS_ENDPOINT_URL="$SIM_URL" AWS_ACCESS_KEY_ID=AKIDALICE \
		AWS_SECRET_ACCESS_KEY=alice-secret AWS_REGION=us-east-1 CUTOVER_OPERATOR=alice \
		AWS_CONFIG_FILE="$work/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-aws-credentials" \
		MARKER="$MARKER" CUTOVER_THEMES="$SRCDIR/themes" "$CUTOVER" "$@" --audit "$AUDIT"
	tmux_wait_for 'dual_write' || fail "the console is up"
}

console "$work/rb.json" --read-only
tmux_keys R
tmux_wait_for 'Recommended plan: Back to the old path (back), 5 items, about 1 min' ||
	fail "R opens the recommended plan"
tmux_keys y
tmux_wait_for 'rollback: refused: the console was started with --read-only' || fail "read-only refuses"
tmux_keys q
tmux_wait_for 'Quit the console? y/n' && tmux_keys y
tmux_wait_exit 10 || fail "quits"
tmux_kill

console "$work/rb.json"
tmux_keys R
tmux_wait_for 'Recommended plan: Back to the old path (back), 5 items, about 1 min' ||
	fail "R opens the recommended plan"
tmux_wait_for '1. Disable dual write  [back]  flag dual_write = false' || fail "the steps and what they change"
tmux_wait_for '5. check: Error rate back to normal  [back]' || fail "the checklist"
tmux_keys y
tmux_wait_for 'start rollback plan back (Back to the old path)? y/n' || fail "y asks y/n"
tmux_keys y
tmux_wait_for 'reason (optional; Enter applies, Esc cancels)' || fail "then a reason"
tmux_type 'screen test'
tmux_keys Enter
tmux_wait_for 'Disable dual write  succeeded' || fail "the flag step succeeded"
tmux_wait_for 'Flaky script  failed' || fail "the script failed once"
tmux_wait_for 'first try fails' || fail "its output tail is shown"
tmux_wait_for 'r retry  S skip  X abort' || fail "a failed step offers retry, skip, abort"
tmux_keys r
tmux_wait_for 'Flaky script  succeeded' || fail "the retry succeeded"
tmux_wait_for 'Tell the team  waiting-for-operator' || fail "the manual step waits"
tmux_wait_for 'y done  f failed  X abort' || fail "the manual step offers its keys"
tmux_keys q
tmux_wait_for 'A rollback is running: quitting interrupts it (it can be resumed). Quit the console? y/n' ||
	fail "q asks while the rollback runs"
tmux_keys n
tmux_wait_for 'still watching' || fail "n keeps the console"
# Quit in the middle: the run stays resumable, and the next start offers it.
tmux_keys q
tmux_wait_for 'A rollback is running' || fail "q asks again"
tmux_keys y
tmux_wait_exit 15 || fail "y quits, interrupting the rollback"
tmux_kill
console "$work/rb.json"
tmux_wait_for 'an unfinished rollback of plan back (3/5 done, interrupted): R and y offer to resume it' ||
	fail "the next start says an unfinished run waits"
tmux_keys R
tmux_wait_for 'Unfinished plan: Back to the old path (back), 5 items' || fail "R opens the unfinished plan"
tmux_keys y
tmux_wait_for 'start rollback plan back (Back to the old path)? y/n' || fail "y asks y/n"
tmux_keys y
tmux_wait_for 'reason (optional' || fail "then a reason"
tmux_keys Enter
tmux_wait_for 'r resumes it, n starts anew (it is marked aborted), Esc cancels: run ' || fail "the unfinished run is offered for resuming"
tmux_keys r
tmux_wait_for '(resumed)' || fail "the run is resumed"
tmux_wait_for 'Disable dual write  succeeded' || fail "steps done stay done"
tmux_wait_for 'Tell the team  waiting-for-operator' || fail "the manual step is asked again"
tmux_keys y
tmux_wait_for 'Tell the team  succeeded' || fail "the manual step is confirmed"
tmux_wait_for 'y confirmed  f failed  X abort' || fail "the checklist item is asked"
tmux_keys y
tmux_wait_for 'check: Error rate back to normal  confirmed' || fail "the check is confirmed"
tmux_wait_for 'completed, 5/5 done' || fail "the run completes"
expect_contains "$(param_value /app/flags/dual-write)" "false" "the AWS CLI sees dual_write false"
tmux_keys q
tmux_wait_for 'Quit the console? y/n' && tmux_keys y
tmux_wait_exit 10 || fail "quits"

tail=$("$CUTOVER" audit export --db "$AUDIT" --format csv 2>&1)
expect_contains "$tail" 'rollback.start' "the audit log has the run's start"
expect_contains "$tail" 'rollback.end' "and its end"
"$CUTOVER" audit verify --db "$AUDIT" >/dev/null 2>&1
expect_rc 0 $? "the audit chain verifies"
finish
