# Sourced by the REGISTER benchmarks. write_auth_users DIR writes the same users for both servers:
# "bench" (the one bench/sipp/register_auth.xml registers, SIPp 3.6.1 taking its credentials
# literally) and u000000..u009999 —
#   DIR/kamailio-db/{users,version}  db_text tables for bench/kamailio/registrar-auth.cfg's htable
#   DIR/users.txt                    `parley serve --users` lines ("address password")
#   DIR/md5.toml                     parley offers MD5 alone: SIPp answers the first challenge only
# and sets KAMAILIO_USERS_DB (the -A define for Kamailio) and PARLEY_AUTH_ARGS (parley's flags).
write_auth_users() {
  local dir=$1 i
  mkdir -p "$dir/kamailio-db"
  {
    echo "id(int,auto) key_name(string) key_type(int) value_type(int) key_value(string) expires(int)"
    echo "1:bench:0:0:bench-secret:0"
    for i in $(seq 0 9999); do printf '%d:u%06d:0:0:pw%06d:0\n' $((i + 2)) "$i" "$i"; done
  } > "$dir/kamailio-db/users"
  printf 'table_name(string) table_version(int)\nusers:2\n' > "$dir/kamailio-db/version"
  {
    echo "bench@127.0.0.1 bench-secret"
    for i in $(seq 0 9999); do printf 'u%06d@127.0.0.1 pw%06d\n' "$i" "$i"; done
  } > "$dir/users.txt"
  printf '[digest]\nalgorithms = ["MD5"]\n' > "$dir/md5.toml"
  KAMAILIO_USERS_DB="USERS_DB=\"text://$dir/kamailio-db\""
  PARLEY_AUTH_ARGS=(--users "$dir/users.txt" --config "$dir/md5.toml")
}
