#!/usr/bin/env bash
# `parley serve --config FILE` and `--check-config FILE`: a valid file passes; each bad one is
# named with its line and exits 1; flags override the file (listen, auth, log level).
source "$(dirname "$0")/lib.sh"

cd "$WORK"
expect_rc() {  # expect_rc CODE CMD...: CMD exits with CODE; its output in $WORK/out
  local want=$1 rc=0; shift
  "$@" > "$WORK/out" 2>&1 || rc=$?
  [ "$rc" -eq "$want" ] || { echo "  exit $rc, expected $want: $*"; cat "$WORK/out"; return 1; }
}

cat > good.toml << 'TOML'
# every key parley serve knows
listen = ["udp:127.0.0.1:5060", "tcp:127.0.0.1:5060"]
domain = ["example.com", "example.org"]
store = "memory"
auth = "on"
users = "users.txt"
threads = 2
log_level = "info"
shutdown_grace = 3

[registrar]
default_expires = 1800
min_expires = 30
max_expires = 7200
max_contacts = 5
retry_after = 10

[digest]
algorithms = ["SHA-256", "MD5"]
nonce_lifetime = 120
bind_nonce_to_source = true
free_failures = 5
failure_delay_ms = 100
max_failure_delay_ms = 2000
TOML
check "a valid file passes" expect_rc 0 "$PARLEY" serve --check-config good.toml

bad() {  # bad NAME LINE TEXT: a file with TEXT is refused, naming NAME.toml:LINE
  printf '%b' "$3" > "$1.toml"
  expect_rc 1 "$PARLEY" serve --check-config "$1.toml" && grep -q "^$1.toml:$2: " "$WORK/out" ||
    { echo "  expected $1.toml:$2: ..., got: $(cat "$WORK/out")"; return 1; }
}
check "unknown key, named with its line" bad unknown 3 'store = "memory"\n\nlisten_on = "udp:127.0.0.1:5060"\n'
check "bad listen spec" bad listen 2 'auth = true\nlisten = ["udp:127.0.0.1:5060", "sctp:127.0.0.1:5060"]\n'
check "wrong type" bad type 4 '[registrar]\ndefault_expires = 60\n\nmin_expires = "soon"\n'
check "bad store" bad store 1 'store = "postgres://x"\n'
check "TOML syntax error" bad syntax 2 'store = "memory"\nthreads = = 2\n'
check "users not a path" bad users 2 'auth = true\nusers = 3\n'
check "unknown digest algorithm" bad algo 2 '[digest]\nalgorithms = ["SHA-1"]\n'
check "a missing file exits 1" expect_rc 1 "$PARLEY" serve --check-config no-such.toml

# Flags override the file.
FILE_PORT=$(free_port udp)
FLAG_PORT=$(free_port udp)
printf 'listen = ["udp:127.0.0.1:%s"]\nstore = "memory"\nauth = "on"\nlog_level = "warn"\n' "$FILE_PORT" > run.toml
start serve "$PARLEY" serve --config run.toml --listen "udp:127.0.0.1:$FLAG_PORT" --auth off -v info
PID=$LAST_PID
if wait_udp "$FLAG_PORT"; then
  check "--listen overrides the file's listen" bash -c "! ss -lun | grep -q '127.0.0.1:$FILE_PORT '"
  check "--auth off overrides auth = on" grep -q "authentication is off" "$WORK/serve.log"
  check "the file's other keys hold (store)" grep -q "store: memory" "$WORK/serve.log"
  python3 - "$FLAG_PORT" << 'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.bind(("127.0.0.1", 0))
p = s.getsockname()[1]
s.sendto((f"OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{p};rport;branch=z9hG4bKcfg\r\n"
          "Max-Forwards: 70\r\nTo: <sip:127.0.0.1>\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\n"
          "Call-ID: cfg\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n").encode(), ("127.0.0.1", int(sys.argv[1])))
print(s.recv(65535).decode().split("\r\n")[0])
PY
  check "-v info overrides log_level = warn (a line per transaction)" \
    bash -c "for _ in \$(seq 30); do grep -q 'method=OPTIONS' '$WORK/serve.log' && exit 0; sleep 0.1; done; exit 1"
  check "SIGTERM: exit 0" stop "$PID"
else
  check "parley serve listens on the flag's port $FLAG_PORT" false
fi
finish
