#!/usr/bin/env bash
# `parley serve` as a registrar against SIPp (Debian's sip-tester) on 127.0.0.1, ports picked at
# run time:
#  - without authentication, memory store, over UDP and TCP: register/refresh/remove
#    (scenarios/register_basic.xml), Contact "*" (register_star.xml), 423 (register_423.xml);
#  - with MD5 digest on an SQLite store holding users added by `parley user add`: the right
#    password (register_auth.xml, 200 with Authentication-Info), a wrong one (401 again), another
#    user's address (403). SIPp 3.6.1 speaks MD5 only and answers the first challenge it gets, so
#    this server is configured (--config) to offer MD5 alone; the default offers SHA-256 first.
#  - bad requests get 400 naming the problem, and the server keeps answering afterwards;
#  - SIGTERM: the server exits 0.
source "$(dirname "$0")/lib.sh"

SCENARIOS=$(cd "$(dirname "$0")" && pwd)/scenarios
command -v sipp > /dev/null || { echo "FAILED: sipp (sip-tester) is not installed"; exit 1; }
cd "$WORK"

# sipp_run NAME PORT TRANSPORT SCENARIO [USER]: one call of SCENARIO; exit status of SIPp.
sipp_run() {
  local name=$1 port=$2 transport=$3 scenario=$4 user=${5:-alice} lport
  lport=$(free_port udp)
  timeout 60 sipp "127.0.0.1:$port" -sf "$SCENARIOS/$scenario" -s "$user" -t "$transport" \
    -i 127.0.0.1 -p "$lport" -m 1 -nostdin -timeout 30s -timeout_error -max_retrans 3 \
    -trace_err -error_file "$WORK/$name.err" -trace_msg -message_file "$WORK/$name.msg" \
    > "$WORK/$name.out" 2>&1
}

# sip_udp PORT FILE: sends the bytes of FILE to 127.0.0.1:PORT, prints the response's first line
# (or "timeout" after 3 s).
sip_udp() {
  python3 - "$1" "$2" << 'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.bind(("127.0.0.1", 0))
s.sendto(open(sys.argv[2], "rb").read(), ("127.0.0.1", int(sys.argv[1])))
try:
    print(s.recv(65535).decode(errors="replace").split("\r\n")[0])
except socket.timeout:
    print("timeout")
PY
}

export -f sip_udp

# request METHOD EXTRA-HEADERS: a request with the mandatory fields, CRLF line ends.
request() {
  printf '%s sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bK%s\r\nMax-Forwards: 70\r\nTo: <sip:carol@127.0.0.1>\r\nFrom: <sip:carol@127.0.0.1>;tag=1\r\nCall-ID: %s@test\r\nCSeq: 1 %s\r\n%bContent-Length: 0\r\n\r\n' \
    "$1" "$RANDOM$RANDOM" "$RANDOM" "$1" "$2"
}

# ---- without authentication, memory store
PORT=$(free_port_both)
start serve-open "$PARLEY" serve --listen "udp:127.0.0.1:$PORT" --listen "tcp:127.0.0.1:$PORT" \
  --store memory --auth off --threads 2
