// The memory store: the fastest, lost on restart. Bindings live in a hash map split into
// mutex-guarded shards by a hash of the AOR, so modifies of different AORs on different threads
// rarely meet on one lock; a sweeper thread drops expired bindings (readers never see them, as
// they are filtered at read time too). Callbacks run on the caller's thread before the call
// returns.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "location/store.hpp"

namespace parley::location {

struct MemoryStoreOptions {
  // How often the sweeper looks for expired bindings; a shard whose earliest expiry is still to
  // come is skipped without a scan.
  std::chrono::milliseconds sweep_interval{250};
  // Called by the sweeper after each pass with the number of bindings still held (a gauge for
  // metrics; tests use it to see memory reclaimed). Runs on the sweeper thread, under no lock.
  std::function<void(std::size_t bindings)> on_sweep = nullptr;
};

std::unique_ptr<Store> make_memory_store(MemoryStoreOptions options = {});

}  // namespace parley::location
