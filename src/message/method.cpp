#include "message/method.hpp"

#include <array>

namespace parley::message {

namespace {
constexpr std::array<std::string_view, 14> kNames = {
    "INVITE",    "ACK",    "BYE",     "CANCEL", "REGISTER", "OPTIONS", "PRACK",
    "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO",   "REFER",    "MESSAGE", "UPDATE"};
}

Method method_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<Method>(i);
  return Method::Extension;
}

std::string_view method_name(Method m) {
  auto i = static_cast<std::size_t>(m);
  return i < kNames.size() ? kNames[i] : std::string_view{};
}

}  // namespace parley::message
