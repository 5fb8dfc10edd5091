// The non-INVITE server transaction: RFC 3261 §17.2.2, Figure 8.
#pragma once

#include <memory>

#include "common/timer.hpp"
#include "transaction/transaction.hpp"

namespace parley::transaction {

class NonInviteServer final : public ServerTransaction {
 public:
  enum class State : std::uint8_t { Trying, Proceeding, Completed, Terminated };
  enum class Event : std::uint8_t {
    Request,        // a retransmission of the request
    TuProvisional,  // 1xx from the TU
    TuFinal,        // 200-699 from the TU
    TimerJ,
    TransportError,
  };

  // Enters Trying with the request. The layer hands the request to the TU; this does not.
  static std::shared_ptr<NonInviteServer> create(const Context& ctx, transport::Incoming&& request);

  State state() const { return state_; }
  bool terminated() const override { return state_ == State::Terminated; }
  std::string_view state_name() const override;
  void receive(const transport::Incoming& in) override;
  // Timer J, from the owner that took it (Owner::completed).
  void expire();
  // The response it sent last: the final one once Completed.
  const transport::Bytes& last_response() const { return last_; }

  struct Private {
    explicit Private() = default;
  };
  NonInviteServer(Private, const Context& ctx, transport::Incoming&& request);

 private:
  void on(Event e, const transport::Bytes* response = nullptr);
  void on_response(int status, const transport::Bytes& bytes) override;
  void complete(const transport::Bytes& response);
  void terminate();
  void transport_failed() override { on(Event::TransportError); }

  State state_ = State::Trying;
  transport::Bytes last_;  // the most recent response: provisional in Proceeding, final after
  Timer j_;
};

}  // namespace parley::transaction
