#!/usr/bin/env python3
"""count_proxy.py: a recording HTTP proxy in front of `cutover sim`.

    count_proxy.py UPSTREAM_URL LOGFILE   prints "http://127.0.0.1:PORT" first

Forwards every request unchanged (the Host header too, so SigV4 signatures
made for the proxy's address still verify at the sim) and appends one JSON
line per request to LOGFILE: {"op": operation, "ids": the GetMetricData
query ids, "alarms": DescribeAlarms' AlarmNames, "path": the path}.  The
operation is the X-Amz-Target's (awsJson), the form's Action= (Query), or
"GET /path" (health checks).  Tests count what a command asked for.
Loopback only."""
import http.client, json, sys, threading, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

up = urllib.parse.urlparse(sys.argv[1])
logpath = sys.argv[2]
lock = threading.Lock()
tls = threading.local()


def record(method, path, headers, body):
    entry = {"op": None, "ids": None, "alarms": None, "path": path.split("?")[0]}
    target = headers.get("X-Amz-Target")
    if target:
        entry["op"] = target.split(".")[-1]
        try:
            doc = json.loads(body or b"{}")
        except ValueError:
            doc = {}
        if "MetricDataQueries" in doc:
            entry["ids"] = sorted(q.get("Id") for q in doc["MetricDataQueries"])
        if "AlarmNames" in doc:
            entry["alarms"] = sorted(doc["AlarmNames"])
    elif body and b"Action=" in body:
        form = urllib.parse.parse_qs(body.decode())
        entry["op"] = form.get("Action", [None])[0]
        ids = [v[0] for k, v in form.items() if k.startswith("MetricDataQueries.member.") and k.endswith(".Id")]
        if ids:
            entry["ids"] = sorted(ids)
        names = [v[0] for k, v in form.items() if k.startswith("AlarmNames.member.")]
        if names:
            entry["alarms"] = sorted(names)
    else:
        entry["op"] = method + " " + entry["path"]
    with lock, open(logpath, "a") as f:
        f.write(json.dumps(entry) + "\n")


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def _fwd(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        record(self.command, self.path, self.headers, body)
        conn = getattr(tls, "conn", None)
        if conn is None:
            conn = tls.conn = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
        hdrs = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
        try:
            conn.request(self.command, self.path, body=body or None, headers=hdrs)
            r = conn.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException):
            tls.conn = None
            self.close_connection = True
            return
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length", "date", "server"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_HEAD = _fwd


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
print("http://127.0.0.1:%d" % srv.server_address[1], flush=True)
srv.serve_forever()
