#!/usr/bin/env bash
# run.sh: bounded fuzzing of every target, for the bench command and by hand.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#
# Builds the clang libFuzzer build (ASan+UBSan, coverage on the libraries)
# in build-fuzz/, runs each target (all of tests/fuzz/fuzz_*.c, or the ones
# named) for SECONDS (default 60), FUZZ_PARALLEL at a time (default: the
# number of cores), one process per target.  New inputs go to
# build-fuzz/fuzz-work/NAME/new; afterwards `-merge=1` copies into
# tests/fuzz/corpus/NAME/ only those that add coverage.  Crashes, leaks and
# UB reports are kept as build-fuzz/fuzz-work/NAME/crash-* (and friends).
# Prints one line per target (executions, exec/s, cov, ft, corpus files
# after the merge and the change, findings) and exits 1 when any target found something.
#
# SECONDS 0 only minimizes the corpora.  FUZZ_MERGE=0 skips the merge (the
# corpus in git stays as it is).  The merge keeps every file with a chosen
# name (seeds, bug reproducers) and replaces libFuzzer's SHA-1-named finds
# by a smallest set that keeps the edge coverage (-set_cover_merge=1).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

secs=60
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
	secs=$1
	shift
fi
parallel=${FUZZ_PARALLEL:-$(nproc)}
merge=${FUZZ_MERGE:-1}
build=$root/build-fuzz
work=$build/fuzz-work

if ! command -v clang >/dev/null; then
	echo "run.sh: clang is needed (apt-get install clang libclang-rt-14-dev)" >&2
	exit 2
fi
if [ ! -f "$build/build.ninja" ]; then
	# -Werror off: this build hunts bugs; clang's extra warnings are CI's business
	cmake -S . -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCUTOVER_SANITIZE=address -DCUTOVER_FUZZ=ON -DCUTOVER_WERROR=OFF >/dev/null
fi
cmake --build "$build" -j "$(nproc)" --target fuzz_targets >&2

if [ $# -gt 0 ]; then
	targets=("$@")
else
	targets=()
	for f in tests/fuzz/fuzz_*.c; do
		n=${f##*/fuzz_}
		targets+=("${n%.c}")
	done
fi

export SIM_FUZZ_SCENARIO=${SIM_FUZZ_SCENARIO:-$root/tests/fixtures/sim/full.scenario.json}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Rebuild the corpus as: every named file (seeds, reproducers) kept as it
# is, plus a smallest set of libFuzzer's finds (SHA-1 names) that covers
# every edge the old corpus and the new finds cover (-set_cover_merge; hit
# counts are left out with -use_counters=0, which halves the files kept).
minimize() {
	local bin=$1 dir=$2 corpus=$3 new=$4 f
	rm -rf "$dir/min"
	mkdir -p "$dir/min"
	for f in "$corpus"/*; do
		[ -f "$f" ] || continue
		[[ ${f##*/} =~ ^[0-9a-f]{40}$ ]] || cp "$f" "$dir/min/"
	done
	if ! "$bin" -set_cover_merge=1 -use_counters=0 -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-artifact_prefix="$dir/merge-" "$dir/min" "$corpus" "$new" >"$dir/merge.log" 2>&1; then
		echo "run.sh: merge failed for ${corpus##*/}, corpus left as it was ($dir/merge.log)" >&2
		return 0
	fi
	find "$corpus" -maxdepth 1 -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -delete
	for f in "$dir/min"/*; do
		[[ ${f##*/} =~ ^[0-9a-f]{40}$ ]] && cp "$f" "$corpus/"
	done
	return 0
}

# One target: fuzz for $secs (0: only minimize the corpus), then merge
# what it found into the corpus.
fuzz_one() {
	local name=$1 bin=$build/tests/fuzz/fuzz_$1 dir=$work/$1 corpus=$root/tests/fuzz/corpus/$1
	local dict=() before after
	rm -rf "$dir"
	mkdir -p "$dir/new" "$corpus"
	: >"$dir/fuzz.log"
	[ -f "$root/tests/fuzz/dict/$name.dict" ] && dict=(-dict="$root/tests/fuzz/dict/$name.dict")
	before=$(find "$corpus" -type f | wc -l)
	# the new-inputs directory first: libFuzzer writes its finds there
	[ "$secs" -gt 0 ] && "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="$dir/" "${dict[@]}" \
		"$dir/new" "$corpus" >"$dir/fuzz.log" 2>&1 || true
	if [ "$merge" = 1 ]; then
		minimize "$bin" "$dir" "$corpus" "$dir/new"
	fi
	after=$(find "$corpus" -type f | wc -l)
	printf '%d(%+d)' "$after" $((after - before)) >"$dir/added"
}

running=0
for t in "${targets[@]}"; do
	if [ ! -x "$build/tests/fuzz/fuzz_$t" ]; then
		echo "run.sh: no target '$t' (tests/fuzz/fuzz_$t.c)" >&2
		exit 2
	fi
	echo "fuzzing $t for ${secs}s" >&2
	fuzz_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$parallel" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

found=0
printf '%-26s %12s %9s %7s %7s %10s  %s\n' target execs exec/s cov ft corpus findings
for t in "${targets[@]}"; do
	dir=$work/$t
	last=$(grep -E '^#[0-9]+' "$dir/fuzz.log" | tail -1 || true)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/fuzz.log" | tail -1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	finds=$(find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
		-o -name 'oom-*' -o -name 'slow-unit-*' -o -name 'merge-*' \) | wc -l)
	[ "$finds" -gt 0 ] && found=1
	printf '%-26s %12s %9s %7s %7s %10s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" \
		"${ft:-?}" "$(cat "$dir/added" 2>/dev/null || echo ?)" \
		"$([ "$finds" -gt 0 ] && echo "$finds in $dir" || echo none)"
done
exit $found
