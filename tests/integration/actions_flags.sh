#!/usr/bin/env bash
# Flag changes through the action path against the sim: each lands (the AWS
# CLI reads it back), the audit has intent and outcome with the request id,
# confirmations and read-only are enforced, a second writer is named, and a
# failed write leaves the flag as it was.
set -u
. "$SRCDIR/tests/lib/assert.sh"
work=$(mktemp -d); trap 'stop_all; rm -rf "$work"' EXIT
. "$SRCDIR/tests/lib/actions_sim.sh"
start_sim
AUDIT="$work/audit.db"
cut() { "$CUTOVER" "$@" --audit "$AUDIT"; }

# The intent id printed as "[audit #N]".
intent_id() { sed -n 's/.*\[audit #\([0-9]*\)\].*/\1/p' <<<"$1"; }
request_id() { sed -n 's/.*\[request \([^]]*\)\].*/\1/p' <<<"$1"; }

# --- each kind of change lands, with intent and outcome on the record ----------
out=$(cut flag set "$RB" rollout 40 --comment "wave 2" 2>&1); expect_rc 0 $? "set percent"
expect_contains "$out" "'20' -> '40' (version 2)" "set reports old, new, version"
expect_match "$(param_value /app/flags/rollout-percent)" '^40$' "aws ssm sees 40"
id=$(intent_id "$out"); rid=$(request_id "$out")
expect_match "$rid" '^[0-9a-f-]{36}$' "the request id is printed"
expect_match "$(outcome_of "$id")" "^ok\\|$rid\$" "audit outcome ok with the request id"
expect_contains "$(sqlite3 "$AUDIT" "SELECT outcome, old_value, new_value, detail FROM events WHERE id=$id")" \
	'intent|20|40|{"flag":"rollout","op":"set","seen_version":1,"comment":"wave 2"}' "intent row holds old, new and the reason"

out=$(cut flag step "$RB" rollout up 2>&1); expect_rc 0 $? "step up"
expect_match "$(param_value /app/flags/rollout-percent)" '^50$' "stepped by 10"
out=$(cut flag step "$RB" rollout down 2>&1); expect_rc 0 $? "step down"
expect_match "$(param_value /app/flags/rollout-percent)" '^40$' "stepped back"
out=$(cut flag toggle "$RB" use_sfn 2>&1); expect_rc 0 $? "toggle"
expect_match "$(param_value /app/flags/use-sfn)" '^true$' "toggled on"
out=$(cut flag set "$RB" mode DUAL_PROV 2>&1); expect_rc 0 $? "enum pick"
expect_match "$(param_value /app/flags/mode)" '^DUAL_PROV$' "enum landed"
out=$(cut flag set "$RB" banner "maintenance at 14:00" 2>&1); expect_rc 0 $? "string edit"
expect_match "$(param_value /app/flags/banner)" '^maintenance at 14:00$' "string landed"
out=$(cut flag set "$RB" mode DUAL_PROV 2>&1); expect_rc 0 $? "same value"
expect_contains "$out" "already 'DUAL_PROV'" "no-op is said"
expect_match "$(param_version /app/flags/mode)" '^2$' "no-op writes no version"

# --- values checked against the runbook (nothing written, exit 2) -------------
for bad in "rollout 45" "rollout 101" "use_sfn yes" "mode cloud" "nosuch x"; do
	v0=$(sqlite3 "$AUDIT" "SELECT count(*) FROM events")
	out=$(cut flag set "$RB" $bad 2>&1); expect_rc 2 $? "invalid: $bad"
	expect_match "$(sqlite3 "$AUDIT" "SELECT count(*) FROM events")" "^$v0\$" "invalid '$bad' is not audited"
done
out=$(cut flag toggle "$RB" rollout 2>&1); expect_rc 2 $? "toggle a percent"
expect_contains "$out" "only a bool can be toggled" "toggle on a percent says why"

