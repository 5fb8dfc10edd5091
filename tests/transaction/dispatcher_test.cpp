// STYLE.md §5: a transaction lives on one shard (a response's: the one its branch hashes to; a
// request's: the one its key is owned by in the directory, else where it arrived); the Dispatcher
// posts every message there, and each shard runs its own TransactionLayer on its own thread and
// timers.
#include "transaction/dispatcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/asio_timer_service.hpp"
#include "support.hpp"
#include "transaction/layer.hpp"
#include "transaction/non_invite_client.hpp"

namespace parley::transaction::test {
namespace {

namespace asio = boost::asio;

// Records what reached it; runs on the io_context it belongs to.
struct Recorder final : transport::Receiver {
  void receive(Incoming&& in) override { got.push_back(std::move(in)); }
  std::vector<Incoming> got;
};

struct Shards {
  explicit Shards(std::size_t n) : contexts(n), recorders(n) {
    std::vector<Dispatcher::Shard> shards;
    for (std::size_t i = 0; i < n; ++i)
      shards.push_back({contexts[i].get_executor(), &recorders[i]});
    dispatcher = std::make_unique<Dispatcher>(std::move(shards));
  }
  void run() {
    for (auto& c : contexts) c.run();
  }
  // The shard each message with this Call-ID reached.
  std::map<std::string, std::set<std::size_t>> shards_by(
      std::function<std::string(const Message&)> key) {
    std::map<std::string, std::set<std::size_t>> out;
    for (std::size_t i = 0; i < recorders.size(); ++i)
      for (const auto& in : recorders[i].got) out[key(in.message)].insert(i);
    return out;
  }
  std::vector<asio::io_context> contexts;
  std::vector<Recorder> recorders;
  std::unique_ptr<Dispatcher> dispatcher;
};

TEST(Dispatcher, ARequestItsAckCancelAndResponsesMeetOnOneShard) {
  Shards s(4);
  for (int i = 0; i < 200; ++i) {
    Request r;
    r.branch = "z9hG4bK-" + std::to_string(i);
    r.call_id = "call-" + std::to_string(i);
    Message invite = r.message();
    s.dispatcher->receive(incoming(invite));
    s.dispatcher->receive(incoming(invite));  // a retransmission
    Request ack = r, cancel = r;
    ack.method = "ACK";
    cancel.method = "CANCEL";
    s.dispatcher->receive(ack.incoming());
    s.dispatcher->receive(cancel.incoming());
    s.dispatcher->receive(incoming(response(invite, 180)));
    s.dispatcher->receive(incoming(response(cancel.message(), 200)));
  }
  s.run();
  auto by_call = s.shards_by([](const Message& m) { return std::string(*m.call_id()); });
  ASSERT_EQ(by_call.size(), 200u);
  std::set<std::size_t> used;
  for (const auto& [call, shards] : by_call) {
    EXPECT_EQ(shards.size(), 1u) << call;
    used.insert(*shards.begin());
  }
  EXPECT_EQ(used.size(), 4u);  // and the keys spread over every shard
  std::size_t total = 0;
  for (const auto& r : s.recorders) total += r.got.size();
  EXPECT_EQ(total, 200u * 6);
}

TEST(Dispatcher, Rfc2543MessagesShardByCallId) {
  Shards s(3);
  for (int i = 0; i < 100; ++i) {
    Request r;
    r.branch = i % 2 ? "" : "old-style-" + std::to_string(i);
    r.call_id = "legacy-" + std::to_string(i / 4);
    r.cseq = static_cast<std::uint32_t>(i);
    s.dispatcher->receive(r.incoming());
  }
  s.run();
  auto by_call = s.shards_by([](const Message& m) { return std::string(*m.call_id()); });
  ASSERT_EQ(by_call.size(), 25u);
  for (const auto& [call, shards] : by_call) EXPECT_EQ(shards.size(), 1u) << call;
}

TEST(Dispatcher, ShardForMatchesWhereItPosts) {
  Shards s(5);
  Request r;
  for (int i = 0; i < 50; ++i) {
    r.branch = "z9hG4bKx" + std::to_string(i);
    Message m = r.message();
    std::size_t expected = s.dispatcher->shard_for(m);
    EXPECT_EQ(expected, shard_of(r.branch, 5));
    s.dispatcher->receive(incoming(m));
    s.run();
    for (auto& c : s.contexts) c.restart();
    EXPECT_EQ(s.recorders[expected].got.size(), 1u);
    for (auto& rec : s.recorders) rec.got.clear();
  }
}

// ---- whole shards on threads

// A Sender several threads share.
class LockedWire final : public transport::Sender {
 public:
  void send(const Flow&, transport::Bytes bytes, ErrorHandler) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(std::move(bytes));
    changed_.notify_all();
  }
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, seconds(20), [&] { return sent_.size() >= n; });
  }
  std::size_t count() {
    std::lock_guard lock(mutex_);
    return sent_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<transport::Bytes> sent_;
};

