// The contract of location::Store (store.hpp), run against every store: memory, SQLite in a
// temporary directory, and Redis against a real redis-server on a loopback port.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "location/memory_store.hpp"
#include "location/redis_store.hpp"
#include "location/sqlite_store.hpp"
#include "location/store.hpp"
#include "redis_server.hpp"
#include "sync_call.hpp"
#include "temp_dir.hpp"

namespace parley::location::test {
namespace {

namespace fs = std::filesystem;

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string& kind = GetParam();
    if (kind == "memory") {
      store_ = make_memory_store({.sweep_interval = std::chrono::milliseconds(50)});
    } else if (kind == "sqlite") {
      dir_ = make_temp_dir();
      auto s = make_sqlite_store((dir_ / "parley.db").string(),
                                 {.sweep_interval = std::chrono::milliseconds(50)});
      ASSERT_TRUE(s) << s.error();
      store_ = std::move(*s);
    } else if (kind == "redis") {
      redis_ = std::make_unique<RedisServer>();
      ASSERT_TRUE(redis_->start()) << "redis-server did not start on port " << redis_->port();
      auto s = make_redis_store(redis_->spec());
      ASSERT_TRUE(s) << s.error();
      store_ = std::move(*s);
    } else {
      FAIL() << "unknown store kind " << kind;
    }
    ASSERT_TRUE(store_);
  }
  void TearDown() override {
    if (store_) store_->close();
    store_.reset();
    redis_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::optional<Answer<Bindings>> modify(const std::string& aor, Store::Decide decide) {
    return wait_for<Bindings>([&](auto cb) { store_->modify(aor, decide, cb); });
  }
  std::optional<Answer<Bindings>> put(const std::string& aor, Bindings next) {
    return test::put(*store_, aor, std::move(next));
  }
  Bindings lookup(const std::string& aor) {
    auto r = wait_for<Bindings>([&](auto cb) { store_->lookup(aor, cb); });
    EXPECT_TRUE(r && *r) << "lookup " << aor;
    return r && *r ? **r : Bindings{};
  }
  Bindings list(const std::string& aor = {}) {
    auto r = wait_for<Bindings>([&](auto cb) { store_->list(aor, cb); });
    EXPECT_TRUE(r && *r) << "list";
    return r && *r ? **r : Bindings{};
  }

  std::unique_ptr<Store> store_;
  fs::path dir_;
  std::unique_ptr<RedisServer> redis_;
};

TEST_P(StoreContract, ModifyStoresWhatDecideReturnsAndLookupFindsIt) {
  Bindings two = {binding("ignored", "sip:alice@192.0.2.4:5060", 3600s),
                  binding("ignored", "sip:alice@198.51.100.7;transport=tcp", 1800s, "c2", 7)};
  two[1].q.reset();
  two[1].path.clear();
  auto r = put("sip:alice@example.com", two);
  ASSERT_TRUE(r && *r);
  ASSERT_EQ((*r)->size(), 2u);
  for (auto& b : two) b.aor = "sip:alice@example.com";
  EXPECT_EQ(**r, two);
  EXPECT_EQ(lookup("sip:alice@example.com"), two);
  EXPECT_TRUE(lookup("sip:bob@example.com").empty());
}

TEST_P(StoreContract, DecideSeesTheCurrentBindingsAndNow) {
  auto first = binding("sip:a@example.com", "sip:a@192.0.2.1", 600s);
  ASSERT_TRUE(put("sip:a@example.com", {first}));
  Bindings seen;
  TimePoint seen_now{};
  auto before = Clock::now();
  auto r = modify("sip:a@example.com",
                  [&](const Bindings& current, TimePoint now) -> Result<Bindings, StoreError> {
                    seen = current;
                    seen_now = now;
                    auto next = current;
                    next.push_back(binding("sip:a@example.com", "sip:a@192.0.2.2", 600s, "c1", 2));
                    return next;
                  });
  ASSERT_TRUE(r && *r);
  EXPECT_EQ(seen, Bindings{first});
  EXPECT_GE(seen_now, before - 1s);
  EXPECT_LE(seen_now, Clock::now() + 1s);
  auto now = lookup("sip:a@example.com");
  ASSERT_EQ(now.size(), 2u);
  EXPECT_EQ(now[0].contact, "sip:a@192.0.2.1");
  EXPECT_EQ(now[1].contact, "sip:a@192.0.2.2");
}

TEST_P(StoreContract, RefusalIsPassedThroughAndChangesNothing) {
  auto first = binding("sip:a@example.com", "sip:a@192.0.2.1", 600s);
  ASSERT_TRUE(put("sip:a@example.com", {first}));
  auto r =
      modify("sip:a@example.com", [](const Bindings&, TimePoint) -> Result<Bindings, StoreError> {
        return fail(StoreError{StoreError::Kind::Refused, 423, "Interval Too Brief"});
      });
  ASSERT_TRUE(r);
  ASSERT_FALSE(*r);
  EXPECT_EQ(r->error().kind, StoreError::Kind::Refused);
  EXPECT_EQ(r->error().status, 423);
  EXPECT_EQ(r->error().reason, "Interval Too Brief");
  EXPECT_EQ(lookup("sip:a@example.com"), Bindings{first});
}

TEST_P(StoreContract, AnEmptySetRemovesTheAor) {
  ASSERT_TRUE(put("sip:a@example.com", {binding("sip:a@example.com", "sip:a@192.0.2.1", 600s)}));
  auto r = put("sip:a@example.com", {});
  ASSERT_TRUE(r && *r);
  EXPECT_TRUE((*r)->empty());
  EXPECT_TRUE(lookup("sip:a@example.com").empty());
  EXPECT_TRUE(list().empty());
}

TEST_P(StoreContract, ListGivesEveryBindingOrOneAors) {
  ASSERT_TRUE(put("sip:a@example.com",
                  {binding("", "sip:a@192.0.2.1", 600s), binding("", "sip:a@192.0.2.2", 600s)}));
  ASSERT_TRUE(put("sip:b@example.com", {binding("", "sip:b@192.0.2.3", 600s)}));
  auto all = list();
  EXPECT_EQ(all.size(), 3u);
  int a = 0, b = 0;
  for (const auto& x : all) (x.aor == "sip:a@example.com" ? a : b)++;
  EXPECT_EQ(a, 2);
  EXPECT_EQ(b, 1);
  auto only_b = list("sip:b@example.com");
  ASSERT_EQ(only_b.size(), 1u);
  EXPECT_EQ(only_b[0].contact, "sip:b@192.0.2.3");
}

TEST_P(StoreContract, ExpiredBindingsDisappearOnTime) {
  ASSERT_TRUE(put("sip:a@example.com",
                  {binding("", "sip:a@192.0.2.1", 600s), binding("", "sip:a@192.0.2.2", 0s)}));
  // One expires in 300 ms.
  auto soon = binding("", "sip:a@192.0.2.3", 0s);
  soon.expires = Clock::now() + 300ms;
  ASSERT_TRUE(modify("sip:a@example.com",
                     [soon](const Bindings& current, TimePoint) -> Result<Bindings, StoreError> {
                       auto next = current;
                       next.push_back(soon);
                       return next;
                     }));
  auto now = lookup("sip:a@example.com");
  ASSERT_EQ(now.size(), 2u) << "a binding that expires when written is not stored";
  auto deadline = Clock::now() + 5s;
  while (lookup("sip:a@example.com").size() != 1 && Clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  EXPECT_LT(Clock::now(), soon.expires + 1s) << "expired binding still there";
  auto left = lookup("sip:a@example.com");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].contact, "sip:a@192.0.2.1");
  EXPECT_EQ(list().size(), 1u);
  // ... and decide does not see it either.
  Bindings seen;
  ASSERT_TRUE(modify("sip:a@example.com",
                     [&](const Bindings& current, TimePoint) -> Result<Bindings, StoreError> {
                       seen = current;
                       return current;
                     }));
  ASSERT_EQ(seen.size(), 1u);
}

