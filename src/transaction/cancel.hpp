// RFC 3261 §9.1: the CANCEL a client sends for an INVITE it sent. It is a request of its own, sent
// in a non-INVITE client transaction of its own, with the branch of the INVITE (so that it must be
// sent from the shard the INVITE belongs to: TransactionLayer::send_request checks that).
#pragma once

#include <string>

#include "common/result.hpp"
#include "message/message.hpp"

namespace parley::transaction {

// The CANCEL for `invite` as it was sent (its top Via carries the branch): "the Request-URI,
// Call-ID, To, the numeric part of CSeq, and From header fields in the CANCEL request MUST be
// identical to those in the request being cancelled, including tags", "a single Via header field
// value matching the top Via value in the request being cancelled", the INVITE's Route header
// field values, Max-Forwards 70, no body. An error says why there is none (not an INVITE, no Via,
// no CSeq, ...).
Result<message::Message, std::string> make_cancel(const message::Message& invite);

}  // namespace parley::transaction
