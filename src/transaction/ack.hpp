// The ACK an INVITE client transaction sends for a non-2xx final response (RFC 3261 §17.1.1.3).
// The ACK for a 2xx is not the transaction's: the UAC core builds it as a request of its own
// (§13.2.2.4).
#pragma once

#include <string>

#include "message/message.hpp"

namespace parley::transaction {

// §17.1.1.3: Request-URI, Call-ID and From of the INVITE; To of the response (with its tag); a
// single Via equal to the INVITE's top Via; CSeq with the INVITE's number and method ACK; the
// INVITE's Route header fields. No body.
std::string build_ack(const message::Message& invite, const message::Message& response);

}  // namespace parley::transaction
