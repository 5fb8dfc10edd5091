#!/usr/bin/env bash
# Sets everything up and runs every test: unit and loopback tests under AddressSanitizer + UBSan,
# the release build (warnings as errors), each fuzz target for a bounded time, a smoke run of the
# benchmarks, and the format check. CI runs exactly this (.ci/run).
#   scripts/test.sh               everything
#   FUZZ_SECONDS=5 scripts/test.sh  shorter fuzz runs
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
JOBS=${JOBS:-$(nproc)}
export CTEST_PARALLEL_LEVEL=${CTEST_PARALLEL_LEVEL:-$JOBS}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}

phase() { printf '\n==== %s (%ss)\n' "$*" "$SECONDS"; }

phase setup
scripts/setup.sh

passed=0; failed=0
count_ctest() { # reads a ctest log, adds its totals
  local line; line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$1" | tail -1)
  local total fail
  total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line"); fail=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")
  passed=$((passed + total - fail)); failed=$((failed + fail))
}

# Every test runs once, in the build with AddressSanitizer and UBSan: it is the build that
# catches the most. The release build (-O3, warnings as errors) compiles what ships and what is
# benchmarked; its tests would only repeat the sanitized run at twice the build time.
phase "build (asan)"
cmake --preset asan > /dev/null
cmake --build --preset asan -j "$JOBS"
phase "test (asan)"
log=$(mktemp)
set +e
ctest --preset asan -j "$JOBS" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
count_ctest "$log"
[ "$rc" -eq 0 ] || { echo "ctest (asan) failed"; echo "summary: $passed passed, $failed failed"; exit 1; }

phase "build (release: parley and benchmarks)"
cmake --preset release > /dev/null
benches=$(cmake --build --preset release --target help | grep -oE '^bench_[a-z_]+' | sort -u)
cmake --build --preset release -j "$JOBS" --target parley $benches

phase "fuzz (${FUZZ_SECONDS}s per target)"
cmake --preset fuzz > /dev/null
fuzzers=$(cmake --build --preset fuzz --target help | grep -oE '^fuzz_[a-z_]+' | sort -u)
cmake --build --preset fuzz -j "$JOBS" --target $fuzzers
for target in build/fuzz/fuzz/fuzz_*; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  corpus=$(mktemp -d)
  seeds="fuzz/corpus/${name#fuzz_}"
  [ -d "$seeds" ] && cp -r "$seeds"/. "$corpus"/
  if "$target" "$corpus" -max_total_time="$FUZZ_SECONDS" -max_len=8192 -rss_limit_mb=1024 -timeout=10 \
       -print_final_stats=1 > "$corpus.log" 2>&1; then
    echo "$name: $(grep -E 'stat::number_of_executed_units' "$corpus.log" | awk '{print $2}') runs, no crash"
    passed=$((passed + 1))
  else
    echo "$name: FAILED"; tail -60 "$corpus.log"; failed=$((failed + 1))
  fi
  rm -rf "$corpus" "$corpus.log"
done

phase "bench smoke"
for b in build/release/bench/bench_*; do
  [ -x "$b" ] || continue
  if "$b" --benchmark_min_time=0.01 > /dev/null; then passed=$((passed + 1)); echo "$(basename "$b"): ran";
  else failed=$((failed + 1)); echo "$(basename "$b"): FAILED"; fi
done

phase "format"
if files=$(git ls-files '*.cpp' '*.hpp' 2>/dev/null) && [ -n "$files" ]; then
  if clang-format --dry-run --Werror $files > /tmp/parley-format.log 2>&1; then passed=$((passed + 1)); echo "clang-format: clean"
  else failed=$((failed + 1)); head -40 /tmp/parley-format.log; fi
fi

phase done
echo "summary: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
