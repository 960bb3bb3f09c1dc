#!/usr/bin/env bash
# The flags panel acts through the action queue, in tmux against the sim:
#  - space on a dangerous bool asks y/n, then an optional reason; the row
#    shows pending, then a poll confirms the new version; the AWS CLI sees
#    the value and `cutover audit tail` the intent and outcome with the reason;
#  - + steps a percent by its step; e, Tab, Enter picks an enum value;
#  - Esc on the reason cancels and nothing is written;
#  - in production the dialog asks for the environment's name: a wrong name
#    writes nothing, the right one changes the flag;
#  - --read-only refuses the keys and says why; nothing is written.
set -u
. "$SRCDIR/tests/lib/assert.sh"
. "$SRCDIR/tests/lib/tmux.sh"

work=$(mktemp -d)
. "$SRCDIR/tests/lib/actions_sim.sh"
cleanup() {
	tmux_kill
	stop_all
	rm -rf "$work"
}
trap cleanup EXIT
export TMUX_TIMEOUT=30
fail() { _fail "$@"; finish; }
expect_eq() { # actual expected description
	_checks=$((_checks + 1)); [ "$1" = "$2" ] || _fail "$3: '$1', expected '$2'"; }

start_sim
AUDIT="$work/audit.db"
# Flags polled every second, so a change is confirmed quickly.
sed 's/"region": "us-east-1",/"region": "us-east-1", "poll_s": { "flags": 1 },/' "$RB" >"$work/rb.json"
sed 's/"environment": "staging"/"environment": "production"/' "$work/rb.json" >"$work/prod.json"

console() { # runbook [options...]
	tmux_start 160 48 env AWS_ENDPOINT_URL="$SIM_URL" AWS_ACCESS_KEY_ID=AKIDALICE \
		AWS_SECRET_ACCESS_KEY=alice-secret AWS_REGION=us-east-1 CUTOVER_OPERATOR=alice \
		AWS_CONFIG_FILE="$work/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-aws-credentials" \
		CUTOVER_THEMES="$SRCDIR/themes" "$CUTOVER" "$@" --audit "$AUDIT"
	tmux_wait_for 'dual_write' || fail "the console shows the flags"
	tmux_wait_for 'hello' || fail "the flags' values arrived"
	tmux_keys 3
}

quit_console() { # an execution runs in the scenario: q asks first
	tmux_keys q
	tmux_wait_for 'Quit the console? y/n' || fail "q asks while an execution runs"
	tmux_keys y
	tmux_wait_exit 10 || fail "y quits"
}

# --- staging: toggle a dangerous flag ---------------------------------------
console "$work/rb.json"
tmux_keys Space
tmux_wait_for 'dual_write is dangerous: set dual_write OFF -> ON? y/n' ||
	fail "space on a dangerous flag asks y/n"
tmux_keys y
tmux_wait_for 'set dual_write OFF -> ON: reason (optional; Enter applies, Esc cancels): _' ||
	fail "then the reason"
tmux_type 'screen test toggle'
tmux_keys Enter
tmux_wait_for 'dual_write: confirmed ON (v2)' || fail "a poll confirms the change"
expect_eq "$(param_value /app/flags/dual-write)" "true" "the AWS CLI sees dual_write true"
tail=$("$CUTOVER" audit tail --db "$AUDIT" 2>&1)
expect_match "$tail" 'flag\.set.*dual_write|dual_write.*flag\.set|dual-write' "audit tail names the flag"
expect_match "$tail" 'screen test toggle' "audit tail has the reason"
expect_match "$tail" 'ok' "audit tail has the outcome"

# Step the percent flag: rollout is the third row.
tmux_keys j j +
tmux_wait_for 'set rollout 20% -> 30%: reason' || fail "+ asks for the reason of rollout 20% -> 30%"
tmux_keys Enter
tmux_wait_for 'rollout: confirmed 30% (v2)' || fail "rollout confirmed at 30%"
expect_eq "$(param_value /app/flags/rollout-percent)" "30" "the AWS CLI sees rollout 30"

# Esc on the reason writes nothing.
tmux_keys -
tmux_wait_for 'set rollout 30% -> 20%: reason' || fail "- asks"
tmux_keys Escape
tmux_wait_for 'cancelled: set rollout 30% -> 20% not done, nothing changed' || fail "Esc cancels"
expect_eq "$(param_version /app/flags/rollout-percent)" "2" "nothing written after Esc"

# Pick an enum value: mode is the fourth row; LEGACY, Tab -> DUAL_PROV.
tmux_keys j e
tmux_wait_for 'mode: Tab picks one of [CLOUD LEGACY DUAL_PROV], Enter chooses, Esc cancels: LEGACY_' ||
	fail "e opens the chooser on mode"
tmux_keys Tab
tmux_wait_for 'Esc cancels: DUAL_PROV_' || fail "Tab picks the next value"
tmux_keys Enter
tmux_wait_for 'set mode LEGACY -> DUAL_PROV: reason' || fail "then the reason"
tmux_keys Enter
tmux_wait_for 'mode: confirmed DUAL_PROV (v2)' || fail "mode confirmed"
expect_eq "$(param_value /app/flags/mode)" "DUAL_PROV" "the AWS CLI sees mode DUAL_PROV"
quit_console
tmux_kill

# --- production: the environment's name, typed --------------------------------
console "$work/prod.json"
tmux_keys j Space
tmux_wait_for "PRODUCTION: set use_sfn OFF -> ON. Type the environment's name 'production' to confirm" ||
	fail "production asks for the environment's name"
tmux_type 'staging'
tmux_keys Enter
tmux_wait_for "'staging' is not the environment's name 'production': set use_sfn OFF -> ON not done" ||
	fail "a wrong name is refused"
expect_eq "$(param_version /app/flags/use-sfn)" "1" "nothing written after a wrong name"
tmux_keys Space
tmux_wait_for "Type the environment's name 'production'" || fail "asks again"
tmux_type 'production'
tmux_keys Enter
tmux_wait_for 'set use_sfn OFF -> ON: reason' || fail "then the reason"
tmux_keys Enter
tmux_wait_for 'use_sfn: confirmed ON (v2)' || fail "production change confirmed"
expect_eq "$(param_value /app/flags/use-sfn)" "true" "the AWS CLI sees use_sfn true"
quit_console
tmux_kill

# --- read-only: refused, says why ---------------------------------------------
console "$work/rb.json" --read-only
tmux_keys j Space
tmux_wait_for 'Toggle the selected flag: refused: the console was started with --read-only' ||
	fail "read-only refuses the toggle"
tmux_keys +
tmux_wait_for 'Step the selected flag up: refused' || fail "read-only refuses a step"
expect_eq "$(param_version /app/flags/use-sfn)" "2" "nothing written read-only"
tmux_keys '?'
tmux_wait_for 'Toggle the selected flag (read-only: refused)' || fail "help marks the refused keys"
screen=$(tmux_screen)
expect_contains "$screen" "Move up" "the help is on screen"
expect_not_contains "$screen" 'Move up (read-only' "help marks only the keys that change things"
tmux_keys Escape
quit_console

"$CUTOVER" audit verify --db "$AUDIT" >/dev/null 2>&1
expect_rc 0 $? "the audit chain verifies"
finish
