// Every header field parley knows, parsed into its type by one call, and the linter that parses
// them all. The value of any HeaderId fits AnyHeader; a list header gives the elements of one
// field (Message::values() merges fields when that is wanted).
//
//   auto v = parse_header(HeaderId::RAck, "776656 1 INVITE");
//   std::get<RAck>(*v).cseq_num == 1
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "message/auth_header.hpp"
#include "message/cseq.hpp"
#include "message/error.hpp"
#include "message/event_header.hpp"
#include "message/header_id.hpp"
#include "message/info_header.hpp"
#include "message/media_header.hpp"
#include "message/message.hpp"
#include "message/name_addr.hpp"
#include "message/session_header.hpp"
#include "message/via.hpp"

namespace parley::message {

using AnyHeader = std::variant<
    // Call-ID, Subject, Organization, Priority, SIP-ETag, SIP-If-Match; an Unknown header's text
    std::string_view,
    // Content-Length, Max-Forwards, Expires, Min-Expires, RSeq
    std::uint32_t,
    // Allow, Supported, Require, Proxy-Require, Unsupported, Content-Encoding, Content-Language,
    // In-Reply-To, Allow-Events, Privacy
    std::vector<std::string_view>, std::vector<Via>,
    // From, To, Reply-To, Refer-To
    NameAddr,
    // Route, Record-Route, Path, Service-Route, P-Asserted-Identity, P-Preferred-Identity
    std::vector<NameAddr>, ContactList, CSeq,
    // WWW-Authenticate and Proxy-Authenticate; Authorization and Proxy-Authorization
    Challenge, Credentials, AuthenticationInfo,
    // Content-Type, Accept, Accept-Encoding, Accept-Language
    MediaType, std::vector<MediaRange>, std::vector<Coding>, std::vector<LanguageRange>,
    ContentDisposition, MimeVersion,
    // Event, Subscription-State, Referred-By, Replaces
    Event, SubscriptionState, ReferredBy, Replaces,
    // RAck, Session-Expires, Min-SE, Reason, Retry-After, Info-Package, Recv-Info
    RAck, SessionExpires, MinSE, std::vector<Reason>, RetryAfter, InfoPackage,
    std::vector<InfoPackage>,
    // Alert-Info, Call-Info, Error-Info; Warning; Date; Timestamp; Server and User-Agent
    std::vector<InfoUri>, std::vector<Warning>, SipDate, Timestamp, ProductList>;

// Parses one header field's value (unfolded, as Message holds it) by its HeaderId. Unknown gives
// the text back. Error offsets are relative to value; Message::locate() moves them onto the
// message and names the header.
ParseResult<AnyHeader> parse_header(HeaderId id, std::string_view value);

// Everything wrong with a message, in the order of the message: the checks of validate() (§8.2,
// §16.3) and a parse of every known header field, plus header fields that may appear only once
// (§7.3.1) but appear more often. Each error is located with Message::locate(): line, byte offset
// and "Header-Name: what". Unknown headers are never errors. Empty when the message is clean.
std::vector<ParseError> lint(const Message& m);

}  // namespace parley::message
