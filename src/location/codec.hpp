// A compact, binary-safe text form for what a store keeps as one value: a list of strings (the
// Path of a binding in SQLite) and a whole binding set (one Redis value per AOR). Each string is
// written as its length in decimal, ':', then its bytes — a netstring without the trailing comma.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "location/store.hpp"

namespace parley::location::codec {

void put_string(std::string& out, std::string_view s);
// Reads one string written by put_string from the front of `in`, advancing it; nullopt when the
// input is malformed.
std::optional<std::string_view> take_string(std::string_view& in);

std::string encode_strings(const std::vector<std::string>& strings);
std::optional<std::vector<std::string>> decode_strings(std::string_view in);

// A binding set without its AOR (the key holds it); expiries in milliseconds since the epoch.
std::string encode_bindings(const std::vector<Binding>& bindings);
std::optional<std::vector<Binding>> decode_bindings(std::string_view in, const std::string& aor);

std::string encode_user(const User& user);
std::optional<User> decode_user(std::string_view in);

std::int64_t to_millis(TimePoint t);
TimePoint from_millis(std::int64_t ms);

}  // namespace parley::location::codec
