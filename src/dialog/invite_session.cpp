#include "dialog/invite_session.hpp"

#include <algorithm>
#include <cstdio>

#include "message/builder.hpp"

namespace parley::dialog {

using message::HeaderId;
using message::Message;
using message::MessageBuilder;
using transaction::ClientEvent;
using transaction::ServerTransaction;

namespace {

std::string hex(std::uint64_t v, int digits) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%0*llx", digits, static_cast<unsigned long long>(v));
  return buf;
}

std::optional<Message> parse(std::string text) {
  auto m = Message::parse(text);
  if (!m) return std::nullopt;
  return std::move(*m);
}

std::uint32_t cseq_of(const Message& m) {
  const auto& c = m.cseq();
  return c ? c->number : 0;
}

std::string to_tag_of(const Message& m) {
  const auto& to = m.to();
  return to ? std::string(to->tag().value_or("")) : std::string();
}

bool is_sdp(const Message& m) {
  auto type = m.header("Content-Type");
  if (!type || m.body().empty()) return false;
  std::string t(*type);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  return t.rfind("application/sdp", 0) == 0;
}

// A response of the UAS that makes or confirms a dialog: §12.1.1 "the UAS MUST copy all
// Record-Route header field values from the request into the response".
MessageBuilder dialog_response(const Message& request, int status, std::string_view to_tag) {
  auto b = message::response_to(request, status, {}, to_tag);
  for (const auto& f : request.fields())
    if (f.id == HeaderId::RecordRoute) b.header(HeaderId::RecordRoute, f.value);
  return b;
}

}  // namespace

InviteSession::InviteSession(Private, SessionServices& services, Role role)
    : s_(services),
      role_(role),
      random_(std::random_device{}()),
      retransmit_timer_(services.clock),
      give_up_timer_(services.clock),
      glare_timer_(services.clock) {
  session_id_ = random_() % 1000000000000ULL;
  sdp_version_ = 1;
}

std::string InviteSession::new_tag() { return hex(random_(), 16); }

std::string InviteSession::via_for(const transport::Flow& flow) {
  return s_.via(flow) + ";branch=" + s_.layer.new_branch() + ";rport";
}

Dialog* InviteSession::current() {
  if (dialog_) return &*dialog_;
  if (!early_.empty()) return &early_.rbegin()->second;
  return nullptr;
}

const Dialog* InviteSession::dialog() const { return const_cast<InviteSession*>(this)->current(); }

// ---------------------------------------------------------------------------------------- UAC

std::shared_ptr<InviteSession> InviteSession::call(SessionServices& services, Events events,
                                                   std::string_view target, std::string_view from,
                                                   std::string* error) {
  auto flow = services.flow_to(target);
  if (!flow) {
    if (error) *error = "cannot reach " + std::string(target);
    return nullptr;
  }
  auto session = std::make_shared<InviteSession>(Private{}, services, Role::Uac);
  session->events_ = std::move(events);
  session->call_id_ = hex(session->random_(), 16) + "@parley";
  session->local_tag_ = session->new_tag();
  // §8.1.1: Request-URI, To, From, Call-ID, CSeq, Max-Forwards, Via; §8.1.1.8 Contact.
  auto b = MessageBuilder::request("INVITE", target);
  b.header(HeaderId::Via, session->via_for(*flow));
  b.header(HeaderId::MaxForwards, "70");
  b.header(HeaderId::From, std::string(from) + ";tag=" + session->local_tag_);
  b.header(HeaderId::To, "<" + std::string(target) + ">");
  b.header(HeaderId::CallId, session->call_id_);
  b.header(HeaderId::CSeq, "1 INVITE");
  b.header(HeaderId::Contact, services.contact(*flow));
  b.header(HeaderId::Allow, services.allow);
  if (!services.supported.empty()) b.header(HeaderId::Supported, services.supported);
  b.header(HeaderId::UserAgent, services.user_agent);
  std::string offer = make_offer(services.media, session->session_id_, session->sdp_version_);
  b.body("application/sdp", offer);
  auto invite = std::move(b).build();
  if (!invite) {
    if (error) *error = invite.error().describe();
    return nullptr;
  }
  if (!session->send_invite(std::move(*invite))) {
    if (error) *error = "the INVITE could not be sent";
    return nullptr;
  }
  return session;
}

