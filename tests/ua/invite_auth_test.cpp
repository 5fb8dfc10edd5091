// §22.2-22.3: an INVITE challenged with 407 is sent again with Proxy-Authorization, a new CSeq
// and a new branch; the ACK for its 2xx carries the same credentials (§22.1 "ACK ... MUST
// contain the same credentials").
#include <gtest/gtest.h>

#include "fake_network.hpp"
#include "message/builder.hpp"

namespace parley::ua::test {
namespace {

TEST(InviteAuth, ProxyChallengeAnsweredThenAcked) {
  FakeNetwork net;
  Peer alice{net, "A", 5061};
  net.host("P", 5062);
  alice.ua.credentials().add("alice", "secret");
  bool established = false;
  auto call = alice.ua.call("sip:bob@127.0.0.1:5062", {.established = [&] { established = true; }});
  ASSERT_NE(call, nullptr);
  net.run();
  auto reply = [&](const Message& request, int status, const std::string& extra_name,
                   const std::string& extra) {
    auto b = message::response_to(request, status, {}, "p1");
    if (!extra_name.empty()) b.header(extra_name, extra);
    if (status == 200) b.header("Contact", "<sip:bob@127.0.0.1:5062>");
    transport::Flow in;
    in.local = {boost::asio::ip::make_address("127.0.0.1"), 5061};
    in.remote = {boost::asio::ip::make_address("127.0.0.1"), 5062};
    alice.ua.receiver().receive(transport::Incoming{*std::move(b).build(), in, net.clock.now()});
    net.run();
  };
  Message first = net.sent.back().message();
  reply(first, 407, "Proxy-Authenticate",
        "Digest realm=\"atlanta.example.com\", nonce=\"n1\", qop=\"auth\", algorithm=SHA-256");
  // The 407 is ACKed by the transaction, then the INVITE goes again.
  EXPECT_EQ(net.trace(), "A>P INVITE A>P ACK A>P INVITE");
  Message second = net.sent.back().message();
  EXPECT_EQ(second.cseq()->number, 2u);
  EXPECT_NE(second.via()->front().params.get("branch"), first.via()->front().params.get("branch"));
  EXPECT_EQ(second.call_id(), first.call_id());
  EXPECT_EQ(second.from()->tag(), first.from()->tag());
  auto creds = second.header("Proxy-Authorization");
  ASSERT_TRUE(creds);
  EXPECT_NE(creds->find("algorithm=SHA-256"), std::string_view::npos);
  EXPECT_NE(creds->find("nc=00000001"), std::string_view::npos);

  reply(second, 200, "", "");
  EXPECT_TRUE(established);
  Message ack = net.sent.back().message();
  EXPECT_EQ(ack.method_name(), "ACK");
  EXPECT_EQ(ack.cseq()->number, 2u);
  EXPECT_EQ(ack.header("Proxy-Authorization"), creds);
}

TEST(InviteAuth, NoCredentialsMeansTheCallFailsWith401) {
  FakeNetwork net;
  Peer alice{net, "A", 5061};
  net.host("P", 5062);
  int status = 0;
  auto call = alice.ua.call("sip:bob@127.0.0.1:5062",
                            {.ended = [&](const Call::Ended& e) { status = e.status; }});
  net.run();
  Message invite = net.sent.back().message();
  auto b = message::response_to(invite, 401, {}, "p1");
  b.header("WWW-Authenticate", "Digest realm=\"x\", nonce=\"n\"");
  transport::Flow in;
  in.local = {boost::asio::ip::make_address("127.0.0.1"), 5061};
  in.remote = {boost::asio::ip::make_address("127.0.0.1"), 5062};
  alice.ua.receiver().receive(transport::Incoming{*std::move(b).build(), in, net.clock.now()});
  net.run();
  EXPECT_EQ(status, 401);
  EXPECT_EQ(net.trace(), "A>P INVITE A>P ACK");
}

}  // namespace
}  // namespace parley::ua::test
