// SIP over a byte stream (RFC 3261 §18.3): TCP, or TLS over TCP (RFC 3261 §26.2.1, RFC 5630).
// Input is cut into messages by StreamInput; CRLF keep-alives are answered (RFC 5626 §3.5.1).
// Included by tcp.cpp and tls.cpp only, each instantiating it for its stream type.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/write.hpp>
#include <string>
#include <type_traits>

#include "transport/connection.hpp"
#include "transport/stream_input.hpp"
#include "transport/stream_transports.hpp"

namespace parley::transport {

template <class Stream>  // tcp::socket, or boost::asio::ssl::stream<tcp::socket>
class StreamConnection final : public Connection {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

  StreamConnection(std::shared_ptr<Core> core, boost::asio::io_context& io, Endpoint remote,
                   bool inbound, Stream stream)
      : Connection(std::move(core), io, kTls ? Protocol::Tls : Protocol::Tcp, std::move(remote),
                   inbound),
        stream_(std::move(stream)),
        input_(this->core().settings.limits) {}

  Stream& stream() { return stream_; }

 protected:
  void do_start() override {
    if (inbound()) return established();
    stream_.lowest_layer().async_connect(
        to_tcp(remote()), [self = shared<StreamConnection>()](const boost::system::error_code& ec) {
          if (self->closed()) return;
          if (ec) return self->failed("connect to " + self->remote().to_string(), ec);
          self->established();
        });
  }

  void do_write(const std::string& bytes) override {
    boost::asio::async_write(
        stream_, boost::asio::buffer(bytes),
        [self = shared<StreamConnection>()](const boost::system::error_code& ec, std::size_t) {
          self->written(ec);
        });
  }

  void do_shutdown() override {
    if constexpr (kTls) {
      // close_notify; a pending read is cancelled first (one operation at a time on the engine).
      shutdown_requested_ = true;
      if (read_pending_) {
        boost::system::error_code ignored;
        stream_.lowest_layer().cancel(ignored);
      } else {
        tls_shutdown();
      }
    } else {
      // FIN after the last answer; reading goes on (discarding) until the peer closes too.
      boost::system::error_code ignored;
      stream_.lowest_layer().shutdown(tcp::socket::shutdown_send, ignored);
      if (!read_pending_) close_now("closed");
    }
  }

  void do_close() override {
    boost::system::error_code ignored;
    stream_.lowest_layer().close(ignored);
  }

 private:
  // Connected (or accepted): the TLS handshake if any, then open.
  void established() {
    boost::system::error_code ignored;
    stream_.lowest_layer().set_option(tcp::no_delay(true), ignored);
    if constexpr (kTls) {
      auto side =
          inbound() ? boost::asio::ssl::stream_base::server : boost::asio::ssl::stream_base::client;
      stream_.async_handshake(
          side, [self = shared<StreamConnection>()](const boost::system::error_code& ec) {
            if (self->closed()) return;
            if (ec) {
              Counters::bump(self->core().counters.handshake_failures);
              return self->failed("TLS handshake with " + self->remote().to_string(), ec);
            }
            self->open_and_read();
          });
    } else {
      open_and_read();
    }
  }

  void open_and_read() {
    boost::system::error_code ec;
    auto local = stream_.lowest_layer().local_endpoint(ec);
    opened(ec ? Endpoint{} : to_endpoint(local));
    read();
  }

  void read() {
    // Once close_notify is under way the TLS engine reads for itself.
    if (tls_shutdown_started_) return;
    std::span<char> room = input_.prepare();
    if (room.empty()) return close_now("input buffer full");
    read_pending_ = true;
    stream_.async_read_some(
        boost::asio::buffer(room.data(), room.size()),
        [self = shared<StreamConnection>()](const boost::system::error_code& ec, std::size_t n) {
          self->on_read(ec, n);
        });
  }

  void on_read(const boost::system::error_code& ec, std::size_t n) {
    read_pending_ = false;
    if (closed()) return;
    if constexpr (kTls) {
      if (shutdown_requested_) return tls_shutdown();
    }
    if (ec) {
      if (!reading() || ec == boost::asio::error::eof) return close_now("closed by the peer");
      return failed("read", ec);
    }
    if (!reading()) return read();  // draining or closing: discard
    input_.commit(n);
    while (auto item = input_.next()) {
      switch (item->kind) {
        case StreamInput::Item::Kind::Message:
          if (!on_message(item->bytes)) return;
          break;
        case StreamInput::Item::Kind::Ping:
          on_ping();
          break;
        case StreamInput::Item::Kind::Pong:
          break;
        case StreamInput::Item::Kind::Malformed:
          on_malformed(item->bytes, item->error);
          // Keep reading (and discarding) while the answer goes out: closing with unread input
          // would reset the connection and could destroy the answer on its way.
          input_.clear();
          if (!closed()) read();
          return;
      }
    }
    read_progress(input_.partial());
    read();
  }

  void tls_shutdown() {
    if constexpr (kTls) {
      shutdown_requested_ = false;
      tls_shutdown_started_ = true;
      stream_.async_shutdown([self = shared<StreamConnection>()](const boost::system::error_code&) {
        self->close_now("closed");
      });
    }
  }

  Stream stream_;
  StreamInput input_;
  bool read_pending_ = false;
  bool shutdown_requested_ = false;
  bool tls_shutdown_started_ = false;
};

}  // namespace parley::transport
