#include "message/multipart.hpp"

#include <gtest/gtest.h>

#include <string>

#include "message/sdp.hpp"

namespace parley::message {
namespace {

constexpr std::string_view kSdp =
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 192.0.2.4\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.4\r\n"
    "t=0 0\r\n"
    "m=audio 49170 RTP/AVP 0\r\n";

// An INVITE body in the manner of RFC 3204 §3 and RFC 5621 §3: SDP and ISUP, with a preamble and
// an epilogue that the parser ignores.
using namespace std::string_literals;
const std::string kSdpAndIsup =
    "This is the preamble.\r\n"
    "--unique-boundary-1\r\n"
    "Content-Type: application/sdp\r\n"
    "\r\n"s +
    std::string(kSdp) +
    "\r\n"
    "--unique-boundary-1\r\n"
    "Content-Type: application/isup;version=nxv3;base=etsi121\r\n"
    "Content-Disposition: signal;handling=optional\r\n"
    "\r\n"
    "\x01\x00\x49\x00\x00\x03\x02\x00\x07\x04\x10\x00\x33\x63\x21\x43\x00\x00\x03\r\n"
    "--unique-boundary-1--\r\n"
    "This is the epilogue.\r\n"s;

std::vector<BodyPart> parse_ok(std::string_view body, std::string_view boundary) {
  auto parts = parse_multipart(body, boundary);
  EXPECT_TRUE(parts) << (parts ? "" : parts.error().what);
  return parts ? *parts : std::vector<BodyPart>{};
}

TEST(Multipart, BoundaryFromContentType) {
  EXPECT_EQ(*multipart_boundary("multipart/mixed;boundary=unique-boundary-1"), "unique-boundary-1");
  EXPECT_EQ(*multipart_boundary("Multipart/Mixed ; charset=utf-8; BOUNDARY=\"simple boundary\""),
            "simple boundary");
  EXPECT_EQ(*multipart_boundary("multipart/related;type=\"application/sdp\";boundary=a=b:c"),
            "a=b:c");
  EXPECT_EQ(*multipart_boundary("multipart/alternative; boundary=x; boundary=y"), "x")
      << "the first boundary wins";
}

TEST(Multipart, BoundaryErrors) {
  struct Bad {
    const char* content_type;
    const char* what;
  };
  for (const Bad& b : {
           Bad{"application/sdp", "Content-Type 'application/sdp' is not multipart/<subtype>"},
           Bad{"multipart", "Content-Type 'multipart' is not multipart/<subtype>"},
           Bad{"multipart/mixed", "Content-Type: multipart without a boundary parameter"},
           Bad{"multipart/mixed;charset=utf-8",
               "Content-Type: multipart without a boundary parameter"},
           Bad{"multipart/mixed;boundary=", "Content-Type: invalid boundary '' (RFC 2046 §5.1.1)"},
           Bad{"multipart/mixed;boundary=\"ends in space \"",
               "Content-Type: invalid boundary 'ends in space ' (RFC 2046 §5.1.1)"},
           Bad{"multipart/mixed;boundary=semi<colon>",
               "Content-Type: invalid boundary 'semi<colon>' (RFC 2046 §5.1.1)"},
           Bad{"multipart/mixed;boundary=\"open", "Content-Type: unterminated quoted string"},
           Bad{"multipart/mixed;boundary", "Content-Type: parameter without 'name=value'"},
           Bad{"multipart/mixed;boundary=a b", "Content-Type: unexpected 'b'"},
       }) {
    auto r = multipart_boundary(b.content_type);
    ASSERT_FALSE(r) << b.content_type;
    EXPECT_EQ(r.error().what, b.what) << b.content_type;
    EXPECT_EQ(r.error().status, 400);
  }
  EXPECT_TRUE(valid_boundary(std::string(70, 'x')));
  EXPECT_FALSE(valid_boundary(std::string(71, 'x')));
}

TEST(Multipart, SplitsSdpAndIsup) {
  auto boundary = multipart_boundary("multipart/mixed;boundary=unique-boundary-1");
  ASSERT_TRUE(boundary);
  auto parts = parse_ok(kSdpAndIsup, *boundary);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].headers.size(), 1u);
  EXPECT_EQ(parts[0].content_type(), "application/sdp");
  EXPECT_EQ(parts[0].body, kSdp) << "the CRLF before the delimiter is not part of the body";
  EXPECT_TRUE(parse_sdp(parts[0].body));

