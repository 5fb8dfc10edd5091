// The authentication header fields: WWW-Authenticate and Proxy-Authenticate (challenges, RFC 3261
// §20.44, §20.27), Authorization and Proxy-Authorization (credentials, §20.7, §20.28) and
// Authentication-Info (§20.6), with the parameters of HTTP Digest as RFC 7616 defines them and
// the algorithms RFC 8760 brings to SIP:
//
//   WWW-Authenticate: Digest realm="atlanta.com", qop="auth,auth-int", algorithm=SHA-256,
//                     nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque=""
//   Authorization: Digest username="alice", realm="atlanta.com", uri="sip:bob@biloxi.com",
//                  nonce="f84f1cec41e6cbe5aea9c8e88d359",
//                  response="6629fae49393a05397450978507c4ef1", algorithm=MD5, cnonce="0a4f113b",
//                  qop=auth, nc=00000001
//   Authentication-Info: nextnonce="47364c23432d2e131a5fb210812c", qop=auth, rspauth="..."
//
// Parameters are comma-separated name=value pairs, the value a token or a quoted-string. Quoted
// values are views of the text between the quotes with quoted-pairs left in place (unquote()
// resolves them). Known parameters land in typed fields; any other is kept in `params`, in order.
// The digest arithmetic is not here: these only parse and render.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "message/error.hpp"

namespace parley::message {

// The algorithm parameter (RFC 7616 §3.3, RFC 8760 §2.1). Names compare case-insensitively.
enum class DigestAlgorithm : std::uint8_t {
  Md5,  // also when the parameter is absent
  Md5Sess,
  Sha256,
  Sha256Sess,
  Sha512_256,
  Sha512_256Sess,
  Other,
};
DigestAlgorithm digest_algorithm(std::string_view name);
// "MD5", "SHA-512-256-sess", ...; "" for Other.
std::string_view digest_algorithm_name(DigestAlgorithm a);

// An auth-param the header does not define a field for.
struct AuthParam {
  std::string_view name;
  std::string_view value;  // raw: the inside of a quoted-string, or the token
  bool quoted = false;

  friend bool operator==(const AuthParam&, const AuthParam&) = default;
};

// challenge = ("Digest" LWS digest-cln *(COMMA digest-cln)) / other-challenge (§25.1).
struct Challenge {
  std::string_view scheme;  // "Digest"
  std::optional<std::string_view> realm;
  std::vector<std::string_view> domain;  // the space-separated URIs of domain="..."
  std::optional<std::string_view> nonce;
  std::optional<std::string_view> opaque;
  std::optional<bool> stale;                  // TRUE/FALSE, any case
  std::optional<std::string_view> algorithm;  // as written; absent means MD5
  std::vector<std::string_view> qop;          // qop-options: "auth", "auth-int", ...
  std::optional<std::string_view> charset;    // RFC 7616 §3.3: "UTF-8"
  std::optional<bool> userhash;               // RFC 7616 §3.3
  std::vector<AuthParam> params;

  bool is_digest() const;
  DigestAlgorithm digest_algorithm() const;
  bool offers_qop(std::string_view qop_value) const;
  void append_to(std::string& out) const;
  std::string to_string() const;
};

// credentials = ("Digest" LWS digest-response) / other-response (§25.1, RFC 7616 §3.4).
struct Credentials {
  std::string_view scheme;
  std::optional<std::string_view> username;  // or username* (RFC 7616 §3.4.4), kept in params
  std::optional<std::string_view> realm;
  std::optional<std::string_view> nonce;
  std::optional<std::string_view> uri;       // digest-uri, always quoted
  std::optional<std::string_view> response;  // hex digits
  std::optional<std::string_view> algorithm;
  std::optional<std::string_view> cnonce;
  std::optional<std::string_view> opaque;
  std::optional<std::string_view> qop;  // the one qop-value chosen
  std::optional<std::uint32_t> nc;      // nonce-count, written as 8 hex digits
  std::optional<bool> userhash;
  std::vector<AuthParam> params;

  bool is_digest() const;
  DigestAlgorithm digest_algorithm() const;
  void append_to(std::string& out) const;
  std::string to_string() const;
};

// ainfo *(COMMA ainfo) (§20.6, RFC 7616 §3.5).
struct AuthenticationInfo {
  std::optional<std::string_view> nextnonce;
  std::optional<std::string_view> qop;
  std::optional<std::string_view> rspauth;  // hex digits
  std::optional<std::string_view> cnonce;
  std::optional<std::uint32_t> nc;
  std::vector<AuthParam> params;

  void append_to(std::string& out) const;
  std::string to_string() const;
};

// WWW-Authenticate, Proxy-Authenticate. A Digest challenge needs realm and nonce.
ParseResult<Challenge> parse_challenge(std::string_view value);
// Authorization, Proxy-Authorization. Digest credentials need username (or username*), realm,
// nonce, uri and response; with qop also cnonce and nc (RFC 7616 §3.4).
ParseResult<Credentials> parse_credentials(std::string_view value);
ParseResult<AuthenticationInfo> parse_authentication_info(std::string_view value);

}  // namespace parley::message
