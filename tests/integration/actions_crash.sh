#!/usr/bin/env bash
# kill -9 between a durable intent and its outcome: the next start of any
# action command reports "outcome unknown: verify", naming the action, and
# the chain stays valid.
set -u
. "$SRCDIR/tests/lib/assert.sh"
work=$(mktemp -d); trap 'stop_all; rm -rf "$work"' EXIT
. "$SRCDIR/tests/lib/actions_sim.sh"
start_sim
AUDIT="$work/audit.db"

crash() { # description, then the cutover arguments
	local what=$1; shift
	CUTOVER_TEST_PAUSE_AFTER_INTENT=30 "$CUTOVER" "$@" --audit "$AUDIT" >/dev/null 2>&1 & victim=$!
	for _ in $(seq 200); do
		open=$(sqlite3 "$AUDIT" "SELECT count(*) FROM events e WHERE outcome='intent' AND NOT EXISTS (SELECT 1 FROM events o WHERE o.intent_id=e.id)" 2>/dev/null)
		[ "${open:-0}" -ge "$n" ] && break
		sleep 0.05
	done
	kill -9 $victim; wait $victim 2>/dev/null
	n=$((n + 1))
}
n=1
crash "flag" flag set "$RB" rollout 70
expect_match "$(param_value /app/flags/rollout-percent)" '^20$' "killed before the write: flag as it was"
crash "stop" executions stop "$RB" AUDIT-0001 --yes

out=$("$CUTOVER" flag list "$RB" --audit "$AUDIT" 2>&1 >/dev/null); expect_rc 0 $? "next start runs"
expect_contains "$out" "outcome unknown: verify" "next start reports the unknown outcome"
expect_contains "$out" "flag.set /app/flags/rollout-percent -> 70 by alice" "the flag change is named"
expect_contains "$out" "execution.stop arn:aws:states:us-east-1:123456789012:execution:jobs:AUDIT-0001 -> ABORTED" "the stop is named"
out=$("$CUTOVER" approve "$RB" --list --audit "$AUDIT" 2>&1 >/dev/null)
expect_match "$(grep -c 'outcome unknown: verify' <<<"$out")" '^2$' "every action command reports both"
out=$("$CUTOVER" audit export --db "$AUDIT" --format md)
expect_contains "$out" "outcome unknown: verify" "the timeline flags them"
out=$("$CUTOVER" audit verify --db "$AUDIT"); expect_rc 0 $? "chain valid after the crashes"
# Each session row names the runbook version it ran: the SHA-256 of its file.
want=$(sha256sum "$RB" | cut -d' ' -f1)
got=$(sqlite3 "$AUDIT" "SELECT DISTINCT json_extract(detail, '$.runbook_hash') FROM events WHERE kind='session.start'")
expect_match "$got" "^$want\$" "session rows carry the runbook's SHA-256"
finish
