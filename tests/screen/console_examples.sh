#!/usr/bin/env bash
# The console as an on-call engineer sees it, through `cutover demo` for
# every example in docs/examples, each in its own tmux server, in parallel:
#  - at 160x48 every panel: the scenario's phases, its gauges with values and
#    an evaluated state, its flags with their SSM values;
#  - the incident: the trigger banner appears, and A acknowledges it away;
#  - resized to 80x24: tabs, with header and tab bar; each tab shows its rows;
#    and back to 160x48; the frame is whole after each resize (no garbage);
#  - below the minimum, the "terminal too small" screen;
#  - ? lists the keys; Enter opens a phase's detail, Esc closes it;
#  - Ctrl-C does not quit; q asks while an execution runs, y quits, and the
#    shell gets a cooked tty and the normal screen back.
# --speed 20 brings each scenario's incident (150-200 s in) and its trigger
# (3-5 one-minute datapoints later) within about 20 s.
set -u
. "$SRCDIR/tests/lib/assert.sh"

SPEED=20
check="$SRCDIR/tests/lib/console_screen.py"
work="${TMPDIR:-/tmp}/console-examples-$$"
mkdir -p "$work"

# Wait up to $1 s for `console_screen.py ARGS...` to hold on the live screen.
wait_check() { # secs args...
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 5; i++)); do
		tmux_screen | python3 "$check" "$@" 2>"$work/why.$name" && return 0
		sleep 0.2
	done
	cat "$work/why.$name" >&2
	tmux_screen >&2
	return 1
}

