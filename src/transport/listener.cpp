#include "transport/listener.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/detail/socket_option.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <limits>
#include <stdexcept>

#include "transport/stream_transports.hpp"
#include "transport/top_via.hpp"

namespace parley::transport {

namespace asio = boost::asio;
using asio::ip::udp;
using error_code = boost::system::error_code;

namespace {

// Accepting fails when the process is out of descriptors; try again a little later, not at once.
constexpr Duration kAcceptRetry = std::chrono::milliseconds(100);
// The largest UDP payload, plus one byte so that nothing is cut silently.
constexpr std::size_t kDatagramBuffer = 65536;

using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

[[noreturn]] void cannot(const ListenSpec& spec, const std::string& what, const error_code& ec) {
  throw std::runtime_error("listen " + spec.to_string() + ": " + what + ": " + ec.message());
}

}  // namespace

// ---- dispatch on protocol

std::shared_ptr<Connection> make_accepted_connection(std::shared_ptr<Core> core, Protocol protocol,
                                                     asio::io_context& io, tcp::socket socket,
                                                     const Endpoint& remote) {
  switch (protocol) {
    case Protocol::Tls:
      return make_tls_connection(std::move(core), io, std::move(socket), remote);
    case Protocol::Ws:
      return make_ws_connection(std::move(core), io, std::move(socket), remote, false);
    case Protocol::Wss:
      return make_ws_connection(std::move(core), io, std::move(socket), remote, true);
    case Protocol::Tcp:
    case Protocol::Udp:
      break;
  }
  return make_tcp_connection(std::move(core), io, std::move(socket), remote);
}

std::shared_ptr<Connection> make_outgoing_connection(std::shared_ptr<Core> core,
                                                     asio::io_context& io, Protocol protocol,
                                                     const Endpoint& remote,
                                                     std::string server_name) {
  switch (protocol) {
    case Protocol::Tls:
      return make_tls_client(std::move(core), io, remote, std::move(server_name));
    case Protocol::Ws:
      return make_ws_client(std::move(core), io, remote, std::move(server_name), false);
    case Protocol::Wss:
      return make_ws_client(std::move(core), io, remote, std::move(server_name), true);
    case Protocol::Tcp:
    case Protocol::Udp:
      break;
  }
  return make_tcp_client(std::move(core), io, remote);
}

// ---- stream listeners

StreamListener::StreamListener(std::shared_ptr<Core> core, asio::io_context& io,
                               const ListenSpec& spec)
    : core_(std::move(core)), io_(io), acceptor_(io), retry_(io), bound_(spec) {
  tcp::endpoint at = to_tcp(spec.endpoint);
  error_code ec;
  if (acceptor_.open(at.protocol(), ec)) cannot(spec, "open", ec);
  acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  // Separate sockets for IPv4 and IPv6: a v6 socket would otherwise see IPv4 peers as ::ffff:...
  if (at.address().is_v6()) acceptor_.set_option(asio::ip::v6_only(true), ec);
  if (acceptor_.bind(at, ec)) cannot(spec, "bind", ec);
  if (acceptor_.listen(asio::socket_base::max_listen_connections, ec)) cannot(spec, "listen", ec);
  bound_.endpoint = to_endpoint(acceptor_.local_endpoint(ec));
}

void StreamListener::start() {
  asio::post(io_, [self = shared_from_this()] { self->accept(); });
}

void StreamListener::stop() {
  asio::post(io_, [self = shared_from_this()] {
    error_code ignored;
    self->retry_.cancel();
    self->acceptor_.close(ignored);
  });
}

void StreamListener::accept() {
  if (!acceptor_.is_open()) return;
  asio::io_context& target = core_->pick_context();
  acceptor_.async_accept(
      target, [self = shared_from_this(), &target](const error_code& ec, tcp::socket socket) {
        self->on_accept(ec, std::move(socket), target);
      });
}

void StreamListener::on_accept(const error_code& ec, tcp::socket socket, asio::io_context& target) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    retry_.expires_after(kAcceptRetry);
    retry_.async_wait([self = shared_from_this()](const error_code& e) {
      if (!e) self->accept();
    });
    return;
  }
  error_code remote_ec;
  auto remote = socket.remote_endpoint(remote_ec);
  if (!remote_ec && !core_->stopped.load()) {
    Endpoint from{unmapped(remote.address()), remote.port()};
    auto c = make_accepted_connection(core_, bound_.protocol, target, std::move(socket), from);
    if (core_->table.admit(c) == ConnectionTable::Admission::Admitted) {
      Counters::bump(core_->counters.connections_accepted);
      c->start();
    } else {
      // Over a limit: the socket closes with `c`, before a byte is read.
      Counters::bump(core_->counters.connections_refused);
    }
  }
  accept();
}

// ---- UDP

class UdpSocket : public std::enable_shared_from_this<UdpSocket> {
 public:
  UdpSocket(std::shared_ptr<Core> core, asio::io_context& io)
      : core_(std::move(core)), io_(io), socket_(io) {}

