#include "transaction/invite_server.hpp"

#include <algorithm>

#include "message/builder.hpp"
#include "transaction/user.hpp"

namespace parley::transaction {

std::shared_ptr<InviteServer> InviteServer::create(const Context& ctx,
                                                   transport::Incoming&& invite) {
  auto tx = std::make_shared<InviteServer>(Private{}, ctx, std::move(invite));
  tx->begin();
  return tx;
}

InviteServer::InviteServer(Private, const Context& ctx, transport::Incoming&& invite)
    : ServerTransaction(ctx, std::move(invite)),
      trying_(ctx.clock),
      g_(ctx.clock),
      h_(ctx.clock),
      i_(ctx.clock),
      l_(ctx.clock) {}

std::string_view InviteServer::state_name() const {
  switch (state_) {
    case State::Proceeding:
      return "Proceeding";
    case State::Completed:
      return "Completed";
    case State::Confirmed:
      return "Confirmed";
    case State::Accepted:
      return "Accepted";
    case State::Terminated:
      return "Terminated";
  }
  return "";
}

void InviteServer::begin() {
  // §17.2.1: "The server transaction MUST generate a 100 (Trying) response unless it knows that the
  // TU will generate a provisional or final response within 200 ms".
  trying_.start(timers_.trying, [this] { on(Event::TryingTimer); });
}

void InviteServer::receive(const transport::Incoming& in) {
  switch (in.message.method()) {
    case message::Method::Invite:
      return on(Event::Invite, &in);
    case message::Method::Ack:
      return on(Event::Ack, &in);
    default:
      return;
  }
}

void InviteServer::on_response(int status, const transport::Bytes& bytes) {
  if (status >= 100 && status < 200)
    on(Event::TuProvisional, nullptr, &bytes);
  else if (status >= 200 && status < 300)
    on(Event::TuSuccess, nullptr, &bytes);
  else if (status >= 300 && status < 700)
    on(Event::TuFailure, nullptr, &bytes);
}

void InviteServer::on(Event e, const transport::Incoming* request,
                      const transport::Bytes* response) {
  Step step(*this);
  switch (state_) {
    case State::Proceeding:
      switch (e) {
        case Event::Invite:
          // §17.2.1: "If a request retransmission is received while in the Proceeding state, the
          // most recent provisional response that was received from the TU MUST be passed to the
          // transport layer for retransmission."
          if (provisional_) send(provisional_);
          return;
        case Event::TryingTimer: {
          // §17.2.1: the 100 (Trying) follows §8.2.6 but gets no To tag.
          provisional_ = transport::make_bytes(
              message::response_to(ServerTransaction::request(), 100).finish());
          send(provisional_);
          return;
        }
        case Event::TuProvisional:
          // §17.2.1: provisional responses are sent, not retransmitted, and change no state.
          trying_.stop();
          provisional_ = *response;
          send(provisional_);
          return;
        case Event::TuSuccess:
          // RFC 6026 §8.5: send the 2xx and enter Accepted with Timer L; 2xx retransmissions are
          // the TU's (§13.3.1.4).
          trying_.stop();
          state_ = State::Accepted;
          l_.start(timers_.l(), [this] { on(Event::TimerL); });
          send(*response);
          return;
        case Event::TuFailure:
          trying_.stop();
          if (once_) {
            // respond_once(): sent once, and the ACK, when it comes, matches nothing (§8.2.7: "A
            // stateless UAS MUST ignore ACK requests").
            send(*response);
            terminate();
            return;
          }
          // §17.2.1: send the final response, enter Completed; Timer G (unreliable transports only)
          // retransmits it, Timer H bounds the wait for the ACK.
          state_ = State::Completed;
          final_ = *response;
          if (!reliable()) {
            g_interval_ = timers_.g();
            g_.start(g_interval_, [this] { on(Event::TimerG); });
          }
          h_.start(timers_.h(), [this] { on(Event::TimerH); });
          send(final_);
          return;
        case Event::TransportError:
          report_failure(Failure::TransportError);  // RFC 6026 Figure 7: stay, inform the TU
          return;
        default:
          return;  // an ACK before any final response has nothing to acknowledge
      }
    case State::Completed:
      switch (e) {
        case Event::Invite:
          send(final_);  // §17.2.1: a retransmitted INVITE gets the final response again
          return;
        case Event::TimerG:
          // §17.2.1: retransmit; G doubles up to T2.
          send(final_);
          g_interval_ = std::min(2 * g_interval_, timers_.t2);
          g_.start(g_interval_, [this] { on(Event::TimerG); });
          return;
        case Event::Ack: {
          // §17.2.1: the ACK moves Completed to Confirmed; Timer I (T4 unreliable, zero reliable)
          // absorbs its retransmissions.
          g_.stop();
          h_.stop();
          state_ = State::Confirmed;
          Duration i = timers_.i(reliable());
          if (i > Duration::zero())
            i_.start(i, [this] { on(Event::TimerI); });
          else
            terminate();
          return;
        }
        case Event::TimerH:
          // §17.2.1: "it implies that the ACK was never received ... MUST indicate to the TU that a
          // transaction failure has occurred."
          terminate();
          report_failure(Failure::Timeout);
          return;
        case Event::TransportError:
          report_failure(Failure::TransportError);  // RFC 6026 Figure 7: stay in Completed
          return;
        default:
          return;
      }
    case State::Confirmed:
      // §17.2.1: ACKs and INVITEs are absorbed until Timer I fires.
      if (e == Event::TimerI) terminate();
      return;
    case State::Accepted:
      switch (e) {
        case Event::Invite:
          return;  // RFC 6026 §8.7: absorbed, not passed to the TU
        case Event::Ack:
          // RFC 6026 §8.7: "Any ACKs received from the network while in the Accepted state MUST
          // be passed directly to the TU and not absorbed."
          if (user_) user_->on_ack(*request);
          return;
        case Event::TuSuccess:
          // RFC 6026 §8.7: 2xx retransmissions from the TU are sent; the transaction generates
          // none of its own.
          send(*response);
          return;
        case Event::TimerL:
          terminate();
          return;
        case Event::TransportError:
          report_failure(Failure::TransportError);
          return;
        default:
          return;
      }
    case State::Terminated:
      return;
  }
}

void InviteServer::terminate() {
  if (state_ == State::Terminated) return;
  state_ = State::Terminated;
  trying_.stop();
  g_.stop();
  h_.stop();
  i_.stop();
  l_.stop();
  finish();
}

}  // namespace parley::transaction
