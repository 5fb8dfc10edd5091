#include "message/media_header.hpp"

#include <type_traits>

#include "message/header_values.hpp"
#include "message/scanner.hpp"

namespace parley::message {

namespace {

// type SLASH subtype, both tokens; SLASH may carry white space (§25.1).
std::optional<ParseError> parse_type_pair(Scanner& s, std::string_view& type,
                                          std::string_view& subtype) {
  s.skip_ws();
  type = s.token();
  if (type.empty()) return s.error("expected a media type");
  if (!s.consume_sep('/'))
    return s.error("expected '/' after the media type '" + std::string(type) + "'");
  subtype = s.token();
  if (subtype.empty()) return s.error("expected a media subtype after '/'");
  return std::nullopt;
}

std::optional<ParseError> expect_end(Scanner& s) {
  s.skip_ws();
  if (!s.eof()) return s.error(std::string("unexpected '") + s.peek() + "'");
  return std::nullopt;
}

// m-parameter = m-attribute EQUAL m-value: a value is required.
std::optional<ParseError> check_values(const Params& params, std::string_view text) {
  for (const Param& p : params)
    if (!p.has_value)
      return syntax_error("parameter '" + std::string(p.name) + "' needs a value",
                          offset_in(text, p.name));
  return std::nullopt;
}

// Splits accept-params at q: what precedes q stays in `before`, q is parsed, the rest goes to
// `after`.
std::optional<ParseError> split_at_q(const Params& all, std::string_view text, Params& before,
                                     std::optional<std::uint16_t>& q, Params& after) {
  for (const Param& p : all) {
    if (!q && iequals(p.name, "q")) {
      auto v = parse_qvalue(p.has_value ? p.value : std::string_view{});
      if (!v) return shifted(std::move(v).error(), offset_in(text, p.name));
      q = *v;
      continue;
    }
    if (q && iequals(p.name, "q"))
      return syntax_error("parameter 'q' appears more than once", offset_in(text, p.name));
    (q ? after : before).add(p);
  }
  return std::nullopt;
}

void append_q(std::string& out, const std::optional<std::uint16_t>& q) {
  if (!q) return;
  out.append(";q=");
  append_qvalue(out, *q);
}

// 1*8ALPHA *( "-" 1*8alphanum ), or "*" when star is allowed.
std::optional<ParseError> check_language(std::string_view tag, bool star) {
  if (star && tag == "*") return std::nullopt;
  std::size_t start = 0;
  bool primary = true;
  for (std::size_t i = 0; i <= tag.size(); ++i) {
    if (i < tag.size() && tag[i] != '-') {
      bool ok =
          primary ? chars::is_alpha(tag[i]) : (chars::is_alpha(tag[i]) || chars::is_digit(tag[i]));
      if (!ok)
        return syntax_error("invalid character '" + std::string(1, tag[i]) + "' in language tag '" +
                                std::string(tag) + "'",
                            i);
      continue;
    }
    std::size_t len = i - start;
    if (len == 0 || len > 8)
      return syntax_error(
          "language tag '" + std::string(tag) + "' needs parts of 1 to 8 letters separated by '-'",
          start);
    start = i + 1;
    primary = false;
  }
  return std::nullopt;
}

template <class T>
ParseResult<T> parse_accept_item(std::string_view item, bool language) {
  Scanner s(item);
  T out;
  std::string_view name = s.token();
  if (name.empty())
    return fail(s.error(language ? "expected a language range" : "expected a content-coding"));
  if (language) {
    if (auto e = check_language(name, true)) return fail(std::move(*e));
  }
  auto params = parse_header_params(s);
  if (!params) return fail(std::move(params).error());
  if (auto e = expect_end(s)) return fail(std::move(*e));
  Params after;
  if (auto e = split_at_q(*params, item, out.params, out.q, after)) return fail(std::move(*e));
  for (const Param& p : after) out.params.add(p);
  if constexpr (std::is_same_v<T, Coding>)
    out.coding = name;
  else
    out.range = name;
  return out;
}

}  // namespace

// ---- Content-Type

bool MediaType::is(std::string_view type_name, std::string_view subtype_name) const {
  return iequals(type, type_name) && iequals(subtype, subtype_name);
}

void MediaType::append_to(std::string& out) const {
  out.append(type).append("/").append(subtype);
  params.append_to(out);
}

std::string MediaType::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<MediaType> parse_media_type(std::string_view value) {
  Scanner s(value);
  MediaType m;
  if (auto e = parse_type_pair(s, m.type, m.subtype)) return fail(std::move(*e));
  if (m.type == "*" || m.subtype == "*")
    return fail(syntax_error("a media type cannot be a wildcard ('*' belongs in Accept)"));
  auto params = parse_header_params(s);
  if (!params) return fail(std::move(params).error());
  if (auto e = expect_end(s)) return fail(std::move(*e));
  if (auto e = check_values(*params, value)) return fail(std::move(*e));
  m.params = std::move(*params);
  return m;
}

// ---- Accept

bool MediaRange::matches(const MediaType& t) const {
  if (type == "*") return true;
  if (!iequals(type, t.type)) return false;
  return subtype == "*" || iequals(subtype, t.subtype);
}

void MediaRange::append_to(std::string& out) const {
  out.append(type).append("/").append(subtype);
  params.append_to(out);
  append_q(out, q);
  accept_params.append_to(out);
}

std::string MediaRange::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<std::vector<MediaRange>> parse_accept(std::string_view value) {
  return parse_list<MediaRange>(
      value,
      [](std::string_view item) -> ParseResult<MediaRange> {
        Scanner s(item);
        MediaRange r;
        if (auto e = parse_type_pair(s, r.type, r.subtype)) return fail(std::move(*e));
        // media-range = "*/*" / ( m-type SLASH "*" ) / ( m-type SLASH m-subtype )
        if (r.type == "*" && r.subtype != "*")
          return fail(syntax_error("media range '*/" + std::string(r.subtype) +
                                   "' is not allowed: only '*/*' may start with '*'"));
        auto params = parse_header_params(s);
        if (!params) return fail(std::move(params).error());
        if (auto e = expect_end(s)) return fail(std::move(*e));
        if (auto e = split_at_q(*params, item, r.params, r.q, r.accept_params))
          return fail(std::move(*e));
        if (auto e = check_values(r.params, item)) return fail(std::move(*e));
        return r;
      },
      true);
}

// ---- Accept-Encoding, Accept-Language

void Coding::append_to(std::string& out) const {
  out.append(coding);
  append_q(out, q);
  params.append_to(out);
}

ParseResult<std::vector<Coding>> parse_accept_encoding(std::string_view value) {
  return parse_list<Coding>(
      value, [](std::string_view item) { return parse_accept_item<Coding>(item, false); }, true);
}

void LanguageRange::append_to(std::string& out) const {
  out.append(range);
  append_q(out, q);
  params.append_to(out);
}

ParseResult<std::vector<LanguageRange>> parse_accept_language(std::string_view value) {
  return parse_list<LanguageRange>(
      value, [](std::string_view item) { return parse_accept_item<LanguageRange>(item, true); },
      true);
}

// ---- Content-Encoding, Content-Language

ParseResult<std::vector<std::string_view>> parse_content_encoding(std::string_view value) {
  return parse_token_list(value, "content-coding", false);
}

ParseResult<std::vector<std::string_view>> parse_content_language(std::string_view value) {
  return parse_list<std::string_view>(value,
                                      [](std::string_view item) -> ParseResult<std::string_view> {
                                        if (auto e = check_language(item, false))
                                          return fail(std::move(*e));
                                        return item;
                                      });
}

// ---- Content-Disposition

bool ContentDisposition::handling_optional() const {
  return handling && iequals(*handling, "optional");
}

void ContentDisposition::append_to(std::string& out) const {
  out.append(type);
  if (handling) append_param(out, "handling", *handling);
  params.append_to(out);
}

std::string ContentDisposition::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<ContentDisposition> parse_content_disposition(std::string_view value) {
  Scanner s(value);
  s.skip_ws();
  ContentDisposition d;
  d.type = s.token();
  if (d.type.empty()) return fail(s.error("expected a disposition type"));
  auto params = parse_header_params(s);
  if (!params) return fail(std::move(params).error());
  if (auto e = expect_end(s)) return fail(std::move(*e));
  auto handling = take_param(*params, "handling", value);
  if (!handling) return fail(std::move(handling).error());
  if (*handling) {
    const Param& h = **handling;
    if (h.quoted) return fail(syntax_error("handling must be a token", offset_in(value, h.value)));
    d.handling = h.value;
  }
  d.params = std::move(*params);
  return d;
}

// ---- MIME-Version

void MimeVersion::append_to(std::string& out) const {
  out.append(std::to_string(major)).append(".").append(std::to_string(minor));
}

std::string MimeVersion::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<MimeVersion> parse_mime_version(std::string_view value) {
  std::string_view t = trim(value);
  std::size_t dot = t.find('.');
  if (dot == std::string_view::npos)
    return fail(
        syntax_error("expected DIGITS.DIGITS, found '" + std::string(t.substr(0, 16)) + "'"));
  MimeVersion v;
  for (auto [part, slot] : {std::pair{t.substr(0, dot), &v.major}, {t.substr(dot + 1), &v.minor}}) {
    if (part.empty())
      return fail(
          syntax_error("expected DIGITS.DIGITS, found '" + std::string(t.substr(0, 16)) + "'"));
    std::uint64_t n = 0;
    for (char c : part) {
      if (!chars::is_digit(c) || n > 0xffffffffu)
        return fail(
            syntax_error("expected DIGITS.DIGITS, found '" + std::string(t.substr(0, 16)) + "'"));
      n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (n > 0xffffffffu) return fail(syntax_error("MIME version number too large"));
    *slot = static_cast<std::uint32_t>(n);
  }
  return v;
}

}  // namespace parley::message
