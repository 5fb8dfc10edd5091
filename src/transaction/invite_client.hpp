// The INVITE client transaction: RFC 3261 §17.1.1, Figure 5, with the Accepted state of RFC 6026
// §7.2 and §8.4.
#pragma once

#include <memory>

#include "common/timer.hpp"
#include "transaction/transaction.hpp"

namespace parley::transaction {

class InviteClient final : public ClientTransaction {
 public:
  enum class State : std::uint8_t { Calling, Proceeding, Accepted, Completed, Terminated };
  enum class Event : std::uint8_t {
    Provisional,  // 1xx from the transport layer
    Success,      // 2xx
    Failure,      // 300-699
    TimerA,
    TimerB,
    TimerD,
    TimerM,
    TransportError,
  };

  // Sends the INVITE and enters Calling. `invite` carries its top Via with the branch.
  static std::shared_ptr<InviteClient> start(const Context& ctx, message::Message invite,
                                             transport::Flow flow, ClientCallback callback);

  State state() const { return state_; }
  bool terminated() const override { return state_ == State::Terminated; }
  std::string_view state_name() const override;
  void receive(const message::Message& response) override;
  // The ACK sent for a non-2xx final response (§17.1.1.3); null before one arrived.
  const transport::Bytes& ack() const { return ack_; }

  struct Private {
    explicit Private() = default;
  };
  InviteClient(Private, const Context& ctx, message::Message invite, transport::Flow flow,
               ClientCallback callback);

 private:
  void begin();
  void on(Event e, const message::Message* response = nullptr);
  void accept(const message::Message& response);
  void complete(const message::Message& response);
  void terminate();
  void transport_failed() override { on(Event::TransportError); }

  State state_ = State::Calling;
  Duration a_interval_{};
  Timer a_, b_, d_, m_;
  transport::Bytes ack_;
};

}  // namespace parley::transaction