# --- dangerous needs --yes ---------------------------------------------------
out=$(cut flag set "$RB" dual_write true 2>&1); expect_rc 3 $? "dangerous without --yes"
expect_contains "$out" "refused (dangerous)" "dangerous refusal named"
expect_match "$(param_value /app/flags/dual-write)" '^false$' "dangerous flag untouched"
out=$(cut flag set "$RB" dual_write true --yes 2>&1); expect_rc 0 $? "dangerous with --yes"
expect_match "$(param_value /app/flags/dual-write)" '^true$' "dangerous flag set"

# --- read-only refuses every action -------------------------------------------
before=$(sqlite3 "$AUDIT" "SELECT count(*) FROM events")
for args in "flag set $RB rollout 60" "flag toggle $RB use_sfn" "flag step $RB rollout up" \
	"flag set $RB dual_write false --yes" "approve $RB approve-cutover" "reject $RB approve-cutover" \
	"executions stop $RB AUDIT-0001 --yes"; do
	out=$(cut $args --read-only 2>&1); expect_rc 3 $? "read-only: $args"
	expect_contains "$out" "read-only" "read-only says why: $args"
done
expect_match "$(sqlite3 "$AUDIT" "SELECT count(*) FROM events")" "^$before\$" "read-only wrote nothing to the audit"
expect_match "$(param_value /app/flags/rollout-percent)" '^40$' "read-only changed nothing"
out=$(cut flag list "$RB" --read-only 2>&1); expect_rc 0 $? "read-only may still list"
expect_contains "$out" "arn:aws:iam::123456789012:user/alice" "list shows the last modifier"
expect_match "$(grep '^rollout ' <<<"$out")" 'percent +40 +4 ' "list shows type, value, version"

# --- production needs the environment's name typed -----------------------------
sed 's/"environment": "staging"/"environment": "production"/' "$RB" >"$work/prod.json"
out=$(cut flag set "$work/prod.json" rollout 60 2>&1); expect_rc 3 $? "production without --confirm"
expect_contains "$out" "--confirm production" "production refusal says what to type"
out=$(cut flag set "$work/prod.json" rollout 60 --confirm staging 2>&1); expect_rc 3 $? "production, wrong name"
expect_contains "$out" "does not match" "wrong name said"
expect_match "$(param_value /app/flags/rollout-percent)" '^40$' "production refusals changed nothing"
out=$(cut flag set "$work/prod.json" rollout 60 --confirm production 2>&1); expect_rc 0 $? "production with --confirm"
expect_match "$(param_value /app/flags/rollout-percent)" '^60$' "production change landed"
out=$(cut flag set "$work/prod.json" dual_write false --confirm production 2>&1); expect_rc 3 $? "production dangerous without --yes"
expect_contains "$out" "dangerous" "both confirmations needed"

# --- a second writer: the version the operator saw is gone --------------------
seen=$(param_version /app/flags/mode)
as_bob awsj ssm put-parameter --name /app/flags/mode --value CLOUD --overwrite >/dev/null
out=$(cut flag set "$RB" mode LEGACY --expect-version "$seen" 2>&1); expect_rc 4 $? "stale version refused"
expect_contains "$out" "arn:aws:iam::123456789012:user/bob set it to 'CLOUD'" "conflict names who and what"
expect_match "$(param_value /app/flags/mode)" '^CLOUD$' "bob's value not overwritten"
id=$(intent_id "$out")
expect_contains "$(sqlite3 "$AUDIT" "SELECT outcome, detail FROM events WHERE intent_id=$id")" \
	'failed|{"reason":"conflict"' "conflict audited as failed"
expect_contains "$(sqlite3 "$AUDIT" "SELECT detail FROM events WHERE intent_id=$id")" '"changed_by":"arn:aws:iam::123456789012:user/bob"' "audit names bob"

# --- faults on the write: through a proxy that breaks only PutParameter ----------
start_proxy
pcut() { AWS_ENDPOINT_URL="$PROXY_URL" "$CUTOVER" "$@" --audit "$AUDIT"; }

