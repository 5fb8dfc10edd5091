#include "transaction/directory.hpp"

#include <bit>
#include <cassert>

namespace parley::transaction {

ShardDirectory::ShardDirectory(std::size_t slots)
    : mask_(std::bit_ceil(slots == 0 ? std::size_t{1} : slots) - 1),
      slots_(std::make_unique<std::atomic<std::uint32_t>[]>(mask_ + 1)) {}

std::size_t ShardDirectory::pin(std::uint64_t key_hash, std::size_t arrival) {
  assert(arrival < kOnePin);
  auto& s = slot(key_hash);
  std::uint32_t seen = s.load(std::memory_order_relaxed);
  for (;;) {
    // Unpinned, the slot's old owner means nothing: the key is owned where it arrived.
    std::uint32_t want =
        seen < kOnePin ? kOnePin | static_cast<std::uint32_t>(arrival) : seen + kOnePin;
    if (s.compare_exchange_weak(seen, want, std::memory_order_acq_rel)) return want & (kOnePin - 1);
  }
}

void ShardDirectory::unpin(std::uint64_t key_hash) {
  [[maybe_unused]] std::uint32_t before =
      slot(key_hash).fetch_sub(kOnePin, std::memory_order_acq_rel);
  assert(before >= kOnePin);
}

std::size_t ShardDirectory::size() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i <= mask_; ++i)
    if (slots_[i].load(std::memory_order_relaxed) >= kOnePin) ++n;
  return n;
}

}  // namespace parley::transaction
