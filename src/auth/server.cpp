#include "auth/server.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>

#include "auth/digest.hpp"

namespace parley::auth {

using message::Credentials;
using message::DigestAlgorithm;
using message::HeaderId;

namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::size_t kMacBytes = 16;
constexpr std::size_t kNonceHex = 2 * (8 + 8 + kMacBytes);

std::uint64_t millis(TimePoint t) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

void put_hex64(std::string& out, std::uint64_t v) {
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(v >> shift) & 0xf]);
}

std::optional<std::uint64_t> get_hex64(std::string_view s) {
  std::uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else
      return std::nullopt;
    v = (v << 4) | static_cast<std::uint64_t>(d);
  }
  return v;
}

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::atomic<std::uint64_t> next_key_id{1};

// An HMAC-SHA256 context per thread, keyed with one server's key. OpenSSL's one-shot HMAC() fetches
// the algorithm from its providers and sets the key up on every call, several times the cost of
// the hash itself over a nonce's few bytes; a keyed context is only reinitialised (EVP_MAC_init
// with no key keeps the key it has).
struct ThreadMac {
  std::uint64_t key_id = 0;
  EVP_MAC_CTX* ctx = nullptr;
  ~ThreadMac() { EVP_MAC_CTX_free(ctx); }

  bool start(std::uint64_t id, const unsigned char* key, std::size_t key_size) {
    if (key_id == id) return EVP_MAC_init(ctx, nullptr, 0, nullptr) == 1;
    if (ctx == nullptr) {
      static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
      if (hmac == nullptr || (ctx = EVP_MAC_CTX_new(hmac)) == nullptr) return false;
    }
    char digest[] = "SHA2-256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(ctx, key, key_size, params) != 1) return false;
    key_id = id;
    return true;
  }
};

std::string nc_hex(std::uint32_t nc) {
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, nc >>= 4) out[static_cast<std::size_t>(i)] = kHex[nc & 0xf];
  return out;
}

}  // namespace

DigestServer::DigestServer(DigestServerConfig config) : config_(std::move(config)) {
  if (RAND_bytes(key_, sizeof key_) != 1 ||
      RAND_bytes(reinterpret_cast<unsigned char*>(&counter_seed_), sizeof counter_seed_) != 1)
    throw std::runtime_error("auth: no randomness for the nonce key");
  counter_.store(counter_seed_);
  key_id_ = next_key_id.fetch_add(1, std::memory_order_relaxed);
}

