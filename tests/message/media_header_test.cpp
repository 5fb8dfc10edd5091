#include "message/media_header.hpp"

#include <gtest/gtest.h>

#include "parse_expect.hpp"

namespace parley::message {
namespace {

using testing::error_of;
using testing::parsed;

TEST(MediaType, Rfc3261Examples) {
  // §20.15
  MediaType sdp = parsed(parse_media_type("application/sdp"));
  EXPECT_EQ(sdp.type, "application");
  EXPECT_EQ(sdp.subtype, "sdp");
  EXPECT_TRUE(sdp.is("Application", "SDP"));
  EXPECT_FALSE(sdp.is("application", "sdpx"));
  EXPECT_TRUE(sdp.params.empty());
  MediaType html = parsed(parse_media_type("text/html; charset=ISO-8859-4"));
  EXPECT_TRUE(html.is("text", "html"));
  EXPECT_EQ(html.param("charset"), "ISO-8859-4");
  EXPECT_EQ(html.to_string(), "text/html;charset=ISO-8859-4");
}

TEST(MediaType, QuotedParametersAndSlashWithSpace) {
  MediaType m = parsed(parse_media_type("multipart/mixed ; boundary=\"simple boundary\""));
  EXPECT_TRUE(m.is("multipart", "mixed"));
  EXPECT_EQ(m.param("boundary"), "simple boundary");
  std::string out = m.to_string();
  EXPECT_EQ(out, "multipart/mixed;boundary=\"simple boundary\"");
  MediaType again = parsed(parse_media_type(out), out);
  EXPECT_EQ(again.param("boundary"), "simple boundary");
  // SLASH = SWS "/" SWS
  EXPECT_TRUE(parsed(parse_media_type("message / sipfrag")).is("message", "sipfrag"));
}

TEST(MediaType, Errors) {
  EXPECT_EQ(error_of(parse_media_type("")), "expected a media type");
  EXPECT_EQ(error_of(parse_media_type("application")),
            "expected '/' after the media type 'application'");
  EXPECT_EQ(error_of(parse_media_type("application/")), "expected a media subtype after '/'");
  EXPECT_EQ(error_of(parse_media_type("*/*")),
            "a media type cannot be a wildcard ('*' belongs in Accept)");
  EXPECT_EQ(error_of(parse_media_type("text/html;charset")), "parameter 'charset' needs a value");
  EXPECT_EQ(error_of(parse_media_type("text/html, text/plain")), "unexpected ','");
}

TEST(Accept, Rfc3261Example) {
  // §20.1
  auto list = parsed(parse_accept("application/sdp;level=1, application/x-private, text/html"));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].type, "application");
  EXPECT_EQ(list[0].subtype, "sdp");
  EXPECT_EQ(list[0].params.get("level"), "1");
  EXPECT_FALSE(list[0].q);
  EXPECT_EQ(list[1].subtype, "x-private");
  EXPECT_EQ(list[2].type, "text");
  EXPECT_EQ(list[2].subtype, "html");
}

TEST(Accept, QSeparatesMediaParamsFromAcceptParams) {
  auto list = parsed(parse_accept("text/*;level=2;q=0.3;ext=1, */*;q=0, application/sdp;q=1"));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].params.get("level"), "2");
  EXPECT_EQ(list[0].q, 300);
  EXPECT_EQ(list[0].accept_params.get("ext"), "1");
  EXPECT_FALSE(list[0].params.has("ext"));
  EXPECT_EQ(list[1].q, 0);
  EXPECT_EQ(list[2].q, 1000);
  MediaType html = parsed(parse_media_type("text/html"));
  MediaType sdp = parsed(parse_media_type("application/sdp"));
  EXPECT_TRUE(list[0].matches(html));
  EXPECT_FALSE(list[0].matches(sdp));
  EXPECT_TRUE(list[1].matches(sdp));
  EXPECT_TRUE(list[2].matches(sdp));
  EXPECT_EQ(list[0].to_string(), "text/*;level=2;q=0.3;ext=1");
  EXPECT_EQ(list[2].to_string(), "application/sdp;q=1");
}

TEST(Accept, EmptyMeansNothingIsAcceptable) {
  // §20.1: "An empty Accept header field means that no formats are acceptable."
  EXPECT_TRUE(parsed(parse_accept("")).empty());
}

TEST(Accept, Errors) {
  EXPECT_EQ(error_of(parse_accept("*/sdp")),
            "media range '*/sdp' is not allowed: only '*/*' may start with '*'");
  EXPECT_EQ(error_of(parse_accept("application/sdp;q=2")), "invalid q-value '2'");
  EXPECT_EQ(error_of(parse_accept("application/sdp;q=0.5;q=0.7")),
            "parameter 'q' appears more than once");
  EXPECT_EQ(error_of(parse_accept("application/sdp;q=1.5")), "q-value '1.5' is above 1");
  EXPECT_EQ(error_of(parse_accept("application/sdp;q=0.1234")), "invalid q-value '0.1234'");
  auto bad = parse_accept("text/html, image");
  EXPECT_EQ(error_of(bad), "expected '/' after the media type 'image'");
  EXPECT_EQ(bad.error().offset, 16u);  // rebased onto the whole value
}

