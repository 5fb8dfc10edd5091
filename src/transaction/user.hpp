// The transaction user (RFC 3261 §5, §17): what sits above the transaction layer — a UA core, a
// proxy core, a registrar — as the layer sees it. Everything here is called on the thread of the
// layer (the shard) that owns the transaction; answer on that same thread.
#pragma once

#include <memory>

#include "transaction/transaction.hpp"
#include "transport/types.hpp"

namespace parley::transaction {

class TransactionUser {
 public:
  virtual ~TransactionUser() = default;

  // A request that matched no transaction, with the server transaction made for it (§17.2):
  // an INVITE one in Proceeding, a non-INVITE one in Trying. Answer through tx->respond(), now
  // or later. CANCEL comes through on_cancel instead, ACK through on_ack.
  virtual void on_request(const std::shared_ptr<ServerTransaction>& tx) = 0;

  // A CANCEL (§9.2). `cancel` is its own non-INVITE server transaction (answer it 200, or 481
  // when `invite` is null); `invite` is the INVITE server transaction it names, if one matched.
  virtual void on_cancel(const std::shared_ptr<ServerTransaction>& cancel,
                         const std::shared_ptr<ServerTransaction>& invite) = 0;

  // An ACK that no transaction absorbs: the ACK for a 2xx, a transaction of its own (§17,
  // §13.3.1.4) — whether it matched nothing or an INVITE transaction in Accepted, which passes
  // ACKs up (RFC 6026 §8.7).
  virtual void on_ack(const transport::Incoming& ack) = 0;

  // A response that matched no client transaction (§17.1.3; RFC 6026 §8.9: for a UA core this is
  // typically a 2xx from another branch of a forked INVITE, after Timer M).
  virtual void on_stray_response(const transport::Incoming& response) = 0;

  // A server transaction failed: Timer H fired without an ACK (§17.2.1), or the transport could
  // not send a response (§17.2.4).
  virtual void on_failure(ServerTransaction& tx, Failure why) = 0;
};

}  // namespace parley::transaction