// Answers every request 200 at once and notes the thread it ran on.
struct ThreadNotingUser final : TransactionUser {
  void on_request(const std::shared_ptr<ServerTransaction>& tx) override {
    threads.insert(std::this_thread::get_id());
    call_ids.insert(std::string(*tx->request().call_id()));
    tx->respond(200, response_text(tx->request(), 200));
  }
  void on_cancel(const std::shared_ptr<ServerTransaction>&,
                 const std::shared_ptr<ServerTransaction>&) override {}
  void on_ack(const Incoming&) override {}
  void on_stray_response(const Incoming&) override {}
  void on_failure(ServerTransaction&, Failure) override {}
  std::set<std::thread::id> threads;
  std::set<std::string> call_ids;
};

// Shards with real layers, each on its own thread, behind one Dispatcher (whose directory the
// layers pin in, as `parley serve` wires them); the threads run until stop().
struct ThreadedShards {
  ThreadedShards(std::size_t n, Duration t1) : contexts(n), users(n) {
    for (std::size_t i = 0; i < n; ++i) {
      clocks.push_back(std::make_unique<AsioTimerService>(contexts[i].get_executor()));
      senders.push_back(std::make_unique<ShardSender>(wire, contexts[i].get_executor()));
      LayerConfig config;
      config.shard = i;
      config.shards = n;
      config.directory = &dispatcher.directory();
      config.timers.t1 = t1;
      layers.push_back(
          std::make_unique<TransactionLayer>(*clocks[i], *senders[i], users[i], config));
      dispatcher.add({contexts[i].get_executor(), layers[i].get()});
    }
    for (auto& c : contexts) {
      guards.push_back(asio::make_work_guard(c));
      threads.emplace_back([&c] { c.run(); });
    }
  }
  ~ThreadedShards() { stop(); }
  void stop() {
    for (auto& g : guards) g.reset();
    for (auto& c : contexts) c.stop();
    for (auto& t : threads)
      if (t.joinable()) t.join();
  }

  LockedWire wire;
  Dispatcher dispatcher;
  std::vector<asio::io_context> contexts;
  std::vector<std::unique_ptr<AsioTimerService>> clocks;
  std::vector<std::unique_ptr<ShardSender>> senders;
  std::vector<ThreadNotingUser> users;
  std::vector<std::unique_ptr<TransactionLayer>> layers;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::thread> threads;
};

TEST(Dispatcher, EachShardRunsItsLayerOnItsOwnThread) {
  constexpr std::size_t kShards = 2;
  constexpr int kRequests = 200;
  ThreadedShards s(kShards, milliseconds(500));
  auto& wire = s.wire;
  auto& dispatcher = s.dispatcher;
  auto& users = s.users;
  auto& layers = s.layers;
  for (int i = 0; i < kRequests; ++i) {
    Request r = make_request("OPTIONS");
    r.branch = "z9hG4bKthread" + std::to_string(i);
    r.call_id = "threaded-" + std::to_string(i);
    dispatcher.receive(r.incoming());
    dispatcher.receive(r.incoming());  // over UDP the retransmission gets the 200 again
  }
  bool done = wire.wait_for(2 * kRequests);
  s.stop();

  ASSERT_TRUE(done) << wire.count();
  EXPECT_EQ(wire.count(), 2u * kRequests);
  std::set<std::thread::id> all;
  std::size_t answered = 0;
  for (std::size_t i = 0; i < kShards; ++i) {
    EXPECT_EQ(users[i].threads.size(), 1u);  // one shard, one thread
    all.insert(users[i].threads.begin(), users[i].threads.end());
    answered += users[i].call_ids.size();
    for (const auto& call : users[i].call_ids) {
      std::string branch = "z9hG4bKthread" + call.substr(std::string("threaded-").size());
      EXPECT_EQ(shard_of(branch, kShards), i) << call;
    }
    EXPECT_EQ(layers[i]->counters().retransmissions, layers[i]->counters().requests);
  }
  EXPECT_EQ(all.size(), kShards);
  EXPECT_EQ(answered, static_cast<std::size_t>(kRequests));
}

