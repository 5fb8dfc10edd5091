#include "message/session_header.hpp"

#include <gtest/gtest.h>

#include "parse_expect.hpp"

namespace parley::message {
namespace {

using testing::error_of;
using testing::parsed;

TEST(RSeq, Rfc3262ExampleAndRange) {
  // RFC 3262 §7.1
  EXPECT_EQ(parsed(parse_rseq("988789")), 988789u);
  EXPECT_EQ(parsed(parse_rseq("2147483647")), 2147483647u);
  EXPECT_EQ(error_of(parse_rseq("0")),
            "response-num must be a number from 1 to 2147483647, not '0'");
  EXPECT_EQ(error_of(parse_rseq("2147483648")),
            "response-num must be a number from 1 to 2147483647, not '2147483648'");
  EXPECT_EQ(error_of(parse_rseq("12a")),
            "response-num must be a number from 1 to 2147483647, not '12a'");
}

TEST(RAck, Rfc3262Example) {
  // RFC 3262 §7.2
  RAck r = parsed(parse_rack("776656 1 INVITE"));
  EXPECT_EQ(r.response_num, 776656u);
  EXPECT_EQ(r.cseq_num, 1u);
  EXPECT_EQ(r.method_name, "INVITE");
  EXPECT_EQ(r.method, Method::Invite);
  EXPECT_EQ(r.to_string(), "776656 1 INVITE");
  RAck again = parsed(parse_rack(r.to_string()));
  EXPECT_EQ(again.response_num, 776656u);
  RAck ext = parsed(parse_rack("5  2147483647   FOO"));
  EXPECT_EQ(ext.cseq_num, 2147483647u);
  EXPECT_EQ(ext.method, Method::Extension);
}

TEST(RAck, Errors) {
  EXPECT_EQ(error_of(parse_rack("776656 1")), "expected white space after the CSeq-num");
  EXPECT_EQ(error_of(parse_rack("776656 1 ")), "expected a method");
  EXPECT_EQ(error_of(parse_rack("776656,1 INVITE")), "expected white space after the response-num");
  EXPECT_EQ(error_of(parse_rack("0 1 INVITE")),
            "response-num must be a number from 1 to 2147483647, not '0'");
  EXPECT_EQ(error_of(parse_rack("1 2147483648 INVITE")),
            "CSeq-num must be a number from 0 to 2147483647, not '2147483648'");
  EXPECT_EQ(error_of(parse_rack("1 1 INVITE x")), "unexpected 'x'");
}

TEST(SessionExpires, Rfc4028Examples) {
  // RFC 4028 §4
  SessionExpires se = parsed(parse_session_expires("4000;refresher=uac"));
  EXPECT_EQ(se.delta_seconds, 4000u);
  EXPECT_EQ(se.refresher, Refresher::Uac);
  EXPECT_TRUE(se.params.empty());
  SessionExpires uas = parsed(parse_session_expires("1800 ; refresher=UAS;x=1"));
  EXPECT_EQ(uas.refresher, Refresher::Uas);
  EXPECT_EQ(uas.params.get("x"), "1");
  EXPECT_EQ(uas.to_string(), "1800;refresher=uas;x=1");
  SessionExpires none = parsed(parse_session_expires("90"));
  EXPECT_EQ(none.refresher, Refresher::Unspecified);
  EXPECT_EQ(none.to_string(), "90");
  SessionExpires again = parsed(parse_session_expires(se.to_string()));
  EXPECT_EQ(again.delta_seconds, 4000u);
  EXPECT_EQ(again.refresher, Refresher::Uac);
}

TEST(SessionExpires, Errors) {
  EXPECT_EQ(error_of(parse_session_expires("1800;refresher=both")),
            "refresher must be uac or uas, not 'both'");
  EXPECT_EQ(error_of(parse_session_expires("soon")), "expected delta-seconds");
  EXPECT_EQ(error_of(parse_session_expires("1800;refresher")),
            "parameter 'refresher' needs a value");
  EXPECT_EQ(error_of(parse_session_expires("1800 uac")), "unexpected 'u'");
}

TEST(MinSE, Rfc4028Example) {
  // RFC 4028 §5
  MinSE m = parsed(parse_min_se("60"));
  EXPECT_EQ(m.delta_seconds, 60u);
  MinSE p = parsed(parse_min_se("90;x=y"));
  EXPECT_EQ(p.params.get("x"), "y");
  EXPECT_EQ(p.to_string(), "90;x=y");
  EXPECT_EQ(error_of(parse_min_se("")), "expected delta-seconds");
  EXPECT_EQ(error_of(parse_min_se("-1")), "expected delta-seconds");
}

TEST(Reason, Rfc3326Examples) {
  // RFC 3326 §2 and §3
  auto sip = parsed(parse_reason("SIP ;cause=200 ;text=\"Call completed elsewhere\""));
  ASSERT_EQ(sip.size(), 1u);
  EXPECT_EQ(sip[0].protocol, "SIP");
  EXPECT_EQ(sip[0].cause, 200u);
  EXPECT_EQ(sip[0].text, "Call completed elsewhere");
  auto both = parsed(parse_reason(
      "Q.850 ;cause=16 ;text=\"Terminated\", SIP ;cause=600 ;text=\"Busy Everywhere\""));
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].protocol, "Q.850");
  EXPECT_EQ(both[0].cause, 16u);
  EXPECT_EQ(both[0].text, "Terminated");
  EXPECT_EQ(both[1].cause, 600u);
  EXPECT_EQ(both[1].text, "Busy Everywhere");
  EXPECT_EQ(both[1].to_string(), "SIP;cause=600;text=\"Busy Everywhere\"");
  std::string out = both[0].to_string();
  auto again = parsed(parse_reason(out), out);
  EXPECT_EQ(again.at(0).text, "Terminated");
  auto bare = parsed(parse_reason("preemption;cause=1;x=2"));
  EXPECT_FALSE(bare[0].text);
  EXPECT_EQ(bare[0].params.get("x"), "2");
}

