// The parts of SIP over WebSocket (RFC 7118) that need no socket: the subprotocol offer, and the
// choice between text and binary frames.
#pragma once

#include <string_view>

namespace parley::transport {

// RFC 7118 §4.1: the client offers "sip" in Sec-WebSocket-Protocol (a comma-separated list; the
// header may appear more than once, so call this for each). Tokens compare case-insensitively.
bool offers_sip_subprotocol(std::string_view header_value);

// RFC 7118 §5.1: a SIP message goes in a text frame when it is valid UTF-8, else in a binary one.
bool valid_utf8(std::string_view bytes);

}  // namespace parley::transport
