// RFC 3261 §18.1.1: a request that could be fragmented over UDP goes over a congestion
// controlled transport (TCP) instead.
#pragma once

#include <cstddef>
#include <optional>

#include "transport/types.hpp"

namespace parley::transport {

// "If a request is within 200 bytes of the path MTU, or if it is larger than 1300 bytes and the
// path MTU is unknown, the request MUST be sent using [...] TCP."
inline constexpr std::size_t kUdpSizeWithoutMtu = 1300;
inline constexpr std::size_t kMtuMargin = 200;

// The transport a request of `size` bytes goes over when `planned` was chosen for it (RFC 3263).
// Only UDP changes (to TCP); responses are never moved. When the answer differs from planned, the
// caller rewrites the top Via (set_via_transport in top_via.hpp) before serializing, and may retry
// over UDP if the TCP connection is refused (§18.1.1, for RFC 2543 peers).
constexpr Protocol transport_for_request(Protocol planned, std::size_t size,
                                         std::optional<std::size_t> path_mtu = std::nullopt) {
  if (planned != Protocol::Udp) return planned;
  const bool too_big = path_mtu ? size + kMtuMargin >= *path_mtu : size > kUdpSizeWithoutMtu;
  return too_big ? Protocol::Tcp : Protocol::Udp;
}

}  // namespace parley::transport
