#!/usr/bin/env python3
"""examples_rehearse.py: run each docs/examples scenario in `cutover sim` and
check, over the wire, what the demo promises: the runbook's trigger gauge goes
beyond its trigger for `for` datapoints after the incident, and comes back
under its warning level once the trigger plan's flag is set.  Also: every
execution the runbook watches has at least one run, and every health path
answers.

Usage: examples_rehearse.py CUTOVER DIR NAME...
The sim runs on 127.0.0.1 on a port it picks, --no-auth, fast (--speed);
everything is checked at fixed scenario times, so a slow machine only makes
the test take longer, never changes its answer.
"""
import json
import math
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import examples_check as ec  # noqa: E402

SPEED = 100.0
WALL_LIMIT_S = 120.0     # per scenario; a healthy run takes about 10 s


class Sim:
	def __init__(self, cutover, scenario):
		self.proc = subprocess.Popen([cutover, "sim", "--scenario", scenario, "--port", "0",
					      "--speed", str(SPEED), "--seed", "1", "--no-auth"],
					     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
		line = self.proc.stdout.readline()
		m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
		if not m:
			self.proc.kill()
			raise RuntimeError(f"cutover sim did not start: {line.strip()!r}")
		self.base = f"http://127.0.0.1:{m.group(1)}"
		# drain the rest of its output so it never blocks on a full pipe
		threading.Thread(target=self.proc.stdout.read, daemon=True).start()

	def call(self, target, body, version):
		req = urllib.request.Request(self.base + "/", data=json.dumps(body).encode(), method="POST",
					     headers={"Content-Type": f"application/x-amz-json-{version}",
						      "X-Amz-Target": target})
		with urllib.request.urlopen(req, timeout=30) as r:
			return json.loads(r.read() or b"{}")

	def ssm(self, op, body):
		return self.call("AmazonSSM." + op, body, "1.1")

	def sfn(self, op, body):
		return self.call("AWSStepFunctions." + op, body, "1.0")

	def cw(self, op, body):
		return self.call("GraniteServiceVersion20100801." + op, body, "1.0")

	def get(self, path):
		with urllib.request.urlopen(self.base + path, timeout=30) as r:
			return r.status

	def stop(self):
		self.proc.terminate()
		try:
			self.proc.wait(timeout=10)
		except subprocess.TimeoutExpired:
			self.proc.kill()


def stat_query(qid, m, period, ret=True):
	return {"Id": qid, "ReturnData": ret,
		"MetricStat": {"Metric": {"Namespace": m["namespace"], "MetricName": m["name"],
					  "Dimensions": [{"Name": k, "Value": v} for k, v in (m.get("dimensions") or {}).items()]},
			       "Period": period, "Stat": m.get("stat", "Average")}}


def gauge_queries(g):
	period = g.get("period_s", 60)
	if "metric" in g:
		return [stat_query("g", g["metric"], period)]
	qs = [stat_query(n, m, period, False) for n, m in g["metrics"].items()]
	return qs + [{"Id": "g", "Expression": g["expression"], "ReturnData": True}]


def window(sim, g, start, n, deadline):
	"""The gauge's n datapoints from start (epoch s, on a period boundary),
	waiting until the sim has produced them all."""
	period = g.get("period_s", 60)
	while True:
		r = sim.cw("GetMetricData", {"MetricDataQueries": gauge_queries(g), "StartTime": start,
					     "EndTime": start + n * period, "ScanBy": "TimestampAscending"})
		res = [x for x in r["MetricDataResults"] if x["Id"] == "g"][0]
		if len(res["Values"]) >= n:
			return res["Values"][:n]
		if time.time() > deadline:
			raise RuntimeError(f"gauge {g['id']}: only {len(res['Values'])} of {n} datapoints "
					   f"from {start} after {WALL_LIMIT_S:.0f} s")
		time.sleep(0.1)


def beyond(v, side, limit):
	return v > limit if side == "above" else v < limit


def rehearse(cutover, d, name, probs):
	rb, sc = ec.load(os.path.join(d, name + ".json")), ec.load(os.path.join(d, name + ".scenario.json"))
	found = ec.demo_triggers(rb, sc)
	if not found:
		probs.append(f"{name}: no trigger with a recoverable incident")
		return
	g, how = found[0]
	t = g["trigger"]
	side = "above" if "above" in t else "below"
	period = g.get("period_s", 60)
	before = len(probs)
	sim = Sim(cutover, os.path.join(d, name + ".scenario.json"))
	deadline = time.time() + WALL_LIMIT_S
	try:
		param, value, within, at = how[0]
		p = sim.ssm("GetParameters", {"Names": [param]})["Parameters"][0]
		t0 = p["LastModifiedDate"]   # initial parameters are written at t = 0

		# a phase needs a run to show; an execution without phases (a rollback
		# workflow) may have none until the rollback starts it
		for eid in sorted({ph["execution"] for ph in rb.get("phases", [])}):
			arn = rb["executions"][eid]["state_machine_arn"]
			if not sim.sfn("ListExecutions", {"stateMachineArn": arn})["executions"]:
				probs.append(f"{name}: execution {eid} has phases but no run in the scenario")
		for path in sorted({h["path"] for h in sc.get("health", [])}):
			if sim.get(path) != 200:
				probs.append(f"{name}: health path {path} does not answer 200 at the start")

		# the incident ramps up over a minute from at_s; then `for` datapoints beyond
		start = int(math.ceil((t0 + at + 60) / period) * period) + period
		vals = window(sim, g, start, t.get("for", 1), deadline)
		if not all(beyond(v, side, t[side]) for v in vals):
			probs.append(f"{name}: {g['id']} is not {side} {t[side]} for {t.get('for', 1)} datapoints "
				     f"after the incident: {vals}")

		sim.ssm("PutParameter", {"Name": param, "Value": value, "Type": "String", "Overwrite": True})
		flipped = sim.ssm("GetParameters", {"Names": [param]})["Parameters"][0]["LastModifiedDate"]
		start = int(math.ceil((flipped + within + 60) / period) * period) + period
		vals = window(sim, g, start, 3, deadline)
		limits = [(g["direction"] if "direction" in g else "above", g[k]) for k in ("warn", "critical") if k in g]
		bad = [v for v in vals if any(beyond(v, s, lim) for s, lim in limits)]
		if bad:
			probs.append(f"{name}: {g['id']} still beyond its thresholds after {param} = {value}: {vals}")
		if len(probs) == before:
			print(f"{name}: {g['id']} crossed {side} {t[side]} and recovered after {param} = {value}")
	except Exception as e:  # one scenario's failure must not hide the others'
		probs.append(f"{name}: {type(e).__name__}: {e}")
	finally:
		sim.stop()


def main():
	if len(sys.argv) < 4:
		print(__doc__, file=sys.stderr)
		return 2
	cutover, d, names = sys.argv[1], sys.argv[2], sys.argv[3:]
	probs = []
	threads = [threading.Thread(target=rehearse, args=(cutover, d, n, probs)) for n in names]
	for th in threads:
		th.start()
	for th in threads:
		th.join()
	for p in probs:
		print(p)
	print(f"{len(names)} scenarios rehearsed, {len(probs)} problems")
	return 1 if probs else 0


if __name__ == "__main__":
	sys.exit(main())
