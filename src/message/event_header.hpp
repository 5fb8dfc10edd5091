// Event notification and call transfer header fields:
//
//   Event: presence.winfo;id=1234                      RFC 6665 §8.2.1 (compact form o)
//   Allow-Events: presence, dialog                     RFC 6665 §8.2.2 (compact form u)
//   Subscription-State: terminated;reason=timeout;retry-after=30    RFC 6665 §8.2.3
//   Refer-To: <sip:dave@denver.example.org?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345
//             %3Bfrom-tag%3D5FFE-3994>                 RFC 3515 §2.1 (compact form r)
//   Referred-By: <sip:referrer@referrer.example>;cid="20398823.2UWQFN309shb3@referrer.example"
//                                                      RFC 3892 §3 (compact form b)
//   Replaces: 98732@sip.example.com;from-tag=r33th4x0r;to-tag=ff87ff      RFC 3891 §6.1
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "message/error.hpp"
#include "message/name_addr.hpp"
#include "message/params.hpp"

namespace parley::message {

// event-type = event-package *( "." event-template ), each a token-nodot.
struct Event {
  std::string_view type;  // "presence.winfo"
  std::optional<std::string_view> id;
  Params params;  // the other event-params

  std::string_view package() const;    // "presence"
  std::string_view templates() const;  // "winfo"; "" when none
  void append_to(std::string& out) const;
  std::string to_string() const;
};
ParseResult<Event> parse_event(std::string_view value);
// Allow-Events: event-type *(COMMA event-type).
ParseResult<std::vector<std::string_view>> parse_allow_events(std::string_view value);

enum class SubState : std::uint8_t { Active, Pending, Terminated, Extension };

// Subscription-State = substate-value *( SEMI subexp-params ).
struct SubscriptionState {
  std::string_view value;  // as written: "active", "pending", "terminated", extension-substate
  SubState state = SubState::Extension;
  std::optional<std::string_view> reason;  // event-reason-value: "timeout", "rejected", ...
  std::optional<std::uint32_t> expires;
  std::optional<std::uint32_t> retry_after;
  Params params;

  void append_to(std::string& out) const;
  std::string to_string() const;
};
ParseResult<SubscriptionState> parse_subscription_state(std::string_view value);

// Refer-To = ( name-addr / addr-spec ) *(SEMI generic-param). A URI carrying ?headers (an
// embedded Replaces, say) must be enclosed in <> (RFC 3261 §20.10, RFC 3515 §2.1).
ParseResult<NameAddr> parse_refer_to(std::string_view value);
// A header embedded in the URI of Refer-To (RFC 3515 §2.1), %-escapes resolved:
// embedded_header(refer_to, "Replaces") -> "12345@192.168.118.3;to-tag=12345;from-tag=5FFE-3994".
std::optional<std::string> embedded_header(const NameAddr& address, std::string_view name);

// Referred-By = referrer-uri *( SEMI (referredby-id-param / generic-param) ).
struct ReferredBy {
  NameAddr address;                     // its params hold the generic-params
  std::optional<std::string_view> cid;  // sip-clean-msg-id, without its quotes

  void append_to(std::string& out) const;
  std::string to_string() const;
};
ParseResult<ReferredBy> parse_referred_by(std::string_view value);

// Replaces = callid *(SEMI replaces-param). RFC 3891 §6.1: "A Replaces header field MUST contain
// exactly one to-tag and exactly one from-tag".
struct Replaces {
  std::string_view call_id;
  std::string_view to_tag;
  std::string_view from_tag;
  bool early_only = false;
  Params params;

  void append_to(std::string& out) const;
  std::string to_string() const;
};
ParseResult<Replaces> parse_replaces(std::string_view value);

}  // namespace parley::message
