#include "message/message.hpp"

#include <gtest/gtest.h>

#include "message/builder.hpp"
#include "message/validate.hpp"

namespace parley::message {
namespace {

// RFC 3665 §3.1 message F1, with a compact form, a folded line and an unknown header thrown in.
constexpr std::string_view kInvite =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n"
    "Max-Forwards: 70\r\n"
    "f: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
    "To: Bob <sip:bob@biloxi.example.com>\r\n"
    "Call-ID: 3848276298220188511@atlanta.example.com\r\n"
    "CSeq: 1 INVITE\r\n"
    "Contact: <sip:alice@client.atlanta.example.com;transport=tcp>\r\n"
    "X-Custom:  keep   me\r\n"
    "Subject: a folded\r\n"
    "   subject line\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 4\r\n"
    "\r\n"
    "v=0\n";

Message parse_ok(std::string_view text) {
  auto m = Message::parse(text);
  EXPECT_TRUE(m) << (m ? "" : m.error().describe());
  return m ? std::move(*m) : *Message::parse("OPTIONS sip:x SIP/2.0\r\n\r\n");
}

TEST(Message, LocatesEveryHeaderInOnePass) {
  Message m = parse_ok(kInvite);
  EXPECT_TRUE(m.is_request());
  EXPECT_EQ(m.method(), Method::Invite);
  EXPECT_EQ(m.request_uri_text(), "sip:bob@biloxi.example.com");
  EXPECT_EQ(m.fields().size(), 11u);
  EXPECT_EQ(m.find(HeaderId::From)->name, "f");
  EXPECT_EQ(m.header("x-custom"), "keep   me");
  EXPECT_EQ(m.header("Subject"), "a folded subject line");
  EXPECT_EQ(m.body(), "v=0\n");
}

TEST(Message, TypedAccessIsLazyAndCorrect) {
  Message m = parse_ok(kInvite);
  ASSERT_TRUE(m.via());
  EXPECT_EQ(m.via()->front().branch(), "z9hG4bK74bf9");
  EXPECT_EQ(m.via()->front().transport, "TCP");
  EXPECT_EQ(m.from()->tag(), "9fxced76sl");
  EXPECT_EQ(m.from()->display_name, "Alice");
  EXPECT_FALSE(m.to()->tag());
  EXPECT_EQ(m.cseq()->number, 1u);
  EXPECT_EQ(m.cseq()->method, Method::Invite);
  EXPECT_EQ(**m.max_forwards(), 70u);
  EXPECT_EQ(m.call_id(), "3848276298220188511@atlanta.example.com");
  ASSERT_TRUE(m.contact());
  EXPECT_EQ(m.contact()->contacts.at(0).uri.sip()->param("transport"), "tcp");
  EXPECT_TRUE(m.route()->empty());
  EXPECT_FALSE(validate(m));
}

TEST(HeaderId, FullCompactAndCaseInsensitive) {
  EXPECT_EQ(header_id("Content-Length"), HeaderId::ContentLength);
  EXPECT_EQ(header_id("content-LENGTH"), HeaderId::ContentLength);
  EXPECT_EQ(header_id("l"), HeaderId::ContentLength);
  EXPECT_EQ(header_id("WWW-Authenticate"), HeaderId::WwwAuthenticate);
  EXPECT_EQ(header_id("P-Asserted-Identity"), HeaderId::PAssertedIdentity);
  EXPECT_EQ(header_id("X-Custom"), HeaderId::Unknown);
  EXPECT_EQ(header_id("Content\rLength"), HeaderId::Unknown) << "CR is no '-'";
  EXPECT_EQ(header_id("Content_Length"), HeaderId::Unknown);
  EXPECT_EQ(header_id(""), HeaderId::Unknown);
}

TEST(Message, ResponseStartLine) {
  Message m = parse_ok("SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n");
  EXPECT_TRUE(m.is_response());
  EXPECT_EQ(m.status(), 180);
  EXPECT_EQ(m.reason(), "Ringing");
}

TEST(Message, RoundTripsByteForByteWhenUnchanged) {
  Message m = parse_ok(kInvite);
  EXPECT_EQ(m.serialize(), kInvite);
  Message again = parse_ok(m.serialize());
  EXPECT_EQ(again, m);
}

TEST(Message, ProxyChangesRenderOnlyWhatChanged) {
  Message m = parse_ok(kInvite);
  m.prepend(HeaderId::Via, "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKproxy1");
  m.set(HeaderId::MaxForwards, "69");
  m.prepend(HeaderId::RecordRoute, "<sip:proxy.example.com;lr>");
  std::string out = m.serialize();
  EXPECT_NE(out.find("Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKproxy1\r\n"
                     "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n"),
            std::string::npos);
  EXPECT_NE(out.find("Max-Forwards: 69\r\n"), std::string::npos);
  EXPECT_NE(out.find("X-Custom:  keep   me\r\n"), std::string::npos)
      << "unknown headers stay byte for byte";
  EXPECT_NE(out.find("Subject: a folded\r\n   subject line\r\n"), std::string::npos);
  Message re = parse_ok(out);
  EXPECT_EQ(re.via()->size(), 2u);
  EXPECT_EQ(re.via()->front().branch(), "z9hG4bKproxy1");
  EXPECT_EQ(**re.max_forwards(), 69u);
  EXPECT_EQ(re, m);
}

TEST(Message, RemoveFirstValueRewritesLists) {
  Message m = parse_ok(
      "BYE sip:b@h SIP/2.0\r\nRoute: <sip:p1;lr>, <sip:p2;lr>\r\nRoute: <sip:p3;lr>\r\n\r\n");
  ASSERT_EQ(m.route()->size(), 3u);
  EXPECT_TRUE(m.remove_first_value(HeaderId::Route));
  ASSERT_EQ(m.route()->size(), 2u);
  EXPECT_EQ(m.route()->front().uri.sip()->host, "p2");
  EXPECT_TRUE(m.remove_first_value(HeaderId::Route));
  EXPECT_TRUE(m.remove_first_value(HeaderId::Route));
  EXPECT_FALSE(m.remove_first_value(HeaderId::Route));
  EXPECT_TRUE(m.route()->empty());
}

TEST(Message, ErrorsSayWhatWhereAndWhichStatus) {
  struct Case {
    std::string_view text;
    int status;
    std::string_view what;
    std::uint32_t line;
  };
  const Case cases[] = {
      {"INVITE sip:b@h SIP/3.0\r\n\r\n", 505, "not supported", 1},
      {"INVITE sip:b@h HTTP/1.1\r\n\r\n", 400, "malformed SIP version", 1},
      {"INVITE  sip:b@h SIP/2.0\r\n\r\n", 400, "empty Request-URI", 1},
      {"INVITE sip:b@h SIP/2.0\r\nVia SIP/2.0/UDP h\r\n\r\n", 400, "has no ':'", 2},
      {"INVITE sip:b@h SIP/2.0\r\n folded\r\n\r\n", 400, "continues nothing", 2},
      {"INVITE sip:b@h SIP/2.0\r\nContent-Length: 10\r\n\r\nabc", 400, "exceeds the 3 bytes", 2},
      {"INVITE sip:b@h SIP/2.0\r\nContent-Length: x\r\n\r\n", 400, "Content-Length", 2},
      {"INVITE sip:b@h SIP/2.0\r\nCall-ID: a\r\n", 400, "ends before the empty line", 3},
      {"SIP/2.0 99 Odd\r\n\r\n", 400, "three digits", 1},
      {"SIP/2.0 700 Odd\r\n\r\n", 400, "outside 100-699", 1},
  };
  for (const Case& c : cases) {
    auto m = Message::parse(c.text);
    ASSERT_FALSE(m) << c.text;
    EXPECT_EQ(m.error().status, c.status) << c.text;
    EXPECT_NE(m.error().what.find(c.what), std::string::npos) << m.error().what;
    EXPECT_EQ(m.error().line, c.line) << c.text;
  }
}

TEST(Message, LimitsAreEnforced) {
  Limits small;
  small.max_message_size = 64;
  auto m = Message::parse(kInvite, small);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().status, 513);
  Limits few;
  few.max_headers = 3;
  m = Message::parse(kInvite, few);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().what.find("more than 3 header fields"), std::string::npos);
  Limits body;
  body.max_body_size = 2;
  m = Message::parse(kInvite, body);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().status, 413);
}