// A new request is handled on the loop it arrived on, whatever its branch hashes to; what else
// of its transaction arrives, on any loop, goes there too; and once the transaction is gone, so is
// its key.
TEST(Dispatcher, ARequestIsHandledWhereItArrivedAndItsRetransmissionsFollow) {
  constexpr std::size_t kShards = 2;
  constexpr int kRequests = 100;
  ThreadedShards s(kShards, milliseconds(20));  // Timer J: 1.28 s
  auto& wire = s.wire;
  auto& dispatcher = s.dispatcher;
  auto& users = s.users;
  auto& layers = s.layers;
  // Every request arrives on the loop its branch does not hash to; its retransmission arrives on
  // the other one, after the first is in the table.
  std::vector<std::string> branches;
  for (int i = 0; branches.size() < kRequests; ++i) {
    std::string b = "z9hG4bKarrive" + std::to_string(i);
    if (i % 2 == 0 && shard_of(b, kShards) == 0) branches.push_back(b);
    if (i % 2 == 1 && shard_of(b, kShards) == 1) branches.push_back(b);
  }
  auto arrive = [&](std::size_t loop, const std::string& branch) {
    Request r = make_request("OPTIONS");
    r.branch = branch;
    r.call_id = "arrive-" + branch;
    asio::post(s.contexts[loop],
               [&dispatcher, in = r.incoming()]() mutable { dispatcher.receive(std::move(in)); });
  };
  for (const auto& b : branches) arrive(1 - shard_of(b, kShards), b);
  bool first = wire.wait_for(kRequests);
  std::size_t pinned = dispatcher.directory().size();
  for (const auto& b : branches) arrive(shard_of(b, kShards), b);
  bool second = wire.wait_for(2 * kRequests);
  // Timer J ends every transaction, and the directory forgets their keys.
  bool forgotten = false;
  for (int i = 0; i < 1000 && !forgotten; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
    forgotten = dispatcher.directory().size() == 0;
  }
  s.stop();

  ASSERT_TRUE(first && second) << wire.count();
  EXPECT_EQ(pinned, static_cast<std::size_t>(kRequests));
  EXPECT_TRUE(forgotten) << dispatcher.directory().size();
  for (std::size_t i = 0; i < kShards; ++i) {
    for (const auto& call : users[i].call_ids)
      EXPECT_NE(shard_of(call.substr(std::string("arrive-").size()), kShards), i) << call;
    // Each retransmission met its transaction: none made a second one. Most met an echo (the
    // layer reduces what completed before each request it receives): the echo keeps the key's
    // pin, so its retransmissions still come to its shard.
    EXPECT_EQ(layers[i]->counters().requests, layers[i]->counters().retransmissions);
    EXPECT_GT(layers[i]->counters().requests, 0u);
    EXPECT_GT(layers[i]->counters().echoes, 0u);
  }
  EXPECT_EQ(users[0].call_ids.size() + users[1].call_ids.size(),
            static_cast<std::size_t>(kRequests));
}

TEST(ShardDirectory, TheFirstPinChoosesTheOwnerAndTheLastOneForgetsIt) {
  ShardDirectory d(4);
  EXPECT_EQ(d.pin(42, 1), 1u);
  EXPECT_EQ(d.pin(42, 0), 1u);  // owned: where it arrived no longer matters
  EXPECT_EQ(d.pin(43, 0), 0u);
  EXPECT_EQ(d.size(), 2u);
  d.unpin(42);
  EXPECT_EQ(d.pin(42, 3), 1u);  // still pinned once
  d.unpin(42);
  d.unpin(42);
  EXPECT_EQ(d.size(), 1u);
  EXPECT_EQ(d.pin(42, 3), 3u);  // forgotten, so owned anew
  d.unpin(42);
  d.unpin(43);
  EXPECT_EQ(d.size(), 0u);
}

TEST(ShardDirectory, KeysThatShareASlotShareItsOwner) {
  ShardDirectory d(1);
  EXPECT_EQ(d.slots(), 1u);
  EXPECT_EQ(d.pin(7, 0), 0u);
  EXPECT_EQ(d.pin(8, 1), 0u);  // another key, the same slot: routed with the first
  d.unpin(7);
  EXPECT_EQ(d.pin(9, 1), 0u);
  d.unpin(8);
  d.unpin(9);
  EXPECT_EQ(d.size(), 0u);
  EXPECT_EQ(d.pin(8, 1), 1u);
}

