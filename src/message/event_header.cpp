#include "message/event_header.hpp"

#include "message/header_values.hpp"
#include "message/scanner.hpp"

namespace parley::message {

namespace {

// event-type = event-package *( "." event-template ); token-nodot = token chars but '.'.
std::optional<ParseError> check_event_type(std::string_view type) {
  if (type.empty()) return syntax_error("expected an event type");
  std::size_t start = 0;
  for (std::size_t i = 0; i <= type.size(); ++i) {
    if (i < type.size() && type[i] != '.') {
      if (!chars::is_token(type[i]))
        return syntax_error("invalid character '" + std::string(1, type[i]) + "' in event type '" +
                                std::string(type) + "'",
                            i);
      continue;
    }
    if (i == start)
      return syntax_error("empty package or template in event type '" + std::string(type) + "'", i);
    start = i + 1;
  }
  return std::nullopt;
}

std::optional<ParseError> expect_end(Scanner& s) {
  s.skip_ws();
  if (!s.eof()) return s.error(std::string("unexpected '") + s.peek() + "'");
  return std::nullopt;
}

// Takes a parameter whose value must be a token.
ParseResult<std::optional<std::string_view>> take_token(Params& params, std::string_view name,
                                                        std::string_view text) {
  auto p = take_param(params, name, text);
  if (!p) return fail(std::move(p).error());
  if (!*p) return std::optional<std::string_view>{};
  if ((*p)->quoted)
    return fail(syntax_error("parameter '" + std::string(name) + "' must be a token",
                             offset_in(text, (*p)->value)));
  return std::optional<std::string_view>((*p)->value);
}

// A URI with headers written without <> (RFC 3261 §20.10: "the name-addr form MUST be used if the
// addr-spec contains a comma, semicolon, or question mark").
std::optional<ParseError> check_brackets(const NameAddr& na) {
  if (na.angle_brackets) return std::nullopt;
  if (na.uri.text().find_first_of("?,") != std::string_view::npos)
    return syntax_error("a URI with '?' or ',' must be enclosed in '<' '>'");
  return std::nullopt;
}

}  // namespace

// ---- Event, Allow-Events

std::string_view Event::package() const { return type.substr(0, type.find('.')); }

std::string_view Event::templates() const {
  std::size_t dot = type.find('.');
  return dot == std::string_view::npos ? std::string_view{} : type.substr(dot + 1);
}

void Event::append_to(std::string& out) const {
  out.append(type);
  if (id) append_param(out, "id", *id);
  params.append_to(out);
}

std::string Event::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<Event> parse_event(std::string_view value) {
  Scanner s(value);
  s.skip_ws();
  Event e;
  std::size_t start = s.pos();
  e.type = s.token();
  if (auto err = check_event_type(e.type)) return fail(shifted(std::move(*err), start));
  auto params = parse_header_params(s);
  if (!params) return fail(std::move(params).error());
  if (auto err = expect_end(s)) return fail(std::move(*err));
  auto id = take_token(*params, "id", value);
  if (!id) return fail(std::move(id).error());
  e.id = *id;
  e.params = std::move(*params);
  return e;
}

ParseResult<std::vector<std::string_view>> parse_allow_events(std::string_view value) {
  return parse_list<std::string_view>(value,
                                      [](std::string_view item) -> ParseResult<std::string_view> {
                                        if (auto err = check_event_type(item))
                                          return fail(std::move(*err));
                                        return item;
                                      });
}

// ---- Subscription-State

void SubscriptionState::append_to(std::string& out) const {
  out.append(value);
  if (reason) append_param(out, "reason", *reason);
  if (expires) append_param(out, "expires", std::to_string(*expires));
  if (retry_after) append_param(out, "retry-after", std::to_string(*retry_after));
  params.append_to(out);
}

std::string SubscriptionState::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<SubscriptionState> parse_subscription_state(std::string_view value) {
  Scanner s(value);
  s.skip_ws();
  SubscriptionState st;
  st.value = s.token();
  if (st.value.empty()) return fail(s.error("expected active, pending or terminated"));
  if (iequals(st.value, "active"))
    st.state = SubState::Active;
  else if (iequals(st.value, "pending"))
    st.state = SubState::Pending;
  else if (iequals(st.value, "terminated"))
    st.state = SubState::Terminated;
  auto params = parse_header_params(s);
  if (!params) return fail(std::move(params).error());
  if (auto err = expect_end(s)) return fail(std::move(*err));
  auto reason = take_token(*params, "reason", value);
  if (!reason) return fail(std::move(reason).error());
  st.reason = *reason;
  auto expires = take_seconds(*params, "expires", value);
  if (!expires) return fail(std::move(expires).error());
  st.expires = *expires;
  auto retry = take_seconds(*params, "retry-after", value);
  if (!retry) return fail(std::move(retry).error());
  st.retry_after = *retry;
  st.params = std::move(*params);
  return st;
}

// ---- Refer-To

ParseResult<NameAddr> parse_refer_to(std::string_view value) {
  auto na = parse_name_addr(value);
  if (!na) return na;
  if (auto err = check_brackets(*na)) return fail(std::move(*err));
  return na;
}

std::optional<std::string> embedded_header(const NameAddr& address, std::string_view name) {
  const SipUri* sip = address.uri.sip();
  if (!sip) return std::nullopt;
  auto v = sip->headers.get(name);
  if (!v) return std::nullopt;
  return unescape(*v);
}

// ---- Referred-By

void ReferredBy::append_to(std::string& out) const {
  address.append_to(out);
  if (cid) append_param(out, "cid", *cid, true);
}

std::string ReferredBy::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<ReferredBy> parse_referred_by(std::string_view value) {
  auto na = parse_name_addr(value);
  if (!na) return fail(std::move(na).error());
  if (auto err = check_brackets(*na)) return fail(std::move(*err));
  ReferredBy r;
  r.address = std::move(*na);
  auto cid = take_param(r.address.params, "cid", value);
  if (!cid) return fail(std::move(cid).error());
  if (*cid) {
    // referredby-id-param = "cid" EQUAL sip-clean-msg-id;
    // sip-clean-msg-id = LDQUOT dot-atom "@" (dot-atom / host) RDQUOT
    const Param& p = **cid;
    std::size_t at = p.value.find('@');
    if (!p.quoted || at == 0 || at == std::string_view::npos || at + 1 == p.value.size())
      return fail(syntax_error("cid must be a quoted \"local@domain\" message id",
                               offset_in(value, p.value)));
    r.cid = p.value;
  }
  return r;
}

// ---- Replaces

void Replaces::append_to(std::string& out) const {
  out.append(call_id);
  append_param(out, "to-tag", to_tag);
  append_param(out, "from-tag", from_tag);
  if (early_only) out.append(";early-only");
  params.append_to(out);
}

std::string Replaces::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<Replaces> parse_replaces(std::string_view value) {
  Scanner s(value);
  s.skip_ws();
  std::size_t start = s.pos();
  while (!s.eof() && s.peek() != ';' && !chars::is_ws(s.peek())) s.advance();
  Replaces r;
  auto callid = parse_callid(value.substr(start, s.pos() - start));
  if (!callid) return fail(shifted(std::move(callid).error(), start));
  r.call_id = *callid;
  auto params = parse_header_params(s);
  if (!params) return fail(std::move(params).error());
  if (auto err = expect_end(s)) return fail(std::move(*err));
  auto to_tag = take_token(*params, "to-tag", value);
  if (!to_tag) return fail(std::move(to_tag).error());
  auto from_tag = take_token(*params, "from-tag", value);
  if (!from_tag) return fail(std::move(from_tag).error());
  if (!*to_tag) return fail(syntax_error("missing to-tag (RFC 3891 §6.1)"));
  if (!*from_tag) return fail(syntax_error("missing from-tag (RFC 3891 §6.1)"));
  r.to_tag = **to_tag;
  r.from_tag = **from_tag;
  auto early = take_param(*params, "early-only", value, false);
  if (!early) return fail(std::move(early).error());
  if (*early && (*early)->has_value)
    return fail(syntax_error("early-only takes no value", offset_in(value, (*early)->name)));
  r.early_only = early->has_value();
  r.params = std::move(*params);
  return r;
}

}  // namespace parley::message
