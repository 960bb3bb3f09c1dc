#!/usr/bin/env python3
"""aws_metadata_server.py: a loopback stand-in for the ECS/EKS container
credentials endpoint and for EC2's IMDSv2, for test_aws_credentials.

Binds 127.0.0.1 on a port the kernel picks, prints the port on stdout, and
serves until killed.  It checks what the real services check (the
Authorization header, the IMDSv2 token and its TTL header) and answers 401
otherwise, so a client that forgets them fails.  Every request is appended to
LOG (one line: method path) so a test can count calls.

usage: aws_metadata_server.py LOG CONTAINER_TOKEN
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

LOG = sys.argv[1]
CONTAINER_TOKEN = sys.argv[2]
IMDS_TOKEN = "imds-session-token-123"
ROLE = "cutover-test-role"

CONTAINER_CREDS = {
    "AccessKeyId": "ASIACONTAINER",
    "SecretAccessKey": "containersecret/+=",
    "Token": "containertoken",
    "Expiration": "2099-01-01T00:00:00Z",
    "RoleArn": "arn:aws:iam::123456789012:role/task",
}
IMDS_CREDS = {
    "Code": "Success",
    "LastUpdated": "2024-05-01T12:00:00Z",
    "Type": "AWS-HMAC",
    "AccessKeyId": "ASIAIMDS",
    "SecretAccessKey": "imdssecret",
    "Token": "imdstoken",
    "Expiration": "2099-06-01T00:00:00Z",
}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, body, ctype="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def record(self):
        with open(LOG, "a") as f:
            f.write("%s %s\n" % (self.command, self.path))

    def do_PUT(self):
        self.record()
        n = int(self.headers.get("Content-Length", "0") or "0")
        if n:
            self.rfile.read(n)
        if self.path == "/latest/api/token" and self.headers.get(
                "x-aws-ec2-metadata-token-ttl-seconds") == "21600":
            self.send(200, IMDS_TOKEN, "text/plain")
        else:
            self.send(400, "bad token request", "text/plain")

    def do_GET(self):
        self.record()
        p = self.path
        if p.startswith("/latest/"):
            if self.headers.get("x-aws-ec2-metadata-token") != IMDS_TOKEN:
                return self.send(401, "", "text/plain")
            if p == "/latest/meta-data/iam/security-credentials/":
                return self.send(200, ROLE + "\n", "text/plain")
            if p == "/latest/meta-data/iam/security-credentials/" + ROLE:
                return self.send(200, json.dumps(IMDS_CREDS))
            return self.send(404, "", "text/plain")
        if self.headers.get("Authorization") != CONTAINER_TOKEN:
            return self.send(401, '{"message":"bad token"}')
        if p == "/creds":
            return self.send(200, json.dumps(CONTAINER_CREDS))
        if p == "/garbage":
            return self.send(200, "SECRETGARBAGE not json")
        if p == "/error":
            return self.send(500, '{"message":"agent broken"}')
        self.send(404, "{}")


def main():
    srv = HTTPServer(("127.0.0.1", 0), Handler)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
