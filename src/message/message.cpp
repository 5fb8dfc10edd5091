#include "message/message.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "message/crosscheck.hpp"
#include "message/framer.hpp"
#include "message/line_scan.hpp"
#include "message/status.hpp"

namespace parley::message {

namespace {

std::size_t find_lf(std::string_view b, std::size_t from) {
  if (from >= b.size()) return std::string_view::npos;
  const void* p = std::memchr(b.data() + from, '\n', b.size() - from);
  return p ? static_cast<std::size_t>(static_cast<const char*>(p) - b.data())
           : std::string_view::npos;
}

ParseError at(std::uint16_t status, std::string what, std::uint32_t line, std::size_t offset) {
  return ParseError{status, std::move(what), line, offset};
}

// SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; the literal is case-insensitive (§7.1).
enum class VersionCheck { Ok, Other, Malformed };
VersionCheck check_version(std::string_view v) {
  // "SIP/2.0" as nearly everyone writes it, in one compare ('/' | 0x20 is '/'; the bytes that
  // OR 0x20 maps onto a letter or '/' other than themselves are upper case letters and controls,
  // and a start line with a control character never gets here).
  if (v.size() == 7) {
    std::uint64_t x = 0, sip = 0;
    std::memcpy(&x, v.data(), 7);
    std::memcpy(&sip, "sip/2.0", 7);
    if ((x | 0x0000000020202020ull) == sip) return VersionCheck::Ok;
  }
  if (v.size() < 7 || !iequals(v.substr(0, 4), "SIP/")) return VersionCheck::Malformed;
  std::string_view num = v.substr(4);
  std::size_t dot = num.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 1 == num.size())
    return VersionCheck::Malformed;
  for (std::size_t i = 0; i < num.size(); ++i)
    if (i != dot && !chars::is_digit(num[i])) return VersionCheck::Malformed;
  return num == "2.0" ? VersionCheck::Ok : VersionCheck::Other;
}

// CTL of RFC 2234 but HTAB, which counts as white space everywhere in SIP.
bool is_control(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7f;
}

// Whether s may hold a byte below 0x20 or a DEL, eight bytes at a time. Exact in the "no" case;
// a "maybe" (HTAB, CR LF of a fold, or a real control character) sends the caller to the bytewise
// check. Header values are the bulk of a message, so this keeps validation off the profile.
bool maybe_control(std::string_view s) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    std::uint64_t del = x ^ (kOnes * 0x7f);
    // Some byte < 0x20 (for bytes < 0x80; UTF-8 bytes >= 0x80 are allowed), or some byte == 0x7f.
    if ((((x - kOnes * 0x20) & ~x) | ((del - kOnes) & ~del)) & kHigh) return true;
  }
  for (; i < s.size(); ++i)
    if (is_control(s[i]) || s[i] == '\t') return true;
  return false;
}

// Turns folded lines into one: each line end and the white space after it become one SP (§7.3.1).
std::string unfold(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\r' || v[i] == '\n') {
      while (!out.empty() && chars::is_ws(out.back())) out.pop_back();
      while (i + 1 < v.size() && (v[i + 1] == '\r' || v[i + 1] == '\n' || chars::is_ws(v[i + 1])))
        ++i;
      out.push_back(' ');
    } else {
      out.push_back(v[i]);
    }
  }
  return out;
}

}  // namespace

std::string ParseError::reason_phrase() const {
  std::string out(parley::message::reason_phrase(status));
  if (what.empty()) return out;
  out.append(" (");
  for (char c : what) out.push_back((c == '\r' || c == '\n') ? ' ' : c);
  out.push_back(')');
  return out;
}

std::string ParseError::describe() const {
  return "line " + std::to_string(line) + ", offset " + std::to_string(offset) + ": " + what;
}

ParseResult<Message> Message::parse(std::string_view bytes, const Limits& limits) {
  // Built in place and returned by name on every path (one return statement, or GCC moves it):
  // a Message is large, and moving it costs about as much as indexing three header fields.
  ParseResult<Message> r{std::in_place, Empty{}};
  if (bytes.size() > limits.max_message_size) {
    r = fail(at(513,
                "message of " + std::to_string(bytes.size()) + " bytes exceeds the limit of " +
                    std::to_string(limits.max_message_size),
                0, limits.max_message_size));
  } else if (!r->index_plain(bytes, limits)) {
    r = parse_careful(bytes, limits);
  } else {
    if constexpr (kCrosscheck) {
      // Debug and fuzz builds hold the fast path to the careful one: same start line, same fields
      // at the same places, same body.
      auto c = parse_careful(bytes, limits);
      if (!c || !same_index(*r, *c)) std::abort();
    }
  }
  return r;
}

