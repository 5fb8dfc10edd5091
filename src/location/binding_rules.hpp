// What every store does the same way around a Decide: dropping bindings already expired, and
// checking what decide returned before it is stored.
#pragma once

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>
#include <vector>

#include "location/store.hpp"

namespace parley::location {

// Removes the bindings expired at `now` (expires <= now), keeping the order of the others.
inline void drop_expired(std::vector<Binding>& bindings, TimePoint now) {
  std::erase_if(bindings, [now](const Binding& b) { return b.expires <= now; });
}

// Runs decide for `aor` on `current` (already without expired bindings) and prepares its answer
// for storing: every binding carries the AOR, expiries are cut to whole milliseconds, and those
// that expire by `now` are left out, as they are gone the moment they are written. A decide that
// throws is a programming error reported as Unavailable rather than an exception through a store's
// thread.
inline Result<std::vector<Binding>, StoreError> run_decide(const Store::Decide& decide,
                                                           const std::string& aor,
                                                           const std::vector<Binding>& current,
                                                           TimePoint now) {
  Result<std::vector<Binding>, StoreError> next = fail(StoreError{});
  try {
    next = decide(current, now);
  } catch (const std::exception& e) {
    return fail(
        StoreError{StoreError::Kind::Unavailable, 500, std::string("decide failed: ") + e.what()});
  }
  if (!next) return next;
  for (auto& b : *next) {
    b.aor = aor;
    // Every store keeps whole milliseconds; the answer is what a later read gives back.
    b.expires = std::chrono::time_point_cast<std::chrono::milliseconds>(b.expires);
  }
  drop_expired(*next, now);
  return next;
}

inline StoreError unavailable(std::string reason) {
  return StoreError{StoreError::Kind::Unavailable, 500, std::move(reason)};
}

}  // namespace parley::location
