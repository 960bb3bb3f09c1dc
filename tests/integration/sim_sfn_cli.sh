#!/usr/bin/env bash
# The real AWS CLI (botocore) against `cutover sim`'s Step Functions: every
# operation the console uses parses, and the values it prints are the
# scenario's; an approval waits for its token and resumes, a rollback machine
# flips its flag, jobs list and stop, errors carry AWS's codes.
set -u
. "$SRCDIR/tests/lib/assert.sh"
. "$SRCDIR/tests/lib/sim.sh"

start_sim S --scenario "$SRCDIR/tests/fixtures/sim/sfn.scenario.json" --seed 7 || exit 1
export AWS_ACCESS_KEY_ID=AKIDTESTALICE AWS_SECRET_ACCESS_KEY='alice/secret+key' AWS_DEFAULT_REGION=eu-west-1
sfn() { aws --endpoint-url "$S_URL" stepfunctions "$@" --output json 2>&1; }
ssm() { aws --endpoint-url "$S_URL" ssm "$@" --output json 2>&1; }
SM=arn:aws:states:eu-west-1:111122223333:stateMachine
EX=arn:aws:states:eu-west-1:111122223333:execution

# The approval token of an execution, once its TaskScheduled is written
# (polls generously: the machine may be loaded).
wait_token() { # EXECUTION_ARN
	local i out tok
	for i in $(seq 1 150); do
		out=$(sfn get-execution-history --execution-arn "$1")
		tok=$(json_get "$out" '[json.loads(e["taskScheduledEventDetails"]["parameters"])["Payload"]["taskToken"] for e in d["events"] if e["type"] == "TaskScheduled" and e["taskScheduledEventDetails"]["resource"] == "invoke.waitForTaskToken"][-1:]' 2>/dev/null)
		case "$tok" in "['"*) printf '%s' "${tok:2:${#tok}-4}"; return 0 ;; esac
		sleep 0.2
	done
	return 1
}
wait_status() { # EXECUTION_ARN STATUS
	local i out
	for i in $(seq 1 150); do
		out=$(sfn describe-execution --execution-arn "$1")
		[ "$(json_get "$out" 'd["status"]' 2>/dev/null)" = "$2" ] && return 0
		sleep 0.2
	done
	echo "$out" >&2
	return 1
}

# DescribeStateMachine: the definition is the scenario's states in ASL.
out=$(sfn describe-state-machine --state-machine-arn $SM:cutover-main); rc=$?
expect_rc 0 $rc "describe-state-machine"
expect_contains "$(json_get "$out" 'd["status"], d["type"], d["roleArn"]')" \
	"('ACTIVE', 'STANDARD', 'arn:aws:iam::111122223333:role/service-role/StepFunctions-cutover-main-role')" "machine fields"
expect_contains "$(json_get "$out" 'list(json.loads(d["definition"])["States"])')" \
	"['Validate', 'ApproveCutover', 'Switch']" "definition lists the states"
expect_contains "$(json_get "$out" 'json.loads(d["definition"])["States"]["ApproveCutover"]["Resource"]')" \
	"arn:aws:states:::lambda:invoke.waitForTaskToken" "approval is a waitForTaskToken task"
out=$(sfn describe-state-machine --state-machine-arn $SM:nope)
expect_contains "$out" "(StateMachineDoesNotExist)" "unknown machine"

# ListExecutions: the jobs, newest first, filtered, paged by the CLI.
out=$(sfn list-executions --state-machine-arn $SM:portal-jobs --page-size 1); rc=$?
expect_rc 0 $rc "list-executions over pages of 1"
expect_contains "$(json_get "$out" '[(e["name"], e["status"]) for e in d["executions"]]')" \
	"[('AUDIT-0007', 'RUNNING'), ('MIGRATION-0012', 'SUCCEEDED'), ('EXPORT-0003', 'FAILED')]" "jobs newest first"
out=$(sfn list-executions --state-machine-arn $SM:portal-jobs --status-filter FAILED)
expect_contains "$(json_get "$out" '[e["name"] for e in d["executions"]]')" "['EXPORT-0003']" "status filter"

# DescribeExecution of a finished job: counts in its output.
out=$(sfn describe-execution --execution-arn $EX:portal-jobs:MIGRATION-0012)
expect_contains "$(json_get "$out" 'json.loads(d["output"])["processed_records"], d["status"]')" \
	"(24000, 'SUCCEEDED')" "job output carries its counts"
out=$(sfn describe-execution --execution-arn $EX:portal-jobs:EXPORT-0003)
expect_contains "$(json_get "$out" 'd["error"], d["cause"]')" "('S3.AccessDenied', 'bucket policy')" "failed job's error"
out=$(sfn describe-execution --execution-arn $EX:portal-jobs:NOPE)
expect_contains "$out" "(ExecutionDoesNotExist)" "unknown execution"
out=$(sfn describe-execution --execution-arn nope)
expect_contains "$out" "(InvalidArn)" "malformed ARN"

# The scenario's execution reaches its approval; the token resumes it.
tok=$(wait_token $EX:cutover-main:cutover-1); rc=$?
expect_rc 0 $rc "cutover-1 reached its approval"
expect_match "${#tok}" '^[0-9]{3,}$' "task token is long"
out=$(sfn send-task-success --task-token "$tok" --task-output '{"approved": true}'); rc=$?
expect_rc 0 $rc "send-task-success"
wait_status $EX:cutover-main:cutover-1 SUCCEEDED; expect_rc 0 $? "cutover-1 succeeded after approval"
out=$(sfn get-execution-history --execution-arn $EX:cutover-main:cutover-1)
expect_contains "$(json_get "$out" '[e["type"] for e in d["events"]]')" \
	"['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']" \
	"faithful history"
