// The response a server transaction's TU sends most often — a status line and the five fields
// §8.2.6.2 copies from the request, nothing else — made in one pass over the request's received
// bytes: Via, From, Call-ID and CSeq are copied as they arrived (a compact "v:" stays compact),
// To too, with the tag appended when the status is above 100 and the To has none. A field that
// was changed or folded is written as "Name: value". The same message as
// message::response_to(request, status, reason, to_tag).finish(), without its per-value checks
// (bytes the parser accepted need none) and without parsing To unless it has parameters.
//
// A 100 echoes Timestamp (§8.2.6.1): it goes through response_to.
#pragma once

#include <string>
#include <string_view>

#include "message/message.hpp"

namespace parley::transaction {

std::string response_bytes(const message::Message& request, int status,
                           std::string_view to_tag = {}, std::string_view reason = {});

}  // namespace parley::transaction
