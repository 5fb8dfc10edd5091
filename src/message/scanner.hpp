// The lexical pieces of RFC 3261 §25.1 that every header parser shares: character classes, linear
// white space, tokens, quoted strings and generic parameters. Header values reach these parsers
// already unfolded (Message turns CRLF+WSP into a single SP), so "LWS" here is just SP / HTAB.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "message/error.hpp"

namespace parley::message {

namespace chars {
enum : std::uint8_t {
  kToken = 1 << 0,  // token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"
  kWord = 1 << 1,   // word (Call-ID): token chars plus ( ) < > : \ " / [ ] ? { }
  kUnreserved = 1 << 2,     // alphanum / mark
  kUserExtra = 1 << 3,      // user-unreserved: & = + $ , ; ? /
  kParamExtra = 1 << 4,     // param-unreserved: [ ] / : & + $
  kHeaderExtra = 1 << 5,    // hnv-unreserved: [ ] / ? : + $
  kPasswordExtra = 1 << 6,  // password: & = + $ ,
  kHost = 1 << 7,           // hostname / IPv4: alphanum / "-" / "."
};

constexpr std::array<std::uint8_t, 256> make_table() {
  std::array<std::uint8_t, 256> t{};
  auto add = [&t](std::string_view s, std::uint8_t bits) {
    for (unsigned char c : s) t[c] |= bits;
  };
  for (int c = '0'; c <= '9'; ++c) t[c] |= kToken | kWord | kUnreserved | kHost;
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= kToken | kWord | kUnreserved | kHost;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= kToken | kWord | kUnreserved | kHost;
  add("-.!%*_+`'~", kToken | kWord);
  add("()<>:\\\"/[]?{}", kWord);
  add("-_.!~*'()", kUnreserved);
  add("&=+$,;?/", kUserExtra);
  add("[]/:&+$", kParamExtra);
  add("[]/?:+$", kHeaderExtra);
  add("&=+$,", kPasswordExtra);
  add("-.", kHost);
  return t;
}
inline constexpr std::array<std::uint8_t, 256> kTable = make_table();

constexpr bool is(char c, std::uint8_t cls) { return kTable[static_cast<unsigned char>(c)] & cls; }
constexpr bool is_token(char c) { return is(c, kToken); }
constexpr bool is_word(char c) { return is(c, kWord); }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
constexpr bool is_hex(char c) { return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
constexpr bool is_ws(char c) { return c == ' ' || c == '\t'; }
}  // namespace chars

// ASCII case-insensitive comparison: header names, tokens, host names and most parameters are
// case-insensitive in SIP (RFC 3261 §7.3.1).
constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c | 0x20) : c; }
constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  // Mostly the same bytes ("branch", "tag", "INVITE"): one compare each, folding only on a miss.
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i] && ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}
std::string to_lower(std::string_view s);

// The end of the run of bytes from p[i] that `in` accepts, looking at four at a time while four
// remain: one bound check and one branch per four bytes instead of two per byte. For the tokens
// and parameter values of a header, mostly 3 to 15 bytes long.
template <class In>
inline std::size_t span_while(const char* p, std::size_t i, std::size_t n, In in) {
  // '&', not '&&': all four looked at, one branch (on ints: on bools Clang warns of '&').
  while (i + 4 <= n && (static_cast<int>(in(p[i])) & static_cast<int>(in(p[i + 1])) &
                        static_cast<int>(in(p[i + 2])) & static_cast<int>(in(p[i + 3]))))
    i += 4;
  while (i < n && in(p[i])) ++i;
  return i;
}
std::string_view trim(std::string_view s);

// A cursor over one header value (or a part of one) with the small steps the grammar is made of.
// Positions in errors are offsets into the text the scanner was given.
class Scanner {
 public:
  explicit Scanner(std::string_view text, std::size_t base = 0) : text_(text), base_(base) {}

  bool eof() const { return pos_ >= text_.size(); }
  char peek() const { return eof() ? '\0' : text_[pos_]; }
  std::size_t pos() const { return pos_; }
  std::size_t offset() const { return base_ + pos_; }  // position relative to the outer text
  std::string_view rest() const { return text_.substr(pos_); }
  std::string_view text() const { return text_; }
  void advance(std::size_t n = 1) { pos_ = pos_ + n > text_.size() ? text_.size() : pos_ + n; }
  void seek(std::size_t pos) { pos_ = pos; }

