// One whole message off the wire (a datagram, a framed stream message, a WebSocket message) on its
// way up: parse, check what the transport must check, stamp received/rport, deliver
// (RFC 3261 §18.1.2, §18.2.1, §18.3).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "message/error.hpp"
#include "transport/types.hpp"

namespace parley::transport {

struct Inbound {
  enum class Outcome {
    Delivered,  // handed to the Receiver
    Answered,   // a broken request: `reply` is its error response, to send back on the same flow
    Dropped,    // a broken response (§18.3: discarded), or a request too broken to answer
  };
  Outcome outcome = Outcome::Dropped;
  std::optional<std::string> reply;
  std::optional<message::ParseError> error;
};

// A request needs a readable top Via (the response is routed by it); received and rport are then
// filled in from flow.remote. A response needs a readable Via too; whether its sent-by is ours
// (§18.1.2) is for the transaction layer to judge, which knows what it put there. The Receiver
// is called on the calling thread; an exception out of it is caught and the message counts as
// dropped (no exception leaves an I/O callback, STYLE.md §4).
Inbound receive_message(std::string_view bytes, const Flow& flow, const message::Limits& limits,
                        Receiver& receiver);

// CRLF keep-alive (RFC 5626 §3.5.1) on a message transport (WebSocket): the whole message is
// "\r\n\r\n" (a ping, answered "\r\n") or "\r\n" (a pong).
enum class KeepAlive { None, Ping, Pong };
KeepAlive keep_alive(std::string_view message);

}  // namespace parley::transport
