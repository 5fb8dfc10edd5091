#!/usr/bin/env bash
# Server CPU per REGISTER at one fixed rate, in steady state, Kamailio and parley alternately:
# the comparison the registrar target asks for where SIPp, on the same two cores, saturates
# before either server does (bench/register.sh finds the highest zero-failure rates).
#
#   bench/register_cpu.sh                          # RATE=8000 REPEAT=3
#   RATE=12000 REPEAT=5 PARLEY=build/release/apps/parley/parley bench/register_cpu.sh
#   AUTH=on STORE=sqlite bench/register_cpu.sh     # digest on; parley's store sqlite (or redis)
#
# Each run: the server on a free loopback port, SIPp's REGISTER load (../shared/bench's scenario
# and 10,000 users) for WARM + WINDOW + 2 seconds, and the CPU time (user + system, the whole
# process tree, from /proc) of the server over WINDOW seconds that start WARM seconds in, divided
# by the REGISTERs SIPp saw answered in that window. WARM defaults to 36 s: longer than Timer J
# (32 s), so that parley's window holds transactions ending as fast as they begin, as it does in
# service, not its table filling up. Runs alternate, Kamailio first, so that a change in the
# machine's load hits both; the medians and their ratio are printed. Bounded: every process runs
# under a timeout and is stopped by its PID on exit.
#
# STORE (parley's): memory, sqlite (a new file per run) or redis (a redis-server on a free
# loopback port per run, whose CPU is printed apart: the server's own figure is parley's).
# AUTH=on: every registration is a REGISTER, its 401 and the REGISTER with MD5 credentials
# (bench/sipp/register_auth.xml: one user, as SIPp 3.6.1 cannot take credentials from an
# injection file), against parley with 10,001 users (--users, MD5 offered alone: SIPp answers the
# first challenge) and Kamailio with bench/kamailio/registrar-auth.cfg (the same registrar with
# auth's pv_www_authenticate, passwords in an htable loaded from db_text). CPU is then per
# registration: two transactions.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$(cd "$ROOT/../shared/bench" 2> /dev/null && pwd || echo /work/shared/bench)}
PARLEY=${PARLEY:-$ROOT/build/release/apps/parley/parley}
RATE=${RATE:-8000}
REPEAT=${REPEAT:-3}
WARM=${WARM:-36}
WINDOW=${WINDOW:-10}
AUTH=${AUTH:-off}
STORE=${STORE:-memory}
CHILDREN=${CHILDREN:-2}
THREADS=${THREADS:-0}  # parley's event-loop threads (0: one per core)
# SIPp's socket buffers: with the system's default (~200 KB) SIPp's own socket overflows at a pause
# of SIPp's under the digest load, and every datagram it drops is retransmitted by it and counted
# against the server.
SIPP_BUFFER=${SIPP_BUFFER:-8388608}
OUT=${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/parley-bench-register-cpu.XXXXXX")}
[ -x "$PARLEY" ] || { echo "no parley binary at $PARLEY (set PARLEY)" >&2; exit 2; }
command -v kamailio > /dev/null || { echo "kamailio not installed (scripts/setup.sh)" >&2; exit 2; }
mkdir -p "$OUT"
case "$STORE" in memory | sqlite | redis) ;; *) echo "STORE must be memory, sqlite or redis" >&2; exit 2 ;; esac
if [ "$STORE" = redis ]; then command -v redis-server > /dev/null || { echo "redis-server not installed" >&2; exit 2; }; fi

SCENARIO=("-sf" "$SHARED_BENCH/sipp/register.xml" "-inf" "$SHARED_BENCH/sipp/users.csv")
KAMAILIO_CFG=$SHARED_BENCH/kamailio/registrar.cfg
KAMAILIO_ARGS=()
PARLEY_ARGS=()
if [ "$AUTH" = on ]; then
  SCENARIO=("-sf" "$HERE/sipp/register_auth.xml")
  KAMAILIO_CFG=$HERE/kamailio/registrar-auth.cfg
  . "$HERE/lib/auth_users.sh"
  write_auth_users "$OUT"
  KAMAILIO_ARGS=(-A "$KAMAILIO_USERS_DB")
  PARLEY_ARGS=("${PARLEY_AUTH_ARGS[@]}")
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done; }
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# CPU seconds of a process and its descendants.
cpu_of() { python3 "$SHARED_BENCH/tools/cputree.py" "$1" | cut -d' ' -f1; }
# REGISTERs answered 200 so far, from SIPp's statistics file (SuccessfulCall(C)).
answered() { tail -1 "$1" | awk -F';' '{print $16}'; }

