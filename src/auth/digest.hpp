// The arithmetic of HTTP Digest as SIP uses it (RFC 3261 §22.4, RFC 7616 §3.4, RFC 8760): the
// hash of each algorithm, HA1, and the request-digest a client sends and a server recomputes.
// Both ends use these; the client's and the server's bookkeeping (cnonce, nc, nonces, replay) is
// in client.hpp and server.hpp.
//
//   HA1      = H(username ":" realm ":" password)                        (RFC 7616 §3.4.2)
//   HA1-sess = H(HA1 ":" nonce ":" cnonce)                               (the -sess algorithms)
//   HA2      = H(method ":" digest-uri)             qop=auth or absent   (§3.4.3)
//            = H(method ":" digest-uri ":" H(body))  qop=auth-int
//   response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)       (§3.4.1)
//            = H(HA1 ":" nonce ":" HA2)                                  without qop (RFC 2069)
//
// Every hash is written as lowercase hex. A server stores HA1, never the password.
#pragma once

#include <string>
#include <string_view>

#include "message/auth_header.hpp"

namespace parley::auth {

using message::DigestAlgorithm;

// MD5, SHA-256 and SHA-512-256, each with its -sess variant; not Other.
bool supported(DigestAlgorithm a);
// The algorithm without -sess: the one whose hash function it uses.
DigestAlgorithm base_algorithm(DigestAlgorithm a);
bool is_session(DigestAlgorithm a);

// H(data) in lowercase hex: 32 characters for MD5, 64 for the SHA-2 algorithms. `a` must be
// supported().
std::string hash_hex(DigestAlgorithm a, std::string_view data);

// H(username ":" realm ":" password), the value a server stores per user and algorithm.
std::string ha1(DigestAlgorithm a, std::string_view username, std::string_view realm,
                std::string_view password);

// What the request-digest is computed from.
struct DigestInput {
  DigestAlgorithm algorithm = DigestAlgorithm::Md5;
  std::string_view ha1;  // H(username:realm:password) in hex, as stored; -sess is applied here
  std::string_view nonce;
  std::string_view cnonce;  // with a qop, and for -sess
  std::string_view nc;      // 8 hex digits, with a qop
  std::string_view qop;     // "auth", "auth-int", or empty for none
  std::string_view method;  // the request's method; empty for rspauth
  std::string_view uri;     // the digest-uri as it appears in the credentials
  std::string_view body;    // the message body, for auth-int
};

// The request-digest (the `response` parameter of Authorization).
std::string request_digest(const DigestInput& in);

// The rspauth of Authentication-Info (RFC 2617 §3.2.3): the same computation with an empty
// method in HA2.
std::string response_auth(DigestInput in);

// Compares two hex digests in time that does not depend on where they differ. Case-insensitive,
// as some clients send uppercase hex.
bool digest_equal(std::string_view a, std::string_view b);

}  // namespace parley::auth
