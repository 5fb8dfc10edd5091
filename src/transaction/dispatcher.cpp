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
  const Shard& shard = shards_[shard_for(in.message)];
  // Already on the shard's thread (one loop, or the datagram landed on its owner's socket): run
  // the layer now rather than queue a handler; the transport calls its Receiver from a completion
  // handler, never from inside send(), so this does not nest inside the layer.
  boost::asio::dispatch(shard.executor, [layer = shard.layer, in = std::move(in)]() mutable {
    layer->receive(std::move(in));
  });
}

}  // namespace parley::transaction
