#include "message/header_values.hpp"

#include <gtest/gtest.h>

#include <string>

#include "message/cseq.hpp"
#include "parse_expect.hpp"

namespace parley::message {
namespace {

using testing::error_of;
using testing::parsed;

TEST(HeaderValues, TokenListsOfOptionTagsAndMethods) {
  // §20.5, §20.32, §20.37
  EXPECT_EQ(parsed(parse_allow("INVITE, ACK, OPTIONS, CANCEL, BYE")),
            (std::vector<std::string_view>{"INVITE", "ACK", "OPTIONS", "CANCEL", "BYE"}));
  EXPECT_TRUE(parsed(parse_allow("")).empty());
  EXPECT_TRUE(parsed(parse_supported("")).empty());  // no extension supported
  EXPECT_EQ(parsed(parse_supported("100rel,timer")),
            (std::vector<std::string_view>{"100rel", "timer"}));
  EXPECT_EQ(parsed(parse_option_tags("100rel")), (std::vector<std::string_view>{"100rel"}));
  EXPECT_EQ(error_of(parse_option_tags("")), "empty value");
  EXPECT_EQ(error_of(parse_option_tags("100rel, pre condition")),
            "invalid character ' ' in option-tag 'pre condition'");
  EXPECT_EQ(error_of(parse_allow("INVITE; ACK")), "invalid character ';' in method 'INVITE; ACK'");
  std::vector<std::string_view> tags{"100rel", "timer"};
  EXPECT_EQ(to_string(tags), "100rel, timer");
}

TEST(HeaderValues, DeltaSeconds) {
  EXPECT_EQ(parsed(parse_delta_seconds(" 3600 ")), 3600u);
  EXPECT_EQ(parsed(parse_delta_seconds("4294967296")), 4294967295u);
  EXPECT_EQ(error_of(parse_delta_seconds("-1")), "expected delta-seconds, found '-1'");
  EXPECT_EQ(error_of(parse_delta_seconds("")), "expected delta-seconds, found nothing");
}

TEST(HeaderValues, QValues) {
  EXPECT_EQ(parsed(parse_qvalue("0")), 0);
  EXPECT_EQ(parsed(parse_qvalue("0.")), 0);
  EXPECT_EQ(parsed(parse_qvalue("0.7")), 700);
  EXPECT_EQ(parsed(parse_qvalue("0.075")), 75);
  EXPECT_EQ(parsed(parse_qvalue("1.000")), 1000);
  EXPECT_EQ(error_of(parse_qvalue("1.001")), "q-value '1.001' is above 1");
  EXPECT_EQ(error_of(parse_qvalue(".5")), "invalid q-value '.5'");
  EXPECT_EQ(error_of(parse_qvalue("0.5000")), "invalid q-value '0.5000'");
  for (std::uint16_t q : {0, 1, 75, 500, 700, 999, 1000}) {
    std::string out;
    append_qvalue(out, q);
    EXPECT_EQ(parsed(parse_qvalue(out), out), q) << out;
  }
  std::string out;
  append_qvalue(out, 750);
  EXPECT_EQ(out, "0.75");
}

TEST(HeaderValues, SpanWhileStopsAtTheFirstOtherByteAndAtTheEnd) {
  for (std::size_t n = 0; n <= 20; ++n)
    for (std::size_t stop = 0; stop <= n; ++stop)
      for (std::size_t from = 0; from <= n; ++from) {
        std::string text(n, 'a');
        if (stop < n) text[stop] = ';';
        std::size_t want = from;
        while (want < n && chars::is_token(text[want])) ++want;
        EXPECT_EQ(span_while(text.data(), from, n, chars::is_token), want)
            << n << " " << stop << " " << from;
      }
}

TEST(HeaderValues, CSeqInEverySpellingTheGrammarAllows) {
  struct Case {
    std::string_view text;
    std::uint32_t number;
    std::string_view method;
  };
  // The one-pass case and those beside it: more digits, more or other white space.
  for (Case c : {Case{"1 INVITE", 1, "INVITE"}, Case{"123456789 ACK", 123456789, "ACK"},
                 Case{"2147483647 BYE", 2147483647u, "BYE"}, Case{"01 ACK", 1, "ACK"},
                 Case{"1  INVITE", 1, "INVITE"}, Case{"1\tINVITE", 1, "INVITE"},
                 Case{" 1 INVITE ", 1, "INVITE"}, Case{"7 foo.bar", 7, "foo.bar"}}) {
    auto r = parse_cseq(c.text);
    ASSERT_TRUE(r) << c.text;
    EXPECT_EQ(r->number, c.number) << c.text;
    EXPECT_EQ(r->method_name, c.method) << c.text;
  }
  EXPECT_EQ(parse_cseq("1 INVITE")->method, Method::Invite);
  EXPECT_EQ(parse_cseq("1 invite")->method, Method::Extension);
  for (std::string_view bad : {"2147483648 INVITE", "1INVITE", "1 ", "1", " INVITE", "1 INV ITE",
                               "1 INVITE;x", "-1 INVITE", ""})
    EXPECT_FALSE(parse_cseq(bad)) << bad;
}

TEST(HeaderValues, CallId) {
  // §20.8: callid = word [ "@" word ]
  EXPECT_EQ(parsed(parse_callid("f81d4fae-7dec-11d0-a765-00a0c91e6bf6@192.0.2.4")),
            "f81d4fae-7dec-11d0-a765-00a0c91e6bf6@192.0.2.4");
  EXPECT_EQ(parsed(parse_callid("a<b>c:d\\e\"f/g[h]i?j{k}")), "a<b>c:d\\e\"f/g[h]i?j{k}");
  EXPECT_EQ(error_of(parse_callid("@host")), "invalid character '@' in callid '@host'");
  EXPECT_EQ(error_of(parse_callid("id@")), "invalid character '@' in callid 'id@'");
  EXPECT_EQ(error_of(parse_callid("id;x")), "invalid character ';' in callid 'id;x'");
  EXPECT_EQ(error_of(parse_callid("")), "empty callid");
}

TEST(HeaderValues, ListsRebaseErrorOffsets) {
  auto r = parse_token_list("aaa, bbb, c c", "option-tag", false);
  EXPECT_EQ(error_of(r), "invalid character ' ' in option-tag 'c c'");
  EXPECT_EQ(r.error().offset, 11u);
}

}  // namespace
}  // namespace parley::message
