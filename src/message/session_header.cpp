#include "message/session_header.hpp"

#include "message/cseq.hpp"
#include "message/header_values.hpp"
#include "message/scanner.hpp"

namespace parley::message {

namespace {

std::optional<ParseError> expect_end(Scanner& s) {
  s.skip_ws();
  if (!s.eof()) return s.error(std::string("unexpected '") + s.peek() + "'");
  return std::nullopt;
}

// delta-seconds at the scanner, then *(SEMI generic-param) to the end.
ParseResult<std::uint32_t> leading_seconds(Scanner& s) {
  s.skip_ws();
  std::size_t start = s.pos();
  std::string_view digits = s.digits();
  if (digits.empty()) return fail(s.error("expected delta-seconds"));
  auto n = parse_delta_seconds(digits);
  if (!n) return fail(shifted(std::move(n).error(), start));
  return n;
}

// 1*DIGIT within [min, max].
ParseResult<std::uint32_t> ranged(std::string_view digits, std::uint32_t min, std::uint32_t max,
                                  std::string_view what) {
  if (digits.empty()) return fail(syntax_error("expected the " + std::string(what)));
  auto n = parse_number(digits, max);
  if (!n || *n < min)
    return fail(syntax_error(std::string(what) + " must be a number from " + std::to_string(min) +
                             " to " + std::to_string(max) + ", not '" +
                             std::string(digits.substr(0, 16)) + "'"));
  return n;
}

}  // namespace

// ---- RSeq, RAck

ParseResult<std::uint32_t> parse_rseq(std::string_view value) {
  // RFC 3262 §3: "The value of the RSeq ... MUST be between 1 and 2**31 - 1."
  return ranged(trim(value), 1, 0x7fffffffu, "response-num");
}

void RAck::append_to(std::string& out) const {
  out.append(std::to_string(response_num))
      .append(" ")
      .append(std::to_string(cseq_num))
      .append(" ")
      .append(method_name);
}

std::string RAck::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<RAck> parse_rack(std::string_view value) {
  Scanner s(value);
  s.skip_ws();
  RAck r;
  std::size_t at = s.pos();
  auto rseq = parse_rseq(s.digits());
  if (!rseq) return fail(shifted(std::move(rseq).error(), at));
  r.response_num = *rseq;
  std::size_t before = s.pos();
  s.skip_ws();
  if (s.pos() == before) return fail(s.error("expected white space after the response-num"));
  at = s.pos();
  // CSeq-num: the CSeq sequence number, below 2**31 (RFC 3261 §8.1.1.5).
  auto cseq = ranged(s.digits(), 0, 0x7fffffffu, "CSeq-num");
  if (!cseq) return fail(shifted(std::move(cseq).error(), at));
  r.cseq_num = *cseq;
  before = s.pos();
  s.skip_ws();
  if (s.pos() == before) return fail(s.error("expected white space after the CSeq-num"));
  r.method_name = s.token();
  if (r.method_name.empty()) return fail(s.error("expected a method"));
  r.method = method_from_name(r.method_name);
  if (auto e = expect_end(s)) return fail(std::move(*e));
  return r;
}

// ---- Session-Expires, Min-SE

void SessionExpires::append_to(std::string& out) const {
  out.append(std::to_string(delta_seconds));
  if (refresher != Refresher::Unspecified)
    append_param(out, "refresher", refresher == Refresher::Uac ? "uac" : "uas");
  params.append_to(out);
}

std::string SessionExpires::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<SessionExpires> parse_session_expires(std::string_view value) {
  Scanner s(value);
  SessionExpires se;
  auto n = leading_seconds(s);
  if (!n) return fail(std::move(n).error());
  se.delta_seconds = *n;
  auto params = parse_header_params(s);
  if (!params) return fail(std::move(params).error());
  if (auto e = expect_end(s)) return fail(std::move(*e));
  auto refresher = take_param(*params, "refresher", value);
  if (!refresher) return fail(std::move(refresher).error());
  if (*refresher) {
    std::string_view v = (*refresher)->value;
    if (iequals(v, "uac"))
      se.refresher = Refresher::Uac;
    else if (iequals(v, "uas"))
      se.refresher = Refresher::Uas;
    else
      return fail(syntax_error("refresher must be uac or uas, not '" + std::string(v) + "'",
                               offset_in(value, v)));
  }
  se.params = std::move(*params);
  return se;
}

void MinSE::append_to(std::string& out) const {
  out.append(std::to_string(delta_seconds));
  params.append_to(out);
}

std::string MinSE::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<MinSE> parse_min_se(std::string_view value) {
  Scanner s(value);
  MinSE m;
  auto n = leading_seconds(s);
  if (!n) return fail(std::move(n).error());
  m.delta_seconds = *n;
  auto params = parse_header_params(s);
  if (!params) return fail(std::move(params).error());
  if (auto e = expect_end(s)) return fail(std::move(*e));
  m.params = std::move(*params);
  return m;
}

// ---- Reason

void Reason::append_to(std::string& out) const {
  out.append(protocol);
  if (cause) append_param(out, "cause", std::to_string(*cause));
  if (text) append_param(out, "text", *text, true);
  params.append_to(out);
}

std::string Reason::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<std::vector<Reason>> parse_reason(std::string_view value) {
  return parse_list<Reason>(value, [](std::string_view item) -> ParseResult<Reason> {
    Scanner s(item);
    Reason r;
    r.protocol = s.token();
    if (r.protocol.empty()) return fail(s.error("expected a protocol (SIP, Q.850, ...)"));
    auto params = parse_header_params(s);
    if (!params) return fail(std::move(params).error());
    if (auto e = expect_end(s)) return fail(std::move(*e));
    auto cause = take_param(*params, "cause", item);
    if (!cause) return fail(std::move(cause).error());
    if (*cause) {
      // protocol-cause = "cause" EQUAL cause; cause = 1*DIGIT
      auto n = parse_number((*cause)->value);
      if (!n || (*cause)->quoted)
        return fail(syntax_error(
            "cause must be a number, not '" + std::string((*cause)->value.substr(0, 16)) + "'",
            offset_in(item, (*cause)->value)));
      r.cause = *n;
    }
    auto text = take_param(*params, "text", item, false);
    if (!text) return fail(std::move(text).error());
    if (*text) {
      // reason-text = "text" EQUAL quoted-string
      if (!(*text)->quoted)
        return fail(syntax_error("text must be a quoted string", offset_in(item, (*text)->name)));
      r.text = (*text)->value;
    }
    r.params = std::move(*params);
    return r;
  });
}

// ---- Retry-After

void RetryAfter::append_to(std::string& out) const {
  out.append(std::to_string(delta_seconds));
  if (comment) out.append(" (").append(*comment).append(")");
  if (duration) append_param(out, "duration", std::to_string(*duration));
  params.append_to(out);
}

std::string RetryAfter::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<RetryAfter> parse_retry_after(std::string_view value) {
  Scanner s(value);
  RetryAfter r;
  auto n = leading_seconds(s);
  if (!n) return fail(std::move(n).error());
  r.delta_seconds = *n;
  s.skip_ws();
  if (s.peek() == '(') {
    // comment = LPAREN *(ctext / quoted-pair / comment) RPAREN: comments nest.
    std::size_t start = s.pos() + 1;
    int depth = 0;
    do {
      char c = s.peek();
      if (s.eof()) return fail(syntax_error("comment is missing ')'", start - 1));
      if (c == '\\')
        s.advance();
      else if (c == '(')
        ++depth;
      else if (c == ')')
        --depth;
      s.advance();
    } while (depth > 0);
    r.comment = value.substr(start, s.pos() - 1 - start);
  }
  auto params = parse_header_params(s);
  if (!params) return fail(std::move(params).error());
  if (auto e = expect_end(s)) return fail(std::move(*e));
  auto duration = take_seconds(*params, "duration", value);
  if (!duration) return fail(std::move(duration).error());
  r.duration = *duration;
  r.params = std::move(*params);
  return r;
}

// ---- Expires, Min-Expires

ParseResult<std::uint32_t> parse_expires(std::string_view value) {
  return parse_delta_seconds(value);
}

// ---- Privacy

ParseResult<std::vector<std::string_view>> parse_privacy(std::string_view value) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= value.size(); ++i) {
    if (i < value.size() && value[i] != ';') continue;
    auto v = parse_token(value.substr(start, i - start), "priv-value");
    if (!v) return fail(shifted(std::move(v).error(), start));
    out.push_back(*v);
    start = i + 1;
  }
  return out;
}