// index_plain's scan of b, whoever owns it: the start line and the header fields as views into b,
// and body, where the body starts. False for anything unusual, as index_plain.
bool Message::index_lines(std::string_view b, const Limits& limits, std::size_t& body) {
  if (b.empty() || b[0] == '\r' || b[0] == '\n') return false;
  const char* data = b.data();
  const std::size_t n = b.size();
  // Copies, not reads through limits: the stores into fields_ would make the compiler reload them.
  const std::size_t max_header_length = limits.max_header_length;
  const std::size_t max_headers = limits.max_headers;
  std::uint32_t line = 0;
  body = std::string_view::npos;
  bool ok = true;
  scan_lines(b, [&](const ScannedLine& l) {
    ++line;
    std::size_t fend = (l.lf > l.start && data[l.lf - 1] == '\r') ? l.lf - 1 : l.lf;
    if (!l.plain) return ok = false;
    if (line == 1) {
      if (read_start_line(std::string_view(data, fend), 0, 1, limits)) return ok = false;
      return true;
    }
    if (fend == l.start) {  // the empty line
      body = l.lf + 1;
      return false;
    }
    // A line that starts with white space continues the previous one (§7.3.1): careful path.
    if ((l.lf + 1 < n && chars::is_ws(data[l.lf + 1])) || l.colon >= fend ||
        fend - l.start > max_header_length || line - 2 == max_headers)
      return ok = false;
    std::string_view name(data + l.start, l.colon - l.start);
    HeaderId id = header_id(name);
    if (id == HeaderId::Unknown) {
      // Known names are tokens by construction; others are checked (white space before the
      // colon, or no name at all, go to the careful path).
      if (name.empty()) return ok = false;
      for (char c : name)
        if (!chars::is_token(c)) return ok = false;
    }
    // data[fend] is the CR or LF: no bound is needed to skip the white space after the colon.
    std::size_t v = l.colon + 1, e = fend;
    while (chars::is_ws(data[v])) ++v;
    while (e > v && chars::is_ws(data[e - 1])) --e;
    // emplace_back: boost's push_back is an out-of-line call even when there is room. Filled in
    // place, not copied from a temporary (Clang 14 cannot emplace an aggregate from its members).
    HeaderField& f = fields_.emplace_back();
    f.id = id;
    f.name = name;
    f.value = std::string_view(data + v, e - v);
    f.raw = std::string_view(data + l.start, fend - l.start);
    f.line = line;
    f.offset = static_cast<std::uint32_t>(v);
    return true;
  });
  return ok && body != std::string_view::npos;
}

// The common case, in one pass: no CRLF before the start line, no folded or unusual line, no
// limit reached, nothing malformed in the framing of lines. Anything else (or any doubt) answers
// false, and parse_careful() parses the message again from the start, with the exact errors.
bool Message::index_plain(std::string_view bytes, const Limits& limits) {
  std::size_t body;
  return index_lines(own(bytes), limits, body) && !take_body(body, limits);
}

FramedMessage Message::parse_stream(std::string_view buffer, const Limits& limits) {
  FramedMessage out;  // returned by name: the Message is built in place
  auto& r = out.message.emplace(std::in_place, Empty{});
  std::size_t size = 0;
  if (r->index_stream_plain(buffer, limits, size)) {
    out.frame = Frame{FrameStatus::Message, size, {}};
    if constexpr (kCrosscheck) {
      // Debug and fuzz builds hold the one pass to frame() and parse().
      Frame f = frame(buffer, limits);
      auto c = parse(buffer.substr(0, size), limits);
      if (f.status != FrameStatus::Message || f.size != size || !c || !same_index(*r, *c))
        std::abort();
    }
  } else {
    out.frame = frame(buffer, limits);
    if (out.frame.status == FrameStatus::Message)
      r = parse(buffer.substr(0, out.frame.size), limits);
    else
      out.message.reset();
  }
  return out;
}

// The common case of parse_stream: the header indexed in the caller's buffer, framed by the one
// Content-Length field (§18.3: streams must have it), and only then the message's own bytes copied
// and the views moved onto them. False for anything frame() and parse() must settle.
bool Message::index_stream_plain(std::string_view buffer, const Limits& limits, std::size_t& size) {
  std::size_t body;
  if (!index_lines(buffer, limits, body)) return false;
  const HeaderField* cl = nullptr;
  for (const HeaderField& f : fields_) {
    if (f.id != HeaderId::ContentLength) continue;
    if (cl) return false;
    cl = &f;
  }
  if (!cl) return false;
  auto n = parse_number(cl->value);
  if (!n || *n > limits.max_body_size) return false;
  size = body + *n;
  if (size > limits.max_message_size || size > buffer.size()) return false;
  const char* from = buffer.data();
  const char* to = own(buffer.substr(0, size)).data();
  auto move = [from, to](std::string_view& v) {
    v = std::string_view(to + (v.data() - from), v.size());
  };
  for (HeaderField& f : fields_) {  // all three are views into the buffer
    move(f.name);
    move(f.value);
    move(f.raw);
  }
  for (std::string_view* v : {&start_line_, &method_name_, &request_uri_, &version_, &reason_})
    if (v->data()) move(*v);  // a request has no reason, a response no method
  // What take_body() finds for one Content-Length whose body is all there.
  body_ = std::string_view(to + body, *n);
  cache_.content_length.emplace(std::optional<std::uint32_t>(*n));
  return true;
}

