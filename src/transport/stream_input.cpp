#include "transport/stream_input.hpp"

#include <algorithm>
#include <cstring>

#include "message/framer.hpp"

namespace parley::transport {

namespace {

constexpr std::size_t kReadChunk = 8 * 1024;
constexpr std::size_t kKeptCapacity = 8 * 1024;  // a buffer grown past this shrinks when empty

}  // namespace

StreamInput::StreamInput(const message::Limits& limits) : limits_(limits) {}

std::span<char> StreamInput::prepare() {
  if (begin_ == end_) {
    begin_ = end_ = 0;
    // A large message came and went: give its memory back (idle connections stay small).
    if (buf_.size() > kKeptCapacity) std::vector<char>().swap(buf_);
  } else if (begin_ > 0 && buf_.size() - end_ < kReadChunk) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  // One read more than a message may hold, so that an oversized one is seen as such (513).
  const std::size_t cap = limits_.max_message_size + kReadChunk;
  if (buf_.size() - end_ < kReadChunk && buf_.size() < cap)
    buf_.resize(std::min(cap, std::max<std::size_t>(buf_.size() * 2, end_ + kReadChunk)));
  return {buf_.data() + end_, buf_.size() - end_};
}

bool StreamInput::partial() const {
  std::string_view b(buf_.data() + begin_, end_ - begin_);
  return !b.empty() && !std::string_view("\r\n\r").starts_with(b);
}

void StreamInput::commit(std::size_t n) { end_ += std::min(n, buf_.size() - end_); }

void StreamInput::consume(std::size_t n) {
  begin_ += n;
  scanned_ = 0;
  header_complete_ = false;
  if (begin_ == end_) begin_ = end_ = 0;  // the memory stays until prepare(): items view it
}

bool StreamInput::worth_framing() {
  std::string_view b(buf_.data() + begin_, end_ - begin_);
  if (b.empty()) return false;
  if (header_complete_ || b[0] == '\r' || b[0] == '\n' || b.size() > limits_.max_message_size)
    return true;
  for (std::size_t pos = scanned_; pos < b.size();) {
    std::size_t lf = b.find('\n', pos);
    if (lf == std::string_view::npos) break;
    if (b.substr(lf + 1).starts_with("\n") || b.substr(lf + 1).starts_with("\r\n")) {
      header_complete_ = true;
      return true;
    }
    pos = lf + 1;
  }
  // Resume two bytes back: an LF at the very end may yet be followed by CRLF.
  scanned_ = b.size() >= 2 ? b.size() - 2 : 0;
  return false;
}

std::optional<StreamInput::Item> StreamInput::next() {
  if (dead_ || !worth_framing()) return std::nullopt;
  std::string_view b(buf_.data() + begin_, end_ - begin_);
  message::Frame f = message::frame(b, limits_);
  switch (f.status) {
    case message::FrameStatus::NeedMore:
      return std::nullopt;
    case message::FrameStatus::KeepAlive: {
      Item item{f.size == 4 ? Item::Kind::Ping : Item::Kind::Pong, b.substr(0, f.size)};
      consume(f.size);
      return item;
    }
    case message::FrameStatus::Message: {
      Item item{Item::Kind::Message, b.substr(0, f.size)};
      consume(f.size);
      return item;
    }
    case message::FrameStatus::Malformed:
      dead_ = true;
      return Item{Item::Kind::Malformed, b, std::move(f.error)};
  }
  return std::nullopt;
}

}  // namespace parley::transport
