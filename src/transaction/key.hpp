// How a message finds its transaction in one hash lookup (RFC 3261 §17.1.3, §17.2.3), and which
// shard owns it (STYLE.md §5).
//
// A Key is a handful of views into a message: the table stores the key of each transaction as
// views into the transaction's own copy of its request, and a lookup builds one from the
// incoming message without allocating.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "message/message.hpp"

namespace parley::transaction {

struct Key {
  enum class Kind : std::uint8_t {
    Client,  // §17.1.3: top Via branch + CSeq method
    Server,  // §17.2.3: top Via branch (with the magic cookie) + sent-by + method
    Legacy,  // §17.2.3, RFC 2543 requests: Call-ID, CSeq number, From tag, top Via, method
  };
  Kind kind = Kind::Client;
  std::string_view branch;    // Legacy: the top Via's branch, if it has one at all
  std::string_view method;    // servers: "INVITE" for an ACK (§17.2.3 rule 3)
  std::string_view host;      // servers: top Via sent-by, compared case-insensitively
  std::uint16_t port = 0;     // servers: sent-by port, 0 when absent
  std::uint32_t cseq = 0;     // Legacy
  std::string_view call_id;   // Legacy
  std::string_view from_tag;  // Legacy
  // Computed once, when the key is made (client_key, server_key): the table never hashes a key
  // twice, and unequal keys mostly differ here first.
  std::size_t hash = 0;

  // Fills `hash` from the fields; client_key() and server_key() do it for you.
  void rehash() noexcept;
  friend bool operator==(const Key& a, const Key& b);
};

// §17.1.3: the key of a client transaction, from the request it sends or a response to it: the
// branch of the top Via and the method of CSeq. nullopt when either is missing or malformed.
std::optional<Key> client_key(const message::Message& m);

// §17.2.3: the key of the server transaction a request belongs to. `as_method` replaces the
// request's method: "INVITE" finds the INVITE transaction of an ACK or of a CANCEL (§9.2).
// Without the magic cookie the key is the RFC 2543 one; the Request-URI and the To tag, which
// take comparison rules a hash cannot follow, are checked after the lookup (see layer.cpp).
// nullopt when Via, CSeq (or for RFC 2543, Call-ID and From) are missing or malformed.
std::optional<Key> server_key(const message::Message& request, std::string_view as_method = {});

// A fast hash, keyed with a random value per process so that a peer cannot choose branches that
// collide in the table (every shard of a process shares the key).
std::uint64_t hash_bytes(std::string_view s, std::uint64_t h = 0) noexcept;

// What a message is sharded by: the top Via branch when it carries the magic cookie (requests,
// their ACK and CANCEL, and responses all share it), else the Call-ID (RFC 2543 peers).
std::string_view shard_key(const message::Message& m);
// The same of a server transaction's key: its branch, or for an RFC 2543 one its Call-ID.
std::string_view shard_key(const Key& server);
std::size_t shard_of(std::string_view key, std::size_t shards);

}  // namespace parley::transaction
