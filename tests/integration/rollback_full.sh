#!/usr/bin/env bash
# Seed 001's full rollback ("full": stop the migration, then DNS,
# application, cache, S3, database, verify) end to end against its scenario
# (docs/examples/directfanz-aws.scenario.json) at 60x: the plans run in that
# order, every command once, the flags land (read back by the AWS CLI), the
# main execution is stopped, and the API error rate, high from the scenario's
# incident, comes back to OK because the sim reacts to dual write turned off.
# Meanwhile a second rollback is refused by the lock and `--status` shows who
# runs it and where it is.  The audit log verifies and its export tells it.
set -u
. "$SRCDIR/tests/lib/assert.sh"
W=$(mktemp -d "${TMPDIR:-/tmp}/rollback_full.XXXXXX")
. "$SRCDIR/tests/lib/rollback_env.sh"
trap 'rb_stop; rm -rf "$W"' EXIT

rb_setup 60
cd "$W/work" || exit 1

# The plan is listed with its numbers; nothing runs without a confirmation.
out=$("$CUTOVER" rollback "$RB" full --list 2>&1)
expect_rc 0 $? "--list"
expect_contains "$out" "Rollback plan full: Full migration rollback (reverse order)" "plan title"
expect_match "$out" "== dns: 5 DNS" "member plans shown"
"$CUTOVER" rollback "$RB" full --audit "$AUDIT" </dev/null >"$W/noconfirm.out" 2>&1
expect_rc 3 $? "production without --confirm is refused"
expect_contains "$(cat "$W/noconfirm.out")" "confirm with --confirm production" "says how to confirm"
"$CUTOVER" rollback "$RB" full --audit "$AUDIT" --confirm staging </dev/null >/dev/null 2>&1
expect_rc 3 $? "the wrong environment name is refused"
[ "$(wc -l <"$CALLS")" -eq 0 ]; expect_rc 0 $? "nothing ran before the confirmation"

ASSUME="stop-migration:1,stop-migration:2,s3:4,verify"
"$CUTOVER" rollback "$RB" full --confirm production --audit "$AUDIT" --sim-clock "$CLOCK" \
	--assume-done "$ASSUME" </dev/null >"$W/run.out" 2>"$W/run.err" &
RUN_PID=$!

# While it runs (the DNS plan waits 300 s of scenario time): the lock.
held=""
for _ in $(seq 200); do
	st=$("$CUTOVER" rollback "$RB" --status --audit "$AUDIT" 2>&1)
	case "$st" in *"held by alice"*running*) held=1; break ;; esac
	sleep 0.05
done
expect_eq "$held" "1" "--status shows the lock held ($st)"
expect_match "$st" "latest run [0-9a-f]{12}: plan full, (running|waiting), by alice on" "--status shows the run"
"$CUTOVER" rollback "$RB" dns --confirm production --audit "$AUDIT" </dev/null >"$W/second.out" 2>&1
expect_rc 3 $? "a second rollback of the runbook is refused"
expect_match "$(cat "$W/second.out")" "already running: alice on .* \(pid $RUN_PID\)" "it names who and where"
"$CUTOVER" rollback "$RB" full --resume --confirm production --audit "$AUDIT" </dev/null >"$W/third.out" 2>&1
expect_rc 3 $? "resuming the run another process runs is refused too"
expect_match "$(cat "$W/third.out")" "already running: alice on .* \(pid $RUN_PID\), run [0-9a-f]{12} \(plan full\) at item" "it says where that run is"

wait $RUN_PID
rc=$?
expect_rc 0 "$rc" "the full rollback completed ($(tail -3 "$W/run.err"))"
out=$(cat "$W/run.out")
expect_match "$out" "rollback full completed in .*: [0-9]+ items, 0 skipped, 0 checklist items failed" "summary"

# The order: the plans as the seed gives them.
order=$(sqlite3 "$AUDIT" "SELECT target FROM events WHERE kind='rollback.step' AND outcome='intent' ORDER BY id" |
	awk '{print $1}' | uniq | tr '\n' ' ')
