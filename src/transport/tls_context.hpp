// The TLS contexts of the transport layer, made once at start-up from TlsSettings. A file that
// cannot be read is a configuration error: these throw std::runtime_error naming the file.
#pragma once

#include <memory>
#include <string>

#include "transport/settings.hpp"

namespace boost::asio::ssl {
class context;
}
struct ssl_st;  // OpenSSL's SSL

namespace parley::transport {

std::shared_ptr<boost::asio::ssl::context> make_tls_server_context(const TlsSettings& s);
std::shared_ptr<boost::asio::ssl::context> make_tls_client_context(const TlsSettings& s);

// An outgoing TLS session: SNI and the name (or address) the server's certificate must carry.
bool prepare_tls_client(ssl_st* ssl, const Endpoint& remote, const std::string& server_name);

}  // namespace parley::transport
