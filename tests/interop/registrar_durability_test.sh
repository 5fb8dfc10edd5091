#!/usr/bin/env bash
# No binding acknowledged with 200 is lost on kill -9 with the SQLite store: 50 REGISTERs are
# answered, the server is killed with SIGKILL the moment the last 200 arrives, and then
#  - `parley location list` on the file finds every one of them (no server running);
#  - a server started again on the same file answers a REGISTER without Contact (a query,
#    RFC 3261 §10.3 step 6) with the binding.
source "$(dirname "$0")/lib.sh"

cd "$WORK"
DB="$WORK/durable.db"
N=50

# register PORT FIRST COUNT [query]: REGISTERs for users d<FIRST>.. over one UDP socket, all in
# flight at once; prints how many got 200 (and, for a query, the Contact lines of the answers).
register() {
  python3 - "$@" << 'PY'
import socket, sys, time
port, first, count = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
query = len(sys.argv) > 4
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
lport = s.getsockname()[1]
def req(i):
    contact = "" if query else f"Contact: <sip:d{i}@127.0.0.1:{20000 + i}>\r\n"
    return (f"REGISTER sip:127.0.0.1 SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{lport};rport;branch=z9hG4bKd{i}q{int(query)}\r\n"
            f"Max-Forwards: 70\r\nTo: <sip:d{i}@127.0.0.1>\r\nFrom: <sip:d{i}@127.0.0.1>;tag=t{i}\r\n"
            f"Call-ID: durable-{i}-{int(query)}\r\nCSeq: 1 REGISTER\r\n{contact}Expires: 3600\r\n"
            f"Content-Length: 0\r\n\r\n").encode()
pending = {i: req(i) for i in range(first, first + count)}
ok, contacts = 0, []
deadline = time.time() + 20
for m in pending.values():
    s.sendto(m, ("127.0.0.1", port))
s.settimeout(0.5)
while pending and time.time() < deadline:
    try:
        data = s.recv(65535).decode()
    except socket.timeout:
        for m in pending.values():  # retransmit what is unanswered (Timer E's job, roughly)
            s.sendto(m, ("127.0.0.1", port))
        continue
    call = [l for l in data.split("\r\n") if l.startswith("Call-ID:")][0]
    i = int(call.split(":", 1)[1].strip().split("-")[1])
    if i in pending and data.startswith("SIP/2.0 200 "):
        ok += 1
        del pending[i]
        contacts += [l for l in data.split("\r\n") if l.startswith("Contact:")]
print(ok)
for c in contacts:
    print(c)
PY
}

PORT=$(free_port_both)
start serve1 "$PARLEY" serve --listen "udp:127.0.0.1:$PORT" --store "sqlite:$DB" --auth off
PID1=$LAST_PID
if wait_udp "$PORT"; then
  register "$PORT" 0 "$N" > registered.txt
  GOT=$(head -1 registered.txt)
  kill -9 "$PID1"
  wait "$PID1" 2> /dev/null || true
  check "all $N REGISTERs answered 200 before the kill" [ "$GOT" = "$N" ]
  "$PARLEY" location list --store "sqlite:$DB" > list.txt 2>&1 || true
  check "parley location list finds all $N bindings after kill -9" \
    bash -c "[ \$(grep -c '^sip:d[0-9]*@127.0.0.1 ' list.txt) -eq $N ]"
  check "... with their contacts" grep -q "sip:d49@127.0.0.1:20049" list.txt

  PORT=$(free_port_both)
  start serve2 "$PARLEY" serve --listen "udp:127.0.0.1:$PORT" --store "sqlite:$DB" --auth off
  PID2=$LAST_PID
  if wait_udp "$PORT"; then
    register "$PORT" 7 1 query > query.txt
    check "restarted server answers the query with 200" [ "$(head -1 query.txt)" = 1 ]
    check "... listing the binding made before the kill" grep -q "Contact: <sip:d7@127.0.0.1:20007>;expires=" query.txt
    check "SIGTERM: exit 0" stop "$PID2"
  else
    check "restarted parley serve listens on $PORT" false
  fi
else
  check "parley serve listens on $PORT" false
fi
finish
