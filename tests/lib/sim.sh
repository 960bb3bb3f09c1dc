# sim.sh: start `cutover sim` for a shell test (sourced after assert.sh).
#   start_sim NAME ARGS...   starts `$CUTOVER sim --port 0 ARGS...`, waits for its
#                            first line, sets ${NAME}_URL, ${NAME}_PID and ${NAME}_OUT
#                            (its stdout file); killed at exit.
# The AWS CLI is isolated from the machine's profiles and metadata endpoints.
_sim_pids=()
_sim_cleanup() {
	local p
	for p in "${_sim_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${_sim_pids[@]}"; do wait "$p" 2>/dev/null; done
}
trap _sim_cleanup EXIT

export HOME="${TMPDIR:-/tmp}" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=1 AWS_PAGER=
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ENDPOINT_URL

start_sim() {
	local name=$1 out i line; shift
	out=$(mktemp "${TMPDIR:-/tmp}/sim.XXXXXX")
	"$CUTOVER" sim --port 0 "$@" >"$out" 2>"$out.err" &
	local pid=$!
	_sim_pids+=("$pid")
	for i in $(seq 1 200); do
		line=$(head -n 1 "$out" 2>/dev/null)
		case "$line" in *http://*) break ;; esac
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "sim $name exited early: $(cat "$out.err")" >&2; return 1
		fi
		sleep 0.05
	done
	line=${line##* }
	case "$line" in http://*) ;; *) echo "sim $name printed no URL" >&2; return 1 ;; esac
	printf -v "${name}_URL" '%s' "$line"
	printf -v "${name}_PID" '%s' "$pid"
	printf -v "${name}_OUT" '%s' "$out"
}

# json_get JSON PYEXPR: evaluate a Python expression over the parsed JSON `d`.
json_get() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }
