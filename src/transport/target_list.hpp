// The outcome of RFC 3263 server location: an ordered list of (transport, address, port) targets,
// and the walk through it a client makes when one fails (RFC 3263 §4.3).
//
//   TargetList targets(*resolved);
//   send_to(*targets.current());
//   ... on a transport error, a timeout or a 503:
//   if (const Target* next = targets.fail_over()) send_to(*next); else give_up();
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "transport/types.hpp"

namespace parley::transport {

struct Target {
  Protocol protocol = Protocol::Udp;
  Endpoint endpoint;
  // The host name the address was found for (the SRV target or the URI's host): the server name
  // a TLS connection presents as SNI and checks the certificate against (RFC 5922 §4). For a
  // numeric host, the address as text.
  std::string host;

  // "tls:192.0.2.1:5061 (pbx.example.com)"
  std::string to_string() const;
  friend bool operator==(const Target&, const Target&) = default;
};

// Walks the targets in order. RFC 3263 §4.3: a transport failure, a transaction timeout or a 503
// makes the client try the next one; anything else is the answer.
class TargetList {
 public:
  explicit TargetList(std::vector<Target> targets) : targets_(std::move(targets)) {}

  // The target to send to now; nullptr when none is left.
  const Target* current() const { return index_ < targets_.size() ? &targets_[index_] : nullptr; }
  // Moves to the next target after a failure of the current one; nullptr when none is left.
  const Target* fail_over();
  // Whether a final response means "try the next target" (§4.3: 503 only).
  static bool fails_over_on(int status) { return status == 503; }

  bool exhausted() const { return index_ >= targets_.size(); }
  std::size_t tried() const { return index_ < targets_.size() ? index_ + 1 : targets_.size(); }
  const std::vector<Target>& targets() const { return targets_; }

 private:
  std::vector<Target> targets_;
  std::size_t index_ = 0;
};

// One SRV record (RFC 2782).
struct SrvRecord {
  std::string target;
  std::uint16_t port = 0;
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
};

// RFC 2782 ordering: ascending priority; within one priority, a weighted random order (a record
// with weight w among records summing to W comes first with probability w/W; weight-0 records
// only get a small chance). `random` returns a uniformly distributed number; tests seed it.
// Records whose target is "." (service not available, RFC 2782) are dropped.
std::vector<SrvRecord> order_srv(std::vector<SrvRecord> records,
                                 const std::function<std::uint32_t()>& random);

}  // namespace parley::transport
