// The transaction layer, server side: matching (§17.2.3), ACK for non-2xx vs 2xx, CANCEL (§9.2),
// what reaches the TU, the table's bound, odd input and lifetimes.
#include "transaction/layer.hpp"

#include <gtest/gtest.h>

#include "layer_fixture.hpp"

namespace parley::transaction::test {
namespace {

// ---- server side: §17.2.3

TEST_F(Layer, NewRequestMakesAServerTransactionForTheTu) {
  Request invite;
  deliver(invite);
  ASSERT_EQ(user.requests.size(), 1u);
  EXPECT_EQ(user.requests[0]->request().method(), message::Method::Invite);
  EXPECT_EQ(user.requests[0]->state_name(), "Proceeding");
  EXPECT_EQ(layer->size(), 1u);
  EXPECT_EQ(layer->counters().requests, 1u);
}

TEST_F(Layer, RetransmissionMatchesByBranchSentByAndMethod) {
  Request invite;
  deliver(invite);
  user.requests[0]->respond(response(invite.message(), 180));
  deliver(invite);
  EXPECT_EQ(user.requests.size(), 1u);   // not passed up again
  EXPECT_EQ(wire.last().status(), 180);  // §17.2.1: answered with the latest provisional
  EXPECT_EQ(wire.sent_count(), 2u);
  EXPECT_EQ(layer->counters().retransmissions, 1u);
}

TEST_F(Layer, SentByIsComparedCaseInsensitively) {
  Request invite;
  deliver(invite);
  Request again = invite;
  again.sent_by = "PC33.Atlanta.Example.COM";
  deliver(again);
  EXPECT_EQ(user.requests.size(), 1u);
}

TEST_F(Layer, SameBranchFromAnotherSentByIsAnotherTransaction) {
  Request a;
  deliver(a);
  Request b = a;
  b.sent_by = "attacker.example.net";  // §17.2.3: "accidental or malicious duplication"
  deliver(b);
  Request c = a;
  c.sent_by = "pc33.atlanta.example.com:5070";
  deliver(c);
  EXPECT_EQ(user.requests.size(), 3u);
  EXPECT_EQ(layer->size(), 3u);
}

TEST_F(Layer, SameBranchWithAnotherMethodIsAnotherTransaction) {
  Request a = make_request("OPTIONS");
  deliver(a);
  deliver(with(a, "INFO"));
  deliver(with(a, "INVITE"));
  EXPECT_EQ(user.requests.size(), 3u);
}

TEST_F(Layer, AnotherBranchIsAnotherTransaction) {
  Request a = make_request("MESSAGE");
  deliver(a);
  a.branch = "z9hG4bKother";
  deliver(a);
  EXPECT_EQ(user.requests.size(), 2u);
}

TEST_F(Layer, AckForAFailureIsAbsorbedByTheInviteTransaction) {
  Request invite;
  deliver(invite);
  user.requests[0]->respond(response(invite.message(), 486));
  Request ack = with(invite, "ACK");
  ack.to_tag = "a6c85cf";
  deliver(ack);
  EXPECT_TRUE(user.acks.empty());
  EXPECT_EQ(user.requests.size(), 1u);
  EXPECT_EQ(user.requests[0]->state_name(), "Confirmed");
  EXPECT_EQ(layer->size(), 1u);
  clock.advance(seconds(5));  // Timer I
  EXPECT_EQ(layer->size(), 0u);
}

TEST_F(Layer, AckForASuccessGoesToTheTu) {
  Request invite;
  deliver(invite);
  user.requests[0]->respond(response(invite.message(), 200));
  // §13.2.2.4: the ACK for a 2xx is a new transaction, with a branch of its own.
  Request ack = with(invite, "ACK");
  ack.branch = "z9hG4bKack2xx";
  ack.to_tag = "a6c85cf";
  deliver(ack);
  ASSERT_EQ(user.acks.size(), 1u);
  EXPECT_EQ(user.acks[0].message.method(), message::Method::Ack);
  EXPECT_EQ(user.requests[0]->state_name(), "Accepted");
  EXPECT_EQ(layer->counters().acks_to_tu, 1u);
  EXPECT_EQ(layer->size(), 1u);      // no transaction for the ACK
  EXPECT_EQ(wire.sent_count(), 1u);  // and never an answer
}

TEST_F(Layer, AckMatchingAnAcceptedInviteStillGoesToTheTu) {
  Request invite;
  deliver(invite);
  user.requests[0]->respond(response(invite.message(), 200));
  deliver(with(invite, "ACK"));  // same branch: matches, and RFC 6026 §8.7 passes it up
  EXPECT_EQ(user.acks.size(), 1u);
  EXPECT_EQ(layer->counters().acks_to_tu, 0u);
}

TEST_F(Layer, StrayAckGoesToTheTu) {
  deliver(with(Request{}, "ACK"));
  EXPECT_EQ(user.acks.size(), 1u);
  EXPECT_EQ(layer->size(), 0u);
}

TEST_F(Layer, AckDoesNotMatchANonInviteTransaction) {
  Request options = make_request("OPTIONS");
  deliver(options);
  deliver(with(options, "ACK"));
  EXPECT_EQ(user.acks.size(), 1u);
  EXPECT_EQ(user.requests[0]->state_name(), "Trying");
}

// ---- CANCEL: §9.2

TEST_F(Layer, CancelFindsTheInviteTransactionItCancels) {
  Request invite;
  deliver(invite);
  deliver(with(invite, "CANCEL"));
  ASSERT_EQ(user.cancels.size(), 1u);
  auto& [cancel, cancelled] = user.cancels[0];
  EXPECT_EQ(cancel->request().method(), message::Method::Cancel);
  EXPECT_EQ(cancelled, user.requests[0]);
  EXPECT_EQ(user.requests.size(), 1u);  // the CANCEL is not a new request to the TU
  EXPECT_EQ(layer->size(), 2u);         // it has a non-INVITE server transaction of its own
  EXPECT_EQ(cancel->state_name(), "Trying");
}

TEST_F(Layer, CancelRetransmissionGoesToTheCancelTransaction) {
  Request invite;
  deliver(invite);
  Request cancel = with(invite, "CANCEL");
  deliver(cancel);
  user.cancels[0].first->respond(response(cancel.message(), 200));
  deliver(cancel);
  EXPECT_EQ(user.cancels.size(), 1u);
  EXPECT_EQ(wire.last().status(), 200);
  EXPECT_EQ(wire.last().cseq()->method, message::Method::Cancel);
  EXPECT_EQ(user.requests[0]->state_name(), "Proceeding");  // the INVITE knows nothing of it
}

TEST_F(Layer, CancelWithoutItsInviteComesWithNone) {
  deliver(with(Request{}, "CANCEL"));
  ASSERT_EQ(user.cancels.size(), 1u);
  EXPECT_EQ(user.cancels[0].second, nullptr);  // the TU answers 481
}

TEST_F(Layer, CancelFromAnotherSentByDoesNotFindTheInvite) {
  Request invite;
  deliver(invite);
  Request cancel = with(invite, "CANCEL");
  cancel.sent_by = "elsewhere.example.net";
  deliver(cancel);
  ASSERT_EQ(user.cancels.size(), 1u);
  EXPECT_EQ(user.cancels[0].second, nullptr);
}

// ---- the table's bound

TEST_F(Layer, EchoesCountAgainstTheBound) {
  LayerConfig config;
  config.max_transactions = 1;
  make(config);
  Request a = make_request("OPTIONS");
  deliver(a);
  user.requests[0]->respond(response(a.message(), 200));
  user.requests.clear();
  deliver(on_branch(a, "z9hG4bKb"));  // reduces `a` to its echo, which is still live
  EXPECT_EQ(layer->counters().echoes, 1u);
  EXPECT_EQ(user.requests.size(), 0u);
  EXPECT_EQ(wire.last().status(), 503);
  clock.advance(seconds(32));  // Timer J: the echo goes, and with it the bound's last place
  deliver(on_branch(a, "z9hG4bKb"));
  EXPECT_EQ(user.requests.size(), 1u);
}

TEST_F(Layer, FullTableAnswers503WithRetryAfter) {
  LayerConfig config;
  config.max_transactions = 2;
  config.retry_after = seconds(7);
  make(config);
  Request a = make_request("OPTIONS");
  Request b = on_branch(a, "z9hG4bKb");
  Request c = on_branch(a, "z9hG4bKc");
  deliver(a);
  deliver(b);
  deliver(c);
  EXPECT_EQ(user.requests.size(), 2u);
  ASSERT_EQ(wire.sent_count(), 1u);
  Message busy = wire.last();
  EXPECT_EQ(busy.status(), 503);
  EXPECT_EQ(busy.header("Retry-After"), "7");
  EXPECT_EQ(busy.via()->front().branch(), "z9hG4bKc");
  EXPECT_EQ(layer->counters().rejected_full, 1u);
  // Live transactions still work, and a finished one makes room.
  deliver(a);
  EXPECT_EQ(layer->counters().retransmissions, 1u);
  user.requests[0]->respond(response(a.message(), 200));
  deliver(with(a, "ACK"));  // an ACK is never refused, nor answered
  EXPECT_EQ(wire.sent_count(), 2u);
  clock.advance(seconds(32));  // Timer J
  deliver(c);
  EXPECT_EQ(user.requests.size(), 3u);
}

// Shards share one bound: a request is handled on the loop it arrived on, so one shard may carry
// the whole load.
TEST_F(Layer, LayersThatShareALiveCountShareTheBound) {
  LiveCount live;
  LayerConfig config;
  config.max_transactions = 2;
  config.live = &live;
  make(config);
  FakeTransport other_wire{&clock};
  RecordingUser other_user;
  auto other = std::make_unique<TransactionLayer>(clock, other_wire, other_user, config);
  Request a = make_request("OPTIONS");
  Request b = on_branch(a, "z9hG4bKb");
  Request c = on_branch(a, "z9hG4bKc");
  deliver(a);
  deliver(b);
  EXPECT_EQ(live.transactions.load(), 2u);
  EXPECT_TRUE(other->full());
  other->receive(Incoming{c.message(), flow(), clock.now()});
  EXPECT_EQ(other_user.requests.size(), 0u);
  ASSERT_EQ(other_wire.sent_count(), 1u);
  EXPECT_EQ(other_wire.last().status(), 503);
  // What one layer lets go of makes room on the other.
  user.requests[0]->respond(response(a.message(), 200));
  clock.advance(seconds(32));  // Timer J
  EXPECT_EQ(live.transactions.load(), 1u);
  other->receive(Incoming{c.message(), flow(), clock.now()});
  EXPECT_EQ(other_user.requests.size(), 1u);
  layer.reset();
  EXPECT_EQ(live.transactions.load(), 1u);
}

TEST_F(Layer, FullTableStillTakesTheCancelOfALiveInvite) {
  LayerConfig config;
  config.max_transactions = 1;
  make(config);
  Request invite;
  deliver(invite);
  deliver(with(invite, "CANCEL"));
  ASSERT_EQ(user.cancels.size(), 1u);
  EXPECT_EQ(user.cancels[0].second, user.requests[0]);
  Request stray = with(invite, "CANCEL");
  stray.branch = "z9hG4bKnosuchinvite";
  deliver(stray);  // nothing to cancel: no exception to the bound
  EXPECT_EQ(user.cancels.size(), 1u);
  EXPECT_EQ(wire.last().status(), 503);
}

TEST_F(Layer, FullTableRefusesClientTransactionsWith503) {
  LayerConfig config;
  config.max_transactions = 1;
  make(config);
  deliver(make_request("OPTIONS"));
  auto tx = layer->send_request(make_request("MESSAGE").message(), flow(), {});
  ASSERT_FALSE(tx);
  EXPECT_EQ(tx.error().status, 503);
}

// ---- lifetimes and odd input

TEST_F(Layer, TuThatAnswersAtOnceOverTcpLeavesAnEmptyTable) {
  user.answer = [](const std::shared_ptr<ServerTransaction>& tx) {
    tx->respond(200, response_text(tx->request(), 200));
  };
  for (int i = 0; i < 100; ++i) {
    Request r = make_request("OPTIONS");
    r.branch = "z9hG4bK" + std::to_string(i);
    deliver(r, Protocol::Tcp);
  }
  EXPECT_EQ(wire.sent_count(), 100u);
  EXPECT_EQ(layer->size(), 0u);
  EXPECT_EQ(clock.pending(), 0u);
  user.requests.clear();  // the last references: the transactions go
}

TEST_F(Layer, TerminatedTransactionsLeaveTheTable) {
  Request invite;
  deliver(invite);
  deliver(make_request("OPTIONS"));
  user.requests[0]->respond(response(invite.message(), 486));
  user.requests[1]->respond(response(user.requests[1]->request(), 200));
  EXPECT_EQ(layer->size(), 2u);
  clock.advance(seconds(32));  // Timers H and J
  EXPECT_EQ(layer->size(), 0u);
  ASSERT_EQ(user.failures.size(), 1u);  // no ACK came: Timer H
  EXPECT_EQ(user.failures[0].second, Failure::Timeout);
}

// ---- a Completed non-INVITE transaction over UDP is reduced to what Timer J's wait needs

TEST_F(Layer, CompletedNonInviteBecomesAnEchoOnceTheTuLetsGo) {
  Request options = make_request("OPTIONS");
  deliver(options);
  user.requests[0]->respond(response(options.message(), 200));
  std::weak_ptr<ServerTransaction> tx = user.requests[0];
  user.requests.clear();  // the TU lets go

  deliver(options);  // a retransmission: the transaction is reduced first, then the echo matches
  EXPECT_EQ(layer->counters().echoes, 1u);
  EXPECT_TRUE(tx.expired());            // the transaction itself is gone
  EXPECT_EQ(layer->size(), 1u);         // its echo still counts
  EXPECT_EQ(user.requests.size(), 0u);  // matched by the echo's key, not a new transaction
  EXPECT_EQ(layer->counters().retransmissions, 1u);
  EXPECT_EQ(wire.sent_count(), 2u);
  EXPECT_EQ(wire.last().status(), 200);  // §17.2.2: the final response again
  EXPECT_EQ(*wire.sent[1].bytes, *wire.sent[0].bytes);

  Request elsewhere = options;  // the echo's copy of the key still tells sent-by apart (§17.2.3)
  elsewhere.sent_by = "PC33.ATLANTA.example.com";
  deliver(elsewhere);
  EXPECT_EQ(user.requests.size(), 0u);
  EXPECT_EQ(wire.sent_count(), 3u);
  elsewhere.sent_by = "other.example.com";
  deliver(elsewhere);
  EXPECT_EQ(user.requests.size(), 1u);
  EXPECT_EQ(layer->size(), 2u);

  clock.advance(seconds(32) - milliseconds(1));
  deliver(options);  // still within Timer J
  EXPECT_EQ(user.requests.size(), 1u);
  EXPECT_EQ(wire.sent_count(), 4u);
  clock.advance(milliseconds(1));  // Timer J
  EXPECT_EQ(layer->size(), 1u);    // the other one, still Trying
  deliver(options);                // after Timer J the same request is a new one
  EXPECT_EQ(user.requests.size(), 2u);
}

TEST_F(Layer, EchoesExpireInTheOrderTheyCompleted) {
  std::vector<Request> requests;
  for (int i = 0; i < 3; ++i) {
    requests.push_back(on_branch(make_request("MESSAGE"), "z9hG4bKecho" + std::to_string(i)));
    deliver(requests.back());
    user.requests.back()->respond(response(requests.back().message(), 200));
    user.requests.clear();  // each is reduced when the next request arrives
    clock.advance(seconds(10));
  }
  deliver(make_request("OPTIONS"));
  EXPECT_EQ(layer->counters().echoes, 3u);
  EXPECT_EQ(layer->size(), 4u);
  clock.advance(seconds(2));  // 32 s after the first completed
  EXPECT_EQ(layer->size(), 3u);
  clock.advance(seconds(10));
  EXPECT_EQ(layer->size(), 2u);
  deliver(requests[2]);  // the last one still answers
  EXPECT_EQ(wire.last().status(), 200);
  EXPECT_EQ(user.requests.size(), 1u);
  clock.advance(seconds(10));
  EXPECT_EQ(layer->size(), 1u);  // the OPTIONS
  EXPECT_EQ(clock.pending(), 0u) << "the OPTIONS is Trying: no timer left";

  // With the queue empty, the next transaction to complete starts Timer J again.
  Request later = on_branch(make_request("MESSAGE"), "z9hG4bKecho-later");
  deliver(later);
  user.requests.back()->respond(response(later.message(), 200));
  EXPECT_EQ(clock.pending(), 1u);
  clock.advance(seconds(32) - milliseconds(1));
  EXPECT_EQ(layer->size(), 2u);
  clock.advance(milliseconds(1));
  EXPECT_EQ(layer->size(), 1u);
  EXPECT_TRUE(user.requests.back()->terminated());
}

TEST_F(Layer, ALayerThatHearsNothingDuringTimerJStillLetsGo) {
  Request options = make_request("OPTIONS");
  deliver(options);
  user.requests[0]->respond(response(options.message(), 200));
  std::weak_ptr<ServerTransaction> tx = user.requests[0];
  user.requests.clear();       // the TU lets go; no request comes to reduce it
  clock.advance(seconds(32));  // Timer J
  EXPECT_TRUE(tx.expired());
  EXPECT_EQ(layer->size(), 0u);
  deliver(options);  // after Timer J: a new transaction (and nothing left pointing at the old)
  EXPECT_EQ(user.requests.size(), 1u);
  EXPECT_EQ(layer->size(), 1u);
}

TEST_F(Layer, CompletedTransactionTheTuStillHoldsStaysWhole) {
  Request options = make_request("OPTIONS");
  deliver(options);
  user.requests[0]->respond(response(options.message(), 200));
  deliver(options);
  EXPECT_EQ(layer->counters().echoes, 0u);
  EXPECT_EQ(user.requests[0]->request().method(), message::Method::Options);
  EXPECT_EQ(layer->counters().retransmissions, 1u);
  EXPECT_EQ(wire.sent_count(), 2u);
  clock.advance(seconds(32));  // Timer J, from the layer's queue
  EXPECT_TRUE(user.requests[0]->terminated());
  EXPECT_EQ(layer->size(), 0u);
}

TEST_F(Layer, OnlyNonInviteTransactionsOverUnreliableTransportsBecomeEchoes) {
  Request invite;  // INVITE: its ACK and the RFC 2543 rules may read the request
  deliver(invite);
  user.requests[0]->respond(response(invite.message(), 486));
  Request rfc2543 = make_request("OPTIONS");  // matched with the request's Request-URI and To tag
  rfc2543.branch = "1";
  deliver(rfc2543);
  user.requests[1]->respond(response(rfc2543.message(), 200));
  Request tcp = make_request("MESSAGE");  // Timer J is zero on a reliable transport
  deliver(tcp, Protocol::Tcp);
  user.requests[2]->respond(response(tcp.message(), 200));
  std::weak_ptr<ServerTransaction> a = user.requests[0], b = user.requests[1];
  user.requests.clear();
  deliver(make_request("MESSAGE"));
  EXPECT_EQ(layer->counters().echoes, 0u);
  EXPECT_FALSE(a.expired());
  EXPECT_FALSE(b.expired());
  EXPECT_EQ(layer->size(), 3u);  // the INVITE, the RFC 2543 OPTIONS and the new MESSAGE
  deliver(rfc2543);              // absorbed by the whole transaction
  EXPECT_EQ(layer->counters().retransmissions, 1u);
  EXPECT_EQ(wire.last().status(), 200);
}

TEST_F(Layer, EchoEndsQuietlyOnATransportError) {
  Request options = make_request("OPTIONS");
  deliver(options);
  user.requests[0]->respond(response(options.message(), 200));
  user.requests.clear();
  deliver(make_request("MESSAGE"));  // reduces the OPTIONS
  ASSERT_EQ(layer->counters().echoes, 1u);
  wire.fail_later();
  deliver(options);  // the final response again fails: §17.2.4, Terminated
  EXPECT_EQ(layer->size(), 2u);
  wire.deliver_errors();
  EXPECT_EQ(layer->size(), 1u);        // the MESSAGE
  EXPECT_TRUE(user.failures.empty());  // the TU let go of it: nothing to tell
  wire.work();
  deliver(options);  // no echo left: a new request
  EXPECT_EQ(user.requests.size(), 2u);
  clock.advance(seconds(32));    // the queue passes the forgotten echo by
  EXPECT_EQ(layer->size(), 2u);  // the MESSAGE and the new OPTIONS, both Trying
}

TEST_F(Layer, ATransportErrorAfterTheLayerIsGoneIsIgnored) {
  Request options = make_request("OPTIONS");
  deliver(options);
  user.requests[0]->respond(response(options.message(), 200));
  user.requests.clear();
  deliver(make_request("MESSAGE"));
  wire.fail_later();
  deliver(options);
  EXPECT_EQ(wire.last().status(), 200);  // the echo, whose error is still to come
  user.requests.clear();
  layer.reset();
  wire.deliver_errors();  // must not touch the layer (ASan would tell)
  EXPECT_EQ(wire.sent_count(), 2u);
}

TEST_F(Layer, ServerTransportFailureReachesTheTu) {
  Request options = make_request("OPTIONS");
  deliver(options);
  wire.fail_now();
  user.requests[0]->respond(response(options.message(), 100));
  ASSERT_EQ(user.failures.size(), 1u);
  EXPECT_EQ(user.failures[0].second, Failure::TransportError);
  EXPECT_EQ(layer->size(), 0u);
}

TEST_F(Layer, RequestWithoutCSeqIsAnswered400) {
  Request r = make_request("OPTIONS");
  r.branch = "";  // the RFC 2543 key needs CSeq
  std::string text = r.text();
  auto at = text.find("CSeq:");
  text.erase(at, text.find("\r\n", at) + 2 - at);
  deliver(parse(text));
  EXPECT_TRUE(user.requests.empty());
  ASSERT_EQ(wire.sent_count(), 1u);
  EXPECT_EQ(wire.last().status(), 400);
  EXPECT_EQ(layer->counters().malformed, 1u);
}

TEST_F(Layer, NewRequestWithoutFromOrWithAMismatchedCSeqIsAnswered400) {
  Request r = make_request("OPTIONS");
  std::string text = r.text();
  auto at = text.find("From:");
  text.erase(at, text.find("\r\n", at) + 2 - at);
  deliver(parse(text));
  Request m = make_request("OPTIONS");
  m.branch = "z9hG4bKmismatch";
  m.cseq_method = "INFO";
  deliver(m);
  EXPECT_TRUE(user.requests.empty());
  ASSERT_EQ(wire.sent_count(), 2u);
  EXPECT_EQ(wire.sent[0].message().status(), 400);
  EXPECT_NE(wire.sent[0].message().reason().find("From"), std::string_view::npos);
  EXPECT_EQ(wire.sent[1].message().status(), 400);
  EXPECT_EQ(layer->size(), 0u);
  EXPECT_EQ(layer->counters().malformed, 2u);
}

TEST_F(Layer, MalformedAckIsDroppedSilently) {
  Request ack = make_request("ACK");
  ack.cseq_method = "INVITE";
  deliver(ack);
  EXPECT_TRUE(user.acks.empty());
  EXPECT_EQ(wire.sent_count(), 0u);
}

TEST_F(Layer, TransactionsOutliveTheLayerQuietly) {
  Request options = make_request("OPTIONS");
  deliver(options);
  auto tx = user.requests[0];
  layer.reset();
  tx->respond(response(options.message(), 200));  // sends; nothing to leave
  EXPECT_EQ(wire.sent_count(), 1u);
}

}  // namespace
}  // namespace parley::transaction::test
