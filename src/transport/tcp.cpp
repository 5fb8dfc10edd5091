// SIP over TCP (RFC 3261 §18).
#include "transport/stream_connection.hpp"

namespace parley::transport {

std::shared_ptr<Connection> make_tcp_connection(std::shared_ptr<Core> core,
                                                boost::asio::io_context& io, tcp::socket socket,
                                                const Endpoint& remote) {
  return std::make_shared<StreamConnection<tcp::socket>>(std::move(core), io, remote, true,
                                                         std::move(socket));
}

std::shared_ptr<Connection> make_tcp_client(std::shared_ptr<Core> core, boost::asio::io_context& io,
                                            const Endpoint& remote) {
  return std::make_shared<StreamConnection<tcp::socket>>(std::move(core), io, remote, false,
                                                         tcp::socket(io));
}

}  // namespace parley::transport
