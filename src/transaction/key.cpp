#include "transaction/key.hpp"

#include <cstring>
#include <random>

#include "message/scanner.hpp"

namespace parley::transaction {

namespace {

constexpr std::uint64_t kMul = 0x9fb21c651e98df25ULL;

constexpr std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 32;
  x *= kMul;
  x ^= x >> 29;
  x *= kMul;
  x ^= x >> 32;
  return x;
}

std::uint64_t process_seed() {
  static const std::uint64_t seed = [] {
    std::random_device rd;
    return (std::uint64_t{rd()} << 32) ^ rd();
  }();
  return seed;
}

std::uint64_t combine(std::uint64_t h, std::uint64_t v) { return mix(h ^ (v + kMul)); }

const message::Via* top_via(const message::Message& m) {
  const auto& vias = m.via();
  if (!vias || vias->empty()) return nullptr;
  return &vias->front();
}

}  // namespace

std::uint64_t hash_bytes(std::string_view s, std::uint64_t h) noexcept {
  h ^= process_seed() ^ (s.size() * kMul);
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = mix(h ^ w);
  }
  std::uint64_t tail = 0;
  if (i < s.size()) std::memcpy(&tail, s.data() + i, s.size() - i);  // data() may be null
  return mix(h ^ tail);
}

bool operator==(const Key& a, const Key& b) {
  if (a.hash != b.hash || a.kind != b.kind || a.branch != b.branch || a.method != b.method)
    return false;
  switch (a.kind) {
    case Key::Kind::Client:
      return true;
    case Key::Kind::Server:
      return a.port == b.port && message::iequals(a.host, b.host);
    case Key::Kind::Legacy:
      return a.port == b.port && a.cseq == b.cseq && a.call_id == b.call_id &&
             a.from_tag == b.from_tag && message::iequals(a.host, b.host);
  }
  return false;
}

void Key::rehash() noexcept {
  // Only fields compared exactly go in: the host (case-insensitive) stays out.
  std::uint64_t h = hash_bytes(branch, static_cast<std::uint64_t>(kind));
  h = combine(h, method.size() ^ (method.empty() ? 0 : std::uint64_t(method[0]) << 8));
  if (kind != Kind::Client) h = combine(h, port);
  if (kind == Kind::Legacy) {
    h = hash_bytes(call_id, h);
    h = hash_bytes(from_tag, combine(h, cseq));
  }
  hash = static_cast<std::size_t>(h);
}

std::optional<Key> client_key(const message::Message& m) {
  const message::Via* via = top_via(m);
  if (!via) return std::nullopt;
  auto branch = via->branch();
  const auto& cseq = m.cseq();
  if (!branch || branch->empty() || !cseq) return std::nullopt;
  Key k;
  k.kind = Key::Kind::Client;
  k.branch = *branch;
  k.method = cseq->method_name;
  k.rehash();
  return k;
}

std::optional<Key> server_key(const message::Message& request, std::string_view as_method) {
  const message::Via* via = top_via(request);
  if (!via) return std::nullopt;
  Key k;
  k.method = as_method.empty() ? request.method_name() : as_method;
  k.host = via->host;
  k.port = via->port.value_or(0);
  k.branch = via->branch().value_or(std::string_view{});
  if (via->rfc3261_branch()) {
    k.kind = Key::Kind::Server;
    k.rehash();
    return k;
  }
  // RFC 2543: no unique branch, so the request is known by what identifies it in a dialog.
  const auto& cseq = request.cseq();
  const auto& from = request.from();
  auto call_id = request.call_id();
  if (!cseq || !from || !call_id) return std::nullopt;
  k.kind = Key::Kind::Legacy;
  k.cseq = cseq->number;
  k.call_id = *call_id;
  k.from_tag = from->tag().value_or(std::string_view{});
  k.rehash();
  return k;
}

std::string_view shard_key(const message::Message& m) {
  if (const message::Via* via = top_via(m); via && via->rfc3261_branch()) return *via->branch();
  return m.call_id().value_or(std::string_view{});
}

std::string_view shard_key(const Key& server) {
  return server.kind == Key::Kind::Legacy ? server.call_id : server.branch;
}

std::size_t shard_of(std::string_view key, std::size_t shards) {
  if (shards <= 1) return 0;
  return static_cast<std::size_t>(hash_bytes(key) % shards);
}

}  // namespace parley::transaction
