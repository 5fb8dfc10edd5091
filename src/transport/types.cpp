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

void append_address(std::string& out, const boost::asio::ip::address& a) {
  if (!a.is_v4()) {
    out.append(a.to_string());
    return;
  }
  for (unsigned char octet : a.to_v4().to_bytes()) {
    if (octet >= 100) out.push_back(static_cast<char>('0' + octet / 100));
    if (octet >= 10) out.push_back(static_cast<char>('0' + octet / 10 % 10));
    out.push_back(static_cast<char>('0' + octet % 10));
    out.push_back('.');
  }
  out.pop_back();
}

std::optional<boost::asio::ip::address> address_from_text(std::string_view text) {
  // 1 to 3 digits without a leading zero, at most 255, four times: the form inet_pton reads.
  boost::asio::ip::address_v4::bytes_type bytes{};
  std::size_t part = 0, digits = 0;
  unsigned value = 0;
  bool plain = !text.empty();
  for (char c : text) {
    if (c >= '0' && c <= '9' && digits < 3 && !(digits == 1 && value == 0)) {
      value = value * 10 + static_cast<unsigned>(c - '0');
      ++digits;
    } else if (c == '.' && digits > 0 && part < 3 && value <= 255) {
      bytes[part++] = static_cast<unsigned char>(value);
      digits = value = 0;
    } else {
      plain = false;
      break;
    }
  }
  if (plain && part == 3 && digits > 0 && value <= 255) {
    bytes[3] = static_cast<unsigned char>(value);
    return boost::asio::ip::address(boost::asio::ip::address_v4(bytes));
  }
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return a;
}

std::string address_text(const boost::asio::ip::address& a) {
  std::string s;
  append_address(s, a);
  return s;
}

std::string Endpoint::host() const {
  if (!address.is_v6()) return address_text(address);
  std::string s = "[";
  append_address(s, address);
  s.push_back(']');
  return s;
}

std::string Endpoint::to_string() const {
  std::string s = host();
  s.push_back(':');
  s.append(std::to_string(port));
  return s;
}

}  // namespace parley::transport