expect_contains "$(json_get "$out" '[(e["id"], e["previousEventId"]) for e in d["events"]][:3]')" \
	"[(1, 0), (2, 1), (3, 2)]" "event ids chain"
expect_contains "$(json_get "$out" 'd["events"][-1]["executionSucceededEventDetails"]["output"]')" \
	'{"approved": true}' "approval output flows to the end"
paged=$(sfn get-execution-history --execution-arn $EX:cutover-main:cutover-1 --page-size 4)
expect_contains "$(json_get "$paged" '[e["id"] for e in d["events"]]')" \
	"[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]" "history over pages of 4"
out=$(sfn get-execution-history --execution-arn $EX:cutover-main:cutover-1 --reverse-order --max-items 1)
expect_contains "$(json_get "$out" 'd["events"][0]["type"]')" "ExecutionSucceeded" "reverse order"
out=$(sfn get-execution-history --execution-arn $EX:cutover-main:cutover-1 --no-include-execution-data)
expect_not_contains "$out" "taskToken" "no execution data: no token"
out=$(sfn send-task-success --task-token "$tok" --task-output '{}')
expect_contains "$out" "(InvalidToken)" "a token answers once"
out=$(sfn send-task-failure --task-token "AQCEAAAAKgAAAAMAAAAAnot-a-token")
expect_contains "$out" "(InvalidToken)" "unknown token"

# StartExecution: a second run, rejected at its approval.
out=$(sfn start-execution --state-machine-arn $SM:cutover-main --name cutover-2 --input '{"wave": 2}'); rc=$?
expect_rc 0 $rc "start-execution"
arn=$(json_get "$out" 'd["executionArn"]')
expect_contains "$arn" "$EX:cutover-main:cutover-2" "execution ARN"
again=$(sfn start-execution --state-machine-arn $SM:cutover-main --name cutover-2 --input '{"wave": 2}')
expect_contains "$(json_get "$again" 'd["executionArn"], d["startDate"]')" \
	"$(json_get "$out" 'd["executionArn"], d["startDate"]')" "same name and input: same execution"
out=$(sfn start-execution --state-machine-arn $SM:cutover-main --name cutover-2 --input '{"wave": 3}')
expect_contains "$out" "(ExecutionAlreadyExists)" "same name, other input"
out=$(sfn start-execution --state-machine-arn $SM:cutover-main --input 'not json')
expect_contains "$out" "(InvalidExecutionInput)" "input must be JSON"
out=$(sfn start-execution --state-machine-arn $SM:cutover-main --name 'bad name')
expect_contains "$out" "(InvalidName)" "bad execution name"
tok=$(wait_token "$arn"); rc=$?
expect_rc 0 $rc "cutover-2 reached its approval"
out=$(sfn send-task-failure --task-token "$tok" --error Rejected --cause "not tonight"); rc=$?
expect_rc 0 $rc "send-task-failure"
wait_status "$arn" FAILED; expect_rc 0 $? "cutover-2 failed after rejection"
out=$(sfn describe-execution --execution-arn "$arn")
expect_contains "$(json_get "$out" 'd["error"], d["cause"]')" "('Rejected', 'not tonight')" "rejection recorded"

# The rollback machine runs, and flips its flag as it starts.
out=$(ssm get-parameter --name /app/prod/flags/rollback_mode)
expect_contains "$(json_get "$out" 'd["Parameter"]["Value"]')" "false" "flag before rollback"
out=$(sfn start-execution --state-machine-arn $SM:cutover-rollback); rc=$?
expect_rc 0 $rc "start the rollback machine"
rb=$(json_get "$out" 'd["executionArn"]')
expect_match "$rb" "^$EX:cutover-rollback:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$" "generated name is a uuid"
out=$(ssm get-parameter --name /app/prod/flags/rollback_mode)
expect_contains "$(json_get "$out" 'd["Parameter"]["Value"], d["Parameter"]["Version"]')" "('true', 2)" "rollback set its flag"
wait_status "$rb" SUCCEEDED; expect_rc 0 $? "rollback ran through its states"

# StopExecution: a running job is cancelled with its error and cause.
out=$(sfn stop-execution --execution-arn $EX:portal-jobs:AUDIT-0007 --error Operator.Cancel --cause "cancelled in cutover"); rc=$?
expect_rc 0 $rc "stop-execution"
expect_match "$(json_get "$out" 'd["stopDate"]')" '^[0-9]+\.[0-9]+$' "stopDate returned"
out=$(sfn describe-execution --execution-arn $EX:portal-jobs:AUDIT-0007)
expect_contains "$(json_get "$out" 'd["status"], d["error"], d["cause"]')" \
	"('ABORTED', 'Operator.Cancel', 'cancelled in cutover')" "job aborted"
out=$(sfn get-execution-history --execution-arn $EX:portal-jobs:AUDIT-0007 --reverse-order --max-items 1)
expect_contains "$(json_get "$out" 'd["events"][0]["type"]')" "ExecutionAborted" "aborted event written"

# A wrong secret is refused before the model sees it.
out=$(AWS_SECRET_ACCESS_KEY=wrong sfn describe-execution --execution-arn $EX:portal-jobs:AUDIT-0007)
expect_contains "$out" "InvalidSignatureException" "wrong secret refused"

finish
