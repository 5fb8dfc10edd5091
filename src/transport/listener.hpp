// The listening sockets: a TCP acceptor for each TCP, TLS, WS and WSS listen spec, and the UDP
// sockets of each UDP listen spec (one per event loop with SO_REUSEPORT, so the kernel spreads
// datagrams over the threads).
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <vector>

#include "transport/core.hpp"
#include "transport/listen_spec.hpp"

namespace parley::transport {

// Accepts on the event loop it was opened on and hands each connection to the next loop, round
// robin.
class StreamListener : public std::enable_shared_from_this<StreamListener> {
 public:
  // Binds and listens; throws std::runtime_error naming the spec when it cannot.
  StreamListener(std::shared_ptr<Core> core, boost::asio::io_context& io, const ListenSpec& spec);
  ListenSpec bound() const { return bound_; }
  // The receive buffer the kernel gave the (first) socket, in bytes.
  std::size_t receive_buffer() const;
  void start();
  void stop();  // any thread

 private:
  void accept();
  void on_accept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket,
                 boost::asio::io_context& target);

  std::shared_ptr<Core> core_;
  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  ListenSpec bound_;
};

class UdpSocket;

// One UDP listen spec.
class UdpTransport {
 public:
  // Binds one socket per loop (or one on the first loop); throws std::runtime_error naming the
  // spec when it cannot.
  UdpTransport(std::shared_ptr<Core> core, const ListenSpec& spec);
  ~UdpTransport();
  ListenSpec bound() const { return bound_; }
  // The receive buffer the kernel gave the (first) socket, in bytes.
  std::size_t receive_buffer() const;
  void start();
  void stop();  // any thread
  // From the socket of the calling thread's loop when it has one, else from another loop's. A
  // failure reaches on_error on that loop, never from inside send().
  void send(const Endpoint& to, Bytes bytes, Sender::ErrorHandler on_error);

 private:
  std::vector<std::shared_ptr<UdpSocket>> sockets_;
  ListenSpec bound_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace parley::transport
