// The server side of digest: challenges, stateless nonces, staleness, nc replays, failures.
#include "auth/server.hpp"

#include <gtest/gtest.h>

#include "auth/digest.hpp"
#include "message/builder.hpp"

namespace parley::auth {
namespace {

using message::DigestAlgorithm;
using message::Message;

constexpr std::string_view kRealm = "example.com";
constexpr std::string_view kSource = "192.0.2.7";
constexpr std::string_view kUri = "sip:example.com";

struct Client {
  std::string username = "alice";
  std::string password = "secret";
  DigestAlgorithm algorithm = DigestAlgorithm::Md5;
  std::string uri = std::string(kUri);
  std::string realm = std::string(kRealm);
  std::string cnonce = "0a4f113b";
  std::string qop = "auth";

  std::string ha1() const { return auth::ha1(algorithm, username, realm, password); }

  // The Authorization value for `nonce` with nonce-count nc.
  std::string credentials(std::string_view nonce, std::uint32_t nc) const {
    char nc_text[9];
    std::snprintf(nc_text, sizeof nc_text, "%08x", nc);
    std::string h = ha1();
    DigestInput in;
    in.algorithm = algorithm;
    in.ha1 = h;
    in.nonce = nonce;
    in.cnonce = cnonce;
    in.nc = nc_text;
    in.qop = qop;
    in.method = "REGISTER";
    in.uri = uri;
    std::string v = "Digest username=\"" + username + "\", realm=\"" + realm + "\", nonce=\"" +
                    std::string(nonce) + "\", uri=\"" + uri + "\", response=\"" +
                    request_digest(in) +
                    "\", algorithm=" + std::string(message::digest_algorithm_name(algorithm)) +
                    ", cnonce=\"" + cnonce + "\", nc=" + nc_text;
    if (!qop.empty()) v += ", qop=" + qop;
    return v;
  }
};

Message register_with(std::string_view authorization) {
  auto b = message::MessageBuilder::request("REGISTER", kUri);
  b.header("Via", "SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK776asdhds")
      .header("Max-Forwards", "70")
      .header("To", "<sip:alice@example.com>")
      .header("From", "<sip:alice@example.com>;tag=1928301774")
      .header("Call-ID", "a84b4c76e66710")
      .header("CSeq", "2 REGISTER");
  if (!authorization.empty()) b.header("Authorization", authorization);
  auto m = std::move(b).build();
  EXPECT_TRUE(m) << (m ? "" : m.error().what);
  return *std::move(m);
}

std::string nonce_of(const std::string& challenge) {
  auto c = message::parse_challenge(challenge);
  EXPECT_TRUE(c);
  return std::string(*c->nonce);
}

class DigestServerTest : public ::testing::Test {
 protected:
  VirtualClock clock;
  DigestServer server;

  std::string fresh_nonce() { return nonce_of(server.challenges(kRealm, kSource, clock.now())[0]); }

