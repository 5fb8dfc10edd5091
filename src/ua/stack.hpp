// A UserAgent on real sockets: one event loop (a thread), the transport layer listening on one
// address, the loop's TimerService, and the UA — what a command, an example or a loopback test
// needs to talk to real peers.
//
//   Stack stack({.listen = "udp:127.0.0.1:0"});
//   stack.run([&](UserAgent& ua) { ua.on_incoming_call = ...; });   // on the loop, waits
//   ...
//   stack.stop();
//
// Everything the UA does happens on the loop's thread: reach it with post() or run().
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <string>

#include "ua/user_agent.hpp"
#include "ua/wire_log.hpp"

namespace boost::asio {
class io_context;
}

namespace parley::transport {
class EventLoops;
class TransportLayer;
}  // namespace parley::transport

namespace parley {
class AsioTimerService;
}

namespace parley::ua {

struct StackOptions {
  std::string listen = "udp:127.0.0.1:0";  // a transport listen spec; port 0: any free port
  UserAgentConfig ua{};                    // local and protocol are filled in from `listen`
  WireObserver observer{};                 // every message in and out, on the loop's thread
};

class Stack {
 public:
  // Throws std::runtime_error when the listen spec is bad or cannot be bound.
  explicit Stack(StackOptions options);
  ~Stack();
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  // Runs fn on the loop's thread, later.
  void post(std::function<void()> fn);
  // Runs fn(ua) on the loop's thread and waits for it.
  void run(const std::function<void(UserAgent&)>& fn);
  // The UA itself: touch it only on the loop's thread.
  UserAgent& ua() { return *ua_; }
  transport::Endpoint local() const { return local_; }
  transport::Protocol protocol() const { return protocol_; }
  // Closes the sockets, drains the loop and joins its thread. Idempotent.
  void stop();

 private:
  std::unique_ptr<transport::EventLoops> loops_;
  boost::asio::io_context* io_ = nullptr;
  std::unique_ptr<AsioTimerService> timers_;
  std::unique_ptr<TapReceiver> receiver_;
  std::unique_ptr<transport::TransportLayer> transport_;
  std::unique_ptr<TapSender> sender_;
  std::unique_ptr<UserAgent> ua_;
  transport::Endpoint local_;
  transport::Protocol protocol_ = transport::Protocol::Udp;
  bool stopped_ = false;
};

}  // namespace parley::ua
