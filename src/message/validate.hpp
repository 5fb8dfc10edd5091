// What a server checks before acting on a message (RFC 3261 §8.2.1-8.2.2, §16.3, §18.1.2): the
// mandatory header fields are present and well formed, CSeq names the request's method, and the
// Request-URI has a scheme parley serves. Each problem carries the status to answer with.
#pragma once

#include <optional>
#include <vector>

#include "message/error.hpp"
#include "message/message.hpp"

namespace parley::message {

// The first problem found, or nullopt. Parses only the headers a proxy needs anyway (they are
// cached, so the work is not repeated later).
std::optional<ParseError> validate(const Message& m);

}  // namespace parley::message
