#!/usr/bin/env bash
# SIPp (Debian's sip-tester) against the transport and transaction layers, through the responder
# (tests/interop/responder.cpp), over UDP on 127.0.0.1:
#  - SIPp as client: OPTIONS (scenarios/options_uac.xml) and INVITE (built-in uac), first with
#    every response delivered (no retransmission anywhere), then with the responder dropping
#    responses on purpose: SIPp must retransmit, the transaction layer must absorb the
#    retransmissions (answering from Completed, or Accepted plus the TU's 2xx retransmission),
#    and every call must still succeed.
#  - SIPp as server (built-in uas, and scenarios/options_uas.xml) with the responder as client
#    sending INVITE (+ ACK + BYE) and OPTIONS transactions.
# Checked: SIPp's exit code, its call and retransmission counts (-trace_stat), the responder's
# counters and exit code.
source "$(dirname "$0")/lib.sh"

RESPONDER=${PARLEY_RESPONDER:-${PARLEY_BUILD:-}/tests/interop/responder}
SCENARIOS=$(cd "$(dirname "$0")" && pwd)/scenarios
command -v sipp > /dev/null || { echo "FAILED: sipp (sip-tester) is not installed"; exit 1; }
[ -x "$RESPONDER" ] || { echo "FAILED: no responder at $RESPONDER"; exit 1; }

# kv KEY FILE: the value of KEY=... in FILE (the responder's report).
kv() { sed -n "s/^$1=//p" "$2" | tail -1; }
# sipp_stat FILE COLUMN: COLUMN of the last row of a SIPp -trace_stat file.
sipp_stat() {
  python3 - "$1" "$2" << 'PY'
import sys
rows = [l.rstrip("\n").split(";") for l in open(sys.argv[1]) if l.strip()]
print(rows[-1][rows[0].index(sys.argv[2])])
PY
}
eq() { [ "$1" = "$2" ] || { echo "  expected $2, got $1"; return 1; }; }
ge() { [ "$1" -ge "$2" ] || { echo "  expected at least $2, got $1"; return 1; }; }

# sipp_client NAME CALLS DROP TIMES SIPP-SCENARIO-ARGS...: the responder as server, SIPp as
# client; leaves the responder's report in $WORK/NAME-responder.log, SIPp's stats in NAME.csv.
sipp_client() {
  local name=$1 calls=$2 drop=$3 times=$4
  shift 4
  local port sport rc=0 rrc=0
  port=$(free_port udp)
  sport=$(free_port udp)
  start "$name-responder" "$RESPONDER" --listen "udp:127.0.0.1:$port" --drop "$drop" \
    --drop-times "$times"
  local rpid=$LAST_PID
  if ! wait_udp "$port"; then
    check "$name: the responder listens on $port" false
    return
  fi
  timeout 120 sipp "127.0.0.1:$port" -i 127.0.0.1 -p "$sport" -m "$calls" -r 10 -l 10 \
    -nostdin -timeout 60s -timeout_error -max_recv_loops 1000 \
    -trace_stat -stf "$WORK/$name.csv" -trace_screen -screen_file "$WORK/$name.screen" \
    "$@" > "$WORK/$name-sipp.log" 2>&1 || rc=$?
  stop "$rpid" || rrc=$?
  check "$name: SIPp exits 0" eq "$rc" 0
  check "$name: the responder exits 0 on SIGTERM" eq "$rrc" 0
  check "$name: SIPp counts $calls successful calls" eq "$(sipp_stat "$WORK/$name.csv" 'SuccessfulCall(C)')" "$calls"
  check "$name: SIPp counts no failed call" eq "$(sipp_stat "$WORK/$name.csv" 'FailedCall(C)')" 0
}

# --- SIPp as client, nothing lost ---------------------------------------------------------------
CALLS=20
sipp_client options $CALLS 0 1 -sf "$SCENARIOS/options_uac.xml"
R=$WORK/options-responder.log
check "options: no retransmission by SIPp" eq "$(sipp_stat "$WORK/options.csv" 'Retransmissions(C)')" 0
check "options: $CALLS new server transactions" eq "$(kv requests "$R")" $CALLS
check "options: $CALLS OPTIONS answered" eq "$(kv options "$R")" $CALLS
check "options: no retransmission absorbed" eq "$(kv retransmissions_absorbed "$R")" 0

sipp_client invite $CALLS 0 1 -sn uac -d 50
R=$WORK/invite-responder.log
check "invite: no retransmission by SIPp" eq "$(sipp_stat "$WORK/invite.csv" 'Retransmissions(C)')" 0
check "invite: $CALLS INVITEs" eq "$(kv invites "$R")" $CALLS
check "invite: $CALLS ACKs for the 2xx reach the TU" eq "$(kv acks "$R")" $CALLS
check "invite: $CALLS BYEs" eq "$(kv byes "$R")" $CALLS
check "invite: no 2xx retransmitted" eq "$(kv retransmitted_2xx "$R")" 0

