#include "message/any_header.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "message/crosscheck.hpp"
#include "message/header_values.hpp"
#include "message/validate.hpp"

namespace parley::message {

namespace {

template <class T>
ParseResult<AnyHeader> wrap(ParseResult<T>&& r) {
  if (!r) return fail(std::move(r).error());
  return ParseResult<AnyHeader>(std::in_place, std::in_place_type<T>, std::move(*r));
}

// A plain parser (parse_via_plain, ...) writing straight into the AnyHeader it returns; the
// careful parser when the plain one declines.
template <class T, class Plain, class Careful>
ParseResult<AnyHeader> in_place(std::string_view value, Plain&& plain, Careful&& careful) {
  ParseResult<AnyHeader> r(std::in_place, std::in_place_type<T>);
  if (!plain(value, std::get<T>(*r))) r = wrap(careful(value));
  return r;
}

// Authorization, Proxy-Authorization, WWW-Authenticate and Proxy-Authenticate may repeat although
// they are no comma-separated lists (§20.7, §20.28, §22.3).
bool may_repeat(HeaderId id) {
  switch (id) {
    case HeaderId::Authorization:
    case HeaderId::ProxyAuthorization:
    case HeaderId::WwwAuthenticate:
    case HeaderId::ProxyAuthenticate:
    case HeaderId::Unknown:
      return true;
    default:
      return is_list_header(id);
  }
}

// Checks beyond the grammar of one field, on its parsed value.
void check_value(const Message& m, const HeaderField& f, const AnyHeader& v,
                 std::vector<ParseError>& out) {
  if (f.id == HeaderId::Via) {
    for (const Via& via : std::get<std::vector<Via>>(v))
      // protocol-name = "SIP" / token, an ABNF literal and so case-insensitive (RFC 2234 §2.3).
      if (!iequals(via.protocol_name, "SIP") || via.protocol_version != "2.0")
        out.push_back(
            m.locate(syntax_error("unsupported sent-protocol " + std::string(via.protocol_name) +
                                  "/" + std::string(via.protocol_version)),
                     f));
  } else if (f.id == HeaderId::Contact) {
    for (const NameAddr& c : std::get<ContactList>(v).contacts) {
      if (auto q = contact_q(c); !q) out.push_back(m.locate(q.error(), f));
      if (auto e = contact_expires(c); !e) out.push_back(m.locate(e.error(), f));
    }
  }
}

}  // namespace

ParseResult<AnyHeader> parse_header(HeaderId id, std::string_view value) {
  switch (id) {
    case HeaderId::Unknown:
    case HeaderId::Count:
      return AnyHeader(std::in_place_type<std::string_view>, value);
    // ---- RFC 3261 core, parsed by the existing parsers. Under kCrosscheck the plain attempt
    // is skipped so that the public parsers, which compare plain and careful, do the work.
    case HeaderId::Via:
      return in_place<std::vector<Via>>(
          value,
          [](std::string_view v, std::vector<Via>& out) {
            return kCrosscheck ? false : plain_list_into(v, out, parse_via_plain);
          },
          parse_via_list);
    case HeaderId::From:
    case HeaderId::To:
    case HeaderId::ReplyTo:
      return in_place<NameAddr>(
          value,
          [](std::string_view v, NameAddr& out) {
            return kCrosscheck ? false : parse_name_addr_plain(v, out);
          },
          parse_name_addr);
    case HeaderId::Contact:
      return wrap(parse_contact(value));
    case HeaderId::Route:
    case HeaderId::RecordRoute:
    case HeaderId::Path:
    case HeaderId::ServiceRoute:
    case HeaderId::PAssertedIdentity:
    case HeaderId::PPreferredIdentity:
      return in_place<std::vector<NameAddr>>(
          value,
          [](std::string_view v, std::vector<NameAddr>& out) {
            return kCrosscheck ? false : plain_list_into(v, out, parse_name_addr_plain);
          },
          parse_name_addr_list);
    case HeaderId::CSeq:
      return wrap(parse_cseq(value));
    case HeaderId::CallId:
      return wrap(parse_callid(value, "Call-ID"));
    case HeaderId::ContentLength:
      return wrap(parse_number(value));
    case HeaderId::MaxForwards:
      // §20.22: 0-255 in practice; §25.1 allows any 1*DIGIT, Message caps it at 2**31-1.
      return wrap(parse_number(value, 0x7fffffffu));
    // ---- authentication
    case HeaderId::WwwAuthenticate:
    case HeaderId::ProxyAuthenticate:
      return wrap(parse_challenge(value));
    case HeaderId::Authorization:
    case HeaderId::ProxyAuthorization:
      return wrap(parse_credentials(value));
    case HeaderId::AuthenticationInfo:
      return wrap(parse_authentication_info(value));
    // ---- media
    case HeaderId::ContentType:
      return wrap(parse_media_type(value));
    case HeaderId::Accept:
      return wrap(parse_accept(value));
    case HeaderId::AcceptEncoding:
      return wrap(parse_accept_encoding(value));
    case HeaderId::AcceptLanguage:
      return wrap(parse_accept_language(value));
    case HeaderId::ContentEncoding:
      return wrap(parse_content_encoding(value));
    case HeaderId::ContentLanguage:
      return wrap(parse_content_language(value));
    case HeaderId::ContentDisposition:
      return wrap(parse_content_disposition(value));
    case HeaderId::MimeVersion:
      return wrap(parse_mime_version(value));
    // ---- events and transfer
    case HeaderId::Event:
      return wrap(parse_event(value));
    case HeaderId::AllowEvents:
      return wrap(parse_allow_events(value));
    case HeaderId::SubscriptionState:
      return wrap(parse_subscription_state(value));
    case HeaderId::ReferTo:
      return wrap(parse_refer_to(value));
    case HeaderId::ReferredBy:
      return wrap(parse_referred_by(value));
    case HeaderId::Replaces:
      return wrap(parse_replaces(value));
    // ---- reliability, sessions, expiry
    case HeaderId::RSeq:
      return wrap(parse_rseq(value));
    case HeaderId::RAck:
      return wrap(parse_rack(value));
    case HeaderId::SessionExpires:
      return wrap(parse_session_expires(value));
    case HeaderId::MinSE:
      return wrap(parse_min_se(value));
    case HeaderId::Reason:
      return wrap(parse_reason(value));
    case HeaderId::RetryAfter:
      return wrap(parse_retry_after(value));
    case HeaderId::Expires:
    case HeaderId::MinExpires:
      return wrap(parse_expires(value));
    case HeaderId::Privacy:
      return wrap(parse_privacy(value));
    case HeaderId::SipETag:
    case HeaderId::SipIfMatch:
      return wrap(parse_entity_tag(value));
    case HeaderId::InfoPackage:
      return wrap(parse_info_package(value));
    case HeaderId::RecvInfo:
      return wrap(parse_recv_info(value));
    // ---- option tags and methods
    case HeaderId::Allow:
      return wrap(parse_allow(value));
    case HeaderId::Supported:
      return wrap(parse_supported(value));
    case HeaderId::Require:
    case HeaderId::ProxyRequire:
    case HeaderId::Unsupported:
      return wrap(parse_option_tags(value));
    // ---- informational
    case HeaderId::AlertInfo:
    case HeaderId::CallInfo:
    case HeaderId::ErrorInfo:
      return wrap(parse_info_uris(value));
    case HeaderId::Warning:
      return wrap(parse_warning(value));
    case HeaderId::Date:
      return wrap(parse_date(value));
    case HeaderId::Timestamp:
      return wrap(parse_timestamp(value));
    case HeaderId::Subject:
    case HeaderId::Organization:
      return wrap(parse_text(value));
    case HeaderId::Server:
    case HeaderId::UserAgent:
      return wrap(parse_product_list(value));
    case HeaderId::Priority:
      return wrap(parse_priority(value));
    case HeaderId::InReplyTo:
      return wrap(parse_in_reply_to(value));
  }
  return AnyHeader(std::in_place_type<std::string_view>, value);
}

std::vector<ParseError> lint(const Message& m) {
  std::vector<ParseError> out;

  // §8.2.2.1: the Request-URI, and the scheme a UAS serves.
  if (m.is_request()) {
    const auto& uri = m.request_uri();
    if (!uri)
      out.push_back(uri.error());
    else if (uri->other())
      out.push_back(ParseError{
          416, "URI scheme '" + std::string(uri->scheme()) + "' is not supported", 1, 0});
  }

  // Every known header field, in order.
  std::array<std::uint16_t, static_cast<std::size_t>(HeaderId::Count)> seen{};
  for (const HeaderField& f : m.fields()) {
    if (f.id == HeaderId::Unknown) continue;
    // §7.3.1: only comma-separated lists may be split over several fields.
    if (++seen[static_cast<std::size_t>(f.id)] == 2 && !may_repeat(f.id))
      out.push_back(ParseError{400, "more than one " + std::string(header_name(f.id)) + " header",
                               f.line, f.offset});
    auto v = parse_header(f.id, f.value);
    if (!v)
      out.push_back(m.locate(std::move(v).error(), f));
    else
      check_value(m, f, *v, out);
  }

  // §8.1.1: the header fields every request and response carries.
  for (HeaderId id :
       {HeaderId::Via, HeaderId::From, HeaderId::To, HeaderId::CallId, HeaderId::CSeq})
    if (!seen[static_cast<std::size_t>(id)])
      out.push_back(ParseError{400, "missing " + std::string(header_name(id)) + " header", 0, 0});

  // §8.2.2 / §12.2.1.1: CSeq names the method of the request.
  if (m.is_request() && m.find(HeaderId::CSeq)) {
    const auto& cseq = m.cseq();
    if (cseq && cseq->method_name != m.method_name())
      out.push_back(m.locate(
          syntax_error("CSeq method " + std::string(cseq->method_name) +
                       " does not match the request method " + std::string(m.method_name())),
          *m.find(HeaderId::CSeq)));
  }

  // validate() may know checks this list does not: keep its finding unless it is one of ours (the
  // same text, a problem already reported on the same line, or "missing X header" for an X that
  // is present but was found wrong above).
  if (auto e = validate(m)) {
    bool known = false;
    for (const ParseError& o : out)
      if (o.what == e->what || (e->line != 0 && o.line == e->line)) known = true;
    if (e->what.starts_with("missing ") && e->what.ends_with(" header")) {
      std::string_view name = std::string_view(e->what).substr(8, e->what.size() - 15);
      if (m.find(name)) known = true;
    }
    if (!known) out.push_back(std::move(*e));
  }
  // In the order of the message; problems of the message as a whole (line 0) last.
  std::stable_sort(out.begin(), out.end(), [](const ParseError& a, const ParseError& b) {
    auto key = [](const ParseError& e) { return e.line == 0 ? UINT32_MAX : e.line; };
    return key(a) < key(b);
  });
  return out;
}

}  // namespace parley::message
