// The server side of HTTP Digest for SIP (RFC 3261 §22.3, §22.4, RFC 7616, RFC 8760): challenges,
// nonces the server verifies without keeping them, staleness, nc replay protection,
// Authentication-Info, and slowing down sources that keep failing.
//
//   DigestServer digest;
//   auto examined = digest.examine(request, false, realm, source_ip, now);
//   // no credentials, or a nonce we did not make -> 401 with digest.challenges(realm, source, now)
//   // otherwise look the user up (asynchronously), then:
//   auto verdict = digest.verify(*examined.attempt, user_ha1_or_nullopt, source_ip, now);
//
// A nonce is hex of (issue time, a counter, HMAC-SHA256 over both, the realm and the source IP
// under a key drawn at start). Nothing is stored per nonce until a request uses it; then a window
// of the nc values seen with it is kept (bounded: max_tracked_nonces).
//
// Thread-safe: one DigestServer serves every shard (the nc windows and the failure table are
// shared, so a replay through another shard is caught).
#pragma once

#include <absl/container/flat_hash_map.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/timer.hpp"
#include "message/auth_header.hpp"
#include "message/message.hpp"

namespace parley::auth {

struct DigestServerConfig {
  // auth.nonce_lifetime: a nonce older than this earns stale=true (RFC 7616 §3.3).
  std::chrono::seconds nonce_lifetime{300};
  // auth.bind_nonce_to_source: a nonce is good only from the IP address it was given to.
  bool bind_to_source = true;
  // auth.max_tracked_nonces: nonces whose nc window is kept at once. Past it the oldest is
  // dropped and every nonce as old as it becomes stale (so a dropped window cannot be replayed).
  std::size_t max_tracked_nonces = 100000;
  // auth.max_failure_sources: sources whose failures are counted at once.
  std::size_t max_failure_sources = 10000;
  // auth.free_failures: failed attempts from one source answered without delay.
  int free_failures = 3;
  // auth.failure_delay: the delay after the first slowed failure; it doubles with each further
  // failure, up to auth.max_failure_delay.
  std::chrono::milliseconds failure_delay{250};
  std::chrono::milliseconds max_failure_delay{4000};
  // auth.failure_memory: a source's failures are forgotten after this long without one.
  std::chrono::seconds failure_memory{60};
  // The algorithms offered, preferred first (RFC 8760 §2.4): one challenge header each.
  std::vector<message::DigestAlgorithm> algorithms = {message::DigestAlgorithm::Sha256,
                                                      message::DigestAlgorithm::Md5};
};

// Credentials that passed the checks that need no user: ours, well formed, with a nonce we made.
struct Attempt {
  message::Credentials credentials;  // views into the request: keep it alive
  message::DigestAlgorithm algorithm = message::DigestAlgorithm::Md5;
  std::string method;
  std::uint64_t issued_ms = 0;  // when the nonce was made
  std::uint64_t counter = 0;    // the nonce's serial number, unique among this server's nonces
  bool expired = false;         // the nonce is too old: a correct digest earns stale=true

  std::string_view username() const { return credentials.username.value_or(""); }
};

// What examine() found in a request.
struct Examined {
  enum class Kind : std::uint8_t {
    NoCredentials,  // none for this realm: challenge
    Unusable,       // a nonce we did not make (another process, a forgery), an algorithm we did
                    // not offer: challenge again, no failure counted
    Malformed,      // answer 400 with `reason`
    Attempt,        // look the user up, then verify()
  };
  Kind kind = Kind::NoCredentials;
  std::string reason;
  std::optional<Attempt> attempt;
};

struct Verdict {
  enum class Kind : std::uint8_t {
    Authenticated,  // go on; put `authentication_info` in the response (RFC 7616 §3.5)
    Stale,          // right digest, old nonce: challenge with stale=true
    Failed,         // unknown user, wrong password or a replayed nc: challenge after `delay`
  };
  Kind kind = Kind::Failed;
  std::string authentication_info;
  Duration delay{0};
};

class DigestServer {
 public:
  explicit DigestServer(DigestServerConfig config = {});

  // The values of the WWW-Authenticate (or Proxy-Authenticate) fields of a 401 (407), one per
  // offered algorithm, preferred first, sharing one fresh nonce.
  std::vector<std::string> challenges(std::string_view realm, std::string_view source_ip,
                                      TimePoint now, bool stale = false);

  // Reads the Authorization (proxy: Proxy-Authorization) fields of `request` for `realm`.
  Examined examine(const message::Message& request, bool proxy, std::string_view realm,
                   std::string_view source_ip, TimePoint now) const;

  // Checks the digest against the user's HA1 for attempt.algorithm (nullopt: no such user, which
  // is answered exactly like a wrong password), the nc against replays, and counts failures per
  // source. `realm` is the one examine() was given.
  Verdict verify(const Attempt& attempt, std::optional<std::string_view> ha1,
                 std::string_view realm, std::string_view source_ip, TimePoint now);

  // A fresh nonce (challenges and nextnonce use this).
  std::string make_nonce(std::string_view realm, std::string_view source_ip, TimePoint now);
  // The issue time of a nonce we made for this realm and source, or nullopt; `counter`, when
  // given, gets the nonce's serial number.
  std::optional<std::uint64_t> nonce_issued(std::string_view nonce, std::string_view realm,
                                            std::string_view source_ip,
                                            std::uint64_t* counter = nullptr) const;

  const DigestServerConfig& config() const { return config_; }
  std::size_t tracked_nonces() const;
  std::size_t failure_sources() const;

 private:
  struct Window {
    std::uint32_t highest = 0;  // the highest nc seen
    std::uint64_t seen = 0;     // bit i: highest - i was seen
    std::uint64_t issued_ms = 0;
  };
  struct Failures {
    int count = 0;
    TimePoint last{};
  };
  std::string mac(std::uint64_t issued_ms, std::uint64_t counter, std::string_view realm,
                  std::string_view source_ip) const;
  // true when nc is new for this nonce (and records it); false for a replay, or a nonce whose
  // window was dropped.
  bool accept_nc(std::uint64_t counter, std::uint64_t issued_ms, std::uint32_t nc,
                 std::uint64_t now_ms);
  Duration record_failure(std::string_view source_ip, TimePoint now);
  void record_success(std::string_view source_ip);

  DigestServerConfig config_;
  unsigned char key_[32];
  // Tells mac()'s per-thread HMAC context which server's key it holds (unique in the process, so
  // a server made where a destroyed one was is not mistaken for it).
  std::uint64_t key_id_ = 0;
  std::uint64_t counter_seed_ = 0;
  std::atomic<std::uint64_t> counter_{0};

  mutable std::mutex mutex_;
  // By the nonce's serial number (its MAC was checked before): no string to copy or compare, and
  // a flat table, since at a registrar's rate it holds max_tracked_nonces windows.
  absl::flat_hash_map<std::uint64_t, Window> windows_;
  std::deque<std::uint64_t> window_order_;  // insertion order, for eviction
  std::uint64_t floor_ms_ = 0;              // nonces issued at or before this and untracked: stale
  std::unordered_map<std::string, Failures> failures_;
};

}  // namespace parley::auth
