#!/usr/bin/env bash
# `cutover status` on every example runbook against the sim running its
# scenario (health checks sent to the sim through CUTOVER_HEALTH_ORIGIN, as
# `cutover demo` does): every source answers, every phase, gauge and flag of
# the runbook is reported, HTTP gauges reach the sim, and the human output
# names every phase.
set -u
. "$SRCDIR/tests/lib/assert.sh"
. "$SRCDIR/tests/lib/sim.sh"
W=$(mktemp -d "${TMPDIR:-/tmp}/status_examples.XXXXXX")
trap '_sim_cleanup; rm -rf "$W"' EXIT

n=0
for sc in "$SRCDIR"/docs/examples/*.scenario.json; do
	name=$(basename "$sc" .scenario.json)
	rb="$SRCDIR/docs/examples/$name.json"
	[ -f "$rb" ] || continue
	n=$((n + 1))
	# The sim prints the export lines for its credentials; take them.
	"$CUTOVER" sim --scenario "$sc" --port 0 >"$W/$name.sim" 2>&1 &
	pid=$!
	_sim_pids+=("$pid")
	for i in $(seq 1 100); do grep -q '^export AWS_REGION' "$W/$name.sim" && break; sleep 0.05; done
	(
		eval "$(grep -E '^(export|unset) ' "$W/$name.sim")"
		export CUTOVER_HEALTH_ORIGIN="$AWS_ENDPOINT_URL"
		"$CUTOVER" status --json "$rb" >"$W/$name.json" 2>"$W/$name.err"
		echo $? >"$W/$name.rc"
		"$CUTOVER" status "$rb" >"$W/$name.txt" 2>&1
	)
	kill "$pid" 2>/dev/null
	rc=$(cat "$W/$name.rc")
	[ "$rc" -le 2 ]; expect_rc 0 $? "$name: no source unreachable (exit $rc: $(cat "$W/$name.err"))"
	"$CUTOVER" check --json "$rb" >"$W/$name.norm" 2>/dev/null
	python3 - "$W/$name.json" "$W/$name.norm" "$W/$name.txt" "$rc" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); rb = json.load(open(sys.argv[2]))
txt = open(sys.argv[3]).read(); rc = int(sys.argv[4])
bad = []
if d["exit"] != rc: bad.append("json exit %s != %s" % (d["exit"], rc))
for k, s in d["sources"].items():
    if s["used"] and not s["ok"]: bad.append("source %s: %s" % (k, s["error"]))
if [p["id"] for p in d["phases"]] != [p["id"] for p in rb.get("phases", [])]: bad.append("phases differ")
if [g["id"] for g in d["gauges"]] != [g["id"] for g in rb.get("gauges", [])]: bad.append("gauges differ")
if [f["id"] for f in d["flags"]] != [f["id"] for f in rb.get("flags", [])]: bad.append("flags differ")
for f in d["flags"]:
    if not f["present"] or f["value"] is None: bad.append("flag %s has no value" % f["id"])
for g in d["gauges"]:
    if g["kind"] == "http" and not (g["detail"] or "")[:1].isdigit():
        bad.append("http gauge %s did not reach the sim: %s" % (g["id"], g["detail"]))
for p in d["phases"]:
    if p["title"] not in txt: bad.append("human output lacks phase %r" % p["title"])
if d["identity"]["arn"] is None: bad.append("no caller identity")
for b in bad: print("  " + b)
sys.exit(1 if bad else 0)
PY
	expect_rc 0 $? "$name: the report covers the runbook"
done
[ "$n" -ge 5 ]; expect_rc 0 $? "every example checked ($n)"
finish
