#include "message/cseq.hpp"

#include <cstdlib>
#include <string>

#include "message/crosscheck.hpp"
#include "message/scanner.hpp"

namespace parley::message {

ParseResult<std::uint32_t> parse_number_careful(std::string_view text, std::uint32_t max) {
  std::string_view t = trim(text);
  if (t.empty()) return fail(syntax_error("expected a number, found nothing"));
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!chars::is_digit(t[i]))
      return fail(
          syntax_error("expected a number, found '" + std::string(t.substr(0, 32)) + "'", i));
    v = v * 10 + static_cast<std::uint64_t>(t[i] - '0');
    if (v > max)
      return fail(syntax_error("number " + std::string(t.substr(0, 32)) + " is too large"));
  }
  return static_cast<std::uint32_t>(v);
}

namespace {

// The common case, "1 INVITE", in one pass: 1 to 9 digits (below 2**31 by their count), one SP,
// a token up to the end. False means "ask parse_cseq_careful", not "invalid".
bool parse_cseq_plain(std::string_view text, CSeq& out) {
  const char* p = text.data();
  const std::size_t n = text.size();
  std::size_t i = 0;
  std::uint32_t v = 0;
  while (i < n && i < 9 && chars::is_digit(p[i])) v = v * 10 + std::uint32_t(p[i++] - '0');
  if (i == 0 || i + 1 >= n || p[i] != ' ') return false;
  std::size_t m = i + 1, e = m;
  while (e < n && chars::is_token(p[e])) ++e;
  if (e == m || e != n) return false;
  out.number = v;
  out.method_name = std::string_view(p + m, e - m);
  out.method = method_from_name(out.method_name);
  return true;
}

ParseResult<CSeq> parse_cseq_careful(std::string_view text);

}  // namespace

ParseResult<CSeq> parse_cseq(std::string_view text) {
  ParseResult<CSeq> r{std::in_place};
  if (!parse_cseq_plain(text, *r)) {
    r = parse_cseq_careful(text);
  } else if constexpr (kCrosscheck) {
    auto c = parse_cseq_careful(text);
    if (!c || c->number != r->number || c->method_name != r->method_name || c->method != r->method)
      std::abort();
  }
  return r;
}

namespace {

ParseResult<CSeq> parse_cseq_careful(std::string_view text) {
  Scanner s(text);
  s.skip_ws();
  std::string_view digits = s.digits();
  if (digits.empty()) return fail(s.error("expected a sequence number"));
  // §8.1.1.5: "The sequence number value MUST be expressible as a 32-bit unsigned integer and
  // MUST be less than 2**31."
  auto n = parse_number(digits, 0x7fffffffu);
  if (!n) return fail(syntax_error("sequence number must be below 2**31"));
  std::size_t before = s.pos();
  s.skip_ws();
  if (s.pos() == before) return fail(s.error("expected white space between number and method"));
  CSeq c;
  c.number = *n;
  c.method_name = s.token();
  if (c.method_name.empty()) return fail(s.error("expected a method"));
  c.method = method_from_name(c.method_name);
  s.skip_ws();
  if (!s.eof()) return fail(s.error("unexpected text after the method"));
  return c;
}

}  // namespace

}  // namespace parley::message
