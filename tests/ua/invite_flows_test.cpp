// The UA-to-UA flows of RFC 3665 §3 between two UserAgents on a fake network and the virtual
// clock, asserting the exact messages on the wire; then the timers of §13.3.1.4 (2xx
// retransmission, re-ACK, no ACK -> BYE) and §14.1 (glare).
#include <gtest/gtest.h>

#include "fake_network.hpp"

namespace parley::ua::test {
namespace {

struct Flows : ::testing::Test {
  FakeNetwork net;
  Peer alice{net, "A", 5061};
  Peer bob{net, "B", 5062};
  std::shared_ptr<Call> incoming;   // bob's side
  std::vector<std::string> events;  // "A:established", "B:ended 200 peer", ...

  Call::Events record(const std::string& who) {
    Call::Events e;
    e.progress = [this, who](const Message& m) {
      events.push_back(who + ":progress " + std::to_string(m.status()));
    };
    e.established = [this, who] { events.push_back(who + ":established"); };
    e.ended = [this, who](const Call::Ended& end) {
      events.push_back(who + ":ended " + std::to_string(end.status) + (end.by_peer ? " peer" : ""));
    };
    e.reinvited = [this, who](int status) {
      events.push_back(who + ":reinvited " + std::to_string(status));
    };
    return e;
  }
  void SetUp() override {
    bob.ua.on_incoming_call = [this](const std::shared_ptr<Call>& c) {
      incoming = c;
      c->set_events(record("B"));
    };
  }
  std::shared_ptr<Call> call() {
    auto c = alice.ua.call("sip:bob@127.0.0.1:5062", record("A"));
    EXPECT_NE(c, nullptr);
    net.run();
    return c;
  }
  std::string events_text() const {
    std::string out;
    for (const auto& e : events) out += (out.empty() ? "" : ", ") + e;
    return out;
  }
};

// RFC 3665 §3.1, without proxies: INVITE, 180, 200, ACK ... BYE, 200.
TEST_F(Flows, SuccessfulSession) {
  auto c = call();
  ASSERT_NE(incoming, nullptr);
  incoming->ring();
  net.run();
  EXPECT_EQ(c->state(), Call::State::Early);
  incoming->answer();
  net.run();
  EXPECT_EQ(c->state(), Call::State::Confirmed);
  EXPECT_EQ(incoming->state(), Call::State::Confirmed);
  EXPECT_FALSE(c->remote_sdp().empty());
  EXPECT_FALSE(incoming->remote_sdp().empty());
  c->hangup();
  net.run();
  EXPECT_EQ(net.trace(), "A>B INVITE B>A 180 B>A 200 A>B ACK A>B BYE B>A 200");
  EXPECT_EQ(events_text(),
            "A:progress 180, A:established, B:established, B:ended 200 peer, A:ended 200");
  // Nothing retransmitted afterwards (the 2xx was ACKed, the transactions end quietly).
  std::size_t before = net.wire.size();
  net.advance(seconds(40), milliseconds(100));
  EXPECT_EQ(net.wire.size(), before) << net.trace(before);
  EXPECT_EQ(alice.ua.layer().size(), 0u);
  EXPECT_EQ(bob.ua.layer().size(), 0u);
}

// §15: both ends hang up at once: each BYE gets its 200 (not 481), each end ends once.
TEST_F(Flows, CrossingByes) {
  auto c = call();
  incoming->answer();
  net.run();
  std::size_t mark = net.wire.size();
  c->hangup();
  incoming->hangup();
  net.run();
  EXPECT_EQ(net.trace(mark), "A>B BYE B>A BYE B>A 200 A>B 200");
  EXPECT_EQ(events_text(), "A:established, B:established, B:ended 200 peer, A:ended 200 peer");
  EXPECT_TRUE(c->finished());
  EXPECT_TRUE(incoming->finished());
  EXPECT_EQ(alice.ua.calls(), 0u);
  EXPECT_EQ(bob.ua.calls(), 0u);
}

// RFC 3665 §3.2: busy — INVITE, 486, ACK (the ACK of the INVITE client transaction).
TEST_F(Flows, BusyHere) {
  auto c = call();
  incoming->reject(486);
  net.run();
  EXPECT_EQ(net.trace(), "A>B INVITE B>A 486 A>B ACK");
  EXPECT_EQ(c->state(), Call::State::Terminated);
  EXPECT_EQ(c->ended().status, 486);
  EXPECT_TRUE(c->ended().by_peer);
}

// RFC 3665 §3.8: no answer — INVITE, 180, CANCEL, 200 (CANCEL), 487 (INVITE), ACK.
TEST_F(Flows, CancelBeforeAnswer) {
  auto c = call();
  incoming->ring();
  net.run();
  c->hangup();
  net.run();
  EXPECT_EQ(net.trace(), "A>B INVITE B>A 180 A>B CANCEL B>A 200 B>A 487 A>B ACK");
  EXPECT_EQ(c->ended().status, 487);
  EXPECT_EQ(incoming->ended().status, 487);
  EXPECT_TRUE(incoming->ended().by_peer);
}

// §9.1: a CANCEL waits for a provisional response.
TEST_F(Flows, CancelWaitsForAProvisionalResponse) {
  net.drop = [](const FakeNetwork::Packet& p) { return p.bytes.starts_with("INVITE"); };
  auto c = alice.ua.call("sip:bob@127.0.0.1:5062", record("A"));
  net.run();
  c->hangup();
  net.run();
  EXPECT_EQ(net.trace(), "A>B INVITE(lost)");  // nothing to cancel yet
  net.drop = nullptr;
  net.advance(milliseconds(600));  // Timer A: the INVITE again
  ASSERT_NE(incoming, nullptr);
  incoming->ring();
  net.run();
  EXPECT_EQ(net.trace(), "A>B INVITE(lost) A>B INVITE B>A 180 A>B CANCEL B>A 200 B>A 487 A>B ACK");
}

// A 404-style rejection (RFC 3665 §3.x "unsuccessful: no such user").
TEST_F(Flows, Rejected404) {
  auto c = call();
  incoming->reject(404);
  net.run();
  EXPECT_EQ(net.trace(), "A>B INVITE B>A 404 A>B ACK");
  EXPECT_EQ(c->ended().status, 404);
}

// §14: re-INVITE in the session, answered with a new SDP answer; then BYE.
TEST_F(Flows, ReInvite) {
  auto c = call();
  incoming->answer();
  net.run();
  std::size_t mark = net.wire.size();
  ASSERT_TRUE(c->reinvite());
  EXPECT_FALSE(c->reinvite());  // one at a time
  net.run();
  EXPECT_EQ(net.trace(mark), "A>B INVITE B>A 200 A>B ACK");
  EXPECT_NE(events_text().find("A:reinvited 200"), std::string::npos) << events_text();
  EXPECT_NE(events_text().find("B:reinvited 200"), std::string::npos) << events_text();
  // The callee re-INVITEs too (the dialog works both ways), then hangs up.
  mark = net.wire.size();
  ASSERT_TRUE(incoming->reinvite());
  net.run();
  incoming->hangup();
  net.run();
  EXPECT_EQ(net.trace(mark), "B>A INVITE A>B 200 B>A ACK B>A BYE A>B 200");
  // The re-INVITE's CSeq went up: BYE after re-INVITE carries 2.
  auto bye = std::find_if(net.sent.begin(), net.sent.end(),
                          [](const auto& p) { return p.bytes.starts_with("BYE"); });
  ASSERT_NE(bye, net.sent.end());
  EXPECT_EQ(bye->message().cseq()->number, 2u);
}

// §14.1 glare: both re-INVITE at once; each answers the other 491; the callee (not the Call-ID
// owner) retries within 0-2 s, the caller within 2.1-4 s: both end up done.
TEST_F(Flows, GlareRetriesAfterTheTimersOf14_1) {
  auto c = call();
  incoming->answer();
  net.run();
  std::size_t mark = net.wire.size();
  ASSERT_TRUE(c->reinvite());
  ASSERT_TRUE(incoming->reinvite());
  net.run();
  EXPECT_EQ(net.trace(mark), "A>B INVITE B>A INVITE B>A 491 A>B 491 A>B ACK B>A ACK");
  mark = net.wire.size();
  net.advance(milliseconds(2050));
  EXPECT_EQ(net.trace(mark), "B>A INVITE A>B 200 B>A ACK");
  mark = net.wire.size();
  net.advance(milliseconds(2000));
  EXPECT_EQ(net.trace(mark), "A>B INVITE B>A 200 A>B ACK");
  EXPECT_NE(events_text().find("A:reinvited 200"), std::string::npos) << events_text();
  EXPECT_NE(events_text().find("B:reinvited 200"), std::string::npos) << events_text();
  EXPECT_EQ(c->state(), Call::State::Confirmed);
}

// §13.3.1.4: the 2xx is retransmitted at T1, 2*T1, ... capped at T2 until the ACK; §13.2.2.4:
// the UAC ACKs every retransmission.
TEST_F(Flows, TwoHundredRetransmittedUntilTheAck) {
  auto c = call();
  int acks_lost = 2;
  net.drop = [&](const FakeNetwork::Packet& p) {
    return p.bytes.starts_with("ACK") && acks_lost-- > 0;
  };
  TimePoint t0 = net.clock.now();
  incoming->answer();
  net.run();
  net.advance(seconds(3));
  EXPECT_EQ(net.trace(), "A>B INVITE B>A 200 A>B ACK(lost) B>A 200 A>B ACK(lost) B>A 200 A>B ACK");
  EXPECT_EQ(incoming->state(), Call::State::Confirmed);
  // The 200s left at 0, T1 and 3*T1.
  std::vector<long> at;
  for (const auto& p : net.sent)
    if (p.bytes.starts_with("SIP/2.0 200"))
      at.push_back(std::chrono::duration_cast<milliseconds>(p.at - t0).count());
  EXPECT_EQ(at, (std::vector<long>{0, 500, 1500}));
  std::size_t before = net.wire.size();
  net.advance(seconds(40), milliseconds(100));
  EXPECT_EQ(net.wire.size(), before) << net.trace(before);
}

// §13.3.1.4: no ACK within 64*T1: the UAS gives up and sends BYE.
TEST_F(Flows, NoAckMeansBye) {
  auto c = call();
  net.drop = [](const FakeNetwork::Packet& p) { return p.bytes.starts_with("ACK"); };
  incoming->answer();
  net.run();
  net.advance(seconds(33), milliseconds(50));
  std::string t = net.trace();
  // 200 at 0, .5, 1.5, 3.5, 7.5, 11.5, ... every 4 s up to 32 s: 11 in all, then BYE.
  std::size_t twohundreds = 0;
  for (std::size_t p = t.find("B>A 200"); p != std::string::npos; p = t.find("B>A 200", p + 1))
    ++twohundreds;
  EXPECT_GE(twohundreds, 10u) << t;
  EXPECT_NE(t.find("B>A BYE A>B 200"), std::string::npos) << t;
  EXPECT_EQ(incoming->ended().status, 408);
}
}  // namespace
}  // namespace parley::ua::test
