// Which shard owns the server transactions of a shard key (key.hpp: the top Via branch, or the
// Call-ID of an RFC 2543 request) while anything of them is alive: the map that lets a request be
// handled on the loop it arrived on (STYLE.md §5) and still have its retransmissions, its ACK and
// its CANCEL meet it there, whichever loop they arrive on.
//
// Ownership is counted in pins. The Dispatcher pins a request's key while the request is on its
// way to the owning layer (the first pin of a key makes the loop it arrived on the owner); the
// layer pins it again for each server transaction it makes, and lets go when the transaction
// terminates. A key whose pins all went is forgotten, and the next request with it is owned
// wherever it arrives. The map is shared between the loops: it is split into stripes by the key's
// hash, each with its own mutex, so that two loops rarely want the same lock and never for long.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace parley::transaction {

class ShardDirectory {
 public:
  explicit ShardDirectory(std::size_t stripes = 64);
  ShardDirectory(const ShardDirectory&) = delete;
  ShardDirectory& operator=(const ShardDirectory&) = delete;

  // The shard that owns `key_hash` (hash_bytes of the shard key), `arrival` when nobody does;
  // takes one pin on it either way.
  std::size_t pin(std::uint64_t key_hash, std::size_t arrival);
  // Gives one pin back; the last one forgets the key.
  void unpin(std::uint64_t key_hash);

  // Keys with a pin; for tests and statistics (takes every stripe's lock in turn).
  std::size_t size() const;

 private:
  struct Owner {
    std::uint32_t shard = 0;
    std::uint32_t pins = 0;
  };
  struct alignas(64) Stripe {
    std::mutex mutex;
    std::unordered_map<std::uint64_t, Owner> owners;
  };
  Stripe& stripe(std::uint64_t key_hash) { return stripes_[key_hash % count_]; }

  std::size_t count_;
  std::unique_ptr<Stripe[]> stripes_;
};

}  // namespace parley::transaction
