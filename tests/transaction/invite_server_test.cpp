// RFC 3261 §17.2.1 (Figure 7) with RFC 6026 §7.1: every transition and timer of the INVITE server
// transaction.
#include "transaction/invite_server.hpp"

#include <gtest/gtest.h>

#include "support.hpp"

namespace parley::transaction::test {
namespace {

using Tx = transaction::InviteServer;
using State = Tx::State;

struct InviteServer : ::testing::Test {
  Rig rig;
  Request spec;
  Message invite = spec.message();

  std::shared_ptr<Tx> create(Protocol p = Protocol::Udp) {
    return Tx::create(rig.context(), spec.incoming(p));
  }
  Incoming ack(std::string_view to_tag = "a6c85cf", Protocol p = Protocol::Udp) {
    Request a = spec;
    a.method = "ACK";
    a.to_tag = to_tag;
    return a.incoming(p);
  }
};

TEST_F(InviteServer, Sends100TryingAfter200ms) {
  auto tx = create();
  EXPECT_EQ(tx->state(), State::Proceeding);
  rig.clock.advance(milliseconds(199));
  EXPECT_EQ(rig.wire.sent_count(), 0u);
  rig.clock.advance(milliseconds(1));
  ASSERT_EQ(rig.wire.sent_count(), 1u);
  Message trying = rig.wire.last();
  EXPECT_EQ(trying.status(), 100);
  EXPECT_FALSE(trying.to()->tag());  // §17.2.1: no To tag on the 100
  EXPECT_EQ(trying.call_id(), invite.call_id());
  EXPECT_EQ(tx->state(), State::Proceeding);
}

TEST_F(InviteServer, No100WhenTheTuAnswersWithin200ms) {
  auto tx = create();
  rig.clock.advance(milliseconds(150));
  tx->respond(response(invite, 180));
  rig.clock.advance(seconds(1));
  ASSERT_EQ(rig.wire.sent_count(), 1u);
  EXPECT_EQ(rig.wire.last().status(), 180);
}

TEST_F(InviteServer, RetransmittedInviteGetsTheLatestProvisional) {
  auto tx = create();
  tx->receive(spec.incoming());  // nothing sent yet: nothing to resend
  EXPECT_EQ(rig.wire.sent_count(), 0u);
  rig.clock.advance(milliseconds(200));
  tx->receive(spec.incoming());
  EXPECT_EQ(rig.wire.last().status(), 100);
  tx->respond(response(invite, 180));
  tx->respond(response(invite, 183));
  tx->receive(spec.incoming());
  ASSERT_EQ(rig.wire.sent_count(), 5u);  // 100, 100 again, 180, 183, 183 again
  EXPECT_EQ(rig.wire.last().status(), 183);
  EXPECT_EQ(tx->state(), State::Proceeding);
  EXPECT_TRUE(rig.user.acks.empty());
}

TEST_F(InviteServer, FailureIsRetransmittedByTimerGCappedAtT2UntilTimerH) {
  auto tx = create();
  tx->respond(response(invite, 486));
  EXPECT_EQ(tx->state(), State::Completed);
  rig.clock.advance(milliseconds(31999));
  // §17.2.1: G starts at T1 and doubles up to T2.
  EXPECT_EQ(rig.wire.times_ms(rig.t0), (std::vector<long>{0, 500, 1500, 3500, 7500, 11500, 15500,
                                                          19500, 23500, 27500, 31500}));
  EXPECT_TRUE(rig.user.failures.empty());
  rig.clock.advance(milliseconds(1));  // Timer H = 64*T1
  EXPECT_EQ(tx->state(), State::Terminated);
  ASSERT_EQ(rig.user.failures.size(), 1u);
  EXPECT_EQ(rig.user.failures[0].first, tx.get());
  EXPECT_EQ(rig.user.failures[0].second, Failure::Timeout);
  EXPECT_EQ(rig.clock.pending(), 0u);
}

// §26.3.2.4: a 407 sent once is not retransmitted, and its ACK finds nothing to confirm.
TEST_F(InviteServer, AFailureSentOnceIsSentOnceAndEndsTheTransaction) {
  auto tx = create();
  tx->respond_once(407, transport::make_bytes(response(invite, 407).serialize()));
  EXPECT_EQ(tx->state(), State::Terminated);
  rig.clock.advance(seconds(40));
  ASSERT_EQ(rig.wire.sent_count(), 1u);
  EXPECT_EQ(rig.wire.last().status(), 407);
  EXPECT_TRUE(rig.user.failures.empty());
  EXPECT_EQ(rig.clock.pending(), 0u);
}

// A 2xx to an INVITE is the TU's to retransmit (§13.3.1.4): it cannot be sent "once".
TEST_F(InviteServer, ASuccessSentOnceStillEntersAccepted) {
  auto tx = create();
  tx->respond_once(200, transport::make_bytes(response(invite, 200).serialize()));
  EXPECT_EQ(tx->state(), State::Accepted);
}

TEST_F(InviteServer, RetransmittedInviteInCompletedGetsTheFinalAgain) {
  auto tx = create();
  tx->respond(response(invite, 404));
  tx->receive(spec.incoming());
  ASSERT_EQ(rig.wire.sent_count(), 2u);
  EXPECT_EQ(rig.wire.last().status(), 404);
  EXPECT_EQ(tx->state(), State::Completed);
}

TEST_F(InviteServer, AckConfirmsAndStopsRetransmissionsUntilTimerI) {
  auto tx = create();
  tx->respond(response(invite, 486));
  rig.clock.advance(milliseconds(600));
  EXPECT_EQ(rig.wire.sent_count(), 2u);
  tx->receive(ack());
  EXPECT_EQ(tx->state(), State::Confirmed);
  tx->receive(ack());            // absorbed
  tx->receive(spec.incoming());  // absorbed
  rig.clock.advance(milliseconds(4999));
  EXPECT_EQ(rig.wire.sent_count(), 2u);
  EXPECT_EQ(tx->state(), State::Confirmed);
  rig.clock.advance(milliseconds(1));  // Timer I = T4
  EXPECT_EQ(tx->state(), State::Terminated);
  EXPECT_TRUE(rig.user.acks.empty());
  EXPECT_TRUE(rig.user.failures.empty());
  EXPECT_EQ(rig.clock.pending(), 0u);
}

TEST_F(InviteServer, ReliableTransportSendsTheFinalOnceAndEndsOnAck) {
  auto tx = create(Protocol::Tcp);
  tx->respond(response(invite, 486));
  rig.clock.advance(seconds(20));
  EXPECT_EQ(rig.wire.sent_count(), 1u);  // no Timer G on a reliable transport
  tx->receive(ack("a6c85cf", Protocol::Tcp));
  EXPECT_EQ(tx->state(), State::Terminated);  // Timer I is zero
  EXPECT_EQ(rig.clock.pending(), 0u);
}

TEST_F(InviteServer, ReliableTransportStillHasTimerH) {
  auto tx = create(Protocol::Tcp);
  tx->respond(response(invite, 486));
  rig.clock.advance(milliseconds(31999));
  EXPECT_EQ(tx->state(), State::Completed);
  rig.clock.advance(milliseconds(1));
  EXPECT_EQ(tx->state(), State::Terminated);
  ASSERT_EQ(rig.user.failures.size(), 1u);
  EXPECT_EQ(rig.user.failures[0].second, Failure::Timeout);
}

TEST_F(InviteServer, SuccessEntersAcceptedWithoutRetransmittingUntilTimerL) {
  auto tx = create();
  tx->respond(response(invite, 200));
  EXPECT_EQ(tx->state(), State::Accepted);
  rig.clock.advance(milliseconds(31999));
  EXPECT_EQ(rig.wire.sent_count(), 1u);  // 2xx retransmission is the TU's (§13.3.1.4)
  EXPECT_EQ(tx->state(), State::Accepted);
  rig.clock.advance(milliseconds(1));  // RFC 6026: Timer L = 64*T1
  EXPECT_EQ(tx->state(), State::Terminated);
  EXPECT_TRUE(rig.user.failures.empty());
}

TEST_F(InviteServer, AcceptedSends2xxRetransmissionsFromTheTu) {
  auto tx = create();
  tx->respond(response(invite, 200));
  tx->respond(response(invite, 200));
  tx->respond(response(invite, 200));
  EXPECT_EQ(rig.wire.sent_count(), 3u);
  tx->respond(response(invite, 180));  // no provisional after a final
  tx->respond(response(invite, 486));
  EXPECT_EQ(rig.wire.sent_count(), 3u);
  EXPECT_EQ(tx->state(), State::Accepted);
}

TEST_F(InviteServer, AcceptedAbsorbsTheInviteAndPassesAcksUp) {
  auto tx = create();
  tx->respond(response(invite, 200));
  tx->receive(spec.incoming());
  EXPECT_EQ(rig.wire.sent_count(), 1u);  // RFC 6026 §8.7: absorbed, no 2xx resent by the machine
  EXPECT_TRUE(rig.user.requests.empty());
  tx->receive(ack());
  tx->receive(ack());
  EXPECT_EQ(rig.user.acks.size(), 2u);  // RFC 6026 §8.7: not absorbed
  EXPECT_EQ(tx->state(), State::Accepted);
}

TEST_F(InviteServer, SuccessAfterProvisionalEntersAccepted) {
  auto tx = create();
  tx->respond(response(invite, 180));
  tx->respond(response(invite, 200));
  EXPECT_EQ(tx->state(), State::Accepted);
  rig.clock.advance(seconds(1));
  EXPECT_EQ(rig.wire.sent_count(), 2u);
}

TEST_F(InviteServer, AckInProceedingIsIgnored) {
  auto tx = create();
  tx->receive(ack());
  EXPECT_EQ(tx->state(), State::Proceeding);
  EXPECT_TRUE(rig.user.acks.empty());
}

TEST_F(InviteServer, TransportErrorInProceedingInformsTheTuAndStays) {
  rig.wire.fail_now();
  auto tx = create();
  tx->respond(response(invite, 180));
  EXPECT_EQ(tx->state(), State::Proceeding);  // RFC 6026 Figure 7
  ASSERT_EQ(rig.user.failures.size(), 1u);
  EXPECT_EQ(rig.user.failures[0].second, Failure::TransportError);
  rig.wire.work();
  tx->respond(response(invite, 200));
  EXPECT_EQ(tx->state(), State::Accepted);
}

TEST_F(InviteServer, TransportErrorInCompletedInformsTheTuAndStays) {
  auto tx = create();
  rig.wire.fail_now();
  tx->respond(response(invite, 500));
  EXPECT_EQ(tx->state(), State::Completed);
  ASSERT_EQ(rig.user.failures.size(), 1u);
  EXPECT_EQ(rig.user.failures[0].second, Failure::TransportError);
  rig.clock.advance(seconds(32));  // Timer H still ends it
  EXPECT_EQ(tx->state(), State::Terminated);
  EXPECT_EQ(rig.user.failures.back().second, Failure::Timeout);
}

TEST_F(InviteServer, TransportErrorInAcceptedInformsTheTuAndStays) {
  rig.wire.fail_later();
  auto tx = create();
  tx->respond(response(invite, 200));
  rig.wire.deliver_errors();
  EXPECT_EQ(tx->state(), State::Accepted);
  ASSERT_EQ(rig.user.failures.size(), 1u);
  EXPECT_EQ(rig.user.failures[0].second, Failure::TransportError);
}

TEST_F(InviteServer, TerminatedIgnoresEverything) {
  auto tx = create(Protocol::Tcp);
  tx->respond(response(invite, 486));
  tx->receive(ack("a6c85cf", Protocol::Tcp));
  ASSERT_EQ(tx->state(), State::Terminated);
  tx->respond(response(invite, 200));
  tx->receive(spec.incoming(Protocol::Tcp));
  tx->receive(ack("a6c85cf", Protocol::Tcp));
  EXPECT_EQ(rig.wire.sent_count(), 1u);
  EXPECT_TRUE(rig.user.acks.empty());
}

}  // namespace
}  // namespace parley::transaction::test
