#include "message/any_header.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "parse_expect.hpp"

namespace parley::message {
namespace {

using testing::error_of;
using testing::parsed;

// A valid value for every header parley knows, mostly the RFCs' own examples.
const std::map<HeaderId, std::string_view>& examples() {
  static const std::map<HeaderId, std::string_view> kExamples = {
      {HeaderId::Accept, "application/sdp;level=1, application/x-private, text/html"},
      {HeaderId::AcceptEncoding, "gzip"},
      {HeaderId::AcceptLanguage, "da, en-gb;q=0.8, en;q=0.7"},
      {HeaderId::AlertInfo, "<http://www.example.com/sounds/moo.wav>"},
      {HeaderId::Allow, "INVITE, ACK, OPTIONS, CANCEL, BYE"},
      {HeaderId::AuthenticationInfo, "nextnonce=\"47364c23432d2e131a5fb210812c\""},
      {HeaderId::Authorization,
       "Digest username=\"Alice\", realm=\"atlanta.com\", "
       "nonce=\"84a4cc6f3082121f32b42a2187831a9e\", uri=\"sip:bob@biloxi.com\", "
       "response=\"7587245234b3434cc3412213e5f113a5432\""},
      {HeaderId::CallId, "f81d4fae-7dec-11d0-a765-00a0c91e6bf6@biloxi.com"},
      {HeaderId::CallInfo, "<http://wwww.example.com/alice/photo.jpg> ;purpose=icon"},
      {HeaderId::Contact, "\"Mr. Watson\" <sip:watson@worcester.bell-telephone.com>;q=0.7"},
      {HeaderId::ContentDisposition, "session"},
      {HeaderId::ContentEncoding, "gzip"},
      {HeaderId::ContentLanguage, "fr"},
      {HeaderId::ContentLength, "349"},
      {HeaderId::ContentType, "text/html; charset=ISO-8859-4"},
      {HeaderId::CSeq, "4711 INVITE"},
      {HeaderId::Date, "Sat, 13 Nov 2010 23:29:00 GMT"},
      {HeaderId::ErrorInfo, "<sip:not-in-service-recording@atlanta.com>"},
      {HeaderId::Expires, "5"},
      {HeaderId::From, "\"A. G. Bell\" <sip:agb@bell-telephone.com> ;tag=a48s"},
      {HeaderId::InReplyTo, "70710@saturn.bell-tel.com, 17320@saturn.bell-tel.com"},
      {HeaderId::MaxForwards, "6"},
      {HeaderId::MimeVersion, "1.0"},
      {HeaderId::MinExpires, "60"},
      {HeaderId::Organization, "Boxes by Bob"},
      {HeaderId::Priority, "emergency"},
      {HeaderId::ProxyAuthenticate,
       "Digest realm=\"atlanta.com\", domain=\"sip:ss1.carrier.com\", qop=\"auth\", "
       "nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", opaque=\"\", stale=FALSE, algorithm=MD5"},
      {HeaderId::ProxyAuthorization,
       "Digest username=\"Alice\", realm=\"atlanta.com\", nonce=\"c60f3082ee1212b402a21831ae\", "
       "uri=\"sip:bob@biloxi.com\", response=\"245f23415f11432b3434341c022\""},
      {HeaderId::ProxyRequire, "foo"},
      {HeaderId::RecordRoute, "<sip:server10.biloxi.com;lr>, <sip:bigbox3.site3.atlanta.com;lr>"},
      {HeaderId::ReplyTo, "Bob <sip:bob@biloxi.com>"},
      {HeaderId::Require, "100rel"},
      {HeaderId::RetryAfter, "18000;duration=3600"},
      {HeaderId::Route, "<sip:bigbox3.site3.atlanta.com;lr>, <sip:server10.biloxi.com;lr>"},
      {HeaderId::Server, "HomeServer v2"},
      {HeaderId::Subject, "Need more boxes"},
      {HeaderId::Supported, "100rel"},
      {HeaderId::Timestamp, "54"},
      {HeaderId::To, "The Operator <sip:operator@cs.columbia.edu>;tag=287447"},
      {HeaderId::Unsupported, "foo"},
      {HeaderId::UserAgent, "Softphone Beta1.5"},
      {HeaderId::Via, "SIP/2.0/UDP erlang.bell-telephone.com:5060;branch=z9hG4bK87asdks7"},
      {HeaderId::Warning, "307 isi.edu \"Session parameter 'foo' not understood\""},
      {HeaderId::WwwAuthenticate,
       "Digest realm=\"atlanta.com\", domain=\"sip:boxesbybob.com\", qop=\"auth\", "
       "nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", opaque=\"\", stale=FALSE, algorithm=MD5"},
      {HeaderId::RSeq, "988789"},
      {HeaderId::RAck, "776656 1 INVITE"},
      {HeaderId::Event, "presence.winfo;id=1"},
      {HeaderId::AllowEvents, "presence, dialog"},
      {HeaderId::SubscriptionState, "active;expires=60"},
      {HeaderId::ReferTo, "<sip:carol@cleveland.example.org;method=SUBSCRIBE>"},
      {HeaderId::ReferredBy,
       "<sip:referrer@referrer.example>;cid=\"20398823.2UWQFN309shb3@referrer.example\""},
      {HeaderId::Replaces, "98732@sip.example.com;from-tag=r33th4x0r;to-tag=ff87ff"},
      {HeaderId::SessionExpires, "4000;refresher=uac"},
      {HeaderId::MinSE, "60"},
      {HeaderId::Reason, "SIP ;cause=200 ;text=\"Call completed elsewhere\""},
      {HeaderId::Path, "<sip:P3.EXAMPLEHOME.COM;lr>,<sip:P1.EXAMPLEVISITED.COM;lr>"},
      {HeaderId::ServiceRoute, "<sip:P2.HOME.EXAMPLE.COM;lr>,<sip:HSP.HOME.EXAMPLE.COM;lr>"},
      {HeaderId::PAssertedIdentity, "\"Cullen Jennings\" <sip:fluffy@cisco.com>, tel:+14085264000"},
      {HeaderId::PPreferredIdentity, "\"Cullen Jennings\" <sip:fluffy@cisco.com>"},
      {HeaderId::Privacy, "id"},
      {HeaderId::SipETag, "dx200xyz"},
      {HeaderId::SipIfMatch, "dx200xyz"},
      {HeaderId::InfoPackage, "foo"},
      {HeaderId::RecvInfo, "foo, bar"},
  };
  return kExamples;
}

TEST(ParseHeader, EveryKnownHeaderHasAParserThatTakesItsRfcExample) {
  for (int i = 1; i < static_cast<int>(HeaderId::Count); ++i) {
    auto id = static_cast<HeaderId>(i);
    auto it = examples().find(id);
    ASSERT_NE(it, examples().end()) << "no example for " << header_name(id);
    auto v = parse_header(id, it->second);
    EXPECT_TRUE(v) << header_name(id) << ": " << error_of(v);
  }
}

TEST(ParseHeader, DispatchesToTheTypedValue) {
  auto get = [](HeaderId id) { return parsed(parse_header(id, examples().at(id))); };
  EXPECT_EQ(std::get<std::string_view>(get(HeaderId::CallId)),
            "f81d4fae-7dec-11d0-a765-00a0c91e6bf6@biloxi.com");
  EXPECT_EQ(std::get<std::uint32_t>(get(HeaderId::ContentLength)), 349u);
  EXPECT_EQ(std::get<std::uint32_t>(get(HeaderId::RSeq)), 988789u);
  EXPECT_EQ(std::get<std::vector<std::string_view>>(get(HeaderId::Allow)).size(), 5u);
  EXPECT_EQ(std::get<std::vector<Via>>(get(HeaderId::Via)).at(0).branch(), "z9hG4bK87asdks7");
  EXPECT_EQ(std::get<NameAddr>(get(HeaderId::From)).tag(), "a48s");
  EXPECT_EQ(std::get<NameAddr>(get(HeaderId::ReplyTo)).display_name, "Bob");
  EXPECT_EQ(std::get<std::vector<NameAddr>>(get(HeaderId::PAssertedIdentity)).at(1).uri.scheme(),
            "tel");
  EXPECT_EQ(std::get<std::vector<NameAddr>>(get(HeaderId::Path)).size(), 2u);
  EXPECT_EQ(std::get<ContactList>(get(HeaderId::Contact)).contacts.size(), 1u);
  EXPECT_EQ(std::get<CSeq>(get(HeaderId::CSeq)).number, 4711u);
  EXPECT_EQ(std::get<Challenge>(get(HeaderId::ProxyAuthenticate)).realm, "atlanta.com");
  EXPECT_EQ(std::get<Credentials>(get(HeaderId::ProxyAuthorization)).username, "Alice");
  EXPECT_EQ(std::get<AuthenticationInfo>(get(HeaderId::AuthenticationInfo)).nextnonce,
            "47364c23432d2e131a5fb210812c");
  EXPECT_TRUE(std::get<MediaType>(get(HeaderId::ContentType)).is("text", "html"));
  EXPECT_EQ(std::get<std::vector<MediaRange>>(get(HeaderId::Accept)).size(), 3u);
  EXPECT_EQ(std::get<std::vector<Coding>>(get(HeaderId::AcceptEncoding)).at(0).coding, "gzip");
  EXPECT_EQ(std::get<std::vector<LanguageRange>>(get(HeaderId::AcceptLanguage)).at(1).q, 800);
  EXPECT_EQ(std::get<ContentDisposition>(get(HeaderId::ContentDisposition)).type, "session");
  EXPECT_EQ(std::get<MimeVersion>(get(HeaderId::MimeVersion)).major, 1u);
  EXPECT_EQ(std::get<Event>(get(HeaderId::Event)).id, "1");
  EXPECT_EQ(std::get<SubscriptionState>(get(HeaderId::SubscriptionState)).expires, 60u);
  EXPECT_EQ(std::get<NameAddr>(get(HeaderId::ReferTo)).uri.sip()->param("method"), "SUBSCRIBE");
  EXPECT_EQ(std::get<ReferredBy>(get(HeaderId::ReferredBy)).cid,
            "20398823.2UWQFN309shb3@referrer.example");
  EXPECT_EQ(std::get<Replaces>(get(HeaderId::Replaces)).to_tag, "ff87ff");
  EXPECT_EQ(std::get<RAck>(get(HeaderId::RAck)).response_num, 776656u);
  EXPECT_EQ(std::get<SessionExpires>(get(HeaderId::SessionExpires)).refresher, Refresher::Uac);
  EXPECT_EQ(std::get<MinSE>(get(HeaderId::MinSE)).delta_seconds, 60u);
  EXPECT_EQ(std::get<std::vector<Reason>>(get(HeaderId::Reason)).at(0).cause, 200u);
  EXPECT_EQ(std::get<RetryAfter>(get(HeaderId::RetryAfter)).duration, 3600u);
  EXPECT_EQ(std::get<InfoPackage>(get(HeaderId::InfoPackage)).name, "foo");
  EXPECT_EQ(std::get<std::vector<InfoPackage>>(get(HeaderId::RecvInfo)).size(), 2u);
  EXPECT_EQ(std::get<std::vector<InfoUri>>(get(HeaderId::CallInfo)).at(0).purpose(), "icon");
  EXPECT_EQ(std::get<std::vector<Warning>>(get(HeaderId::Warning)).at(0).code, 307);
  EXPECT_EQ(std::get<SipDate>(get(HeaderId::Date)).year, 2010);
  EXPECT_EQ(std::get<Timestamp>(get(HeaderId::Timestamp)).value, "54");
  EXPECT_EQ(std::get<ProductList>(get(HeaderId::UserAgent)).products.size(), 2u);
  EXPECT_EQ(std::get<std::string_view>(get(HeaderId::SipIfMatch)), "dx200xyz");
  EXPECT_EQ(std::get<std::vector<std::string_view>>(get(HeaderId::Privacy)).at(0), "id");
}

TEST(ParseHeader, UnknownHeadersStayText) {
  auto v = parsed(parse_header(HeaderId::Unknown, "anything ;;; goes <"));
  EXPECT_EQ(std::get<std::string_view>(v), "anything ;;; goes <");
}

TEST(ParseHeader, ErrorsAreRelativeToTheValue) {
  auto v = parse_header(HeaderId::RAck, "776656 x INVITE");
  EXPECT_EQ(error_of(v), "expected the CSeq-num");
  EXPECT_EQ(v.error().offset, 7u);
  EXPECT_EQ(error_of(parse_header(HeaderId::CallId, "a@b@c")),
            "invalid character '@' in Call-ID 'a@b@c'");
  EXPECT_EQ(error_of(parse_header(HeaderId::MaxForwards, "seventy")),
            "expected a number, found 'seventy'");
}

Message parse_message(std::string_view text) {
  auto m = Message::parse(text);
  EXPECT_TRUE(m) << (m ? "" : m.error().describe());
  return std::move(*m);
}

// Line numbers on the right; line 13's Subject is folded onto line 14.
constexpr std::string_view kBadInvite =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"                          // 1
    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"  // 2
    "Max-Forwards: 70\r\n"                                                   // 3
    "To: Bob <sip:bob@biloxi.example.com>\r\n"                               // 4
    "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"         // 5
    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"                   // 6
    "CSeq: 314159 INVITE\r\n"                                                // 7
    "Contact: <sip:alice@pc33.atlanta.example.com>;q=1.5\r\n"                // 8
    "Date: Sat, 31 Nov 2010 23:29:00 GMT\r\n"                                // 9
    "RAck: 0 1 INVITE\r\n"                                                   // 10
    "X-Anything: whatever ;;; <\r\n"                                         // 11
    "Session-Expires: 1800;refresher=both\r\n"                               // 12
    "Subject: a folded\r\n"                                                  // 13
    "  subject line\r\n"                                                     // 14
    "Authorization: Digest username=\"alice\", realm=\"atlanta.com\", nonce=\"abc\", "
    "uri=\"sip:bob@biloxi.example.com\", response=\"6629fae4\", qop=auth, nc=1\r\n"  // 15
    "Expires: 60\r\n"                                                                // 16
    "Expires: 120\r\n"                                                               // 17
    "Supported:\r\n"                                                                 // 18
    "Require:\r\n"                                                                   // 19
    "Content-Type: application/sdp\r\n"                                              // 20
    "Content-Length: 0\r\n"                                                          // 21
    "\r\n";

TEST(Lint, ReportsEveryBadHeaderWithItsLine) {
  Message m = parse_message(kBadInvite);
  std::vector<ParseError> errors = lint(m);
  std::vector<std::pair<std::uint32_t, std::string>> got;
  for (const ParseError& e : errors) got.emplace_back(e.line, e.what);
  std::vector<std::pair<std::uint32_t, std::string>> want = {
      {8, "Contact: q-value above 1"},
      {9, "Date: day 31 does not exist in Nov 2010"},
      {10, "RAck: response-num must be a number from 1 to 2147483647, not '0'"},
      {12, "Session-Expires: refresher must be uac or uas, not 'both'"},
      {15, "Authorization: nc must be 8 hex digits, not '1'"},
      {17, "more than one Expires header"},
      {19, "Require: empty value"},
  };
  EXPECT_EQ(got, want);
  for (const ParseError& e : errors) EXPECT_EQ(e.status, 400) << e.what;
  // Offsets are bytes from the start of the message.
  ASSERT_EQ(errors.size(), want.size());
  EXPECT_EQ(errors[2].offset, kBadInvite.find("0 1 INVITE"));
  EXPECT_EQ(errors[1].offset, kBadInvite.find("Sat, 31 Nov") + 5);
  EXPECT_EQ(errors[4].offset, kBadInvite.find("nc=1") + 3);
  EXPECT_EQ(errors[5].offset, kBadInvite.find("120"));
}

TEST(Lint, CleanMessageHasNoProblems) {
  Message m = parse_message(
      "SIP/2.0 200 OK\r\n"
      "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
      "To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n"
      "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
      "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
      "CSeq: 314159 INVITE\r\n"
      "Contact: <sip:bob@192.0.2.4>\r\n"
      "Require: 100rel\r\n"
      "RSeq: 988789\r\n"
      "Supported: timer, 100rel\r\n"
      "Session-Expires: 1800;refresher=uac\r\n"
      "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, PRACK\r\n"
      "WWW-Authenticate: Digest realm=\"a\", nonce=\"1\"\r\n"
      "WWW-Authenticate: Digest realm=\"a\", nonce=\"2\", algorithm=SHA-256\r\n"
      "Server: parley/0.1.0\r\n"
      "X-Unknown: (anything;\r\n"
      "Content-Length: 0\r\n"
      "\r\n");
  std::vector<ParseError> errors = lint(m);
  for (const ParseError& e : errors) ADD_FAILURE() << e.describe();
}

TEST(Lint, MessageLevelProblemsToo) {
  Message m = parse_message(
      "MESSAGE http://example.com/x SIP/2.0\r\n"
      "Via: SIP/3.0/UDP host.example.com;branch=z9hG4bK1\r\n"
      "From: <sip:a@example.com>;tag=1\r\n"
      "CSeq: 1 INVITE\r\n"
      "Call-ID: one@host\r\n"
      "Call-ID: two@host\r\n"
      "Content-Length: 0\r\n"
      "\r\n");
  std::vector<ParseError> errors = lint(m);
  std::vector<std::tuple<std::uint16_t, std::uint32_t, std::string>> got;
  for (const ParseError& e : errors) got.emplace_back(e.status, e.line, e.what);
  std::vector<std::tuple<std::uint16_t, std::uint32_t, std::string>> want = {
      {416, 1, "URI scheme 'http' is not supported"},
      {400, 2, "Via: unsupported sent-protocol SIP/3.0"},
      {400, 4, "CSeq method INVITE does not match the request method MESSAGE"},
      {400, 6, "more than one Call-ID header"},
      {400, 0, "missing To header"},
  };
  EXPECT_EQ(got, want);
}

TEST(Lint, AnEmptyCallIdIsReportedOnceNotAlsoAsMissing) {
  Message m = parse_message(
      "OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP host.example.com;branch=z9hG4bK1\r\n"
      "To: <sip:bob@biloxi.example.com>\r\n"
      "From: <sip:a@example.com>;tag=1\r\n"
      "Call-ID:\r\n"
      "CSeq: 1 OPTIONS\r\n"
      "\r\n");
  std::vector<ParseError> errors = lint(m);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].what, "Call-ID: empty Call-ID");
  EXPECT_EQ(errors[0].line, 5u);
}

