// Which shard owns the server transactions of a shard key (key.hpp: the top Via branch, or the
// Call-ID of an RFC 2543 request) while anything of them is alive: the map that lets a request be
// handled on the loop it arrived on (STYLE.md §5) and still have its retransmissions, its ACK and
// its CANCEL meet it there, whichever loop they arrive on.
//
// Ownership is counted in pins. The Dispatcher pins a request's key while the request is on its
// way to the owning layer (the first pin of a key makes the loop it arrived on the owner); the
// layer pins it again for each server transaction it makes, and lets go when the transaction
// terminates. A key whose pins all went is forgotten, and the next request with it is owned
// wherever it arrives.
//
// The map is a fixed array of atomic slots, indexed by the key's hash, each holding an owner and
// a count of pins: no lock, no allocation, one cache line per pin. Keys that share a slot share
// its owner and its count. That costs a key whose slot another loop holds a hand-off to that loop,
// never correctness: every message of one key still reaches one shard. Size it above the number
// of live transactions to keep such sharing rare.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace parley::transaction {

class ShardDirectory {
 public:
  // `slots` is rounded up to a power of two (at least 1).
  explicit ShardDirectory(std::size_t slots = std::size_t{1} << 20);
  ShardDirectory(const ShardDirectory&) = delete;
  ShardDirectory& operator=(const ShardDirectory&) = delete;

  // The shard that owns `key_hash` (hash_bytes of the shard key), `arrival` when nobody does;
  // takes one pin on it either way. Shards are numbered below 256.
  std::size_t pin(std::uint64_t key_hash, std::size_t arrival);
  // Gives one pin back; the last one forgets the key.
  void unpin(std::uint64_t key_hash);

  // Slots with a pin; for tests and statistics (reads every slot).
  std::size_t size() const;
  std::size_t slots() const { return mask_ + 1; }

 private:
  // A slot: the owning shard in the low 8 bits, the pins above them.
  static constexpr std::uint32_t kShardBits = 8;
  static constexpr std::uint32_t kOnePin = 1u << kShardBits;
  std::atomic<std::uint32_t>& slot(std::uint64_t key_hash) { return slots_[key_hash & mask_]; }

  std::size_t mask_;
  std::unique_ptr<std::atomic<std::uint32_t>[]> slots_;
};

}  // namespace parley::transaction
