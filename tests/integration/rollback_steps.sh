#!/usr/bin/env bash
# Every rollback step kind against `cutover sim` on the migration-orchestration
# scenario (tests/data/rollback/steps.json), with a person at a terminal (a
# pty): a script fails, is retried and succeeds; the migration is stopped;
# the rollback workflow runs in the sim and is waited for, its state shown;
# the flag lands; the latency gauge, high from the incident, comes back to
# OK; the health check answers; a wait; a manual step confirmed with a
# comment; one checklist item confirmed and one failed with a note.  Then a
# command that hangs is killed by its timeout, a failing check is skipped
# with --on-failure skip, and an sfn_start killed around StartExecution is
# resumed without a second execution.
set -u
. "$SRCDIR/tests/lib/assert.sh"
W=$(mktemp -d "${TMPDIR:-/tmp}/rollback_steps.XXXXXX")
. "$SRCDIR/tests/lib/rollback_env.sh"
trap 'rb_stop; rm -rf "$W"' EXIT

rb_setup 120 "$SRCDIR/docs/examples/migration-orchestration.scenario.json" \
	"$SRCDIR/tests/data/rollback/steps.json"
cd "$W/work" || exit 1
export MARKER="$W/flaky.marker"
WF=arn:aws:states:us-east-1:123456789012:stateMachine:rollback-workflow
# The latency incident starts at 180 s of scenario time (1.5 s here); give
# it three datapoints so the gauge is beyond its thresholds.
sleep 4

cat >"$W/answers.json" <<'EOF'
[
 ["Start this rollback\\? \\[y/N\\]", "y"],
 ["\\[r\\]etry / \\[s\\]kip / \\[a\\]bort:", "r"],
 ["\\[d\\]one / \\[f\\]ailed / \\[a\\]bort:", "d"],
 ["comment \\(optional\\):", "posted in #ops at the end"],
 ["\\[y\\]es, confirmed / \\[n\\]o, failed / \\[a\\]bort:", "y"],
 ["note \\(optional\\):", ""],
 ["\\[y\\]es, confirmed / \\[n\\]o, failed / \\[a\\]bort:", "n"],
 ["what is wrong:", "not scheduled yet"]
]
EOF
out=$(python3 "$SRCDIR/tests/lib/pty_answer.py" 90 "$W/answers.json" \
	"$CUTOVER" rollback "$RB" all --audit "$AUDIT" --sim-clock "$CLOCK" 2>&1)
rc=$?
expect_rc 5 "$rc" "completed with a failed checklist item (exit 5): $(echo "$out" | tail -5)"
expect_contains "$out" "Rollback plan all: Every step kind" "the plan shown first"
expect_match "$out" "failed Flaky script .*: sh exited with status 3" "the script failed once"
expect_contains "$out" "| first try fails" "its output tail shown"
expect_match "$out" "succeeded Flaky script .*retried.*: sh exited 0" "and succeeded on retry"
expect_match "$out" "succeeded Stop the migration .*: 1 stopped" "the migration stopped"
expect_match "$out" "execution RUNNING, state [A-Za-z]+" "the workflow's current state shown"
expect_match "$out" "succeeded Run the rollback workflow .*SUCCEEDED" "the workflow succeeded"
expect_match "$out" "succeeded Traffic on the source" "flag step"
expect_match "$out" "endpoint_latency_p95 (WARN|CRITICAL|TRIGGERED) [0-9.]+ms, waiting for OK" "latency was high"
expect_match "$out" "succeeded Latency back to normal .*gauge endpoint_latency_p95 OK" "and came back"
expect_match "$out" "succeeded Health answers .*: GET http://127.0.0.1:[0-9]+/health: 200" "health"
expect_match "$out" "succeeded Settle .*waited 30s" "wait"
expect_match "$out" "succeeded Tell the team .*done, confirmed by alice: posted in #ops at the end" "manual, with the comment"
expect_match "$out" "confirmed \[verify all\] Source serves traffic" "check confirmed"
expect_match "$out" "check-failed \[verify all\] Post-mortem scheduled: not scheduled yet" "check failed with its note"
expect_contains "$out" "1 checklist items failed" "summary"

expect_eq "$(awsj stepfunctions describe-execution --execution-arn arn:aws:states:us-east-1:123456789012:execution:main-migration-workflow:migration-001 --query status --output text)" "ABORTED" "main workflow ABORTED"
names=$(awsj stepfunctions list-executions --state-machine-arn "$WF" --query 'executions[].[name,status]' --output text)
expect_eq "$(echo "$names" | grep -c cutover-rb-)" "1" "one rollback workflow execution ($names)"
expect_match "$names" "cutover-rb-[0-9a-f]{20}-5-1	SUCCEEDED" "named after the run, the step and the attempt"
expect_eq "$(awsj ssm get-parameter --name /migration-orchestration/migration-001/cutover-target --query Parameter.Value --output text)" "source" "flag landed"
md=$("$CUTOVER" audit export --db "$AUDIT" --format md 2>&1)
expect_contains "$md" "| rollback.decision | all 1/8 \\#1: Flaky script | retry |" "export: the retry decision"
expect_contains "$md" "Post-mortem scheduled | failed: not scheduled yet | ok |" "export: the failed check with its note"

# A command that hangs: killed with its process group at the timeout; with no
# terminal the failure aborts the run.
out=$("$CUTOVER" rollback "$RB" slow --yes --audit "$AUDIT" </dev/null 2>&1)
expect_rc 1 $? "aborted after the timeout"
expect_contains "$out" "did not finish within 1s: its process group was killed" "timeout named"
expect_contains "$out" "nobody can decide here: aborting" "no terminal: abort, said why"
sleep 0.3
pgrep -f "sleep 31.5" >/dev/null
expect_rc 1 $? "no sleeper left behind"

