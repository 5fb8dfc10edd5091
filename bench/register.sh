#!/usr/bin/env bash
# REGISTER throughput, Kamailio then parley, in one run on one machine: for each server, SIPp's
# REGISTER load (../shared/bench/run-register.sh, its scenario and users) at each rate of RATES in
# turn, up to the first rate with a failed registration; prints every run, the highest rate each
# server held with zero failures, its CPU time per registration there, and the ratios.
#
#   bench/register.sh                                  # RATES="8000 12000 16000 20000 24000" DURATION=15
#   RATES="10000 15000" DURATION=30 PARLEY=build/h-reg-rel/apps/parley/parley bench/register.sh
#
# parley runs as `parley serve --auth off --store memory --listen udp:127.0.0.1:PORT`, Kamailio as
# ../shared/bench/common.sh starts it (kamailio/registrar.cfg: memory location, no auth, CHILDREN=2
# workers). STORE=sqlite gives parley a new SQLite file per run, STORE=redis a redis-server on a
# free loopback port for the sweep (emptied before each run). AUTH=on: every registration is a
# REGISTER, its 401 and the REGISTER with MD5 credentials (bench/sipp/register_auth.xml, one user:
# SIPp 3.6.1 cannot take credentials from an injection file), run here the way run-register.sh
# runs its scenario (which it does not let one change), against parley with 10,001 users
# (--users) and Kamailio with bench/kamailio/registrar-auth.cfg (the same registrar with digest).
# Bounded: RATE x DURATION registrations per run, SIPp and the servers under timeouts; 127.0.0.1
# only, ports picked at run time; servers stopped by PID.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$(cd "$ROOT/../shared/bench" 2> /dev/null && pwd || echo /work/shared/bench)}
PARLEY=${PARLEY:-$ROOT/build/release/apps/parley/parley}
RATES=${RATES:-8000 12000 16000 20000 24000}
export DURATION=${DURATION:-15}
STORE=${STORE:-memory}
AUTH=${AUTH:-off}
THREADS=${THREADS:-0}
# SIPp's socket buffers (-buff_size): with the system's default (~200 KB) SIPp's own socket
# overflows when SIPp pauses, and what it drops it retransmits, counted against the server.
SIPP_BUFFER=${SIPP_BUFFER:-8388608}
export SIPP_EXTRA="${SIPP_EXTRA:-} -buff_size $SIPP_BUFFER"
OUT=${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/parley-bench-register.XXXXXX")}
mkdir -p "$OUT"
export OUT_BASE="$OUT"  # run-register.sh appends its summary lines to $OUT_BASE/summary.log
[ -x "$PARLEY" ] || { echo "no parley binary at $PARLEY (set PARLEY)" >&2; exit 2; }
[ -x "$SHARED_BENCH/run-register.sh" ] || { echo "no $SHARED_BENCH/run-register.sh" >&2; exit 2; }

case "$STORE" in memory | sqlite | redis) ;; *) echo "STORE must be memory, sqlite or redis" >&2; exit 2 ;; esac

