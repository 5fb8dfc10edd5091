// The parts of SIP over WebSocket (RFC 7118) that need no socket: the subprotocol offer, and the
// choice between text and binary frames.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parley::transport {

// RFC 7118 §4.1: the client offers "sip" in Sec-WebSocket-Protocol (a comma-separated list; the
// header may appear more than once, so call this for each). Tokens compare case-insensitively.
bool offers_sip_subprotocol(std::string_view header_value);

// RFC 6455 §10.2: whether a browser page from `origin` may connect: `allowed` is empty or holds
// "*" or the origin itself (compared case-insensitively: RFC 6454 §6.2 serializes scheme and host
// in lower case, but not every client does).
bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed);

// RFC 7118 §5.1: a SIP message goes in a text frame when it is valid UTF-8, else in a binary one.
bool valid_utf8(std::string_view bytes);

}  // namespace parley::transport
