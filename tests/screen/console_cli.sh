#!/usr/bin/env bash
# `cutover RUNBOOK` against an endpoint (a `cutover sim` in its own process,
# reached through AWS_ENDPOINT_URL as AWS would be), in tmux:
#  - a parameter value and its modifier holding escape sequences are shown
#    escaped (\x1b...), and neither clears the screen nor retitles the window;
#  - :theme switches themes, an unknown one is refused with the list;
#    --theme monochrome and NO_COLOR open a console too;
#  - :q asks while an execution runs and n keeps watching; SIGTERM and SIGHUP
#    quit with 128+signal and a restored terminal; a SIGINT sent by kill asks;
#    a crash (SIGSEGV) restores the terminal before the process dies of it;
#  - a click selects a row in the panel under it, or opens a tab;
#  - CUTOVER_HTTP_BASE sends the runbook's HTTP checks to the sim;
#  - a throttled source is shown stale with its error, then recovers;
#  - an invalid runbook is reported like `cutover check`, before any screen;
#  - a bad --theme or option is refused before the screen changes.
set -u
. "$SRCDIR/tests/lib/assert.sh"
. "$SRCDIR/tests/lib/tmux.sh"

tmp=$(mktemp -d)
simpid= sim2=
cleanup() {
	[ -n "$simpid" ] && kill "$simpid" 2>/dev/null
	[ -n "$sim2" ] && kill "$sim2" 2>/dev/null
	tmux_kill
	rm -rf "$tmp"
}
trap cleanup EXIT

# A scenario whose parameter carries terminal controls.
python3 - "$SRCDIR/docs/examples/subscriber-portal.scenario.json" "$tmp/hostile.scenario.json" <<'PY'
import sys
text = open(sys.argv[1]).read()
text = text.replace('"value": "DUAL_PROV"', '"value": "DUAL\\u001b[2J\\u001b]0;pwned\\u0007"', 1)
text = text.replace('"user": "arn:aws:iam::123456789012:user/portal-admin"',
                    '"user": "arn:aws:iam::123456789012:user/ev\\u001b[31mil"', 1)
open(sys.argv[2], "w").write(text)
PY
"$CUTOVER" sim --scenario "$tmp/hostile.scenario.json" --port 0 >"$tmp/sim.out" 2>&1 &
simpid=$!
for _ in $(seq 100); do grep -q '^export CUTOVER_HTTP_BASE' "$tmp/sim.out" && break; sleep 0.1; done
eval "$(grep '^export' "$tmp/sim.out")"
expect_match "${AWS_ENDPOINT_URL:-}" '^http://127\.0\.0\.1:[0-9]+$' "the sim is on a loopback port"
cp "$SRCDIR/docs/examples/subscriber-portal.json" "$tmp/rb.json"

envs=(env AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL" AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID"
	AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" AWS_SESSION_TOKEN="${AWS_SESSION_TOKEN:-}"
	AWS_REGION="${AWS_REGION:-us-east-1}" CUTOVER_THEMES="$SRCDIR/themes"
	CUTOVER_HTTP_BASE="$AWS_ENDPOINT_URL") # the runbook's health checks go to the sim too
shell='"$@"; echo "rc=$?"
stty -a | tr " ;" "\n\n" | grep -x -e "-\{0,1\}icanon" -e "-\{0,1\}echo" | tr "\n" " "; echo
echo DONE; read -r _'

# A left click at column x, row y (0-based) in the X10 mouse encoding that
# tmux-256color's kmous names; both under 95 so every byte stays ASCII.
click() {
	local b
	for b in 0 3; do
		tmux_type "$(printf '\033[M%b%b%b' "\\$(printf %03o $((32 + b)))" \
			"\\$(printf %03o $((33 + $1)))" "\\$(printf %03o $((33 + $2)))")"
	done
}

# tmux_start sets its own EXIT trap; keep ours (it also ends the sim).
start() {
	tmux_start "$@"
	trap cleanup EXIT
}

# --- hostile text, themes, quitting ------------------------------------------
start 160 48 bash -c "$shell" _ "${envs[@]}" "$CUTOVER" "$tmp/rb.json" --operator alice
TMUX_TIMEOUT=20 tmux_wait_for "provisioning_mode"; expect_rc 0 $? "the console opened on the runbook"
TMUX_TIMEOUT=20 tmux_wait_for 'DUAL\x1b'; expect_rc 0 $? "an escape in a value is shown escaped"
TMUX_TIMEOUT=20 tmux_wait_for "$AWS_ENDPOINT_URL/legacy/health"; expect_rc 0 $? "CUTOVER_HTTP_BASE moves the HTTP checks"
"$CUTOVER" check --json "$tmp/rb.json" >"$tmp/rbn.json" 2>/dev/null
for _ in $(seq 100); do
	tmux_screen | python3 "$SRCDIR/tests/lib/console_screen.py" panel "$tmp/rbn.json" gauges 2>"$tmp/why" && break
	sleep 0.2
