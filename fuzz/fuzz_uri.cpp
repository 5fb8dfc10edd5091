// libFuzzer target for parse_uri (RFC 3261 §19.1, RFC 3966): any input parses or fails with a
// proper error; a parsed URI is equivalent to itself, and to_string() parses back into an
// equivalent URI (§19.1.4) that renders the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "invariants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parley::message;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!invariants::check_uri(text).empty()) __builtin_trap();
  // The same text as a Via sent-by and a name-addr: the other entry points into URI parsing.
  (void)parse_host_port(text);
  if (auto na = parse_name_addr(text)) {
    std::string out = na->to_string();
    auto again = parse_name_addr(out);
    if (!again || !equivalent(again->uri, na->uri)) __builtin_trap();
  }
  return 0;
}
