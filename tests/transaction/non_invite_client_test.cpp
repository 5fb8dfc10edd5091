// RFC 3261 §17.1.2 (Figure 6): every transition and timer of the non-INVITE client transaction.
#include "transaction/non_invite_client.hpp"

#include <gtest/gtest.h>

#include "support.hpp"

namespace parley::transaction::test {
namespace {

using Tx = transaction::NonInviteClient;
using State = Tx::State;
using Kind = ClientEvent::Kind;

struct NonInviteClient : ::testing::Test {
  Rig rig;
  ClientRecord record;
  Message options = make_request("OPTIONS").message();

  std::shared_ptr<Tx> start(Protocol p = Protocol::Udp) {
    return Tx::start(rig.context(), options, flow(p), record.callback());
  }
};

TEST_F(NonInviteClient, RetransmitsDoublingUpToT2UntilTimerF) {
  auto tx = start();
  EXPECT_EQ(tx->state(), State::Trying);
  rig.clock.advance(milliseconds(31999));
  // §17.1.2.2: E starts at T1 and doubles, capped at T2 = 4 s.
  EXPECT_EQ(rig.wire.times_ms(rig.t0), (std::vector<long>{0, 500, 1500, 3500, 7500, 11500, 15500,
                                                          19500, 23500, 27500, 31500}));
  EXPECT_TRUE(record.events.empty());
  rig.clock.advance(milliseconds(1));  // Timer F = 64*T1
  EXPECT_EQ(tx->state(), State::Terminated);
  ASSERT_EQ(record.events.size(), 1u);
  EXPECT_EQ(record.events[0].kind, Kind::Timeout);
  EXPECT_EQ(record.events[0].status, 408);
  EXPECT_EQ(rig.clock.pending(), 0u);
}

TEST_F(NonInviteClient, RetransmitsEveryT2InProceeding) {
  auto tx = start();
  rig.clock.advance(milliseconds(600));
  tx->receive(response(options, 100));
  EXPECT_EQ(tx->state(), State::Proceeding);
  rig.clock.advance(milliseconds(31399));
  // The E already set (1 s, due at 1.5 s) fires, then §17.1.2.2 resets it to T2 each time.
  EXPECT_EQ(rig.wire.times_ms(rig.t0),
            (std::vector<long>{0, 500, 1500, 5500, 9500, 13500, 17500, 21500, 25500, 29500}));
  rig.clock.advance(milliseconds(1));
  EXPECT_EQ(tx->state(), State::Terminated);  // Timer F still runs in Proceeding
  EXPECT_EQ(record.statuses(), (std::vector<int>{100, 408}));
}

TEST_F(NonInviteClient, ProvisionalsGoToTheTu) {
  auto tx = start();
  tx->receive(response(options, 100));
  tx->receive(response(options, 180));
  EXPECT_EQ(tx->state(), State::Proceeding);
  EXPECT_EQ(record.statuses(), (std::vector<int>{100, 180}));
}

TEST_F(NonInviteClient, FinalInTryingEntersCompletedUntilTimerK) {
  auto tx = start();
  tx->receive(response(options, 200));
  EXPECT_EQ(tx->state(), State::Completed);
  tx->receive(response(options, 200));  // absorbed
  tx->receive(response(options, 100));  // absorbed
  rig.clock.advance(milliseconds(4999));
  EXPECT_EQ(tx->state(), State::Completed);
  EXPECT_EQ(rig.wire.sent_count(), 1u);  // no retransmission in Completed
  rig.clock.advance(milliseconds(1));    // Timer K = T4
  EXPECT_EQ(tx->state(), State::Terminated);
  EXPECT_EQ(record.statuses(), (std::vector<int>{200}));
  EXPECT_EQ(rig.clock.pending(), 0u);
}

TEST_F(NonInviteClient, FinalInProceedingEntersCompleted) {
  auto tx = start();
  tx->receive(response(options, 100));
  tx->receive(response(options, 404));
  EXPECT_EQ(tx->state(), State::Completed);
  rig.clock.advance(seconds(40));
  EXPECT_EQ(rig.wire.sent_count(), 1u);
  EXPECT_EQ(record.statuses(), (std::vector<int>{100, 404}));
}

TEST_F(NonInviteClient, ReliableTransportSendsOnceAndTimesOutWithTimerF) {
  auto tx = start(Protocol::Tcp);
  rig.clock.advance(milliseconds(31999));
  EXPECT_EQ(rig.wire.sent_count(), 1u);
  rig.clock.advance(milliseconds(1));
  EXPECT_EQ(tx->state(), State::Terminated);
  EXPECT_EQ(record.statuses(), (std::vector<int>{408}));
}

TEST_F(NonInviteClient, ReliableTransportTerminatesAtOnceOnFinal) {
  auto tx = start(Protocol::Ws);
  tx->receive(response(options, 200));
  EXPECT_EQ(tx->state(), State::Terminated);  // Timer K is zero
  EXPECT_EQ(record.statuses(), (std::vector<int>{200}));
  EXPECT_EQ(rig.clock.pending(), 0u);
}

TEST_F(NonInviteClient, TransportErrorInTryingReports503) {
  rig.wire.fail_now();
  auto tx = start();
  EXPECT_EQ(tx->state(), State::Terminated);
  ASSERT_EQ(record.events.size(), 1u);
  EXPECT_EQ(record.events[0].kind, Kind::TransportError);
  EXPECT_EQ(record.events[0].status, 503);
}

TEST_F(NonInviteClient, TransportErrorInProceedingReports503) {
  auto tx = start();
  tx->receive(response(options, 100));
  rig.wire.fail_now();
  rig.clock.advance(seconds(1));  // the retransmission fails
  EXPECT_EQ(tx->state(), State::Terminated);
  EXPECT_EQ(record.statuses(), (std::vector<int>{100, 503}));
  EXPECT_EQ(rig.clock.pending(), 0u);
}

TEST_F(NonInviteClient, TransportErrorInCompletedIsIgnored) {
  rig.wire.fail_later();
  auto tx = start();
  tx->receive(response(options, 200));
  rig.wire.deliver_errors();
  EXPECT_EQ(tx->state(), State::Completed);
  EXPECT_EQ(record.statuses(), (std::vector<int>{200}));
}

}  // namespace
}  // namespace parley::transaction::test
