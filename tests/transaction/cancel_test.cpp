// RFC 3261 §9.1: the CANCEL built from an INVITE client request.
#include "transaction/cancel.hpp"

#include <gtest/gtest.h>

#include "support.hpp"
#include "transaction/key.hpp"

namespace parley::transaction::test {
namespace {

using message::HeaderId;

const std::string kInvite =
    "INVITE sip:bob@biloxi.example.com;transport=tcp SIP/2.0\r\n"
    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds, "
    "SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKold\r\n"
    "Max-Forwards: 69\r\n"
    "Route: <sip:p1.example.com;lr>\r\n"
    "Route: <sip:p2.example.com;lr>, <sip:p3.example.com;lr>\r\n"
    "To: Bob <sip:bob@biloxi.example.com>\r\n"
    "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Require: 100rel\r\n"
    "Contact: <sip:alice@pc33.atlanta.example.com>\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 4\r\n\r\n"
    "v=0\n";

TEST(Cancel, CopiesWhatSection9_1Requires) {
  Message invite = parse(kInvite);
  auto cancel = make_cancel(invite);
  ASSERT_TRUE(cancel) << cancel.error();
  EXPECT_EQ(cancel->method(), message::Method::Cancel);
  EXPECT_EQ(cancel->request_uri_text(), invite.request_uri_text());
  EXPECT_EQ(cancel->values(HeaderId::Via),
            std::vector<std::string_view>{
                "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds"});
  EXPECT_EQ(cancel->find(HeaderId::To)->value, invite.find(HeaderId::To)->value);
  EXPECT_EQ(cancel->find(HeaderId::From)->value, invite.find(HeaderId::From)->value);
  EXPECT_EQ(cancel->call_id(), invite.call_id());
  ASSERT_TRUE(cancel->cseq());
  EXPECT_EQ(cancel->cseq()->number, 314159u);
  EXPECT_EQ(cancel->cseq()->method, message::Method::Cancel);
  EXPECT_EQ(cancel->values(HeaderId::Route), invite.values(HeaderId::Route));
  EXPECT_EQ(cancel->values(HeaderId::Route).size(), 3u);
  ASSERT_TRUE(cancel->max_forwards());
  EXPECT_EQ(cancel->max_forwards()->value_or(0), 70u);
  // Not copied: Require (§9.1 forbids it), Contact, the body.
  EXPECT_EQ(cancel->find(HeaderId::Require), nullptr);
  EXPECT_EQ(cancel->find(HeaderId::Contact), nullptr);
  EXPECT_TRUE(cancel->body().empty());
}

TEST(Cancel, MatchesTheInviteTransactionAtTheServer) {
  Message invite = parse(kInvite);
  auto cancel = make_cancel(invite);
  ASSERT_TRUE(cancel);
  // §9.2: the server finds the INVITE transaction by the CANCEL's key, method aside.
  auto invite_key = server_key(invite);
  auto cancel_as_invite = server_key(*cancel, "INVITE");
  ASSERT_TRUE(invite_key && cancel_as_invite);
  EXPECT_EQ(*invite_key, *cancel_as_invite);
  // And it is a transaction of its own: its client key differs from the INVITE's by method.
  EXPECT_FALSE(*client_key(invite) == *client_key(*cancel));
}

TEST(Cancel, OnlyForAnInvite) {
  std::string options = kInvite;
  options.replace(0, 6, "OPTIONS");
  options.replace(options.find("CSeq: 314159 INVITE"), 19, "CSeq: 314159 OPTIONS");
  auto c = make_cancel(parse(options));
  EXPECT_FALSE(c);
}

}  // namespace
}  // namespace parley::transaction::test
