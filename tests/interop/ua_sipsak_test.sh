#!/usr/bin/env bash
# sipsak (Debian) pings `parley answer` with OPTIONS (RFC 3261 §11): a 200 with Allow, Accept and
# Supported; and `parley options` pings `parley answer` and reports the round-trip time.
source "$(dirname "$0")/lib.sh"

P=$(free_port udp)
start answer "$PARLEY" answer --listen "127.0.0.1:$P"
ANSWER=$LAST_PID
wait_udp "$P"

sipsak_rc=0
# -H: without it sipsak resolves the machine's host name, which a fresh container may not know.
timeout 20 sipsak -H 127.0.0.1 -vv -s "sip:x@127.0.0.1:$P" > "$WORK/sipsak.out" 2>&1 || sipsak_rc=$?
check "sipsak exits 0 (a 200 came back)" test "$sipsak_rc" = 0
check "sipsak got 200 OK" grep -q "SIP/2.0 200 OK" "$WORK/sipsak.out"
check "the 200 names the methods (Allow)" grep -qi "^Allow: INVITE, ACK, CANCEL, BYE, OPTIONS" "$WORK/sipsak.out"
check "the 200 names the bodies (Accept)" grep -qi "^Accept: application/sdp" "$WORK/sipsak.out"
check "the 200 carries Supported" grep -qi "^Supported:" "$WORK/sipsak.out"
# (sipsak 0.9.8 writes the Request-URI with the last digit of a 5-digit port cut off.)
check "parley answer logged the OPTIONS" grep -q -- "<-- OPTIONS sip:x@127.0.0.1" "$WORK/answer.log"

opt_rc=0
timeout 20 "$PARLEY" options "sip:x@127.0.0.1:$P" > "$WORK/options.out" 2>&1 || opt_rc=$?
check "parley options exits 0 on 200" test "$opt_rc" = 0
check "parley options prints the RTT" grep -qE "^round-trip time: [0-9.]+ ms" "$WORK/options.out"

# Nobody there: no response, exit 3 (after Timer F, 32 s).
Q=$(free_port udp)
opt_rc=0
timeout 60 "$PARLEY" options "sip:x@127.0.0.1:$Q" > "$WORK/nobody.out" 2>&1 || opt_rc=$?
check "parley options exits 3 when nobody answers" test "$opt_rc" = 3

check "parley answer exits 0 on SIGTERM" stop "$ANSWER"
if [ "$FAILED" -ne 0 ]; then for f in "$WORK"/*.out "$WORK"/*.log; do echo "== $f"; cat "$f"; done; fi
finish
