#!/usr/bin/env python3
"""sim_sfn_botocore.py: judge the sim's Step Functions answers by botocore.

Every file in SAMPLES_DIR is one reply of the sim's Step Functions model,
named OP--HTTPSTATUS--N.json (written by tests/unit/test_sim_sfn.c).  Each is
parsed with botocore's own JSON parser and stepfunctions service model, the
way the AWS CLI would, and then checked member by member against the model:
required members present, no member the model does not know, every value of
the modelled type (timestamps numbers, enums in their set), JSON-text members
really JSON, one details member per history event.  Errors must carry a code
the operation models (or a coral-level one) under the namespace AWS sends.

usage: sim_sfn_botocore.py SAMPLES_DIR
"""
import json
import os
import re
import sys

import botocore.parsers
import botocore.session

# coral-level errors any awsJson operation can answer
COMMON_ERRORS = {
    "ValidationException": "com.amazon.coral.validate#",
    "SerializationException": "com.amazon.coral.service#",
    "UnknownOperationException": "com.amazon.coral.service#",
    "InternalFailure": "com.amazon.coral.service#",
}
SFN_NS = "com.amazonaws.swf.service.v2.model#"
JSON_TEXT = {"definition", "input", "output", "parameters"}
# AWS leaves TaskScheduled's parameters out with includeExecutionData=false
OPTIONAL_WHEN_NO_DATA = {("TaskScheduledEventDetails", "parameters")}

problems = []


def problem(where, what):
    problems.append("%s: %s" % (where, what))


def check(value, shape, path, no_data):
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            return problem(path, "expected an object for %s" % shape.name)
        for req in shape.required_members:
            if req not in value and not (no_data and (shape.name, req) in OPTIONAL_WHEN_NO_DATA):
                problem(path, "required member %s of %s missing" % (req, shape.name))
        for k, v in value.items():
            if k not in shape.members:
                problem(path, "member %s is not in %s" % (k, shape.name))
                continue
            check(v, shape.members[k], "%s.%s" % (path, k), no_data)
        if shape.name == "HistoryEvent":
            details = [k for k in value if k.endswith("EventDetails")]
            if len(details) > 1:
                problem(path, "more than one details member: %s" % details)
    elif t == "list":
        if not isinstance(value, list):
            return problem(path, "expected a list")
        for i, v in enumerate(value):
            check(v, shape.member, "%s[%d]" % (path, i), no_data)
    elif t == "map":
        if not isinstance(value, dict):
            return problem(path, "expected a map")
        for k, v in value.items():
            check(v, shape.value, "%s[%s]" % (path, k), no_data)
    elif t == "string":
        if not isinstance(value, str):
            return problem(path, "expected a string, got %r" % (value,))
        if shape.enum and value not in shape.enum:
            problem(path, "%r is not one of %s" % (value, shape.enum))
        mx = shape.metadata.get("max")
        if mx is not None and len(value) > mx:
            problem(path, "longer than %d" % mx)
        leaf = path.rsplit(".", 1)[-1]
        if leaf in JSON_TEXT:
            try:
                json.loads(value)
            except ValueError as e:
                problem(path, "not JSON text: %s" % e)
    elif t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            problem(path, "expected an integer, got %r" % (value,))
    elif t == "boolean":
        if not isinstance(value, bool):
            problem(path, "expected a boolean, got %r" % (value,))
    elif t == "timestamp":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problem(path, "expected epoch seconds, got %r" % (value,))
        elif abs(value * 1000 - round(value * 1000)) > 1e-3:
            problem(path, "more precise than milliseconds: %r" % (value,))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    d = sys.argv[1]
    model = botocore.session.get_session().get_service_model("stepfunctions")
    parser = botocore.parsers.create_parser("json")
    files = sorted(f for f in os.listdir(d) if f.endswith(".json"))
    ops_seen = set()
    errors_seen = set()
    for f in files:
        m = re.match(r"^([A-Za-z]+)--(\d+)--\d+\.json$", f)
        if not m:
            problem(f, "unexpected file name")
            continue
        op_name, status = m.group(1), int(m.group(2))
        body = open(os.path.join(d, f), "rb").read()
        raw = json.loads(body)
        if op_name not in model.operation_names:
            # an operation the sim refuses: only the error shape matters
            op = None
        else:
            op = model.operation_model(op_name)
        resp = {"status_code": status, "headers": {"x-amzn-requestid": "t"}, "body": body}
        parsed = parser.parse(resp, op.output_shape if op else None)
        if status == 200:
            if op is None:
                problem(f, "200 for an unknown operation")
                continue
            ops_seen.add(op_name)
            no_data = (
                "events" in raw and not any("input" in json.dumps(e) for e in raw["events"]))
            check(raw, op.output_shape, f, no_data)
            if "Error" in parsed:
                problem(f, "botocore saw an error in a 200")
        else:
            code = parsed.get("Error", {}).get("Code")
            msg = parsed.get("Error", {}).get("Message")
            t = raw.get("__type", "")
            if status != 400 and code != "InternalFailure":
                problem(f, "HTTP %d for %s" % (status, code))
            if not code or not msg:
                problem(f, "botocore found no error code/message in %r" % raw)
                continue
            errors_seen.add(code)
            modelled = [e.name for e in op.error_shapes] if op else []
            if code == "ValidationException":
                # coral's constraint checks and the service's own checks
                # answer from two namespaces
                if t not in (SFN_NS + code, COMMON_ERRORS[code] + code):
                    problem(f, "%s sent as %r" % (code, t))
            elif code in modelled:
                if t != SFN_NS + code:
                    problem(f, "%s sent as %r, AWS sends %s%s" % (code, t, SFN_NS, code))
            elif code in COMMON_ERRORS:
                if t != COMMON_ERRORS[code] + code:
                    problem(f, "%s sent as %r" % (code, t))
            else:
                problem(f, "%s is not an error %s can answer (%s)" % (code, op_name, modelled))
    for p in problems:
        print("FAIL:", p)
    print("%d replies checked; operations %s; errors %s" %
          (len(files), sorted(ops_seen), sorted(errors_seen)))
    want = {"DescribeExecution", "GetExecutionHistory", "ListExecutions", "DescribeStateMachine",
            "StartExecution", "StopExecution", "SendTaskSuccess", "SendTaskFailure"}
    if ops_seen != want:
        print("FAIL: no successful sample of", sorted(want - ops_seen))
        sys.exit(1)
    if len(files) < 50 or problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
