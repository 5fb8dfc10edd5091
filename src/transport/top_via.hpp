// Changes the transport layer makes to the topmost Via of a message:
//   - received and rport on a request that came in (RFC 3261 §18.2.1, RFC 3581 §4);
//   - the transport token when a request moves from UDP to TCP for its size (§18.1.1).
// Only the first Via value is rewritten; every other Via keeps its received bytes.
#pragma once

#include "message/message.hpp"
#include "message/via.hpp"
#include "transport/types.hpp"

namespace parley::transport {

// RFC 3261 §18.2.1: adds received=<source address> when the sent-by host is a name or an address
// other than the source. RFC 3581 §4: fills an empty rport with the source port, and then adds
// received even when sent-by matches. Returns false when nothing had to change, or when the
// message has no parsable Via (the caller answers 400).
bool stamp_received(message::Message& request, const Endpoint& source);

// RFC 3261 §18.1.1: "If this causes a change in the transport protocol from the one indicated in
// the top Via, the value in the top Via MUST be changed." False when there is no parsable Via.
bool set_via_transport(message::Message& request, Protocol protocol);

// An IPv4 address that arrived as IPv4-mapped IPv6 (::ffff:192.0.2.1) as the IPv4 address.
boost::asio::ip::address unmapped(const boost::asio::ip::address& a);

}  // namespace parley::transport
