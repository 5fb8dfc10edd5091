#include "transaction/dispatcher.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
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

Dispatcher::Dispatcher(std::vector<Shard> shards, std::size_t directory_slots)
    : directory_(directory_slots) {
  for (Shard& s : shards) add(std::move(s));
}

void Dispatcher::add(Shard shard) {
  if (!shard.layer) throw std::invalid_argument("Dispatcher: a shard without a layer");
  if (shards_.size() == 255) throw std::invalid_argument("Dispatcher: at most 255 shards");
  shards_.push_back(std::move(shard));
}

std::size_t Dispatcher::shard_for(const message::Message& m) const {
  return shard_of(shard_key(m), shards_.size());
}

template <typename Handler>
void Dispatcher::deliver(const Shard& shard, bool datagram, Handler&& handler) {
  // A datagram that arrived on its shard's own loop (always, with one loop) is handed over by a
  // direct call (asio::dispatch), no queued handler: the UDP receive handler does nothing after
  // delivering but wait for the next datagram. Stream input keeps the post, so that the layer
  // never runs inside a connection's read loop.
  if (datagram)
    boost::asio::dispatch(shard.executor, std::forward<Handler>(handler));
  else
    boost::asio::post(shard.executor, std::forward<Handler>(handler));
}

std::size_t Dispatcher::current_shard() const {
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    const auto* ex = shards_[i].executor.target<boost::asio::io_context::executor_type>();
    if (ex && ex->running_in_this_thread()) return i;
  }
  return shards_.size();
}

void Dispatcher::receive(transport::Incoming&& in) {
  if (shards_.empty()) return;
  const bool datagram = in.flow.protocol == transport::Protocol::Udp;
  if (shards_.size() == 1 || in.message.is_response()) {
    const Shard& shard = shards_.size() == 1 ? shards_.front() : shards_[shard_for(in.message)];
    deliver(shard, datagram,
            [layer = shard.layer, in = std::move(in)]() mutable { layer->receive(std::move(in)); });
    return;
  }
  // The pin holds the key's owner in place until the layer has made the transaction (which pins
  // it for itself) or has found there is none to make.
  const std::uint64_t key = hash_bytes(shard_key(in.message));
  std::size_t arrival = current_shard();
  if (arrival == shards_.size()) arrival = key % shards_.size();  // shard_for(), hashed already
  const Shard& shard = shards_[directory_.pin(key, arrival)];
  deliver(shard, datagram, [this, key, layer = shard.layer, in = std::move(in)]() mutable {
    layer->receive(std::move(in));
    directory_.unpin(key);
  });
}

}  // namespace parley::transaction
