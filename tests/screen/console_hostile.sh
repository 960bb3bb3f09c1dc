#!/usr/bin/env bash
# Terminal safety beyond flag values: the sim serves hostile strings
# (tests/lib/hostile_fixture.py: a screen clear, an OSC 52 clipboard write,
# an OSC 0 title, a C1 CSI, a bidi override and 10,000-character strings) in
# state names, an execution's error and cause, execution names and input, a
# flag's value, the AWS error message of throttled SSM calls, and a health
# endpoint's body and error text.  The console, in tmux with the clipboard
# open to OSC 52 (set-clipboard on), must show each as safe_text renders it
# (\x1b, \x07, \u009b, \u202e) in the phases panel, the events strip, both
# phase details and the status row, and:
#  - the pane's title never becomes "pwned" and no tmux buffer appears
#    (neither OSC 52 nor OSC 0 reached the terminal);
#  - capture-pane -e holds no escape sequence but colours and attributes
#    (SGR), and no raw ESC, BEL, U+009B or U+202E is in any cell;
#  - the frame is whole at 160x48 and in each detail (layout intact); the
#    10,000-character cause is wrapped whole, its last characters readable.
set -u
. "$SRCDIR/tests/lib/assert.sh"
. "$SRCDIR/tests/lib/tmux.sh"

work=$(mktemp -d)
SIM=""
cleanup() {
	tmux_kill
	[ -n "$SIM" ] && { kill "$SIM" 2>/dev/null; wait "$SIM" 2>/dev/null; }
	rm -rf "$work"
}
trap cleanup EXIT
export TMUX_TIMEOUT=30
fail() { _fail "$@"; finish; }
check="$SRCDIR/tests/lib/console_screen.py"

python3 "$SRCDIR/tests/lib/hostile_fixture.py" "$work" || fail "the fixture could not be written"
ex() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/expect.json" "$1"; }
"$CUTOVER" check "$work/rb.json" >/dev/null 2>"$work/check.err" || fail "the runbook is invalid: $(cat "$work/check.err")"

"$CUTOVER" sim --port 0 --scenario "$work/sc.json" >"$work/sim.out" 2>"$work/sim.err" &
SIM=$!
for _ in $(seq 200); do grep -q '^export CUTOVER_HTTP_BASE' "$work/sim.out" 2>/dev/null && break; sleep 0.05; done
SIM_URL=$(sed -n 's/^cutover sim listening on \(http:[^ ]*\).*/\1/p' "$work/sim.out")
[ -n "$SIM_URL" ] || fail "the sim did not start: $(cat "$work/sim.err")"

# The console waits for Enter, so tmux's clipboard is open before it runs.
tmux_start 160 48 env AWS_ENDPOINT_URL="$SIM_URL" CUTOVER_HTTP_BASE="$SIM_URL" \
	AWS_ACCESS_KEY_ID=AKIDALICE AWS_SECRET_ACCESS_KEY=alice-secret AWS_REGION=us-east-1 \
	AWS_CONFIG_FILE="$work/none" AWS_SHARED_CREDENTIALS_FILE="$work/none" HOME="$work" \
	CUTOVER_OPERATOR=alice CUTOVER_THEMES="$SRCDIR/themes" \
	bash -c 'read -r _; "$@"; echo "rc=$?"; read -r _' _ "$CUTOVER" "$work/rb.json" --audit "$work/audit.db"
trap cleanup EXIT # tmux_start set its own
_tmux set -g set-clipboard on
title0=$(tmux_query '#{pane_title}')
tmux_keys Enter

# clean SCREEN_E DESCRIPTION: the -e capture holds SGR sequences only, and
# no cell holds a raw control, C1 or bidi character.
clean() {
	local rest plain
	rest=$(printf '%s' "$1" | sed 's/\x1b\[[0-9;:]*m//g')
	case "$rest" in *$'\x1b'*) _fail "$2: an escape sequence other than SGR reached the terminal: $(printf '%s' "$rest" | grep -ao $'\x1b''.\{0,12\}' | head -3 | cat -v)" ;; esac
	plain=$(tmux_screen)
	for bad in $'\x07' $'\xc2\x9b' $'\xe2\x80\xae'; do
		case "$plain" in *"$bad"*) _fail "$2: a raw $(printf '%s' "$bad" | od -An -tx1 | tr -d ' \n') is on the screen" ;; esac
	done
	_checks=$((_checks + 1))
}
untouched() { # description: no title change, no clipboard write
	local t
	t=$(tmux_query '#{pane_title}')
	_checks=$((_checks + 1))
	case "$t" in *pwned*) _fail "$1: the pane title became '$t'" ;; esac
	expect_contains "$t" "$title0" "$1: the pane title stays '$title0'"
	_checks=$((_checks + 1))
	[ -z "$(_tmux list-buffers 2>/dev/null)" ] || _fail "$1: OSC 52 wrote tmux's clipboard: $(_tmux list-buffers)"
}
whole() { # cols rows description
	local s
	s=$(tmux_screen)
	printf '%s\n' "$s" | python3 "$check" frame "$1" "$2" 2>"$work/why"
	expect_rc 0 $? "$3: the frame is whole ($(head -c 300 "$work/why"))"
}