std::string_view Message::own(std::string_view bytes) {
  auto buf = std::make_shared_for_overwrite<char[]>(bytes.size() ? bytes.size() : 1);
  if (!bytes.empty()) std::memcpy(buf.get(), bytes.data(), bytes.size());
  bytes_ = std::move(buf);
  bytes_size_ = bytes.size();
  return received();
}

bool Message::same_index(const Message& a, const Message& b) {
  if (!(a == b) || a.fields_.size() != b.fields_.size() || a.start_line_ != b.start_line_ ||
      a.method_ != b.method_ || a.version_ != b.version_ ||
      a.cache_.content_length.has_value() != b.cache_.content_length.has_value())
    return false;
  for (std::size_t i = 0; i < a.fields_.size(); ++i) {
    const HeaderField &x = a.fields_[i], &y = b.fields_[i];
    if (x.id != y.id || x.name != y.name || x.value != y.value || x.raw != y.raw ||
        x.line != y.line || x.offset != y.offset)
      return false;
  }
  return true;
}

std::optional<ParseError> Message::read_start_line(std::string_view sl, std::size_t pos,
                                                   std::uint32_t line, const Limits& limits) {
  start_line_ = sl;
  const char* p = sl.data();
  const std::size_t n = sl.size();
  // Views into sl without std::string_view::substr, which GCC calls out of line (pos <= n here).
  auto sub = [p, n](std::size_t from, std::size_t len = std::string_view::npos) {
    return std::string_view(p + from, std::min(len, n - from));
  };
  bool response =
      n >= 4 && (p[0] | 0x20) == 's' && (p[1] | 0x20) == 'i' && (p[2] | 0x20) == 'p' && p[3] == '/';
  if (sl.size() > limits.max_start_line)
    return at(response ? 400 : 414,
              "start line longer than " + std::to_string(limits.max_start_line) + " bytes", line,
              pos);
  Message& m = *this;
  if (response) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    const void* space = std::memchr(p, ' ', n);
    std::size_t sp = space ? static_cast<std::size_t>(static_cast<const char*>(space) - p)
                           : std::string_view::npos;
    m.version_ = sub(0, sp);
    auto vc = check_version(m.version_);
    if (vc == VersionCheck::Malformed)
      return at(400, "malformed SIP version in the status line", line, pos);
    if (vc == VersionCheck::Other)
      return at(505, "SIP version " + std::string(m.version_) + " is not supported", line, pos);
    if (sp == std::string_view::npos) return at(400, "status line has no status code", line, pos);
    std::string_view code = sub(sp + 1, 3);
    if (code.size() != 3 || !std::all_of(code.begin(), code.end(), chars::is_digit) ||
        (sl.size() > sp + 4 && sl[sp + 4] != ' '))
      return at(400, "status code must be three digits", line, pos + sp + 1);
    m.status_ = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
    if (!valid_status(m.status_))
      return at(400, "status code " + std::string(code) + " is outside 100-699", line,
                pos + sp + 1);
    m.reason_ = n > sp + 5 ? sub(sp + 5) : std::string_view{};
  } else {
    // The common case in one pass, as the steps below would find it: a method token, SP, a
    // Request-URI without SP, SP, "SIP/2.0".
    std::size_t t = 0;
    while (t < n && chars::is_token(p[t])) ++t;
    if (t > 0 && t + 10 <= n && p[t] == ' ' && p[n - 8] == ' ' &&
        check_version(sub(n - 7)) == VersionCheck::Ok && !std::memchr(p + t + 1, ' ', n - 9 - t)) {
      m.method_name_ = sub(0, t);
      m.request_uri_ = sub(t + 1, n - 9 - t);
      m.version_ = sub(n - 7);
      m.method_ = method_from_name(m.method_name_);
      return std::nullopt;
    }
    // Request-Line = Method SP Request-URI SP SIP-Version
    std::size_t sp1 = sl.find(' ');
    if (sp1 == std::string_view::npos || sp1 == 0)
      return at(400, "malformed request line", line, pos);
    m.method_name_ = sl.substr(0, sp1);
    for (std::size_t i = 0; i < m.method_name_.size(); ++i)
      if (!chars::is_token(m.method_name_[i]))
        return at(400, "invalid character in the method", line, pos + i);
    std::size_t sp2 = sl.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos)
      return at(400, "request line has no SIP version", line, pos + sp1);
    m.request_uri_ = sl.substr(sp1 + 1, sp2 - sp1 - 1);
    if (m.request_uri_.empty())
      return at(400, "request line has an empty Request-URI", line, pos + sp1 + 1);
    m.version_ = sl.substr(sp2 + 1);
    auto vc = check_version(m.version_);
    if (vc == VersionCheck::Malformed)
      return at(400,
                "malformed SIP version '" + std::string(m.version_.substr(0, 16)) +
                    "' in the request line",
                line, pos + sp2 + 1);
    if (vc == VersionCheck::Other)
      return at(505, "SIP version " + std::string(m.version_) + " is not supported", line,
                pos + sp2 + 1);
    m.method_ = method_from_name(m.method_name_);
  }
  return std::nullopt;
}

