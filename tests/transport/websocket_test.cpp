// SIP over WebSocket (RFC 7118) over loopback, with a Beast client standing in for a browser
// (JsSIP, SIP.js): the "sip" subprotocol is required and echoed, one SIP message per WebSocket
// message in text or binary frames, WSS with certificate verification, IPv6, keep-alives, and a
// layer's own outgoing WebSocket connections.
#include <gtest/gtest.h>

#include <boost/asio/ssl.hpp>
// GCC 12 at -O2 sees boost::optional<std::size_t> in Beast's HTTP parser as maybe uninitialized
// (a false positive inside Boost's headers).
#pragma GCC diagnostic push
#if defined(__GNUC__) && !defined(__clang__)  // clang has no such warning and rejects the name
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#pragma GCC diagnostic pop

#include "message/message.hpp"
#include "support.hpp"
#include "transport/response_flow.hpp"
#include "transport/websocket_rules.hpp"

namespace parley::transport::test {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using error_code = boost::system::error_code;

template <class Next>  // tcp::socket, or ssl::stream<tcp::socket>
class WsClient {
 public:
  static constexpr bool kTls = !std::is_same_v<Next, tcp::socket>;

  explicit WsClient(const Endpoint& server, ssl::context* tls = nullptr) : server_(server) {
    if constexpr (kTls)
      ws_.emplace(io_, *tls);
    else
      ws_.emplace(io_);
  }

  // Connect, TLS, upgrade; offering "sip" when told to, with an Origin header when given one.
  error_code open(bool offer_sip = true, std::string origin = {}) {
    error_code ec;
    bool done = false;
    beast::get_lowest_layer(*ws_).async_connect(tcp::endpoint(server_.address, server_.port),
                                                [&](error_code e) { ec = e, done = true; });
    if (!run_until(io_, done)) return asio::error::timed_out;
    if (ec) return ec;
    if constexpr (kTls) {
      SSL_set_tlsext_host_name(ws_->next_layer().native_handle(), "localhost");
      done = false;
      ws_->next_layer().async_handshake(ssl::stream_base::client,
                                        [&](error_code e) { ec = e, done = true; });
      if (!run_until(io_, done)) return asio::error::timed_out;
      if (ec) return ec;
    }
    ws_->set_option(
        websocket::stream_base::decorator([offer_sip, origin](websocket::request_type& req) {
          if (offer_sip) req.set(http::field::sec_websocket_protocol, "sip");
          if (!origin.empty()) req.set(http::field::origin, origin);
        }));
    done = false;
    ws_->async_handshake(response, server_.to_string(), "/",
                         [&](error_code e) { ec = e, done = true; });
    if (!run_until(io_, done)) return asio::error::timed_out;
    return ec;
  }

  bool send(std::string_view message, bool binary = false) {
    ws_->binary(binary);
    error_code ec;
    bool done = false;
    ws_->async_write(asio::buffer(message),
                     [&](error_code e, std::size_t) { ec = e, done = true; });
    return run_until(io_, done) && !ec;
  }

  // One whole message, and whether it came as text.
  std::optional<std::string> receive(bool* text = nullptr) {
    buffer_.consume(buffer_.size());
    error_code ec;
    bool done = false;
    ws_->async_read(buffer_, [&](error_code e, std::size_t) { ec = e, done = true; });
    if (!run_until(io_, done) || ec) return std::nullopt;
    if (text) *text = ws_->got_text();
    return beast::buffers_to_string(buffer_.data());
  }

  websocket::response_type response;

