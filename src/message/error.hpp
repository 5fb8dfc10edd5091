// What went wrong with a message, where, and what a server answers with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/result.hpp"

namespace parley::message {

struct ParseError {
  // The response a server sends for this input (RFC 3261 §8.2, §21.4, §21.5): 400 for bad syntax,
  // 413 for a body too large, 416 for an unsupported URI scheme, 505 for another SIP version,
  // 513 for a message too large.
  std::uint16_t status = 400;
  // What is wrong, in words fit for a reason phrase: "Via: missing branch parameter".
  std::string what;
  // Where: 1-based line and 0-based byte offset from the start of the message (or of the text
  // handed to a header parser, before the message rebases it).
  std::uint32_t line = 0;
  std::size_t offset = 0;

  // The reason phrase of the error response, e.g. "Bad Request (Via: missing branch parameter)":
  // a peer's log then says what was wrong without a packet capture.
  std::string reason_phrase() const;
  // "line 3, offset 57: Via: missing branch parameter"
  std::string describe() const;
};

template <class T>
using ParseResult = Result<T, ParseError>;

inline ParseError syntax_error(std::string what, std::size_t offset = 0) {
  return ParseError{400, std::move(what), 0, offset};
}

// Every external input is bounded (STYLE.md §4). Defaults fit any real SIP message with room.
struct Limits {
  std::size_t max_message_size = 65535;  // the largest UDP datagram; 513 beyond (RFC 3261 §18.1.1)
  std::size_t max_headers = 128;         // header fields (lines) per message; 400 beyond
  std::size_t max_header_length = 8192;  // one header field, folded lines included; 400 beyond
  std::size_t max_start_line = 8192;     // Request-Line or Status-Line; 414 beyond for requests
  std::size_t max_body_size = 60000;     // Content-Length; 413 beyond
};

}  // namespace parley::message
