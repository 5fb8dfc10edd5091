// libFuzzer target for the SDP parser (RFC 8866): any input parses or fails cleanly, and whatever
// parses survives a round trip: to_string() parses back into the same model and is itself stable.
// The accessors a user agent calls during offer/answer run on every parsed description too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "message/sdp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parley::message;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto sdp = parse_sdp(text);
  if (!sdp) return 0;

  for (const Media& m : sdp->media) {
    for (const std::string& format : m.formats) {
      (void)m.rtpmap(format);
      (void)m.fmtp(format);
    }
    (void)sdp->direction(m);
    if (sdp->connection_for(m) == nullptr) __builtin_trap();  // the parser requires a c=
  }

  std::string out = to_string(*sdp);
  auto again = parse_sdp(out);
  if (!again || !(*again == *sdp) || to_string(*again) != out) __builtin_trap();
  return 0;
}
