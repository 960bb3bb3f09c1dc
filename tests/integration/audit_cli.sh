#!/usr/bin/env bash
# The audit commands as an incident lead uses them: note, tail, verify,
# export; a row edited with the sqlite3 shell; a crash between intent and outcome.
set -u
. "$SRCDIR/tests/lib/assert.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
db="$work/state/rb.audit.db"
export CUTOVER_OPERATOR=alice

out=$("$CUTOVER" note --db "$db" "DNS reverted by hand" 2>&1); expect_rc 0 $? "note"
expect_contains "$out" "noted as #2" "note reports its row"
CUTOVER_OPERATOR=bob "$CUTOVER" note --db "$db" "cache warmed" >/dev/null; expect_rc 0 $? "second note"
expect_match "$(stat -c %a "$db")" '^600$' "log is 0600"
expect_match "$(stat -c %a "$work/state")" '^700$' "folder is 0700"

out=$("$CUTOVER" audit tail --db "$db"); expect_rc 0 $? "tail"
expect_contains "$out" "alice note ok - -> DNS reverted by hand" "tail shows the note"
expect_contains "$out" "bob note ok - -> cache warmed" "tail shows the second writer"
out=$(CUTOVER_AUDIT="$db" "$CUTOVER" audit tail -n 1); expect_rc 0 $? "tail -n 1 via CUTOVER_AUDIT"
expect_match "$(printf '%s\n' "$out" | wc -l)" '^1$' "tail -n 1 prints one row"

out=$("$CUTOVER" audit verify --db "$db"); expect_rc 0 $? "verify"
expect_contains "$out" "6 rows, hash chain valid" "verify counts rows"

out=$("$CUTOVER" audit export --db "$db" --format md); expect_rc 0 $? "export md"
expect_contains "$out" "| alice | note | – | DNS reverted by hand | ok |" "md timeline row"
"$CUTOVER" audit export --db "$db" --format json --out "$work/log.json"; expect_rc 0 $? "export json"
python3 -c 'import json,sys; rows=json.load(open(sys.argv[1])); assert len(rows)==6, len(rows); assert rows[1]["new_value"]=="DNS reverted by hand"' "$work/log.json"
expect_rc 0 $? "json export parses with 6 rows"
out=$("$CUTOVER" audit export --db "$db" --format csv | head -1)
expect_contains "$out" "id,time_utc,operator" "csv header"
out=$("$CUTOVER" audit export --db "$db" --format xml 2>&1); expect_rc 2 $? "bad format"
expect_contains "$out" "csv, json or md" "bad format says what is allowed"

# Follow mode sees a row appended by another process.
"$CUTOVER" audit tail -f --db "$db" > "$work/follow.txt" & follower=$!
sleep 0.5
"$CUTOVER" note --db "$db" "seen live" >/dev/null
for _ in $(seq 50); do grep -q "seen live" "$work/follow.txt" && break; sleep 0.1; done
kill $follower; wait $follower 2>/dev/null
expect_contains "$(cat "$work/follow.txt")" "seen live" "tail -f shows a new row"

# Crash between a durable intent and its outcome.
CUTOVER_TEST_PAUSE_AFTER_INTENT=30 "$CUTOVER" note --db "$db" "flip and crash" 2>/dev/null & victim=$!
for _ in $(seq 100); do
	sqlite3 "$db" "SELECT 1 FROM events WHERE new_value='flip and crash' AND outcome='intent'" 2>/dev/null | grep -q 1 && break
	sleep 0.1
done
kill -9 $victim; wait $victim 2>/dev/null
out=$("$CUTOVER" audit tail --db "$db" 2>&1 >/dev/null)
expect_contains "$out" "outcome unknown: verify" "next start reports the unknown outcome"
expect_contains "$out" "flip and crash" "the unknown action is named"
out=$("$CUTOVER" audit export --db "$db" --format md)
expect_contains "$out" "**outcome unknown: verify**" "export flags the unknown outcome"
"$CUTOVER" audit verify --db "$db" >/dev/null; expect_rc 0 $? "chain valid after the crash"

# The sqlite3 shell refuses edits; with the triggers dropped, verify names the row.
sqlite3 "$db" "UPDATE events SET new_value='nothing happened' WHERE id=2" 2>/dev/null
rc=$?; [ $rc -ne 0 ]; expect_rc 0 $? "trigger refuses UPDATE (sqlite3 exit $rc)"
sqlite3 "$db" "DROP TRIGGER events_no_update; UPDATE events SET new_value='nothing happened' WHERE id=2"
out=$("$CUTOVER" audit verify --db "$db"); expect_rc 1 $? "verify fails on an edited row"
expect_contains "$out" "INVALID at row 2: row 2 was altered" "verify names the edited row"

out=$("$CUTOVER" audit verify --db "$work/nope.db" 2>&1); expect_rc 2 $? "verify of a missing file"
out=$("$CUTOVER" audit frob --db "$db" 2>&1); expect_rc 2 $? "unknown subcommand"
out=$(env -u CUTOVER_AUDIT "$CUTOVER" audit tail 2>&1); expect_rc 2 $? "no db given"
expect_contains "$out" "--db FILE" "no db says how to name one"
finish
