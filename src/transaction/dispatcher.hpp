// Threads (STYLE.md §5, docs/architecture.md): one io_context per thread, one TransactionLayer per
// io_context (a shard), and in front of them a Dispatcher that hands each message from the
// transports to the shard owning its transaction.
//
// - A response goes to the shard its top Via branch hashes to: the layers make branches that hash
//   to themselves (TransactionLayer::new_branch), so that is the client transaction's own.
// - A request goes to the shard its key (the branch, or the Call-ID for RFC 2543 peers) is owned
//   by in the ShardDirectory, and a key nobody owns yet goes to the loop it arrived on. So a new
//   request is handled where it arrived, without waking another thread, and its retransmissions,
//   its ACK and its CANCEL meet it there even when they arrive on another loop.
//
// The hand-off is a post to the shard's executor, or for a datagram that arrived on the shard's
// own thread a direct call. The directory's striped locks are the only ones on the way.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <utility>
#include <vector>

#include "message/message.hpp"
#include "transaction/directory.hpp"
#include "transport/types.hpp"

namespace parley::transaction {

// The Sender a shard's layer sends through: the transport's, with every error report posted to
// the shard's executor. The transport reports errors on any of its threads (see
// transport/transport_layer.hpp), and a transaction may only be touched on its own.
class ShardSender final : public transport::Sender {
 public:
  ShardSender(transport::Sender& transport, boost::asio::any_io_executor shard)
      : transport_(transport), shard_(std::move(shard)) {}
  void send(const transport::Flow& flow, transport::Bytes bytes, ErrorHandler on_error) override;

 private:
  transport::Sender& transport_;
  boost::asio::any_io_executor shard_;
};

class Dispatcher final : public transport::Receiver {
 public:
  struct Shard {
    boost::asio::any_io_executor executor;
    // The shard's TransactionLayer (configured with LayerConfig::shard = its index here,
    // LayerConfig::shards = the number of shards and LayerConfig::directory = directory()),
    // called only on `executor`.
    transport::Receiver* layer = nullptr;
  };

  // `directory_slots`: the size of the ShardDirectory; above the most transactions live at once.
  explicit Dispatcher(std::vector<Shard> shards = {},
                      std::size_t directory_slots = std::size_t{1} << 20);
  // Adds a shard; shard i is the i-th added. All shards are added before the first message: the
  // transport needs its Receiver before the shards' layers can have their Sender.
  void add(Shard shard);

  // Called on any transport thread; reads the top Via (parsing it, once, on this thread) and posts
  // the message to its shard (a datagram already on the shard's thread: run at once,
  // asio::dispatch). Without shards, the message is dropped.
  void receive(transport::Incoming&& in) override;

  // Where a response goes; for a request, where it would go if it arrived off every shard's
  // thread and nobody owned its key.
  std::size_t shard_for(const message::Message& m) const;
  std::size_t size() const { return shards_.size(); }
  ShardDirectory& directory() { return directory_; }

 private:
  // The shard whose thread this is, or size() when none is.
  std::size_t current_shard() const;
  template <typename Handler>
  void deliver(const Shard& shard, bool datagram, Handler&& handler);

  std::vector<Shard> shards_;
  ShardDirectory directory_;
};

}  // namespace parley::transaction
