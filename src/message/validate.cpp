#include "message/validate.hpp"

namespace parley::message {

std::optional<ParseError> validate(const Message& m) {
  if (m.is_request()) {
    const auto& uri = m.request_uri();
    if (!uri) return uri.error();
    // §8.2.2.1: "If the Request-URI uses a scheme not supported by the UAS, it SHOULD reject the
    // request with a 416 (Unsupported URI Scheme) response."
    if (uri->other()) {
      ParseError e{416, "URI scheme '" + std::string(uri->scheme()) + "' is not supported", 1, 0};
      return e;
    }
  }
  if (const auto& v = m.via(); !v) return v.error();
  // protocol-name = "SIP" / token: an ABNF literal, so "sip" and "Sip" are SIP (RFC 2234 §2.3).
  for (const Via& v : *m.via())
    if (!iequals(v.protocol_name, "SIP") || v.protocol_version != "2.0")
      return ParseError{400,
                        "Via: unsupported sent-protocol " + std::string(v.protocol_name) + "/" +
                            std::string(v.protocol_version),
                        0, 0};
  if (const auto& f = m.from(); !f) return f.error();
  if (const auto& t = m.to(); !t) return t.error();
  std::string_view call_id = m.call_id().value_or(std::string_view{});
  if (call_id.empty()) return ParseError{400, "missing Call-ID header", 0, 0};
  if (m.count(HeaderId::CallId) > 1) return ParseError{400, "more than one Call-ID header", 0, 0};
  for (char c : call_id)
    if (!chars::is_word(c) && c != '@')
      return m.locate(syntax_error(std::string("invalid character '") + c + "' in Call-ID"),
                      *m.find(HeaderId::CallId));
  const auto& cseq = m.cseq();
  if (!cseq) return cseq.error();
  if (m.is_request() && cseq->method_name != m.method_name())
    return m.locate(
        syntax_error("CSeq method " + std::string(cseq->method_name) +
                     " does not match the request method " + std::string(m.method_name())),
        *m.find(HeaderId::CSeq));
  if (const auto& mf = m.max_forwards(); !mf) return mf.error();
  if (const auto& c = m.contact(); !c) return c.error();
  if (const auto& r = m.route(); !r) return r.error();
  if (const auto& r = m.record_route(); !r) return r.error();
  return std::nullopt;
}

}  // namespace parley::message
