#include "message/header_values.hpp"

namespace parley::message {

void append_list(std::string& out, const std::vector<std::string_view>& items) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out.append(", ");
    out.append(items[i]);
  }
}

std::string to_string(const std::vector<std::string_view>& items) {
  std::string out;
  append_list(out, items);
  return out;
}

ParseResult<std::string_view> parse_token(std::string_view value, std::string_view what) {
  std::string_view t = trim(value);
  if (t.empty()) return fail(syntax_error("expected " + std::string(what) + ", found nothing"));
  for (std::size_t i = 0; i < t.size(); ++i)
    if (!chars::is_token(t[i]))
      return fail(syntax_error("invalid character '" + std::string(1, t[i]) + "' in " +
                                   std::string(what) + " '" + std::string(t.substr(0, 64)) + "'",
                               offset_in(value, t) + i));
  return t;
}

ParseResult<std::vector<std::string_view>> parse_token_list(std::string_view value,
                                                            std::string_view what,
                                                            bool allow_empty) {
  {
    // The common case in one pass: token *( SWS "," SWS token ). Anything else (an empty
    // element, a bad character, an empty value) is left to parse_list, with its errors.
    const char* p = value.data();
    std::size_t n = value.size(), i = 0;
    ParseResult<std::vector<std::string_view>> r{std::in_place};
    r->reserve(8);
    while (i < n && chars::is_ws(p[i])) ++i;
    bool ok = i < n;
    while (ok) {
      std::size_t s = i;
      while (i < n && chars::is_token(p[i])) ++i;
      if (i == s) {
        ok = false;
        break;
      }
      r->emplace_back(p + s, i - s);
      while (i < n && chars::is_ws(p[i])) ++i;
      if (i == n) break;
      if (p[i] != ',') {
        ok = false;
        break;
      }
      ++i;
      while (i < n && chars::is_ws(p[i])) ++i;
    }
    if (ok) return r;
  }
  return parse_list<std::string_view>(
      value, [what](std::string_view item) { return parse_token(item, what); }, allow_empty);
}

ParseResult<std::vector<std::string_view>> parse_allow(std::string_view value) {
  return parse_token_list(value, "method", true);
}

ParseResult<std::vector<std::string_view>> parse_option_tags(std::string_view value) {
  return parse_token_list(value, "option-tag", false);
}

ParseResult<std::vector<std::string_view>> parse_supported(std::string_view value) {
  return parse_token_list(value, "option-tag", true);
}

ParseResult<std::uint32_t> parse_delta_seconds(std::string_view text) {
  std::string_view t = trim(text);
  if (t.empty()) return fail(syntax_error("expected delta-seconds, found nothing"));
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!chars::is_digit(t[i]))
      return fail(
          syntax_error("expected delta-seconds, found '" + std::string(t.substr(0, 32)) + "'",
                       offset_in(text, t) + i));
    if (v <= 0xffffffffu) v = v * 10 + static_cast<std::uint64_t>(t[i] - '0');
  }
  return static_cast<std::uint32_t>(v > 0xffffffffu ? 0xffffffffu : v);
}

ParseResult<std::uint16_t> parse_qvalue(std::string_view text) {
  std::string_view v = text;
  auto bad = [&] {
    return fail(syntax_error("invalid q-value '" + std::string(v.substr(0, 16)) + "'"));
  };
  if (v.empty() || (v[0] != '0' && v[0] != '1') || v.size() > 5 || (v.size() > 1 && v[1] != '.'))
    return bad();
  int value = (v[0] - '0') * 1000, scale = 100;
  for (std::size_t i = 2; i < v.size(); ++i, scale /= 10) {
    if (!chars::is_digit(v[i])) return bad();
    value += (v[i] - '0') * scale;
  }
  if (value > 1000) return fail(syntax_error("q-value '" + std::string(v) + "' is above 1"));
  return static_cast<std::uint16_t>(value);
}

void append_qvalue(std::string& out, std::uint16_t q) {
  if (q >= 1000) {
    out.push_back('1');
    return;
  }
  out.append("0");
  if (q == 0) return;
  out.push_back('.');
  char digits[3] = {char('0' + q / 100), char('0' + q / 10 % 10), char('0' + q % 10)};
  std::size_t n = 3;
  while (n > 1 && digits[n - 1] == '0') --n;
  out.append(digits, n);
}

ParseResult<std::string_view> parse_callid(std::string_view text, std::string_view what) {
  std::string_view t = trim(text);
  if (t.empty()) return fail(syntax_error("empty " + std::string(what)));
  {
    // callid = word [ "@" word ]: a run of word characters, then at most one '@' inside it.
    const char* p = t.data();
    std::size_t n = t.size(), i = 0;
    while (i < n && chars::is_word(p[i])) ++i;
    if (i == n) return t;
    if (p[i] == '@' && i > 0 && i + 1 < n) {
      ++i;
      while (i < n && chars::is_word(p[i])) ++i;
      if (i == n) return t;
    }
  }
  std::size_t at = std::string_view::npos;
  for (std::size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '@' && at == std::string_view::npos && i > 0 && i + 1 < t.size()) {
      at = i;
      continue;
    }
    if (!chars::is_word(c))
      return fail(syntax_error("invalid character '" + std::string(1, c) + "' in " +
                                   std::string(what) + " '" + std::string(t.substr(0, 64)) + "'",
                               offset_in(text, t) + i));
  }
  return t;
}

ParseResult<std::optional<Param>> take_param(Params& params, std::string_view name,
                                             std::string_view text, bool need_value) {
  const Param* p = params.find(name);
  if (!p) return std::optional<Param>{};
  Param found = *p;
  params.remove(name);
  if (params.has(name))
    return fail(syntax_error("parameter '" + std::string(name) + "' appears more than once",
                             offset_in(text, params.find(name)->name)));
  if (need_value && (!found.has_value || found.value.empty()))
    return fail(syntax_error("parameter '" + std::string(name) + "' needs a value",
                             offset_in(text, found.name)));
  return std::optional<Param>(found);
}

void append_param(std::string& out, std::string_view name, std::string_view value, bool quoted) {
  out.push_back(';');
  out.append(name);
  out.push_back('=');
  if (quoted) out.push_back('"');
  out.append(value);
  if (quoted) out.push_back('"');
}

ParseResult<std::optional<std::uint32_t>> take_seconds(Params& params, std::string_view name,
                                                       std::string_view text) {
  auto p = take_param(params, name, text);
  if (!p) return fail(std::move(p).error());
  if (!*p) return std::optional<std::uint32_t>{};
  auto n = parse_delta_seconds((*p)->value);
  if (!n)
    return fail(syntax_error("parameter '" + std::string(name) + "': " + n.error().what,
                             offset_in(text, (*p)->value)));
  return std::optional<std::uint32_t>(*n);
}

}  // namespace parley::message
