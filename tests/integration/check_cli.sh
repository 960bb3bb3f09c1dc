#!/usr/bin/env bash
# `cutover check`: exit codes, the FILE:LINE:COL format, the summary line,
# and the --json round trip (its output is itself a valid runbook that
# normalizes to the same text).
set -u
. "$SRCDIR/tests/lib/assert.sh"
cd "$(mktemp -d)"

# The complete example from docs/runbook.md is valid.
sed -n '/^## A complete example/,/^## /p' "$SRCDIR/docs/runbook.md" |
	sed -n '/^```jsonc$/,/^```$/p' | sed '1d;$d' > example.json
[ -s example.json ] || _fail "could not extract the example from docs/runbook.md"

out=$("$CUTOVER" check example.json 2>&1); rc=$?
expect_rc 0 $rc "docs/runbook.md example is valid"
expect_contains "$out" 'example.json: valid runbook "directfanz-aws-migration"' "valid summary names the runbook"
expect_contains "$out" "2 phases, 3 flags, 4 gauges, 3 rollback plans" "summary counts"

# --json: normalized, defaults filled, and a fixed point.
"$CUTOVER" check example.json --json > norm.json 2> norm.err; rc=$?
expect_rc 0 $rc "--json on a valid runbook"
out=$(cat norm.json)
expect_contains "$out" '"identity":	300' "--json fills poll defaults"
expect_contains "$out" '"estimate_min":	25' "--json sums a sequence's estimate"
expect_contains "$out" '"value":	"false"' "--json writes flag values as SSM text"
expect_not_contains "$(cat norm.err)" "error" "--json writes no errors"
"$CUTOVER" check norm.json --json > norm2.json 2>/dev/null; rc=$?
expect_rc 0 $rc "--json output is itself a valid runbook"
cmp -s norm.json norm2.json || _fail "--json output does not normalize to itself"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' norm.json ||
	_fail "--json output is not JSON to Python"

# Invalid: every problem, in file order, FILE:LINE:COL: error: ..., exit 1.
cat > bad.json <<'JSON'
{
  "name": "bad",
  "environment": "staging",
  "region": "us-east-1",
  "gauges": [
    { "id": "g", "metric": { "namespace": "N", "name": "M" }, "warn": 1, "critcal": 2 }
  ],
  "phases": [
    { "id": "p", "execution": "nope", "states": ["A"], "estimate_min": 5 }
  ]
}
JSON
out=$("$CUTOVER" check bad.json 2>&1 >/dev/null); rc=$?
expect_rc 1 $rc "invalid runbook exits 1"
expect_contains "$out" 'bad.json:6:74: error: unknown key "critcal"; did you mean "critical"?' "typo at its line:col"
expect_contains "$out" 'bad.json:9:31: error: execution "nope" does not exist; "executions" defines none' "second problem reported too"
expect_contains "$out" "bad.json: not a valid runbook: 2 errors, 0 warnings" "invalid summary"
first=$(printf '%s\n' "$out" | head -1)
expect_match "$first" '^bad\.json:6:' "problems come in file order"
out=$("$CUTOVER" check bad.json --json 2>/dev/null); rc=$?
expect_rc 1 $rc "--json on an invalid runbook exits 1"
[ -z "$out" ] || _fail "--json printed output for an invalid runbook"

# Warnings alone do not fail.
sed 's/"region": "us-east-1"/"region": "us-west-2"/' example.json > warn.json
out=$("$CUTOVER" check warn.json 2>&1); rc=$?
expect_rc 0 $rc "warnings alone exit 0"
expect_match "$out" 'warn\.json:[0-9]+:[0-9]+: warning: this ARN is in region "us-east-1" but the runbook.s region is "us-west-2"' "warning format"
expect_match "$out" '\([0-9]+ warnings\)' "summary counts warnings"

# Syntax error.
printf '{"name": "x",\n  "environment" "prod"}\n' > syntax.json
out=$("$CUTOVER" check syntax.json 2>&1); rc=$?
expect_rc 1 $rc "syntax error exits 1"
expect_contains "$out" "syntax.json:2:17: error: expected ':' after the key, found '\"'" "syntax error at line:col"

# Hostile input: clear errors, exit 1, no crash.
: > empty.json
out=$("$CUTOVER" check empty.json 2>&1); expect_rc 1 $? "empty file"
expect_contains "$out" "empty.json:1:1: error: empty file" "empty file message"
printf '{"name":"a\xff"}' > utf8.json
out=$("$CUTOVER" check utf8.json 2>&1); expect_rc 1 $? "invalid UTF-8"
expect_contains "$out" "utf8.json:1:11: error: invalid UTF-8 (byte 0xFF)" "invalid UTF-8 message"
head -c 17000000 /dev/zero > huge.json
out=$("$CUTOVER" check huge.json 2>&1); expect_rc 1 $? "huge file"
expect_contains "$out" "huge.json: error: file is larger than 16777216 bytes" "huge file message"
python3 -c 'import sys; sys.stdout.write("[" * 100000)' > deep.json
out=$("$CUTOVER" check deep.json 2>&1); expect_rc 1 $? "deep nesting"
expect_contains "$out" "deep.json:1:33: error: nested too deeply" "deep nesting message"

# Unreadable and usage: exit 2.
out=$("$CUTOVER" check missing.json 2>&1); expect_rc 2 $? "missing file exits 2"
expect_contains "$out" "cannot open runbook missing.json: No such file or directory" "missing file is named"
out=$("$CUTOVER" check . 2>&1); expect_rc 2 $? "directory exits 2"
out=$("$CUTOVER" check 2>&1); expect_rc 2 $? "no file exits 2"
expect_contains "$out" "usage: cutover check RUNBOOK [--json]" "usage shown"
out=$("$CUTOVER" check a.json b.json 2>&1); expect_rc 2 $? "two files exit 2"
out=$("$CUTOVER" check --bogus example.json 2>&1); expect_rc 2 $? "unknown option exits 2"
out=$("$CUTOVER" check --help 2>&1); expect_rc 0 $? "check --help"
expect_contains "$out" "docs/runbook.md" "check --help points at the reference"
out=$("$CUTOVER" --help); expect_contains "$out" "check" "--help lists check"

# Every example runbook in the repository passes.
for f in "$SRCDIR"/docs/examples/*.json; do
	[ -e "$f" ] || continue
	case "$f" in *scenario*|*.sim.json) continue ;; esac
	out=$("$CUTOVER" check "$f" 2>&1); expect_rc 0 $? "example $(basename "$f")"
done

finish
