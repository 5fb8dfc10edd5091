// Request methods: the six of RFC 3261 and those of the extensions parley speaks. Any other token
// is an extension method, kept as written (§7.1: method names are case-sensitive).
#pragma once

#include <cstdint>
#include <string_view>

namespace parley::message {

enum class Method : std::uint8_t {
  Invite,     // RFC 3261
  Ack,        // RFC 3261
  Bye,        // RFC 3261
  Cancel,     // RFC 3261
  Register,   // RFC 3261
  Options,    // RFC 3261
  Prack,      // RFC 3262
  Subscribe,  // RFC 6665
  Notify,     // RFC 6665
  Publish,    // RFC 3903
  Info,       // RFC 6086
  Refer,      // RFC 3515
  Message,    // RFC 3428
  Update,     // RFC 3311
  Extension,  // any other token
};

// Case-sensitive, as §7.1 requires: "invite" is an extension method, not INVITE.
Method method_from_name(std::string_view name);
// The canonical name; "" for Extension.
std::string_view method_name(Method m);

}  // namespace parley::message
