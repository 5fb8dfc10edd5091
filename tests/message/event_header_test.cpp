#include "message/event_header.hpp"

#include <gtest/gtest.h>

#include "parse_expect.hpp"

namespace parley::message {
namespace {

using testing::error_of;
using testing::parsed;

TEST(Event, PackagesTemplatesAndId) {
  // RFC 6665 §8.2.1, RFC 3857 (presence.winfo), RFC 4235 (dialog)
  Event presence = parsed(parse_event("presence"));
  EXPECT_EQ(presence.type, "presence");
  EXPECT_EQ(presence.package(), "presence");
  EXPECT_EQ(presence.templates(), "");
  EXPECT_FALSE(presence.id);
  Event winfo = parsed(parse_event("presence.winfo;id=1234;x-ext=7"));
  EXPECT_EQ(winfo.type, "presence.winfo");
  EXPECT_EQ(winfo.package(), "presence");
  EXPECT_EQ(winfo.templates(), "winfo");
  EXPECT_EQ(winfo.id, "1234");
  EXPECT_EQ(winfo.params.get("x-ext"), "7");
  EXPECT_FALSE(winfo.params.has("id"));
  std::string out = winfo.to_string();
  EXPECT_EQ(out, "presence.winfo;id=1234;x-ext=7");
  Event again = parsed(parse_event(out), out);
  EXPECT_EQ(again.id, "1234");
  EXPECT_EQ(again.type, "presence.winfo");
  Event dialog = parsed(parse_event("dialog;call-id=\"a@b\";from-tag=12"));
  EXPECT_EQ(dialog.params.get("call-id"), "a@b");
}

TEST(Event, Errors) {
  EXPECT_EQ(error_of(parse_event("")), "expected an event type");
  EXPECT_EQ(error_of(parse_event("presence.")),
            "empty package or template in event type 'presence.'");
  EXPECT_EQ(error_of(parse_event(".winfo")), "empty package or template in event type '.winfo'");
  EXPECT_EQ(error_of(parse_event("presence;id=\"7\"")), "parameter 'id' must be a token");
  EXPECT_EQ(error_of(parse_event("presence;id")), "parameter 'id' needs a value");
  EXPECT_EQ(error_of(parse_event("presence, dialog")), "unexpected ','");
}

TEST(AllowEvents, List) {
  auto events = parsed(parse_allow_events("presence, dialog, presence.winfo, refer"));
  EXPECT_EQ(events,
            (std::vector<std::string_view>{"presence", "dialog", "presence.winfo", "refer"}));
  EXPECT_EQ(error_of(parse_allow_events("")), "empty value");
  EXPECT_EQ(error_of(parse_allow_events("presence, dia log")),
            "invalid character ' ' in event type 'dia log'");
}

TEST(SubscriptionState, Rfc6665Values) {
  SubscriptionState active = parsed(parse_subscription_state("active;expires=60"));
  EXPECT_EQ(active.state, SubState::Active);
  EXPECT_EQ(active.expires, 60u);
  EXPECT_FALSE(active.reason);
  SubscriptionState pending = parsed(parse_subscription_state("Pending"));
  EXPECT_EQ(pending.state, SubState::Pending);
  SubscriptionState term =
      parsed(parse_subscription_state("terminated;reason=probation;retry-after=30;x=y"));
  EXPECT_EQ(term.state, SubState::Terminated);
  EXPECT_EQ(term.reason, "probation");
  EXPECT_EQ(term.retry_after, 30u);
  EXPECT_EQ(term.params.get("x"), "y");
  std::string out = term.to_string();
  EXPECT_EQ(out, "terminated;reason=probation;retry-after=30;x=y");
  SubscriptionState again = parsed(parse_subscription_state(out), out);
  EXPECT_EQ(again.retry_after, 30u);
  EXPECT_EQ(again.reason, "probation");
  SubscriptionState ext = parsed(parse_subscription_state("waiting"));
  EXPECT_EQ(ext.state, SubState::Extension);
  EXPECT_EQ(ext.value, "waiting");
}

TEST(SubscriptionState, Errors) {
  EXPECT_EQ(error_of(parse_subscription_state("")), "expected active, pending or terminated");
  EXPECT_EQ(error_of(parse_subscription_state("active;expires=soon")),
            "parameter 'expires': expected delta-seconds, found 'soon'");
  EXPECT_EQ(error_of(parse_subscription_state("terminated;retry-after=")),
            "parameter 'retry-after' has '=' but no value");
  EXPECT_EQ(error_of(parse_subscription_state("active;expires=1;expires=2")),
            "parameter 'expires' appears more than once");
}

TEST(ReferTo, Rfc3515Examples) {
  // RFC 3515 §2.1
  NameAddr plain = parsed(parse_refer_to("sip:alice@atlanta.example.com"));
  EXPECT_FALSE(plain.angle_brackets);
  EXPECT_EQ(plain.uri.sip()->user, "alice");
  NameAddr method = parsed(parse_refer_to("<sip:carol@cleveland.example.org;method=SUBSCRIBE>"));
  EXPECT_EQ(method.uri.sip()->param("method"), "SUBSCRIBE");
  NameAddr web = parsed(parse_refer_to("http://www.ietf.org"));
  EXPECT_EQ(web.uri.scheme(), "http");
  // RFC 3891 §7.1 / RFC 5589: a Refer-To carrying Replaces.
  NameAddr with_replaces = parsed(parse_refer_to(
      "<sip:dave@denver.example.org?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%"
      "3D5FFE-3994>"));
  auto replaces = embedded_header(with_replaces, "replaces");
  ASSERT_TRUE(replaces);
  EXPECT_EQ(*replaces, "12345@192.168.118.3;to-tag=12345;from-tag=5FFE-3994");
  Replaces r = parsed(parse_replaces(*replaces), *replaces);
  EXPECT_EQ(r.call_id, "12345@192.168.118.3");
  EXPECT_EQ(r.to_tag, "12345");
  EXPECT_EQ(r.from_tag, "5FFE-3994");
  EXPECT_FALSE(embedded_header(with_replaces, "Require"));
  EXPECT_EQ(with_replaces.to_string(),
            "<sip:dave@denver.example.org?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%"
            "3Bfrom-tag%3D5FFE-3994>");
}

TEST(ReferTo, Errors) {
  EXPECT_EQ(error_of(parse_refer_to("sip:dave@denver.example.org?Replaces=1%402")),
            "a URI with '?' or ',' must be enclosed in '<' '>'");
  EXPECT_EQ(error_of(parse_refer_to("<sip:dave@denver.example.org")), "missing '>' after the URI");
  EXPECT_EQ(error_of(parse_refer_to("")), "empty URI");
}

TEST(ReferredBy, Rfc3892Example) {
  // RFC 3892 §3
  ReferredBy r = parsed(parse_referred_by(
      "<sip:referrer@referrer.example>;cid=\"20398823.2UWQFN309shb3@referrer.example\""));
  EXPECT_EQ(r.address.uri.sip()->user, "referrer");
  EXPECT_EQ(r.cid, "20398823.2UWQFN309shb3@referrer.example");
  EXPECT_FALSE(r.address.params.has("cid"));
  std::string out = r.to_string();
  EXPECT_EQ(out, "<sip:referrer@referrer.example>;cid=\"20398823.2UWQFN309shb3@referrer.example\"");
  ReferredBy again = parsed(parse_referred_by(out), out);
  EXPECT_EQ(again.cid, r.cid);
  ReferredBy named = parsed(parse_referred_by("\"Alice\" <sip:alice@atlanta.example.com>;x=1"));
  EXPECT_EQ(named.address.display_text(), "Alice");
  EXPECT_FALSE(named.cid);
  EXPECT_EQ(named.address.params.get("x"), "1");
}

TEST(ReferredBy, Errors) {
  EXPECT_EQ(error_of(parse_referred_by("<sip:r@example.com>;cid=abc")),
            "cid must be a quoted \"local@domain\" message id");
  EXPECT_EQ(error_of(parse_referred_by("<sip:r@example.com>;cid=\"nodomain\"")),
            "cid must be a quoted \"local@domain\" message id");
}

TEST(Replaces, Rfc3891Examples) {
  // RFC 3891 §6.1
  Replaces r = parsed(parse_replaces("98732@sip.example.com;from-tag=r33th4x0r;to-tag=ff87ff"));
  EXPECT_EQ(r.call_id, "98732@sip.example.com");
  EXPECT_EQ(r.from_tag, "r33th4x0r");
  EXPECT_EQ(r.to_tag, "ff87ff");
  EXPECT_FALSE(r.early_only);
  Replaces early =
      parsed(parse_replaces("425928@bobster.example.org;to-tag=7743;from-tag=6472;early-only"));
  EXPECT_EQ(early.call_id, "425928@bobster.example.org");
  EXPECT_EQ(early.to_tag, "7743");
  EXPECT_EQ(early.from_tag, "6472");
  EXPECT_TRUE(early.early_only);
  EXPECT_TRUE(early.params.empty());
  std::string out = early.to_string();
  EXPECT_EQ(out, "425928@bobster.example.org;to-tag=7743;from-tag=6472;early-only");
  Replaces again = parsed(parse_replaces(out), out);
  EXPECT_TRUE(again.early_only);
  EXPECT_EQ(again.to_tag, "7743");
}

TEST(Replaces, Errors) {
  EXPECT_EQ(error_of(parse_replaces("98732@sip.example.com;from-tag=a")),
            "missing to-tag (RFC 3891 §6.1)");
  EXPECT_EQ(error_of(parse_replaces("98732@sip.example.com;to-tag=a")),
            "missing from-tag (RFC 3891 §6.1)");
  EXPECT_EQ(error_of(parse_replaces("98732@sip.example.com;to-tag=a;from-tag=b;to-tag=c")),
            "parameter 'to-tag' appears more than once");
  EXPECT_EQ(error_of(parse_replaces("a@b@c;to-tag=a;from-tag=b")),
            "invalid character '@' in callid 'a@b@c'");
  EXPECT_EQ(error_of(parse_replaces(";to-tag=a;from-tag=b")), "empty callid");
  EXPECT_EQ(error_of(parse_replaces("x@y;to-tag=a;from-tag=b;early-only=yes")),
            "early-only takes no value");
}

}  // namespace
}  // namespace parley::message
