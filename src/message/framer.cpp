#include "message/framer.hpp"

#include <cstring>

#include "message/cseq.hpp"
#include "message/header_id.hpp"
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
  std::size_t line_start = 0;
  for (std::size_t pos = 0;;) {
    const void* p = pos < b.size() ? std::memchr(b.data() + pos, '\n', b.size() - pos) : nullptr;
    if (!p) break;
    std::size_t lf = static_cast<std::size_t>(static_cast<const char*>(p) - b.data());
    std::string_view line = b.substr(line_start, lf - line_start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() && line_start > 0) {
      header_end = lf + 1;
      break;
    }
    // Content-Length or its compact form "l" (§7.3.3); folded values do not occur in practice
    // for it but are tolerated: only the first line of the field is read.
    if (line_start > 0 && !line.empty() && !chars::is_ws(line[0])) {
      std::size_t colon = line.find(':');
      if (colon != std::string_view::npos &&
          header_id(trim(line.substr(0, colon))) == HeaderId::ContentLength) {
        auto n = parse_number(line.substr(colon + 1));
        if (!n) return malformed(400, "Content-Length: " + n.error().what, line_start);
        if (have_length && *n != content_length)
          return malformed(400, "conflicting Content-Length header fields", line_start);
        content_length = *n;
        have_length = true;
      }
    }
    line_start = lf + 1;
    pos = lf + 1;
    if (line_start > limits.max_message_size) break;
  }
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