# A failing check, skipped by --on-failure skip: exit 5, the reason recorded.
out=$("$CUTOVER" rollback "$RB" badhttp --yes --on-failure skip --audit "$AUDIT" </dev/null 2>&1)
expect_rc 5 $? "completed with a skipped step"
expect_match "$out" "failed Missing page .*GET http://127.0.0.1:[0-9]+/nope: 404, expected 200" "the status named"
expect_match "$out" "skipped Missing page .*skipped by alice: --on-failure skip" "skipped with a reason"
expect_match "$out" "succeeded After it" "the run went on"

# sfn_start killed after its intent (before StartExecution), then right after
# StartExecution on the resume: one execution, found by its name.
before=$(awsj stepfunctions list-executions --state-machine-arn "$WF" --query 'length(executions)' --output text)
( CUTOVER_TEST_CRASH_AT=3 exec "$CUTOVER" rollback "$RB" workflow --yes --audit "$AUDIT" \
	--sim-clock "$CLOCK" </dev/null >"$W/wf1.out" 2>&1 ) 2>/dev/null
expect_rc 137 $? "killed after the intent"
expect_contains "$(cat "$W/wf1.out")" "crash point 3 (step intent recorded, item 1)" "at the intent"
( CUTOVER_TEST_CRASH_AT=2 exec "$CUTOVER" rollback "$RB" workflow --yes --resume --audit "$AUDIT" \
	--sim-clock "$CLOCK" </dev/null >"$W/wf2.out" 2>&1 ) 2>/dev/null
expect_rc 137 $? "killed right after StartExecution"
expect_contains "$(cat "$W/wf2.out")" "crash point 2 (sfn started, item 1)" "after the start"
out=$("$CUTOVER" rollback "$RB" workflow --yes --resume --audit "$AUDIT" --sim-clock "$CLOCK" </dev/null 2>&1)
expect_rc 0 $? "resumed to the end: $out"
expect_match "$out" "succeeded Run the rollback workflow .*SUCCEEDED" "waited for the same execution"
after=$(awsj stepfunctions list-executions --state-machine-arn "$WF" --query 'length(executions)' --output text)
expect_eq "$((after - before))" "1" "exactly one execution started across the crashes"

# Auto-rollback arming from the command line: shown by --status, audited.
out=$("$CUTOVER" rollback "$RB" --arm endpoint_latency_p95 --operator carol --audit "$AUDIT" 2>&1)
expect_rc 0 $? "armed: $out"
expect_contains "$("$CUTOVER" rollback "$RB" --status --audit "$AUDIT" 2>&1)" \
	"auto-rollback endpoint_latency_p95: ARMED by carol (plan all after 60s)" "--status shows it armed"
"$CUTOVER" rollback "$RB" --disarm endpoint_latency_p95 --operator dave --audit "$AUDIT" >/dev/null 2>&1
expect_contains "$("$CUTOVER" rollback "$RB" --status --audit "$AUDIT" 2>&1)" \
	"auto-rollback endpoint_latency_p95: disarmed by dave" "--status shows it disarmed"
"$CUTOVER" rollback "$RB" --arm nope --audit "$AUDIT" >/dev/null 2>&1
expect_rc 2 $? "a gauge without an auto trigger cannot be armed"
expect_eq "$(sqlite3 "$AUDIT" "SELECT operator || ' ' || kind FROM events WHERE kind LIKE 'rollback.auto.%' ORDER BY id" | tr '\n' ';')" \
	"carol rollback.auto.arm;dave rollback.auto.disarm;" "arming and disarming audited"

# In production, arming (a rollback that may start by itself) takes the
# environment's name; disarming does not.
PROD=$W/prod.json
sed 's/"environment": "staging"/"environment": "production"/' "$RB" >"$PROD"
PAUDIT=$W/prod.db
out=$("$CUTOVER" rollback "$PROD" --arm endpoint_latency_p95 --audit "$PAUDIT" </dev/null 2>&1)
expect_rc 3 $? "production arm without --confirm refused"
expect_contains "$out" "arming auto-rollback takes --confirm production" "says what to type: $out"
out=$("$CUTOVER" rollback "$PROD" --arm endpoint_latency_p95 --confirm prod --audit "$PAUDIT" </dev/null 2>&1)
expect_rc 3 $? "production arm with the wrong name refused"
expect_eq "$(sqlite3 "$PAUDIT" "SELECT count(*) FROM events WHERE kind LIKE 'rollback.auto.%'" 2>/dev/null || echo 0)" "0" "nothing armed or audited"
out=$("$CUTOVER" rollback "$PROD" --arm endpoint_latency_p95 --confirm production --operator erin --audit "$PAUDIT" </dev/null 2>&1)
expect_rc 0 $? "production arm with --confirm production: $out"
"$CUTOVER" rollback "$PROD" --disarm endpoint_latency_p95 --operator erin --audit "$PAUDIT" </dev/null >/dev/null 2>&1
expect_rc 0 $? "disarming needs no confirmation"
expect_eq "$(sqlite3 "$PAUDIT" "SELECT kind FROM events WHERE kind LIKE 'rollback.auto.%' ORDER BY id" | tr '\n' ';')" \
	"rollback.auto.arm;rollback.auto.disarm;" "production arm and disarm audited"

"$CUTOVER" audit verify --db "$AUDIT" >/dev/null 2>&1
expect_rc 0 $? "audit verify"
finish
