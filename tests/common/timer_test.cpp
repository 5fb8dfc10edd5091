#include "common/timer.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace parley {
namespace {

TEST(VirtualClock, FiresInDeadlineOrderAtTheirOwnTime) {
  VirtualClock clock;
  TimePoint t0 = clock.now();
  std::vector<std::pair<int, Duration>> fired;
  clock.start(milliseconds(300), [&] { fired.push_back({3, clock.now() - t0}); });
  clock.start(milliseconds(100), [&] { fired.push_back({1, clock.now() - t0}); });
  clock.start(milliseconds(200), [&] { fired.push_back({2, clock.now() - t0}); });
  clock.advance(milliseconds(250));
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_EQ(fired[0], std::make_pair(1, Duration(milliseconds(100))));
  EXPECT_EQ(fired[1], std::make_pair(2, Duration(milliseconds(200))));
  EXPECT_EQ(clock.now() - t0, milliseconds(250));
  clock.advance(milliseconds(50));
  ASSERT_EQ(fired.size(), 3u);
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(VirtualClock, TimersStartedWhileFiringFireInTheSameStep) {
  VirtualClock clock;
  int count = 0;
  std::function<void()> again = [&] {
    if (++count < 5) clock.start(milliseconds(10), again);
  };
  clock.start(milliseconds(10), again);
  clock.advance(milliseconds(45));
  EXPECT_EQ(count, 4);
  clock.advance(milliseconds(5));
  EXPECT_EQ(count, 5);
}

TEST(Timer, CancelsWhenStoppedRestartedOrDestroyed) {
  VirtualClock clock;
  int fired = 0;
  {
    Timer t(clock);
    t.start(milliseconds(10), [&] { ++fired; });
    EXPECT_TRUE(t.running());
  }
  Timer t(clock);
  t.start(milliseconds(10), [&] { fired += 10; });
  t.start(milliseconds(20), [&] { fired += 100; });  // restart replaces the first
  clock.advance(seconds(1));
  EXPECT_EQ(fired, 100);
  EXPECT_FALSE(t.running());
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(VirtualClock, AdvanceToNext) {
  VirtualClock clock;
  TimePoint t0 = clock.now();
  bool fired = false;
  clock.start(seconds(32), [&] { fired = true; });
  EXPECT_TRUE(clock.advance_to_next());
  EXPECT_TRUE(fired);
  EXPECT_EQ(clock.now() - t0, seconds(32));
  EXPECT_FALSE(clock.advance_to_next());
}

}  // namespace
}  // namespace parley
