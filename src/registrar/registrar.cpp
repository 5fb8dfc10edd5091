#include "registrar/registrar.hpp"

#include <algorithm>
#include <ctime>
#include <random>

#include "auth/digest.hpp"
#include "message/builder.hpp"
#include "message/header_values.hpp"
#include "message/scanner.hpp"

namespace parley::registrar {

using location::Binding;
using location::StoreError;
using message::HeaderId;
using message::Message;

namespace {

// What a REGISTER asks for, read before the store is touched (steps 6 and 7 up to the point
// where the current bindings matter).
struct Plan {
  struct Contact {
    message::Uri uri;    // as registered (views into the request, alive until the reply)
    std::string params;  // the other contact-params, verbatim
    std::optional<std::uint16_t> q;
    std::uint32_t expires = 0;  // as granted
  };
  bool star = false;
  std::vector<Contact> contacts;
  std::string call_id;
  std::uint32_t cseq = 0;
  std::vector<std::string> path;
  std::string source;
  std::string user_agent;
  std::size_t max_contacts = 0;
};

message::MessageBuilder response(const Message& request, int status, std::string_view reason = {}) {
  return message::response_to(request, status, reason, new_tag());
}

std::string simple(const Message& request, int status, std::string_view reason = {}) {
  return response(request, status, reason).finish();
}

StoreError refused(int status, std::string reason) {
  return StoreError{StoreError::Kind::Refused, status, std::move(reason)};
}

std::string source_of(const transport::Flow& flow) {
  std::string s(transport::uri_token(flow.protocol));
  s.push_back(':');
  s.append(flow.remote.to_string());
  return s;
}

// The binding's URI, parsed for the comparison of §10.3 step 7 ("using the URI comparison
// rules", §19.1.4).
bool same_contact(std::string_view a, const message::Uri& b) {
  auto ua = message::parse_uri(a);
  return ua && message::equivalent(*ua, b);
}

// Seconds left until `expires`, rounded to the nearest second.
std::uint32_t remaining(location::TimePoint expires, location::TimePoint now) {
  if (expires <= now) return 0;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(expires - now).count();
  return static_cast<std::uint32_t>((ms + 500) / 1000);
}

Result<std::vector<Binding>, StoreError> decide(const Plan& plan,
                                                const std::vector<Binding>& current,
                                                location::TimePoint now) {
  if (plan.star) {
    // §10.3 step 6: every binding goes, unless one was written by this Call-ID with a CSeq at
    // least the request's (an older or repeated request): then nothing changes.
    for (const Binding& b : current)
      if (b.call_id == plan.call_id && b.cseq >= plan.cseq)
        return fail(refused(500, "Server Internal Error (CSeq " + std::to_string(plan.cseq) +
                                     " not above " + std::to_string(b.cseq) +
                                     " of a binding of this Call-ID)"));
    return std::vector<Binding>{};
  }
  std::vector<Binding> next = current;
  std::vector<bool> written(next.size(), false);  // updated by this request already
  for (const Plan::Contact& c : plan.contacts) {
    std::size_t i = 0;
    while (i < next.size() && !same_contact(next[i].contact, c.uri)) ++i;
    if (i < next.size() && !written[i]) {
      // §10.3 step 7: same Call-ID and a CSeq not higher: the update is aborted.
      if (next[i].call_id == plan.call_id && next[i].cseq >= plan.cseq)
        return fail(refused(500, "Server Internal Error (CSeq " + std::to_string(plan.cseq) +
                                     " not above " + std::to_string(next[i].cseq) +
                                     " of the binding of " + std::string(c.uri.text()) + ")"));
    }
    if (c.expires == 0) {
      if (i < next.size()) {
        next.erase(next.begin() + static_cast<std::ptrdiff_t>(i));
        written.erase(written.begin() + static_cast<std::ptrdiff_t>(i));
      }
      continue;
    }
    if (i == next.size()) {
      next.emplace_back();
      written.push_back(false);
    }
    Binding& b = next[i];
    written[i] = true;
    b.contact = c.uri.text();
    b.params = c.params;
    b.q = c.q;
    b.expires = now + std::chrono::seconds(c.expires);
    b.call_id = plan.call_id;
    b.cseq = plan.cseq;
    b.path = plan.path;
    b.source = plan.source;
    b.user_agent = plan.user_agent;
  }
  if (next.size() > plan.max_contacts)
    return fail(refused(403, "Forbidden (more than " + std::to_string(plan.max_contacts) +
                                 " contacts for one address of record)"));
  return next;
}

}  // namespace

std::string new_tag() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t v = random();
  std::string tag(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) tag[static_cast<std::size_t>(i)] = kHex[v & 0xf];
  return tag;
}

