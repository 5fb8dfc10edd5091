// libFuzzer target for stream framing (RFC 3261 §18.3): frame() never reads past the buffer, its
// sizes are consistent (a frame does not depend on the bytes after it, no prefix of a frame is a
// frame), and what it frames parses with the body Content-Length says; Message::parse_stream
// answers as frame() and parse() do. The input is also consumed as a stream, frame after frame,
// as a TCP connection would.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "invariants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parley::message;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  // A small limit as well, so that the limit paths are reached with short inputs.
  Limits small;
  small.max_message_size = 512;
  small.max_body_size = 256;
  for (const Limits& limits : {Limits{}, small}) {
    std::string_view stream = rest;
    while (!stream.empty()) {
      if (!invariants::check_framer(stream, limits).empty()) __builtin_trap();
      Frame f = frame(stream, limits);
      if (f.status != FrameStatus::Message && f.status != FrameStatus::KeepAlive) break;
      if (f.size == 0 || f.size > stream.size()) __builtin_trap();
      stream.remove_prefix(f.size);
    }
  }
  return 0;
}