  ASSERT_EQ(parts[1].headers.size(), 2u);
  EXPECT_EQ(parts[1].headers[1].name, "Content-Disposition");
  EXPECT_EQ(parts[1].headers[1].value, "signal;handling=optional");
  EXPECT_EQ(parts[1].header("content-type"), "application/isup;version=nxv3;base=etsi121");
  EXPECT_EQ(parts[1].body.size(), 19u) << "binary body, NUL bytes included";
  EXPECT_EQ(parts[1].body[0], '\x01');
  EXPECT_EQ(parts[1].body.back(), '\x03');

  EXPECT_EQ(find_body_part(parts, "application/sdp"), &parts[0]);
  EXPECT_EQ(find_body_part(parts, "APPLICATION/ISUP"), &parts[1]) << "parameters ignored";
  EXPECT_EQ(find_body_part(parts, "application/pidf+xml"), nullptr);
}

TEST(Multipart, PartsAreViewsIntoTheBody) {
  auto parts = parse_ok(kSdpAndIsup, "unique-boundary-1");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_GE(parts[0].body.data(), kSdpAndIsup.data());
  EXPECT_LE(parts[1].body.data() + parts[1].body.size(), kSdpAndIsup.data() + kSdpAndIsup.size());
}

TEST(Multipart, LfOnlyNoHeadersFoldedHeadersAndPadding) {
  std::string body =
      "--b1  \n"  // transport padding after the delimiter
      "\n"
      "no headers, text/plain by default\n"
      "--b1\n"
      "Content-Type: application/resource-lists+xml\n"
      "Content-Disposition: recipient-list;\n"
      "  handling=required\n"
      "\n"
      "<resource-lists/>\n"
      "--b1--";
  auto parts = parse_ok(body, "b1");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_TRUE(parts[0].headers.empty());
  EXPECT_EQ(parts[0].content_type(), "text/plain");
  EXPECT_EQ(parts[0].body, "no headers, text/plain by default");
  EXPECT_EQ(parts[1].header("Content-Disposition"), "recipient-list;\n  handling=required");
  EXPECT_EQ(parts[1].body, "<resource-lists/>");
}

TEST(Multipart, AFoldLineOfWhiteSpaceOnlyAddsNothing) {
  // Found by fuzzing: the value took in the line break before the blank fold line, and built
  // back, that line break ended the header section early.
  auto parts =
      parse_ok("--b\r\nX-Note: a\r\n \r\nContent-Type: text/plain\r\n\r\nbody\r\n--b--", "b");
  ASSERT_EQ(parts.size(), 1u);
  ASSERT_EQ(parts[0].headers.size(), 2u);
  EXPECT_EQ(parts[0].headers[0].value, "a");
  auto built = build_multipart(parts, "b");
  ASSERT_TRUE(built);
  auto again = parse_ok(*built, "b");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].headers.size(), 2u);
  EXPECT_EQ(again[0].body, "body");
}

TEST(Multipart, ALineThatOnlyStartsWithTheBoundaryIsContent) {
  std::string body =
      "--sep\r\n"
      "\r\n"
      "--separator is not the delimiter\r\n"
      "--sep--\r\n";
  auto parts = parse_ok(body, "sep");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].body, "--separator is not the delimiter");
}

TEST(Multipart, EmptyPartsAndHeadersWithoutBody) {
  auto parts = parse_ok("--b\r\n--b\r\nContent-ID: <x@y>\r\n--b--\r\n", "b");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_TRUE(parts[0].headers.empty());
  EXPECT_EQ(parts[0].body, "");
  ASSERT_EQ(parts[1].headers.size(), 1u);
  EXPECT_EQ(parts[1].header("Content-ID"), "<x@y>");
  EXPECT_EQ(parts[1].body, "");
}

