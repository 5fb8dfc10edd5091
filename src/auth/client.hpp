// The client side of HTTP Digest in SIP (RFC 3261 §22.2-22.4, RFC 7616, RFC 8760): answering a
// 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) with Authorization or Proxy-Authorization.
//
//   DigestClient auth;
//   auth.add("alice", "secret");                  // any realm; add(.., "atlanta.com") for one
//   if (auto h = auth.answer(request, response))  // {"Authorization", "Digest username=..."}
//     resend(request with h, CSeq + 1, new branch);
//
// - Of several challenges (one per algorithm, RFC 8760 §2.4), the strongest this client speaks
//   wins: SHA-512-256, then SHA-256, then MD5 (-sess variants alike).
// - qop=auth (or auth-int when only that is offered) with a random cnonce and nc counted per
//   nonce; without qop, RFC 2069 digests.
// - stale=true: the new nonce is used without asking anyone for the password again.
// - Loop guard: a challenge for the very nonce the request already answered, without stale=true,
//   means the password is wrong: answer() gives up (nullopt).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>

#include "message/auth_header.hpp"
#include "message/message.hpp"

namespace parley::auth {

class DigestClient {
 public:
  DigestClient();

  // Credentials for `realm`; an empty realm answers any realm without credentials of its own.
  void add(std::string username, std::string password, std::string realm = {});
  bool empty() const { return credentials_.empty(); }

  // The header field (name, value) that answers the challenges of `response` (401 or 407) to
  // `request`; nullopt when there is nothing to answer with (no credentials for the realm, no
  // algorithm in common, or the loop guard above).
  std::optional<std::pair<std::string, std::string>> answer(const message::Message& request,
                                                            const message::Message& response);

  // The credentials for one challenge, given the request's method, digest-uri and body.
  std::optional<std::string> authorize(const message::Challenge& challenge, std::string_view method,
                                       std::string_view uri, std::string_view body = {});

  // For tests: a fixed cnonce instead of a random one.
  void set_cnonce(std::string cnonce) { fixed_cnonce_ = std::move(cnonce); }
  // How often this nonce has been used (the last nc sent).
  std::uint32_t nonce_count(std::string_view nonce) const;

 private:
  struct Secret {
    std::string username, password;
  };
  const Secret* secret_for(std::string_view realm) const;

  std::map<std::string, Secret, std::less<>> credentials_;
  std::map<std::string, std::uint32_t, std::less<>> nc_;
  std::mt19937_64 random_;
  std::string fixed_cnonce_;
};

// RFC 8760 §2.4 preference: higher is stronger; 0 for what this client cannot compute.
int strength(message::DigestAlgorithm a);

}  // namespace parley::auth
