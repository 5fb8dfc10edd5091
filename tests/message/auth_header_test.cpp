#include "message/auth_header.hpp"

#include <gtest/gtest.h>

#include "parse_expect.hpp"

namespace parley::message {
namespace {

using testing::error_of;
using testing::error_offset;
using testing::parsed;

// RFC 3261 §20.44 (unfolded, as Message hands values over).
constexpr std::string_view kRfc3261Challenge =
    "Digest realm=\"atlanta.com\", domain=\"sip:boxesbybob.com\", qop=\"auth\", "
    "nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", opaque=\"\", stale=FALSE, algorithm=MD5";

// RFC 7616 §3.9.1, the SHA-256 challenge.
constexpr std::string_view kRfc7616Challenge =
    "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, "
    "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
    "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

// RFC 7616 §3.9.1, the credentials answering it with SHA-256.
constexpr std::string_view kRfc7616Credentials =
    "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\", "
    "algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, "
    "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, "
    "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", "
    "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

TEST(Challenge, Rfc3261Example) {
  Challenge c = parsed(parse_challenge(kRfc3261Challenge));
  EXPECT_EQ(c.scheme, "Digest");
  EXPECT_TRUE(c.is_digest());
  EXPECT_EQ(c.realm, "atlanta.com");
  ASSERT_EQ(c.domain.size(), 1u);
  EXPECT_EQ(c.domain[0], "sip:boxesbybob.com");
  ASSERT_EQ(c.qop.size(), 1u);
  EXPECT_EQ(c.qop[0], "auth");
  EXPECT_TRUE(c.offers_qop("auth"));
  EXPECT_FALSE(c.offers_qop("auth-int"));
  EXPECT_EQ(c.nonce, "f84f1cec41e6cbe5aea9c8e88d359");
  EXPECT_EQ(c.opaque, "");
  EXPECT_EQ(c.stale, false);
  EXPECT_EQ(c.algorithm, "MD5");
  EXPECT_EQ(c.digest_algorithm(), DigestAlgorithm::Md5);
  EXPECT_FALSE(c.charset);
  EXPECT_FALSE(c.userhash);
  EXPECT_TRUE(c.params.empty());
}

TEST(Challenge, Rfc7616Sha256WithTwoQops) {
  Challenge c = parsed(parse_challenge(kRfc7616Challenge));
  EXPECT_EQ(c.realm, "http-auth@example.org");
  ASSERT_EQ(c.qop.size(), 2u);
  EXPECT_EQ(c.qop[0], "auth");
  EXPECT_EQ(c.qop[1], "auth-int");
  EXPECT_EQ(c.digest_algorithm(), DigestAlgorithm::Sha256);
  EXPECT_EQ(c.nonce, "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v");
  EXPECT_EQ(c.opaque, "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
}

TEST(Challenge, Rfc7616Sha512256WithCharsetAndUserhash) {
  // RFC 7616 §3.9.2.
  Challenge c = parsed(parse_challenge(
      "Digest realm=\"api@example.org\", qop=\"auth\", algorithm=SHA-512-256, "
      "nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\", "
      "opaque=\"HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS\", charset=UTF-8, userhash=true"));
  EXPECT_EQ(c.digest_algorithm(), DigestAlgorithm::Sha512_256);
  EXPECT_EQ(c.charset, "UTF-8");
  EXPECT_EQ(c.userhash, true);
  EXPECT_EQ(c.realm, "api@example.org");
}

TEST(Challenge, EveryAlgorithmOfRfc8760) {
  EXPECT_EQ(digest_algorithm("MD5"), DigestAlgorithm::Md5);
  EXPECT_EQ(digest_algorithm("md5-SESS"), DigestAlgorithm::Md5Sess);
  EXPECT_EQ(digest_algorithm("SHA-256"), DigestAlgorithm::Sha256);
  EXPECT_EQ(digest_algorithm("SHA-256-sess"), DigestAlgorithm::Sha256Sess);
  EXPECT_EQ(digest_algorithm("SHA-512-256"), DigestAlgorithm::Sha512_256);
  EXPECT_EQ(digest_algorithm("SHA-512-256-sess"), DigestAlgorithm::Sha512_256Sess);
  EXPECT_EQ(digest_algorithm("SHA-1"), DigestAlgorithm::Other);
  EXPECT_EQ(digest_algorithm_name(DigestAlgorithm::Sha256Sess), "SHA-256-sess");
  EXPECT_EQ(digest_algorithm_name(DigestAlgorithm::Other), "");
  Challenge c = parsed(parse_challenge("Digest realm=\"r\", nonce=\"n\""));
  EXPECT_FALSE(c.algorithm);
  EXPECT_EQ(c.digest_algorithm(), DigestAlgorithm::Md5);  // RFC 7616 §3.3: absent means MD5
}

TEST(Challenge, KeepsUnknownParamsAndOtherSchemes) {
  Challenge c = parsed(parse_challenge("Digest realm=\"r\", nonce=\"n\", x-ext=\"a, b\", flag=on"));
  ASSERT_EQ(c.params.size(), 2u);
  EXPECT_EQ(c.params[0], (AuthParam{"x-ext", "a, b", true}));
  EXPECT_EQ(c.params[1], (AuthParam{"flag", "on", false}));
  // other-challenge: any scheme with auth-params; realm and nonce are required only for Digest.
  Challenge other = parsed(parse_challenge("NTLM targetname=\"sip/proxy\", version=4"));
  EXPECT_EQ(other.scheme, "NTLM");
  EXPECT_FALSE(other.is_digest());
  ASSERT_EQ(other.params.size(), 2u);
  EXPECT_EQ(other.params[0].value, "sip/proxy");
}

TEST(Challenge, RoundTrips) {
  for (std::string_view text : {kRfc3261Challenge, kRfc7616Challenge}) {
    Challenge c = parsed(parse_challenge(text));
    std::string out = c.to_string();
    Challenge again = parsed(parse_challenge(out), out);
    EXPECT_EQ(again.realm, c.realm);
    EXPECT_EQ(again.nonce, c.nonce);
    EXPECT_EQ(again.opaque, c.opaque);
    EXPECT_EQ(again.qop, c.qop);
    EXPECT_EQ(again.domain, c.domain);
    EXPECT_EQ(again.stale, c.stale);
    EXPECT_EQ(again.algorithm, c.algorithm);
    EXPECT_EQ(again.to_string(), out);
  }
  Challenge c = parsed(parse_challenge(kRfc3261Challenge));
  EXPECT_EQ(c.to_string(),
            "Digest realm=\"atlanta.com\", domain=\"sip:boxesbybob.com\", "
            "nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", opaque=\"\", stale=false, algorithm=MD5, "
            "qop=\"auth\"");
}

TEST(Challenge, Errors) {
  EXPECT_EQ(error_of(parse_challenge("")), "expected an authentication scheme");
  EXPECT_EQ(error_of(parse_challenge("Digest")), "no parameters after 'Digest'");
  EXPECT_EQ(error_of(parse_challenge("Digest nonce=\"n\"")), "Digest challenge without realm");
  EXPECT_EQ(error_of(parse_challenge("Digest realm=\"r\"")), "Digest challenge without nonce");
  EXPECT_EQ(error_of(parse_challenge("Digest realm=atlanta.com, nonce=\"n\"")),
            "'realm' must be a quoted string");
  EXPECT_EQ(error_offset(parse_challenge("Digest realm=atlanta.com, nonce=\"n\"")), 13u);
  EXPECT_EQ(error_of(parse_challenge("Digest realm=\"r\", nonce=\"n\", stale=maybe")),
            "'stale' must be true or false, not 'maybe'");
  EXPECT_EQ(error_of(parse_challenge("Digest realm=\"r\", nonce=\"n\", qop=auth")),
            "'qop' must be a quoted string");
  EXPECT_EQ(error_of(parse_challenge("Digest realm=\"r\", nonce=\"n\", realm=\"s\"")),
            "parameter 'realm' appears more than once");
  EXPECT_EQ(error_of(parse_challenge("Digest realm=\"r, nonce=\"n\"")),
            "expected ',' between parameters, found 'n'");
  EXPECT_EQ(error_of(parse_challenge("Digest realm=\"r\", nonce=\"n")),
            "unterminated quoted string in parameter 'nonce'");
  EXPECT_EQ(error_of(parse_challenge("Digest realm")), "expected '=' after 'realm'");
  EXPECT_EQ(error_of(parse_challenge("Digest realm=\"r\" nonce=\"n\"")),
            "expected ',' between parameters, found 'n'");
}

TEST(Credentials, Rfc3261Example) {
  // RFC 3261 §20.7; its response is not 32 digits long, so no length is enforced.
  Credentials c = parsed(
      parse_credentials("Digest username=\"Alice\", realm=\"atlanta.com\", "
                        "nonce=\"84a4cc6f3082121f32b42a2187831a9e\", uri=\"sip:bob@biloxi.com\", "
                        "response=\"7587245234b3434cc3412213e5f113a5432\""));
  EXPECT_EQ(c.scheme, "Digest");
  EXPECT_EQ(c.username, "Alice");
  EXPECT_EQ(c.realm, "atlanta.com");
  EXPECT_EQ(c.nonce, "84a4cc6f3082121f32b42a2187831a9e");
  EXPECT_EQ(c.uri, "sip:bob@biloxi.com");
  EXPECT_EQ(c.response, "7587245234b3434cc3412213e5f113a5432");
  EXPECT_FALSE(c.qop);
  EXPECT_FALSE(c.nc);
  EXPECT_EQ(c.digest_algorithm(), DigestAlgorithm::Md5);
}

TEST(Credentials, Rfc7616Sha256Example) {
  Credentials c = parsed(parse_credentials(kRfc7616Credentials));
  EXPECT_EQ(c.username, "Mufasa");
  EXPECT_EQ(c.realm, "http-auth@example.org");
  EXPECT_EQ(c.uri, "/dir/index.html");
  EXPECT_EQ(c.algorithm, "SHA-256");
  EXPECT_EQ(c.digest_algorithm(), DigestAlgorithm::Sha256);
  EXPECT_EQ(c.nonce, "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v");
  EXPECT_EQ(c.nc, 1u);
  EXPECT_EQ(c.cnonce, "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
  EXPECT_EQ(c.qop, "auth");
  EXPECT_EQ(c.response, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  EXPECT_EQ(c.opaque, "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
  EXPECT_TRUE(c.params.empty());
}

TEST(Credentials, Rfc7616UserhashAndUsernameStar) {
  // RFC 7616 §3.9.2: a hashed username, and the username* form for a non-ASCII name.
  Credentials hashed = parsed(parse_credentials(
      "Digest username=\"488869477bf257147b804c45308cd62ac4e25eb717b12b298c79e62dcea254ec\", "
      "realm=\"api@example.org\", uri=\"/doe.json\", algorithm=SHA-512-256, "
      "nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\", nc=00000001, "
      "cnonce=\"NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v\", qop=auth, "
      "response=\"ae66e67d6b427bd3f120414a82e4acff38e8ecd9101d6c861229025f607a79dd\", "
      "opaque=\"HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS\", userhash=true"));
  EXPECT_EQ(hashed.userhash, true);
  EXPECT_EQ(hashed.digest_algorithm(), DigestAlgorithm::Sha512_256);
  Credentials star = parsed(parse_credentials(
      "Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm=\"api@example.org\", "
      "uri=\"/doe.json\", algorithm=SHA-512-256, nonce=\"5TsQ\", nc=00000001, cnonce=\"NTg6\", "
      "qop=auth, response=\"ae66e67d\", userhash=false"));
  EXPECT_FALSE(star.username);
  ASSERT_EQ(star.params.size(), 1u);
  EXPECT_EQ(star.params[0].name, "username*");
  EXPECT_EQ(star.params[0].value, "UTF-8''J%C3%A4s%C3%B8n%20Doe");
  EXPECT_EQ(star.userhash, false);
}

TEST(Credentials, NonceCountIsEightHexDigits) {
  Credentials c = parsed(parse_credentials(
      "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:b@c\", response=\"ab\", "
      "qop=auth-int, cnonce=\"c\", nc=0000001f"));
  EXPECT_EQ(c.nc, 31u);
  EXPECT_EQ(c.qop, "auth-int");
  EXPECT_NE(c.to_string().find("nc=0000001f"), std::string::npos);
}

TEST(Credentials, RoundTrips) {
  Credentials c = parsed(parse_credentials(kRfc7616Credentials));
  std::string out = c.to_string();
  EXPECT_EQ(out,
            "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
            "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", uri=\"/dir/index.html\", "
            "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", "
            "algorithm=SHA-256, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", "
            "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\", qop=auth, nc=00000001");
  Credentials again = parsed(parse_credentials(out), out);
  EXPECT_EQ(again.username, c.username);
  EXPECT_EQ(again.response, c.response);
  EXPECT_EQ(again.nc, c.nc);
  EXPECT_EQ(again.to_string(), out);
}

TEST(Credentials, Errors) {
  constexpr std::string_view kBase =
      "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:b@c\", response=\"0a1b\"";
  EXPECT_TRUE(parse_credentials(kBase));
  auto with = [&](std::string_view extra) { return std::string(kBase).append(extra); };
  EXPECT_EQ(error_of(parse_credentials(with(", nc=1, qop=auth, cnonce=\"c\""))),
            "nc must be 8 hex digits, not '1'");
  EXPECT_EQ(error_of(parse_credentials(with(", nc=0000000g, qop=auth, cnonce=\"c\""))),
            "nc must be 8 hex digits, not '0000000g'");
  EXPECT_EQ(error_of(parse_credentials(with(", qop=auth, nc=00000001"))),
            "Digest credentials with qop but no cnonce");
  EXPECT_EQ(error_of(parse_credentials(with(", qop=auth, cnonce=\"c\""))),
            "Digest credentials with qop but no nc");
  EXPECT_EQ(error_of(parse_credentials(with(", username*=UTF-8''x"))),
            "Digest credentials with both username and username*");
  EXPECT_EQ(error_of(parse_credentials(
                "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=sip:b@c, response=\"0a\"")),
            "expected ',' between parameters, found ':'");
  EXPECT_EQ(error_of(parse_credentials(
                "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=x, response=\"0a\"")),
            "'uri' must be a quoted string");
  EXPECT_EQ(error_of(parse_credentials(
                "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"x\", response=\"xyz\"")),
            "'response' must be hex digits");
  EXPECT_EQ(
      error_of(parse_credentials("Digest realm=\"r\", nonce=\"n\", uri=\"x\", response=\"0\"")),
      "Digest credentials without username");
  EXPECT_EQ(
      error_of(parse_credentials("Digest username=\"a\", nonce=\"n\", uri=\"x\", response=\"0\"")),
      "Digest credentials without realm");
  EXPECT_EQ(
      error_of(parse_credentials("Digest username=\"a\", realm=\"r\", uri=\"x\", response=\"0\"")),
      "Digest credentials without nonce");
  EXPECT_EQ(error_of(parse_credentials(
                "Digest username=\"a\", realm=\"r\", nonce=\"n\", response=\"0\"")),
            "Digest credentials without uri");
  EXPECT_EQ(
      error_of(parse_credentials("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"x\"")),
      "Digest credentials without response");
  EXPECT_EQ(error_of(parse_credentials("Digest,username=\"a\"")),
            "expected white space after 'Digest'");
}

TEST(AuthenticationInfo, Rfc3261ExampleAndRspauth) {
  AuthenticationInfo a =
      parsed(parse_authentication_info("nextnonce=\"47364c23432d2e131a5fb210812c\""));
  EXPECT_EQ(a.nextnonce, "47364c23432d2e131a5fb210812c");
  EXPECT_FALSE(a.qop);
  AuthenticationInfo full = parsed(parse_authentication_info(
      "qop=auth, rspauth=\"6629fae49393a05397450978507c4ef1\", cnonce=\"0a4f113b\", "
      "nc=00000001, x=\"y\""));
  EXPECT_EQ(full.qop, "auth");
  EXPECT_EQ(full.rspauth, "6629fae49393a05397450978507c4ef1");
  EXPECT_EQ(full.cnonce, "0a4f113b");
  EXPECT_EQ(full.nc, 1u);
  ASSERT_EQ(full.params.size(), 1u);
  std::string out = full.to_string();
  EXPECT_EQ(out,
            "qop=auth, rspauth=\"6629fae49393a05397450978507c4ef1\", cnonce=\"0a4f113b\", "
            "nc=00000001, x=\"y\"");
  AuthenticationInfo again = parsed(parse_authentication_info(out), out);
  EXPECT_EQ(again.rspauth, full.rspauth);
  EXPECT_EQ(again.nc, full.nc);
}

TEST(AuthenticationInfo, Errors) {
  EXPECT_EQ(error_of(parse_authentication_info("")), "empty value");
  EXPECT_EQ(error_of(parse_authentication_info("nextnonce=abc")),
            "'nextnonce' must be a quoted string");
  EXPECT_EQ(error_of(parse_authentication_info("rspauth=\"zz\"")), "'rspauth' must be hex digits");
  EXPECT_EQ(error_of(parse_authentication_info("nc=00000001, nc=00000002")),
            "parameter 'nc' appears more than once");
}

}  // namespace
}  // namespace parley::message
