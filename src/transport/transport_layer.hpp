// The transport layer (RFC 3261 §18): every listening socket and connection, behind the Sender
// interface the transaction layer speaks, delivering what arrives to a Receiver.
//
//   EventLoops loops;                                   // one io_context per core
//   Settings s;
//   s.listen = {*parse_listen_spec("udp:0.0.0.0:5060"), *parse_listen_spec("tcp:0.0.0.0:5060")};
//   TransportLayer transport(loops.contexts(), s, receiver);
//   transport.start();                                  // throws on a configuration error
//   transport.send(response_flow(request, incoming.flow), make_bytes(response.serialize()));
//
// See README.md in this folder for the threading model.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "transport/listen_spec.hpp"
#include "transport/settings.hpp"
#include "transport/stats.hpp"
#include "transport/types.hpp"

namespace boost::asio {
class io_context;
}

namespace parley::transport {

struct Core;
class StreamListener;
class UdpTransport;

class TransportLayer final : public Sender {
 public:
  // `loops`: the event loops to work on, each run by one thread (EventLoops makes them). The
  // Receiver is called on those threads and must outlive their last run.
  TransportLayer(std::vector<boost::asio::io_context*> loops, Settings settings,
                 Receiver& receiver);
  ~TransportLayer() override;
  TransportLayer(const TransportLayer&) = delete;
  TransportLayer& operator=(const TransportLayer&) = delete;

  // Opens every listen spec and makes the TLS contexts. A configuration error (an address in
  // use, a certificate that cannot be read) throws std::runtime_error naming what failed; what
  // was opened so far is closed again.
  void start();
  // Closes every listener and connection, on their loops; sends fail from then on. Idempotent;
  // the destructor calls it. Pending I/O finishes when the loops run (or are destroyed).
  void stop();

  // The listen specs as bound: port 0 replaced by the port the system chose.
  std::vector<ListenSpec> listening() const;
  // The first bound endpoint of this protocol (and address family), for Via sent-by and Contact.
  std::optional<Endpoint> local_endpoint(Protocol protocol, bool ipv6 = false) const;
  // The receive buffer the kernel gave the first UDP listener's socket, in bytes (0: none).
  std::size_t udp_receive_buffer() const;

  // Sender. UDP: one datagram, from the socket bound to flow.local (else one of the same address
  // family). Streams: over flow.connection while it is open, else over an open connection to
  // (protocol, flow.remote), else over a new one. Errors reach on_error asynchronously, on one of
  // the loops.
  void send(const Flow& flow, Bytes bytes, ErrorHandler on_error = {}) override;
  // The same, naming the server a new TLS or WSS connection goes to (the RFC 3263 target host):
  // sent as SNI (RFC 6066) and matched against the certificate (RFC 5922 §7.2). Without a name
  // the certificate must carry the remote IP address.
  void send(const Flow& flow, Bytes bytes, ErrorHandler on_error, std::string server_name);

  // Closes a connection after what is queued on it (e.g. the flow of a client that went away).
  void close(ConnectionId id);
  std::size_t connection_count() const;
  TransportStats stats() const;

 private:
  void fail_later(ErrorHandler on_error, std::string why);

  std::shared_ptr<Core> core_;
  std::vector<std::shared_ptr<StreamListener>> stream_listeners_;
  std::vector<std::unique_ptr<UdpTransport>> udp_;
  std::atomic<bool> started_{false};
};

}  // namespace parley::transport
