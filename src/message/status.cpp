#include "message/status.hpp"

namespace parley::message {

namespace {
struct Entry {
  std::uint16_t code;
  std::string_view reason;
};
// IANA "Session Initiation Protocol (SIP) Parameters", Response Codes, with the defining RFC.
constexpr Entry kCodes[] = {
    {100, "Trying"},                                   // RFC 3261
    {180, "Ringing"},                                  // RFC 3261
    {181, "Call Is Being Forwarded"},                  // RFC 3261
    {182, "Queued"},                                   // RFC 3261
    {183, "Session Progress"},                         // RFC 3261
    {199, "Early Dialog Terminated"},                  // RFC 6228
    {200, "OK"},                                       // RFC 3261
    {202, "Accepted"},                                 // RFC 6665 (deprecated)
    {204, "No Notification"},                          // RFC 5839
    {300, "Multiple Choices"},                         // RFC 3261
    {301, "Moved Permanently"},                        // RFC 3261
    {302, "Moved Temporarily"},                        // RFC 3261
    {305, "Use Proxy"},                                // RFC 3261
    {380, "Alternative Service"},                      // RFC 3261
    {400, "Bad Request"},                              // RFC 3261
    {401, "Unauthorized"},                             // RFC 3261
    {402, "Payment Required"},                         // RFC 3261
    {403, "Forbidden"},                                // RFC 3261
    {404, "Not Found"},                                // RFC 3261
    {405, "Method Not Allowed"},                       // RFC 3261
    {406, "Not Acceptable"},                           // RFC 3261
    {407, "Proxy Authentication Required"},            // RFC 3261
    {408, "Request Timeout"},                          // RFC 3261
    {410, "Gone"},                                     // RFC 3261
    {412, "Conditional Request Failed"},               // RFC 3903
    {413, "Request Entity Too Large"},                 // RFC 3261
    {414, "Request-URI Too Long"},                     // RFC 3261
    {415, "Unsupported Media Type"},                   // RFC 3261
    {416, "Unsupported URI Scheme"},                   // RFC 3261
    {417, "Unknown Resource-Priority"},                // RFC 4412
    {420, "Bad Extension"},                            // RFC 3261
    {421, "Extension Required"},                       // RFC 3261
    {422, "Session Interval Too Small"},               // RFC 4028
    {423, "Interval Too Brief"},                       // RFC 3261
    {424, "Bad Location Information"},                 // RFC 6442
    {425, "Bad Alert Message"},                        // RFC 8876
    {428, "Use Identity Header"},                      // RFC 8224
    {429, "Provide Referrer Identity"},                // RFC 3892
    {430, "Flow Failed"},                              // RFC 5626
    {433, "Anonymity Disallowed"},                     // RFC 5079
    {436, "Bad Identity Info"},                        // RFC 8224
    {437, "Unsupported Credential"},                   // RFC 8224
    {438, "Invalid Identity Header"},                  // RFC 8224
    {439, "First Hop Lacks Outbound Support"},         // RFC 5626
    {440, "Max-Breadth Exceeded"},                     // RFC 5393
    {469, "Bad Info Package"},                         // RFC 6086
    {470, "Consent Needed"},                           // RFC 5360
    {480, "Temporarily Unavailable"},                  // RFC 3261
    {481, "Call/Transaction Does Not Exist"},          // RFC 3261
    {482, "Loop Detected"},                            // RFC 3261
    {483, "Too Many Hops"},                            // RFC 3261
    {484, "Address Incomplete"},                       // RFC 3261
    {485, "Ambiguous"},                                // RFC 3261
    {486, "Busy Here"},                                // RFC 3261
    {487, "Request Terminated"},                       // RFC 3261
    {488, "Not Acceptable Here"},                      // RFC 3261
    {489, "Bad Event"},                                // RFC 6665
    {491, "Request Pending"},                          // RFC 3261
    {493, "Undecipherable"},                           // RFC 3261
    {494, "Security Agreement Required"},              // RFC 3329
    {500, "Server Internal Error"},                    // RFC 3261
    {501, "Not Implemented"},                          // RFC 3261
    {502, "Bad Gateway"},                              // RFC 3261
    {503, "Service Unavailable"},                      // RFC 3261
    {504, "Server Time-out"},                          // RFC 3261
    {505, "Version Not Supported"},                    // RFC 3261
    {513, "Message Too Large"},                        // RFC 3261
    {555, "Push Notification Service Not Supported"},  // RFC 8599
    {580, "Precondition Failure"},                     // RFC 3312
    {600, "Busy Everywhere"},                          // RFC 3261
    {603, "Decline"},                                  // RFC 3261
    {604, "Does Not Exist Anywhere"},                  // RFC 3261
    {606, "Not Acceptable"},                           // RFC 3261
    {607, "Unwanted"},                                 // RFC 8197
    {608, "Rejected"},                                 // RFC 8688
};
}  // namespace

std::string_view registered_reason(int code) {
  for (const Entry& e : kCodes)
    if (e.code == code) return e.reason;
  return {};
}

bool is_registered(int code) { return !registered_reason(code).empty(); }

int effective_status(int code) {
  if (!valid_status(code) || is_registered(code)) return code;
  return code < 200 ? 183 : code / 100 * 100;
}

std::string_view reason_phrase(int code) {
  std::string_view r = registered_reason(code);
  if (!r.empty() || !valid_status(code)) return r;
  return registered_reason(code / 100 * 100);
}

}  // namespace parley::message
