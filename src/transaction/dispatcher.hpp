// Threads (STYLE.md §5, docs/architecture.md): one io_context per thread, one TransactionLayer per
// io_context (a shard), and in front of them a Dispatcher that hands each message from the
// transports to the shard owning its transaction. The shard is a hash of the top Via branch (so a
// request, its retransmissions, its ACK and CANCEL and the responses to it meet on one thread), or
// of the Call-ID for RFC 2543 peers without a branch. The hand-off is a post to the shard's
// executor (for a datagram that arrived on the shard's own thread, a direct call); nothing on the
// hot path takes a lock.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <utility>
#include <vector>

#include "message/message.hpp"
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
    // The shard's TransactionLayer (configured with LayerConfig::shard = its index here and
    // LayerConfig::shards = the number of shards), called only on `executor`.
    transport::Receiver* layer = nullptr;
  };

  explicit Dispatcher(std::vector<Shard> shards = {});
  // Adds a shard; shard i is the i-th added. All shards are added before the first message: the
  // transport needs its Receiver before the shards' layers can have their Sender.
  void add(Shard shard);

  // Called on any transport thread; reads the top Via (parsing it, once, on this thread) and posts
  // the message to its shard (a datagram already on the shard's thread: run at once,
  // asio::dispatch). Without shards, the message is dropped.
  void receive(transport::Incoming&& in) override;

  std::size_t shard_for(const message::Message& m) const;
  std::size_t size() const { return shards_.size(); }

 private:
  std::vector<Shard> shards_;
};

}  // namespace parley::transaction
