// Framing SIP over a byte stream (TCP, TLS; RFC 3261 §18.3): given the bytes received so far, say
// whether they start with a complete message, a keep-alive, need more, or cannot be SIP.
// Framing reads only the header's end and Content-Length; parsing is Message::parse's job.
#pragma once

#include <cstddef>
#include <string_view>

#include "message/error.hpp"

namespace parley::message {

enum class FrameStatus {
  NeedMore,   // no complete message yet; read more and call again with the grown buffer
  Message,    // the first `size` bytes are one message (header and body)
  KeepAlive,  // the first `size` bytes are a CRLF keep-alive (RFC 5626 §3.5.1): "\r\n\r\n" ping,
              // "\r\n" pong
  Malformed,  // `error` says why; the stream cannot be resynchronized: answer if possible, close
};

struct Frame {
  FrameStatus status = FrameStatus::NeedMore;
  std::size_t size = 0;
  ParseError error{};
};

Frame frame(std::string_view buffer, const Limits& limits = {});

}  // namespace parley::message
