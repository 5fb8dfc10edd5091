#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace parley::location::test {

// A fresh directory under $TMPDIR (or /tmp); the test removes it.
inline std::filesystem::path make_temp_dir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/parley-location.XXXXXX";
  if (!::mkdtemp(pattern.data())) return {};
  return pattern;
}

}  // namespace parley::location::test
