#include "transport/types.hpp"

#include "message/scanner.hpp"

namespace parley::transport {

std::string_view via_token(Protocol p) {
  switch (p) {
    case Protocol::Udp:
      return "UDP";
    case Protocol::Tcp:
      return "TCP";
    case Protocol::Tls:
      return "TLS";
    case Protocol::Ws:
      return "WS";
    case Protocol::Wss:
      return "WSS";
  }
  return "UDP";
}

std::string_view uri_token(Protocol p) {
  switch (p) {
    case Protocol::Udp:
      return "udp";
    case Protocol::Tcp:
      return "tcp";
    case Protocol::Tls:
      return "tls";
    case Protocol::Ws:
      return "ws";
    case Protocol::Wss:
      return "wss";
  }
  return "udp";
}

std::optional<Protocol> protocol_from_token(std::string_view token) {
  for (Protocol p : {Protocol::Udp, Protocol::Tcp, Protocol::Tls, Protocol::Ws, Protocol::Wss})
    if (message::iequals(token, via_token(p))) return p;
  return std::nullopt;
}

std::uint16_t default_port(Protocol p) {
  switch (p) {
    case Protocol::Udp:
    case Protocol::Tcp:
      return 5060;
    case Protocol::Tls:
      return 5061;
    case Protocol::Ws:
      return 80;
    case Protocol::Wss:
      return 443;
  }
  return 5060;
}

std::string Endpoint::host() const {
  return address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
}

std::string Endpoint::to_string() const { return host() + ":" + std::to_string(port); }

}  // namespace parley::transport
