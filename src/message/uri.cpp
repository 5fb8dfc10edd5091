#include "message/uri.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "message/crosscheck.hpp"
#include "message/line_scan.hpp"

namespace parley::message {

namespace {

using chars::is;

// A valid escape "%HH" starts at s[i].
bool escape_at(std::string_view s, std::size_t i) {
  return s[i] == '%' && i + 2 < s.size() && chars::is_hex(s[i + 1]) && chars::is_hex(s[i + 2]);
}
char upper_hex(char c) { return (c >= 'a' && c <= 'f') ? static_cast<char>(c - 'a' + 'A') : c; }
int hex_value(char c) { return chars::is_digit(c) ? c - '0' : (ascii_lower(c) - 'a' + 10); }
char escaped_char(std::string_view s, std::size_t i) {
  return static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
}

constexpr std::uint8_t kUserChars = chars::kUnreserved | chars::kUserExtra;
constexpr std::uint8_t kPasswordChars = chars::kUnreserved | chars::kPasswordExtra;
constexpr std::uint8_t kParamChars = chars::kUnreserved | chars::kParamExtra;
constexpr std::uint8_t kHeaderChars = chars::kUnreserved | chars::kHeaderExtra;

// Checks that every character of s is in cls or part of a valid %HH escape.
// Returns the offset of the first bad character, or npos.
std::size_t bad_escaped_char(std::string_view s, std::uint8_t cls) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (!escape_at(s, i)) return i;
      i += 2;
    } else if (!is(s[i], cls)) {
      return i;
    }
  }
  return std::string_view::npos;
}

// Four dot-separated decimal parts of 1-3 digits, each at most 255, in one pass.
bool valid_ipv4(std::string_view s) {
  int parts = 0, digits = 0, value = 0;
  for (char c : s) {
    if (c == '.') {
      if (digits == 0 || ++parts == 4) return false;
      digits = value = 0;
    } else if (chars::is_digit(c) && digits < 3) {
      value = value * 10 + (c - '0');
      if (value > 255) return false;
      ++digits;
    } else {
      return false;
    }
  }
  return digits > 0 && parts == 3;
}

bool valid_ipv6(std::string_view s) {
  if (s.empty() || s.size() >= INET6_ADDRSTRLEN) return false;
  // inet_pton reads a C string: a NUL inside would end the address early and let the rest in.
  if (s.find('\0') != std::string_view::npos) return false;
  char buf[INET6_ADDRSTRLEN];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  in6_addr addr;
  return inet_pton(AF_INET6, buf, &addr) == 1;
}

// hostname = *( domainlabel "." ) toplabel [ "." ]; toplabel starts with a letter. A host made of
// digits and dots only must therefore be an IPv4 address.
std::optional<ParseError> check_hostname(std::string_view h, std::size_t base) {
  if (h.empty()) return syntax_error("URI has an empty host", base);
  // One pass: characters, labels, and whether it is digits and dots only (then: IPv4).
  std::size_t end = h.size() > 1 && h.back() == '.' ? h.size() - 1 : h.size();  // FQDN dot
  bool digits_and_dots = true;
  std::size_t label = 0;  // start of the current label
  for (std::size_t i = 0; i <= end; ++i) {
    if (i == end || h[i] == '.') {
      if (i == label) return syntax_error("empty label in host '" + std::string(h) + "'", base + i);
      if (h[label] == '-' || h[i - 1] == '-')
        return syntax_error("host label may not start or end with '-'", base + label);
      if (i < end) label = i + 1;
      continue;
    }
    if (!is(h[i], chars::kHost))
      return syntax_error(std::string("invalid character '") + h[i] + "' in host", base + i);
    if (!chars::is_digit(h[i])) digits_and_dots = false;
  }
  if (digits_and_dots) {
    if (!valid_ipv4(h)) return syntax_error("invalid IPv4 address '" + std::string(h) + "'", base);
    return std::nullopt;
  }
  if (!chars::is_alpha(h[label]))
    return syntax_error("top label of host '" + std::string(h) + "' must start with a letter",
                        base + label);
  return std::nullopt;
}

