// The digest arithmetic against the worked examples of the RFCs.
#include "auth/digest.hpp"

#include <gtest/gtest.h>

namespace parley::auth {
namespace {

// RFC 7616 §3.9.1: the same request with MD5 and with SHA-256. `ha1_hex` must outlive the result.
DigestInput rfc7616(DigestAlgorithm a, std::string_view ha1_hex) {
  DigestInput in;
  in.algorithm = a;
  in.ha1 = ha1_hex;
  in.nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
  in.cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
  in.nc = "00000001";
  in.qop = "auth";
  in.method = "GET";
  in.uri = "/dir/index.html";
  return in;
}

TEST(Digest, Rfc7616Md5Example) {
  auto h = ha1(DigestAlgorithm::Md5, "Mufasa", "http-auth@example.org", "Circle of Life");
  EXPECT_EQ(request_digest(rfc7616(DigestAlgorithm::Md5, h)), "8ca523f5e9506fed4657c9700eebdbec");
}

TEST(Digest, Rfc7616Sha256Example) {
  auto h = ha1(DigestAlgorithm::Sha256, "Mufasa", "http-auth@example.org", "Circle of Life");
  EXPECT_EQ(request_digest(rfc7616(DigestAlgorithm::Sha256, h)),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

// RFC 2617 §3.5, the example RFC 3261's own Authorization examples follow.
TEST(Digest, Rfc2617Example) {
  auto h = ha1(DigestAlgorithm::Md5, "Mufasa", "testrealm@host.com", "Circle Of Life");
  DigestInput in;
  in.ha1 = h;
  in.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
  in.cnonce = "0a4f113b";
  in.nc = "00000001";
  in.qop = "auth";
  in.method = "GET";
  in.uri = "/dir/index.html";
  EXPECT_EQ(request_digest(in), "6629fae49393a05397450978507c4ef1");
}

TEST(Digest, HashLengthsPerAlgorithm) {
  EXPECT_EQ(hash_hex(DigestAlgorithm::Md5, "").size(), 32u);
  EXPECT_EQ(hash_hex(DigestAlgorithm::Md5, ""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(hash_hex(DigestAlgorithm::Sha256, "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // FIPS 180-4 SHA-512/256 of "abc".
  EXPECT_EQ(hash_hex(DigestAlgorithm::Sha512_256, "abc"),
            "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23");
}

TEST(Digest, WithoutQopUsesTheRfc2069Form) {
  auto h = ha1(DigestAlgorithm::Md5, "bob", "biloxi.com", "zanzibar");
  DigestInput in;
  in.ha1 = h;
  in.nonce = "n";
  in.method = "REGISTER";
  in.uri = "sip:biloxi.com";
  std::string ha2 = hash_hex(DigestAlgorithm::Md5, "REGISTER:sip:biloxi.com");
  EXPECT_EQ(request_digest(in), hash_hex(DigestAlgorithm::Md5, h + ":n:" + ha2));
}

TEST(Digest, SessionAndAuthIntFollowTheFormulas) {
  auto h = ha1(DigestAlgorithm::Sha256, "bob", "biloxi.com", "zanzibar");
  DigestInput in;
  in.algorithm = DigestAlgorithm::Sha256Sess;
  in.ha1 = h;
  in.nonce = "n";
  in.cnonce = "c";
  in.nc = "00000002";
  in.qop = "auth-int";
  in.method = "INVITE";
  in.uri = "sip:bob@biloxi.com";
  in.body = "v=0\r\n";
  auto H = [](std::string s) { return hash_hex(DigestAlgorithm::Sha256, s); };
  std::string ha1s = H(h + ":n:c");
  std::string ha2 = H("INVITE:sip:bob@biloxi.com:" + H("v=0\r\n"));
  EXPECT_EQ(request_digest(in), H(ha1s + ":n:00000002:c:auth-int:" + ha2));
  EXPECT_NE(response_auth(in), request_digest(in));
}

TEST(Digest, ComparisonIgnoresHexCaseButNotContent) {
  EXPECT_TRUE(digest_equal("6629fae4", "6629FAE4"));
  EXPECT_FALSE(digest_equal("6629fae4", "6629fae5"));
  EXPECT_FALSE(digest_equal("6629fae4", "6629fae"));
}

}  // namespace
}  // namespace parley::auth
