#!/usr/bin/env bash
# Fault injection over 1000 calls stays within its rates; latency is added;
# health incidents follow the (scaled) clock; and --seed makes a run repeat
# byte for byte (timestamps aside).
set -u
. "$SRCDIR/tests/lib/assert.sh"
. "$SRCDIR/tests/lib/sim.sh"
FX="$SRCDIR/tests/fixtures/sim/faults.scenario.json"
J11=application/x-amz-json-1.1

start_sim F --scenario "$FX" --no-auth --seed 42 || exit 1

# 1000 GetParameters in one curl process (one config block per request;
# Connection: close, or curl silently retries a dropped keep-alive call).
cfg=$(mktemp)
for i in $(seq 1 1000); do
	printf 'url = "%s"\nheader = "X-Amz-Target: AmazonSSM.GetParameters"\nheader = "Content-Type: %s"\nheader = "Connection: close"\ndata = "{\\"Names\\":[\\"/f/a\\"]}"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\nmax-time = 10\nnext\n' "$F_URL" "$J11" >>"$cfg"
done
codes=$(curl -s -K "$cfg" 2>/dev/null)
n200=$(grep -c '^200$' <<<"$codes"); n400=$(grep -c '^400$' <<<"$codes")
n5xx=$(grep -cE '^50[03]$' <<<"$codes"); n000=$(grep -c '^000$' <<<"$codes")
echo "1000 calls: 200=$n200 throttled=$n400 5xx=$n5xx dropped=$n000"
expect_rc 1000 $((n200 + n400 + n5xx + n000)) "every call accounted for"
# Binomial bounds at about 4 sigma: deterministic for a seed, and still
# right for any seed.
[ "$n400" -ge 150 ] && [ "$n400" -le 250 ]; expect_rc 0 $? "throttle rate 20% (got $n400/1000)"
[ "$n5xx" -ge 60 ] && [ "$n5xx" -le 140 ]; expect_rc 0 $? "5xx rate 10% (got $n5xx/1000)"
[ "$n000" -ge 20 ] && [ "$n000" -le 85 ]; expect_rc 0 $? "drop rate 5% (got $n000/1000)"
[ "$n200" -ge 570 ] && [ "$n200" -le 730 ]; expect_rc 0 $? "success rate 65% (got $n200/1000)"

# What a throttle and a 5xx look like: find one of each among a few calls.
seen_t=""; seen_5=""
for i in $(seq 1 60); do
	b=$(curl -s -m 10 -w ' %{http_code}' -H 'X-Amz-Target: AmazonSSM.GetParameters' -H "Content-Type: $J11" -d '{"Names":["/f/a"]}' "$F_URL")
	case "$b" in *' 400') seen_t=$b ;; *' 500'|*' 503') seen_5=$b ;; esac
done
expect_contains "$seen_t" '"__type":"ThrottlingException","message":"Rate exceeded"' "throttle body"
expect_match "$seen_5" '"__type":"(InternalFailure|ServiceUnavailable)"' "5xx body"

# STS latency fault: 100-150 ms per call.
t=$(curl -s -o /dev/null -w '%{time_total}' -H 'Content-Type: application/x-www-form-urlencoded' -d 'Action=GetCallerIdentity&Version=2011-06-15' "$F_URL")
python3 -c "import sys; t=float(sys.argv[1]); sys.exit(0 if 0.1 <= t < 5 else 1)" "$t"; expect_rc 0 $? "STS latency injected (took ${t}s)"

# Health: a fresh sim at speed 10 runs the incident from 6 s to 18 s of
# wall time; the checks sit well inside each phase.
start_sim H --scenario "$FX" --no-auth --speed 10 || exit 1
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$H_URL/health")
expect_contains "$code" 200 "health OK before the incident"
sleep 10
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$H_URL/health")
expect_contains "$code" 503 "health 503 during the incident"
sleep 10
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$H_URL/health")
expect_contains "$code" 200 "health OK after the incident"

# Determinism: two fresh sims with the same seed answer the same sequence
# identically (request ids, faults, bodies; LastModifiedDate aside).
run_sequence() {
	local url=$1 i
	for i in $(seq 1 40); do
		curl -s -m 10 -D - -H 'X-Amz-Target: AmazonSSM.GetParametersByPath' -H "Content-Type: $J11" -d '{"Path":"/f","MaxResults":1}' "$url"
		curl -s -m 10 -D - -H 'X-Amz-Target: AmazonSSM.PutParameter' -H "Content-Type: $J11" -d "{\"Name\":\"/f/b\",\"Value\":\"v$i\",\"Overwrite\":true}" "$url"
		echo " #$?"
	done | tr -d '\r' | grep -v '^Date:' | sed -E 's/"LastModifiedDate":[0-9.e+]+//g'
}
start_sim D1 --scenario "$FX" --no-auth --seed 99 || exit 1
start_sim D2 --scenario "$FX" --no-auth --seed 99 || exit 1
start_sim D3 --scenario "$FX" --no-auth --seed 100 || exit 1
a=$(run_sequence "$D1_URL"); b=$(run_sequence "$D2_URL"); c=$(run_sequence "$D3_URL")
[ "$a" = "$b" ]; expect_rc 0 $? "same seed, same answers"
[ "$a" != "$c" ]; expect_rc 0 $? "another seed, other answers"
expect_contains "$a" "x-amzn-RequestId" "sequence has request ids"
expect_contains "$a" "ThrottlingException" "sequence includes faults"
finish
