#include "transaction/timers.hpp"

#include <gtest/gtest.h>

namespace parley::transaction {
namespace {

TEST(Timers, DefaultsAreThoseOfTable4) {
  Timers t;
  EXPECT_EQ(t.a(), milliseconds(500));
  EXPECT_EQ(t.b(), seconds(32));
  EXPECT_EQ(t.d(false), seconds(32));
  EXPECT_EQ(t.e(), milliseconds(500));
  EXPECT_EQ(t.f(), seconds(32));
  EXPECT_EQ(t.g(), milliseconds(500));
  EXPECT_EQ(t.h(), seconds(32));
  EXPECT_EQ(t.i(false), seconds(5));
  EXPECT_EQ(t.j(false), seconds(32));
  EXPECT_EQ(t.k(false), seconds(5));
  EXPECT_EQ(t.l(), seconds(32));
  EXPECT_EQ(t.m(), seconds(32));
  EXPECT_EQ(t.trying, milliseconds(200));
}

TEST(Timers, ReliableTransportsZeroTheWaitingTimers) {
  Timers t;
  EXPECT_EQ(t.d(true), Duration::zero());
  EXPECT_EQ(t.i(true), Duration::zero());
  EXPECT_EQ(t.j(true), Duration::zero());
  EXPECT_EQ(t.k(true), Duration::zero());
}

TEST(Timers, DerivedFromT1AndT4) {
  Timers t;
  t.t1 = seconds(1);
  t.t2 = seconds(8);
  t.t4 = seconds(10);
  EXPECT_EQ(t.b(), seconds(64));
  EXPECT_EQ(t.d(false), seconds(64));  // never below 64*T1
  EXPECT_EQ(t.h(), seconds(64));
  EXPECT_EQ(t.i(false), seconds(10));
  EXPECT_EQ(t.k(false), seconds(10));
  Timers fast;
  fast.t1 = milliseconds(100);
  EXPECT_EQ(fast.b(), milliseconds(6400));
  EXPECT_EQ(fast.d(false), seconds(32));  // §17.1.1.2: at least 32 s
}

}  // namespace
}  // namespace parley::transaction