free_port() {
  python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
kv() { tr ' ' '\n' < "$2" | sed -n "s/^$1=//p" | head -1; }

# sweep NAME SERVER_CMD_TEMPLATE: runs each rate until one fails; sets BEST_RATE and BEST_US.
sweep() {
  local name=$1 template=$2 rate port uac dir failed achieved cpu
  BEST_RATE=0
  BEST_US=nan
  for rate in $RATES; do
    port=$(free_port)
    uac=$(free_port)
    dir="$OUT/$name-$rate"
    mkdir -p "$dir"
    local cmd=${template//@PORT@/$port}
    [ -n "$REDIS_PORT" ] && redis-cli -p "$REDIS_PORT" flushall > /dev/null
    if [ "$AUTH" = on ]; then
      SIP_PORT=$port UAC_PORT=$uac RATE=$rate OUT_DIR=$dir SERVER_NAME=$name SERVER_CMD=$cmd \
        timeout $((DURATION + 120)) bash -c "$(declare -f run_auth); run_auth" | tail -1 || true
    else
      SIP_PORT=$port UAC_PORT=$uac RATE=$rate OUT_DIR=$dir SERVER_NAME=$name SERVER_CMD=$cmd \
        timeout $((DURATION + 120)) "$SHARED_BENCH/run-register.sh" | tail -1 || true
    fi
    [ -f "$dir/summary.kv" ] || { echo "$name at $rate: no summary (see $dir)"; break; }
    failed=$(kv failed "$dir/summary.kv")
    achieved=$(kv achieved_rate "$dir/summary.kv")
    cpu=$(kv server_cpu_pct "$dir/summary.kv")
    if [ "$failed" != 0 ]; then break; fi
    BEST_RATE=$rate
    # CPU per registration: the server's share of one core over the run, divided by the rate.
    BEST_US=$(python3 -c "print('%.1f' % (1e6 * $cpu / 100 / max(float('$achieved'), 1)))")
  done
}

# run_auth: run-register.sh's steps with the digest scenario (environment as for run-register.sh).
run_auth() {
  set -u
  . "$SHARED_BENCH/common.sh"
  mkdir -p "$OUT_DIR"
  TOTAL=$((RATE * DURATION))
  trap 'stop_server' EXIT
  start_server
  c0=$(server_cpu)
  t0=$(now)
  TIMEFORMAT='%U %S %R'
  { time (cd "$OUT_DIR" && timeout -k 5 $((DURATION + 40)) "$SIPP" "$SIP_HOST:$SIP_PORT" -sf "$HERE/sipp/register_auth.xml" \
    -t "$TRANSPORT" -i 127.0.0.1 -p "$UAC_PORT" -r "$RATE" -rp 1000 -m "$TOTAL" -timeout "$((DURATION + 20))s" \
    -recv_timeout 10000 -max_retrans 5 -nostdin -buff_size "$SIPP_BUFFER" -trace_stat -stf "$OUT_DIR/stat.csv" -fd 5 -trace_rtt -rtt_freq 1 \
    -trace_err -error_file "$OUT_DIR/errors.log" > /dev/null 2> "$OUT_DIR/sipp.stderr"); } 2> "$OUT_DIR/sipp.time"
  c1=$(server_cpu)
  t1=$(now)
  stop_server
  trap - EXIT
  S=$(python3 "$SHARED_BENCH/tools/sippsum.py" "$OUT_DIR/stat.csv" "$OUT_DIR")
  SRV_CPU=$(python3 -c "print('%.0f' % (100*($c1-$c0)/($t1-$t0)))")
  echo "$S server_cpu_pct=$SRV_CPU" > "$OUT_DIR/summary.kv"
  echo "$SERVER_NAME register+digest at $RATE/s: $S server_cpu_pct=$SRV_CPU"
}
export HERE SHARED_BENCH SIPP_BUFFER

PARLEY_STORE=$STORE
PARLEY_EXTRA=""
KAMAILIO_CFG=registrar.cfg
KAMAILIO_DIR=$SHARED_BENCH
REDIS_PORT=""
REDIS_PID=""
trap '[ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2> /dev/null; true' EXIT
if [ "$STORE" = sqlite ]; then PARLEY_STORE="sqlite:$OUT/parley-@PORT@.db"; fi
if [ "$AUTH" = on ]; then
  . "$HERE/lib/auth_users.sh"
  write_auth_users "$OUT"
  PARLEY_EXTRA="${PARLEY_AUTH_ARGS[*]}"
  KAMAILIO_CFG=registrar-auth.cfg
  KAMAILIO_DIR=$HERE
fi

PARLEY_CMD="$PARLEY serve --auth $AUTH --store $PARLEY_STORE $PARLEY_EXTRA --listen udp:127.0.0.1:@PORT@ --threads $THREADS -v warn"
KAMAILIO_TEMPLATE=$(SIP_PORT=@PORT@ BENCH_DIR=$KAMAILIO_DIR bash -c ". '$SHARED_BENCH/common.sh'; kamailio_cmd $KAMAILIO_CFG")
if [ "$AUTH" = on ]; then KAMAILIO_TEMPLATE="$KAMAILIO_TEMPLATE -A '$KAMAILIO_USERS_DB'"; fi

echo "== Kamailio: $KAMAILIO_TEMPLATE"
sweep kamailio "$KAMAILIO_TEMPLATE"
K_RATE=$BEST_RATE K_US=$BEST_US
if [ "$STORE" = redis ]; then
  REDIS_PORT=$(free_port)
  timeout 3600 redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no > "$OUT/redis.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping > /dev/null 2>&1 && break; sleep 0.1; done
  PARLEY_CMD=${PARLEY_CMD//--store redis /--store redis://127.0.0.1:$REDIS_PORT }
fi
echo "== parley: $PARLEY_CMD"
sweep parley "$PARLEY_CMD"
P_RATE=$BEST_RATE P_US=$BEST_US

echo
echo "REGISTER, UDP, ${DURATION}s per rate, rates tried: $RATES (files in $OUT)"
printf '  kamailio: %s reg/s with 0 failures, %s us CPU per registration\n' "$K_RATE" "$K_US"
printf '  parley:   %s reg/s with 0 failures, %s us CPU per registration (store %s, auth %s)\n' \
  "$P_RATE" "$P_US" "$STORE" "$AUTH"
python3 - "$K_RATE" "$P_RATE" "$K_US" "$P_US" << 'PY'
import sys
k, p, ku, pu = (float(x) for x in sys.argv[1:])
ratio = p / k if k else float("nan")
cpu = pu / ku if ku == ku and ku else float("nan")
print(f"  ratio parley/kamailio: {ratio:.2f}x rate (target 1.5x), {cpu:.2f}x CPU per registration")
PY
