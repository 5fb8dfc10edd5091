// RFC 3261 §10.3, one step at a time, on the memory store.
#include "registrar/registrar.hpp"

#include <gtest/gtest.h>

#include "fixture.hpp"

namespace parley::registrar::test {
namespace {

// ---- step 1: the domain

TEST_F(RegistrarTest, Step1DomainNotServedIs404) {
  make();
  Register r;
  r.uri = "sip:elsewhere.example.org";
  r.to = "<sip:alice@elsewhere.example.org>";
  auto a = send_now(r);
  EXPECT_EQ(a.status, 404);
  EXPECT_NE(a.reason().find("domain"), std::string::npos);
  EXPECT_TRUE(bindings("sip:alice@elsewhere.example.org").empty());
}

TEST_F(RegistrarTest, Step1DomainComparesWithoutCaseOrPort) {
  make();
  Register r;
  r.uri = "sip:EXAMPLE.com:5070";
  EXPECT_EQ(send_now(r).status, 200);
}

// ---- step 2: Require

TEST_F(RegistrarTest, Step2UnknownRequireIs420WithUnsupported) {
  make();
  Register r;
  r.extra = {{"Require", "path, gruu"}, {"Require", "foo"}};
  auto a = send_now(r);
  EXPECT_EQ(a.status, 420);
  EXPECT_EQ(a.header("Unsupported"), "gruu, foo");
  EXPECT_TRUE(bindings("sip:alice@example.com").empty());
}

TEST_F(RegistrarTest, Step2RequirePathIsAccepted) {
  make();
  Register r;
  r.extra = {{"Require", "path"}, {"Path", "<sip:edge.example.com;lr>"}};
  EXPECT_EQ(send_now(r).status, 200);
}

// ---- step 3: authentication

class AuthRegistrarTest : public RegistrarTest {
 protected:
  AuthRegistrarTest() {
    RegistrarConfig c = open_config();
    c.authenticate = true;
    make(c);
    add_user(user("alice", "example.com", "secret"));
    add_user(user("bob", "example.com", "hunter2"));
  }
  // REGISTER, 401, REGISTER with credentials: the second answer.
  Answer with_credentials(Register r, std::string_view username, std::string_view password,
                          std::size_t which = 0) {
    auto first = send_now(r);
    EXPECT_EQ(first.status, 401);
    if (!first.response) return first;
    r.cseq += 1;
    r.extra.emplace_back("Authorization",
                         authorization(*first.response, username, password, r.uri, 1, which));
    return send_now(r);
  }
};

TEST_F(AuthRegistrarTest, Step3ChallengeOffersSha256ThenMd5) {
  auto a = send_now(Register{});
  ASSERT_EQ(a.status, 401);
  auto challenges = a.all("WWW-Authenticate");
  ASSERT_EQ(challenges.size(), 2u);
  auto c0 = message::parse_challenge(challenges[0]);
  auto c1 = message::parse_challenge(challenges[1]);
  EXPECT_EQ(c0->digest_algorithm(), message::DigestAlgorithm::Sha256);
  EXPECT_EQ(c1->digest_algorithm(), message::DigestAlgorithm::Md5);
  EXPECT_EQ(*c0->realm, "example.com");
  EXPECT_TRUE(c0->offers_qop("auth"));
  EXPECT_FALSE(a.response->to()->tag()->empty());
  EXPECT_TRUE(bindings("sip:alice@example.com").empty());
}

TEST_F(AuthRegistrarTest, Step3RightCredentialsRegisterWithEitherAlgorithm) {
  for (std::size_t which : {0u, 1u}) {
    Register r;
    r.call_id = "call-" + std::to_string(which);
    r.contacts = {"<sip:alice@192.0.2." + std::to_string(which + 4) + ">"};
    auto a = with_credentials(r, "alice", "secret", which);
    ASSERT_EQ(a.status, 200) << a.reason();
    auto info = message::parse_authentication_info(a.header("Authentication-Info"));
    ASSERT_TRUE(info);
    EXPECT_TRUE(info->rspauth.has_value());
    EXPECT_TRUE(info->nextnonce.has_value());
  }
  EXPECT_EQ(bindings("sip:alice@example.com").size(), 2u);
}

TEST_F(AuthRegistrarTest, Step3WrongPasswordAndUnknownUserGetTheSameAnswer) {
  auto wrong = with_credentials(Register{}, "alice", "guess");
  Register stranger;
  stranger.to = "<sip:carol@example.com>";
  auto unknown = with_credentials(stranger, "carol", "whatever");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.reason(), unknown.reason());
  EXPECT_EQ(wrong.all("WWW-Authenticate").size(), unknown.all("WWW-Authenticate").size());
  EXPECT_TRUE(bindings("sip:alice@example.com").empty());
}

TEST_F(AuthRegistrarTest, Step3ExpiredNonceIsStale) {
  Register r;
  auto first = send_now(r);
  clock.advance(digest.config().nonce_lifetime + std::chrono::seconds(1));
  r.cseq = 2;
  r.extra.emplace_back("Authorization", authorization(*first.response, "alice", "secret", r.uri));
  auto a = send_now(r);
  ASSERT_EQ(a.status, 401);
  auto c = message::parse_challenge(a.all("WWW-Authenticate").at(0));
  EXPECT_TRUE(c->stale.value_or(false));
}

TEST_F(AuthRegistrarTest, Step3MalformedCredentialsAre400NamingTheProblem) {
  Register r;
  r.extra = {{"Authorization", "Digest username=\"alice\", realm=\"example.com\""}};
  auto a = send_now(r);
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.reason().find("Authorization"), std::string::npos);
}