bool InviteSession::send_invite(Message invite) {
  const auto& uri = invite.request_uri_text();
  auto flow = s_.flow_to(uri);
  if (!flow) return false;
  invite_ = invite;
  std::weak_ptr<InviteSession> weak = weak_from_this();
  auto tx = s_.layer.send_request(std::move(invite), *flow, [weak](const ClientEvent& e) {
    if (auto self = weak.lock()) self->on_invite_response(e, true);
  });
  if (!tx) {
    finish(tx.error().status, tx.error().what, false);
    return false;
  }
  invite_client_ = *tx;
  return true;
}

void InviteSession::on_invite_response(const ClientEvent& e, bool initial) {
  auto keep = shared_from_this();
  if (e.kind != ClientEvent::Kind::Response) {
    // §8.1.3.1: a timeout is a 408, a transport error a 503.
    int status = e.status();
    if (initial) {
      if (state_ == State::Calling || state_ == State::Early)
        finish(status, status == 408 ? "Request Timeout" : "Service Unavailable", false);
      return;
    }
    reinvite_out_ = false;
    if (events_.reinvited) events_.reinvited(status);
    // §14.1: "If a UAC receives ... a 408 (Request Timeout) ... the UAC SHOULD terminate the
    // dialog" with a BYE.
    if (status == 408) send_bye();
    return;
  }
  const Message& r = *e.response;
  int status = r.status();
  if (status < 200) {
    if (!initial || state_ == State::Terminated) return;
    provisional_seen_ = true;
    std::string tag = to_tag_of(r);
    // §12.1.2 / §13.2.2.1: a provisional response with a To tag makes an early dialog, one per
    // tag (each fork of the INVITE has its own).
    if (status > 100 && !tag.empty() && !early_.count(tag) && invite_) {
      auto d = Dialog::as_uac(*invite_, r);
      if (d) early_.emplace(tag, std::move(*d));
    } else if (auto it = early_.find(tag); it != early_.end()) {
      it->second.refresh_target(r);
    }
    if (!early_.empty()) state_ = State::Early;
    if (events_.progress) events_.progress(r);
    // §9.1: a CANCEL asked for before any provisional response goes now.
    if (cancel_wanted_ && !cancelled_) send_cancel();
    return;
  }
  if (status < 300) {
    on_2xx(r, initial);
    return;
  }
  if ((status == 401 || status == 407) && invite_ && initial && state_ != State::Terminated &&
      auth_attempts_ < 3) {
    ++auth_attempts_;
    if (auto next = with_credentials(*invite_, r)) {
      provisional_seen_ = false;
      early_.clear();
      if (cancel_wanted_) {
        finish(status, std::string(r.reason()), true);
        return;
      }
      send_invite(std::move(*next));
      return;
    }
  }
  if (initial) {
    if (state_ == State::Calling || state_ == State::Early)
      finish(status, std::string(r.reason()), status != 487 || !cancelled_);
    return;
  }
  reinvite_out_ = false;
  if (status == 491) {
    glare_retry();
    return;
  }
  if (events_.reinvited) events_.reinvited(status);
  // §14.1: 408 and 481 to a re-INVITE end the dialog.
  if (status == 408 || status == 481) send_bye();
}

std::optional<Message> InviteSession::with_credentials(const Message& request,
                                                       const Message& challenge) {
  if (!s_.authorize) return std::nullopt;
  auto header = s_.authorize(request, challenge);
  if (!header) return std::nullopt;
  auto flow = s_.flow_to(request.request_uri_text());
  if (!flow) return std::nullopt;
  // §22.2: the request again with the credentials, a new CSeq number and a new branch (§8.1.3.5).
  Message next = request;
  const auto& cseq = request.cseq();
  if (!cseq) return std::nullopt;
  next.set(HeaderId::CSeq, std::to_string(cseq->number + 1) + " " + std::string(cseq->method_name));
  next.remove_first_value(HeaderId::Via);
  next.prepend(HeaderId::Via, via_for(*flow));
  next.remove(header->first);
  next.append(header->first, header->second);
  return parse(next.serialize());
}