one() { # name: runs in a subshell with its own tmux server
	local name=$1 rb="$work/$1.json" screen pid
	. "$SRCDIR/tests/lib/tmux.sh"
	TMUX_SOCKET="cutover-console-$name-$$"
	_tmux_conf="${TMPDIR:-/tmp}/tmux-$TMUX_SOCKET.conf"
	"$CUTOVER" check --json "$SRCDIR/docs/examples/$name.json" >"$rb" 2>/dev/null
	expect_rc 0 $? "$name: the example's runbook is valid"

	# A shell around the console reports what the console left behind.
	local shell='cd "$1"; "$0" demo "$2" --speed "$3"; echo "rc=$?"
stty -a | tr " ;" "\n\n" | grep -x -e "-\{0,1\}icanon" -e "-\{0,1\}echo" | tr "\n" " "; echo
echo DONE; read -r _'
	tmux_start 160 48 bash -c "$shell" "$CUTOVER" "$SRCDIR" "$name" "$SPEED"
	TMUX_TIMEOUT=20 tmux_wait_for "1 Phases"; expect_rc 0 $? "$name: the console opened"
	expect_contains "$(tmux_query '#{alternate_on}')" "1" "$name: full screen"
	screen=$(tmux_screen)
	expect_contains "$screen" "PRODUCTION" "$name: production is unmistakable in the header"
	for p in phases gauges flags; do
		wait_check 30 panel "$rb" "$p"; expect_rc 0 $? "$name 160x48: $p on screen"
	done
	wait_check 5 frame 160 48; expect_rc 0 $? "$name 160x48: the frame is whole"

	TMUX_TIMEOUT=90 tmux_wait_for "TRIGGERED "; expect_rc 0 $? "$name: the trigger banner when the incident hits"
	screen=$(tmux_screen)
	expect_contains "$screen" "A acknowledge" "$name: the banner says how to acknowledge"
	expect_contains "$screen" "triggered" "$name: the gauge shows its triggered state"
	# Several gauges may have triggered: each A acknowledges one banner.
	for _ in 1 2 3 4 5 6 7 8; do
		case "$(tmux_screen)" in *"TRIGGERED "*) tmux_keys A; sleep 0.5 ;; *) break ;; esac
	done
	tmux_wait_gone "TRIGGERED "; expect_rc 0 $? "$name: A acknowledges the banner away"
	expect_contains "$(tmux_screen)" "triggered" "$name: the gauge still shows its state after the acknowledgement"

	tmux_resize 80 24
	tmux_wait_for "4 Rollback │ 5 Events"; expect_rc 0 $? "$name 80x24: tabs"
	wait_check 5 frame 80 24; expect_rc 0 $? "$name 80x24: the frame is whole after resizing"
	wait_check 10 panel "$rb" phases; expect_rc 0 $? "$name 80x24: phases tab"
	tmux_keys 2
	wait_check 10 panel "$rb" gauges; expect_rc 0 $? "$name 80x24: gauges tab with values"
	tmux_keys 3
	wait_check 10 panel "$rb" flags; expect_rc 0 $? "$name 80x24: flags tab"
	expect_contains "$(tmux_screen | head -1)" "cutover" "$name 80x24: the header stays"

	tmux_resize 50 12
	tmux_wait_for "Terminal too small"; expect_rc 0 $? "$name 50x12: too small screen"
	tmux_resize 160 48
	tmux_keys 1
	wait_check 10 panel "$rb" phases; expect_rc 0 $? "$name back at 160x48: phases"
	wait_check 10 panel "$rb" gauges; expect_rc 0 $? "$name back at 160x48: gauges"
	wait_check 5 frame 160 48; expect_rc 0 $? "$name back at 160x48: the frame is whole"
	expect_not_contains "$(tmux_screen)" "Terminal too small" "$name: no leftover of the small screen"

	tmux_keys '?'
	tmux_wait_for "Moving around"; expect_rc 0 $? "$name: ? opens the help"
	screen=$(tmux_screen)
	for k in "Move up" "Next panel" "Show this help" "Type a command" "Acknowledge the alert banner"; do
		expect_contains "$screen" "$k" "$name: help lists '$k'"
	done
	tmux_keys Escape
	tmux_wait_gone "Moving around"; expect_rc 0 $? "$name: Esc closes the help"
	tmux_keys Enter
	tmux_wait_for "Recent events"; expect_rc 0 $? "$name: Enter opens the phase detail"
	tmux_keys G
	tmux_wait_for "Executions of"; expect_rc 0 $? "$name: the detail ends with the state machine's executions (G scrolls)"
	expect_match "$(tmux_screen)" "STATUS +STARTED +STOPPED" "$name: with status, start and stop"
	tmux_keys Escape
	tmux_wait_for "1 Phases"; expect_rc 0 $? "$name: Esc goes back"

	tmux_keys C-c
	tmux_wait_for "Ctrl-C does not quit"; expect_rc 0 $? "$name: Ctrl-C shows a hint"
	expect_contains "$(tmux_screen)" "1 Phases" "$name: and the console is still there"
	tmux_keys q
	if tmux_wait_for "Quit the console? y/n" 3 2>/dev/null; then
		tmux_keys y
	fi
	tmux_wait_for "DONE"; expect_rc 0 $? "$name: q quits"
	screen=$(tmux_screen)
	expect_contains "$screen" "rc=0" "$name: exit status 0"
	expect_contains "$screen" "icanon echo" "$name: the tty is cooked again"
	expect_contains "$(tmux_query '#{alternate_on} #{cursor_flag}')" "0 1" "$name: normal screen, cursor shown"
	tmux_kill
	echo "$_checks $_fails" >"$work/result.$name"
}

names=()
for f in "$SRCDIR"/docs/examples/*.scenario.json; do
	n=$(basename "$f" .scenario.json)
	[ -f "$SRCDIR/docs/examples/$n.json" ] && names+=("$n")
done
[ ${#names[@]} -gt 0 ] || { echo "no examples in $SRCDIR/docs/examples" >&2; exit 1; }

pids=()
for n in "${names[@]}"; do
	(one "$n") >"$work/log.$n" 2>&1 &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done

total=0 failed=0
for n in "${names[@]}"; do
	cat "$work/log.$n"
	if [ -f "$work/result.$n" ]; then
		read -r c f <"$work/result.$n"
		total=$((total + c)); failed=$((failed + f))
		echo "$n: $c checks, $f failed"
	else
		echo "$n: did not finish" >&2
		failed=$((failed + 1))
	fi
done
rm -rf "$work"
_checks=$total
_fails=$failed
finish
