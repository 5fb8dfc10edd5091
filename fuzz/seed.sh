#!/usr/bin/env bash
# Refreshes the seed corpora of the message layer's fuzzers from the test data (STYLE.md §7):
#   fuzz/corpus/message/  every message of tests/data (valid, torture, regress)
#   fuzz/corpus/framer/   the same, plus streams of two and three messages and keep-alives
#   fuzz/corpus/uri/      every Request-URI and every <URI> of those messages
# Files are named by their SHA-1, as libFuzzer names what it adds, so a refresh adds no duplicates.
# Run from anywhere: fuzz/seed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
data=tests/data
out=fuzz/corpus

put() {  # put DIR < bytes
  local tmp; tmp=$(mktemp)
  cat > "$tmp"
  [ -s "$tmp" ] || { rm -f "$tmp"; return; }
  mv "$tmp" "$1/$(sha1sum < "$tmp" | cut -c1-40)"
}

rm -rf "$out/message" "$out/framer" "$out/uri"
mkdir -p "$out/message" "$out/framer" "$out/uri"

mapfile -t messages < <(find "$data/valid" "$data/torture" "$data/regress" -type f \
  ! -name '*.expect' ! -name '*.md' ! -name '.gitattributes' 2>/dev/null | sort)
mapfile -t valid < <(find "$data/valid" "$data/torture/valid" -type f -name '*.sip' | sort)

for f in "${messages[@]}"; do
  put "$out/message" < "$f"
  put "$out/framer" < "$f"
done

# Streams: consecutive pairs and triples of valid messages, some behind keep-alives.
for ((i = 0; i + 2 < ${#valid[@]}; i += 3)); do
  cat "${valid[i]}" "${valid[i + 1]}" | put "$out/framer"
  { printf '\r\n\r\n'; cat "${valid[i]}"; printf '\r\n'; cat "${valid[i + 1]}" "${valid[i + 2]}"; } |
    put "$out/framer"
done

# URIs: the Request-URI of each request and everything between < and > that has a scheme.
for f in "${valid[@]}"; do
  line=$(tr -d '\r' < "$f" | awk 'NF { print; exit }')
  case "$line" in
    SIP/*|sip/*) ;;
    *) printf '%s' "$(cut -d' ' -f2 <<< "$line")" | put "$out/uri" ;;
  esac
  { tr -d '\r' < "$f" | sed -n '1,/^$/p' | grep -ao '<[A-Za-z][A-Za-z0-9+.-]*:[^<>]*>' || true; } |
    sed 's/^<//; s/>$//' | while IFS= read -r uri; do printf '%s' "$uri" | put "$out/uri"; done
done

echo "seeds: $(ls "$out/message" | wc -l) message, $(ls "$out/framer" | wc -l) framer," \
  "$(ls "$out/uri" | wc -l) uri"