TEST(Multipart, Errors) {
  struct Bad {
    std::string body;
    std::string what;
    std::size_t offset;  // npos: the end of the body
  };
  const std::string closing = "--b\r\n\r\nx\r\n--b--\r\n";
  for (const Bad& b : {
           Bad{"no delimiter at all", "multipart: no delimiter line '--b'", 0},
           Bad{"--b\r\n\r\nbody without an end\r\n", "multipart: missing closing delimiter '--b--'",
               std::string::npos},
           Bad{"--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n",
               "multipart: missing closing delimiter '--b--'", std::string::npos},
           Bad{"--b--\r\n", "multipart: no body part before '--b--'", 0},
           Bad{"--b\r\nno colon here\r\n\r\nx\r\n--b--\r\n",
               "multipart: part 1: header line without 'name:'", 5},
           Bad{"--b\r\n\r\nx\r\n--b\r\n bad fold\r\n\r\n--b--\r\n",
               "multipart: part 2: starts with white space", 15},
       }) {
    auto r = parse_multipart(b.body, "b");
    ASSERT_FALSE(r) << b.body;
    EXPECT_EQ(r.error().what, b.what) << b.body;
    EXPECT_EQ(r.error().offset, b.offset == std::string::npos ? b.body.size() : b.offset) << b.body;
    EXPECT_EQ(r.error().status, 400);
  }
  EXPECT_FALSE(parse_multipart(closing, "bad boundary "));
  EXPECT_TRUE(parse_multipart(closing, "b"));
}

TEST(Multipart, LimitsBoundTheInput) {
  std::string many;
  for (int i = 0; i < 5; ++i) many += "--b\r\n\r\npart\r\n";
  many += "--b--\r\n";
  MultipartLimits limits;
  limits.max_parts = 4;
  auto r = parse_multipart(many, "b", limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what, "multipart: more than 4 body parts");
  limits = {};
  limits.max_headers = 1;
  r = parse_multipart("--b\r\nA: 1\r\nB: 2\r\n\r\n--b--", "b", limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what, "multipart: part 1: more than 1 header fields");
}

TEST(Multipart, BuildsAndParsesBack) {
  std::vector<BodyPart> parts(2);
  parts[0].headers.push_back({"Content-Type", "application/sdp"});
  parts[0].body = kSdp;
  parts[1].headers.push_back({"Content-Type", "application/pidf+xml"});
  parts[1].headers.push_back({"Content-ID", "<target123@atlanta.example.com>"});
  parts[1].body = "<presence/>";
  auto built = build_multipart(parts, "boundary1");
  ASSERT_TRUE(built) << built.error();
  EXPECT_EQ(*built,
            "--boundary1\r\n"
            "Content-Type: application/sdp\r\n"
            "\r\n" +
                std::string(kSdp) +
                "\r\n"
                "--boundary1\r\n"
                "Content-Type: application/pidf+xml\r\n"
                "Content-ID: <target123@atlanta.example.com>\r\n"
                "\r\n"
                "<presence/>\r\n"
                "--boundary1--\r\n");
  auto back = parse_ok(*built, "boundary1");
  ASSERT_EQ(back.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(back[i].body, parts[i].body);
    ASSERT_EQ(back[i].headers.size(), parts[i].headers.size());
    for (std::size_t h = 0; h < parts[i].headers.size(); ++h) {
      EXPECT_EQ(back[i].headers[h].name, parts[i].headers[h].name);
      EXPECT_EQ(back[i].headers[h].value, parts[i].headers[h].value);
    }
  }
}

TEST(Multipart, BuildRefusesABoundaryThatOccursInAPart) {
  std::vector<BodyPart> parts(1);
  parts[0].body = "text with --sep inside";
  auto r = build_multipart(parts, "sep");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "boundary 'sep' occurs in part 1");
  r = build_multipart(parts, "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "invalid boundary '' (RFC 2046 §5.1.1)");
}

TEST(Multipart, ContentTypeQuotesWhenNeeded) {
  EXPECT_EQ(multipart_content_type("unique-boundary-1"),
            "multipart/mixed;boundary=unique-boundary-1");
  EXPECT_EQ(multipart_content_type("simple boundary", "related"),
            "multipart/related;boundary=\"simple boundary\"");
  // multipart_boundary returns a view into its argument: keep the Content-Type alive.
  std::string content_type = multipart_content_type("a=b:c");
  auto b = multipart_boundary(content_type);
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, "a=b:c");
}

}  // namespace
}  // namespace parley::message
