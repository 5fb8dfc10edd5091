#include "transport/listen_spec.hpp"

#include "message/uri.hpp"

namespace parley::transport {

std::string ListenSpec::to_string() const {
  std::string out(uri_token(protocol));
  out.append(":").append(endpoint.to_string());
  return out;
}

Result<ListenSpec, std::string> parse_listen_spec(std::string_view text) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos)
    return fail("'" + std::string(text) + "': expected protocol:address[:port]");
  std::string_view token = text.substr(0, colon);
  auto protocol = protocol_from_token(token);
  if (!protocol)
    return fail("'" + std::string(text) + "': unknown protocol '" + std::string(token) +
                "' (udp, tcp, tls, ws, wss)");
  std::string_view hostport = text.substr(colon + 1);
  if (hostport.empty()) return fail("'" + std::string(text) + "': missing address");
  auto hp = message::parse_host_port(hostport);
  if (!hp) return fail("'" + std::string(text) + "': " + hp.error().what);
  if (hp->kind == message::HostKind::Name)
    return fail("'" + std::string(text) + "': the address must be an IPv4 or [IPv6] address");
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(std::string(hp->host), ec);
  if (ec)
    return fail("'" + std::string(text) + "': invalid address '" + std::string(hp->host) + "'");
  return ListenSpec{*protocol, Endpoint{address, hp->port.value_or(default_port(*protocol))}};
}

}  // namespace parley::transport