TEST_F(AuthRegistrarTest, Step3RepeatedFailuresAreSlowedDown) {
  Register r;
  std::shared_ptr<Answer> last;
  for (int i = 0; i < 6; ++i) {
    auto first = send_now(r);
    r.cseq += 1;
    Register bad = r;
    bad.extra.emplace_back("Authorization",
                           authorization(*first.response, "alice", "guess", r.uri));
    r.cseq += 1;
    last = send(bad.text());
    if (!last->answered()) break;
  }
  ASSERT_TRUE(last);
  EXPECT_FALSE(last->answered()) << "no failure was delayed";
  clock.advance(digest.config().max_failure_delay);
  EXPECT_EQ(last->status, 401);
}

// ---- step 4: authorization

TEST_F(AuthRegistrarTest, Step4AnotherUsersAddressIs403) {
  Register r;  // To: alice
  auto a = with_credentials(r, "bob", "hunter2");
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(bindings("sip:alice@example.com").empty());
}

// ---- step 5: the address of record

TEST_F(RegistrarTest, Step5ToOutsideTheDomainIs404) {
  make();
  Register r;
  r.to = "<sip:alice@elsewhere.example.org>";
  EXPECT_EQ(send_now(r).status, 404);
  r.to = "<sip:example.com>";
  EXPECT_EQ(send_now(r).status, 404);
  r.to = "<tel:+15551234567>";
  EXPECT_EQ(send_now(r).status, 404);
}

TEST(CanonicalAor, DropsParametersResolvesEscapesLowersHost) {
  auto u = message::parse_uri("sip:al%69ce@EXAMPLE.com:5070;user=phone;transport=tcp");
  ASSERT_TRUE(u);
  EXPECT_EQ(canonical_aor(*u), "sip:alice@example.com");
  EXPECT_EQ(canonical_aor(*message::parse_uri("sips:bob@example.com")), "sips:bob@example.com");
  EXPECT_EQ(canonical_aor(*message::parse_uri("sip:example.com")), std::nullopt);
}

TEST_F(RegistrarTest, Step5BindingsAreKeptUnderTheCanonicalAor) {
  make();
  Register r;
  r.to = "\"Alice\" <sip:al%69ce@Example.COM;user=phone>";
  ASSERT_EQ(send_now(r).status, 200);
  EXPECT_EQ(bindings("sip:alice@example.com").size(), 1u);
}

// ---- step 6: Contact "*"

TEST_F(RegistrarTest, Step6StarWithExpiresZeroRemovesEveryBinding) {
  make();
  Register r;
  r.contacts = {"<sip:alice@192.0.2.4>", "<sip:alice@192.0.2.5>"};
  ASSERT_EQ(send_now(r).status, 200);
  ASSERT_EQ(bindings("sip:alice@example.com").size(), 2u);
  Register star;
  star.call_id = "another";
  star.contacts = {"*"};
  star.expires = "0";
  auto a = send_now(star);
  EXPECT_EQ(a.status, 200);
  EXPECT_TRUE(a.all("Contact").empty());
  EXPECT_TRUE(bindings("sip:alice@example.com").empty());
}

