#!/usr/bin/env bash
# Installs everything parley needs to build, test and benchmark on Debian 12, from Debian's packages only.
# Idempotent: packages already present are not touched, and apt is not called at all when nothing is missing.
#   scripts/setup.sh          build + test dependencies
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache clang libclang-rt-14-dev pkg-config git
  # the format check of scripts/test.sh (Debian's clang does not bring clang-format)
  clang-format
  # libraries (headers) the code links against
  libboost-dev libssl-dev libc-ares-dev libsqlite3-dev libhiredis-dev libtomlplusplus-dev
  libcli11-dev libfmt-dev libspdlog-dev nlohmann-json3-dev libabsl-dev
  # the parley program's malloc (apps/parley/CMakeLists.txt says why)
  libjemalloc-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3
  # the TLS tests make their certificates with the openssl command
  openssl
  # parsers we compare against in bench/message
  libosip2-dev libsofia-sip-ua-dev
  # real peers the interop tests and benchmarks start on loopback: SIPp, sipsak, Kamailio,
  # Redis, a DNS server for RFC 3263 lookups, and ss/ps to watch them
  sip-tester sipsak kamailio redis-server dnsmasq-base iproute2 procps
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
