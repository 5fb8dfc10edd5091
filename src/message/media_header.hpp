// Media types and their negotiation (RFC 3261 §20.1-20.3, §20.11-20.13, §20.15, §20.24, after
// HTTP/1.1 §3.7, §14.1-14.4, §14.11-14.12, §19.4.1):
//
//   Content-Type: multipart/mixed;boundary=unique-boundary-1
//   Accept: application/sdp;level=1, application/x-private, text/html
//   Accept-Encoding: gzip;q=1.0, identity; q=0.5, *;q=0
//   Accept-Language: da, en-gb;q=0.8, en;q=0.7
//   Content-Encoding: gzip
//   Content-Language: fr
//   Content-Disposition: session;handling=optional
//   MIME-Version: 1.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "message/error.hpp"
#include "message/params.hpp"

namespace parley::message {

// media-type = m-type SLASH m-subtype *(SEMI m-parameter) (§20.15).
struct MediaType {
  std::string_view type;     // "application"
  std::string_view subtype;  // "sdp"
  Params params;             // m-parameters: charset, boundary, ...

  // Case-insensitive, as media types are (RFC 2045 §5.1): is("application", "sdp").
  bool is(std::string_view type_name, std::string_view subtype_name) const;
  std::optional<std::string_view> param(std::string_view name) const { return params.get(name); }
  void append_to(std::string& out) const;
  std::string to_string() const;
};
// Content-Type.
ParseResult<MediaType> parse_media_type(std::string_view value);

// accept-range = media-range *(SEMI accept-param) (§20.1). The q parameter separates the media
// parameters from the accept-extensions that follow it (HTTP/1.1 §14.1).
struct MediaRange {
  std::string_view type;           // "*" in "*/*"
  std::string_view subtype;        // "*" in "text/*"
  Params params;                   // m-parameters, before q
  std::optional<std::uint16_t> q;  // thousandths: q=0.8 -> 800; absent means 1
  Params accept_params;            // after q

  // The range covers the type: "*/*", "text/*" and "text/html" all cover text/html.
  bool matches(const MediaType& t) const;
  void append_to(std::string& out) const;
  std::string to_string() const;
};
// Accept; an empty value is allowed (nothing is acceptable).
ParseResult<std::vector<MediaRange>> parse_accept(std::string_view value);

// encoding = codings *(SEMI accept-param) (§20.2).
struct Coding {
  std::string_view coding;  // content-coding or "*"
  std::optional<std::uint16_t> q;
  Params params;  // accept-params other than q
  void append_to(std::string& out) const;
};
// Accept-Encoding; an empty value means identity only.
ParseResult<std::vector<Coding>> parse_accept_encoding(std::string_view value);

// language = language-range *(SEMI accept-param) (§20.3).
struct LanguageRange {
  std::string_view range;  // "en-gb" or "*"
  std::optional<std::uint16_t> q;
  Params params;
  void append_to(std::string& out) const;
};
// Accept-Language; may be empty.
ParseResult<std::vector<LanguageRange>> parse_accept_language(std::string_view value);

// Content-Encoding (§20.12): content-coding *(COMMA content-coding).
ParseResult<std::vector<std::string_view>> parse_content_encoding(std::string_view value);
// Content-Language (§20.13): language-tag *(COMMA language-tag). RFC 3261 allows letters only in
// subtags; digits are accepted too, as BCP 47 (RFC 5646) tags such as "es-419" use them.
ParseResult<std::vector<std::string_view>> parse_content_language(std::string_view value);

// Content-Disposition = disp-type *( SEMI disp-param ) (§20.11).
struct ContentDisposition {
  std::string_view type;  // "session", "render", "icon", "alert", or an extension token
  std::optional<std::string_view> handling;  // "optional", "required", other-handling
  Params params;                             // the other disp-params

  // §20.11: absent handling means "required".
  bool handling_optional() const;
  void append_to(std::string& out) const;
  std::string to_string() const;
};
ParseResult<ContentDisposition> parse_content_disposition(std::string_view value);

// MIME-Version = 1*DIGIT "." 1*DIGIT (§20.24).
struct MimeVersion {
  std::uint32_t major = 1;
  std::uint32_t minor = 0;
  void append_to(std::string& out) const;
  std::string to_string() const;
};
ParseResult<MimeVersion> parse_mime_version(std::string_view value);

}  // namespace parley::message