std::string DigestServer::mac(std::uint64_t issued_ms, std::uint64_t counter,
                              std::string_view realm, std::string_view source_ip) const {
  std::string data;
  data.reserve(16 + realm.size() + source_ip.size() + 2);
  put_hex64(data, issued_ms);
  put_hex64(data, counter);
  data.append(realm);
  data.push_back('\0');
  if (config_.bind_to_source) data.append(source_ip);
  thread_local ThreadMac hmac;
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  if (!hmac.start(key_id_, key_, sizeof key_) ||
      EVP_MAC_update(hmac.ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
          1 ||
      EVP_MAC_final(hmac.ctx, out, &len, sizeof out) != 1 || len < kMacBytes)
    throw std::runtime_error("auth: HMAC-SHA256 failed");
  std::string hex;
  hex.reserve(2 * kMacBytes);
  for (std::size_t i = 0; i < kMacBytes; ++i) {
    hex.push_back(kHex[out[i] >> 4]);
    hex.push_back(kHex[out[i] & 0xf]);
  }
  return hex;
}

std::string DigestServer::make_nonce(std::string_view realm, std::string_view source_ip,
                                     TimePoint now) {
  std::uint64_t issued = millis(now);
  std::uint64_t counter = counter_.fetch_add(1, std::memory_order_relaxed);
  std::string nonce;
  nonce.reserve(kNonceHex);
  put_hex64(nonce, issued);
  put_hex64(nonce, counter);
  nonce.append(mac(issued, counter, realm, source_ip));
  return nonce;
}

std::optional<std::uint64_t> DigestServer::nonce_issued(std::string_view nonce,
                                                        std::string_view realm,
                                                        std::string_view source_ip,
                                                        std::uint64_t* counter_out) const {
  if (nonce.size() != kNonceHex) return std::nullopt;
  auto issued = get_hex64(nonce.substr(0, 16));
  auto counter = get_hex64(nonce.substr(16, 16));
  if (!issued || !counter) return std::nullopt;
  // The comparison takes the same time wherever the MACs differ.
  if (!digest_equal(mac(*issued, *counter, realm, source_ip), nonce.substr(32)))
    return std::nullopt;
  if (counter_out) *counter_out = *counter;
  return issued;
}

std::vector<std::string> DigestServer::challenges(std::string_view realm,
                                                  std::string_view source_ip, TimePoint now,
                                                  bool stale) {
  std::string nonce = make_nonce(realm, source_ip, now);
  std::vector<std::string> out;
  out.reserve(config_.algorithms.size());
  for (DigestAlgorithm a : config_.algorithms) {
    // RFC 3261 §22.4, RFC 7616 §3.3, RFC 8760 §2.3: one challenge per algorithm, preferred first.
    std::string v = "Digest realm=\"";
    v.append(realm);
    v.append("\", nonce=\"");
    v.append(nonce);
    v.append("\", algorithm=");
    v.append(message::digest_algorithm_name(a));
    v.append(", qop=\"auth\"");
    if (stale) v.append(", stale=true");
    out.push_back(std::move(v));
  }
  return out;
}

Examined DigestServer::examine(const message::Message& request, bool proxy, std::string_view realm,
                               std::string_view source_ip, TimePoint now) const {
  Examined result;
  const HeaderId id = proxy ? HeaderId::ProxyAuthorization : HeaderId::Authorization;
  std::string_view header = message::header_name(id);
  std::optional<Credentials> ours;
  for (const auto& field : request.fields()) {
    if (field.id != id) continue;
    auto parsed = message::parse_credentials(field.value);
    if (!parsed) {
      result.kind = Examined::Kind::Malformed;
      result.reason = std::string(header) + ": " + parsed.error().what;
      return result;
    }
    // RFC 3261 §22.4: credentials for other realms belong to other servers on the path.
    if (parsed->is_digest() && parsed->realm && *parsed->realm == realm) {
      ours = std::move(*parsed);
      break;
    }
  }
  if (!ours) return result;  // NoCredentials

  auto bad = [&](std::string what) {
    result.kind = Examined::Kind::Malformed;
    result.reason = std::string(header) + ": " + std::move(what);
    return result;
  };
  if (!ours->username) return bad("no username");
  // RFC 7616 §3.4: qop is required. Only auth is offered; nc replay protection needs it.
  if (!ours->qop || !iequal(*ours->qop, "auth")) return bad("qop=auth is required");
  if (!ours->cnonce || !ours->nc) return bad("qop=auth without cnonce or nc");
  // RFC 7616 §3.4.6: the digest-uri names the resource of the request line.
  auto digest_uri = message::parse_uri(*ours->uri);
  const auto& request_uri = request.request_uri();
  if (!digest_uri || !request_uri || !message::equivalent(*digest_uri, *request_uri))
    return bad("uri does not match the Request-URI");

  DigestAlgorithm algorithm = ours->digest_algorithm();
  if (std::find(config_.algorithms.begin(), config_.algorithms.end(), algorithm) ==
      config_.algorithms.end()) {
    result.kind = Examined::Kind::Unusable;
    return result;
  }
  std::uint64_t counter = 0;
  auto issued = nonce_issued(*ours->nonce, realm, source_ip, &counter);
  if (!issued) {
    result.kind = Examined::Kind::Unusable;
    return result;
  }
  Attempt attempt;
  attempt.credentials = std::move(*ours);
  attempt.algorithm = algorithm;
  attempt.method = std::string(request.method_name());
  attempt.issued_ms = *issued;
  attempt.counter = counter;
  auto lifetime_ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.nonce_lifetime).count());
  std::uint64_t now_ms = millis(now);
  attempt.expired = now_ms > *issued + lifetime_ms || *issued > now_ms;
  result.kind = Examined::Kind::Attempt;
  result.attempt = std::move(attempt);
  return result;
}

