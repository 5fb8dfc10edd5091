// Where a response goes (RFC 3261 §18.2.2, RFC 3581 §4).
#pragma once

#include "message/message.hpp"
#include "transport/types.hpp"

namespace parley::transport {

// The flow a response to `request` is sent along, given the flow the request came in on (the
// Incoming's flow, after the transport stamped received/rport on the top Via):
//   - stream transports: the same connection while it is open; remote is the received address
//     (else the source address) with the sent-by port (else the transport's default port), which
//     Sender::send connects to if the connection has closed;
//   - UDP with an IP maddr: that address, sent-by port or 5060;
//   - UDP with received: that address, with the rport value when there is one (RFC 3581 §4),
//     else the sent-by port or 5060;
//   - UDP otherwise: the sent-by address and port (an unstamped sent-by host name falls back to
//     the source address).
// Local stays the address the request arrived on: RFC 3581 §4 requires the response to leave
// from it. A request without a readable Via yields came_from unchanged.
Flow response_flow(const message::Message& request, const Flow& came_from);

}  // namespace parley::transport
