#!/usr/bin/env bash
# The screen-test harness itself, on a trivial interactive program (bash
# reading lines), so later screen tests can trust it: exact size, keys and
# literal text reach the program, Unicode survives, waiting times out when it
# must, resizing reaches the program, and the exit status is read back.
set -u
. "$SRCDIR/tests/lib/assert.sh"
. "$SRCDIR/tests/lib/tmux.sh"

prog='seq 1 100
printf "ready \342\234\224 \346\227\245\346\234\254\n"
while IFS= read -r l; do
	case $l in
	quit) exit 7 ;;
	size) echo "size $(stty size)" ;;
	*) echo "echo:$l" ;;
	esac
done'

tmux_start 80 24 bash -c "$prog"
tmux_wait_for "ready"; expect_rc 0 $? "program started"
expect_contains "$(tmux_size)" "80x24" "pane is exactly 80x24"
screen=$(tmux_screen)
expect_rc 24 "$(tmux_screen | wc -l)" "capture holds 24 rows"
expect_contains "$screen" "ready ✔ 日本" "UTF-8 reaches the screen"
expect_contains "$screen" "100" "output scrolled to the end"
expect_not_contains "$screen" $'\n50\n' "earlier lines scrolled away"

tmux_type 'hello world'; tmux_keys Enter
tmux_wait_for "echo:hello world"; expect_rc 0 $? "literal text and Enter reach the program"

tmux_wait_for "no such text" 1 2>/dev/null; expect_rc 1 $? "waiting for absent text times out"
tmux_wait_gone "no such text" 1; expect_rc 0 $? "absent text is gone at once"

tmux_type size; tmux_keys Enter
tmux_wait_for "size 24 80"; expect_rc 0 $? "the program sees 80x24"
tmux_resize 120 40; expect_rc 0 $? "resize reached the program's terminal"
expect_contains "$(tmux_size)" "120x40" "pane resized to 120x40"
tmux_type size; tmux_keys Enter
tmux_wait_for "size 40 120"; expect_rc 0 $? "the program sees the new size"
expect_rc 40 "$(tmux_screen | wc -l)" "capture holds 40 rows after resizing"

tmux_dead; expect_rc 1 $? "program still running"
tmux_type quit; tmux_keys Enter
tmux_wait_exit; expect_rc 0 $? "program exited"
tmux_kill
finish
