// libFuzzer target for Message::parse (RFC 3261 §7): any input parses or fails with a proper
// error (status and text); whatever parses answers every typed accessor, validates, and reads
// back equal from serialize() and canonical(). A broken property is a crash (__builtin_trap), and
// the input then belongs in tests/data/regress/, where torture_test.cpp replays it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "invariants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parley::message;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (!invariants::check_message(bytes).empty()) __builtin_trap();
  // What a proxy does to whatever it forwards must read back too.
  if (auto m = Message::parse(bytes); m && !validate(*m))
    if (!invariants::check_proxy_changes(*m).empty()) __builtin_trap();
  return 0;
}
