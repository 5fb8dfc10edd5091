#!/usr/bin/env bash
# User-space instructions per REGISTER of `parley serve` in steady state, counted by callgrind:
# unlike CPU time they do not move with the load on a shared machine, so a change to the
# registrar's path can be measured before and after on a busy machine.
#
#   bench/register_instructions.sh [PARLEY] [RATE]      # RATE=100 REGISTERs a second
#   AUTH=on bench/register_instructions.sh              # digest: per registration, two transactions
#
# The server runs under valgrind (about 50x slower, hence the low rate) with --store memory
# --auth off; SIPp sends ../shared/bench's REGISTER scenario for 48 s (with AUTH=on: --auth on,
# bench/sipp/register_auth.xml and the users of bench/lib/auth_users.sh, as in
# bench/register_cpu.sh). The counters are zeroed after 36 s (past Timer J's 32 s, so the window
# holds transactions ending as well as starting) and dumped 10 s later; the count is divided by
# the registrations answered in between. Kernel time
# (system calls) is not in it: bench/register_cpu.sh measures the whole. Bounded by timeouts;
# 127.0.0.1 only; the server is stopped by its PID.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$(cd "$ROOT/../shared/bench" 2> /dev/null && pwd || echo /work/shared/bench)}
PARLEY=$(realpath "${1:-$ROOT/build/release/apps/parley/parley}")
RATE=${2:-100}
AUTH=${AUTH:-off}
DURATION=48
[ -x "$PARLEY" ] || { echo "no parley binary at $PARLEY" >&2; exit 2; }
command -v valgrind > /dev/null || { echo "valgrind not installed" >&2; exit 2; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/parley-register-instructions.XXXXXX")
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cd "$dir"
SCENARIO=(-sf "$SHARED_BENCH/sipp/register.xml" -inf "$SHARED_BENCH/sipp/users.csv")
PARLEY_AUTH_ARGS=()
if [ "$AUTH" = on ]; then
  . "$HERE/lib/auth_users.sh"
  write_auth_users "$dir"
  SCENARIO=(-sf "$HERE/sipp/register_auth.xml")
fi
timeout $((DURATION + 90)) valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.out" \
  "$PARLEY" serve --auth "$AUTH" "${PARLEY_AUTH_ARGS[@]}" --store memory --listen "udp:127.0.0.1:$port" -v warn > server.log 2>&1 &
server=$!
trap 'kill $server 2> /dev/null || true' EXIT
sleep 4
timeout $((DURATION + 40)) sipp "127.0.0.1:$port" "${SCENARIO[@]}" -t u1 -i 127.0.0.1 -p 0 -r "$RATE" -rp 1000 \
  -m $((RATE * DURATION)) -timeout $((DURATION + 30))s -recv_timeout 10000 -max_retrans 5 -nostdin \
  -trace_stat -stf stat.csv -fd 1 > /dev/null 2> sipp.err &
sipp=$!
answered() { tail -1 stat.csv | awk -F';' '{print $16}'; }
sleep 36
vg=$(pgrep -P "$server" | head -1)  # valgrind itself, the child of timeout
callgrind_control -z "${vg:-$server}" > /dev/null
s0=$(answered)
sleep 10
s1=$(answered)
callgrind_control -d "${vg:-$server}" > /dev/null
sleep 1
wait "$sipp" || true
kill "$server" 2> /dev/null || true
wait "$server" 2> /dev/null || true
dump=$(ls -t "$dir"/callgrind.out.* | head -1)
ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$dump")
echo "registrations answered in the window: $((s1 - s0)); failed in the run: $(tail -1 stat.csv | awk -F';' '{print $18}')"
python3 -c "print('instructions per registration: %.0f' % ($ir / max(1, $s1 - $s0)))"
echo "profile: $dump (callgrind_annotate --inclusive=yes)"
