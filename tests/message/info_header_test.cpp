#include "message/info_header.hpp"

#include <gtest/gtest.h>

#include "message/header_values.hpp"
#include "parse_expect.hpp"

namespace parley::message {
namespace {

using testing::error_of;
using testing::parsed;

TEST(InfoUri, Rfc3261Examples) {
  // §20.4 Alert-Info
  auto alert = parsed(parse_info_uris("<http://www.example.com/sounds/moo.wav>"));
  ASSERT_EQ(alert.size(), 1u);
  EXPECT_EQ(alert[0].uri.scheme(), "http");
  EXPECT_EQ(alert[0].uri.other()->rest, "//www.example.com/sounds/moo.wav");
  // §20.9 Call-Info, folded in the RFC, unfolded here
  auto call =
      parsed(parse_info_uris("<http://wwww.example.com/alice/photo.jpg> ;purpose=icon, "
                             "<http://www.example.com/alice/> ;purpose=info"));
  ASSERT_EQ(call.size(), 2u);
  EXPECT_EQ(call[0].purpose(), "icon");
  EXPECT_EQ(call[0].uri.text(), "http://wwww.example.com/alice/photo.jpg");
  EXPECT_EQ(call[1].purpose(), "info");
  // §20.18 Error-Info
  auto err = parsed(parse_info_uris("<sip:not-in-service-recording@atlanta.com>"));
  ASSERT_EQ(err.size(), 1u);
  EXPECT_EQ(err[0].uri.sip()->user, "not-in-service-recording");
  EXPECT_FALSE(err[0].purpose());
  std::string out;
  append_list(out, call);
  EXPECT_EQ(out,
            "<http://wwww.example.com/alice/photo.jpg>;purpose=icon, "
            "<http://www.example.com/alice/>;purpose=info");
  auto again = parsed(parse_info_uris(out), out);
  EXPECT_EQ(again.at(1).purpose(), "info");
}

TEST(InfoUri, Errors) {
  EXPECT_EQ(error_of(parse_info_uris("http://www.example.com/moo.wav")),
            "expected '<' before the URI");
  EXPECT_EQ(error_of(parse_info_uris("<http://www.example.com/moo.wav")),
            "missing '>' after the URI");
  EXPECT_EQ(error_of(parse_info_uris("<moo.wav>")), "URI has no scheme: 'moo.wav'");
  EXPECT_EQ(error_of(parse_info_uris("<http://a/b> purpose=icon")), "unexpected 'p'");
}

TEST(Warning, Rfc3261Examples) {
  // §20.43
  auto one = parsed(parse_warning("307 isi.edu \"Session parameter 'foo' not understood\""));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].code, 307);
  EXPECT_EQ(one[0].agent, "isi.edu");
  EXPECT_EQ(one[0].text, "Session parameter 'foo' not understood");
  auto two =
      parsed(parse_warning("301 isi.edu \"Incompatible network address type 'E.164'\", "
                           "399 [2001:db8::1]:5060 \"Say \\\"hi\\\", please\""));
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].code, 301);
  EXPECT_EQ(two[1].code, 399);
  EXPECT_EQ(two[1].agent, "[2001:db8::1]:5060");
  EXPECT_EQ(unquote(two[1].text), "Say \"hi\", please");
  EXPECT_EQ(two[1].to_string(), "399 [2001:db8::1]:5060 \"Say \\\"hi\\\", please\"");
  std::string out = one[0].to_string();
  auto again = parsed(parse_warning(out), out);
  EXPECT_EQ(again.at(0).text, one[0].text);
}

TEST(Warning, Errors) {
  EXPECT_EQ(error_of(parse_warning("30 isi.edu \"x\"")), "warn-code must be three digits");
  EXPECT_EQ(error_of(parse_warning("307 isi.edu x")), "warn-text must be a quoted string");
  EXPECT_EQ(error_of(parse_warning("307 \"x\"")), "expected the warn-agent");
  EXPECT_EQ(error_of(parse_warning("307isi.edu \"x\"")), "expected a space after the warn-code");
  EXPECT_EQ(error_of(parse_warning("307 isi.edu \"x\" extra")), "unexpected 'e'");
}

