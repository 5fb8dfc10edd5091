#include "transaction/invite_client.hpp"

#include "transaction/ack.hpp"

namespace parley::transaction {

using Kind = ClientEvent::Kind;

std::shared_ptr<InviteClient> InviteClient::start(const Context& ctx, message::Message invite,
                                                  transport::Flow flow, ClientCallback callback) {
  auto tx = std::make_shared<InviteClient>(Private{}, ctx, std::move(invite), std::move(flow),
                                           std::move(callback));
  tx->begin();
  return tx;
}

InviteClient::InviteClient(Private, const Context& ctx, message::Message invite,
                           transport::Flow flow, ClientCallback callback)
    : ClientTransaction(ctx, std::move(invite), std::move(flow), std::move(callback)),
      a_(ctx.clock),
      b_(ctx.clock),
      d_(ctx.clock),
      m_(ctx.clock) {}

std::string_view InviteClient::state_name() const {
  switch (state_) {
    case State::Calling:
      return "Calling";
    case State::Proceeding:
      return "Proceeding";
    case State::Accepted:
      return "Accepted";
    case State::Completed:
      return "Completed";
    case State::Terminated:
      return "Terminated";
  }
  return "";
}

void InviteClient::begin() {
  Step step(*this);
  // §17.1.1.2: "If an unreliable transport is being used, the client transaction MUST start timer
  // A with a value of T1 ... For any transport, the client transaction MUST start timer B with a
  // value of 64*T1 seconds."
  if (!reliable()) {
    a_interval_ = timers_.a();
    a_.start(a_interval_, [this] { on(Event::TimerA); });
  }
  b_.start(timers_.b(), [this] { on(Event::TimerB); });
  send(bytes_);
}

void InviteClient::receive(const message::Message& response) {
  int status = response.status();
  if (status >= 100 && status < 200)
    on(Event::Provisional, &response);
  else if (status >= 200 && status < 300)
    on(Event::Success, &response);
  else if (status >= 300 && status < 700)
    on(Event::Failure, &response);
}

void InviteClient::on(Event e, const message::Message* response) {
  Step step(*this);
  switch (state_) {
    case State::Calling:
      switch (e) {
        case Event::TimerA:
          // §17.1.1.2: retransmit and reset A to twice its value; no T2 cap for INVITE.
          send(bytes_);
          a_interval_ *= 2;
          a_.start(a_interval_, [this] { on(Event::TimerA); });
          return;
        case Event::TimerB:
          // §17.1.1.2: "the client transaction SHOULD inform the TU that a timeout has occurred.
          // The client transaction MUST NOT generate an ACK."
          terminate();
          report(Kind::Timeout);
          return;
        case Event::TransportError:
          terminate();  // §17.1.4
          report(Kind::TransportError);
          return;
        case Event::Provisional:
          // §17.1.1.2: "In the Proceeding state, the client transaction SHOULD NOT retransmit the
          // request any longer"; Timer B guards only Calling.
          a_.stop();
          b_.stop();
          state_ = State::Proceeding;
          report(Kind::Response, response);
          return;
        case Event::Success:
          accept(*response);
          return;
        case Event::Failure:
          complete(*response);
          return;
        default:
          return;
      }
    case State::Proceeding:
      switch (e) {
        case Event::Provisional:
          report(Kind::Response, response);
          return;
        case Event::Success:
          accept(*response);
          return;
        case Event::Failure:
          complete(*response);
          return;
        case Event::TransportError:
          // Not drawn in Figure 5, but §17.1.4 applies to every failure the transport reports
          // (a TCP connection reset while waiting for the final response).
          terminate();
          report(Kind::TransportError);
          return;
        default:
          return;
      }
    case State::Accepted:
      switch (e) {
        case Event::Success:
          // RFC 6026 §8.4: "any 2xx response received MUST be passed to the TU"; the TU ACKs it.
          report(Kind::Response, response);
          return;
        case Event::TimerM:
          terminate();
          return;
        default:
          return;  // 1xx and non-2xx finals after a 2xx are dropped
      }
    case State::Completed:
      switch (e) {
        case Event::Failure:
          // §17.1.1.2: "Any retransmissions of the final response that are received while in the
          // Completed state MUST cause the ACK to be re-passed to the transport layer ... but the
          // newly received response MUST NOT be passed up to the TU."
          send(ack_);
          return;
        case Event::TransportError:
          terminate();
          report(Kind::TransportError);
          return;
        case Event::TimerD:
          terminate();
          return;
        default:
          return;
      }
    case State::Terminated:
      return;
  }
}

void InviteClient::accept(const message::Message& response) {
  // RFC 6026 §8.4: a 2xx moves Calling or Proceeding to Accepted and starts Timer M (64*T1).
  a_.stop();
  b_.stop();
  state_ = State::Accepted;
  m_.start(timers_.m(), [this] { on(Event::TimerM); });
  report(Kind::Response, &response);
}

void InviteClient::complete(const message::Message& response) {
  // §17.1.1.2: on 300-699, send the ACK, pass the response up and enter Completed with Timer D
  // (at least 32 s on unreliable transports, zero on reliable ones).
  a_.stop();
  b_.stop();
  state_ = State::Completed;
  ack_ = transport::make_bytes(build_ack(request_, response));
  Duration d = timers_.d(reliable());
  if (d > Duration::zero()) d_.start(d, [this] { on(Event::TimerD); });
  send(ack_);
  report(Kind::Response, &response);
  if (d == Duration::zero()) terminate();
}

void InviteClient::terminate() {
  if (state_ == State::Terminated) return;
  state_ = State::Terminated;
  a_.stop();
  b_.stop();
  d_.stop();
  m_.stop();
  finish();
}

}  // namespace parley::transaction
