#include "message/auth_header.hpp"

#include <array>

#include "message/header_values.hpp"
#include "message/scanner.hpp"

namespace parley::message {

namespace {

constexpr std::array<std::string_view, 6> kAlgorithms = {
    "MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "SHA-512-256", "SHA-512-256-sess"};

// auth-param *(COMMA auth-param), auth-param = token EQUAL ( token / quoted-string ). Empty list
// elements are skipped (RFC 7230 §7 asks recipients to accept them). Parameter names must not
// repeat (RFC 7235 §2.1).
ParseResult<std::vector<AuthParam>> parse_auth_params(Scanner& s) {
  std::vector<AuthParam> out;
  out.reserve(12);  // Digest credentials carry up to ten or so: one allocation, not five
  for (;;) {
    s.skip_ws();
    if (s.consume(',')) continue;
    if (s.eof()) break;
    std::size_t name_at = s.pos();
    AuthParam p;
    p.name = s.token();
    if (p.name.empty())
      return fail(s.error(std::string("expected a parameter name, found '") + s.peek() + "'"));
    for (const AuthParam& q : out)
      if (iequals(q.name, p.name))
        return fail(syntax_error("parameter '" + std::string(p.name) + "' appears more than once",
                                 name_at));
    if (!s.consume_sep('='))
      return fail(s.error("expected '=' after '" + std::string(p.name) + "'"));
    if (s.peek() == '"') {
      auto q = s.quoted_string();
      if (!q)
        return fail(
            s.error("unterminated quoted string in parameter '" + std::string(p.name) + "'"));
      p.value = *q;
      p.quoted = true;
    } else {
      p.value = s.token();
      if (p.value.empty())
        return fail(s.error("parameter '" + std::string(p.name) + "' has no value"));
    }
    out.push_back(p);
    s.skip_ws();
    if (!s.eof() && !s.consume(','))
      return fail(
          s.error(std::string("expected ',' between parameters, found '") + s.peek() + "'"));
  }
  return out;
}

// Every field parser checks one parameter and stores it; errors point at its value.
struct Field {
  std::string_view text;  // the whole header value, for offsets
  const AuthParam& p;

  ParseError error(const std::string& what) const {
    return syntax_error(what, offset_in(text, p.value));
  }
  ParseResult<std::string_view> quoted() const {
    if (!p.quoted) return fail(error("'" + std::string(p.name) + "' must be a quoted string"));
    return p.value;
  }
  // A token; a quoted token is tolerated, as several implementations send algorithm="MD5".
  ParseResult<std::string_view> token() const {
    if (p.value.empty()) return fail(error("'" + std::string(p.name) + "' is empty"));
    for (char c : p.value)
      if (!chars::is_token(c)) return fail(error("'" + std::string(p.name) + "' must be a token"));
    return p.value;
  }
  ParseResult<bool> boolean() const {
    if (iequals(p.value, "true")) return true;
    if (iequals(p.value, "false")) return false;
    return fail(error("'" + std::string(p.name) + "' must be true or false, not '" +
                      std::string(p.value.substr(0, 16)) + "'"));
  }
  // nc-value = 8LHEX (§25.1).
  ParseResult<std::uint32_t> nonce_count() const {
    if (p.quoted || p.value.size() != 8)
      return fail(
          error("nc must be 8 hex digits, not '" + std::string(p.value.substr(0, 16)) + "'"));
    std::uint32_t v = 0;
    for (char c : p.value) {
      if (!chars::is_hex(c))
        return fail(error("nc must be 8 hex digits, not '" + std::string(p.value) + "'"));
      v = v * 16 + static_cast<std::uint32_t>(chars::is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
  }
  // request-digest and response-digest: LDQUOT *LHEX RDQUOT (§25.1; RFC 8760 drops the 32).
  ParseResult<std::string_view> hex_digest() const {
    auto v = quoted();
    if (!v) return v;
    for (std::size_t i = 0; i < v->size(); ++i)
      if (!chars::is_hex((*v)[i]))
        return fail(syntax_error("'" + std::string(p.name) + "' must be hex digits",
                                 offset_in(text, p.value) + i));
    return v;
  }
};

template <class T>
bool store(std::optional<ParseError>& err, std::optional<T>& slot, ParseResult<T> r) {
  if (!r) {
    err = std::move(r).error();
    return false;
  }
  slot = std::move(*r);
  return true;
}

// scheme LWS params: the common opening of challenge and credentials.
ParseResult<std::vector<AuthParam>> parse_scheme_and_params(Scanner& s, std::string_view& scheme) {
  s.skip_ws();
  scheme = s.token();
  if (scheme.empty()) return fail(s.error("expected an authentication scheme"));
  std::size_t before = s.pos();
  s.skip_ws();
  if (s.eof()) return fail(s.error("no parameters after '" + std::string(scheme) + "'"));
  if (s.pos() == before)
    return fail(s.error("expected white space after '" + std::string(scheme) + "'"));
  auto params = parse_auth_params(s);
  if (params && params->empty())
    return fail(s.error("no parameters after '" + std::string(scheme) + "'"));
  return params;
}

void append_auth(std::string& out, bool& first, std::string_view name, std::string_view value,
                 bool quoted) {
  if (!first) out.append(", ");
  first = false;
  out.append(name).push_back('=');
  if (quoted) out.push_back('"');
  out.append(value);
  if (quoted) out.push_back('"');
}

void append_nc(std::string& out, bool& first, std::uint32_t nc) {
  static constexpr char kHex[] = "0123456789abcdef";
  char buf[8];
  for (int i = 7; i >= 0; --i, nc >>= 4) buf[i] = kHex[nc & 0xf];
  append_auth(out, first, "nc", std::string_view(buf, 8), false);
}

void append_params(std::string& out, bool& first, const std::vector<AuthParam>& params) {
  for (const AuthParam& p : params) append_auth(out, first, p.name, p.value, p.quoted);
}

}  // namespace

DigestAlgorithm digest_algorithm(std::string_view name) {
  for (std::size_t i = 0; i < kAlgorithms.size(); ++i)
    if (iequals(kAlgorithms[i], name)) return static_cast<DigestAlgorithm>(i);
  return DigestAlgorithm::Other;
}

std::string_view digest_algorithm_name(DigestAlgorithm a) {
  auto i = static_cast<std::size_t>(a);
  return i < kAlgorithms.size() ? kAlgorithms[i] : std::string_view{};
}

// ---- Challenge

bool Challenge::is_digest() const { return iequals(scheme, "Digest"); }

DigestAlgorithm Challenge::digest_algorithm() const {
  return algorithm ? message::digest_algorithm(*algorithm) : DigestAlgorithm::Md5;
}

bool Challenge::offers_qop(std::string_view qop_value) const {
  for (std::string_view q : qop)
    if (iequals(q, qop_value)) return true;
  return false;
}

void Challenge::append_to(std::string& out) const {
  out.append(scheme).push_back(' ');
  bool first = true;
  if (realm) append_auth(out, first, "realm", *realm, true);
  if (!domain.empty()) {
    std::string d;
    for (std::size_t i = 0; i < domain.size(); ++i) d.append(i ? " " : "").append(domain[i]);
    append_auth(out, first, "domain", d, true);
  }
  if (nonce) append_auth(out, first, "nonce", *nonce, true);
  if (opaque) append_auth(out, first, "opaque", *opaque, true);
  if (stale) append_auth(out, first, "stale", *stale ? "true" : "false", false);
  if (algorithm) append_auth(out, first, "algorithm", *algorithm, false);
  if (!qop.empty()) {
    std::string q;
    for (std::size_t i = 0; i < qop.size(); ++i) q.append(i ? "," : "").append(qop[i]);
    append_auth(out, first, "qop", q, true);
  }
  if (charset) append_auth(out, first, "charset", *charset, false);
  if (userhash) append_auth(out, first, "userhash", *userhash ? "true" : "false", false);
  append_params(out, first, params);
}

std::string Challenge::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<Challenge> parse_challenge(std::string_view value) {
  Scanner s(value);
  Challenge c;
  auto params = parse_scheme_and_params(s, c.scheme);
  if (!params) return fail(std::move(params).error());
  std::optional<ParseError> err;
  for (const AuthParam& p : *params) {
    Field f{value, p};
    std::string_view n = p.name;
    bool ok = true;
    if (iequals(n, "realm")) {
      ok = store(err, c.realm, f.quoted());
    } else if (iequals(n, "nonce")) {
      ok = store(err, c.nonce, f.quoted());
    } else if (iequals(n, "opaque")) {
      ok = store(err, c.opaque, f.quoted());
    } else if (iequals(n, "stale")) {
      ok = store(err, c.stale, f.boolean());
    } else if (iequals(n, "userhash")) {
      ok = store(err, c.userhash, f.boolean());
    } else if (iequals(n, "algorithm")) {
      ok = store(err, c.algorithm, f.token());
    } else if (iequals(n, "charset")) {
      ok = store(err, c.charset, f.token());
    } else if (iequals(n, "domain")) {
      // domain = "domain" EQUAL LDQUOT URI *( 1*SP URI ) RDQUOT
      std::optional<std::string_view> d;
      ok = store(err, d, f.quoted());
      if (ok) {
        std::size_t i = 0;
        while (i < d->size()) {
          while (i < d->size() && chars::is_ws((*d)[i])) ++i;
          std::size_t start = i;
          while (i < d->size() && !chars::is_ws((*d)[i])) ++i;
          if (i > start) c.domain.push_back(d->substr(start, i - start));
        }
      }
    } else if (iequals(n, "qop")) {
      // qop-options = "qop" EQUAL LDQUOT qop-value *("," qop-value) RDQUOT
      std::optional<std::string_view> q;
      ok = store(err, q, f.quoted());
      if (ok) {
        auto list = parse_token_list(*q, "qop-value", false);
        if (!list) {
          err = shifted(std::move(list).error(), offset_in(value, *q));
          ok = false;
        } else {
          c.qop = std::move(*list);
        }
      }
    } else {
      c.params.push_back(p);
    }
    if (!ok) return fail(std::move(*err));
  }
  if (c.is_digest()) {
    // §25.1 digest-cln and RFC 7616 §3.3: realm and nonce are required.
    if (!c.realm) return fail(syntax_error("Digest challenge without realm"));
    if (!c.nonce) return fail(syntax_error("Digest challenge without nonce"));
  }
  return c;
}

// ---- Credentials

bool Credentials::is_digest() const { return iequals(scheme, "Digest"); }

DigestAlgorithm Credentials::digest_algorithm() const {
  return algorithm ? message::digest_algorithm(*algorithm) : DigestAlgorithm::Md5;
}

void Credentials::append_to(std::string& out) const {
  out.append(scheme).push_back(' ');
  bool first = true;
  if (username) append_auth(out, first, "username", *username, true);
  if (realm) append_auth(out, first, "realm", *realm, true);
  if (nonce) append_auth(out, first, "nonce", *nonce, true);
  if (uri) append_auth(out, first, "uri", *uri, true);
  if (response) append_auth(out, first, "response", *response, true);
  if (algorithm) append_auth(out, first, "algorithm", *algorithm, false);
  if (cnonce) append_auth(out, first, "cnonce", *cnonce, true);
  if (opaque) append_auth(out, first, "opaque", *opaque, true);
  if (qop) append_auth(out, first, "qop", *qop, false);
  if (nc) append_nc(out, first, *nc);
  if (userhash) append_auth(out, first, "userhash", *userhash ? "true" : "false", false);
  append_params(out, first, params);
}

std::string Credentials::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<Credentials> parse_credentials(std::string_view value) {
  Scanner s(value);
  Credentials c;
  auto params = parse_scheme_and_params(s, c.scheme);
  if (!params) return fail(std::move(params).error());
  std::optional<ParseError> err;
  bool username_star = false;
  for (const AuthParam& p : *params) {
    Field f{value, p};
    std::string_view n = p.name;
    bool ok = true;
    if (iequals(n, "username")) {
      ok = store(err, c.username, f.quoted());
    } else if (iequals(n, "realm")) {
      ok = store(err, c.realm, f.quoted());
    } else if (iequals(n, "nonce")) {
      ok = store(err, c.nonce, f.quoted());
    } else if (iequals(n, "uri")) {
      ok = store(err, c.uri, f.quoted());
    } else if (iequals(n, "response")) {
      ok = store(err, c.response, f.hex_digest());
    } else if (iequals(n, "algorithm")) {
      ok = store(err, c.algorithm, f.token());
    } else if (iequals(n, "cnonce")) {
      ok = store(err, c.cnonce, f.quoted());
    } else if (iequals(n, "opaque")) {
      ok = store(err, c.opaque, f.quoted());
    } else if (iequals(n, "qop")) {
      ok = store(err, c.qop, f.token());
    } else if (iequals(n, "nc")) {
      ok = store(err, c.nc, f.nonce_count());
    } else if (iequals(n, "userhash")) {
      ok = store(err, c.userhash, f.boolean());
    } else {
      username_star = username_star || iequals(n, "username*");
      c.params.push_back(p);
    }
    if (!ok) return fail(std::move(*err));
  }
  if (c.is_digest()) {
    // RFC 7616 §3.4: username or username*, never both; realm, nonce, uri and response always;
    // cnonce and nc whenever qop is sent.
    if (c.username && username_star)
      return fail(syntax_error("Digest credentials with both username and username*"));
    if (!c.username && !username_star)
      return fail(syntax_error("Digest credentials without username"));
    if (!c.realm) return fail(syntax_error("Digest credentials without realm"));
    if (!c.nonce) return fail(syntax_error("Digest credentials without nonce"));
    if (!c.uri) return fail(syntax_error("Digest credentials without uri"));
    if (!c.response) return fail(syntax_error("Digest credentials without response"));
    if (c.qop && !c.cnonce) return fail(syntax_error("Digest credentials with qop but no cnonce"));
    if (c.qop && !c.nc) return fail(syntax_error("Digest credentials with qop but no nc"));
  }
  return c;
}

// ---- Authentication-Info

void AuthenticationInfo::append_to(std::string& out) const {
  bool first = true;
  if (nextnonce) append_auth(out, first, "nextnonce", *nextnonce, true);
  if (qop) append_auth(out, first, "qop", *qop, false);
  if (rspauth) append_auth(out, first, "rspauth", *rspauth, true);
  if (cnonce) append_auth(out, first, "cnonce", *cnonce, true);
  if (nc) append_nc(out, first, *nc);
  append_params(out, first, params);
}

std::string AuthenticationInfo::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<AuthenticationInfo> parse_authentication_info(std::string_view value) {
  Scanner s(value);
  auto params = parse_auth_params(s);
  if (!params) return fail(std::move(params).error());
  if (params->empty()) return fail(syntax_error("empty value"));
  AuthenticationInfo a;
  std::optional<ParseError> err;
  for (const AuthParam& p : *params) {
    Field f{value, p};
    std::string_view n = p.name;
    bool ok = true;
    if (iequals(n, "nextnonce")) {
      ok = store(err, a.nextnonce, f.quoted());
    } else if (iequals(n, "qop")) {
      ok = store(err, a.qop, f.token());
    } else if (iequals(n, "rspauth")) {
      ok = store(err, a.rspauth, f.hex_digest());
    } else if (iequals(n, "cnonce")) {
      ok = store(err, a.cnonce, f.quoted());
    } else if (iequals(n, "nc")) {
      ok = store(err, a.nc, f.nonce_count());
    } else {
      a.params.push_back(p);
    }
    if (!ok) return fail(std::move(*err));
  }
  return a;
}

}  // namespace parley::message