TEST(Reason, Errors) {
  EXPECT_EQ(error_of(parse_reason("SIP;cause=abc")), "cause must be a number, not 'abc'");
  EXPECT_EQ(error_of(parse_reason("SIP;cause=200;text=Busy")), "text must be a quoted string");
  EXPECT_EQ(error_of(parse_reason("")), "empty value");
  EXPECT_EQ(error_of(parse_reason("SIP;text=\"unterminated")),
            "unterminated quoted string in parameter 'text'");
  auto second = parse_reason("SIP;cause=1, ;cause=2");
  EXPECT_EQ(error_of(second), "expected a protocol (SIP, Q.850, ...)");
  EXPECT_EQ(second.error().offset, 13u);
}

TEST(RetryAfter, Rfc3261Examples) {
  // §20.33
  RetryAfter a = parsed(parse_retry_after("18000;duration=3600"));
  EXPECT_EQ(a.delta_seconds, 18000u);
  EXPECT_EQ(a.duration, 3600u);
  EXPECT_FALSE(a.comment);
  RetryAfter b = parsed(parse_retry_after("120 (I'm in a meeting)"));
  EXPECT_EQ(b.delta_seconds, 120u);
  EXPECT_EQ(b.comment, "I'm in a meeting");
  EXPECT_FALSE(b.duration);
  RetryAfter nested = parsed(parse_retry_after("60 (lunch (back soon));duration=10;x=1"));
  EXPECT_EQ(nested.comment, "lunch (back soon)");
  EXPECT_EQ(nested.duration, 10u);
  EXPECT_EQ(nested.params.get("x"), "1");
  EXPECT_EQ(nested.to_string(), "60 (lunch (back soon));duration=10;x=1");
  std::string out = b.to_string();
  RetryAfter again = parsed(parse_retry_after(out), out);
  EXPECT_EQ(again.comment, "I'm in a meeting");
}

TEST(RetryAfter, Errors) {
  EXPECT_EQ(error_of(parse_retry_after("120 (meeting")), "comment is missing ')'");
  EXPECT_EQ(error_of(parse_retry_after("120;duration=long")),
            "parameter 'duration': expected delta-seconds, found 'long'");
  EXPECT_EQ(error_of(parse_retry_after("(meeting)")), "expected delta-seconds");
}

