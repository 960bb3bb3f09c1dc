#!/usr/bin/env python3
"""gen_scale.py DIR [EVENTS]: the bench's scale runbook and scenario.

Writes DIR/scale.json (50 phases, 500 flags, 200 metric gauges) and
DIR/scale.scenario.json: the phases' execution has run through TASKS Task
states of one second each (5 history events apiece), so its history holds
about EVENTS events (default 20,000); every flag and metric exists."""
import json, os, sys

d = sys.argv[1]
events = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
tasks = (events - 2) // 5  # ExecutionStarted + ExecutionSucceeded, 5 per Task
region, acct = "us-east-1", "123456789012"
sm = "scale-main"
sm_arn = "arn:aws:states:%s:%s:stateMachine:%s" % (region, acct, sm)
states = ["S%05d" % i for i in range(tasks)]
per = len(states) // 50

runbook = {
    "name": "scale", "environment": "rehearsal", "region": region,
    "executions": {"main": {"state_machine_arn": sm_arn}},
    "phases": [{"id": "p%02d" % p, "title": "Phase %d" % p, "execution": "main",
                "states": states[p * per:(p + 1) * per], "estimate_min": 5}
               for p in range(50)],
    "flags": [{"id": "f%03d" % i, "ssm": "/scale/flags/f%03d" % i, "type": "bool"}
              for i in range(500)],
    "gauges": [{"id": "g%03d" % i, "title": "Gauge %d" % i,
                "metric": {"namespace": "Scale", "name": "M%03d" % i, "stat": "Average",
                           "dimensions": {"Service": "scale"}},
                "warn": 80, "critical": 95} for i in range(200)],
}
scenario = {
    "name": "scale", "region": region, "account": acct,
    "credentials": [{"access_key_id": "AKIDCUTOVERBENCH", "secret_access_key": "cutover-bench-secret"}],
    "parameters": [{"name": "/scale/flags/f%03d" % i, "value": "false"} for i in range(500)],
    "state_machines": [{"name": sm, "states": [{"name": s, "duration_s": 1} for s in states]}],
    # started long enough ago to have finished: the whole history exists
    "executions": [{"state_machine": sm, "name": "scale-run-1", "start_at_s": -(tasks + 600)}],
    "metrics": [{"namespace": "Scale", "name": "M%03d" % i, "dimensions": {"Service": "scale"},
                 "baseline": 50, "noise": 5} for i in range(200)],
}
with open(os.path.join(d, "scale.json"), "w") as f:
    json.dump(runbook, f, indent=1)
with open(os.path.join(d, "scale.scenario.json"), "w") as f:
    json.dump(scenario, f, indent=1)
print("%d phases, %d flags, %d gauges, %d tasks (~%d history events)" %
      (len(runbook["phases"]), len(runbook["flags"]), len(runbook["gauges"]), tasks, 2 + 5 * tasks))
