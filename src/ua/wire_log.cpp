#include "ua/wire_log.hpp"

namespace parley::ua {

void TapReceiver::receive(transport::Incoming&& in) {
  if (observer_) observer_(Direction::In, in.flow, in.message.serialize());
  if (auto* next = next_.load()) next->receive(std::move(in));
}

std::string summary(Direction d, const transport::Flow& flow, std::string_view bytes) {
  std::string_view start = bytes.substr(0, bytes.find("\r\n"));
  std::string what;
  if (start.starts_with("SIP/2.0 ")) {
    what = std::string(start.substr(8));  // "180 Ringing"
  } else {
    // "INVITE sip:bob@host SIP/2.0" -> "INVITE sip:bob@host"
    auto end = start.rfind(' ');
    what = std::string(end == std::string_view::npos ? start : start.substr(0, end));
  }
  std::string out = d == Direction::Out ? "--> " : "<-- ";
  out += what;
  out += " (";
  out += transport::uri_token(flow.protocol);
  out += " ";
  out += flow.remote.to_string();
  out += ")";
  return out;
}

}  // namespace parley::ua