TEST(Expires, Rfc3261ExamplesAndClamp) {
  // §20.19, §20.23
  EXPECT_EQ(parsed(parse_expires("5")), 5u);
  EXPECT_EQ(parsed(parse_expires("60")), 60u);
  EXPECT_EQ(parsed(parse_expires("0")), 0u);
  EXPECT_EQ(parsed(parse_expires("4294967295")), 4294967295u);
  // Past 2**32-1: taken as 2**32-1 (§10.2.1.1 allows it for the expires parameter).
  EXPECT_EQ(parsed(parse_expires("4294967296")), 4294967295u);
  EXPECT_EQ(parsed(parse_expires("99999999999999999999999")), 4294967295u);
  EXPECT_EQ(error_of(parse_expires("")), "expected delta-seconds, found nothing");
  EXPECT_EQ(error_of(parse_expires("3600s")), "expected delta-seconds, found '3600s'");
  // RFC 1123 dates of RFC 2543 are gone (§20.19 allows only delta-seconds).
  EXPECT_EQ(error_of(parse_expires("Thu, 01 Dec 1994 16:00:00 GMT")),
            "expected delta-seconds, found 'Thu, 01 Dec 1994 16:00:00 GMT'");
}

TEST(Privacy, Rfc3323AndRfc3325Values) {
  EXPECT_EQ(parsed(parse_privacy("id")), (std::vector<std::string_view>{"id"}));
  auto many = parsed(parse_privacy("header; session;user;critical"));
  EXPECT_EQ(many, (std::vector<std::string_view>{"header", "session", "user", "critical"}));
  EXPECT_EQ(privacy_to_string(many), "header;session;user;critical");
  EXPECT_EQ(parsed(parse_privacy("none")), (std::vector<std::string_view>{"none"}));
  EXPECT_EQ(error_of(parse_privacy("id;")), "expected priv-value, found nothing");
  EXPECT_EQ(error_of(parse_privacy("id, header")),
            "invalid character ',' in priv-value 'id, header'");
}

TEST(EntityTag, Rfc3903Examples) {
  // RFC 3903 §11.3
  EXPECT_EQ(parsed(parse_entity_tag("dx200xyz")), "dx200xyz");
  EXPECT_EQ(parsed(parse_entity_tag(" kwj449x ")), "kwj449x");
  EXPECT_EQ(error_of(parse_entity_tag("")), "expected entity-tag, found nothing");
  EXPECT_EQ(error_of(parse_entity_tag("\"dx200xyz\"")),
            "invalid character '\"' in entity-tag '\"dx200xyz\"'");
}

TEST(InfoPackage, Rfc6086Examples) {
  // RFC 6086 §7.2, §7.3
  InfoPackage foo = parsed(parse_info_package("foo"));
  EXPECT_EQ(foo.name, "foo");
  EXPECT_TRUE(foo.params.empty());
  InfoPackage with = parsed(parse_info_package("g.3gpp.dtmf;version=2"));
  EXPECT_EQ(with.name, "g.3gpp.dtmf");
  EXPECT_EQ(with.params.get("version"), "2");
  EXPECT_EQ(with.to_string(), "g.3gpp.dtmf;version=2");
  auto recv = parsed(parse_recv_info("foo, bar;x=1"));
  ASSERT_EQ(recv.size(), 2u);
  EXPECT_EQ(recv[0].name, "foo");
  EXPECT_EQ(recv[1].name, "bar");
  EXPECT_EQ(recv[1].params.get("x"), "1");
  // RFC 6086 §5.2.2: an empty Recv-Info says no package is wanted.
  EXPECT_TRUE(parsed(parse_recv_info("")).empty());
  EXPECT_EQ(error_of(parse_info_package("")), "empty value");
  EXPECT_EQ(error_of(parse_info_package("foo, bar")), "unexpected ','");
  EXPECT_EQ(error_of(parse_recv_info("foo, /bar")), "expected an info package name");
}

}  // namespace
}  // namespace parley::message