done
expect_rc 0 "$(tmux_screen | python3 "$SRCDIR/tests/lib/console_screen.py" panel "$tmp/rbn.json" gauges; echo $?)" \
	"every gauge, the HTTP checks included, has a value and a state"
screen=$(tmux_screen)
expect_contains "$screen" "alice" "--operator names the operator in the header"
expect_contains "$screen" "1 Phases" "the screen was not cleared by the value"
expect_not_contains "$(tmux_query '#{pane_title}')" "pwned" "the value did not retitle the window"
expect_contains "$screen" 'ev\x1b' "an escape in the modifier is shown escaped"
click 80 5
tmux_wait_for "│▸/dual/sync-status"; expect_rc 0 $? "a click focuses the gauges and selects the row under it"
tmux_keys : t h e m e ' ' l i g h t Enter
tmux_wait_for "theme light"; expect_rc 0 $? ":theme light switches"
tmux_keys : t h e m e ' ' n o p e Enter
tmux_wait_for "nope"; expect_rc 0 $? ":theme with an unknown name says so"
expect_contains "$(tmux_screen)" "1 Phases" "and the console stays"
tmux_keys : b o g u s Enter
tmux_wait_for "unknown command"; expect_rc 0 $? "an unknown command is named"
tmux_keys / D u a l
tmux_wait_for "/Dual_"; expect_rc 0 $? "/ opens the filter prompt"
screen=$(tmux_screen)
expect_contains "$screen" "Dual provisioning" "the filter keeps matching gauges"
expect_not_contains "$screen" "/health (overall)" "and hides the others"
tmux_keys Escape
tmux_wait_for "/health (overall)"; expect_rc 0 $? "Esc clears the filter"
tmux_keys : q Enter
tmux_wait_for "Quit the console? y/n"; expect_rc 0 $? ":q asks while an execution runs"
tmux_keys n
tmux_wait_for "still watching"; expect_rc 0 $? "n keeps watching"
pid=$(pgrep -f -n "cutover $tmp/rb.json")
expect_match "$pid" '^[0-9]+$' "the console's pid"
kill -INT "$pid"
tmux_wait_for "Quit the console? y/n"; expect_rc 0 $? "a SIGINT by kill asks too"
tmux_keys n
kill -TERM "$pid"
tmux_wait_for "DONE"; expect_rc 0 $? "SIGTERM quits"
screen=$(tmux_screen)
expect_contains "$screen" "rc=143" "exit 128+SIGTERM"
expect_contains "$screen" "icanon echo" "the tty is cooked again after SIGTERM"
expect_contains "$(tmux_query '#{alternate_on} #{cursor_flag}')" "0 1" "normal screen, cursor shown"
tmux_kill

# --- SIGHUP (the terminal window closed) ---------------------------------------
start 80 24 bash -c "$shell" _ "${envs[@]}" NO_COLOR=1 "$CUTOVER" "$tmp/rb.json" --theme monochrome
TMUX_TIMEOUT=20 tmux_wait_for "1 Phases"; expect_rc 0 $? "NO_COLOR and --theme monochrome open"
click 25 1
tmux_wait_for "provisioning_mode"; expect_rc 0 $? "a click on a tab label opens that tab"
pid=$(pgrep -f -n "cutover $tmp/rb.json")
kill -HUP "$pid"
tmux_wait_for "DONE"; expect_rc 0 $? "SIGHUP quits"
expect_contains "$(tmux_screen)" "rc=129" "exit 128+SIGHUP"
expect_contains "$(tmux_screen)" "icanon echo" "the tty is cooked again after SIGHUP"
tmux_kill

