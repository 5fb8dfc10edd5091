// Writing messages: a builder that serializes straight into one contiguous buffer, and the
// response rules of RFC 3261 §8.2.6.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "message/error.hpp"
#include "message/header_id.hpp"
#include "message/message.hpp"
#include "message/method.hpp"

namespace parley::message {

class MessageBuilder {
 public:
  static MessageBuilder request(std::string_view method, std::string_view request_uri);
  static MessageBuilder request(Method method, std::string_view request_uri) {
    return request(method_name(method), request_uri);
  }
  // reason defaults to the registered phrase of the code.
  static MessageBuilder response(int status, std::string_view reason = {});

  // Values must be one line: CR and LF are replaced so that no value can inject a header.
  MessageBuilder& header(HeaderId id, std::string_view value);
  MessageBuilder& header(std::string_view name, std::string_view value);
  MessageBuilder& body(std::string_view content_type, std::string_view body);

  // Appends Content-Length, the empty line and the body; the builder is spent afterwards.
  std::string finish() &&;
  // finish() and parse: a message ready to be changed or handed to the transaction layer.
  ParseResult<Message> build() &&;

 private:
  explicit MessageBuilder(std::size_t reserve) { out_.reserve(reserve); }
  void append_value(std::string_view value);
  std::string out_;
  std::string_view body_;
  std::string body_storage_;
};

// A response to `request` (§8.2.6.2): Via (every value, in order), From, Call-ID, CSeq copied;
// To copied with `to_tag` added when To has no tag and the status is above 100; Timestamp echoed
// in 100 (§8.2.6.1).
MessageBuilder response_to(const Message& request, int status, std::string_view reason = {},
                           std::string_view to_tag = {});

// The error response for a request that failed to parse, when enough of it can be read to answer
// (Via, From, To, Call-ID and CSeq): 400 with a reason that names the problem, 505, 513, 416, ...
// nullopt when the input is a response, an ACK (never answered), or too broken to answer.
std::optional<std::string> error_response(std::string_view raw, const ParseError& error);

}  // namespace parley::message
