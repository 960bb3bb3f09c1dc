#!/usr/bin/env bash
# The audit side of the console, in tmux against the sim:
#  - an intent a crash left without an outcome (kill -9 after the intent)
#    is said at start: "outcome unknown: verify" naming it;
#  - a flag changed by someone else since the screen showed it is refused:
#    the status line names who changed it and to what; nothing is written;
#  - `A` acknowledges the alert banner through the audited path;
#  - `L` shows the audit log live: rows written meanwhile by another
#    process (`cutover note`) appear while it is shown;
#  - with the log held under an exclusive lock by another process the
#    page says "reading", Esc and L answer at once, and the rows come
#    once the lock is released.
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
# Flags polled rarely, so the screen keeps the version it read first.
sed 's/"region": "us-east-1",/"region": "us-east-1", "poll_s": { "flags": 600 },/' "$RB" >"$work/rb.json"

# A crash between intent and outcome.
CUTOVER_TEST_PAUSE_AFTER_INTENT=30 "$CUTOVER" flag set "$work/rb.json" rollout 70 --audit "$AUDIT" >/dev/null 2>&1 &
victim=$!
for _ in $(seq 200); do
	open=$(sqlite3 "$AUDIT" "SELECT count(*) FROM events e WHERE outcome='intent' AND NOT EXISTS (SELECT 1 FROM events o WHERE o.intent_id=e.id)" 2>/dev/null)
	[ "${open:-0}" -ge 1 ] && break
	sleep 0.05
done
kill -9 $victim
wait $victim 2>/dev/null

tmux_start 160 48 env AWS_ENDPOINT_URL="$SIM_URL" AWS_ACCESS_KEY_ID=AKIDALICE \
	AWS_SECRET_ACCESS_KEY=alice-secret AWS_REGION=us-east-1 CUTOVER_OPERATOR=alice \
	AWS_CONFIG_FILE="$work/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-aws-credentials" \
	CUTOVER_THEMES="$SRCDIR/themes" "$CUTOVER" "$work/rb.json" --audit "$AUDIT"
tmux_wait_for 'outcome unknown: verify 1 action (#' || fail "the unknown outcome is said at start"
tmux_wait_for 'flag.set /app/flags/rollout-percent by alice)' || fail "and named"
tmux_wait_for 'hello' || fail "the flags arrived"

# Bob changes use_sfn behind the screen's back; alice's toggle is refused.
as_bob awsj ssm put-parameter --name /app/flags/use-sfn --value true --overwrite >/dev/null
tmux_keys 3 j Space
tmux_wait_for 'set use_sfn OFF -> ON: reason' || fail "toggle asks for a reason"
tmux_keys Enter
tmux_wait_for 'use_sfn: conflict: arn:aws:iam::123456789012:user/bob changed it to true (v2) first; nothing written' ||
	fail "the conflict names who and what"
expect_contains "$(param_version /app/flags/use-sfn)" "2" "nothing written over bob's change"

# The audit page, live.
tmux_keys L
tmux_wait_for 'Audit log (live)' || fail "L opens the audit page"
tmux_wait_for 'flag.set' || fail "it lists the rows"
tmux_wait_for 'failed' || fail "with the conflict's failed outcome"
"$CUTOVER" note "$work/rb.json" "written from another process" --audit "$AUDIT" >/dev/null 2>&1
expect_rc 0 $? "cutover note"
tmux_wait_for 'written from another process' || fail "a new row appears while the page is shown"
tmux_keys Escape
tmux_wait_gone 'Audit log (live)' || fail "Esc closes it"
tmux_keys q
tmux_wait_for 'Quit the console? y/n' && tmux_keys y
tmux_wait_exit 10 || fail "quits"
tmux_kill

# The page never waits on the log: another process holds it under an
# exclusive lock (a fresh log, so no connection of the console's is open:
# the executor opens its own at the first action).  The page says it is
# reading, Esc and L answer at once, and the rows come once it is released.
AUDIT2="$work/audit2.db"
"$CUTOVER" note "$work/rb.json" "before the lock" --audit "$AUDIT2" >/dev/null 2>&1
expect_rc 0 $? "cutover note on a fresh log"
tmux_start 160 48 env AWS_ENDPOINT_URL="$SIM_URL" AWS_ACCESS_KEY_ID=AKIDALICE \
	AWS_SECRET_ACCESS_KEY=alice-secret AWS_REGION=us-east-1 CUTOVER_OPERATOR=alice \
	AWS_CONFIG_FILE="$work/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-aws-credentials" \
	CUTOVER_THEMES="$SRCDIR/themes" "$CUTOVER" "$work/rb.json" --audit "$AUDIT2"
tmux_wait_for 'hello' || fail "the second console is up"
tmux_keys L
tmux_wait_for 'before the lock' || fail "the page lists the fresh log"
mkfifo "$work/lock.in"
sqlite3 -batch "$AUDIT2" <"$work/lock.in" >"$work/lock.out" 2>&1 &
locker=$!
exec 7>"$work/lock.in"
# In WAL mode only locking_mode=EXCLUSIVE keeps readers out.
printf '.timeout 5000\nPRAGMA locking_mode=EXCLUSIVE;\nBEGIN EXCLUSIVE;\nSELECT %s, count(*) FROM events;\n' "'locked'" >&7
for _ in $(seq 100); do
	grep -q '^locked|' "$work/lock.out" && break
	sleep 0.1
done
grep -q '^locked|' "$work/lock.out" || fail "the sqlite3 shell took the lock: $(cat "$work/lock.out")"
tmux_keys Escape
tmux_wait_gone 'Audit log (live)' 3 || fail "Esc closes the page at once while the log is locked"
tmux_keys L
tmux_wait_for 'Audit log (live)' 3 || fail "L opens it at once while the log is locked"
tmux_wait_for 'reading' 5 || fail "the page says it is reading"
expect_not_contains "$(tmux_screen)" 'before the lock' "no rows while the log is locked"
tmux_keys Escape
tmux_wait_gone 'Audit log (live)' 3 || fail "Esc still answers at once"
tmux_keys L
tmux_wait_for 'reading' 5 || fail "still reading"
printf 'COMMIT;\n' >&7
exec 7>&-
wait $locker
tmux_wait_for 'before the lock' 10 || fail "the rows come once the lock is released"
tmux_wait_gone 'reading' 5 || fail "and the page stops saying it is reading"
"$CUTOVER" note "$work/rb.json" "after the lock" --audit "$AUDIT2" >/dev/null 2>&1
expect_rc 0 $? "cutover note after the lock"
tmux_wait_for 'after the lock' 10 || fail "a new row still appears"
tmux_keys Escape
tmux_keys q
tmux_wait_for 'Quit the console? y/n' && tmux_keys y
tmux_wait_exit 10 || fail "the second console quits"
finish
