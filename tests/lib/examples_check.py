#!/usr/bin/env python3
"""examples_check.py: does each docs/examples runbook agree with its sim scenario?

`cutover check` proves a runbook valid on its own and the sim proves a
scenario loads; neither sees that the two describe the same system.  This
checks the pairing the demo depends on: every gauge's metric, alarm and health
path exists in the scenario, every flag is a parameter, every phase's states
are states of its state machine, ARNs agree on region and account, and an
incident crosses a rollback trigger whose plan flips what the scenario's
recover_when waits for.

Usage: examples_check.py DIR [NAME...]   (default: every DIR/*.scenario.json)
Prints one line per problem; exits 1 if there is any, 0 otherwise.
"""
import json
import os
import re
import sys
from urllib.parse import urlparse

DEMO_ORIGIN = "127.0.0.1:8080"   # the placeholder `cutover demo` replaces
DEMO_KEY = "AKIDCUTOVERDEMO"


def strip_comments(text):
	"""JSON with // and /* */ comments to plain JSON (strings left alone)."""
	out, i, n, in_str = [], 0, len(text), False
	while i < n:
		c = text[i]
		if in_str:
			out.append(c)
			if c == "\\":
				out.append(text[i + 1])
				i += 2
				continue
			if c == '"':
				in_str = False
			i += 1
		elif c == '"':
			in_str = True
			out.append(c)
			i += 1
		elif text.startswith("//", i):
			j = text.find("\n", i)
			i = n if j < 0 else j
		elif text.startswith("/*", i):
			j = text.find("*/", i + 2)
			i = n if j < 0 else j + 2
		else:
			out.append(c)
			i += 1
	return "".join(out)


def load(path):
	with open(path, encoding="utf-8") as f:
		return json.loads(strip_comments(f.read()))


def mkey(m):
	return (m["namespace"], m["name"], tuple(sorted((m.get("dimensions") or {}).items())))


def flag_text(v):
	return ("true" if v else "false") if isinstance(v, bool) else str(v)


def check_pair(rb_path, sc_path):
	probs = []
	rb, sc = load(rb_path), load(sc_path)
	name = os.path.basename(rb_path)
	region, account = rb["region"], sc.get("account", "123456789012")

	def bad(msg):
		probs.append(f"{name}: {msg}")

	if sc.get("region", "us-east-1") != region:
		bad(f"scenario region {sc.get('region')} is not the runbook's {region}")
	if not any(c.get("access_key_id") == DEMO_KEY for c in sc.get("credentials", [])):
		bad(f"scenario does not accept the demo key {DEMO_KEY}")

	machines = {m["name"]: m for m in sc.get("state_machines", [])}
	metrics = {mkey(m): m for m in sc.get("metrics", [])}
	alarms = {a["name"] for a in sc.get("alarms", [])}
	health = {h["path"] for h in sc.get("health", [])}
	params = {p["name"]: p["value"] for p in sc.get("parameters", [])}
	flags = {f["id"]: f for f in rb.get("flags", [])}
	plans = rb.get("rollback", {})

	def machine(arn, where):
		m = re.fullmatch(r"arn:aws:states:([a-z0-9-]+):(\d{12}):stateMachine:(.+)", arn)
		if not m:
			bad(f"{where}: {arn} is not a state machine ARN")
			return None
		if (m.group(1), m.group(2)) != (region, account):
			bad(f"{where}: {arn} is not in {region} / {account}")
		if m.group(3) not in machines:
			bad(f"{where}: the scenario has no state machine {m.group(3)}")
			return None
		return machines[m.group(3)]

	def url(u, where):
		p = urlparse(u)
		if p.netloc != DEMO_ORIGIN:
			bad(f"{where}: {u} is not on the demo origin {DEMO_ORIGIN}")
		if p.path not in health:
			bad(f"{where}: the scenario serves no health path {p.path}")

	def metric(m, where):
		if mkey(m) not in metrics:
			bad(f"{where}: the scenario has no metric {m['namespace']} {m['name']} {m.get('dimensions', {})}")

	for eid, e in rb.get("executions", {}).items():
		machine(e["state_machine_arn"], f"executions.{eid}")
	for ph in rb.get("phases", []):
		m = machine(rb["executions"][ph["execution"]]["state_machine_arn"], f"phase {ph['id']}")
		if m:
			names = [s["name"] for s in m["states"]]
			for s in ph["states"]:
				if s not in names:
					bad(f"phase {ph['id']}: state {s} is not a state of {m['name']}")

	for f in rb.get("flags", []):
		v = params.get(f["ssm"])
		if v is None:
			bad(f"flag {f['id']}: the scenario has no parameter {f['ssm']}")
		elif f["type"] == "bool" and v not in ("true", "false"):
			bad(f"flag {f['id']}: parameter value {v!r} is not true/false")
		elif f["type"] == "percent" and not (v.isdigit() and 0 <= int(v) <= 100):
			bad(f"flag {f['id']}: parameter value {v!r} is not 0-100")
		elif f["type"] == "enum" and v not in f["values"]:
			bad(f"flag {f['id']}: parameter value {v!r} is not one of {f['values']}")

	for g in rb.get("gauges", []):
		where = f"gauge {g['id']}"
		if "metric" in g:
			metric(g["metric"], where)
		for m in (g.get("metrics") or {}).values():
			metric(m, where)
		if "alarm" in g and g["alarm"] not in alarms:
			bad(f"{where}: the scenario has no alarm {g['alarm']}")
		if "http" in g:
			url(g["http"]["url"], where)

	def steps(pid, seen=()):
		p = plans[pid]
		if "sequence" in p:
			return [s for q in p["sequence"] if q not in seen for s in steps(q, seen + (pid,))]
		return p.get("steps", [])

	for pid in plans:
		for s in steps(pid):
			if "http" in s:
				url(s["http"], f"plan {pid} step {s['title']!r}")
			if "sfn_start" in s:
				machine(s["sfn_start"]["state_machine_arn"], f"plan {pid} step {s['title']!r}")

	# The demo's point: an incident crosses a trigger, and the trigger's plan
	# sets what the incident's recover_when waits for.
	if not demo_triggers(rb, sc, bad):
		bad("no incident between 60 s and 300 s crosses a rollback trigger that its plan recovers")
	return probs


