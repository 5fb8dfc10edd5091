// The Redis store: several `parley serve` nodes share one location service. See README.md for
// the key layout; in short, one key per AOR holding its binding set, whose TTL is the latest
// expiry of its bindings, and one key per user.
//
// Threads: `io_threads` I/O threads, each with its own connection; an AOR always goes to the same
// thread (by hash), so this node never races itself on an AOR, and each thread pipelines what is
// queued. Modifies are optimistic: read the AOR's value, decide, then a Lua script writes the new
// value only if the key still holds what was read — else read and decide again (another node
// wrote in between). Callbacks run on the I/O threads.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "location/redis_connection.hpp"
#include "location/store.hpp"

namespace parley::location {

struct RedisStoreOptions {
  int io_threads = 2;
  // Once work is queued, how long an I/O thread lets more join it before the round goes out: one
  // pipelined round (and one wake-up each way) then serves many REGISTERs under load, at up to
  // this much more latency each (see SqliteStoreOptions::commit_delay). Zero: at once.
  std::chrono::microseconds batch_delay{1000};
  redis::Timeouts timeouts;
  // A modify that keeps losing to other nodes' writes gives up (Unavailable) after this many
  // attempts.
  int max_attempts = 16;
  // Prefix of every key, so one Redis database can hold other things too.
  std::string key_prefix = "parley:";
};

// Checks the spec; Redis itself is reached (and reached again after a failure) when there is
// work, so a store opened while Redis is down answers Unavailable until it comes up.
Result<std::unique_ptr<Store>, std::string> make_redis_store(std::string_view spec,
                                                             RedisStoreOptions options = {});

}  // namespace parley::location
