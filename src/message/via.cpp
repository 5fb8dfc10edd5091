#include "message/via.hpp"

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "message/crosscheck.hpp"

namespace parley::message {

std::optional<std::uint16_t> Via::rport() const {
  auto v = params.get("rport");
  if (!v || v->empty()) return std::nullopt;
  unsigned port = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), port);
  if (ec != std::errc() || p != v->data() + v->size() || port > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(port);
}

std::string Via::sent_by() const {
  std::string out;
  if (host_kind == HostKind::IPv6)
    out.append("[").append(host).append("]");
  else
    out.append(host);
  if (port) out.append(":").append(std::to_string(*port));
  return out;
}

void Via::append_to(std::string& out) const {
  out.append(protocol_name).append("/").append(protocol_version).append("/").append(transport);
  out.push_back(' ');
  out.append(sent_by());
  params.append_to(out);
}

std::string Via::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

bool parse_via_plain(std::string_view text, Via& out) {
  const char* p = text.data();
  std::size_t n = text.size(), i = 0;
  while (i < n && chars::is_ws(p[i])) ++i;
  // sent-protocol written without white space around its slashes: "SIP/2.0/UDP".
  auto token = [&](std::string_view& t) {
    std::size_t s = i;
    while (i < n && chars::is_token(p[i])) ++i;
    t = std::string_view(p + s, i - s);
    return i > s;
  };
  // Nearly always "SIP/2.0/" as it stands: one 8-byte compare for the first two tokens.
  std::uint64_t head = 0, sip = 0;
  if (n - i >= 8) std::memcpy(&head, p + i, 8);
  std::memcpy(&sip, "SIP/2.0/", 8);
  if (head == sip) {
    out.protocol_name = std::string_view(p + i, 3);
    out.protocol_version = std::string_view(p + i + 4, 3);
    i += 8;
  } else if (!token(out.protocol_name) || i == n || p[i++] != '/' || !token(out.protocol_version) ||
             i == n || p[i++] != '/') {
    return false;
  }
  if (!token(out.transport) || i == n || !chars::is_ws(p[i])) return false;
  while (i < n && chars::is_ws(p[i])) ++i;
  if (!parse_host_plain(text, i, out.host, out.host_kind)) return false;
  if (i < n && p[i] == ':') {
    std::size_t s = ++i;
    unsigned v = 0;
    while (i < n && chars::is_digit(p[i]) && i - s < 5) v = v * 10 + unsigned(p[i++] - '0');
    if (i == s || v > 65535 || (i < n && chars::is_digit(p[i]))) return false;
    out.port = static_cast<std::uint16_t>(v);
  }
  if (!parse_header_params_plain(text, i, out.params)) return false;
  while (i < n && chars::is_ws(p[i])) ++i;
  if (i != n) return false;
  if (auto b = out.params.find("branch"); b && !b->has_value) return false;
  return true;
}

static ParseResult<Via> parse_via_careful(std::string_view text);

ParseResult<Via> parse_via(std::string_view text) {
  // One object returned by name on every path: a Via is large, and a move of it costs.
  ParseResult<Via> r{std::in_place};
  if (!parse_via_plain(text, *r)) {
    r = parse_via_careful(text);
  } else {
    if constexpr (kCrosscheck) {
      // Debug and fuzz builds hold the plain parser to the careful one.
      auto c = parse_via_careful(text);
      if (!c || c->to_string() != r->to_string() || c->host_kind != r->host_kind) std::abort();
    }
  }
  return r;
}

static ParseResult<Via> parse_via_careful(std::string_view text) {
  Via v;
  Scanner s(text);
  s.skip_ws();
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport; SLASH = SWS "/" SWS
  v.protocol_name = s.token();
  if (v.protocol_name.empty()) return fail(s.error("expected the protocol name (SIP/2.0/...)"));
  if (!s.consume_sep('/')) return fail(s.error("expected '/' after the protocol name"));
  v.protocol_version = s.token();
  if (v.protocol_version.empty()) return fail(s.error("expected the protocol version"));
  if (!s.consume_sep('/')) return fail(s.error("expected '/' after the protocol version"));
  v.transport = s.token();
  if (v.transport.empty()) return fail(s.error("expected the transport"));
  std::size_t before_ws = s.pos();
  s.skip_ws();
  if (s.pos() == before_ws) return fail(s.error("expected white space before sent-by"));
  // sent-by = host [ COLON port ]; COLON may carry white space around it.
  std::size_t start = s.pos();
  if (s.peek() == '[') {
    while (!s.eof() && s.peek() != ']') s.advance();
    s.advance();
  } else {
    while (!s.eof() && chars::is(s.peek(), chars::kHost)) s.advance();
  }
  std::string_view host = text.substr(start, s.pos() - start);
  auto hp = parse_host_port(host);
  if (!hp) return fail(syntax_error("sent-by: " + hp.error().what, start + hp.error().offset));
  v.host = hp->host;
  v.host_kind = hp->kind;
  if (s.consume_sep(':')) {
    std::string_view digits = s.digits();
    unsigned port = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || ec != std::errc() || port > 65535)
      return fail(s.error("sent-by: invalid port"));
    v.port = static_cast<std::uint16_t>(port);
  }
  auto params = parse_header_params(s);
  if (!params) return fail(std::move(params).error());
  v.params = std::move(*params);
  s.skip_ws();
  if (!s.eof()) return fail(s.error(std::string("unexpected '") + s.peek() + "' in Via"));
  if (auto b = v.params.find("branch"); b && (!b->has_value || b->value.empty()))
    return fail(syntax_error("branch parameter without a value"));
  return v;
}

static ParseResult<std::vector<Via>> parse_via_list_careful(std::string_view text);

ParseResult<std::vector<Via>> parse_via_list(std::string_view text) {
  {
    ParseResult<std::vector<Via>> r{std::in_place};
    if (plain_list_into(text, *r, parse_via_plain)) {
      if constexpr (kCrosscheck) {
        // Debug and fuzz builds hold the plain parser to the careful one.
        auto c = parse_via_list_careful(text);
        if (!c || c->size() != r->size()) std::abort();
        for (std::size_t i = 0; i < r->size(); ++i)
          if ((*c)[i].to_string() != (*r)[i].to_string()) std::abort();
      }
      return r;
    }
  }
  return parse_via_list_careful(text);
}

static ParseResult<std::vector<Via>> parse_via_list_careful(std::string_view text) {
  std::vector<Via> out;
  std::optional<ParseError> err;
  bool closed = split_list(text, [&](std::string_view item, std::size_t off) {
    if (err) return;
    auto v = parse_via(item);
    if (!v) {
      err = std::move(v).error();
      err->offset += off;
    } else {
      out.push_back(std::move(*v));
    }
  });
  if (err) return fail(std::move(*err));
  if (!closed || out.empty()) return fail(syntax_error("empty or unterminated Via value"));
  return out;
}

}  // namespace parley::message