// *( ";" pname [ "=" pvalue ] ) or *( "&" hname "=" hvalue ): splits and checks the characters.
std::optional<ParseError> parse_uri_params(std::string_view s, char sep, std::uint8_t cls,
                                           bool value_required, std::size_t base, Params& out) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t end = s.find(sep, i);
    if (end == std::string_view::npos) end = s.size();
    std::string_view item = s.substr(i, end - i);
    Param p;
    std::size_t eq = item.find('=');
    p.name = item.substr(0, eq);
    if (p.name.empty()) return syntax_error("URI has an empty parameter name", base + i);
    if (std::size_t bad = bad_escaped_char(p.name, cls); bad != std::string_view::npos)
      return syntax_error(
          std::string("invalid character in URI parameter '") + std::string(p.name) + "'",
          base + i + bad);
    if (eq != std::string_view::npos) {
      p.has_value = true;
      p.value = item.substr(eq + 1);
      if (std::size_t bad = bad_escaped_char(p.value, cls); bad != std::string_view::npos)
        return syntax_error(
            "invalid character in value of URI parameter '" + std::string(p.name) + "'",
            base + i + eq + 1 + bad);
      if (p.value.empty() && sep == ';')
        return syntax_error("URI parameter '" + std::string(p.name) + "' has '=' but no value",
                            base + i);
    } else if (value_required) {
      return syntax_error("URI header '" + std::string(p.name) + "' has no '='", base + i);
    }
    out.add(p);
    i = end + 1;
  }
  return std::nullopt;
}

ParseResult<SipUri> parse_sip_body(std::string_view rest, bool secure, std::size_t base) {
  SipUri u;
  u.secure = secure;
  // Split off ?headers and ;params. Neither user nor password may hold an unescaped '@', so the
  // first '@' ends the userinfo; ';' and '?' may appear in the user part (user-unreserved).
  std::size_t at = rest.find('@');
  std::size_t hp_start = 0;
  if (at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    std::size_t colon = userinfo.find(':');
    std::string_view user = userinfo.substr(0, colon);
    if (user.empty()) return fail(syntax_error("URI has '@' but an empty user", base));
    if (std::size_t bad = bad_escaped_char(user, kUserChars); bad != std::string_view::npos)
      return fail(syntax_error(
          std::string("invalid character '") + user[bad] + "' in URI user part", base + bad));
    u.user = user;
    if (colon != std::string_view::npos) {
      std::string_view pw = userinfo.substr(colon + 1);
      if (std::size_t bad = bad_escaped_char(pw, kPasswordChars); bad != std::string_view::npos)
        return fail(syntax_error("invalid character in URI password", base + colon + 1 + bad));
      u.password = pw;
    }
    hp_start = at + 1;
  }
  std::string_view after = rest.substr(hp_start);
  std::size_t qmark = after.find('?');
  std::string_view before_headers = after.substr(0, qmark);
  std::size_t semi = before_headers.find(';');
  std::string_view hostport = before_headers.substr(0, semi);
  std::size_t hbase = base + hp_start;

  auto hp = parse_host_port(hostport);
  if (!hp) {
    ParseError e = std::move(hp).error();
    e.offset += hbase;
    return fail(std::move(e));
  }
  u.host = hp->host;
  u.host_kind = hp->kind;
  u.port = hp->port;
  if (semi != std::string_view::npos) {
    if (auto err = parse_uri_params(before_headers.substr(semi + 1), ';', kParamChars, false,
                                    hbase + semi + 1, u.params))
      return fail(std::move(*err));
  }
  if (qmark != std::string_view::npos) {
    if (auto err = parse_uri_params(after.substr(qmark + 1), '&', kHeaderChars, true,
                                    hbase + qmark + 1, u.headers))
      return fail(std::move(*err));
  }
  return u;
}