std::string privacy_to_string(const std::vector<std::string_view>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) out.append(i ? ";" : "").append(values[i]);
  return out;
}

// ---- SIP-ETag, SIP-If-Match

ParseResult<std::string_view> parse_entity_tag(std::string_view value) {
  return parse_token(value, "entity-tag");
}

// ---- Info-Package, Recv-Info

void InfoPackage::append_to(std::string& out) const {
  out.append(name);
  params.append_to(out);
}

std::string InfoPackage::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

namespace {
ParseResult<InfoPackage> parse_info_package_type(std::string_view item) {
  Scanner s(item);
  s.skip_ws();
  InfoPackage p;
  p.name = s.token();
  if (p.name.empty()) return fail(s.error("expected an info package name"));
  auto params = parse_header_params(s);
  if (!params) return fail(std::move(params).error());
  if (auto e = expect_end(s)) return fail(std::move(*e));
  p.params = std::move(*params);
  return p;
}
}  // namespace

ParseResult<InfoPackage> parse_info_package(std::string_view value) {
  // Info-Package = "Info-Package" HCOLON Info-package-type: one, no list.
  if (trim(value).empty()) return fail(syntax_error("empty value"));
  return parse_info_package_type(value);
}

ParseResult<std::vector<InfoPackage>> parse_recv_info(std::string_view value) {
  return parse_list<InfoPackage>(value, parse_info_package_type, true);
}

}  // namespace parley::message