 private:
  asio::io_context io_;
  Endpoint server_;
  std::optional<websocket::stream<Next>> ws_;
  beast::flat_buffer buffer_;
};

using WsPlain = WsClient<tcp::socket>;
using WsSecure = WsClient<ssl::stream<tcp::socket>>;

void answer_everything(Node& node) {
  node.received.on_receive = [layer = node.layer.get()](const Incoming& in) {
    if (in.message.is_request())
      layer->send(response_flow(in.message, in.flow), make_bytes(ok_for(in.message)));
  };
}

// What JsSIP puts in its Via: a made-up host name under .invalid (RFC 7118 §5.2).
const std::string kBrowserVia = "SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bKw1;rport";

TEST(WebSocket, BrowserLikeClientWithTheSipSubprotocol) {
  Node node(listening_on({"ws:127.0.0.1:0"}));
  answer_everything(node);
  WsPlain client(node.at(Protocol::Ws));
  ASSERT_EQ(client.open(), error_code()) << "upgrade refused";
  EXPECT_EQ(client.response[http::field::sec_websocket_protocol], "sip");
  ASSERT_TRUE(client.send(request(kBrowserVia, "REGISTER")));
  bool text = false;
  auto reply = client.receive(&text);
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->starts_with("SIP/2.0 200 OK\r\n")) << *reply;
  EXPECT_TRUE(text) << "SIP in UTF-8 goes back as a text frame";
  auto in = node.received.next();
  ASSERT_TRUE(in);
  EXPECT_EQ(in->flow.protocol, Protocol::Ws);
  EXPECT_NE(in->flow.connection, 0u);
  EXPECT_EQ(in->message.via()->front().received(), "127.0.0.1");
}

TEST(WebSocket, ClientWithoutTheSubprotocolIsRefused) {
  Node node(listening_on({"ws:127.0.0.1:0"}));
  WsPlain client(node.at(Protocol::Ws));
  error_code ec = client.open(/*offer_sip=*/false);
  EXPECT_TRUE(ec);
  EXPECT_EQ(client.response.result(), http::status::bad_request);
  EXPECT_EQ(node.layer->stats().connections_refused, 1u);
}

// RFC 6455 §10.2: a browser names the page's origin; with an allow-list, a page from elsewhere
// gets 403. A client that sends no Origin (not a browser) is not refused for it.
TEST(WebSocket, OriginOutsideTheAllowListIsRefused) {
  Settings settings = listening_on({"ws:127.0.0.1:0"});
  settings.ws_allowed_origins = {"https://phone.example.com", "http://127.0.0.1:8080"};
  Node node(settings);
  answer_everything(node);

  WsPlain stranger(node.at(Protocol::Ws));
  EXPECT_TRUE(stranger.open(true, "https://evil.example.net"));
  EXPECT_EQ(stranger.response.result(), http::status::forbidden);
  EXPECT_EQ(node.layer->stats().connections_refused, 1u);

  WsPlain listed(node.at(Protocol::Ws));
  ASSERT_EQ(listed.open(true, "HTTPS://Phone.Example.com"), error_code());
  ASSERT_TRUE(listed.send(request(kBrowserVia, "OPTIONS")));
  auto reply = listed.receive();
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->starts_with("SIP/2.0 200 OK\r\n")) << *reply;

  WsPlain no_origin(node.at(Protocol::Ws));
  EXPECT_EQ(no_origin.open(true), error_code());
  EXPECT_EQ(node.layer->stats().connections_refused, 1u);
}

TEST(WebSocketRules, OriginAllowed) {
  EXPECT_TRUE(origin_allowed("https://a.example", {}));
  EXPECT_TRUE(origin_allowed("https://a.example", {"https://b.example", "https://A.example"}));
  EXPECT_FALSE(origin_allowed("https://a.example.evil", {"https://a.example"}));
  EXPECT_FALSE(origin_allowed("null", {"https://a.example"}));
  EXPECT_TRUE(origin_allowed("http://x", {"*"}));
}

TEST(WebSocket, BinaryFramesAndCrlfKeepAlive) {
  Node node(listening_on({"ws:127.0.0.1:0"}));
  WsPlain client(node.at(Protocol::Ws));
  ASSERT_EQ(client.open(), error_code());
  ASSERT_TRUE(client.send("\r\n\r\n"));
  EXPECT_EQ(client.receive(), "\r\n");
  ASSERT_TRUE(client.send(request(kBrowserVia), /*binary=*/true));
  ASSERT_TRUE(node.received.next());
}

TEST(WebSocket, BrokenRequestIsAnsweredOnTheSameConnection) {
  Node node(listening_on({"ws:127.0.0.1:0"}));
  WsPlain client(node.at(Protocol::Ws));
  ASSERT_EQ(client.open(), error_code());
  std::string bad = broken_request();
  ASSERT_TRUE(client.send(bad));
  auto reply = client.receive();
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->starts_with("SIP/2.0 400 ")) << *reply;
}