ParseResult<TelUri> parse_tel_body(std::string_view rest, std::size_t base) {
  TelUri t;
  std::size_t semi = rest.find(';');
  t.number = rest.substr(0, semi);
  if (t.number.empty()) return fail(syntax_error("tel URI has no number", base));
  t.global = t.number.front() == '+';
  bool any_digit = false;
  for (std::size_t i = t.global ? 1 : 0; i < t.number.size(); ++i) {
    char c = t.number[i];
    // global: digits and visual separators; local adds hex digits, '*' and '#' (RFC 3966 §3).
    bool ok = chars::is_digit(c) || c == '-' || c == '.' || c == '(' || c == ')' ||
              (!t.global && (chars::is_hex(c) || c == '*' || c == '#'));
    if (!ok)
      return fail(
          syntax_error(std::string("invalid character '") + c + "' in tel number", base + i));
    if (chars::is_hex(c) || c == '*' || c == '#') any_digit = true;
  }
  if (!any_digit) return fail(syntax_error("tel URI number has no digits", base));
  if (semi != std::string_view::npos) {
    if (auto err = parse_uri_params(rest.substr(semi + 1), ';', kParamChars, false, base + semi + 1,
                                    t.params))
      return fail(std::move(*err));
  }
  // RFC 3966 §5.1.5: a local number MUST carry phone-context.
  if (!t.global && !t.params.has("phone-context"))
    return fail(syntax_error("local tel number without phone-context", base));
  return t;
}

// RFC 3261 §19.1.4: escapes of unreserved characters equal the characters themselves; escapes of
// reserved ones do not. Normalize to: unreserved decoded, everything else %HH in upper case.
std::string normalize_escapes(std::string_view s, bool lower) {
  static constexpr std::string_view kReserved = ";/?:@&=+$,";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (escape_at(s, i)) {
      char c = escaped_char(s, i);
      if (kReserved.find(c) == std::string_view::npos && c != '%') {
        out.push_back(lower ? ascii_lower(c) : c);
      } else {
        out.push_back('%');
        out.push_back(upper_hex(s[i + 1]));
        out.push_back(upper_hex(s[i + 2]));
      }
      i += 2;
    } else {
      out.push_back(lower ? ascii_lower(s[i]) : s[i]);
    }
  }
  return out;
}

// b has a parameter named as p with the same value. A URI may repeat a parameter ("sip:h;y=1;y=2"),
// so the first of that name is not enough: the URI would not be equivalent to itself.
bool has_equal(const Params& b, const Param& p, bool lower) {
  for (const Param& q : b)
    if (iequals(q.name, p.name) &&
        normalize_escapes(q.value, lower) == normalize_escapes(p.value, lower))
      return true;
  return false;
}

bool params_match(const Params& a, const Params& b) {
  auto one_way = [](const Params& x, const Params& y) {
    for (const Param& px : x) {
      if (!y.find(px.name)) {
        // §19.1.4: user, ttl, method and maddr present in only one URI never match; other
        // parameters present in only one URI are ignored.
        if (iequals(px.name, "user") || iequals(px.name, "ttl") || iequals(px.name, "method") ||
            iequals(px.name, "maddr"))
          return false;
        continue;
      }
      if (!has_equal(y, px, true)) return false;
    }
    return true;
  };
  return one_way(a, b) && one_way(b, a);
}

bool headers_match(const Params& a, const Params& b) {
  // §19.1.4: header components are never ignored; each must be present in both and match.
  if (a.size() != b.size()) return false;
  for (const Param& pa : a)
    if (!has_equal(b, pa, false)) return false;
  for (const Param& pb : b)
    if (!has_equal(a, pb, false)) return false;
  return true;
}

bool hosts_match(const SipUri& a, const SipUri& b) {
  if (a.host_kind != b.host_kind) return false;
  if (a.host_kind == HostKind::IPv6) {
    in6_addr x{}, y{};
    std::string sa(a.host), sb(b.host);
    return inet_pton(AF_INET6, sa.c_str(), &x) == 1 && inet_pton(AF_INET6, sb.c_str(), &y) == 1 &&
           std::memcmp(&x, &y, sizeof x) == 0;
  }
  std::string_view ha = a.host, hb = b.host;
  if (!ha.empty() && ha.back() == '.') ha.remove_suffix(1);
  if (!hb.empty() && hb.back() == '.') hb.remove_suffix(1);
  return iequals(ha, hb);
}

