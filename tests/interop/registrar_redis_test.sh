#!/usr/bin/env bash
# `parley serve --store redis://...` with a real redis-server on a free loopback port: REGISTERs
# get 200 while Redis runs; with redis-server killed (SIGKILL) they get 500 with Retry-After and
# the server stays up; once redis-server is back on the same port, REGISTERs get 200 again
# without touching the server (it recovers by itself, within a bounded wait).
source "$(dirname "$0")/lib.sh"

command -v redis-server > /dev/null || { echo "FAILED: redis-server is not installed"; exit 1; }
cd "$WORK"

# register PORT N: one REGISTER for user rN; prints the status line and Retry-After if any.
register() {
  python3 - "$1" "$2" << 'PY'
import socket, sys
port, n = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(4)
s.bind(("127.0.0.1", 0))
p = s.getsockname()[1]
s.sendto((f"REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{p};rport;branch=z9hG4bKr{n}\r\n"
          f"Max-Forwards: 70\r\nTo: <sip:r{n}@127.0.0.1>\r\nFrom: <sip:r{n}@127.0.0.1>;tag=1\r\n"
          f"Call-ID: redis-{n}\r\nCSeq: 1 REGISTER\r\nContact: <sip:r{n}@127.0.0.1:7000>\r\n"
          "Content-Length: 0\r\n\r\n").encode(), ("127.0.0.1", port))
try:
    lines = s.recv(65535).decode().split("\r\n")
    print(lines[0])
    print("\n".join(l for l in lines if l.startswith("Retry-After:")))
except socket.timeout:
    print("timeout")
PY
}

RPORT=$(free_port tcp)
start redis1 redis-server --save '' --appendonly no --port "$RPORT" --bind 127.0.0.1
REDIS_PID=$LAST_PID
PORT=$(free_port_both)
if wait_tcp "$RPORT"; then
  start serve "$PARLEY" serve --listen "udp:127.0.0.1:$PORT" --store "redis://127.0.0.1:$RPORT" --auth off
  SERVE_PID=$LAST_PID
  if wait_udp "$PORT"; then
    register "$PORT" 1 > up.txt
    check "Redis up: 200" grep -q "^SIP/2.0 200 OK" up.txt
    check "... and the binding is in Redis" \
      bash -c '"$0" location list --store "$1" | grep -q "sip:r1@127.0.0.1"' "$PARLEY" "redis://127.0.0.1:$RPORT"
    kill -9 "$REDIS_PID"
    wait "$REDIS_PID" 2> /dev/null || true
    register "$PORT" 2 > down.txt
    check "Redis down: 500" grep -q "^SIP/2.0 500 " down.txt
    check "... with Retry-After" grep -q "^Retry-After: [0-9]" down.txt
    check "... and the server is still running" kill -0 "$SERVE_PID"
    start redis2 redis-server --save '' --appendonly no --port "$RPORT" --bind 127.0.0.1
    if wait_tcp "$RPORT"; then
      recovered() {
        for i in $(seq 30); do
          register "$PORT" "3$i" > again.txt
          grep -q "^SIP/2.0 200 OK" again.txt && return 0
          sleep 0.5
        done
        return 1
      }
      check "Redis back: 200 again, the server recovered by itself" recovered
    else
      check "redis-server restarted on $RPORT" false
    fi
    check "SIGTERM: exit 0" stop "$SERVE_PID"
  else
    check "parley serve listens on $PORT" false
  fi
else
  check "redis-server started on $RPORT" false
fi
finish
