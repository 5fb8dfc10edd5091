// What the transport tests share: a Receiver that records, a layer on its own event loops, test
// certificates made with the openssl command, and a client with timeouts on every wait (a test
// fails, it never hangs).
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "transport/event_loops.hpp"
#include "transport/transport_layer.hpp"
#include "transport/types.hpp"

namespace parley::transport::test {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

constexpr auto kWait = std::chrono::seconds(5);  // the most any step may take before it fails

// A request with every header a server needs to answer it; `via` is the top Via's value.
std::string request(std::string_view via = "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK1;rport",
                    std::string_view method = "OPTIONS", std::string_view body = {});
// A request Message::parse refuses (a header line without a colon), which error_response can
// still answer with 400.
std::string broken_request();
// A 200 to `request` (the Vias copied).
std::string ok_for(const message::Message& request);

class Recorder final : public Receiver {
 public:
  void receive(Incoming&& in) override;
  // The oldest unclaimed message, waiting up to `timeout` for one.
  std::optional<Incoming> next(std::chrono::milliseconds timeout = kWait);
  std::size_t count() const;
  // Called on the layer's thread for each message, before it is queued.
  std::function<void(const Incoming&)> on_receive;

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Incoming> queue_;
  std::size_t total_ = 0;
};

// One transport layer on its own loops, with what it received. Stops and joins on destruction.
struct Node {
  explicit Node(Settings settings, std::size_t threads = 2);
  ~Node();
  Endpoint at(Protocol p, bool ipv6 = false) const;

  Recorder received;
  EventLoops loops;
  std::unique_ptr<TransportLayer> layer;
};

// Settings listening on `specs` ("tcp:127.0.0.1:0", ...).
Settings listening_on(std::initializer_list<std::string_view> specs);

// An error handler's reports, waited for.
class Errors {
 public:
  Sender::ErrorHandler handler();
  std::optional<std::string> next(std::chrono::milliseconds timeout = kWait);

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable cv;
    std::deque<std::string> items;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

// A CA, a server certificate it signed (for localhost, 127.0.0.1 and ::1), and a self-signed
// certificate nobody trusts, made once per test process in a temporary directory.
struct Certificates {
  std::string dir, ca, server_cert, server_key, rogue_cert, rogue_key;
};
const Certificates& certificates();

// Polls `condition` until it holds or `timeout` passes; true when it held. For state another
// thread updates after the client has already seen the effect (a counter bumped after a close).
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = kWait);

// Runs `io` until `done` or until `timeout`; true when done.
bool run_until(asio::io_context& io, const bool& done, std::chrono::milliseconds timeout = kWait);

// A client over TCP or TLS for poking at the layer byte by byte.
class StreamClient {
 public:
  explicit StreamClient(const Endpoint& server, asio::ssl::context* tls = nullptr,
                        std::string sni = {});
  bool connect();
  bool write(std::string_view bytes);
  // Reads until `needle` is among what was read, the peer closes, or the timeout; returns
  // everything read so far.
  std::string read_until(std::string_view needle, std::chrono::milliseconds timeout = kWait);
  // Reads (and keeps) until the peer closes; false when it is still open after the timeout.
  bool closed_by_peer(std::chrono::milliseconds timeout = kWait);
  Endpoint local() const;
  const std::string& data() const { return data_; }

 private:
  bool read_some(std::chrono::milliseconds timeout);
  asio::io_context io_;
  Endpoint server_;
  std::optional<tcp::socket> tcp_;
  std::optional<asio::ssl::stream<tcp::socket>> tls_;
  std::string sni_;
  std::string data_;
  bool eof_ = false;
};

// A UDP socket for the test's side.
class UdpPeer {
 public:
  explicit UdpPeer(bool ipv6 = false);
  Endpoint local() const;
  void send_to(const Endpoint& to, std::string_view bytes);
  // One datagram, or nullopt after the timeout.
  std::optional<std::string> receive(std::chrono::milliseconds timeout = kWait,
                                     Endpoint* from = nullptr);

 private:
  asio::io_context io_;
  udp::socket socket_;
};

}  // namespace parley::transport::test
