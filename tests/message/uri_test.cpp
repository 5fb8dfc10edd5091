#include "message/uri.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parley::message {
namespace {

SipUri sip(std::string_view text) {
  auto u = parse_sip_uri(text);
  EXPECT_TRUE(u) << text << ": " << (u ? "" : u.error().what);
  return u ? *u : SipUri{};
}

TEST(SipUri, ParsesEveryPart) {
  auto u = sip(
      "sips:alice:secret@atlanta.com:5061;transport=tcp;lr?subject=project%20x&priority=urgent");
  EXPECT_TRUE(u.secure);
  EXPECT_EQ(u.user, "alice");
  EXPECT_EQ(u.password, "secret");
  EXPECT_EQ(u.host, "atlanta.com");
  EXPECT_EQ(u.port, 5061);
  EXPECT_EQ(u.param("transport"), "tcp");
  EXPECT_TRUE(u.loose_route());
  EXPECT_EQ(u.headers.get("subject"), "project%20x");
  EXPECT_EQ(u.headers.get("priority"), "urgent");
}

TEST(SipUri, HostOnlyAndIPv6) {
  auto u = sip("sip:[2001:db8::10]:5070;maddr=239.255.255.1");
  EXPECT_EQ(u.host, "2001:db8::10");
  EXPECT_EQ(u.host_kind, HostKind::IPv6);
  EXPECT_EQ(u.port, 5070);
  EXPECT_EQ(u.host_port(), "[2001:db8::10]:5070");
  EXPECT_FALSE(u.user);
  auto v4 = sip("sip:192.0.2.4");
  EXPECT_EQ(v4.host_kind, HostKind::IPv4);
}

TEST(SipUri, Ipv6WithANulInsideIsRefused) {
  // Found by fuzz_uri: inet_pton stopped at the NUL and took the rest of the brackets for good.
  using namespace std::string_view_literals;
  EXPECT_FALSE(parse_uri("sip:c,@[200:db8::9:1\0\0\x1fw6>0]:0;tranp"sv));
  EXPECT_FALSE(parse_uri("sip:[::1\0]"sv));
  EXPECT_TRUE(parse_uri("sip:[::1]"sv));
}

TEST(SipUri, UserMayHoldSemicolonsAndEscapes) {
  auto u = sip("sip:+1-212-555-1212;phone-context=x%40y@gateway.com;user=phone");
  EXPECT_EQ(u.user, "+1-212-555-1212;phone-context=x%40y");
  EXPECT_EQ(u.param("user"), "phone");
  EXPECT_EQ(unescape(*u.user), "+1-212-555-1212;phone-context=x@y");
}

TEST(SipUri, RejectsWhatTheGrammarForbids) {
  for (std::string_view bad : {"sip:", "sip:@host", "sip:alice@", "sip:host:99999", "sip:host:12a",
                               "sip:[::1", "sip:[zz::1]", "sip:a b@host", "sip:1.2.3",
                               "sip:256.1.1.1", "sip:-host.com", "sip:host..com", "sip:al%2@host",
                               "sip:host;=x", "sip:host?noequals", "sip:host.com;transport="}) {
    auto u = parse_uri(bad);
    EXPECT_FALSE(u) << bad;
  }
}

TEST(Uri, OtherSchemesAreKeptButNotSip) {
  auto u = parse_uri("http://www.example.com/alice/photo.jpg");
  ASSERT_TRUE(u);
  ASSERT_NE(u->other(), nullptr);
  EXPECT_EQ(u->scheme(), "http");
  auto s = parse_sip_uri("mailto:alice@example.com");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().status, 416);
}

TEST(TelUri, GlobalAndLocal) {
  auto g = parse_uri("tel:+1-201-555-0123");
  ASSERT_TRUE(g);
  ASSERT_NE(g->tel(), nullptr);
  EXPECT_TRUE(g->tel()->global);
  auto l = parse_uri("tel:7042;phone-context=example.com");
  ASSERT_TRUE(l);
  EXPECT_FALSE(l->tel()->global);
  EXPECT_FALSE(parse_uri("tel:7042")) << "local numbers need phone-context";
  EXPECT_FALSE(parse_uri("tel:+1-abc"));
}

bool same(std::string_view a, std::string_view b) {
  auto x = parse_uri(a), y = parse_uri(b);
  EXPECT_TRUE(x && y) << a << " / " << b;
  return x && y && equivalent(*x, *y);
}

// RFC 3261 §19.1.4: the examples of equivalent and non-equivalent URIs.
TEST(UriComparison, Rfc3261Equivalent) {
  EXPECT_TRUE(same("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"));
  EXPECT_TRUE(same("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"));
  EXPECT_TRUE(same("sip:carol@chicago.com", "sip:carol@chicago.com;security=on"));
  EXPECT_TRUE(same("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"));
  EXPECT_TRUE(same("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
                   "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"));
  EXPECT_TRUE(same("sip:alice@atlanta.com?subject=project%20x&priority=urgent",
                   "sip:alice@atlanta.com?priority=urgent&subject=project%20x"));
}

