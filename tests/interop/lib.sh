# Shared by the interop tests: free ports, processes started and stopped by PID, checks that count.
#   source "$(dirname "$0")/lib.sh"
# Environment (set by CTest): PARLEY (the parley binary), PARLEY_BUILD, PARLEY_SOURCE.
set -euo pipefail

: "${PARLEY:?PARLEY must name the parley binary}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/parley-interop.XXXXXX")
PIDS=()
FAILED=0

cleanup() {
  local rc=$? pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.2
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [ "$rc" -ne 0 ] || [ "$FAILED" -ne 0 ] || [ -n "${KEEP_WORK:-}" ]; then
    echo "work files kept in $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

# A free port on 127.0.0.1 for `proto` (udp or tcp): bound by the kernel, then released.
free_port() {
  python3 - "$1" <<'PY'
import socket, sys
kind = socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM
s = socket.socket(socket.AF_INET, kind)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
PY
}

# A port free for both UDP and TCP.
free_port_both() {
  local p
  for _ in $(seq 50); do
    p=$(free_port udp)
    if python3 -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1',int(sys.argv[1])))" "$p" 2>/dev/null; then
      echo "$p"; return 0
    fi
  done
  return 1
}

# start NAME CMD...: runs CMD in the background, output in $WORK/NAME.log; sets LAST_PID.
start() {
  local name=$1; shift
  "$@" > "$WORK/$name.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

# stop PID: SIGTERM, then SIGKILL after 5 s; returns the process's exit status.
stop() {
  local pid=$1 rc=0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" || rc=$?
  return "$rc"
}

# wait_udp PORT / wait_tcp PORT: until something listens on 127.0.0.1:PORT (10 s at most).
wait_udp() { for _ in $(seq 100); do ss -lun | grep -q "127.0.0.1:$1 " && return 0; sleep 0.1; done; return 1; }
wait_tcp() { for _ in $(seq 100); do ss -ltn | grep -q "127.0.0.1:$1 " && return 0; sleep 0.1; done; return 1; }

# check "what" CMD...: runs CMD; a failure is counted and printed, the script goes on.
check() {
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; FAILED=$((FAILED + 1)); fi
}

# finish: the script's exit status.
finish() {
  if [ "$FAILED" -ne 0 ]; then echo "$FAILED check(s) failed"; exit 1; fi
  echo "all checks passed"
}
