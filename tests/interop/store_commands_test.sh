#!/usr/bin/env bash
# `parley user` and `parley location list` on an SQLite store file, then on a real redis-server:
# users added, listed, removed (HA1 only, never the password), exit codes 0/1/2, and bindings
# listed as a table and as JSON.
source "$(dirname "$0")/lib.sh"
PARLEY=$(realpath "$PARLEY")  # the checks run in $WORK

DB="$WORK/parley.db"
STORE="sqlite:$DB"
cd "$WORK"

expect_rc() {  # expect_rc CODE CMD...: CMD exits with CODE
  local want=$1 rc=0; shift
  "$@" > "$WORK/out" 2> "$WORK/err" || rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "  exit $rc, expected $want: $*"; cat "$WORK/out" "$WORK/err"; return 1
  fi
}

check "user add exits 0" expect_rc 0 "$PARLEY" user add alice@example.com --password secret --store "$STORE"
check "user add, store flag first" expect_rc 0 "$PARLEY" user --store "$STORE" add sip:bob@example.org --password hunter2
check "user list shows both" bash -c '"$0" user list --store "$1" | tr "\n" " " | grep -qx "alice@example.com bob@example.org "' "$PARLEY" "$STORE"
check "user list --json" bash -c '"$0" user list --json --store "$1" | python3 -c "
import json, sys
j = json.load(sys.stdin)
assert [(u[\"username\"], u[\"realm\"]) for u in j] == [(\"alice\", \"example.com\"), (\"bob\", \"example.org\")], j
"' "$PARLEY" "$STORE"

# HA1 = MD5(alice:example.com:secret), and the password itself is nowhere in the file.
HA1=$(printf 'alice:example.com:secret' | md5sum | cut -d' ' -f1)
HA1_SHA256=$(printf 'alice:example.com:secret' | sha256sum | cut -d' ' -f1)
check "HA1 MD5 stored" bash -c "python3 - '$DB' '$HA1' '$HA1_SHA256' <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
row = db.execute(\"SELECT ha1_md5, ha1_sha256, length(ha1_sha512_256) FROM users WHERE username='alice' AND realm='example.com'\").fetchone()
assert row == (sys.argv[2], sys.argv[3], 64), row
PY"
check "password not in the file" bash -c "! grep -qa secret '$DB' '$DB-wal' 2>/dev/null"

check "user add again replaces the password" expect_rc 0 "$PARLEY" user add alice@example.com --password other --store "$STORE"
check "still two users" bash -c '[ "$("$0" user list --store "$1" | wc -l)" -eq 2 ]' "$PARLEY" "$STORE"
check "user remove exits 0" expect_rc 0 "$PARLEY" user remove alice@example.com --store "$STORE"
check "removing an unknown user exits 1" expect_rc 1 "$PARLEY" user remove alice@example.com --store "$STORE"
check "... and says so" grep -q "no user alice@example.com" "$WORK/err"
check "user list after remove" bash -c '[ "$("$0" user list --store "$1")" = "bob@example.org" ]' "$PARLEY" "$STORE"

# import: many users from a file of "address password" lines, all or none.
printf '# provisioned\n\nerin@example.com  pass word\r\nsip:frank@example.net\tf-secret\n' > users.txt
check "user import exits 0" expect_rc 0 "$PARLEY" user import users.txt --store "$STORE"
check "... and counts them" grep -qx "2 users imported" "$WORK/out"
HA1_ERIN=$(printf 'erin:example.com:pass word' | md5sum | cut -d' ' -f1)
check "imported password with a blank inside, CR dropped" bash -c "python3 - '$DB' '$HA1_ERIN' <<'PY'
import sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute(\"SELECT ha1_md5 FROM users WHERE username='erin'\").fetchone()
assert row == (sys.argv[2],), row
PY"
check "user import from stdin" bash -c 'printf "gina@example.com g\n" | "$0" user import --store "$1" | grep -qx "1 user imported"' "$PARLEY" "$STORE"
printf 'hank@example.com h\nnot-an-address x\n' > bad-users.txt
check "a bad line: exit 2" expect_rc 2 "$PARLEY" user import bad-users.txt --store "$STORE"
check "... naming file and line" grep -q "bad-users.txt:2: 'not-an-address' is not an address" "$WORK/err"
check "... and nothing imported" bash -c '! "$0" user list --store "$1" | grep -q hank' "$PARLEY" "$STORE"
printf 'ivan@example.com\n' > no-password.txt
check "a line without password: exit 2" expect_rc 2 "$PARLEY" user import no-password.txt --store "$STORE"
check "... says so" grep -q "no-password.txt:1: no password after 'ivan@example.com'" "$WORK/err"
check "a missing file: exit 1" expect_rc 1 "$PARLEY" user import "$WORK/no-such-file" --store "$STORE"
for u in erin@example.com frank@example.net gina@example.com; do "$PARLEY" user remove "$u" --store "$STORE" > /dev/null; done

check "no password: exit 2" expect_rc 2 "$PARLEY" user add carol@example.com --store "$STORE"
check "not an address: exit 2" expect_rc 2 "$PARLEY" user add carol --password x --store "$STORE"
check "bad store spec: exit 2" expect_rc 2 "$PARLEY" user list --store "postgres://x"
check "unknown subcommand: exit 2" expect_rc 2 "$PARLEY" user frobnicate
check "store that cannot be opened: exit 1" expect_rc 1 "$PARLEY" user list --store "sqlite:$WORK/no/such/dir/x.db"

# The default store is sqlite:parley.db in the working directory.
check "default store in the working directory" bash -c 'cd "$1" && mkdir -p d && cd d && "$0" user add dave@example.com --password x >/dev/null && [ -f parley.db ] && "$0" user list | grep -qx dave@example.com' "$PARLEY" "$WORK"

# Bindings, written as the registrar would (the schema is the store's), then listed.
check "no bindings yet" bash -c '"$0" location list --store "$1" | grep -q "no bindings"' "$PARLEY" "$STORE"
NOW_MS=$(python3 -c 'import time; print(int(time.time() * 1000))')
python3 - "$DB" "$NOW_MS" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
now = int(sys.argv[2])
rows = [
  ("sip:alice@example.com", 0, "sip:alice@192.0.2.4:5060", ";reg-id=1", 500, now + 3600_000, "c1", 1,
   "21:<sip:edge.example;lr>", "udp:192.0.2.4:5060", "ua/1"),
  ("sip:alice@example.com", 1, "sip:alice@198.51.100.1", "", None, now + 60_000, "c2", 3, "",
   "tcp:198.51.100.1:40000", "ua/2"),
  ("sip:bob@example.org", 0, "sip:bob@203.0.113.9", "", 1000, now + 120_000, "c3", 1, "",
   "udp:203.0.113.9:5060", ""),
  ("sip:old@example.org", 0, "sip:old@203.0.113.10", "", None, now - 1000, "c4", 1, "",
   "udp:203.0.113.10:5060", ""),
]
db.executemany("INSERT INTO bindings(aor, pos, contact, params, q, expires, call_id, cseq, path, source, user_agent) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
db.commit()
PY
"$PARLEY" location list --store "$STORE" > "$WORK/table" 2>&1 || true
cat "$WORK/table"
check "table has a header" grep -qE '^AOR +CONTACT +EXPIRES +Q +PATH +SOURCE$' "$WORK/table"
check "table lists alice's first binding" grep -qE '^sip:alice@example.com +sip:alice@192.0.2.4:5060;reg-id=1 +(3600|3599) +0.5 +<sip:edge.example;lr> +udp:192.0.2.4:5060$' "$WORK/table"
check "table lists alice's second binding" grep -qE '^sip:alice@example.com +sip:alice@198.51.100.1 +(60|59) +- +- +tcp:198.51.100.1:40000$' "$WORK/table"
check "table lists bob" grep -qE '^sip:bob@example.org +sip:bob@203.0.113.9 +(120|119) +1 ' "$WORK/table"
check "expired binding not listed" bash -c "! grep -q old@ '$WORK/table'"
check "list one AOR" bash -c '[ "$("$0" location list alice@example.com --store "$1" | grep -c "^sip:alice")" -eq 2 ] && ! "$0" location list alice@example.com --store "$1" | grep -q bob' "$PARLEY" "$STORE"
check "location list --json" bash -c '"$0" location list --json --store "$1" | python3 -c "
import json, sys
j = json.load(sys.stdin)
assert len(j) == 3, j
a = j[0]
assert a[\"aor\"] == \"sip:alice@example.com\" and a[\"q\"] == 0.5 and a[\"path\"] == [\"<sip:edge.example;lr>\"], a
assert 3590 <= a[\"expires_in\"] <= 3600 and a[\"source\"] == \"udp:192.0.2.4:5060\", a
assert j[1][\"q\"] is None and j[1][\"path\"] == [], j[1]
"' "$PARLEY" "$STORE"
check "location list, unknown AOR" bash -c '"$0" location list sip:nobody@example.com --store "$1" | grep -q "no bindings for sip:nobody@example.com"' "$PARLEY" "$STORE"
check "location without subcommand: exit 2" expect_rc 2 "$PARLEY" location

# The same commands on a Redis store (a real redis-server on a free loopback port).
RPORT=$(free_port tcp)
start redis redis-server --save '' --appendonly no --port "$RPORT" --bind 127.0.0.1
REDIS_PID=$LAST_PID
if wait_tcp "$RPORT"; then
  RSTORE="redis://127.0.0.1:$RPORT"
  check "redis: user add" expect_rc 0 "$PARLEY" user add erin@example.net --password pw --store "$RSTORE"
  check "redis: user list" bash -c '[ "$("$0" user list --store "$1")" = "erin@example.net" ]' "$PARLEY" "$RSTORE"
  check "redis: location list, empty" bash -c '"$0" location list --store "$1" | grep -q "no bindings"' "$PARLEY" "$RSTORE"
  check "redis: user remove" expect_rc 0 "$PARLEY" user remove erin@example.net --store "$RSTORE"
  check "redis: remove again exits 1" expect_rc 1 "$PARLEY" user remove erin@example.net --store "$RSTORE"
  stop "$REDIS_PID" || true
  check "redis down: exit 1 within 10 s" expect_rc 1 timeout 10 "$PARLEY" user list --store "$RSTORE"
else
  check "redis-server started on port $RPORT" false
fi

finish