Verdict DigestServer::verify(const Attempt& attempt, std::optional<std::string_view> ha1,
                             std::string_view realm, std::string_view source_ip, TimePoint now) {
  const Credentials& c = attempt.credentials;
  std::string nc = nc_hex(*c.nc);
  // An unknown user is checked against a HA1 nobody has, so that the work and the answer are
  // those of a wrong password (users cannot be enumerated).
  std::string unknown;
  if (!ha1) {
    unknown = hash_hex(attempt.algorithm, "parley:no such user");
    ha1 = unknown;
  }
  DigestInput in;
  in.algorithm = attempt.algorithm;
  in.ha1 = *ha1;
  in.nonce = *c.nonce;
  in.cnonce = *c.cnonce;
  in.nc = nc;
  in.qop = "auth";
  in.method = attempt.method;
  in.uri = *c.uri;
  bool right = digest_equal(request_digest(in), *c.response) && unknown.empty();

  Verdict v;
  if (!right) {
    v.kind = Verdict::Kind::Failed;
    v.delay = record_failure(source_ip, now);
    return v;
  }
  if (attempt.expired) {
    v.kind = Verdict::Kind::Stale;
    return v;
  }
  if (!accept_nc(attempt.counter, attempt.issued_ms, *c.nc, millis(now))) {
    // A replay, or a window dropped for room: both are answered with a fresh nonce. Only a replay
    // is a failure, but the two cannot be told apart once the window is gone; stale=true keeps an
    // honest client going without asking its user again.
    v.kind = Verdict::Kind::Stale;
    return v;
  }
  record_success(source_ip);
  v.kind = Verdict::Kind::Authenticated;
  // RFC 7616 §3.5 (RFC 2617 §3.2.3): rspauth proves the server knows the secret too; nextnonce
  // lets the client go on without another challenge.
  std::string rspauth = response_auth(in);
  std::string next = make_nonce(realm, source_ip, now);
  std::string& out = v.authentication_info;
  out.reserve(200);
  out.append("nextnonce=\"").append(next).append("\", qop=auth, rspauth=\"").append(rspauth);
  out.append("\", cnonce=\"").append(*c.cnonce).append("\", nc=").append(nc);
  return v;
}

bool DigestServer::accept_nc(std::uint64_t counter, std::uint64_t issued_ms, std::uint32_t nc,
                             std::uint64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = windows_.find(counter);
  if (it == windows_.end()) {
    if (issued_ms <= floor_ms_) return false;
    auto lifetime_ms = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(config_.nonce_lifetime).count());
    // Windows of nonces that have gone stale are of no use any more: a correct digest with them
    // is answered stale=true before the nc is looked at.
    while (!window_order_.empty()) {
      auto front = windows_.find(window_order_.front());
      bool expired = front == windows_.end() || front->second.issued_ms + lifetime_ms < now_ms;
      if (!expired && windows_.size() < config_.max_tracked_nonces) break;
      if (front != windows_.end()) {
        floor_ms_ = std::max(floor_ms_, front->second.issued_ms);
        windows_.erase(front);
      }
      window_order_.pop_front();
    }
    if (config_.max_tracked_nonces == 0) return false;
    Window w;
    w.highest = nc;
    w.seen = 1;
    w.issued_ms = issued_ms;
    windows_.emplace(counter, w);
    window_order_.push_back(counter);
    return true;
  }
  Window& w = it->second;
  if (nc > w.highest) {
    std::uint32_t shift = nc - w.highest;
    w.seen = shift >= 64 ? 1 : (w.seen << shift) | 1;
    w.highest = nc;
    return true;
  }
  std::uint32_t back = w.highest - nc;
  if (back >= 64) return false;  // too old to tell: refused as a replay
  std::uint64_t bit = std::uint64_t{1} << back;
  if (w.seen & bit) return false;
  w.seen |= bit;
  return true;
}

Duration DigestServer::record_failure(std::string_view source_ip, TimePoint now) {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(std::string(source_ip));
  if (it == failures_.end()) {
    if (failures_.size() >= config_.max_failure_sources) {
      std::erase_if(failures_,
                    [&](const auto& kv) { return now - kv.second.last > config_.failure_memory; });
      // Still full: forget one arbitrary source rather than grow.
      if (failures_.size() >= config_.max_failure_sources && !failures_.empty())
        failures_.erase(failures_.begin());
    }
    if (config_.max_failure_sources == 0) return Duration{0};
    it = failures_.emplace(std::string(source_ip), Failures{}).first;
  }
  Failures& f = it->second;
  if (now - f.last > config_.failure_memory) f.count = 0;
  f.last = now;
  ++f.count;
  int over = f.count - config_.free_failures;
  if (over <= 0) return Duration{0};
  Duration delay = config_.failure_delay;
  for (int i = 1; i < over && delay < config_.max_failure_delay; ++i) delay *= 2;
  return std::min<Duration>(delay, config_.max_failure_delay);
}

void DigestServer::record_success(std::string_view source_ip) {
  std::lock_guard lock(mutex_);
  if (failures_.empty()) return;
  failures_.erase(std::string(source_ip));
}

std::size_t DigestServer::tracked_nonces() const {
  std::lock_guard lock(mutex_);
  return windows_.size();
}

std::size_t DigestServer::failure_sources() const {
  std::lock_guard lock(mutex_);
  return failures_.size();
}

}  // namespace parley::auth