# --- SIPp as client, responses lost -------------------------------------------------------------
# OPTIONS: the first 200 of 5 transactions is lost. SIPp retransmits each once after T1 (500 ms);
# the non-INVITE server transaction, in Completed, absorbs the retransmission and sends the 200
# again (§17.2.2).
DROP=5
sipp_client options_lossy $CALLS $DROP 1 -sf "$SCENARIOS/options_uac.xml"
R=$WORK/options_lossy-responder.log
check "options lossy: $DROP responses dropped" eq "$(kv responses_dropped "$R")" $DROP
check "options lossy: SIPp retransmitted $DROP times" eq "$(sipp_stat "$WORK/options_lossy.csv" 'Retransmissions(C)')" $DROP
check "options lossy: $DROP retransmissions absorbed" eq "$(kv retransmissions_absorbed "$R")" $DROP
check "options lossy: still $CALLS transactions, not more" eq "$(kv requests "$R")" $CALLS

# INVITE: for 3 calls the 100 and 180 are lost and the 200 twice (first sending, and the TU's
# first retransmission at T1). SIPp retransmits the INVITE (Timer A); the INVITE server
# transaction, in Accepted, absorbs it (RFC 6026 §8.7); the TU's next 2xx retransmission (at 3*T1)
# gets through and is ACKed.
DROP=3
sipp_client invite_lossy $CALLS $DROP 2 -sn uac -d 50
R=$WORK/invite_lossy-responder.log
check "invite lossy: 4 transmissions dropped per call" eq "$(kv responses_dropped "$R")" $((DROP * 4))
check "invite lossy: SIPp retransmitted INVITEs" ge "$(sipp_stat "$WORK/invite_lossy.csv" 'Retransmissions(C)')" $DROP
check "invite lossy: the retransmitted INVITEs were absorbed" ge "$(kv retransmissions_absorbed "$R")" $DROP
check "invite lossy: the TU retransmitted the 2xx" ge "$(kv retransmitted_2xx "$R")" $((DROP * 2))
check "invite lossy: $CALLS INVITE transactions, not more" eq "$(kv invites "$R")" $CALLS
check "invite lossy: $CALLS ACKs" eq "$(kv acks "$R")" $CALLS
check "invite lossy: $CALLS BYEs" eq "$(kv byes "$R")" $CALLS

# --- SIPp as server, the responder as client ----------------------------------------------------
# sipp_server NAME METHOD CALLS SIPP-SCENARIO-ARGS...
sipp_server() {
  local name=$1 method=$2 calls=$3
  shift 3
  local port cport rc=0 crc=0
  port=$(free_port udp)
  start "$name-sipp" sipp -i 127.0.0.1 -p "$port" -m "$calls" -nostdin -timeout 60s \
    -timeout_error -trace_stat -stf "$WORK/$name.csv" -trace_screen \
    -screen_file "$WORK/$name.screen" "$@"
  local spid=$LAST_PID
  if ! wait_udp "$port"; then
    check "$name: SIPp listens on $port" false
    return
  fi
  timeout 120 "$RESPONDER" --client --listen "udp:127.0.0.1:0" --target "127.0.0.1:$port" \
    --method "$method" --count "$calls" --timeout 60 > "$WORK/$name-client.log" 2>&1 || crc=$?
  # SIPp ends by itself after its last call (-m).
  local ended=yes
  for _ in $(seq 100); do kill -0 "$spid" 2> /dev/null || break; sleep 0.1; done
  if kill -0 "$spid" 2> /dev/null; then
    ended=no
    stop "$spid" || rc=$?
  else
    wait "$spid" || rc=$?
  fi
  check "$name: SIPp ended by itself after $calls calls" eq "$ended" yes
  local C=$WORK/$name-client.log
  check "$name: the responder client exits 0" eq "$crc" 0
  check "$name: $calls transactions succeeded" eq "$(kv ok "$C")" "$calls"
  check "$name: none failed" eq "$(kv failed "$C")" 0
  check "$name: SIPp exits 0" eq "$rc" 0
  check "$name: SIPp counts $calls successful calls" eq "$(sipp_stat "$WORK/$name.csv" 'SuccessfulCall(C)')" "$calls"
  check "$name: SIPp counts no failed call" eq "$(sipp_stat "$WORK/$name.csv" 'FailedCall(C)')" 0
}

sipp_server uas_invite INVITE 10 -sn uas
check "uas_invite: 10 INVITE 200s and 10 BYE 200s" eq "$(kv final_200 "$WORK/uas_invite-client.log")" 20
sipp_server uas_options OPTIONS 10 -sf "$SCENARIOS/options_uas.xml"
check "uas_options: 10 OPTIONS 200s" eq "$(kv final_200 "$WORK/uas_options-client.log")" 10

finish
