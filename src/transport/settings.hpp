// How the transport layer is configured. Every external input is bounded (STYLE.md §4): each
// limit has a name, a default and a config key (in the comment).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "common/timer.hpp"
#include "message/error.hpp"
#include "transport/listen_spec.hpp"

namespace parley::transport {

struct TlsSettings {
  // Server side (TLS and WSS listeners): PEM certificate chain and private key.
  std::string certificate_file;  // transport.tls.certificate
  std::string private_key_file;  // transport.tls.private_key
  // PEM bundle the peers' certificates are verified against; empty: the system's default paths.
  std::string ca_file;  // transport.tls.ca_file
  // Client side: refuse servers whose certificate does not verify (RFC 5922 §7).
  bool verify_server = true;  // transport.tls.verify_server
  // Server side: ask clients for a certificate and refuse those without a valid one.
  bool require_client_certificate = false;  // transport.tls.require_client_certificate
};

struct Settings {
  std::vector<ListenSpec> listen;  // transport.listen = ["udp:0.0.0.0:5060", ...]
  // Sizes of one message; a stream connection never buffers more than max_message_size of input.
  message::Limits limits;
  // A connection with no traffic in either direction for this long is closed.
  Duration idle_timeout = std::chrono::minutes(10);  // transport.idle_timeout
  // A message, once its first byte arrived, must be complete within this (slow senders, and
  // TLS/WebSocket handshakes on accepted connections).
  Duration header_read_timeout = std::chrono::seconds(10);  // transport.header_read_timeout
  // Outgoing connections: TCP connect plus TLS and WebSocket handshakes.
  Duration connect_timeout = std::chrono::seconds(10);  // transport.connect_timeout
  std::size_t max_connections = 10000;                  // transport.max_connections
  std::size_t max_connections_per_source = 64;          // transport.max_connections_per_source
  // Bytes waiting to be written on one connection; beyond, the peer is not reading: close it.
  std::size_t max_write_queue = 1 << 20;  // transport.max_write_queue
  // One UDP socket per event loop with SO_REUSEPORT, so that the kernel spreads datagrams over the
  // threads; false: one socket on the first event loop.
  bool udp_socket_per_thread = true;  // transport.udp_socket_per_thread
  // Receive buffer asked for each UDP socket, in bytes (0: the system's default). The system's
  // default (net.core.rmem_default, about 200 KB) holds some 150 datagrams: at 16,000 a second a
  // pause of 10 ms in a loop overflows it, and every datagram dropped is a retransmission 500 ms
  // later. Capped by net.core.rmem_max unless the process may exceed it (CAP_NET_ADMIN).
  std::size_t udp_receive_buffer = 4 << 20;  // transport.udp_receive_buffer
  // transport.ws_allowed_origins: the web origins ("https://phone.example.com") whose pages may
  // open a WS/WSS connection (RFC 6455 §10.2, RFC 7118 §8). An upgrade with an Origin not listed
  // gets 403; one without Origin (not a browser) is let in. Empty: every origin; "*": the same.
  std::vector<std::string> ws_allowed_origins;
  TlsSettings tls;
};

}  // namespace parley::transport
