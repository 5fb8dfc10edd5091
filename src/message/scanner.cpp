#include "message/scanner.hpp"

#include <cstring>

namespace parley::message {

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && chars::is_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && chars::is_ws(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<std::string_view> Scanner::quoted_string() {
  if (peek() != '"') return std::nullopt;
  std::size_t start = ++pos_;
  // Most quoted strings hold no quoted-pair: then the first '"' closes them.
  const char* base = text_.data();
  if (const void* q = std::memchr(base + start, '"', text_.size() - start)) {
    auto end = static_cast<std::size_t>(static_cast<const char*>(q) - base);
    if (!std::memchr(base + start, '\\', end - start)) {
      pos_ = end + 1;
      return text_.substr(start, end - start);
    }
  }
  while (!eof()) {
    char c = text_[pos_];
    if (c == '\\') {
      // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F): anything but CR and LF.
      if (pos_ + 1 >= text_.size()) return std::nullopt;
      pos_ += 2;
    } else if (c == '"') {
      return text_.substr(start, pos_++ - start);
    } else {
      ++pos_;
    }
  }
  return std::nullopt;
}

std::string unquote(std::string_view inner) {
  std::string out;
  out.reserve(inner.size());
  for (std::size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '\\' && i + 1 < inner.size()) ++i;
    out.push_back(inner[i]);
  }
  return out;
}

void append_quoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace parley::message
