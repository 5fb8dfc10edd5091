// What every socket of the transport layer shares: settings, the Receiver, the connection table,
// the TLS contexts and the event loops. Held by shared_ptr by each connection and listener, so
// that it outlives whatever I/O is still pending when the TransportLayer goes away.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string_view>
#include <vector>

#include "transport/connection_table.hpp"
#include "transport/inbound.hpp"
#include "transport/settings.hpp"
#include "transport/stats.hpp"
#include "transport/types.hpp"

namespace boost::asio::ssl {
class context;
}

namespace parley::transport {

struct Core {
  Core(Settings s, Receiver& r, std::vector<boost::asio::io_context*> loops)
      : settings(std::move(s)),
        receiver(r),
        table(settings.max_connections, settings.max_connections_per_source),
        contexts(std::move(loops)) {}

  Settings settings;
  Receiver& receiver;
  ConnectionTable table;
  std::vector<boost::asio::io_context*> contexts;
  std::shared_ptr<boost::asio::ssl::context> tls_server, tls_client;
  Counters counters;
  std::atomic<std::size_t> next_context{0};
  std::atomic<bool> stopped{false};

  // Round robin over the event loops, for accepted and outgoing connections.
  boost::asio::io_context& pick_context() {
    return *contexts[next_context.fetch_add(1, std::memory_order_relaxed) % contexts.size()];
  }

  // receive_message() with the counters kept.
  Inbound receive(std::string_view bytes, const Flow& flow) {
    Inbound in = receive_message(bytes, flow, settings.limits, receiver);
    switch (in.outcome) {
      case Inbound::Outcome::Delivered:
        Counters::bump(counters.messages_received);
        break;
      case Inbound::Outcome::Answered:
        Counters::bump(counters.error_responses);
        break;
      case Inbound::Outcome::Dropped:
        Counters::bump(counters.messages_dropped);
        break;
    }
    return in;
  }
};

}  // namespace parley::transport
