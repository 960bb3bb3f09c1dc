#!/usr/bin/env python3
"""actions_fault_proxy.py: a loopback proxy in front of `cutover sim` that
breaks chosen operations, so the action tests can fail one call (the write)
while the reads around it still reach the sim.

usage: actions_fault_proxy.py UPSTREAM_URL RULES_FILE
Binds 127.0.0.1 on an ephemeral port and prints the port.  For each request
it reads RULES_FILE (JSON, re-read every time so a test can change it):
  {"AmazonSSM.PutParameter": {"do": "deny"|"throttle"|"hang"|"drop_after"|"interleave",
                              "value": "...", "seconds": N}}
  deny        400 AccessDeniedException, nothing forwarded
  throttle    400 ThrottlingException, nothing forwarded
  hang        sleep `seconds` (default 30) without answering, nothing forwarded
  drop_after  forward (the change lands), then close without answering
  interleave  first write `value` to the same parameter as a second operator
              (bob, signed with botocore), then forward: a writer between
              cutover's read and its write
Requests are forwarded byte for byte with their headers, so the sim still
checks the client's SigV4 signature.  GET /_count/TARGET says how many
requests for TARGET arrived.
"""
import json
import socket
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

UPSTREAM = sys.argv[1].rstrip("/")
RULES = sys.argv[2]
lock = threading.Lock()
counts = {}


def rules():
    try:
        with open(RULES) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def second_writer(name, value):
    body = json.dumps({"Name": name, "Value": value, "Type": "String", "Overwrite": True})
    req = AWSRequest(method="POST", url=UPSTREAM + "/", data=body,
                     headers={"Content-Type": "application/x-amz-json-1.1",
                              "X-Amz-Target": "AmazonSSM.PutParameter"})
    SigV4Auth(Credentials("AKIDBOB", "bob-secret"), "ssm", "us-east-1").add_auth(req)
    r = urllib.request.Request(UPSTREAM + "/", data=body.encode(), method="POST",
                               headers=dict(req.headers.items()))
    urllib.request.urlopen(r, timeout=10).read()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, code, body, ctype="application/x-amz-json-1.1"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "proxy-%d" % int(time.time() * 1000))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.startswith("/_count/"):
            with lock:
                n = counts.get(self.path[len("/_count/"):], 0)
            return self.answer(200, str(n), "text/plain")
        self.forward(b"")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        target = self.headers.get("X-Amz-Target", "")
        with lock:
            counts[target] = counts.get(target, 0) + 1
        rule = rules().get(target)
        what = rule.get("do") if rule else None
        if what == "deny":
            return self.answer(400, json.dumps({
                "__type": "AccessDeniedException",
                "message": "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
                           + target.split(".")[-1]}))
        if what == "throttle":
            return self.answer(400, json.dumps({"__type": "ThrottlingException",
                                                "message": "Rate exceeded"}))
        if what == "hang":
            time.sleep(float(rule.get("seconds", 30)))
            self.close_connection = True
            return
        if what == "interleave":
            second_writer(json.loads(body)["Name"], rule.get("value", "interleaved"))
        self.forward(body, drop=(what == "drop_after"))

    def forward(self, body, drop=False):
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("connection", "keep-alive", "transfer-encoding")}
        req = urllib.request.Request(UPSTREAM + self.path, data=body or None,
                                     method=self.command, headers=headers)
        try:
            resp = urllib.request.urlopen(req, timeout=30)
            code, data, ctype = resp.status, resp.read(), resp.headers.get("Content-Type", "")
            rid = resp.headers.get("x-amzn-RequestId")
        except urllib.error.HTTPError as e:
            code, data, ctype = e.code, e.read(), e.headers.get("Content-Type", "")
            rid = e.headers.get("x-amzn-RequestId")
        if drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if rid:
            self.send_header("x-amzn-RequestId", rid)
        self.end_headers()
        self.wfile.write(data)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