TEST(Validate, NamesTheBadHeaderAndItsLine) {
  std::string text(kInvite);
  text.replace(text.find("CSeq: 1 INVITE"), 14, "CSeq: 1 BYE   ");
  Message m = parse_ok(text);
  auto err = validate(m);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->status, 400);
  EXPECT_EQ(err->line, 7u);
  EXPECT_NE(err->what.find("does not match"), std::string::npos) << err->what;
}

TEST(Validate, LocatesABadRequestUriInTheReceivedBytes) {
  // §7.5: CRLFs before the start line are ignored, but they count for line and offset.
  constexpr std::string_view kText =
      "\r\n\r\nOPTIONS sip:a@b:99999 SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
      "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n";
  Message m = parse_ok(kText);
  auto err = validate(m);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->line, 3u);
  EXPECT_EQ(err->offset, kText.find("99999")) << err->describe();
  // A Request-URI set in code is nowhere in the received bytes.
  m.set_request_uri("sip:a@b:99999");
  ASSERT_FALSE(m.request_uri());
  EXPECT_EQ(m.request_uri().error().line, 0u);
}

TEST(Validate, UnsupportedSchemeIs416) {
  Message m = parse_ok(
      "OPTIONS mailto:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: "
      "<sip:a@b>;tag=1\r\n"
      "To: <sip:c@d>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n");
  auto err = validate(m);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->status, 416);
}

