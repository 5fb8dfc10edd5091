#include "message/name_addr.hpp"

#include <charconv>
#include <cstdlib>
#include <cstring>

#include "message/crosscheck.hpp"
#include "message/line_scan.hpp"

namespace parley::message {

namespace {

ParseError at(ParseError e, std::size_t base) {
  e.offset += base;
  return e;
}

}  // namespace

std::string NameAddr::display_text() const {
  return display_quoted ? unquote(display_name) : std::string(display_name);
}

void NameAddr::append_to(std::string& out) const {
  if (!display_name.empty()) {
    if (display_quoted) {
      out.push_back('"');
      out.append(display_name);
      out.push_back('"');
    } else {
      out.append(display_name);
    }
    out.push_back(' ');
  }
  // A URI with ',', ';' or '?' must be enclosed in <> (§20): always write name-addr form then,
  // and whenever there is a display name.
  bool angle = angle_brackets || !display_name.empty();
  if (!angle) {
    std::string uri = this->uri.to_string();
    angle = uri.find_first_of(",;?") != std::string::npos;
    if (angle) out.push_back('<');
    out.append(uri);
    if (angle) out.push_back('>');
  } else {
    out.push_back('<');
    uri.append_to(out);
    out.push_back('>');
  }
  params.append_to(out);
}

std::string NameAddr::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

bool parse_name_addr_plain(std::string_view text, NameAddr& out) {
  const char* p = text.data();
  std::size_t n = text.size(), i = 0;
  while (i < n && chars::is_ws(p[i])) ++i;
  if (i == n) return false;
  std::size_t uri_start, uri_end;
  if (p[i] == '"') {
    std::size_t s = ++i;
    i = find_either(p, i, n, '"', '\\');
    if (i == n || p[i] != '"') return false;  // escapes, or no end: the careful parser
    out.display_name = std::string_view(p + s, i - s);
    out.display_quoted = true;
    ++i;
    while (i < n && chars::is_ws(p[i])) ++i;
    if (i == n || p[i] != '<') return false;
  } else {
    // display-name = *(token LWS) up to '<'; a run of token characters and white space that ends
    // at '<' is that, and is also where the careful parser's first '<' or '"' is.
    std::size_t s = i;
    while (i < n && (chars::is_token(p[i]) || chars::is_ws(p[i]))) ++i;
    if (i < n && p[i] == '<') {
      std::size_t e = i;
      while (e > s && chars::is_ws(p[e - 1])) --e;
      out.display_name = std::string_view(p + s, e - s);
    } else {
      i = s;  // addr-spec (plain URIs and parameters hold neither '<' nor '"')
    }
  }
  if (i < n && p[i] == '<') {
    out.angle_brackets = true;
    uri_start = ++i;
    const void* gt = std::memchr(p + i, '>', n - i);
    if (!gt) return false;
    uri_end = static_cast<std::size_t>(static_cast<const char*>(gt) - p);
    i = uri_end + 1;
  } else {
    uri_start = i;
    while (i < n && p[i] != ';' && !chars::is_ws(p[i])) ++i;
    uri_end = i;
  }
  if (uri_end == uri_start ||
      !parse_uri_plain(std::string_view(p + uri_start, uri_end - uri_start), out.uri))
    return false;
  if (!parse_header_params_plain(text, i, out.params)) return false;
  while (i < n && chars::is_ws(p[i])) ++i;
  return i == n;
}

static ParseResult<NameAddr> parse_name_addr_careful(std::string_view text);

ParseResult<NameAddr> parse_name_addr(std::string_view text) {
  // One object returned by name on every path: a NameAddr is large, and a move of it costs.
  ParseResult<NameAddr> r{std::in_place};
  if (!parse_name_addr_plain(text, *r)) {
    r = parse_name_addr_careful(text);
  } else {
    if constexpr (kCrosscheck) {
      // Debug and fuzz builds hold the plain parser to the careful one.
      auto c = parse_name_addr_careful(text);
      if (!c || c->to_string() != r->to_string() || c->display_quoted != r->display_quoted ||
          c->angle_brackets != r->angle_brackets || c->uri.text() != r->uri.text())
        std::abort();
    }
  }
  return r;
}

static ParseResult<NameAddr> parse_name_addr_careful(std::string_view text) {
  NameAddr na;
  Scanner s(text);
  s.skip_ws();
  std::size_t uri_start = 0, uri_end = 0;
  if (s.peek() == '"') {
    auto q = s.quoted_string();
    if (!q) return fail(s.error("display name: unterminated quoted string"));
    na.display_name = *q;
    na.display_quoted = true;
    s.skip_ws();
    if (s.peek() != '<') return fail(s.error("expected '<' after the display name"));
  }
  // name-addr when a '<' comes before any '"': in addr-spec form a '<' can only be inside a
  // quoted parameter value after the URI (gen-value = token / host / quoted-string).
  std::size_t lt = text.find_first_of("<\"", s.pos());
  if (lt != std::string_view::npos && text[lt] == '<' && !na.display_quoted) {
    // display-name = *(token LWS): tokens separated by white space, nothing else.
    std::string_view dn = trim(text.substr(s.pos(), lt - s.pos()));
    for (std::size_t i = 0; i < dn.size(); ++i)
      if (!chars::is_token(dn[i]) && !chars::is_ws(dn[i]))
        return fail(
            syntax_error(std::string("invalid character '") + dn[i] + "' in unquoted display name",
                         static_cast<std::size_t>(dn.data() - text.data()) + i));
    na.display_name = dn;
    s.seek(lt);
  }
  if (s.peek() == '<') {
    na.angle_brackets = true;
    s.advance();
    uri_start = s.pos();
    std::size_t gt = text.find('>', uri_start);
    if (gt == std::string_view::npos) return fail(s.error("missing '>' after the URI"));
    uri_end = gt;
    s.seek(gt + 1);
  } else {
    // addr-spec: the URI runs to the first ';' (header parameters follow) or white space.
    uri_start = s.pos();
    while (!s.eof() && s.peek() != ';' && !chars::is_ws(s.peek())) s.advance();
    uri_end = s.pos();
  }
  std::string_view uri_text = text.substr(uri_start, uri_end - uri_start);
  if (uri_text.empty()) return fail(syntax_error("empty URI", uri_start));
  auto uri = parse_uri(uri_text);
  if (!uri) return fail(at(std::move(uri).error(), uri_start));
  na.uri = std::move(*uri);
  auto params = parse_header_params(s);
  if (!params) return fail(std::move(params).error());
  na.params = std::move(*params);
  s.skip_ws();
  if (!s.eof())
    return fail(s.error(std::string("unexpected '") + s.peek() + "' after the address"));
  return na;
}

static ParseResult<std::vector<NameAddr>> parse_name_addr_list_careful(std::string_view text);

ParseResult<std::vector<NameAddr>> parse_name_addr_list(std::string_view text) {
  {
    ParseResult<std::vector<NameAddr>> r{std::in_place};
    if (plain_list_into(text, *r, parse_name_addr_plain)) {
      if constexpr (kCrosscheck) {
        // Debug and fuzz builds hold the plain parser to the careful one.
        auto c = parse_name_addr_list_careful(text);
        if (!c || c->size() != r->size()) std::abort();
        for (std::size_t i = 0; i < r->size(); ++i)
          if ((*c)[i].to_string() != (*r)[i].to_string()) std::abort();
      }
      return r;
    }
  }
  return parse_name_addr_list_careful(text);
}

static ParseResult<std::vector<NameAddr>> parse_name_addr_list_careful(std::string_view text) {
  std::vector<NameAddr> out;
  std::optional<ParseError> err;
  bool closed = split_list(text, [&](std::string_view item, std::size_t off) {
    if (err) return;
    auto na = parse_name_addr(item);
    if (!na)
      err = at(std::move(na).error(), off);
    else
      out.push_back(std::move(*na));
  });
  if (err) return fail(std::move(*err));
  if (!closed) return fail(syntax_error("unterminated quoted string or '<' in list", 0));
  if (out.empty()) return fail(syntax_error("empty value", 0));
  return out;
}

ParseResult<ContactList> parse_contact(std::string_view text) {
  ContactList cl;
  if (trim(text) == "*") {
    cl.star = true;
    return cl;
  }
  if (plain_list_into(text, cl.contacts, parse_name_addr_plain)) return cl;
  cl.contacts.clear();
  auto list = parse_name_addr_list(text);
  if (!list) return fail(std::move(list).error());
  cl.contacts = std::move(*list);
  return cl;
}

ParseResult<std::optional<int>> contact_q(const NameAddr& c) {
  auto q = c.params.get("q");
  if (!q) return std::optional<int>{};
  // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
  std::string_view v = *q;
  if (v.empty() || (v[0] != '0' && v[0] != '1') || v.size() > 5 || (v.size() > 1 && v[1] != '.'))
    return fail(syntax_error("Contact: invalid q-value '" + std::string(v) + "'"));
  int value = (v[0] - '0') * 1000, scale = 100;
  for (std::size_t i = 2; i < v.size(); ++i, scale /= 10) {
    if (!chars::is_digit(v[i]))
      return fail(syntax_error("Contact: invalid q-value '" + std::string(v) + "'"));
    value += (v[i] - '0') * scale;
  }
  if (value > 1000) return fail(syntax_error("Contact: q-value above 1"));
  return std::optional<int>{value};
}

ParseResult<std::optional<std::uint32_t>> contact_expires(const NameAddr& c) {
  auto e = c.params.get("expires");
  if (!e) return std::optional<std::uint32_t>{};
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(e->data(), e->data() + e->size(), v);
  if (e->empty() || ec != std::errc() || p != e->data() + e->size())
    return fail(syntax_error("Contact: invalid expires '" + std::string(*e) + "'"));
  // §20.19 delta-seconds: values beyond 2**32-1 are taken as 2**32-1.
  return std::optional<std::uint32_t>{v > 0xffffffffu ? 0xffffffffu
                                                      : static_cast<std::uint32_t>(v)};
}

}  // namespace parley::message
