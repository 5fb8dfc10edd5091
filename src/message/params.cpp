#include "message/params.hpp"

#include <algorithm>
#include <array>

namespace parley::message {

const Param* Params::find(std::string_view name) const {
  for (const Param& p : items_)
    if (iequals(p.name, name)) return &p;
  return nullptr;
}

std::optional<std::string_view> Params::get(std::string_view name) const {
  const Param* p = find(name);
  if (!p) return std::nullopt;
  return p->value;
}

bool Params::remove(std::string_view name) {
  auto it = std::find_if(items_.begin(), items_.end(),
                         [&](const Param& p) { return iequals(p.name, name); });
  if (it == items_.end()) return false;
  items_.erase(it);
  return true;
}

void Params::append_to(std::string& out) const {
  for (const Param& p : items_) {
    out.push_back(';');
    out.append(p.name);
    if (!p.has_value) continue;
    out.push_back('=');
    if (p.quoted) {
      out.push_back('"');
      out.append(p.value);
      out.push_back('"');
    } else {
      out.append(p.value);
    }
  }
}

namespace {
// gen-value as token / host: token characters plus the ':' '[' ']' of IPv6 addresses, which
// appear unbracketed in Via's received (RFC 5118 §4.5).
constexpr std::array<bool, 256> make_gen_value_chars() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[c] = chars::is_token(static_cast<char>(c)) || c == ':' || c == '[' || c == ']';
  return t;
}
constexpr std::array<bool, 256> kGenValueChars = make_gen_value_chars();
bool is_gen_value_char(char c) { return kGenValueChars[static_cast<unsigned char>(c)]; }
}  // namespace

static ParseResult<Params> parse_header_params_careful(Scanner& s);

ParseResult<Params> parse_header_params(Scanner& s) {
  ParseResult<Params> r{std::in_place};  // returned by name: no move of the parameter list
  std::size_t pos = s.pos();
  if (parse_header_params_plain(s.text(), pos, *r))
    s.seek(pos);
  else
    r = parse_header_params_careful(s);
  return r;
}

static ParseResult<Params> parse_header_params_careful(Scanner& s) {
  Params params;
  while (s.consume_sep(';')) {
    Param p;
    p.name = s.token();
    if (p.name.empty()) return fail(s.error("expected a parameter name after ';'"));
    if (s.consume_sep('=')) {
      p.has_value = true;
      if (s.peek() == '"') {
        auto q = s.quoted_string();
        if (!q)
          return fail(
              s.error("unterminated quoted string in parameter '" + std::string(p.name) + "'"));
        p.value = *q;
        p.quoted = true;
      } else {
        std::size_t start = s.pos();
        while (!s.eof() && is_gen_value_char(s.peek())) s.advance();
        p.value = s.text().substr(start, s.pos() - start);
        if (p.value.empty())
          return fail(s.error("parameter '" + std::string(p.name) + "' has '=' but no value"));
      }
    }
    params.add(p);
  }
  return params;
}

bool parse_header_params_plain(std::string_view text, std::size_t& pos, Params& out) {
  const char* p = text.data();
  std::size_t n = text.size(), i = pos;
  for (;;) {
    // Each step mirrors parse_header_params: SEMI = SWS ";" SWS, EQUAL = SWS "=" SWS.
    std::size_t j = i;
    while (j < n && chars::is_ws(p[j])) ++j;
    if (j == n || p[j] != ';') break;
    ++j;
    while (j < n && chars::is_ws(p[j])) ++j;
    Param prm;
    std::size_t s = j;
    j = span_while(p, j, n, chars::is_token);
    if (j == s) return false;
    prm.name = std::string_view(p + s, j - s);
    std::size_t k = j;
    while (k < n && chars::is_ws(p[k])) ++k;
    if (k < n && p[k] == '=') {
      ++k;
      while (k < n && chars::is_ws(p[k])) ++k;
      s = k;
      k = span_while(p, k, n, is_gen_value_char);
      if (k == s) return false;  // a quoted value, or none: the careful parser
      prm.value = std::string_view(p + s, k - s);
      prm.has_value = true;
      j = k;
    }
    out.add(prm);
    i = j;
  }
  pos = i;
  return true;
}

}  // namespace parley::message
