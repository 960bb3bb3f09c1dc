#!/usr/bin/env bash
# kill -9 all through seed 001's full rollback, then --resume, again and
# again: at 24 crash points the runner reaches (CUTOVER_TEST_CRASH_AT=N makes
# the process SIGKILL itself at its Nth boundary between two durable
# writes) and at 4 random moments from outside.  After each crash the next
# start resumes at the step that was running; a command whose outcome is
# unknown is decided the way an operator would (its log shows it ran:
# --assume-done; it did not: --rerun).  In the end the run completes, no
# command ran twice, every flag and the stop landed, `cutover audit verify`
# passes and the export tells the story with nothing left unknown.
set -u
. "$SRCDIR/tests/lib/assert.sh"
W=$(mktemp -d "${TMPDIR:-/tmp}/rollback_crash.XXXXXX")
. "$SRCDIR/tests/lib/rollback_env.sh"
trap 'rb_stop; rm -rf "$W"' EXIT

rb_setup 120
cd "$W/work" || exit 1
ASSUME="stop-migration:1,stop-migration:2,s3:4,verify"
RERUN=""
points="$W/points"
: >"$points"
crashes=0
external=0
resume=""

# run_once [CRASH_AT]: one start of the rollback; sets RC.
run_once() {
	local extra=()
	[ -n "$RERUN" ] && extra+=(--rerun "${RERUN#,}")
	if [ -n "${1:-}" ]; then
		# (a subshell, so bash's "Killed" notice stays out of the log)
		( CUTOVER_TEST_CRASH_AT=$1 exec "$CUTOVER" rollback "$RB" full --confirm production \
			--audit "$AUDIT" --sim-clock "$CLOCK" --assume-done "$ASSUME" $resume "${extra[@]}" \
			</dev/null >>"$W/run.out" 2>"$W/run.err" ) 2>/dev/null
		RC=$?
	else
		"$CUTOVER" rollback "$RB" full --confirm production --audit "$AUDIT" \
			--sim-clock "$CLOCK" --assume-done "$ASSUME" $resume "${extra[@]}" \
			</dev/null >>"$W/run.out" 2>"$W/run.err"
		RC=$?
	fi
	cat "$W/run.err" >>"$W/all.err"
	# A decision to run a step again answers that one unknown outcome only;
	# after another crash the operator looks again.
	RERUN=""
}

# After an exit 3 naming an unknown step: look at what the command left
# behind, as the operator would, and answer.
decide_unknown() {
	local n
	n=$(sed -n 's/.*item \([0-9]*\) .* has an unknown outcome.*/\1/p' "$W/run.err" | head -1)
	[ -n "$n" ] || return 1
	sleep 0.3   # a command orphaned by the kill may still be finishing
	if [ "$(rb_calls "$n")" -gt 0 ]; then
		ASSUME="$ASSUME,$n"
	else
		RERUN="$RERUN,$n"
	fi
	return 0
}

# settle: after a crash, resume (with answers) until it crashes, completes
# or needs an answer we cannot give.
handle_rc() {
	while [ "$RC" -eq 3 ] && decide_unknown; do
		run_once "${1:-}"
		[ "$RC" -eq 137 ] && return 0
	done
	return 0
}

