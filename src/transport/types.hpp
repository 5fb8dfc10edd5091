// The vocabulary of the transport layer (RFC 3261 §18) that the layers above speak: which protocol,
// which ends, which connection, and the Sender/Receiver boundary between transports and the
// transaction layer.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/timer.hpp"
#include "message/message.hpp"

namespace parley::transport {

enum class Protocol : std::uint8_t { Udp, Tcp, Tls, Ws, Wss };

// Reliable transports get no retransmissions from the transaction layer (§17.1.1.2, §17.1.2.2).
constexpr bool is_reliable(Protocol p) { return p != Protocol::Udp; }
constexpr bool is_secure(Protocol p) { return p == Protocol::Tls || p == Protocol::Wss; }
constexpr bool is_stream(Protocol p) { return p != Protocol::Udp; }
// The transport token of a Via (§20.42, RFC 7118 §5.4): "UDP", "TCP", "TLS", "WS", "WSS".
std::string_view via_token(Protocol p);
// The value of a URI's transport parameter: "udp", "tcp", "tls", "ws", "wss".
std::string_view uri_token(Protocol p);
// Both lookups are case-insensitive; nullopt for transports parley does not speak (SCTP, ...).
std::optional<Protocol> protocol_from_token(std::string_view token);
// §19.1.2: 5060 for sip over UDP/TCP, 5061 for TLS; RFC 7118: 80 for WS, 443 for WSS.
std::uint16_t default_port(Protocol p);

// An address as text (IPv6 without brackets), as address::to_string() writes it, without going
// through inet_ntop's printf for IPv4: a server writes the source address of every request it
// answers (received, its logs, a registrar's bindings).
std::string address_text(const boost::asio::ip::address& a);
void append_address(std::string& out, const boost::asio::ip::address& a);
// The address an IP literal names ("192.0.2.1", "2001:db8::1", no brackets), nullopt for anything
// else. Reads dotted-quad IPv4 itself (a Via's sent-by and received, on every request); whatever
// that does not take as plain IPv4 is left to inet_pton, so both give the same answers.
std::optional<boost::asio::ip::address> address_from_text(std::string_view text);

struct Endpoint {
  boost::asio::ip::address address;
  std::uint16_t port = 0;

  // "192.0.2.1:5060", "[2001:db8::1]:5060"
  std::string to_string() const;
  // host part as it goes in a Via or URI: IPv6 in brackets.
  std::string host() const;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

using ConnectionId = std::uint64_t;  // 0: no particular connection

// Where a message came from, or how it is to go: protocol, both ends, and for stream transports
// the connection it travelled on (§18.2.2: responses go back over that connection when it is open).
struct Flow {
  Protocol protocol = Protocol::Udp;
  Endpoint local;
  Endpoint remote;
  ConnectionId connection = 0;
};

// A message as the transport layer delivers it upward.
struct Incoming {
  message::Message message;
  Flow flow;
  TimePoint received;
};

// Bytes handed to a transport are shared, so that a retransmission costs no copy.
using Bytes = std::shared_ptr<const std::string>;
inline Bytes make_bytes(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

// The transport layer as the transaction layer sees it.
class Sender {
 public:
  using ErrorHandler = std::function<void(std::string_view why)>;
  virtual ~Sender() = default;
  // Sends along flow: over flow.connection while it is open, else over an open connection to
  // flow.remote or a new one (streams), or as one datagram (UDP). A failure (no route, connection
  // refused or reset, TLS handshake failure) is reported through on_error, never by throwing:
  // RFC 3261 §18.4 makes it an event for the transaction (§17.1.4).
  virtual void send(const Flow& flow, Bytes bytes, ErrorHandler on_error = {}) = 0;
};

// What receives from the transport layer: the transaction layer, or in tests a recorder.
class Receiver {
 public:
  virtual ~Receiver() = default;
  virtual void receive(Incoming&& in) = 0;
};

}  // namespace parley::transport
