#!/usr/bin/env bash
# botocore judges the sim's CloudWatch answers: test_sim_cw writes real
# answers (JSON 1.0 and Query XML, successes and errors) to
# $BUILDDIR/sim_cw_samples/, and sim_cw_botocore.py parses each with botocore's
# parsers and the cloudwatch service model.
set -u
. "$SRCDIR/tests/lib/assert.sh"

if ! python3 -c 'import botocore' 2>/dev/null; then
	echo "SKIP: python3 has no botocore"
	exit 0
fi

# Produce the samples here rather than rely on test order under ctest -j.
out=$("$BUILDDIR/tests/test_sim_cw" 2>&1); rc=$?
expect_rc 0 $rc "test_sim_cw (writes the samples)"
[ $rc -eq 0 ] || printf '%s\n' "$out" | tail -20 >&2

out=$(python3 "$SRCDIR/tests/integration/sim_cw_botocore.py" "$BUILDDIR/sim_cw_samples" 2>&1); rc=$?
printf '%s\n' "$out"
expect_rc 0 $rc "botocore parses every sample"
expect_contains "$out" "ok gmd_query: Query XML and JSON parse to the same result" "GetMetricData twins"
expect_contains "$out" "ok da_query: Query XML and JSON parse to the same result" "DescribeAlarms twins"
expect_contains "$out" "ok err_bad_id: json error ValidationError" "JSON error code from x-amzn-query-error"
expect_contains "$out" "ok err_query_bad_id: query error ValidationError" "Query error code"
finish
