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
ParseResult<std::uint32_t> parse_number_careful(std::string_view text, std::uint32_t max);
inline ParseResult<std::uint32_t> parse_number(std::string_view text,
                                               std::uint32_t max = 0xffffffffu) {
  // Nearly always 1 to 9 digits and nothing else ("70", "255"): inline, no trim, no overflow check
  // per digit (nine digits fit in 32 bits). Anything else, and every error, parse_number_careful.
  if (text.size() - 1 < 9) {
    std::uint32_t v = 0;
    std::size_t i = 0;
    for (; i < text.size(); ++i) {
      auto d = static_cast<std::uint32_t>(static_cast<unsigned char>(text[i])) - '0';
      if (d > 9) break;
      v = v * 10 + d;
    }
    if (i == text.size() && v <= max) return v;
  }
  return parse_number_careful(text, max);
}

}  // namespace parley::message
