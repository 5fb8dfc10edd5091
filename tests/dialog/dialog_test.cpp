// RFC 3261 §12: dialog state from the messages that make it, and the requests it builds.
#include "dialog/dialog.hpp"

#include <gtest/gtest.h>

#include "dialog/offer_answer.hpp"
#include "message/sdp.hpp"

namespace parley::dialog {
namespace {

using message::Message;

Message parse(const std::string& text) {
  auto m = Message::parse(text);
  EXPECT_TRUE(m) << text;
  return std::move(*m);
}

const std::string kInvite =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n"
    "Max-Forwards: 70\r\n"
    "Record-Route: <sip:p2.example.com;lr>, <sip:p1.example.com;lr>\r\n"
    "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
    "To: Bob <sip:bob@biloxi.example.com>\r\n"
    "Call-ID: 3848276298220188511@atlanta.example.com\r\n"
    "CSeq: 1 INVITE\r\n"
    "Contact: <sip:alice@client.atlanta.example.com>\r\n"
    "Content-Length: 0\r\n\r\n";

std::string response(int status, const std::string& to_tag, const std::string& rr,
                     const std::string& contact = "<sip:bob@192.0.2.4>") {
  std::string to = "To: Bob <sip:bob@biloxi.example.com>";
  if (!to_tag.empty()) to += ";tag=" + to_tag;
  return "SIP/2.0 " + std::to_string(status) + " X\r\n" +
         "Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n" +
         (rr.empty() ? "" : "Record-Route: " + rr + "\r\n") +
         "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n" + to + "\r\n" +
         "Call-ID: 3848276298220188511@atlanta.example.com\r\nCSeq: 1 INVITE\r\n" +
         (contact.empty() ? "" : "Contact: " + contact + "\r\n") + "Content-Length: 0\r\n\r\n";
}

TEST(Dialog, UacFrom2xxReversesTheRouteSet) {
  Message invite = parse(kInvite);
  Message ok =
      parse(response(200, "8321234356", "<sip:p2.example.com;lr>, <sip:p1.example.com;lr>"));
  auto d = Dialog::as_uac(invite, ok);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->confirmed());
  EXPECT_EQ(d->id().call_id, "3848276298220188511@atlanta.example.com");
  EXPECT_EQ(d->id().local_tag, "9fxced76sl");
  EXPECT_EQ(d->id().remote_tag, "8321234356");
  // §12.1.2: "The route set MUST be set to the list of URIs in the Record-Route header field from
  // the response, taken in reverse order".
  ASSERT_EQ(d->route_set().size(), 2u);
  EXPECT_EQ(d->route_set()[0], "<sip:p1.example.com;lr>");
  EXPECT_EQ(d->route_set()[1], "<sip:p2.example.com;lr>");
  EXPECT_EQ(d->remote_target(), "sip:bob@192.0.2.4");
  EXPECT_EQ(d->local_cseq(), 1u);
  EXPECT_FALSE(d->remote_cseq());
  EXPECT_EQ(d->local_uri(), "Alice <sip:alice@atlanta.example.com>");
  EXPECT_EQ(d->remote_uri(), "Bob <sip:bob@biloxi.example.com>");
}

TEST(Dialog, UasKeepsRecordRouteInOrder) {
  Message invite = parse(kInvite);
  auto d = Dialog::as_uas(invite, "8321234356", false);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->id().local_tag, "8321234356");
  EXPECT_EQ(d->id().remote_tag, "9fxced76sl");
  ASSERT_EQ(d->route_set().size(), 2u);
  EXPECT_EQ(d->route_set()[0], "<sip:p2.example.com;lr>");
  EXPECT_EQ(d->remote_target(), "sip:alice@client.atlanta.example.com");
  EXPECT_EQ(d->remote_cseq(), 1u);
  EXPECT_EQ(d->local_uri(), "Bob <sip:bob@biloxi.example.com>");
}

TEST(Dialog, EarlyFromAProvisionalWithATagOnly) {
  Message invite = parse(kInvite);
  EXPECT_FALSE(Dialog::as_uac(invite, parse(response(180, "", ""))));
  EXPECT_FALSE(Dialog::as_uac(invite, parse(response(100, "x", ""))));
  auto d = Dialog::as_uac(invite, parse(response(180, "early1", "<sip:p1.example.com;lr>")));
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->early());
  // §12.1.2 / §13.2.2.4: the 2xx recomputes the route set and target.
  Message ok = parse(response(200, "early1", "<sip:p9.example.com;lr>", "<sip:bob@192.0.2.9>"));
  d->confirm(&ok);
  EXPECT_TRUE(d->confirmed());
  ASSERT_EQ(d->route_set().size(), 1u);
  EXPECT_EQ(d->route_set()[0], "<sip:p9.example.com;lr>");
  EXPECT_EQ(d->remote_target(), "sip:bob@192.0.2.9");
}

