// The constructors of the stream transports. Each lives in its own translation unit (tcp.cpp,
// tls.cpp, websocket.cpp) so that OpenSSL's and Beast's templates are compiled once each.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "transport/connection.hpp"

namespace parley::transport {

using boost::asio::ip::tcp;

// Accepted connections (`socket` belongs to `io`).
std::shared_ptr<Connection> make_tcp_connection(std::shared_ptr<Core> core,
                                                boost::asio::io_context& io, tcp::socket socket,
                                                const Endpoint& remote);
std::shared_ptr<Connection> make_tls_connection(std::shared_ptr<Core> core,
                                                boost::asio::io_context& io, tcp::socket socket,
                                                const Endpoint& remote);
std::shared_ptr<Connection> make_ws_connection(std::shared_ptr<Core> core,
                                               boost::asio::io_context& io, tcp::socket socket,
                                               const Endpoint& remote, bool secure);
std::shared_ptr<Connection> make_accepted_connection(std::shared_ptr<Core> core, Protocol protocol,
                                                     boost::asio::io_context& io,
                                                     tcp::socket socket, const Endpoint& remote);

// Outgoing connections. `server_name`, when not empty, goes out as TLS SNI (RFC 6066) and is what
// the server's certificate must name (RFC 5922 §7.2); without it the certificate must name the
// remote IP address. For WebSocket it is also the Host header.
std::shared_ptr<Connection> make_tcp_client(std::shared_ptr<Core> core, boost::asio::io_context& io,
                                            const Endpoint& remote);
std::shared_ptr<Connection> make_tls_client(std::shared_ptr<Core> core, boost::asio::io_context& io,
                                            const Endpoint& remote, std::string server_name);
std::shared_ptr<Connection> make_ws_client(std::shared_ptr<Core> core, boost::asio::io_context& io,
                                           const Endpoint& remote, std::string server_name,
                                           bool secure);
std::shared_ptr<Connection> make_outgoing_connection(std::shared_ptr<Core> core,
                                                     boost::asio::io_context& io, Protocol protocol,
                                                     const Endpoint& remote,
                                                     std::string server_name);

// Endpoint conversions.
inline Endpoint to_endpoint(const tcp::endpoint& e) { return Endpoint{e.address(), e.port()}; }
inline tcp::endpoint to_tcp(const Endpoint& e) { return tcp::endpoint(e.address, e.port); }

}  // namespace parley::transport
