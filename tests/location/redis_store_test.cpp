// What only the Redis store promises: expiries are Redis TTLs, nodes sharing one Redis do not lose
// each other's updates, and a Redis that dies or hangs is an Unavailable error within a bounded
// time — after which the same store object works again once Redis is back.
#include "location/redis_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "location/redis_connection.hpp"
#include "redis_server.hpp"
#include "sync_call.hpp"

namespace parley::location::test {
namespace {

using Steady = std::chrono::steady_clock;

class RedisStore : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.start()) << "redis-server did not start on port " << redis_.port();
    store_ = open();
    ASSERT_TRUE(store_);
  }
  void TearDown() override {
    if (store_) store_->close();
    store_.reset();
    redis_.stop();
  }
  std::unique_ptr<Store> open() {
    auto s = make_redis_store(redis_.spec());
    EXPECT_TRUE(s) << (s ? "" : s.error());
    return s ? std::move(*s) : nullptr;
  }

  RedisServer redis_;
  std::unique_ptr<Store> store_;
};

TEST_F(RedisStore, TheAorKeyExpiresWithItsLatestBinding) {
  ASSERT_TRUE(put(*store_, "sip:a@example.com",
                  {binding("", "sip:a@192.0.2.1", 60s), binding("", "sip:a@192.0.2.2", 600s)}));
  redis::Connection raw(*redis::parse_spec(redis_.spec()), {});
  auto r = raw.pipeline({{"PTTL", "parley:aor:sip:a@example.com"}});
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->front().type, redis::Reply::Type::Integer);
  EXPECT_GT(r->front().integer, 590'000);
  EXPECT_LE(r->front().integer, 600'000);
}

// Two nodes (two store objects, each with its own I/O threads) add one to the same counter: the
// compare-and-set makes every update count.
TEST_F(RedisStore, TwoNodesOnOneRedisLoseNoUpdate) {
  auto other = open();
  ASSERT_TRUE(other);
  constexpr int kEach = 100;
  std::atomic<int> failures{0};
  auto increment = [](const Bindings& current, TimePoint) -> Result<Bindings, StoreError> {
    Bindings next = current;
    if (next.empty()) next.push_back(binding("", "sip:counter@192.0.2.9", 600s, "c", 0));
    next[0].cseq++;
    return next;
  };
  auto run = [&](Store& s) {
    for (int i = 0; i < kEach; ++i) {
      auto r =
          wait_for<Bindings>([&](auto cb) { s.modify("sip:counter@example.com", increment, cb); });
      if (!r || !*r) failures++;
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] { run(*store_); });
    threads.emplace_back([&] { run(*other); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto b = wait_for<Bindings>([&](auto cb) { store_->lookup("sip:counter@example.com", cb); });
  ASSERT_TRUE(b && *b);
  ASSERT_EQ((*b)->size(), 1u);
  EXPECT_EQ((**b)[0].cseq, 4u * kEach);
  other->close();
}

TEST_F(RedisStore, KilledRedisIsUnavailableQuicklyAndTheStoreRecoversByItself) {
  ASSERT_TRUE(put(*store_, "sip:a@example.com", {binding("", "sip:a@192.0.2.1", 600s)}));
  redis_.kill();

  auto start = Steady::now();
  auto r = put(*store_, "sip:a@example.com", {binding("", "sip:a@192.0.2.2", 600s)});
  ASSERT_TRUE(r) << "no answer while Redis is down";
  ASSERT_FALSE(*r);
  EXPECT_EQ(r->error().kind, StoreError::Kind::Unavailable);
  EXPECT_LT(Steady::now() - start, 3s);
  auto l = wait_for<Bindings>([&](auto cb) { store_->lookup("sip:a@example.com", cb); });
  ASSERT_TRUE(l);
  EXPECT_FALSE(*l);
  auto u = wait_for<bool>([&](auto cb) { store_->put_user(User{"a", "b", "", "", ""}, cb); });
  ASSERT_TRUE(u);
  EXPECT_FALSE(*u);

  ASSERT_TRUE(redis_.start()) << "redis-server did not restart";
  auto deadline = Steady::now() + 10s;
  std::optional<Answer<Bindings>> again;
  do {
    again = put(*store_, "sip:a@example.com", {binding("", "sip:a@192.0.2.3", 600s)});
    if (again && *again) break;
    std::this_thread::sleep_for(50ms);
  } while (Steady::now() < deadline);
  ASSERT_TRUE(again && *again) << "the store did not recover";
  auto found = wait_for<Bindings>([&](auto cb) { store_->lookup("sip:a@example.com", cb); });
  ASSERT_TRUE(found && *found);
  ASSERT_EQ((*found)->size(), 1u);
  EXPECT_EQ((**found)[0].contact, "sip:a@192.0.2.3");
}

TEST_F(RedisStore, HungRedisIsUnavailableWithinTheCommandTimeout) {
  ASSERT_TRUE(put(*store_, "sip:a@example.com", {binding("", "sip:a@192.0.2.1", 600s)}));
  redis_.pause();
  auto start = Steady::now();
  auto r = put(*store_, "sip:a@example.com", {});
  auto took = Steady::now() - start;
  redis_.resume();
  ASSERT_TRUE(r) << "no answer while Redis hangs";
  ASSERT_FALSE(*r);
  EXPECT_EQ(r->error().kind, StoreError::Kind::Unavailable);
  EXPECT_LT(took, 4s);
  auto deadline = Steady::now() + 10s;
  std::optional<Answer<Bindings>> l;
  do {
    l = wait_for<Bindings>([&](auto cb) { store_->lookup("sip:a@example.com", cb); });
    if (l && *l) break;
    std::this_thread::sleep_for(50ms);
  } while (Steady::now() < deadline);
  ASSERT_TRUE(l && *l) << "the store did not recover";
}

TEST_F(RedisStore, AStoreOpenedBeforeRedisStartsWorksOnceItIsUp) {
  redis_.stop();
  auto store = open();
  ASSERT_TRUE(store) << "opening must not need Redis up";
  auto r = put(*store, "sip:a@example.com", {binding("", "sip:a@192.0.2.1", 600s)});
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  ASSERT_TRUE(redis_.start());
  auto deadline = Steady::now() + 10s;
  do {
    r = put(*store, "sip:a@example.com", {binding("", "sip:a@192.0.2.1", 600s)});
    if (r && *r) break;
    std::this_thread::sleep_for(50ms);
  } while (Steady::now() < deadline);
  EXPECT_TRUE(r && *r);
  store->close();
}

TEST(RedisSpec, HostPortAndDatabase) {
  auto a = redis::parse_spec("redis://127.0.0.1:6380/3");
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 6380);
  EXPECT_EQ(a->db, 3);
  auto v6 = redis::parse_spec("redis://[::1]:6379");
  ASSERT_TRUE(v6) << v6.error();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->db, 0);
  EXPECT_FALSE(redis::parse_spec("redis://localhost"));
  EXPECT_FALSE(redis::parse_spec("redis://:6379"));
  EXPECT_FALSE(redis::parse_spec("redis://h:0"));
  EXPECT_FALSE(redis::parse_spec("redis://h:6379/x"));
}

}  // namespace
}  // namespace parley::location::test
