#!/usr/bin/env bash
# Server CPU time per OPTIONS transaction over loopback UDP: SIPp sends OPTIONS at a fixed rate to
# parley (the interop responder: transport + transaction layer, one stateful non-INVITE server
# transaction per OPTIONS) and then to Kamailio (../shared/bench/kamailio/registrar.cfg, which
# answers OPTIONS statelessly), one after the other in one run; the CPU time of each server's
# process tree (user + system, ../shared/bench/tools/cputree.py) over the load, divided by the
# OPTIONS answered, and the ratio parley / Kamailio.
#
#   bench/options.sh                                   # RATE=2000 WARMUP=35 DURATION=10
#   RATE=5000 DURATION=20 RESPONDER=build/h-net-rel/tests/interop/responder bench/options.sh
#
# Bounded: RATE x (WARMUP + DURATION) OPTIONS per server, SIPp stops by itself (-m) and by timeout; loopback
# only; every process it starts is stopped by PID, also on failure.
# Knobs: RATE, DURATION, WARMUP, RESPONDER, THREADS (responder event loops, default 1), KAMAILIO,
# CHILDREN (Kamailio UDP workers, default 2 as in ../shared/bench/common.sh), SHARED_BENCH (default ../shared/bench next to this
# repository), OUT_DIR (kept when set).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
RATE=${RATE:-2000}
DURATION=${DURATION:-10}
# Unmeasured load first, as long as a non-INVITE server transaction lives over UDP (Timer J =
# 64*T1 = 32 s): the measured window then sees the steady state (as many transactions ending as
# starting, the heap grown) rather than parley's table filling up.
WARMUP=${WARMUP:-35}
THREADS=${THREADS:-1}
CHILDREN=${CHILDREN:-2}  # as ../shared/bench/common.sh starts Kamailio
KAMAILIO=${KAMAILIO:-/usr/sbin/kamailio}
SHARED_BENCH=${SHARED_BENCH:-$(cd "$ROOT/../shared/bench" 2> /dev/null && pwd || echo /work/shared/bench)}
RESPONDER=${RESPONDER:-$ROOT/build/h-net-rel/tests/interop/responder}
SCENARIO=$ROOT/tests/interop/scenarios/options_bench.xml
CALLS=$((RATE * DURATION))
OUT_DIR=${OUT_DIR:-}
KEEP=${OUT_DIR:+yes}
OUT_DIR=${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/parley-options.XXXXXX")}
mkdir -p "$OUT_DIR"

[ -x "$RESPONDER" ] || { echo "no responder at $RESPONDER (cmake --build <dir> --target interop_responder)" >&2; exit 2; }
[ -x "$KAMAILIO" ] || { echo "no kamailio at $KAMAILIO" >&2; exit 2; }
command -v sipp > /dev/null || { echo "sipp is not installed" >&2; exit 2; }
[ -f "$SHARED_BENCH/kamailio/registrar.cfg" ] || { echo "no $SHARED_BENCH/kamailio/registrar.cfg" >&2; exit 2; }
if [ "$CALLS" -le 0 ] || [ $((CALLS + RATE * WARMUP)) -gt 2000000 ]; then
  echo "RATE x (DURATION + WARMUP) must be between 1 and 2,000,000" >&2
  exit 2
fi

SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2> /dev/null || true; fi
  [ -n "$KEEP" ] || rm -rf "$OUT_DIR"
}
trap cleanup EXIT

