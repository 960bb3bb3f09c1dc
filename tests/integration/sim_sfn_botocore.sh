#!/usr/bin/env bash
# Every reply of the sim's Step Functions model, judged by botocore: the unit
# test writes each answer it gets to a folder, and botocore's own parser and
# stepfunctions model check shapes, required members, types and error codes.
set -u
. "$SRCDIR/tests/lib/assert.sh"

unit="$BUILDDIR/tests/test_sim_sfn"
samples="${TMPDIR:-/tmp}/sim_sfn_samples.$$"
rm -rf "$samples"
trap 'rm -rf "$samples"' EXIT

if ! python3 -c 'import botocore' 2>/dev/null; then
	echo "botocore is not importable by python3: install the AWS CLI (./dev setup --test)" >&2
	exit 1
fi

out=$(SIM_SFN_SAMPLES="$samples" "$unit" 2>&1); rc=$?
expect_rc 0 $rc "test_sim_sfn wrote its samples"
n=$(find "$samples" -name '*.json' | wc -l)
expect_match "$n" '^[0-9]{2,}$' "at least 10 samples written (got $n)"

out=$(python3 "$SRCDIR/tests/integration/sim_sfn_botocore.py" "$samples" 2>&1); rc=$?
expect_rc 0 $rc "botocore accepts every reply"
[ $rc -eq 0 ] || echo "$out" >&2
expect_contains "$out" "replies checked" "the checker ran"
expect_contains "$out" "'SendTaskSuccess'" "SendTaskSuccess answers were checked"
expect_contains "$out" "'InvalidToken'" "InvalidToken answers were checked"

# the checker itself must catch a wrong answer
bad="$samples/bad"
mkdir -p "$bad"
cp "$samples"/*.json "$bad"/
f=$(ls "$bad"/DescribeExecution--200--*.json | head -1)
python3 - "$f" <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["status"] = "DONE"
del d["startDate"]
json.dump(d, open(p, "w"))
EOF
out=$(python3 "$SRCDIR/tests/integration/sim_sfn_botocore.py" "$bad" 2>&1); rc=$?
expect_rc 1 $rc "a broken reply is refused"
expect_contains "$out" "'DONE' is not one of" "a bad enum value is named"
expect_contains "$out" "required member startDate" "a missing member is named"

finish
