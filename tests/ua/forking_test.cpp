// §12.1.2, §13.2.2.4: a forked INVITE — several early dialogs, one per To tag; the first 2xx
// makes the session; a 2xx from another fork is ACKed and hung up at once.
#include <gtest/gtest.h>

#include "fake_network.hpp"
#include "message/builder.hpp"

namespace parley::ua::test {
namespace {

TEST(Forking, EarlyDialogsPerTagAndASecond2xxIsAckedAndHungUp) {
  FakeNetwork net;
  Peer alice{net, "A", 5061};
  net.host("P", 5062);  // a forking proxy, played by the test
  std::vector<std::string> events;
  Call::Events e;
  e.progress = [&](const Message& m) {
    events.push_back("progress " + std::to_string(m.status()));
  };
  e.established = [&] { events.push_back("established"); };
  auto call = alice.ua.call("sip:bob@127.0.0.1:5062", e);
  ASSERT_NE(call, nullptr);
  net.run();
  ASSERT_EQ(net.sent.size(), 1u);
  Message invite = net.sent[0].message();

  auto answer = [&](int status, const std::string& tag, const std::string& contact) {
    auto b = message::response_to(invite, status, {}, tag);
    b.header("Contact", contact);
    if (status == 200)
      b.body("application/sdp",
             "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
             "m=audio 6000 RTP/AVP 0\r\n");
    transport::Flow in;
    in.local = {boost::asio::ip::make_address("127.0.0.1"), 5061};
    in.remote = {boost::asio::ip::make_address("127.0.0.1"), 5062};
    alice.ua.receiver().receive(transport::Incoming{*std::move(b).build(), in, net.clock.now()});
    net.run();
  };
  answer(180, "fork1", "<sip:bob@127.0.0.1:5062;f=1>");
  answer(180, "fork2", "<sip:bob@127.0.0.1:5062;f=2>");
  EXPECT_EQ(call->state(), Call::State::Early);
  ASSERT_NE(call->dialog(), nullptr);
  EXPECT_TRUE(call->dialog()->early());

  std::size_t mark = net.sent.size();
  answer(200, "fork2", "<sip:bob@127.0.0.1:5062;f=2>");
  EXPECT_EQ(call->state(), Call::State::Confirmed);
  EXPECT_EQ(call->dialog()->id().remote_tag, "fork2");
  ASSERT_EQ(net.sent.size(), mark + 1);
  Message ack = net.sent[mark].message();
  EXPECT_EQ(ack.method_name(), "ACK");
  EXPECT_EQ(ack.request_uri_text(), "sip:bob@127.0.0.1:5062;f=2");
  EXPECT_EQ(ack.to()->tag().value_or(""), "fork2");

  // The other fork answers too: ACK it, then BYE it; the session stays with fork2.
  mark = net.sent.size();
  answer(200, "fork1", "<sip:bob@127.0.0.1:5062;f=1>");
  ASSERT_EQ(net.sent.size(), mark + 2);
  Message ack1 = net.sent[mark].message();
  Message bye1 = net.sent[mark + 1].message();
  EXPECT_EQ(ack1.method_name(), "ACK");
  EXPECT_EQ(ack1.to()->tag().value_or(""), "fork1");
  EXPECT_EQ(bye1.method_name(), "BYE");
  EXPECT_EQ(bye1.to()->tag().value_or(""), "fork1");
  EXPECT_EQ(bye1.request_uri_text(), "sip:bob@127.0.0.1:5062;f=1");
  EXPECT_EQ(call->dialog()->id().remote_tag, "fork2");
  EXPECT_EQ(call->state(), Call::State::Confirmed);

  // A retransmission of fork2's 2xx gets the same ACK again (§13.2.2.4).
  mark = net.sent.size();
  answer(200, "fork2", "<sip:bob@127.0.0.1:5062;f=2>");
  ASSERT_EQ(net.sent.size(), mark + 1);
  EXPECT_EQ(net.sent[mark].bytes, net.sent[mark - 3].bytes);
  EXPECT_EQ(events, (std::vector<std::string>{"progress 180", "progress 180", "established"}));
}

// §12.1.1: the UAS copies Record-Route into its responses and routes its own requests through
// the route set (§12.2.1.1, loose routing: the Request-URI is the remote target).
TEST(RouteSet, UasCopiesRecordRouteAndRoutesItsBye) {
  FakeNetwork net;
  Peer bob{net, "B", 5062};
  net.host("P", 5063);  // the record-routing proxy, played by the test
  std::shared_ptr<Call> incoming;
  bob.ua.on_incoming_call = [&](const std::shared_ptr<Call>& c) { incoming = c; };
  auto inject = [&](const std::string& text) {
    transport::Flow in;
    in.local = {boost::asio::ip::make_address("127.0.0.1"), 5062};
    in.remote = {boost::asio::ip::make_address("127.0.0.1"), 5063};
    bob.ua.receiver().receive(transport::Incoming{*Message::parse(text), in, net.clock.now()});
    net.run();
  };
  const std::string head =
      " sip:bob@127.0.0.1:5062 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 127.0.0.1:5063;branch=z9hG4bKproxy1\r\n"
      "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bKalice1\r\n"
      "Max-Forwards: 69\r\n"
      "From: <sip:alice@127.0.0.1>;tag=al\r\n";
  inject("INVITE" + head +
         "To: <sip:bob@127.0.0.1:5062>\r\nCall-ID: rr1\r\nCSeq: 1 INVITE\r\n"
         "Record-Route: <sip:127.0.0.1:5063;lr>\r\nContact: <sip:alice@127.0.0.1:5061>\r\n"
         "Content-Length: 0\r\n\r\n");
  ASSERT_NE(incoming, nullptr);
  incoming->answer();
  net.run();
  ASSERT_FALSE(net.sent.empty());
  Message ok = net.sent.back().message();
  EXPECT_EQ(ok.status(), 200);
  EXPECT_EQ(ok.header("Record-Route").value_or(""), "<sip:127.0.0.1:5063;lr>");
  // No offer in the INVITE: the 200 carries the offer (§13.2.1).
  EXPECT_FALSE(ok.body().empty());
  std::string tag(ok.to()->tag().value_or(""));
  inject("ACK" + std::string(" sip:bob@127.0.0.1:5062 SIP/2.0\r\n") +
         "Via: SIP/2.0/UDP 127.0.0.1:5063;branch=z9hG4bKproxy2\r\n"
         "Max-Forwards: 69\r\nFrom: <sip:alice@127.0.0.1>;tag=al\r\n"
         "To: <sip:bob@127.0.0.1:5062>;tag=" +
         tag +
         "\r\nCall-ID: rr1\r\nCSeq: 1 ACK\r\n"
         "Content-Length: 0\r\n\r\n");
  EXPECT_EQ(incoming->state(), Call::State::Confirmed);
  incoming->hangup();
  net.run();
  Message bye = net.sent.back().message();
  EXPECT_EQ(bye.method_name(), "BYE");
  EXPECT_EQ(bye.request_uri_text(), "sip:alice@127.0.0.1:5061");
  EXPECT_EQ(bye.header("Route").value_or(""), "<sip:127.0.0.1:5063;lr>");
  EXPECT_EQ(net.sent.back().flow.remote.port, 5063);  // to the proxy, the first route
  EXPECT_EQ(bye.cseq()->number, 1u);                  // the UAS's first request in the dialog
}

}  // namespace
}  // namespace parley::ua::test
