#!/usr/bin/env bash
# REGISTER throughput, Kamailio then parley, in one run on one machine: for each server, SIPp's
# REGISTER load (../shared/bench/run-register.sh, its scenario and users) at each rate of RATES in
# turn, up to the first rate with a failed registration; prints every run, the highest rate each
# server held with zero failures, its CPU time per registration there, and the ratios.
#
#   bench/register.sh                                  # RATES="8000 12000 16000 20000 24000" DURATION=15
#   RATES="10000 15000" DURATION=30 PARLEY=build/h-reg-rel/apps/parley/parley bench/register.sh
#
# parley runs as `parley serve --auth off --store memory --listen udp:127.0.0.1:PORT` (STORE and
# AUTH change that; with AUTH=on the SIPp scenario, which has no credentials, fails every call),
# Kamailio as ../shared/bench/common.sh starts it (kamailio/registrar.cfg: memory location, no auth,
# CHILDREN=2 workers). Bounded: RATE x DURATION registrations per run, SIPp and the servers under
# timeouts; 127.0.0.1 only, ports picked at run time; servers stopped by PID (run-register.sh).
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
OUT=${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/parley-bench-register.XXXXXX")}
mkdir -p "$OUT"
export OUT_BASE="$OUT"  # run-register.sh appends its summary lines to $OUT_BASE/summary.log
[ -x "$PARLEY" ] || { echo "no parley binary at $PARLEY (set PARLEY)" >&2; exit 2; }
[ -x "$SHARED_BENCH/run-register.sh" ] || { echo "no $SHARED_BENCH/run-register.sh" >&2; exit 2; }

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
    SIP_PORT=$port UAC_PORT=$uac RATE=$rate OUT_DIR=$dir SERVER_NAME=$name SERVER_CMD=$cmd \
      timeout $((DURATION + 120)) "$SHARED_BENCH/run-register.sh" | tail -1 || true
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

PARLEY_CMD="$PARLEY serve --auth $AUTH --store $STORE --listen udp:127.0.0.1:@PORT@ --threads $THREADS -v warn"
KAMAILIO_TEMPLATE=$(SIP_PORT=@PORT@ bash -c ". '$SHARED_BENCH/common.sh'; kamailio_cmd registrar.cfg")

echo "== Kamailio: $KAMAILIO_TEMPLATE"
sweep kamailio "$KAMAILIO_TEMPLATE"
K_RATE=$BEST_RATE K_US=$BEST_US
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