std::optional<ParseError> Message::take_body(std::size_t pos, const Limits& limits) {
  Message& m = *this;
  // ---- body (§7.4.1, §18.3, §20.14)
  std::string_view rest(bytes_.get() + pos, bytes_size_ - pos);  // pos <= size
  const HeaderField* cl = nullptr;
  for (const HeaderField& f : m.fields_) {
    if (f.id != HeaderId::ContentLength) continue;
    if (cl && cl->value != f.value)
      return at(400, "conflicting Content-Length header fields", f.line, f.offset);
    cl = &f;
  }
  if (cl) {
    auto n = parse_number(cl->value);
    if (!n) return m.locate(std::move(n).error(), *cl);
    if (*n > limits.max_body_size)
      return at(413,
                "body of " + std::to_string(*n) + " bytes exceeds the limit of " +
                    std::to_string(limits.max_body_size),
                cl->line, cl->offset);
    if (*n > rest.size())
      return at(400,
                "Content-Length " + std::to_string(*n) + " exceeds the " +
                    std::to_string(rest.size()) + " bytes after the header",
                cl->line, cl->offset);
    m.body_ = rest.substr(0, *n);  // §18.3: bytes beyond Content-Length are not part of it
    m.cache_.content_length.emplace(std::optional<std::uint32_t>(*n));
  } else {
    m.body_ = rest;
  }
  return std::nullopt;
}

ParseResult<Message> Message::parse_careful(std::string_view bytes, const Limits& limits) {
  Message m;
  std::string_view b = m.own(bytes);
  std::size_t pos = 0;
  std::uint32_t line = 1;

  // §7.5: CRLFs before the start line are ignored (keep-alives on streams).
  while (pos < b.size() && (b[pos] == '\r' || b[pos] == '\n')) {
    if (b[pos] == '\n') ++line;
    ++pos;
  }
  if (pos == b.size()) return fail(at(400, "empty message", line, pos));

  // ---- start line
  std::size_t eol = find_lf(b, pos);
  if (eol == std::string_view::npos)
    return fail(at(400, "message ends inside the start line", line, pos));
  std::size_t end = (eol > pos && b[eol - 1] == '\r') ? eol - 1 : eol;
  std::string_view sl = b.substr(pos, end - pos);
  if (sl.size() > limits.max_start_line) return fail(*m.read_start_line(sl, pos, line, limits));
  // No rule of the start line admits a control character but HTAB in a Reason-Phrase (§25.1).
  for (std::size_t i = 0; i < sl.size(); ++i)
    if (is_control(sl[i]))
      return fail(at(400, "control character in the start line", line, pos + i));
  if (auto e = m.read_start_line(sl, pos, line, limits)) return fail(std::move(*e));
  pos = eol + 1;
  ++line;

  // ---- header fields, up to the empty line
  for (;;) {
    if (pos >= b.size())
      return fail(at(400, "message ends before the empty line after the header", line, pos));
    if (b[pos] == '\n') {
      ++pos;
      break;
    }
    if (b[pos] == '\r' && pos + 1 < b.size() && b[pos + 1] == '\n') {
      pos += 2;
      break;
    }
    if (chars::is_ws(b[pos]))
      return fail(at(400, "header line starts with white space but continues nothing", line, pos));
    std::size_t fstart = pos;
    std::uint32_t fline = line;
    eol = find_lf(b, pos);
    bool folded = false;
    while (eol != std::string_view::npos && eol + 1 < b.size() && chars::is_ws(b[eol + 1])) {
      folded = true;
      ++line;
      eol = find_lf(b, eol + 1);
    }
    if (eol == std::string_view::npos)
      return fail(at(400, "message ends inside a header field", line, pos));
    std::size_t fend = (eol > fstart && b[eol - 1] == '\r') ? eol - 1 : eol;
    std::string_view raw = b.substr(fstart, fend - fstart);
    if (raw.size() > limits.max_header_length)
      return fail(
          at(400, "header field longer than " + std::to_string(limits.max_header_length) + " bytes",
             fline, fstart));
    std::size_t i = 0;
    while (i < raw.size() && chars::is_token(raw[i])) ++i;
    std::string_view name = raw.substr(0, i);
    if (name.empty()) return fail(at(400, "invalid header field name", fline, fstart));
    while (i < raw.size() && chars::is_ws(raw[i])) ++i;
    if (i == raw.size() || raw[i] != ':')
      return fail(at(400, "header field '" + std::string(name.substr(0, 64)) + "' has no ':'",
                     fline, fstart + i));
    std::string_view value = raw.substr(i + 1);
    if (maybe_control(value)) {
      // A CR belongs to the CRLF of a fold (§7.3.1) or to nothing: "0\r\r\n 5" is no number.
      for (std::size_t cr = value.find('\r'); cr != std::string_view::npos;
           cr = value.find('\r', cr + 1))
        if (cr + 1 == value.size() || value[cr + 1] != '\n')
          return fail(at(400, "stray CR in header field '" + std::string(name.substr(0, 64)) + "'",
                         fline, fstart));
      if (value.find('\0') != std::string_view::npos)
        return fail(at(400, "NUL byte in header field '" + std::string(name.substr(0, 64)) + "'",
                       fline, fstart));
      // header-value = *(TEXT-UTF8char / UTF8-CONT / LWS): no control characters but the HTAB of
      // white space and the CR LF of folding (§25.1).
      for (char c : value)
        if (is_control(c) && c != '\r' && c != '\n')
          return fail(
              at(400, "control character in header field '" + std::string(name.substr(0, 64)) + "'",
                 fline, fstart));
    }
    std::size_t value_offset = fstart + i + 1;
    while (!value.empty() && chars::is_ws(value.front())) {
      value.remove_prefix(1);
      ++value_offset;
    }
    if (folded) value = m.keep(unfold(value));
    value = trim(value);
    if (m.fields_.size() == limits.max_headers)
      return fail(at(400, "more than " + std::to_string(limits.max_headers) + " header fields",
                     fline, fstart));
    m.fields_.push_back(HeaderField{header_id(name), name, value, raw, fline,
                                    static_cast<std::uint32_t>(value_offset)});
    pos = eol + 1;
    ++line;
  }

  if (auto e = m.take_body(pos, limits)) return fail(std::move(*e));
  return m;
}

