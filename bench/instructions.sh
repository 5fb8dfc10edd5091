#!/usr/bin/env bash
# Instructions per message for each parser on each corpus message, counted by callgrind: the
# difference between 2N and N parses, divided by N, so start-up cost drops out. Unlike wall-clock
# rates, these counts do not move with the load on a shared machine.
#   bench/instructions.sh [build/release/bench/bench_message] [N]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build/release/bench/bench_message}
n=${2:-400}
count() { # parser file runs
  local out; out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" --repeat "$1" "$2" "$3" > /dev/null 2>&1
  awk '/^(summary|totals):/ {print $2; exit}' "$out"; rm -f "$out"
}
printf '%-14s %12s %12s %12s %12s %12s %11s %11s\n' message parley_proxy parley_full parley_lint_sdp \
  sofia_full osip_full sofia/proxy sofia/full
for f in "$here"/corpus/*.sip; do
  declare -A ir=()
  for p in parley_proxy parley_full parley_lint_sdp sofia_full osip_full; do
    a=$(count "$p" "$f" "$n"); b=$(count "$p" "$f" $((2 * n)))
    ir[$p]=$(( (b - a) / n ))
  done
  printf '%-14s %12d %12d %12d %12d %12d %10.2fx %10.2fx\n' "$(basename "$f" .sip)" \
    "${ir[parley_proxy]}" "${ir[parley_full]}" "${ir[parley_lint_sdp]}" "${ir[sofia_full]}" \
    "${ir[osip_full]}" \
    "$(echo "${ir[sofia_full]} / ${ir[parley_proxy]}" | bc -l)" "$(echo "${ir[sofia_full]} / ${ir[parley_full]}" | bc -l)"
done
