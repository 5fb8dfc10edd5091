#include "transaction/non_invite_server.hpp"

namespace parley::transaction {

std::shared_ptr<NonInviteServer> NonInviteServer::create(const Context& ctx,
                                                         transport::Incoming&& request) {
  return std::make_shared<NonInviteServer>(Private{}, ctx, std::move(request));
}

NonInviteServer::NonInviteServer(Private, const Context& ctx, transport::Incoming&& request)
    : ServerTransaction(ctx, std::move(request)), j_(ctx.clock) {}

std::string_view NonInviteServer::state_name() const {
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

void NonInviteServer::receive(const transport::Incoming&) { on(Event::Request); }

void NonInviteServer::on_response(int status, const transport::Bytes& bytes) {
  if (status >= 100 && status < 200)
    on(Event::TuProvisional, &bytes);
  else if (status >= 200 && status < 700)
    on(Event::TuFinal, &bytes);
}

void NonInviteServer::on(Event e, const transport::Bytes* response) {
  Step step(*this);
  switch (state_) {
    case State::Trying:
      switch (e) {
        case Event::Request:
          return;  // §17.2.2: "any further request retransmissions are discarded"
        case Event::TuProvisional:
          state_ = State::Proceeding;
          last_ = *response;
          send(last_);
          return;
        case Event::TuFinal:
          complete(*response);
          return;
        default:
          return;
      }
    case State::Proceeding:
      switch (e) {
        case Event::Request:
          // §17.2.2: "the most recent provisional response that was received from the TU MUST be
          // passed to the transport layer for retransmission."
          send(last_);
          return;
        case Event::TuProvisional:
          last_ = *response;
          send(last_);
          return;
        case Event::TuFinal:
          complete(*response);
          return;
        case Event::TransportError:
          terminate();  // §17.2.4
          report_failure(Failure::TransportError);
          return;
        default:
          return;
      }
    case State::Completed:
      switch (e) {
        case Event::Request:
          send(last_);  // §17.2.2: the final response again
          return;
        case Event::TimerJ:
          terminate();
          return;
        case Event::TransportError:
          terminate();  // §17.2.4
          report_failure(Failure::TransportError);
          return;
        default:
          return;  // §17.2.2: later finals from the TU are discarded
      }
    case State::Terminated:
      return;
  }
}

void NonInviteServer::complete(const transport::Bytes& response) {
  // §17.2.2: send the final response and wait in Completed for Timer J (64*T1 on unreliable
  // transports, zero on reliable ones) to absorb request retransmissions; not at all for a
  // response sent once (respond_once()).
  state_ = State::Completed;
  last_ = response;
  Duration j = once_ ? Duration::zero() : timers_.j(reliable());
  send(last_);
  if (j == Duration::zero())
    terminate();
  else if (state_ == State::Completed && !(owner_ && owner_->completed(*this, j)))
    j_.start(j, [this] { on(Event::TimerJ); });
}

void NonInviteServer::expire() { on(Event::TimerJ); }

void NonInviteServer::terminate() {
  if (state_ == State::Terminated) return;
  state_ = State::Terminated;
  j_.stop();
  finish();
}

}  // namespace parley::transaction
