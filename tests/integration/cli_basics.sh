#!/usr/bin/env bash
# The binary's front door: --help, --version, no-argument guidance, bad input.
set -u
. "$SRCDIR/tests/lib/assert.sh"

out=$("$CUTOVER" --help); rc=$?
expect_rc 0 $rc "--help"
expect_contains "$out" "Usage:" "--help shows usage"
expect_contains "$out" "version" "--help lists commands"

out=$("$CUTOVER" --version); expect_rc 0 $? "--version"
expect_match "$out" '^cutover [0-9]+\.[0-9]+\.[0-9]+$' "--version prints a version"

cd "$(mktemp -d)"
out=$("$CUTOVER" 2>&1); expect_rc 2 $? "no argument, no ./cutover.json"
expect_contains "$out" "cutover demo" "no argument says how to start"

out=$("$CUTOVER" frobnicate 2>&1); expect_rc 2 $? "unknown command"
expect_contains "$out" "no command 'frobnicate'" "unknown command is named"

out=$("$CUTOVER" --bogus 2>&1); expect_rc 2 $? "unknown option"
out=$("$CUTOVER" ./missing.json 2>&1); expect_rc 2 $? "unreadable runbook"
expect_contains "$out" "cannot read runbook ./missing.json" "unreadable runbook is named"

finish
