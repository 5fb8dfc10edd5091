// The registrar of RFC 3261 §10.3, step by step, with Path (RFC 3327) and digest authentication
// (§22, RFC 7616, RFC 8760):
//
//   1. the Request-URI's domain must be one this server keeps bindings for, else 404 (§21.4.5:
//      "returned if the domain in the Request-URI does not match any of the domains handled by
//      the recipient"; there is no proxy to forward it to yet);
//   2. Require: any option-tag but path gets 420 with Unsupported (§8.2.2.3);
//   3. authentication: 401 with a challenge per algorithm (auth/server.hpp);
//   4. authorization: the authenticated user must be the AOR's user in the AOR's domain, else 403;
//   5. To -> address of record: a sip/sips URI with a user in the Request-URI's domain, else 404;
//      canonical form "sip:user@host" (parameters and port dropped, escapes resolved, host in
//      lowercase);
//   6. Contact "*": only alone and with Expires: 0, else 400; removes every binding, unless one
//      has the request's Call-ID with a CSeq not below it;
//   7. each Contact: expires from its parameter, else the Expires header, else the default, cut
//      to the maximum; 0 < expires < the minimum gets 423 with Min-Expires; a binding with the
//      request's Call-ID and a CSeq not below the request's fails the whole request with 500
//      (§10.3 step 7: "the update MUST be aborted and the request fails", and the same paragraph
//      makes a failed binding update a 500); more than max_contacts bindings get 403 (policy, not
//      an error: §21.4.4 "the request SHOULD NOT be repeated");
//   8. 200 with every current binding and its remaining expires, Date, and the Path stored
//      (echoed when the request's Supported has path, RFC 3327 §5.3).
//
// Steps 6 and 7 run inside Store::modify's decide function, so that a REGISTER is applied
// atomically against the bindings as they are in the store (§10.3: "processed atomically").
// A store that fails answers 500 with Retry-After.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/server.hpp"
#include "common/timer.hpp"
#include "location/store.hpp"
#include "message/message.hpp"
#include "transport/types.hpp"

namespace parley::registrar {

struct RegistrarConfig {
  // registrar.domains: the domains bindings are kept for (lowercase). Empty: any domain.
  std::vector<std::string> domains;
  // auth: challenge every REGISTER (false: an open registrar, for tests and benchmarks).
  bool authenticate = true;
  std::uint32_t default_expires = 3600;  // registrar.default_expires
  std::uint32_t min_expires = 60;        // registrar.min_expires (423 below, §10.3 step 7)
  std::uint32_t max_expires = 86400;     // registrar.max_expires (longer requests are cut)
  std::size_t max_contacts = 16;         // registrar.max_contacts per AOR
  // registrar.retry_after: the Retry-After of the 500 sent when the store fails.
  std::chrono::seconds retry_after{5};
};

// The canonical address of record of a To URI (§10.3 step 5), or nullopt when it has none.
std::optional<std::string> canonical_aor(const message::Uri& to);

// A To tag for a response (§8.2.6.2, §19.3): 64 random bits in hex.
std::string new_tag();

// "Sun, 06 Nov 1994 08:49:37 GMT" (§20.17, RFC 1123).
std::string http_date(std::chrono::system_clock::time_point t);

class Registrar {
 public:
  // The response, as bytes ready for ServerTransaction::respond.
  using Reply = std::function<void(int status, std::string response)>;
  // Runs a function on this registrar's thread (the shard's event loop): store callbacks come on
  // the store's threads and are handed back through this. Called on that thread already (the
  // memory store answers at once), it may run the function there and then.
  using Post = std::function<void(std::function<void()>)>;

  // `digest` may be null when config.authenticate is false. The store and digest server are
  // shared by every shard's registrar; `timers` and `post` are this shard's.
  Registrar(RegistrarConfig config, location::Store& store, auth::DigestServer* digest,
            TimerService& timers, Post post);

  // A REGISTER. `request` must stay valid until `reply` has been called (the server core holds
  // its transaction); reply is called once, on this registrar's thread.
  void handle(const transport::Incoming& request, Reply reply);

  const RegistrarConfig& config() const { return config_; }
  // REGISTERs waiting for the store (or for a failure delay).
  std::size_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

 private:
  struct Pending;
  void authenticated(const std::shared_ptr<Pending>& p);
  void challenge(const std::shared_ptr<Pending>& p, bool stale);
  void unavailable(const std::shared_ptr<Pending>& p);
  void stored(const std::shared_ptr<Pending>& p,
              Result<std::vector<location::Binding>, location::StoreError> result);
  void finish(const std::shared_ptr<Pending>& p, int status, std::string response);
  bool serves(std::string_view domain) const;

  RegistrarConfig config_;
  location::Store& store_;
  auth::DigestServer* digest_;
  TimerService& timers_;
  Post post_;
  std::atomic<std::size_t> in_flight_{0};
};

}  // namespace parley::registrar
