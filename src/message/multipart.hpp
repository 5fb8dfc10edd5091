// multipart/mixed bodies (RFC 2046 §5.1) as SIP carries them (RFC 3261 §7.4, RFC 5621): an
// INVITE with SDP and ISUP (RFC 3204), SDP and a resource list, or an emergency call's SDP and
// PIDF-LO location.
//
//   Content-Type: multipart/mixed;boundary=unique-boundary-1
//
//   --unique-boundary-1
//   Content-Type: application/sdp
//
//   v=0 ...
//   --unique-boundary-1
//   Content-Type: application/isup;version=nxv3;base=etsi121
//   Content-Disposition: signal;handling=optional
//
//   <binary ISUP>
//   --unique-boundary-1--
//
// Parts are views into the body they came from, like the rest of the message layer: keep the body
// (the Message) alive while using them. A part that is itself multipart is left as it is; parse
// its body again with its own boundary.
#pragma once

#include <boost/container/small_vector.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "message/error.hpp"

namespace parley::message {

struct MultipartLimits {
  std::size_t max_parts = 32;    // body parts of one multipart body; 400 beyond
  std::size_t max_headers = 32;  // header fields of one part; 400 beyond
};

// A header field of a body part (RFC 2045 §3, RFC 5621 §3): Content-Type, Content-Disposition,
// Content-ID, Content-Transfer-Encoding, ... The value is trimmed; a folded value keeps its line
// breaks as written.
struct MimeHeader {
  std::string_view name;
  std::string_view value;
};

struct BodyPart {
  boost::container::small_vector<MimeHeader, 4> headers;
  std::string_view body;

  // The value of the first header with this name (names compare case-insensitively).
  std::optional<std::string_view> header(std::string_view name) const;
  // Content-Type, or "text/plain" when the part has none (RFC 2046 §5.1: the default in
  // multipart/mixed, RFC 2045 §5.2).
  std::string_view content_type() const;
};

// The boundary parameter of a multipart Content-Type value:
//   multipart/mixed;boundary=unique-boundary-1          -> unique-boundary-1
//   multipart/mixed; boundary="simple boundary"         -> simple boundary
// The result is a view into content_type (keep that text alive). Errors: not multipart/*, no
// boundary, or a boundary RFC 2046 §5.1.1 forbids (1 to 70 of its bchars, not ending in a space).
ParseResult<std::string_view> multipart_boundary(std::string_view content_type);

// RFC 2046 §5.1.1: 1 to 70 characters of bchars, the last not a space.
bool valid_boundary(std::string_view boundary);

// Splits a multipart body into its parts. The preamble (before the first delimiter) and the
// epilogue (after the closing one) are ignored. Lines may end in CRLF or LF alone. Errors (status
// 400, offset into body): no delimiter, no closing delimiter, a header line without ':', limits.
ParseResult<std::vector<BodyPart>> parse_multipart(std::string_view body, std::string_view boundary,
                                                   const MultipartLimits& limits = {});

// The first part whose Content-Type is media_type ("application/sdp"), ignoring parameters and
// case; nullptr when none.
const BodyPart* find_body_part(const std::vector<BodyPart>& parts, std::string_view media_type);

// Writes parts as a multipart body with CRLF line ends and the closing delimiter. Fails when the
// boundary is invalid or occurs in a part (RFC 2046 §5.1.1: it must not), with what is wrong.
Result<std::string, std::string> build_multipart(std::span<const BodyPart> parts,
                                                 std::string_view boundary);

// "multipart/<subtype>;boundary=<boundary>", the boundary quoted when it needs to be.
std::string multipart_content_type(std::string_view boundary, std::string_view subtype = "mixed");

}  // namespace parley::message
