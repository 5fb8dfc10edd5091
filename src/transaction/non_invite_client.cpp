#include "transaction/non_invite_client.hpp"

#include <algorithm>

namespace parley::transaction {

using Kind = ClientEvent::Kind;

std::shared_ptr<NonInviteClient> NonInviteClient::start(const Context& ctx,
                                                        message::Message request,
                                                        transport::Flow flow,
                                                        ClientCallback callback) {
  auto tx = std::make_shared<NonInviteClient>(Private{}, ctx, std::move(request), std::move(flow),
                                              std::move(callback));
  tx->begin();
  return tx;
}

NonInviteClient::NonInviteClient(Private, const Context& ctx, message::Message request,
                                 transport::Flow flow, ClientCallback callback)
    : ClientTransaction(ctx, std::move(request), std::move(flow), std::move(callback)),
      e_(ctx.clock),
      f_(ctx.clock),
      k_(ctx.clock) {}

std::string_view NonInviteClient::state_name() const {
  switch (state_) {
    case State::Trying:
      return "Trying";
    case State::Proceeding:
      return "Proceeding";
    case State::Completed:
      return "Completed";
    case State::Terminated:
      return "Terminated";
  }
  return "";
}

void NonInviteClient::begin() {
  Step step(*this);
  // §17.1.2.2: "If an unreliable transport is in use, the client transaction MUST set timer E to
  // fire in T1 seconds"; "the client transaction MUST set timer F to fire in 64*T1 seconds".
  if (!reliable()) {
    e_interval_ = timers_.e();
    e_.start(e_interval_, [this] { on(Event::TimerE); });
  }
  f_.start(timers_.f(), [this] { on(Event::TimerF); });
  send(bytes_);
}

void NonInviteClient::receive(const message::Message& response) {
  int status = response.status();
  if (status >= 100 && status < 200)
    on(Event::Provisional, &response);
  else if (status >= 200 && status < 700)
    on(Event::Final, &response);
}

void NonInviteClient::on(Event e, const message::Message* response) {
  Step step(*this);
  switch (state_) {
    case State::Trying:
      switch (e) {
        case Event::TimerE:
          // §17.1.2.2: "timer E is reset with a value of MIN(2*T1, T2)" and so on, doubling.
          retransmit(std::min(2 * e_interval_, timers_.t2));
          return;
        case Event::TimerF:
          terminate();  // §17.1.2.2: inform the TU of the timeout
          report(Kind::Timeout);
          return;
        case Event::TransportError:
          terminate();  // §17.1.4
          report(Kind::TransportError);
          return;
        case Event::Provisional:
          state_ = State::Proceeding;
          report(Kind::Response, response);
          return;
        case Event::Final:
          complete(*response);
          return;
        default:
          return;
      }
    case State::Proceeding:
      switch (e) {
        case Event::TimerE:
          // §17.1.2.2: "If Timer E fires while in the Proceeding state, the request MUST be passed
          // to the transport layer for retransmission, and Timer E MUST be reset with a value of
          // T2 seconds."
          retransmit(timers_.t2);
          return;
        case Event::Provisional:
          report(Kind::Response, response);
          return;
        case Event::Final:
          complete(*response);
          return;
        case Event::TimerF:
          terminate();
          report(Kind::Timeout);
          return;
        case Event::TransportError:
          terminate();
          report(Kind::TransportError);
          return;
        default:
          return;
      }
    case State::Completed:
      // §17.1.2.2: response retransmissions are absorbed until Timer K fires.
      if (e == Event::TimerK) terminate();
      return;
    case State::Terminated:
      return;
  }
}

void NonInviteClient::retransmit(Duration next) {
  send(bytes_);
  e_interval_ = next;
  e_.start(e_interval_, [this] { on(Event::TimerE); });
}

void NonInviteClient::complete(const message::Message& response) {
  // §17.1.2.2: a final response goes to the TU, and the transaction waits in Completed for
  // Timer K (T4 on unreliable transports, zero on reliable ones) to absorb its retransmissions.
  e_.stop();
  f_.stop();
  state_ = State::Completed;
  Duration k = timers_.k(reliable());
  if (k > Duration::zero()) k_.start(k, [this] { on(Event::TimerK); });
  report(Kind::Response, &response);
  if (k == Duration::zero()) terminate();
}

void NonInviteClient::terminate() {
  if (state_ == State::Terminated) return;
  state_ = State::Terminated;
  e_.stop();
  f_.stop();
  k_.stop();
  finish();
}

}  // namespace parley::transaction
