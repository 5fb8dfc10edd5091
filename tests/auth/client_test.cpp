// The digest client (RFC 3261 §22.2, RFC 7616, RFC 8760): which challenge it answers, with what,
// and when it gives up.
#include "auth/client.hpp"

#include <gtest/gtest.h>

#include "auth/digest.hpp"

namespace parley::auth {
namespace {

using message::Message;

Message parse(const std::string& text) {
  auto m = Message::parse(text);
  EXPECT_TRUE(m) << text;
  return std::move(*m);
}

std::string request(const std::string& authorization = "") {
  return "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h:5060;branch=z9hG4bK1\r\n"
         "From: <sip:alice@example.com>;tag=1\r\nTo: <sip:alice@example.com>\r\n"
         "Call-ID: c1\r\nCSeq: 1 REGISTER\r\n" +
         (authorization.empty() ? "" : "Authorization: " + authorization + "\r\n") +
         "Content-Length: 0\r\n\r\n";
}

std::string challenge(int status, const std::vector<std::string>& values) {
  std::string out = "SIP/2.0 " + std::to_string(status) + " Unauthorized\r\n" +
                    "Via: SIP/2.0/UDP h:5060;branch=z9hG4bK1\r\n"
                    "From: <sip:alice@example.com>;tag=1\r\nTo: <sip:alice@example.com>;tag=2\r\n"
                    "Call-ID: c1\r\nCSeq: 1 REGISTER\r\n";
  for (const auto& v : values)
    out += std::string(status == 407 ? "Proxy-Authenticate: " : "WWW-Authenticate: ") + v + "\r\n";
  return out + "Content-Length: 0\r\n\r\n";
}

message::Credentials creds_of(const std::string& value) {
  auto c = message::parse_credentials(value);
  EXPECT_TRUE(c) << value;
  return *c;
}

TEST(DigestClient, AnswersWithQopAuthAndACorrectDigest) {
  DigestClient client;
  client.add("alice", "secret");
  client.set_cnonce("0a4f113b");
  Message req = parse(request());
  Message resp =
      parse(challenge(401, {"Digest realm=\"example.com\", nonce=\"abc\", qop=\"auth,auth-int\", "
                            "opaque=\"op\""}));
  auto h = client.answer(req, resp);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->first, "Authorization");
  auto c = creds_of(h->second);
  EXPECT_EQ(c.username.value_or(""), "alice");
  EXPECT_EQ(c.realm.value_or(""), "example.com");
  EXPECT_EQ(c.uri.value_or(""), "sip:example.com");
  EXPECT_EQ(c.qop.value_or(""), "auth");
  EXPECT_EQ(c.nc.value_or(0), 1u);
  EXPECT_EQ(c.cnonce.value_or(""), "0a4f113b");
  EXPECT_EQ(c.opaque.value_or(""), "op");
  std::string h1 = ha1(DigestAlgorithm::Md5, "alice", "example.com", "secret");
  DigestInput in{.algorithm = DigestAlgorithm::Md5,
                 .ha1 = h1,
                 .nonce = "abc",
                 .cnonce = "0a4f113b",
                 .nc = "00000001",
                 .qop = "auth",
                 .method = "REGISTER",
                 .uri = "sip:example.com",
                 .body = ""};
  EXPECT_EQ(c.response.value_or(""), request_digest(in));
}

TEST(DigestClient, NonceCountGoesUpPerNonce) {
  DigestClient client;
  client.add("alice", "secret");
  Message req = parse(request());
  Message a = parse(challenge(401, {"Digest realm=\"example.com\", nonce=\"n1\", qop=\"auth\""}));
  Message b = parse(challenge(401, {"Digest realm=\"example.com\", nonce=\"n2\", qop=\"auth\""}));
  EXPECT_EQ(creds_of(client.answer(req, a)->second).nc.value_or(0), 1u);
  EXPECT_EQ(creds_of(client.answer(req, a)->second).nc.value_or(0), 2u);
  EXPECT_EQ(creds_of(client.answer(req, b)->second).nc.value_or(0), 1u);
  EXPECT_EQ(client.nonce_count("n1"), 2u);
  // A random cnonce each time.
  EXPECT_NE(creds_of(client.answer(req, b)->second).cnonce.value_or(""),
            creds_of(client.answer(req, b)->second).cnonce.value_or(""));
}

TEST(DigestClient, PrefersTheStrongestAlgorithmOffered) {
  DigestClient client;
  client.add("alice", "secret");
  Message req = parse(request());
  Message resp = parse(challenge(
      401, {"Digest realm=\"example.com\", nonce=\"n\", algorithm=MD5, qop=\"auth\"",
            "Digest realm=\"example.com\", nonce=\"n\", algorithm=SHA-512-256, qop=\"auth\"",
            "Digest realm=\"example.com\", nonce=\"n\", algorithm=SHA-256, qop=\"auth\""}));
  // The credentials are views into the header value: keep it.
  auto h = client.answer(req, resp);
  ASSERT_TRUE(h);
  auto c = creds_of(h->second);
  EXPECT_EQ(c.algorithm.value_or(""), "SHA-512-256");
  EXPECT_EQ(c.response->size(), 64u);
  Message two =
      parse(challenge(401, {"Digest realm=\"example.com\", nonce=\"n\", algorithm=MD5",
                            "Digest realm=\"example.com\", nonce=\"n\", algorithm=SHA-256"}));
  auto h2 = client.answer(req, two);
  ASSERT_TRUE(h2);
  auto c2 = creds_of(h2->second);
  EXPECT_EQ(c2.algorithm.value_or(""), "SHA-256");
  // Without qop: the RFC 2069 digest, no nc and no cnonce.
  EXPECT_FALSE(c2.qop);
  EXPECT_FALSE(c2.nc);
}

TEST(DigestClient, SameNonceAgainWithoutStaleGivesUp) {
  DigestClient client;
  client.add("alice", "wrong");
  Message resp =
      parse(challenge(401, {"Digest realm=\"example.com\", nonce=\"n1\", qop=\"auth\""}));
  auto first = client.answer(parse(request()), resp);
  ASSERT_TRUE(first);
  // The request went again with those credentials and got the same challenge: wrong password.
  Message again = parse(request(first->second));
  EXPECT_FALSE(client.answer(again, resp));
  // stale=true: only the nonce was old; answer with the new one without asking.
  Message stale = parse(
      challenge(401, {"Digest realm=\"example.com\", nonce=\"n2\", qop=\"auth\", stale=true"}));
  auto h = client.answer(again, stale);
  ASSERT_TRUE(h);
  EXPECT_EQ(creds_of(h->second).nonce.value_or(""), "n2");
  // A fresh nonce without stale is also answered (the server may rotate nonces).
  Message fresh = parse(challenge(401, {"Digest realm=\"example.com\", nonce=\"n3\""}));
  EXPECT_TRUE(client.answer(again, fresh));
}

TEST(DigestClient, CredentialsPerRealmAnd407) {
  DigestClient client;
  client.add("alice", "a-secret", "atlanta.example.com");
  Message req = parse(request());
  Message other = parse(challenge(407, {"Digest realm=\"biloxi.example.com\", nonce=\"n\""}));
  EXPECT_FALSE(client.answer(req, other));  // no credentials for that realm
  Message ours = parse(challenge(407, {"Digest realm=\"atlanta.example.com\", nonce=\"n\""}));
  auto h = client.answer(req, ours);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->first, "Proxy-Authorization");
  client.add("bob", "any");  // the default for every other realm
  auto h2 = client.answer(req, other);
  ASSERT_TRUE(h2);
  EXPECT_EQ(creds_of(h2->second).username.value_or(""), "bob");
}

TEST(DigestClient, UnknownAlgorithmIsNotAnswered) {
  DigestClient client;
  client.add("alice", "secret");
  Message resp =
      parse(challenge(401, {"Digest realm=\"example.com\", nonce=\"n\", algorithm=SHA-1"}));
  EXPECT_FALSE(client.answer(parse(request()), resp));
}

}  // namespace
}  // namespace parley::auth
