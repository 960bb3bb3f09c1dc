#!/usr/bin/env python3
"""hostile_fixture.py DIR: a runbook and a sim scenario whose remote strings
are hostile, for tests/screen/console_hostile.sh.  Writes DIR/rb.json,
DIR/sc.json and DIR/expect.json (the planted strings, and how the console's
safe_text must show them).

Planted: a screen clear (ESC [2J), an OSC 52 clipboard write, an OSC 0 title
set, a C1 CSI (U+009B), a bidi override (U+202E) and 10,000-character
strings, in
  - Step Functions state names (phases panel, events strip, phase detail),
    an execution's error and cause (failed phase row, events, detail) and
    execution names (detail's executions table and ARN; AWS's name rule
    allows no C0 control there, so those get U+202E and U+009B);
  - an execution's input (the detail's "Input of" block);
  - an SSM parameter value (flags panel);
  - the AWS error message of throttled SSM calls from FAULT_S on (the
    sim's faults[].message), which a refused flag change shows;
  - a health endpoint's body and its failed answers' text (the console
    draws neither: they must not leak either).
"""
import json
import sys

FAULT_S = 20

ESC, BEL = "\x1b", "\x07"
CLEAR = ESC + "[2J"
OSC52 = ESC + "]52;c;cHduZWQ=" + BEL   # "pwned" to the clipboard
TITLE = ESC + "]0;pwned" + BEL
C1 = "\u009b31m"
BIDI = "\u202e"


def safe(s):
    """What safe_text shows for s (its C0, DEL, C1 and bidi rules)."""
    out = []
    for ch in s:
        c = ord(ch)
        if ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif c < 0x20 or c == 0x7f:
            out.append("\\x%02x" % c)
        elif 0x80 <= c < 0xa0 or c in (0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
                                        0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f):
            out.append("\\u%04x" % c)
        else:
            out.append(ch)
    return "".join(out)


def main(out):
    state = "Load" + CLEAR + TITLE + C1 + BIDI + "X"
    exname = "cut" + BIDI + "over" + "\u009b" + "1"
    jobname = "job" + BIDI + "1"
    err = "Err" + TITLE + OSC52
    cause = OSC52 + CLEAR + "C" + "A" * 10000 + "Z"
    msg = "slow" + OSC52 + TITLE + CLEAR + C1 + BIDI + "down" + "M" * 10000
    value = "hello" + TITLE + CLEAR + C1 + BIDI + "flag"
    arn = "arn:aws:states:us-east-1:123456789012:stateMachine:"
    rb = {
        "name": "hostile", "environment": "staging", "region": "us-east-1",
        "http_base": "http://127.0.0.1:9",
        "poll_s": {"executions": 1, "flags": 1, "health": 1},
        "executions": {"main": {"state_machine_arn": arn + "hostile-main"},
                       "jobs": {"state_machine_arn": arn + "hostile-jobs"}},
        "phases": [
            {"id": "load", "title": "Load data", "execution": "main", "states": [state], "estimate_min": 60},
            {"id": "jobs", "title": "Jobs", "execution": "jobs", "states": ["Work"], "estimate_min": 1}],
        "flags": [{"id": "banner", "ssm": "/app/flags/banner", "type": "string"},
                  {"id": "dual_write", "ssm": "/app/flags/dual-write", "type": "bool"}],
        "gauges": [{"id": "health", "title": "Health", "http": {"url": "/health"},
                    "warn_ms": 500, "critical_ms": 1000}],
    }
    sc = {
        "name": "hostile", "region": "us-east-1", "account": "123456789012",
        "credentials": [{"access_key_id": "AKIDALICE", "secret_access_key": "alice-secret",
                         "arn": "arn:aws:iam::123456789012:user/alice"}],
        "parameters": [{"name": "/app/flags/banner", "value": value},
                       {"name": "/app/flags/dual-write", "value": "false"}],
        "health": [{"path": "/health", "status": 200, "latency_ms": 5,
                    "body": TITLE + CLEAR + OSC52 + "B" * 10000}],
        "faults": [
            {"from_s": 0, "services": ["health"], "error5xx_rate": 0.5, "message": msg},
            {"from_s": FAULT_S, "services": ["ssm"], "throttle_rate": 1, "message": msg}],
        "state_machines": [
            {"name": "hostile-main", "states": [{"name": state, "duration_s": 3600}]},
            {"name": "hostile-jobs", "states": [{"name": "Work", "duration_s": 1,
                                                 "fail": {"error": err, "cause": cause}}]}],
        "executions": [
            {"state_machine": "hostile-main", "name": exname, "start_at_s": -5,
             "input": {"note": TITLE + CLEAR}},
            {"state_machine": "hostile-jobs", "name": jobname, "status": "FAILED",
             "start_at_s": -600, "stop_at_s": -500}],
    }
    expect = {
        "state": safe(state), "exname": safe(exname), "jobname": safe(jobname),
        "err": safe(err), "cause_head": safe(cause)[:60], "cause_tail": "AAAAZ",
        # the status row's message buffer keeps a few hundred bytes: the
        # planted part, not the 10,000 characters after it
        "msg_head": safe(msg[:msg.index("down") + 4]), "value_head": safe(value)[:8],
    }
    for name, doc in (("rb.json", rb), ("sc.json", sc), ("expect.json", expect)):
        with open(out + "/" + name, "w") as f:
            json.dump(doc, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