TEST(UriComparison, Rfc3261NotEquivalent) {
  EXPECT_FALSE(same("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"));
  EXPECT_FALSE(same("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"));
  EXPECT_FALSE(same("sip:bob@biloxi.com", "sips:bob@biloxi.com"));
  EXPECT_FALSE(same("sip:bob@biloxi.com:6000;transport=tcp", "sip:bob@biloxi.com"));
  EXPECT_FALSE(same("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"));
  EXPECT_FALSE(same("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"));
  EXPECT_FALSE(same("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"));
  EXPECT_FALSE(same("sip:carol@chicago.com", "sip:carol@chicago.com;maddr=239.255.255.1"));
  EXPECT_FALSE(same("sip:carol@chicago.com;user=phone", "sip:carol@chicago.com"));
  EXPECT_FALSE(same("sip:a%3bb@host", "sip:a;b@host")) << "escaped reserved characters differ";
}

TEST(UriComparison, ParametersOnOneSideOnly) {
  // transport and other parameters on one side only are ignored; user, ttl, method, maddr are not.
  EXPECT_TRUE(same("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"));
  EXPECT_FALSE(same("sip:bob@biloxi.com", "sip:bob@biloxi.com;ttl=1"));
  EXPECT_FALSE(same("sip:bob@biloxi.com;method=INVITE", "sip:bob@biloxi.com"));
}

TEST(UriComparison, RepeatedParametersStayEquivalentToThemselves) {
  EXPECT_TRUE(same("sip:h.example.com;y=Param;y=1", "sip:h.example.com;y=Param;y=1"));
  EXPECT_TRUE(same("sip:h.example.com?a=1&a=2", "sip:h.example.com?a=1&a=2"));
  EXPECT_TRUE(same("tel:+1;x=1;x=2", "tel:+1;x=1;x=2"));
  EXPECT_FALSE(same("sip:h.example.com;y=1", "sip:h.example.com;y=1;y=2"));
  EXPECT_FALSE(same("sip:h.example.com;y=1;y=2", "sip:h.example.com;y=1"));
  EXPECT_FALSE(same("sip:h.example.com?a=1&a=1", "sip:h.example.com?a=1&a=2"));
}

TEST(UriComparison, Ipv6Canonical) {
  EXPECT_TRUE(same("sip:[2001:db8::1]", "sip:[2001:0db8:0:0::1]"));
}

TEST(Uri, RendersFromParts) {
  auto u = parse_uri("sip:alice@atlanta.com:5060;lr?x=y");
  ASSERT_TRUE(u);
  u->sip()->params.remove("lr");
  EXPECT_EQ(u->to_string(), "sip:alice@atlanta.com:5060?x=y");
}

// parse_host_plain reads 16 bytes at a time and its last load ends at the end of the text: hosts
// of every length up to past its 64-byte limit, at every place in texts short and long, valid and
// broken, must be settled as parse_host_port settles them (or left to it).
TEST(Host, PlainScanAgreesWithParseHostPortAtEveryLengthAndPlace) {
  const std::string_view labels[] = {"a", "example", "x-y", "a--b", "9", "255", "256", "0", "com"};
  std::vector<std::string> hosts;
  for (std::string_view a : labels)
    for (std::string_view b : labels) {
      hosts.push_back(std::string(a) + "." + std::string(b));
      hosts.push_back(std::string(a) + "-." + std::string(b));
      hosts.push_back(std::string(a) + ".." + std::string(b));
      hosts.push_back("." + std::string(a));
      hosts.push_back(std::string(a) + ".");
      hosts.push_back(std::string(a) + "." + std::string(b) + "." + std::string(a) + ".1");
    }
  for (std::size_t n = 1; n <= 80; ++n) {
    hosts.push_back(std::string(n, 'a'));
    hosts.push_back(std::string(n - 1, 'b') + "-");
    hosts.push_back("h" + std::string(n - 1, '1'));
  }
  hosts.push_back("192.0.2.1");
  hosts.push_back("192.0.2.256");
  hosts.push_back("1.2.3");
  for (const std::string& host : hosts)
    for (std::string_view prefix : {"", "sip:", "SIP/2.0/UDP 0123456789abcdef "})
      for (std::string_view suffix : {"", ":5060", ";lr", ">", "_x", ";branch=z9hG4bK776asdhds"}) {
        std::string text = std::string(prefix) + host + std::string(suffix);
        std::size_t pos = prefix.size();
        std::string_view got;
        HostKind kind = HostKind::Name;
        if (!parse_host_plain(text, pos, got, kind)) continue;  // left to the careful parser
        auto want = parse_host_port(got);
        ASSERT_TRUE(want) << text;
        EXPECT_EQ(want->host, got) << text;
        EXPECT_EQ(want->kind, kind) << text;
        EXPECT_EQ(got.data(), text.data() + prefix.size()) << text;
        EXPECT_EQ(pos, prefix.size() + got.size()) << text;
        EXPECT_TRUE(pos == text.size() || !chars::is(text[pos], chars::kHost)) << text;
      }
}

}  // namespace
}  // namespace parley::message
