// Typed header values as JSON for `parley parse --json`: each field of the parsed type becomes a
// member, so a script can read the branch of a Via or the qop of a challenge without parsing SIP.
//   Via   -> [{"protocol":"SIP/2.0","transport":"UDP","host":"pc33.atlanta.com","port":5066,
//             "branch":"z9hG4bK776asdhds","received":null,"rport":null,"params":{...}}]
//   CSeq  -> {"number":4711,"method":"INVITE"}
// A list header gives an array, a number or text header the plain JSON value.
#pragma once

#include <nlohmann/json.hpp>

#include "message/any_header.hpp"

namespace parley::app {

nlohmann::json to_json(const message::AnyHeader& header);
nlohmann::json to_json(const message::Params& params);  // {"name": "value" or null}
nlohmann::json to_json(const message::Uri& uri);
nlohmann::json to_json(const message::NameAddr& address);

}  // namespace parley::app
