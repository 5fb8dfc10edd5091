#include "ua/registration.hpp"

#include <cstdio>
#include <random>

#include "message/cseq.hpp"

namespace parley::ua {

using message::HeaderId;
using message::Message;

Registration::Registration(UserAgent& ua, Options options, Events events)
    : ua_(ua), options_(std::move(options)), events_(std::move(events)), refresh_(ua.clock()) {
  std::mt19937_64 random(std::random_device{}());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(random()));
  call_id_ = std::string(buf) + "@parley";
  expires_ = options_.expires;
}

Registration::~Registration() { *alive_ = false; }

void Registration::start() {
  stopped_ = false;
  send(Kind::Register);
}

void Registration::stop() {
  stopped_ = true;
  refresh_.stop();
  send(Kind::Unregister);
}

void Registration::fetch() { send(Kind::Fetch); }

void Registration::send(Kind kind) {
  OutgoingRequest r;
  r.method = "REGISTER";
  r.uri = options_.registrar;
  r.to = "<" + options_.aor + ">";
  r.from = "<" + options_.aor + ">";
  r.call_id = call_id_;
  // §10.2: "A UA MUST increment the CSeq value by one for each REGISTER request with the same
  // Call-ID".
  r.cseq = ++cseq_;
  if (kind != Kind::Fetch) {
    r.headers.emplace_back("Contact", ua_.contact());
    r.headers.emplace_back("Expires", std::to_string(kind == Kind::Unregister ? 0u : expires_));
  }
  std::weak_ptr<bool> alive = alive_;
  bool sent = ua_.request(r, [this, alive, kind](int status, const Message* response) {
    if (alive.expired()) return;
    on_response(kind, status, response);
  });
  if (!sent) on_response(kind, 503, nullptr);
}

namespace {

// The expires our Contact was granted (§10.2.4): its expires parameter in the 2xx, else the
// Expires header, else what was asked.
std::uint32_t granted(const Message& r, const std::string& contact, std::uint32_t asked) {
  const auto& contacts = r.contact();
  auto ours = message::parse_name_addr(contact);
  if (contacts && ours) {
    for (const auto& c : contacts->contacts) {
      if (!message::equivalent(c.uri, ours->uri)) continue;
      auto e = message::contact_expires(c);
      if (e && *e) return **e;
    }
  }
  if (auto e = r.header("Expires"))
    if (auto n = message::parse_number(*e)) return *n;
  return asked;
}

}  // namespace

void Registration::on_response(Kind kind, int status, const Message* response) {
  Result result;
  result.status = status;
  if (response) {
    result.reason = std::string(response->reason());
    // The REGISTER may have been re-sent with credentials: go on from its CSeq.
    if (const auto& c = response->cseq(); c && c->number >= cseq_) cseq_ = c->number;
    if (const auto& contacts = response->contact(); contacts)
      for (const auto& c : contacts->contacts) result.bindings.push_back(c.to_string());
  }
  if (status >= 200 && status < 300) {
    switch (kind) {
      case Kind::Register: {
        expires_ = granted(*response, ua_.contact(), expires_);
        result.expires = expires_;
        registered_ = expires_ > 0;
        if (events_.registered) events_.registered(result);
        if (stopped_ || expires_ == 0) return;
        // §10.2.1: refresh before the binding expires.
        auto margin = std::chrono::seconds(options_.refresh_margin);
        auto lifetime = std::chrono::seconds(expires_);
        auto after = lifetime > 2 * margin ? lifetime - margin : lifetime / 2;
        refresh_.start(after, [this] { send(Kind::Register); });
        return;
      }
      case Kind::Unregister:
        registered_ = false;
        if (events_.unregistered) events_.unregistered(result);
        return;
      case Kind::Fetch:
        if (events_.fetched) events_.fetched(result);
        return;
    }
  }
  // §10.2.8: 423 (Interval Too Brief): ask again with at least the registrar's Min-Expires.
  if (status == 423 && kind == Kind::Register && response) {
    if (auto min = response->header("Min-Expires"))
      if (auto n = message::parse_number(*min); n && *n > expires_) {
        expires_ = *n;
        send(Kind::Register);
        return;
      }
  }
  if (kind == Kind::Register) registered_ = false;
  auto& handler = kind == Kind::Unregister ? events_.unregistered
                  : kind == Kind::Fetch    ? events_.fetched
                                           : events_.failed;
  if (handler) handler(result);
}

}  // namespace parley::ua
