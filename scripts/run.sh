#!/usr/bin/env bash
# Sets everything up, builds parley (release) and runs it. With no arguments it runs the main job;
# any arguments are passed to parley instead:  scripts/run.sh parse my-message.sip
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release > /dev/null
cmake --build --preset release --target parley -j "$(nproc)"
if [ $# -eq 0 ]; then
  # The main job: the server with its embedded defaults (UDP and TCP on 5060, sqlite:parley.db,
  # authentication on); it prints what it listens on and how to add a user.
  set -- serve
fi
exec build/release/apps/parley/parley "$@"
