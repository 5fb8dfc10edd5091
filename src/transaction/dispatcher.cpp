#include "transaction/dispatcher.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <stdexcept>
#include <string>
#include <utility>

#include "transaction/key.hpp"

namespace parley::transaction {

void ShardSender::send(const transport::Flow& flow, transport::Bytes bytes, ErrorHandler on_error) {
  if (!on_error) return transport_.send(flow, std::move(bytes));
  transport_.send(flow, std::move(bytes),
                  [shard = shard_, handler = std::move(on_error)](std::string_view why) {
                    boost::asio::post(shard, [handler, why = std::string(why)] { handler(why); });
                  });
}

Dispatcher::Dispatcher(std::vector<Shard> shards) {
  for (Shard& s : shards) add(std::move(s));
}

void Dispatcher::add(Shard shard) {
  if (!shard.layer) throw std::invalid_argument("Dispatcher: a shard without a layer");
  shards_.push_back(std::move(shard));
}

std::size_t Dispatcher::shard_for(const message::Message& m) const {
  return shard_of(shard_key(m), shards_.size());
}

void Dispatcher::receive(transport::Incoming&& in) {
  if (shards_.empty()) return;
  const Shard& shard = shards_.size() == 1 ? shards_.front() : shards_[shard_for(in.message)];
  const bool datagram = in.flow.protocol == transport::Protocol::Udp;
  auto deliver = [layer = shard.layer, in = std::move(in)]() mutable {
    layer->receive(std::move(in));
  };
  // A datagram that arrived on its shard's own loop (always, with one loop) is handed over by a
  // direct call (asio::dispatch), no queued handler: the UDP receive handler does nothing after
  // delivering but wait for the next datagram. Stream input keeps the post, so that the layer
  // never runs inside a connection's read loop.
  if (datagram)
    boost::asio::dispatch(shard.executor, std::move(deliver));
  else
    boost::asio::post(shard.executor, std::move(deliver));
}

}  // namespace parley::transaction