// ---- lookups

const HeaderField* Message::find(HeaderId id) const {
  for (const HeaderField& f : fields_)
    if (f.id == id) return &f;
  return nullptr;
}

const HeaderField* Message::find(std::string_view name) const {
  HeaderId id = header_id(name);
  if (id != HeaderId::Unknown) return find(id);
  for (const HeaderField& f : fields_)
    if (f.id == HeaderId::Unknown && iequals(f.name, name)) return &f;
  return nullptr;
}

std::size_t Message::count(HeaderId id) const {
  return static_cast<std::size_t>(std::count_if(fields_.begin(), fields_.end(),
                                                [id](const HeaderField& f) { return f.id == id; }));
}

std::optional<std::string_view> Message::header(std::string_view name) const {
  const HeaderField* f = find(name);
  if (!f) return std::nullopt;
  return f->value;
}

std::vector<std::string_view> Message::values(HeaderId id) const {
  std::vector<std::string_view> out;
  for (const HeaderField& f : fields_) {
    if (f.id != id) continue;
    if (is_list_header(id))
      split_list(f.value, [&](std::string_view v, std::size_t) { out.push_back(v); });
    else
      out.push_back(f.value);
  }
  return out;
}

std::optional<std::string_view> Message::call_id() const {
  const HeaderField* f = find(HeaderId::CallId);
  if (!f) return std::nullopt;
  return f->value;
}

Method Message::cseq_method() const {
  if (is_request()) return method_;
  const auto& c = cseq();
  return c ? c->method : Method::Extension;
}

ParseError Message::locate(ParseError e, const HeaderField& f) const {
  std::string_view name = f.id == HeaderId::Unknown ? f.name : header_name(f.id);
  if (!e.what.starts_with(name)) e.what = std::string(name) + ": " + e.what;
  e.line = f.line;
  e.offset += f.offset;
  return e;
}

// ---- typed, cached

template <class T, class F>
const ParseResult<T>& Message::cached(std::optional<ParseResult<T>>& slot, HeaderId id,
                                      F&& parse) const {
  if (!slot) slot.emplace(parse(id));
  return *slot;
}

namespace {
template <class T>
ParseResult<T> missing(HeaderId id) {
  return fail(ParseError{400, "missing " + std::string(header_name(id)) + " header", 0, 0});
}
}  // namespace

namespace {

// Debug and fuzz builds hold the plain parsers to the careful ones: same values, rendered.
// Called under `if constexpr (kCrosscheck)`, so that release builds do not parse twice.
template <class T>
void crosscheck(const T& plain, const ParseResult<T>& careful) {
  if (!careful) std::abort();
  if constexpr (requires { plain.size(); }) {
    if (plain.size() != careful->size()) std::abort();
    for (std::size_t i = 0; i < plain.size(); ++i)
      if (plain[i].to_string() != (*careful)[i].to_string()) std::abort();
  } else {
    if (plain.to_string() != careful->to_string()) std::abort();
  }
}
}  // namespace

const ParseResult<Uri>& Message::request_uri() const {
  if (!cache_.request_uri) {
    if (is_response())
      cache_.request_uri.emplace(fail(syntax_error("a response has no Request-URI")));
    else if (auto& r = cache_.request_uri.emplace(std::in_place);
             parse_uri_plain(request_uri_, *r)) {
      if constexpr (kCrosscheck) crosscheck(*r, parse_uri(request_uri_));
    } else {
      auto u = parse_uri(request_uri_);
      if (!u) {
        ParseError e = std::move(u).error();
        e.what = "Request-URI: " + e.what;
        // Located in the received bytes, where the start line may follow CRLFs (§7.5); a
        // Request-URI set in code has no place there.
        if (!start_line_.empty()) {
          const char* begin = bytes_.get();
          e.line = 1 + static_cast<std::uint32_t>(std::count(begin, start_line_.data(), '\n'));
          e.offset += static_cast<std::size_t>(request_uri_.data() - begin);
        } else {
          e.line = 0;
          e.offset = 0;
        }
        cache_.request_uri.emplace(fail(std::move(e)));
      } else {
        cache_.request_uri.emplace(std::move(*u));
      }
    }
  }
  return *cache_.request_uri;
}