TEST(WebSocket, OversizedMessageClosesTheConnection) {
  Settings s = listening_on({"ws:127.0.0.1:0"});
  s.limits.max_message_size = 2000;
  Node node(std::move(s));
  WsPlain client(node.at(Protocol::Ws));
  ASSERT_EQ(client.open(), error_code());
  // The server may close before the whole frame is written: the write's result is no concern.
  client.send(request(kBrowserVia, "MESSAGE", std::string(4000, 'x')));
  EXPECT_FALSE(client.receive());
  // Beast completes the failed read only after its close handshake: the client sees the close
  // first, so the counter is waited for.
  EXPECT_TRUE(eventually([&] { return node.layer->stats().closed_malformed == 1u; }))
      << node.layer->stats().closed_malformed;
  EXPECT_EQ(node.received.count(), 0u);
}

TEST(WebSocket, Ipv6) {
  Node node(listening_on({"ws:[::1]:0"}));
  answer_everything(node);
  WsPlain client(node.at(Protocol::Ws, true));
  ASSERT_EQ(client.open(), error_code());
  ASSERT_TRUE(client.send(request(kBrowserVia)));
  auto reply = client.receive();
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->starts_with("SIP/2.0 200 OK\r\n"));
}

TEST(WebSocket, SecureWebSocketVerifiedAgainstTheCa) {
  const Certificates& c = certificates();
  Settings s = listening_on({"wss:127.0.0.1:0"});
  s.tls.certificate_file = c.server_cert;
  s.tls.private_key_file = c.server_key;
  Node node(std::move(s));
  answer_everything(node);
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(c.ca);
  ctx.set_verify_mode(ssl::verify_peer);
  WsSecure client(node.at(Protocol::Wss), &ctx);
  ASSERT_EQ(client.open(), error_code());
  EXPECT_EQ(client.response[http::field::sec_websocket_protocol], "sip");
  ASSERT_TRUE(client.send(request("SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKw2")));
  auto reply = client.receive();
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->starts_with("SIP/2.0 200 OK\r\n"));
  auto in = node.received.next();
  ASSERT_TRUE(in);
  EXPECT_EQ(in->flow.protocol, Protocol::Wss);
}

TEST(WebSocket, LayersConnectOverWebSocketsToo) {
  const Certificates& c = certificates();
  Settings server_settings = listening_on({"ws:127.0.0.1:0", "wss:127.0.0.1:0"});
  server_settings.tls.certificate_file = c.server_cert;
  server_settings.tls.private_key_file = c.server_key;
  Node server(std::move(server_settings));
  answer_everything(server);
  Settings client_settings = listening_on({"udp:127.0.0.1:0"});
  client_settings.tls.ca_file = c.ca;
  Node client(std::move(client_settings));
  for (Protocol p : {Protocol::Ws, Protocol::Wss}) {
    Errors errors;
    client.layer->send(Flow{p, {}, server.at(p), 0},
                       make_bytes(request("SIP/2.0/WS 127.0.0.1:9;branch=z9hG4bKo1")),
                       errors.handler(), "localhost");
    auto req = server.received.next();
    ASSERT_TRUE(req) << via_token(p) << ": " << errors.next(0ms).value_or("no error reported");
    EXPECT_EQ(req->flow.protocol, p);
    auto resp = client.received.next();
    ASSERT_TRUE(resp);
    EXPECT_EQ(resp->message.status(), 200);
    EXPECT_EQ(resp->flow.protocol, p);
  }
}

TEST(WebSocket, HalfAnUpgradeRequestIsClosedAfterTheHeaderReadTimeout) {
  Settings s = listening_on({"ws:127.0.0.1:0"});
  s.header_read_timeout = 200ms;
  Node node(std::move(s));
  StreamClient raw(node.at(Protocol::Ws));
  ASSERT_TRUE(raw.connect());
  ASSERT_TRUE(raw.write("GET / HTTP/1.1\r\nHost: x\r\n"));
  EXPECT_TRUE(raw.closed_by_peer());
  EXPECT_EQ(node.layer->stats().closed_slow, 1u);
}

}  // namespace
}  // namespace parley::transport::test
