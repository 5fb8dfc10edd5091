// Calls an asynchronous Store function and waits for its callback, at most `limit`: a test that
// would hang fails instead.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "location/store.hpp"

namespace parley::location::test {

using namespace std::chrono_literals;

template <typename T>
using Answer = Result<T, StoreError>;
using Bindings = std::vector<Binding>;

// wait_for<T>([&](Callback<T> cb) { store.lookup("sip:a@x", cb); })
template <typename T, typename Call>
std::optional<Answer<T>> wait_for(Call&& call, std::chrono::milliseconds limit = 10s) {
  auto promise = std::make_shared<std::promise<Answer<T>>>();
  auto future = promise->get_future();
  call(Callback<T>([promise](Answer<T> r) { promise->set_value(std::move(r)); }));
  if (future.wait_for(limit) != std::future_status::ready) return std::nullopt;
  return future.get();
}

// Replaces the AOR's bindings with `next`, whatever they were.
inline std::optional<Answer<Bindings>> put(Store& store, const std::string& aor, Bindings next) {
  return wait_for<Bindings>([&](auto cb) {
    store.modify(
        aor, [next](const Bindings&, TimePoint) -> Result<Bindings, StoreError> { return next; },
        cb);
  });
}

inline Binding binding(std::string aor, std::string contact, std::chrono::seconds ttl,
                       std::string call_id = "c1", std::uint32_t cseq = 1) {
  Binding b;
  b.aor = std::move(aor);
  b.contact = std::move(contact);
  b.params = ";+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";reg-id=1";
  b.q = 500;
  // Whole milliseconds: what every store keeps.
  b.expires = std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now() + ttl);
  b.call_id = std::move(call_id);
  b.cseq = cseq;
  b.path = {"<sip:edge1.example.com;lr>", "<sip:edge2.example.com;lr>"};
  b.source = "udp:192.0.2.4:5060";
  b.user_agent = "parley-test/1";
  return b;
}

}  // namespace parley::location::test