std::string tel_digits(std::string_view n) {
  std::string out;
  for (char c : n)
    if (c != '-' && c != '.' && c != '(' && c != ')') out.push_back(ascii_lower(c));
  return out;
}

}  // namespace

ParseResult<HostPort> parse_host_port(std::string_view hostport) {
  HostPort hp;
  std::string_view port_text;
  bool has_port = false;
  if (!hostport.empty() && hostport.front() == '[') {
    std::size_t close = hostport.find(']');
    if (close == std::string_view::npos)
      return fail(syntax_error("IPv6 reference is missing ']'", 0));
    hp.host = hostport.substr(1, close - 1);
    hp.kind = HostKind::IPv6;
    if (!valid_ipv6(hp.host))
      return fail(syntax_error("invalid IPv6 address '" + std::string(hp.host) + "'", 1));
    std::string_view tail = hostport.substr(close + 1);
    if (!tail.empty()) {
      if (tail.front() != ':')
        return fail(syntax_error("unexpected text after IPv6 reference", close + 1));
      port_text = tail.substr(1);
      has_port = true;
    }
  } else {
    std::size_t colon = hostport.find(':');
    hp.host = hostport.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = hostport.substr(colon + 1);
      has_port = true;
    }
    if (auto err = check_hostname(hp.host, 0)) return fail(std::move(*err));
    hp.kind = std::all_of(hp.host.begin(), hp.host.end(),
                          [](char c) { return chars::is_digit(c) || c == '.'; })
                  ? HostKind::IPv4
                  : HostKind::Name;
  }
  if (has_port) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), v);
    if (port_text.empty() || ec != std::errc() || p != port_text.data() + port_text.size() ||
        v > 65535)
      return fail(syntax_error("invalid port '" + std::string(port_text) + "'",
                               hostport.size() - port_text.size()));
    hp.port = static_cast<std::uint16_t>(v);
  }
  return hp;
}

std::string SipUri::host_port() const {
  std::string out;
  if (host_kind == HostKind::IPv6)
    out.append("[").append(host).append("]");
  else
    out.append(host);
  if (port) out.append(":").append(std::to_string(*port));
  return out;
}

std::string_view Uri::scheme() const {
  if (auto* s = sip()) return s->secure ? "sips" : "sip";
  if (tel()) return "tel";
  return other()->scheme;
}

void Uri::append_to(std::string& out) const {
  if (const SipUri* u = sip()) {
    out.append(u->secure ? "sips:" : "sip:");
    if (u->user) {
      out.append(*u->user);
      if (u->password) out.append(":").append(*u->password);
      out.push_back('@');
    }
    out.append(u->host_port());
    u->params.append_to(out);
    char sep = '?';
    for (const Param& h : u->headers) {
      out.push_back(sep);
      out.append(h.name).append("=").append(h.value);
      sep = '&';
    }
  } else if (const TelUri* t = tel()) {
    out.append("tel:").append(t->number);
    t->params.append_to(out);
  } else {
    out.append(other()->scheme).append(":").append(other()->rest);
  }
}

std::string Uri::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<SipUri> parse_sip_uri(std::string_view text) {
  auto uri = parse_uri(text);
  if (!uri) return fail(std::move(uri).error());
  if (!uri->sip())
    return fail(ParseError{416, "not a sip or sips URI: '" + std::string(text) + "'", 0, 0});
  return std::move(*uri->sip());
}

namespace {
// Classes of the bytes of a host name, for parse_host_plain: 0 ends the host.
enum : std::uint8_t { kHostEnd = 0, kHostAlpha = 1, kHostDigit = 2, kHostDash = 4, kHostDot = 8 };
constexpr std::array<std::uint8_t, 256> make_host_classes() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 32] = kHostAlpha;
  for (int c = '0'; c <= '9'; ++c) t[c] = kHostDigit;
  t['-'] = kHostDash;
  t['.'] = kHostDot;
  return t;
}
constexpr std::array<std::uint8_t, 256> kHostClasses = make_host_classes();

