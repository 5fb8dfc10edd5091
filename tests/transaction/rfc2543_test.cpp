// §17.2.3 for requests without the magic cookie (RFC 2543 peers): Request-URI, To tag, From tag,
// Call-ID, CSeq and top Via, and the ACK matched by the To tag of the response.
#include <gtest/gtest.h>

#include "layer_fixture.hpp"
#include "transaction/layer.hpp"

namespace parley::transaction::test {
namespace {

// ---- RFC 2543 peers: §17.2.3 without the magic cookie

TEST_F(Layer, Rfc2543RetransmissionMatchesWithoutABranch) {
  Request invite;
  invite.branch = "";
  deliver(invite);
  deliver(invite);
  EXPECT_EQ(user.requests.size(), 1u);
  EXPECT_EQ(layer->counters().retransmissions, 1u);
}

TEST_F(Layer, Rfc2543BranchWithoutCookieIsMatchedTheOldWay) {
  Request invite;
  invite.branch = "1234";  // not unique as far as we know: not the key alone
  deliver(invite);
  Request other = invite;
  other.call_id = "another-call@pc33.atlanta.example.com";
  deliver(other);
  EXPECT_EQ(user.requests.size(), 2u);
  deliver(invite);
  EXPECT_EQ(user.requests.size(), 2u);
}

TEST_F(Layer, Rfc2543RequestUriComparesByUriRules) {
  Request invite;
  invite.branch = "";
  deliver(invite);
  Request again = invite;
  again.uri = "sip:bob@BILOXI.example.com";  // §19.1.4: hosts compare case-insensitively
  deliver(again);
  EXPECT_EQ(user.requests.size(), 1u);
}

TEST_F(Layer, Rfc2543DifferencesInCSeqFromTagOrViaMakeAnotherTransaction) {
  Request invite;
  invite.branch = "";
  deliver(invite);
  Request a = invite;
  a.cseq += 1;
  deliver(a);
  Request b = invite;
  b.from_tag = "other";
  deliver(b);
  Request c = invite;
  c.sent_by = "pc34.atlanta.example.com";
  deliver(c);
  EXPECT_EQ(user.requests.size(), 4u);
}

TEST_F(Layer, Rfc2543SameIdsButAnotherRequestUriIsAMergedRequest) {
  Request invite;
  invite.branch = "";
  deliver(invite);
  Request other = invite;
  other.uri = "sip:carol@chicago.example.com";
  deliver(other);
  EXPECT_EQ(user.requests.size(), 1u);
  EXPECT_EQ(wire.last().status(), 482);  // §8.2.2.2
}

TEST_F(Layer, Rfc2543AckMatchesByTheToTagOfTheResponse) {
  Request invite;
  invite.branch = "";
  deliver(invite);
  user.requests[0]->respond(response(invite.message(), 486, "tag486"));
  Request ack = with(invite, "ACK");
  ack.to_tag = "tag486";
  deliver(ack);
  EXPECT_TRUE(user.acks.empty());
  EXPECT_EQ(user.requests[0]->state_name(), "Confirmed");
}

TEST_F(Layer, Rfc2543AckWithAnotherToTagIsNotTheTransactions) {
  Request invite;
  invite.branch = "";
  deliver(invite);
  user.requests[0]->respond(486, response_text(invite.message(), 486, "tag486"));
  Request ack = with(invite, "ACK");
  ack.to_tag = "tag200-from-another-fork";
  deliver(ack);
  EXPECT_EQ(user.acks.size(), 1u);
  EXPECT_EQ(user.requests[0]->state_name(), "Completed");
}

TEST_F(Layer, Rfc2543CancelFindsTheInvite) {
  Request invite;
  invite.branch = "";
  deliver(invite);
  deliver(with(invite, "CANCEL"));
  ASSERT_EQ(user.cancels.size(), 1u);
  EXPECT_EQ(user.cancels[0].second, user.requests[0]);
}

}  // namespace
}  // namespace parley::transaction::test
