// Header fields of reliability, session timers, expiry and the session-level extensions:
//
//   RSeq: 988789                                    RFC 3262 §7.1
//   RAck: 776656 1 INVITE                           RFC 3262 §7.2
//   Session-Expires: 4000;refresher=uac             RFC 4028 §4 (compact form x)
//   Min-SE: 60                                      RFC 4028 §5
//   Reason: SIP ;cause=200 ;text="Call completed elsewhere"     RFC 3326 §2
//   Retry-After: 120 (I'm in a meeting);duration=3600            RFC 3261 §20.33
//   Expires: 5   Min-Expires: 60                    RFC 3261 §20.19, §20.23
//   Privacy: id;header                              RFC 3323 §4.2, RFC 3325 §9.3
//   SIP-ETag: dx200xyz   SIP-If-Match: dx200xyz     RFC 3903 §11.3
//   Info-Package: foo   Recv-Info: foo, bar         RFC 6086 §7.2, §7.3
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "message/error.hpp"
#include "message/method.hpp"
#include "message/params.hpp"

namespace parley::message {

// RSeq = "RSeq" HCOLON response-num; RFC 3262 §3: between 1 and 2**31 - 1.
ParseResult<std::uint32_t> parse_rseq(std::string_view value);

// RAck = "RAck" HCOLON response-num LWS CSeq-num LWS Method.
struct RAck {
  std::uint32_t response_num = 0;  // the RSeq being acknowledged
  std::uint32_t cseq_num = 0;
  std::string_view method_name;
  Method method = Method::Extension;

  void append_to(std::string& out) const;
  std::string to_string() const;
};
ParseResult<RAck> parse_rack(std::string_view value);

enum class Refresher : std::uint8_t { Unspecified, Uac, Uas };

// Session-Expires = delta-seconds *(SEMI se-params); refresher-param = "refresher" EQUAL
// ("uas" / "uac").
struct SessionExpires {
  std::uint32_t delta_seconds = 0;
  Refresher refresher = Refresher::Unspecified;
  Params params;

  void append_to(std::string& out) const;
  std::string to_string() const;
};
ParseResult<SessionExpires> parse_session_expires(std::string_view value);

// Min-SE = delta-seconds *(SEMI generic-param).
struct MinSE {
  std::uint32_t delta_seconds = 0;
  Params params;

  void append_to(std::string& out) const;
  std::string to_string() const;
};
ParseResult<MinSE> parse_min_se(std::string_view value);

// reason-value = protocol *(SEMI reason-params); protocol = "SIP" / "Q.850" / token.
struct Reason {
  std::string_view protocol;
  std::optional<std::uint32_t> cause;
  std::optional<std::string_view> text;  // inside of the quoted-string, escapes kept
  Params params;

  void append_to(std::string& out) const;
  std::string to_string() const;
};
ParseResult<std::vector<Reason>> parse_reason(std::string_view value);

// Retry-After = delta-seconds [ comment ] *( SEMI retry-param ).
struct RetryAfter {
  std::uint32_t delta_seconds = 0;
  std::optional<std::string_view> comment;  // inside of the parentheses
  std::optional<std::uint32_t> duration;
  Params params;

  void append_to(std::string& out) const;
  std::string to_string() const;
};
ParseResult<RetryAfter> parse_retry_after(std::string_view value);

// Expires, Min-Expires: delta-seconds (values past 2**32-1 taken as 2**32-1, see
// parse_delta_seconds).
ParseResult<std::uint32_t> parse_expires(std::string_view value);

// Privacy-hdr = "Privacy" HCOLON priv-value *(";" priv-value); priv-value = "header" / "session"
// / "user" / "none" / "critical" / "id" (RFC 3325) / token.
ParseResult<std::vector<std::string_view>> parse_privacy(std::string_view value);
std::string privacy_to_string(const std::vector<std::string_view>& values);

// SIP-ETag, SIP-If-Match: entity-tag = token.
ParseResult<std::string_view> parse_entity_tag(std::string_view value);

// Info-package-type = Info-package-name *( SEMI Info-package-param ).
struct InfoPackage {
  std::string_view name;
  Params params;

  void append_to(std::string& out) const;
  std::string to_string() const;
};
// Info-Package: exactly one.
ParseResult<InfoPackage> parse_info_package(std::string_view value);
// Recv-Info: [Info-package-list]; empty says the UA is willing to receive no INFO package.
ParseResult<std::vector<InfoPackage>> parse_recv_info(std::string_view value);

}  // namespace parley::message
