#include "dialog/dialog.hpp"

#include <algorithm>

namespace parley::dialog {

using message::HeaderId;
using message::Message;
using message::MessageBuilder;
using message::NameAddr;

std::string DialogId::to_string() const { return call_id + ";" + local_tag + ";" + remote_tag; }

namespace {

std::optional<DialogId> dialog_id(const Message& m, bool local_is_to) {
  auto call_id = m.call_id();
  const auto& from = m.from();
  const auto& to = m.to();
  if (!call_id || !from || !to) return std::nullopt;
  std::string from_tag(from->tag().value_or(""));
  std::string to_tag(to->tag().value_or(""));
  if (local_is_to) return DialogId{std::string(*call_id), to_tag, from_tag};
  return DialogId{std::string(*call_id), from_tag, to_tag};
}

// The URI of the first Contact, as text; empty when there is none that can be read.
std::string contact_uri(const Message& m) {
  const auto& c = m.contact();
  if (!c || c->star || c->contacts.empty()) return {};
  return c->contacts.front().uri.to_string();
}

bool is_secure(const Message& request) {
  const auto& uri = request.request_uri();
  return uri && uri->sip() && uri->sip()->secure;
}

std::vector<std::string> record_route(const Message& m, bool reversed) {
  std::vector<std::string> out;
  const auto& rr = m.record_route();
  if (!rr) return out;
  for (const auto& r : *rr) out.push_back(r.to_string());
  if (reversed) std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace

std::optional<DialogId> uas_dialog_id(const Message& request) { return dialog_id(request, true); }
std::optional<DialogId> uac_dialog_id(const Message& response) {
  return dialog_id(response, false);
}

std::string without_tag(const NameAddr& a) {
  NameAddr copy = a;
  copy.params.remove("tag");
  // A URI with parameters written as addr-spec would take them as header parameters once
  // rendered without brackets; always write a name-addr.
  copy.angle_brackets = true;
  return copy.to_string();
}

Result<Dialog, std::string> Dialog::as_uac(const Message& request, const Message& response) {
  int status = response.status();
  if (status < 101 || status > 299) return fail(std::string("no dialog from this status"));
  auto id = uac_dialog_id(response);
  if (!id || id->remote_tag.empty()) return fail(std::string("response without a To tag"));
  const auto& cseq = request.cseq();
  if (!cseq) return fail(std::string("request without CSeq"));
  Dialog d;
  d.id_ = std::move(*id);
  d.state_ = status >= 200 ? State::Confirmed : State::Early;
  // §12.1.2: route set from Record-Route in reverse order; remote target from Contact; local
  // CSeq from the request; remote CSeq empty; remote URI from To, local URI from From.
  d.route_set_ = record_route(response, true);
  d.remote_target_ = contact_uri(response);
  if (d.remote_target_.empty()) d.remote_target_ = std::string(request.request_uri_text());
  d.local_cseq_ = cseq->number;
  d.local_uri_ = without_tag(*request.from());
  d.remote_uri_ = without_tag(*response.to());
  d.secure_ = is_secure(request);
  return d;
}

Result<Dialog, std::string> Dialog::as_uas(const Message& request, std::string_view local_tag,
                                           bool early) {
  auto id = uas_dialog_id(request);
  if (!id) return fail(std::string("request without Call-ID, From or To"));
  const auto& cseq = request.cseq();
  if (!cseq) return fail(std::string("request without CSeq"));
  Dialog d;
  d.id_ = std::move(*id);
  d.id_.local_tag = std::string(local_tag);
  d.state_ = early ? State::Early : State::Confirmed;
  // §12.1.1: route set = Record-Route in order; remote target = Contact; remote CSeq = the
  // request's; local CSeq empty (0 here: the first request we send uses 1).
  d.route_set_ = record_route(request, false);
  d.remote_target_ = contact_uri(request);
  d.remote_cseq_ = cseq->number;
  d.local_uri_ = without_tag(*request.to());
  d.remote_uri_ = without_tag(*request.from());
  d.secure_ = is_secure(request);
  return d;
}

void Dialog::confirm(const Message* uac_2xx) {
  if (state_ == State::Terminated) return;
  if (uac_2xx && state_ == State::Early) {
    // §12.1.2 (and §13.2.2.4): the 2xx's Record-Route and Contact are what the dialog keeps.
    route_set_ = record_route(*uac_2xx, true);
    refresh_target(*uac_2xx);
  }
  state_ = State::Confirmed;
}

int Dialog::accept_remote_cseq(const Message& request) {
  const auto& cseq = request.cseq();
  if (!cseq) return 400;
  if (request.method() == message::Method::Ack || request.method() == message::Method::Cancel)
    return 0;
  // §12.2.2: "If the remote sequence number was not empty, but the sequence number of the request
  // is lower than the remote sequence number, the request is out of order and MUST be rejected
  // with a 500 (Server Internal Error) response."
  if (remote_cseq_ && cseq->number < *remote_cseq_) return 500;
  remote_cseq_ = cseq->number;
  return 0;
}

bool Dialog::refresh_target(const Message& m) {
  std::string target = contact_uri(m);
  if (target.empty()) return false;
  remote_target_ = std::move(target);
  return true;
}

namespace {
bool loose(const std::string& route) {
  auto r = message::parse_name_addr(route);
  return r && r->uri.sip() && r->uri.sip()->loose_route();
}
std::string route_uri(const std::string& route) {
  auto r = message::parse_name_addr(route);
  if (!r) return route;
  // §12.2.1.1: "stripping any parameters that are not allowed in a Request-URI" — of those, only
  // method and the headers part matter in a route's URI.
  auto uri = r->uri;
  if (auto* sip = uri.sip()) {
    sip->params.remove("method");
    sip->headers = {};
  }
  return uri.to_string();
}
}  // namespace

MessageBuilder Dialog::request(std::string_view method, std::string_view via,
                               std::uint32_t cseq) const {
  bool strict = !route_set_.empty() && !loose(route_set_.front());
  // §12.2.1.1: loose routing: Request-URI = remote target, Route = route set. Strict: Request-URI
  // = first route, Route = the rest followed by the remote target.
  auto b = MessageBuilder::request(method, strict ? route_uri(route_set_.front()) : remote_target_);
  b.header(HeaderId::Via, via);
  b.header(HeaderId::MaxForwards, "70");
  for (std::size_t i = strict ? 1 : 0; i < route_set_.size(); ++i)
    b.header(HeaderId::Route, route_set_[i]);
  if (strict) b.header(HeaderId::Route, "<" + remote_target_ + ">");
  b.header(HeaderId::From, local_uri_ + ";tag=" + id_.local_tag);
  b.header(HeaderId::To,
           id_.remote_tag.empty() ? remote_uri_ : remote_uri_ + ";tag=" + id_.remote_tag);
  b.header(HeaderId::CallId, id_.call_id);
  b.header(HeaderId::CSeq, std::to_string(cseq) + " " + std::string(method));
  return b;
}

std::string Dialog::next_hop() const {
  if (!route_set_.empty()) return route_uri(route_set_.front());
  return remote_target_;
}

}  // namespace parley::dialog