  // examine + verify with the client's own HA1 (or `ha1`).
  Verdict attempt(const Client& c, std::string_view nonce, std::uint32_t nc,
                  std::optional<std::string> ha1 = std::nullopt, bool known = true) {
    Message m = register_with(c.credentials(nonce, nc));
    auto e = server.examine(m, false, kRealm, kSource, clock.now());
    EXPECT_EQ(e.kind, Examined::Kind::Attempt) << e.reason;
    if (!e.attempt) return {};
    std::string h = ha1.value_or(c.ha1());
    return server.verify(*e.attempt, known ? std::optional<std::string_view>(h) : std::nullopt,
                         kRealm, kSource, clock.now());
  }
};

TEST_F(DigestServerTest, ChallengesOfferSha256ThenMd5WithOneNonce) {
  auto values = server.challenges(kRealm, kSource, clock.now());
  ASSERT_EQ(values.size(), 2u);
  auto first = message::parse_challenge(values[0]);
  auto second = message::parse_challenge(values[1]);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->digest_algorithm(), DigestAlgorithm::Sha256);
  EXPECT_EQ(second->digest_algorithm(), DigestAlgorithm::Md5);
  EXPECT_EQ(*first->realm, kRealm);
  EXPECT_TRUE(first->offers_qop("auth"));
  EXPECT_EQ(*first->nonce, *second->nonce);
  EXPECT_FALSE(first->stale.has_value());
  auto stale = message::parse_challenge(server.challenges(kRealm, kSource, clock.now(), true)[0]);
  EXPECT_TRUE(stale->stale.value_or(false));
}

TEST_F(DigestServerTest, NoncesAreFreshEachTime) { EXPECT_NE(fresh_nonce(), fresh_nonce()); }

TEST_F(DigestServerTest, Md5AndSha256Authenticate) {
  for (auto a : {DigestAlgorithm::Md5, DigestAlgorithm::Sha256}) {
    Client c;
    c.algorithm = a;
    auto nonce = fresh_nonce();
    auto v = attempt(c, nonce, 1);
    ASSERT_EQ(v.kind, Verdict::Kind::Authenticated);
    auto info = message::parse_authentication_info(v.authentication_info);
    ASSERT_TRUE(info) << v.authentication_info;
    // rspauth: the digest with an empty method (RFC 2617 §3.2.3), checked independently.
    std::string h = c.ha1();
    DigestInput in;
    in.algorithm = a;
    in.ha1 = h;
    in.nonce = nonce;
    in.cnonce = c.cnonce;
    in.nc = "00000001";
    in.qop = "auth";
    in.uri = c.uri;
    EXPECT_EQ(*info->rspauth, response_auth(in));
    EXPECT_EQ(*info->nc, 1u);
    EXPECT_EQ(*info->cnonce, c.cnonce);
    // The nextnonce is one of ours and works.
    std::string next(*info->nextnonce);
    EXPECT_TRUE(server.nonce_issued(next, kRealm, kSource).has_value());
    EXPECT_EQ(attempt(c, next, 1).kind, Verdict::Kind::Authenticated);
  }
}

TEST_F(DigestServerTest, WrongPasswordAndUnknownUserLookTheSame) {
  Client c;
  Client wrong = c;
  wrong.password = "guess";
  auto v1 = attempt(wrong, fresh_nonce(), 1, c.ha1());
  auto v2 = attempt(c, fresh_nonce(), 1, std::nullopt, /*known=*/false);
  EXPECT_EQ(v1.kind, Verdict::Kind::Failed);
  EXPECT_EQ(v2.kind, Verdict::Kind::Failed);
  EXPECT_TRUE(v1.authentication_info.empty());
  EXPECT_EQ(v1.delay, v2.delay);
}

TEST_F(DigestServerTest, ExpiredNonceWithRightDigestIsStale) {
  Client c;
  auto nonce = fresh_nonce();
  clock.advance(server.config().nonce_lifetime + std::chrono::seconds(1));
  EXPECT_EQ(attempt(c, nonce, 1).kind, Verdict::Kind::Stale);
  Client wrong = c;
  wrong.password = "guess";
  EXPECT_EQ(attempt(wrong, nonce, 1, c.ha1()).kind, Verdict::Kind::Failed);
}

TEST_F(DigestServerTest, ForgedOrForeignNonceIsUnusable) {
  Client c;
  auto nonce = fresh_nonce();
  std::string forged = nonce;
  forged[40] = forged[40] == 'a' ? 'b' : 'a';
  auto e1 =
      server.examine(register_with(c.credentials(forged, 1)), false, kRealm, kSource, clock.now());
  EXPECT_EQ(e1.kind, Examined::Kind::Unusable);
  // Bound to the source it was given to.
  auto e2 = server.examine(register_with(c.credentials(nonce, 1)), false, kRealm, "192.0.2.8",
                           clock.now());
  EXPECT_EQ(e2.kind, Examined::Kind::Unusable);
  // And made by this process: another server's nonce does not verify.
  DigestServer other;
  auto e3 =
      other.examine(register_with(c.credentials(nonce, 1)), false, kRealm, kSource, clock.now());
  EXPECT_EQ(e3.kind, Examined::Kind::Unusable);
  EXPECT_EQ(
      server.examine(register_with(c.credentials("abc", 1)), false, kRealm, kSource, clock.now())
          .kind,
      Examined::Kind::Unusable);
}

TEST_F(DigestServerTest, ReplayedNcIsRefused) {
  Client c;
  auto nonce = fresh_nonce();
  EXPECT_EQ(attempt(c, nonce, 1).kind, Verdict::Kind::Authenticated);
  EXPECT_NE(attempt(c, nonce, 1).kind, Verdict::Kind::Authenticated);
  EXPECT_EQ(attempt(c, nonce, 3).kind, Verdict::Kind::Authenticated);
  // Out of order within the window: once.
  EXPECT_EQ(attempt(c, nonce, 2).kind, Verdict::Kind::Authenticated);
  EXPECT_NE(attempt(c, nonce, 2).kind, Verdict::Kind::Authenticated);
  EXPECT_EQ(attempt(c, nonce, 200).kind, Verdict::Kind::Authenticated);
  EXPECT_NE(attempt(c, nonce, 100).kind, Verdict::Kind::Authenticated);  // before the window
}

TEST(DigestServer, TrackedNoncesAreBoundedAndDroppedOnesCannotBeReplayed) {
  VirtualClock clock;
  DigestServerConfig config;
  config.max_tracked_nonces = 4;
  DigestServer server(config);
  Client c;
  std::vector<std::string> nonces;
  for (int i = 0; i < 10; ++i) {
    nonces.push_back(nonce_of(server.challenges(kRealm, kSource, clock.now())[0]));
    clock.advance(std::chrono::milliseconds(10));
  }
  auto run = [&](const std::string& nonce, std::uint32_t nc) {
    Message request = register_with(c.credentials(nonce, nc));
    auto e = server.examine(request, false, kRealm, kSource, clock.now());
    std::string h = c.ha1();
    return server.verify(*e.attempt, h, kRealm, kSource, clock.now()).kind;
  };
  for (const auto& n : nonces) EXPECT_EQ(run(n, 1), Verdict::Kind::Authenticated);
  EXPECT_LE(server.tracked_nonces(), 4u);
  // The first nonce's window is gone: its nc=1 again is not accepted.
  EXPECT_NE(run(nonces[0], 1), Verdict::Kind::Authenticated);
  EXPECT_NE(run(nonces[9], 1), Verdict::Kind::Authenticated);
}

TEST(DigestServer, RepeatedFailuresFromOneSourceAreSlowedDown) {
  VirtualClock clock;
  DigestServerConfig config;
  config.free_failures = 2;
  config.failure_delay = std::chrono::milliseconds(100);
  config.max_failure_delay = std::chrono::milliseconds(350);
  DigestServer server(config);
  Client c;
  Client wrong = c;
  wrong.password = "guess";
  auto fail = [&](std::string_view source) {
    auto nonce = nonce_of(server.challenges(kRealm, source, clock.now())[0]);
    Message request = register_with(wrong.credentials(nonce, 1));
    auto e = server.examine(request, false, kRealm, source, clock.now());
    std::string h = c.ha1();
    auto v = server.verify(*e.attempt, h, kRealm, source, clock.now());
    EXPECT_EQ(v.kind, Verdict::Kind::Failed);
    return std::chrono::duration_cast<std::chrono::milliseconds>(v.delay).count();
  };
  EXPECT_EQ(fail(kSource), 0);
  EXPECT_EQ(fail(kSource), 0);
  EXPECT_EQ(fail(kSource), 100);
  EXPECT_EQ(fail(kSource), 200);
  EXPECT_EQ(fail(kSource), 350);
  EXPECT_EQ(fail(kSource), 350);
  EXPECT_EQ(fail("192.0.2.99"), 0);  // another source is not slowed
  // Forgotten after failure_memory.
  clock.advance(config.failure_memory + std::chrono::seconds(1));
  EXPECT_EQ(fail(kSource), 0);
}

TEST(DigestServer, FailureTableIsBounded) {
  VirtualClock clock;
  DigestServerConfig config;
  config.max_failure_sources = 8;
  DigestServer server(config);
  Client c;
  Client wrong = c;
  wrong.password = "guess";
  for (int i = 0; i < 50; ++i) {
    std::string source = "198.51.100." + std::to_string(i);
    auto nonce = nonce_of(server.challenges(kRealm, source, clock.now())[0]);
    Message request = register_with(wrong.credentials(nonce, 1));
    auto e = server.examine(request, false, kRealm, source, clock.now());
    std::string h = c.ha1();
    (void)server.verify(*e.attempt, h, kRealm, source, clock.now());
  }
  EXPECT_LE(server.failure_sources(), 8u);
}

TEST_F(DigestServerTest, SuccessClearsTheFailureCount) {
  DigestServerConfig config;
  config.free_failures = 1;
  DigestServer s(config);
  Client c;
  Client wrong = c;
  wrong.password = "guess";
  auto run = [&](const Client& who) {
    auto nonce = nonce_of(s.challenges(kRealm, kSource, clock.now())[0]);
    Message request = register_with(who.credentials(nonce, 1));
    auto e = s.examine(request, false, kRealm, kSource, clock.now());
    std::string h = c.ha1();
    return s.verify(*e.attempt, h, kRealm, kSource, clock.now());
  };
  EXPECT_EQ(run(wrong).delay.count(), 0);
  EXPECT_GT(run(wrong).delay.count(), 0);
  EXPECT_EQ(run(c).kind, Verdict::Kind::Authenticated);
  EXPECT_EQ(run(wrong).delay.count(), 0);
}

TEST_F(DigestServerTest, MalformedCredentialsNameTheProblem) {
  Client c;
  auto nonce = fresh_nonce();
  Client no_qop = c;
  no_qop.qop.clear();
  auto e1 = server.examine(register_with(no_qop.credentials(nonce, 1)), false, kRealm, kSource,
                           clock.now());
  EXPECT_EQ(e1.kind, Examined::Kind::Malformed);
  EXPECT_NE(e1.reason.find("qop"), std::string::npos);
  Client other_uri = c;
  other_uri.uri = "sip:elsewhere.example.org";
  auto e2 = server.examine(register_with(other_uri.credentials(nonce, 1)), false, kRealm, kSource,
                           clock.now());
  EXPECT_EQ(e2.kind, Examined::Kind::Malformed);
  EXPECT_NE(e2.reason.find("uri"), std::string::npos);
  auto e3 = server.examine(register_with("Digest username=\"alice\""), false, kRealm, kSource,
                           clock.now());
  EXPECT_EQ(e3.kind, Examined::Kind::Malformed);
  EXPECT_EQ(e3.reason.rfind("Authorization: ", 0), 0u);
}

TEST_F(DigestServerTest, OtherRealmsAndAlgorithmsAreNotOurs) {
  Client c;
  c.realm = "elsewhere.example.org";
  Message request = register_with(c.credentials(fresh_nonce(), 1));
  auto e = server.examine(request, false, kRealm, kSource, clock.now());
  EXPECT_EQ(e.kind, Examined::Kind::NoCredentials);
  EXPECT_EQ(server.examine(register_with(""), false, kRealm, kSource, clock.now()).kind,
            Examined::Kind::NoCredentials);
  Client sess;
  sess.algorithm = DigestAlgorithm::Sha512_256;
  EXPECT_EQ(server
                .examine(register_with(sess.credentials(fresh_nonce(), 1)), false, kRealm, kSource,
                         clock.now())
                .kind,
            Examined::Kind::Unusable);
}

}  // namespace
}  // namespace parley::auth
