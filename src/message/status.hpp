// Response status codes: every code in the IANA SIP registry with its reason phrase, and the
// class rules of RFC 3261 §8.1.3.2 for codes nobody registered.
#pragma once

#include <cstdint>
#include <string_view>

namespace parley::message {

enum class StatusClass : std::uint8_t {
  Provisional = 1,   // 1xx informational
  Success = 2,       // 2xx
  Redirection = 3,   // 3xx
  ClientError = 4,   // 4xx
  ServerError = 5,   // 5xx
  GlobalFailure = 6  // 6xx
};

constexpr bool valid_status(int code) { return code >= 100 && code <= 699; }
constexpr StatusClass status_class(int code) { return static_cast<StatusClass>(code / 100); }

// The standard reason phrase, or "" when the code is not registered.
std::string_view registered_reason(int code);
bool is_registered(int code);
// §8.1.3.2: "A UAC MUST treat any final response it does not recognize as being equivalent to the
// x00 response code of that class" and "any provisional response different than 100 that it does
// not recognize as 183 (Session Progress)". Returns code itself when registered.
int effective_status(int code);
// A reason phrase for any valid code: the registered one, else that of the class's x00.
std::string_view reason_phrase(int code);

}  // namespace parley::message
