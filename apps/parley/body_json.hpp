// Bodies for `parley parse`: an SDP body (or the SDP part of a multipart/mixed body) parsed into
// its model, as JSON for --json and as a lint problem when it does not parse.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "message/error.hpp"
#include "message/message.hpp"
#include "message/sdp.hpp"

namespace parley::app {

nlohmann::json to_json(const message::Sdp& sdp);

struct BodyReport {
  nlohmann::json json;                         // "sdp" and/or "parts"; null when nothing to show
  std::optional<message::ParseError> problem;  // located in the message: line and offset
};
// Looks at the body by its Content-Type: application/sdp, or multipart/* with SDP parts.
BodyReport inspect_body(const message::Message& m);

}  // namespace parley::app
