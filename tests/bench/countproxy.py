#!/usr/bin/env python3
"""countproxy.py: a counting HTTP proxy in front of `cutover sim`, for the bench.

    countproxy.py UPSTREAM_URL    prints "http://127.0.0.1:PORT" on its first line

Forwards every request unchanged (the Host header too, so SigV4 signatures
made for the proxy's address still verify at the sim) and counts it by
operation: X-Amz-Target (awsJson), Action= (Query) or the path (health).
GET /__bench/counts answers the counts as JSON, GET /__bench/statuses the answers by HTTP status
(and "dropped"), GET /__bench/log every
request as [epoch time, operation, status]; POST /__bench/reset zeroes
them.  Loopback only."""
import http.client, json, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

up = urllib.parse.urlparse(sys.argv[1])
lock = threading.Lock()
counts = {}
statuses = {}  # HTTP status (or "dropped") -> calls
log = []  # (epoch seconds, operation, status or "dropped"), for per-cycle counts
tls = threading.local()

def op_of(h, path, body):
    t = h.get("X-Amz-Target")
    if t:
        return t.split(".")[-1]
    if body and b"Action=" in body:
        for kv in body.split(b"&"):
            if kv.startswith(b"Action="):
                return kv[7:].decode()
    return "GET " + path.split("?")[0]

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else delayed ACKs cost 40 ms a call
    def log_message(self, *a):
        pass
    def _reply(self, code, body, ctype="application/json"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def _fwd(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if self.path == "/__bench/counts":
            with lock:
                return self._reply(200, json.dumps(counts).encode())
        if self.path == "/__bench/statuses":
            with lock:
                return self._reply(200, json.dumps(statuses).encode())
        if self.path == "/__bench/log":
            with lock:
                return self._reply(200, json.dumps(log).encode())
        if self.path == "/__bench/reset":
            with lock:
                counts.clear()
                log.clear()
                statuses.clear()
            return self._reply(200, b"{}")
        op = op_of(self.headers, self.path, body)
        t0 = time.time()
        with lock:
            counts[op] = counts.get(op, 0) + 1
        c = getattr(tls, "conn", None)
        if c is None:
            c = tls.conn = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
        hdrs = {k: v for k, v in self.headers.items()
                if k.lower() not in ("connection", "keep-alive", "transfer-encoding")}
        try:
            c.request(self.command, self.path, body=body, headers=hdrs)
            r = c.getresponse()
            data = r.read()
        except Exception:
            # the sim dropped it (a fault) or it went stale: so do we
            c.close()
            tls.conn = None
            with lock:
                statuses["dropped"] = statuses.get("dropped", 0) + 1
                log.append((t0, op, "dropped"))
            self.close_connection = True
            return
        with lock:
            statuses[str(r.status)] = statuses.get(str(r.status), 0) + 1
            log.append((t0, op, str(r.status)))
        self.send_response(r.status, r.reason)
        for k, v in r.getheaders():
            if k.lower() not in ("connection", "keep-alive", "transfer-encoding", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    do_GET = do_POST = do_PUT = do_HEAD = _fwd

srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
print("http://127.0.0.1:%d" % srv.server_address[1], flush=True)
srv.serve_forever()
