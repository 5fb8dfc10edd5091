// TCP over loopback: requests and responses on one connection, keep-alives, broken input, the
// clocks (header-read and idle timeouts), connection reuse between layers, limits.
#include <gtest/gtest.h>

#include "message/message.hpp"
#include "support.hpp"
#include "transport/response_flow.hpp"

namespace parley::transport::test {
namespace {

// A layer that answers every request with 200 along response_flow.
void answer_everything(Node& node) {
  node.received.on_receive = [layer = node.layer.get()](const Incoming& in) {
    if (in.message.is_request())
      layer->send(response_flow(in.message, in.flow), make_bytes(ok_for(in.message)));
  };
}

TEST(Tcp, ResponseGoesBackOverTheRequestsConnection) {
  Node node(listening_on({"tcp:127.0.0.1:0"}));
  answer_everything(node);
  StreamClient client(node.at(Protocol::Tcp));
  ASSERT_TRUE(client.connect());
  // sent-by port 9 has no listener: the answer can only come back over this connection.
  ASSERT_TRUE(client.write(request("SIP/2.0/TCP client.invalid:9;branch=z9hG4bKt1")));
  EXPECT_NE(client.read_until("\r\n\r\n").find("SIP/2.0 200 OK"), std::string::npos);
  auto in = node.received.next();
  ASSERT_TRUE(in);
  EXPECT_EQ(in->flow.protocol, Protocol::Tcp);
  EXPECT_NE(in->flow.connection, 0u);
  EXPECT_EQ(in->flow.remote, client.local());
  EXPECT_EQ(in->flow.local, node.at(Protocol::Tcp));
  EXPECT_EQ(in->message.via()->front().received(), "127.0.0.1");
}

TEST(Tcp, Ipv6) {
  Node node(listening_on({"tcp:[::1]:0"}));
  answer_everything(node);
  StreamClient client(node.at(Protocol::Tcp, true));
  ASSERT_TRUE(client.connect());
  ASSERT_TRUE(client.write(request("SIP/2.0/TCP [::1]:9;branch=z9hG4bKt6")));
  EXPECT_NE(client.read_until("\r\n\r\n").find("SIP/2.0 200 OK"), std::string::npos);
  auto in = node.received.next();
  ASSERT_TRUE(in);
  EXPECT_TRUE(in->flow.remote.address.is_v6());
}

TEST(Tcp, MessagesSplitAndPipelinedAreCutRight) {
  Node node(listening_on({"tcp:127.0.0.1:0"}));
  StreamClient client(node.at(Protocol::Tcp));
  ASSERT_TRUE(client.connect());
  std::string one = request("SIP/2.0/TCP a.invalid;branch=z9hG4bK1", "MESSAGE", "body one");
  std::string two = request("SIP/2.0/TCP a.invalid;branch=z9hG4bK2");
  ASSERT_TRUE(client.write(one.substr(0, 10)));
  ASSERT_TRUE(client.write(one.substr(10) + two));
  auto a = node.received.next(), b = node.received.next();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->message.body(), "body one");
  EXPECT_EQ(b->message.via()->front().branch(), "z9hG4bK2");
  EXPECT_EQ(a->flow.connection, b->flow.connection);
}

TEST(Tcp, CrlfPingIsAnsweredWithPong) {
  Node node(listening_on({"tcp:127.0.0.1:0"}));
  StreamClient client(node.at(Protocol::Tcp));
  ASSERT_TRUE(client.connect());
  ASSERT_TRUE(client.write("\r\n\r\n"));
  EXPECT_EQ(client.read_until("\r\n"), "\r\n");
  // And the connection still carries SIP.
  ASSERT_TRUE(client.write(request()));
  ASSERT_TRUE(node.received.next());
  EXPECT_EQ(node.layer->stats().keepalive_pings, 1u);
}

TEST(Tcp, GarbageIsAnswered400ThenTheConnectionCloses) {
  Node node(listening_on({"tcp:127.0.0.1:0"}));
  StreamClient client(node.at(Protocol::Tcp));
  ASSERT_TRUE(client.connect());
  // No Content-Length on a stream (§18.3): cannot be framed, but can be answered.
  std::string bad = request();
  bad.erase(bad.find("Content-Length"), std::string("Content-Length: 0\r\n").size());
  ASSERT_TRUE(client.write(bad + "more garbage after it"));
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_TRUE(client.data().starts_with("SIP/2.0 400 ")) << client.data();
  EXPECT_EQ(node.received.count(), 0u);
  EXPECT_EQ(node.layer->stats().closed_malformed, 1u);
}

TEST(Tcp, UnanswerableGarbageJustCloses) {
  Node node(listening_on({"tcp:127.0.0.1:0"}));
  StreamClient client(node.at(Protocol::Tcp));
  ASSERT_TRUE(client.connect());
  ASSERT_TRUE(client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_EQ(client.data(), "");
}

TEST(Tcp, OversizedMessageIsAnswered513ThenClosed) {
  Settings s = listening_on({"tcp:127.0.0.1:0"});
  s.limits.max_message_size = 3000;
  Node node(std::move(s));
  StreamClient client(node.at(Protocol::Tcp));
  ASSERT_TRUE(client.connect());
  ASSERT_TRUE(client.write(
      request("SIP/2.0/TCP a.invalid;branch=z9hG4bKbig", "MESSAGE", std::string(5000, 'x'))));
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_TRUE(client.data().starts_with("SIP/2.0 513 ")) << client.data();
}

TEST(Tcp, FarOversizedMessageStillGetsIts513) {
  // More than the input buffer can ever hold: the rest is read and discarded while the answer
  // goes out, so that the close does not turn into a reset that destroys the answer.
  Settings s = listening_on({"tcp:127.0.0.1:0"});
  s.limits.max_message_size = 3000;
  s.limits.max_body_size = 1000000;  // the message size, not the body size, is what fails
  Node node(std::move(s));
  StreamClient client(node.at(Protocol::Tcp));
  ASSERT_TRUE(client.connect());
  ASSERT_TRUE(client.write(
      request("SIP/2.0/TCP a.invalid;branch=z9hG4bKhuge", "MESSAGE", std::string(200000, 'x'))));
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_TRUE(client.data().starts_with("SIP/2.0 513 ")) << client.data().substr(0, 100);
}

TEST(Tcp, APeerThatDoesNotReadIsCutOff) {
  Settings s = listening_on({"tcp:127.0.0.1:0"});
  s.max_write_queue = 64 * 1024;
  Node node(std::move(s));
  StreamClient client(node.at(Protocol::Tcp));
  ASSERT_TRUE(client.connect());
  ASSERT_TRUE(client.write(request()));
  auto in = node.received.next();
  ASSERT_TRUE(in);
  // Far more than the socket buffers hold; the client never reads.
  Errors errors;
  auto big = make_bytes(
      request("SIP/2.0/TCP a.invalid;branch=z9hG4bKq", "MESSAGE", std::string(32 * 1024, 'x')));
  for (int i = 0; i < 2000 && node.layer->stats().write_overflows == 0; ++i)
    node.layer->send(in->flow, big, errors.handler());
  auto why = errors.next();
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("write queue full"), std::string::npos) << *why;
  EXPECT_EQ(node.layer->stats().write_overflows, 1u);
}

TEST(Tcp, BrokenButFramedRequestIsAnsweredAndTheConnectionStays) {
  Node node(listening_on({"tcp:127.0.0.1:0"}));
  StreamClient client(node.at(Protocol::Tcp));
  ASSERT_TRUE(client.connect());
  std::string bad = broken_request();
  ASSERT_TRUE(client.write(bad));
  EXPECT_TRUE(client.read_until("\r\n\r\n").starts_with("SIP/2.0 400 "));
  ASSERT_TRUE(client.write(request()));
  ASSERT_TRUE(node.received.next());
}

TEST(Tcp, HalfAMessageThenSilenceIsClosedAfterTheHeaderReadTimeout) {
  Settings s = listening_on({"tcp:127.0.0.1:0"});
  s.header_read_timeout = 200ms;
  Node node(std::move(s));
  StreamClient client(node.at(Protocol::Tcp));
  ASSERT_TRUE(client.connect());
  std::string r = request();
  ASSERT_TRUE(client.write(r.substr(0, r.size() / 2)));
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_EQ(node.layer->stats().closed_slow, 1u);
  EXPECT_EQ(node.layer->stats().closed_idle, 0u);
  EXPECT_EQ(node.received.count(), 0u);
}

TEST(Tcp, ASlowSenderIsClosedTooNotOnlyASilentOne) {
  Settings s = listening_on({"tcp:127.0.0.1:0"});
  s.header_read_timeout = 300ms;
  Node node(std::move(s));
  StreamClient client(node.at(Protocol::Tcp));
  ASSERT_TRUE(client.connect());
  std::string r = request();
  // One byte every 50 ms: each read is recent, but the message never completes in time.
  bool closed = false;
  for (std::size_t i = 0; i < r.size() - 1 && !closed; ++i) {
    if (!client.write(r.substr(i, 1))) break;
    closed = client.closed_by_peer(50ms);
  }
  EXPECT_TRUE(closed || client.closed_by_peer());
  EXPECT_EQ(node.layer->stats().closed_slow, 1u);
}

TEST(Tcp, IdleConnectionIsClosed) {
  Settings s = listening_on({"tcp:127.0.0.1:0"});
  s.idle_timeout = 200ms;
  Node node(std::move(s));
  StreamClient client(node.at(Protocol::Tcp));
  ASSERT_TRUE(client.connect());
  ASSERT_TRUE(client.write(request()));
  ASSERT_TRUE(node.received.next());
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_EQ(node.layer->stats().closed_idle, 1u);
  EXPECT_EQ(node.layer->connection_count(), 0u);
}

TEST(Tcp, LayersReuseOneConnectionBothWays) {
  Node server(listening_on({"tcp:127.0.0.1:0"}));
  answer_everything(server);
  Node client(listening_on({"tcp:127.0.0.1:0"}));
  Flow to{Protocol::Tcp, {}, server.at(Protocol::Tcp), 0};
  for (int i = 0; i < 3; ++i)
    client.layer->send(
        to, make_bytes(request("SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKr" + std::to_string(i))));
  ConnectionId server_side = 0, client_side = 0;
  for (int i = 0; i < 3; ++i) {
    auto req = server.received.next();
    ASSERT_TRUE(req);
    if (server_side == 0) server_side = req->flow.connection;
    EXPECT_EQ(req->flow.connection, server_side);
    // The responses arrive over the connection the client opened.
    auto resp = client.received.next();
    ASSERT_TRUE(resp);
    EXPECT_EQ(resp->message.status(), 200);
    if (client_side == 0) client_side = resp->flow.connection;
    EXPECT_EQ(resp->flow.connection, client_side);
    EXPECT_EQ(resp->flow.remote, server.at(Protocol::Tcp));
  }
  EXPECT_EQ(client.layer->stats().connections_opened, 1u);
  EXPECT_EQ(server.layer->stats().connections_accepted, 1u);

  // A new request along the response's flow goes over that same connection too.
  client.layer->send(Flow{Protocol::Tcp, {}, server.at(Protocol::Tcp), client_side},
                     make_bytes(request("SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKr9")));
  auto req = server.received.next();
  ASSERT_TRUE(req);
  EXPECT_EQ(req->flow.connection, server_side);
  EXPECT_EQ(client.layer->stats().connections_opened, 1u);
}

TEST(Tcp, ClosedConnectionMeansAResponseOpensANewOne) {
  // §18.2.2: "If that connection is no longer open, the server SHOULD open a connection to the IP
  // address in the received parameter [...] using the port in the sent-by value".
  Node server(listening_on({"tcp:127.0.0.1:0"}));
  Node client(listening_on({"tcp:127.0.0.1:0"}));
  auto raw = std::make_unique<StreamClient>(server.at(Protocol::Tcp));
  ASSERT_TRUE(raw->connect());
  std::string via = "SIP/2.0/TCP 127.0.0.1:" + std::to_string(client.at(Protocol::Tcp).port) +
                    ";branch=z9hG4bKc1";
  ASSERT_TRUE(raw->write(request(via)));
  auto in = server.received.next();
  ASSERT_TRUE(in);
  raw.reset();  // the connection goes away
  for (int i = 0; i < 100 && server.layer->connection_count() > 0; ++i)
    std::this_thread::sleep_for(10ms);
  server.layer->send(response_flow(in->message, in->flow), make_bytes(ok_for(in->message)));
  auto resp = client.received.next();
  ASSERT_TRUE(resp);
  EXPECT_EQ(resp->message.status(), 200);
}

TEST(Tcp, ConnectionsPerSourceAreLimited) {
  Settings s = listening_on({"tcp:127.0.0.1:0"});
  s.max_connections_per_source = 2;
  Node node(std::move(s));
  StreamClient a(node.at(Protocol::Tcp)), c(node.at(Protocol::Tcp));
  auto b = std::make_unique<StreamClient>(node.at(Protocol::Tcp));
  ASSERT_TRUE(a.connect());
  ASSERT_TRUE(a.write(request()));
  ASSERT_TRUE(b->connect());
  ASSERT_TRUE(b->write(request()));
  ASSERT_TRUE(node.received.next());
  ASSERT_TRUE(node.received.next());
  ASSERT_TRUE(c.connect());  // the kernel accepts; the layer closes it at once
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_EQ(node.layer->stats().connections_refused, 1u);
  // The first two are unaffected, and a slot frees when one goes.
  ASSERT_TRUE(a.write(request()));
  ASSERT_TRUE(node.received.next());
  b.reset();
  for (int i = 0; i < 100 && node.layer->connection_count() > 1; ++i)
    std::this_thread::sleep_for(10ms);
  StreamClient d(node.at(Protocol::Tcp));
  ASSERT_TRUE(d.connect());
  ASSERT_TRUE(d.write(request()));
  EXPECT_TRUE(node.received.next());
}

TEST(Tcp, TotalConnectionsAreLimited) {
  Settings s = listening_on({"tcp:127.0.0.1:0"});
  s.max_connections = 1;
  Node node(std::move(s));
  StreamClient a(node.at(Protocol::Tcp)), b(node.at(Protocol::Tcp));
  ASSERT_TRUE(a.connect());
  ASSERT_TRUE(a.write(request()));
  ASSERT_TRUE(node.received.next());
  ASSERT_TRUE(b.connect());
  EXPECT_TRUE(b.closed_by_peer());
}

TEST(Tcp, ConnectFailureReachesTheErrorHandler) {
  // A port that was free a moment ago: nobody listens there.
  boost::asio::io_context io;
  tcp::acceptor probe(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  Endpoint nobody{probe.local_endpoint().address(), probe.local_endpoint().port()};
  probe.close();
  Node node(listening_on({"tcp:127.0.0.1:0"}));
  Errors errors;
  node.layer->send(Flow{Protocol::Tcp, {}, nobody, 0}, make_bytes(request()), errors.handler());
  auto why = errors.next();
  ASSERT_TRUE(why);
  EXPECT_NE(why->find(nobody.to_string()), std::string::npos) << *why;
  EXPECT_EQ(node.layer->stats().connect_failures, 1u);
}

TEST(Tcp, StopClosesEveryConnection) {
  Node node(listening_on({"tcp:127.0.0.1:0"}));
  StreamClient client(node.at(Protocol::Tcp));
  ASSERT_TRUE(client.connect());
  ASSERT_TRUE(client.write(request()));
  ASSERT_TRUE(node.received.next());
  node.layer->stop();
  EXPECT_TRUE(client.closed_by_peer());
  Errors errors;
  node.layer->send(Flow{Protocol::Tcp, {}, node.at(Protocol::Tcp), 0}, make_bytes(request()),
                   errors.handler());
  EXPECT_TRUE(errors.next());
}

}  // namespace
}  // namespace parley::transport::test
