// One stream connection (TCP, TLS, WS, WSS), whatever carries it: the write queue, the state from
// connecting to closed, and the clocks that close it (idle timeout, header-read timeout,
// handshake and connect timeouts, the linger after a last answer). The transports (tcp.cpp,
// tls.cpp, websocket.cpp) supply the I/O through four virtual functions.
//
// A connection belongs to one event loop: everything below except send(), close() and start()
// runs on it. Those three may be called from any thread and hop onto the loop.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "message/error.hpp"
#include "transport/core.hpp"
#include "transport/types.hpp"

namespace parley::transport {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<Core> core, boost::asio::io_context& io, Protocol protocol,
             Endpoint remote, bool inbound);
  virtual ~Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  ConnectionId id() const { return id_; }
  Protocol protocol() const { return protocol_; }
  const Endpoint& remote() const { return remote_; }
  bool inbound() const { return inbound_; }
  // Going away: the table no longer hands it out. Any thread.
  bool closing() const { return closing_.load(std::memory_order_acquire); }
  boost::asio::io_context& io() { return io_; }

  // Accepted connections: handshakes, then reading. Outgoing ones: connect, handshakes; sends
  // wait in the queue meanwhile.
  void start();
  // Queues bytes; written once the connection is open. A failure reaches on_error later, on the
  // connection's event loop, never from inside send().
  void send(Bytes bytes, Sender::ErrorHandler on_error);
  // Closes after the queued writes and a closing handshake (TLS close_notify, WebSocket close).
  void close(std::string why);
  // Closes at once (the layer stops).
  void abort(std::string why);

 protected:
  // ---- what a transport supplies; all on the connection's loop
  // Connects or accepts, with any handshakes, then calls opened() (or failed()).
  virtual void do_start() = 0;
  // Writes one message; calls written() when done. One write at a time.
  virtual void do_write(const std::string& bytes) = 0;
  // The polite close: the transport's closing handshake, then close_now().
  virtual void do_shutdown() = 0;
  // Closes the socket at once; pending operations complete with an error. Idempotent.
  virtual void do_close() = 0;

  // ---- what a transport calls
  void opened(const Endpoint& local);
  void written(const boost::system::error_code& ec);
  // After each read: the connection is alive, and whether an unfinished message is waiting
  // (which starts the header-read clock).
  void read_progress(bool partial_message);
  // A whole message arrived. False when the connection is now closing (stop reading).
  bool on_message(std::string_view bytes);
  // "\r\n\r\n" arrived (RFC 5626 §3.5.1): answer "\r\n".
  void on_ping();
  // The stream cannot be framed: answer what can be answered (400, 413, 513), then close.
  void on_malformed(std::string_view buffered, const message::ParseError& error);
  // A read, write, connect or handshake failed: close, failing whatever waits to be written.
  void failed(std::string_view what, const boost::system::error_code& ec);
  void close_now(std::string why);
  // May the transport go on reading messages? (Draining and Closing read only to discard, so that
  // unread input does not turn the close into a reset that destroys the last answer.)
  bool reading() const { return state_ == State::Open; }
  bool closed() const { return state_ == State::Closed; }
  const Flow& flow() const { return flow_; }
  Core& core() { return *core_; }

  template <class T>
  std::shared_ptr<T> shared() {
    return std::static_pointer_cast<T>(shared_from_this());
  }

 private:
  enum class State {
    Connecting,  // connect and handshakes; writes wait
    Open,
    Draining,  // the last writes (an error answer) go out, nothing more is read
    Closing,   // closing handshake
    Closed,
  };
  struct Pending {
    Bytes bytes;
    Sender::ErrorHandler on_error;
  };

  void enqueue(Bytes bytes, Sender::ErrorHandler on_error, bool internal);
  void write_next();
  void drain_then_close();
  void begin_shutdown();
  void report(Sender::ErrorHandler on_error, std::string why);
  TimePoint deadline() const;
  void arm_deadline();
  void on_deadline(std::uint64_t generation);

  std::shared_ptr<Core> core_;
  boost::asio::io_context& io_;
  const ConnectionId id_;
  const Protocol protocol_;
  const Endpoint remote_;
  const bool inbound_;
  std::atomic<bool> closing_{false};

  State state_ = State::Connecting;
  Flow flow_;
  std::deque<Pending> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;

  boost::asio::steady_timer timer_;
  bool timer_armed_ = false;
  TimePoint timer_due_{};
  std::uint64_t timer_generation_ = 0;
  TimePoint started_{}, last_activity_{}, closing_since_{};
  std::string close_reason_;
  std::optional<TimePoint> message_started_;
};

}  // namespace parley::transport
