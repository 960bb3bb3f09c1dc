#!/usr/bin/env python3
"""gen_audit.py DB ROWS: append ROWS rows to an existing audit log, fast.

The log must already exist (made by the audit library, so the schema and
the first rows are the product's own).  Rows are flag.set intent/outcome
pairs hashed exactly as src/audit/audit_hash.c does, continuing the chain
from the last row, in one transaction: `cutover audit verify` must then
call the whole file valid, which the bench checks."""
import hashlib, sqlite3, sys

db, rows = sys.argv[1], int(sys.argv[2])
con = sqlite3.connect(db)
con.execute("PRAGMA synchronous=OFF")
last_id, prev = con.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()

def t(s):
    return b"-;" if s is None else b"%d:%s;" % (len(s.encode()), s.encode())

def gen():
    global prev
    ts = 1795000000000
    for i in range(rows):
        rid = last_id + 1 + i
        intent = rid - 1 if i % 2 else 0
        f = ("bench", "bench-host", "0" * 32, "bench", "rehearsal", "flag.set",
             "/bench/flags/f%03d" % (i % 500),
             None if intent else "false", None if intent else "true",
             "ok" if intent else "intent", "req-%d" % i if intent else None, None)
        b = b"cutover-audit-v1;%d;%d;" % (rid, ts + i) + b"".join(t(x) for x in f) + \
            b"%d;" % intent + t(prev)
        h = hashlib.sha256(b).hexdigest()
        yield (rid, ts + i) + f + (intent or None, prev, h)
        prev = h

con.execute("BEGIN")
con.executemany("INSERT INTO events (id, ts_ms, operator, host, session, runbook, environment,"
                " kind, target, old_value, new_value, outcome, request_id, detail, intent_id,"
                " prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", gen())
con.commit()
con.close()