namespace {
// Every element of every field of a list header, parsed in place by a plain parser (see
// parse_via_plain). False when any element needs its careful parser, or a field has none.
template <class T, class F>
bool plain_list(std::span<const HeaderField> fields, HeaderId id, std::vector<T>& out, F&& parse) {
  for (const HeaderField& f : fields)
    if (f.id == id && !plain_list_into(f.value, out, parse)) return false;
  return true;
}

}  // namespace

const ParseResult<std::vector<Via>>& Message::via() const {
  if (cache_.via) return *cache_.via;
  auto& r = cache_.via.emplace(std::in_place);
  auto careful = [this](HeaderId id) -> ParseResult<std::vector<Via>> {
    std::vector<Via> all;
    for (const HeaderField& f : fields_) {
      if (f.id != id) continue;
      auto list = parse_via_list(f.value);
      if (!list) return fail(locate(std::move(list).error(), f));
      for (Via& v : *list) all.push_back(std::move(v));
    }
    if (all.empty()) return missing<std::vector<Via>>(id);
    return all;
  };
  if (plain_list(fields(), HeaderId::Via, *r, parse_via_plain) && !r->empty()) {
    if constexpr (kCrosscheck) crosscheck(*r, careful(HeaderId::Via));
    return r;
  }
  r = careful(HeaderId::Via);
  return r;
}

namespace {
template <class T, class F>
ParseResult<T> parse_single(const Message& m, HeaderId id, F&& parse) {
  const HeaderField* f = m.find(id);
  if (!f) return missing<T>(id);
  auto r = parse(f->value);
  if (!r) return fail(m.locate(std::move(r).error(), *f));
  return std::move(*r);
}
}  // namespace

const ParseResult<NameAddr>& Message::from() const {
  if (cache_.from) return *cache_.from;
  auto& r = cache_.from.emplace(std::in_place);
  const HeaderField* f = find(HeaderId::From);
  if (f && parse_name_addr_plain(f->value, *r)) {
    if constexpr (kCrosscheck)
      crosscheck(*r, parse_single<NameAddr>(*this, HeaderId::From, parse_name_addr));
    return r;
  }
  r = parse_single<NameAddr>(*this, HeaderId::From, parse_name_addr);
  return r;
}

const ParseResult<NameAddr>& Message::to() const {
  if (cache_.to) return *cache_.to;
  auto& r = cache_.to.emplace(std::in_place);
  const HeaderField* f = find(HeaderId::To);
  if (f && parse_name_addr_plain(f->value, *r)) {
    if constexpr (kCrosscheck)
      crosscheck(*r, parse_single<NameAddr>(*this, HeaderId::To, parse_name_addr));
    return r;
  }
  r = parse_single<NameAddr>(*this, HeaderId::To, parse_name_addr);
  return r;
}

const ParseResult<CSeq>& Message::cseq() const {
  return cached(cache_.cseq, HeaderId::CSeq,
                [this](HeaderId id) { return parse_single<CSeq>(*this, id, parse_cseq); });
}

namespace {
template <class F>
ParseResult<std::optional<std::uint32_t>> optional_number(const Message& m, HeaderId id,
                                                          F&& parse) {
  if (!m.find(id)) return std::optional<std::uint32_t>{};
  auto r = parse_single<std::uint32_t>(m, id, parse);
  if (!r) return fail(std::move(r).error());
  return std::optional<std::uint32_t>(*r);
}
}  // namespace

const ParseResult<std::optional<std::uint32_t>>& Message::max_forwards() const {
  return cached(cache_.max_forwards, HeaderId::MaxForwards, [this](HeaderId id) {
    return optional_number(*this, id,
                           [](std::string_view v) { return parse_number(v, 0x7fffffffu); });
  });
}

const ParseResult<std::optional<std::uint32_t>>& Message::content_length() const {
  return cached(cache_.content_length, HeaderId::ContentLength, [this](HeaderId id) {
    return optional_number(*this, id, [](std::string_view v) { return parse_number(v); });
  });
}

namespace {
ParseResult<std::vector<NameAddr>> name_addr_fields(const Message& m, HeaderId id) {
  std::vector<NameAddr> all;
  for (const HeaderField& f : m.fields()) {
    if (f.id != id) continue;
    auto list = parse_name_addr_list(f.value);
    if (!list) return fail(m.locate(std::move(list).error(), f));
    for (NameAddr& na : *list) all.push_back(std::move(na));
  }
  return all;
}
}  // namespace

const ParseResult<std::vector<NameAddr>>& Message::route() const {
  if (cache_.route) return *cache_.route;
  auto& r = cache_.route.emplace(std::in_place);
  if (!plain_list(fields(), HeaderId::Route, *r, parse_name_addr_plain))
    r = name_addr_fields(*this, HeaderId::Route);
  else if constexpr (kCrosscheck)
    crosscheck(*r, name_addr_fields(*this, HeaderId::Route));
  return r;
}