expect_eq "$order" "stop-migration dns application cache s3 database verify-integrity " "plans in order"
steps=$(sqlite3 "$AUDIT" "SELECT count(*) FROM rollback_items WHERE kind='step'")
expect_eq "$(sqlite3 "$AUDIT" "SELECT count(*) FROM rollback_items WHERE kind='step' AND state='succeeded'")" "$steps" "every step succeeded"
expect_eq "$(sqlite3 "$AUDIT" "SELECT count(*) FROM rollback_items WHERE kind='check' AND state='confirmed'")" \
	"$(sqlite3 "$AUDIT" "SELECT count(*) FROM rollback_items WHERE kind='check'")" "every checklist item confirmed"

# Every command once, in step order (4.1 is `sh -c "kubectl ... | kubectl
# apply"`: one command, two stand-in calls).
pipe=$(sqlite3 "$AUDIT" "SELECT idx + 1 FROM rollback_items WHERE title LIKE '4.1 Restore the Kubernetes secret%'")
for s in $(sqlite3 "$AUDIT" "SELECT idx + 1 FROM rollback_items WHERE step_kind='exec'"); do
	want=1; [ "$s" = "$pipe" ] && want=2
	expect_eq "$(rb_calls "$s")" "$want" "step $s ran its command once"
done
expect_eq "$(awk '$2 != 1' "$CALLS" | wc -l)" "0" "no command was a second attempt"
prev=0; sorted=1
for s in $(awk '{print $1}' "$CALLS"); do [ "$s" -ge "$prev" ] || sorted=0; prev=$s; done
expect_eq "$sorted" "1" "commands ran in step order"
expect_contains "$(head -1 "$CALLS")" "tsx scripts/execute-s3-migration.ts --stop" "first command: stop the S3 migration"
expect_contains "$(tail -1 "$CALLS")" "bash-script" "last command: the verification script"

# What AWS shows.
expect_eq "$(awsj ssm get-parameter --name /directfanz/flags/dual-write --query Parameter.Value --output text)" "false" "dual write off"
expect_eq "$(awsj ssm get-parameter --name /directfanz/database/url --query Parameter.Value --output text)" \
	"postgresql://directfanz-db.internal.directfanz.io:5432/directfanz" "DATABASE_URL on the source"
expect_eq "$(awsj stepfunctions describe-execution --execution-arn arn:aws:states:us-east-1:123456789012:execution:directfanz-aws-migration:directfanz-cutover-2026-11-21 --query status --output text)" \
	"ABORTED" "the migration workflow stopped"

# The error rate: not OK when the database plan reached it, OK afterwards.
expect_match "$out" "api_error_rate (WARN|CRITICAL|TRIGGERED) [0-9.]+%, waiting for OK" "error rate was high"
expect_match "$out" "succeeded Error rate back to normal .*gauge api_error_rate OK" "error rate back to OK"

# The record.
out=$("$CUTOVER" audit verify --db "$AUDIT" 2>&1)
expect_rc 0 $? "audit verify ($out)"
md=$("$CUTOVER" audit export --db "$AUDIT" --format md 2>&1)
expect_contains "$md" "| rollback.start | full |" "export: start"
expect_contains "$md" "| rollback.end | full | completed: 0 skipped, 0 failed checks |" "export: end"
expect_contains "$md" "| flag.set | /directfanz/flags/dual-write | true → false |" "export: the flag through the action path"
expect_contains "$md" "| execution.stop |" "export: the stop through the action path"
expect_contains "$md" "No data loss occurred | confirmed" "export: checklist"
expect_not_contains "$md" "outcome unknown" "export: nothing unknown"
st=$("$CUTOVER" rollback "$RB" --status --audit "$AUDIT" 2>&1)
expect_contains "$st" "rollback lock of directfanz-aws-migration: free" "lock released"
expect_match "$st" "plan full, completed, by alice" "status: completed"
finish
