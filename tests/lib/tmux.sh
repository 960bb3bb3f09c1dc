# tmux.sh: drive a program in a real terminal for the screen tests (sourced).
#
# Each test gets its own tmux server (a private -L socket), so tests run in
# parallel and never touch a person's tmux.  The pane is exactly the size
# asked for: no status line, no user configuration, UTF-8, TERM=tmux-256color,
# and the pane stays after the program exits so its last screen can be read.
# For the exit status, run the program as
#   bash -c '"$@"; echo "rc=$?"; read -r _' _ PROGRAM ARGS...
# and wait for "rc=": tmux 3.3a sometimes never fills #{pane_dead_status}.
#
#   tmux_start 160 48 "$CUTOVER" demo ...   start the program (one session)
#   tmux_keys q / tmux_keys C-c Enter       press keys (tmux key names)
#   tmux_type 'some text'                   type literal text
#   tmux_wait_for 'PHASES' [SECONDS]        wait until text is on screen
#   tmux_wait_gone 'Loading' [SECONDS]      wait until it is not
#   tmux_screen                             print the screen as text
#   tmux_resize 80 24                       resize the terminal
#   tmux_size                               print "COLSxROWS" of the pane
#   tmux_query '#{alternate_on}'            print a tmux format of the pane
#   tmux_wait_exit [SECONDS]                wait for the program to exit
#   tmux_kill                               end the server (also on EXIT)
#
# Waits poll every 0.1 s up to a generous timeout (default 10 s, or
# $TMUX_TIMEOUT) so a loaded machine only makes a test slower, never flaky;
# on timeout they print what the screen held and return 1.

command -v tmux >/dev/null 2>&1 || {
	echo "tmux.sh: tmux is not installed (run ./dev setup --test)" >&2
	exit 1
}

unset TMUX # a test run from inside tmux must not talk to that server
TMUX_SOCKET="cutover-test-$$-${RANDOM}"
TMUX_TARGET="t"
_tmux_conf="${TMPDIR:-/tmp}/tmux-$TMUX_SOCKET.conf"

_tmux() { tmux -u -L "$TMUX_SOCKET" -f "$_tmux_conf" "$@"; }

# The server is killed at exit, after whatever EXIT trap the test set
# before (its cleanup: the sim it started, its temp dir), which still runs.
_tmux_prev_exit=""
_tmux_on_exit() {
	tmux_kill
	[ -n "$_tmux_prev_exit" ] && eval "$_tmux_prev_exit"
}
_tmux_trap_exit() {
	local prev
	prev=$(trap -p EXIT)
	case $prev in
	*_tmux_on_exit*) return ;; # already ours (a second tmux_start)
	"") _tmux_prev_exit="" ;;
	*)
		# `trap -p` prints: trap -- 'BODY' EXIT, quoted for eval
		prev=${prev#trap -- }
		eval "_tmux_prev_exit=${prev% EXIT}"
		;;
	esac
	trap _tmux_on_exit EXIT
}

tmux_start() { # cols rows command [args...]
	local cols=$1 rows=$2 cmd="" a
	shift 2
	for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
	cat >"$_tmux_conf" <<-CONF
		set -g status off
		set -g remain-on-exit on
		set -g default-terminal tmux-256color
		set -g escape-time 0
		set -g history-limit 0
	CONF
	_tmux_trap_exit
	# The program gets a clean, predictable environment plus what the
	# test exported; TERM comes from default-terminal.
	_tmux new-session -d -s "$TMUX_TARGET" -x "$cols" -y "$rows" \
		-e LC_ALL=C.UTF-8 -e LANG=C.UTF-8 -e "HOME=${HOME:-/tmp}" \
		"exec${cmd}"
}

tmux_keys() { _tmux send-keys -t "$TMUX_TARGET" "$@"; }

tmux_type() { _tmux send-keys -t "$TMUX_TARGET" -l -- "$1"; }

tmux_screen() { _tmux capture-pane -p -t "$TMUX_TARGET"; }

tmux_query() { _tmux display-message -p -t "$TMUX_TARGET" "$1"; }

tmux_size() { _tmux display-message -p -t "$TMUX_TARGET" '#{pane_width}x#{pane_height}'; }

tmux_resize() { # cols rows
	# tmux applies the new size to the pty a moment later (it batches
	# resizes); return only once the program's terminal has it, or a
	# command typed next could still see the old size.
	local tty i
	_tmux resize-window -t "$TMUX_TARGET" -x "$1" -y "$2" || return 1
	tty=$(tmux_query '#{pane_tty}')
	for ((i = 0; i < ${TMUX_TIMEOUT:-10} * 10; i++)); do
		[ "$(stty -F "$tty" size 2>/dev/null)" = "$2 $1" ] && return 0
		sleep 0.1
	done
	echo "tmux: the terminal did not become $1x$2" >&2
	return 1
}

_tmux_poll() { # want(1=present,0=absent) text seconds
	local want=$1 text=$2 secs=${3:-${TMUX_TIMEOUT:-10}} i screen
	for ((i = 0; i < secs * 10; i++)); do
		screen=$(tmux_screen 2>/dev/null)
		case "$screen" in
		*"$text"*) [ "$want" = 1 ] && return 0 ;;
		*) [ "$want" = 0 ] && return 0 ;;
		esac
		sleep 0.1
	done
	printf 'tmux: after %ss, "%s" is %s the screen:\n%s\n' "$secs" "$text" \
		"$([ "$want" = 1 ] && echo "still not on" || echo "still on")" "$screen" >&2
	return 1
}

tmux_wait_for() { _tmux_poll 1 "$1" "${2:-}"; }

tmux_wait_gone() { _tmux_poll 0 "$1" "${2:-}"; }

tmux_dead() { [ "$(_tmux display-message -p -t "$TMUX_TARGET" '#{pane_dead}' 2>/dev/null)" = 1 ]; }

tmux_wait_exit() {
	local secs=${1:-${TMUX_TIMEOUT:-10}} i
	for ((i = 0; i < secs * 10; i++)); do
		tmux_dead && return 0
		sleep 0.1
	done
	echo "tmux: the program is still running after ${secs}s" >&2
	return 1
}

tmux_kill() {
	_tmux kill-server 2>/dev/null || true
	# tmux leaves the socket file behind; it is ours, by its unique name.
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_SOCKET" "$_tmux_conf"
}
