// SIP over WebSocket and secure WebSocket (RFC 7118) with Boost.Beast: the HTTP upgrade with the
// "sip" subprotocol, then one SIP message per WebSocket message, text or binary.
#include <boost/asio/ssl.hpp>
// GCC 12 at -O2 sees boost::optional<std::size_t> in Beast's HTTP parser as maybe uninitialized
// (a false positive inside Boost's headers).
#pragma GCC diagnostic push
#if defined(__GNUC__) && !defined(__clang__)  // clang has no such warning and rejects the name
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#pragma GCC diagnostic pop
#include <optional>

#include "transport/connection.hpp"
#include "transport/stream_transports.hpp"
#include "transport/tls_context.hpp"
#include "transport/websocket_rules.hpp"

namespace parley::transport {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = boost::asio::ssl;
using error_code = boost::system::error_code;

constexpr std::size_t kUpgradeHeaderLimit = 16 * 1024;
constexpr std::size_t kReadChunk = 16 * 1024;

template <class Next>  // tcp::socket, or ssl::stream<tcp::socket>
class WsConnection final : public Connection {
 public:
  static constexpr bool kTls = !std::is_same_v<Next, tcp::socket>;

  WsConnection(std::shared_ptr<Core> core, boost::asio::io_context& io, Endpoint remote,
               bool inbound, Next next, std::string server_name)
      : Connection(std::move(core), io, kTls ? Protocol::Wss : Protocol::Ws, std::move(remote),
                   inbound),
        ws_(std::move(next)),
        server_name_(std::move(server_name)) {
    ws_.auto_fragment(false);
    ws_.read_message_max(this->core().settings.limits.max_message_size);
  }

 protected:
  void do_start() override {
    if (inbound()) return connected();
    beast::get_lowest_layer(ws_).async_connect(
        to_tcp(remote()), [self = shared<WsConnection>()](const error_code& ec) {
          if (self->closed()) return;
          if (ec) return self->failed("connect to " + self->remote().to_string(), ec);
          self->connected();
        });
  }

  void do_write(const std::string& bytes) override {
    ws_.text(valid_utf8(bytes));
    ws_.async_write(
        boost::asio::buffer(bytes),
        [self = shared<WsConnection>()](const error_code& ec, std::size_t) { self->written(ec); });
  }

  void do_shutdown() override {
    ws_.async_close(
        websocket::close_code::normal,
        [self = shared<WsConnection>()](const error_code&) { self->close_now("closed"); });
  }

  void do_close() override {
    error_code ignored;
    beast::get_lowest_layer(ws_).close(ignored);
  }

 private:
  void connected() {
    error_code ignored;
    beast::get_lowest_layer(ws_).set_option(tcp::no_delay(true), ignored);
    if constexpr (kTls) {
      auto side = inbound() ? ssl::stream_base::server : ssl::stream_base::client;
      ws_.next_layer().async_handshake(side, [self = shared<WsConnection>()](const error_code& ec) {
        if (self->closed()) return;
        if (ec) {
          Counters::bump(self->core().counters.handshake_failures);
          return self->failed("TLS handshake with " + self->remote().to_string(), ec);
        }
        self->upgrade();
      });
    } else {
      upgrade();
    }
  }

  void upgrade() {
    if (inbound())
      read_upgrade_request();
    else
      send_upgrade_request();
  }

  // ---- server side: read the HTTP request, accept only an offer of "sip" (RFC 7118 §4.1)
  void read_upgrade_request() {
    request_.emplace();
    request_->header_limit(kUpgradeHeaderLimit);
    request_->body_limit(0);
    http::async_read(ws_.next_layer(), http_buffer_, *request_,
                     [self = shared<WsConnection>()](const error_code& ec, std::size_t) {
                       if (self->closed()) return;
                       if (ec) {
                         Counters::bump(self->core().counters.handshake_failures);
                         return self->failed("WebSocket upgrade request", ec);
                       }
                       self->answer_upgrade();
                     });
  }

