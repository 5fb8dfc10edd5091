// Header field names: those of RFC 3261 §20 and of the extensions parley implements, with their
// compact forms (§7.3.3). Names compare case-insensitively; anything else is Unknown and is kept
// and forwarded byte for byte.
#pragma once

#include <cstdint>
#include <string_view>

namespace parley::message {

enum class HeaderId : std::uint8_t {
  Unknown,
  // RFC 3261 §20
  Accept,
  AcceptEncoding,
  AcceptLanguage,
  AlertInfo,
  Allow,
  AuthenticationInfo,
  Authorization,
  CallId,
  CallInfo,
  Contact,
  ContentDisposition,
  ContentEncoding,
  ContentLanguage,
  ContentLength,
  ContentType,
  CSeq,
  Date,
  ErrorInfo,
  Expires,
  From,
  InReplyTo,
  MaxForwards,
  MimeVersion,
  MinExpires,
  Organization,
  Priority,
  ProxyAuthenticate,
  ProxyAuthorization,
  ProxyRequire,
  RecordRoute,
  ReplyTo,
  Require,
  RetryAfter,
  Route,
  Server,
  Subject,
  Supported,
  Timestamp,
  To,
  Unsupported,
  UserAgent,
  Via,
  Warning,
  WwwAuthenticate,
  // Extensions
  RSeq,
  RAck,  // RFC 3262
  Event,
  AllowEvents,
  SubscriptionState,  // RFC 6665
  ReferTo,            // RFC 3515
  ReferredBy,         // RFC 3892
  Replaces,           // RFC 3891
  SessionExpires,
  MinSE,         // RFC 4028
  Reason,        // RFC 3326
  Path,          // RFC 3327
  ServiceRoute,  // RFC 3608
  PAssertedIdentity,
  PPreferredIdentity,  // RFC 3325
  Privacy,             // RFC 3323
  SipETag,
  SipIfMatch,  // RFC 3903
  InfoPackage,
  RecvInfo,  // RFC 6086
  Count
};

// Looks a name up, full or compact, in any case. One pass over the name; no allocation.
HeaderId header_id(std::string_view name);
// The canonical spelling ("Call-ID", "CSeq", "WWW-Authenticate"); "" for Unknown.
std::string_view header_name(HeaderId id);
// The compact form (§7.3.3 and the extensions), or '\0' when there is none.
char compact_form(HeaderId id);

// Headers whose value is a comma-separated list that may also be split over several header
// fields (§7.3.1). The authentication headers are not: their values contain commas of their own.
bool is_list_header(HeaderId id);

}  // namespace parley::message
