// What a UA sends and receives, as people read it: a Sender and a Receiver that pass everything
// on and tell an observer first. The commands print one line per message (or the whole message
// with -v); the end-to-end tests record the sequence on the wire.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "message/message.hpp"
#include "transport/types.hpp"

namespace parley::ua {

enum class Direction : std::uint8_t { Out, In };

// Called for every message, on the thread that sends or receives it.
using WireObserver =
    std::function<void(Direction d, const transport::Flow& flow, std::string_view bytes)>;

class TapSender final : public transport::Sender {
 public:
  TapSender(transport::Sender& next, WireObserver observer)
      : next_(next), observer_(std::move(observer)) {}
  void send(const transport::Flow& flow, transport::Bytes bytes, ErrorHandler on_error) override {
    if (observer_ && bytes) observer_(Direction::Out, flow, *bytes);
    next_.send(flow, std::move(bytes), std::move(on_error));
  }

 private:
  transport::Sender& next_;
  WireObserver observer_;
};

// The Receiver a transport is made with before the UA behind it exists: set_next() later.
class TapReceiver final : public transport::Receiver {
 public:
  explicit TapReceiver(WireObserver observer) : observer_(std::move(observer)) {}
  void set_next(transport::Receiver* next) { next_.store(next); }
  void receive(transport::Incoming&& in) override;

 private:
  WireObserver observer_;
  std::atomic<transport::Receiver*> next_{nullptr};
};

// One line for a message: "--> INVITE sip:bob@192.0.2.4 (udp 192.0.2.4:5060)" or
// "<-- 180 Ringing (udp 192.0.2.4:5060)".
std::string summary(Direction d, const transport::Flow& flow, std::string_view bytes);

}  // namespace parley::ua