void InviteSession::on_2xx(const Message& r, bool initial) {
  std::string tag = to_tag_of(r);
  std::uint32_t cseq = cseq_of(r);
  if (!initial) {
    if (!dialog_ || dialog_->id().remote_tag != tag) return;
    if (cseq == ack_cseq_ && ack_bytes_) {
      // §13.2.2.4: a retransmission of the 2xx: the same ACK again.
      s_.sender.send(*ack_flow_, ack_bytes_);
      return;
    }
    dialog_->refresh_target(r);
    if (is_sdp(r)) remote_sdp_ = std::string(r.body());
    send_ack(*dialog_, cseq);
    reinvite_out_ = false;
    if (events_.reinvited) events_.reinvited(r.status());
    return;
  }
  if (dialog_) {
    if (dialog_->id().remote_tag == tag) {
      if (cseq == ack_cseq_ && ack_bytes_) s_.sender.send(*ack_flow_, ack_bytes_);
      return;
    }
    // §13.2.2.4: a 2xx from another fork makes a second dialog: ACK it, then end it with a BYE.
    if (!invite_) return;
    auto other = Dialog::as_uac(*invite_, r);
    if (!other) return;
    auto flow = s_.flow_to(other->next_hop());
    if (!flow) return;
    auto ack = other->request("ACK", via_for(*flow), cseq);
    s_.sender.send(*flow, transport::make_bytes(std::move(ack).finish()));
    auto bye = other->request("BYE", via_for(*flow), other->next_cseq());
    bye.header(HeaderId::UserAgent, s_.user_agent);
    if (auto m = std::move(bye).build())
      (void)s_.layer.send_request(std::move(*m), *flow, [](const ClientEvent&) {});
    return;
  }
  if (state_ == State::Terminated || !invite_) return;
  auto it = early_.find(tag);
  if (it != early_.end()) {
    it->second.confirm(&r);
    dialog_ = std::move(it->second);
  } else {
    auto d = Dialog::as_uac(*invite_, r);
    if (!d) return;
    dialog_ = std::move(*d);
  }
  early_.clear();
  if (is_sdp(r)) remote_sdp_ = std::string(r.body());
  send_ack(*dialog_, cseq);
  state_ = State::Confirmed;
  if (events_.established) events_.established();
  // §9.1: the CANCEL lost the race against the 2xx: the call is up, so hang up with a BYE.
  if (cancel_wanted_ && state_ == State::Confirmed) send_bye();
}

void InviteSession::send_ack(const Dialog& d, std::uint32_t cseq) {
  auto flow = s_.flow_to(d.next_hop());
  if (!flow) return;
  // §13.2.2.4: the ACK is built as a request of the dialog with the CSeq number of the INVITE,
  // its own branch, and the same credentials the INVITE carried.
  auto b = d.request("ACK", via_for(*flow), cseq);
  if (invite_) {
    for (auto name : {"Authorization", "Proxy-Authorization"})
      if (auto v = invite_->header(name); v && cseq == cseq_of(*invite_)) b.header(name, *v);
  }
  b.header(HeaderId::UserAgent, s_.user_agent);
  ack_bytes_ = transport::make_bytes(std::move(b).finish());
  ack_flow_ = *flow;
  ack_cseq_ = cseq;
  s_.sender.send(*flow, ack_bytes_);
}

void InviteSession::send_cancel() {
  if (!invite_ || !invite_client_) return;
  cancelled_ = true;
  // §9.1: Request-URI, Call-ID, To, From and the CSeq number of the INVITE, method CANCEL; one
  // Via, the INVITE's top Via (so it follows the INVITE); the INVITE's Route.
  const Message& inv = *invite_;
  auto b = MessageBuilder::request("CANCEL", inv.request_uri_text());
  if (const auto* via = inv.find(HeaderId::Via)) {
    const auto& vias = inv.via();
    b.header(HeaderId::Via, vias && !vias->empty()
                                ? std::string(via->value.substr(0, via->value.find(',')))
                                : std::string(via->value));
  }
  b.header(HeaderId::MaxForwards, "70");
  for (const auto& f : inv.fields())
    if (f.id == HeaderId::Route) b.header(HeaderId::Route, f.value);
  if (auto v = inv.header("From")) b.header(HeaderId::From, *v);
  if (auto v = inv.header("To")) b.header(HeaderId::To, *v);
  b.header(HeaderId::CallId, call_id_);
  b.header(HeaderId::CSeq, std::to_string(cseq_of(inv)) + " CANCEL");
  b.header(HeaderId::UserAgent, s_.user_agent);
  auto cancel = std::move(b).build();
  if (!cancel) return;
  (void)s_.layer.send_request(std::move(*cancel), invite_client_->flow(),
                              [](const ClientEvent&) {});
}

// ---------------------------------------------------------------------------------------- UAS

