// The transaction user of `parley serve` (RFC 3261 §5): one per shard, called on the shard's
// thread by its TransactionLayer, answering there. REGISTER goes to the registrar; OPTIONS is
// answered with the server's capabilities (§11.2); CANCEL per §9.2; every other method gets 405
// with Allow (§8.2.1) until the proxy core joins. Malformed requests never get here: the
// transaction layer answers them 400 with the problem in the reason phrase (message/validate.hpp),
// and the registrar does the same for the headers only it reads (Contact, Expires, Path, ...).
//
// Each transaction is logged on one line at info level when it is answered.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "registrar/registrar.hpp"
#include "transaction/user.hpp"

namespace parley::registrar {

// The methods the server answers, for Allow.
inline constexpr std::string_view kAllow = "REGISTER, OPTIONS, CANCEL, ACK";

class ServerCore final : public transaction::TransactionUser {
 public:
  // `draining` (shared by every shard) set: new requests get 503 with Retry-After while those in
  // flight finish (graceful shutdown).
  ServerCore(Registrar& registrar, const std::atomic<bool>& draining);

  void on_request(const std::shared_ptr<transaction::ServerTransaction>& tx) override;
  void on_cancel(const std::shared_ptr<transaction::ServerTransaction>& cancel,
                 const std::shared_ptr<transaction::ServerTransaction>& invite) override;
  void on_ack(const transport::Incoming& ack) override;
  void on_stray_response(const transport::Incoming& response) override;
  void on_failure(transaction::ServerTransaction& tx, transaction::Failure why) override;

  // Requests waiting for an answer (the registrar's, waiting for the store).
  std::size_t in_flight() const { return registrar_.in_flight(); }

 private:
  void answer(const std::shared_ptr<transaction::ServerTransaction>& tx, int status,
              std::string response, std::chrono::steady_clock::time_point started);

  Registrar& registrar_;
  const std::atomic<bool>& draining_;
};

}  // namespace parley::registrar
