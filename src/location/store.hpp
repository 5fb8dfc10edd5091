// The location service (RFC 3261 §10): bindings of an address of record to contact addresses,
// and the users allowed to register them with their digest credentials — behind one asynchronous
// interface, because a store may be across the network (Redis) or on a disk (SQLite).
//
// Threads: a Store may be called from any thread. Its callbacks run on a thread of the store's
// choosing (an I/O thread, or the caller's own before the call returns), so a caller that must
// answer on its own event loop posts the result there itself.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace parley::location {

// Wall-clock time: expiries survive a restart and are shared between nodes.
using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

// One contact bound to an address of record (§10.3 step 7), with what the registrar needs to
// decide about the next REGISTER and what a proxy needs to reach the contact.
struct Binding {
  std::string aor;      // canonical "sip:user@domain" (§10.3 step 5)
  std::string contact;  // the Contact URI as registered
  std::string params;   // its other contact-params, verbatim (";+sip.instance=...;reg-id=1")
  std::optional<std::uint16_t> q;  // q-value × 1000 (0..1000); none when the Contact had none
  TimePoint expires;               // absolute; the binding is gone after it
  std::string call_id;             // of the REGISTER that last wrote it
  std::uint32_t cseq = 0;          // ditto
  std::vector<std::string> path;   // Path header values, in order (RFC 3327)
  std::string source;  // where the REGISTER came from: "udp:192.0.2.4:5060" (transport:ip:port)
  std::string user_agent;

  friend bool operator==(const Binding&, const Binding&) = default;
};

// A user who may register, with HA1 = H(username:realm:password) per algorithm (RFC 7616), never
// the password.
struct User {
  std::string username;  // "alice"
  std::string realm;     // "example.com"
  std::string ha1_md5;
  std::string ha1_sha256;
  std::string ha1_sha512_256;

  friend bool operator==(const User&, const User&) = default;
};

struct StoreError {
  enum class Kind {
    Refused,      // the decide function refused the change: answer `status` with `reason`
    Unavailable,  // the store cannot be reached or failed: answer 500 with Retry-After
  };
  Kind kind = Kind::Unavailable;
  int status = 500;
  std::string reason;
};

template <typename T>
using Callback = std::function<void(Result<T, StoreError>)>;

class Store {
 public:
  virtual ~Store() = default;

  // The new set of bindings for an AOR, decided from the current one (bindings already expired
  // at `now` are not in `current`), or a refusal. Pure: a store may call it more than once (a
  // retry after a conflicting write by another node), and never for the same AOR on two threads
  // at once.
  using Decide = std::function<Result<std::vector<Binding>, StoreError>(
      const std::vector<Binding>& current, TimePoint now)>;

  // Atomically replaces the AOR's bindings with what `decide` returns. `done` hears the bindings
  // as stored, only after they are durable in this store (committed to disk for SQLite, written
  // to Redis) — a 200 OK must not go out before.
  virtual void modify(std::string aor, Decide decide, Callback<std::vector<Binding>> done) = 0;

  // The AOR's unexpired bindings (none is an empty list, not an error).
  virtual void lookup(std::string aor, Callback<std::vector<Binding>> done) = 0;

  // Every unexpired binding, or those of one AOR when `aor` is not empty: for
  // `parley location list`.
  virtual void list(std::string aor, Callback<std::vector<Binding>> done) = 0;

  // Users. find_user answers an absent user with nullopt.
  virtual void find_user(std::string username, std::string realm,
                         Callback<std::optional<User>> done) = 0;
  virtual void put_user(User user, Callback<bool> done) = 0;
  // true when the user existed.
  virtual void remove_user(std::string username, std::string realm, Callback<bool> done) = 0;
  virtual void list_users(Callback<std::vector<User>> done) = 0;

  // Writes out what is pending and stops taking work; callbacks of work already taken still run.
  virtual void close() = 0;
};

// A store from its spec: "memory", "sqlite:PATH", "redis://HOST:PORT" (optionally /DB).
Result<std::unique_ptr<Store>, std::string> open_store(std::string_view spec);

}  // namespace parley::location
