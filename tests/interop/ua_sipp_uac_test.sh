#!/usr/bin/env bash
# SIPp calls `parley answer`: SIPp's built-in uac scenario (INVITE, 200, ACK, BYE, 200 — RFC 3665
# §3.1 without a proxy), and a caller that cancels while parley rings (RFC 3665 §3.8).
source "$(dirname "$0")/lib.sh"
SCEN="$(dirname "$0")/scenarios"

sipp_run() {  # sipp_run NAME ARGS...: SIPp for at most 40 s; its exit status
  local name=$1; shift
  timeout 40 sipp "$@" -i 127.0.0.1 -m 1 -nostdin -timeout 30 -timeout_error \
    -trace_err -error_file "$WORK/$name.err" > "$WORK/$name.log" 2>&1
}

# 1. The built-in uac scenario against a parley that answers at once.
P=$(free_port udp)
start answer "$PARLEY" answer --listen "127.0.0.1:$P"
ANSWER=$LAST_PID
wait_udp "$P"
check "sipp -sn uac: the call succeeds" sipp_run uac -sn uac "127.0.0.1:$P" -p "$(free_port udp)"
check "parley answer saw the call established" grep -q "established" "$WORK/answer.log"
check "parley answer saw the BYE" grep -q "ended (200 BYE, by the peer)" "$WORK/answer.log"
check "parley answer sent 200 and took the ACK" \
  bash -c "grep -q -- '--> 200 OK' '$WORK/answer.log' && grep -q -- '<-- ACK' '$WORK/answer.log'"
check "parley answer exits 0 on SIGTERM" stop "$ANSWER"

# 2. A caller that cancels while parley rings: 180, CANCEL, 200, 487, ACK.
P=$(free_port udp)
start ringing "$PARLEY" answer --listen "127.0.0.1:$P" --ring 10
RINGING=$LAST_PID
wait_udp "$P"
check "sipp cancels a ringing call: 200 for the CANCEL, 487 for the INVITE" \
  sipp_run cancel -sf "$SCEN/ua_cancel_uac.xml" "127.0.0.1:$P" -p "$(free_port udp)"
check "parley answer logged the cancel" grep -q "ended (487 Request Terminated, by the peer)" \
  "$WORK/ringing.log"
check "parley answer sent 180, 200, 487 in that order" \
  bash -c "grep -E -- '^--> ' '$WORK/ringing.log' | cut -d' ' -f2 | tr '\n' ' ' | grep -q '^180 200 487 '"
stop "$RINGING" || true

if [ "$FAILED" -ne 0 ]; then for f in "$WORK"/*.log; do echo "== $f"; cat "$f"; done; fi
finish