const ParseResult<std::vector<NameAddr>>& Message::record_route() const {
  if (cache_.record_route) return *cache_.record_route;
  auto& r = cache_.record_route.emplace(std::in_place);
  if (!plain_list(fields(), HeaderId::RecordRoute, *r, parse_name_addr_plain))
    r = name_addr_fields(*this, HeaderId::RecordRoute);
  else if constexpr (kCrosscheck)
    crosscheck(*r, name_addr_fields(*this, HeaderId::RecordRoute));
  return r;
}

const ParseResult<ContactList>& Message::contact() const {
  return cached(cache_.contact, HeaderId::Contact, [this](HeaderId id) -> ParseResult<ContactList> {
    ContactList all;
    for (const HeaderField& f : fields_) {
      if (f.id != id) continue;
      auto c = parse_contact(f.value);
      if (!c) return fail(locate(std::move(c).error(), f));
      // §10.3 step 6: "*" must be the only Contact value.
      if (c->star && (all.star || !all.contacts.empty() || count(id) > 1))
        return fail(locate(syntax_error("'*' must be the only Contact"), f));
      all.star = all.star || c->star;
      for (NameAddr& na : c->contacts) all.contacts.push_back(std::move(na));
    }
    return all;
  });
}

// ---- changes

std::string_view Message::keep(std::string s) {
  kept_.push_back(std::make_shared<const std::string>(std::move(s)));
  return *kept_.back();
}

void Message::changed(HeaderId id) {
  switch (id) {
    case HeaderId::Via:
      cache_.via.reset();
      break;
    case HeaderId::From:
      cache_.from.reset();
      break;
    case HeaderId::To:
      cache_.to.reset();
      break;
    case HeaderId::CSeq:
      cache_.cseq.reset();
      break;
    case HeaderId::MaxForwards:
      cache_.max_forwards.reset();
      break;
    case HeaderId::ContentLength:
      cache_.content_length.reset();
      break;
    case HeaderId::Route:
      cache_.route.reset();
      break;
    case HeaderId::RecordRoute:
      cache_.record_route.reset();
      break;
    case HeaderId::Contact:
      cache_.contact.reset();
      break;
    default:
      break;
  }
}

namespace {
// Header values written in code must not carry line ends: that would inject header fields.
// Nor other control characters: parse() refuses them, so the message would not read back.
std::string one_line(std::string v) {
  for (char& c : v)
    if (is_control(c)) c = ' ';
  return v;
}
}  // namespace

void Message::set_request_uri(std::string uri) {
  request_uri_ = keep(one_line(std::move(uri)));
  start_line_ = {};
  cache_.request_uri.reset();
}

void Message::set_status(int code, std::string reason) {
  status_ = code;
  reason_ = keep(one_line(std::move(reason)));
  start_line_ = {};
}

void Message::set(HeaderId id, std::string value) {
  auto first = std::find_if(fields_.begin(), fields_.end(),
                            [id](const HeaderField& f) { return f.id == id; });
  std::size_t at_index =
      first == fields_.end() ? fields_.size() : static_cast<std::size_t>(first - fields_.begin());
  remove(id);
  HeaderField f{id, header_name(id), keep(one_line(std::move(value))), {}, 0, 0};
  fields_.insert(fields_.begin() + static_cast<std::ptrdiff_t>(std::min(at_index, fields_.size())),
                 f);
  changed(id);
}

void Message::set(std::string_view name, std::string value) {
  HeaderId id = header_id(name);
  if (id != HeaderId::Unknown) return set(id, std::move(value));
  remove(name);
  fields_.push_back(
      HeaderField{id, keep(std::string(name)), keep(one_line(std::move(value))), {}, 0, 0});
}

void Message::prepend(HeaderId id, std::string value) {
  auto first = std::find_if(fields_.begin(), fields_.end(),
                            [id](const HeaderField& f) { return f.id == id; });
  if (first == fields_.end()) first = fields_.begin();
  fields_.insert(first,
                 HeaderField{id, header_name(id), keep(one_line(std::move(value))), {}, 0, 0});
  changed(id);
}

void Message::append(HeaderId id, std::string value) {
  fields_.push_back(HeaderField{id, header_name(id), keep(one_line(std::move(value))), {}, 0, 0});
  changed(id);
}

void Message::append(std::string_view name, std::string value) {
  HeaderId id = header_id(name);
  if (id != HeaderId::Unknown) return append(id, std::move(value));
  fields_.push_back(
      HeaderField{id, keep(std::string(name)), keep(one_line(std::move(value))), {}, 0, 0});
}

std::size_t Message::remove(HeaderId id) {
  std::size_t before = fields_.size();
  fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                               [id](const HeaderField& f) { return f.id == id; }),
                fields_.end());
  changed(id);
  return before - fields_.size();
}

std::size_t Message::remove(std::string_view name) {
  HeaderId id = header_id(name);
  if (id != HeaderId::Unknown) return remove(id);
  std::size_t before = fields_.size();
  fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                               [name](const HeaderField& f) {
                                 return f.id == HeaderId::Unknown && iequals(f.name, name);
                               }),
                fields_.end());
  return before - fields_.size();
}

