#!/usr/bin/env bash
# `parley serve` against parley's own registration client (`parley register --once`): with the
# default challenge (SHA-256 first, then MD5, RFC 8760 §2.4) the client answers SHA-256; with a
# server that offers MD5 alone, MD5. A wrong password is refused; the binding is listed by
# `parley location list`. A server on the memory store gets its users with --users FILE.
source "$(dirname "$0")/lib.sh"

cd "$WORK"
DB="$WORK/ua.db"
"$PARLEY" user add alice@127.0.0.1 --password secret --store "sqlite:$DB" > /dev/null
printf '[digest]\nalgorithms = ["MD5"]\n' > md5.toml

# one_server NAME ALGORITHM [SERVE-ARGS...]: a server, a right and a wrong registration.
one_server() {
  local name=$1 algorithm=$2 port pid
  shift 2
  port=$(free_port_both)
  start "serve-$name" "$PARLEY" serve --listen "udp:127.0.0.1:$port" --store "sqlite:$DB" "$@"
  pid=$LAST_PID
  if ! wait_udp "$port"; then
    check "$name: parley serve listens on $port" false
    return
  fi
  check "$name: parley register succeeds" \
    timeout 30 "$PARLEY" register "sip:alice@127.0.0.1:$port" --user alice -p secret --once -v \
    -l udp:127.0.0.1:0 > "$WORK/$name-ok.log" 2>&1
  check "$name: the client answered with $algorithm" \
    grep -q "^Authorization: Digest .*algorithm=$algorithm[,\r]" "$WORK/$name-ok.log"
  check "$name: 200 with Authentication-Info" grep -q "^Authentication-Info: .*rspauth=" "$WORK/$name-ok.log"
  check "$name: a wrong password is refused" \
    bash -c '! timeout 30 "$0" register "sip:alice@127.0.0.1:$1" --user alice -p wrong --once > "$2" 2>&1' \
    "$PARLEY" "$port" "$WORK/$name-wrong.log"
  check "$name: SIGTERM: exit 0" stop "$pid"
}
one_server sha256 SHA-256
one_server md5 MD5 --config md5.toml
check "bindings listed" bash -c '"$0" location list sip:alice@127.0.0.1 --store "$1" | grep -c "sip:alice@127.0.0.1 " | grep -qx 2' \
  "$PARLEY" "sqlite:$DB"

# The memory store: users from a file at start, the only way in for another process's users.
printf '# users of the memory store\nbob@127.0.0.1 bob-secret\n' > users.txt
PORT=$(free_port_both)
start serve-users "$PARLEY" serve --listen "udp:127.0.0.1:$PORT" --store memory --users users.txt
PID=$LAST_PID
if wait_udp "$PORT"; then
  check "--users: the summary counts them" grep -q "users: 1 from users.txt" "$WORK/serve-users.log"
  check "--users: bob registers on the memory store" \
    timeout 30 "$PARLEY" register "sip:bob@127.0.0.1:$PORT" --user bob -p bob-secret --once \
    -l udp:127.0.0.1:0 > "$WORK/users-ok.log" 2>&1
  check "--users: a wrong password is refused" \
    bash -c '! timeout 30 "$0" register "sip:bob@127.0.0.1:$1" --user bob -p wrong --once > "$2" 2>&1' \
    "$PARLEY" "$PORT" "$WORK/users-wrong.log"
  check "--users: SIGTERM: exit 0" stop "$PID"
else
  check "--users: parley serve listens on $PORT" false
fi
printf 'carol@127.0.0.1\n' > bad-users.txt
check "--users with a bad line: exit 1 naming it" bash -c \
  'err=$("$0" serve --listen udp:127.0.0.1:0 --store memory --users bad-users.txt 2>&1 >/dev/null); rc=$?
   [ "$rc" -eq 1 ] && grep -q "bad-users.txt:1: no password after .carol@127.0.0.1." <<< "$err"' "$PARLEY"
finish