  void skip_ws() {
    while (!eof() && chars::is_ws(text_[pos_])) ++pos_;
  }
  bool consume(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  // A separator with optional white space around it (SEMI, COMMA, EQUAL, SLASH, COLON, ...).
  bool consume_sep(char c) {
    std::size_t save = pos_;
    skip_ws();
    if (consume(c)) {
      skip_ws();
      return true;
    }
    pos_ = save;
    return false;
  }

  // 1*<chars of class cls>; empty when none.
  std::string_view span(std::uint8_t cls) {
    std::size_t start = pos_;
    while (!eof() && chars::is(text_[pos_], cls)) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  std::string_view token() { return span(chars::kToken); }
  std::string_view digits() {
    std::size_t start = pos_;
    while (!eof() && chars::is_digit(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // quoted-string = DQUOTE *(qdtext / quoted-pair) DQUOTE. Returns the text between the quotes,
  // escapes left in place (see unquote()); nullopt when the quotes do not close.
  std::optional<std::string_view> quoted_string();

  ParseError error(std::string what) const { return syntax_error(std::move(what), offset()); }

 private:
  std::string_view text_;
  std::size_t base_ = 0;
  std::size_t pos_ = 0;
};

// The content of a quoted-string with its quoted-pairs resolved: "a\"b" -> a"b.
std::string unquote(std::string_view inner);
// Writes s as a quoted-string, escaping '"' and '\'.
void append_quoted(std::string& out, std::string_view s);

// Splits a header value at the commas that separate list elements: commas inside quoted strings
// and inside <...> do not count. Calls f(element, offset) with each element trimmed. Returns
// false (after calling f for the good ones) when a quote or bracket does not close.
namespace split_detail {
// The bytes each state of split_list must look at; everything else is skipped in a tight loop.
enum : std::uint8_t { kOutside = 1, kInAngle = 2, kInQuotes = 4 };
constexpr std::array<std::uint8_t, 256> make_stops() {
  std::array<std::uint8_t, 256> t{};
  t[','] = kOutside;
  t['"'] = kOutside | kInAngle | kInQuotes;
  t['<'] = kOutside | kInAngle;
  t['>'] = kOutside | kInAngle;
  t['\\'] = kInQuotes;
  return t;
}
inline constexpr std::array<std::uint8_t, 256> kStops = make_stops();
}  // namespace split_detail

template <class F>
bool split_list(std::string_view value, F&& f) {
  using namespace split_detail;
  const char* p = value.data();
  const std::size_t n = value.size();
  std::size_t start = 0, i = 0;
  bool quoted = false, angle = false;
  auto emit = [&](std::size_t end) {
    std::string_view raw = value.substr(start, end - start);
    std::string_view t = trim(raw);
    std::size_t off = start + static_cast<std::size_t>(t.data() - raw.data());
    if (!t.empty()) f(t, off);
  };
  for (;;) {
    std::uint8_t state = quoted ? kInQuotes : angle ? kInAngle : kOutside;
    while (i < n && !(kStops[static_cast<unsigned char>(p[i])] & state)) ++i;
    if (i == n) break;
    char c = p[i];
    if (quoted) {
      if (c == '\\') {
        if (i + 1 < n) ++i;
      } else {
        quoted = false;  // '"'
      }
    } else if (c == ',') {
      emit(i);
      start = i + 1;
    } else if (c == '"') {
      quoted = true;
    } else {
      angle = c == '<';
    }
    ++i;
  }
  emit(n);
  return !quoted && !angle;
}

// Appends each element of a list header value to out, parsed in place by a plain parser
// (bool parse(std::string_view, T&), such as parse_via_plain): false when any element needs its
// careful parser, when a quote or bracket does not close, or when there is no element. A value
// without a comma is one element and is not scanned for commas twice.
template <class T, class F>
bool plain_list_into(std::string_view value, std::vector<T>& out, F&& parse) {
  if (value.empty()) return false;
  if (value.find(',') == std::string_view::npos) return parse(value, out.emplace_back());
  bool ok = true;
  std::size_t before = out.size();
  out.reserve(before + 4);
  bool closed = split_list(value, [&](std::string_view item, std::size_t) {
    if (ok && !parse(item, out.emplace_back())) ok = false;
  });
  return ok && closed && out.size() > before;
}

}  // namespace parley::message