TEST(ShardDirectory, ThreadsThatPinAKeyTogetherAgreeOnItsOwner) {
  ShardDirectory d;
  constexpr std::uint64_t kKeys = 1000;
  constexpr std::size_t kThreads = 4;
  std::vector<std::vector<std::size_t>> owners(kThreads, std::vector<std::size_t>(kKeys));
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (std::uint64_t k = 0; k < kKeys; ++k) owners[t][k] = d.pin(k, t);
    });
  for (auto& t : threads) t.join();
  for (std::uint64_t k = 0; k < kKeys; ++k)
    for (std::size_t t = 1; t < kThreads; ++t) EXPECT_EQ(owners[t][k], owners[0][k]) << k;
  EXPECT_EQ(d.size(), kKeys);
  for (std::size_t t = 0; t < kThreads; ++t)
    for (std::uint64_t k = 0; k < kKeys; ++k) d.unpin(k);
  EXPECT_EQ(d.size(), 0u);
}

TEST(ShardSender, PostsErrorsToTheShard) {
  asio::io_context shard;
  FakeTransport wire;
  wire.fail_now();
  ShardSender sender(wire, shard.get_executor());
  std::string why;
  sender.send(flow(), transport::make_bytes("x"), [&](std::string_view w) { why = w; });
  EXPECT_TRUE(why.empty());  // not on the transport's thread
  shard.run();
  EXPECT_EQ(why, "connection refused");
  EXPECT_EQ(wire.sent_count(), 1u);
}

// ---- the event-loop timer service

TEST(AsioTimerService, FiresInDeadlineOrder) {
  asio::io_context io;
  AsioTimerService timers(io.get_executor());
  std::vector<int> fired;
  timers.start(milliseconds(30), [&] { fired.push_back(3); });
  timers.start(milliseconds(10), [&] { fired.push_back(1); });
  timers.start(milliseconds(20), [&] { fired.push_back(2); });
  io.run();  // returns once nothing is pending
  EXPECT_EQ(fired, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(timers.pending(), 0u);
}

TEST(AsioTimerService, AnEarlierTimerReArms) {
  asio::io_context io;
  AsioTimerService timers(io.get_executor());
  std::vector<int> fired;
  auto first = timers.start(seconds(30), [&] { fired.push_back(30); });
  auto second = timers.start(seconds(30), [&] { fired.push_back(31); });
  timers.start(milliseconds(5), [&] {
    fired.push_back(5);
    timers.cancel(first);
    timers.start(milliseconds(5), [&] {
      fired.push_back(10);
      timers.cancel(second);
    });
  });
  io.run();  // would wait 30 s if the 5 ms timer had not re-armed the steady_timer
  EXPECT_EQ(fired, (std::vector<int>{5, 10}));
  EXPECT_EQ(timers.pending(), 0u);
}

TEST(AsioTimerService, TimersDueTogetherShareAWakeUpAndNoneFiresEarly) {
  asio::io_context io;
  AsioTimerService timers(io.get_executor());
  // A server's Timer J's: one every 20 us, as at 50,000 answers a second.
  constexpr int kTimers = 100;
  int early = 0, fired = 0;
  for (int i = 0; i < kTimers; ++i) {
    TimePoint deadline = timers.now() + milliseconds(20) + std::chrono::microseconds(20 * i);
    timers.start(deadline - timers.now(), [&, deadline] {
      ++fired;
      if (timers.now() < deadline) ++early;
    });
  }
  io.run();
  EXPECT_EQ(fired, kTimers);
  EXPECT_EQ(early, 0);
  // 2 ms of deadlines span at most two slots of the grid (one more if starting took a slot).
  EXPECT_LE(timers.wakeups(), 3u);
}

TEST(AsioTimerService, CancelledTimersDoNotFire) {
  asio::io_context io;
  AsioTimerService timers(io.get_executor());
  bool fired = false;
  auto id = timers.start(milliseconds(5), [&] { fired = true; });
  timers.cancel(id);
  io.run_for(milliseconds(50));
  EXPECT_FALSE(fired);
}

TEST(AsioTimerService, GoingAwayWithAPendingWaitIsSafe) {
  asio::io_context io;
  bool fired = false;
  {
    AsioTimerService timers(io.get_executor());
    timers.start(milliseconds(1), [&] { fired = true; });
  }
  io.run();
  EXPECT_FALSE(fired);
}

TEST(AsioTimerService, DrivesATransaction) {
  asio::io_context io;
  AsioTimerService timers(io.get_executor());
  FakeTransport wire(&timers);
  RecordingUser user;
  Timers fast;
  fast.t1 = milliseconds(1);  // Timer F = 64 ms
  ClientRecord record;
  auto tx = transaction::NonInviteClient::start(Context{timers, wire, fast, &user, nullptr},
                                                make_request("OPTIONS").message(), flow(),
                                                record.callback());
  io.run();
  EXPECT_TRUE(tx->terminated());
  EXPECT_EQ(record.statuses(), (std::vector<int>{408}));
  EXPECT_GT(wire.sent_count(), 5u);
}

}  // namespace
}  // namespace parley::transaction::test
