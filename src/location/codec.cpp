#include "location/codec.hpp"

#include <charconv>
#include <chrono>

namespace parley::location::codec {

namespace {

constexpr std::string_view kBindingsVersion = "b1";

void put_number(std::string& out, std::int64_t n) { put_string(out, std::to_string(n)); }

std::optional<std::int64_t> take_number(std::string_view& in) {
  auto s = take_string(in);
  if (!s) return std::nullopt;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), n);
  if (ec != std::errc() || end != s->data() + s->size()) return std::nullopt;
  return n;
}

}  // namespace

void put_string(std::string& out, std::string_view s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
}

std::optional<std::string_view> take_string(std::string_view& in) {
  std::size_t colon = in.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 10) return std::nullopt;
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(in.data(), in.data() + colon, n);
  if (ec != std::errc() || end != in.data() + colon || n > in.size() - colon - 1)
    return std::nullopt;
  auto s = in.substr(colon + 1, n);
  in.remove_prefix(colon + 1 + n);
  return s;
}

std::string encode_strings(const std::vector<std::string>& strings) {
  std::string out;
  for (const auto& s : strings) put_string(out, s);
  return out;
}

std::optional<std::vector<std::string>> decode_strings(std::string_view in) {
  std::vector<std::string> out;
  while (!in.empty()) {
    auto s = take_string(in);
    if (!s) return std::nullopt;
    out.emplace_back(*s);
  }
  return out;
}

std::int64_t to_millis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint from_millis(std::int64_t ms) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

std::string encode_bindings(const std::vector<Binding>& bindings) {
  std::string out;
  put_string(out, kBindingsVersion);
  put_number(out, static_cast<std::int64_t>(bindings.size()));
  for (const auto& b : bindings) {
    put_string(out, b.contact);
    put_string(out, b.params);
    put_number(out, b.q ? *b.q : -1);
    put_number(out, to_millis(b.expires));
    put_string(out, b.call_id);
    put_number(out, b.cseq);
    put_string(out, encode_strings(b.path));
    put_string(out, b.source);
    put_string(out, b.user_agent);
  }
  return out;
}

std::optional<std::vector<Binding>> decode_bindings(std::string_view in, const std::string& aor) {
  auto version = take_string(in);
  if (!version || *version != kBindingsVersion) return std::nullopt;
  auto count = take_number(in);
  if (!count || *count < 0 || *count > 100000) return std::nullopt;
  std::vector<Binding> out;
  out.reserve(static_cast<std::size_t>(*count));
  for (std::int64_t i = 0; i < *count; ++i) {
    Binding b;
    b.aor = aor;
    auto contact = take_string(in);
    auto params = take_string(in);
    auto q = take_number(in);
    auto expires = take_number(in);
    auto call_id = take_string(in);
    auto cseq = take_number(in);
    auto path = take_string(in);
    auto source = take_string(in);
    auto user_agent = take_string(in);
    if (!user_agent || !contact || !params || !q || !expires || !call_id || !cseq || !path ||
        !source || *q > 1000 || *cseq < 0 || *cseq > 0xffffffffLL)
      return std::nullopt;
    auto path_values = decode_strings(*path);
    if (!path_values) return std::nullopt;
    b.contact = *contact;
    b.params = *params;
    if (*q >= 0) b.q = static_cast<std::uint16_t>(*q);
    b.expires = from_millis(*expires);
    b.call_id = *call_id;
    b.cseq = static_cast<std::uint32_t>(*cseq);
    b.path = std::move(*path_values);
    b.source = *source;
    b.user_agent = *user_agent;
    out.push_back(std::move(b));
  }
  if (!in.empty()) return std::nullopt;
  return out;
}

std::string encode_user(const User& user) {
  std::string out;
  put_string(out, user.username);
  put_string(out, user.realm);
  put_string(out, user.ha1_md5);
  put_string(out, user.ha1_sha256);
  put_string(out, user.ha1_sha512_256);
  return out;
}

std::optional<User> decode_user(std::string_view in) {
  auto username = take_string(in);
  auto realm = take_string(in);
  auto md5 = take_string(in);
  auto sha256 = take_string(in);
  auto sha512_256 = take_string(in);
  if (!sha512_256 || !username || !realm || !md5 || !sha256 || !in.empty()) return std::nullopt;
  return User{std::string(*username), std::string(*realm), std::string(*md5), std::string(*sha256),
              std::string(*sha512_256)};
}

}  // namespace parley::location::codec
