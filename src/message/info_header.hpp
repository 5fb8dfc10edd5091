// Header fields that inform rather than route (RFC 3261 §20):
//
//   Alert-Info: <http://www.example.com/sounds/moo.wav>                    §20.4
//   Call-Info: <http://wwww.example.com/alice/photo.jpg> ;purpose=icon     §20.9
//   Error-Info: <sip:not-in-service-recording@atlanta.com>                 §20.18
//   Warning: 307 isi.edu "Session parameter 'foo' not understood"          §20.43
//   Date: Sat, 13 Nov 2010 23:29:00 GMT                                    §20.17
//   Timestamp: 54                                                          §20.38
//   Subject: Need more boxes   Organization: Boxes by Bob                  §20.36, §20.25
//   Server: HomeServer v2   User-Agent: Softphone Beta1.5                  §20.35, §20.41
//   Priority: emergency                                                    §20.26
//   In-Reply-To: 70710@saturn.bell-tel.com, 17320@saturn.bell-tel.com      §20.21
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

// alert-param, info, error-uri: LAQUOT absoluteURI RAQUOT *( SEMI generic-param ).
struct InfoUri {
  Uri uri;
  Params params;

  // Call-Info's purpose: "icon", "info", "card" or a token.
  std::optional<std::string_view> purpose() const { return params.get("purpose"); }
  void append_to(std::string& out) const;
  std::string to_string() const;
};
// Alert-Info, Call-Info, Error-Info.
ParseResult<std::vector<InfoUri>> parse_info_uris(std::string_view value);

// warning-value = warn-code SP warn-agent SP warn-text.
struct Warning {
  std::uint16_t code = 0;  // 3DIGIT
  std::string_view agent;  // hostport or pseudonym
  std::string_view text;   // inside of the quoted-string, escapes kept

  void append_to(std::string& out) const;
  std::string to_string() const;
};
ParseResult<std::vector<Warning>> parse_warning(std::string_view value);

// rfc1123-date = wkday "," SP date1 SP time SP "GMT"; case-sensitive (§20.17).
struct SipDate {
  std::uint16_t year = 1970;
  std::uint8_t month = 1;    // 1..12
  std::uint8_t day = 1;      // 1..31, checked against the month
  std::uint8_t hour = 0;     // 0..23
  std::uint8_t minute = 0;   // 0..59
  std::uint8_t second = 0;   // 0..60 (leap second)
  std::uint8_t weekday = 0;  // 0 = Mon .. 6 = Sun, as written

  void append_to(std::string& out) const;
  std::string to_string() const;
};
ParseResult<SipDate> parse_date(std::string_view value);

// Timestamp = 1*(DIGIT) [ "." *(DIGIT) ] [ LWS delay ]; delay = *(DIGIT) [ "." *(DIGIT) ].
struct Timestamp {
  std::string_view value;                 // "54", "54.2"
  std::optional<std::string_view> delay;  // added by a UAS (§8.2.6.1)

  void append_to(std::string& out) const;
  std::string to_string() const;
};
ParseResult<Timestamp> parse_timestamp(std::string_view value);

// [TEXT-UTF8-TRIM]: Subject, Organization. Any printable text, possibly empty; control
// characters are refused.
ParseResult<std::string_view> parse_text(std::string_view value);

// server-val = product / comment; product = token [SLASH product-version].
struct Product {
  std::string_view name;  // empty for a comment
  std::string_view version;
  std::string_view comment;  // inside of the parentheses
};
// Server, User-Agent: server-val *(LWS server-val). Real agents write all kinds of text here, so
// text that does not follow the grammar is kept as it is, with `products` left empty.
struct ProductList {
  std::string_view text;
  std::vector<Product> products;

  void append_to(std::string& out) const { out.append(text); }
  std::string to_string() const { return std::string(text); }
};
ParseResult<ProductList> parse_product_list(std::string_view value);

// Priority = priority-value: "emergency" / "urgent" / "normal" / "non-urgent" / token.
ParseResult<std::string_view> parse_priority(std::string_view value);

// In-Reply-To = callid *(COMMA callid).
ParseResult<std::vector<std::string_view>> parse_in_reply_to(std::string_view value);

}  // namespace parley::message
