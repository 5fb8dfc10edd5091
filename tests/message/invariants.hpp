// The properties the message layer keeps for any input bytes at all. The fuzzers (fuzz/) check
// them on generated inputs, and the tests check them on the corpus, on mutations of it and on every
// input a fuzzer once crashed on (tests/data/regress/), so that a finding stays fixed.
//
// Each check returns an empty string when every property holds, else what broke. No test framework
// here: the fuzzers link no GoogleTest.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "message/builder.hpp"
#include "message/framer.hpp"
#include "message/message.hpp"
#include "message/uri.hpp"
#include "message/validate.hpp"

namespace parley::message::invariants {

// The statuses a parse or validation error may carry (RFC 3261 §21.4, §21.5).
inline bool allowed_status(int status) {
  return status == 400 || status == 413 || status == 414 || status == 416 || status == 505 ||
         status == 513;
}

inline std::string check_error(const ParseError& e, std::string_view where) {
  if (!allowed_status(e.status))
    return std::string(where) + ": unexpected status " + std::to_string(e.status);
  if (e.what.empty()) return std::string(where) + ": error without a text";
  return {};
}

// Re-parsing what the Message wrote may need a little more room than the input had: a
// Content-Length field is added when there was none, compact names grow to full ones.
inline Limits relaxed(const Limits& l = {}) {
  Limits r = l;
  r.max_message_size = l.max_message_size * 2 + 1024;
  r.max_headers = l.max_headers + 8;  // a proxy adds fields (Via, Record-Route) to what it forwards
  r.max_header_length = l.max_header_length + 64;
  return r;
}

// Touches every typed accessor; results may be errors, but those must be proper ones.
inline std::string exercise_accessors(const Message& m) {
  std::string broke;
  auto note = [&broke](const ParseError& e, std::string_view where) {
    if (broke.empty()) broke = check_error(e, where);
  };
  if (m.is_request()) {
    if (const auto& u = m.request_uri(); !u) note(u.error(), "request_uri");
  }
  (void)m.cseq_method();
  (void)m.call_id();
  if (const auto& v = m.via(); !v) {
    note(v.error(), "via");
  } else {
    for (const Via& via : *v) {
      (void)via.rport();
      (void)via.rfc3261_branch();
      // A Via written back from its parts reads the same.
      std::string text = via.to_string();
      auto again = parse_via(text);
      if (!again)
        broke = "Via '" + text + "' does not re-parse: " + again.error().what;
      else if (again->host != via.host || again->port != via.port ||
               again->branch() != via.branch() || again->transport != via.transport)
        broke = "Via '" + text + "' re-parses differently";
    }
  }
  auto name_addr_round_trip = [&broke](const NameAddr& na, std::string_view where) {
    (void)na.display_text();
    (void)na.tag();
    std::string text = na.to_string();
    auto again = parse_name_addr(text);
    if (!again) {
      broke = std::string(where) + " '" + text + "' does not re-parse: " + again.error().what;
    } else if (!equivalent(again->uri, na.uri) || again->tag() != na.tag() ||
               again->display_text() != na.display_text()) {
      broke = std::string(where) + " '" + text + "' re-parses differently";
    }
  };
  for (const auto* na : {&m.from(), &m.to()}) {
    if (!*na)
      note(na->error(), "from/to");
    else
      name_addr_round_trip(**na, "From/To");
  }
  if (const auto& c = m.cseq(); !c) note(c.error(), "cseq");
  if (const auto& mf = m.max_forwards(); !mf) note(mf.error(), "max_forwards");
  if (const auto& cl = m.content_length(); !cl) note(cl.error(), "content_length");
  for (const auto* list : {&m.route(), &m.record_route()}) {
    if (!*list) {
      note(list->error(), "route/record_route");
      continue;
    }
    for (const NameAddr& na : **list) name_addr_round_trip(na, "Route/Record-Route");
  }
  if (const auto& c = m.contact(); !c) {
    note(c.error(), "contact");
  } else {
    for (const NameAddr& na : c->contacts) {
      if (auto q = contact_q(na); !q) note(q.error(), "contact q");
      if (auto e = contact_expires(na); !e) note(e.error(), "contact expires");
      name_addr_round_trip(na, "Contact");
    }
  }
  for (int id = 1; id < static_cast<int>(HeaderId::Count); ++id) {
    auto hid = static_cast<HeaderId>(id);
    const HeaderField* f = m.find(hid);
    if ((f != nullptr) != (m.count(hid) > 0)) broke = "find and count disagree";
    (void)m.values(hid);
  }
  for (const HeaderField& f : m.fields())
    if (m.find(f.name) == nullptr) broke = "find(name) misses a field it has";
  if (auto e = validate(m)) note(*e, "validate");
  return broke;
}

// parse(bytes) never crashes; it fails with a proper error or gives a Message whose every accessor
// works and which reads back equal from serialize() and canonical().
// The answer error_response() writes for a refused request is itself a message that parses, with
// the status of the error.
inline std::string check_error_response(std::string_view bytes, const ParseError& e) {
  auto answer = error_response(bytes, e);
  if (!answer) return {};
  auto r = Message::parse(*answer);
  if (!r) return "error_response() wrote a response that does not parse: " + r.error().describe();
  if (r->status() != e.status) return "error_response() changed the status";
  return {};
}

// A response built for a valid request (§8.2.6.2) parses, validates, and carries the request's
// Via fields, From, Call-ID and CSeq, and a To tag.
inline std::string check_response_to(const Message& request) {
  auto r = response_to(request, 180, {}, "totag1").build();
  if (!r) return "response_to() built a response that does not parse: " + r.error().describe();
  if (auto e = validate(*r)) return "response_to() built an invalid response: " + e->describe();
  if (r->via()->size() != request.via()->size()) return "response_to() lost a Via";
  if (r->call_id() != request.call_id() || r->cseq()->number != request.cseq()->number ||
      r->from()->tag() != request.from()->tag())
    return "response_to() changed Call-ID, CSeq or From";
  if (r->to()->tag() != (request.to()->tag() ? request.to()->tag() : "totag1"))
    return "response_to() got the To tag wrong";
  return {};
}

inline std::string check_message(std::string_view bytes, const Limits& limits = {}) {
  auto parsed = Message::parse(bytes, limits);
  if (!parsed) {
    const ParseError& e = parsed.error();
    if (std::string broke = check_error(e, "parse"); !broke.empty()) return broke;
    // Where: an offset inside the input (line 0 is an error of the whole, like its size).
    if (e.offset > bytes.size()) return "parse error outside the input: " + e.describe();
    return check_error_response(bytes, e);
  }
  const Message& m = *parsed;
  if (std::string broke = exercise_accessors(m); !broke.empty()) return broke;
  if (auto e = validate(m)) {
    if (std::string broke = check_error_response(bytes, *e); !broke.empty()) return broke;
  } else if (m.is_request()) {
    if (std::string broke = check_response_to(m); !broke.empty()) return broke;
  }
  for (const HeaderField& f : m.fields()) {
    // Values are unfolded and trimmed (RFC 3261 §7.3.1).
    if (f.value.find_first_of("\r\n") != std::string_view::npos) return "a value holds a line end";
    if (!f.value.empty() && (chars::is_ws(f.value.front()) || chars::is_ws(f.value.back())))
      return "a value is not trimmed";
  }
  std::string out = m.serialize();
  auto again = Message::parse(out, relaxed(limits));
  if (!again) return "serialize() does not re-parse: " + again.error().describe();
  if (!(*again == m)) return "parse(serialize(m)) != m";
  if (again->serialize() != out) return "serialize() is not stable";
  // What serialize() writes always carries a Content-Length, so a stream can carry it: the
  // framer finds exactly one message in it.
  Frame whole = frame(out, relaxed(limits));
  if (whole.status != FrameStatus::Message || whole.size != out.size())
    return "the framer does not frame serialize() as one message";
  auto canon = Message::parse(m.canonical(), relaxed(limits));
  if (!canon) return "canonical() does not re-parse: " + canon.error().describe();
  if (!(*canon == m)) return "parse(canonical(m)) != m";
  return {};
}

// What a proxy does to a request it forwards (RFC 3261 §16.6), or to a response (§16.7): the result
// reads back equal to the changed message.
inline std::string check_proxy_changes(const Message& original) {
  Message m = original;
  if (m.is_request()) {
    m.prepend(HeaderId::Via, "SIP/2.0/UDP proxy.example.com:5060;branch=z9hG4bKproxy1");
    const auto& mf = m.max_forwards();
    if (mf && *mf && **mf > 0) m.set(HeaderId::MaxForwards, std::to_string(**mf - 1));
    m.remove_first_value(HeaderId::Route);
    m.prepend(HeaderId::RecordRoute, "<sip:proxy.example.com;lr>");
  } else {
    m.remove_first_value(HeaderId::Via);
  }
  std::string out = m.serialize();
  auto again = Message::parse(out, relaxed());
  if (!again) return "changed message does not re-parse: " + again.error().describe();
  if (!(*again == m)) return "parse(serialize(changed)) != changed";
  // Fields nobody touched go out byte for byte.
  for (const HeaderField& f : original.fields())
    if (f.id == HeaderId::Unknown && out.find(f.raw) == std::string::npos)
      return "unknown field '" + std::string(f.name) + "' was not forwarded byte for byte";
  return {};
}

// frame() never reads past the buffer, says Message only for bytes that parse the same as the
// datagram would, and agrees with the parser on where a message ends.
inline std::string check_framer(std::string_view bytes, const Limits& limits = {}) {
  Frame f = frame(bytes, limits);
  // Message::parse_stream answers as frame() and then parse() of the frame.
  FramedMessage s = Message::parse_stream(bytes, limits);
  if (s.frame.status != f.status || s.frame.size != f.size ||
      s.frame.error.status != f.error.status || s.frame.error.what != f.error.what)
    return "parse_stream frames differently from frame()";
  if (s.message.has_value() != (f.status == FrameStatus::Message))
    return "parse_stream parses what is no message frame, or not what is";
  if (s.message) {
    auto p = Message::parse(bytes.substr(0, f.size), limits);
    if (s.message->has_value() != p.has_value()) return "parse_stream and parse disagree";
    if (p && !(**s.message == *p)) return "parse_stream parses differently from parse";
    if (!p && (s.message->error().status != p.error().status ||
               s.message->error().what != p.error().what))
      return "parse_stream fails differently from parse";
  }
  switch (f.status) {
    case FrameStatus::NeedMore:
      return {};
    case FrameStatus::Malformed:
      return check_error(f.error, "frame");
    case FrameStatus::KeepAlive:
      if (f.size == 0 || f.size > 4 || f.size > bytes.size()) return "bad keep-alive size";
      for (char c : bytes.substr(0, f.size))
        if (c != '\r' && c != '\n') return "keep-alive holds more than CR and LF";
      return {};
    case FrameStatus::Message:
      break;
  }
  if (f.size == 0 || f.size > bytes.size()) return "message frame size out of range";
  std::string_view one = bytes.substr(0, f.size);
  Frame alone = frame(one, limits);
  if (alone.status != FrameStatus::Message || alone.size != f.size)
    return "the frame depends on bytes after it";
  // One byte less is not a whole message for the framer, nor for the parser.
  if (frame(one.substr(0, f.size - 1), limits).status == FrameStatus::Message)
    return "a prefix of a frame is a frame";
  auto m = Message::parse(one, limits);
  if (!m) return check_error(m.error(), "parse of a frame");
  if (!m->content_length() || !*m->content_length())
    return "a framed message parses without Content-Length";
  if (Message::parse(one.substr(0, f.size - 1), limits))
    return "the parser takes fewer bytes than the framer framed";
  // The datagram reading of all the bytes is the same message.
  auto whole = Message::parse(bytes, limits);
  if (whole && !(*whole == *m)) return "the frame parses differently from the whole buffer";
  return check_message(one, limits);
}

// A URI written back from its parts parses again to an equivalent URI (RFC 3261 §19.1.4).
inline std::string check_uri(std::string_view text) {
  auto u = parse_uri(text);
  if (!u) return check_error(u.error(), "parse_uri");
  if (!equivalent(*u, *u)) return "a URI is not equivalent to itself";
  std::string out = u->to_string();
  auto again = parse_uri(out);
  if (!again) return "'" + out + "' does not re-parse: " + again.error().what;
  if (!equivalent(*u, *again) || !equivalent(*again, *u))
    return "'" + std::string(text) + "' and its rendering '" + out + "' are not equivalent";
  if (again->to_string() != out) return "to_string() is not stable for '" + out + "'";
  return {};
}

}  // namespace parley::message::invariants
