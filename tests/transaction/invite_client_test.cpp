// RFC 3261 §17.1.1 (Figure 5) with RFC 6026 §7.2: every transition and timer of the INVITE client
// transaction, on the virtual clock.
#include "transaction/invite_client.hpp"

#include <gtest/gtest.h>

#include "support.hpp"

namespace parley::transaction::test {
namespace {

using Tx = transaction::InviteClient;
using State = Tx::State;
using Kind = ClientEvent::Kind;

struct InviteClient : ::testing::Test {
  Rig rig;
  ClientRecord record;
  Message invite = Request{}.message();

  std::shared_ptr<Tx> start(Protocol p = Protocol::Udp, Timers timers = {}) {
    return Tx::start(rig.context(timers), invite, flow(p), record.callback());
  }
};

TEST_F(InviteClient, RetransmitsWithDoublingIntervalsUntilTimerB) {
  auto tx = start();
  EXPECT_EQ(tx->state(), State::Calling);
  rig.clock.advance(milliseconds(31999));
  // §17.1.1.2: Timer A starts at T1 and doubles with no T2 cap: 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5
  // s.
  EXPECT_EQ(rig.wire.times_ms(rig.t0), (std::vector<long>{0, 500, 1500, 3500, 7500, 15500, 31500}));
  EXPECT_TRUE(record.events.empty());
  EXPECT_EQ(tx->state(), State::Calling);
  rig.clock.advance(milliseconds(1));  // Timer B = 64*T1 = 32 s
  EXPECT_EQ(tx->state(), State::Terminated);
  ASSERT_EQ(record.events.size(), 1u);
  EXPECT_EQ(record.events[0].kind, Kind::Timeout);
  EXPECT_EQ(record.events[0].status, 408);
  EXPECT_EQ(rig.wire.sent_count(), 7u);  // no ACK for a timeout
  EXPECT_EQ(rig.clock.pending(), 0u);
}

TEST_F(InviteClient, RetransmissionsAreTheSameBytes) {
  auto tx = start();
  rig.clock.advance(seconds(2));
  ASSERT_EQ(rig.wire.sent_count(), 3u);
  EXPECT_EQ(rig.wire.sent[0].bytes, rig.wire.sent[2].bytes);
  EXPECT_EQ(rig.wire.last().method(), message::Method::Invite);
}

TEST_F(InviteClient, TimersScaleWithT1) {
  Timers t;
  t.t1 = milliseconds(100);
  auto tx = start(Protocol::Udp, t);
  rig.clock.advance(milliseconds(6399));
  EXPECT_EQ(rig.wire.times_ms(rig.t0), (std::vector<long>{0, 100, 300, 700, 1500, 3100, 6300}));
  rig.clock.advance(milliseconds(1));
  EXPECT_EQ(tx->state(), State::Terminated);
}

TEST_F(InviteClient, RetransmitsUntilProvisional) {
  auto tx = start();
  rig.clock.advance(milliseconds(1600));
  EXPECT_EQ(rig.wire.sent_count(), 3u);
  tx->receive(response(invite, 100));
  EXPECT_EQ(tx->state(), State::Proceeding);
  rig.clock.advance(seconds(120));
  EXPECT_EQ(rig.wire.sent_count(), 3u);       // §17.1.1.2: no retransmission in Proceeding
  EXPECT_EQ(tx->state(), State::Proceeding);  // and Timer B no longer runs
  EXPECT_EQ(record.statuses(), (std::vector<int>{100}));
}

TEST_F(InviteClient, ProvisionalsInProceedingGoToTheTu) {
  auto tx = start();
  tx->receive(response(invite, 180));
  tx->receive(response(invite, 183));
  tx->receive(response(invite, 180));
  EXPECT_EQ(tx->state(), State::Proceeding);
  EXPECT_EQ(record.statuses(), (std::vector<int>{180, 183, 180}));
}

TEST_F(InviteClient, SuccessInCallingEntersAcceptedUntilTimerM) {
  auto tx = start();
  tx->receive(response(invite, 200));
  EXPECT_EQ(tx->state(), State::Accepted);
  EXPECT_EQ(record.statuses(), (std::vector<int>{200}));
  rig.clock.advance(milliseconds(31999));
  EXPECT_EQ(tx->state(), State::Accepted);
  EXPECT_EQ(rig.wire.sent_count(), 1u);  // no retransmission, and no ACK: the TU ACKs a 2xx
  rig.clock.advance(milliseconds(1));    // RFC 6026: Timer M = 64*T1
  EXPECT_EQ(tx->state(), State::Terminated);
  EXPECT_EQ(record.events.size(), 1u);
}

TEST_F(InviteClient, SuccessInProceedingEntersAccepted) {
  auto tx = start();
  tx->receive(response(invite, 180));
  tx->receive(response(invite, 200));
  EXPECT_EQ(tx->state(), State::Accepted);
  EXPECT_EQ(record.statuses(), (std::vector<int>{180, 200}));
}

TEST_F(InviteClient, AcceptedPassesEvery2xxToTheTu) {
  auto tx = start();
  tx->receive(response(invite, 200));
  tx->receive(response(invite, 200));                // a retransmission
  tx->receive(response(invite, 200, "other-fork"));  // a second branch of a forked INVITE
  tx->receive(response(invite, 180));                // dropped
  tx->receive(response(invite, 486));                // dropped
  EXPECT_EQ(tx->state(), State::Accepted);
  EXPECT_EQ(record.statuses(), (std::vector<int>{200, 200, 200}));
  EXPECT_EQ(rig.wire.sent_count(), 1u);
}

TEST_F(InviteClient, AcceptedOverReliableTransportStillWaitsForTimerM) {
  auto tx = start(Protocol::Tcp);
  tx->receive(response(invite, 200));
  rig.clock.advance(seconds(31));
  EXPECT_EQ(tx->state(), State::Accepted);
  rig.clock.advance(seconds(1));
  EXPECT_EQ(tx->state(), State::Terminated);
}

TEST_F(InviteClient, FailureInCallingSendsAckAndEntersCompleted) {
  auto tx = start();
  tx->receive(response(invite, 486));
  EXPECT_EQ(tx->state(), State::Completed);
  EXPECT_EQ(record.statuses(), (std::vector<int>{486}));
  ASSERT_EQ(rig.wire.sent_count(), 2u);
  Message ack = rig.wire.last();
  EXPECT_EQ(ack.method(), message::Method::Ack);
  EXPECT_EQ(rig.wire.sent[1].flow.remote, flow().remote);
  ASSERT_TRUE(tx->ack());
  EXPECT_EQ(*tx->ack(), *rig.wire.sent[1].bytes);
  rig.clock.advance(seconds(10));
  EXPECT_EQ(rig.wire.sent_count(), 2u);  // Timer A stopped
}

TEST_F(InviteClient, FailureInProceedingSendsAckAndEntersCompleted) {
  auto tx = start();
  tx->receive(response(invite, 180));
  tx->receive(response(invite, 603));
  EXPECT_EQ(tx->state(), State::Completed);
  EXPECT_EQ(record.statuses(), (std::vector<int>{180, 603}));
  EXPECT_EQ(rig.wire.last().method(), message::Method::Ack);
}

TEST_F(InviteClient, CompletedAnswersRetransmittedFinalWithAckButNotTheTu) {
  auto tx = start();
  tx->receive(response(invite, 404));
  tx->receive(response(invite, 404));
  tx->receive(response(invite, 404));
  EXPECT_EQ(rig.wire.sent_count(), 4u);  // INVITE + 3 ACKs
  EXPECT_EQ(*rig.wire.sent[1].bytes, *rig.wire.sent[3].bytes);
  EXPECT_EQ(record.statuses(), (std::vector<int>{404}));
  tx->receive(response(invite, 200));  // nothing to do with a 2xx any more
  tx->receive(response(invite, 180));
  EXPECT_EQ(rig.wire.sent_count(), 4u);
  EXPECT_EQ(record.events.size(), 1u);
}

TEST_F(InviteClient, TimerDEndsCompletedAfter32sOverUdp) {
  auto tx = start();
  tx->receive(response(invite, 500));
  rig.clock.advance(milliseconds(31999));
  EXPECT_EQ(tx->state(), State::Completed);
  rig.clock.advance(milliseconds(1));
  EXPECT_EQ(tx->state(), State::Terminated);
  EXPECT_EQ(rig.clock.pending(), 0u);
}

TEST_F(InviteClient, ReliableTransportSendsOnceAndTimesOutWithTimerB) {
  auto tx = start(Protocol::Tcp);
  rig.clock.advance(milliseconds(31999));
  EXPECT_EQ(rig.wire.sent_count(), 1u);  // no Timer A on a reliable transport
  EXPECT_EQ(tx->state(), State::Calling);
  rig.clock.advance(milliseconds(1));
  EXPECT_EQ(tx->state(), State::Terminated);
  EXPECT_EQ(record.statuses(), (std::vector<int>{408}));
}

TEST_F(InviteClient, ReliableTransportTerminatesAtOnceAfterAck) {
  auto tx = start(Protocol::Tls);
  tx->receive(response(invite, 486));
  EXPECT_EQ(tx->state(), State::Terminated);  // Timer D is zero for reliable transports
  EXPECT_EQ(rig.wire.last().method(), message::Method::Ack);
  EXPECT_EQ(record.statuses(), (std::vector<int>{486}));
  EXPECT_EQ(rig.clock.pending(), 0u);
}

TEST_F(InviteClient, TransportErrorInCallingReports503) {
  rig.wire.fail_now();
  auto tx = start();
  EXPECT_EQ(tx->state(), State::Terminated);
  ASSERT_EQ(record.events.size(), 1u);
  EXPECT_EQ(record.events[0].kind, Kind::TransportError);
  EXPECT_EQ(record.events[0].status, 503);
  EXPECT_EQ(rig.clock.pending(), 0u);  // Timers A and B went with it
}

TEST_F(InviteClient, TransportErrorReportedLaterEndsCalling) {
  rig.wire.fail_later();
  auto tx = start();
  EXPECT_EQ(tx->state(), State::Calling);
  rig.wire.deliver_errors();
  EXPECT_EQ(tx->state(), State::Terminated);
  EXPECT_EQ(record.statuses(), (std::vector<int>{503}));
}

TEST_F(InviteClient, TransportErrorOnRetransmissionEndsCalling) {
  auto tx = start();
  rig.wire.fail_now();
  rig.clock.advance(milliseconds(500));
  EXPECT_EQ(tx->state(), State::Terminated);
  EXPECT_EQ(record.statuses(), (std::vector<int>{503}));
}

TEST_F(InviteClient, TransportErrorInProceedingEnds) {
  rig.wire.fail_later();
  auto tx = start(Protocol::Tcp);
  tx->receive(response(invite, 180));
  rig.wire.deliver_errors();  // the connection dropped while the call rang
  EXPECT_EQ(tx->state(), State::Terminated);
  EXPECT_EQ(record.statuses(), (std::vector<int>{180, 503}));
}

TEST_F(InviteClient, TransportErrorSendingAckEndsCompleted) {
  auto tx = start();
  rig.wire.fail_now();
  tx->receive(response(invite, 486));
  EXPECT_EQ(tx->state(), State::Terminated);
  // The response reaches the TU first; the failure to ACK it follows (Figure 5).
  EXPECT_EQ(record.statuses(), (std::vector<int>{486, 503}));
}

TEST_F(InviteClient, TransportErrorInAcceptedIsIgnored) {
  rig.wire.fail_later();
  auto tx = start();
  tx->receive(response(invite, 200));
  rig.wire.deliver_errors();
  EXPECT_EQ(tx->state(), State::Accepted);
  EXPECT_EQ(record.statuses(), (std::vector<int>{200}));
}

TEST_F(InviteClient, TerminatedIgnoresEverything) {
  auto tx = start(Protocol::Tcp);
  tx->receive(response(invite, 486));
  ASSERT_EQ(tx->state(), State::Terminated);
  tx->receive(response(invite, 200));
  tx->receive(response(invite, 486));
  rig.clock.advance(seconds(100));
  EXPECT_EQ(record.events.size(), 1u);
  EXPECT_EQ(rig.wire.sent_count(), 2u);
}

TEST_F(InviteClient, DestroyedTransactionCancelsItsTimers) {
  auto tx = start();
  EXPECT_GT(rig.clock.pending(), 0u);
  tx.reset();
  EXPECT_EQ(rig.clock.pending(), 0u);
  rig.wire.deliver_errors();  // nothing to deliver to: must not crash
}

}  // namespace
}  // namespace parley::transaction::test
