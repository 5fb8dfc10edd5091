#!/usr/bin/env bash
# `parley call` against SIPp as the callee: SIPp's built-in uas scenario (180, 200, ACK, BYE from
# parley — RFC 3665 §3.1), a callee that is busy (486, §3.2), and one that rings until parley
# cancels (487, §3.8).
source "$(dirname "$0")/lib.sh"
SCEN="$(dirname "$0")/scenarios"

sipp_uas() {  # sipp_uas NAME PORT ARGS...: SIPp in the background, one call, 40 s at most
  local name=$1 port=$2; shift 2
  start "$name" timeout 40 sipp "$@" -i 127.0.0.1 -p "$port" -m 1 -nostdin -timeout 30 \
    -timeout_error -trace_err -error_file "$WORK/$name.err"
}
call_rc() {  # call_rc NAME ARGS...: parley call, output in $WORK/NAME.out; prints its exit status
  local name=$1; shift
  local rc=0
  timeout 60 "$PARLEY" call "$@" > "$WORK/$name.out" 2>&1 || rc=$?
  echo "$rc"
}

# 1. Successful call: exit 0, the exact messages of RFC 3665 §3.1 as parley saw them.
P=$(free_port udp)
sipp_uas uas "$P" -sn uas
SIPP=$LAST_PID
wait_udp "$P"
rc=$(call_rc ok "sip:service@127.0.0.1:$P" --duration 1)
check "parley call exits 0 after a clean call" test "$rc" = 0
check "parley call: INVITE, 180, 200, ACK, BYE, 200" bash -c \
  "grep -oE '^(-->|<--) [A-Z0-9]+' '$WORK/ok.out' | tr '\n' ' ' | grep -qx -- '--> INVITE <-- 180 <-- 200 --> ACK --> BYE <-- 200 '"
check "sipp uas saw one successful call" wait "$SIPP"

# 1b. No --duration: the call lasts until SIGTERM, which hangs up with a BYE and exits 0.
P=$(free_port udp)
sipp_uas uas2 "$P" -sn uas
SIPP=$LAST_PID
wait_udp "$P"
start sigterm "$PARLEY" call "sip:service@127.0.0.1:$P"
CALLER=$LAST_PID
for _ in $(seq 100); do grep -q -- "--> ACK" "$WORK/sigterm.log" && break; sleep 0.1; done
check "SIGTERM during the call: BYE, 200, exit 0" stop "$CALLER"
check "... the BYE went out and was answered" bash -c \
  "grep -oE '^(-->|<--) [A-Z0-9]+' '$WORK/sigterm.log' | tr '\n' ' ' | grep -q -- '--> ACK --> BYE <-- 200 '"
check "sipp uas saw the BYE" wait "$SIPP"

# 2. Busy: 486, exit 1 with the status line.
P=$(free_port udp)
sipp_uas busy "$P" -sf "$SCEN/ua_busy.xml"
SIPP=$LAST_PID
wait_udp "$P"
rc=$(call_rc busy "sip:service@127.0.0.1:$P")
check "parley call exits 1 on 486" test "$rc" = 1
check "parley call prints the final status line" grep -q "^SIP/2.0 486 Busy Here" "$WORK/busy.out"
check "sipp got the ACK for the 486" wait "$SIPP"

# 3. No answer: parley cancels after 1 s; 200 for the CANCEL, 487 for the INVITE, ACK.
P=$(free_port udp)
sipp_uas ring "$P" -sf "$SCEN/ua_ring_cancel.xml"
SIPP=$LAST_PID
wait_udp "$P"
rc=$(call_rc cancel "sip:service@127.0.0.1:$P" --cancel-after 1)
check "parley call exits 1 after cancelling" test "$rc" = 1
check "parley call: INVITE, 180, CANCEL, 200, 487, ACK" bash -c \
  "grep -oE '^(-->|<--) [A-Z0-9]+' '$WORK/cancel.out' | tr '\n' ' ' | grep -qx -- '--> INVITE <-- 180 --> CANCEL <-- 200 <-- 487 --> ACK '"
check "sipp saw the CANCEL and the ACK" wait "$SIPP"

if [ "$FAILED" -ne 0 ]; then for f in "$WORK"/*.out "$WORK"/*.log; do echo "== $f"; cat "$f"; done; fi
finish
