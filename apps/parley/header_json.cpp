#include "header_json.hpp"

#include <string>

namespace parley::app {

namespace {

using nlohmann::json;
namespace msg = parley::message;

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

template <class T>
json optional(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json strings(const std::vector<std::string_view>& v) {
  json out = json::array();
  for (std::string_view s : v) out.push_back(s);
  return out;
}

template <class T, class F>
json array(const std::vector<T>& items, F&& one) {
  json out = json::array();
  for (const T& item : items) out.push_back(one(item));
  return out;
}

json qvalue(const std::optional<std::uint16_t>& q) {
  return q ? json(static_cast<double>(*q) / 1000.0) : json(nullptr);
}

json auth_params(const std::vector<msg::AuthParam>& params) {
  json out = json::object();
  for (const msg::AuthParam& p : params) out[std::string(p.name)] = p.value;
  return out;
}

std::string_view host_kind(msg::HostKind k) {
  switch (k) {
    case msg::HostKind::IPv4:
      return "ipv4";
    case msg::HostKind::IPv6:
      return "ipv6";
    case msg::HostKind::Name:
      break;
  }
  return "name";
}

json via(const msg::Via& v) {
  return {{"protocol", std::string(v.protocol_name) + "/" + std::string(v.protocol_version)},
          {"transport", v.transport},
          {"host", v.host},
          {"host_kind", host_kind(v.host_kind)},
          {"port", optional(v.port)},
          {"branch", optional(v.branch())},
          {"received", optional(v.received())},
          {"rport", v.has_rport() ? (v.rport() ? json(*v.rport()) : json(true)) : json(nullptr)},
          {"params", to_json(v.params)}};
}

json media_type(const msg::MediaType& t) {
  return {{"type", t.type}, {"subtype", t.subtype}, {"params", to_json(t.params)}};
}

json challenge(const msg::Challenge& c) {
  return {{"scheme", c.scheme},
          {"realm", optional(c.realm)},
          {"domain", strings(c.domain)},
          {"nonce", optional(c.nonce)},
          {"opaque", optional(c.opaque)},
          {"stale", optional(c.stale)},
          {"algorithm", optional(c.algorithm)},
          {"qop", strings(c.qop)},
          {"charset", optional(c.charset)},
          {"userhash", optional(c.userhash)},
          {"params", auth_params(c.params)}};
}

json credentials(const msg::Credentials& c) {
  char nc[9] = {};
  if (c.nc) std::snprintf(nc, sizeof nc, "%08x", *c.nc);
  return {{"scheme", c.scheme},
          {"username", optional(c.username)},
          {"realm", optional(c.realm)},
          {"nonce", optional(c.nonce)},
          {"uri", optional(c.uri)},
          {"response", optional(c.response)},
          {"algorithm", optional(c.algorithm)},
          {"cnonce", optional(c.cnonce)},
          {"opaque", optional(c.opaque)},
          {"qop", optional(c.qop)},
          {"nc", c.nc ? json(nc) : json(nullptr)},
          {"userhash", optional(c.userhash)},
          {"params", auth_params(c.params)}};
}

json authentication_info(const msg::AuthenticationInfo& a) {
  char nc[9] = {};
  if (a.nc) std::snprintf(nc, sizeof nc, "%08x", *a.nc);
  return {{"nextnonce", optional(a.nextnonce)},    {"qop", optional(a.qop)},
          {"rspauth", optional(a.rspauth)},        {"cnonce", optional(a.cnonce)},
          {"nc", a.nc ? json(nc) : json(nullptr)}, {"params", auth_params(a.params)}};
}

std::string_view sub_state(msg::SubState s) {
  switch (s) {
    case msg::SubState::Active:
      return "active";
    case msg::SubState::Pending:
      return "pending";
    case msg::SubState::Terminated:
      return "terminated";
    case msg::SubState::Extension:
      break;
  }
  return "extension";
}

// "54.2" -> 54.2; Timestamp values are numbers with an optional fraction.
json decimal(std::string_view text) {
  std::string s(text);
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s.empty()) return json(0);
  return json(std::stod(s));
}

}  // namespace

json to_json(const msg::Params& params) {
  json out = json::object();
  for (const msg::Param& p : params)
    out[std::string(p.name)] = p.has_value ? json(p.value) : json(nullptr);
  return out;
}

json to_json(const msg::Uri& uri) {
  if (const msg::SipUri* u = uri.sip())
    return {{"scheme", uri.scheme()},
            {"user", optional(u->user)},
            {"password", optional(u->password)},
            {"host", u->host},
            {"host_kind", host_kind(u->host_kind)},
            {"port", optional(u->port)},
            {"params", to_json(u->params)},
            {"headers", to_json(u->headers)}};
  if (const msg::TelUri* t = uri.tel())
    return {{"scheme", "tel"},
            {"number", t->number},
            {"global", t->global},
            {"params", to_json(t->params)}};
  return {{"scheme", uri.scheme()}, {"rest", uri.other()->rest}};
}

json to_json(const msg::NameAddr& a) {
  return {{"display_name", a.display_name.empty() ? json(nullptr) : json(a.display_text())},
          {"uri", to_json(a.uri)},
          {"params", to_json(a.params)}};
}

json to_json(const msg::AnyHeader& header) {
  return std::visit(
      Overloaded{
          [](std::string_view s) { return json(s); },
          [](std::uint32_t n) { return json(n); },
          [](const std::vector<std::string_view>& v) { return strings(v); },
          [](const std::vector<msg::Via>& v) { return array(v, via); },
          [](const msg::NameAddr& a) { return to_json(a); },
          [](const std::vector<msg::NameAddr>& v) {
            return array(v, [](const msg::NameAddr& a) { return to_json(a); });
          },
          [](const msg::ContactList& c) {
            json out = array(c.contacts, [](const msg::NameAddr& a) { return to_json(a); });
            return c.star ? json("*") : out;
          },
          [](const msg::CSeq& c) {
            return json{{"number", c.number}, {"method", c.method_name}};
          },
          [](const msg::Challenge& c) { return challenge(c); },
          [](const msg::Credentials& c) { return credentials(c); },
          [](const msg::AuthenticationInfo& a) { return authentication_info(a); },
          [](const msg::MediaType& t) { return media_type(t); },
          [](const std::vector<msg::MediaRange>& v) {
            return array(v, [](const msg::MediaRange& r) {
              return json{{"type", r.type},
                          {"subtype", r.subtype},
                          {"params", to_json(r.params)},
                          {"q", qvalue(r.q)},
                          {"accept_params", to_json(r.accept_params)}};
            });
          },
          [](const std::vector<msg::Coding>& v) {
            return array(v, [](const msg::Coding& c) {
              return json{{"coding", c.coding}, {"q", qvalue(c.q)}, {"params", to_json(c.params)}};
            });
          },
          [](const std::vector<msg::LanguageRange>& v) {
            return array(v, [](const msg::LanguageRange& l) {
              return json{{"range", l.range}, {"q", qvalue(l.q)}, {"params", to_json(l.params)}};
            });
          },
          [](const msg::ContentDisposition& d) {
            return json{{"type", d.type},
                        {"handling", optional(d.handling)},
                        {"params", to_json(d.params)}};
          },
          [](const msg::MimeVersion& v) {
            return json{{"major", v.major}, {"minor", v.minor}};
          },
          [](const msg::Event& e) {
            return json{{"type", e.type},
                        {"package", e.package()},
                        {"templates", e.templates()},
                        {"id", optional(e.id)},
                        {"params", to_json(e.params)}};
          },
          [](const msg::SubscriptionState& s) {
            return json{{"state", sub_state(s.state)},
                        {"value", s.value},
                        {"reason", optional(s.reason)},
                        {"expires", optional(s.expires)},
                        {"retry_after", optional(s.retry_after)},
                        {"params", to_json(s.params)}};
          },
          [](const msg::ReferredBy& r) {
            json out = to_json(r.address);
            out["cid"] = optional(r.cid);
            return out;
          },
          [](const msg::Replaces& r) {
            return json{{"call_id", r.call_id},
                        {"to_tag", r.to_tag},
                        {"from_tag", r.from_tag},
                        {"early_only", r.early_only},
                        {"params", to_json(r.params)}};
          },
          [](const msg::RAck& r) {
            return json{{"response_num", r.response_num},
                        {"cseq_num", r.cseq_num},
                        {"method", r.method_name}};
          },
          [](const msg::SessionExpires& s) {
            return json{{"delta_seconds", s.delta_seconds},
                        {"refresher", s.refresher == msg::Refresher::Uac   ? json("uac")
                                      : s.refresher == msg::Refresher::Uas ? json("uas")
                                                                           : json(nullptr)},
                        {"params", to_json(s.params)}};
          },
          [](const msg::MinSE& m) {
            return json{{"delta_seconds", m.delta_seconds}, {"params", to_json(m.params)}};
          },
          [](const std::vector<msg::Reason>& v) {
            return array(v, [](const msg::Reason& r) {
              return json{{"protocol", r.protocol},
                          {"cause", optional(r.cause)},
                          {"text", r.text ? json(msg::unquote(*r.text)) : json(nullptr)},
                          {"params", to_json(r.params)}};
            });
          },
          [](const msg::RetryAfter& r) {
            return json{{"delta_seconds", r.delta_seconds},
                        {"comment", optional(r.comment)},
                        {"duration", optional(r.duration)},
                        {"params", to_json(r.params)}};
          },
          [](const msg::InfoPackage& p) {
            return json{{"name", p.name}, {"params", to_json(p.params)}};
          },
          [](const std::vector<msg::InfoPackage>& v) {
            return array(v, [](const msg::InfoPackage& p) {
              return json{{"name", p.name}, {"params", to_json(p.params)}};
            });
          },
          [](const std::vector<msg::InfoUri>& v) {
            return array(v, [](const msg::InfoUri& i) {
              return json{{"uri", to_json(i.uri)},
                          {"purpose", optional(i.purpose())},
                          {"params", to_json(i.params)}};
            });
          },
          [](const std::vector<msg::Warning>& v) {
            return array(v, [](const msg::Warning& w) {
              return json{{"code", w.code}, {"agent", w.agent}, {"text", msg::unquote(w.text)}};
            });
          },
          [](const msg::SipDate& d) {
            return json{{"year", d.year},
                        {"month", d.month},
                        {"day", d.day},
                        {"hour", d.hour},
                        {"minute", d.minute},
                        {"second", d.second},
                        {"iso8601", [&d] {
                           char buf[32];
                           std::snprintf(buf, sizeof buf, "%04u-%02u-%02uT%02u:%02u:%02uZ",
                                         unsigned{d.year}, unsigned{d.month}, unsigned{d.day},
                                         unsigned{d.hour}, unsigned{d.minute}, unsigned{d.second});
                           return std::string(buf);
                         }()}};
          },
          [](const msg::Timestamp& t) {
            return json{{"value", decimal(t.value)},
                        {"delay", t.delay ? decimal(*t.delay) : json(nullptr)}};
          },
          [](const msg::ProductList& p) {
            return json{{"text", p.text},
                        {"products", array(p.products, [](const msg::Product& x) {
                           if (!x.comment.empty() || x.name.empty())
                             return json{{"comment", x.comment}};
                           return json{
                               {"name", x.name},
                               {"version", x.version.empty() ? json(nullptr) : json(x.version)}};
                         })}};
          },
      },
      header);
}

}  // namespace parley::app
