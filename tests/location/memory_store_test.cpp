// What only the memory store promises beyond the contract: expired bindings do not just vanish
// from reads, their memory is given back (no unbounded growth with registrations that ended).
#include "location/memory_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "sync_call.hpp"

namespace parley::location::test {
namespace {

TEST(MemoryStore, TheSweeperDropsExpiredBindings) {
  std::atomic<long> held{-1};
  auto store = make_memory_store({.sweep_interval = std::chrono::milliseconds(20),
                                  .on_sweep = [&](std::size_t n) { held = static_cast<long>(n); }});
  auto soon = Clock::now() + 300ms;
  for (int i = 0; i < 1000; ++i) {
    auto b = binding("", "sip:x@192.0.2.1", 600s);
    if (i % 10 != 0) b.expires = soon;  // 900 expire soon, 100 stay
    auto r = wait_for<Bindings>([&](auto cb) {
      store->modify(
          "sip:u" + std::to_string(i) + "@example.com",
          [b](const Bindings&, TimePoint) -> Result<Bindings, StoreError> { return Bindings{b}; },
          cb);
    });
    ASSERT_TRUE(r && *r);
  }
  auto deadline = Clock::now() + 5s;
  while (held.load() != 1000 && Clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(held.load(), 1000) << "the sweeper does not report what it holds";
  while (held.load() != 100 && Clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(held.load(), 100);
  EXPECT_LT(Clock::now(), soon + 2s);
  store->close();
}

}  // namespace
}  // namespace parley::location::test
