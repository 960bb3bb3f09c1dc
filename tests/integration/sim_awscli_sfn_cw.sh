#!/usr/bin/env bash
# The real AWS CLI against `cutover sim` for Step Functions and CloudWatch:
# executions progress on the scaled clock, an approval waits for its task
# token and resumes, jobs show fixed outcomes, a rollback machine flips a
# flag (reaction) and the incident metric recovers, alarms follow.
set -u
. "$SRCDIR/tests/lib/assert.sh"
. "$SRCDIR/tests/lib/sim.sh"

# Speed 60: one wall second is one scenario minute.
start_sim S --scenario "$SRCDIR/tests/fixtures/sim/full.scenario.json" --speed 60 --seed 3 || exit 1
export AWS_ACCESS_KEY_ID=AKIDFULLTEST AWS_SECRET_ACCESS_KEY=full-secret AWS_DEFAULT_REGION=us-east-1
sfn() { aws --endpoint-url "$S_URL" stepfunctions "$@" --output json 2>&1; }
cw() { aws --endpoint-url "$S_URL" cloudwatch "$@" --output json 2>&1; }
ssm() { aws --endpoint-url "$S_URL" ssm "$@" --output json 2>&1; }
SM=arn:aws:states:us-east-1:123456789012:stateMachine
EX=arn:aws:states:us-east-1:123456789012:execution
T0=1790000000

out=$(sfn describe-state-machine --state-machine-arn $SM:cutover-main); rc=$?
expect_rc 0 $rc "describe-state-machine"
expect_contains "$(json_get "$out" '(d["name"], d["status"], d["type"])')" "('cutover-main', 'ACTIVE', 'STANDARD')" "state machine fields"
expect_contains "$(json_get "$out" 'list(json.loads(d["definition"])["States"])')" "['Validate', 'ApproveCutover', 'SwitchTraffic']" "definition lists the states"
out=$(sfn describe-state-machine --state-machine-arn $SM:nope)
expect_contains "$out" "StateMachineDoesNotExist" "unknown state machine"

out=$(sfn list-executions --state-machine-arn $SM:jobs); rc=$?
expect_rc 0 $rc "list-executions"
expect_contains "$(json_get "$out" 'sorted((e["name"], e["status"]) for e in d["executions"])')" \
	"[('AUDIT-0001', 'RUNNING'), ('EXPORT-0001', 'FAILED'), ('MIGRATION-0001', 'SUCCEEDED')]" "jobs and their statuses"
out=$(sfn list-executions --state-machine-arn $SM:jobs --status-filter FAILED)
expect_contains "$(json_get "$out" '[e["name"] for e in d["executions"]]')" "['EXPORT-0001']" "status filter"
out=$(sfn describe-execution --execution-arn $EX:jobs:EXPORT-0001)
expect_contains "$(json_get "$out" '(d["status"], d["error"], d["cause"])')" "('FAILED', 'S3.AccessDenied', 'bucket policy')" "failed job error and cause"

# The live execution reaches its approval (5 scenario seconds in) and waits.
token=""
for i in $(seq 1 50); do
	out=$(sfn get-execution-history --execution-arn $EX:cutover-main:cutover-1)
	token=$(json_get "$out" '[json.loads(e["taskScheduledEventDetails"]["parameters"])["Payload"]["taskToken"] for e in d["events"] if e["type"]=="TaskScheduled" and e["taskScheduledEventDetails"]["resource"].endswith("waitForTaskToken")][0] if any(e["type"]=="TaskScheduled" and e["taskScheduledEventDetails"]["resource"].endswith("waitForTaskToken") for e in d["events"]) else ""')
	[ -n "$token" ] && break
	sleep 0.2
done
expect_match "$token" '^[A-Za-z0-9+/=]{100,}$' "approval task token found in TaskScheduled parameters"
expect_contains "$(json_get "$out" '[e["type"] for e in d["events"]][:6]')" \
	"['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited']" "history starts as AWS writes it"
expect_contains "$(json_get "$out" 'all(e["previousEventId"] == e["id"] - 1 for e in d["events"][1:]) and [e["id"] for e in d["events"]] == list(range(1, len(d["events"]) + 1))')" "True" "event ids and previousEventId chain"
out=$(sfn describe-execution --execution-arn $EX:cutover-main:cutover-1)
expect_contains "$(json_get "$out" 'd["status"]')" "RUNNING" "waiting at the approval"

out=$(sfn send-task-success --task-token "$token" --task-output '{"approved": true}'); rc=$?
expect_rc 0 $rc "send-task-success"
out=$(sfn send-task-success --task-token "$token" --task-output '{}')
expect_contains "$out" "InvalidToken" "a used token is refused"
out=$(sfn send-task-failure --task-token "AAAAnotatoken" --error X)
expect_contains "$out" "InvalidToken" "an unknown token is refused"
status=""
for i in $(seq 1 50); do
	status=$(json_get "$(sfn describe-execution --execution-arn $EX:cutover-main:cutover-1)" 'd["status"]')
	[ "$status" = SUCCEEDED ] && break
	sleep 0.2
done
expect_contains "$status" SUCCEEDED "the execution resumes after approval and succeeds"
out=$(sfn get-execution-history --execution-arn $EX:cutover-main:cutover-1 --reverse-order --max-items 1)
expect_contains "$(json_get "$out" 'd["events"][0]["type"]')" "ExecutionSucceeded" "last event is ExecutionSucceeded"

