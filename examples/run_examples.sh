#!/usr/bin/env bash
# Runs examples/caller against examples/auto_answer on a free loopback port; exit 0 when the call
# was answered and ended cleanly. Usage: run_examples.sh AUTO_ANSWER CALLER
set -euo pipefail
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
out=$(mktemp)
"$1" "udp:127.0.0.1:$port" > "$out" 2>&1 &
uas=$!
trap 'kill $uas 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 50); do grep -q "answering on" "$out" && break; sleep 0.1; done
rc=0
timeout 45 "$2" "sip:bob@127.0.0.1:$port" || rc=$?
kill "$uas"
wait "$uas" || true
cat "$out"
grep -q "answered" "$out" || rc=1
exit "$rc"