std::optional<std::string> canonical_aor(const message::Uri& to) {
  const message::SipUri* sip = to.sip();
  if (!sip || !sip->user || sip->user->empty() || sip->host.empty()) return std::nullopt;
  // §10.3 step 5: URI parameters removed, escapes resolved. The port goes too: an address of
  // record names a user in a domain, and the domain check of step 1 is on the host alone.
  std::string aor = sip->secure ? "sips:" : "sip:";
  aor.append(message::unescape(*sip->user));
  aor.push_back('@');
  if (sip->host_kind == message::HostKind::IPv6) aor.push_back('[');
  aor.append(message::to_lower(sip->host));
  if (sip->host_kind == message::HostKind::IPv6) aor.push_back(']');
  return aor;
}

std::string http_date(std::chrono::system_clock::time_point t) {
  // Every 200 carries a Date, and at a registrar's rate thousands share a second: each thread
  // formats a second once.
  thread_local std::time_t cached_second = -1;
  thread_local char cached[40] = {};
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  if (tt != cached_second) {
    std::tm tm{};
    gmtime_r(&tt, &tm);
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::snprintf(cached, sizeof cached, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                  kDays[tm.tm_wday % 7], tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    cached_second = tt;
  }
  return cached;
}

struct Registrar::Pending {
  const transport::Incoming* in = nullptr;
  Reply reply;
  std::string domain;     // of the Request-URI, lowercase: the realm
  std::string source_ip;  // for nonces and failure counting
  std::optional<auth::Attempt> attempt;
  std::string authentication_info;
  std::shared_ptr<Plan> plan;
  bool path_supported = false;
  location::TimePoint decided{};  // the store's `now` when it decided

  const Message& request() const { return in->message; }
};

Registrar::Registrar(RegistrarConfig config, location::Store& store, auth::DigestServer* digest,
                     TimerService& timers, Post post)
    : config_(std::move(config)),
      store_(store),
      digest_(digest),
      timers_(timers),
      post_(std::move(post)) {
  for (auto& d : config_.domains) d = message::to_lower(d);
  if (config_.authenticate && !digest_) config_.authenticate = false;
}

bool Registrar::serves(std::string_view domain) const {
  if (config_.domains.empty()) return true;
  return std::find(config_.domains.begin(), config_.domains.end(), domain) != config_.domains.end();
}

void Registrar::finish(const std::shared_ptr<Pending>& p, int status, std::string response) {
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  Reply reply = std::move(p->reply);
  reply(status, std::move(response));
}

void Registrar::handle(const transport::Incoming& in, Reply reply) {
  in_flight_.fetch_add(1, std::memory_order_relaxed);
  auto p = std::make_shared<Pending>();
  p->in = &in;
  p->reply = std::move(reply);
  p->source_ip = transport::address_text(in.flow.remote.address);
  const Message& m = in.message;

  // Step 1: a domain this registrar keeps bindings for.
  const auto& ruri = m.request_uri();
  if (!ruri || !ruri->sip()) return finish(p, 416, simple(m, 416));
  p->domain = message::to_lower(ruri->sip()->host);
  if (!serves(p->domain))
    return finish(p, 404, simple(m, 404, "Not Found (domain not served here)"));

  // Step 2: Require (§8.2.2.3). Path (RFC 3327) is the one extension a REGISTER may need here.
  std::vector<std::string_view> unsupported;
  for (const auto& f : m.fields()) {
    if (f.id != HeaderId::Require) continue;
    auto tags = message::parse_option_tags(f.value);
    if (!tags) {
      return finish(p, 400, simple(m, 400, m.locate(tags.error(), f).reason_phrase()));
    }
    for (auto t : *tags)
      if (!message::iequals(t, "path")) unsupported.push_back(t);
  }
  if (!unsupported.empty()) {
    std::string list;
    message::append_list(list, unsupported);
    auto b = response(m, 420);
    b.header(HeaderId::Unsupported, list);
    return finish(p, 420, std::move(b).finish());
  }

  // Step 3: authentication (§22).
  if (!config_.authenticate) return authenticated(p);
  auto examined = digest_->examine(m, false, p->domain, p->source_ip, timers_.now());
  switch (examined.kind) {
    case auth::Examined::Kind::NoCredentials:
    case auth::Examined::Kind::Unusable:
      return challenge(p, false);
    case auth::Examined::Kind::Malformed:
      return finish(p, 400, simple(m, 400, "Bad Request (" + examined.reason + ")"));
    case auth::Examined::Kind::Attempt:
      break;
  }
  p->attempt = std::move(examined.attempt);
  std::string username(p->attempt->username());
  store_.find_user(
      username, p->domain, [this, p](Result<std::optional<location::User>, StoreError> found) {
        post_([this, p, found = std::move(found)]() {
          if (!found) {
            return unavailable(p);
          }
          std::optional<std::string_view> ha1;
          if (const auto& user = *found) {
            switch (auth::base_algorithm(p->attempt->algorithm)) {
              case message::DigestAlgorithm::Md5:
                if (!user->ha1_md5.empty()) ha1 = user->ha1_md5;
                break;
              case message::DigestAlgorithm::Sha256:
                if (!user->ha1_sha256.empty()) ha1 = user->ha1_sha256;
                break;
              case message::DigestAlgorithm::Sha512_256:
                if (!user->ha1_sha512_256.empty()) ha1 = user->ha1_sha512_256;
                break;
              default:
                break;
            }
          }
          auto verdict = digest_->verify(*p->attempt, ha1, p->domain, p->source_ip, timers_.now());
          switch (verdict.kind) {
            case auth::Verdict::Kind::Authenticated:
              p->authentication_info = std::move(verdict.authentication_info);
              return authenticated(p);
            case auth::Verdict::Kind::Stale:
              return challenge(p, true);
            case auth::Verdict::Kind::Failed:
              if (verdict.delay > Duration::zero()) {
                // Repeated failures from this source: the answer waits (auth.failure_delay).
                timers_.start(verdict.delay, [this, p] { challenge(p, false); });
                return;
              }
              return challenge(p, false);
          }
        });
      });
}

void Registrar::unavailable(const std::shared_ptr<Pending>& p) {
  auto b = response(p->request(), 500, "Server Internal Error (location store unavailable)");
  b.header(HeaderId::RetryAfter, std::to_string(config_.retry_after.count()));
  finish(p, 500, std::move(b).finish());
}

void Registrar::challenge(const std::shared_ptr<Pending>& p, bool stale) {
  auto b = response(p->request(), 401);
  for (const auto& c : digest_->challenges(p->domain, p->source_ip, timers_.now(), stale))
    b.header(HeaderId::WwwAuthenticate, c);
  finish(p, 401, std::move(b).finish());
}

void Registrar::authenticated(const std::shared_ptr<Pending>& p) {
  const Message& m = p->request();
  const auto& to = m.to();
  std::optional<std::string> aor;
  if (to) aor = canonical_aor(to->uri);
  const message::SipUri* to_sip = to ? to->uri.sip() : nullptr;

  // Step 4: the authenticated user may change only its own bindings.
  if (p->attempt && aor && message::unescape(*to_sip->user) != p->attempt->username())
    return finish(p, 403,
                  simple(m, 403,
                         "Forbidden (user " + std::string(p->attempt->username()) +
                             " may not register " + *aor + ")"));

  // Step 5: To -> address of record, in the domain of the Request-URI.
  if (!aor || message::to_lower(to_sip->host) != p->domain)
    return finish(p, 404,
                  simple(m, 404, "Not Found (To: no address of record in " + p->domain + ")"));

  // Steps 6 and 7, what can be read before the store.
  const auto& contact = m.contact();
  if (!contact) return finish(p, 400, simple(m, 400, contact.error().reason_phrase()));
  auto expires_header = m.typed<std::uint32_t>(HeaderId::Expires, message::parse_delta_seconds);
  if (expires_header && !*expires_header)
    return finish(p, 400, simple(m, 400, expires_header->error().reason_phrase()));
  std::optional<std::uint32_t> expires;
  if (expires_header) expires = **expires_header;

  auto plan = std::make_shared<Plan>();
  plan->max_contacts = config_.max_contacts;
  plan->call_id = std::string(m.call_id().value_or(""));
  plan->cseq = m.cseq() ? m.cseq()->number : 0;
  plan->source = source_of(p->in->flow);
  if (auto ua = m.header("User-Agent")) plan->user_agent = std::string(*ua);
  for (const auto& f : m.fields()) {
    if (f.id != HeaderId::Path) continue;
    auto list = message::parse_name_addr_list(f.value);
    if (!list) {
      auto e = m.locate(list.error(), f);
      e.what = "Path: " + e.what;
      return finish(p, 400, simple(m, 400, e.reason_phrase()));
    }
    for (const auto& na : *list) plan->path.push_back(na.to_string());
  }
  for (auto s : m.values(HeaderId::Supported))
    if (message::iequals(s, "path")) p->path_supported = true;

  if (contact->star) {
    // Step 6: "*" alone, with Expires: 0.
    if (m.count(HeaderId::Contact) != 1 || !contact->contacts.empty())
      return finish(p, 400, simple(m, 400, "Bad Request (Contact: * must be the only contact)"));
    if (!expires || *expires != 0)
      return finish(p, 400, simple(m, 400, "Bad Request (Contact: * needs Expires: 0)"));
    plan->star = true;
  }
  for (const auto& c : contact->contacts) {
    auto param = message::contact_expires(c);
    if (!param) return finish(p, 400, simple(m, 400, param.error().reason_phrase()));
    auto q = message::contact_q(c);
    if (!q) return finish(p, 400, simple(m, 400, q.error().reason_phrase()));
    if (!c.uri.sip())
      return finish(p, 400,
                    simple(m, 400,
                           "Bad Request (Contact: not a sip or sips URI: " +
                               std::string(c.uri.text()) + ")"));
    // Step 7: the parameter, else the header, else the default.
    std::uint32_t requested = param->value_or(expires.value_or(config_.default_expires));
    if (requested > 0 && requested < 3600 && requested < config_.min_expires) {
      auto b = response(m, 423);
      b.header(HeaderId::MinExpires, std::to_string(config_.min_expires));
      return finish(p, 423, std::move(b).finish());
    }
    Plan::Contact pc;
    pc.uri = c.uri;
    message::Params others = c.params;
    others.remove("expires");
    others.remove("q");
    others.append_to(pc.params);
    if (*q) pc.q = static_cast<std::uint16_t>(**q);
    pc.expires = std::min(requested, config_.max_expires);
    plan->contacts.push_back(std::move(pc));
  }
  p->plan = plan;

  auto done = [this, p](Result<std::vector<Binding>, StoreError> result) {
    post_([this, p, result = std::move(result)]() mutable { stored(p, std::move(result)); });
  };
  if (!plan->star && plan->contacts.empty()) {
    // Step 6: no Contact: a query; the bindings as they are.
    p->decided = location::Clock::now();
    store_.lookup(*aor, std::move(done));
    return;
  }
  store_.modify(
      *aor,
      [plan, p](const std::vector<Binding>& current, location::TimePoint now) {
        p->decided = now;
        return decide(*plan, current, now);
      },
      std::move(done));
}

void Registrar::stored(const std::shared_ptr<Pending>& p,
                       Result<std::vector<Binding>, StoreError> result) {
  const Message& m = p->request();
  if (!result) {
    const StoreError& e = result.error();
    if (e.kind == StoreError::Kind::Refused)
      return finish(p, e.status, simple(m, e.status, e.reason));
    // §10.3 step 7: a failed commit is a 500; Retry-After because the store may come back.
    return unavailable(p);
  }
  // Step 8: every current binding with the time it has left, and a Date.
  auto b = response(m, 200);
  std::string value;
  for (const Binding& binding : *result) {
    value.clear();
    value.push_back('<');
    value.append(binding.contact);
    value.push_back('>');
    value.append(binding.params);
    if (binding.q) {
      value.append(";q=");
      message::append_qvalue(value, *binding.q);
    }
    value.append(";expires=");
    value.append(std::to_string(remaining(binding.expires, p->decided)));
    b.header(HeaderId::Contact, value);
  }
  b.header(HeaderId::Date, http_date(p->decided));
  // RFC 3327 §5.3: the path vector stored is returned to a UA that supports it.
  if (p->path_supported && p->plan)
    for (const auto& hop : p->plan->path) b.header(HeaderId::Path, hop);
  b.header(HeaderId::Supported, "path");
  if (!p->authentication_info.empty())
    b.header(HeaderId::AuthenticationInfo, p->authentication_info);
  finish(p, 200, std::move(b).finish());
}

}  // namespace parley::registrar