# A writer between cutover's read and its write: written, but reported.
rule '{"AmazonSSM.PutParameter": {"do": "interleave", "value": "70"}}'
v=$(param_version /app/flags/rollout-percent)
out=$(pcut flag set "$RB" rollout 80 2>&1); expect_rc 5 $? "interleaved write asks to verify"
expect_contains "$out" "user/bob wrote version $((v + 1)) ('70') between our read" "interleaving names bob and his value"
expect_match "$(param_version /app/flags/rollout-percent)" "^$((v + 2))\$" "post-put version is seen+2"

for fault in deny throttle; do
	rule "{\"AmazonSSM.PutParameter\": {\"do\": \"$fault\"}}"
	v=$(param_version /app/flags/rollout-percent); val=$(param_value /app/flags/rollout-percent)
	out=$(AWS_MAX_ATTEMPTS=2 pcut flag set "$RB" rollout 90 2>&1); expect_rc 1 $? "$fault: failed"
	case $fault in
	deny) expect_contains "$out" "failed (access-denied)" "AccessDenied reason" ;;
	throttle) expect_contains "$out" "failed (throttled)" "throttling beyond retries reason" ;;
	esac
	expect_contains "$out" "still '$val', version $v" "$fault: says the flag is as it was"
	expect_match "$(param_version /app/flags/rollout-percent)" "^$v\$" "$fault: nothing written"
	id=$(intent_id "$out")
	expect_match "$(outcome_of "$id")" '^failed\|' "$fault: audit outcome failed"
done
expect_match "$(curl -s "$PROXY_URL/_count/AmazonSSM.PutParameter")" '^[0-9]+$' "proxy counts"

rule '{"AmazonSSM.PutParameter": {"do": "hang", "seconds": 5}}'
v=$(param_version /app/flags/rollout-percent)
start=$(date +%s)
out=$(AWS_MAX_ATTEMPTS=1 pcut flag set "$RB" rollout 90 --timeout 1 2>&1); expect_rc 1 $? "timeout: failed"
expect_contains "$out" "failed (timeout)" "timeout reason"
expect_contains "$out" "checked after the failure" "a timed-out write is checked, not assumed"
expect_match "$(param_version /app/flags/rollout-percent)" "^$v\$" "timeout: nothing written"
expect_match "$(( $(date +%s) - start < 5 ))" '^1$' "the timeout is honoured"

# The answer is lost but the write landed: a read says so.
rule '{"AmazonSSM.PutParameter": {"do": "drop_after"}}'
out=$(AWS_MAX_ATTEMPTS=1 pcut flag set "$RB" rollout 100 2>&1); expect_rc 0 $? "lost answer, landed write"
expect_contains "$out" "a read shows the write landed" "lost answer verified by a read"
expect_match "$(param_value /app/flags/rollout-percent)" '^100$' "landed"

# Nothing reachable: the first read fails, nothing is recorded or changed.
rows=$(sqlite3 "$AUDIT" "SELECT count(*) FROM events")
out=$(AWS_ENDPOINT_URL=http://127.0.0.1:9 AWS_MAX_ATTEMPTS=1 cut flag set "$RB" rollout 10 2>&1); expect_rc 1 $? "unreachable: failed"
expect_contains "$out" "failed (transport): flag rollout not changed" "unreachable says nothing changed"
expect_match "$(sqlite3 "$AUDIT" "SELECT count(*) FROM events")" "^$rows\$" "unreachable: no audit rows"

out=$("$CUTOVER" audit verify --db "$AUDIT"); expect_rc 0 $? "audit verify"
expect_contains "$out" "hash chain valid" "chain valid"
expect_match "$(sqlite3 "$AUDIT" "SELECT count(*) FROM events e WHERE outcome='intent' AND kind='flag.set' AND NOT EXISTS (SELECT 1 FROM events o WHERE o.intent_id=e.id)")" '^0$' "every intent has an outcome"
finish