std::shared_ptr<InviteSession> InviteSession::incoming(
    SessionServices& services, const std::shared_ptr<ServerTransaction>& invite) {
  auto session = std::make_shared<InviteSession>(Private{}, services, Role::Uas);
  const Message& inv = invite->request();
  session->invite_tx_ = invite;
  session->call_id_ = std::string(inv.call_id().value_or(""));
  session->local_tag_ = session->new_tag();
  if (is_sdp(inv)) session->remote_sdp_ = std::string(inv.body());
  // The remote CSeq starts at the INVITE's (§12.1.1) once the dialog exists; keep the number.
  session->pending_2xx_cseq_ = cseq_of(inv);
  return session;
}

void InviteSession::ring(int status) {
  if (role_ != Role::Uas || (state_ != State::Calling && state_ != State::Early)) return;
  const Message& inv = invite_tx_->request();
  auto b = dialog_response(inv, status, local_tag_);
  b.header(HeaderId::Contact, s_.contact(invite_tx_->flow()));
  b.header(HeaderId::Allow, s_.allow);
  if (!dialog_) {
    // §12.1.1: a provisional response with a To tag makes an early dialog at the UAS.
    auto d = Dialog::as_uas(inv, local_tag_, true);
    if (d) dialog_ = std::move(*d);
  }
  invite_tx_->respond(status, std::move(b).finish());
  state_ = State::Early;
}

bool InviteSession::answer() {
  if (role_ != Role::Uas || (state_ != State::Calling && state_ != State::Early)) return false;
  std::string body;
  if (!remote_sdp_.empty()) {
    auto a = make_answer(remote_sdp_, s_.media, session_id_, sdp_version_);
    if (!a) {
      // RFC 3264 §6 with RFC 3261 §13.3.1.3: an offer that cannot be accepted gets 488.
      reject(488);
      return false;
    }
    body = std::move(*a);
  } else {
    // §13.2.1: no offer in the INVITE: the 2xx carries the offer, the ACK the answer.
    body = make_offer(s_.media, session_id_, sdp_version_);
  }
  const Message& inv = invite_tx_->request();
  if (!dialog_) {
    auto d = Dialog::as_uas(inv, local_tag_, false);
    if (!d) {
      reject(400);
      return false;
    }
    dialog_ = std::move(*d);
  }
  dialog_->confirm();
  state_ = State::Answered;
  send_2xx(invite_tx_, std::move(body));
  return true;
}

void InviteSession::reject(int status, std::string_view reason) {
  if (role_ != Role::Uas || (state_ != State::Calling && state_ != State::Early)) return;
  auto b = message::response_to(invite_tx_->request(), status, reason, local_tag_);
  if (status == 405) b.header(HeaderId::Allow, s_.allow);
  invite_tx_->respond(status, std::move(b).finish());
  finish(status, reason.empty() ? std::string() : std::string(reason), false);
}

void InviteSession::send_2xx(const std::shared_ptr<ServerTransaction>& tx, std::string body) {
  auto b = dialog_response(tx->request(), 200, local_tag_);
  b.header(HeaderId::Contact, s_.contact(tx->flow()));
  b.header(HeaderId::Allow, s_.allow);
  if (!s_.supported.empty()) b.header(HeaderId::Supported, s_.supported);
  b.header(HeaderId::Server, s_.user_agent);
  b.body("application/sdp", body);
  pending_2xx_ = transport::make_bytes(std::move(b).finish());
  pending_2xx_tx_ = tx;
  pending_2xx_cseq_ = cseq_of(tx->request());
  tx->respond(200, pending_2xx_);
  // §13.3.1.4: "the 2xx response is passed to the transport with an interval that starts at T1
  // seconds and doubles for each retransmission until it reaches T2 seconds"; after 64*T1
  // without an ACK the session ends with a BYE.
  retransmit_interval_ = s_.timers.t1;
  retransmit_timer_.start(retransmit_interval_, [this] { retransmit_2xx(); });
  give_up_timer_.start(64 * s_.timers.t1, [this] { no_ack(); });
}

void InviteSession::retransmit_2xx() {
  if (!pending_2xx_ || !pending_2xx_tx_) return;
  pending_2xx_tx_->respond(200, pending_2xx_);
  retransmit_interval_ = std::min<Duration>(2 * retransmit_interval_, s_.timers.t2);
  retransmit_timer_.start(retransmit_interval_, [this] { retransmit_2xx(); });
}

void InviteSession::no_ack() {
  auto keep = shared_from_this();
  retransmit_timer_.stop();
  pending_2xx_.reset();
  pending_2xx_tx_.reset();
  reinvite_in_ = false;
  // §13.3.1.4: "the dialog is confirmed, but the session SHOULD be terminated ... with a BYE".
  state_ = State::Confirmed;
  ended_ = {408, "no ACK for the 2xx", false};
  send_bye();
}

