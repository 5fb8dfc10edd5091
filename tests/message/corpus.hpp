// The message corpora under tests/data (see tests/data/README.md): golden messages, the torture
// suite with its expectations, and the inputs fuzzers once crashed on.
#pragma once

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

namespace parley::message::corpus {

inline std::filesystem::path data_dir() { return PARLEY_TEST_DATA; }

inline std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct File {
  std::string name;  // relative to tests/data, e.g. "torture/valid/ipv6.sip"
  std::filesystem::path path;
  std::string bytes;
};

// GoogleTest names a parameterized case's file by its name, not by its bytes.
inline void PrintTo(const File& f, std::ostream* os) { *os << f.name; }

// Every file of `dir` (relative to tests/data) whose name ends with `ext` ("" for all but the
// .expect sidecars), sorted by name so that runs are reproducible.
inline std::vector<File> load(const std::string& dir, const std::string& ext = ".sip") {
  std::vector<File> out;
  std::filesystem::path root = data_dir() / dir;
  if (!std::filesystem::is_directory(root)) return out;
  for (const auto& e : std::filesystem::directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::string fname = e.path().filename().string();
    if (!ext.empty() ? !fname.ends_with(ext) : (fname.ends_with(".expect") || fname[0] == '.'))
      continue;
    out.push_back({dir + "/" + fname, e.path(), read_bytes(e.path())});
  }
  std::sort(out.begin(), out.end(), [](const File& a, const File& b) { return a.name < b.name; });
  return out;
}

// The golden messages and the valid torture cases: everything that must parse and validate.
inline std::vector<File> valid() {
  std::vector<File> all = load("valid");
  for (File& f : load("torture/valid")) all.push_back(std::move(f));
  return all;
}

// NAME.expect next to NAME.sip: line 1 the status, line 2 a substring of the error text, line 3
// the rule that makes the input invalid.
struct Expectation {
  int status = 0;
  std::string substring;
  std::string reason;
};

inline std::optional<Expectation> expectation(const std::filesystem::path& sip) {
  std::filesystem::path p = sip;
  p.replace_extension(".expect");
  if (!std::filesystem::exists(p)) return std::nullopt;
  std::istringstream in(read_bytes(p));
  Expectation e;
  std::string status;
  if (!std::getline(in, status) || !std::getline(in, e.substring) || !std::getline(in, e.reason))
    return std::nullopt;
  e.status = std::stoi(status);
  return e;
}

// A name GoogleTest accepts for a parameterized case: "torture/valid/ipv6.sip" ->
// "torture_valid_ipv6".
inline std::string test_name(const File& f) {
  std::string stem = f.name.substr(0, f.name.rfind('.'));
  for (char& c : stem)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return stem;
}

}  // namespace parley::message::corpus
