// The server's transaction user behind a real TransactionLayer: what goes out on the wire for
// REGISTER, OPTIONS, other methods, CANCEL, malformed requests, and while shutting down.
#include "registrar/server_core.hpp"

#include <gtest/gtest.h>

#include "fixture.hpp"
#include "transaction/layer.hpp"

namespace parley::registrar::test {
namespace {

class Wire final : public transport::Sender {
 public:
  void send(const transport::Flow&, transport::Bytes bytes, ErrorHandler) override {
    sent.push_back(*bytes);
  }
  std::vector<std::string> sent;
};

class ServerCoreTest : public RegistrarTest {
 protected:
  ServerCoreTest() {
    make();
    core = std::make_unique<ServerCore>(*registrar, draining);
    layer = std::make_unique<transaction::TransactionLayer>(clock, wire, *core);
  }
  // Feeds one request through the layer; the response it sent, parsed.
  Message exchange(const std::string& text) {
    auto m = Message::parse(text);
    EXPECT_TRUE(m) << text;
    transport::Incoming in{*std::move(m), {}, clock.now()};
    in.flow.remote = {boost::asio::ip::make_address("192.0.2.4"), 5060};
    in.flow.local = {boost::asio::ip::make_address("192.0.2.10"), 5060};
    std::size_t before = wire.sent.size();
    layer->receive(std::move(in));
    EXPECT_EQ(wire.sent.size(), before + 1) << "no single answer to\n" << text;
    auto r = Message::parse(wire.sent.empty() ? std::string() : wire.sent.back());
    EXPECT_TRUE(r);
    return *std::move(r);
  }
  static std::string request(std::string_view method, std::string extra = {},
                             std::string_view branch = "z9hG4bKcore1") {
    return std::string(method) + " sip:example.com SIP/2.0\r\n" +
           "Via: SIP/2.0/UDP 192.0.2.4:5060;branch=" + std::string(branch) + "\r\n" +
           "Max-Forwards: 70\r\nTo: <sip:alice@example.com>\r\n"
           "From: <sip:alice@example.com>;tag=1\r\nCall-ID: core-test\r\nCSeq: 1 " +
           std::string(method) + "\r\n" + extra + "Content-Length: 0\r\n\r\n";
  }

  std::atomic<bool> draining{false};
  Wire wire;
  std::unique_ptr<ServerCore> core;
  std::unique_ptr<transaction::TransactionLayer> layer;
};

TEST_F(ServerCoreTest, RegisterGoesToTheRegistrar) {
  auto r = exchange(request("REGISTER", "Contact: <sip:alice@192.0.2.4>\r\n"));
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(bindings("sip:alice@example.com").size(), 1u);
}

// RFC 3261 §26.3.2.4: the challenge keeps no transaction; a retransmitted REGISTER is challenged
// anew (a fresh nonce), and the digest registration that follows is the one transaction kept.
TEST_F(ServerCoreTest, AChallengeIsSentStatelessly) {
  RegistrarConfig c = open_config();
  c.authenticate = true;
  make(c);
  core = std::make_unique<ServerCore>(*registrar, draining);
  layer = std::make_unique<transaction::TransactionLayer>(clock, wire, *core);
  std::string text = request("REGISTER", "Contact: <sip:alice@192.0.2.4>\r\n");
  Message first = exchange(text);
  EXPECT_EQ(first.status(), 401);
  EXPECT_EQ(layer->size(), 0u);
  Message again = exchange(text);  // a retransmission, as far as anyone can tell
  EXPECT_EQ(again.status(), 401);
  EXPECT_NE(first.header("WWW-Authenticate"), again.header("WWW-Authenticate"));
  EXPECT_EQ(layer->counters().retransmissions, 0u);
  EXPECT_EQ(layer->counters().requests, 2u);
  // Anything else final stays in Completed for Timer J over UDP.
  Message options = exchange(request("OPTIONS", {}, "z9hG4bKcore-options"));
  EXPECT_EQ(options.status(), 200);
  EXPECT_EQ(layer->size(), 1u);
}

TEST_F(ServerCoreTest, OptionsAnswersWithCapabilities) {
  auto r = exchange(request("OPTIONS"));
  EXPECT_EQ(r.status(), 200);
  EXPECT_NE(r.header("Allow")->find("REGISTER"), std::string_view::npos);
  EXPECT_TRUE(r.header("Accept").has_value());
  EXPECT_EQ(r.header("Supported"), "path");
}

TEST_F(ServerCoreTest, OtherMethodsGet405WithAllow) {
  for (auto method : {"INVITE", "MESSAGE", "SUBSCRIBE", "FOO"}) {
    auto r = exchange(request(method, {}, std::string("z9hG4bK-") + method));
    EXPECT_EQ(r.status(), 405) << method;
    EXPECT_EQ(r.header("Allow"), kAllow);
  }
}

TEST_F(ServerCoreTest, CancelOfNothingIs481) {
  EXPECT_EQ(exchange(request("CANCEL")).status(), 481);
}

TEST_F(ServerCoreTest, MalformedRequestIs400NamingTheProblem) {
  // No CSeq: the transaction layer's check answers before the core is asked.
  std::string text =
      "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKbad\r\n"
      "Max-Forwards: 70\r\nTo: <sip:alice@example.com>\r\nFrom: <sip:alice@example.com>;tag=1\r\n"
      "Call-ID: bad\r\nContent-Length: 0\r\n\r\n";
  auto r = exchange(text);
  EXPECT_EQ(r.status(), 400);
  EXPECT_NE(r.reason().find("CSeq"), std::string_view::npos);
  // A bad Contact is the registrar's to find.
  auto c =
      exchange(request("REGISTER", "Contact: <sip:alice@192.0.2.4;>;expires=x\r\n", "z9hG4bKbad2"));
  EXPECT_EQ(c.status(), 400);
  EXPECT_NE(c.reason().find("Contact"), std::string_view::npos);
}

TEST_F(ServerCoreTest, WhileDrainingNewRequestsGet503) {
  draining = true;
  auto r = exchange(request("REGISTER", "Contact: <sip:alice@192.0.2.4>\r\n"));
  EXPECT_EQ(r.status(), 503);
  EXPECT_TRUE(r.header("Retry-After").has_value());
  EXPECT_TRUE(bindings("sip:alice@example.com").empty());
}

}  // namespace
}  // namespace parley::registrar::test