TEST(Date, Rfc3261Example) {
  // §20.17
  SipDate d = parsed(parse_date("Sat, 13 Nov 2010 23:29:00 GMT"));
  EXPECT_EQ(d.weekday, 5);
  EXPECT_EQ(d.day, 13);
  EXPECT_EQ(d.month, 11);
  EXPECT_EQ(d.year, 2010);
  EXPECT_EQ(d.hour, 23);
  EXPECT_EQ(d.minute, 29);
  EXPECT_EQ(d.second, 0);
  EXPECT_EQ(d.to_string(), "Sat, 13 Nov 2010 23:29:00 GMT");
  SipDate leap = parsed(parse_date("Thu, 29 Feb 2024 00:00:60 GMT"));
  EXPECT_EQ(leap.month, 2);
  EXPECT_EQ(leap.second, 60);
  EXPECT_EQ(parsed(parse_date(leap.to_string())).day, 29);
}

TEST(Date, Errors) {
  EXPECT_EQ(error_of(parse_date("Sat, 13 Nov 2010 23:29:00 UTC")),
            "the time zone must be ' GMT' in 'Sat, 13 Nov 2010 23:29:00 UTC' (expected like 'Sat, "
            "13 Nov 2010 23:29:00 GMT')");
  EXPECT_EQ(error_of(parse_date("sat, 13 Nov 2010 23:29:00 GMT")),
            "invalid weekday in 'sat, 13 Nov 2010 23:29:00 GMT' (expected like 'Sat, 13 Nov 2010 "
            "23:29:00 GMT')");
  EXPECT_EQ(error_of(parse_date("Sat, 13 NOV 2010 23:29:00 GMT")),
            "invalid month in 'Sat, 13 NOV 2010 23:29:00 GMT' (expected like 'Sat, 13 Nov 2010 "
            "23:29:00 GMT')");
  EXPECT_EQ(error_of(parse_date("Sat, 3 Nov 2010 23:29:00 GMT")),
            "wrong length in 'Sat, 3 Nov 2010 23:29:00 GMT' (expected like 'Sat, 13 Nov 2010 "
            "23:29:00 GMT')");
  EXPECT_EQ(error_of(parse_date("Sat, 31 Nov 2010 23:29:00 GMT")),
            "day 31 does not exist in Nov 2010");
  EXPECT_EQ(error_of(parse_date("Sat, 29 Feb 2100 23:29:00 GMT")),
            "day 29 does not exist in Feb 2100");
  EXPECT_EQ(error_of(parse_date("Sat, 13 Nov 2010 24:00:00 GMT")), "time 24:00:00 is out of range");
  EXPECT_EQ(error_of(parse_date("Sat, 13 Nov 2010 23-29-00 GMT")),
            "expected HH:MM:SS in 'Sat, 13 Nov 2010 23-29-00 GMT' (expected like 'Sat, 13 Nov "
            "2010 23:29:00 GMT')");
}

TEST(Timestamp, Rfc3261ExampleAndDelay) {
  // §20.38, §8.2.6.1
  Timestamp t = parsed(parse_timestamp("54"));
  EXPECT_EQ(t.value, "54");
  EXPECT_FALSE(t.delay);
  Timestamp d = parsed(parse_timestamp("54.217 0.5"));
  EXPECT_EQ(d.value, "54.217");
  EXPECT_EQ(d.delay, "0.5");
  EXPECT_EQ(d.to_string(), "54.217 0.5");
  EXPECT_EQ(parsed(parse_timestamp("54.")).value, "54.");
  EXPECT_EQ(error_of(parse_timestamp("")), "expected a number");
  EXPECT_EQ(error_of(parse_timestamp("abc")), "expected a number");
  EXPECT_EQ(error_of(parse_timestamp("54x")), "unexpected 'x'");
  EXPECT_EQ(error_of(parse_timestamp("54 0.5 1")), "unexpected '1'");
}

