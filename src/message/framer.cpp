#include "message/framer.hpp"

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "message/crosscheck.hpp"
#include "message/cseq.hpp"
#include "message/header_id.hpp"
#include "message/line_scan.hpp"
#include "message/scanner.hpp"

namespace parley::message {

namespace {

Frame malformed(std::uint16_t status, std::string what, std::size_t offset) {
  return Frame{FrameStatus::Malformed, 0, ParseError{status, std::move(what), 0, offset}};
}

// What framing needs from the header: where it ends, and what Content-Length says.
struct Header {
  std::size_t end = std::string_view::npos;  // just past the empty line; npos while incomplete
  std::size_t content_length = 0;
  bool have_length = false;
};

// Every line in turn, folded Content-Length values and all the errors included. A Frame when the
// header is malformed.
std::optional<Frame> scan_header_careful(std::string_view b, const Limits& limits, Header& h) {
  std::size_t& header_end = h.end;
  std::size_t& content_length = h.content_length;
  bool& have_length = h.have_length;
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
  return bad;
}

// The common case without a call per line: each line end costs a look at the first byte of the
// next line, which says whether the header ends there, whether the line is folded onto (then the
// careful scan runs), and whether it may be Content-Length. False means "ask
// scan_header_careful": a folded line, an incomplete header, a Content-Length that is not one
// plain number, the size limit.
bool scan_header_plain(std::string_view b, const Limits& limits, Header& h) {
  const char* data = b.data();
  const std::size_t n = b.size();
  std::size_t lines[4];  // starts of the lines that may be Content-Length
  unsigned candidates = 0;
  bool ok = true;
  scan_line_ends(b, [&](std::size_t lf) {
    std::size_t s = lf + 1;
    if (s >= n || s > limits.max_message_size) return ok = false;
    char c = data[s];
    if (c == '\n' || (c == '\r' && s + 1 < n && data[s + 1] == '\n')) {
      h.end = c == '\n' ? s + 1 : s + 2;
      return false;
    }
    if (c == '\r' || chars::is_ws(c)) return ok = false;
    // "l", or "Content-Length" with its 'L' at 8 (only a candidate: checked below).
    char f = static_cast<char>(c | 0x20);
    if (f == 'l' || (f == 'c' && s + 8 < n && (data[s + 8] | 0x20) == 'l')) {
      if (candidates == std::size(lines)) return ok = false;
      lines[candidates++] = s;
    }
    return true;
  });
  if (!ok || h.end == std::string_view::npos) return false;
  for (unsigned i = 0; i < candidates; ++i) {
    std::size_t s = lines[i];
    std::size_t lf = b.find('\n', s);
    std::string_view line(data + s, lf - s);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos ||
        header_id(trim(line.substr(0, colon))) != HeaderId::ContentLength)
      continue;
    std::string_view value = line.substr(colon + 1);  // parse_number trims; skipping the SP
    while (!value.empty() && chars::is_ws(value.front())) value.remove_prefix(1);  // is faster
    auto v = parse_number(value);
    if (!v || (h.have_length && *v != h.content_length)) return false;
    h.content_length = *v;
    h.have_length = true;
  }
  return true;
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
  Header h;
  if (!scan_header_plain(b, limits, h)) {
    h = {};
    if (auto bad = scan_header_careful(b, limits, h)) return *bad;
  } else if constexpr (kCrosscheck) {
    Header c;
    if (scan_header_careful(b, limits, c) || c.end != h.end ||
        c.content_length != h.content_length || c.have_length != h.have_length)
      std::abort();
  }
  const std::size_t header_end = h.end, content_length = h.content_length;
  const bool have_length = h.have_length;
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
