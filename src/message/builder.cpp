#include "message/builder.hpp"

#include <cstdint>
#include <cstring>
#include <functional>
#include <vector>

#include "message/scanner.hpp"
#include "message/status.hpp"

namespace parley::message {

MessageBuilder MessageBuilder::request(std::string_view method, std::string_view request_uri) {
  MessageBuilder b(512);
  b.out_.append(method).append(" ");
  b.append_value(request_uri);
  b.out_.append(" SIP/2.0\r\n");
  return b;
}

MessageBuilder MessageBuilder::response(int status, std::string_view reason) {
  MessageBuilder b(512);
  b.out_.append("SIP/2.0 ").append(std::to_string(status)).append(" ");
  b.append_value(reason.empty() ? reason_phrase(status) : reason);
  b.out_.append("\r\n");
  return b;
}

namespace {

// Whether any of 8 bytes is a control character but HTAB (below 0x20, or 0x7f). Bytes of 0x80 and
// above (UTF-8) are not: the subtraction below sets a byte's top bit only where the byte was
// below 0x20 and had no top bit of its own.
bool has_control(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  const std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
  const std::uint64_t x7f = w ^ (kOnes * 0x7f);
  const std::uint64_t del = (x7f - kOnes) & ~x7f & kHigh;
  return (below_space | del) != 0;
}

}  // namespace

void MessageBuilder::append_value(std::string_view value) {
  // Control characters but HTAB: CR and LF would inject header fields, and parse() refuses the
  // others (RFC 3261 §25.1), so the message would not read back.
  // Values are almost always clean: append them in one piece, look at 8 bytes at a time, and
  // blank the odd byte in place.
  std::size_t start = out_.size();
  out_.append(value);
  char* p = out_.data() + start;
  const std::size_t n = value.size();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (has_control(w)) break;
  }
  for (; i < n; ++i) {
    auto u = static_cast<unsigned char>(p[i]);
    if ((u < 0x20 && u != '\t') || u == 0x7f) p[i] = ' ';
  }
}

MessageBuilder& MessageBuilder::header(HeaderId id, std::string_view value) {
  return header(header_name(id), value);
}

MessageBuilder& MessageBuilder::header(std::string_view name, std::string_view value) {
  append_value(name);
  out_.append(": ");
  append_value(value);
  out_.append("\r\n");
  return *this;
}

MessageBuilder& MessageBuilder::body(std::string_view content_type, std::string_view body) {
  if (!content_type.empty()) header(HeaderId::ContentType, content_type);
  body_storage_.assign(body);
  body_ = body_storage_;
  return *this;
}

std::string MessageBuilder::finish() && {
  out_.append("Content-Length: ").append(std::to_string(body_.size())).append("\r\n\r\n");
  out_.append(body_);
  return std::move(out_);
}

ParseResult<Message> MessageBuilder::build() && {
  std::string bytes = std::move(*this).finish();
  Limits unbounded;
  unbounded.max_message_size = unbounded.max_body_size = bytes.size();
  return Message::parse(bytes, unbounded);
}

MessageBuilder response_to(const Message& request, int status, std::string_view reason,
                           std::string_view to_tag) {
  MessageBuilder b = MessageBuilder::response(status, reason);
  for (const HeaderField& f : request.fields())
    if (f.id == HeaderId::Via) b.header(HeaderId::Via, f.value);
  if (auto* f = request.find(HeaderId::From)) b.header(HeaderId::From, f->value);
  if (auto* f = request.find(HeaderId::To)) {
    const auto& to = request.to();
    if (!to_tag.empty() && status > 100 && to && !to->tag())
      b.header(HeaderId::To, std::string(f->value) + ";tag=" + std::string(to_tag));
    else
      b.header(HeaderId::To, f->value);
  }
  if (auto* f = request.find(HeaderId::CallId)) b.header(HeaderId::CallId, f->value);
  if (auto* f = request.find(HeaderId::CSeq)) b.header(HeaderId::CSeq, f->value);
  if (status == 100)
    if (auto* f = request.find(HeaderId::Timestamp)) b.header(HeaderId::Timestamp, f->value);
  return b;
}

std::optional<std::string> error_response(std::string_view raw, const ParseError& error) {
  while (!raw.empty() && (raw.front() == '\r' || raw.front() == '\n')) raw.remove_prefix(1);
  std::size_t eol = raw.find('\n');
  if (eol == std::string_view::npos) return std::nullopt;
  std::string_view start = raw.substr(0, eol);
  if (start.size() >= 4 && iequals(start.substr(0, 4), "SIP/")) return std::nullopt;  // a response
  if (start.starts_with("ACK ")) return std::nullopt;  // §17.2.1: ACK is never answered
  // Read what fields can be read, line by line, without the parser's rules.
  std::string_view from, to, call_id, cseq;
  std::vector<std::string_view> vias;
  std::size_t pos = eol + 1;
  while (pos < raw.size()) {
    std::size_t lf = raw.find('\n', pos);
    std::string_view line =
        raw.substr(pos, lf == std::string_view::npos ? std::string_view::npos : lf - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view value = trim(line.substr(colon + 1));
      switch (header_id(trim(line.substr(0, colon)))) {
        case HeaderId::Via:
          vias.push_back(value);
          break;
        case HeaderId::From:
          if (from.empty()) from = value;
          break;
        case HeaderId::To:
          if (to.empty()) to = value;
          break;
        case HeaderId::CallId:
          if (call_id.empty()) call_id = value;
          break;
        case HeaderId::CSeq:
          if (cseq.empty()) cseq = value;
          break;
        default:
          break;
      }
    }
    if (lf == std::string_view::npos) break;
    pos = lf + 1;
  }
  if (vias.empty() || from.empty() || to.empty() || call_id.empty() || cseq.empty())
    return std::nullopt;
  // The Via we answer along must at least be a Via: without sent-by there is nowhere to send.
  if (vias.front().find('/') == std::string_view::npos) return std::nullopt;
  // A field longer than a parser takes (Limits::max_header_length) cannot be echoed: the response
  // would not parse at the peer either. Such a request gets no answer.
  constexpr std::size_t kRoom = 64;  // name, ": ", and the tag added to To
  const std::size_t max_value = Limits{}.max_header_length - kRoom;
  for (std::string_view v : {from, to, call_id, cseq})
    if (v.size() > max_value) return std::nullopt;
  for (std::string_view via : vias)
    if (via.size() > max_value) return std::nullopt;
  // So can too many fields: every Via, From, To, Call-ID, CSeq and Content-Length.
  if (vias.size() + 5 > Limits{}.max_headers) return std::nullopt;
  MessageBuilder b = MessageBuilder::response(error.status, error.reason_phrase());
  // One field per field received, as response_to() does: joined into one line, a few long Via
  // fields make a field longer than a parser takes (Limits::max_header_length).
  for (std::string_view via : vias) b.header(HeaderId::Via, via);
  b.header(HeaderId::From, from);
  // §8.2.6.2: a final response carries a To tag. A stateless answer derives it from the request,
  // so a retransmission of the same broken request gets the same tag.
  std::string to_with_tag(to);
  if (to.find(";tag=") == std::string_view::npos && to.find(";TAG=") == std::string_view::npos) {
    std::size_t h =
        std::hash<std::string_view>{}(call_id) ^ (std::hash<std::string_view>{}(cseq) << 1);
    to_with_tag.append(";tag=").append(std::to_string(h % 100000000000ull));
  }
  b.header(HeaderId::To, to_with_tag);
  b.header(HeaderId::CallId, call_id).header(HeaderId::CSeq, cseq);
  return std::move(b).finish();
}

}  // namespace parley::message