OPEN_PID=$LAST_PID
if wait_udp "$PORT" && wait_tcp "$PORT"; then
  check "summary names the listeners" grep -q "listening on udp:127.0.0.1:$PORT" "$WORK/serve-open.log"
  check "summary warns that auth is off" grep -q "WARNING: authentication is off" "$WORK/serve-open.log"
  check "register, refresh, remove (UDP)" sipp_run basic-udp "$PORT" u1 register_basic.xml
  check "register, refresh, remove (TCP)" sipp_run basic-tcp "$PORT" t1 register_basic.xml bob
  check "Contact: * with Expires: 0, and without (400)" sipp_run star "$PORT" u1 register_star.xml
  check "423 with Min-Expires, then the minimum" sipp_run brief "$PORT" u1 register_423.xml

  # Bad requests: 400 naming the problem; the server goes on.
  request REGISTER 'Contact: <sip:carol@127.0.0.1:5999>;expires=soon\r\n' > bad-expires.sip
  check "bad expires parameter: 400 naming it" \
    bash -c '[[ "$(sip_udp '"$PORT"' bad-expires.sip)" == "SIP/2.0 400 "*expires* ]]'
  printf 'REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bKnocseq\r\nMax-Forwards: 70\r\nTo: <sip:carol@127.0.0.1>\r\nFrom: <sip:carol@127.0.0.1>;tag=1\r\nCall-ID: nocseq@test\r\nContent-Length: 0\r\n\r\n' > no-cseq.sip
  check "missing CSeq: 400 naming it" \
    bash -c '[[ "$(sip_udp '"$PORT"' no-cseq.sip)" == "SIP/2.0 400 "*CSeq* ]]'
  head -c 300 /dev/urandom > garbage.sip
  sip_udp "$PORT" garbage.sip > /dev/null
  request INVITE '' > invite.sip
  check "INVITE: 405 (no proxy yet)" bash -c '[[ "$(sip_udp '"$PORT"' invite.sip)" == "SIP/2.0 405 "* ]]'
  request OPTIONS '' > options.sip
  check "still answering after bad input: OPTIONS 200" \
    bash -c '[[ "$(sip_udp '"$PORT"' options.sip)" == "SIP/2.0 200 OK" ]]'
  check "one log line per transaction" bash -c "[ \$(grep -c 'method=REGISTER' '$WORK/serve-open.log') -ge 10 ]"
  check "SIGTERM: exit 0" stop "$OPEN_PID"
else
  check "parley serve listens on $PORT" false
fi
# ---- MD5 digest, SQLite store
DB="$WORK/users.db"
"$PARLEY" user add alice@127.0.0.1 --password secret --store "sqlite:$DB" > /dev/null
"$PARLEY" user add bob@127.0.0.1 --password hunter2 --store "sqlite:$DB" > /dev/null
printf '# SIPp 3.6.1 answers the first challenge, and speaks MD5 only.\n[digest]\nalgorithms = ["MD5"]\n' > md5.toml
check "config file is valid" "$PARLEY" serve --check-config md5.toml
PORT=$(free_port_both)
start serve-auth "$PARLEY" serve --config md5.toml --listen "udp:127.0.0.1:$PORT" \
  --store "sqlite:$DB"
AUTH_PID=$LAST_PID
if wait_udp "$PORT"; then
  check "summary says how to add a user" grep -q "parley user add alice@" "$WORK/serve-auth.log"
  check "MD5 digest: 401 then 200 with Authentication-Info" sipp_run auth "$PORT" u1 register_auth.xml
  check "the 401 offered MD5 with qop=auth" \
    grep -q 'WWW-Authenticate: Digest realm="127.0.0.1", nonce="[0-9a-f]*", algorithm=MD5, qop="auth"' "$WORK/auth.msg"
  check "binding stored under the AOR" \
    bash -c '"$0" location list sip:alice@127.0.0.1 --store "$1" | grep -q "sip:alice@127.0.0.1 "' "$PARLEY" "sqlite:$DB"
  check "wrong password: 401 again" sipp_run wrong "$PORT" u1 register_auth_wrong.xml
  check "bob registering alice: 403" sipp_run other "$PORT" u1 register_auth_other.xml
  check "SIGTERM: exit 0" stop "$AUTH_PID"
else
  check "parley serve listens on $PORT" false
fi

# The default challenge offers SHA-256 first, then MD5 (RFC 8760 §2.4).
PORT=$(free_port_both)
start serve-default "$PARLEY" serve --listen "udp:127.0.0.1:$PORT" --store "sqlite:$DB"
DEFAULT_PID=$LAST_PID
if wait_udp "$PORT"; then
  request REGISTER 'Contact: <sip:carol@127.0.0.1:5999>\r\n' > plain.sip
  check "default challenge: SHA-256 then MD5" python3 - "$PORT" "$WORK/plain.sip" << 'PY'
import re, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(open(sys.argv[2], "rb").read(), ("127.0.0.1", int(sys.argv[1])))
r = s.recv(65535).decode()
assert r.startswith("SIP/2.0 401 "), r
algs = re.findall(r"WWW-Authenticate: Digest [^\r]*algorithm=([A-Z0-9-]+)", r)
assert algs == ["SHA-256", "MD5"], algs
PY
  check "SIGTERM: exit 0" stop "$DEFAULT_PID"
else
  check "parley serve listens on $PORT" false
fi

finish
