#include "auth/client.hpp"

#include <cstdio>

#include "auth/digest.hpp"

namespace parley::auth {

using message::Challenge;
using message::DigestAlgorithm;
using message::HeaderId;
using message::Message;

int strength(DigestAlgorithm a) {
  switch (a) {
    case DigestAlgorithm::Sha512_256:
    case DigestAlgorithm::Sha512_256Sess:
      return 3;
    case DigestAlgorithm::Sha256:
    case DigestAlgorithm::Sha256Sess:
      return 2;
    case DigestAlgorithm::Md5:
    case DigestAlgorithm::Md5Sess:
      return 1;
    default:
      return 0;
  }
}

DigestClient::DigestClient() : random_(std::random_device{}()) {}

void DigestClient::add(std::string username, std::string password, std::string realm) {
  credentials_[std::move(realm)] = Secret{std::move(username), std::move(password)};
}

const DigestClient::Secret* DigestClient::secret_for(std::string_view realm) const {
  if (auto it = credentials_.find(realm); it != credentials_.end()) return &it->second;
  if (auto it = credentials_.find(std::string_view{}); it != credentials_.end()) return &it->second;
  return nullptr;
}

std::uint32_t DigestClient::nonce_count(std::string_view nonce) const {
  auto it = nc_.find(nonce);
  return it == nc_.end() ? 0 : it->second;
}

namespace {

// A quoted-string's content: '"' and '\' escaped (RFC 3261 §25.1 quoted-pair).
std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

std::optional<std::string> DigestClient::authorize(const Challenge& c, std::string_view method,
                                                   std::string_view uri, std::string_view body) {
  if (!c.is_digest() || !c.realm || !c.nonce) return std::nullopt;
  DigestAlgorithm algorithm = c.digest_algorithm();
  if (!supported(algorithm)) return std::nullopt;
  const Secret* secret = secret_for(*c.realm);
  if (!secret) return std::nullopt;
  std::string nonce(*c.nonce);

  // RFC 7616 §3.4: qop=auth when offered; auth-int only when that is all there is.
  std::string qop;
  if (c.offers_qop("auth"))
    qop = "auth";
  else if (c.offers_qop("auth-int"))
    qop = "auth-int";

  std::string cnonce, nc;
  if (!qop.empty() || is_session(algorithm)) {
    if (!fixed_cnonce_.empty()) {
      cnonce = fixed_cnonce_;
    } else {
      char buf[33];
      std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(random_()),
                    static_cast<unsigned long long>(random_()));
      cnonce = buf;
    }
  }
  if (!qop.empty()) {
    // §3.4: "The nc value is the hexadecimal count of the number of requests (including the
    // current request) that the client has sent with the nonce value in this request."
    std::uint32_t count = ++nc_[nonce];
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", count);
    nc = buf;
  }
  std::string h1 = ha1(algorithm, secret->username, *c.realm, secret->password);
  DigestInput in;
  in.algorithm = algorithm;
  in.ha1 = h1;
  in.nonce = nonce;
  in.cnonce = cnonce;
  in.nc = nc;
  in.qop = qop;
  in.method = method;
  in.uri = uri;
  in.body = body;
  std::string response = request_digest(in);

  std::string out = "Digest username=" + quote(secret->username) + ", realm=\"" +
                    std::string(*c.realm) + "\", nonce=\"" + nonce + "\", uri=" + quote(uri) +
                    ", response=\"" + response + "\"";
  // Echo the algorithm as the server named it; MD5 when it named none.
  out += ", algorithm=";
  out += c.algorithm ? std::string(*c.algorithm) : std::string("MD5");
  if (!cnonce.empty()) out += ", cnonce=\"" + cnonce + "\"";
  if (c.opaque) out += ", opaque=\"" + std::string(*c.opaque) + "\"";
  if (!qop.empty()) out += ", qop=" + qop + ", nc=" + nc;
  return out;
}

std::optional<std::pair<std::string, std::string>> DigestClient::answer(const Message& request,
                                                                        const Message& response) {
  bool proxy = response.status() == 407;
  if (!proxy && response.status() != 401) return std::nullopt;
  HeaderId challenge_id = proxy ? HeaderId::ProxyAuthenticate : HeaderId::WwwAuthenticate;
  HeaderId credentials_id = proxy ? HeaderId::ProxyAuthorization : HeaderId::Authorization;

  // The nonces this request already answered: challenged again with one of them, and not stale,
  // the credentials were refused (RFC 7616 §3.3: stale means only the nonce was).
  std::vector<std::string> answered;
  for (const auto& f : request.fields()) {
    if (f.id != credentials_id) continue;
    auto creds = message::parse_credentials(f.value);
    if (creds && creds->nonce) answered.emplace_back(*creds->nonce);
  }

  std::optional<Challenge> best;
  for (const auto& f : response.fields()) {
    if (f.id != challenge_id) continue;
    auto c = message::parse_challenge(f.value);
    if (!c || !c->is_digest() || !c->realm || !c->nonce) continue;
    if (!supported(c->digest_algorithm()) || !secret_for(*c->realm)) continue;
    bool stale = c->stale.value_or(false);
    bool repeated = false;
    for (const auto& n : answered) repeated = repeated || n == *c->nonce;
    if (repeated && !stale) continue;
    if (!best || strength(c->digest_algorithm()) > strength(best->digest_algorithm())) best = *c;
  }
  if (!best) return std::nullopt;
  auto value = authorize(*best, request.method_name(), request.request_uri_text(), request.body());
  if (!value) return std::nullopt;
  return std::pair<std::string, std::string>(proxy ? "Proxy-Authorization" : "Authorization",
                                             std::move(*value));
}

}  // namespace parley::auth