bool Message::remove_first_value(HeaderId id) {
  auto first = std::find_if(fields_.begin(), fields_.end(),
                            [id](const HeaderField& f) { return f.id == id; });
  if (first == fields_.end()) return false;
  std::vector<std::string_view> items;
  split_list(first->value, [&](std::string_view v, std::size_t) { items.push_back(v); });
  if (items.size() <= 1) {
    fields_.erase(first);
  } else {
    std::string rest;
    for (std::size_t i = 1; i < items.size(); ++i) {
      if (i > 1) rest.append(", ");
      rest.append(items[i]);
    }
    first->value = keep(std::move(rest));
    first->raw = {};
    first->name = header_name(id);
  }
  changed(id);
  return true;
}

bool Message::put_top_via(std::string_view held) {
  auto first = std::find_if(fields_.begin(), fields_.end(),
                            [](const HeaderField& f) { return f.id == HeaderId::Via; });
  if (first == fields_.end()) return false;
  // What follows the first via-parm in this field: the others, from the second one on.
  std::size_t items = 0, second = 0;
  split_list(first->value, [&](std::string_view, std::size_t off) {
    if (++items == 2) second = off;
  });
  if (items > 1) {
    std::string value(held);
    value.append(", ").append(first->value.substr(second));
    first->value = keep(std::move(value));
  } else {
    first->value = held;
  }
  first->raw = {};
  first->name = header_name(HeaderId::Via);
  return true;
}

bool Message::replace_top_via(std::string text) {
  if (!put_top_via(keep(one_line(std::move(text))))) return false;
  changed(HeaderId::Via);
  return true;
}

bool Message::replace_top_via(std::string_view held, Via parsed) {
  if (!put_top_via(held)) return false;
  if (cache_.via && *cache_.via && !(*cache_.via)->empty())
    (*cache_.via)->front() = std::move(parsed);
  else
    changed(HeaderId::Via);
  return true;
}

void Message::set_body(std::string body, std::string content_type) {
  body_ = keep(std::move(body));
  remove(HeaderId::ContentLength);
  if (!content_type.empty())
    set(HeaderId::ContentType, std::move(content_type));
  else if (body_.empty())
    remove(HeaderId::ContentType);
  cache_.content_length.emplace(
      std::optional<std::uint32_t>(static_cast<std::uint32_t>(body_.size())));
}

// ---- output

void Message::render_start_line(std::string& out) const {
  if (!start_line_.empty()) {
    out.append(start_line_);
  } else if (is_request()) {
    out.append(method_name_).append(" ").append(request_uri_).append(" SIP/2.0");
  } else {
    out.append("SIP/2.0 ").append(std::to_string(status_)).append(" ").append(reason_);
  }
  out.append("\r\n");
}

void Message::render_field(std::string& out, const HeaderField& f, bool canonical_name) const {
  if (!canonical_name && !f.raw.empty()) {
    out.append(f.raw);
  } else {
    out.append(canonical_name && f.id != HeaderId::Unknown ? header_name(f.id) : f.name);
    out.append(": ");
    out.append(f.value);
  }
  out.append("\r\n");
}

void Message::serialize_to(std::string& out) const {
  out.reserve(out.size() + bytes_size_ + 256);
  render_start_line(out);
  bool wrote_length = false;
  for (const HeaderField& f : fields_) {
    if (f.id == HeaderId::ContentLength) {
      if (wrote_length) continue;
      wrote_length = true;
      // The received field is kept when it still tells the truth.
      if (!f.raw.empty() && parse_number(f.value).value_or(~0u) == body_.size()) {
        render_field(out, f, false);
        continue;
      }
      out.append("Content-Length: ").append(std::to_string(body_.size())).append("\r\n");
      continue;
    }
    render_field(out, f, false);
  }
  if (!wrote_length)
    out.append("Content-Length: ").append(std::to_string(body_.size())).append("\r\n");
  out.append("\r\n");
  out.append(body_);
}

std::string Message::serialize() const {
  std::string out;
  serialize_to(out);
  return out;
}

std::string Message::canonical() const {
  std::string out;
  render_start_line(out);
  for (const HeaderField& f : fields_)
    if (f.id != HeaderId::ContentLength) render_field(out, f, true);
  out.append("Content-Length: ").append(std::to_string(body_.size())).append("\r\n\r\n");
  out.append(body_);
  return out;
}

bool operator==(const Message& a, const Message& b) {
  if (a.status_ != b.status_ || a.method_name_ != b.method_name_ ||
      a.request_uri_ != b.request_uri_ || a.reason_ != b.reason_ || a.body_ != b.body_)
    return false;
  auto next = [](const Message& m, std::size_t i) {
    while (i < m.fields_.size() && m.fields_[i].id == HeaderId::ContentLength) ++i;
    return i;
  };
  std::size_t i = next(a, 0), j = next(b, 0);
  while (i < a.fields_.size() && j < b.fields_.size()) {
    const HeaderField &x = a.fields_[i], &y = b.fields_[j];
    if (x.id != y.id || (x.id == HeaderId::Unknown && !iequals(x.name, y.name)) ||
        x.value != y.value)
      return false;
    i = next(a, i + 1);
    j = next(b, j + 1);
  }
  return i == a.fields_.size() && j == b.fields_.size();
}

}  // namespace parley::message