# --- a crash (a fatal signal): the handler restores the terminal, then dies of it
start 80 24 bash -c "$shell" _ "${envs[@]}" "$CUTOVER" "$tmp/rb.json"
TMUX_TIMEOUT=20 tmux_wait_for "1 Phases"; expect_rc 0 $? "the console opened again"
pid=$(pgrep -f -n "cutover $tmp/rb.json")
kill -SEGV "$pid"
tmux_wait_for "DONE"; expect_rc 0 $? "a crash ends the console"
expect_contains "$(tmux_screen)" "rc=139" "it dies of the signal (128+SIGSEGV)"
expect_contains "$(tmux_screen)" "icanon echo" "the tty is cooked again after a crash"
expect_contains "$(tmux_query '#{alternate_on} #{cursor_flag}')" "0 1" "normal screen, cursor shown after a crash"
tmux_kill

# --- honest staleness: SSM throttled for the first 15 s, then answering ----------
python3 - "$tmp/hostile.scenario.json" "$tmp/throttled.scenario.json" <<'PY'
import sys
text = open(sys.argv[1]).read()
text = text.replace('"parameters": [', '"faults": [ { "from_s": 0, "to_s": 150, "throttle_rate": 1, "services": ["ssm"] } ],\n\t"parameters": [', 1)
open(sys.argv[2], "w").write(text)
PY
python3 -c 'import json, sys; d = json.load(sys.stdin); d["poll_s"]["flags"] = 1; json.dump(d, sys.stdout)' \
	<"$tmp/rbn.json" >"$tmp/fast-flags.json"
"$CUTOVER" sim --scenario "$tmp/throttled.scenario.json" --port 0 --speed 10 >"$tmp/sim2.out" 2>&1 &
sim2=$!
for _ in $(seq 100); do grep -q '^export AWS_ENDPOINT_URL' "$tmp/sim2.out" && break; sleep 0.1; done
url2=$(sed -n 's/^export AWS_ENDPOINT_URL=//p' "$tmp/sim2.out")
start 160 48 bash -c "$shell" _ "${envs[@]}" AWS_ENDPOINT_URL="$url2" CUTOVER_HTTP_BASE="$url2" \
	"$CUTOVER" "$tmp/fast-flags.json"
TMUX_TIMEOUT=20 tmux_wait_for "flags no data · ThrottlingException"
expect_rc 0 $? "a throttled source is named in the status line with its error, not shown as fresh"
TMUX_TIMEOUT=40 tmux_wait_for "ago ✔"; expect_rc 0 $? "and it recovers once SSM answers again"
expect_match "$(tmux_screen)" "provisioning_mode +⚠ DUAL.x1b" "the flag's value arrives after the recovery"
kill "$sim2" 2>/dev/null
tmux_kill

# --- refused before the screen changes -------------------------------------------
printf '{ "name": "bad",\n  "region": 7 }\n' >"$tmp/bad.json"
out=$("$CUTOVER" "$tmp/bad.json" 2>&1 </dev/null)
expect_rc 1 $? "an invalid runbook exits 1"
expect_match "$out" "bad.json:2:[0-9]+: error" "its problems are printed at line:column, as check does"
expect_contains "$out" "not a valid runbook" "with a summary"
out=$("${envs[@]}" "$CUTOVER" "$tmp/rb.json" --theme nope 2>&1 </dev/null)
expect_rc 2 $? "an unknown theme exits 2"
expect_contains "$out" "nope" "and is named"
expect_contains "$out" "light" "with the themes there are"
mkdir -p "$tmp/cfg/cutover"
printf '[ui]\ntheme = nope\n' >"$tmp/cfg/cutover/config.ini"
out=$(XDG_CONFIG_HOME="$tmp/cfg" "${envs[@]}" "$CUTOVER" "$tmp/rb.json" 2>&1 </dev/null)
expect_rc 2 $? "the settings file's theme is used (and an unknown one refused)"
expect_contains "$out" "nope" "the settings file's theme is named"
printf '[ui]\ncolour = red\n' >"$tmp/cfg/cutover/config.ini"
out=$(XDG_CONFIG_HOME="$tmp/cfg" "$CUTOVER" "$tmp/rb.json" 2>&1 </dev/null)
expect_rc 2 $? "a bad settings file exits 2"
expect_contains "$out" "config.ini:2:" "naming the line"
expect_contains "$out" "colour" "and the setting"
out=$("$CUTOVER" "$tmp/rb.json" --bogus 2>&1 </dev/null)
expect_rc 2 $? "an unknown option exits 2"
expect_contains "$out" "usage: cutover RUNBOOK" "with the usage"
out=$("${envs[@]}" "$CUTOVER" "$tmp/rb.json" 2>&1 </dev/null)
expect_rc 2 $? "no terminal: exit 2"
expect_contains "$out" "cutover status" "and a pointer to the headless command"
finish
