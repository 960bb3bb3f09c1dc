#!/usr/bin/env bash
# `cutover sim` and `cutover demo` as commands: arguments, scenario errors
# with line and column, the parseable first line, clean exit on signals.
set -u
. "$SRCDIR/tests/lib/assert.sh"
. "$SRCDIR/tests/lib/sim.sh"
cd "$(mktemp -d)"

out=$("$CUTOVER" sim 2>&1); expect_rc 2 $? "no --scenario"
expect_contains "$out" "--scenario FILE is required" "says what is missing"
out=$("$CUTOVER" sim --scenario x.json --port 70000 2>&1); expect_rc 2 $? "bad port"
out=$("$CUTOVER" sim --scenario x.json --speed 0 2>&1); expect_rc 2 $? "bad speed"
out=$("$CUTOVER" sim --scenario x.json --seed -1 2>&1); expect_rc 2 $? "bad seed"
out=$("$CUTOVER" sim --scenario x.json --bogus 2>&1); expect_rc 2 $? "unknown option"
expect_contains "$out" "unknown argument --bogus" "unknown option named"
out=$("$CUTOVER" sim --scenario missing.json 2>&1); expect_rc 2 $? "missing scenario file"
expect_contains "$out" "cannot open scenario missing.json" "missing file named"
printf '{\n  "name": "x",\n  "region": "eu-west-1"\n  "faults": []\n}\n' > bad.json
out=$("$CUTOVER" sim --scenario bad.json 2>&1); expect_rc 2 $? "malformed scenario"
expect_contains "$out" "bad.json:4:3: expected ',' or '}'" "syntax error with line and column"
printf '{"name": "x", "metrics": [{"namespace": "N"}]}' > bad2.json
out=$("$CUTOVER" sim --scenario bad2.json 2>&1); expect_rc 2 $? "invalid model section"
expect_contains "$out" "bad2.json: metrics[0]" "a model's validation names the file and path"
printf '{"nmae": "x"}' > bad3.json
out=$("$CUTOVER" sim --scenario bad3.json 2>&1)
expect_contains "$out" 'unknown top-level key "nmae"' "unknown key named"
out=$("$CUTOVER" sim --scenario "$SRCDIR/tests/fixtures/sim/examples/mini.scenario.json" --listen nonsense 2>&1); expect_rc 1 $? "bad --listen"
expect_contains "$out" "--listen nonsense is not an IP address" "bad address named"
out=$("$CUTOVER" help sim); expect_contains "$out" "--scenario FILE" "help sim"

# First line parseable; exports usable; SIGTERM and SIGINT exit 0.
start_sim S --scenario "$SRCDIR/tests/fixtures/sim/examples/mini.scenario.json" --seed 1 || exit 1
expect_match "$S_URL" '^http://127\.0\.0\.1:[0-9]+$' "first line carries the loopback URL"
exports=$(sed -n '2,$p' "$S_OUT")
expect_contains "$exports" "export AWS_ENDPOINT_URL=$S_URL" "endpoint export"
expect_contains "$exports" "export AWS_ACCESS_KEY_ID=AKIASIMULATOR0EXAMPLE" "default key export"
out=$(eval "$(grep '^export\|^unset' <<<"$exports")"; aws ssm get-parameters --names /mini/flag --output json 2>&1)
expect_contains "$out" '"Value": "off"' "the printed exports work with the AWS CLI"
kill -TERM "$S_PID"; wait "$S_PID"; expect_rc 0 $? "SIGTERM: clean exit"

# Demo: by name from an examples directory, then with no argument.
export CUTOVER_EXAMPLES="$SRCDIR/tests/fixtures/sim/examples"
"$CUTOVER" demo mini >demo.out 2>demo.err & pid=$!
_sim_pids+=("$pid")
for i in $(seq 1 100); do grep -q 'aws --endpoint-url' demo.out 2>/dev/null && break; sleep 0.05; done
out=$(cat demo.out)
expect_contains "$out" "serving example 'mini' on http://127.0.0.1:" "demo says what it started"
expect_contains "$out" "export AWS_REGION=eu-central-1" "demo prints the exports"
url=$(grep -o 'http://127.0.0.1:[0-9]*' demo.out | head -1)
out=$(AWS_ACCESS_KEY_ID=AKIASIMULATOR0EXAMPLE AWS_SECRET_ACCESS_KEY='cutover-sim/secret+key0EXAMPLE' AWS_DEFAULT_REGION=eu-central-1 \
	aws --endpoint-url "$url" ssm get-parameters-by-path --path /mini --output json 2>&1)
expect_contains "$out" '"/mini/flag"' "demo's sim answers signed calls"
kill -INT "$pid"; wait "$pid"; expect_rc 0 $? "demo: Ctrl-C exits cleanly"
"$CUTOVER" demo >demo2.out 2>&1 & pid=$!
_sim_pids+=("$pid")
for i in $(seq 1 100); do grep -q 'Ctrl-C' demo2.out 2>/dev/null && break; sleep 0.05; done
expect_contains "$(cat demo2.out)" "example 'mini'" "demo without a name picks an example"
kill -INT "$pid"; wait "$pid"
out=$("$CUTOVER" demo nosuch 2>&1); expect_rc 2 $? "unknown example"
expect_contains "$out" "no scenario $CUTOVER_EXAMPLES/nosuch.scenario.json" "unknown example named"
out=$("$CUTOVER" demo "$CUTOVER_EXAMPLES/mini.json" 2>&1 & p=$!; sleep 1; kill -INT $p; wait $p)
expect_contains "$out" "runbook  $CUTOVER_EXAMPLES/mini.json" "demo RUNBOOK finds the scenario next to it"
finish
