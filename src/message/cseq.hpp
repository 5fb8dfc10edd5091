// CSeq (RFC 3261 §20.16) and the headers whose value is a plain number.
#pragma once

#include <cstdint>
#include <string_view>

#include "message/error.hpp"
#include "message/method.hpp"

namespace parley::message {

struct CSeq {
  std::uint32_t number = 0;  // < 2**31 (§8.1.1.5)
  std::string_view method_name;
  Method method = Method::Extension;
};
ParseResult<CSeq> parse_cseq(std::string_view text);

// 1*DIGIT with an upper bound (Content-Length, Max-Forwards, RSeq, Expires, Min-Expires, ...).
// delta-seconds beyond the bound are an error here; callers that must clamp (§20.19) say so.
ParseResult<std::uint32_t> parse_number(std::string_view text, std::uint32_t max = 0xffffffffu);

}  // namespace parley::message
