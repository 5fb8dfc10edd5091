#include "transport/transport_layer.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <stdexcept>

#include "transport/connection.hpp"
#include "transport/core.hpp"
#include "transport/listener.hpp"
#include "transport/stream_transports.hpp"
#include "transport/tls_context.hpp"

namespace parley::transport {

TransportLayer::TransportLayer(std::vector<boost::asio::io_context*> loops, Settings settings,
                               Receiver& receiver) {
  if (loops.empty()) throw std::invalid_argument("TransportLayer needs at least one event loop");
  core_ = std::make_shared<Core>(std::move(settings), receiver, std::move(loops));
}

TransportLayer::~TransportLayer() { stop(); }

void TransportLayer::start() {
  if (started_) return;
  const Settings& s = core_->settings;
  try {
    bool tls_listener = false;
    for (const ListenSpec& spec : s.listen) tls_listener = tls_listener || is_secure(spec.protocol);
    if (tls_listener) core_->tls_server = make_tls_server_context(s.tls);
    core_->tls_client = make_tls_client_context(s.tls);
    for (const ListenSpec& spec : s.listen) {
      if (spec.protocol == Protocol::Udp) {
        udp_.push_back(std::make_unique<UdpTransport>(core_, spec));
      } else {
        // Acceptors spread over the loops; what they accept is spread again, round robin.
        auto& io = *core_->contexts[stream_listeners_.size() % core_->contexts.size()];
        stream_listeners_.push_back(std::make_shared<StreamListener>(core_, io, spec));
      }
    }
  } catch (...) {
    udp_.clear();
    stream_listeners_.clear();
    throw;
  }
  for (auto& u : udp_) u->start();
  for (auto& l : stream_listeners_) l->start();
  started_ = true;
}

void TransportLayer::stop() {
  if (core_->stopped.exchange(true)) return;
  for (auto& u : udp_) u->stop();
  for (auto& l : stream_listeners_) l->stop();
  for (auto& c : core_->table.all()) c->abort("transport layer stopped");
}

std::size_t TransportLayer::udp_receive_buffer() const {
  return udp_.empty() ? 0 : udp_.front()->receive_buffer();
}

std::vector<ListenSpec> TransportLayer::listening() const {
  std::vector<ListenSpec> out;
  for (const auto& u : udp_) out.push_back(u->bound());
  for (const auto& l : stream_listeners_) out.push_back(l->bound());
  return out;
}

std::optional<Endpoint> TransportLayer::local_endpoint(Protocol protocol, bool ipv6) const {
  for (const ListenSpec& spec : listening())
    if (spec.protocol == protocol && spec.endpoint.address.is_v6() == ipv6) return spec.endpoint;
  return std::nullopt;
}

void TransportLayer::fail_later(ErrorHandler on_error, std::string why) {
  if (!on_error) return;
  Counters::bump(core_->counters.send_failures);
  boost::asio::post(core_->pick_context(), [h = std::move(on_error), why = std::move(why)] {
    try {
      h(why);
    } catch (...) {
      // An error handler that throws must not take the event loop down with it.
    }
  });
}

void TransportLayer::send(const Flow& flow, Bytes bytes, ErrorHandler on_error) {
  send(flow, std::move(bytes), std::move(on_error), std::string());
}

void TransportLayer::send(const Flow& flow, Bytes bytes, ErrorHandler on_error,
                          std::string server_name) {
  if (!bytes) return;
  if (core_->stopped.load() || !started_)
    return fail_later(std::move(on_error), "transport layer not running");

  if (flow.protocol == Protocol::Udp) {
    const bool v6 = flow.remote.address.is_v6();
    UdpTransport* best = nullptr;
    int best_score = -1;
    for (auto& u : udp_) {
      const Endpoint& at = u->bound().endpoint;
      if (at.address.is_v6() != v6) continue;
      // The socket the request came in on, then one on its port, then any of the family.
      int score = at == flow.local ? 3 : (at.port == flow.local.port ? 2 : 1);
      if (score > best_score) best = u.get(), best_score = score;
    }
    if (!best)
      return fail_later(std::move(on_error),
                        "no UDP listener for " + flow.remote.to_string() + "'s address family");
    return best->send(flow.remote, std::move(bytes), std::move(on_error));
  }

  // RFC 3261 §18.2.2: the connection the request came on, while it is open; §18.1.1: an open
  // connection to the same place; else a new one.
  std::shared_ptr<Connection> c;
  if (flow.connection != 0) c = core_->table.find(flow.connection);
  if (!c) c = core_->table.find(flow.protocol, flow.remote);
  if (!c) {
    if (flow.remote.port == 0 || flow.remote.address.is_unspecified())
      return fail_later(std::move(on_error), "no address to connect to");
    bool created = false;
    boost::asio::io_context& io = core_->pick_context();
    c = core_->table.find_or_add(
        flow.protocol, flow.remote,
        [&] {
          return make_outgoing_connection(core_, io, flow.protocol, flow.remote, server_name);
        },
        created);
    if (!c) return fail_later(std::move(on_error), "connection limit reached");
    if (created) {
      // Queue first, then start: both hop onto the connection's loop in this order, so a connect
      // that fails at once still finds the message waiting and reports it.
      Counters::bump(core_->counters.connections_opened);
      c->send(std::move(bytes), std::move(on_error));
      c->start();
      return;
    }
  }
  c->send(std::move(bytes), std::move(on_error));
}

void TransportLayer::close(ConnectionId id) {
  if (auto c = core_->table.find(id)) c->close("closed by the layer above");
}

std::size_t TransportLayer::connection_count() const { return core_->table.size(); }

TransportStats TransportLayer::stats() const { return core_->counters.snapshot(); }

}  // namespace parley::transport
