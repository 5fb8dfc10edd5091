#include "message/framer.hpp"

#include <cstring>
#include <optional>
#include <string>

#include "message/cseq.hpp"
#include "message/header_id.hpp"
#include "message/line_scan.hpp"
#include "message/scanner.hpp"

namespace parley::message {

namespace {

Frame malformed(std::uint16_t status, std::string what, std::size_t offset) {
  return Frame{FrameStatus::Malformed, 0, ParseError{status, std::move(what), 0, offset}};
}

}  // namespace

Frame frame(std::string_view b, const Limits& limits) {
  if (b.empty()) return {};
  // Keep-alives: a double CRLF is a ping, a single CRLF a pong (or a stray line end, which §7.5
  // says to ignore before a start line). Either way the bytes are consumed on their own.
  if (b[0] == '\r' || b[0] == '\n') {
    if (b.starts_with("\r\n\r\n")) return {FrameStatus::KeepAlive, 4, {}};
    if (b.size() < 4 && std::string_view("\r\n\r\n").starts_with(b))
      return {};  // wait: ping or pong?
    if (b.starts_with("\r\n")) return {FrameStatus::KeepAlive, 2, {}};
    if (b[0] == '\n') return {FrameStatus::KeepAlive, 1, {}};
    if (b.size() < 2) return {};
    return malformed(400, "stray CR on the stream", 0);
  }
  // The header ends at the first empty line: LF (CR) LF.
  std::size_t header_end = std::string_view::npos;
  std::size_t content_length = 0;
  bool have_length = false;
  // The value of a Content-Length field being read: HCOLON and LWS allow it to be folded onto the
  // next lines (§7.3.1, §25.1), so it is complete only when a line that continues nothing comes.
  std::string length_text;
  constexpr std::size_t kNone = std::string_view::npos;
  std::size_t length_at = kNone;  // where that field starts (a sentinel, not an optional: GCC 12
                                  // at -O3 misreads optionals here as uninitialized)
  auto take_length = [&]() -> std::optional<Frame> {
    std::size_t at = length_at;
    length_at = kNone;
    auto n = parse_number(length_text);
    if (!n) return malformed(400, "Content-Length: " + n.error().what, at);
    if (have_length && *n != content_length)
      return malformed(400, "conflicting Content-Length header fields", at);
    content_length = *n;
    have_length = true;
    return std::nullopt;
  };
  std::optional<Frame> bad;
  std::size_t next_line = 0;
  scan_line_ends(b, [&](std::size_t lf) {
    std::size_t line_start = next_line;
    next_line = lf + 1;
    if (line_start > limits.max_message_size) return false;
    std::string_view line(b.data() + line_start, lf - line_start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool continuation = !line.empty() && chars::is_ws(line[0]);
    if (length_at != kNone && continuation) {
      length_text.append(" ").append(line);
      return true;
    }
    if (length_at != kNone)
      if ((bad = take_length())) return false;
    if (line.empty() && line_start > 0) {
      header_end = lf + 1;
      return false;
    }
    // Content-Length or its compact form "l" (§7.3.3).
    // Only "l" or a name of at least 14 bytes with an 'l' at 8 ("Content-Length") can be it: most
    // lines cost a comparison or two.
    if (line_start > 0 && !line.empty() && !continuation &&
        ((line[0] | 0x20) == 'l' ||
         ((line[0] | 0x20) == 'c' && line.size() > 14 && (line[8] | 0x20) == 'l'))) {
      std::size_t colon = line.find(':');
      if (colon != std::string_view::npos &&
          header_id(trim(line.substr(0, colon))) == HeaderId::ContentLength) {
        length_text.assign(line.substr(colon + 1));
        length_at = line_start;
      }
    }
    return true;
  });
  if (bad) return *bad;
  if (header_end == std::string_view::npos) {
    if (b.size() > limits.max_message_size)
      return malformed(
          513, "no end of header within " + std::to_string(limits.max_message_size) + " bytes", 0);
    return {};
  }
  // §18.3: "In the case of stream-oriented transports such as TCP, the Content-Length header field
  // indicates the size of the body. All stream-oriented transports MUST use Content-Length".
  if (!have_length)
    return malformed(400, "missing Content-Length on a stream transport", header_end);
  if (content_length > limits.max_body_size)
    return malformed(413,
                     "body of " + std::to_string(content_length) + " bytes exceeds the limit of " +
                         std::to_string(limits.max_body_size),
                     header_end);
  std::size_t total = header_end + content_length;
  if (total > limits.max_message_size)
    return malformed(513,
                     "message of " + std::to_string(total) + " bytes exceeds the limit of " +
                         std::to_string(limits.max_message_size),
                     0);
  if (b.size() < total) return {};
  return {FrameStatus::Message, total, {}};
}

}  // namespace parley::message