TEST_F(RegistrarTest, Step6StarNeedsExpiresZeroAndToBeAlone) {
  make();
  Register r;
  r.contacts = {"*"};
  EXPECT_EQ(send_now(r).status, 400);
  r.expires = "60";
  EXPECT_EQ(send_now(r).status, 400);
  r.expires = "0";
  r.contacts = {"*", "<sip:alice@192.0.2.4>"};
  auto a = send_now(r);
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.reason().find("*"), std::string::npos);
}

TEST_F(RegistrarTest, Step6StarWithAnOlderCSeqOfTheSameCallIdFails) {
  make();
  Register r;
  r.cseq = 10;
  ASSERT_EQ(send_now(r).status, 200);
  Register star = r;
  star.cseq = 9;
  star.contacts = {"*"};
  star.expires = "0";
  EXPECT_EQ(send_now(star).status, 500);
  EXPECT_EQ(bindings("sip:alice@example.com").size(), 1u);
  star.cseq = 11;
  EXPECT_EQ(send_now(star).status, 200);
  EXPECT_TRUE(bindings("sip:alice@example.com").empty());
}

// ---- step 7: each contact

TEST_F(RegistrarTest, Step7ExpiresFromParameterThenHeaderThenDefault) {
  RegistrarConfig c = open_config();
  c.default_expires = 1800;
  make(c);
  Register r;
  r.contacts = {"<sip:alice@192.0.2.4>;expires=120", "<sip:alice@192.0.2.5>"};
  r.expires = "300";
  auto a = send_now(r);
  ASSERT_EQ(a.status, 200);
  auto contacts = a.all("Contact");
  ASSERT_EQ(contacts.size(), 2u);
  EXPECT_EQ(contacts[0], "<sip:alice@192.0.2.4>;expires=120");
  EXPECT_EQ(contacts[1], "<sip:alice@192.0.2.5>;expires=300");
  Register d;
  d.call_id = "other";
  d.contacts = {"<sip:alice@192.0.2.6>"};
  auto b = send_now(d);
  EXPECT_EQ(b.all("Contact").back(), "<sip:alice@192.0.2.6>;expires=1800");
}

TEST_F(RegistrarTest, Step7LongRequestsAreCutToTheMaximum) {
  RegistrarConfig c = open_config();
  c.max_expires = 7200;
  make(c);
  Register r;
  r.expires = "999999";
  EXPECT_EQ(send_now(r).all("Contact").at(0), "<sip:alice@192.0.2.4:5060>;expires=7200");
}

TEST_F(RegistrarTest, Step7BelowTheMinimumIs423WithMinExpires) {
  RegistrarConfig c = open_config();
  c.min_expires = 60;
  make(c);
  Register r;
  r.expires = "30";
  auto a = send_now(r);
  EXPECT_EQ(a.status, 423);
  EXPECT_EQ(a.header("Min-Expires"), "60");
  EXPECT_TRUE(bindings("sip:alice@example.com").empty());
  r.contacts = {"<sip:alice@192.0.2.4>;expires=59"};
  r.expires.reset();
  EXPECT_EQ(send_now(r).status, 423);
  r.contacts = {"<sip:alice@192.0.2.4>;expires=60"};
  EXPECT_EQ(send_now(r).status, 200);
}

TEST_F(RegistrarTest, Step7ExpiresZeroRemovesOneBindingAndIsNot423) {
  make();
  Register r;
  r.contacts = {"<sip:alice@192.0.2.4>", "<sip:alice@192.0.2.5>"};
  ASSERT_EQ(send_now(r).status, 200);
  r.cseq = 2;
  r.contacts = {"<sip:alice@192.0.2.4>;expires=0"};
  auto a = send_now(r);
  EXPECT_EQ(a.status, 200);
  ASSERT_EQ(a.all("Contact").size(), 1u);
  EXPECT_EQ(a.all("Contact")[0].substr(0, 23), "<sip:alice@192.0.2.5>;e");
}

TEST_F(RegistrarTest, Step7RefreshUpdatesTheSameBindingByUriComparison) {
  make();
  Register r;
  r.contacts = {"<sip:alice@192.0.2.4;transport=udp>"};
  ASSERT_EQ(send_now(r).status, 200);
  clock.advance(std::chrono::seconds(10));
  r.cseq = 2;
  r.contacts = {"<sip:alice@192.0.2.4;TRANSPORT=UDP>;expires=600"};
  auto a = send_now(r);
  ASSERT_EQ(a.status, 200);
  auto b = bindings("sip:alice@example.com");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].cseq, 2u);
  EXPECT_EQ(a.all("Contact").size(), 1u);
}

