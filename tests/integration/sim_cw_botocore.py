#!/usr/bin/env python3
"""Judge the sim's CloudWatch answers with botocore, which nobody here wrote.

Reads the samples test_sim_cw writes (one JSON file per answer: operation,
protocol, HTTP status, headers, body) and, for each one:
  - parses it with botocore's own parser for that protocol ('json' or
    'query') against the cloudwatch service model, as the AWS CLI would;
  - for an error, checks the code botocore reports (for JSON, the
    x-amzn-query-error header decides it, as for real CloudWatch);
  - for a success, walks the raw body against the model's output shape and
    fails on any member the model does not know or any wrong type (botocore's
    parser would silently drop those, and the client would never see them);
  - for a pair NAME / NAME_json_twin (the same request over Query and JSON),
    checks that both parse to the same result.
Usage: sim_cw_botocore.py SAMPLE_DIR
"""
import glob
import json
import os
import sys
import xml.etree.ElementTree as ET

import botocore.session
from botocore import parsers

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def check_json(shape, value, path):
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            return fail(f"{path}: expected an object, got {value!r:.60}")
        for k, v in value.items():
            if k not in shape.members:
                fail(f"{path}: member {k!r} is not in {shape.name}")
            else:
                check_json(shape.members[k], v, f"{path}.{k}")
    elif t == "list":
        if not isinstance(value, list):
            return fail(f"{path}: expected a list")
        for i, v in enumerate(value):
            check_json(shape.member, v, f"{path}[{i}]")
    elif t == "string":
        if not isinstance(value, str):
            return fail(f"{path}: expected a string, got {value!r:.60}")
        enum = shape.metadata.get("enum")
        if enum and value not in enum:
            fail(f"{path}: {value!r} is not one of {enum}")
    elif t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            fail(f"{path}: expected an integer, got {value!r}")
    elif t in ("double", "float", "timestamp"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            fail(f"{path}: expected a number, got {value!r}")
    elif t == "boolean":
        if not isinstance(value, bool):
            fail(f"{path}: expected a boolean, got {value!r}")


def strip(tag):
    return tag.split("}", 1)[-1]


def check_xml(shape, node, path):
    t = shape.type_name
    if t == "structure":
        for child in node:
            k = strip(child.tag)
            if k not in shape.members:
                fail(f"{path}: element <{k}> is not in {shape.name}")
            else:
                check_xml(shape.members[k], child, f"{path}.{k}")
    elif t == "list":
        for i, child in enumerate(node):
            if strip(child.tag) != "member":
                fail(f"{path}: list item <{strip(child.tag)}>, expected <member>")
            check_xml(shape.member, child, f"{path}[{i}]")
    elif len(node):
        fail(f"{path}: a {t} must not have child elements")


def main():
    sample_dir = sys.argv[1]
    model = botocore.session.get_session().get_service_model("cloudwatch")
    files = sorted(glob.glob(os.path.join(sample_dir, "*.json")))
    if len(files) < 8:
        fail(f"only {len(files)} samples in {sample_dir}; did test_sim_cw run?")
    parsed_by_name = {}
    for f in files:
        name = os.path.basename(f)[:-5]
        with open(f, encoding="utf-8") as fh:
            s = json.load(fh)
        op = model.operation_model(s["operation"])
        headers = {"content-type": s["content_type"], "x-amzn-requestid": "sample"}
        if s["query_error"]:
            headers["x-amzn-query-error"] = s["query_error"]
        response = {"status_code": s["status"], "headers": headers,
                    "body": s["body"].encode("utf-8")}
        try:
            parsed = parsers.create_parser(s["protocol"]).parse(response, op.output_shape)
        except Exception as e:  # a parser crash is a finding, not a test error
            fail(f"{name}: botocore could not parse it: {e}")
            continue
        want = s.get("expect_code")
        if want:
            got = parsed.get("Error", {}).get("Code")
            if got != want:
                fail(f"{name}: botocore reads error code {got!r}, want {want!r}")
            if not parsed.get("Error", {}).get("Message"):
                fail(f"{name}: error without a message")
            print(f"ok {name}: {s['protocol']} error {got}: {parsed['Error']['Message'][:70]}")
            continue
        if s["status"] != 200 or "Error" in parsed:
            fail(f"{name}: not a success: {s['status']} {parsed.get('Error')}")
            continue
        if s["protocol"] == "json":
            check_json(op.output_shape, json.loads(s["body"]), s["operation"])
        else:
            root = ET.fromstring(s["body"])
            wrapper = op.output_shape.serialization.get("resultWrapper")
            if strip(root.tag) != s["operation"] + "Response":
                fail(f"{name}: root element <{strip(root.tag)}>")
            result = [c for c in root if strip(c.tag) == wrapper]
            meta = [c for c in root if strip(c.tag) == "ResponseMetadata"]
            if len(result) != 1 or len(meta) != 1:
                fail(f"{name}: expected one <{wrapper}> and one <ResponseMetadata>")
            else:
                check_xml(op.output_shape, result[0], s["operation"])
        parsed.pop("ResponseMetadata", None)
        parsed_by_name[name] = parsed
        keys = ", ".join(f"{k}[{len(v)}]" if isinstance(v, list) else k
                         for k, v in parsed.items())
        print(f"ok {name}: {s['protocol']} {s['operation']} -> {keys}")
    twins = 0
    for name, parsed in parsed_by_name.items():
        if name.endswith("_json_twin"):
            base = name[: -len("_json_twin")]
            twins += 1
            if base not in parsed_by_name:
                fail(f"{name}: no Query sample {base}")
            elif parsed_by_name[base] != parsed:
                fail(f"{base}: Query and JSON answers parse differently:\n"
                     f"  query: {parsed_by_name[base]}\n  json:  {parsed}")
            else:
                print(f"ok {base}: Query XML and JSON parse to the same result")
    if twins < 2:
        fail(f"only {twins} Query/JSON twins")
    if failures:
        print(f"{len(failures)} failure(s)", file=sys.stderr)
        sys.exit(1)
    print(f"all {len(files)} samples parse with botocore {botocore.__version__}")


if __name__ == "__main__":
    main()
