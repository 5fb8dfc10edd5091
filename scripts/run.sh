#!/usr/bin/env bash
# Sets everything up, builds parley (release) and runs it. With no arguments it runs the main job;
# any arguments are passed to parley instead:  scripts/run.sh parse my-message.sip
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release > /dev/null
cmake --build --preset release --target parley -j "$(nproc)"
if [ $# -eq 0 ]; then
  # Until `parley serve` lands, the main job is the message linter on the example messages.
  set -- parse examples/messages/*.sip
fi
exec build/release/apps/parley/parley "$@"