TEST_F(RegistrarTest, Step7SameCallIdWithCSeqNotHigherFailsAndChangesNothing) {
  make();
  Register r;
  r.cseq = 5;
  ASSERT_EQ(send_now(r).status, 200);
  r.contacts = {"<sip:alice@192.0.2.4:5060>;expires=0", "<sip:alice@192.0.2.9>"};
  auto a = send_now(r);  // same CSeq
  EXPECT_EQ(a.status, 500);
  EXPECT_NE(a.reason().find("CSeq"), std::string::npos);
  auto b = bindings("sip:alice@example.com");
  ASSERT_EQ(b.size(), 1u);  // nothing of the failed request was committed
  EXPECT_EQ(b[0].contact, "sip:alice@192.0.2.4:5060");
  r.cseq = 4;
  EXPECT_EQ(send_now(r).status, 500);
}

TEST_F(RegistrarTest, Step7AnotherCallIdUpdatesWhateverItsCSeq) {
  make();
  Register r;
  r.cseq = 50;
  ASSERT_EQ(send_now(r).status, 200);
  Register other;
  other.call_id = "rebooted";
  other.cseq = 1;
  other.expires = "0";
  EXPECT_EQ(send_now(other).status, 200);
  EXPECT_TRUE(bindings("sip:alice@example.com").empty());
}

TEST_F(RegistrarTest, Step7TooManyContactsIs403) {
  RegistrarConfig c = open_config();
  c.max_contacts = 2;
  make(c);
  Register r;
  r.contacts = {"<sip:a@192.0.2.1>", "<sip:a@192.0.2.2>"};
  ASSERT_EQ(send_now(r).status, 200);
  Register more;
  more.call_id = "another";
  more.contacts = {"<sip:a@192.0.2.3>"};
  auto a = send_now(more);
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(bindings("sip:alice@example.com").size(), 2u);
}

TEST_F(RegistrarTest, Step7QValuesAndOtherParametersAreKept) {
  make();
  Register r;
  r.contacts = {"<sip:alice@192.0.2.4>;q=0.7;+sip.instance=\"<urn:uuid:1>\";reg-id=1"};
  auto a = send_now(r);
  ASSERT_EQ(a.status, 200);
  auto b = bindings("sip:alice@example.com");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].q, 700);
  EXPECT_EQ(b[0].params, ";+sip.instance=\"<urn:uuid:1>\";reg-id=1");
  EXPECT_EQ(b[0].source, "udp:192.0.2.4:5060");
  EXPECT_EQ(a.all("Contact").at(0),
            "<sip:alice@192.0.2.4>;+sip.instance=\"<urn:uuid:1>\";reg-id=1;q=0.7;expires=3600");
}

TEST_F(RegistrarTest, Step7MalformedContactOrExpiresIs400NamingIt) {
  make();
  Register r;
  r.contacts = {"<sip:alice@192.0.2.4>;expires=soon"};
  auto a = send_now(r);
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.reason().find("expires"), std::string::npos);
  r.contacts = {"<sip:alice@192.0.2.4>;q=2"};
  EXPECT_EQ(send_now(r).status, 400);
  r.contacts = {"<sip:alice@192.0.2.4>"};
  r.expires = "never";
  a = send_now(r);
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.reason().find("Expires"), std::string::npos);
  r.expires.reset();
  r.contacts = {"<sip:alice@192.0.2.4"};
  a = send_now(r);
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.reason().find("Contact"), std::string::npos);
}

// ---- step 8: the 200

TEST_F(RegistrarTest, Step8ListsEveryBindingWithRemainingExpiresAndDate) {
  make();
  Register r;
  r.contacts = {"<sip:alice@192.0.2.4>;expires=600"};
  ASSERT_EQ(send_now(r).status, 200);
  Register other;
  other.call_id = "second-phone";
  other.contacts = {"<sip:alice@198.51.100.7>;expires=300"};
  auto a = send_now(other);
  ASSERT_EQ(a.status, 200);
  auto contacts = a.all("Contact");
  ASSERT_EQ(contacts.size(), 2u);
  EXPECT_NE(contacts[0].find("sip:alice@192.0.2.4"), std::string::npos);
  EXPECT_NE(contacts[1].find(";expires=300"), std::string::npos);
  EXPECT_TRUE(a.header("Date").ends_with(" GMT"));
  EXPECT_FALSE(a.response->to()->tag()->empty());
}