# --- the main screen ----------------------------------------------------------
tmux_wait_for "1 Phases" || fail "the console opened"
tmux_wait_for "$(ex state)" || fail "a hostile state name in the events strip, escaped"
tmux_wait_for "$(ex err)" || fail "a hostile execution error in the events strip, escaped"
tmux_wait_for "$(ex value_head)" || fail "a hostile flag value, escaped"
screen=$(tmux_screen)
expect_contains "$screen" "Load\\x1b[2J\\x1b]0;p" "the running phase's row shows its state escaped"
expect_contains "$screen" "Err\\x1b]0;pwned\\x07" "the failed phase's row shows its error escaped"
whole 160 48 "main screen"
clean "$(_tmux capture-pane -p -e -t "$TMUX_TARGET")" "main screen"
untouched "main screen"

# --- phase 1's detail: state, execution name and ARN, input -------------------
tmux_keys 1 g Enter
tmux_wait_for "Phase 1: Load data" || fail "Enter opens phase 1's detail"
tmux_wait_for "$(ex exname)" || fail "the execution's hostile name, escaped"
screen=$(tmux_screen)
expect_contains "$screen" "current  $(ex state)" "the current state, escaped"
expect_contains "$screen" "hostile-main:$(ex exname)" "the execution ARN, escaped"
expect_contains "$screen" 'Input of ' "the state's input"
whole 160 48 "phase 1 detail"
clean "$(_tmux capture-pane -p -e -t "$TMUX_TARGET")" "phase 1 detail"
untouched "phase 1 detail"

# --- phase 2's detail: error, the 10,000-character cause, the job's name ------
tmux_keys Escape
tmux_wait_gone "Phase 1: Load data" || fail "Esc closes the detail"
tmux_keys j Enter
tmux_wait_for "Phase 2: Jobs" || fail "Enter opens phase 2's detail"
screen=$(tmux_screen)
expect_contains "$screen" "error    $(ex err)" "the error, escaped"
expect_contains "$screen" "last     Work" "a failed phase names its last state, with no time since the epoch"
expect_contains "$screen" "  $(ex cause_head)" "the cause's start, escaped, on its first line"
# Every cause line is whole: wrapped as drawn, never cut behind an ellipsis.
expect_not_contains "$(printf '%s\n' "$screen" | grep 'AAAA')" "…" "the cause is wrapped, not cut"
whole 160 48 "phase 2 detail"
clean "$(_tmux capture-pane -p -e -t "$TMUX_TARGET")" "phase 2 detail"
tmux_keys G
tmux_wait_for "$(ex cause_tail)" || fail "the end of the 10,000-character cause is readable"
tmux_wait_for "$(ex jobname)" || fail "the failed job's hostile name, escaped"
whole 160 48 "phase 2 detail, at the end"
clean "$(_tmux capture-pane -p -e -t "$TMUX_TARGET")" "phase 2 detail, at the end"
untouched "phase 2 detail"
tmux_keys Escape
tmux_wait_gone "Phase 2: Jobs" || fail "Esc closes the detail"

# --- an AWS error message: SSM throttled with a hostile message ---------------
# From the scenario's 20th second every SSM call is throttled; the message
# comes last in the status row, so the terminal is widened to show it.
tmux_wait_for "flags stale" 60 || fail "the flags go stale when SSM is throttled"
tmux_resize 400 48 || fail "resize to 400x48"
tmux_keys 3 g j Space
tmux_wait_for "set dual_write OFF -> ON: reason" || fail "space on dual_write asks for a reason"
tmux_keys Enter
tmux_wait_for "$(ex msg_head)" 60 || fail "the refused change shows AWS's hostile message, escaped"
clean "$(_tmux capture-pane -p -e -t "$TMUX_TARGET")" "the status row with the AWS message"
whole 400 48 "400x48 with the AWS message"
untouched "the AWS message"
tmux_resize 160 48 || fail "resize back to 160x48"
tmux_wait_gone "$(ex msg_head)" 20 || fail "the message goes after a while"
whole 160 48 "back at 160x48"

# The health gauge answered all along (its body and error text are planted
# too, and never drawn): still nothing leaked.
expect_contains "$(tmux_screen)" "Health" "the health gauge is on screen"
clean "$(_tmux capture-pane -p -e -t "$TMUX_TARGET")" "the end"
untouched "the end"

tmux_keys q
tmux_wait_for "Quit the console? y/n" || fail "q asks while an execution runs"
tmux_keys y
tmux_wait_for "rc=" 20 || fail "y quits"
expect_contains "$(tmux_screen)" "rc=0" "the console exits 0"
expect_contains "$(tmux_query '#{alternate_on}')" "0" "the normal screen is back"
finish