  void open(const ListenSpec& spec, bool shared_port) {
    udp::endpoint at(spec.endpoint.address, spec.endpoint.port);
    error_code ec;
    if (socket_.open(at.protocol(), ec)) cannot(spec, "open", ec);
    if (at.address().is_v6()) socket_.set_option(asio::ip::v6_only(true), ec);
    if (shared_port) {
      socket_.set_option(reuse_port(true), ec);
      if (ec) cannot(spec, "SO_REUSEPORT", ec);
    }
    if (std::size_t want = core_->settings.udp_receive_buffer) set_receive_buffer(want);
    if (socket_.bind(at, ec)) cannot(spec, "bind", ec);
    auto bound = socket_.local_endpoint(ec);
    local_ = Endpoint{bound.address(), bound.port()};
    // send_to tries a synchronous send first: it must fail with would_block, never block.
    socket_.non_blocking(true, ec);
  }
  const Endpoint& local() const { return local_; }
  asio::io_context& io() { return io_; }
  // What the kernel gave (it doubles what is asked, for its bookkeeping).
  std::size_t receive_buffer() {
    asio::socket_base::receive_buffer_size size;
    error_code ec;
    socket_.get_option(size, ec);
    return ec ? 0 : static_cast<std::size_t>(size.value());
  }

  void start() {
    asio::post(io_, [self = shared_from_this()] { self->receive(); });
  }
  void stop() {
    asio::post(io_, [self = shared_from_this()] {
      error_code ignored;
      self->socket_.close(ignored);
    });
  }

  // On this socket's loop.
  void send_to(const Endpoint& to, Bytes bytes, Sender::ErrorHandler on_error) {
    if (!socket_.is_open()) return report(std::move(on_error), "UDP socket closed");
    const std::string& data = *bytes;
    const udp::endpoint destination(to.address, to.port);
    // The common case: the datagram leaves now, with no completion handler to queue and run.
    error_code ec;
    socket_.send_to(asio::buffer(data), destination, 0, ec);
    if (!ec) return;
    if (ec != asio::error::would_block && ec != asio::error::try_again &&
        ec != asio::error::interrupted)
      return report(std::move(on_error), "UDP to " + to.to_string() + ": " + ec.message());
    socket_.async_send_to(asio::buffer(data), destination,
                          [self = shared_from_this(), bytes = std::move(bytes),
                           h = std::move(on_error), to](const error_code& ec, std::size_t) mutable {
                            if (ec)
                              self->report(std::move(h),
                                           "UDP to " + to.to_string() + ": " + ec.message());
                          });
  }

 private:
  void report(Sender::ErrorHandler on_error, std::string why) {
    if (!on_error) return;
    Counters::bump(core_->counters.send_failures);
    asio::post(io_, [h = std::move(on_error), why = std::move(why)] {
      try {
        h(why);
      } catch (...) {
        // An error handler that throws must not take the event loop down with it.
      }
    });
  }

  void receive() {
    if (!socket_.is_open()) return;
    socket_.async_receive_from(asio::buffer(buffer_), sender_,
                               [self = shared_from_this()](const error_code& ec, std::size_t n) {
                                 self->on_receive(ec, n);
                               });
  }

  void on_receive(const error_code& ec, std::size_t n) {
    if (ec == asio::error::operation_aborted || !socket_.is_open()) return;
    if (!ec) {
      Flow flow{Protocol::Udp, local_, Endpoint{unmapped(sender_.address()), sender_.port()}, 0};
      Inbound in = core_->receive(std::string_view(buffer_.data(), n), flow);
      // A broken request gets its error response from where it came (it may have no usable Via).
      if (in.reply) send_to(flow.remote, make_bytes(std::move(*in.reply)), {});
    }
    // Errors on an unconnected UDP socket (an ICMP error for an earlier datagram) concern one
    // peer, not the socket: keep receiving.
    receive();
  }

  std::shared_ptr<Core> core_;
  // SO_RCVBUFFORCE passes net.core.rmem_max where the process may (CAP_NET_ADMIN); else
  // SO_RCVBUF, which the kernel caps there. Not getting it all is not an error: the socket works.
  void set_receive_buffer(std::size_t want) {
    int bytes = static_cast<int>(std::min<std::size_t>(want, std::numeric_limits<int>::max() / 2));
    int fd = socket_.native_handle();
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0)
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  }

  asio::io_context& io_;
  udp::socket socket_;
  udp::endpoint sender_;
  std::array<char, kDatagramBuffer> buffer_{};
  Endpoint local_;
};

UdpTransport::UdpTransport(std::shared_ptr<Core> core, const ListenSpec& spec) : bound_(spec) {
  const auto& loops = core->contexts;
  const std::size_t count = core->settings.udp_socket_per_thread ? loops.size() : 1;
  ListenSpec at = spec;
  for (std::size_t i = 0; i < count; ++i) {
    auto s = std::make_shared<UdpSocket>(core, *loops[i]);
    s->open(at, count > 1);
    // Port 0: the first socket gets a port from the system, the others share it.
    at.endpoint.port = s->local().port;
    sockets_.push_back(std::move(s));
  }
  bound_.endpoint = sockets_.front()->local();
}

UdpTransport::~UdpTransport() = default;

std::size_t UdpTransport::receive_buffer() const { return sockets_.front()->receive_buffer(); }

void UdpTransport::start() {
  for (auto& s : sockets_) s->start();
}

void UdpTransport::stop() {
  for (auto& s : sockets_) s->stop();
}

void UdpTransport::send(const Endpoint& to, Bytes bytes, Sender::ErrorHandler on_error) {
  for (auto& s : sockets_) {
    if (s->io().get_executor().running_in_this_thread())
      return s->send_to(to, std::move(bytes), std::move(on_error));
  }
  auto s = sockets_[next_.fetch_add(1, std::memory_order_relaxed) % sockets_.size()];
  asio::post(s->io(), [s, to, bytes = std::move(bytes), h = std::move(on_error)]() mutable {
    s->send_to(to, std::move(bytes), std::move(h));
  });
}

}  // namespace parley::transport