TEST_F(RegistrarTest, Step8WithoutContactIsAQuery) {
  make();
  ASSERT_EQ(send_now(Register{}).status, 200);
  Register q;
  q.call_id = "query";
  q.contacts.clear();
  auto a = send_now(q);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.all("Contact").size(), 1u);
  EXPECT_EQ(bindings("sip:alice@example.com").size(), 1u);
}

TEST(HttpDate, Rfc1123) {
  std::chrono::sys_seconds t{std::chrono::seconds(784111777)};
  EXPECT_EQ(http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
  // Formatted once a second per thread: the next second, and the same one again, read right.
  EXPECT_EQ(http_date(t + std::chrono::milliseconds(999)), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(http_date(t + std::chrono::seconds(1)), "Sun, 06 Nov 1994 08:49:38 GMT");
  EXPECT_EQ(http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
}

// ---- RFC 3327 Path

TEST_F(RegistrarTest, PathIsStoredAndEchoedWhenSupported) {
  make();
  Register r;
  r.extra = {{"Path", "<sip:P3.example.com;lr>"},
             {"Path", "<sip:P1.example.com;lr>"},
             {"Supported", "path"}};
  auto a = send_now(r);
  ASSERT_EQ(a.status, 200);
  auto path = a.all("Path");
  ASSERT_EQ(path.size(), 2u);
  EXPECT_EQ(path[0], "<sip:P3.example.com;lr>");
  EXPECT_EQ(path[1], "<sip:P1.example.com;lr>");
  auto b = bindings("sip:alice@example.com");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].path,
            (std::vector<std::string>{"<sip:P3.example.com;lr>", "<sip:P1.example.com;lr>"}));
  Register plain;
  plain.call_id = "no-path-support";
  plain.extra = {{"Path", "<sip:P1.example.com;lr>"}};
  auto c = send_now(plain);
  EXPECT_EQ(c.status, 200);
  EXPECT_TRUE(c.all("Path").empty());
}

// ---- the store failing

class FailingStore final : public location::Store {
 public:
  void modify(std::string, Decide,
              location::Callback<std::vector<location::Binding>> done) override {
    done(fail(location::StoreError{location::StoreError::Kind::Unavailable, 500, "down"}));
  }
  void lookup(std::string, location::Callback<std::vector<location::Binding>> done) override {
    done(fail(location::StoreError{location::StoreError::Kind::Unavailable, 500, "down"}));
  }
  void list(std::string, location::Callback<std::vector<location::Binding>> done) override {
    done(fail(location::StoreError{}));
  }
  void find_user(std::string, std::string,
                 location::Callback<std::optional<location::User>> done) override {
    done(fail(location::StoreError{}));
  }
  void put_user(location::User, location::Callback<bool> done) override {
    done(fail(location::StoreError{}));
  }
  void remove_user(std::string, std::string, location::Callback<bool> done) override {
    done(fail(location::StoreError{}));
  }
  void list_users(location::Callback<std::vector<location::User>> done) override {
    done(fail(location::StoreError{}));
  }
  void close() override {}
};

TEST(RegistrarStoreDown, AnswersWith500AndRetryAfter) {
  VirtualClock clock;
  FailingStore store;
  auth::DigestServer digest;
  for (bool authenticate : {false, true}) {
    RegistrarConfig c;
    c.authenticate = authenticate;
    c.retry_after = std::chrono::seconds(7);
    Registrar registrar(c, store, &digest, clock, [](std::function<void()> f) { f(); });
    Register r;
    if (authenticate) {
      r.extra = {{"Authorization",
                  "Digest username=\"alice\", realm=\"example.com\", nonce=\"" +
                      digest.make_nonce("example.com", "192.0.2.4", clock.now()) +
                      "\", uri=\"sip:example.com\", response=\"00\", qop=auth, nc=00000001, "
                      "cnonce=\"x\""}};
    }
    auto m = Message::parse(r.text());
    transport::Incoming in{*m, {}, clock.now()};
    in.flow.remote = {boost::asio::ip::make_address("192.0.2.4"), 5060};
    int status = 0;
    std::string bytes;
    registrar.handle(in, [&](int s, std::string b) {
      status = s;
      bytes = std::move(b);
    });
    EXPECT_EQ(status, 500);
    EXPECT_NE(bytes.find("Retry-After: 7\r\n"), std::string::npos) << bytes;
    EXPECT_EQ(registrar.in_flight(), 0u);
  }
}

}  // namespace
}  // namespace parley::registrar::test
