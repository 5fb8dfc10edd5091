#include "transaction/directory.hpp"

#include <cassert>

namespace parley::transaction {

ShardDirectory::ShardDirectory(std::size_t stripes)
    : count_(stripes == 0 ? 1 : stripes), stripes_(std::make_unique<Stripe[]>(count_)) {}

std::size_t ShardDirectory::pin(std::uint64_t key_hash, std::size_t arrival) {
  Stripe& s = stripe(key_hash);
  std::lock_guard lock(s.mutex);
  auto [it, fresh] = s.owners.try_emplace(key_hash, Owner{static_cast<std::uint32_t>(arrival), 0});
  ++it->second.pins;
  return it->second.shard;
}

void ShardDirectory::unpin(std::uint64_t key_hash) {
  Stripe& s = stripe(key_hash);
  std::lock_guard lock(s.mutex);
  auto it = s.owners.find(key_hash);
  assert(it != s.owners.end() && it->second.pins > 0);
  if (it == s.owners.end()) return;
  if (--it->second.pins == 0) s.owners.erase(it);
}

std::size_t ShardDirectory::size() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    std::lock_guard lock(stripes_[i].mutex);
    n += stripes_[i].owners.size();
  }
  return n;
}

}  // namespace parley::transaction
