#include "transport/top_via.hpp"

#include <string>

namespace parley::transport {

using message::HeaderId;
using message::Message;
using message::Via;

boost::asio::ip::address unmapped(const boost::asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  return a;
}

bool replace_top_via(Message& m, const Via& top) {
  // Render first: the parsed Via's views point into the message, which the edit below changes.
  std::string value = top.to_string();
  if (!m.remove_first_value(HeaderId::Via)) return false;
  m.prepend(HeaderId::Via, std::move(value));
  return true;
}

namespace {

bool same_address(const Via& via, const boost::asio::ip::address& source) {
  if (via.host_kind == message::HostKind::Name) return false;
  boost::system::error_code ec;
  auto sent_by = boost::asio::ip::make_address(std::string(via.host), ec);
  return !ec && unmapped(sent_by) == unmapped(source);
}

}  // namespace

bool stamp_received(Message& request, const Endpoint& source) {
  const auto& vias = request.via();
  if (!vias || vias->empty()) return false;
  Via top = vias->front();
  auto rport = top.params.get("rport");
  bool fill_rport = rport && rport->empty();
  bool add_received = fill_rport || !same_address(top, source.address);
  if (!fill_rport && !add_received) return false;

  // IPv6 goes in received without brackets (RFC 3261 §25.1: via-received = IPv4address /
  // IPv6address).
  const std::string received = unmapped(source.address).to_string();
  const std::string port = std::to_string(source.port);
  message::Params params;
  bool have_received = false;
  for (const message::Param& p : top.params) {
    if (add_received && message::iequals(p.name, "received")) {
      params.add({p.name, received, true, false});
      have_received = true;
    } else if (fill_rport && message::iequals(p.name, "rport")) {
      params.add({p.name, port, true, false});
    } else {
      params.add(p);
    }
  }
  if (add_received && !have_received) params.add({"received", received, true, false});
  top.params = std::move(params);
  return replace_top_via(request, top);
}

bool set_via_transport(Message& request, Protocol protocol) {
  const auto& vias = request.via();
  if (!vias || vias->empty()) return false;
  Via top = vias->front();
  if (message::iequals(top.transport, via_token(protocol))) return true;
  top.transport = via_token(protocol);
  return replace_top_via(request, top);
}

}  // namespace parley::transport