// parse_host_plain a byte at a time: for texts shorter than one 16-byte load, and hosts longer
// than 64 bytes.
bool parse_host_bytewise(std::string_view text, std::size_t& pos, std::string_view& host,
                         HostKind& kind) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = text.size(), i = pos, label = pos;
  std::uint8_t seen = 0;
  constexpr std::uint8_t kAlnum = kHostAlpha | kHostDigit;
  auto cls = [&](std::size_t at) -> std::uint8_t { return at < n ? kHostClasses[p[at]] : 0; };
  // hostname = *( domainlabel "." ) toplabel; a label is alphanum, then alphanum or '-', ending
  // in alphanum. Each label in turn; whatever breaks the pattern (an empty label, a '-' at either
  // end, a trailing dot) goes to the careful parser.
  for (;;) {
    label = i;
    if (!(cls(i) & kAlnum)) return false;
    for (;;) {
      std::uint8_t k;
      while ((k = cls(i)) & kAlnum) {
        seen |= k;
        ++i;
      }
      if (k != kHostDash) break;
      seen |= k;
      while (cls(i) == kHostDash) ++i;
      if (!(cls(i) & kAlnum)) return false;
    }
    if (cls(i) != kHostDot) break;
    ++i;
  }
  host = std::string_view(text.data() + pos, i - pos);
  if (!(seen & (kHostAlpha | kHostDash))) {
    if (!valid_ipv4(host)) return false;  // digits and dots only: an IPv4 address
    kind = HostKind::IPv4;
  } else {
    if (!chars::is_alpha(text[label])) return false;  // toplabel = ALPHA ...
    kind = HostKind::Name;
  }
  pos = i;
  return true;
}

#if defined(__SSE2__)
// Where the alphas, digits, dashes and dots of a host run are: bit k for text[pos + k]; len is
// where the run ends (the first byte that is none of them). 16 bytes a time, the last load ending
// at the end of text (so that no byte beyond it is read). False when text is shorter than one load
// or the run longer than 64 bytes.
struct HostMasks {
  std::uint64_t alpha = 0, digit = 0, dash = 0, dot = 0;
  unsigned len = 0;
};
bool host_masks(const char* p, std::size_t n, std::size_t pos, HostMasks& m) {
  if (n < 16) return false;
  const __m128i k20 = _mm_set1_epi8(0x20), ka = _mm_set1_epi8('a'), k25 = _mm_set1_epi8(25),
                k0 = _mm_set1_epi8('0'), k9 = _mm_set1_epi8(9), dash = _mm_set1_epi8('-'),
                dot = _mm_set1_epi8('.');
  for (unsigned c = 0; c < 4; ++c) {
    std::size_t o = pos + 16 * c;
    if (o >= n) {
      m.len = static_cast<unsigned>(n - pos);
      return true;
    }
    unsigned shift = 0;
    __m128i x = load16_within(p, o, n, shift);
    __m128i l = _mm_sub_epi8(_mm_or_si128(x, k20), ka);  // 0..25 for letters of either case
    __m128i d = _mm_sub_epi8(x, k0);
    auto bits = [shift](__m128i v) { return unsigned(_mm_movemask_epi8(v)) >> shift; };
    unsigned a = bits(_mm_cmpeq_epi8(_mm_min_epu8(l, k25), l));
    unsigned g = bits(_mm_cmpeq_epi8(_mm_min_epu8(d, k9), d));
    unsigned h = bits(_mm_cmpeq_epi8(x, dash));
    unsigned t = bits(_mm_cmpeq_epi8(x, dot));
    // Lanes past the end of text are shifted out as zeros, so they end the run.
    unsigned stop = static_cast<unsigned>(__builtin_ctz(~(a | g | h | t)));
    std::uint64_t keep = (1ull << stop) - 1;
    m.alpha |= (a & keep) << (16 * c);
    m.digit |= (g & keep) << (16 * c);
    m.dash |= (h & keep) << (16 * c);
    m.dot |= (t & keep) << (16 * c);
    if (stop < 16) {
      m.len = 16 * c + stop;
      return true;
    }
  }
  return false;
}
#endif

}  // namespace

