// Via (RFC 3261 §20.42, §18.2.1; RFC 3581 rport):
//   Via: SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5066
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "message/error.hpp"
#include "message/params.hpp"
#include "message/uri.hpp"

namespace parley::message {

// RFC 3261 §8.1.1.7: branches of RFC 3261 transactions start with this magic cookie.
inline constexpr std::string_view kBranchCookie = "z9hG4bK";

struct Via {
  std::string_view protocol_name;     // "SIP"
  std::string_view protocol_version;  // "2.0"
  std::string_view transport;         // "UDP", "TCP", "TLS", "SCTP", "WS", "WSS", ...
  std::string_view host;              // IPv6 without brackets
  HostKind host_kind = HostKind::Name;
  std::optional<std::uint16_t> port;
  Params params;

  std::optional<std::string_view> branch() const { return params.get("branch"); }
  std::optional<std::string_view> received() const { return params.get("received"); }
  bool has_rport() const { return params.has("rport"); }
  // rport with a value (filled in by the server, RFC 3581 §4).
  std::optional<std::uint16_t> rport() const;
  // The branch starts with the magic cookie: matching follows §17.1.3/§17.2.3, not RFC 2543.
  bool rfc3261_branch() const { return branch() && branch()->starts_with(kBranchCookie); }
  // "host[:port]" as written in sent-by.
  std::string sent_by() const;
  void append_to(std::string& out) const;
  std::string to_string() const;
};

ParseResult<Via> parse_via(std::string_view text);
// The common case of parse_via, in one pass and into out (a default Via): no white space around
// '/' and ':', no IPv6, no quoted parameter. False means "ask parse_via", not "invalid".
bool parse_via_plain(std::string_view text, Via& out);
// A Via header field value: one or more via-parms separated by commas.
ParseResult<std::vector<Via>> parse_via_list(std::string_view text);

}  // namespace parley::message