TEST(Dialog, RemoteCSeqOrdering) {
  Message invite = parse(kInvite);
  auto d = Dialog::as_uas(invite, "t", false);
  ASSERT_TRUE(d);
  auto req = [](int cseq, const std::string& method) {
    return parse(method +
                 " sip:bob@192.0.2.4 SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
                 "From: <sip:a@h>;tag=9fxced76sl\r\nTo: <sip:b@h>;tag=t\r\nCall-ID: c\r\nCSeq: " +
                 std::to_string(cseq) + " " + method + "\r\nContent-Length: 0\r\n\r\n");
  };
  EXPECT_EQ(d->accept_remote_cseq(req(2, "OPTIONS")), 0);
  EXPECT_EQ(d->remote_cseq(), 2u);
  // §12.2.2: lower than the remote CSeq: 500.
  EXPECT_EQ(d->accept_remote_cseq(req(1, "OPTIONS")), 500);
  EXPECT_EQ(d->remote_cseq(), 2u);
  // ACK and CANCEL carry the INVITE's number and are not checked.
  EXPECT_EQ(d->accept_remote_cseq(req(1, "ACK")), 0);
  EXPECT_EQ(d->accept_remote_cseq(req(10, "BYE")), 0);
  EXPECT_EQ(d->remote_cseq(), 10u);
}

TEST(Dialog, LooseRoutingRequest) {
  Message invite = parse(kInvite);
  auto d = Dialog::as_uac(
      invite, parse(response(200, "b", "<sip:p2.example.com;lr>, <sip:p1.example.com;lr>")));
  ASSERT_TRUE(d);
  std::uint32_t cseq = d->next_cseq();
  EXPECT_EQ(cseq, 2u);
  auto bye = std::move(d->request("BYE", "SIP/2.0/UDP h:5060;branch=z9hG4bKx", cseq)).build();
  ASSERT_TRUE(bye);
  // §12.2.1.1: Request-URI = remote target; Route = the route set, in order.
  EXPECT_EQ(bye->request_uri_text(), "sip:bob@192.0.2.4");
  ASSERT_TRUE(bye->route());
  ASSERT_EQ(bye->route()->size(), 2u);
  EXPECT_EQ((*bye->route())[0].uri.to_string(), "sip:p1.example.com;lr");
  EXPECT_EQ(bye->to()->tag().value_or(""), "b");
  EXPECT_EQ(bye->from()->tag().value_or(""), "9fxced76sl");
  EXPECT_EQ(bye->cseq()->number, 2u);
  EXPECT_EQ(d->next_hop(), "sip:p1.example.com;lr");
}

TEST(Dialog, StrictRoutingRequest) {
  Message invite = parse(kInvite);
  auto d = Dialog::as_uac(invite,
                          parse(response(200, "b", "<sip:p2.example.com>, <sip:p1.example.com>")));
  ASSERT_TRUE(d);
  auto bye = std::move(d->request("BYE", "SIP/2.0/UDP h:5060;branch=z9hG4bKx", 2)).build();
  ASSERT_TRUE(bye);
  // §12.2.1.1: a strict router first: Request-URI = that route; Route = the rest, then the remote
  // target.
  EXPECT_EQ(bye->request_uri_text(), "sip:p1.example.com");
  ASSERT_EQ(bye->route()->size(), 2u);
  EXPECT_EQ((*bye->route())[0].uri.to_string(), "sip:p2.example.com");
  EXPECT_EQ((*bye->route())[1].uri.to_string(), "sip:bob@192.0.2.4");
}

TEST(Dialog, TargetRefresh) {
  Message invite = parse(kInvite);
  auto d = Dialog::as_uac(invite, parse(response(200, "b", "")));
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->refresh_target(parse(response(200, "b", "", ""))));
  EXPECT_EQ(d->remote_target(), "sip:bob@192.0.2.4");
  EXPECT_TRUE(d->refresh_target(parse(response(200, "b", "", "<sip:bob@198.51.100.7:5070>"))));
  EXPECT_EQ(d->remote_target(), "sip:bob@198.51.100.7:5070");
}

TEST(OfferAnswer, AnswerTakesCommonFormatsAndRejectsTheRest) {
  LocalMedia mine;
  mine.address = "192.0.2.1";
  mine.port = 4000;
  std::string offer =
      "v=0\r\no=- 1 1 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\n"
      "m=audio 5000 RTP/AVP 8 18 0\r\na=sendonly\r\nm=video 5002 RTP/AVP 31\r\n";
  auto answer = make_answer(offer, mine, 7, 1);
  ASSERT_TRUE(answer) << answer.error();
  auto sdp = message::parse_sdp(*answer);
  ASSERT_TRUE(sdp);
  // RFC 3264 §6: one m= line per offered one; formats of the offer that we take, in its order.
  ASSERT_EQ(sdp->media.size(), 2u);
  EXPECT_EQ(sdp->media[0].port, 4000);
  EXPECT_EQ(sdp->media[0].formats, (std::vector<std::string>{"8", "0"}));
  EXPECT_EQ(sdp->direction(sdp->media[0]), message::Direction::RecvOnly);
  EXPECT_EQ(sdp->media[1].port, 0);  // video rejected
  EXPECT_EQ(sdp->origin.session_id, "7");
}

TEST(OfferAnswer, NothingInCommonIsAnError) {
  std::string offer =
      "v=0\r\no=- 1 1 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\n"
      "m=audio 5000 RTP/AVP 18\r\n";
  EXPECT_FALSE(make_answer(offer, LocalMedia{}, 1, 1));
  EXPECT_FALSE(make_answer("not sdp", LocalMedia{}, 1, 1));
}

TEST(OfferAnswer, OfferParsesBackAndCarriesItsVersion) {
  auto sdp = message::parse_sdp(make_offer(LocalMedia{}, 42, 3));
  ASSERT_TRUE(sdp);
  EXPECT_EQ(sdp->origin.session_version, 3u);
  ASSERT_EQ(sdp->media.size(), 1u);
  EXPECT_EQ(sdp->media[0].formats, (std::vector<std::string>{"0", "8"}));
}

}  // namespace
}  // namespace parley::dialog
