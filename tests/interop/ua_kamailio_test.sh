#!/usr/bin/env bash
# `parley register` against Kamailio (Debian) as the registrar, with digest authentication
# (kamailio_ua_register.cfg): 401 answered with qop=auth (MD5, then SHA-256 per RFC 8760), 423
# answered with Min-Expires, the binding refreshed before it expires and removed on SIGTERM; a
# wrong password gives up after the second challenge.
source "$(dirname "$0")/lib.sh"
CFG="$(dirname "$0")/kamailio_ua_register.cfg"
KAMAILIO=${KAMAILIO:-/usr/sbin/kamailio}

kamailio_start() {  # kamailio_start NAME PORT [ARGS...]
  local name=$1 port=$2; shift 2
  mkdir -p "$WORK/$name.run"
  start "$name" "$KAMAILIO" -f "$CFG" -DD -E -n 1 -l "udp:127.0.0.1:$port" -Y "$WORK/$name.run" "$@"
  wait_udp "$port"
}
register_rc() {  # register_rc NAME ARGS...: parley register, output in $WORK/NAME.out
  local name=$1; shift
  local rc=0
  timeout 60 "$PARLEY" register "$@" > "$WORK/$name.out" 2>&1 || rc=$?
  echo "$rc"
}

# 1. MD5 with qop=auth; --expires 2 is too brief: 423, then 4 s; --once exits when registered.
P=$(free_port udp)
kamailio_start kamailio "$P"
rc=$(register_rc once "sip:alice@127.0.0.1:$P" --user alice --password secret --expires 2 --once -v)
check "register --once exits 0" test "$rc" = 0
check "the 401 was answered with qop=auth and nc=00000001" \
  grep -qE '^Authorization: Digest .*qop=auth, nc=00000001' "$WORK/once.out"
check "the 423 was answered with Min-Expires (4 s)" grep -q "^Expires: 4" "$WORK/once.out"
check "the registrar granted 4 s" grep -q "^registered: 200 OK, expires 4 s" "$WORK/once.out"
check "the 2xx lists our binding" grep -q "binding: <sip:alice@127.0.0.1:" "$WORK/once.out"

# 2. Keep the binding fresh until SIGTERM, then remove it (Expires: 0).
start keep "$PARLEY" register "sip:alice@127.0.0.1:$P" --user alice --password secret --expires 4
KEEP=$LAST_PID
for _ in $(seq 100); do
  [ "$(grep -c '^registered: 200' "$WORK/keep.log" 2>/dev/null || true)" -ge 2 ] && break
  sleep 0.1
done
check "the binding is refreshed before it expires" \
  test "$(grep -c '^registered: 200' "$WORK/keep.log")" -ge 2
check "register exits 0 on SIGTERM" stop "$KEEP"
check "SIGTERM removed the binding" grep -q "^unregistered: 200 OK" "$WORK/keep.log"

# 3. A wrong password: the same challenge twice is not answered a third time.
rc=$(register_rc wrong "sip:alice@127.0.0.1:$P" --user alice --password wrong --once)
check "a wrong password exits 1" test "$rc" = 1
check "... printing the 401" grep -q "^SIP/2.0 401" "$WORK/wrong.out"
check "... after at most three REGISTERs" test "$(grep -c -- '--> REGISTER' "$WORK/wrong.out")" -le 3
stop "$LAST_PID" 2>/dev/null || true

# 4. SHA-256 challenges (RFC 8760).
Q=$(free_port udp)
kamailio_start kamailio256 "$Q" -A WITH_SHA256
rc=$(register_rc sha256 "sip:alice@127.0.0.1:$Q" --user alice --password secret --once -v)
check "register with SHA-256 exits 0" test "$rc" = 0
check "the credentials are SHA-256" grep -qE '^Authorization: Digest .*algorithm=SHA-256' "$WORK/sha256.out"

if [ "$FAILED" -ne 0 ]; then for f in "$WORK"/*.out "$WORK"/*.log; do echo "== $f"; cat "$f"; done; fi
finish
