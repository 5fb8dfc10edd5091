#include "transport/top_via.hpp"

#include <optional>
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

// The top via-parm with `received` set and an empty `rport` filled, made by editing its text:
// what every request goes through, so no Params copy and no rendering of the whole Via. Views of
// a parsed Via point into the field's text, which gives each edit's place. nullopt for what this
// does not handle (no parameters, a quoted one): the caller renders the Via instead.
std::optional<std::string> edited_text(const Via& top, bool add_received, std::string_view received,
                                       bool fill_rport, std::string_view port) {
  if (top.params.empty()) return std::nullopt;
  for (const message::Param& p : top.params)
    if (p.quoted) return std::nullopt;
  const char* begin = top.protocol_name.data();
  const message::Param& last = *(top.params.end() - 1);
  const char* end =
      last.has_value ? last.value.data() + last.value.size() : last.name.data() + last.name.size();
  std::string out;
  out.reserve(static_cast<std::size_t>(end - begin) + received.size() + port.size() + 12);
  const char* at = begin;  // copied up to here
  bool have_received = false;
  for (const message::Param& p : top.params) {
    const char* name_end = p.name.data() + p.name.size();
    if (add_received && message::iequals(p.name, "received")) {
      have_received = true;  // a forged or stale value: replaced where it stands
      out.append(at, name_end).push_back('=');
      out.append(received);
      at = p.has_value ? p.value.data() + p.value.size() : name_end;
    } else if (fill_rport && !p.has_value && message::iequals(p.name, "rport")) {
      out.append(at, name_end).push_back('=');
      out.append(port);
      at = name_end;
    }
  }
  out.append(at, end);
  if (add_received && !have_received) out.append(";received=").append(received);
  return out;
}

}  // namespace

bool stamp_received(Message& request, const Endpoint& source) {
  const auto& vias = request.via();
  if (!vias || vias->empty()) return false;
  const Via& top = vias->front();
  auto rport = top.params.get("rport");
  bool fill_rport = rport && rport->empty();
  bool add_received = fill_rport || !same_address(top, source.address);
  if (!fill_rport && !add_received) return false;

  // IPv6 goes in received without brackets (RFC 3261 §25.1: via-received = IPv4address /
  // IPv6address).
  const std::string received = address_text(unmapped(source.address));
  const std::string port = std::to_string(source.port);
  if (auto text = edited_text(top, add_received, received, fill_rport, port)) {
    if (!request.remove_first_value(HeaderId::Via)) return false;
    request.prepend(HeaderId::Via, std::move(*text));
    return true;
  }
  Via edited = top;
  message::Params params;
  bool have_received = false;
  for (const message::Param& p : edited.params) {
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
  edited.params = std::move(params);
  return replace_top_via(request, edited);
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
