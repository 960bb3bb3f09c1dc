#!/usr/bin/env python3
"""aws_fault_server.py: a loopback AWS look-alike the client tests control.

Binds 127.0.0.1 on an ephemeral port, prints the port on stdout, and serves
until killed.  The URL path picks the behaviour, so one server covers every
fault: the client's endpoint URL is http://127.0.0.1:PORT/<behaviour>/...

  /ok/K/                 canned success for the X-Amz-Target operation
  /throttle/N/K/         N ThrottlingException answers, then success
  /status/CODE/K/        always HTTP CODE with an error body
  /slow/MS/K/            sleep MS, then success
  /drop/N/K/             close the connection without answering N times, then success
  /tasktoken/K/          500 (after "applying" it), then TaskTimedOut
  /code/CODE/K/          always 400 CODE
  /ambig/CODE/K/         500 (after "applying" it), then 400 CODE
  /big/N/                a 200 answer of N bytes
  /verify/REGION/SVC/    check the SigV4 signature with botocore's SigV4Auth
  /pages/K/              paged answers including an empty page with a token
  /sts/xml/ /sts/json/   GetCallerIdentity in either shape
  /cwerr/                CloudWatch error with x-amzn-query-error
GET /_count/K, /_conns, /_last, /health, /status503

The signature check is independent of the client: it rebuilds the request
from what arrived (only the headers listed in SignedHeaders), asks botocore
for the signature with the secret given on the command line, and compares.
"""
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCESS_KEY = sys.argv[1] if len(sys.argv) > 1 else "AKIDEXAMPLE"
SECRET = sys.argv[2] if len(sys.argv) > 2 else "secret"
TOKEN = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None

lock = threading.RLock()
counts = {}
conns = set()
last = {}


def bump(key):
    with lock:
        counts[key] = counts.get(key, 0) + 1
        return counts[key]


def verify(handler, body, region, service):
    """Return (ok, reason, info)."""
    auth = handler.headers.get("Authorization", "")
    info = {"authorization_present": bool(auth)}
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return False, "MissingAuthenticationTokenException", info
    parts = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    akid, date, reg, svc, term = parts["Credential"].split("/")
    signed = parts["SignedHeaders"].split(";")
    info.update({"scope_region": reg, "scope_service": svc, "signed_headers": signed,
                 "access_key": akid, "headers": {k.lower(): v for k, v in handler.headers.items()}})
    if akid != ACCESS_KEY:
        return False, "UnrecognizedClientException", info
    if reg != region or svc != service or term != "aws4_request":
        return False, "InvalidSignatureException", info
    if TOKEN is not None:
        if handler.headers.get("X-Amz-Security-Token") != TOKEN or "x-amz-security-token" not in signed:
            return False, "InvalidSignatureException", info
    headers = {}
    for name in signed:
        if name == "host":
            continue
        value = handler.headers.get(name)
        if value is None:
            return False, "InvalidSignatureException", info
        headers[name] = value
    host = handler.headers.get("Host")
    req = AWSRequest(method=handler.command, url="http://%s%s" % (host, handler.path),
                     data=body, headers=headers)
    req.context["timestamp"] = handler.headers.get("X-Amz-Date")
    signer = SigV4Auth(Credentials(ACCESS_KEY, SECRET, TOKEN), service, region)
    # botocore signs every header present; restrict to the signed list
    canonical = signer.canonical_request(req)
    string_to_sign = signer.string_to_sign(req, canonical)
    expected = signer.signature(string_to_sign, req)
    info["botocore_signed_headers"] = signer.signed_headers(signer.headers_to_sign(req))
    ok = expected == parts["Signature"] and info["botocore_signed_headers"] == parts["SignedHeaders"]
    return ok, "InvalidSignatureException", info


