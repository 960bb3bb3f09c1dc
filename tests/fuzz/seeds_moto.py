#!/usr/bin/env python3
"""seeds_moto.py: capture real AWS-shaped answer bodies from moto as seed
corpus entries for the AWS mapper fuzz targets.

    python3 tests/fuzz/seeds_moto.py tests/fuzz/corpus

Starts `python3 -m moto.server` on a free 127.0.0.1 port, drives Step
Functions, SSM, CloudWatch and STS through botocore (successes and errors),
and writes each raw response body to CORPUS/<target>/moto-<op>[-n].  Loopback
only; nothing leaves the machine.  Run it again when a mapper learns a new
operation; the bodies are small and deterministic enough to keep in git."""
import os
import socket
import subprocess
import sys
import time
import json

import boto3

out_root = sys.argv[1]
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
srv = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    url = "http://127.0.0.1:%d" % port
    kw = dict(endpoint_url=url, region_name="eu-west-1", aws_access_key_id="AKIDFUZZ",
              aws_secret_access_key="SECRETMARKER")
    counts = {}
    seen = set()

    def saver(target):
        def hook(http_response, model, **_):
            body = http_response.content
            if not body or body in seen:
                return
            seen.add(body)
            name = model.name
            counts[(target, name)] = counts.get((target, name), 0) + 1
            n = counts[(target, name)]
            d = os.path.join(out_root, target)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "moto-%s-%d" % (name, n)), "wb") as f:
                f.write(body)
            if http_response.status_code >= 400:
                os.makedirs(os.path.join(out_root, "aws_error"), exist_ok=True)
                with open(os.path.join(out_root, "aws_error", "moto-%s-%s-%d" % (target, name, n)), "wb") as f:
                    f.write(body)
        return hook

    def client(svc, target):
        c = boto3.client(svc, **kw)
        c.meta.events.register("after-call", saver(target))
        c.meta.events.register("after-call-error", lambda **_: None)
        return c

    def quiet(fn, *a, **k):
        try:
            return fn(*a, **k)
        except Exception:
            return None

    sfn = client("stepfunctions", "sfn_json")
    defn = json.dumps({"StartAt": "Cut", "States": {"Cut": {"Type": "Pass", "End": True}}})
    sm = sfn.create_state_machine(name="cutover", definition=defn,
                                  roleArn="arn:aws:iam::123456789012:role/sfn")["stateMachineArn"]
    ex = sfn.start_execution(stateMachineArn=sm, name="run-1", input='{"wave":1}')["executionArn"]
    sfn.start_execution(stateMachineArn=sm, name="run-2")
    sfn.describe_execution(executionArn=ex)
    sfn.list_executions(stateMachineArn=sm)
    sfn.list_executions(stateMachineArn=sm, maxResults=1)
    sfn.get_execution_history(executionArn=ex)
    sfn.describe_state_machine(stateMachineArn=sm)
    sfn.stop_execution(executionArn=ex, error="Rollback", cause="operator")
    quiet(sfn.describe_execution, executionArn=sm.replace("stateMachine", "execution") + ":nope")
    quiet(sfn.start_execution, stateMachineArn=sm, name="run-1", input="{}")

    ssm = client("ssm", "ssm_json")
    ssm.put_parameter(Name="/app/flags/dual-write", Value="true", Type="String")
    ssm.put_parameter(Name="/app/flags/dual-write", Value="false", Type="String", Overwrite=True)
    ssm.put_parameter(Name="/app/flags/traffic", Value="40", Type="String", Description="percent")
    ssm.put_parameter(Name="/app/secret", Value="s3cr3t", Type="SecureString")
    ssm.get_parameters(Names=["/app/flags/dual-write", "/app/flags/traffic", "/missing/x"])
    ssm.get_parameters(Names=["/app/secret"], WithDecryption=True)
    ssm.get_parameters_by_path(Path="/app", Recursive=True)
    ssm.get_parameters_by_path(Path="/app", Recursive=True, MaxResults=1)
    ssm.get_parameter_history(Name="/app/flags/dual-write")
    quiet(ssm.put_parameter, Name="/app/flags/traffic", Value="50", Type="String")
    quiet(ssm.get_parameter_history, Name="/nope")

    cw = client("cloudwatch", "cloudwatch_json")
    now = time.time()
    for i in range(5):
        cw.put_metric_data(Namespace="App", MetricData=[{
            "MetricName": "Errors", "Value": float(i), "Timestamp": now - 60 * i,
            "Dimensions": [{"Name": "Service", "Value": "api"}]}])
    q = [{"Id": "m1", "MetricStat": {"Metric": {"Namespace": "App", "MetricName": "Errors",
                                              "Dimensions": [{"Name": "Service", "Value": "api"}]},
                                   "Period": 60, "Stat": "Sum"}},
         {"Id": "e1", "Expression": "m1 * 2"}]
    cw.get_metric_data(MetricDataQueries=q, StartTime=now - 3600, EndTime=now + 60)
    cw.put_metric_alarm(AlarmName="errors-high", MetricName="Errors", Namespace="App",
                        Statistic="Sum", Period=60, EvaluationPeriods=2, Threshold=3,
                        ComparisonOperator="GreaterThanThreshold")
    cw.set_alarm_state(AlarmName="errors-high", StateValue="ALARM", StateReason="fuzz seed")
    quiet(cw.put_composite_alarm, AlarmName="any", AlarmRule='ALARM("errors-high")')
    cw.describe_alarms()
    cw.describe_alarms(AlarmNames=["errors-high"], AlarmTypes=["MetricAlarm", "CompositeAlarm"])
    quiet(cw.get_metric_data, MetricDataQueries=[{"Id": "Bad"}], StartTime=now - 60, EndTime=now)

    sts = client("sts", "sts_json")
    sts.get_caller_identity()
finally:
    srv.terminate()
    srv.wait()
