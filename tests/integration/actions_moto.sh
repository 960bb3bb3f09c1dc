#!/usr/bin/env bash
# The flag path against moto, an AWS emulator nobody here wrote: a change
# lands where the AWS CLI reads it, a stale version is refused, and the
# audit records both.  (The sim is the main judge; this keeps it honest.)
set -u
. "$SRCDIR/tests/lib/assert.sh"
work=$(mktemp -d)
python3 -c 'import moto.server' 2>/dev/null || { echo "moto not installed: skipped"; exit 0; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 & moto=$!
trap 'kill $moto 2>/dev/null; wait $moto 2>/dev/null; rm -rf "$work"' EXIT
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=AKIDALICE AWS_SECRET_ACCESS_KEY=x
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 CUTOVER_OPERATOR=alice
export AWS_CONFIG_FILE="$work/none" AWS_SHARED_CREDENTIALS_FILE="$work/none"
unset AWS_SESSION_TOKEN AWS_PROFILE
for _ in $(seq 100); do curl -s "$AWS_ENDPOINT_URL/moto-api/" >/dev/null 2>&1 && break; sleep 0.1; done
RB="$SRCDIR/tests/data/actions/runbook.json"
AUDIT="$work/audit.db"
awsj() { aws --endpoint-url "$AWS_ENDPOINT_URL" --output text "$@"; }

awsj ssm put-parameter --name /app/flags/rollout-percent --value 20 --type String >/dev/null
expect_rc 0 $? "seed the parameter in moto"
out=$("$CUTOVER" flag set "$RB" rollout 40 --audit "$AUDIT" 2>&1); expect_rc 0 $? "set against moto"
expect_contains "$out" "'20' -> '40' (version 2)" "moto's version follows"
expect_match "$(awsj ssm get-parameter --name /app/flags/rollout-percent --query Parameter.Value)" '^40$' "the AWS CLI reads 40 from moto"
out=$("$CUTOVER" flag toggle "$RB" use_sfn --audit "$AUDIT" 2>&1); expect_rc 2 $? "toggle of an absent bool"
expect_contains "$out" "(missing)" "an absent value cannot be toggled"

awsj ssm put-parameter --name /app/flags/rollout-percent --value 60 --overwrite >/dev/null
out=$("$CUTOVER" flag set "$RB" rollout 50 --expect-version 2 --audit "$AUDIT" 2>&1); expect_rc 4 $? "stale version refused"
expect_contains "$out" "version 3, not the version 2 you saw" "conflict names the versions"
expect_contains "$out" "set it to '60'" "conflict names the value"
expect_match "$(awsj ssm get-parameter --name /app/flags/rollout-percent --query Parameter.Value)" '^60$' "not overwritten"
expect_match "$(sqlite3 "$AUDIT" "SELECT group_concat(outcome) FROM events WHERE kind='flag.set'")" '^intent,ok,intent,failed$' "audit has both actions with outcomes"
"$CUTOVER" audit verify --db "$AUDIT" >/dev/null; expect_rc 0 $? "chain valid"
finish
