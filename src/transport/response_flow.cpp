#include "transport/response_flow.hpp"

#include <string>

#include "transport/top_via.hpp"

namespace parley::transport {

namespace {

std::optional<boost::asio::ip::address> ip_literal(std::string_view text) {
  auto a = address_from_text(text);
  if (!a) return std::nullopt;
  return unmapped(*a);
}

}  // namespace

Flow response_flow(const message::Message& request, const Flow& came_from) {
  const auto& vias = request.via();
  if (!vias || vias->empty()) return came_from;
  const message::Via& top = vias->front();
  Flow out = came_from;

  Protocol via_protocol = protocol_from_token(top.transport).value_or(came_from.protocol);
  auto received = top.received() ? ip_literal(*top.received()) : std::nullopt;

  if (is_stream(came_from.protocol)) {
    // §18.2.2: the connection the request came on; if it has closed, "open a connection to the IP
    // address in the received parameter, if present, using the port in the sent-by value, or the
    // default port for that transport".
    out.remote.address = received.value_or(came_from.remote.address);
    out.remote.port = top.port.value_or(default_port(via_protocol));
    return out;
  }

  out.connection = 0;
  const std::uint16_t sent_by_port = top.port.value_or(5060);
  if (auto maddr = top.params.get("maddr"); maddr && ip_literal(*maddr)) {
    out.remote = Endpoint{*ip_literal(*maddr), sent_by_port};
    return out;
  }
  // RFC 3581 §4: "the server MUST send the response to the IP address indicated in the received
  // parameter and the port in the rport parameter".
  const std::uint16_t port = top.rport().value_or(sent_by_port);
  if (received) {
    out.remote = Endpoint{*received, port};
    return out;
  }
  auto sent_by = top.host_kind == message::HostKind::Name ? std::nullopt : ip_literal(top.host);
  out.remote = Endpoint{sent_by.value_or(came_from.remote.address), port};
  return out;
}

}  // namespace parley::transport
