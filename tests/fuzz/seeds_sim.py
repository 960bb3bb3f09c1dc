#!/usr/bin/env python3
"""seeds_sim.py: seed requests for the sim_dispatch fuzz target.

    python3 tests/fuzz/seeds_sim.py tests/fuzz/corpus/sim_dispatch

Each file is what tests/fuzz/sim_request_decoder.h decodes: six selector
bytes (method, path, which headers, X-Amz-Target, Content-Type, Authorization
from its tables) and then the body.  One valid JSON request per operation
against tests/fixtures/sim/full.scenario.json, the Query-protocol ones, the
health check, a signed request (odd size: the signing sim) and a few broken
ones.  Keep the target table below in step with fz_targets in the decoder."""
import os, sys, json
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
targets = ["AmazonSSM.GetParameters", "AmazonSSM.GetParametersByPath", "AmazonSSM.PutParameter",
	"AmazonSSM.GetParameterHistory", "AmazonSSM.GetParameter", "AmazonSSM.Nope", "AmazonSSM.",
	"AWSStepFunctions.DescribeExecution", "AWSStepFunctions.GetExecutionHistory",
	"AWSStepFunctions.ListExecutions", "AWSStepFunctions.StartExecution",
	"AWSStepFunctions.StopExecution", "AWSStepFunctions.SendTaskSuccess",
	"AWSStepFunctions.SendTaskFailure", "AWSStepFunctions.DescribeStateMachine",
	"GraniteServiceVersion20100801.GetMetricData", "GraniteServiceVersion20100801.DescribeAlarms"]
sm = "arn:aws:states:us-east-1:123456789012:stateMachine:"
ex = "arn:aws:states:us-east-1:123456789012:execution:"
bodies = {
 "AmazonSSM.GetParameters": {"Names": ["/shop/flags/rollback_mode", "/shop/flags/new_checkout", "/nope"], "WithDecryption": True},
 "AmazonSSM.GetParametersByPath": {"Path": "/shop", "Recursive": True, "MaxResults": 1},
 "AmazonSSM.PutParameter": {"Name": "/shop/flags/rollback_mode", "Value": "true", "Type": "String", "Overwrite": True},
 "AmazonSSM.GetParameterHistory": {"Name": "/shop/flags/rollback_mode", "MaxResults": 2},
 "AmazonSSM.GetParameter": {"Name": "/shop/flags/new_checkout"},
 "AWSStepFunctions.DescribeExecution": {"executionArn": ex + "cutover-main:cutover-1"},
 "AWSStepFunctions.GetExecutionHistory": {"executionArn": ex + "cutover-main:cutover-1", "maxResults": 3, "reverseOrder": True, "includeExecutionData": True},
 "AWSStepFunctions.ListExecutions": {"stateMachineArn": sm + "jobs", "statusFilter": "RUNNING", "maxResults": 1},
 "AWSStepFunctions.StartExecution": {"stateMachineArn": sm + "cutover-rollback", "name": "rb-1", "input": "{\"why\":\"fuzz\"}"},
 "AWSStepFunctions.StopExecution": {"executionArn": ex + "jobs:AUDIT-0001", "error": "Rollback", "cause": "operator"},
 "AWSStepFunctions.SendTaskSuccess": {"taskToken": "TOKEN", "output": "{\"approved\":true}"},
 "AWSStepFunctions.SendTaskFailure": {"taskToken": "TOKEN", "error": "Rejected", "cause": "no"},
 "AWSStepFunctions.DescribeStateMachine": {"stateMachineArn": sm + "cutover-main"},
 "GraniteServiceVersion20100801.GetMetricData": {"MetricDataQueries": [
   {"Id": "m1", "MetricStat": {"Metric": {"Namespace": "Shop", "MetricName": "ErrorRate", "Dimensions": [{"Name": "Service", "Value": "checkout"}]}, "Period": 60, "Stat": "Average"}},
   {"Id": "e1", "Expression": "FILL(m1, 0) * 2"}], "StartTime": 1789999000, "EndTime": 1790000600, "ScanBy": "TimestampAscending"},
 "GraniteServiceVersion20100801.DescribeAlarms": {"AlarmNames": ["checkout-errors-high"], "AlarmTypes": ["MetricAlarm", "CompositeAlarm"]},
}
def put(name, hdr, body, odd=False):
	data = bytes(hdr) + body
	# the decoder sends even-sized inputs to the open sim, odd ones to the signing one
	if (len(data) % 2 == 1) != odd:
		data += b" "
	open(os.path.join(out, name), "wb").write(data)
for t, b in bodies.items():
	i = targets.index(t)
	ct = 0 if t.startswith("AmazonSSM") or t.startswith("AWSStep") else 1
	put("json-" + t.split(".")[1], [0, 0, 1 | 2 | 8 | 16, i, ct, 0], json.dumps(b).encode())
put("query-GetMetricData", [0, 0, 2 | 16, 0, 2, 0],
    b"Action=GetMetricData&Version=2010-08-01&MetricDataQueries.member.1.Id=m1&MetricDataQueries.member.1.MetricStat.Metric.Namespace=Shop&MetricDataQueries.member.1.MetricStat.Metric.MetricName=ErrorRate&MetricDataQueries.member.1.MetricStat.Period=60&MetricDataQueries.member.1.MetricStat.Stat=Average&StartTime=2026-09-21T12%3A00%3A00Z&EndTime=2026-09-21T13%3A00%3A00Z")
put("query-DescribeAlarms", [0, 0, 2, 0, 2, 0], b"Action=DescribeAlarms&Version=2010-08-01&AlarmNames.member.1=checkout-errors-high")
put("query-GetCallerIdentity", [0, 0, 2 | 8, 0, 2, 0], b"Action=GetCallerIdentity&Version=2011-06-15")
put("health", [1, 1, 0, 0, 0, 0], b"")
put("signed-bad", [0, 0, 1 | 2 | 4 | 16 | 32, 0, 0, 0], json.dumps(bodies["AmazonSSM.GetParameters"]).encode(), odd=True)
put("too-big", [0, 128 + 0, 1 | 2 | 128, 0, 0, 0], b"{}")
put("bad-json", [0, 0, 1 | 2, 7, 0, 0], b"{\"executionArn\": [1, {\"x\": null}], ")
