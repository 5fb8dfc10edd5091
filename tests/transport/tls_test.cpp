// TLS over loopback with certificates made by the openssl command at test start: the client
// verifies the server against the CA (by name with SNI, or by address), refuses an untrusted or
// misnamed certificate through the error handler; IPv4 and IPv6.
#include <gtest/gtest.h>

#include <boost/asio/ssl.hpp>

#include "message/message.hpp"
#include "support.hpp"
#include "transport/response_flow.hpp"

namespace parley::transport::test {
namespace {

namespace ssl = boost::asio::ssl;

Settings tls_server(std::initializer_list<std::string_view> specs, bool rogue = false) {
  const Certificates& c = certificates();
  Settings s = listening_on(specs);
  s.tls.certificate_file = rogue ? c.rogue_cert : c.server_cert;
  s.tls.private_key_file = rogue ? c.rogue_key : c.server_key;
  s.tls.ca_file = c.ca;
  return s;
}

Settings tls_client() {
  Settings s = listening_on({"udp:127.0.0.1:0"});
  s.tls.ca_file = certificates().ca;
  return s;
}

void answer_everything(Node& node) {
  node.received.on_receive = [layer = node.layer.get()](const Incoming& in) {
    if (in.message.is_request())
      layer->send(response_flow(in.message, in.flow), make_bytes(ok_for(in.message)));
  };
}

TEST(Tls, LayerToLayerVerifiedByNameWithSni) {
  Node server(tls_server({"tls:127.0.0.1:0"}));
  answer_everything(server);
  Node client(tls_client());
  Errors errors;
  client.layer->send(Flow{Protocol::Tls, {}, server.at(Protocol::Tls), 0},
                     make_bytes(request("SIP/2.0/TLS 127.0.0.1:9;branch=z9hG4bKs1")),
                     errors.handler(), "localhost");
  auto req = server.received.next();
  ASSERT_TRUE(req) << errors.next(0ms).value_or("no error reported");
  EXPECT_EQ(req->flow.protocol, Protocol::Tls);
  auto resp = client.received.next();
  ASSERT_TRUE(resp);
  EXPECT_EQ(resp->message.status(), 200);
  EXPECT_EQ(resp->flow.protocol, Protocol::Tls);
  EXPECT_FALSE(errors.next(0ms));
}

TEST(Tls, WithoutANameTheCertificateMustCarryTheAddress) {
  Node server(tls_server({"tls:127.0.0.1:0"}));
  Node client(tls_client());
  Errors errors;
  client.layer->send(Flow{Protocol::Tls, {}, server.at(Protocol::Tls), 0}, make_bytes(request()),
                     errors.handler());
  ASSERT_TRUE(server.received.next()) << errors.next(0ms).value_or("no error reported");
}

TEST(Tls, UntrustedCertificateReachesTheErrorHandler) {
  Node server(tls_server({"tls:127.0.0.1:0"}, /*rogue=*/true));
  Node client(tls_client());
  Errors errors;
  client.layer->send(Flow{Protocol::Tls, {}, server.at(Protocol::Tls), 0}, make_bytes(request()),
                     errors.handler(), "localhost");
  auto why = errors.next();
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("TLS handshake"), std::string::npos) << *why;
  EXPECT_NE(why->find("certificate verify failed"), std::string::npos) << *why;
  EXPECT_EQ(server.received.count(), 0u);
  EXPECT_GE(client.layer->stats().handshake_failures, 1u);
  EXPECT_EQ(client.layer->stats().connect_failures, 1u);
}

TEST(Tls, CertificateForAnotherNameIsRefused) {
  Node server(tls_server({"tls:127.0.0.1:0"}));
  Node client(tls_client());
  Errors errors;
  client.layer->send(Flow{Protocol::Tls, {}, server.at(Protocol::Tls), 0}, make_bytes(request()),
                     errors.handler(), "sip.elsewhere.example");
  auto why = errors.next();
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("certificate verify failed"), std::string::npos) << *why;
}

