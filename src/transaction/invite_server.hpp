// The INVITE server transaction: RFC 3261 §17.2.1, Figure 7, with the Accepted state of RFC 6026
// §7.1 and §8.5-8.7 (which also makes a transport error an event the machine survives: the TU is
// told, Timer H or L still ends the transaction).
#pragma once

#include <memory>

#include "common/timer.hpp"
#include "transaction/transaction.hpp"

namespace parley::transaction {

class InviteServer final : public ServerTransaction {
 public:
  enum class State : std::uint8_t { Proceeding, Completed, Confirmed, Accepted, Terminated };
  enum class Event : std::uint8_t {
    Invite,         // a retransmission of the INVITE
    Ack,            // an ACK matched to this transaction
    TuProvisional,  // 101-199 from the TU (and 100)
    TuSuccess,      // 2xx from the TU
    TuFailure,      // 300-699 from the TU
    TryingTimer,    // 200 ms without a response from the TU: send 100 (Trying)
    TimerG,
    TimerH,
    TimerI,
    TimerL,
    TransportError,
  };

  // Enters Proceeding with the INVITE and starts the 100 (Trying) timer. The layer hands the
  // INVITE to the TU; this does not.
  static std::shared_ptr<InviteServer> create(const Context& ctx, transport::Incoming&& invite);

  State state() const { return state_; }
  bool terminated() const override { return state_ == State::Terminated; }
  std::string_view state_name() const override;
  void receive(const transport::Incoming& in) override;

  struct Private {
    explicit Private() = default;
  };
  InviteServer(Private, const Context& ctx, transport::Incoming&& invite);

 private:
  void begin();
  void on(Event e, const transport::Incoming* request = nullptr,
          const transport::Bytes* response = nullptr);
  void on_response(int status, const transport::Bytes& bytes) override;
  void terminate();
  void transport_failed() override { on(Event::TransportError); }

  State state_ = State::Proceeding;
  transport::Bytes provisional_;  // the most recent provisional response
  transport::Bytes final_;        // the 300-699 response retransmitted by Timer G
  Duration g_interval_{};
  Timer trying_, g_, h_, i_, l_;
};

}  // namespace parley::transaction
