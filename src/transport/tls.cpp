// SIP over TLS (RFC 3261 §26.2.1; certificates as RFC 5922 says): the contexts, made once from
// the settings, and the connections over them.
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ssl.hpp>
#include <stdexcept>

#include "transport/stream_connection.hpp"
#include "transport/tls_context.hpp"

namespace parley::transport {

namespace ssl = boost::asio::ssl;
using TlsStream = ssl::stream<tcp::socket>;

namespace {

void modern_only(ssl::context& ctx) {
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                  ssl::context::single_dh_use);
}

void load_verify(ssl::context& ctx, const TlsSettings& s) {
  if (s.ca_file.empty())
    ctx.set_default_verify_paths();
  else
    ctx.load_verify_file(s.ca_file);
}

[[noreturn]] void config_error(const std::string& what, const std::string& file,
                               const boost::system::system_error& e) {
  throw std::runtime_error("TLS: " + what + " '" + file + "': " + e.code().message());
}

}  // namespace

std::shared_ptr<ssl::context> make_tls_server_context(const TlsSettings& s) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  modern_only(*ctx);
  if (s.certificate_file.empty() || s.private_key_file.empty())
    throw std::runtime_error("TLS: a TLS or WSS listener needs a certificate and a private key");
  try {
    ctx->use_certificate_chain_file(s.certificate_file);
  } catch (const boost::system::system_error& e) {
    config_error("certificate", s.certificate_file, e);
  }
  try {
    ctx->use_private_key_file(s.private_key_file, ssl::context::pem);
  } catch (const boost::system::system_error& e) {
    config_error("private key", s.private_key_file, e);
  }
  if (s.require_client_certificate) {
    try {
      load_verify(*ctx, s);
    } catch (const boost::system::system_error& e) {
      config_error("CA bundle", s.ca_file, e);
    }
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  }
  return ctx;
}

std::shared_ptr<ssl::context> make_tls_client_context(const TlsSettings& s) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  modern_only(*ctx);
  if (s.verify_server) {
    try {
      load_verify(*ctx, s);
    } catch (const boost::system::system_error& e) {
      config_error("CA bundle", s.ca_file, e);
    }
    ctx->set_verify_mode(ssl::verify_peer);
  } else {
    ctx->set_verify_mode(ssl::verify_none);
  }
  // A client certificate, when the same files are configured, for servers that ask (mutual TLS).
  if (!s.certificate_file.empty() && !s.private_key_file.empty()) {
    boost::system::error_code ec;
    ctx->use_certificate_chain_file(s.certificate_file, ec);
    if (!ec) ctx->use_private_key_file(s.private_key_file, ssl::context::pem, ec);
  }
  return ctx;
}

bool prepare_tls_client(ssl_st* ssl, const Endpoint& remote, const std::string& server_name) {
  boost::system::error_code ec;
  auto literal = boost::asio::ip::make_address(server_name, ec);
  const bool named = !server_name.empty() && ec;
  // RFC 6066 §3: SNI carries host names only, never IP literals.
  if (named && SSL_set_tlsext_host_name(ssl, server_name.c_str()) != 1) return false;
  // The certificate must be for the name we meant, or for the address when we had none
  // (RFC 5922 §7.2 compares the SIP domain with the certificate's subjectAltName).
  if (named) return SSL_set1_host(ssl, server_name.c_str()) == 1;
  std::string ip = server_name.empty() ? remote.address.to_string() : literal.to_string();
  return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), ip.c_str()) == 1;
}

std::shared_ptr<Connection> make_tls_connection(std::shared_ptr<Core> core,
                                                boost::asio::io_context& io, tcp::socket socket,
                                                const Endpoint& remote) {
  TlsStream stream(std::move(socket), *core->tls_server);
  return std::make_shared<StreamConnection<TlsStream>>(std::move(core), io, remote, true,
                                                       std::move(stream));
}

std::shared_ptr<Connection> make_tls_client(std::shared_ptr<Core> core, boost::asio::io_context& io,
                                            const Endpoint& remote, std::string server_name) {
  TlsStream stream(io, *core->tls_client);
  prepare_tls_client(stream.native_handle(), remote, server_name);
  return std::make_shared<StreamConnection<TlsStream>>(std::move(core), io, remote, false,
                                                       std::move(stream));
}

}  // namespace parley::transport
