// Bad input from a peer (RFC 3261 §8.2, §12.2.2, §14.2): each gets the response the RFC names and
// the dialog stays up — a BYE afterwards still works.
#include <gtest/gtest.h>

#include "fake_network.hpp"
#include "message/builder.hpp"

namespace parley::ua::test {
namespace {

struct BadInput : ::testing::Test {
  FakeNetwork net;
  Peer alice{net, "A", 5061};
  Peer bob{net, "B", 5062};
  std::shared_ptr<Call> incoming, outgoing;
  // What alice's side of the dialog looks like, for hand-made requests from alice to bob.
  std::string call_id, from_tag, to_tag;
  std::vector<Message> responses;  // what bob answered to hand-made requests

  void SetUp() override {
    bob.ua.on_incoming_call = [this](const std::shared_ptr<Call>& c) { incoming = c; };
    outgoing = alice.ua.call("sip:bob@127.0.0.1:5062", {});
    net.run();
    incoming->answer();
    net.run();
    ASSERT_EQ(outgoing->state(), Call::State::Confirmed);
    call_id = outgoing->call_id();
    from_tag = outgoing->local_tag();
    to_tag = incoming->local_tag();
  }

  // A request "from alice" injected into bob's UA; returns bob's response.
  Message inject(const std::string& method, std::uint32_t cseq, bool with_to_tag = true,
                 const std::vector<std::pair<std::string, std::string>>& extra = {},
                 bool contact = true) {
    static int n = 0;
    auto b = message::MessageBuilder::request(method, "sip:B@127.0.0.1:5062");
    b.header("Via", "SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bKinject" + std::to_string(++n));
    b.header("Max-Forwards", "70");
    b.header("From", "<sip:A@127.0.0.1>;tag=" + from_tag);
    b.header("To", with_to_tag ? "<sip:bob@127.0.0.1:5062>;tag=" + to_tag
                               : std::string("<sip:bob@127.0.0.1:5062>"));
    b.header("Call-ID", call_id);
    b.header("CSeq", std::to_string(cseq) + " " + method);
    if (contact) b.header("Contact", "<sip:A@127.0.0.1:5061>");
    for (const auto& [k, v] : extra) b.header(k, v);
    auto m = std::move(b).build();
    EXPECT_TRUE(m);
    std::size_t before = net.sent.size();
    transport::Flow in;
    in.local = bob.node.endpoint();
    in.remote = alice.node.endpoint();
    bob.ua.receiver().receive(transport::Incoming{std::move(*m), in, net.clock.now()});
    // bob's answer is the first message bob sent after this
    for (std::size_t i = before; i < net.sent.size(); ++i)
      if (net.sent[i].bytes.starts_with("SIP/2.0")) {
        Message r = net.sent[i].message();
        net.queue.clear();  // alice's UA is not part of these exchanges
        return r;
      }
    ADD_FAILURE() << "bob did not answer the " << method;
    return *Message::parse("SIP/2.0 599 none\r\n\r\n");
  }

  void dialog_still_up() {
    EXPECT_EQ(incoming->state(), Call::State::Confirmed);
    std::size_t mark = net.wire.size();
    outgoing->hangup();
    net.run();
    EXPECT_EQ(net.trace(mark), "A>B BYE B>A 200");
    EXPECT_EQ(incoming->state(), Call::State::Terminated);
  }
};

TEST_F(BadInput, UnknownDialogGets481) {
  to_tag = "not-a-tag";
  EXPECT_EQ(inject("BYE", 5).status(), 481);
  to_tag = incoming->local_tag();
  dialog_still_up();
}

TEST_F(BadInput, LowerCSeqGets500WithRetryAfter) {
  // The INVITE had CSeq 1: 1 again is in order (not lower), 0 is out of order.
  EXPECT_EQ(inject("OPTIONS", 1).status(), 200);
  Message r = inject("OPTIONS", 0);
  EXPECT_EQ(r.status(), 500);
  EXPECT_TRUE(r.header("Retry-After").has_value());
  dialog_still_up();
}

TEST_F(BadInput, UnknownRequireGets420WithUnsupported) {
  Message r = inject("INVITE", 2, true, {{"Require", "100rel, foo"}});
  EXPECT_EQ(r.status(), 420);
  EXPECT_EQ(r.header("Unsupported").value_or(""), "100rel, foo");
  dialog_still_up();
}

TEST_F(BadInput, ReInviteWithoutContactGets400) {
  Message r = inject("INVITE", 2, true, {}, false);
  EXPECT_EQ(r.status(), 400);
  dialog_still_up();
}

TEST_F(BadInput, ReInviteDuringOursGets491) {
  ASSERT_TRUE(incoming->reinvite());  // bob's re-INVITE in progress (alice has not answered)
  net.queue.clear();
  Message r = inject("INVITE", 2);
  EXPECT_EQ(r.status(), 491);
}

TEST_F(BadInput, SecondReInviteBeforeTheAckGets500WithRetryAfter) {
  Message first = inject("INVITE", 2);
  EXPECT_EQ(first.status(), 200);  // not ACKed: still in progress
  Message r = inject("INVITE", 3);
  EXPECT_EQ(r.status(), 500);
  EXPECT_TRUE(r.header("Retry-After").has_value());
}

TEST_F(BadInput, UnknownMethodGets405WithAllow) {
  Message r = inject("SUBSCRIBE", 2);
  EXPECT_EQ(r.status(), 405);
  EXPECT_EQ(r.header("Allow").value_or(""), "INVITE, ACK, CANCEL, BYE, OPTIONS");
  dialog_still_up();
}

TEST_F(BadInput, ByeOutsideADialogGets481) {
  call_id = "other@x";
  EXPECT_EQ(inject("BYE", 1, false).status(), 481);
}

TEST(Options, AnsweredWithAllowAcceptSupported) {
  FakeNetwork net;
  Peer alice{net, "A", 5061};
  Peer bob{net, "B", 5062};
  int status = 0;
  std::string allow, accept;
  bool supported = false;
  ASSERT_TRUE(alice.ua.request({.method = "OPTIONS", .uri = "sip:bob@127.0.0.1:5062"},
                               [&](int s, const Message* r) {
                                 status = s;
                                 ASSERT_NE(r, nullptr);
                                 allow = std::string(r->header("Allow").value_or(""));
                                 accept = std::string(r->header("Accept").value_or(""));
                                 supported = r->header("Supported").has_value();
                               }));
  net.run();
  EXPECT_EQ(status, 200);
  EXPECT_EQ(allow, "INVITE, ACK, CANCEL, BYE, OPTIONS");
  EXPECT_EQ(accept, "application/sdp");
  EXPECT_TRUE(supported);
  EXPECT_EQ(net.trace(), "A>B OPTIONS B>A 200");
}

TEST(Options, NobodyThereIs408AfterTimerF) {
  FakeNetwork net;
  Peer alice{net, "A", 5061};
  int status = 0;
  ASSERT_TRUE(alice.ua.request({.method = "OPTIONS", .uri = "sip:bob@127.0.0.1:5099"},
                               [&](int s, const Message*) { status = s; }));
  net.advance(seconds(31), milliseconds(100));
  EXPECT_EQ(status, 0);
  net.advance(seconds(2), milliseconds(100));
  EXPECT_EQ(status, 408);
}

}  // namespace
}  // namespace parley::ua::test
