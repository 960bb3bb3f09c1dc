# actions_sim.sh: start `cutover sim` on the actions fixture (and optionally
# the fault proxy in front of it) for tests/integration/actions_*.sh.
# Sourced after assert.sh; needs $CUTOVER, $SRCDIR and $work.
FIXTURE="$SRCDIR/tests/data/actions"
RB="$FIXTURE/runbook.json"

# start_sim [SCENARIO]: sets SIM_URL and SIM_PID, exports alice's credentials.
start_sim() {
	"$CUTOVER" sim --scenario "${1:-$FIXTURE/scenario.json}" --port 0 >"$work/sim.out" 2>"$work/sim.err" &
	SIM_PID=$!
	for _ in $(seq 100); do
		SIM_URL=$(sed -n 's/^cutover sim listening on \(http:[^ ]*\).*/\1/p' "$work/sim.out")
		[ -n "$SIM_URL" ] && break
		sleep 0.05
	done
	[ -n "$SIM_URL" ] || { echo "sim did not start: $(cat "$work/sim.err")" >&2; exit 1; }
	export AWS_ENDPOINT_URL="$SIM_URL" AWS_ACCESS_KEY_ID=AKIDALICE AWS_SECRET_ACCESS_KEY=alice-secret
	export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 CUTOVER_OPERATOR=alice
	unset AWS_SESSION_TOKEN AWS_PROFILE
	export AWS_CONFIG_FILE="$work/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-aws-credentials"
}

# start_proxy: the fault proxy in front of the sim; rules in $work/rules.json.
start_proxy() {
	echo '{}' >"$work/rules.json"
	python3 "$SRCDIR/tests/lib/actions_fault_proxy.py" "$SIM_URL" "$work/rules.json" >"$work/proxy.out" 2>"$work/proxy.err" &
	PROXY_PID=$!
	for _ in $(seq 100); do
		PROXY_PORT=$(head -1 "$work/proxy.out" 2>/dev/null)
		[ -n "$PROXY_PORT" ] && break
		sleep 0.05
	done
	[ -n "$PROXY_PORT" ] || { echo "proxy did not start: $(cat "$work/proxy.err")" >&2; exit 1; }
	PROXY_URL="http://127.0.0.1:$PROXY_PORT"
}

rule() { printf '%s\n' "$1" >"$work/rules.json"; }

stop_all() {
	[ -n "${PROXY_PID:-}" ] && kill "$PROXY_PID" 2>/dev/null
	[ -n "${SIM_PID:-}" ] && kill "$SIM_PID" 2>/dev/null
	wait 2>/dev/null
}

# The AWS CLI as the judge (alice, or bob with as_bob).
awsj() { aws --endpoint-url "$SIM_URL" --region us-east-1 --output json "$@"; }
as_bob() { AWS_ACCESS_KEY_ID=AKIDBOB AWS_SECRET_ACCESS_KEY=bob-secret "$@"; }
param_value() { awsj ssm get-parameter --name "$1" --query Parameter.Value --output text; }
param_version() { awsj ssm get-parameter --name "$1" --query Parameter.Version --output text; }

# The audit row of an outcome: "outcome|request_id" of the row that closes intent $1.
outcome_of() { sqlite3 "$AUDIT" "SELECT outcome || '|' || COALESCE(request_id,'') FROM events WHERE intent_id=$1"; }
