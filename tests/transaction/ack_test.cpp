// RFC 3261 §17.1.1.3: the ACK an INVITE client transaction builds for a non-2xx final response.
#include "transaction/ack.hpp"

#include <gtest/gtest.h>

#include "support.hpp"

namespace parley::transaction::test {
namespace {

TEST(AckForFailure, FollowsSection17113) {
  Request spec;
  spec.uri = "sip:bob@biloxi.example.com;transport=udp";
  spec.routes = {"<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"};
  spec.extra_vias = {"SIP/2.0/UDP below.example.com;branch=z9hG4bKbelow"};
  Message invite = spec.message();
  Message busy = response(invite, 486, "b0b7ag");

  Message ack = parse(build_ack(invite, busy));
  EXPECT_EQ(ack.method(), message::Method::Ack);
  EXPECT_EQ(ack.request_uri_text(), invite.request_uri_text());
  EXPECT_EQ(ack.call_id(), invite.call_id());
  EXPECT_EQ(ack.find(message::HeaderId::From)->value, invite.find(message::HeaderId::From)->value);
  // To from the response, with its tag.
  EXPECT_EQ(ack.find(message::HeaderId::To)->value, busy.find(message::HeaderId::To)->value);
  EXPECT_EQ(ack.to()->tag(), "b0b7ag");
  // One Via, the INVITE's top one.
  ASSERT_EQ(ack.via()->size(), 1u);
  EXPECT_EQ(ack.via()->front().branch(), "z9hG4bK776asdhds");
  EXPECT_EQ(ack.via()->front().host, "pc33.atlanta.example.com");
  // CSeq number of the INVITE, method ACK.
  EXPECT_EQ(ack.cseq()->number, 314159u);
  EXPECT_EQ(ack.cseq()->method, message::Method::Ack);
  // The INVITE's Route set, in order.
  ASSERT_EQ(ack.route()->size(), 2u);
  EXPECT_EQ(ack.route()->at(0).uri.sip()->host, "p1.example.com");
  EXPECT_EQ(ack.route()->at(1).uri.sip()->host, "p2.example.com");
  EXPECT_TRUE(ack.body().empty());
  EXPECT_EQ(ack.max_forwards()->value_or(0), 70u);
}

TEST(AckForFailure, WithoutRouteHasNone) {
  Message invite = Request{}.message();
  Message ack = parse(build_ack(invite, response(invite, 603)));
  EXPECT_EQ(ack.count(message::HeaderId::Route), 0u);
  EXPECT_EQ(ack.count(message::HeaderId::Contact), 0u);
}

}  // namespace
}  // namespace parley::transaction::test