bool parse_host_plain(std::string_view text, std::size_t& pos, std::string_view& host,
                      HostKind& kind) {
#if defined(__SSE2__)
  HostMasks m;
  if (!host_masks(text.data(), text.size(), pos, m))
    return parse_host_bytewise(text, pos, host, kind);
  // The rules of parse_host_bytewise on whole masks: every label starts and ends with an
  // alphanum, so the run does, and each dot has an alphanum on both sides.
  std::uint64_t alnum = m.alpha | m.digit;
  if (m.len == 0 || !(alnum & 1) || !((alnum >> (m.len - 1)) & 1) || (m.dot & ~(alnum >> 1)) ||
      (m.dot & ~(alnum << 1)))
    return false;
  host = text.substr(pos, m.len);
  if (!(m.alpha | m.dash)) {
    if (!valid_ipv4(host)) return false;  // digits and dots only: an IPv4 address
    kind = HostKind::IPv4;
  } else {
    // toplabel = ALPHA ...
    unsigned top = m.dot ? 64 - static_cast<unsigned>(__builtin_clzll(m.dot)) : 0;
    if (!((m.alpha >> top) & 1)) return false;
    kind = HostKind::Name;
  }
  pos += m.len;
  return true;
#else
  return parse_host_bytewise(text, pos, host, kind);
#endif
}

namespace {

// 1*5DIGIT up to 65535 at p[i].
bool plain_port(const char* p, std::size_t n, std::size_t& i, std::optional<std::uint16_t>& port) {
  std::size_t start = i;
  unsigned v = 0;
  while (i < n && chars::is_digit(p[i]) && i - start < 5) v = v * 10 + unsigned(p[i++] - '0');
  if (i == start || v > 65535 || (i < n && chars::is_digit(p[i]))) return false;
  port = static_cast<std::uint16_t>(v);
  return true;
}

}  // namespace

bool parse_uri_plain(std::string_view text, Uri& out) {
  const char* p = text.data();
  std::size_t n = text.size(), i;
  bool secure;
  if (n > 4 && (p[0] | 0x20) == 's' && (p[1] | 0x20) == 'i' && (p[2] | 0x20) == 'p') {
    if (p[3] == ':') {
      secure = false;
      i = 4;
    } else if ((p[3] | 0x20) == 's' && p[4] == ':') {
      secure = true;
      i = 5;
    } else {
      return false;
    }
  } else {
    return false;
  }
  SipUri& u = out.emplace_sip(text);
  u.secure = secure;
  // userinfo: the careful parser takes everything up to the first '@' as userinfo. A run of user
  // characters ending in '@' (or in ':' and password characters, then '@') is exactly that; when
  // no '@' ends it, none follows either, as no later part of a plain URI admits one.
  // Without any '@' (the URIs of Route and Record-Route, of many Contacts) there is no userinfo,
  // and the host is not scanned once as if it were one.
  std::size_t j = i;
  if (find_either(p, i, n, '@', '@') != n)
    while (j < n && chars::is(p[j], kUserChars)) ++j;
  if (j < n && p[j] == ':') {
    std::size_t k = j + 1;
    while (k < n && chars::is(p[k], kPasswordChars)) ++k;
    if (k < n && p[k] == '@') {
      if (j == i) return false;
      u.user = std::string_view(p + i, j - i);
      u.password = std::string_view(p + j + 1, k - j - 1);
      i = k + 1;
    }
  } else if (j < n && p[j] == '@') {
    if (j == i) return false;
    u.user = std::string_view(p + i, j - i);
    i = j + 1;
  }
  if (!parse_host_plain(text, i, u.host, u.host_kind)) return false;
  if (i < n && p[i] == ':') {
    ++i;
    if (!plain_port(p, n, i, u.port)) return false;
  }
  // uri-parameters; headers ('?') and escapes are left to the careful parser.
  while (i < n) {
    if (p[i] != ';') return false;
    Param prm;
    std::size_t s = ++i;
    while (i < n && chars::is(p[i], kParamChars)) ++i;
    if (i == s) return false;
    prm.name = std::string_view(p + s, i - s);
    if (i < n && p[i] == '=') {
      s = ++i;
      while (i < n && chars::is(p[i], kParamChars)) ++i;
      if (i == s) return false;
      prm.value = std::string_view(p + s, i - s);
      prm.has_value = true;
    }
    u.params.add(prm);
  }
  return true;
}

