// The input side of a stream connection (TCP, TLS; RFC 3261 §18.3): a buffer bounded by the
// message size limit, cut into messages and CRLF keep-alives (RFC 5626 §3.5.1) by
// message::frame(). No sockets here, so that the rules can be tested on their own.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "message/error.hpp"

namespace parley::transport {

class StreamInput {
 public:
  struct Item {
    enum class Kind {
      Message,    // `bytes` is one whole message, header and body
      Ping,       // "\r\n\r\n": answer "\r\n"
      Pong,       // "\r\n": the answer to our ping, or a stray line end (§7.5)
      Malformed,  // the stream cannot be framed: `bytes` is what is buffered, `error` why
    };
    Kind kind;
    std::string_view bytes;  // valid until the next prepare()
    message::ParseError error{};
  };

  explicit StreamInput(const message::Limits& limits);

  // Room for the next read; empty only if the buffer is full, which the limits rule out (the
  // framer reports 513 first).
  std::span<char> prepare();
  void commit(std::size_t n);

  // The next complete item at the front of the buffer, removed from it; nullopt when more bytes
  // are needed. After Malformed the input is dead and yields nothing more.
  std::optional<Item> next();

  // Forgets what is buffered (after Malformed: what is still read is only discarded).
  void clear() { begin_ = end_ = 0; }

  // Bytes of an unfinished message are waiting (the header-read timeout applies). A lone CRLF
  // (a pong, or the start of a ping) is not a message.
  bool partial() const;
  std::size_t buffered() const { return end_ - begin_; }
  std::size_t capacity() const { return buf_.size(); }

 private:
  bool worth_framing();
  void consume(std::size_t n);

  message::Limits limits_;
  std::vector<char> buf_;
  std::size_t begin_ = 0, end_ = 0;
  // The end of the header was looked for up to here (relative to begin_): framing waits for it, so
  // a peer that sends a header one byte at a time costs linear time, not quadratic.
  std::size_t scanned_ = 0;
  bool header_complete_ = false;
  bool dead_ = false;
};

}  // namespace parley::transport
