// The transaction layer, client side: responses matched by branch and CSeq method (§17.1.3),
// send_request, and the branches the layer makes.
#include <gtest/gtest.h>

#include <set>

#include "layer_fixture.hpp"
#include "transaction/layer.hpp"

namespace parley::transaction::test {
namespace {

// ---- client side: §17.1.3

struct LayerClient : Layer {
  ClientRecord record;
  std::shared_ptr<ClientTransaction> send(Request r, Protocol p = Protocol::Udp) {
    auto tx = layer->send_request(r.message(), flow(p), record.callback());
    EXPECT_TRUE(tx) << tx.error().what;
    return tx ? *tx : nullptr;
  }
  Message sent_request(std::size_t i = 0) { return wire.sent.at(i).message(); }
};

TEST_F(LayerClient, ResponseMatchesByBranchAndCSeqMethod) {
  auto tx = send(Request{});
  deliver(response(sent_request(), 180));
  deliver(response(sent_request(), 200));
  EXPECT_EQ(record.statuses(), (std::vector<int>{180, 200}));
  EXPECT_TRUE(user.strays.empty());
  EXPECT_EQ(tx->state_name(), "Accepted");
  EXPECT_EQ(layer->counters().responses, 2u);
}

TEST_F(LayerClient, ResponseWithAnotherBranchIsStray) {
  auto tx = send(Request{});
  Request other;
  other.branch = "z9hG4bKnotours";
  deliver(response(other.message(), 200));
  EXPECT_TRUE(record.events.empty());
  ASSERT_EQ(user.strays.size(), 1u);
  EXPECT_EQ(user.strays[0].message.status(), 200);
  EXPECT_EQ(layer->counters().stray_responses, 1u);
}

TEST_F(LayerClient, ResponseWithAnotherMethodIsStray) {
  auto tx = send(Request{});
  // Same branch, CSeq method CANCEL: the response of a CANCEL, which has no transaction here.
  deliver(response(with(Request{}, "CANCEL").message(), 200));
  EXPECT_TRUE(record.events.empty());
  EXPECT_EQ(user.strays.size(), 1u);
}

TEST_F(LayerClient, InviteAndItsCancelShareABranchButNotATransaction) {
  ClientRecord cancel_record;
  auto invite = send(Request{});
  auto cancel =
      layer->send_request(with(Request{}, "CANCEL").message(), flow(), cancel_record.callback());
  ASSERT_TRUE(cancel);
  EXPECT_EQ(layer->size(), 2u);
  deliver(response(with(Request{}, "CANCEL").message(), 200));
  deliver(response(Request{}.message(), 487));
  EXPECT_EQ(cancel_record.statuses(), (std::vector<int>{200}));
  EXPECT_EQ(record.statuses(), (std::vector<int>{487}));
  EXPECT_EQ(wire.last().method(), message::Method::Ack);  // for the 487
}

TEST_F(LayerClient, RequestWithoutBranchGetsOneThatShardsHere) {
  Request r = make_request("OPTIONS");
  r.branch = "";
  auto tx = send(r);
  Message sent = sent_request();
  auto branch = sent.via()->front().branch();
  ASSERT_TRUE(branch);
  EXPECT_TRUE(branch->starts_with("z9hG4bK"));
  EXPECT_GT(branch->size(), 7u + 16u);
  deliver(response(sent_request(), 200));
  EXPECT_EQ(record.statuses(), (std::vector<int>{200}));
}

TEST_F(LayerClient, RequestKeepsItsViasBelowTheTopOne) {
  Request r = make_request("OPTIONS");
  r.branch = "";
  r.extra_vias = {"SIP/2.0/UDP upstream.example.com;branch=z9hG4bKup"};
  send(r);
  Message sent = sent_request();
  const auto& vias = *sent.via();
  ASSERT_EQ(vias.size(), 2u);
  EXPECT_EQ(vias[0].host, "pc33.atlanta.example.com");
  EXPECT_TRUE(vias[0].rfc3261_branch());
  EXPECT_EQ(vias[1].branch(), "z9hG4bKup");
}

TEST_F(LayerClient, AckIsNotSentInATransaction) {
  auto tx = layer->send_request(with(Request{}, "ACK").message(), flow(), record.callback());
  ASSERT_FALSE(tx);
  EXPECT_EQ(wire.sent_count(), 0u);
}

TEST_F(LayerClient, DuplicateBranchAndMethodIsRefused) {
  send(Request{});
  auto again = layer->send_request(Request{}.message(), flow(), record.callback());
  EXPECT_FALSE(again);
}

TEST_F(LayerClient, TimeoutReaches408AndLeavesTheTable) {
  send(make_request("OPTIONS"));
  EXPECT_EQ(layer->size(), 1u);
  clock.advance(seconds(32));
  EXPECT_EQ(record.statuses(), (std::vector<int>{408}));
  EXPECT_EQ(layer->size(), 0u);
}

TEST_F(LayerClient, TransportFailureAtOnceReaches503AndLeavesNothing) {
  wire.fail_now();
  auto tx = send(make_request("OPTIONS"));
  EXPECT_TRUE(tx->terminated());
  EXPECT_EQ(record.statuses(), (std::vector<int>{503}));
  EXPECT_EQ(layer->size(), 0u);
  EXPECT_EQ(clock.pending(), 0u);
}

TEST_F(LayerClient, LateResponseAfterTerminationIsStray) {
  send(make_request("OPTIONS"), Protocol::Tcp);
  Message req = sent_request();
  deliver(response(req, 200));
  EXPECT_EQ(layer->size(), 0u);  // Timer K is zero on TCP
  deliver(response(req, 200));
  EXPECT_EQ(user.strays.size(), 1u);
  EXPECT_EQ(record.events.size(), 1u);
}

// ---- branches

TEST(Branches, AreUniqueAndCarryTheCookie) {
  BranchGenerator g;
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string b = g.next();
    EXPECT_TRUE(b.starts_with("z9hG4bK"));
    EXPECT_TRUE(seen.insert(b).second) << b;
  }
}

TEST(Branches, SeededGeneratorsStillDifferByCounter) {
  BranchGenerator a(42), b(42);
  EXPECT_EQ(a.next(), b.next());  // same seed, same first branch: the seed is what varies
  BranchGenerator c(42);
  std::string first = c.next();
  EXPECT_NE(first, c.next());
}

TEST(Branches, NewBranchesShardToTheirLayer) {
  VirtualClock clock;
  FakeTransport wire;
  RecordingUser user;
  for (std::size_t shard = 0; shard < 4; ++shard) {
    LayerConfig config;
    config.shard = shard;
    config.shards = 4;
    TransactionLayer layer(clock, wire, user, config);
    for (int i = 0; i < 50; ++i) EXPECT_EQ(shard_of(layer.new_branch(), 4), shard);
  }
}

TEST(Branches, ForeignBranchIsRefusedOnAnotherShard) {
  VirtualClock clock;
  FakeTransport wire;
  RecordingUser user;
  LayerConfig config;
  config.shards = 2;
  TransactionLayer zero(clock, wire, user, config);
  config.shard = 1;
  TransactionLayer one(clock, wire, user, config);
  Request r = make_request("OPTIONS");
  r.branch = zero.new_branch();
  EXPECT_TRUE(zero.send_request(r.message(), flow(), {}));
  EXPECT_FALSE(one.send_request(r.message(), flow(), {}));
}

}  // namespace
}  // namespace parley::transaction::test
