# rollback_env.sh: seed 001 (docs/examples/directfanz-aws) as a rollback
# rehearsal for tests/integration/rollback_*.sh.  Sourced after assert.sh;
# needs $CUTOVER, $SRCDIR and $W (a private folder).
#
#   rb_setup SPEED [SCENARIO RUNBOOK]  (default: seed 001's)
#                       stand-ins on PATH, the sim on a loopback port at SPEED
#                       with its scenario clock starting now (start_epoch), the
#                       runbook's health origin pointed at it; sets RB, SIM_URL,
#                       SIM_PID, CLOCK (for --sim-clock), AUDIT, CALLS
#   rb_calls STEP       how many times the stand-ins ran for step STEP
#
# The stand-ins for tsx, kubectl and the AWS CLI log one line per call:
# "STEP ATTEMPT RUN tool args" from the CUTOVER_ROLLBACK_* variables the
# runner gives every command, so a test counts invocations per step.
export HOME="$W" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=
unset AWS_PROFILE AWS_SESSION_TOKEN CUTOVER_AUDIT CUTOVER_TEST_CRASH_AT CUTOVER_TEST_PAUSE_AFTER_INTENT
REAL_AWS=$(command -v aws || true)

rb_setup() {
	local speed=$1 scenario=${2:-$SRCDIR/docs/examples/directfanz-aws.scenario.json}
	local runbook=${3:-$SRCDIR/docs/examples/directfanz-aws.json} t out
	mkdir -p "$W/bin" "$W/work/scripts"
	CALLS="$W/calls.log"
	: >"$CALLS"
	for t in tsx kubectl aws bash-script; do
		cat >"$W/bin/$t" <<-EOF
		#!/bin/sh
		echo "\${CUTOVER_ROLLBACK_STEP:-?} \${CUTOVER_ROLLBACK_ATTEMPT:-?} \${CUTOVER_ROLLBACK_RUN:-?} $t \$*" >>"$CALLS"
		echo "stand-in $t: \$*"
		exit 0
		EOF
		chmod +x "$W/bin/$t"
	done
	# `bash scripts/verify-rollback-success.sh` runs the real bash on this file.
	cp "$W/bin/bash-script" "$W/work/scripts/verify-rollback-success.sh"
	export PATH="$W/bin:$PATH"

	CLOCK_EPOCH=$(python3 -c 'import time; print("%.3f" % time.time())')
	sed "s/\"account\": \"123456789012\",/\"account\": \"123456789012\", \"start_epoch\": $CLOCK_EPOCH,/" \
		"$scenario" >"$W/scenario.json"
	out="$W/sim.out"
	"$CUTOVER" sim --scenario "$W/scenario.json" --port 0 --speed "$speed" >"$out" 2>"$W/sim.err" &
	SIM_PID=$!
	for _ in $(seq 200); do
		SIM_URL=$(sed -n 's/^cutover sim listening on \(http:[^ ]*\).*/\1/p' "$out")
		[ -n "$SIM_URL" ] && break
		sleep 0.05
	done
	[ -n "$SIM_URL" ] || { echo "sim did not start: $(cat "$W/sim.err")" >&2; exit 1; }
	CLOCK="$CLOCK_EPOCH,$speed"
	export AWS_ENDPOINT_URL="$SIM_URL" AWS_ACCESS_KEY_ID=AKIDCUTOVERDEMO
	export AWS_SECRET_ACCESS_KEY=cutover-demo-secret AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
	export CUTOVER_OPERATOR=alice
	# The runbook's health paths under its http_base go to the sim.
	export CUTOVER_HTTP_BASE="$SIM_URL"
	RB="$W/$(basename "$runbook")"
	cp "$runbook" "$RB"
	AUDIT="$W/audit.db"
}

rb_stop() {
	[ -n "${SIM_PID:-}" ] && kill "$SIM_PID" 2>/dev/null
	wait 2>/dev/null
}

rb_calls() { awk -v s="$1" '$1 == s' "$CALLS" | wc -l; }

# The real AWS CLI as the judge (the stand-in shadows it on PATH).
awsj() { "$REAL_AWS" --endpoint-url "$SIM_URL" --region us-east-1 --output json "$@"; }

expect_eq() { [ "$1" = "$2" ] || _fail "$3: expected '$2', got '$1'"; }