# run NAME -> sets US (CPU us per REGISTER), FAILED, RETRANS and STORE_US (redis-server's, or 0)
run() {
  local name=$1 port dir server sipp c0 c1 s0 s1 failed retrans store_spec redis= r0=0 r1=0
  port=$(free_port)
  dir="$OUT/$name-$(date +%H%M%S)"
  mkdir -p "$dir"
  local total=$((RATE * (WARM + WINDOW + 2)))
  if [ "$name" = kamailio ]; then
    timeout $((WARM + WINDOW + 60)) kamailio -f "$KAMAILIO_CFG" "${KAMAILIO_ARGS[@]}" -DD -E -m 1024 -M 16 \
      -n "$CHILDREN" -l "udp:127.0.0.1:$port" > "$dir/server.log" 2>&1 &
  else
    store_spec=$STORE
    if [ "$STORE" = sqlite ]; then store_spec="sqlite:$dir/parley.db"; fi
    if [ "$STORE" = redis ]; then
      local rport
      rport=$(free_port)
      timeout $((WARM + WINDOW + 70)) redis-server --port "$rport" --bind 127.0.0.1 --save '' \
        --appendonly no > "$dir/redis.log" 2>&1 &
      redis=$!
      pids+=("$redis")
      for _ in $(seq 50); do redis-cli -p "$rport" ping > /dev/null 2>&1 && break; sleep 0.1; done
      store_spec="redis://127.0.0.1:$rport"
    fi
    timeout $((WARM + WINDOW + 60)) "$PARLEY" serve --auth "$AUTH" --store "$store_spec" "${PARLEY_ARGS[@]}" \
      --threads "$THREADS" --listen "udp:127.0.0.1:$port" -v warn > "$dir/server.log" 2>&1 &
  fi
  server=$!
  pids+=("$server")
  sleep 1
  (cd "$dir" && timeout $((WARM + WINDOW + 40)) sipp "127.0.0.1:$port" "${SCENARIO[@]}" -t u1 -i 127.0.0.1 -p 0 -r "$RATE" -rp 1000 -m "$total" \
    -timeout "$((WARM + WINDOW + 30))s" -recv_timeout 10000 -max_retrans 5 -nostdin \
    -buff_size "$SIPP_BUFFER" -trace_stat -stf stat.csv -fd 1 > /dev/null 2> sipp.err) &
  sipp=$!
  pids+=("$sipp")
  sleep "$WARM"
  s0=$(answered "$dir/stat.csv")
  c0=$(cpu_of "$server")
  [ -n "$redis" ] && r0=$(cpu_of "$redis")
  sleep "$WINDOW"
  c1=$(cpu_of "$server")
  [ -n "$redis" ] && r1=$(cpu_of "$redis")
  s1=$(answered "$dir/stat.csv")
  wait "$sipp" || true
  kill "$server" 2> /dev/null || true
  wait "$server" 2> /dev/null || true
  if [ -n "$redis" ]; then kill "$redis" 2> /dev/null || true; wait "$redis" 2> /dev/null || true; fi
  failed=$(tail -1 "$dir/stat.csv" | awk -F';' '{print $18}')
  retrans=$(tail -1 "$dir/stat.csv" | awk -F';' '{print $58}')
  US=$(python3 -c "print('%.1f' % (1e6 * ($c1 - $c0) / max(1, $s1 - $s0)))")
  STORE_US=$(python3 -c "print('%.1f' % (1e6 * ($r1 - $r0) / max(1, $s1 - $s0)))")
  FAILED=$failed
  RETRANS=$retrans
}

k=()
p=()
echo "REGISTER over UDP at $RATE/s; CPU per REGISTER over ${WINDOW}s after ${WARM}s; parley: store $STORE, auth $AUTH; files in $OUT"
for i in $(seq "$REPEAT"); do
  run kamailio
  echo "  kamailio ($CHILDREN workers): $US us per REGISTER (failed $FAILED, retransmissions $RETRANS)"
  k+=("$US")
  run parley
  extra=""
  [ "$STORE" = redis ] && extra=", redis-server $STORE_US us more"
  echo "  parley:                $US us per REGISTER (failed $FAILED, retransmissions $RETRANS$extra)"
  p+=("$US")
done
python3 - "${k[*]}" "${p[*]}" << 'PY'
import statistics, sys
k = [float(x) for x in sys.argv[1].split()]
p = [float(x) for x in sys.argv[2].split()]
km, pm = statistics.median(k), statistics.median(p)
print(f"median: kamailio {km:.1f} us, parley {pm:.1f} us per REGISTER; parley/kamailio {pm / km:.2f}x (target <= 0.67x)")
PY