i=0
for k in 4 2 6 3 5 2 7 3 4 6 2 5 3 8 4 2 6 3 5 7 2 4 3 6 5 2; do
	i=$((i + 1))
	run_once "$k"
	handle_rc "$k"
	echo "start $i (crash at $k): exit $RC" >>"$W/trace"
	if [ "$RC" -eq 137 ]; then
		crashes=$((crashes + 1))
		sed -n 's/.*test hook: kill -9 at crash point [0-9]* (\(.*\))$/\1/p' "$W/run.err" >>"$points"
	elif [ "$RC" -eq 0 ]; then
		break
	else
		_fail "start $i (crash at $k): exit $RC: $(tail -3 "$W/run.err")"
		break
	fi
	resume=--resume
	# Every sixth start, a kill -9 from outside at a random moment too.
	if [ $((i % 6)) -eq 0 ]; then
		extra=()
		[ -n "$RERUN" ] && extra+=(--rerun "${RERUN#,}")
		"$CUTOVER" rollback "$RB" full --confirm production --audit "$AUDIT" --sim-clock "$CLOCK" \
			--assume-done "$ASSUME" --resume "${extra[@]}" </dev/null >>"$W/run.out" 2>"$W/run.err" &
		pid=$!
		sleep "0.$((RANDOM % 6 + 2))"
		if kill -9 "$pid" 2>/dev/null; then external=$((external + 1)); fi
		wait "$pid" 2>/dev/null
		RC=$?
		RERUN=""
		cat "$W/run.err" >>"$W/all.err"
		handle_rc "$k"
		[ "$RC" -eq 137 ] && sed -n 's/.*test hook: kill -9 at crash point [0-9]* (\(.*\))$/\1/p' "$W/run.err" >>"$points"
		[ "$RC" -eq 0 ] && break
	fi
done

# The last start runs to the end.
for _ in 1 2 3 4; do
	[ "$RC" -eq 0 ] && break
	run_once
	handle_rc
	[ "$RC" -eq 3 ] || break
done
expect_rc 0 "$RC" "the resumed run completed ($(tail -3 "$W/run.err"))"
distinct=$(sort -u "$points" | wc -l)
echo "crashes by the hook: $crashes ($distinct distinct points), from outside: $external"
[ "$crashes" -ge 20 ] && [ "$distinct" -ge 20 ]
expect_rc 0 $? "at least 20 different crash points ($distinct): $(sort -u "$points" | tr '\n' ';')"
resumes=$(sqlite3 "$AUDIT" "SELECT count(*) FROM events WHERE kind='rollback.resume'")
[ "$resumes" -ge 20 ]; expect_rc 0 $? "resumed at least 20 times ($resumes)"

# No command ran twice; none was skipped.
pipe=$(sqlite3 "$AUDIT" "SELECT idx + 1 FROM rollback_items WHERE title LIKE '4.1 Restore the Kubernetes secret%'")
for s in $(sqlite3 "$AUDIT" "SELECT idx + 1 FROM rollback_items WHERE step_kind='exec'"); do
	want=1; [ "$s" = "$pipe" ] && want=2
	expect_eq "$(rb_calls "$s")" "$want" "step $s: its command ran exactly once"
done
expect_eq "$(sqlite3 "$AUDIT" "SELECT count(*) FROM rollback_items WHERE kind='step' AND state <> 'succeeded'")" "0" "every step succeeded"
expect_eq "$(sqlite3 "$AUDIT" "SELECT count(*) FROM rollback_runs")" "1" "one run, resumed"
expect_eq "$(sqlite3 "$AUDIT" "SELECT state FROM rollback_runs")" "completed" "run completed"

expect_eq "$(awsj ssm get-parameter --name /directfanz/flags/dual-write --query Parameter.Value --output text)" "false" "dual write off"
expect_eq "$(awsj ssm get-parameter --name /directfanz/redis/url --query Parameter.Value --output text)" \
	"redis://redis.internal.directfanz.io:6379" "REDIS_URL on the source"
expect_eq "$(awsj stepfunctions describe-execution --execution-arn arn:aws:states:us-east-1:123456789012:execution:directfanz-aws-migration:directfanz-cutover-2026-11-21 --query status --output text)" \
	"ABORTED" "the migration workflow stopped"

out=$("$CUTOVER" audit verify --db "$AUDIT" 2>&1)
expect_rc 0 $? "audit verify ($out)"
md=$("$CUTOVER" audit export --db "$AUDIT" --format md 2>&1)
expect_contains "$md" "| rollback.start | full |" "export: start"
expect_contains "$md" "| rollback.resume | full |" "export: resumes"
expect_contains "$md" "| rollback.end | full | completed" "export: end"
expect_contains "$md" "not recorded (still open, or ended abruptly)" "export: the killed sessions"
expect_not_contains "$md" "outcome unknown: verify" "export: every intent has its outcome"
finish
