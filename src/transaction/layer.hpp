// The transaction layer (RFC 3261 §17): the table of live transactions, matching of incoming
// messages to them (§17.1.3, §17.2.3, §9.2), and the API the transaction user sends requests
// through.
//
// One TransactionLayer serves one thread (STYLE.md §5): it takes no locks. A process with several
// event loops runs one layer per loop and a Dispatcher (dispatcher.hpp) in front of them.
//
// Limits (STYLE.md §4): at most `max_transactions` live transactions, client and server together.
// A new request beyond that is answered 503 (Service Unavailable) with Retry-After, statelessly
// (§21.5.4); retransmissions, ACKs, responses to live transactions and a CANCEL of a live INVITE
// transaction still get through, so the transactions already running finish normally.
// send_request() fails with status 503.
#pragma once

#include <absl/container/flat_hash_set.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/timer.hpp"
#include "message/message.hpp"
#include "transaction/branch.hpp"
#include "transaction/directory.hpp"
#include "transaction/key.hpp"
#include "transaction/timers.hpp"
#include "transaction/transaction.hpp"
#include "transaction/user.hpp"
#include "transport/types.hpp"

namespace parley::transaction {

// The live transactions of several layers together (the shards of one process), so that
// max_transactions bounds the process whichever shard the load falls on: a request is handled on
// the loop it arrived on, and one peer's requests all arrive on one.
struct LiveCount {
  std::atomic<std::size_t> transactions{0};
};

struct LayerConfig {
  Timers timers{};
  // transaction.max_transactions: live transactions, client and server, of this layer, or of
  // every layer sharing `live` when it is set.
  std::size_t max_transactions = 100000;
  LiveCount* live = nullptr;
  // transaction.retry_after: the Retry-After of the 503 sent when the table is full.
  std::chrono::seconds retry_after{5};
  // This layer's place among the shards of a process: the branches it makes hash to `shard`, so
  // that the responses to its client transactions come back to it (see dispatcher.hpp).
  std::size_t shard = 0;
  std::size_t shards = 1;
  // With several shards, the Dispatcher's: each server transaction pins its key there, to this
  // shard, for as long as it lives (directory.hpp).
  ShardDirectory* directory = nullptr;
};

// Why send_request() made no transaction.
struct SendError {
  int status = 400;  // 503 when the table is full; 400 for a request that cannot be sent as given
  std::string what;
};

class TransactionLayer final : public transport::Receiver, private Owner {
 public:
  TransactionLayer(TimerService& clock, transport::Sender& sender, TransactionUser& user,
                   LayerConfig config = {});
  ~TransactionLayer() override;
  TransactionLayer(const TransactionLayer&) = delete;
  TransactionLayer& operator=(const TransactionLayer&) = delete;

  // From the transport layer: a response goes to its client transaction or to the TU as stray; a
  // request to its server transaction, or to the TU with a new one (see TransactionUser).
  void receive(transport::Incoming&& in) override;

  // Starts a client transaction for `request` (any method but ACK, which is never a transaction:
  // the TU sends the ACK for a 2xx through the Sender itself) and sends it along `flow`. A top Via
  // without a branch gets one from new_branch(); a request that brings its own branch (a CANCEL
  // reuses its INVITE's, §9.1) must be sent from the shard that branch belongs to. `callback`
  // hears every response and the end of the transaction (Timeout, TransportError); it may run
  // before send_request returns when the transport fails at once.
  Result<std::shared_ptr<ClientTransaction>, SendError> send_request(message::Message request,
                                                                     transport::Flow flow,
                                                                     ClientCallback callback);

  // A fresh branch (§8.1.1.7) that shards to this layer.
  std::string new_branch();

  // Live transactions: those in the table and the Completed ones reduced to their response.
  std::size_t size() const { return table_.size() + echoes_.size(); }
  // Whether max_transactions is reached: this layer's, or all the layers' sharing
  // LayerConfig::live.
  bool full() const;
  const LayerConfig& config() const { return config_; }

  struct Counters {
    std::uint64_t requests = 0;         // new server transactions
    std::uint64_t retransmissions = 0;  // requests absorbed by or passed to a live transaction
    std::uint64_t responses = 0;        // responses matched to a client transaction
    std::uint64_t stray_responses = 0;
    std::uint64_t acks_to_tu = 0;  // ACKs that matched no transaction
    std::uint64_t rejected_full = 0;
    std::uint64_t malformed = 0;
    std::uint64_t echoes = 0;  // Completed transactions reduced to their response (reduce())
  };
  const Counters& counters() const { return counters_; }

