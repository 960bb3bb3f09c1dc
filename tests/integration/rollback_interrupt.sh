#!/usr/bin/env bash
# What a person at the command line meets when a run does not go straight
# through (seed 001's runbook against its scenario): a manual step with no
# terminal stops with the option to pass and leaves the run resumable;
# --resume --assume-done finishes it.  Ctrl-C stops a run where it is (exit
# 130, recorded "interrupted"); starting it again without --resume is
# refused naming where it stopped (exit 4); --abandon records the old run
# aborted and starts anew.  Bad names in --assume-done are refused.
set -u
. "$SRCDIR/tests/lib/assert.sh"
W=$(mktemp -d "${TMPDIR:-/tmp}/rollback_interrupt.XXXXXX")
. "$SRCDIR/tests/lib/rollback_env.sh"
trap 'rb_stop; rm -rf "$W"' EXIT

rb_setup 60
cd "$W/work" || exit 1

# A manual step and no terminal.
out=$("$CUTOVER" rollback "$RB" stop-migration --confirm production --audit "$AUDIT" </dev/null 2>&1)
expect_rc 3 $? "stopped at the manual step"
expect_contains "$out" "item 1 'Identify the trigger and scope, notify stakeholders' is a manual step and there is no terminal to answer it" "says which"
expect_contains "$out" "run again with --resume --assume-done 1" "says what to pass"
expect_match "$("$CUTOVER" rollback "$RB" --status --audit "$AUDIT" 2>&1)" "plan stop-migration, interrupted, by alice on .* at item 1: Identify the trigger" "left resumable"
"$CUTOVER" rollback "$RB" stop-migration --confirm production --audit "$AUDIT" --assume-done 1,stop-migration:9 </dev/null >"$W/bad.out" 2>&1
expect_rc 2 $? "a name that is no step is refused"
expect_contains "$(cat "$W/bad.out")" "--assume-done 'stop-migration:9' names no step of plan stop-migration" "and named"
out=$("$CUTOVER" rollback "$RB" stop-migration --confirm production --audit "$AUDIT" --resume \
	--assume-done 1,stop-migration:2 </dev/null 2>&1)
expect_rc 0 $? "resumed to the end: $out"
expect_match "$out" "succeeded Identify the trigger and scope, notify stakeholders .*assumed done \(--assume-done\)" "manual step answered"
expect_match "$out" "succeeded Stop the migration workflow .*1 stopped" "the workflow stopped"
expect_eq "$(rb_calls 4)$(rb_calls 5)" "11" "both commands ran once"

# Ctrl-C in the middle of the DNS plan's wait.
"$CUTOVER" rollback "$RB" dns --confirm production --audit "$AUDIT" </dev/null >"$W/int.out" 2>&1 &
pid=$!
for _ in $(seq 100); do
	grep -q "left of 300s" "$W/int.out" && break
	sleep 0.05
done
kill -INT $pid
wait $pid
expect_rc 130 $? "Ctrl-C: exit 130"
expect_contains "$(cat "$W/int.out")" "interrupted; the run stops where it is and can be resumed with --resume" "says how to go on"
expect_match "$("$CUTOVER" rollback "$RB" --status --audit "$AUDIT" 2>&1)" "plan dns, interrupted, .* at item 3: 5.3 Let DNS propagate \(running\)" "recorded interrupted at the wait"
out=$("$CUTOVER" rollback "$RB" dns --confirm production --audit "$AUDIT" </dev/null 2>&1)
expect_rc 4 $? "not started again without --resume"
expect_contains "$out" "did not end: it stopped at item 3/10 '5.3 Let DNS propagate' (running). Resume it (--resume) or abandon it (--abandon)" "says where"
out=$("$CUTOVER" rollback "$RB" dns --confirm production --audit "$AUDIT" --abandon --list </dev/null 2>&1)
expect_rc 0 $? "--list with --abandon changes nothing"
out=$("$CUTOVER" rollback "$RB" dns --confirm production --audit "$AUDIT" --abandon --sim-clock "$CLOCK" --assume-done verify </dev/null 2>&1)
expect_rc 0 $? "abandoned, started anew, completed: $out"
expect_eq "$(sqlite3 "$AUDIT" "SELECT group_concat(state, ',') FROM (SELECT state FROM rollback_runs WHERE plan='dns' ORDER BY started_ms)")" "aborted,completed" "the old run aborted, the new one completed"
expect_match "$("$CUTOVER" audit export --db "$AUDIT" --format md)" "rollback.end \| dns \| abandoned by alice at item 3/10" "the abandon is in the timeline"
"$CUTOVER" audit verify --db "$AUDIT" >/dev/null 2>&1
expect_rc 0 $? "audit verify"
finish