// ---- the message corpora of tests/data (see tests/data/README.md)

namespace corpus_files {
std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
std::vector<std::filesystem::path> sip_files(const std::string& dir) {
  std::vector<std::filesystem::path> out;
  std::filesystem::path root = std::filesystem::path(PARLEY_TEST_DATA) / dir;
  if (!std::filesystem::is_directory(root)) return out;
  for (const auto& e : std::filesystem::directory_iterator(root))
    if (e.is_regular_file() && e.path().extension() == ".sip") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace corpus_files

TEST(Lint, GoldenAndValidTortureMessagesAreClean) {
  std::size_t checked = 0;
  for (const std::string dir : {"valid", "torture/valid"}) {
    for (const auto& path : corpus_files::sip_files(dir)) {
      std::string bytes = corpus_files::read(path);
      auto m = Message::parse(bytes);
      if (!m) continue;  // framing is not lint's business; other tests cover it
      ++checked;
      for (const ParseError& e : lint(*m)) ADD_FAILURE() << path.filename() << ": " << e.describe();
    }
  }
  EXPECT_GT(checked, 30u);
}

TEST(Lint, ReportsTheProblemOfEveryInvalidTortureMessage) {
  // NAME.expect: line 1 the status, line 2 a substring of the error text.
  std::size_t checked = 0;
  for (const auto& path : corpus_files::sip_files("torture/invalid")) {
    std::string bytes = corpus_files::read(path);
    auto m = Message::parse(bytes);
    if (!m) continue;  // refused before any header is looked at
    std::filesystem::path expect_path = path;
    expect_path.replace_extension(".expect");
    std::istringstream expect(corpus_files::read(expect_path));
    std::string status, text;
    std::getline(expect, status);
    std::getline(expect, text);
    std::vector<ParseError> errors = lint(*m);
    bool found = false;
    for (const ParseError& e : errors)
      found =
          found || (std::to_string(e.status) == status && e.what.find(text) != std::string::npos);
    std::string all;
    for (const ParseError& e : errors)
      all += "\n  " + std::to_string(e.status) + " " + e.describe();
    EXPECT_TRUE(found) << path.filename() << ": expected " << status << " '" << text << "', got"
                       << (all.empty() ? " nothing" : all);
    ++checked;
  }
  EXPECT_GT(checked, 20u);
}

}  // namespace
}  // namespace parley::message
