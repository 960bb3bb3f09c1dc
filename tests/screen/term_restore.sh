#!/usr/bin/env bash
# The terminal a person gets back: after a clean quit, a crash, and SIGTERM,
# the shell's screen is back (alternate screen left), the cursor shows and
# the tty is cooked again (icanon, echo); Ctrl-C is a key, not a quit.
# The program is the curses child built into test_ui_term (ui/term.c).
set -u
. "$SRCDIR/tests/lib/assert.sh"
. "$SRCDIR/tests/lib/tmux.sh"

child="$BUILDDIR/tests/test_ui_term"
[ -x "$child" ] || { echo "missing $child (build the tests first)" >&2; exit 1; }

# Run MODE in a shell that reports what the program left behind, then waits
# (a dead pane's screen is tmux's, not the shell's).
shell='printf "before\n"; "$0" --child "$1"; echo "rc=$?"
stty -a | tr " ;" "\n\n" | grep -x -e "-\{0,1\}icanon" -e "-\{0,1\}echo" | tr "\n" " "; echo
echo DONE; read -r _'

run() { # mode
	tmux_start 80 24 bash -c "$shell" "$child" "$1"
	tmux_wait_for "READY"; expect_rc 0 $? "$1: the console started"
	expect_contains "$(tmux_query '#{alternate_on} #{cursor_flag}')" "1 0" \
		"$1: full screen, cursor hidden while running"
	expect_not_contains "$(tmux_screen)" "before" "$1: the shell's screen is hidden while running"
}

after() { # mode rc
	tmux_wait_for "DONE"; expect_rc 0 $? "$1: the shell got control back"
	local screen; screen=$(tmux_screen)
	expect_contains "$screen" "rc=$2" "$1: exit status"
	expect_contains "$screen" "before" "$1: the shell's screen is back"
	expect_contains "$screen" "icanon echo" "$1: tty cooked again"
	expect_not_contains "$screen" "-icanon" "$1: not left raw"
	expect_contains "$(tmux_query '#{alternate_on} #{cursor_flag}')" "0 1" \
		"$1: normal screen, cursor visible"
	tmux_kill
}

run wait
tmux_keys C-c
tmux_wait_for "C-c ignored (1)"; expect_rc 0 $? "Ctrl-C is a key, not a quit"
tmux_keys q
after quit 0

run crash
tmux_keys x
after crash 139

run wait
pid=$(tmux_screen | sed -n 's/.*READY pid=\([0-9]*\).*/\1/p')
expect_match "$pid" '^[0-9]+$' "the console shows its pid"
kill -TERM "$pid"
after sigterm 143

finish
