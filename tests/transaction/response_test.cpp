// response_bytes: the same response as message::response_to, from the request's received bytes.
#include "transaction/response.hpp"

#include <gtest/gtest.h>

#include "message/builder.hpp"
#include "support.hpp"

namespace parley::transaction::test {
namespace {

using message::HeaderId;

// Both responses parse, and carry the same status, reason, Vias, From, To, Call-ID and CSeq.
void expect_same(const std::string& request_text, int status, std::string_view tag) {
  Message request = parse(request_text);
  auto fast = Message::parse(response_bytes(request, status, tag));
  auto slow = Message::parse(message::response_to(request, status, {}, tag).finish());
  ASSERT_TRUE(fast) << fast.error().describe();
  ASSERT_TRUE(slow);
  EXPECT_EQ(fast->status(), slow->status());
  EXPECT_EQ(fast->reason(), slow->reason());
  EXPECT_EQ(fast->values(HeaderId::Via), slow->values(HeaderId::Via));
  for (HeaderId id : {HeaderId::From, HeaderId::To, HeaderId::CallId, HeaderId::CSeq}) {
    ASSERT_TRUE(fast->find(id)) << message::header_name(id);
    EXPECT_EQ(fast->find(id)->value, slow->find(id)->value) << message::header_name(id);
  }
  EXPECT_EQ(fast->fields().size(), slow->fields().size());  // and Content-Length: 0
  EXPECT_TRUE(fast->body().empty());
}

const std::string kPlain =
    "OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n"
    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK77;received=192.0.2.9\r\n"
    "Max-Forwards: 70\r\n"
    "To: Carol <sip:carol@chicago.example.com>\r\n"
    "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710\r\n"
    "CSeq: 63104 OPTIONS\r\n"
    "Content-Length: 0\r\n\r\n";

TEST(ResponseBytes, SameAsResponseToForAPlainRequest) {
  expect_same(kPlain, 200, "t1");
  expect_same(kPlain, 486, "t2");
  expect_same(kPlain, 200, "");
}

TEST(ResponseBytes, AddsTheTagOnlyWhenToHasNone) {
  Message request = parse(kPlain);
  auto r = Message::parse(response_bytes(request, 200, "abc"));
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->to());
  EXPECT_EQ(r->to()->tag(), "abc");

  std::string tagged = kPlain;
  tagged.replace(tagged.find("To: Carol <sip:carol@chicago.example.com>"), 41,
                 "To: Carol <sip:carol@chicago.example.com>;tag=old");
  auto t = Message::parse(response_bytes(parse(tagged), 200, "abc"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->to()->tag(), "old");
  expect_same(tagged, 200, "abc");
}

TEST(ResponseBytes, ASemicolonInsideTheUriIsNoTag) {
  std::string r = kPlain;
  r.replace(r.find("To: Carol <sip:carol@chicago.example.com>"), 41,
            "To: <sip:carol@chicago.example.com;transport=tcp;tag=x>");
  auto m = Message::parse(response_bytes(parse(r), 200, "new"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->to()->tag(), "new");
  expect_same(r, 200, "new");
}

TEST(ResponseBytes, CompactAndFoldedFieldsStayValid) {
  const std::string compact =
      "OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n"
      "v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKa,\r\n"
      "   SIP/2.0/TCP 192.0.2.1;branch=z9hG4bKb\r\n"
      "t: sip:carol@chicago.example.com\r\n"
      "f: <sip:alice@atlanta.example.com>;tag=1\r\n"
      "i: compact-call\r\n"
      "CSeq: 1 OPTIONS\r\n"
      "l: 0\r\n\r\n";
  expect_same(compact, 200, "z");
  auto m = Message::parse(response_bytes(parse(compact), 200, "z"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->values(HeaderId::Via).size(), 2u);
  EXPECT_EQ(std::string(m->to()->tag().value_or("")), "z");
  EXPECT_EQ(std::string(m->call_id().value_or("")), "compact-call");
}

TEST(ResponseBytes, HundredGoesThroughResponseToForTimestamp) {
  std::string r = kPlain;
  r.insert(r.find("Content-Length"), "Timestamp: 54\r\n");
  auto m = Message::parse(response_bytes(parse(r), 100, "ignored"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->header("Timestamp"), "54");
  EXPECT_FALSE(m->to()->tag());
}

}  // namespace
}  // namespace parley::transaction::test