  void answer_upgrade() {
    const auto& req = request_->get();
    bool sip = false;
    for (auto it = req.find(http::field::sec_websocket_protocol);
         it != req.end() && it->name() == http::field::sec_websocket_protocol; ++it)
      sip = sip || offers_sip_subprotocol(std::string_view(it->value().data(), it->value().size()));
    if (!websocket::is_upgrade(req))
      return refuse(http::status::upgrade_required, "SIP over WebSocket only (RFC 7118)");
    if (!sip)
      return refuse(http::status::bad_request,
                    "the 'sip' WebSocket subprotocol is required (RFC 7118)");
    // RFC 6455 §10.2: a browser says which page opens the connection; refuse pages not allowed.
    if (auto origin = req.find(http::field::origin); origin != req.end()) {
      std::string_view value(origin->value().data(), origin->value().size());
      if (!origin_allowed(value, core().settings.ws_allowed_origins))
        return refuse(http::status::forbidden, "Origin not allowed: " + std::string(value));
    }
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::sec_websocket_protocol, "sip");
      res.set(http::field::server, "parley");
    }));
    ws_.async_accept(req, [self = shared<WsConnection>()](const error_code& ec) {
      if (self->closed()) return;
      self->request_.reset();
      if (ec) {
        Counters::bump(self->core().counters.handshake_failures);
        return self->failed("WebSocket accept", ec);
      }
      self->open_and_read();
    });
  }

  void refuse(http::status status, std::string why) {
    Counters::bump(core().counters.connections_refused);
    refusal_.emplace(status, request_->get().version());
    refusal_->set(http::field::server, "parley");
    refusal_->set(http::field::content_type, "text/plain");
    refusal_->keep_alive(false);
    refusal_->body() = why + "\r\n";
    refusal_->prepare_payload();
    http::async_write(ws_.next_layer(), *refusal_,
                      [self = shared<WsConnection>(), why](const error_code&, std::size_t) {
                        self->close_now("upgrade refused: " + why);
                      });
  }

  // ---- client side: offer "sip", insist on it in the answer
  void send_upgrade_request() {
    ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
      req.set(http::field::sec_websocket_protocol, "sip");
      req.set(http::field::user_agent, "parley");
    }));
    std::string host = server_name_.empty() ? remote().to_string() : server_name_;
    ws_.async_handshake(
        response_, host, "/", [self = shared<WsConnection>()](const error_code& ec) {
          if (self->closed()) return;
          if (ec) {
            Counters::bump(self->core().counters.handshake_failures);
            return self->failed("WebSocket handshake with " + self->remote().to_string(), ec);
          }
          auto proto = self->response_[http::field::sec_websocket_protocol];
          if (!offers_sip_subprotocol(std::string_view(proto.data(), proto.size()))) {
            Counters::bump(self->core().counters.handshake_failures);
            Counters::bump(self->core().counters.connect_failures);
            return self->close_now("WebSocket server did not agree to the 'sip' subprotocol");
          }
          self->open_and_read();
        });
  }

  // ---- messages
  void open_and_read() {
    error_code ec;
    auto local = beast::get_lowest_layer(ws_).local_endpoint(ec);
    opened(ec ? Endpoint{} : to_endpoint(local));
    read();
  }

  void read() {
    ws_.async_read_some(
        read_buffer_, kReadChunk,
        [self = shared<WsConnection>()](const error_code& ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(const error_code& ec) {
    if (closed()) return;
    if (ec) {
      if (!reading() || ec == websocket::error::closed) return close_now("closed by the peer");
      if (ec == websocket::error::message_too_big) {
        // Beast has already failed the connection with close code 1009 (message too big).
        Counters::bump(core().counters.closed_malformed);
      }
      return failed("read", ec);
    }
    if (!reading()) return read();
    if (!ws_.is_message_done()) {
      read_progress(true);
      return read();
    }
    auto data = read_buffer_.cdata();
    std::string_view message(static_cast<const char*>(data.data()), data.size());
    bool go_on = true;
    switch (keep_alive(message)) {
      case KeepAlive::Ping:
        on_ping();
        break;
      case KeepAlive::Pong:
        break;
      case KeepAlive::None:
        go_on = on_message(message);
        break;
    }
    read_buffer_.consume(read_buffer_.size());
    if (read_buffer_.capacity() > 2 * kReadChunk) read_buffer_.shrink_to_fit();
    if (!go_on) return;
    read_progress(false);
    read();
  }

  websocket::stream<Next> ws_;
  std::string server_name_;
  beast::flat_buffer http_buffer_;
  std::optional<http::request_parser<http::empty_body>> request_;
  std::optional<http::response<http::string_body>> refusal_;
  websocket::response_type response_;
  beast::flat_buffer read_buffer_;
};

using TlsStream = ssl::stream<tcp::socket>;

}  // namespace

std::shared_ptr<Connection> make_ws_connection(std::shared_ptr<Core> core,
                                               boost::asio::io_context& io, tcp::socket socket,
                                               const Endpoint& remote, bool secure) {
  if (secure) {
    TlsStream stream(std::move(socket), *core->tls_server);
    return std::make_shared<WsConnection<TlsStream>>(std::move(core), io, remote, true,
                                                     std::move(stream), std::string());
  }
  return std::make_shared<WsConnection<tcp::socket>>(std::move(core), io, remote, true,
                                                     std::move(socket), std::string());
}

std::shared_ptr<Connection> make_ws_client(std::shared_ptr<Core> core, boost::asio::io_context& io,
                                           const Endpoint& remote, std::string server_name,
                                           bool secure) {
  if (secure) {
    TlsStream stream(io, *core->tls_client);
    prepare_tls_client(stream.native_handle(), remote, server_name);
    return std::make_shared<WsConnection<TlsStream>>(std::move(core), io, remote, false,
                                                     std::move(stream), std::move(server_name));
  }
  return std::make_shared<WsConnection<tcp::socket>>(std::move(core), io, remote, false,
                                                     tcp::socket(io), std::move(server_name));
}

}  // namespace parley::transport
