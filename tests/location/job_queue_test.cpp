// The queue between callers and a store's I/O thread: batches, the commit delay, closing.
#include "location/job_queue.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace parley::location {
namespace {

using namespace std::chrono_literals;

auto soon(std::chrono::milliseconds d) { return std::chrono::steady_clock::now() + d; }

TEST(JobQueue, TakesEverythingQueuedUpToMax) {
  JobQueue<int> q;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(q.push(i));
  std::vector<int> out;
  ASSERT_TRUE(q.take(out, 3, soon(1s)));
  EXPECT_EQ(out, (std::vector<int>{0, 1, 2}));
  out.clear();
  ASSERT_TRUE(q.take(out, 10, soon(1s)));
  EXPECT_EQ(out, (std::vector<int>{3, 4}));
}

TEST(JobQueue, CommitDelayLetsLaterJobsJoinTheRound) {
  // The first job is queued; while the taker lingers a second one arrives and is taken with it.
  // (The second push comes long before the delay ends: 10 ms against 2 s.)
  JobQueue<int> q;
  ASSERT_TRUE(q.push(1));
  std::thread late([&] {
    std::this_thread::sleep_for(10ms);
    q.push(2);
  });
  std::vector<int> out;
  ASSERT_TRUE(q.take(out, 10, soon(5s), std::chrono::microseconds(2s)));
  late.join();
  EXPECT_EQ(out, (std::vector<int>{1, 2}));
}

TEST(JobQueue, WithoutWorkTheDelayIsNotWaited) {
  // Nothing queued: take returns at its deadline, empty, without lingering after it.
  JobQueue<int> q;
  std::vector<int> out;
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(q.take(out, 10, soon(20ms), std::chrono::microseconds(10s)));
  EXPECT_TRUE(out.empty());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(JobQueue, ClosedQueueRefusesPushesButDrains) {
  JobQueue<int> q;
  ASSERT_TRUE(q.push(7));
  q.close();
  EXPECT_FALSE(q.push(8));
  std::vector<int> out;
  EXPECT_TRUE(q.take(out, 10, soon(1s)));
  EXPECT_EQ(out, (std::vector<int>{7}));
  out.clear();
  EXPECT_FALSE(q.take(out, 10, soon(1s)));
}

}  // namespace
}  // namespace parley::location