TEST(Text, SubjectAndOrganization) {
  // §20.36, §20.25
  EXPECT_EQ(parsed(parse_text("Need more boxes")), "Need more boxes");
  EXPECT_EQ(parsed(parse_text("Boxes by Bob")), "Boxes by Bob");
  EXPECT_EQ(parsed(parse_text("A tornado is heading our way!")), "A tornado is heading our way!");
  EXPECT_EQ(parsed(parse_text("")), "");  // [TEXT-UTF8-TRIM]
  EXPECT_EQ(parsed(parse_text("caf\xc3\xa9")), "caf\xc3\xa9");
  EXPECT_EQ(error_of(parse_text(std::string_view("a\x01z", 3))), "control character in text");
}

TEST(ProductList, ServerAndUserAgent) {
  // §20.35, §20.41
  ProductList server = parsed(parse_product_list("HomeServer v2"));
  EXPECT_EQ(server.text, "HomeServer v2");
  ASSERT_EQ(server.products.size(), 2u);
  EXPECT_EQ(server.products[0].name, "HomeServer");
  EXPECT_EQ(server.products[1].name, "v2");
  ProductList ua = parsed(parse_product_list("parley/0.1.0 (Linux x86_64) libre/2.9 (beta (rc1))"));
  ASSERT_EQ(ua.products.size(), 4u);
  EXPECT_EQ(ua.products[0].name, "parley");
  EXPECT_EQ(ua.products[0].version, "0.1.0");
  EXPECT_EQ(ua.products[1].comment, "Linux x86_64");
  EXPECT_EQ(ua.products[2].name, "libre");
  EXPECT_EQ(ua.products[3].comment, "beta (rc1)");
  EXPECT_EQ(ua.to_string(), "parley/0.1.0 (Linux x86_64) libre/2.9 (beta (rc1))");
  // Text that is not product syntax is kept as it is.
  ProductList odd = parsed(parse_product_list("Acme SIP Phone, firmware \"7\""));
  EXPECT_EQ(odd.text, "Acme SIP Phone, firmware \"7\"");
  EXPECT_TRUE(odd.products.empty());
  EXPECT_EQ(error_of(parse_product_list("  ")), "empty value");
}

TEST(Priority, Rfc3261Values) {
  // §20.26
  for (std::string_view v : {"emergency", "urgent", "normal", "non-urgent", "x-custom"})
    EXPECT_EQ(parsed(parse_priority(v)), v);
  EXPECT_EQ(error_of(parse_priority("very urgent")),
            "invalid character ' ' in priority-value 'very urgent'");
  EXPECT_EQ(error_of(parse_priority("")), "expected priority-value, found nothing");
}

TEST(InReplyTo, Rfc3261Example) {
  // §20.21
  auto ids = parsed(parse_in_reply_to("70710@saturn.bell-tel.com, 17320@saturn.bell-tel.com"));
  EXPECT_EQ(ids, (std::vector<std::string_view>{"70710@saturn.bell-tel.com",
                                                "17320@saturn.bell-tel.com"}));
  EXPECT_EQ(to_string(ids), "70710@saturn.bell-tel.com, 17320@saturn.bell-tel.com");
  EXPECT_EQ(error_of(parse_in_reply_to("")), "empty value");
  auto bad = parse_in_reply_to("70710@saturn.bell-tel.com, 1 7@x");
  EXPECT_EQ(error_of(bad), "invalid character ' ' in callid '1 7@x'");
  EXPECT_EQ(bad.error().offset, 28u);
}

}  // namespace
}  // namespace parley::message