void InviteSession::receive_ack(const transport::Incoming& ack) {
  auto keep = shared_from_this();
  if (!pending_2xx_ || cseq_of(ack.message) != pending_2xx_cseq_) return;
  retransmit_timer_.stop();
  give_up_timer_.stop();
  pending_2xx_.reset();
  pending_2xx_tx_.reset();
  if (is_sdp(ack.message)) remote_sdp_ = std::string(ack.message.body());
  if (state_ == State::Answered) {
    state_ = State::Confirmed;
    if (events_.established) events_.established();
  } else if (reinvite_in_) {
    reinvite_in_ = false;
    if (events_.reinvited) events_.reinvited(200);
  }
  if (bye_after_ack_) send_bye();
}

void InviteSession::receive_cancel() {
  auto keep = shared_from_this();
  if (role_ != Role::Uas || (state_ != State::Calling && state_ != State::Early)) return;
  // §9.2: "the UAS MUST ... respond to the INVITE with a 487 (Request Terminated)".
  invite_tx_->respond(487,
                      message::response_to(invite_tx_->request(), 487, {}, local_tag_).finish());
  finish(487, "Request Terminated", true);
}

void InviteSession::receive_stray_2xx(const Message& response) {
  auto keep = shared_from_this();
  bool initial = invite_ && cseq_of(response) == cseq_of(*invite_);
  on_2xx(response, initial);
}

void InviteSession::invite_failed(transaction::Failure why) {
  auto keep = shared_from_this();
  if (state_ == State::Calling || state_ == State::Early)
    finish(transaction::status_of(why), "INVITE transaction failed", false);
}

// --------------------------------------------------------------------------------------- both

void InviteSession::hangup() {
  auto keep = shared_from_this();
  switch (state_) {
    case State::Calling:
    case State::Early:
      if (role_ == Role::Uas) {
        reject(603);
        return;
      }
      cancel_wanted_ = true;
      if (provisional_seen_ && !cancelled_) send_cancel();
      return;
    case State::Answered:
      // §15: "the callee's UA MUST NOT send a BYE on a confirmed dialog until it has received an
      // ACK for its 2xx response or until the server transaction times out".
      bye_after_ack_ = true;
      return;
    case State::Confirmed:
      send_bye();
      return;
    case State::Terminated:
      return;
  }
}

bool InviteSession::reinvite() {
  if (state_ != State::Confirmed || reinvite_out_ || reinvite_in_ || pending_2xx_ || bye_sent_)
    return false;
  // RFC 3264 §8: a new offer carries the session version plus one.
  return send_in_dialog("INVITE", make_offer(s_.media, session_id_, ++sdp_version_), true);
}

bool InviteSession::send_in_dialog(std::string_view method, std::string body, bool reinvite) {
  Dialog* d = current();
  if (!d) return false;
  auto flow = s_.flow_to(d->next_hop());
  if (!flow) return false;
  auto b = d->request(method, via_for(*flow), d->next_cseq());
  b.header(HeaderId::Contact, s_.contact(*flow));
  b.header(HeaderId::UserAgent, s_.user_agent);
  if (!body.empty()) b.body("application/sdp", body);
  auto m = std::move(b).build();
  if (!m) return false;
  if (reinvite) reinvite_out_ = true;
  std::weak_ptr<InviteSession> weak = weak_from_this();
  auto tx = s_.layer.send_request(std::move(*m), *flow, [weak](const ClientEvent& e) {
    if (auto self = weak.lock()) self->on_invite_response(e, false);
  });
  if (!tx) {
    reinvite_out_ = false;
    return false;
  }
  return true;
}

void InviteSession::glare_retry() {
  // §14.1: the owner of the Call-ID (the UAC of the dialog) waits 2.1-4 s, the other 0-2 s, both
  // in units of 10 ms.
  std::uint64_t units = role_ == Role::Uac ? 210 + random_() % 191 : random_() % 201;
  glare_timer_.start(milliseconds(10 * units), [this] {
    if (!reinvite() && events_.reinvited) events_.reinvited(491);
  });
}

