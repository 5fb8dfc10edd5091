// The plain parsers (one pass, common case only) must agree with the careful ones they fall back
// to. Debug builds, and the fuzz build (fuzz/CMakeLists.txt defines PARLEY_PARSE_CROSSCHECK),
// parse every value both ways and abort when the two differ; release builds parse once.
#pragma once

namespace parley::message {

#if !defined(NDEBUG) || defined(PARLEY_PARSE_CROSSCHECK)
inline constexpr bool kCrosscheck = true;
#else
inline constexpr bool kCrosscheck = false;
#endif

}  // namespace parley::message
