#include "transport/inbound.hpp"

#include <chrono>

#include "message/builder.hpp"
#include "message/message.hpp"
#include "transport/top_via.hpp"

namespace parley::transport {

namespace {

Inbound reject(std::string_view bytes, message::ParseError error) {
  Inbound out;
  out.reply = message::error_response(bytes, error);
  out.outcome = out.reply ? Inbound::Outcome::Answered : Inbound::Outcome::Dropped;
  out.error = std::move(error);
  return out;
}

}  // namespace

Inbound receive_message(std::string_view bytes, const Flow& flow, const message::Limits& limits,
                        Receiver& receiver) {
  auto parsed = message::Message::parse(bytes, limits);
  if (!parsed) return reject(bytes, std::move(parsed).error());
  message::Message& m = *parsed;
  const auto& vias = m.via();
  if (!vias || vias->empty()) {
    message::ParseError e = vias ? message::syntax_error("Via: missing") : vias.error();
    if (m.is_response()) return Inbound{Inbound::Outcome::Dropped, std::nullopt, std::move(e)};
    return reject(bytes, std::move(e));
  }
  if (m.is_request()) stamp_received(m, flow.remote);
  try {
    receiver.receive(Incoming{std::move(m), flow, std::chrono::steady_clock::now()});
  } catch (const std::exception& e) {
    return Inbound{Inbound::Outcome::Dropped, std::nullopt,
                   message::ParseError{500, std::string("receiver: ") + e.what(), 0, 0}};
  } catch (...) {
    return Inbound{Inbound::Outcome::Dropped, std::nullopt,
                   message::ParseError{500, "receiver: unknown exception", 0, 0}};
  }
  return Inbound{Inbound::Outcome::Delivered, std::nullopt, std::nullopt};
}

KeepAlive keep_alive(std::string_view message) {
  if (message == "\r\n\r\n") return KeepAlive::Ping;
  if (message == "\r\n") return KeepAlive::Pong;
  return KeepAlive::None;
}

}  // namespace parley::transport