out=$(sfn stop-execution --execution-arn $EX:jobs:AUDIT-0001 --error Operator.Abort --cause "stopped by test"); rc=$?
expect_rc 0 $rc "stop-execution"
out=$(sfn describe-execution --execution-arn $EX:jobs:AUDIT-0001)
expect_contains "$(json_get "$out" '(d["status"], d.get("error"))')" "('ABORTED', 'Operator.Abort')" "stopped job is ABORTED with its error"
out=$(sfn describe-execution --execution-arn $EX:jobs:NOPE)
expect_contains "$out" "ExecutionDoesNotExist" "unknown execution"

# CloudWatch: the incident holds the error rate at 40 and the alarm fires.
Q='[{"Id":"m1","MetricStat":{"Metric":{"Namespace":"Shop","MetricName":"ErrorRate","Dimensions":[{"Name":"Service","Value":"checkout"}]},"Period":60,"Stat":"Average"}},{"Id":"e1","Expression":"m1*2","Label":"double"}]'
metric() { cw get-metric-data --start-time $((T0 - 600)) --end-time $((T0 + 86400)) --scan-by TimestampAscending --metric-data-queries "$Q"; }
out=$(metric); rc=$?
expect_rc 0 $rc "get-metric-data"
expect_contains "$(json_get "$out" '[(r["Id"], float(r["Values"][0]), float(r["Values"][-1]), r["StatusCode"]) for r in d["MetricDataResults"]]')" \
	"[('m1', 1.0, 40.0, 'Complete'), ('e1', 2.0, 80.0, 'Complete')]" "baseline before, incident now (MetricStat and Expression)"
out=$(cw describe-alarms --alarm-names checkout-errors-high); rc=$?
expect_rc 0 $rc "describe-alarms"
expect_contains "$(json_get "$out" '[(a["AlarmName"], a["StateValue"]) for a in d["MetricAlarms"]]')" "[('checkout-errors-high', 'ALARM')]" "alarm in ALARM during the incident"

# Rollback: starting the rollback machine sets the flag (reaction), and the
# metric recovers.
out=$(sfn start-execution --state-machine-arn $SM:cutover-rollback --name rb-1 --input '{"reason":"test"}'); rc=$?
expect_rc 0 $rc "start-execution"
expect_contains "$(json_get "$out" 'd["executionArn"]')" "$EX:cutover-rollback:rb-1" "execution ARN"
out=$(ssm get-parameters --names /shop/flags/rollback_mode)
expect_contains "$(json_get "$out" '(d["Parameters"][0]["Value"], d["Parameters"][0]["Version"])')" "('true', 2)" "rollback machine set the flag"
out=$(ssm get-parameter-history --name /shop/flags/rollback_mode)
expect_contains "$(json_get "$out" 'd["Parameters"][-1]["LastModifiedUser"]')" "cutover-sim-scenario" "the reaction is recorded as the scenario's doing"
sleep 3
out=$(metric)
expect_contains "$(json_get "$out" 'float(d["MetricDataResults"][0]["Values"][-1])')" "1.0" "error rate back to baseline after the flag flips"
out=$(cw describe-alarms --state-value OK)
expect_contains "$(json_get "$out" '[a["AlarmName"] for a in d["MetricAlarms"]]')" "checkout-errors-high" "alarm back to OK"

# Signatures are checked on these services too.
out=$(AWS_SECRET_ACCESS_KEY=wrong sfn describe-execution --execution-arn $EX:jobs:EXPORT-0001)
expect_contains "$out" "InvalidSignatureException" "stepfunctions: wrong secret"
out=$(AWS_SECRET_ACCESS_KEY=wrong cw describe-alarms)
expect_contains "$out" "SignatureDoesNotMatch" "cloudwatch: wrong secret (query-compatible code)"
# CloudWatch's older Query protocol (what Debian's AWS CLI 2.9 speaks), signed
# by botocore's own SigV4 signer: XML answers, and XML signature errors.
query() { # SECRET FORM -> "STATUS BODY"
	python3 - "$S_URL" "$1" "$2" <<'PY'
import sys, urllib.request, urllib.error
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
url, secret, form = sys.argv[1:4]
r = AWSRequest(method="POST", url=url + "/", data=form.encode(),
               headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
SigV4Auth(Credentials("AKIDFULLTEST", secret), "monitoring", "us-east-1").add_auth(r)
req = urllib.request.Request(url + "/", data=form.encode(), headers=dict(r.headers), method="POST")
try:
    with urllib.request.urlopen(req, timeout=10) as resp:
        print(resp.status, resp.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
PY
}
form="Action=GetMetricData&Version=2010-08-01&MetricDataQueries.member.1.Id=m1&MetricDataQueries.member.1.MetricStat.Metric.Namespace=Shop&MetricDataQueries.member.1.MetricStat.Metric.MetricName=ErrorRate&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name=Service&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value=checkout&MetricDataQueries.member.1.MetricStat.Period=60&MetricDataQueries.member.1.MetricStat.Stat=Average&StartTime=2026-09-21T13%3A00%3A00Z&EndTime=2026-09-22T13%3A00%3A00Z"
out=$(query full-secret "$form")
expect_contains "$out" "200 " "Query GetMetricData, signed by botocore"
expect_contains "$out" "<Id>m1</Id>" "Query answer is XML with the query id"
out=$(query wrong "$form")
expect_contains "$out" "403 " "Query with a wrong secret: 403"
expect_contains "$out" "<Code>SignatureDoesNotMatch</Code>" "Query signature error as XML"
finish
