// The store commands run one store call at a time and wait for its answer, bounded: a store that
// does not answer (a Redis that hangs) ends the command with an error, not a hang.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "location/store.hpp"

namespace parley::app {

inline constexpr const char* kDefaultStore = "sqlite:parley.db";

template <typename T, typename Call>
Result<T, location::StoreError> store_call(Call&& call,
                                           std::chrono::seconds limit = std::chrono::seconds(15)) {
  using R = Result<T, location::StoreError>;
  auto promise = std::make_shared<std::promise<R>>();
  auto future = promise->get_future();
  call(location::Callback<T>([promise](R r) { promise->set_value(std::move(r)); }));
  if (future.wait_for(limit) != std::future_status::ready)
    return fail(location::StoreError{location::StoreError::Kind::Unavailable, 500,
                                     "the store did not answer in time"});
  return future.get();
}

// True when `spec` names a kind of store (its file or server may still be missing): a spec that
// does not is a usage error (exit 2).
inline bool known_store_kind(std::string_view spec) {
  return spec == "memory" || spec.starts_with("sqlite:") || spec.starts_with("redis://");
}

}  // namespace parley::app