TEST(Tls, ClientConnectionsSendSni) {
  const Certificates& c = certificates();
  asio::io_context io;
  ssl::context ctx(ssl::context::tls_server);
  ctx.use_certificate_chain_file(c.server_cert);
  ctx.use_private_key_file(c.server_key, ssl::context::pem);
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  Endpoint at{acceptor.local_endpoint().address(), acceptor.local_endpoint().port()};

  Node client(tls_client());
  client.layer->send(Flow{Protocol::Tls, {}, at, 0}, make_bytes(request()), {}, "localhost");

  ssl::stream<tcp::socket> peer(io, ctx);
  bool done = false;
  boost::system::error_code ec;
  acceptor.async_accept(peer.next_layer(), [&](auto e) { ec = e, done = true; });
  ASSERT_TRUE(run_until(io, done) && !ec) << ec.message();
  done = false;
  peer.async_handshake(ssl::stream_base::server, [&](auto e) { ec = e, done = true; });
  ASSERT_TRUE(run_until(io, done) && !ec) << ec.message();
  const char* sni = SSL_get_servername(peer.native_handle(), TLSEXT_NAMETYPE_host_name);
  ASSERT_NE(sni, nullptr);
  EXPECT_STREQ(sni, "localhost");

  std::string got;
  char buf[4096];
  while (got.find("\r\n\r\n") == std::string::npos) {
    done = false;
    std::size_t n = 0;
    peer.async_read_some(asio::buffer(buf),
                         [&](auto e, std::size_t k) { ec = e, n = k, done = true; });
    ASSERT_TRUE(run_until(io, done) && !ec) << ec.message();
    got.append(buf, n);
  }
  EXPECT_TRUE(got.starts_with("OPTIONS sip:bob@example.com SIP/2.0\r\n"));
}

TEST(Tls, RawClientOverIpv6) {
  Node server(tls_server({"tls:[::1]:0"}));
  answer_everything(server);
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(certificates().ca);
  ctx.set_verify_mode(ssl::verify_peer);
  StreamClient client(server.at(Protocol::Tls, true), &ctx, "localhost");
  ASSERT_TRUE(client.connect());
  ASSERT_TRUE(client.write("\r\n\r\n" + request("SIP/2.0/TLS [::1]:9;branch=z9hG4bKs6")));
  std::string got = client.read_until("\r\n\r\n", kWait);
  EXPECT_TRUE(got.starts_with("\r\nSIP/2.0 200 OK\r\n")) << got;
  auto in = server.received.next();
  ASSERT_TRUE(in);
  EXPECT_EQ(in->flow.protocol, Protocol::Tls);
  EXPECT_TRUE(in->flow.remote.address.is_v6());
}

TEST(Tls, GarbageIsAnsweredThenClosedPolitely) {
  Node server(tls_server({"tls:127.0.0.1:0"}));
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(certificates().ca);
  ctx.set_verify_mode(ssl::verify_peer);
  // Answerable: a request without Content-Length cannot be framed (§18.3), but can get its 400.
  StreamClient answered(server.at(Protocol::Tls), &ctx, "localhost");
  ASSERT_TRUE(answered.connect());
  std::string bad = request();
  bad.erase(bad.find("Content-Length"), std::string("Content-Length: 0\r\n").size());
  ASSERT_TRUE(answered.write(bad));
  EXPECT_TRUE(answered.closed_by_peer());
  EXPECT_TRUE(answered.data().starts_with("SIP/2.0 400 ")) << answered.data();
  // Not answerable: closed at once.
  StreamClient dropped(server.at(Protocol::Tls), &ctx, "localhost");
  ASSERT_TRUE(dropped.connect());
  ASSERT_TRUE(dropped.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(dropped.closed_by_peer());
  EXPECT_EQ(dropped.data(), "");
  EXPECT_EQ(server.layer->stats().closed_malformed, 2u);
  EXPECT_EQ(server.received.count(), 0u);
}

TEST(Tls, PlainTcpOnATlsPortIsAHandshakeFailure) {
  Settings s = tls_server({"tls:127.0.0.1:0"});
  Node server(std::move(s));
  StreamClient client(server.at(Protocol::Tls));
  ASSERT_TRUE(client.connect());
  ASSERT_TRUE(client.write(request()));
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_EQ(server.received.count(), 0u);
  EXPECT_EQ(server.layer->stats().handshake_failures, 1u);
}

TEST(Tls, MissingCertificateIsAStartupError) {
  EventLoops loops(1);
  Recorder r;
  Settings s = listening_on({"tls:127.0.0.1:0"});
  s.tls.certificate_file = "/nonexistent/server.crt";
  s.tls.private_key_file = "/nonexistent/server.key";
  TransportLayer layer(loops.contexts(), s, r);
  EXPECT_THROW(layer.start(), std::runtime_error);
  loops.stop();
}

}  // namespace
}  // namespace parley::transport::test