static ParseResult<Uri> parse_uri_careful(std::string_view text);

ParseResult<Uri> parse_uri(std::string_view text) {
  // One object returned by name on every path: a Uri is large, and a move of it costs.
  ParseResult<Uri> r{std::in_place};
  if (!parse_uri_plain(text, *r)) {
    r = parse_uri_careful(text);
  } else {
    if constexpr (kCrosscheck) {
      // Debug and fuzz builds hold the plain parser to the careful one.
      auto c = parse_uri_careful(text);
      if (!c || c->to_string() != r->to_string() || c->text() != r->text() ||
          c->sip()->host_kind != r->sip()->host_kind)
        std::abort();
    }
  }
  return r;
}

static ParseResult<Uri> parse_uri_careful(std::string_view text) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return fail(syntax_error("URI has no scheme: '" + std::string(text.substr(0, 64)) + "'", 0));
  std::string_view scheme = text.substr(0, colon);
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
  if (!chars::is_alpha(scheme.front())) return fail(syntax_error("invalid URI scheme", 0));
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = scheme[i];
    if (!(chars::is_alpha(c) || chars::is_digit(c) || c == '+' || c == '-' || c == '.'))
      return fail(syntax_error("invalid character in URI scheme", i));
  }
  std::string_view rest = text.substr(colon + 1);
  if (iequals(scheme, "sip") || iequals(scheme, "sips")) {
    // Every part of a SIP URI is checked against its own character class, which leaves out
    // white space, controls, '<', '>' and '"': no separate pass over the text is needed.
    auto u = parse_sip_body(rest, scheme.size() == 4, colon + 1);
    if (!u) return fail(std::move(u).error());
    return Uri(std::move(*u), text);
  }
  for (std::size_t i = 0; i < rest.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(rest[i]);
    if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"')
      return fail(syntax_error("invalid character in URI", colon + 1 + i));
  }
  if (iequals(scheme, "tel")) {
    auto t = parse_tel_body(rest, colon + 1);
    if (!t) return fail(std::move(t).error());
    return Uri(std::move(*t), text);
  }
  if (rest.empty()) return fail(syntax_error("URI has nothing after the scheme", colon + 1));
  return Uri(OtherUri{scheme, rest}, text);
}

bool equivalent(const SipUri& a, const SipUri& b) {
  if (a.secure != b.secure) return false;
  // userinfo is case-sensitive; everything else is not (§19.1.4).
  if (a.user.has_value() != b.user.has_value() || a.password.has_value() != b.password.has_value())
    return false;
  if (a.user && normalize_escapes(*a.user, false) != normalize_escapes(*b.user, false))
    return false;
  if (a.password && normalize_escapes(*a.password, false) != normalize_escapes(*b.password, false))
    return false;
  if (!hosts_match(a, b)) return false;
  if (a.port != b.port) return false;
  return params_match(a.params, b.params) && headers_match(a.headers, b.headers);
}

bool equivalent(const Uri& a, const Uri& b) {
  if (a.sip() && b.sip()) return equivalent(*a.sip(), *b.sip());
  if (a.tel() && b.tel()) {
    // RFC 3966 §4: numbers compare without visual separators; parameters must all match.
    const TelUri &x = *a.tel(), &y = *b.tel();
    if (x.global != y.global || tel_digits(x.number) != tel_digits(y.number)) return false;
    if (x.params.size() != y.params.size()) return false;
    for (const Param& p : x.params)
      if (!has_equal(y.params, p, true)) return false;
    for (const Param& q : y.params)
      if (!has_equal(x.params, q, true)) return false;
    return true;
  }
  if (a.other() && b.other())
    return iequals(a.other()->scheme, b.other()->scheme) && a.other()->rest == b.other()->rest;
  return false;
}

std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (escape_at(s, i)) {
      out.push_back(escaped_char(s, i));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace parley::message
