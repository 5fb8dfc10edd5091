#!/usr/bin/env bash
# `parley serve` against sipsak (usrloc mode, -U) on 127.0.0.1: a registration with MD5 digest
# on an SQLite store whose user was added by `parley user add`, found afterwards by
# `parley location list`; a wrong password is refused. sipsak 0.9.8.1, like SIPp, answers only
# the first challenge and speaks MD5 only, so this server offers MD5 alone ([digest] algorithms);
# the default offers SHA-256 first (RFC 8760 §2.4), which sipsak refuses as "unsupported".
source "$(dirname "$0")/lib.sh"

command -v sipsak > /dev/null || { echo "FAILED: sipsak is not installed"; exit 1; }
cd "$WORK"
DB="$WORK/sipsak.db"
"$PARLEY" user add alice@127.0.0.1 --password secret --store "sqlite:$DB" > /dev/null
printf '[digest]\nalgorithms = ["MD5"]\n' > md5.toml

PORT=$(free_port_both)
start serve "$PARLEY" serve --config md5.toml --listen "udp:127.0.0.1:$PORT" --store "sqlite:$DB"
SERVE_PID=$LAST_PID
if wait_udp "$PORT"; then
  fails() { ! "$@"; }
  # sipsak_register PASSWORD: sipsak's exit status (0: registered and checked). -H: sipsak
  # otherwise needs the machine's host name to resolve, which a fresh container's may not.
  sipsak_register() {
    timeout 30 sipsak -H 127.0.0.1 -U -s "sip:alice@127.0.0.1:$PORT" -u alice -a "$1" -x 600 -vv \
      > "$WORK/sipsak-$1.log" 2>&1
  }
  check "sipsak registers with the right password" sipsak_register secret
  check "sipsak: all usrloc tests completed" grep -q "usrloc tests completed successful" "$WORK/sipsak-secret.log"
  check "the binding is in the store, with sipsak's contact" \
    bash -c '"$0" location list sip:alice@127.0.0.1 --store "$1" | grep -q "sip:alice@127.0.0.1:[0-9]* *[0-9]\{3\} "' "$PARLEY" "sqlite:$DB"
  check "a wrong password is refused" fails sipsak_register wrong
  check "... with 401 after the credentials" grep -q "authorization failed" "$WORK/sipsak-wrong.log"
  check "SIGTERM: exit 0" stop "$SERVE_PID"
else
  check "parley serve listens on $PORT" false
fi
finish
