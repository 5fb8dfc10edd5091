// The non-INVITE client transaction: RFC 3261 §17.1.2, Figure 6.
#pragma once

#include <memory>

#include "common/timer.hpp"
#include "transaction/transaction.hpp"

namespace parley::transaction {

class NonInviteClient final : public ClientTransaction {
 public:
  enum class State : std::uint8_t { Trying, Proceeding, Completed, Terminated };
  enum class Event : std::uint8_t {
    Provisional,  // 1xx from the transport layer
    Final,        // 200-699
    TimerE,
    TimerF,
    TimerK,
    TransportError,
  };

  // Sends the request and enters Trying. `request` carries its top Via with the branch.
  static std::shared_ptr<NonInviteClient> start(const Context& ctx, message::Message request,
                                                transport::Flow flow, ClientCallback callback);

  State state() const { return state_; }
  bool terminated() const override { return state_ == State::Terminated; }
  std::string_view state_name() const override;
  void receive(const message::Message& response) override;

  struct Private {
    explicit Private() = default;
  };
  NonInviteClient(Private, const Context& ctx, message::Message request, transport::Flow flow,
                  ClientCallback callback);

 private:
  void begin();
  void on(Event e, const message::Message* response = nullptr);
  void retransmit(Duration next);
  void complete(const message::Message& response);
  void terminate();
  void transport_failed() override { on(Event::TransportError); }

  State state_ = State::Trying;
  Duration e_interval_{};
  Timer e_, f_, k_;
};

}  // namespace parley::transaction