 private:
  // A non-INVITE server transaction in Completed over an unreliable transport, waiting for Timer
  // J (§17.2.2), in the order they completed: Timer J is the same for every one, so one timer for
  // the front of the queue does for all. While its TU holds it, or until the layer next looks,
  // the transaction stays whole; after that all it ever does is answer a retransmission of its
  // request with its final response, so the layer keeps only that (an echo: key, response, flow)
  // and lets the transaction go. At a registrar's rate a few hundred thousand transactions wait
  // out Timer J; an echo is a fifth of the memory of the transaction it replaces, and its
  // expiry walks the queue in order instead of a timer heap (docs/performance.md).
  struct Lingering {
    TimePoint expires;
    std::uint64_t serial = 0;              // the n-th to complete: how a send error finds it
    std::weak_ptr<NonInviteServer> whole;  // until reduced
    // Reduced, and filed in echoes_: the fields below, until it is forgotten.
    Key key;  // views into `text`
    std::string text;
    transport::Bytes response;
    transport::Flow flow;
    bool echo() const { return response != nullptr; }
  };

  void terminated(Transaction& t) override;
  bool completed(NonInviteServer& t, Duration j) override;
  // Reduces to echoes the transactions completed since the last call that nobody but the table
  // holds any more.
  void reduce();
  // Timer J of the queue's front, and of every one behind it that is due.
  void expire_lingering();
  // An echo leaves: Timer J, or its response could not be sent (§17.2.4).
  void forget(Lingering& e);
  void echo(Lingering& e);
  // A live transaction or echo is gone: out of LayerConfig::live, and its key's pin unpinned.
  void left(const Key& k);
  // Puts a new transaction in the table (and in LayerConfig::live).
  void file(const std::shared_ptr<Transaction>& tx);
  void receive_request(transport::Incoming& in);
  void receive_response(transport::Incoming& in);
  // The transaction a request belongs to, if any (§17.2.3, with the RFC 2543 checks that a hash
  // cannot do). `collision` is set when an RFC 2543 transaction holds the key but does not match.
  std::shared_ptr<ServerTransaction> match(const message::Message& request, const Key& key,
                                           bool* collision = nullptr) const;
  void reply(const transport::Incoming& in, int status, std::string_view reason = {},
             bool retry_after = false);

  LayerConfig config_;
  TimerService& clock_;
  transport::Sender& sender_;
  TransactionUser& user_;
  Context context_;
  BranchGenerator branches_;
  // The table: the transactions themselves in a flat hash set (Abseil's Swiss table), each known
  // by its own key_ (views into its own copy of the request), found by a Key or, when it leaves,
  // by its address. A lookup that finds nothing reads one group of control bytes, where a node
  // map chased a bucket and a list through memory gone cold: at a registrar's rate the table
  // holds hundreds of thousands of transactions (Timer J), and those misses were a tenth of the
  // CPU per REGISTER (docs/performance.md).
  struct TableHash {
    using is_transparent = void;
    std::size_t operator()(const std::shared_ptr<Transaction>& t) const noexcept {
      return t->key().hash;
    }
    std::size_t operator()(const Transaction* t) const noexcept { return t->key().hash; }
    std::size_t operator()(const Key& k) const noexcept { return k.hash; }
  };
  struct TableEq {
    using is_transparent = void;
    bool operator()(const std::shared_ptr<Transaction>& a,
                    const std::shared_ptr<Transaction>& b) const {
      return a->key() == b->key();
    }
    bool operator()(const std::shared_ptr<Transaction>& a, const Key& k) const {
      return a->key() == k;
    }
    bool operator()(const std::shared_ptr<Transaction>& a, const Transaction* t) const {
      return a.get() == t;
    }
  };
  absl::flat_hash_set<std::shared_ptr<Transaction>, TableHash, TableEq> table_;

  // Every Lingering, oldest first (a deque: its elements never move, echoes_ points at them).
  std::deque<Lingering> lingering_;
  std::uint64_t lingering_serial_ = 0;  // serial of lingering_.front(), when there is one
  std::size_t fresh_ = 0;  // the newest in lingering_, completed since the last reduce()
  Timer timer_j_;
  struct EchoHash {
    using is_transparent = void;
    std::size_t operator()(const Lingering* e) const noexcept { return e->key.hash; }
    std::size_t operator()(const Key& k) const noexcept { return k.hash; }
  };
  struct EchoEq {
    using is_transparent = void;
    bool operator()(const Lingering* a, const Lingering* b) const { return a == b; }
    bool operator()(const Lingering* a, const Key& k) const { return a->key == k; }
  };
  absl::flat_hash_set<Lingering*, EchoHash, EchoEq> echoes_;
  // Held by every send error handler of an echo, which may run after the layer is gone.
  std::shared_ptr<TransactionLayer*> self_ = std::make_shared<TransactionLayer*>(this);
  Counters counters_;
};

}  // namespace parley::transaction