def demo_triggers(rb, sc, bad=lambda msg: None):
	"""The gauges whose scenario incident (60-300 s in) crosses their trigger
	and whose trigger plan sets what every incident input's recover_when
	waits for: a list of (gauge, [(parameter, value, within_s, at_s)])."""
	machines = {m["name"]: m for m in sc.get("state_machines", [])}
	metrics = {mkey(m): m for m in sc.get("metrics", [])}
	flags = {f["id"]: f for f in rb.get("flags", [])}
	plans = rb.get("rollback", {})

	def steps(pid, seen=()):
		p = plans[pid]
		if "sequence" in p:
			return [s for q in p["sequence"] if q not in seen for s in steps(q, seen + (pid,))]
		return p.get("steps", [])

	found = []
	for g in rb.get("gauges", []):
		t = g.get("trigger")
		if not t or not ("metric" in g or "expression" in g) or ("above" not in t and "below" not in t):
			continue
		inputs = {"": g["metric"]} if "metric" in g else g["metrics"]
		sets = set()
		for s in steps(t["plan"]):
			if "flag" in s and s["flag"] in flags:
				sets.add((flags[s["flag"]]["ssm"], flag_text(s["value"])))
			if "sfn_start" in s:
				arn = s["sfn_start"]["state_machine_arn"]
				for m in machines.values():
					sp = m.get("sets_parameter")
					if sp and arn.endswith(":stateMachine:" + m["name"]):
						sets.add((sp["name"], sp["value"]))
		values, hot, recovers, how = {}, False, True, []
		for var, m in inputs.items():
			sm = metrics.get(mkey(m))
			if sm is None:
				break
			inc = [i for i in sm.get("incidents", []) if 60 <= i["at_s"] <= 300]
			values[var] = inc[0]["to"] if inc else sm["baseline"]
			if inc:
				hot = True
				rw = sm.get("recover_when")
				if not rw or (rw["parameter"], rw["equals"]) not in sets:
					recovers = False
				else:
					how.append((rw["parameter"], rw["equals"], rw.get("within_s", 60), inc[0]["at_s"]))
		else:
			if not hot:
				continue
			try:
				v = values[""] if "" in values else eval(g["expression"], {"__builtins__": {}}, values)
			except ZeroDivisionError:
				continue
			crossed = v > t["above"] if "above" in t else v < t["below"]
			if crossed and recovers:
				found.append((g, how))
			elif crossed:
				bad(f"gauge {g['id']}: the incident crosses the trigger but plan {t['plan']} "
				    f"does not set what recover_when waits for")
	return found


def main():
	if len(sys.argv) < 2:
		print(__doc__, file=sys.stderr)
		return 2
	d = sys.argv[1]
	names = sys.argv[2:] or sorted(f[: -len(".scenario.json")] for f in os.listdir(d) if f.endswith(".scenario.json"))
	probs = []
	for n in names:
		rb, sc = os.path.join(d, n + ".json"), os.path.join(d, n + ".scenario.json")
		if not os.path.exists(rb) or not os.path.exists(sc):
			probs.append(f"{n}: needs both {n}.json and {n}.scenario.json")
			continue
		try:
			probs += check_pair(rb, sc)
		except (ValueError, KeyError, TypeError) as e:
			probs.append(f"{n}: cannot read the pair: {type(e).__name__}: {e}")
	for p in probs:
		print(p)
	print(f"{len(names)} pairs checked, {len(probs)} problems")
	return 1 if probs else 0


if __name__ == "__main__":
	sys.exit(main())