TEST(Builder, ResponseToCopiesWhatSection8_2_6_2Says) {
  Message req = parse_ok(kInvite);
  auto resp = response_to(req, 180, {}, "totag1").build();
  ASSERT_TRUE(resp);
  EXPECT_EQ(resp->status(), 180);
  EXPECT_EQ(resp->reason(), "Ringing");
  EXPECT_EQ(resp->via()->front().branch(), "z9hG4bK74bf9");
  EXPECT_EQ(resp->to()->tag(), "totag1");
  EXPECT_EQ(resp->from()->tag(), "9fxced76sl");
  EXPECT_EQ(resp->call_id(), req.call_id());
  EXPECT_EQ(resp->cseq()->number, 1u);
}

TEST(Builder, ControlCharactersInValuesAreBlankedWhereverTheyFall) {
  // Each control character (and DEL) at every position of values longer and shorter than the
  // 8 bytes checked at a time; HTAB and UTF-8 stay as they are.
  for (char bad : {'\r', '\n', '\0', '\x01', '\x1f', '\x7f'}) {
    for (std::size_t len : {1u, 7u, 8u, 9u, 17u, 40u}) {
      for (std::size_t at = 0; at < len; ++at) {
        std::string value(len, 'a');
        value[at] = bad;
        auto b = MessageBuilder::response(200, {});
        b.header("X-Value", value);
        auto out = std::move(b).finish();
        std::string expected(len, 'a');
        expected[at] = ' ';
        EXPECT_NE(out.find("X-Value: " + expected + "\r\n"), std::string::npos)
            << "byte " << int(bad) << " at " << at << " of " << len;
      }
    }
  }
  std::string kept = "caf\xc3\xa9\tna\xc3\xafve \xe2\x82\xac 0123456789";
  auto b = MessageBuilder::response(200, {});
  b.header("X-Value", kept);
  auto out = std::move(b).finish();
  EXPECT_NE(out.find("X-Value: " + kept + "\r\n"), std::string::npos);
}

TEST(Builder, ErrorResponseForABrokenRequest) {
  std::string text(kInvite);
  text.replace(text.find("Max-Forwards: 70"), 16, "Max-Forwards: x7");
  Message m = parse_ok(text);
  auto err = validate(m);
  ASSERT_TRUE(err);
  auto resp = error_response(text, *err);
  ASSERT_TRUE(resp);
  auto parsed = Message::parse(*resp);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->status(), 400);
  EXPECT_NE(parsed->reason().find("Max-Forwards"), std::string_view::npos) << parsed->reason();
  EXPECT_FALSE(error_response("ACK sip:a SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n\r\n", *err));
}

// The index scans 64 bytes at a time and sorts CRs, HTABs and the byte before each LF out of one
// mask of control bytes: put each of them at every place around the block edges, in the middle
// of a value and right before the line end, with CRLF and bare LF line ends.
TEST(Message, ControlBytesAreFoundAtEveryPlaceAroundTheScanBlocks) {
  for (std::string_view eol : {"\r\n", "\n"})
    for (char c : {'\t', '\r', '\x01', '\x7f', '\x1f'})
      for (bool before_eol : {false, true})
        for (std::size_t pad = 0; pad < 140; ++pad) {
          std::string m = "OPTIONS sip:a@b SIP/2.0" + std::string(eol) + "X-Pad: ";
          m += std::string(pad, 'p') + c + (before_eol ? "" : "q") + std::string(eol);
          m += "Content-Length: 0" + std::string(eol) + std::string(eol);
          auto r = Message::parse(m);
          // HTAB is white space; anything else is refused, a CR before the LF only with CRLF.
          bool ok = c == '\t' || (c == '\r' && before_eol && eol == "\n");
          ASSERT_EQ(r.has_value(), ok) << "byte " << int(c) << " after " << pad << " bytes, "
                                       << (before_eol ? "before the line end" : "in the value");
          if (ok) {
            EXPECT_EQ(r->find("X-Pad")->value.substr(0, pad), std::string(pad, 'p'));
          }
        }
}

}  // namespace
}  // namespace parley::message