def canned(op, body):
    req = json.loads(body or b"{}") if body and body[:1] == b"{" else {}
    if op == "DescribeExecution":
        return {"executionArn": req.get("executionArn", "arn:x"),
                "stateMachineArn": "arn:aws:states:eu-west-1:123456789012:stateMachine:m",
                "name": "run-1", "status": "RUNNING", "startDate": 1.714564800123E9,
                "input": "{\"k\":1}", "inputDetails": {"included": True}}
    if op == "StopExecution":
        return {"stopDate": 1.7145648E9}
    if op == "StartExecution":
        return {"executionArn": "arn:aws:states:eu-west-1:123456789012:execution:m:" + req.get("name", ""),
                "startDate": 1714564800.5}
    if op == "GetExecutionHistory":
        return {"events": []}
    if op == "PutParameter":
        return {"Version": 7, "Tier": "Standard"}
    if op == "GetParameters":
        names = req.get("Names", [])
        if len(names) > 10:
            return None
        return {"Parameters": [{"Name": n, "Type": "String", "Value": "v" + n, "Version": 1,
                                "LastModifiedDate": 1.7E9} for n in names if not n.startswith("/missing")],
                "InvalidParameters": [n for n in names if n.startswith("/missing")]}
    if op == "GetMetricData":
        qs = req.get("MetricDataQueries", [])
        if len(qs) > 500:
            return None
        return {"MetricDataResults": [{"Id": q["Id"], "Label": q.get("Label", q["Id"]),
                                       "Timestamps": [1714564800], "Values": [1.5],
                                       "StatusCode": "Complete"}
                                      for q in qs if q.get("ReturnData", True)], "Messages": []}
    return {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # one segment per answer: avoids Nagle + delayed-ACK stalls of ~40 ms
    wbufsize = -1
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def send(self, code, obj, headers=None, ctype="application/x-amz-json-1.0"):
        data = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "req-%d" % bump("_rid"))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def error(self, code, typ, msg, headers=None):
        self.send(code, {"__type": typ, "message": msg}, headers)

    def do_GET(self):
        with lock:
            conns.add(self.client_address)
        p = self.path.strip("/").split("/")
        if p[0] == "_count":
            with lock:
                n = counts.get("/".join(p[1:]), 0)
            self.send(200, str(n).encode(), ctype="text/plain")
        elif p[0] == "_conns":
            with lock:
                n = len(conns)
            self.send(200, str(n).encode(), ctype="text/plain")
        elif p[0] == "_last":
            with lock:
                self.send(200, last)
        elif p[0] == "health":
            time.sleep(0.02)
            self.send(200, b"ok", ctype="text/plain")
        elif p[0] == "status503":
            self.send(503, b"down for maintenance", ctype="text/plain")
        elif p[0] == "bighealth":
            self.send(200, b"x" * 10000, ctype="text/plain")
        else:
            self.send(404, b"no such path", ctype="text/plain")

    def do_POST(self):
        with lock:
            conns.add(self.client_address)
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n) if n else b""
        target = self.headers.get("X-Amz-Target", "")
        op = target.split(".")[-1]
        p = self.path.strip("/").split("/")
        kind = p[0]
        if kind == "ok":
            bump("/".join(p[1:]))
            return self.send(200, canned(op, body))
        if kind == "throttle":
            c = bump("/".join(p[2:]))
            if c <= int(p[1]):
                return self.error(400, "com.amazon.coral.availability#ThrottlingException", "Rate exceeded")
            return self.send(200, canned(op, body))
        if kind == "status":
            bump("/".join(p[2:]))
            return self.error(int(p[1]), "InternalFailure", "internal failure")
        if kind == "slow":
            bump("/".join(p[2:]))
            time.sleep(int(p[1]) / 1000.0)
            try:
                return self.send(200, canned(op, body))
            except OSError:
                return
        if kind == "drop":
            c = bump("/".join(p[2:]))
            if c <= int(p[1]):
                self.close_connection = True
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            return self.send(200, canned(op, body))
        if kind == "tasktoken":
            c = bump("/".join(p[1:]))
            if c == 1:
                return self.error(500, "InternalFailure", "applied but failed to answer")
            return self.error(400, "com.amazonaws.swf.service.v2.model#TaskTimedOut", "Task Timed Out: 'tok'")
        if kind == "code":
            bump("/".join(p[2:]))
            return self.error(400, p[1], "conflict")
        if kind == "ambig":
            c = bump("/".join(p[2:]))
            if c == 1:
                return self.error(500, "InternalFailure", "applied but failed to answer")
            return self.error(400, p[1], "already")
        if kind == "big":
            return self.send(200, b"{" + b" " * int(p[1]) + b"}")
        if kind == "verify":
            ok, reason, info = verify(self, body, p[1], p[2])
            info.update({"ok": ok, "path": self.path, "body": body.decode("utf-8", "replace")})
            with lock:
                last.clear()
                last.update(info)
            if not ok:
                msg = "The request signature we calculated does not match the signature you provided."
                if TOKEN:
                    msg += " Token: " + TOKEN + " Secret: " + SECRET
                return self.error(403 if reason != "UnrecognizedClientException" else 400, reason, msg)
            if p[2] == "sts":
                return self.send(200, {"GetCallerIdentityResponse": {"GetCallerIdentityResult": {
                    "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/verified",
                    "UserId": "AIDAVERIFIED"}, "ResponseMetadata": {"RequestId": "sts-json-1"}}},
                    ctype="application/json")
            return self.send(200, canned(op, body))
        if kind == "pages":
            return self.pages(op, body)
        if kind == "sts":
            if p[1] == "xml":
                xml = ('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                       '<GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:assumed-role/ops/alice&amp;co</Arn>'
                       '<UserId>AROAEXAMPLE:alice</UserId><Account>123456789012</Account>'
                       '</GetCallerIdentityResult><ResponseMetadata><RequestId>xml-rid-1</RequestId>'
                       '</ResponseMetadata></GetCallerIdentityResponse>')
                return self.send(200, xml.encode(), ctype="text/xml")
            if p[1] == "xmlerror":
                xml = ('<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code>'
                       '<Message>The security token included in the request is expired</Message></Error>'
                       '<RequestId>xml-err-1</RequestId></ErrorResponse>')
                return self.send(403, xml.encode(), ctype="text/xml")
            return self.send(200, {"GetCallerIdentityResponse": {"GetCallerIdentityResult": {
                "Account": "210987654321", "Arn": "arn:aws:iam::210987654321:user/json", "UserId": "AIDAJSON"},
                "ResponseMetadata": {"RequestId": "json-rid-1"}}}, ctype="application/json")
        if kind == "cwerr":
            return self.send(400, {"__type": "com.amazonaws.cloudwatch#InvalidParameterValueException",
                                   "Message": "The parameter StartTime is invalid"},
                             {"x-amzn-query-error": "InvalidParameterValue;Sender"})
        self.send(404, {"__type": "UnknownOperationException", "message": "no route " + self.path})

    def pages(self, op, body):
        req = json.loads(body or b"{}")
        bump("pages/" + op)
        if op == "GetParametersByPath":
            tok = req.get("NextToken")
            if req.get("MaxResults", 10) > 10:
                return self.error(400, "ValidationException", "MaxResults too big")
            page = {None: (["/app/a", "/app/b"], "t1"), "t1": ([], "t2"),
                    "t2": ([], "t3"), "t3": (["/app/c"], None)}[tok]
            out = {"Parameters": [{"Name": n, "Type": "String", "Value": n[-1], "Version": 3,
                                   "LastModifiedDate": 1.7E9} for n in page[0]]}
            if page[1]:
                out["NextToken"] = page[1]
            return self.send(200, out)
        if op == "GetExecutionHistory":
            tok = req.get("nextToken")
            base = {None: 1, "h2": 3, "h3": 5}[tok]
            evs = [{"id": base + i, "previousEventId": base + i - 1, "timestamp": 1.714564800123E9 + base + i,
                    "type": "TaskScheduled", "taskScheduledEventDetails": {
                        "resourceType": "lambda", "resource": "invoke.waitForTaskToken", "region": "eu-west-1",
                        "parameters": "{\"Payload\":{\"taskToken\":\"TOK%d\"}}" % (base + i),
                        "heartbeatInSeconds": 3600}} for i in range(2)]
            out = {"events": evs}
            nxt = {None: "h2", "h2": "h3", "h3": None}[tok]
            if nxt:
                out["nextToken"] = nxt
            return self.send(200, out)
        if op == "GetMetricData":
            tok = req.get("NextToken")
            if tok is None:
                return self.send(200, {"MetricDataResults": [
                    {"Id": "m1", "Label": "errors", "Timestamps": [1.7145648E9, 1714564860], "Values": [1, 2],
                     "StatusCode": "PartialData"}], "NextToken": "c2", "Messages": []})
            return self.send(200, {"MetricDataResults": [
                {"Id": "m1", "Timestamps": [1714564920], "Values": [3], "StatusCode": "Complete"},
                {"Id": "e1", "Label": "rate", "Timestamps": [1714564800], "Values": [0.5],
                 "StatusCode": "Complete", "Messages": [{"Code": "Info", "Value": "expr"}]}],
                "Messages": [{"Code": "MaxDatapointsExceeded", "Value": "truncated"}]})
        if op == "DescribeAlarms":
            if "CompositeAlarm" not in req.get("AlarmTypes", []):
                return self.send(200, {"MetricAlarms": []})
            tok = req.get("NextToken")
            if tok is None:
                return self.send(200, {"MetricAlarms": [{"AlarmName": "lag", "StateValue": "ALARM",
                                                         "Threshold": 10.0, "MetricName": "CDCLatencyTarget",
                                                         "Namespace": "AWS/DMS", "StateUpdatedTimestamp": 1.7E9}],
                                       "NextToken": "a2"})
            return self.send(200, {"CompositeAlarms": [{"AlarmName": "any", "StateValue": "OK",
                                                        "AlarmRule": "ALARM(lag)"}]})
        return self.send(200, {})


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
