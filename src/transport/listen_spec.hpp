// Where the transport layer listens: one protocol on one address and port, written as
// "udp:127.0.0.1:5060", "tls:[::1]:5061" or "ws:0.0.0.0" (the port defaults per §19.1.2 and
// RFC 7118). Port 0 asks the system for a free port; TransportLayer::listening() reads it back.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "transport/types.hpp"

namespace parley::transport {

struct ListenSpec {
  Protocol protocol = Protocol::Udp;
  Endpoint endpoint;

  // "udp:127.0.0.1:5060", "tcp:[::1]:5060": parse_listen_spec reads it back.
  std::string to_string() const;
  friend bool operator==(const ListenSpec&, const ListenSpec&) = default;
};

// The host must be an IP address (listening needs no DNS); the protocol is case-insensitive.
// The error says what is wrong, for a configuration error message.
Result<ListenSpec, std::string> parse_listen_spec(std::string_view text);

}  // namespace parley::transport