free_udp_port() {
  python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
listening() { ss -H -lun "sport = :$1" 2> /dev/null | grep -q .; }
cpu() { python3 "$SHARED_BENCH/tools/cputree.py" "$1" | cut -d' ' -f1; }
stat_col() {
  python3 - "$1" "$2" << 'PY'
import sys
rows = [l.rstrip("\n").split(";") for l in open(sys.argv[1]) if l.strip()]
print(rows[-1][rows[0].index(sys.argv[2])])
PY
}

# measure NAME CMD...: starts the server on $PORT, loads it, prints "name ok failed retrans cpu_s".
measure() {
  local name=$1
  shift
  "$@" > "$OUT_DIR/$name-server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do
    listening "$PORT" && break
    kill -0 "$SERVER_PID" 2> /dev/null || { echo "$name died at start: $(tail -3 "$OUT_DIR/$name-server.log")" >&2; exit 3; }
    sleep 0.1
  done
  sleep 1  # every worker up
  local before after rc=0
  if [ "$WARMUP" -gt 0 ]; then
    timeout $((WARMUP + 60)) sipp "127.0.0.1:$PORT" -sf "$SCENARIO" -i 127.0.0.1 -p "$SIPP_PORT" \
      -r "$RATE" -m $((RATE * WARMUP)) -l $((RATE * 2)) -nostdin -timeout $((WARMUP + 40))s \
      > "$OUT_DIR/$name-warmup.log" 2>&1 || true
  fi
  before=$(cpu "$SERVER_PID")
  timeout $((DURATION + 60)) sipp "127.0.0.1:$PORT" -sf "$SCENARIO" -i 127.0.0.1 -p "$SIPP_PORT" \
    -r "$RATE" -m "$CALLS" -l $((RATE * 2)) -nostdin -timeout $((DURATION + 40))s \
    -trace_stat -stf "$OUT_DIR/$name.csv" > "$OUT_DIR/$name-sipp.log" 2>&1 || rc=$?
  after=$(cpu "$SERVER_PID")
  kill -TERM "$SERVER_PID" 2> /dev/null || true
  for _ in $(seq 50); do kill -0 "$SERVER_PID" 2> /dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2> /dev/null || true
  wait "$SERVER_PID" 2> /dev/null || true
  SERVER_PID=
  local ok failed retrans
  ok=$(stat_col "$OUT_DIR/$name.csv" 'SuccessfulCall(C)')
  failed=$(stat_col "$OUT_DIR/$name.csv" 'FailedCall(C)')
  retrans=$(stat_col "$OUT_DIR/$name.csv" 'Retransmissions(C)')
  echo "$name $ok $failed $retrans $(python3 -c "print(round($after - $before, 2))") $rc"
}

PORT=$(free_udp_port)
SIPP_PORT=$(free_udp_port)
echo "OPTIONS over loopback UDP: $RATE/s, ${WARMUP}s unmeasured then ${DURATION}s measured ($CALLS per server), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
P=$(measure parley "$RESPONDER" --listen "udp:127.0.0.1:$PORT" --threads "$THREADS")
PORT=$(free_udp_port)
K=$(measure kamailio "$KAMAILIO" -f "$SHARED_BENCH/kamailio/registrar.cfg" -DD -E -m 256 -M 16 \
  -n "$CHILDREN" -l "udp:127.0.0.1:$PORT")

python3 - "$P" "$K" "$RATE" "$DURATION" "$THREADS" "$CHILDREN" << 'PY'
import sys
rows = {}
for line in sys.argv[1:3]:
    name, ok, failed, retrans, cpu, rc = line.split()
    rows[name] = dict(ok=int(ok), failed=int(failed), retrans=int(retrans), cpu=float(cpu), rc=int(rc))
print("| server | OPTIONS answered | failed | SIPp retransmissions | server CPU s | CPU µs per OPTIONS |")
print("|---|---:|---:|---:|---:|---:|")
per = {}
for name, r in rows.items():
    per[name] = r["cpu"] / r["ok"] * 1e6 if r["ok"] else float("nan")
    label = {"parley": "parley (responder, %s thread(s))" % sys.argv[5],
             "kamailio": "Kamailio (registrar.cfg, %s UDP worker(s))" % sys.argv[6]}[name]
    print("| %s | %d | %d | %d | %.2f | %.1f |" % (label, r["ok"], r["failed"], r["retrans"], r["cpu"], per[name]))
ratio = per["parley"] / per["kamailio"] if per["kamailio"] else float("nan")
print("ratio parley/kamailio: %.2f (target <= 0.50)" % ratio)
bad = [n for n, r in rows.items() if r["failed"] or r["rc"] or r["ok"] != int(sys.argv[3]) * int(sys.argv[4])]
if bad:
    print("WARNING: not every OPTIONS succeeded for: " + ", ".join(bad) + " (saturated? see OUT_DIR)")
    sys.exit(1)
PY