void InviteSession::send_bye() {
  if (bye_sent_) return;
  Dialog* d = current();
  if (!d) return;
  bye_sent_ = true;
  retransmit_timer_.stop();
  give_up_timer_.stop();
  glare_timer_.stop();
  auto flow = s_.flow_to(d->next_hop());
  Ended end = ended_.status ? ended_ : Ended{200, "BYE", false};
  // §15: the session is over as soon as the BYE is sent; the UA learns the end when the BYE's
  // transaction does.
  state_ = State::Terminated;
  if (!flow) {
    finish(end.status, end.reason, end.by_peer);
    return;
  }
  auto b = d->request("BYE", via_for(*flow), d->next_cseq());
  b.header(HeaderId::UserAgent, s_.user_agent);
  auto m = std::move(b).build();
  if (!m) {
    finish(end.status, end.reason, end.by_peer);
    return;
  }
  std::weak_ptr<InviteSession> weak = weak_from_this();
  auto done = [weak, end](const ClientEvent& e) {
    auto self = weak.lock();
    if (!self || (e.kind == ClientEvent::Kind::Response && e.response->status() < 200)) return;
    self->finish(end.status, end.reason, end.by_peer);
  };
  auto tx = s_.layer.send_request(std::move(*m), *flow, done);
  if (!tx) finish(end.status, end.reason, end.by_peer);
}

void InviteSession::receive_request(const std::shared_ptr<ServerTransaction>& tx) {
  auto keep = shared_from_this();
  const Message& req = tx->request();
  auto reply = [&](int status, std::string_view reason = {}) {
    auto b = message::response_to(req, status, reason, local_tag_);
    if (status == 500) b.header(HeaderId::RetryAfter, std::to_string(random_() % 11));
    if (status == 405 || status == 200) b.header(HeaderId::Allow, s_.allow);
    if (status == 200 && req.method() == message::Method::Options) {
      b.header(HeaderId::Accept, "application/sdp");
      if (!s_.supported.empty()) b.header(HeaderId::Supported, s_.supported);
    }
    tx->respond(status, std::move(b).finish());
  };
  Dialog* d = current();
  std::string to_tag = to_tag_of(req);
  // A BYE that crosses ours still gets its 200 (the dialog is there until both are done).
  if (!d || d->id().local_tag != to_tag || finished_) {
    reply(481);  // §12.2.2
    return;
  }
  if (int status = d->accept_remote_cseq(req)) {
    reply(status, status == 500 ? "Out of order CSeq" : std::string_view{});
    return;
  }
  switch (req.method()) {
    case message::Method::Bye: {
      // §15.1.2: 200 to the BYE; an INVITE still unanswered gets 487.
      reply(200);
      if (role_ == Role::Uas && (state_ == State::Calling || state_ == State::Early))
        invite_tx_->respond(
            487, message::response_to(invite_tx_->request(), 487, {}, local_tag_).finish());
      finish(200, "BYE", true);
      return;
    }
    case message::Method::Invite: {
      // §14.2: our own re-INVITE in progress: 491; theirs not yet ACKed: 500 with Retry-After.
      if (reinvite_out_) {
        reply(491);
        return;
      }
      if (reinvite_in_ || pending_2xx_ || state_ != State::Confirmed) {
        reply(500, "Previous INVITE in progress");
        return;
      }
      const auto& contact = req.contact();
      if (!contact || contact->contacts.empty()) {
        reply(400, "Missing or malformed Contact");
        return;
      }
      std::string body;
      if (is_sdp(req)) {
        auto a = make_answer(req.body(), s_.media, session_id_, ++sdp_version_);
        if (!a) {
          reply(488);  // the session stays as it was (§14.2)
          return;
        }
        remote_sdp_ = std::string(req.body());
        body = std::move(*a);
      } else {
        body = make_offer(s_.media, session_id_, ++sdp_version_);
      }
      d->refresh_target(req);
      reinvite_in_ = true;
      send_2xx(tx, std::move(body));
      return;
    }
    case message::Method::Options:
      reply(200);
      return;
    default:
      reply(405);
      return;
  }
}

void InviteSession::finish(int status, std::string reason, bool by_peer) {
  if (finished_) return;
  auto keep = shared_from_this();
  finished_ = true;
  state_ = State::Terminated;
  retransmit_timer_.stop();
  give_up_timer_.stop();
  glare_timer_.stop();
  for (auto& [tag, d] : early_) d.terminate();
  if (dialog_) dialog_->terminate();
  ended_ = {status, std::move(reason), by_peer};
  if (events_.ended) {
    auto ended = events_.ended;
    ended(ended_);
  }
}

}  // namespace parley::dialog