TEST(AcceptEncoding, Rfc3261AndHttpExamples) {
  auto gzip = parsed(parse_accept_encoding("gzip"));
  ASSERT_EQ(gzip.size(), 1u);
  EXPECT_EQ(gzip[0].coding, "gzip");
  EXPECT_FALSE(gzip[0].q);
  auto list = parsed(parse_accept_encoding("gzip;q=1.0, identity; q=0.5, *;q=0"));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].q, 1000);
  EXPECT_EQ(list[1].coding, "identity");
  EXPECT_EQ(list[1].q, 500);
  EXPECT_EQ(list[2].coding, "*");
  EXPECT_EQ(list[2].q, 0);
  std::string out;
  for (const Coding& c : list) {
    if (!out.empty()) out.append(", ");
    c.append_to(out);
  }
  EXPECT_EQ(out, "gzip;q=1, identity;q=0.5, *;q=0");
  // §20.2: an empty Accept-Encoding is permissible (identity only).
  EXPECT_TRUE(parsed(parse_accept_encoding("")).empty());
  EXPECT_EQ(error_of(parse_accept_encoding("gzip;q=x")), "invalid q-value 'x'");
}

TEST(AcceptLanguage, Rfc3261Example) {
  // §20.3
  auto list = parsed(parse_accept_language("da, en-gb;q=0.8, en;q=0.7"));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].range, "da");
  EXPECT_FALSE(list[0].q);
  EXPECT_EQ(list[1].range, "en-gb");
  EXPECT_EQ(list[1].q, 800);
  EXPECT_EQ(list[2].range, "en");
  EXPECT_EQ(list[2].q, 700);
  std::string out;
  list[1].append_to(out);
  EXPECT_EQ(out, "en-gb;q=0.8");
  EXPECT_EQ(parsed(parse_accept_language("*;q=0.1")).at(0).range, "*");
  EXPECT_EQ(error_of(parse_accept_language("englishes-x")),
            "language tag 'englishes-x' needs parts of 1 to 8 letters separated by '-'");
  EXPECT_EQ(error_of(parse_accept_language("e1")), "invalid character '1' in language tag 'e1'");
}

TEST(ContentEncoding, Rfc3261Examples) {
  // §20.12
  EXPECT_EQ(parsed(parse_content_encoding("gzip")), (std::vector<std::string_view>{"gzip"}));
  EXPECT_EQ(parsed(parse_content_encoding("gzip, tar")),
            (std::vector<std::string_view>{"gzip", "tar"}));
  EXPECT_EQ(error_of(parse_content_encoding("")), "empty value");
  EXPECT_EQ(error_of(parse_content_encoding("gz ip")),
            "invalid character ' ' in content-coding 'gz ip'");
}

TEST(ContentLanguage, Rfc3261ExampleAndBcp47) {
  // §20.13
  EXPECT_EQ(parsed(parse_content_language("fr")), (std::vector<std::string_view>{"fr"}));
  EXPECT_EQ(parsed(parse_content_language("en-US, es-419")),
            (std::vector<std::string_view>{"en-US", "es-419"}));
  EXPECT_EQ(error_of(parse_content_language("fr-")),
            "language tag 'fr-' needs parts of 1 to 8 letters separated by '-'");
  EXPECT_EQ(error_of(parse_content_language("*")), "invalid character '*' in language tag '*'");
}

TEST(ContentDisposition, Rfc3261Examples) {
  // §20.11
  ContentDisposition session = parsed(parse_content_disposition("session"));
  EXPECT_EQ(session.type, "session");
  EXPECT_FALSE(session.handling);
  EXPECT_FALSE(session.handling_optional());  // absent means required
  ContentDisposition icon =
      parsed(parse_content_disposition("icon;handling=optional;filename=\"alice.png\""));
  EXPECT_EQ(icon.type, "icon");
  EXPECT_EQ(icon.handling, "optional");
  EXPECT_TRUE(icon.handling_optional());
  EXPECT_EQ(icon.params.get("filename"), "alice.png");
  EXPECT_FALSE(icon.params.has("handling"));
  std::string out = icon.to_string();
  EXPECT_EQ(out, "icon;handling=optional;filename=\"alice.png\"");
  ContentDisposition again = parsed(parse_content_disposition(out), out);
  EXPECT_EQ(again.handling, "optional");
  EXPECT_EQ(again.params.get("filename"), "alice.png");
}

TEST(ContentDisposition, Errors) {
  EXPECT_EQ(error_of(parse_content_disposition("")), "expected a disposition type");
  EXPECT_EQ(error_of(parse_content_disposition("render;handling")),
            "parameter 'handling' needs a value");
  EXPECT_EQ(error_of(parse_content_disposition("render;handling=\"optional\"")),
            "handling must be a token");
  EXPECT_EQ(error_of(parse_content_disposition("render;handling=optional;handling=required")),
            "parameter 'handling' appears more than once");
  EXPECT_EQ(error_of(parse_content_disposition("render session")), "unexpected 's'");
}

TEST(MimeVersion, Rfc3261ExampleAndErrors) {
  // §20.24
  MimeVersion v = parsed(parse_mime_version("1.0"));
  EXPECT_EQ(v.major, 1u);
  EXPECT_EQ(v.minor, 0u);
  EXPECT_EQ(v.to_string(), "1.0");
  MimeVersion w = parsed(parse_mime_version("12.34"));
  EXPECT_EQ(w.major, 12u);
  EXPECT_EQ(w.minor, 34u);
  EXPECT_EQ(error_of(parse_mime_version("1")), "expected DIGITS.DIGITS, found '1'");
  EXPECT_EQ(error_of(parse_mime_version("1.")), "expected DIGITS.DIGITS, found '1.'");
  EXPECT_EQ(error_of(parse_mime_version("1.0a")), "expected DIGITS.DIGITS, found '1.0a'");
  EXPECT_EQ(error_of(parse_mime_version("v1.0")), "expected DIGITS.DIGITS, found 'v1.0'");
}

}  // namespace
}  // namespace parley::message
