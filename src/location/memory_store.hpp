// The memory store: the fastest, lost on restart. Bindings live in a hash map split into
// mutex-guarded shards by a hash of the AOR, so modifies of different AORs on different threads
// rarely meet on one lock; a sweeper thread drops expired bindings (readers never see them, as
// they are filtered at read time too). Callbacks run on the caller's thread before the call
// returns.
#pragma once

#include <memory>

#include "location/store.hpp"

namespace parley::location {

struct MemoryStoreOptions {
  // How often the sweeper looks for expired bindings; a shard whose earliest expiry is still to
  // come is skipped without a scan.
  std::chrono::milliseconds sweep_interval{250};
};

std::unique_ptr<Store> make_memory_store(MemoryStoreOptions options = {});

}  // namespace parley::location