TEST_P(StoreContract, AnAorWhoseBindingsAllExpiredIsGone) {
  auto short_lived = binding("", "sip:a@192.0.2.1", 0s);
  short_lived.expires = Clock::now() + 200ms;
  ASSERT_TRUE(put("sip:a@example.com", {short_lived}));
  auto deadline = Clock::now() + 5s;
  while (!list().empty() && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(list().empty());
  EXPECT_TRUE(lookup("sip:a@example.com").empty());
}

TEST_P(StoreContract, UsersArePutFoundListedAndRemoved) {
  User alice{"alice", "example.com", std::string(32, 'a'), std::string(64, 'b'),
             std::string(64, 'c')};
  User bob{"bob", "example.org", std::string(32, 'd'), std::string(64, 'e'), std::string(64, 'f')};
  auto put_a = wait_for<bool>([&](auto cb) { store_->put_user(alice, cb); });
  auto put_b = wait_for<bool>([&](auto cb) { store_->put_user(bob, cb); });
  ASSERT_TRUE(put_a && *put_a && put_b && *put_b);

  auto found = wait_for<std::optional<User>>(
      [&](auto cb) { store_->find_user("alice", "example.com", cb); });
  ASSERT_TRUE(found && *found && **found);
  EXPECT_EQ(***found, alice);
  auto wrong_realm = wait_for<std::optional<User>>(
      [&](auto cb) { store_->find_user("alice", "example.org", cb); });
  ASSERT_TRUE(wrong_realm && *wrong_realm);
  EXPECT_FALSE(**wrong_realm);

  // Put again: replaces.
  alice.ha1_md5 = std::string(32, '0');
  ASSERT_TRUE(wait_for<bool>([&](auto cb) { store_->put_user(alice, cb); }));
  auto all = wait_for<std::vector<User>>([&](auto cb) { store_->list_users(cb); });
  ASSERT_TRUE(all && *all);
  ASSERT_EQ((*all)->size(), 2u);
  bool has_new_alice = false;
  for (const auto& u : **all) has_new_alice |= u == alice;
  EXPECT_TRUE(has_new_alice);

  auto removed = wait_for<bool>([&](auto cb) { store_->remove_user("alice", "example.com", cb); });
  ASSERT_TRUE(removed && *removed);
  EXPECT_TRUE(**removed);
  auto again = wait_for<bool>([&](auto cb) { store_->remove_user("alice", "example.com", cb); });
  ASSERT_TRUE(again && *again);
  EXPECT_FALSE(**again);
  auto gone = wait_for<std::optional<User>>(
      [&](auto cb) { store_->find_user("alice", "example.com", cb); });
  ASSERT_TRUE(gone && *gone);
  EXPECT_FALSE(**gone);
}

// Each modify adds one to a counter kept in the binding's CSeq: with 4 threads × 50 modifies of
// one AOR, a lost update shows as a count below 200, and two decides at once are seen directly.
TEST_P(StoreContract, ConcurrentModifiesOfOneAorAreSerialized) {
  constexpr int kThreads = 4, kEach = 50;
  std::atomic<int> inside{0}, overlaps{0}, failures{0};
  auto increment = [&](const Bindings& current, TimePoint) -> Result<Bindings, StoreError> {
    if (inside.fetch_add(1) != 0) overlaps++;
    Bindings next = current;
    if (next.empty()) next.push_back(binding("", "sip:counter@192.0.2.9", 600s, "c", 0));
    next[0].cseq++;
    std::this_thread::yield();
    inside.fetch_sub(1);
    return next;
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        auto r = modify("sip:counter@example.com", increment);
        if (!r || !*r) failures++;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(overlaps.load(), 0);
  auto b = lookup("sip:counter@example.com");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].cseq, static_cast<std::uint32_t>(kThreads * kEach));
}

TEST_P(StoreContract, ModifiesOfManyAorsFromManyThreads) {
  constexpr int kThreads = 4, kEach = 100;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto aor = "sip:u" + std::to_string(t * kEach + i) + "@example.com";
        auto r = put(aor, {binding("", "sip:x@192.0.2.1", 600s)});
        if (!r || !*r) failures++;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(list().size(), static_cast<std::size_t>(kThreads * kEach));
}

TEST_P(StoreContract, AfterCloseCallsAnswerUnavailable) {
  ASSERT_TRUE(put("sip:a@example.com", {binding("", "sip:a@192.0.2.1", 600s)}));
  store_->close();
  auto r = put("sip:a@example.com", {});
  ASSERT_TRUE(r) << "no answer after close";
  ASSERT_FALSE(*r);
  EXPECT_EQ(r->error().kind, StoreError::Kind::Unavailable);
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreContract, ::testing::Values("memory", "sqlite", "redis"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace parley::location::test
