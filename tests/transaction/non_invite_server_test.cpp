// RFC 3261 §17.2.2 (Figure 8): every transition and timer of the non-INVITE server transaction.
#include "transaction/non_invite_server.hpp"

#include <gtest/gtest.h>

#include "support.hpp"

namespace parley::transaction::test {
namespace {

using Tx = transaction::NonInviteServer;
using State = Tx::State;

struct NonInviteServer : ::testing::Test {
  Rig rig;
  Request spec = make_request("REGISTER", "sip:registrar.biloxi.example.com");
  Message request = spec.message();

  std::shared_ptr<Tx> create(Protocol p = Protocol::Udp) {
    return Tx::create(rig.context(), spec.incoming(p));
  }
};

TEST_F(NonInviteServer, TryingAbsorbsRetransmissions) {
  auto tx = create();
  EXPECT_EQ(tx->state(), State::Trying);
  tx->receive(spec.incoming());
  rig.clock.advance(seconds(10));
  EXPECT_EQ(rig.wire.sent_count(), 0u);  // and no 100 Trying of its own for non-INVITE
  EXPECT_EQ(tx->state(), State::Trying);
}

TEST_F(NonInviteServer, ProvisionalEntersProceedingAndIsResentOnRetransmission) {
  auto tx = create();
  tx->respond(response(request, 100));
  EXPECT_EQ(tx->state(), State::Proceeding);
  tx->respond(response(request, 183));
  tx->receive(spec.incoming());
  ASSERT_EQ(rig.wire.sent_count(), 3u);
  EXPECT_EQ(rig.wire.last().status(), 183);
}

TEST_F(NonInviteServer, FinalEntersCompletedUntilTimerJ) {
  auto tx = create();
  tx->respond(response(request, 200));
  EXPECT_EQ(tx->state(), State::Completed);
  tx->receive(spec.incoming());
  tx->receive(spec.incoming());
  ASSERT_EQ(rig.wire.sent_count(), 3u);  // §17.2.2: the final again for each retransmission
  EXPECT_EQ(*rig.wire.sent[0].bytes, *rig.wire.sent[2].bytes);
  rig.clock.advance(milliseconds(31999));
  EXPECT_EQ(tx->state(), State::Completed);
  EXPECT_EQ(rig.wire.sent_count(), 3u);  // never on its own
  rig.clock.advance(milliseconds(1));    // Timer J = 64*T1
  EXPECT_EQ(tx->state(), State::Terminated);
  EXPECT_EQ(rig.clock.pending(), 0u);
}

// §26.3.2.4, §8.2.7: a challenge sent once keeps nothing, over UDP too.
TEST_F(NonInviteServer, AResponseSentOnceEndsTheTransaction) {
  auto tx = create();
  tx->respond_once(401, transport::make_bytes(response(request, 401).serialize()));
  EXPECT_EQ(tx->state(), State::Terminated);
  ASSERT_EQ(rig.wire.sent_count(), 1u);
  EXPECT_EQ(rig.wire.last().status(), 401);
  tx->receive(spec.incoming());
  rig.clock.advance(seconds(40));
  EXPECT_EQ(rig.wire.sent_count(), 1u);
  EXPECT_EQ(rig.clock.pending(), 0u);
}

TEST_F(NonInviteServer, OnceMakesNoDifferenceToAProvisionalResponse) {
  auto tx = create();
  tx->respond_once(100, transport::make_bytes(response(request, 100).serialize()));
  EXPECT_EQ(tx->state(), State::Proceeding);
  tx->respond(response(request, 200));
  EXPECT_EQ(tx->state(), State::Completed);  // and Timer J as always
}

TEST_F(NonInviteServer, FinalFromProceedingEntersCompleted) {
  auto tx = create();
  tx->respond(response(request, 100));
  tx->respond(response(request, 401));
  EXPECT_EQ(tx->state(), State::Completed);
  tx->receive(spec.incoming());
  EXPECT_EQ(rig.wire.last().status(), 401);
}

TEST_F(NonInviteServer, LaterResponsesFromTheTuAreDiscarded) {
  auto tx = create();
  tx->respond(response(request, 200));
  tx->respond(response(request, 500));
  tx->respond(response(request, 180));
  EXPECT_EQ(rig.wire.sent_count(), 1u);
  tx->receive(spec.incoming());
  EXPECT_EQ(rig.wire.last().status(), 200);
}

TEST_F(NonInviteServer, ReliableTransportTerminatesAtOnce) {
  auto tx = create(Protocol::Tcp);
  tx->respond(response(request, 200));
  EXPECT_EQ(tx->state(), State::Terminated);  // Timer J is zero
  EXPECT_EQ(rig.wire.sent_count(), 1u);
  EXPECT_EQ(rig.clock.pending(), 0u);
}

TEST_F(NonInviteServer, TransportErrorInProceedingEnds) {
  rig.wire.fail_now();
  auto tx = create();
  tx->respond(response(request, 100));
  EXPECT_EQ(tx->state(), State::Terminated);
  ASSERT_EQ(rig.user.failures.size(), 1u);
  EXPECT_EQ(rig.user.failures[0].second, Failure::TransportError);
}

TEST_F(NonInviteServer, TransportErrorInCompletedEnds) {
  rig.wire.fail_later();
  auto tx = create();
  tx->respond(response(request, 200));
  EXPECT_EQ(tx->state(), State::Completed);
  rig.wire.deliver_errors();
  EXPECT_EQ(tx->state(), State::Terminated);
  ASSERT_EQ(rig.user.failures.size(), 1u);
  EXPECT_EQ(rig.user.failures[0].second, Failure::TransportError);
  EXPECT_EQ(rig.clock.pending(), 0u);
}

TEST_F(NonInviteServer, ResponsesGoBackAlongTheRequestsFlow) {
  auto tx = create(Protocol::Tls);
  tx->respond(200, response_text(request, 200));
  ASSERT_EQ(rig.wire.sent_count(), 1u);
  EXPECT_EQ(rig.wire.sent[0].flow.protocol, Protocol::Tls);
  EXPECT_EQ(rig.wire.sent[0].flow.connection, flow(Protocol::Tls).connection);
  EXPECT_EQ(rig.wire.sent[0].flow.remote, flow(Protocol::Tls).remote);
}

}  // namespace
}  // namespace parley::transaction::test
